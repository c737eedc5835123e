import { beforeAll, describe, expect, it } from 'vitest';
import { loadTimetable, type Timetable } from '../gtfs/timetable.js';
import { lineFeed, lineLongitude, zipFiles } from '../testing/feed.js';
import { Tracker } from '../tracking/tracker.js';
import type { VehiclePing } from '../tracking/positions.js';
import { WindowCalibration } from './calibration.js';
import { PredictionEngine, type EngineOptions } from './engine.js';
import { bandOf, LearnedModel, SlotStats } from './history.js';
import { TransitError } from '../errors.js';

const DAY = Date.parse('2024-03-04T00:00:00Z') / 1000; // a Monday, UTC
const at = (clock: string) => DAY + Number(clock.slice(0, 2)) * 3600 + Number(clock.slice(3, 5)) * 60 + Number(clock.slice(6, 8) || 0);
const ping = (clock: string, metres: number): VehiclePing => ({ time: at(clock), vehicleId: 'V1', tripId: 'T1', routeId: 'R1', lat: 0, lon: lineLongitude(metres) });

let timetable: Timetable;
beforeAll(async () => {
  timetable = await loadTimetable(zipFiles(lineFeed()));
});

/**
 * A bus just past A at 08:00:20 (first seen on its way: nothing learned of the first segment) and 1300 m on at 08:06, seen by an engine on `model` and by one with no history
 * and `plainOptions`: what each announced for C and D at 08:06 (rounded), and the tracker and engine to go on.
 */
function announceAt1300(model: LearnedModel, options: Partial<EngineOptions>, plainOptions: Partial<EngineOptions>) {
  const tracker = new Tracker(timetable);
  const engine = new PredictionEngine(timetable, model, options);
  const plain = new PredictionEngine(timetable, new LearnedModel(), plainOptions);
  let announced: number[] = [], raw: number[] = [];
  for (const p of [ping('08:00:20', 60), ping('08:06:00', 1300)]) {
    const update = tracker.observe(p)!;
    engine.learn(update);
    plain.learn(update);
    announced = Array.from(engine.predict(update)!, Math.round);
    raw = Array.from(plain.predict(update)!, Math.round);
  }
  return { tracker, engine, announced, raw };
}

describe('the learned running times', () => {
  it('take two hours\' ratios in proportion between the middles of the hours, without a step at the hour', () => {
    const segment = new SlotStats();
    for (let i = 0; i < 50; i++) { segment.record(0, 7, 1.2); segment.record(0, 8, 0.8); }
    const network = new SlotStats();
    const at = (hours: number) => segment.estimateBetween(0, hours, (dayType, hour) => network.estimate(dayType, hour, 1, 0), 0);
    expect(at(7.5)).toBeCloseTo(1.2, 6);
    expect(Math.abs(at(7.9999) - at(8.0001))).toBeLessThan(0.001);
    expect(at(8)).toBeCloseTo(1.0, 6);
    expect(at(8.5)).toBeCloseTo(0.8, 6);
    expect(at(7.75)).toBeCloseTo(1.1, 6);
  });
});

