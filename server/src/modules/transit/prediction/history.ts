// What the engine learned from history: running times per segment (stop to next stop, dwell at the first
// stop included) against the timetable, by day type and hour of day; how late each route leaves its first
// stop; how the whole network runs against its timetable. Means are exponentially weighted, so the model
// follows a changing city without keeping every sample. The model serialises to JSON and back.
import { TransitError, TransitErrorCode } from '../errors.js';
import { WindowCalibration, type CalibrationJson } from './calibration.js';
import { HORIZON_BANDS, RunningMean } from './biases.js';
import { PairBias, type PairBiasJson } from './pair-bias.js';

export { bandOf, HORIZON_BANDS, RunningMean } from './biases.js';

export const DAY_TYPES = ['weekday', 'saturday', 'sunday'] as const;
export type DayType = 0 | 1 | 2;

export const dayTypeOfWeekday = (weekday: number): DayType => (weekday === 6 ? 1 : weekday === 0 ? 2 : 0);

// Layout of one segment's statistics: [day type x hour] buckets, then hour-only, then the overall mean.
const HOURS = 24;
const HOUR_ONLY = 3 * HOURS;
const OVERALL = HOUR_ONLY + HOURS;
const SLOTS = OVERALL + 1;
/** Never forget faster than this: the newest sample weighs at least this much in a running mean. */
const MIN_WEIGHT = 0.05;

/** Log of a ratio, clamped so that one absurd observation cannot swing a live factor far. */
export const clampLog = (value: number) => (value < -1.5 ? -1.5 : value > 1.5 ? 1.5 : value);

/**
 * Running means of two quantities (observed, scheduled) in slots, with a count saying how much to trust
 * each slot. A slot's value is the ratio of the two means: the ratio of sums is unbiased for running
 * times where a mean of per-trip ratios (or of logs) is not, and a ratio follows the timetable's own
 * profile through the day.
 */
export class SlotStats {
  readonly values: Float64Array;
  constructor(values?: Float64Array) {
    this.values = values ?? new Float64Array(SLOTS * 3);
  }
  private add(slot: number, observed: number, scheduled: number) {
    const v = this.values;
    const count = v[slot * 3 + 2]! + 1;
    v[slot * 3 + 2] = count;
    const weight = Math.max(1 / count, MIN_WEIGHT);
    v[slot * 3] = v[slot * 3]! + weight * (observed - v[slot * 3]!);
    v[slot * 3 + 1] = v[slot * 3 + 1]! + weight * (scheduled - v[slot * 3 + 1]!);
  }
  record(dayType: DayType, hour: number, observed: number, scheduled = 1) {
    this.add(dayType * HOURS + hour, observed, scheduled);
    this.add(HOUR_ONLY + hour, observed, scheduled);
    this.add(OVERALL, observed, scheduled);
  }
  /** Prior, refined by overall, hour-only and day-type-hour values, each in proportion to its count. */
  estimate(dayType: DayType, hour: number, prior: number, strength: number): number {
    let value = this.refine(prior, OVERALL, strength);
    value = this.refine(value, HOUR_ONLY + hour, strength);
    return this.refine(value, dayType * HOURS + hour, strength);
  }
  private refine(value: number, slot: number, strength: number): number {
    const v = this.values;
    const count = v[slot * 3 + 2]!;
    const scheduled = v[slot * 3 + 1]!;
    return count > 0 && scheduled > 0 ? (strength * value + count * (v[slot * 3]! / scheduled)) / (strength + count) : value;
  }
  /**
   * `estimate` at a time of day (hours, fractional): between the middles of two hours, the two hours'
   * values in proportion, so that an expectation does not step at the hour. `priorAt` gives each hour's
   * prior (the engine's: the network's value at that hour).
   */
  estimateBetween(dayType: DayType, hours: number, priorAt: (dayType: DayType, hour: number) => number, strength: number): number {
    const position = hours - 0.5;
    const low = Math.floor(position);
    const share = position - low;
    const before = (low + HOURS) % HOURS, after = (low + 1) % HOURS;
    return (1 - share) * this.estimate(dayType, before, priorAt(dayType, before), strength) + share * this.estimate(dayType, after, priorAt(dayType, after), strength);
  }
  count(): number {
    return this.values[OVERALL * 3 + 2]!;
  }
}

