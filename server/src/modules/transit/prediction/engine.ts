// The arrival prediction engine. For a vehicle at some point of its trip, the time to each later stop is
// the sum of the expected running times of the segments ahead, where each segment's expectation is
//   - its scheduled running time times the ratio history learned for that segment at that hour on that
//     kind of day (shrunk towards the network-wide ratio when the segment has little history), times
//   - a live factor: how this vehicle has been running against that expectation on its last segments
//     (strong near the vehicle, fading further ahead), and how the most recent vehicle over the same
//     segment did (strong when recent, fading with age).
// Before a vehicle leaves its first stop, its departure is the later of now and the scheduled departure
// plus the route's learned lateness. With no history at all the engine is the vehicle's current delay
// carried forward (the OneBusAway baseline). Each estimate then takes a share of that delay carried
// forward: two days of history make the learned running times more confident than they should be.
// The raw estimate is then announced: each stop's own learned biases added (one for all short horizons,
// one per band of horizon for what is left, one per stop the bus is heading to and band for what is left
// after those two), and moved earlier by the shift
// that has put most past announcements of that horizon (and that lateness) inside the accuracy window of
// their horizon (calibration.ts); all learn online from the engine's own announcements as the vehicle
// passes the stops, so they see nothing a live server would not.
import { ZoneClock } from '../gtfs/time.js';
import type { Timetable, Trip } from '../gtfs/timetable.js';
import { atFirstStop, scheduledTimeAt, type TrackUpdate, type TripRun } from '../tracking/tracker.js';
import { WindowCalibration } from './calibration.js';
import { currentDelay } from './baselines.js';
import { isHeadwayBased } from '../tracking/frequencies.js';
import { bandOf, clampLog, dayTypeOfWeekday, LearnedModel, type DayType, type RunningMean, type RunningQuantile, type SlotStats } from './history.js';
import type { PairBias } from './pair-bias.js';
import { shrunkMean } from './biases.js';

