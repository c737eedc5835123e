import { describe, expect, it } from 'vitest';
import type { StopPass } from './headways.js';
import { openGaps } from './open-gaps.js';

const pass = (stopId: string, time: number, routeId = '1'): StopPass => ({ routeId, directionId: 0, stopId, time });
// Every 10 minutes at A and B from 0 to 7200.
const everyTen = (stopId: string, until = 7200) => Array.from({ length: until / 600 + 1 }, (_, i) => pass(stopId, i * 600));

describe('gaps open now', () => {
  it('finds the stops waiting over 1.5 scheduled headways since the last bus, longest first', () => {
    // At 3000: A last saw a bus at 1200 (30 minutes, buses due at 1800, 2400, 3000); B at 2400 (10 minutes).
    const gaps = openGaps([pass('A', 600), pass('A', 1200), pass('B', 1800), pass('B', 2400)], [...everyTen('A'), ...everyTen('B')], 3000, { since: 0 });
    expect(gaps).toEqual([{ routeId: '1', directionId: 0, stopId: 'A', lastPassed: 1200, waited: 1800, scheduledHeadway: 600 }]);
    // 15 minutes is not over 1.5 × 10 yet; a second more is.
    expect(openGaps([pass('A', 1200)], everyTen('A'), 2100, { since: 0 })).toEqual([]);
    expect(openGaps([pass('A', 1200)], everyTen('A'), 2101, { since: 0 })).toHaveLength(1);
  });

  it('counts from the start of observation when no bus was seen, as a wait of at least that long', () => {
    const [gap] = openGaps([], everyTen('A'), 3000, { since: 1000 });
    expect(gap).toMatchObject({ stopId: 'A', lastPassed: null, waited: 2000, scheduledHeadway: 600 });
    // Observed since before the stop's first planned bus (at 0): its lateness is not a gap.
    expect(openGaps([], everyTen('A'), 1200, { since: -600 })).toEqual([]);
  });

  it('is no gap when the timetable itself leaves one, when service has ended, or when nothing was due', () => {
    // The plan: 0, 600, then nothing until 3600 (a 50-minute headway in force).
    const sparse = [pass('A', 0), pass('A', 600), pass('A', 3600)];
    expect(openGaps([pass('A', 600)], sparse, 3000, { since: 0 })).toEqual([]);
    // The 3600 bus is due and not seen: held against the 50 minutes in force, a gap only past 75.
    expect(openGaps([pass('A', 600)], sparse, 5000, { since: 0 })).toEqual([]);
    expect(openGaps([pass('A', 600)], sparse, 5101, { since: 0 })).toMatchObject([{ stopId: 'A', scheduledHeadway: 3000 }]);
    // At night: every 30 minutes, then a last bus 90 minutes on. The half-hourly one at 1800 did not
    // come: a gap by 2700, though the plan's next headway is long.
    const night = [pass('A', 0), pass('A', 1800), pass('A', 7200)];
    expect(openGaps([pass('A', 0)], night, 2701, { since: 0 })).toMatchObject([{ stopId: 'A', waited: 2701, scheduledHeadway: 1800 }]);
    // A bus 40 s early served its slot: the next one is not due until 4200, so no gap at 1500.
    expect(openGaps([pass('A', 560)], [pass('A', 0), pass('A', 600), pass('A', 4200)], 1500, { since: 0 })).toEqual([]);
    // The last bus of the day came: nothing due since, however long ago.
    expect(openGaps([pass('A', 7200)], everyTen('A'), 20_000, { since: 0 })).toEqual([]);
    // The last bus of the day did not come: a gap.
    expect(openGaps([pass('A', 6600)], everyTen('A'), 7600, { since: 0 })).toMatchObject([{ stopId: 'A', waited: 1000 }]);
  });

  it('says nothing where the bus may have passed unseen or stands at the stop', () => {
    expect(openGaps([pass('A', 1200)], everyTen('A'), 3000, { since: 0, breaks: [{ from: 1500, to: 2100 }] })).toEqual([]);
    // A break before the last bus seen does not hide the gap after it.
    expect(openGaps([pass('A', 1200)], everyTen('A'), 3000, { since: 0, breaks: [{ from: 300, to: 900 }] })).toHaveLength(1);
    expect(openGaps([pass('A', 1200)], everyTen('A'), 3000, { since: 0, standing: new Set(['1\u00000\u0000A']) })).toEqual([]);
  });
});