export interface LearnedModelJson {
  /** 2 since first segments are learned from the departure; a version 1 model's may hold layovers. */
  version: 1 | 2;
  /** Segment key "fromStop>toStop" to [slot, observed, scheduled, count, ...] for the slots seen. */
  segments: Record<string, number[]>;
  /** Route id to the same, for departure lateness at the first stop (seconds). */
  departures: Record<string, number[]>;
  /** Observed and scheduled running time, network-wide. */
  network: number[];
  /** Route:stop to [low quantile of lateness, count]. */
  earliest?: Record<string, [number, number]>;
  /** Route:stop to [mean error of short-horizon announcements, count]. */
  bias?: Record<string, [number, number]>;
  /** Route:stop to [mean error left after the stop's bias, count] per horizon band (`HORIZON_BANDS`), flat. */
  bandBias?: Record<string, number[]>;
  /** "route|stop,stop,…" (a stop pattern) to its pair bias, the learned cells only (pair-bias.ts). */
  pairBias?: Record<string, PairBiasJson>;
  /** How early to announce, per cell of predicted horizon and lateness (calibration.ts). */
  calibration?: CalibrationJson;
}

/**
 * A running low quantile (stochastic approximation): each sample nudges the estimate up by step x share
 * when above it and down by step x (1 - share) when below, settling where `share` of samples fall below.
 */
export class RunningQuantile {
  constructor(public value = 0, public count = 0) {}
  add(sample: number, share: number, step: number) {
    if (this.count === 0) this.value = sample;
    else this.value += step * (share - (sample < this.value ? 1 : 0));
    this.count++;
  }
}

/** An id in a pair bias's key, its separators escaped (ids may hold any character), so that the key says how many stops. */
const keyPart = (id: string) => id.replace(/[%,|]/g, encodeURIComponent);

export class LearnedModel {
  readonly segments = new Map<string, SlotStats>();
  /** Per route and stop ("route:stop"): a low quantile of lateness, seconds. Buses wait at timepoints. */
  readonly earliest = new Map<string, RunningQuantile>();
  readonly departures = new Map<string, SlotStats>();
  /** Per route and stop ("route:stop"): the mean error of short-horizon announcements there, seconds. */
  readonly bias = new Map<string, RunningMean>();
  network = new SlotStats();
  readonly calibration = new WindowCalibration();
  /**
   * Read from a model saved before first segments were learned from when a bus left its first stop: those
   * (and the routes' departure lateness, worked out through them) may hold whole layovers, and are
   * forgotten by the engine that takes the model (it knows which segments come first).
   */
  layoversInFirstSegments = false;

  segment(key: string): SlotStats {
    let stats = this.segments.get(key);
    if (!stats) this.segments.set(key, stats = new SlotStats());
    return stats;
  }

  earliestAt(key: string): RunningQuantile {
    let quantile = this.earliest.get(key);
    if (!quantile) this.earliest.set(key, quantile = new RunningQuantile());
    return quantile;
  }

  biasAt(key: string): RunningMean {
    let mean = this.bias.get(key);
    if (!mean) this.bias.set(key, mean = new RunningMean());
    return mean;
  }

  /** Per route and stop ("route:stop"), per horizon band: the mean error left after the stop's bias, seconds. */
  readonly bandBias = new Map<string, RunningMean[]>();

  bandBiasAt(key: string): RunningMean[] {
    let means = this.bandBias.get(key);
    if (!means) this.bandBias.set(key, means = Array.from({ length: HORIZON_BANDS.length + 1 }, () => new RunningMean()));
    return means;
  }

  /**
   * Per route and stop pattern: the error left after both stop biases, per stop heading to, stop announced
   * and band (pair-bias.ts). Keyed by the stops, not the pattern's key, which names the shape as well: a
   * feed that renames its shapes keeps what was learned.
   */
  readonly pairBias = new Map<string, PairBias>();

  pairBiasOf(routeId: string, stopIds: readonly string[]): PairBias {
    const key = `${keyPart(routeId)}|${stopIds.map(keyPart).join(',')}`;
    let bias = this.pairBias.get(key);
    if (!bias) this.pairBias.set(key, bias = new PairBias(stopIds.length));
    return bias;
  }

  departure(routeId: string): SlotStats {
    let stats = this.departures.get(routeId);
    if (!stats) this.departures.set(routeId, stats = new SlotStats());
    return stats;
  }