export interface EngineOptions {
  /** How many samples' worth of trust a prior gets against a slot's mean. */
  priorStrength: number;
  /** Weight and reach (seconds ahead) of the vehicle's own pace. */
  ownWeight: number;
  ownReachSeconds: number;
  /** Weight and memory (seconds) of the latest traversal of a segment by any vehicle. */
  recentWeight: number;
  recentMemorySeconds: number;
  /** Smoothing of a vehicle's own pace over its successive segments. */
  ownSmoothing: number;
  /** Never predict a stop earlier than the low quantile of lateness seen there (buses hold at timepoints). */
  holding: boolean;
  /** Which quantile, how fast it moves (seconds a sample), and how many samples before it is used. */
  holdingShare: number;
  holdingStep: number;
  holdingMinSamples: number;
  /** Announce each stop this share of its horizon early (the accuracy windows tolerate late more than early). */
  earlyShare: number;
  /** Learn online how early to announce, per predicted horizon and lateness (see calibration.ts), and each stop's bias. */
  calibrate: boolean;
  /** Samples a cell needs before its learned shift replaces `earlyShare`; the share of weight the newest sample takes. */
  calibrationMinSamples: number;
  calibrationDecay: number;
  /**
   * A stop's own bias: the mean error of short-horizon announcements there (seconds, learned online per
   * route and stop), added to every announcement for the stop, shrunk by this many samples' worth of
   * zero; and the horizon under which announcements teach it.
   */
  stopBiasStrength: number;
  stopBiasHorizonSeconds: number;
  /** The share of a stop's learned bias that is applied. */
  stopBiasWeight: number;
  /**
   * A stop's banded bias: the mean error left after the stop's bias, learned online per route and stop
   * for each band of predicted horizon (0-3, 3-6, 6-12, over 12 minutes: the error at a stop depends on
   * how far ahead it was announced), added to every announcement for the stop in that band, this share
   * of it, shrunk by `bandBiasStrength` samples' worth of zero. 0: none.
   */
  bandBiasWeight: number;
  bandBiasStrength: number;
  /**
   * A stop pattern's pair bias: the mean error left after both stop biases, learned online per route and
   * stop pattern for each stop the bus is heading to, stop announced (up to 64 stops ahead) and band
   * (pair-bias.ts), added as the banded bias is: this share of it, shrunk by `pairBiasStrength` samples'
   * worth of zero. 0: none.
   */
  pairBiasWeight: number;
  pairBiasStrength: number;
  /**
   * The weight of the vehicle's current delay carried forward (the timetable's running times from where
   * it is) in each estimate, the engine's own taking the rest.
   */
  carriedDelayWeight: number;
  /** Within this many metres of the stop it heads to, a bus's announcement for that stop is calibrated apart (calibration.ts). 0: never. */
  nearStopMetres: number;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  priorStrength: 8,
  // Measured on the first two Austin days only: the vehicle's own pace beyond its position did not help
  // (buses catch up and fall back around the timetable), a light touch of the latest vehicle did.
  ownWeight: 0,
  ownReachSeconds: 300,
  recentWeight: 0.3,
  recentMemorySeconds: 1200,
  ownSmoothing: 0.3,
  holding: true,
  holdingShare: 0.03,
  // Chosen again on the development day (2016-11-25) with the engine as it now is: in window 93.30% at
  // 20 s a sample, 93.84% at 40 (the first choice), 93.87% at 60, 93.89% at 80, 93.88% at 120, 93.85% at
  // 160; at 80 the 3-6 minute bucket is 0.17 lower there, every other bucket and Caltrans higher. (Route
  // 801 on 2016-12-16, buses up to 10 minutes ahead of a floor learned on other days, which suggested
  // it, stayed at 88.5%: its floors still take many buses to come down that far.)
  holdingStep: 80,
  holdingMinSamples: 30,
  // The windows are centred about 5% of the horizon on the late side; 4% (chosen on the first two Austin
  // days) buys most of that without giving up the symmetric measures (±60 s, Caltrans). With calibration
  // on, this is only the shift of a cell that has not learned its own yet.
  earlyShare: 0.04,
  calibrate: true,
  calibrationMinSamples: 300,
  calibrationDecay: 0.0005,
  stopBiasStrength: 10,
  stopBiasHorizonSeconds: 600,
  stopBiasWeight: 0.5,
  // Measured on the development day (2016-11-25, +0.3 points in window, every bucket and symmetric
  // measure better) and then on the three later days (+0.2): half, as for the stop's bias.
  bandBiasWeight: 0.5,
  bandBiasStrength: 20,
  // Chosen on the development day (2016-11-25) only, as the banded bias's were.
  pairBiasWeight: 0.5,
  pairBiasStrength: 10,
  // Chosen on the first two Austin days (0.2-0.4 alike, 0.3 best in window): a third of the delay
  // carried forward took +0.1-0.2 points in window, +0.5 Caltrans and +1 ±60 s there; the engine's
  // learned running times alone are more confident than two days of history warrant.
  carriedDelayWeight: 0.3,
  // Chosen on the development day (2016-11-25: 30 m to 400 m all better than none, 150 and 250 m best in
  // window, 150 m with no bucket worse).
  nearStopMetres: 150,
};

/** Something that turns tracked positions into arrival predictions (the engine, or a baseline). */
export interface ArrivalPredictor {
  readonly name: string;
  /** Learns from what the update says happened (stops passed); called before `predict` for each update. */
  learn(update: TrackUpdate): void;
  /** Predicted arrival (POSIX seconds) at each stop from `run.nextIndex` to the end, or null for none. */
  predict(update: TrackUpdate): Float64Array | null;
}

interface RunState {
  lastTime: number;
  ownLog: number;
  ownCount: number;
  atTerminal: boolean;
  /** Seen standing at its first stop on this run: how late it left is learned when it passes the second. */
  waitedAtFirstStop: boolean;
  segments: SlotStats[];
  earliest: RunningQuantile[];
  bias: RunningMean[];
  bandBias: RunningMean[][];
  pairBias: PairBias;
  /** A frequency-based trip with exact_times=0: its instance times are nominal, so nothing waits for them. */
  headwayBased: boolean;
  /** Raw announcements not yet settled (their stops not all passed), to learn the calibration from. */
  pending: Pending[];
}
/**
 * Raw estimates (stop biases included), the stop's bias, banded bias and pair bias each included, the band
 * it was announced in, and the calibration cell of the first `kept`.
 */
interface Pending { madeAt: number; from: number; raw: Float64Array; bias: Float32Array; banded: Float32Array; paired: Float32Array; bands: Uint8Array; cells: Uint8Array; kept: number }
interface Recent { time: number; logRatio: number }
type StopStats = Pick<RunState, 'segments' | 'earliest' | 'bias' | 'bandBias' | 'pairBias'>;

