// The transit API's line diagram as the server answers it and the passenger pages read it (数字公交).

/** `GET /api/v1/transit/networks`: the bus networks (GTFS feeds) passengers can choose from. */
export interface TransitNetworks {
  /** The network a request naming none is for; null when there are several and none is the default. */
  default: string | null;
  items: Array<{ id: string; agencies: string[]; routes: number; stops: number; timeZone: string }>;
}

export interface RouteSummary { id: string; shortName: string; longName: string; color: string; type: number }

/** Where a vehicle stands against the one ahead: bunched (under 25% of the headway), a big gap, or regular. */
export type GapStatus = 'bunching' | 'gap' | 'regular';

export interface DiagramVehicle {
  vehicleId: string;
  tripId: string;
  /** Distance along the direction's main stop pattern, metres. */
  along: number;
  /** Index (in the diagram's stops) of the next stop. */
  nextStop: number;
  /** Seconds late (negative: early); a vehicle waiting at its first stop before its time is on time. */
  delaySeconds: number;
  /**
   * POSIX seconds at which a vehicle waiting at its first stop is due to leave, while it is before that
   * time (a bus laying over before its trip); null for a vehicle on its way. A waiting vehicle has no gap
   * to the one ahead, and the first vehicle on its way behind it is measured against the one ahead of both.
   */
  waitingUntil: number | null;
  /** Index (in the diagram's stops) of the stop its operator reports the vehicle standing at, or null. */
  standingAt: number | null;
  /** POSIX seconds of the last position. */
  reportedAt: number;
  /** Scheduled running time from this vehicle to the one ahead of it, seconds (null for the leader). */
  gapAheadSeconds: number | null;
  gapAhead: GapStatus | null;
}

/** `GET /api/v1/transit/routes/:id`: the line diagram; `timeZone` is the feed's, in which its times are shown. */
export interface RouteDiagram {
  feed: string; route: RouteSummary; at: number; timeZone: string; directions: DiagramDirection[];
  /** The operator's service alerts in force that concern the route: it, its trips, its type or agency, or a stop it calls at (not another route's at that stop). */
  alerts: ServiceAlert[];
}

export interface DiagramDirection {
  directionId: number;
  headsign: string;
  stops: Array<{ id: string; name: string; distance: number }>;
  length: number;
  /** Median scheduled headway of the direction's trips around now, seconds (null when fewer than two). */
  scheduledHeadway: number | null;
  vehicles: DiagramVehicle[];
}

/** One next arrival at a stop (GET /api/v1/transit/stops/:id/arrivals and the stop's stream). */
export interface Arrival {
  /** The stop the bus calls at: the one asked for, or for a station (a hub) the bay or platform in it. */
  stopId: string;
  /**
   * Where to board: the platform or bay code of that stop (GTFS platform_code, "3", "A2"), which a
   * station's board shows beside each bus; null when the feed gives none.
   */
  platform: string | null;
  /**
   * Whether the trip's vehicle takes a wheelchair (GTFS wheelchair_accessible: a low-floor bus with a
   * ramp); null when the feed does not say.
   */
  wheelchairAccessible: boolean | null;
  /** The stop is the trip's last: the bus ends its trip here and takes nobody on. */
  terminates: boolean;
  tripId: string;
  routeId: string;
  headsign: string;
  stopSequence: number;
  /** POSIX seconds. */
  scheduledArrival: number;
  predictedArrival: number;
  delaySeconds: number;
  vehicleId: string | null;
  live: boolean;
  /**
   * Where a bus we track on this trip is, as stop boards say it ("还有 3 站"): the stops it has still to
   * reach up to this one (1: this is the next stop it comes to; 0: it stands here, at its first stop
   * waiting to leave, or on the way as its operator reports it), and the metres along the route. Null
   * for arrivals no tracked bus is running yet (the timetable, the operator's TripUpdates, the next trip
   * of a bus's block).
   */
  stopsAway: number | null;
  metresAway: number | null;
  /** The tracked bus stands at its trip's first stop, waiting to leave (a bus counting its stops from there). */
  waitingAtFirstStop: boolean;
  /**
   * Where the time comes from: our engine for a tracked vehicle (on this trip, or on the trip before it in
   * its block), the operator's TripUpdate, or the timetable.
   */
  source: 'vehicle' | 'operator' | 'timetable';
}

/** A text in one language (GTFS-Realtime TranslatedString); `language` null when the feed does not say (its default). */
export interface TranslatedText { text: string; language: string | null }

/**
 * A service alert in force that concerns the stop or route asked about (GTFS-Realtime Alert): a detour, a stop closed, a line
 * not running. `cause` and `effect` are the spec's names (DETOUR, NO_SERVICE, …) or null; texts come in
 * the languages the operator gave, for the page to pick its own; `url` only http(s) links.
 */
export interface ServiceAlert {
  id: string;
  cause: string | null;
  effect: string | null;
  header: TranslatedText[];
  description: TranslatedText[];
  url: TranslatedText[];
  /** POSIX seconds; null: open-ended. None: always. */
  activePeriods: Array<{ start: number | null; end: number | null }>;
}

