// What a feed says that is valid GTFS but probably not what its buses do. Such a feed is imported (its
// trips still run), and each finding is reported, as GTFS validators report warnings: the tracker places
// buses on the path the stops make, so a stop listed out of order or far from its shape misplaces every
// bus on those trips, and their predictions with them.
// See: https://gtfs-validator.mobilitydata.org/rules.html (stop_too_far_from_shape, stops_match_shape_out_of_order)
import type { FeedNotice } from '@citypulse/contracts';
import { pointAlong, type Path } from '../tracking/geometry.js';
import type { FeedDraft, StopPattern, Timetable } from './timetable.js';

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

/**
 * The notices of a feed: each stop pattern judged once, as the first trip read with it lists its stops
 * (its stop_times lines), and counted for every trip that shares it. Asked for by an import and by the
 * commands that read a feed, not when a stored feed is loaded (its notices are stored with it).
 */
export function feedNotices(draft: FeedDraft, timetable: Timetable): FeedNotice[] {
  const byPattern = new Map<StopPattern, FeedNotice[]>();
  for (const { trip: read, calls } of draft.trips.values()) {
    const trip = timetable.trips.get(read.id);
    if (!trip) continue;
    const found = byPattern.get(trip.pattern);
    if (found) { for (const notice of found) notice.trips++; continue; }
    const pattern = trip.pattern;
    // Calls are in stop_sequence order once the timetable is built (it sorts them in place).
    const located = calls.map((call) => { const stop = timetable.stops.get(call.stopId)!; return { stopId: call.stopId, x: stop.x, y: stop.y, line: call.line }; });
    const shaped = read.shapeId !== null && (draft.shapePoints.get(read.shapeId)?.length ?? 0) > 1;
    byPattern.set(pattern, patternNotices(read, timetable.routes.get(read.routeId)?.shortName ?? '', located, shaped ? pattern.path : null, pattern.distances));
  }
  return [...byPattern.values()].flat();
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
  const trips = others ? `trip "${notice.tripId}" and ${others} more with the same stops` : `trip "${notice.tripId}"`;
  return `${notice.file}:${notice.line} ${notice.code}: route "${notice.routeId}", ${trips}: ${notice.reason}`;
}

/** The notices of a feed for a command's output (stderr), headed by what they mean; '' when there are none. */
export function noticesText(notices: FeedNotice[]): string {
  if (!notices.length) return '';
  const head = `${notices.length} notice${notices.length === 1 ? '' : 's'}: valid GTFS, but probably not what the buses do (the trips run as listed; predictions on them suffer)\n`;
  return head + notices.map((notice) => `  ${noticeLine(notice)}\n`).join('');
}
