// Gaps open now: stops where passengers have waited longer than a big gap since the last bus.
//
// The headway figures count a big gap only once it has closed, when the next bus finally passes; the
// dispatcher wants to see it while passengers are still waiting, to send a bus or hold the one behind.
import { DEFAULT_HEADWAY_OPTIONS, type HeadwayOptions, type ObservationBreak, type StopPass } from './headways.js';

export interface OpenGap {
  routeId: string;
  directionId: number;
  stopId: string;
  /** When the last bus was seen passing (POSIX seconds); null: none since observation began. */
  lastPassed: number | null;
  /** Seconds since then (since observation began when none was seen: at least that long). */
  waited: number;
  /** The longest headway the timetable has at the stop over that wait (seconds). */
  scheduledHeadway: number;
}

export interface OpenGapContext {
  /** When passings began to be observed: nothing is known of the buses before. */
  since: number;
  breaks?: ObservationBreak[];
  /** Stops (route\0direction\0stop) where a bus stands now: passengers can board it, so no gap there. */
  standing?: ReadonlySet<string>;
}

const keyOf = (pass: { routeId: string; directionId: number; stopId: string }) => `${pass.routeId}\u0000${pass.directionId}\u0000${pass.stopId}`;

/**
 * The stops where the wait since the last bus exceeds `gapMultiple` times the scheduled headway, while
 * the timetable had a bus due there in the meantime. `scheduled` must reach past `now` (the headway in
 * force then is the one to the next planned bus). The headway held against is the timetable's longest
 * over the wait, so a plan that itself leaves a long gap (at the end of a peak, before the first bus) is
 * not called a service gap. Not where a break in observation falls after the last bus (it may have
 * passed unseen), nor where a bus stands at the stop.
 */
export function openGaps(actual: StopPass[], scheduled: StopPass[], now: number, context: OpenGapContext, options: HeadwayOptions = DEFAULT_HEADWAY_OPTIONS): OpenGap[] {
  const lastSeen = new Map<string, number>();
  for (const pass of actual) {
    if (pass.time > now || pass.time < context.since) continue;
    const key = keyOf(pass);
    if ((lastSeen.get(key) ?? -Infinity) < pass.time) lastSeen.set(key, pass.time);
  }
  const planned = new Map<string, { pass: StopPass; times: number[] }>();
  for (const pass of scheduled) {
    const key = keyOf(pass);
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
    // Buses were due after the last one seen; and the planned headways overlapping the wait.
    if (!times.some((time) => time > last && time <= now)) continue;
    let longest = 0;
    for (let i = 1; i < times.length; i++) {
      if (times[i]! > last && times[i - 1]! < now) longest = Math.max(longest, times[i]! - times[i - 1]!);
    }
    const waited = now - last;
    if (longest > 0 && waited > options.gapMultiple * longest) {
      gaps.push({ routeId: pass.routeId, directionId: pass.directionId, stopId: pass.stopId, lastPassed: seen ?? null, waited, scheduledHeadway: longest });
    }
  }
  return gaps.sort((a, b) => b.waited - a.waited);
}
