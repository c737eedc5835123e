// A stop's next arrivals, as the stop boards and apps show them: first-hand from the engine for the buses
// tracked on their trips (and the next trip of their block), the operator's TripUpdates for trips no bus
// of ours runs (and the runs it added), the timetable for the rest.
import type { Arrival, NextBus, StopArrivals } from '@citypulse/contracts';
import { serviceRuns, wheelchairBoardingAt, type Trip } from './gtfs/timetable.js';
import { isFrequencyBased, tripInstances, tripRuns } from './tracking/frequencies.js';
import { isFresh, type FeedRuntime, type TrackedVehicle } from './feed-runtime.js';
import { atFirstStop, reportedStandingAt } from './tracking/tracker.js';
import { alertsFor, alertsInForce, scopeOf } from './realtime/alerts.js';

export interface ArrivalOptions { limit: number; windowSeconds: number }

/**
 * The stops whose arrivals a stop's board shows: the stop itself, or for a station (a hub, a terminal)
 * every stop of it that trips call at.
 */
export const stopsServed = (feed: FeedRuntime, stopId: string): string[] => feed.timetable.stopsOfStation.get(stopId) ?? [stopId];

/** The next arrivals at a known stop (or station) of the feed at `now` (POSIX seconds), soonest first. */
export function stopArrivals(feed: FeedRuntime, stopId: string, now: number, options: ArrivalOptions): StopArrivals {
  const stop = feed.timetable.stops.get(stopId)!;
  const served = stopsServed(feed, stopId);
  const arrivals: Arrival[] = [];
  for (const id of served) arrivalsAt(feed, id, now, options, arrivals);
  arrivals.sort((a, b) => a.predictedArrival - b.predictedArrival);
  // A station's board is for those leaving from it: buses ending their trip in its bays take nobody on.
  // A stop's own board still shows them, marked (someone may be met off the bus).
  const isStation = feed.timetable.stopsOfStation.has(stopId);
  const shown = arrivals.filter((a) => a.predictedArrival >= now - 60 && !(isStation && a.terminates));
  const parent = stop.parentStation && feed.timetable.stopsOfStation.has(stop.parentStation) ? feed.timetable.stops.get(stop.parentStation) : undefined;
  const stationOf = parent ? { id: parent.id, name: parent.name } : null;
  // What calls at the stop is worked out only when some alert is in force (a stop board is asked often).
  const inForce = alertsInForce(feed.alertSources.values(), now);
  const alerts = inForce.length === 0 ? [] : alertsFor(inForce, scopeOf(feed.timetable, stopId, served));
  return {
    feed: feed.id,
    stop: { id: stop.id, name: stop.name, timeZone: feed.timetable.agencyTimezone, station: stationOf, platform: stop.platformCode, wheelchairBoarding: wheelchairBoardingAt(feed.timetable.stops, stop) },
    arrivals: shown.slice(0, options.limit),
    next: shown.length ? null : nextBus(feed, served, now, now + options.windowSeconds),
    alerts,
  };
}

/** How many days ahead a stop with no bus in its window looks for the next: a weekend line's, past a holiday. */
const NEXT_BUS_DAYS = 8;

/**
 * The first bus the timetable has boarding at `stopIds` after `after` (not one ending its trip there),
 * or null: what a stop board says late at night instead of only "no bus in the next hour".
 */
