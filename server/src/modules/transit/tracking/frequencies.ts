// Frequency-based trips (frequencies.txt): one trip's stop times are a template that runs again every
// `headway_secs` from `start_time` until before `end_time`; each run is an instance with its own start.
// With exact_times=1 the instances are the schedule; with exact_times=0 (the default) the service is
// headway-based: the starts are nominal, and a vehicle is matched to the instance nearest in time.
// See: https://gtfs.org/documentation/schedule/reference/#frequenciestxt
import type { Trip } from '../gtfs/timetable.js';

const instancesByTrip = new WeakMap<Trip, Int32Array>();

export const isFrequencyBased = (trip: Trip): boolean => trip.frequencies.length > 0;

/** True when the trip runs to headways rather than to times (some of its frequencies are exact_times=0). */
export const isHeadwayBased = (trip: Trip): boolean => trip.frequencies.some((frequency) => !frequency.exactTimes);

/** Start times (seconds of the service day) of every instance of a frequency-based trip, in order. */
export function tripInstances(trip: Trip): Int32Array {
  let starts = instancesByTrip.get(trip);
  if (!starts) {
    const list: number[] = [];
    // A start time equal to end_time is not an instance: the window is [start_time, end_time).
    for (const frequency of trip.frequencies) for (let start = frequency.start; start < frequency.end; start += frequency.headway) list.push(start);
    starts = Int32Array.from(new Set(list)).sort();
    instancesByTrip.set(trip, starts);
  }
  return starts;
}

/**
 * The runs of a trip on a service day as the tracker keys them: the trip itself, or for a
 * frequency-based trip each instance, its times moved from the template's by `offset` seconds. For
 * exact_times=0 the starts are nominal; as the timetable's side of headways and of the trips due they
 * give the planned service, which is what such a route promises.
 */
export function tripRuns(trip: Trip, day: number): { key: string; offset: number }[] {
  if (!isFrequencyBased(trip)) return [{ key: `${trip.id}@${day}`, offset: 0 }];
  return Array.from(tripInstances(trip), (start) => ({ key: `${trip.id}@${day}+${formatSecondOfDay(start)}`, offset: start - trip.departures[0]! }));
}

/** Seconds of the service day from the trip's first departure to its last arrival, over all its instances. */
export function tripSpan(trip: Trip): Readonly<{ from: number; to: number }> {
  // Asked for every trip of a route at each position without a trip id: worked out once per trip.
  let span = spanByTrip.get(trip);
  if (!span) spanByTrip.set(trip, span = spanOf(trip));
  return span;
}

const spanByTrip = new WeakMap<Trip, { from: number; to: number }>();

function spanOf(trip: Trip): { from: number; to: number } {
  const first = trip.departures[0]!, last = trip.arrivals[trip.arrivals.length - 1]!;
  if (!isFrequencyBased(trip)) return { from: first, to: last };
  const starts = tripInstances(trip);
  if (starts.length === 0) return { from: first, to: last };
  return { from: starts[0]!, to: starts[starts.length - 1]! + (last - first) };
}

/**
 * The instance (start, seconds of the service day) a vehicle at `secondOfDay`, scheduled `elapsed` seconds
 * into the trip where it is, is on: the one it is nearest to running on time for. Instances in `taken`
 * (held by other vehicles) are passed over while a free one is within one headway of the nearest.
 */
export function nearestInstance(trip: Trip, secondOfDay: number, elapsed: number, taken: ReadonlySet<number> = new Set()): number | null {
  const starts = tripInstances(trip);
  let best: number | null = null, bestDistance = Infinity;
  let free: number | null = null, freeDistance = Infinity;
  for (const start of starts) {
    const distance = Math.abs(secondOfDay - (start + elapsed));
    if (distance < bestDistance) { best = start; bestDistance = distance; }
    if (!taken.has(start) && distance < freeDistance) { free = start; freeDistance = distance; }
  }
  if (best === null) return null;
  const headway = Math.max(...trip.frequencies.map((frequency) => frequency.headway));
  return free !== null && freeDistance - bestDistance <= headway ? free : best;
}

/** Seconds of the service day as H:MM:SS (GTFS times go past 24:00). */
export function formatSecondOfDay(seconds: number): string {
  const two = (value: number) => String(value).padStart(2, '0');
  return `${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`;
}
