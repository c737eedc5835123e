import { beforeAll, describe, expect, it } from 'vitest';
import { loadTimetable, type Timetable } from '../gtfs/timetable.js';
import { lineFeed, lineLongitude, zipFiles } from '../testing/feed.js';
import { Tracker } from '../tracking/tracker.js';
import type { VehiclePing } from '../tracking/positions.js';
import { PredictionEngine, type ArrivalPredictor } from './engine.js';
import { CALIBRATION_CELLS } from './calibration.js';
import { DelayCarriedForwardPredictor, TimetablePredictor } from './baselines.js';
import { LearnedModel } from './history.js';
import { TransitError } from '../errors.js';

const DAY = Date.parse('2024-03-04T00:00:00Z') / 1000; // a Monday, UTC
const at = (clock: string) => DAY + Number(clock.slice(0, 2)) * 3600 + Number(clock.slice(3, 5)) * 60 + Number(clock.slice(6, 8) || 0);
const ping = (clock: string, metres: number, tripId = 'T1', day = 0): VehiclePing =>
  ({ time: at(clock) + day * 86_400, vehicleId: 'V1', tripId, routeId: 'R1', lat: 0, lon: lineLongitude(metres) });

let timetable: Timetable;
beforeAll(async () => {
  timetable = await loadTimetable(zipFiles(lineFeed()));
});

/** Feeds pings through one tracker and the predictors; returns each predictor's last predictions. */
function run(pings: VehiclePing[], predictors: ArrivalPredictor[]): Array<number[] | null> {
  const tracker = new Tracker(timetable);
  let last: Array<number[] | null> = predictors.map(() => null);
  for (const p of pings) {
    const update = tracker.observe(p);
    if (!update) continue;
    last = predictors.map((predictor) => {
      predictor.learn(update);
      const times = predictor.predict(update);
      return times ? [...times].map(Math.round) : null;
    });
  }
  return last;
}

/** A T1 run where every 1 km segment takes 4 minutes instead of the timetable's 5. */
const fastRun = (day: number) => [ping('08:00:00', 0, 'T1', day), ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((minute) => ping(`08:${String(minute).padStart(2, '0')}:00`, minute * 250, 'T1', day))];

