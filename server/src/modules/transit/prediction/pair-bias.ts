// The pair bias of a stop pattern: the mean error left after a stop's bias and banded bias, per stop the
// bus is heading to, stop announced and band of horizon. Where the bus is now matters, not only where it
// goes (a bus before a long light errs differently at the same stop than one past it). Kept in a Map of
// pairs it cost a string and an object for every pair a bus met (87,000 on Austin), which doubled the
// saved model and tripled the fleet's p99 latency; here one pattern's pairs are two flat arrays, indexed
// by the heading-to stop, the offset of the announced stop ahead of it and the band, allocated the first
// time the pattern learns. Pairs farther ahead than PAIR_OFFSETS stops are not kept, so the arrays grow
// with the pattern's length, not its square; announcements are learned from only within the calibrated
// horizon (35 minutes) anyway, and stops far ahead have the stop's two biases.
import { biasWeight, HORIZON_BANDS } from './biases.js';

/** How many stops ahead of the one the bus is heading to (that one included) a pair is kept for. */
export const PAIR_OFFSETS = 64;
export const PAIR_BANDS = HORIZON_BANDS.length + 1;

/** Saved as [stops, (gap, mean, count)…]: only the cells learned, each after the number of empty cells skipped. */
export type PairBiasJson = number[];

export class PairBias {
  /** Running means and their counts, per (heading-to stop × offset × band); null until the first sample. */
  private mean: Float32Array | null = null;
  private count: Float32Array | null = null;

  constructor(readonly stops: number) {}

  /** The cell of stop `from + offset` announced in `band` while the bus was heading to stop `from`; -1 if not kept. */
  cellOf(from: number, offset: number, band: number): number {
    return offset < PAIR_OFFSETS && from < this.stops ? (from * PAIR_OFFSETS + offset) * PAIR_BANDS + band : -1;
  }

  /** The cell's mean, shrunk by `strength` samples' worth of zero (0 where nothing was learned). */
  shrunk(cell: number, strength: number): number {
    if (!this.count || cell < 0) return 0;
    const count = this.count[cell]!;
    return count > 0 ? (this.mean![cell]! * count) / (count + strength) : 0;
  }

  /** Learns one error (a running mean that forgets slowly, as a stop's bias does). */
  add(cell: number, sample: number) {
    if (cell < 0) return;
    if (!this.count) this.allocate();
    const count = ++this.count![cell]!;
    this.mean![cell]! += biasWeight(count) * (sample - this.mean![cell]!);
  }

  /** The learned cell's [mean, count]; [0, 0] when not learned. */
  at(cell: number): [number, number] {
    return this.count && cell >= 0 && this.count[cell]! > 0 ? [this.mean![cell]!, this.count[cell]!] : [0, 0];
  }

  get learned(): boolean {
    return this.count !== null;
  }

  private allocate() {
    const size = this.stops * PAIR_OFFSETS * PAIR_BANDS;
    this.mean = new Float32Array(size);
    this.count = new Float32Array(size);
  }

  toJSON(): PairBiasJson {
    const out: number[] = [this.stops];
    if (!this.count) return out;
    let gap = 0;
    for (let cell = 0; cell < this.count.length; cell++) {
      const count = this.count[cell]!;
      if (count === 0) { gap++; continue; }
      out.push(gap, Math.round(this.mean![cell]! * 10) / 10, count);
      gap = 0;
    }
    return out;
  }

  /** Restores a pattern's pair bias saved for `stops` stops; a reason (a string) when `json` is not one. */
  static fromJSON(json: unknown, stops: number): PairBias | string {
    if (!Array.isArray(json) || json.length % 3 !== 1) return 'must be [stops, (gap, mean, count)…]';
    if (json[0] !== stops) return `is for ${String(json[0])} stops, its key lists ${stops}`;
    const bias = new PairBias(stops);
    if (json.length === 1) return bias;
    bias.allocate();
    const size = stops * PAIR_OFFSETS * PAIR_BANDS;
    let cell = -1;
    for (let i = 1; i < json.length; i += 3) {
      const [gap, mean, count] = [json[i], json[i + 1], json[i + 2]];
      if (!Number.isInteger(gap) || gap < 0) return `has a bad gap at ${i}`;
      if (typeof mean !== 'number' || !Number.isFinite(mean)) return `has a bad mean at ${i + 1}`;
      if (typeof count !== 'number' || !(count > 0) || !Number.isFinite(count)) return `has a bad count at ${i + 2}`;
      cell += gap + 1;
      if (cell >= size) return `runs past its ${size} cells at ${i}`;
      bias.mean![cell] = mean;
      bias.count![cell] = count;
    }
    return bias;
  }
}
