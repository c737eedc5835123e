// Live accuracy: announcements judged by hand-computed cases, and the same figures as the offline yardstick
// on a real day of Austin's buses.
import { describe, expect, it } from 'vitest';
import type { TrackUpdate, TripRun } from '../tracking/tracker.js';
import { loadTimetable } from '../gtfs/timetable.js';
import { austinData } from '../testing/data.js';
import { PredictionEngine, type ArrivalPredictor } from '../prediction/engine.js';
import { LiveAccuracy } from './live.js';
import { deriveActuals, replay } from './replay.js';
import { AccuracyTally } from './score.js';

const STOPS = ['S0', 'S1', 'S2', 'S3', 'S4'];
const runOf = (key: string, routeId: string, nextIndex: number) => ({ key, vehicleId: `bus-${key}`, trip: { routeId, pattern: { stopIds: STOPS } }, nextIndex }) as unknown as TripRun;
const update = (run: TripRun, time: number, passed: Array<[number, number]> = [], finished?: TripRun): TrackUpdate =>
  ({ run, time, onRoute: true, passed: passed.map(([index, at]) => ({ index, time: at })), finished });

describe('live accuracy, by hand', () => {
  it('judges each kept announcement in the window of its actual horizon, once a minute per run', () => {
    const accuracy = new LiveAccuracy();
    const run = runOf('T1@1', 'R1', 1);
    accuracy.observe(update(run, 1000), Float64Array.of(1100, 1400, 2000)); // stops 1, 2, 3
    accuracy.observe(update(run, 1030), Float64Array.of(900, 900, 900)); // 30 s later: not kept
    accuracy.observe(update(run, 1060), Float64Array.of(1150, 1500, 2100));
    // Stop 1 at 1130: +30 s at 130 s and -20 s at 70 s, both inside 0-3 min's ±60 s.
    run.nextIndex = 2;
    accuracy.observe(update(run, 1200, [[1, 1130]]), Float64Array.of(1450, 2050));
    // Stop 2 at 1590: +190 s at 590 s, +90 s at 530 s, +140 s at 390 s: inside 6-12 min's -150/+210 s.
    run.nextIndex = 3;
    accuracy.observe(update(run, 1600, [[2, 1590]]), Float64Array.of(2200));
    // Stop 3 at 2950: the announcements of 1000 and 1060 were made over 30 minutes before, not judged;
    // +900 s at 1750 s and +750 s at 1350 s are outside 12-30 min's +360 s. Stop 4 passed unseen.
    run.nextIndex = 5;
    accuracy.observe(update(run, 3000, [[3, 2950], [4, NaN]]), null);

    const hour = accuracy.summary(3000, 3600);
    expect(hour).toMatchObject({ count: 7, inWindow: 5 / 7, from: 3060 - 3600, to: 3060 });
    expect(hour.buckets.map((bucket) => [bucket.count, bucket.inWindow])).toEqual([[2, 1], [0, null], [3, 1], [2, 0]]);
    // The last ten minutes hold only stop 3's judgements.
    expect(accuracy.summary(3000, 600)).toMatchObject({ count: 2, inWindow: 0 });
    expect(accuracy.summary(9000, 600)).toMatchObject({ count: 0, inWindow: null, routes: [] });
  });

  it('ranks routes by missed announcements, and judges a trip taken over by another bus', () => {
    const accuracy = new LiveAccuracy({ spacingSeconds: 0 });
    const good = runOf('A@1', 'GOOD', 0), bad = runOf('B@1', 'BAD', 0);
    accuracy.observe(update(good, 100), Float64Array.of(200, 300));
    accuracy.observe(update(bad, 100), Float64Array.of(200, 300));
    good.nextIndex = bad.nextIndex = 1;
    accuracy.observe(update(good, 210, [[0, 205]]), Float64Array.of(300));
    accuracy.observe(update(bad, 400, [[0, 380]]), Float64Array.of(450)); // 180 s late at 280 s: outside
    // Another bus takes over A@1 and passes stop 1 at 330: announced 300 at 100 and at 210, both inside.
    const relief = { ...runOf('A@1', 'GOOD', 2), vehicleId: 'relief' } as TripRun;
    accuracy.observe(update(relief, 340, [[1, 330]]), null);
    expect(accuracy.summary(400).routes).toEqual([{ routeId: 'BAD', count: 1, inWindow: 0 }, { routeId: 'GOOD', count: 3, inWindow: 1 }]);
    // Announced two hours ahead (too far to keep the time), the bus came after 15 minutes: a miss all the same.
    const far = runOf('F@1', 'FAR', 0);
    accuracy.observe(update(far, 1000), Float64Array.of(1100, 1000 + 7200));
    far.nextIndex = 2;
    accuracy.observe(update(far, 2000, [[0, 1090], [1, 1900]]), null);
    expect(accuracy.summary(2000).routes.find((route) => route.routeId === 'FAR')).toEqual({ routeId: 'FAR', count: 2, inWindow: 0.5 });
  });
});

