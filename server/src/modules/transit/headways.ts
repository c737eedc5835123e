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
  /**
   * How many headways those seen stand for, each by its weight (`headwayWeight`): stops and routes are
   * combined in proportion to it, so that a stop whose long headway was not seen yet does not count less.
   */
  weight: number;
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

/** The key of a stop of a route direction, as passings are grouped by (`route\0direction\0stop`). */
export const stopKey = (pass: { routeId: string; directionId: number; stopId: string }) => `${pass.routeId}\u0000${pass.directionId}\u0000${pass.stopId}`;

/** A period in which the feed was not observed (POSIX seconds): a bus may have passed a stop unseen. */
export interface ObservationBreak { from: number; to: number }

/**
 * What could be seen of a period (POSIX seconds): the headways ending in [from, to] whose first bus passed
 * at or after `since`, none across a break. Without `from`, `to` and `since`, every headway is taken as
 * fully seen.
 */
export interface Observation { breaks?: ObservationBreak[]; from?: number; to?: number; since?: number }

/**
 * A headway's weight: the inverse of the chance that a headway of its length, ending at a random time of
 * the period, was seen whole (both buses observed, no break between them). Just after a start or a break
 * only the short headways fit, so unweighted the mean headway and the wait read low: the long headways are
 * what an irregular line is made of. Capped, so that one headway that barely fitted cannot outweigh the rest.
 */
export function headwayWeight(length: number, observation: Observation): number {
  return headwayWeigher(observation)(length);
}
const MIN_CHANCE_SEEN = 0.1;

/** `headwayWeight` for one observation: its observed stretches ([since, to] less the breaks) found once. */
function headwayWeigher(observation: Observation): (length: number) => number {
  const { from, to, since } = observation;
  if (from === undefined || to === undefined || since === undefined || !(to > from)) return () => 1;
  const stretches: Array<{ start: number; end: number }> = [];
  let start = since;
  for (const gap of [...(observation.breaks ?? [])].sort((a, b) => a.from - b.from).concat({ from: to, to: Infinity })) {
    if (start >= to) break;
    stretches.push({ start, end: Math.min(gap.from, to) });
    start = Math.max(start, gap.to);
  }
  return (length) => {
    // A headway ending at e fits in a stretch when start + length <= e <= end; e is in [from, to].
    let seen = 0;
    for (const stretch of stretches) seen += Math.max(0, stretch.end - Math.max(stretch.start + length, from));
    return 1 / Math.max(seen / (to - from), MIN_CHANCE_SEEN);
  };
}

/** The headways between consecutive times, with their weights, but for those across a break (one of them may hide a bus). */
const gapsBetween = (times: number[], observation: Observation, weightOf: (length: number) => number) => {
  const breaks = observation.breaks ?? [];
  const sorted = [...times].sort((a, b) => a - b);
  const lengths: number[] = [];
  const weights: number[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const [from, to] = [sorted[i - 1]!, sorted[i]!];
    if (breaks.some((gap) => gap.from < to && gap.to > from)) continue;
    lengths.push(to - from);
    weights.push(weightOf(to - from));
  }
  return { lengths, weights };
};

/** Expected wait of a passenger arriving at random, seconds (each headway counted `weights` times). */
export const expectedWait = (headways: number[], weights?: number[]) => {
  let total = 0, squares = 0;
  headways.forEach((h, i) => { const w = weights ? weights[i]! : 1; total += w * h; squares += w * h * h; });
  return total > 0 ? squares / (2 * total) : NaN;
};

/** Weighted mean and population standard deviation. */
const meanAndDeviation = ({ lengths, weights }: { lengths: number[]; weights: number[] }) => {
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (!lengths.length) return { mean: NaN, deviation: NaN };
  const mean = lengths.reduce((sum, h, i) => sum + weights[i]! * h, 0) / total;
  const variance = lengths.reduce((sum, h, i) => sum + weights[i]! * (h - mean) ** 2, 0) / total;
  return { mean, deviation: Math.sqrt(variance) };
};

/**
 * Regularity at one stop: actual passing times against scheduled ones over the same period. Headways
 * across a break in observation are left out on both sides, so that the two still compare, and both are
 * weighted by `headwayWeight`. Counts (headways, bunching, gaps) are of the headways seen.
 */
export function stopHeadways(actual: number[], scheduled: number[], options: HeadwayOptions = DEFAULT_HEADWAY_OPTIONS, observation: Observation = {}): HeadwayStats {
  return measureStop(actual, scheduled, options, observation, headwayWeigher(observation)).stats;
}

type Gaps = ReturnType<typeof gapsBetween>;

