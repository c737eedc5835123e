// Headway regularity per route and direction: how evenly buses actually come at each stop, against how
// evenly the timetable says they should. For a passenger turning up at random the expected wait is
// sum(h^2) / (2 sum(h)) over the headways h, so irregular service costs waiting time even when the number
// of buses is right: the excess over the scheduled wait is the excess wait time (EWT).
// See: https://tfl.gov.uk/corporate/publications-and-reports/buses-performance-data (excess wait time)
import { IRREGULAR_HEADWAY_CV } from '@citypulse/contracts';

export interface StopPass {
  routeId: string;
  directionId: number;
  stopId: string;
  /** POSIX seconds. */
  time: number;
  /** The trip run that passed (the tracker's key: trip@service day, and the instance of a frequency-based trip), where known. */
  runKey?: string;
}

export interface HeadwayOptions {
  /** A headway under this share of the scheduled one is bunching. */
  bunchingShare: number;
  /** A headway over this multiple of the scheduled one is a big gap. */
  gapMultiple: number;
}

export const DEFAULT_HEADWAY_OPTIONS: HeadwayOptions = { bunchingShare: 0.25, gapMultiple: 1.5 };

export interface HeadwayStats {
  headways: number;
  meanHeadway: number;
  scheduledMeanHeadway: number;
  /** Coefficient of variation of the actual headways (population standard deviation over mean). */
  cv: number;
  actualWait: number;
  scheduledWait: number;
  excessWait: number;
  bunching: number;
  gaps: number;
}

/** A period in which the feed was not observed (POSIX seconds): a bus may have passed a stop unseen. */
export interface ObservationBreak { from: number; to: number }

/** The headways between consecutive times, but for those across a break (one of them may hide a bus). */
const gapsBetween = (times: number[], breaks: ObservationBreak[] = []) => {
  const sorted = [...times].sort((a, b) => a - b);
  const out: number[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const [from, to] = [sorted[i - 1]!, sorted[i]!];
    if (!breaks.some((gap) => gap.from < to && gap.to > from)) out.push(to - from);
  }
  return out;
};

/** Expected wait of a passenger arriving at random, seconds. */
export const expectedWait = (headways: number[]) => {
  const total = headways.reduce((sum, h) => sum + h, 0);
  return total > 0 ? headways.reduce((sum, h) => sum + h * h, 0) / (2 * total) : NaN;
};

/**
 * Regularity at one stop: actual passing times against scheduled ones over the same period. Headways
 * across a break in observation are left out on both sides, so that the two still compare.
 */
export function stopHeadways(actual: number[], scheduled: number[], options: HeadwayOptions = DEFAULT_HEADWAY_OPTIONS, breaks: ObservationBreak[] = []): HeadwayStats {
  const headways = gapsBetween(actual, breaks);
  const planned = gapsBetween(scheduled, breaks);
  const mean = headways.length ? headways.reduce((sum, h) => sum + h, 0) / headways.length : NaN;
  const plannedMean = planned.length ? planned.reduce((sum, h) => sum + h, 0) / planned.length : NaN;
  const variance = headways.length ? headways.reduce((sum, h) => sum + (h - mean) ** 2, 0) / headways.length : NaN;
  const actualWait = expectedWait(headways);
  const scheduledWait = expectedWait(planned);
  const reference = Number.isFinite(plannedMean) ? plannedMean : mean;
  return {
    headways: headways.length,
    meanHeadway: mean,
    scheduledMeanHeadway: plannedMean,
    cv: mean > 0 ? Math.sqrt(variance) / mean : NaN,
    actualWait,
    scheduledWait,
    excessWait: actualWait - scheduledWait,
    bunching: headways.filter((h) => h < options.bunchingShare * reference).length,
    gaps: headways.filter((h) => h > options.gapMultiple * reference).length,
  };
}

export interface RouteHeadways extends HeadwayStats { routeId: string; directionId: number; stops: number }

/**
 * Per route and direction: the stops' figures combined, each stop weighted by its number of headways
 * (counts add up; means, CV and waits are weighted averages).
 */
