// The next trip of a bus's block (block_id): a bus running late on its trip starts its next one late, so
// the stops of that next trip are told so before the bus gets there, instead of showing the timetable
// (what OneBusAway calls block-level propagation). The next trip leaves at the later of its time and the
// bus's predicted arrival at its last stop plus a minimum layover, and keeps that delay to its end: once
// the bus reports the new trip, the engine predicts it as any other. Only for trips run to times: the
// instances of a frequency-based trip have no place in a block's order.
// See: https://gtfs.org/documentation/schedule/reference/#tripstxt (block_id)
import { serviceRuns, type Timetable, type Trip } from '../gtfs/timetable.js';
import { isFrequencyBased } from '../tracking/frequencies.js';
import type { TripRun } from '../tracking/tracker.js';

/** The least time a bus stands at the end of one trip before it leaves on the next. */
export const MIN_LAYOVER_SECONDS = 60;

/** Per timetable, the next trip of each trip and day found so far: the stop boards ask for every bus, every time. */
const found = new WeakMap<Timetable, Map<string, Trip | null>>();
const MAX_REMEMBERED = 200_000;

/** The trip of the same block that runs after `trip` on `day`, or null. */
export function nextTripInBlock(timetable: Timetable, trip: Trip, day: number): Trip | null {
  if (trip.blockId === null || isFrequencyBased(trip)) return null;
  let known = found.get(timetable);
  if (!known) found.set(timetable, known = new Map());
  const key = `${trip.id}@${day}`;
  let next = known.get(key);
  if (next === undefined) {
    if (known.size >= MAX_REMEMBERED) known.clear(); // days go by: start afresh rather than grow without end
    known.set(key, next = searchBlock(timetable, trip, day));
  }
  return next;
}

function searchBlock(timetable: Timetable, trip: Trip, day: number): Trip | null {
  const block = timetable.tripsByBlock.get(trip.blockId!) ?? [];
  const end = trip.arrivals[trip.arrivals.length - 1]!;
  for (const other of block) {
    // In the block's order, the first trip leaving after this one ends (not itself, nor one that overlaps).
    if (other === trip || other.departures[0]! < end) continue;
    if (isFrequencyBased(other)) return null;
    if (serviceRuns(timetable.services.get(other.serviceId), day)) return other;
  }
  return null;
}

export interface FollowOn {
  trip: Trip;
  /** The run's key as the tracker keys it, and its service day. */
  key: string;
  serviceDay: number;
  /** Start of the trip's service day (POSIX seconds): its scheduled times are this plus the trip's. */
  dayStart: number;
  /** How late it will leave, seconds (never early: a bus waits for its time). */
  delay: number;
}

/** The next trip of a tracked run's block and how late it will leave, from the run's predicted arrival at its last stop. */
export function followOn(timetable: Timetable, run: TripRun, predictions: Float64Array): FollowOn | null {
  if (run.added || predictions.length === 0) return null;
  const trip = nextTripInBlock(timetable, run.trip, run.serviceDay);
  if (!trip) return null;
  const dayStart = timetable.clock.serviceDayStart(run.serviceDay);
  const end = predictions[predictions.length - 1]!;
  const delay = Math.max(0, Math.round(end + MIN_LAYOVER_SECONDS - (dayStart + trip.departures[0]!)));
  return { trip, key: `${trip.id}@${run.serviceDay}`, serviceDay: run.serviceDay, dayStart, delay };
}