function nextBus(feed: FeedRuntime, stopIds: string[], now: number, after: number): NextBus | null {
  const { clock, services, tripsByStop } = feed.timetable;
  const today = clock.localDay(now);
  let best: NextBus | null = null;
  for (let day = today - 1; day <= today + NEXT_BUS_DAYS; day++) {
    const start = clock.serviceDayStart(day);
    if (best && start >= best.scheduledArrival) break; // every trip of this day and later comes after it
    // A busy stop has a thousand calls and a few services: each service is asked once a day, and a day
    // none runs (a feed past its last) is passed over whole.
    const runs = new Map<string, boolean>();
    let anyRuns = false;
    for (const [id, service] of services) {
      const running = serviceRuns(service, day);
      runs.set(id, running);
      anyRuns ||= running;
    }
    if (!anyRuns) continue;
    for (const stopId of stopIds) {
      for (const { trip, index } of tripsByStop.get(stopId) ?? []) {
        if (endsAt(trip, index)) continue;
        if (!runs.get(trip.serviceId)) continue;
        // The trip's starts (each instance's, for one run to headways): its runs, without their keys.
        const template = trip.departures[0]!;
        for (const begins of isFrequencyBased(trip) ? tripInstances(trip) : [template]) {
          const scheduled = start + trip.arrivals[index]! + begins - template;
          if (scheduled <= after || (best && scheduled >= best.scheduledArrival)) continue;
          best = { stopId, routeId: trip.routeId, tripId: trip.id, headsign: trip.headsign, scheduledArrival: scheduled };
        }
      }
    }
  }
  return best;
}

/** Where the bus is, for arrivals no bus we track runs yet (the timetable, the operator, a block's next trip). */
const NOT_TRACKED = { stopsAway: null, metresAway: null, waitingAtFirstStop: false } as const;

/** The stop at `index` is the trip's last: the bus ends its trip there. */
const endsAt = (trip: Trip, index: number) => index === trip.pattern.stopIds.length - 1;