/** Run state unused this long is dropped. */
const RUN_MEMORY_SECONDS = 6 * 3600;
/** Segments scheduled at 0 s still take a moment. */
const MIN_SCHEDULED_SECONDS = 5;
/** Announcements are learned from until their stop is passed, or for this long. */
const PENDING_SECONDS = 3600;
const PENDING_SPACING_SECONDS = 60;
const MAX_PENDING = 30;
const logRatioOf = (observed: number, expected: number) => clampLog(Math.log((observed + 10) / (expected + 10)));
/** One announcement's error as a bias learns it: a bus minutes off (a breakdown, a detour) teaches it at most 5 minutes. */
const clampError = (error: number) => (error < -300 ? -300 : error > 300 ? 300 : error);

export class PredictionEngine implements ArrivalPredictor {
  readonly name = 'engine';
  private readonly runs = new Map<string, RunState>();
  private readonly recent = new Map<string, Recent>();
  /** Scratch space for `announce` (one prediction at a time). */
  private biases = new Float32Array(64);
  private banded = new Float32Array(64);
  private paired = new Float32Array(64);
  private bands = new Uint8Array(64);
  private cells = new Uint8Array(64);
  private readonly segmentKeys = new Map<Trip['pattern'], string[]>();
  private readonly stopStats = new Map<string, StopStats>();
  private readonly clock: ZoneClock;
  private learnCalls = 0;
  readonly options: EngineOptions;

  constructor(private readonly timetable: Timetable, readonly model: LearnedModel = new LearnedModel(), options: Partial<EngineOptions> = {}) {
    this.clock = timetable.clock;
    this.options = { ...DEFAULT_ENGINE_OPTIONS, ...options };
    if (model.layoversInFirstSegments) {
      for (const trip of timetable.trips.values()) this.model.segments.delete(this.keysOf(trip)[1] ?? '');
      this.model.departures.clear();
      model.layoversInFirstSegments = false;
    }
  }

  private keysOf(trip: Trip): string[] {
    let keys = this.segmentKeys.get(trip.pattern);
    if (!keys) {
      const stops = trip.pattern.stopIds;
      keys = stops.map((stop, i) => (i === 0 ? '' : `${stops[i - 1]}>${stop}`));
      this.segmentKeys.set(trip.pattern, keys);
    }
    return keys;
  }

  /**
   * What the model keeps for each segment and, per route, each stop of a trip: looked up once per route
   * and stop pattern, not per run (the model's entries are never replaced, only updated).
   */
  private stopStatsOf(trip: Trip): StopStats {
    const key = `${trip.routeId}|${trip.pattern.key}`;
    let stats = this.stopStats.get(key);
    if (!stats) {
      const stops = trip.pattern.stopIds.map((stopId) => `${trip.routeId}:${stopId}`);
      stats = {
        segments: this.keysOf(trip).map((segment) => (segment ? this.model.segment(segment) : (null as unknown as SlotStats))),
        earliest: stops.map((stop) => this.model.earliestAt(stop)),
        bias: stops.map((stop) => this.model.biasAt(stop)),
        bandBias: stops.map((stop) => this.model.bandBiasAt(stop)),
        pairBias: this.model.pairBiasOf(trip.routeId, trip.pattern.stopIds),
      };
      this.stopStats.set(key, stats);
    }
    return stats;
  }

  private stateOf(run: TripRun): RunState {
    const id = `${run.key}#${run.vehicleId}`;
    let state = this.runs.get(id);
    if (!state) {
      state = {
        lastTime: run.lastTime, ownLog: 0, ownCount: 0, atTerminal: false, waitedAtFirstStop: false,
        ...this.stopStatsOf(run.trip),
        pending: [],
        headwayBased: isHeadwayBased(run.trip),
      };
      this.runs.set(id, state);
    }
    return state;
  }

  /** Drops the state of runs not heard from since `before` (vehicles that vanished mid-trip). */
  private forget(before: number) {
    for (const [id, state] of this.runs) if (state.lastTime < before) this.runs.delete(id);
  }

  private dayType(run: TripRun): DayType {
    return dayTypeOfWeekday(ZoneClock.weekday(run.serviceDay));
  }

  private hourAt(time: number): number {
    return Math.floor(this.clock.secondOfDay(time) / 3600) % 24;
  }

