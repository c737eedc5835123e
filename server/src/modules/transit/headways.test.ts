import { describe, expect, it } from 'vitest';
import { expectedWait, routeHeadways, stopHeadways, type StopPass } from './headways.js';

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
    const unseen = stopHeadways([0, 600, 1800, 2400], [0, 600, 1200, 1800, 2400], undefined, [{ from: 700, to: 1500 }]);
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
    expect(outbound!.excessWait).toBeCloseTo((162 * 3 + 0 * 1) / 4, 9);
    expect(inbound).toMatchObject({ routeId: '1', directionId: 1, stops: 1, headways: 1, excessWait: 0 });
  });
});
