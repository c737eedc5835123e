// What a feed says that is valid GTFS but probably not what its buses do. Such a feed is imported (its
// trips still run), and each finding is reported, as GTFS validators report warnings: the tracker places
// buses on the path the stops make, so a stop listed out of order or far from its shape misplaces every
// bus on those trips, and their predictions with them.
// A trip timed faster than its vehicles go between two stops (a typed time, a stop in the wrong place) is
// a timetable no bus keeps: the schedule the engine falls back on, and the delays it reads, are wrong there.
// See: https://gtfs-validator.mobilitydata.org/rules.html (stop_too_far_from_shape, stops_match_shape_out_of_order,
// fast_travel_between_consecutive_stops)
import type { FeedNotice } from '@citypulse/contracts';
import { pointAlong, type Path } from '../tracking/geometry.js';
import type { FeedDraft, StopPattern, Timetable } from './timetable.js';
import type { Call, TripCalls } from './trip-calls.js';
import { runInSlices, runToEnd } from '../../../platform/slices.js';

export type { FeedNotice, FeedNoticeCode } from '@citypulse/contracts';

/**
 * A stop the bus must go out of its way to reach, as the stops are listed: from the stop before it to it
 * and on to the stop after is over DETOUR_RATIO times the direct way, and over DETOUR_METRES longer.
 * One or two in a trip can be real (a spur into a hospital's forecourt, a terminal loop); this many in
 * one trip are a list out of order (a feed that sorted the stops between two timepoints by id, say).
 */
const DETOUR_RATIO = 3;
const DETOUR_METRES = 400;
const DETOURS_FOR_NOTICE = 3;
/** How far a stop may lie from where it is placed on its trip's shape (the validator's threshold). */
const SHAPE_METRES = 100;
const MAX_STOPS_LISTED = 20;

export interface PatternCall { stopId: string; x: number; y: number; line: number }
/** Where a trip's stops stand, in metres, in the order of its calls. */
export interface CallPlaces { xs: Float64Array; ys: Float64Array }

/** Where the stops of a pattern stand, in the timetable's metres. */
export function callPlaces(stopIds: readonly string[], stops: ReadonlyMap<string, { x: number; y: number }>): CallPlaces {
  const xs = new Float64Array(stopIds.length), ys = new Float64Array(stopIds.length);
  stopIds.forEach((stopId, i) => { const stop = stops.get(stopId)!; xs[i] = stop.x; ys[i] = stop.y; });
  return { xs, ys };
}

/**
 * The fastest a vehicle of a route_type goes between two stops, km/h: the validator's table for the basic
 * types (light rail 100, rail 500 for a maglev, ferry 80, cable tram 30, aerial lift and funicular 50, the
 * rest 150), the extended types by their family, and 200 for a type not known.
 */
export function maxKmh(routeType: number): number {
  switch (routeType) {
    case 0: return 100;
    case 2: return 500;
    case 4: return 80;
    case 5: return 30;
    case 6: case 7: return 50;
    case 1: case 3: case 11: case 12: return 150;
  }
  const family = Math.floor(routeType / 100);
  if (family === 1) return 500; // railway
  if (family === 2 || family === 4 || family === 7 || family === 8) return 150; // coach, urban railway, bus, trolleybus
  if (family === 9) return 100; // tram
  if (family === 10 || family === 12) return 80; // water
  if (family === 13 || family === 14) return 50; // aerial lift, funicular
  return 200;
}

const MINUTE = 60;

export interface FastHop { from: Call; to: Call; metres: number; seconds: number; kmh: number }

/**
 * The hops of a trip timed faster than `limitKmh`, straight from stop to stop (so never overstated), from
 * the last stop with a time to the next one. Times both to the whole minute may each be 30 s off, so such
 * a hop is given a minute more; a hop of no time (or less) counts as a minute.
 */