  /** Expected running time (seconds) of segment `index` (stop index-1 to stop index) starting at `time`. */
  expectedSeconds(run: TripRun, index: number, time: number, state = this.stateOf(run)): number {
    const trip = run.trip;
    const dayType = this.dayType(run);
    const scheduled = Math.max(trip.arrivals[index]! - trip.arrivals[index - 1]!, MIN_SCHEDULED_SECONDS); // dwell at the first stop included
    // Between the middles of two hours, both hours' ratios in proportion: no step at the hour.
    return scheduled * state.segments[index]!.estimateBetween(dayType, this.clock.secondOfDay(time) / 3600, this.networkPrior, this.options.priorStrength);
  }

  /** The network's ratio at a day type and hour: every segment's prior. */
  private readonly networkPrior = (dayType: DayType, hour: number): number => this.model.network.estimate(dayType, hour, 1, this.options.priorStrength);

  learn(update: TrackUpdate): void {
    if (update.finished) this.runs.delete(`${update.finished.key}#${update.finished.vehicleId}`);
    if (++this.learnCalls % 10_000 === 0) this.forget(update.time - RUN_MEMORY_SECONDS);
    const { run } = update;
    const state = this.stateOf(run);
    state.lastTime = update.time;
    const trip = run.trip;
    const keys = this.keysOf(trip);
    const dayType = this.dayType(run);
    if (this.options.calibrate) this.settle(state, update);
    for (const { index, time } of update.passed) {
      if (!Number.isFinite(time) || index === 0) continue;
      if (!state.headwayBased) state.earliest[index]!.add(time - (run.serviceStart + trip.arrivals[index]!), this.options.holdingShare, this.options.holdingStep);
      if (index === 1 && state.waitedAtFirstStop) {
        // The vehicle waited at its first stop: learn how late the route really leaves it. (Not only when
        // the ping before was still at the stop: with pings every few seconds, the bus is always seen
        // between its first stop and the second.)
        const leftAt = time - this.expectedSeconds(run, 1, time, state);
        const lateness = leftAt - (run.serviceStart + trip.departures[0]!);
        if (Math.abs(lateness) < 1800) this.model.departure(trip.routeId).record(dayType, this.hourAt(time), lateness);
      }
      // A bus seen at its first stop ran the first segment from when it left (a layover is no running
      // time: a bus that came to the stand minutes early would teach the segment minutes more); when it
      // left is unknown when it was not seen clearing the stop, and then nothing is learned.
      const previous = index === 1 && state.waitedAtFirstStop ? run.departedAt : run.passTimes[index - 1]!;
      if (!Number.isFinite(previous)) continue;
      const observed = time - previous;
      if (observed < 0 || observed > 3600) continue;
      const expected = this.expectedSeconds(run, index, previous, state);
      const logRatio = logRatioOf(observed, expected);
      const scheduled = Math.max(trip.arrivals[index]! - trip.arrivals[index - 1]!, MIN_SCHEDULED_SECONDS);
      const hour = this.hourAt(previous);
      // One odd traversal (a breakdown, a long wait) should not teach the segment much.
      const bounded = Math.min(observed, 3 * expected + 60);
      state.segments[index]!.record(dayType, hour, bounded, scheduled);
      this.model.network.record(dayType, hour, bounded, scheduled);
      this.recent.set(keys[index]!, { time, logRatio });
      state.ownLog = state.ownCount === 0 ? logRatio : state.ownLog + this.options.ownSmoothing * (logRatio - state.ownLog);
      state.ownCount++;
    }
    state.atTerminal = update.onRoute && atFirstStop(run);
    if (state.atTerminal) state.waitedAtFirstStop = true;
  }

  /** Each stop just passed settles the raw announcements made for it: the calibration learns their errors. */
  private settle(state: RunState, update: TrackUpdate) {
    const calibration = this.model.calibration;
    for (const { index, time } of update.passed) {
      if (!Number.isFinite(time)) continue;
      for (const pending of state.pending) {
        const k = index - pending.from;
        if (k < 0 || k >= pending.kept) continue;
        const error = time - pending.raw[k]!;
        // The stop's bias learns the error of the estimate before the three biases were added, its banded
        // bias the error left after the stop's bias, the pair bias the error left after both, the
        // calibration the error after all three.
        const unpaired = error + pending.paired[k]!;
        const unbanded = unpaired + pending.banded[k]!;
        const unbiased = unbanded + pending.bias[k]!;
        if (pending.raw[k]! - pending.madeAt < this.options.stopBiasHorizonSeconds) state.bias[index]!.add(clampError(unbiased));
        if (this.options.bandBiasWeight > 0) state.bandBias[index]![pending.bands[k]!]!.add(clampError(unbanded));
        if (this.options.pairBiasWeight > 0) state.pairBias.add(state.pairBias.cellOf(pending.from, k, pending.bands[k]!), clampError(unpaired));
        calibration.record(pending.cells[k]!, error, pending.raw[k]! - pending.madeAt, this.options.calibrationDecay);
      }
    }
    const next = update.run.nextIndex;
    let live = 0;
    for (const pending of state.pending) if (pending.madeAt > update.time - PENDING_SECONDS && pending.from + pending.kept > next) state.pending[live++] = pending;
    state.pending.length = live;
  }