describe('the window calibration', () => {
  it('picks the shift that puts the most announcements inside the window of their horizon', () => {
    const calibration = new WindowCalibration();
    const cell = WindowCalibration.cellOf(500, 0, false); // 8 minutes: window -150..+210 s
    // Buses came 200 s before announced (error -200) three times, 200 s after twice: shifts from 50 s up
    // put the early ones inside, shifts up to 10 s the late ones; the most are caught from 50 s, the
    // smallest such shift wins.
    for (const error of [-200, 200, -200, 200, -200]) calibration.record(cell, error, 500, 0);
    expect(calibration.shift(cell, 5)).toBe(50);
    expect(calibration.shift(cell, 6)).toBeNull(); // not enough samples yet
    // Errors all about zero: no reason to move, so no shift.
    const quiet = WindowCalibration.cellOf(500, 0, true);
    for (const error of [-20, 0, 20]) calibration.record(quiet, error, 500, 0);
    expect(calibration.shift(quiet, 1)).toBe(0);
    // Announcements 25 minutes ahead are judged by the 12-30 minute window, whatever the bus did.
    const far = WindowCalibration.cellOf(1500, 0, false);
    calibration.record(far, -300, 1500, 0); // shifts 60..180 (the largest considered) put -300 in -240..+360
    expect(calibration.shift(far, 1)).toBe(60);
  });

  it('keeps early, on-time and late vehicles, last stops and vehicles still at their first stop apart', () => {
    const cells = [WindowCalibration.cellOf(300, -200, false), WindowCalibration.cellOf(300, 0, false), WindowCalibration.cellOf(300, 400, false), WindowCalibration.cellOf(300, 0, true), WindowCalibration.cellOf(300, -200, false, true)];
    expect(new Set(cells).size).toBe(5);
    expect(WindowCalibration.cellOf(100_000, 0, false)).toBe(WindowCalibration.cellOf(1800, 0, false));
  });

  it('round-trips through the model JSON and refuses a broken one', () => {
    const model = new LearnedModel();
    const cell = WindowCalibration.cellOf(500, 0, false);
    for (let i = 0; i < 10; i++) model.calibration.record(cell, -300, 500, 0.01);
    model.biasAt('R1:B').add(30);
    const waiting = WindowCalibration.cellOf(1700, -900, false, true); // the last cell there is
    for (let i = 0; i < 10; i++) model.calibration.record(waiting, 100, 1700, 0.01);
    const restored = LearnedModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(restored.calibration.shift(cell, 10)).toBe(model.calibration.shift(cell, 10));
    expect(restored.calibration.shift(waiting, 10)).toBe(model.calibration.shift(waiting, 10));
    expect(restored.bias.get('R1:B')).toMatchObject({ mean: 30, count: 1 });
    const json = model.toJSON();
    expect(() => LearnedModel.fromJSON({ ...json, calibration: { 999: [0, 1] } })).toThrow(TransitError);
    expect(() => LearnedModel.fromJSON({ ...json, calibration: { [cell]: [0, 1, 2] } })).toThrow(/calibration\.\d+ must be/);
    expect(() => LearnedModel.fromJSON({ ...json, bias: { 'R1:B': ['x', 1] } })).toThrow(/bias\.R1:B/);
  });

  it('round-trips a stop\'s banded bias through the model JSON and refuses a broken one', () => {
    const model = new LearnedModel();
    model.bandBiasAt('R1:C')[bandOf(500)]!.add(40);
    const restored = LearnedModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(restored.bandBias.get('R1:C')!.map((band) => [band.mean, band.count])).toEqual([[0, 0], [0, 0], [40, 1], [0, 0]]);
    const json = model.toJSON();
    expect(() => LearnedModel.fromJSON({ ...json, bandBias: { 'R1:C': [40, 1] } })).toThrow(/bandBias\.R1:C must be 4 pairs/);
    expect(() => LearnedModel.fromJSON({ ...json, bandBias: { 'R1:C': [0, 0, 0, 0, 40, -1, 0, 0] } })).toThrow(TransitError);
  });

  it('moves the engine\'s announcements by what the cell learned, and learns as the bus passes stops', () => {
    // At 1300 m at 08:06 the bus is 30 s early (on time, as far as cells go); without history C is 210 s
    // and D 510 s ahead. D's cell learned that buses came 300 s before announced: a 150 s shift.
    const model = new LearnedModel();
    const cellOfD = WindowCalibration.cellOf(510, -30, true);
    for (let i = 0; i < 5; i++) model.calibration.record(cellOfD, -300, 510, 0);
    const options = { earlyShare: 0, stopBiasStrength: 0, calibrationMinSamples: 5 };
    const { tracker, engine, announced, raw } = announceAt1300(model, options, { ...options, calibrate: false });
    expect(raw).toEqual([at('08:09:30'), at('08:14:30')]);
    expect(announced).toEqual([raw[0], raw[1]! - 150]);
    // The bus passes C at 08:09:30 as announced: the announcement 210 s ahead is learned, error 0.
    const cellOfC = WindowCalibration.cellOf(210, -30, false);
    expect(model.calibration.cells.get(cellOfC)).toBeUndefined();
    const passed = tracker.observe(ping('08:11:00', 2300))!;
    engine.learn(passed);
    expect(model.calibration.cells.get(cellOfC)!.count).toBe(1);
    expect(model.calibration.shift(cellOfC, 1)).toBe(0);
  });

  it('calibrates the stop a bus has nearly reached apart from the other stops announced as far ahead', () => {
    // The cell of a stop under a minute ahead with the bus pulling in learned that such buses came 90 s
    // after the raw estimate: a shift of -30 s (announce 30 s later) puts them all inside -60..+60 s.
    const model = new LearnedModel();
    const near = WindowCalibration.cellOf(30, 0, false, false, true);
    expect(near).not.toBe(WindowCalibration.cellOf(30, 0, false));
    for (let i = 0; i < 5; i++) model.calibration.record(near, 90, 30, 0);
    const options = { earlyShare: 0, stopBiasStrength: 0, bandBiasWeight: 0, pairBiasWeight: 0, calibrationMinSamples: 5 };
    const announce = (nearStopMetres: number, metres: number) => {
      const tracker = new Tracker(timetable);
      const engine = new PredictionEngine(timetable, model, { ...options, nearStopMetres });
      const plain = new PredictionEngine(timetable, new LearnedModel(), { ...options, calibrate: false });
      let announced: number[] = [], raw: number[] = [];
      for (const p of [ping('08:00:20', 60), ping('08:09:00', metres)]) {
        const update = tracker.observe(p)!;
        engine.learn(update); plain.learn(update);
        announced = Array.from(engine.predict(update)!, Math.round);
        raw = Array.from(plain.predict(update)!, Math.round);
      }
      return { announced, raw };
    };
    // 100 m short of C (2000 m): C 30 s ahead; inside 150 m the near cell's shift applies to C alone.
    const within = announce(150, 1900);
    expect(within.raw[0]! - at('08:09:00')).toBe(30);
    expect(within.announced[0]).toBe(within.raw[0]! + 30);
    expect(within.announced[1]).toBe(within.raw[1]);
    // Within 50 m only, the same bus 100 m out is an ordinary announcement (its cell has learned nothing).
    const outside = announce(50, 1900);
    expect(outside.announced).toEqual(outside.raw);
  });

  it('adds a stop\'s bias for the band of horizon announced, and learns it from what the stop\'s bias left', () => {
    // D has been announced 6-12 minutes ahead 20 times and the bus came 120 s later each time: half of
    // that, shrunk by 20 samples' worth of zero, is 30 s. C, announced 3-6 minutes ahead, has none.
    const model = new LearnedModel();
    for (let i = 0; i < 20; i++) model.bandBiasAt('R1:D')[bandOf(510)]!.add(120);
    // Calibrated, with no sample yet: no shift (the biases are added where announcements are calibrated).
    const options = { earlyShare: 0, stopBiasStrength: 0 };
    const { tracker, engine, announced, raw } = announceAt1300(model, options, { ...options, bandBiasWeight: 0 });
    expect(raw).toEqual([at('08:09:30'), at('08:14:30')]);
    expect(announced).toEqual([raw[0], raw[1]! + 30]);
    // The bus passes C 40 s after it was announced (210 s ahead): C's 3-6 minute band learns +40.
    engine.learn(tracker.observe(ping('08:10:10', 2000))!);
    const band = model.bandBias.get('R1:C')![bandOf(210)]!;
    expect(band.count).toBe(1);
    expect(band.mean).toBeCloseTo(40, 0);
  });
});