export function routeHeadways(actual: StopPass[], scheduled: StopPass[], options: HeadwayOptions = DEFAULT_HEADWAY_OPTIONS, breaks: ObservationBreak[] = []): RouteHeadways[] {
  const group = (passes: StopPass[]) => {
    const byStop = new Map<string, number[]>();
    for (const pass of passes) {
      const key = `${pass.routeId}\u0000${pass.directionId}\u0000${pass.stopId}`;
      let list = byStop.get(key);
      if (!list) byStop.set(key, list = []);
      list.push(pass.time);
    }
    return byStop;
  };
  const actualByStop = group(actual);
  const scheduledByStop = group(scheduled);
  const routes = new Map<string, { routeId: string; directionId: number; parts: HeadwayStats[] }>();
  for (const [key, times] of actualByStop) {
    const stats = stopHeadways(times, scheduledByStop.get(key) ?? [], options, breaks);
    if (stats.headways === 0) continue;
    const [routeId, direction] = key.split('\u0000');
    const routeKey = `${routeId}\u0000${direction}`;
    let route = routes.get(routeKey);
    if (!route) routes.set(routeKey, route = { routeId: routeId!, directionId: Number(direction), parts: [] });
    route.parts.push(stats);
  }
  return [...routes.values()].map(({ routeId, directionId, parts }) => {
    const weight = parts.reduce((sum, part) => sum + part.headways, 0);
    const average = (pick: (part: HeadwayStats) => number) => {
      const usable = parts.filter((part) => Number.isFinite(pick(part)));
      const total = usable.reduce((sum, part) => sum + part.headways, 0);
      return total ? usable.reduce((sum, part) => sum + pick(part) * part.headways, 0) / total : NaN;
    };
    return {
      routeId, directionId, stops: parts.length, headways: weight,
      meanHeadway: average((p) => p.meanHeadway), scheduledMeanHeadway: average((p) => p.scheduledMeanHeadway), cv: average((p) => p.cv),
      actualWait: average((p) => p.actualWait), scheduledWait: average((p) => p.scheduledWait), excessWait: average((p) => p.excessWait),
      bunching: parts.reduce((sum, p) => sum + p.bunching, 0), gaps: parts.reduce((sum, p) => sum + p.gaps, 0),
    };
  }).sort((a, b) => (a.routeId < b.routeId ? -1 : a.routeId > b.routeId ? 1 : a.directionId - b.directionId));
}

/** See IRREGULAR_HEADWAY_CV in contracts. */
export const IRREGULAR_CV = IRREGULAR_HEADWAY_CV;

export interface HeadwayFigures {
  headways: number;
  adherence: number | null;
  cv: number | null;
  excessWaitMinutes: number | null;
  bunching: number;
  gaps: number;
  irregularRoutes: number | null;
  routes: number;
}

/** One set of figures from the rows of several routes and directions (each weighted by its headways). */
export function combineRows(rows: RouteHeadways[]): HeadwayFigures {
  const headways = rows.reduce((sum, row) => sum + row.headways, 0);
  const bunching = rows.reduce((sum, row) => sum + row.bunching, 0);
  const gaps = rows.reduce((sum, row) => sum + row.gaps, 0);
  const weighted = (pick: (row: RouteHeadways) => number) => {
    const usable = rows.filter((row) => Number.isFinite(pick(row)));
    const weight = usable.reduce((sum, row) => sum + row.headways, 0);
    return weight ? usable.reduce((sum, row) => sum + pick(row) * row.headways, 0) / weight : null;
  };
  const judged = rows.filter((row) => Number.isFinite(row.cv));
  const excess = weighted((row) => row.excessWait);
  return {
    headways, bunching, gaps, routes: rows.length,
    adherence: headways ? (100 * (headways - bunching - gaps)) / headways : null,
    cv: weighted((row) => row.cv),
    excessWaitMinutes: excess === null ? null : excess / 60,
    irregularRoutes: judged.length ? (100 * judged.filter((row) => row.cv > IRREGULAR_CV).length) / judged.length : null,
  };
}
