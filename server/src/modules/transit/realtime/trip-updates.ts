// TripUpdates from an operator as an input: for trips that no tracked vehicle runs (a bus whose positions
// we do not get, a trip not yet started), the operator's own predicted times at the stops. Each update is
// turned into a predicted arrival per stop of the trip, following the GTFS-Realtime rules: a
// StopTimeUpdate gives a time or a delay for its stop (arrival, else departure); its delay carries on to
// the later stops until the next StopTimeUpdate; stops before the first one have no prediction; a SKIPPED
// stop has no arrival (the delay still carries past it); NO_DATA stops the carrying until the next update;
// a CANCELED trip runs at no stop.
// Trips the timetable does not have at that time are taken too, so that passengers see them:
//   - DUPLICATED: a copy of the timetable trip `trip_id`, known as `trip_properties.trip_id`, starting at
//     `trip_properties.start_time` (and `start_date`), every time moved by the same amount;
//   - ADDED naming a timetable trip: the same copy in the older form some operators still send (the trip
//     run at `start_time`; the pair <trip_id, start_time> names it);
//   - ADDED naming a trip the timetable does not have: a new trip of `route_id`, whose stop time updates
//     must each give a stop and an absolute time (there is no schedule to add a delay to).
// See: https://gtfs.org/documentation/realtime/reference/#message-tripupdate
// See: https://gtfs.org/documentation/realtime/feed-entities/trip-updates/#stoptimeupdate
import type { Trip, Timetable } from '../gtfs/timetable.js';
import { parseGtfsDate, parseGtfsTime } from '../gtfs/time.js';
import { formatSecondOfDay, isFrequencyBased, nearestInstance } from '../tracking/frequencies.js';
import type { FeedMessageObject } from './feed-message.js';

export interface OperatorTrip {
  /**
   * The key of a trip run as the tracker keys it: `tripId@serviceDay`, plus `+HH:MM:SS` for a frequency
   * instance; an added run's key starts with `added:`, so that it never stands for a timetable run.
   */
  key: string;
  /** The id passengers and other systems know the run by: the timetable's, or an added trip's own. */
  tripId: string;
  routeId: string;
  headsign: string;
  /** The timetable trip whose stops and times the run follows (for a duplicate, the trip copied); null for a new trip. */
  trip: Trip | null;
  /** A run the timetable does not have: a duplicate of a timetable trip at another time, or a new trip. */
  added: boolean;
  /** The run's calls: stop ids and sequences, one per stop of `arrivals`. */
  stopIds: readonly string[];
  stopSequences: ArrayLike<number>;
  /**
   * Scheduled time at each stop (POSIX seconds). A new trip has no timetable: the times of the first
   * update taken for it stand for one (see `keepSchedule`), so that later updates show a delay.
   */
  scheduled: Float64Array;
  serviceDay: number;
  /** The run's start (seconds of its service day) for a copy or a frequency instance, which it names; else null. */
  startTime: number | null;
  vehicleId: string | null;
  /** When the operator made the prediction (POSIX seconds). */
  timestamp: number;
  canceled: boolean;
  /** Predicted arrival at each stop of the trip (POSIX seconds), NaN where the update says nothing. */
  arrivals: Float64Array;
}

export interface TripUpdateReport {
  /** TripUpdate entities in the message. */
  received: number;
  /** Taken: they now give arrivals for trips without a tracked vehicle. */
  used: number;
  stale: number;
  /** No trip id, a trip the timetable does not have (and is not added), or a trip that does not run on any nearby day. */
  unmatched: number;
  /** Of those used: runs the timetable does not have (duplicated or added trips). */
  added: number;
  /** Timestamps in the future, or stop time updates that match no stop of the trip. */
  invalid: number;
}

type Entity = NonNullable<FeedMessageObject['entity']>[number];
type TripUpdate = NonNullable<Entity['tripUpdate']>;
type StopTimeEvent = { time?: number | Long | null; delay?: number | null } | null | undefined;
type Long = { toNumber(): number };

const numberOf = (value: unknown): number | null => (value === undefined || value === null ? null : Number(value));

/** The time an event gives: its absolute time, else the scheduled time plus its delay; null when it gives neither. */
function eventTime(event: StopTimeEvent, scheduled: number): { time: number; delay: number } | null {
  if (!event) return null;
  const time = numberOf(event.time);
  if (time !== null && time > 0) return { time, delay: time - scheduled };
  const delay = numberOf(event.delay);
  if (delay !== null && Number.isFinite(delay)) return { time: scheduled + delay, delay };
  return null;
}

/** The stop index each StopTimeUpdate refers to: by stop_sequence when given, else the next call at its stop_id. */
function stopIndexOf(trip: Trip, update: { stopSequence?: number | null; stopId?: string | null }, from: number): number {
  const sequence = numberOf(update.stopSequence);
  if (sequence !== null) {
    for (let i = 0; i < trip.stopSequences.length; i++) if (trip.stopSequences[i] === sequence) return i;
    return -1;
  }
  if (update.stopId) {
    for (let i = Math.max(0, from); i < trip.pattern.stopIds.length; i++) if (trip.pattern.stopIds[i] === update.stopId) return i;
  }
  return -1;
}