  predict(update: TrackUpdate): Float64Array | null {
    const { run, time: now } = update;
    const trip = run.trip;
    const n = trip.arrivals.length;
    if (!update.onRoute || run.nextIndex >= n) return null;
    const state = this.stateOf(run);
    const keys = this.keysOf(trip);
    const distances = trip.pattern.distances;
    const out = new Float64Array(n - run.nextIndex);
    const o = this.options;
    let clock = now;
    let start = run.nextIndex;
    if (start <= 1 && (start === 0 || state.atTerminal)) {
      // Not left the first stop yet: it leaves at its time plus the route's usual lateness, or now.
      const departure = this.model.departures.get(trip.routeId);
      const lateness = departure ? departure.estimate(this.dayType(run), this.hourAt(now), 0, o.priorStrength) : 0;
      clock = Math.max(now, run.serviceStart + trip.departures[0]! + lateness);
      if (start === 0) {
        out[0] = clock;
        start = 1;
      }
    }
    for (let index = start; index < n; index++) {
      let seconds = this.expectedSeconds(run, index, clock, state);
      // The live factor: this vehicle's pace near it, and the latest vehicle over the same segment.
      const ahead = clock - now;
      const ownWeight = state.ownCount > 0 ? o.ownWeight * Math.exp(-ahead / o.ownReachSeconds) : 0;
      const recent = this.recent.get(keys[index]!);
      const age = recent ? now - recent.time : Infinity;
      const recentWeight = age < 3 * o.recentMemorySeconds ? o.recentWeight * Math.exp(-age / o.recentMemorySeconds) : 0;
      if (ownWeight + recentWeight > 0) {
        const logFactor = (ownWeight * state.ownLog + recentWeight * (recent ? recent.logRatio : 0)) / (1 + ownWeight + recentWeight);
        seconds *= Math.exp(logFactor);
      }
      if (index === run.nextIndex) {
        // Part of the current segment is already behind the vehicle.
        const span = distances[index]! - distances[index - 1]!;
        const share = span > 0 ? Math.min(1, Math.max(0, (distances[index]! - run.progress) / span)) : 0;
        seconds *= share;
      }
      clock += seconds;
      clock = Math.max(clock, this.heldUntil(state, run, index));
      out[index - run.nextIndex] = clock;
    }
    if (o.carriedDelayWeight > 0) this.blendCarriedDelay(update, out, state);
    if (o.calibrate) this.announce(state, update, out);
    else if (o.earlyShare > 0) for (let i = 0; i < out.length; i++) out[i] = out[i]! - o.earlyShare * (out[i]! - now);
    // A bus not yet at a stop gets there no sooner than now, whatever the shifts and biases say.
    for (let i = 0; i < out.length; i++) if (out[i]! < now) out[i] = now;
    return out;
  }

  /**
   * The earliest a bus is announced at stop `index`: its time there plus the low quantile of the lateness
   * buses have shown there (they hold at timepoints); -Infinity when that is not known or not kept.
   */
  private heldUntil(state: RunState, run: TripRun, index: number): number {
    const o = this.options;
    if (!o.holding || state.headwayBased) return -Infinity;
    const earliest = state.earliest[index]!;
    return earliest.count >= o.holdingMinSamples ? run.serviceStart + run.trip.arrivals[index]! + earliest.value : -Infinity;
  }

