import { describe, expect, it } from 'vitest';
import { AccuracyTally, ActualArrivals, bucketOf, caltransBound, formatScores } from './score.js';

describe('the accuracy yardstick', () => {
  it('puts horizons in their buckets, 30 minutes included and beyond excluded', () => {
    expect([0, 179.9, 180, 359, 360, 719, 720, 1800].map(bucketOf)).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect(bucketOf(1800.5)).toBe(-1);
    expect(bucketOf(-1)).toBe(-1);
  });

  it('computes the Caltrans bound', () => {
    expect(caltransBound(0).early).toBeCloseTo(-60 * Math.log(1.3), 6);
    expect(caltransBound(0).late).toBeCloseTo(15.74 + 8.59, 1); // 60 ln 1.5 = 24.33
    expect(caltransBound(600).early).toBeCloseTo(-145.49, 2); // -60 ln 11.3
    expect(caltransBound(600).late).toBeCloseTo(146.54, 2); // 60 ln 11.5
  });

  it('scores hand-computed predictions', () => {
    const tally = new AccuracyTally();
    // made at 1000: [actual, predicted] -> horizon, error = actual - predicted
    expect(tally.add(1100, 1150, 1000)).toBe(true); // 100 s, -50: window yes, Caltrans (-65..) yes, ±60 yes
    expect(tally.add(1400, 1200, 1000)).toBe(true); // 400 s, +200: window (-150..210) yes, Caltrans (..126) no
    expect(tally.add(1300, 1400, 1000)).toBe(true); // 300 s, -100: window (-90..120) no, Caltrans (-110..) yes, ±120 yes
    expect(tally.add(2000, 1700, 1000)).toBe(true); // 1000 s, +300: window (-240..360) yes, Caltrans (..174) no
    expect(tally.add(3000, 3000, 1000)).toBe(false); // 2000 s ahead: not scored
    expect(tally.add(990, 990, 1000)).toBe(false); // made after the arrival: not scored
    const score = tally.score();
    expect(score.count).toBe(4);
    expect(score.withinBuckets).toBe(0.75);
    expect(score.buckets.map((bucket) => [bucket.count, bucket.withinWindow])).toEqual([[1, 1], [1, 0], [1, 1], [1, 1]]);
    expect(score.caltrans).toBe(0.5);
    expect(score.within60).toBe(0.25);
    expect(score.within120).toBe(0.5);
    expect(score.medianAbsoluteError).toBe(150);
  });

  it('counts the window edges in and a second past them out', () => {
    const tally = new AccuracyTally();
    tally.add(1100, 1160, 1000); // 0-3 min, error -60: in
    tally.add(1100, 1039, 1000); // 0-3 min, error +61: out
    tally.add(1800, 1440, 1000); // 12-30 min, error +360: in
    tally.add(1800, 2041, 1000); // 12-30 min, error -241: out
    expect(tally.score().withinBuckets).toBe(0.5);
  });

  it('has no score without predictions', () => {
    const score = new AccuracyTally().score();
    expect(score.count).toBe(0);
    expect(score.withinBuckets).toBeNaN();
    expect(formatScores([{ name: 'none', score }])).toContain('| none |      0 |         - |');
  });

  it('finds the actual arrival of the right day for a trip id that recurs daily', () => {
    const actuals = new ActualArrivals();
    actuals.add('T1', 3, 1000);
    actuals.add('T1', 3, 1000 + 86_400);
    expect(actuals.find('T1', 3, 500)).toBe(1000);
    expect(actuals.find('T1', 3, 86_400 + 900)).toBe(87_400);
    expect(actuals.find('T1', 3, 1001)).toBeNull();
    expect(actuals.find('T1', 4, 500)).toBeNull();
  });
});
