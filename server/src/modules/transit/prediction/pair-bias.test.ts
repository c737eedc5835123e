import { describe, expect, it } from 'vitest';
import { LearnedModel } from './history.js';
import { PAIR_BANDS, PAIR_OFFSETS, PairBias } from './pair-bias.js';
import { TransitError } from '../errors.js';

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

  it('keeps no pair farther ahead than it has offsets for', () => {
    const bias = new PairBias(100);
    expect(bias.cellOf(3, PAIR_OFFSETS, 0)).toBe(-1);
    bias.add(-1, 50);
    expect(bias.learned).toBe(false);
    expect(bias.shrunk(bias.cellOf(3, PAIR_OFFSETS, 0), 10)).toBe(0);
  });
});