describe('the prediction engine', () => {
  it('without history carries the vehicle\'s delay forward, like the baseline', () => {
    // First seen on its way (at its first stop, the engine would learn the first segment from its departure).
    const [engine, timetableOnly, delay] = run([ping('08:00:20', 60), ping('08:06:00', 1300)], [new PredictionEngine(timetable, undefined, { earlyShare: 0 }), new TimetablePredictor(), new DelayCarriedForwardPredictor()]);
    // At 1300 m at 08:06 the timetable says 08:06:30: 30 s early. C (08:10) and D (08:15) come 30 s early.
    expect(delay).toEqual([at('08:09:30'), at('08:14:30')]);
    expect(engine).toEqual(delay);
    expect(timetableOnly).toEqual([at('08:10:00'), at('08:15:00')]);
  });

  it('announces each stop a small share of its horizon early', () => {
    const [early] = run([ping('08:00:20', 60), ping('08:06:00', 1300)], [new PredictionEngine(timetable, undefined, { earlyShare: 0.1 })]);
    // 210 s and 510 s ahead without the shift: 21 s and 51 s earlier.
    expect(early).toEqual([at('08:09:30') - 21, at('08:14:30') - 51]);
  });

  it('moves stops beyond the calibrated 35 minutes no earlier than the farthest calibrated one', () => {
    // A bus at its first stop 40 minutes before it leaves: B, C and D are 45-55 minutes away. A tenth of
    // 45-55 minutes would put them 4.5-5.5 minutes early; a tenth of 35 minutes is the most.
    const [early] = run([ping('07:20:00', 0)], [new PredictionEngine(timetable, undefined, { earlyShare: 0.1 })]);
    expect(early).toEqual([at('08:05:00') - 210, at('08:10:00') - 210, at('08:15:00') - 210]);
  });

  it('never announces a stop earlier than buses have been seen to pass it (a timepoint where they wait)', () => {
    const engine = new PredictionEngine(timetable, undefined, { earlyShare: 0, holdingMinSamples: 3 });
    // Three days on which the bus waited at C until its scheduled 08:10 although it reached B early.
    for (const day of [0, 1, 2]) run([ping('08:00:00', 0, 'T1', day), ping('08:03:00', 1000, 'T1', day), ping('08:04:00', 1990, 'T1', day), ping('08:10:00', 2010, 'T1', day), ping('08:15:00', 3000, 'T1', day)], [engine]);
    const [held] = run([ping('08:00:00', 0, 'T1', 3), ping('08:02:00', 1000, 'T1', 3)], [engine]);
    expect(held![1]).toBeGreaterThanOrEqual(at('08:09:00') + 3 * 86_400); // C, not much before its time
    const [free] = run([ping('08:00:00', 0, 'T1', 3), ping('08:02:00', 1000, 'T1', 3)], [new PredictionEngine(timetable, engine.model, { earlyShare: 0, holding: false })]);
    expect(free![1]).toBeLessThan(held![1]!);
  });

  it('learns that a segment runs faster than the timetable and uses it the next day', () => {
    const engine = new PredictionEngine(timetable, undefined, { earlyShare: 0 });
    run(fastRun(0), [engine]);
    expect(engine.model.segments.get('B>C')!.count()).toBe(1); // A>B is not: nobody saw the bus arrive at A
    const [next] = run([ping('08:00:00', 0, 'T1', 1), ping('08:02:00', 500, 'T1', 1)], [engine]);
    const [naive] = run([ping('08:00:00', 0, 'T1', 1), ping('08:02:00', 500, 'T1', 1)], [new PredictionEngine(timetable, undefined, { earlyShare: 0 })]);
    // B, C and D: learned 240 s segments (shrunk a little towards the timetable) beat 300 s ones.
    expect(next![0]).toBeLessThan(naive![0]!);
    expect(next![2]! - next![1]!).toBeLessThan(300);
    expect(next![2]! - next![1]!).toBeGreaterThanOrEqual(240);
  });

  it('mixes the delay carried forward into what it learned, by its weight', () => {
    const engine = new PredictionEngine(timetable, undefined, { earlyShare: 0 });
    run(fastRun(0), [engine]);
    const probe = [ping('08:00:00', 0, 'T1', 1), ping('08:02:00', 500, 'T1', 1)];
    const [learned, carried, mixed] = run(probe, [
      new PredictionEngine(timetable, engine.model, { earlyShare: 0, calibrate: false, carriedDelayWeight: 0 }),
      new DelayCarriedForwardPredictor(),
      new PredictionEngine(timetable, engine.model, { earlyShare: 0, calibrate: false, carriedDelayWeight: 0.3 }),
    ]);
    // The learned 4-minute segments put D well before the timetable's time; the mix lies 30% of the way back.
    expect(learned![2]!).toBeLessThan(carried![2]! - 60);
    mixed!.forEach((time, i) => expect(Math.abs(time - (0.7 * learned![i]! + 0.3 * carried![i]!))).toBeLessThanOrEqual(1));
  });

  it('holds a vehicle waiting at its first stop until its departure time', () => {
    const [engine] = run([ping('07:50:00', 0)], [new PredictionEngine(timetable, undefined, { earlyShare: 0 })]);
    expect(engine).toEqual([at('08:05:00'), at('08:10:00'), at('08:15:00')]);
  });

  it('learns how late a route leaves its first stop, also from a bus reporting every few seconds', () => {
    // The bus stands at A from 07:58, leaves at 08:03 (3 minutes late) and runs the timetable's pace:
    // seen every 20 s, never at A one ping and past B the next.
    const pings: VehiclePing[] = [];
    for (let t = at('07:58:00'); t <= at('08:09:00'); t += 20) {
      const metres = t < at('08:03:00') ? 5 : 5 + ((t - at('08:03:00')) * 1000) / 300;
      pings.push({ time: t, vehicleId: 'V1', tripId: 'T1', routeId: 'R1', lat: 0, lon: lineLongitude(metres) });
    }
    const engine = new PredictionEngine(timetable, undefined, { earlyShare: 0 });
    run(pings, [engine]);
    const departure = engine.model.departures.get('R1');
    expect(departure).toBeDefined();
    // One sample of 180 s, shrunk towards 0 by the prior (8 samples' worth) at each of three levels.
    expect(departure!.estimate(0, 8, 0, engine.options.priorStrength)).toBeGreaterThan(40);
    // The next day a bus waiting at A is expected to leave late too.
    const [waiting] = run([{ ...pings[0]!, time: at('08:00:10') + 86_400 }], [engine]);
    expect(waiting![0]).toBeGreaterThan(at('08:05:00') + 86_400 + 40);
  });

  it('learns the first segment from when the bus left its first stop, not from when it came to the stand', async () => {
    // The trips' shape starts 300 m before A (the way in to the stand): the bus is seen reaching A at
    // 07:52, stands there until 08:00, and then runs 1000 m to B in 4 minutes.
    const base = lineFeed();
    const approach = await loadTimetable(zipFiles(lineFeed({
      'shapes.txt': `shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence\nS1,0,${lineLongitude(-300).toFixed(6)},1\nS1,0,0,2\nS1,0,${lineLongitude(3000).toFixed(6)},3\n`,
      'trips.txt': base['trips.txt']!.trimEnd().split('\n').map((row, i) => `${row},${i === 0 ? 'shape_id' : 'S1'}`).join('\n') + '\n',
    })));
    const pings: VehiclePing[] = [ping('07:50:00', -300), ping('07:51:00', -150), ping('07:52:00', 0)];
    for (let t = at('07:52:20'); t <= at('08:05:00'); t += 20) {
      pings.push({ ...ping('07:52:00', 0), time: t, lon: lineLongitude(t < at('08:00:00') ? 3 : 3 + ((t - at('08:00:00')) * 1000) / 240) });
    }
    const tracker = new Tracker(approach);
    const engine = new PredictionEngine(approach, undefined, { earlyShare: 0 });
    for (const p of pings) {
      const update = tracker.observe(p);
      if (update) { engine.learn(update); engine.predict(update); }
    }
    const firstSegment = engine.model.segments.get('A>B')!;
    expect(firstSegment.count()).toBe(1);
    // About 230 s of the timetable's 300: the 8 minutes at the stand are not running time.
    const ratio = firstSegment.estimate(0, 8, 1, 0);
    expect(ratio).toBeGreaterThan(0.7);
    expect(ratio).toBeLessThan(0.9);
  });

  it('never announces a stop before now, however far its learned shift moves it', () => {
    // Every calibration cell learned that buses come 150 s before the raw estimate: shifted 90-210 s.
    const model = new LearnedModel();
    for (let cell = 0; cell < CALIBRATION_CELLS; cell++) for (let i = 0; i < 400; i++) model.calibration.record(cell, -150, 60, 0);
    // 100 m from D, about 30 s away: shifted, it would be announced before now.
    const [times] = run([ping('08:13:00', 2600), ping('08:14:00', 2900)], [new PredictionEngine(timetable, model)]);
    expect(times).toEqual([at('08:14:00')]);
  });

  it('predicts nothing for a vehicle off its route or past its last stop', () => {
    const engine = new PredictionEngine(timetable);
    expect(run([ping('08:00:00', 0), { ...ping('08:03:00', 700), lat: 0.01 }], [engine])[0]).toBeNull();
    expect(run([ping('08:00:00', 0), ping('08:14:00', 2950), ping('08:15:00', 3000)], [engine])[0]).toBeNull();
  });

  it('persists what it learned as JSON and predicts the same from it', () => {
    const engine = new PredictionEngine(timetable);
    run(fastRun(0), [engine]);
    const restored = LearnedModel.fromJSON(JSON.parse(JSON.stringify(engine.model.toJSON())));
    const probe = [ping('08:30:00', 0, 'T2', 1), ping('08:33:00', 700, 'T2', 1)];
    expect(run(probe, [new PredictionEngine(timetable, restored)])).toEqual(run(probe, [new PredictionEngine(timetable, engine.model)]));
  });

  it('forgets the first segments and departures of a model saved before they were learned from the departure', () => {
    const engine = new PredictionEngine(timetable);
    run(fastRun(0), [engine]);
    engine.model.segment('A>B').record(0, 8, 720, 300); // a layover taken for running time
    engine.model.departure('R1').record(0, 8, -264);
    const saved = engine.model.toJSON();
    expect(saved.version).toBe(2);
    const current = new PredictionEngine(timetable, LearnedModel.fromJSON(JSON.parse(JSON.stringify(saved))));
    expect(current.model.segments.has('A>B')).toBe(true);
    const old = new PredictionEngine(timetable, LearnedModel.fromJSON(JSON.parse(JSON.stringify({ ...saved, version: 1 }))));
    expect(old.model.segments.has('A>B')).toBe(false);
    expect(old.model.departures.size).toBe(0);
    expect(old.model.segments.get('B>C')!.count()).toBe(1); // the rest is kept
    expect(old.model.toJSON().version).toBe(2);
  });

  it('refuses a model that is not one', () => {
    expect(() => LearnedModel.fromJSON({ version: 3 })).toThrow(TransitError);
    expect(() => LearnedModel.fromJSON({ version: 1, segments: { 'A>B': [999, 1, 1, 1] }, departures: {}, network: [] })).toThrow(/segments.A>B has a bad group/);
  });
});
