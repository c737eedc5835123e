import { beforeAll, describe, expect, it } from 'vitest';
import { loadTimetable, type Timetable } from '../gtfs/timetable.js';
import { lineFeed, lineLongitude, zipFiles } from '../testing/feed.js';
import { Tracker } from '../tracking/tracker.js';
import type { VehiclePing } from '../tracking/positions.js';
import { PredictionEngine, type EngineOptions } from './engine.js';
import { bandOf, LearnedModel } from './history.js';
import { PAIR_BANDS, PAIR_OFFSETS, PairBias } from './pair-bias.js';
import { TransitError } from '../errors.js';

const DAY = Date.parse('2024-03-04T00:00:00Z') / 1000; // a Monday, UTC
const at = (clock: string) => DAY + Number(clock.slice(0, 2)) * 3600 + Number(clock.slice(3, 5)) * 60 + Number(clock.slice(6, 8) || 0);
const ping = (clock: string, metres: number): VehiclePing => ({ time: at(clock), vehicleId: 'V1', tripId: 'T1', routeId: 'R1', lat: 0, lon: lineLongitude(metres) });
const LINE = ['A', 'B', 'C', 'D'];

let timetable: Timetable;
beforeAll(async () => {
  timetable = await loadTimetable(zipFiles(lineFeed()));
});

/** A bus just past A at 08:00:20 and 1300 m on (heading to C) at 08:06: what an engine on `model` announced for C and D. */
function announceAt1300(model: LearnedModel, options: Partial<EngineOptions>) {
  const tracker = new Tracker(timetable);
  const engine = new PredictionEngine(timetable, model, options);
  let announced: number[] = [];
  for (const p of [ping('08:00:20', 60), ping('08:06:00', 1300)]) {
    const update = tracker.observe(p)!;
    engine.learn(update);
    announced = Array.from(engine.predict(update)!, Math.round);
  }
  return { tracker, engine, announced };
}

describe('the pair bias', () => {
  it('round-trips a 70-stop pattern through the model JSON, keeping only the cells learned', () => {
    const model = new LearnedModel();
    const stops = Array.from({ length: 70 }, (_, i) => `S${i}`);
    const bias = model.pairBiasOf('R9', stops);
    // The first cell, one in the middle, the last stop's farthest offset and band: the gaps at both ends.
    const cells = [bias.cellOf(0, 0, 0), bias.cellOf(35, 12, 2), bias.cellOf(69, PAIR_OFFSETS - 1, PAIR_BANDS - 1)];
    bias.add(cells[0]!, 12);
    bias.add(cells[1]!, -40);
    bias.add(cells[1]!, -20);
    bias.add(cells[2]!, 7.5);
    model.pairBiasOf('R9', ['X', 'Y']); // never learned: not saved
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    expect(Object.keys(json.pairBias)).toEqual([`R9|${stops.join(',')}`]);
    expect(json.pairBias[`R9|${stops.join(',')}`]).toHaveLength(1 + 3 * 3);
    const restored = LearnedModel.fromJSON(json).pairBiasOf('R9', stops);
    expect(cells.map((cell) => restored.at(cell))).toEqual([[12, 1], [-30, 2], [7.5, 1]]);
    expect(restored.at(bias.cellOf(35, 12, 1))).toEqual([0, 0]);
    // Ids holding the key's separators still say how many stops there are.
    const odd = new LearnedModel();
    odd.pairBiasOf('R|1', ['a,b', 'c']).add(0, 5);
    expect(LearnedModel.fromJSON(JSON.parse(JSON.stringify(odd.toJSON()))).pairBiasOf('R|1', ['a,b', 'c']).at(0)).toEqual([5, 1]);
  });

  it('refuses a broken one, saying where', () => {
    const model = new LearnedModel();
    const refused = (packed: unknown, key = 'R1|A,B,C,D') => () => LearnedModel.fromJSON({ ...model.toJSON(), pairBias: { [key]: packed } });
    const cells = 4 * PAIR_OFFSETS * PAIR_BANDS;
    expect(refused('4, 0, 1, 1')).toThrow(/pairBias\.R1\|A,B,C,D must be \[stops, \(gap, mean, count\)…\]/);
    expect(refused([4, 0, 1])).toThrow(/must be \[stops/);
    expect(refused([5, 0, 1, 1])).toThrow(/is for 5 stops, its key lists 4/);
    expect(refused([4, -1, 1, 1])).toThrow(/bad gap at 1/);
    expect(refused([4, 0, 1, 1, 0.5, 1, 1])).toThrow(/bad gap at 4/);
    expect(refused([4, 0, 1, 1, cells - 1, 1, 1])).toThrow(/runs past its 1024 cells at 4/);
    expect(refused([4, 0, 1, 0])).toThrow(/bad count at 3/);
    expect(refused([4, 0, null, 1])).toThrow(/bad mean at 2/);
    expect(refused([4, 0, 'x', 1])).toThrow(TransitError);
    expect(refused([1, 0, 1, 1], 'R1')).toThrow(/pairBias\.R1 has no "route\|stop,stop,…" key/);
    // The last cell there is, reached with the largest gap: accepted.
    expect(LearnedModel.fromJSON({ ...model.toJSON(), pairBias: { 'R1|A,B,C,D': [4, cells - 1, 3, 2] } }).pairBias.get('R1|A,B,C,D')!.at(cells - 1)).toEqual([3, 2]);
  });

  it('is added to what the engine announces where the bus is heading, and learns what both stop biases left', () => {
    // Heading to C (index 2), D (one stop ahead, 6-12 minutes) came 120 s later than announced 20 times:
    // half of that, shrunk by 10 samples' worth of zero, is 40 s. Heading elsewhere, nothing.
    const model = new LearnedModel();
    const pairs = model.pairBiasOf('R1', LINE);
    for (let i = 0; i < 20; i++) pairs.add(pairs.cellOf(2, 1, bandOf(510)), 120);
    const options = { earlyShare: 0, stopBiasStrength: 0, bandBiasWeight: 0 };
    const without = announceAt1300(new LearnedModel(), options).announced;
    expect(without).toEqual([at('08:09:30'), at('08:14:30')]);
    const { tracker, engine, announced } = announceAt1300(model, options);
    expect(announced).toEqual([without[0], without[1]! + 40]);
    expect(announceAt1300(model, { ...options, pairBiasWeight: 0 }).announced).toEqual(without);
    // The bus passes C 40 s after it was announced (210 s ahead, heading to C): that pair learns +40.
    engine.learn(tracker.observe(ping('08:10:10', 2000))!);
    expect(pairs.at(pairs.cellOf(2, 0, bandOf(210)))[1]).toBe(1);
    expect(pairs.at(pairs.cellOf(2, 0, bandOf(210)))[0]).toBeCloseTo(40, 0);
    // D's pair is still the 20 samples it had: D has not been passed.
    expect(pairs.at(pairs.cellOf(2, 1, bandOf(510)))[1]).toBe(20);
  });

  it('keeps no pair farther ahead than it has offsets for', () => {
    const bias = new PairBias(100);
    expect(bias.cellOf(3, PAIR_OFFSETS, 0)).toBe(-1);
    bias.add(-1, 50);
    expect(bias.learned).toBe(false);
    expect(bias.shrunk(bias.cellOf(3, PAIR_OFFSETS, 0), 10)).toBe(0);
  });
});