/** The predicted arrivals at each stop from one TripUpdate; null when a StopTimeUpdate names no stop of the trip. */
export function predictedArrivals(trip: Trip, serviceStart: number, update: TripUpdate): Float64Array | null {
  const arrivals = new Float64Array(trip.arrivals.length).fill(NaN);
  const updates = update.stopTimeUpdate ?? [];
  let carried: number | null = null;
  let next = 0;
  if (updates.length === 0) {
    // A trip-level delay alone (TripUpdate.delay): the whole trip runs that late.
    const delay = numberOf(update.delay);
    if (delay === null) return null;
    for (let i = 0; i < arrivals.length; i++) arrivals[i] = serviceStart + trip.arrivals[i]! + delay;
    return arrivals;
  }
  let index = -1;
  for (const stopUpdate of updates) {
    const at = stopIndexOf(trip, stopUpdate, index + 1);
    if (at < 0 || at <= index) return null;
    // The stops between the previous update and this one carry the previous delay.
    for (let i = next; i < at; i++) if (carried !== null) arrivals[i] = serviceStart + trip.arrivals[i]! + carried;
    const relationship = String(stopUpdate.scheduleRelationship ?? 'SCHEDULED');
    if (relationship === 'NO_DATA') {
      carried = null;
    } else {
      const scheduledArrival = serviceStart + trip.arrivals[at]!;
      const scheduledDeparture = serviceStart + trip.departures[at]!;
      const arrival = eventTime(stopUpdate.arrival as StopTimeEvent, scheduledArrival);
      const departure = eventTime(stopUpdate.departure as StopTimeEvent, scheduledDeparture);
      const delay = arrival?.delay ?? departure?.delay ?? carried;
      if (relationship !== 'SKIPPED') {
        arrivals[at] = arrival ? arrival.time : delay !== null ? scheduledArrival + delay : NaN;
      }
      // The delay leaving the stop is what carries on (a bus can make up time waiting at a timepoint).
      carried = departure?.delay ?? arrival?.delay ?? carried;
    }
    index = at;
    next = at + 1;
  }
  for (let i = next; i < arrivals.length; i++) if (carried !== null) arrivals[i] = serviceStart + trip.arrivals[i]! + carried;
  return arrivals;
}

/**
 * The TripUpdates of a message as operator trips. `serviceDayOf` places a trip without a start_date on the
 * running day whose timetable is nearest the update's time; `isStale` judges the update's timestamp.
 */
export function operatorTripsOf(
  message: FeedMessageObject,
  timetable: Timetable,
  serviceDayOf: (trip: Trip, time: number) => number | null,
  judge: (timestamp: number) => 'ok' | 'stale' | 'invalid',
  /** The added run held under a trip id the timetable does not have (to cancel it). */
  addedRunOf: (tripId: string) => OperatorTrip | undefined = () => undefined,
): { trips: OperatorTrip[]; report: TripUpdateReport } {
  const headerTime = Number(message.header?.timestamp ?? 0);
  const report: TripUpdateReport = { received: 0, used: 0, stale: 0, unmatched: 0, invalid: 0, added: 0 };
  const trips: OperatorTrip[] = [];
  for (const entity of message.entity ?? []) {
    const update = entity.tripUpdate;
    if (!update) continue;
    report.received++;
    const timestamp = Number(update.timestamp ?? headerTime);
    const verdict = timestamp > 0 ? judge(timestamp) : 'invalid';
    if (verdict !== 'ok') { report[verdict]++; continue; }
    const taken = operatorTripOf(update, timestamp, timetable, serviceDayOf, addedRunOf);
    if (typeof taken === 'string') { report[taken]++; continue; }
    trips.push(taken);
    report.used++;
    if (taken.added) report.added++;
  }
  return { trips, report };
}

type Refusal = 'unmatched' | 'invalid';

