// The arrival prediction engine. For a vehicle at some point of its trip, the time to each later stop is
// the sum of the expected running times of the segments ahead, where each segment's expectation is
//   - its scheduled running time times the ratio history learned for that segment at that hour on that
//     kind of day (shrunk towards the network-wide ratio when the segment has little history), times
//   - a live factor: how this vehicle has been running against that expectation on its last segments
//     (strong near the vehicle, fading further ahead), and how the most recent vehicle over the same
//     segment did (strong when recent, fading with age).
// Before a vehicle leaves its first stop, its departure is the later of now and the scheduled departure
// plus the route's learned lateness. With no history at all the engine is the vehicle's current delay
// carried forward (the OneBusAway baseline).
import { ZoneClock } from '../gtfs/time.js';
import type { Timetable, Trip } from '../gtfs/timetable.js';
import type { TrackUpdate, TripRun } from '../tracking/tracker.js';
import { clampLog, dayTypeOfWeekday, LearnedModel, type DayType, type RunningQuantile, type SlotStats } from './history.js';

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
  holdingStep: 40,
  holdingMinSamples: 30,
  // The windows are centred about 5% of the horizon on the late side; 4% (chosen on the first two Austin
  // days) buys most of that without giving up the symmetric measures (±60 s, Caltrans).
  earlyShare: 0.04,
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
  segments: SlotStats[];
  earliest: RunningQuantile[];
}
interface Recent { time: number; logRatio: number }

/** Run state unused this long is dropped. */
const RUN_MEMORY_SECONDS = 6 * 3600;
/** Near the first stop: the vehicle has not left it yet. */
const TERMINAL_METRES = 40;
/** Segments scheduled at 0 s still take a moment. */
const MIN_SCHEDULED_SECONDS = 5;
const logRatioOf = (observed: number, expected: number) => clampLog(Math.log((observed + 10) / (expected + 10)));

export class PredictionEngine implements ArrivalPredictor {
  readonly name = 'engine';
  private readonly runs = new Map<string, RunState>();
  private readonly recent = new Map<string, Recent>();
  private readonly segmentKeys = new Map<Trip['pattern'], string[]>();
  private readonly clock: ZoneClock;
  private learnCalls = 0;
  readonly options: EngineOptions;

  constructor(private readonly timetable: Timetable, readonly model: LearnedModel = new LearnedModel(), options: Partial<EngineOptions> = {}) {
    this.clock = timetable.clock;
    this.options = { ...DEFAULT_ENGINE_OPTIONS, ...options };
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

  private stateOf(run: TripRun): RunState {
    const id = `${run.key}#${run.vehicleId}`;
    let state = this.runs.get(id);
    if (!state) {
      const keys = this.keysOf(run.trip);
      state = {
        lastTime: run.lastTime, ownLog: 0, ownCount: 0, atTerminal: false,
        segments: keys.map((key) => (key ? this.model.segment(key) : (null as unknown as SlotStats))),
        earliest: run.trip.pattern.stopIds.map((stopId) => this.model.earliestAt(`${run.trip.routeId}:${stopId}`)),
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
    const hour = this.hourAt(time);
    const scheduled = Math.max(trip.arrivals[index]! - trip.arrivals[index - 1]!, MIN_SCHEDULED_SECONDS); // dwell at the first stop included
    const networkRatio = this.model.network.estimate(dayType, hour, 1, this.options.priorStrength);
    return scheduled * state.segments[index]!.estimate(dayType, hour, networkRatio, this.options.priorStrength);
  }

  learn(update: TrackUpdate): void {
    if (update.finished) this.runs.delete(`${update.finished.key}#${update.finished.vehicleId}`);
    if (++this.learnCalls % 10_000 === 0) this.forget(update.time - RUN_MEMORY_SECONDS);
    const { run } = update;
    const state = this.stateOf(run);
    state.lastTime = update.time;
    const trip = run.trip;
    const keys = this.keysOf(trip);
    const dayType = this.dayType(run);
    for (const { index, time } of update.passed) {
      if (!Number.isFinite(time) || index === 0) continue;
      state.earliest[index]!.add(time - (run.serviceStart + trip.arrivals[index]!), this.options.holdingShare, this.options.holdingStep);
      if (index === 1 && state.atTerminal) {
        // The vehicle waited at its first stop: learn how late the route really leaves it.
        const leftAt = time - this.expectedSeconds(run, 1, time, state);
        const lateness = leftAt - (run.serviceStart + trip.departures[0]!);
        if (Math.abs(lateness) < 1800) this.model.departure(trip.routeId).record(dayType, this.hourAt(time), lateness);
      }
      const previous = run.passTimes[index - 1]!;
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
    state.atTerminal = update.onRoute && run.nextIndex <= 1 && run.progress - trip.pattern.distances[0]! < TERMINAL_METRES;
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
      if (o.holding) {
        const earliest = state.earliest[index]!;
        if (earliest.count >= o.holdingMinSamples) clock = Math.max(clock, run.serviceStart + trip.arrivals[index]! + earliest.value);
      }
      out[index - run.nextIndex] = clock;
    }
    if (o.earlyShare > 0) for (let i = 0; i < out.length; i++) out[i] = out[i]! - o.earlyShare * (out[i]! - now);
    return out;
  }
}