export interface StopArrivals {
  /** The feed the stop is in (the request may not have named it). */
  feed: string;
  /**
   * `timeZone`: the feed's time zone (its agency_timezone, IANA), in which the stop's clock times are
   * shown, whatever the zone of the phone or screen reading them.
   */
  stop: {
    id: string; name: string; timeZone: string;
    /** The station (hub, terminal) the stop is a bay of, whose board shows every line there; null when none. */
    station: { id: string; name: string } | null;
    /** The stop's own platform or bay code (GTFS platform_code), as its sign shows it; null when none. */
    platform: string | null;
    /** Whether a wheelchair user can board at the stop (its wheelchair_boarding, else its station's); null when the feed does not say. */
    wheelchairBoarding: boolean | null;
  };
  arrivals: Arrival[];
  /**
   * When no bus comes within the window (late at night, a line that runs on weekdays only): the next one
   * the timetable has here to board, up to a week ahead; null when buses come within the window, or when
   * none is timetabled (a feed past its last service day).
   */
  next: NextBus | null;
  /** The operator's alerts in force for the stop, its station, or a route, trip or agency calling there. */
  alerts: ServiceAlert[];
}

/** The next timetabled bus at a stop, past the arrivals listed. */
export interface NextBus { stopId: string; routeId: string; tripId: string; headsign: string; scheduledArrival: number }

/** The city's target: 97% of arrival announcements within the window of their horizon. */
export const PREDICTION_ACCURACY_GOAL = 0.97;

/**
 * Fewer announcements judged than this say too little to hold against the goal (a handful of buses would
 * swing the share): the vital sign sends no figure, and the bus monitor shows the share without flagging it.
 */
export const PREDICTION_ACCURACY_MIN_JUDGED = 100;

/**
 * A route direction whose headway CV is over this is irregular: level of service E or worse. The bus
 * monitor flags it, and the vital sign counts it.
 * See: Transit Capacity and Quality of Service Manual, 3rd ed. (TCRP Report 165), chapter 5: headway
 * adherence levels of service by CV (A to 0.21, B 0.30, C 0.39, D 0.52, E 0.74, F beyond).
 */
export const IRREGULAR_HEADWAY_CV = 0.52;

/** `GET /api/v1/transit/accuracy`: the announcements judged as the buses passed the stops. */
export interface PredictionAccuracy {
  feed: string;
  goal: number;
  /** Seconds back from now. */
  window: number;
  /** POSIX seconds: the arrivals judged fall in [from, to). */
  from: number;
  to: number;
  count: number;
  /** Share within the window of the horizon bucket; null when nothing was judged. */
  inWindow: number | null;
  /** By horizon: [from, to) seconds before the bus came. */
  buckets: Array<{ label: string; from: number; to: number; count: number; inWindow: number | null }>;
  /** The most announcements outside their window first. */
  routes: Array<{ routeId: string; count: number; inWindow: number | null }>;
}

export type FeedNoticeCode = 'stops_out_of_order' | 'stop_far_from_shape' | 'fast_travel_between_consecutive_stops';

/**
 * What a GTFS feed says that is valid but probably not what its buses do, found at import, for one stop
 * pattern: the trips that share its stops, named by the first of them read. The feed is imported all the
 * same; predictions on those trips suffer, as the tracker places buses on the path the stops make.
 */
export interface FeedNotice {
  code: FeedNoticeCode;
  file: 'stop_times.txt' | 'shapes.txt';
  /** Line of the first stop_times row concerned, in the trip named. */
  line: number;
  routeId: string;
  /** route_short_name, as riders know the route ('' when the feed has none). */
  routeShortName: string;
  tripId: string;
  /** How many trips the finding concerns: those that share the stop pattern (for fast travel, those of them timed too fast). */
  trips: number;
  /** How many of the trip's stops are concerned, and the first 20 of them in the trip's order (for fast travel, both ends of each hop). */
  stops: number;
  stopIds: string[];
  /** In English, with the figures: for logs and the command line. */
  reason: string;
}

/** Rows a GTFS import read, per table. */
export interface FeedCounts { agencies: number; stops: number; routes: number; services: number; trips: number; stopTimes: number; frequencies: number; shapePoints: number; transfers: number }

/**
 * The days a feed's timetable covers (calendar.txt and calendar_dates.txt), in its own time zone, and
 * where today stands: `startsIn` > 0, not yet in force; `daysLeft` < 0, past its last day (no bus runs
 * by it); under 7, about to end (what GTFS validators warn of).
 */
export interface ServicePeriod {
  /** The first and last day any service runs, YYYY-MM-DD. */
  from: string;
  until: string;
  /** Days from today to `from`, and to `until`. */
  startsIn: number;
  daysLeft: number;
  /** What an operator must hear of it today: past its last day, not begun, its last day, ending within a week; null when none. */
  warning: 'ended' | 'not-yet' | 'last-day' | 'ending' | null;
}

/** A feed as `GET /api/v1/transit/feeds` lists it. */
export interface FeedSummary {
  id: string;
  agencyTimezone: string;
  importedAt: string;
  source: string;
  counts: FeedCounts;
  notices: FeedNotice[];
  /** Null when none of its services ever runs (or the feed is stored but not loaded). */
  service: ServicePeriod | null;
}