export function fastHops(calls: TripCalls, { xs, ys }: CallPlaces, limitKmh: number): FastHop[] {
  const hops: FastHop[] = [];
  let from = -1; // the last call with a time
  for (let i = 0; i < calls.length; i++) {
    const arrival = calls.arrival(i);
    if (arrival === null && calls.departure(i) === null) continue;
    if (from >= 0 && arrival !== null) {
      const leaves = calls.departure(from) ?? calls.arrival(from)!;
      let seconds = arrival - leaves;
      if (seconds <= 0) seconds = MINUTE;
      // (times are whole seconds; as int32 the remainder is an integer one, not a call to fmod)
      else if ((arrival | 0) % MINUTE === 0 && (leaves | 0) % MINUTE === 0) seconds += MINUTE;
      // Squared, so that the hops within the limit (nearly all) cost no square root.
      const dx = xs[i]! - xs[from]!, dy = ys[i]! - ys[from]!;
      const reach = (limitKmh / 3.6) * seconds;
      if (dx * dx + dy * dy > reach * reach) {
        const metres = Math.sqrt(dx * dx + dy * dy);
        hops.push({ from: calls.at(from), to: calls.at(i), metres, seconds, kmh: (metres / seconds) * 3.6 });
      }
    }
    from = i;
  }
  return hops;
}

/**
 * The notices of a feed: each stop pattern judged once, as the first trip read with it lists its stops
 * (its stop_times lines), and counted for every trip that shares it; its times judged trip by trip (fast
 * travel: named by the first trip timed so, counting the others). Asked for by an import and by the
 * commands that read a feed, not when a stored feed is loaded (its notices are stored with it).
 */
export function feedNotices(draft: FeedDraft, timetable: Timetable): FeedNotice[] {
  return runToEnd(noticeSteps(draft, timetable));
}

/** As feedNotices, letting other work in between (a server importing a feed). */
export function feedNoticesInSlices(draft: FeedDraft, timetable: Timetable, pause?: () => Promise<void> | undefined): Promise<FeedNotice[]> {
  return runInSlices(noticeSteps(draft, timetable), pause);
}

/** The notices' search, yielding after each trip (where it may pause). */
function* noticeSteps(draft: FeedDraft, timetable: Timetable): Generator<void, FeedNotice[]> {
  const byPattern = new Map<StopPattern, FeedNotice[]>();
  /** Per stop pattern, its notice of fast travel: found on one trip, counted on each trip timed so. */
  const fastByPattern = new Map<StopPattern, FeedNotice>();
  const places = new Map<StopPattern, CallPlaces>();
  for (const { trip: read, calls } of draft.trips.values()) {
    yield;
    const trip = timetable.trips.get(read.id);
    if (!trip) continue;
    const pattern = trip.pattern;
    const route = timetable.routes.get(read.routeId);
    // Calls are in stop_sequence order once the timetable is built (it sorts them in place).
    let placed = places.get(pattern);
    if (!placed) places.set(pattern, placed = callPlaces(pattern.stopIds, timetable.stops));
    const fast = fastByPattern.get(pattern);
    if (fast) {
      if (fastHops(calls, placed, maxKmh(route?.type ?? -1)).length) fast.trips++;
    } else {
      const notice = fastTravelNotice(read, route?.shortName ?? '', route?.type ?? -1, calls, placed);
      if (notice) fastByPattern.set(pattern, notice);
    }
    const found = byPattern.get(pattern);
    if (found) { for (const notice of found) notice.trips++; continue; }
    const located = Array.from({ length: calls.length }, (_, i) => ({ stopId: calls.stopId(i), x: placed.xs[i]!, y: placed.ys[i]!, line: calls.line(i) }));
    const shaped = read.shapeId !== null && (draft.shapePoints.get(read.shapeId)?.length ?? 0) > 1;
    byPattern.set(pattern, patternNotices(read, route?.shortName ?? '', located, shaped ? pattern.path : null, pattern.distances));
  }
  // Each pattern's notices together, its fast travel last.
  return [...byPattern].flatMap(([pattern, notices]) => {
    const fast = fastByPattern.get(pattern);
    return fast ? [...notices, fast] : notices;
  });
}

/** The notice of a trip timed faster than its vehicles go between stops, or null when it is not. */
export function fastTravelNotice(trip: { id: string; routeId: string }, routeShortName: string, routeType: number, calls: TripCalls, places: CallPlaces): FeedNotice | null {
  const limit = maxKmh(routeType);
  const hops = fastHops(calls, places, limit);
  if (!hops.length) return null;
  const fastest = hops.reduce((a, b) => (b.kmh > a.kmh ? b : a));
  const stopIds: string[] = [];
  for (const hop of hops) for (const stopId of [hop.from.stopId, hop.to.stopId]) if (stopIds.at(-1) !== stopId) stopIds.push(stopId);
  const km = (fastest.metres / 1000).toFixed(fastest.metres < 10_000 ? 2 : 1);
  return {
    code: 'fast_travel_between_consecutive_stops', file: 'stop_times.txt', line: hops[0]!.to.line, routeId: trip.routeId, routeShortName, tripId: trip.id, trips: 1,
    stops: stopIds.length, stopIds: stopIds.slice(0, MAX_STOPS_LISTED),
    reason: `${hops.length} of the trip's hops from stop to stop timed faster than ${limit} km/h, the most route_type ${routeType} goes; the fastest, "${fastest.from.stopId}" to "${fastest.to.stopId}", ${km} km in ${fastest.seconds} s (${Math.round(fastest.kmh)} km/h): a time or a stop's place is wrong`,
  };
}