  /**
   * Mixes into each estimate, in place, the vehicle's current delay carried forward (as the OneBusAway
   * baseline computes it: a vehicle at its first stop before its time is on time; nothing before now).
   * The mix keeps to the holding floor: an early bus still waits where buses wait.
   */
  private blendCarriedDelay(update: TrackUpdate, out: Float64Array, state: RunState) {
    const { run, time: now } = update;
    const trip = run.trip;
    const weight = this.options.carriedDelayWeight;
    const delay = currentDelay(update);
    for (let i = 0; i < out.length; i++) {
      const carried = Math.max(now, run.serviceStart + trip.arrivals[run.nextIndex + i]! + delay);
      out[i] = (1 - weight) * out[i]! + weight * carried;
      out[i] = Math.max(out[i]!, this.heldUntil(state, run, run.nextIndex + i));
    }
  }

  /**
   * Adds each stop's bias to the raw estimates and moves them earlier by the calibrated shift of their
   * cell, in place; keeps the raw estimates to learn from.
   */
  private announce(state: RunState, update: TrackUpdate, raw: Float64Array): Float64Array {
    const { run, time: now } = update;
    const o = this.options;
    const n = raw.length;
    if (this.biases.length < n) {
      this.biases = new Float32Array(2 * n); this.banded = new Float32Array(2 * n); this.paired = new Float32Array(2 * n); this.bands = new Uint8Array(2 * n); this.cells = new Uint8Array(2 * n);
    }
    const { biases, banded, paired, bands, cells } = this;
    for (let i = 0; i < n; i++) {
      const bias = state.bias[run.nextIndex + i]!;
      biases[i] = o.stopBiasStrength > 0 ? o.stopBiasWeight * shrunkMean(bias.mean, bias.count, o.stopBiasStrength) : 0;
      raw[i] = raw[i]! + biases[i]!;
      // The band is that of the horizon with the stop's bias (what the banded bias learns the error of).
      bands[i] = bandOf(raw[i]! - now);
      const band = state.bandBias[run.nextIndex + i]![bands[i]!]!;
      banded[i] = o.bandBiasWeight > 0 ? o.bandBiasWeight * shrunkMean(band.mean, band.count, o.bandBiasStrength) : 0;
      raw[i] = raw[i]! + banded[i]!;
      // Where the bus is now, in the same band: a cell per stop pattern, heading-to stop and stop ahead.
      paired[i] = o.pairBiasWeight > 0 ? o.pairBiasWeight * state.pairBias.shrunk(state.pairBias.cellOf(run.nextIndex, i, bands[i]!), o.pairBiasStrength) : 0;
      raw[i] = raw[i]! + paired[i]!;
    }
    let kept = 0;
    while (kept < n && WindowCalibration.calibrated(raw[kept]! - now)) kept++;
    const delay = now - (run.serviceStart + scheduledTimeAt(run.trip, run.progress));
    const last = run.trip.arrivals.length - 1 - run.nextIndex;
    const near = o.nearStopMetres > 0 && run.trip.pattern.distances[run.nextIndex]! - run.progress <= o.nearStopMetres;
    for (let i = 0; i < kept; i++) cells[i] = WindowCalibration.cellOf(raw[i]! - now, delay, i === last, state.atTerminal, i === 0 && near);
    // Kept to learn from: at most one announcement a minute and the latest few (a vehicle reporting every
    // few seconds would otherwise keep hundreds); the same announcement twice counts once.
    const newest = state.pending[state.pending.length - 1];
    if (kept > 0 && (!newest || newest.madeAt === now || now - newest.madeAt >= PENDING_SPACING_SECONDS)) {
      const pending = { madeAt: now, from: run.nextIndex, raw: raw.slice(0, kept), bias: biases.slice(0, kept), banded: banded.slice(0, kept), paired: paired.slice(0, kept), bands: bands.slice(0, kept), cells: cells.slice(0, kept), kept };
      if (newest && newest.madeAt === now) state.pending[state.pending.length - 1] = pending;
      else state.pending.push(pending);
      if (state.pending.length > MAX_PENDING) state.pending.shift();
    }
    // Beyond the calibrated horizons (35 minutes) every stop keeps the shift of the farthest calibrated one:
    // no yardstick says how early to announce a bus an hour away, and a shift that kept growing with the
    // horizon would show it minutes early on the boards for no reason.
    let shift = o.earlyShare * WindowCalibration.maxCalibratedHorizon;
    for (let i = 0; i < n; i++) {
      if (i < kept) shift = this.model.calibration.shift(cells[i]!, o.calibrationMinSamples) ?? o.earlyShare * (raw[i]! - now);
      raw[i] = raw[i]! - shift;
    }
    return raw;
  }
}
