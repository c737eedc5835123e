// Window calibration: how much earlier than its raw estimate to announce an arrival so that as many
// announcements as possible fall inside the accuracy window of their horizon. The windows are asymmetric
// (a late bus costs a wait, an early one costs the bus) and they widen in steps with the horizon, so the
// best shift is neither zero nor a fixed share of the horizon: it depends on how the raw errors spread at
// that horizon, which the engine learns online from its own past announcements once the bus passes the
// stop. Each sample says for which shifts it would have been inside its window (an interval of shifts);
// the shift chosen is the one most of the recent samples agree on.
import { HORIZON_BUCKETS, type HorizonBucket } from '../accuracy/score.js';

/** Shifts considered, seconds (positive: announce earlier), and their resolution. */
const MIN_SHIFT = -120;
const MAX_SHIFT = 180;
const STEP = 5;
const BINS = (MAX_SHIFT - MIN_SHIFT) / STEP + 1;
const REFRESH_SAMPLES = 20;
/** Predicted horizons beyond this are not calibrated (the windows end at 30 minutes). */
const MAX_HORIZON = 1800;
/** Minutes 0-30 of predicted horizon, for each of six groups (see `cellOf`). */
export const CALIBRATION_CELLS = 6 * 31;

/**
 * A cell's tally: per candidate shift, the (decayed) number of samples it would have put in the window.
 * Kept as a difference array whose increments grow instead of every count decaying, so that a sample
 * costs O(1); the counts and the best shift are worked out when asked for, after a change.
 */
export class ShiftTally {
  private readonly steps = new Float64Array(BINS + 1);
  private increment = 1;
  /** Samples added since the best shift was last worked out (-1: never). */
  private sinceBest = -1;
  private bestShift = 0;

  constructor(hits?: Float64Array, public count = 0) {
    if (hits) for (let i = 0; i < BINS; i++) { this.steps[i] = this.steps[i]! + hits[i]!; this.steps[i + 1] = this.steps[i + 1]! - hits[i]!; }
  }

  add(lowShift: number, highShift: number, decay: number) {
    this.count++;
    this.increment /= 1 - decay; // the same as every earlier sample losing `decay` of its weight
    const from = Math.max(0, Math.ceil((lowShift - MIN_SHIFT) / STEP));
    const to = Math.min(BINS - 1, Math.floor((highShift - MIN_SHIFT) / STEP));
    if (from <= to) {
      this.steps[from] = this.steps[from]! + this.increment;
      this.steps[to + 1] = this.steps[to + 1]! - this.increment;
    }
    if (this.sinceBest >= 0) this.sinceBest++;
    if (this.increment > 1e100) {
      for (let i = 0; i <= BINS; i++) this.steps[i] = this.steps[i]! / this.increment;
      this.increment = 1;
    }
  }

  /** The decayed count of samples each candidate shift would have put inside the window. */
  hits(): Float64Array {
    const hits = new Float64Array(BINS);
    let running = 0;
    for (let i = 0; i < BINS; i++) { running += this.steps[i]!; hits[i] = running / this.increment; }
    return hits;
  }

  /**
   * The shift most samples agree on, worked out again after every REFRESH_SAMPLES samples (one sample
   * hardly moves it, and announcements ask for it far more often than samples arrive).
   */
  get best(): number {
    if (this.sinceBest >= 0 && this.sinceBest < REFRESH_SAMPLES) return this.bestShift;
    let bestIndex = 0, bestHits = -Infinity, running = 0;
    for (let i = 0; i < BINS; i++) {
      running += this.steps[i]!;
      // Ties go to the smaller shift in size: no reason to move an estimate without evidence.
      const tolerance = 1e-9 * Math.max(1, Math.abs(bestHits));
      const shift = MIN_SHIFT + i * STEP, current = MIN_SHIFT + bestIndex * STEP;
      if (running > bestHits + tolerance || (Math.abs(running - bestHits) <= tolerance && Math.abs(shift) < Math.abs(current))) { bestIndex = i; bestHits = running; }
    }
    this.bestShift = MIN_SHIFT + bestIndex * STEP;
    this.sinceBest = 0;
    return this.bestShift;
  }
}

