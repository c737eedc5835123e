import { describe, expect, it } from 'vitest';
import type { IndicatorStatus } from '../types.js';
import { computeHealthScore, STATUS_POINTS, type HealthSeries } from './score.js';

function s(indicator: string, org: string, status: IndicatorStatus): HealthSeries {
  return { indicator, category: indicator.split('.')[0]!.toLowerCase(), org, status };
}

const WEIGHTS = [
  { code: 'air', weight: 2 },
  { code: 'traffic', weight: 1 },
  { code: 'water', weight: 1 },
];

const SERIES: HealthSeries[] = [
  s('AIR.PM25', 'A', 'normal'), // 100
  s('AIR.PM25', 'B', 'warning'), // 60  → PM25 = 80
  s('AIR.O3', 'A', 'critical'), // 0
  s('AIR.O3', 'B', 'no-data'), // excluded → O3 = 0; air = (80 + 0) / 2 = 40
  s('TRAFFIC.SPEED', 'A', 'stale'), // 50
  s('TRAFFIC.SPEED', 'B', 'normal'), // 100 → SPEED = 75
  s('TRAFFIC.SPEED', 'C', 'critical'), // outside the subtree
  s('TRAFFIC.JAM', 'A', 'no-data'), // no scored series → left out; traffic = 75
  s('WATER.LEVEL', 'A', 'no-data'), // water has no score → left out of the city score
];

describe('computeHealthScore', () => {
  it('weights categories, averages indicators equally and excludes no-data (hand-computed)', () => {
    const r = computeHealthScore(SERIES, WEIGHTS, new Set(['A', 'B']));
    // (2 × 40 + 1 × 75) / (2 + 1) = 51.67
    expect(r.score).toBe(51.7);
    expect(r.categories).toEqual([
      { code: 'air', score: 40, counts: { normal: 1, warning: 1, critical: 1, stale: 0, noData: 1 } },
      { code: 'traffic', score: 75, counts: { normal: 1, warning: 0, critical: 0, stale: 1, noData: 1 } },
      { code: 'water', score: null, counts: { normal: 0, warning: 0, critical: 0, stale: 0, noData: 1 } },
    ]);
  });

  it('accepts a predicate for the subtree, and everything when none is given', () => {
    const onlyA = computeHealthScore(SERIES, WEIGHTS, (org) => org === 'A');
    // air: PM25 100, O3 0 → 50; traffic: SPEED 50 → 50; city 50.
    expect(onlyA.score).toBe(50);
    expect(onlyA.categories.map((c) => c.score)).toEqual([50, 50, null]);

    const all = computeHealthScore(SERIES, WEIGHTS);
    // traffic: SPEED = (50 + 100 + 0) / 3 = 50; city = (2 × 40 + 50) / 3 = 43.33
    expect(all.categories[1]!.score).toBe(50);
    expect(all.score).toBe(43.3);
  });

  it('weighs indicators equally regardless of how many orgs report them', () => {
    const series = [
      ...Array.from({ length: 10 }, (_, i) => s('AIR.PM25', `street${i}`, 'normal')),
      s('AIR.O3', 'city', 'critical'),
    ];
    const r = computeHealthScore(series, [{ code: 'air', weight: 1 }]);
    expect(r.score).toBe(50); // not 10/11 × 100
  });

  it('uses the documented points per status', () => {
    expect(STATUS_POINTS).toEqual({ normal: 100, warning: 60, critical: 0, stale: 50 });
    for (const [status, points] of Object.entries(STATUS_POINTS)) {
      const r = computeHealthScore([s('AIR.X', 'A', status as IndicatorStatus)], [{ code: 'air', weight: 3 }]);
      expect(r.score).toBe(points);
    }
  });

  it('returns null scores when there is no data, and lists empty categories', () => {
    expect(computeHealthScore([], WEIGHTS)).toEqual({
      score: null,
      categories: WEIGHTS.map(({ code }) => ({
        code,
        score: null,
        counts: { normal: 0, warning: 0, critical: 0, stale: 0, noData: 0 },
      })),
    });
    expect(computeHealthScore([s('AIR.X', 'A', 'no-data')], WEIGHTS).score).toBeNull();
    expect(computeHealthScore([], []).categories).toEqual([]);
  });

  it('reports categories missing from the weights, or weighted 0, without counting them', () => {
    const series = [s('AIR.X', 'A', 'warning'), s('ZOO.X', 'A', 'critical'), s('MISC.X', 'A', 'normal')];
    const r = computeHealthScore(series, new Map([['air', 1], ['misc', 0]]));
    expect(r.score).toBe(60);
    expect(r.categories.map((c) => `${c.code}:${c.score}`)).toEqual(['air:60', 'misc:100', 'zoo:0']);
  });

  it('rounds to one decimal', () => {
    const r = computeHealthScore(
      [s('AIR.A', 'x', 'normal'), s('AIR.A', 'y', 'normal'), s('AIR.A', 'z', 'warning')],
      [{ code: 'air', weight: 1 }],
    );
    expect(r.score).toBe(86.7); // 260 / 3
    expect(r.categories[0]!.score).toBe(86.7);
  });

  it('rejects negative or non-finite weights', () => {
    expect(() => computeHealthScore([], [{ code: 'air', weight: -1 }])).toThrow(RangeError);
    expect(() => computeHealthScore([], new Map([['air', Number.NaN]]))).toThrow(RangeError);
  });

  it('scores 100,000 series in well under 50 ms', () => {
    const statuses: IndicatorStatus[] = ['normal', 'normal', 'normal', 'warning', 'critical', 'stale', 'no-data'];
    const categories = Array.from({ length: 40 }, (_, i) => ({ code: `cat${i}`, weight: 1 + (i % 3) }));
    const orgs = Array.from({ length: 100 }, (_, i) => `org${i}`);
    const subtree = new Set(orgs.slice(0, 80));
    const series: HealthSeries[] = [];
    for (let i = 0; i < 1000; i++) {
      for (let j = 0; j < 100; j++) {
        series.push({ indicator: `IND${i}`, category: `cat${i % 40}`, org: orgs[j]!, status: statuses[(i + j) % 7]! });
      }
    }
    let best = Infinity;
    for (let run = 0; run < 5; run++) {
      const t = performance.now();
      const r = computeHealthScore(series, categories, subtree);
      best = Math.min(best, performance.now() - t);
      expect(r.categories).toHaveLength(40);
    }
    expect(best).toBeLessThan(50);
  });
});