/** The notices of one stop pattern, as the first trip read with it (`calls`, in order) lists its stops. */
export function patternNotices(
  trip: { id: string; routeId: string; shapeId: string | null }, routeShortName: string, calls: PatternCall[], shape: Path | null, distances: ArrayLike<number>,
): FeedNotice[] {
  const notices: FeedNotice[] = [];
  const base = { routeId: trip.routeId, routeShortName, tripId: trip.id, trips: 1 };
  if (shape) {
    // Stops are placed on the shape in order; one placed far from where it stands is off the shape, or
    // the shape or the stop order is wrong.
    const far: Array<{ call: PatternCall; metres: number }> = [];
    calls.forEach((call, i) => {
      const [x, y] = pointAlong(shape, distances[i]!);
      const metres = Math.hypot(call.x - x, call.y - y);
      if (metres > SHAPE_METRES) far.push({ call, metres });
    });
    if (far.length) {
      const worst = far.reduce((a, b) => (b.metres > a.metres ? b : a));
      notices.push({
        code: 'stop_far_from_shape', file: 'stop_times.txt', line: far[0]!.call.line, ...base, stops: far.length, stopIds: far.slice(0, MAX_STOPS_LISTED).map((f) => f.call.stopId),
        reason: `${far.length} of the trip's ${calls.length} stops over ${SHAPE_METRES} m from where the trip's order places them on shape "${trip.shapeId}" (stop "${worst.call.stopId}" ${Math.round(worst.metres)} m off): the stop, the shape or the order is wrong`,
      });
    }
    return notices;
  }
  const detours: Array<{ call: PatternCall; metres: number }> = [];
  for (let i = 1; i + 1 < calls.length; i++) {
    const before = calls[i - 1]!, stop = calls[i]!, after = calls[i + 1]!;
    const there = Math.hypot(stop.x - before.x, stop.y - before.y) + Math.hypot(after.x - stop.x, after.y - stop.y);
    const direct = Math.hypot(after.x - before.x, after.y - before.y);
    if (there > DETOUR_RATIO * direct && there - direct > DETOUR_METRES) detours.push({ call: stop, metres: there - direct });
  }
  if (detours.length >= DETOURS_FOR_NOTICE) {
    const metres = detours.reduce((sum, d) => sum + d.metres, 0);
    notices.push({
      code: 'stops_out_of_order', file: 'stop_times.txt', line: detours[0]!.call.line, ...base, stops: detours.length, stopIds: detours.slice(0, MAX_STOPS_LISTED).map((d) => d.call.stopId),
      reason: `${detours.length} of the trip's ${calls.length} stops lie off the way from the stop before to the stop after (${(metres / 1000).toFixed(1)} km of detours in all): the stops look listed out of order by stop_sequence`,
    });
  }
  return notices;
}

/** A notice as one line of a command's output: where, what, and for how many trips. */
export function noticeLine(notice: FeedNotice): string {
  const others = notice.trips - 1;
  const alike = notice.code === 'fast_travel_between_consecutive_stops' ? 'with the same stops, timed so' : 'with the same stops';
  const trips = others ? `trip "${notice.tripId}" and ${others} more ${alike}` : `trip "${notice.tripId}"`;
  return `${notice.file}:${notice.line} ${notice.code}: route "${notice.routeId}", ${trips}: ${notice.reason}`;
}

/** The notices of a feed for a command's output (stderr), headed by what they mean; '' when there are none. */
export function noticesText(notices: FeedNotice[]): string {
  if (!notices.length) return '';
  const head = `${notices.length} notice${notices.length === 1 ? '' : 's'}: valid GTFS, but probably not what the buses do (the trips run as listed; predictions on them suffer)\n`;
  return head + notices.map((notice) => `  ${noticeLine(notice)}\n`).join('');
}