/** Adds the next arrivals at one stop where trips call to `arrivals`. */
function arrivalsAt(feed: FeedRuntime, stopId: string, now: number, options: ArrivalOptions, arrivals: Arrival[]): void {
  const calls = feed.timetable.tripsByStop.get(stopId) ?? [];
  const platform = feed.timetable.stops.get(stopId)?.platformCode ?? null;
  // Looked up by the trips calling here, not among every vehicle of the feed: a board is asked often.
  const covered = new Set<string>();
  for (const { trip, index } of calls) for (const live of feed.liveOn(trip, now)) {
    const { run } = live;
    covered.add(run.key);
    if (!live.predictions) continue;
    const predicted = index >= live.from ? live.predictions[index - live.from]! : waitingDeparture(live, index, now) ?? standingHere(live, index, now);
    if (predicted === null) continue;
    const scheduled = run.serviceStart + trip.arrivals[index]!;
    // Counted from the last stop passed (`from` is the first not yet passed, as of the bus's last fix).
    const stopsAway = index >= live.from ? index - live.from + 1 : 0;
    const metresAway = index >= live.from ? Math.max(0, Math.round(trip.pattern.distances[index]! - run.progress)) : 0;
    arrivals.push({ stopId, platform, wheelchairAccessible: trip.wheelchairAccessible, terminates: endsAt(trip, index), tripId: feed.copyIdOf(run) ?? trip.id, routeId: trip.routeId, headsign: trip.headsign, stopSequence: trip.stopSequences[index]!, scheduledArrival: scheduled, predictedArrival: Math.round(predicted), delaySeconds: Math.round(predicted - scheduled), vehicleId: live.ping.vehicleId, live: true, stopsAway, metresAway, waitingAtFirstStop: atFirstStop(run), source: 'vehicle' });
  }
  // The next trip of a tracked bus's block: it leaves when that bus can start it.
  for (const { trip, index } of calls) {
    for (const next of feed.followOnsOf(trip, now)) {
      if (covered.has(next.key)) continue;
      covered.add(next.key);
      const scheduled = next.dayStart + trip.arrivals[index]!;
      const predicted = scheduled + next.delay;
      if (predicted < now - 60 || predicted > now + options.windowSeconds) continue;
      arrivals.push({ stopId, platform, wheelchairAccessible: trip.wheelchairAccessible, terminates: endsAt(trip, index), tripId: trip.id, routeId: trip.routeId, headsign: trip.headsign, stopSequence: trip.stopSequences[index]!, scheduledArrival: scheduled, predictedArrival: predicted, delaySeconds: next.delay, vehicleId: next.vehicleId, live: true, ...NOT_TRACKED, source: 'vehicle' });
    }
  }
  const clock = feed.timetable.clock;
  const today = clock.localDay(now);
  for (const day of [today - 1, today]) {
    const start = clock.serviceDayStart(day);
    for (const { trip, index } of calls) for (const instance of tripRuns(trip, day)) {
      const scheduled = start + trip.arrivals[index]! + instance.offset;
      const key = instance.key;
      if (covered.has(key)) continue;
      // The operator's prediction where it has one for this stop (and is fresh); a canceled trip does not come.
      const fresh = feed.operatorTrip(key, now);
      if (fresh?.canceled) continue;
      const predicted = fresh && Number.isFinite(fresh.arrivals[index]!) ? Math.round(fresh.arrivals[index]!) : null;
      const shown = predicted ?? scheduled;
      if (shown < (predicted === null ? now : now - 60) || shown > now + options.windowSeconds) continue;
      if (feed.tracker.serviceDayOf(trip, scheduled) !== day) continue; // the trip does not run that day
      arrivals.push(predicted === null
        ? { stopId, platform, wheelchairAccessible: trip.wheelchairAccessible, terminates: endsAt(trip, index), tripId: trip.id, routeId: trip.routeId, headsign: trip.headsign, stopSequence: trip.stopSequences[index]!, scheduledArrival: scheduled, predictedArrival: scheduled, delaySeconds: 0, vehicleId: null, live: false, ...NOT_TRACKED, source: 'timetable' }
        : { stopId, platform, wheelchairAccessible: trip.wheelchairAccessible, terminates: endsAt(trip, index), tripId: trip.id, routeId: trip.routeId, headsign: trip.headsign, stopSequence: trip.stopSequences[index]!, scheduledArrival: scheduled, predictedArrival: predicted, delaySeconds: predicted - scheduled, vehicleId: fresh!.vehicleId, live: true, ...NOT_TRACKED, source: 'operator' });
    }
  }
  // Runs the timetable does not have (duplicated or added by the operator) come only from the operator.
  for (const run of feed.operatorTrips.values()) {
    if (!run.added || run.canceled || !isFresh(run.timestamp, now) || covered.has(run.key)) continue;
    run.stopIds.forEach((id, index) => {
      const predicted = run.arrivals[index]!;
      if (id !== stopId || !Number.isFinite(predicted) || predicted < now - 60 || predicted > now + options.windowSeconds) return;
      const scheduled = Number.isFinite(run.scheduled[index]!) ? Math.round(run.scheduled[index]!) : Math.round(predicted);
      arrivals.push({ stopId, platform, wheelchairAccessible: null, terminates: index === run.stopIds.length - 1, tripId: run.tripId, routeId: run.routeId, headsign: run.headsign, stopSequence: run.stopSequences[index]!, scheduledArrival: scheduled, predictedArrival: Math.round(predicted), delaySeconds: Math.round(predicted) - scheduled, vehicleId: run.vehicleId, live: true, ...NOT_TRACKED, source: 'operator' });
    });
  }
}

/**
 * When a bus standing at its first stop, already counted as past it by the tracker, leaves there: the
 * engine's time for the second stop less the timetable's running time to it, never before now. Null for
 * any other stop behind a vehicle: it has gone.
 */
function waitingDeparture(live: TrackedVehicle, index: number, now: number): number | null {
  const { run, predictions } = live;
  if (index !== 0 || live.from !== 1 || !atFirstStop(run) || !predictions) return null;
  const trip = run.trip;
  return Math.max(now, predictions[0]! - (trip.arrivals[1]! - trip.departures[0]!));
}

/**
 * Now, for a bus its operator reports standing at this stop (doors open: passengers can still board),
 * which the tracker already counts as past it. Not at the trip's last stop: there it takes nobody on.
 */
function standingHere(live: TrackedVehicle, index: number, now: number): number | null {
  const { run } = live;
  return index > 0 && !endsAt(run.trip, index) && reportedStandingAt(run, live.ping) === index ? now : null;
}