  toJSON(): LearnedModelJson {
    const pack = (stats: SlotStats) => {
      const out: number[] = [];
      for (let slot = 0; slot < SLOTS; slot++) {
        const count = stats.values[slot * 3 + 2]!;
        if (count > 0) out.push(slot, Math.round(stats.values[slot * 3]! * 1e3) / 1e3, Math.round(stats.values[slot * 3 + 1]! * 1e3) / 1e3, count);
      }
      return out;
    };
    return {
      version: 2,
      segments: Object.fromEntries([...this.segments].map(([key, stats]) => [key, pack(stats)])),
      departures: Object.fromEntries([...this.departures].map(([key, stats]) => [key, pack(stats)])),
      network: pack(this.network),
      earliest: Object.fromEntries([...this.earliest].map(([key, q]) => [key, [Math.round(q.value * 10) / 10, q.count]])),
      bias: Object.fromEntries([...this.bias].filter(([, b]) => b.count > 0).map(([key, b]) => [key, [Math.round(b.mean * 10) / 10, b.count]])),
      bandBias: Object.fromEntries([...this.bandBias].filter(([, means]) => means.some((b) => b.count > 0)).map(([key, means]) => [key, means.flatMap((b) => [Math.round(b.mean * 10) / 10, b.count])])),
      pairBias: Object.fromEntries([...this.pairBias].filter(([, bias]) => bias.learned).map(([key, bias]) => [key, bias.toJSON()])),
      calibration: this.calibration.toJSON(),
    };
  }

  static fromJSON(json: unknown): LearnedModel {
    const bad = (reason: string) => new TransitError(TransitErrorCode.InvalidModel, `not a learned model: ${reason}`);
    const version = json && typeof json === 'object' ? (json as LearnedModelJson).version : undefined;
    if (version !== 1 && version !== 2) throw bad('version 1 or 2 expected');
    const data = json as LearnedModelJson;
    const unpack = (packed: unknown, where: string) => {
      if (!Array.isArray(packed) || packed.length % 4 !== 0) throw bad(`${where} must be groups of [slot, observed, scheduled, count]`);
      const stats = new SlotStats();
      for (let i = 0; i < packed.length; i += 4) {
        const [slot, observed, scheduled, count] = [packed[i], packed[i + 1], packed[i + 2], packed[i + 3]];
        if (!Number.isInteger(slot) || slot < 0 || slot >= SLOTS || !Number.isFinite(observed) || !Number.isFinite(scheduled) || !(count > 0)) throw bad(`${where} has a bad group at ${i}`);
        stats.values[slot * 3] = observed;
        stats.values[slot * 3 + 1] = scheduled;
        stats.values[slot * 3 + 2] = count;
      }
      return stats;
    };
    const model = new LearnedModel();
    model.layoversInFirstSegments = version === 1;
    for (const [key, packed] of Object.entries(data.segments ?? {})) model.segments.set(key, unpack(packed, `segments.${key}`));
    for (const [key, packed] of Object.entries(data.departures ?? {})) model.departures.set(key, unpack(packed, `departures.${key}`));
    model.network = unpack(data.network ?? [], 'network');
    for (const [key, pair] of Object.entries(data.earliest ?? {})) {
      if (!Array.isArray(pair) || !Number.isFinite(pair[0]) || !(pair[1] >= 0)) throw bad(`earliest.${key} must be [seconds, count]`);
      model.earliest.set(key, new RunningQuantile(pair[0], pair[1]));
    }
    for (const [key, pair] of Object.entries(data.bias ?? {})) {
      if (!Array.isArray(pair) || !Number.isFinite(pair[0]) || !(pair[1] >= 0)) throw bad(`bias.${key} must be [seconds, count]`);
      model.bias.set(key, new RunningMean(pair[0], pair[1]));
    }
    for (const [key, flat] of Object.entries(data.bandBias ?? {})) {
      const bands = HORIZON_BANDS.length + 1;
      if (!Array.isArray(flat) || flat.length !== 2 * bands || !flat.every((value, i) => (i % 2 ? value >= 0 : Number.isFinite(value)))) throw bad(`bandBias.${key} must be ${bands} pairs of [seconds, count]`);
      model.bandBias.set(key, Array.from({ length: bands }, (_, i) => new RunningMean(flat[2 * i]!, flat[2 * i + 1]!)));
    }
    for (const [key, packed] of Object.entries(data.pairBias ?? {})) {
      const stops = key.slice(key.indexOf('|') + 1).split(',').length;
      const bias = key.includes('|') ? PairBias.fromJSON(packed, stops) : 'has no "route|stop,stop,…" key';
      if (typeof bias === 'string') throw bad(`pairBias.${key} ${bias}`);
      model.pairBias.set(key, bias);
    }
    if (data.calibration !== undefined) {
      const problem = model.calibration.load(data.calibration);
      if (problem) throw bad(problem);
    }
    return model;
  }
}