/** One TripUpdate as an operator trip, or why it is not taken. */
function operatorTripOf(
  update: TripUpdate, timestamp: number, timetable: Timetable,
  serviceDayOf: (trip: Trip, time: number) => number | null, addedRunOf: (tripId: string) => OperatorTrip | undefined,
): OperatorTrip | Refusal {
  const descriptor = update.trip;
  const relationship = String(descriptor?.scheduleRelationship ?? 'SCHEDULED');
  const trip = descriptor?.tripId ? timetable.trips.get(descriptor.tripId) : undefined;
  if (relationship === 'ADDED' && descriptor?.tripId && !trip) return newTrip(update, timestamp, timetable);
  if (relationship === 'CANCELED' && descriptor?.tripId && !trip) {
    // An added trip called off, by the id it was added under.
    const held = addedRunOf(descriptor.tripId);
    return held ? { ...held, timestamp, canceled: true, arrivals: new Float64Array(held.arrivals.length).fill(NaN) } : 'unmatched';
  }
  if (!trip) return 'unmatched';
  const copy = relationship === 'DUPLICATED' || relationship === 'ADDED';
  // A duplicate's own date and start are in trip_properties (DUPLICATED) or the descriptor (ADDED).
  const properties = relationship === 'DUPLICATED' ? update.tripProperties : descriptor;
  if (relationship === 'DUPLICATED' && (!properties?.tripId || timetable.trips.has(properties.tripId))) return 'invalid';
  const startDate = properties?.startDate ? parseGtfsDate(properties.startDate) : null;
  if (properties?.startDate && startDate === null) return 'invalid';
  const serviceDay = startDate ?? serviceDayOf(trip, timestamp);
  if (serviceDay === null) return 'unmatched';
  // A frequency-based trip runs many times a day, and a duplicate runs at a time of its own: start_time
  // says which run (required for both, E006). A frequency run is keyed as the tracker keys the instance
  // nearest that start (with exact_times=0 the operator's start may differ from the nominal).
  let key = `${trip.id}@${serviceDay}`;
  let offset = 0;
  let startTime: number | null = null;
  if (copy || isFrequencyBased(trip)) {
    const start = properties?.startTime ? parseGtfsTime(properties.startTime) : null;
    if (start === null) return 'invalid';
    offset = start - trip.departures[0]!;
    // A copy is keyed by the trip it copies and its start, as the tracker keys a vehicle reporting it.
    startTime = start;
    if (copy) key = `added:${trip.id}@${serviceDay}+${formatSecondOfDay(start)}`;
    else {
      const instance = nearestInstance(trip, start, 0);
      if (instance === null) return 'unmatched';
      key += `+${formatSecondOfDay(instance)}`;
      startTime = instance;
    }
  }
  const serviceStart = timetable.clock.serviceDayStart(serviceDay) + offset;
  const canceled = relationship === 'CANCELED';
  const arrivals = canceled ? new Float64Array(trip.arrivals.length).fill(NaN) : predictedArrivals(trip, serviceStart, update);
  if (!arrivals) return 'invalid';
  return {
    key, tripId: relationship === 'DUPLICATED' ? properties!.tripId! : trip.id, routeId: trip.routeId, headsign: trip.headsign,
    trip, added: copy, stopIds: trip.pattern.stopIds, stopSequences: trip.stopSequences,
    scheduled: Float64Array.from(trip.arrivals, (arrival) => serviceStart + arrival),
    serviceDay, startTime, vehicleId: vehicleOf(update), timestamp, canceled, arrivals,
  };
}

/** A trip the timetable does not have: each stop time update names a known stop and gives an absolute time. */
function newTrip(update: TripUpdate, timestamp: number, timetable: Timetable): OperatorTrip | Refusal {
  const descriptor = update.trip!;
  if (!descriptor.routeId || !timetable.routes.has(descriptor.routeId)) return 'unmatched';
  const updates = update.stopTimeUpdate ?? [];
  if (updates.length < 2) return 'invalid';
  const stopIds: string[] = [];
  const stopSequences: number[] = [];
  const times: number[] = [];
  let latest = 0;
  for (const [i, stopUpdate] of updates.entries()) {
    if (!stopUpdate.stopId || !timetable.stops.has(stopUpdate.stopId)) return 'invalid';
    const skipped = String(stopUpdate.scheduleRelationship ?? 'SCHEDULED') === 'SKIPPED';
    const time = numberOf(stopUpdate.arrival?.time) || numberOf(stopUpdate.departure?.time);
    if (!skipped && (!time || time < latest)) return 'invalid';
    if (!skipped) latest = time!;
    stopIds.push(stopUpdate.stopId);
    stopSequences.push(numberOf(stopUpdate.stopSequence) ?? i + 1);
    times.push(skipped ? NaN : time!);
  }
  if (latest === 0) return 'invalid';
  const startDate = descriptor.startDate ? parseGtfsDate(descriptor.startDate) : null;
  if (descriptor.startDate && startDate === null) return 'invalid';
  const serviceDay = startDate ?? timetable.clock.localDay(times.find(Number.isFinite)!);
  return {
    key: `added:${descriptor.tripId}@${serviceDay}`, tripId: descriptor.tripId!, routeId: descriptor.routeId,
    headsign: timetable.stops.get(stopIds[stopIds.length - 1]!)!.name,
    trip: null, added: true, stopIds, stopSequences, scheduled: Float64Array.from(times),
    serviceDay, startTime: null, vehicleId: vehicleOf(update), timestamp, canceled: false, arrivals: Float64Array.from(times),
  };
}

const vehicleOf = (update: TripUpdate) => update.vehicle?.id || update.vehicle?.label || null;

/**
 * A new trip's schedule is the one it was first announced with: a later update for the same run keeps the
 * earlier times as its schedule when it calls at the same stops, so that its delay shows.
 */
export function keepSchedule(held: OperatorTrip | undefined, next: OperatorTrip): OperatorTrip {
  if (!held || next.trip !== null || held.trip !== null || held.stopIds.length !== next.stopIds.length) return next;
  if (!held.stopIds.every((stopId, i) => stopId === next.stopIds[i])) return next;
  return { ...next, scheduled: held.scheduled };
}