describe('live accuracy, by place', () => {
  it('splits the figures by where the stops lie, leaving out stops in no known place', () => {
    const accuracy = new LiveAccuracy();
    accuracy.placeOf = (stopId) => (stopId === 'S1' ? 'west' : stopId === 'S2' ? 'east' : null);
    const run = runOf('P@1', 'R1', 0);
    accuracy.observe(update(run, 100), Float64Array.of(150, 200, 300, 400));
    run.nextIndex = 4;
    // S0 and S1 on time (no place; west); S2 240 s late at 440 s (east: outside -150/+210); S3 160 s late at 460 s (no place: inside).
    accuracy.observe(update(run, 600, [[0, 150], [1, 200], [2, 540], [3, 560]]), null);
    expect(accuracy.summary(600)).toMatchObject({ count: 4, inWindow: 0.75 });
    expect(accuracy.byPlace(600)).toEqual(new Map([['west', { count: 1, inWindow: 1 }], ['east', { count: 1, inWindow: 0 }]]));
  });
});

const austin = austinData();

describe.skipIf(!austin)('live accuracy against the offline yardstick (Austin, 2016-11-25)', () => {
  it('gives the figures `citypulse transit accuracy` gives when every announcement is kept', async () => {
    const timetable = await loadTimetable(austin!.gtfs);
    const positions = [austin!.positions('2016-11-25')];
    const engine = new PredictionEngine(timetable);
    const live = new LiveAccuracy({ spacingSeconds: 0, keepMinutes: 3 * 24 * 60 });
    // The live figures come from the server's path: every update, with what the engine announced from it.
    const judged: ArrivalPredictor = {
      name: 'engine',
      learn: (u) => engine.learn(u),
      predict: (u) => { const times = engine.predict(u); live.observe(u, times); return times; },
    };
    const offline: Array<[number, string, number, number]> = [];
    await replay({
      timetable, positions, predictors: [judged],
      onPredictions: (_p, madeAt, _v, tripId, sequences, _s, from, times) => { for (let i = 0; i < times.length; i++) offline.push([madeAt, tripId, sequences[from + i]!, times[i]!]); },
    });
    const actuals = await deriveActuals(timetable, positions);
    const tally = new AccuracyTally();
    for (const [madeAt, tripId, sequence, predicted] of offline) {
      const actual = actuals.find(tripId, sequence, madeAt);
      if (actual !== null) tally.add(actual, predicted, madeAt);
    }
    const expected = tally.score();
    const got = live.summary(Date.parse('2016-11-27T00:00:00Z') / 1000, 3 * 86_400);
    expect(expected.count).toBeGreaterThan(300_000);
    expect(got.count).toBe(expected.count);
    expect(got.buckets.map((bucket) => [bucket.count, bucket.inWindow])).toEqual(expected.buckets.map((bucket) => [bucket.count, bucket.share]));
    expect(got.inWindow).toBeCloseTo(expected.withinBuckets, 12);
  }, 120_000);
});
