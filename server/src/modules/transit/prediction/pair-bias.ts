// The pair bias of a stop pattern: the mean error left after a stop's bias and banded bias, per stop the
// bus is heading to, stop announced and band of horizon. Where the bus is now matters, not only where it
// goes (a bus before a long light errs differently at the same stop than one past it). Kept in a Map of
// pairs it cost a string and an object for every pair a bus met (87,000 on Austin), which doubled the
// saved model and tripled the fleet's p99 latency; here a pattern keeps, per stop the bus is heading to, one
// packed row of means and counts indexed by the offset of the announced stop ahead of it and the band,
// allocated the first time that row learns (a whole pattern at once came to 8 MB per engine in the fleet
// benchmark's 30 seconds, where each pattern learns at a few of its stops; by row 3.5 MB). Pairs farther ahead
// than PAIR_OFFSETS stops are not kept, so a pattern grows with its length, not its square; announcements
// are learned from only within the calibrated horizon (35 minutes) anyway, and stops far ahead have the
// stop's two biases.
import { biasWeight, HORIZON_BANDS, shrunkMean } from './biases.js';

/** How many stops ahead of the one the bus is heading to (that one included) a pair is kept for. */
export const PAIR_OFFSETS = 64;
export const PAIR_BANDS = HORIZON_BANDS.length + 1;

/** Saved as [stops, (gap, mean, count)…]: only the cells learned, each after the number of empty cells skipped. */
export type PairBiasJson = number[];

/** The cells of one heading-to stop's row: an offset and a band each. */
const ROW = PAIR_OFFSETS * PAIR_BANDS;

export class PairBias {
  /** Per heading-to stop: ROW running means, then their ROW counts; null until the row's first sample. */
  private readonly rows: Array<Float32Array | null>;
  private rowsLearned = 0;

  constructor(readonly stops: number) {
    this.rows = new Array<Float32Array | null>(stops).fill(null);
  }

  /** The cell of stop `from + offset` announced in `band` while the bus was heading to stop `from`; -1 if not kept. */
  cellOf(from: number, offset: number, band: number): number {
    return offset < PAIR_OFFSETS && from < this.stops ? from * ROW + offset * PAIR_BANDS + band : -1;
  }

  /** The cell's mean, shrunk by `strength` samples' worth of zero (0 where nothing was learned). */
  shrunk(cell: number, strength: number): number {
    const row = cell < 0 ? null : this.rows[(cell / ROW) | 0];
    if (!row) return 0;
    const i = cell % ROW;
    return shrunkMean(row[i]!, row[ROW + i]!, strength);
  }

  /** Learns one error (a running mean that forgets slowly, as a stop's bias does). */
  add(cell: number, sample: number) {
    if (cell < 0) return;
    const row = this.rowOf((cell / ROW) | 0);
    const i = cell % ROW;
    const count = ++row[ROW + i]!;
    row[i]! += biasWeight(count) * (sample - row[i]!);
  }

  /** The learned cell's [mean, count]; [0, 0] when not learned. */
  at(cell: number): [number, number] {
    const row = cell < 0 ? null : this.rows[(cell / ROW) | 0];
    const i = cell % ROW;
    return row && row[ROW + i]! > 0 ? [row[i]!, row[ROW + i]!] : [0, 0];
  }

  get learned(): boolean {
    return this.rowsLearned > 0;
  }

  private rowOf(from: number): Float32Array {
    let row = this.rows[from];
    if (!row) { this.rows[from] = row = new Float32Array(2 * ROW); this.rowsLearned++; }
    return row;
  }

  toJSON(): PairBiasJson {
    const out: number[] = [this.stops];
    let gap = 0;
    for (let from = 0; from < this.stops; from++) {
      const row = this.rows[from];
      if (!row) { gap += ROW; continue; }
      for (let i = 0; i < ROW; i++) {
        const count = row[ROW + i]!;
        if (count === 0) { gap++; continue; }
        out.push(gap, Math.round(row[i]! * 10) / 10, count);
        gap = 0;
      }
    }
    return out;
  }

  /** Restores a pattern's pair bias saved for `stops` stops; a reason (a string) when `json` is not one. */
  static fromJSON(json: unknown, stops: number): PairBias | string {
    if (!Array.isArray(json) || json.length % 3 !== 1) return 'must be [stops, (gap, mean, count)…]';
    if (json[0] !== stops) return `is for ${String(json[0])} stops, its key lists ${stops}`;
    const bias = new PairBias(stops);
    const size = stops * ROW;
    let cell = -1;
    for (let i = 1; i < json.length; i += 3) {
      const [gap, mean, count] = [json[i], json[i + 1], json[i + 2]];
      if (!Number.isInteger(gap) || gap < 0) return `has a bad gap at ${i}`;
      if (typeof mean !== 'number' || !Number.isFinite(mean)) return `has a bad mean at ${i + 1}`;
      if (typeof count !== 'number' || !(count > 0) || !Number.isFinite(count)) return `has a bad count at ${i + 2}`;
      cell += gap + 1;
      if (cell >= size) return `runs past its ${size} cells at ${i}`;
      const row = bias.rowOf((cell / ROW) | 0);
      row[cell % ROW] = mean;
      row[ROW + (cell % ROW)] = count;
    }
    return bias;
  }
}