export interface CalibrationJson { [cell: string]: [best: number, count: number, ...hits: number[]] }

export class WindowCalibration {
  readonly cells = new Map<number, ShiftTally>();

  constructor(private readonly windows: HorizonBucket[] = HORIZON_BUCKETS) {}

  /**
   * The cell of an announcement: its predicted horizon in whole minutes (0-30) and how the vehicle
   * runs against its timetable (early, on time, late), since early buses tend to wait and late ones to
   * catch up a little, which moves the errors; a trip's last stop is a group of its own (timetables pad
   * the end of a line, and where a bus ends its trip is less certain than where it calls). A bus still
   * standing at its first stop is a group of its own too: its errors are those of when it will leave,
   * not of how it runs, and it would otherwise count as early for as long as it stands. So is the stop a
   * bus has nearly reached: whether it stands at it or is pulling in, its error is that of the stop (the
   * light before it, the kerb), not of running time; mixed with the other announcements of the same
   * minute it took their shift, which is to announce later, and a bus 2 m from its stop was announced
   * 25 s away. A bus still at its first stop is never near it in this sense: it stands there to leave.
   */
  static cellOf(predictedHorizon: number, delay: number, lastStop: boolean, atFirstStop = false, nearNextStop = false): number {
    const minute = Math.min(30, Math.max(0, Math.floor(predictedHorizon / 60)));
    const group = nearNextStop && !atFirstStop ? 5 : lastStop ? 3 : atFirstStop ? 4 : delay < -60 ? 0 : delay <= 120 ? 1 : 2;
    return group * 31 + minute;
  }

  /** The farthest predicted horizon (seconds) that is calibrated; beyond it no window judges an announcement. */
  static readonly maxCalibratedHorizon = MAX_HORIZON + 300;

  static calibrated(predictedHorizon: number): boolean {
    return predictedHorizon <= WindowCalibration.maxCalibratedHorizon;
  }

  /**
   * Learns from one announcement whose stop has now been passed: its raw error, judged against the window
   * of the horizon it announced. Not the window of the actual horizon: among announcements of 28 minutes
   * only the buses that came early would fall in a 0-30 minute yardstick, and near the steps between
   * windows the actual horizon decides which window applies; learning from those would teach the engine
   * the yardstick's edges, not the buses.
   */
  record(cell: number, rawError: number, predictedHorizon: number, decay: number) {
    const window = this.windowOf(predictedHorizon);
    if (!window) return;
    let tally = this.cells.get(cell);
    if (!tally) this.cells.set(cell, tally = new ShiftTally());
    // Announced `shift` seconds earlier the error is rawError + shift; inside when early <= it <= late.
    tally.add(window.early - rawError, window.late - rawError, decay);
  }

  /** The learned shift of a cell, or null while it has fewer than `minSamples` samples. */
  shift(cell: number, minSamples: number): number | null {
    const tally = this.cells.get(cell);
    return tally && tally.count >= minSamples ? tally.best : null;
  }

  private windowOf(horizon: number): HorizonBucket | null {
    if (!(horizon >= -60) || horizon > MAX_HORIZON + 300) return null;
    for (const window of this.windows) if (horizon < window.to) return window;
    return this.windows[this.windows.length - 1]!;
  }

  toJSON(): CalibrationJson {
    const out: CalibrationJson = {};
    for (const [cell, tally] of this.cells) out[String(cell)] = [tally.best, tally.count, ...Array.from(tally.hits(), (hit) => Math.round(hit * 1e3) / 1e3)];
    return out;
  }

  /** Restores cells; returns a reason when the JSON is not a calibration. */
  load(json: unknown): string | null {
    if (!json || typeof json !== 'object') return 'calibration must be an object';
    for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
      const cell = Number(key);
      if (!Number.isInteger(cell) || cell < 0 || cell >= CALIBRATION_CELLS) return `calibration.${key} is not a cell`;
      if (!Array.isArray(value) || value.length !== BINS + 2 || !value.every(Number.isFinite)) return `calibration.${key} must be [best, count, ${BINS} hits]`;
      this.cells.set(cell, new ShiftTally(Float64Array.from(value.slice(2) as number[]), value[1] as number));
    }
    return null;
  }
}
