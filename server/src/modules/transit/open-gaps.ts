// Gaps open now: stops where passengers have waited longer than a big gap since the last bus.
//
// The headway figures count a big gap only once it has closed, when the next bus finally passes; the
// dispatcher wants to see it while passengers are still waiting, to send a bus or hold the one behind.
import { DEFAULT_HEADWAY_OPTIONS, stopKey, type HeadwayOptions, type ObservationBreak, type StopPass } from './headways.js';
import { atFirstStop, type TripRun } from './tracking/tracker.js';

export interface OpenGap {
  routeId: string;
  directionId: number;
  stopId: string;
  /** When the last bus was seen passing (POSIX seconds); null: none since observation began. */
  lastPassed: number | null;
  /** Seconds since then (since observation began when none was seen: at least that long). */
  waited: number;
  /** The timetable's headway after the slot the last bus served (seconds): what the wait is held against. */
  scheduledHeadway: number;
}

export interface OpenGapContext {
  /** When passings began to be observed: nothing is known of the buses before. */
  since: number;
  breaks?: ObservationBreak[];
  /** Stops (`stopKey`) where a bus stands now: passengers can board it, so no gap there. */
  standing?: ReadonlySet<string>;
}

/** Index of the last time at or before `time` in sorted `times` (-1: none). */
const lastAtOrBefore = (times: number[], time: number) => {
  let index = -1;
  while (index + 1 < times.length && times[index + 1]! <= time) index++;
  return index;
};

/** Index of the time nearest `time` in sorted `times` (the earlier on a tie). */
const nearest = (times: number[], time: number) => {
  const before = lastAtOrBefore(times, time);
  if (before < 0) return 0;
  if (before + 1 < times.length && times[before + 1]! - time < time - times[before]!) return before + 1;
  return before;
};

/** The first stop (its `stopKey`) where the run's bus stands waiting to leave, or null when it is on its way. */
export function standingAt(run: TripRun): string | null {
  const { trip } = run;
  return atFirstStop(run) ? stopKey({ routeId: trip.routeId, directionId: trip.directionId, stopId: trip.pattern.stopIds[0]! }) : null;
}

/**
 * The stops where the wait since the last bus exceeds `gapMultiple` times the scheduled headway after the
 * slot it served, while the timetable had the next bus due there in the meantime. `scheduled`: the timetable's
 * passings from `context.since` to `now`. Held against the planned headway from that slot, a plan that
 * itself leaves a long gap (between the peaks, at night) is not called a service gap, and a bus missing
 * before one (the last at night) is. Not where a break in observation falls after the last
 * bus (it may have passed unseen), nor where a bus stands at the stop.
 */
export function openGaps(actual: StopPass[], scheduled: StopPass[], now: number, context: OpenGapContext, options: HeadwayOptions = DEFAULT_HEADWAY_OPTIONS): OpenGap[] {
  const lastSeen = new Map<string, number>();
  for (const pass of actual) {
    if (pass.time > now || pass.time < context.since) continue;
    const key = stopKey(pass);
    if ((lastSeen.get(key) ?? -Infinity) < pass.time) lastSeen.set(key, pass.time);
  }
  const planned = new Map<string, { pass: StopPass; times: number[] }>();
  for (const pass of scheduled) {
    const key = stopKey(pass);
    let entry = planned.get(key);
    if (!entry) planned.set(key, entry = { pass, times: [] });
    entry.times.push(pass.time);
  }
  const gaps: OpenGap[] = [];
  for (const [key, { pass, times }] of planned) {
    if (context.standing?.has(key)) continue;
    const seen = lastSeen.get(key);
    const last = seen ?? context.since;
    if ((context.breaks ?? []).some((gap) => gap.to > last && gap.from < now)) continue;
    times.sort((a, b) => a - b);
    // The planned bus the last one seen stood for: the nearest in time (a bus a little early still served
    // its slot); with none seen, the one in force when observation began. None: observation began before
    // the stop's first planned bus, whose lateness is no gap in a service that has not started (a line
    // not running at all shows as trips not seen). The next is due, or no gap yet.
    const served = seen === undefined ? lastAtOrBefore(times, last) : nearest(times, last);
    const next = served + 1;
    if (served < 0 || next >= times.length || times[next]! > now) continue;
    const headway = times[next]! - times[served]!;
    const waited = now - last;
    if (waited > options.gapMultiple * headway) {
      gaps.push({ routeId: pass.routeId, directionId: pass.directionId, stopId: pass.stopId, lastPassed: seen ?? null, waited, scheduledHeadway: headway });
    }
  }
  return gaps.sort((a, b) => b.waited - a.waited);
}
