// TripUpdates from an operator as an input: for trips that no tracked vehicle runs (a bus whose positions
// we do not get, a trip not yet started), the operator's own predicted times at the stops. Each update is
// turned into a predicted arrival per stop of the trip, following the GTFS-Realtime rules: a
// StopTimeUpdate gives a time or a delay for its stop (arrival, else departure); its delay carries on to
// the later stops until the next StopTimeUpdate; stops before the first one have no prediction; a SKIPPED
// stop has no arrival (the delay still carries past it); NO_DATA stops the carrying until the next update;
// a CANCELED trip runs at no stop.
// See: https://gtfs.org/documentation/realtime/reference/#message-tripupdate
// See: https://gtfs.org/documentation/realtime/feed-entities/trip-updates/#stoptimeupdate
import type { Trip, Timetable } from '../gtfs/timetable.js';
import { parseGtfsDate, parseGtfsTime } from '../gtfs/time.js';
import { formatSecondOfDay, isFrequencyBased, nearestInstance } from '../tracking/frequencies.js';
import type { FeedMessageObject } from './feed-message.js';

export interface OperatorTrip {
  /** The key of a trip run as the tracker keys it: `tripId@serviceDay`, plus `+HH:MM:SS` for a frequency instance. */
  key: string;
  trip: Trip;
  serviceDay: number;
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
  /** No trip id, a trip the timetable does not have, or a trip that does not run on any nearby day. */
  unmatched: number;
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
): { trips: OperatorTrip[]; report: TripUpdateReport } {
  const headerTime = Number(message.header?.timestamp ?? 0);
  const report: TripUpdateReport = { received: 0, used: 0, stale: 0, unmatched: 0, invalid: 0 };
  const trips: OperatorTrip[] = [];
  for (const entity of message.entity ?? []) {
    const update = entity.tripUpdate;
    if (!update) continue;
    report.received++;
    const timestamp = Number(update.timestamp ?? headerTime);
    const verdict = timestamp > 0 ? judge(timestamp) : 'invalid';
    if (verdict !== 'ok') { report[verdict]++; continue; }
    const trip = update.trip?.tripId ? timetable.trips.get(update.trip.tripId) : undefined;
    if (!trip) { report.unmatched++; continue; }
    const startDate = update.trip?.startDate ? parseGtfsDate(update.trip.startDate) : null;
    if (update.trip?.startDate && startDate === null) { report.invalid++; continue; }
    const serviceDay = startDate ?? serviceDayOf(trip, timestamp);
    if (serviceDay === null) { report.unmatched++; continue; }
    // A frequency-based trip runs many times a day: start_time says which run (required there, E006).
    // The run's times are the template's moved to that start; it is keyed as the tracker keys the
    // instance nearest that start (with exact_times=0 the operator's start may differ from the nominal).
    let key = `${trip.id}@${serviceDay}`;
    let offset = 0;
    if (isFrequencyBased(trip)) {
      const start = update.trip?.startTime ? parseGtfsTime(update.trip.startTime) : null;
      if (start === null) { report.invalid++; continue; }
      const instance = nearestInstance(trip, start, 0);
      if (instance === null) { report.unmatched++; continue; }
      key += `+${formatSecondOfDay(instance)}`;
      offset = start - trip.departures[0]!;
    }
    const serviceStart = timetable.clock.serviceDayStart(serviceDay) + offset;
    const canceled = String(update.trip?.scheduleRelationship ?? '') === 'CANCELED';
    const arrivals = canceled ? new Float64Array(trip.arrivals.length).fill(NaN) : predictedArrivals(trip, serviceStart, update);
    if (!arrivals) { report.invalid++; continue; }
    trips.push({ key, trip, serviceDay, vehicleId: update.vehicle?.id || update.vehicle?.label || null, timestamp, canceled, arrivals });
    report.used++;
  }
  return { trips, report };
}
