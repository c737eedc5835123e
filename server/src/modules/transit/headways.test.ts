import { describe, expect, it } from 'vitest';
import { expectedWait, headwayWeight, routeHeadways, stopHeadways, type StopPass } from './headways.js';

describe('headway regularity', () => {
  it('computes CV, excess wait, bunching and gaps on a hand-worked stop', () => {
    // Scheduled every 10 minutes; actual headways 600, 60, 1140 s.
    const stats = stopHeadways([0, 600, 660, 1800], [0, 600, 1200, 1800]);
    expect(stats.headways).toBe(3);
    expect(stats.meanHeadway).toBe(600);
    expect(stats.cv).toBeCloseTo(Math.sqrt((540 ** 2 * 2) / 3) / 600, 9); // 0.7348
    expect(stats.scheduledWait).toBe(300);
    expect(stats.actualWait).toBe(462); // (600² + 60² + 1140²) / (2 × 1800)
    expect(stats.excessWait).toBe(162);
    expect(stats.bunching).toBe(1); // 60 s < 25% of 600 s
    expect(stats.gaps).toBe(1); // 1140 s > 1.5 × 600 s
  });

  it('has no excess wait when the buses keep the timetable, and sorts unsorted passes', () => {
    const stats = stopHeadways([1200, 0, 600], [0, 600, 1200]);
    expect(stats).toMatchObject({ headways: 2, cv: 0, excessWait: 0, bunching: 0, gaps: 0 });
    expect(expectedWait([])).toBeNaN();
    expect(stopHeadways([5], [0, 600]).headways).toBe(0);
  });

  it('leaves out the headways across a break in observation, actual and scheduled alike', () => {
    // Every 10 minutes; nothing observed 11:40-25:00 (seconds 700-1500): the bus at 1200 went unseen.
    const unseen = stopHeadways([0, 600, 1800, 2400], [0, 600, 1200, 1800, 2400], undefined, { breaks: [{ from: 700, to: 1500 }] });
    expect(unseen).toMatchObject({ headways: 2, meanHeadway: 600, scheduledMeanHeadway: 600, excessWait: 0, gaps: 0 });
    // Read as if observed throughout, it is a 20-minute gap.
    expect(stopHeadways([0, 600, 1800, 2400], [0, 600, 1200, 1800, 2400])).toMatchObject({ headways: 3, gaps: 1 });
  });

  it('combines stops per route and direction, weighted by headways', () => {
    const pass = (routeId: string, directionId: number, stopId: string, time: number): StopPass => ({ routeId, directionId, stopId, time });
    const actual = [
      pass('1', 0, 'A', 0), pass('1', 0, 'A', 600), pass('1', 0, 'A', 660), pass('1', 0, 'A', 1800),
      pass('1', 0, 'B', 100), pass('1', 0, 'B', 700),
      pass('1', 1, 'B', 50), pass('1', 1, 'B', 650),
    ];
    const scheduled = [0, 600, 1200, 1800].map((t) => pass('1', 0, 'A', t)).concat([100, 700].map((t) => pass('1', 0, 'B', t)), [50, 650].map((t) => pass('1', 1, 'B', t)));
    const [outbound, inbound] = routeHeadways(actual, scheduled);
    expect(outbound).toMatchObject({ routeId: '1', directionId: 0, stops: 2, headways: 4, bunching: 1, gaps: 1 });
    // The wait pools A's 600, 60, 1140 and B's 600: (600² + 60² + 1140² + 600²) / (2 × 2400) = 421.5 s,
    // against 300 s scheduled.
    expect(outbound!.actualWait).toBeCloseTo(421.5, 9);
    expect(outbound!.excessWait).toBeCloseTo(121.5, 9);
    // The CV is the stops' own, weighted: B has one headway and no CV, so A's alone.
    expect(outbound!.cv).toBeCloseTo(Math.sqrt((540 ** 2 * 2) / 3) / 600, 9);
    expect(inbound).toMatchObject({ routeId: '1', directionId: 1, stops: 1, headways: 1, excessWait: 0 });
  });

  it('pools the stops\' headways for the wait: lone headways at each stop still show an irregular line', () => {
    // One headway at each of three stops: 5, 15 and 10 minutes against 10 scheduled. Averaged stop by
    // stop each lone headway reads as regular (waits 150, 450, 300: 300 s, no excess); pooled, the wait is
    // (300² + 900² + 600²) / (2 × 1800) = 350 s.
    const pass = (stopId: string, time: number): StopPass => ({ routeId: '1', directionId: 0, stopId, time });
    const actual = [pass('A', 0), pass('A', 300), pass('B', 0), pass('B', 900), pass('C', 0), pass('C', 600)];
    const scheduled = ['A', 'B', 'C'].flatMap((stop) => [pass(stop, 0), pass(stop, 600)]);
    const [row] = routeHeadways(actual, scheduled);
    expect(row).toMatchObject({ stops: 3, headways: 3, actualWait: 350, scheduledWait: 300, excessWait: 50 });
    expect(row!.cv).toBeNaN();
  });

  it('weights a headway by the inverse of its chance to be seen whole', () => {
    // The hour 3600-7200, observed for an hour before it: every headway up to an hour long fits.
    expect(headwayWeight(600, { from: 3600, to: 7200, since: 0 })).toBe(1);
    // A longer one only if it ended at 4000 or later: 3200 s of the 3600.
    expect(headwayWeight(4000, { from: 3600, to: 7200, since: 0 })).toBeCloseTo(3600 / 3200, 12);
    // Observed only from the start of the hour: a 10-minute headway ends at 4200 at the earliest.
    expect(headwayWeight(600, { from: 3600, to: 7200, since: 3600 })).toBeCloseTo(3600 / 3000, 12);
    expect(headwayWeight(3000, { from: 3600, to: 7200, since: 3600 })).toBeCloseTo(6, 12);
    // Barely fitting: capped at 10, so one headway cannot outweigh the rest.
    expect(headwayWeight(3500, { from: 3600, to: 7200, since: 3600 })).toBe(10);
    // A break 5000-5400: it fits in 4200-5000 or 6000-7200, 2000 s of the 3600.
    expect(headwayWeight(600, { from: 3600, to: 7200, since: 3600, breaks: [{ from: 5000, to: 5400 }] })).toBeCloseTo(3600 / 2000, 12);
    // No period given: every headway is taken as fully seen.
    expect(headwayWeight(3500, {})).toBe(1);
  });

  it('counts the long headway seen just after observation started for the ones it stands for', () => {
    // Observed from the start of the hour 3600-7200: six headways of 5 minutes, then one of 30.
    const times = [3600, 3900, 4200, 4500, 4800, 5100, 5400, 7200];
    const scheduled = [3600, 4800, 6000, 7200];
    const unweighted = stopHeadways(times, scheduled);
    const weighted = stopHeadways(times, scheduled, undefined, { from: 3600, to: 7200, since: 3600 });
    // A 5-minute headway fits ending in 3900-7200 (weight 3600/3300), the 30-minute one only in 5400-7200 (2).
    const short = 3600 / 3300;
    expect(weighted.weight).toBeCloseTo(6 * short + 2, 9);
    expect(unweighted.meanHeadway).toBeCloseTo(3600 / 7, 9);
    expect(weighted.meanHeadway).toBeCloseTo((6 * short * 300 + 2 * 1800) / (6 * short + 2), 9);
    expect(weighted.actualWait).toBeCloseTo((6 * short * 300 ** 2 + 2 * 1800 ** 2) / (2 * (6 * short * 300 + 2 * 1800)), 9);
    expect(weighted.headways).toBe(7); // the counts are of the headways seen
  });
});