function measureStop(actual: number[], scheduled: number[], options: HeadwayOptions, observation: Observation, weightOf: (length: number) => number): { stats: HeadwayStats; headways: Gaps; planned: Gaps } {
  const headways = gapsBetween(actual, observation, weightOf);
  const planned = gapsBetween(scheduled, observation, weightOf);
  const { mean, deviation } = meanAndDeviation(headways);
  const plannedMean = meanAndDeviation(planned).mean;
  const actualWait = expectedWait(headways.lengths, headways.weights);
  const scheduledWait = expectedWait(planned.lengths, planned.weights);
  const reference = Number.isFinite(plannedMean) ? plannedMean : mean;
  const stats = {
    headways: headways.lengths.length,
    weight: headways.weights.reduce((sum, w) => sum + w, 0),
    meanHeadway: mean,
    scheduledMeanHeadway: plannedMean,
    // One headway has no spread to measure.
    cv: mean > 0 && headways.lengths.length > 1 ? deviation / mean : NaN,
    actualWait,
    scheduledWait,
    excessWait: actualWait - scheduledWait,
    bunching: headways.lengths.filter((h) => h < options.bunchingShare * reference).length,
    gaps: headways.lengths.filter((h) => h > options.gapMultiple * reference).length,
  };
  return { stats, headways, planned };
}

export interface RouteHeadways extends HeadwayStats { routeId: string; directionId: number; stops: number }

/**
 * Per route and direction: the stops' figures combined, each stop weighted by its headways' weight
 * (counts add up; means and CV are weighted averages). The waits pool the headways of all the stops:
 * a short period has one headway or none at most stops, and the spread between stops is then what
 * shows how irregular the line is (a wait averaged stop by stop would take each lone headway as regular).
 */
export function routeHeadways(actual: StopPass[], scheduled: StopPass[], options: HeadwayOptions = DEFAULT_HEADWAY_OPTIONS, observation: Observation = {}): RouteHeadways[] {
  const group = (passes: StopPass[]) => {
    const byStop = new Map<string, number[]>();
    for (const pass of passes) {
      const key = stopKey(pass);
      let list = byStop.get(key);
      if (!list) byStop.set(key, list = []);
      list.push(pass.time);
    }
    return byStop;
  };
  const actualByStop = group(actual);
  const scheduledByStop = group(scheduled);
  const routes = new Map<string, { routeId: string; directionId: number; parts: HeadwayStats[]; headways: Gaps; planned: Gaps }>();
  const weightOf = headwayWeigher(observation);
  for (const [key, times] of actualByStop) {
    const { stats, headways, planned } = measureStop(times, scheduledByStop.get(key) ?? [], options, observation, weightOf);
    if (stats.headways === 0) continue;
    const [routeId, direction] = key.split('\u0000');
    const routeKey = `${routeId}\u0000${direction}`;
    let route = routes.get(routeKey);
    if (!route) routes.set(routeKey, route = { routeId: routeId!, directionId: Number(direction), parts: [], headways: { lengths: [], weights: [] }, planned: { lengths: [], weights: [] } });
    route.parts.push(stats);
    route.headways.lengths.push(...headways.lengths); route.headways.weights.push(...headways.weights);
    route.planned.lengths.push(...planned.lengths); route.planned.weights.push(...planned.weights);
  }
  return [...routes.values()].map(({ routeId, directionId, parts, headways, planned }) => {
    const actualWait = expectedWait(headways.lengths, headways.weights);
    const scheduledWait = expectedWait(planned.lengths, planned.weights);
    const average = (pick: (part: HeadwayStats) => number) => {
      const usable = parts.filter((part) => Number.isFinite(pick(part)));
      const total = usable.reduce((sum, part) => sum + part.weight, 0);
      return total ? usable.reduce((sum, part) => sum + pick(part) * part.weight, 0) / total : NaN;
    };
    return {
      routeId, directionId, stops: parts.length,
      headways: parts.reduce((sum, part) => sum + part.headways, 0), weight: parts.reduce((sum, part) => sum + part.weight, 0),
      meanHeadway: average((p) => p.meanHeadway), scheduledMeanHeadway: average((p) => p.scheduledMeanHeadway), cv: average((p) => p.cv),
      actualWait, scheduledWait, excessWait: actualWait - scheduledWait,
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

/** One set of figures from the rows of several routes and directions (each by its headways' weight). */
export function combineRows(rows: RouteHeadways[]): HeadwayFigures {
  const headways = rows.reduce((sum, row) => sum + row.headways, 0);
  const bunching = rows.reduce((sum, row) => sum + row.bunching, 0);
  const gaps = rows.reduce((sum, row) => sum + row.gaps, 0);
  const weighted = (pick: (row: RouteHeadways) => number) => {
    const usable = rows.filter((row) => Number.isFinite(pick(row)));
    const weight = usable.reduce((sum, row) => sum + row.weight, 0);
    return weight ? usable.reduce((sum, row) => sum + pick(row) * row.weight, 0) / weight : null;
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
