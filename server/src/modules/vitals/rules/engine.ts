// The rule engine: evaluates threshold, rate-of-change, staleness and anomaly rules
// on every observation, in memory, and queues alert transitions.
//
// Hot-path discipline (observe runs ≥ 50,000 times a second): state lives in one
// fixed-shape object per series plus one Float32Array of baselines; observe does two
// Map lookups, a few comparisons and three bucket updates, and allocates only when a
// series is first seen or an alert changes state.

import type { IndicatorDefinition, IndicatorStatus, Severity } from '../types.js';
import {
  compileThresholds,
  LEVEL_CRITICAL,
  LEVEL_NORMAL,
  LEVEL_WARNING,
  levelOf,
  stillBreaching,
  type CompiledThresholds,
} from './classify.js';
import {
  ALL_BUCKET,
  BUCKETS,
  STRIDE,
  decodeBaseline,
  encodeBaseline,
  expectedValue,
  newBaseline,
  scoreAndLearn,
  shiftBaselineHours,
  type BaselineParams,
} from './baseline.js';
import { DeadlineHeap, type HeapNode } from './heap.js';
import {
  anomalyMessage,
  anomalyResolvedMessage,
  rateMessage,
  rateResolvedMessage,
  retiredMessage,
  staleMessage,
  staleResolvedMessage,
  thresholdMessage,
  thresholdResolvedMessage,
} from './messages.js';
import { HourOfWeekClock } from './time-zone.js';
import type {
  AlertTransition,
  AlertTransitionKind,
  RuleEngineOptions,
  RuleEngineStats,
  RuleId,
  SeriesSnapshot,
  SeriesStatus,
} from './types.js';

const BASELINE_FORMAT = 'citypulse.vitals.anomaly-baselines';
const BASELINE_VERSION = 1;
/** Indicators reporting at least this rarely fire on the first breaching value by default. */
const SLOW_FREQUENCY_SECONDS = 300;

/** Per-indicator rule configuration, updated in place by setDefinitions so series keep their reference. */
interface IndicatorEntry {
  def: IndicatorDefinition;
  thresholds: CompiledThresholds;
  hasThresholds: boolean;
  forMs: number;
  staleMs: number;
  /** Infinity when the indicator has no rate rule. */
  maxRatePerMinute: number;
  anomaly: boolean;
  series: Map<string, Series>;
}

/**
 * State of one (indicator, org) series. NaN marks "unset" for times so that every
 * field keeps one numeric representation and the object one hidden class.
 */
class Series implements HeapNode {
  heapPos = -1;
  heapKey = 0;
  lastTs = NaN;
  lastValue = NaN;

  thrActive = false;
  thrLevel = LEVEL_NORMAL;
  thrFiredAt = NaN;
  /** First observation of the current uninterrupted breach, while not yet firing. */
  thrPendingSince = NaN;
  /** First observation of the current uninterrupted critical breach. */
  thrCritSince = NaN;
  /** First observation of the current uninterrupted clearance, while firing. */
  thrClearSince = NaN;

  rateActive = false;
  rateFiredAt = NaN;
  /** The latest rate was within bound but the minimum firing time had not elapsed. */
  rateCleared = false;

  staleActive = false;

  anomActive = false;
  anomLevel = LEVEL_NORMAL;
  anomFiredAt = NaN;
  anomOk = 0;
  baseline: Float32Array | null = null;
  /** Reference level the baseline's centres are stored relative to. */
  ref = 0;

  constructor(
    readonly entry: IndicatorEntry,
    readonly org: string,
  ) {}
}

function severityOf(level: number): Severity {
  return level >= LEVEL_CRITICAL ? 'critical' : 'warning';
}

function ownNumber(map: Readonly<Record<string, unknown>> | undefined, key: string): unknown {
  return map !== undefined && Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

function positive(v: number | undefined, fallback: number, name: string): number {
  if (v === undefined) return fallback;
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${name} must be a positive number, got ${v}`);
  return v;
}

function nonNegative(v: number | undefined, fallback: number, name: string): number {
  if (v === undefined) return fallback;
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be a non-negative number, got ${v}`);
  return v;
}

export interface ExportedBaselines {
  format: typeof BASELINE_FORMAT;
  version: typeof BASELINE_VERSION;
  timeZone: string;
  buckets: number;
  stride: number;
  series: { indicator: string; org: string; ref: number; data: string }[];
}

export class RuleEngine {
  private readonly entries = new Map<string, IndicatorEntry>();
  private readonly heap = new DeadlineHeap<Series>();
  private queue: AlertTransition[] = [];
  private readonly clock: HourOfWeekClock;
  private readonly bp: BaselineParams;

  private readonly hysteresisFraction: number;
  private readonly staleFactor: number;
  private readonly minFiringMs: number;
  private readonly forSecondsOverride: Readonly<Record<string, number>> | undefined;
  private readonly rateOverride: RuleEngineOptions['rateOfChange'];
  private readonly anomalyEnabled: boolean;
  private readonly anomalyExclude: ReadonlySet<string>;
  private readonly kCritical: number;
  private readonly resolveAfter: number;

  private seriesCount = 0;
  private observations = 0;
  private unknownIndicator = 0;
  private invalid = 0;
  private outOfOrder = 0;
  /** Latest time seen from observations or ticks; stamps transitions that have no better time. */
  private latestTime = -Infinity;

  constructor(definitions: Iterable<IndicatorDefinition>, options: RuleEngineOptions = {}) {
    this.hysteresisFraction = nonNegative(options.hysteresisFraction, 0.05, 'hysteresisFraction');
    this.staleFactor = positive(options.staleFactor, 3, 'staleFactor');
    this.minFiringMs = nonNegative(options.minFiringSeconds, 60, 'minFiringSeconds') * 1000;
    this.forSecondsOverride = options.forSeconds;
    this.rateOverride = options.rateOfChange;
    const a = options.anomaly ?? {};
    this.anomalyEnabled = a.enabled ?? true;
    this.anomalyExclude = new Set(a.exclude ?? []);
    const k = positive(a.k, 4.5, 'anomaly.k');
    this.kCritical = positive(a.kCritical, 2 * k, 'anomaly.kCritical');
    if (this.kCritical < k) throw new RangeError('anomaly.kCritical must not be below anomaly.k');
    this.resolveAfter = Math.max(1, Math.round(positive(a.resolveAfter, 2, 'anomaly.resolveAfter')));
    const alpha = positive(a.alpha, 0.05, 'anomaly.alpha');
    if (alpha > 1) throw new RangeError('anomaly.alpha must be at most 1');
    this.bp = {
      minSamples: Math.max(1, Math.round(positive(a.minSamples, 24, 'anomaly.minSamples'))),
      k,
      alpha,
      clip: positive(a.clip, 3, 'anomaly.clip'),
      outlierWeight: nonNegative(a.outlierWeight, 0.1, 'anomaly.outlierWeight'),
      minRelativeScale: nonNegative(a.minRelativeScale, 0.001, 'anomaly.minRelativeScale'),
      minAbsoluteScale: positive(a.minAbsoluteScale, 1e-9, 'anomaly.minAbsoluteScale'),
    };
    this.clock = new HourOfWeekClock(a.timeZone ?? 'Asia/Shanghai');
    this.setDefinitions(definitions);
  }

  /**
   * Replaces the indicator definitions. Series of kept indicators keep their state and
   * baselines; alerts that can no longer resolve under the new configuration (thresholds,
   * rate limit or anomaly rule removed, or the indicator retired) are resolved now.
   */
  setDefinitions(definitions: Iterable<IndicatorDefinition>): void {
    const seen = new Set<string>();
    for (const def of definitions) {
      seen.add(def.code);
      const cfg = this.configure(def);
      const existing = this.entries.get(def.code);
      if (existing === undefined) {
        this.entries.set(def.code, { ...cfg, series: new Map() });
        continue;
      }
      Object.assign(existing, cfg);
      for (const s of existing.series.values()) {
        this.reconcile(s);
        this.schedule(s);
      }
    }
    for (const [code, entry] of this.entries) {
      if (seen.has(code)) continue;
      for (const s of entry.series.values()) {
        this.retire(s);
        this.heap.remove(s);
        this.seriesCount--;
      }
      this.entries.delete(code);
    }
  }

  private configure(def: IndicatorDefinition): Omit<IndicatorEntry, 'series'> {
    const thresholds = compileThresholds(def, this.hysteresisFraction);
    const hasThresholds =
      Number.isFinite(thresholds.warnHigh) ||
      Number.isFinite(thresholds.critHigh) ||
      Number.isFinite(thresholds.warnLow) ||
      Number.isFinite(thresholds.critLow);
    const freq = def.frequencySeconds;
    const validFreq = Number.isFinite(freq) && freq > 0;
    const override = ownNumber(this.forSecondsOverride, def.code);
    // Fast indicators are noisy sample by sample, so by default a breach must persist
    // for two reporting intervals; slow ones (≥ 5 min) would alert too late that way.
    const forSeconds =
      typeof override === 'number' && Number.isFinite(override)
        ? override
        : validFreq && freq < SLOW_FREQUENCY_SECONDS
          ? 2 * freq
          : 0;
    const rate = ownNumber(this.rateOverride, def.code) as { maxChangePerMinute?: unknown } | undefined;
    const max = rate?.maxChangePerMinute;
    return {
      def,
      thresholds,
      hasThresholds,
      forMs: Math.max(0, forSeconds) * 1000,
      staleMs: validFreq ? this.staleFactor * freq * 1000 : Infinity,
      maxRatePerMinute: typeof max === 'number' && Number.isFinite(max) && max >= 0 ? max : Infinity,
      anomaly: this.anomalyEnabled && !this.anomalyExclude.has(def.code),
    };
  }

  // ---------------------------------------------------------------- observations

  /**
   * Feeds one observation. An observation older than the series' latest only teaches
   * the anomaly baseline; it cannot change the series' status, because the status
   * describes the newest known value. With `learn: false` the value is scored but not
   * taught: a restart replaying values the saved baselines already learnt.
   */
  observe(indicator: string, org: string, ts: number, value: number, { learn = true }: { learn?: boolean } = {}): void {
    const entry = this.entries.get(indicator);
    if (entry === undefined) {
      this.unknownIndicator++;
      return;
    }
    if (!Number.isFinite(value) || !Number.isFinite(ts)) {
      this.invalid++;
      return;
    }
    let s = entry.series.get(org);
    if (s === undefined) s = this.createSeries(entry, org);
    this.observations++;
    if (ts > this.latestTime) this.latestTime = ts;

    let z = NaN;
    if (entry.anomaly) {
      let b = s.baseline;
      if (b === null) {
        b = s.baseline = newBaseline();
        s.ref = value;
      }
      z = scoreAndLearn(b, s.ref, this.clock.hourOfWeek(ts), value, this.bp, learn);
    }

    const prevTs = s.lastTs;
    if (ts < prevTs) {
      this.outOfOrder++;
      return;
    }
    const prevValue = s.lastValue;
    s.lastTs = ts;
    s.lastValue = value;

    if (s.staleActive) {
      s.staleActive = false;
      this.emit(s, 'stale', 'resolved', LEVEL_WARNING, value, ts, staleResolvedMessage(entry.def));
    }
    if (entry.hasThresholds) this.observeThreshold(s, ts, value);
    // prevTs is NaN for the first observation, and the comparison is then false.
    if (entry.maxRatePerMinute !== Infinity && ts > prevTs) this.observeRate(s, ts, value, prevTs, prevValue);
    if (entry.anomaly) this.observeAnomaly(s, ts, value, z);
    this.schedule(s);
  }

  private observeThreshold(s: Series, ts: number, value: number): void {
    const e = s.entry;
    const t = e.thresholds;
    const level = levelOf(t, value);
    if (level === LEVEL_CRITICAL) {
      if (s.thrCritSince !== s.thrCritSince) s.thrCritSince = ts;
    } else {
      s.thrCritSince = NaN;
    }

    if (!s.thrActive) {
      if (level === LEVEL_NORMAL) {
        s.thrPendingSince = NaN;
        return;
      }
      if (s.thrPendingSince !== s.thrPendingSince) s.thrPendingSince = ts;
      if (ts - s.thrPendingSince >= e.forMs) {
        const sev = level === LEVEL_CRITICAL && ts - s.thrCritSince >= e.forMs ? LEVEL_CRITICAL : LEVEL_WARNING;
        this.fireThreshold(s, sev, ts, value);
      }
      return;
    }

    if (s.thrLevel < LEVEL_CRITICAL && level === LEVEL_CRITICAL && ts - s.thrCritSince >= e.forMs) {
      this.escalateThreshold(s, ts, value);
    }
    if (stillBreaching(t, value)) {
      s.thrClearSince = NaN;
      return;
    }
    if (s.thrClearSince !== s.thrClearSince) s.thrClearSince = ts;
    if (ts - s.thrClearSince >= e.forMs && ts - s.thrFiredAt >= this.minFiringMs) {
      this.resolveThreshold(s, ts, value);
    }
  }

  private observeRate(s: Series, ts: number, value: number, prevTs: number, prevValue: number): void {
    const perMinute = ((value - prevValue) * 60_000) / (ts - prevTs);
    const abs = perMinute < 0 ? -perMinute : perMinute;
    if (abs > s.entry.maxRatePerMinute) {
      if (!s.rateActive) {
        s.rateActive = true;
        s.rateFiredAt = ts;
        s.rateCleared = false;
        this.emit(s, 'rate_of_change', 'firing', LEVEL_WARNING, value, ts,
          rateMessage(s.entry.def, perMinute, s.entry.maxRatePerMinute));
      } else {
        s.rateCleared = false;
      }
    } else if (s.rateActive) {
      if (ts - s.rateFiredAt >= this.minFiringMs) this.resolveRate(s, ts, value);
      else s.rateCleared = true;
    }
  }

  private observeAnomaly(s: Series, ts: number, value: number, z: number): void {
    const a = z < 0 ? -z : z; // NaN (no trusted baseline yet) compares false below: not anomalous.
    if (!s.anomActive) {
      if (a > this.bp.k) {
        s.anomActive = true;
        s.anomLevel = a > this.kCritical ? LEVEL_CRITICAL : LEVEL_WARNING;
        s.anomFiredAt = ts;
        s.anomOk = 0;
        this.emit(s, 'anomaly', 'firing', s.anomLevel, value, ts, this.anomalyText(s, ts, value, z));
      }
      return;
    }
    if (a > this.bp.k) {
      s.anomOk = 0;
      if (s.anomLevel < LEVEL_CRITICAL && a > this.kCritical) {
        s.anomLevel = LEVEL_CRITICAL;
        this.emit(s, 'anomaly', 'escalated', LEVEL_CRITICAL, value, ts, this.anomalyText(s, ts, value, z));
      }
      return;
    }
    s.anomOk++;
    if (s.anomOk >= this.resolveAfter && ts - s.anomFiredAt >= this.minFiringMs) this.resolveAnomaly(s, ts, value);
  }

  private anomalyText(s: Series, ts: number, value: number, z: number): string {
    const expected = s.baseline === null ? NaN : expectedValue(s.baseline, s.ref, this.clock.hourOfWeek(ts), this.bp.minSamples);
    return anomalyMessage(s.entry.def, value, expected, z);
  }

  // ---------------------------------------------------------------- time

  /**
   * Time-driven evaluation: staleness, for-durations that completed without a new
   * observation, and resolutions waiting for their clear time or minimum firing time.
   *
   * Every series sits in a min-heap at most once, keyed by the earliest moment it may
   * need attention. Observations only ever postpone a series' staleness deadline, so
   * they leave the heap alone (O(1)); the heap entry is re-keyed lazily when it comes
   * due. A regularly reporting series therefore costs one O(log n) re-key per staleness
   * window (staleFactor × frequency), and a tick with nothing due costs O(1) — instead
   * of scanning 50,000 series every second.
   */
  tick(now: number): void {
    if (now > this.latestTime) this.latestTime = now;
    const heap = this.heap;
    for (;;) {
      const s = heap.peek();
      if (s === undefined || s.heapKey > now) break;
      this.evaluateDue(s, now);
      let wake = this.nextWake(s);
      if (wake === Infinity) {
        heap.remove(s);
        continue;
      }
      // Every deadline at or before `now` was acted upon above; the guard only protects
      // the loop from a deadline that could not be (it is retried on the next tick).
      if (wake <= now) wake = now + 1;
      heap.set(s, wake);
    }
  }

  private evaluateDue(s: Series, now: number): void {
    const e = s.entry;
    if (s.lastTs !== s.lastTs) return;
    if (!s.staleActive && now - s.lastTs >= e.staleMs) {
      s.staleActive = true;
      this.emit(s, 'stale', 'firing', LEVEL_WARNING, null, now, staleMessage(e.def, now - s.lastTs));
    }
    if (e.hasThresholds) {
      // The latest value stands until the next observation, so a breach it started
      // completes its for-duration on the clock even if no observation arrives.
      if (!s.thrActive) {
        if (s.thrPendingSince === s.thrPendingSince && now - s.thrPendingSince >= e.forMs) {
          const sev = s.thrCritSince === s.thrCritSince && now - s.thrCritSince >= e.forMs ? LEVEL_CRITICAL : LEVEL_WARNING;
          this.fireThreshold(s, sev, now, s.lastValue);
        }
      } else {
        if (s.thrLevel < LEVEL_CRITICAL && s.thrCritSince === s.thrCritSince && now - s.thrCritSince >= e.forMs) {
          this.escalateThreshold(s, now, s.lastValue);
        }
        if (
          s.thrClearSince === s.thrClearSince &&
          now - s.thrClearSince >= e.forMs &&
          now - s.thrFiredAt >= this.minFiringMs
        ) {
          this.resolveThreshold(s, now, s.lastValue);
        }
      }
    }
    if (s.rateActive && s.rateCleared && now - s.rateFiredAt >= this.minFiringMs) {
      this.resolveRate(s, now, s.lastValue);
    }
    if (s.anomActive && s.anomOk >= this.resolveAfter && now - s.anomFiredAt >= this.minFiringMs) {
      this.resolveAnomaly(s, now, s.lastValue);
    }
  }

  /** Earliest time the series may change state without a new observation; Infinity if never. */
  private nextWake(s: Series): number {
    if (s.lastTs !== s.lastTs) return Infinity;
    const e = s.entry;
    let w = s.staleActive ? Infinity : s.lastTs + e.staleMs;
    if (s.thrActive) {
      if (s.thrLevel < LEVEL_CRITICAL && s.thrCritSince === s.thrCritSince) {
        w = Math.min(w, s.thrCritSince + e.forMs);
      }
      if (s.thrClearSince === s.thrClearSince) {
        w = Math.min(w, Math.max(s.thrClearSince + e.forMs, s.thrFiredAt + this.minFiringMs));
      }
    } else if (s.thrPendingSince === s.thrPendingSince) {
      w = Math.min(w, s.thrPendingSince + e.forMs);
    }
    if (s.rateActive && s.rateCleared) w = Math.min(w, s.rateFiredAt + this.minFiringMs);
    if (s.anomActive && s.anomOk >= this.resolveAfter) w = Math.min(w, s.anomFiredAt + this.minFiringMs);
    return w;
  }

  /** Brings the series' heap entry forward if it is now due earlier; later deadlines are handled lazily by tick. */
  private schedule(s: Series): void {
    const w = this.nextWake(s);
    if (w === Infinity) return;
    if (s.heapPos < 0 || w < s.heapKey) this.heap.set(s, w);
  }

  // ---------------------------------------------------------------- transitions

  private fireThreshold(s: Series, level: number, ts: number, value: number): void {
    s.thrActive = true;
    s.thrLevel = level;
    s.thrFiredAt = ts;
    s.thrPendingSince = NaN;
    s.thrClearSince = NaN;
    this.emit(s, 'threshold', 'firing', level, value, ts, thresholdMessage(s.entry.def, s.entry.thresholds, value));
  }

  private escalateThreshold(s: Series, ts: number, value: number): void {
    s.thrLevel = LEVEL_CRITICAL;
    this.emit(s, 'threshold', 'escalated', LEVEL_CRITICAL, value, ts,
      thresholdMessage(s.entry.def, s.entry.thresholds, value));
  }

  private resolveThreshold(s: Series, ts: number, value: number | null): void {
    const level = s.thrLevel;
    s.thrActive = false;
    s.thrLevel = LEVEL_NORMAL;
    s.thrFiredAt = NaN;
    s.thrPendingSince = NaN;
    s.thrClearSince = NaN;
    this.emit(s, 'threshold', 'resolved', level, value, ts, thresholdResolvedMessage(s.entry.def, value));
  }

  private resolveRate(s: Series, ts: number, value: number | null): void {
    s.rateActive = false;
    s.rateCleared = false;
    s.rateFiredAt = NaN;
    this.emit(s, 'rate_of_change', 'resolved', LEVEL_WARNING, value, ts, rateResolvedMessage(s.entry.def));
  }

  private resolveAnomaly(s: Series, ts: number, value: number | null): void {
    const level = s.anomLevel;
    s.anomActive = false;
    s.anomLevel = LEVEL_NORMAL;
    s.anomOk = 0;
    s.anomFiredAt = NaN;
    this.emit(s, 'anomaly', 'resolved', level, value, ts, anomalyResolvedMessage(s.entry.def, value));
  }

  /** Resolves alerts the current configuration can no longer resolve by itself. */
  private reconcile(s: Series): void {
    const e = s.entry;
    const ts = this.transitionTime(s);
    const value = s.lastValue === s.lastValue ? s.lastValue : null;
    if (s.thrActive && !e.hasThresholds) this.resolveThreshold(s, ts, value);
    if (s.rateActive && e.maxRatePerMinute === Infinity) this.resolveRate(s, ts, value);
    if (s.anomActive && !e.anomaly) this.resolveAnomaly(s, ts, value);
    if (!e.anomaly) s.baseline = null;
    if (s.staleActive && e.staleMs === Infinity) {
      s.staleActive = false;
      this.emit(s, 'stale', 'resolved', LEVEL_WARNING, value, ts, staleResolvedMessage(e.def));
    }
  }

  private retire(s: Series): void {
    const ts = this.transitionTime(s);
    const value = s.lastValue === s.lastValue ? s.lastValue : null;
    const text = retiredMessage(s.entry.def, s.entry.def.code);
    if (s.thrActive) this.emit(s, 'threshold', 'resolved', s.thrLevel, value, ts, text);
    if (s.rateActive) this.emit(s, 'rate_of_change', 'resolved', LEVEL_WARNING, value, ts, text);
    if (s.anomActive) this.emit(s, 'anomaly', 'resolved', s.anomLevel, value, ts, text);
    if (s.staleActive) this.emit(s, 'stale', 'resolved', LEVEL_WARNING, value, ts, text);
  }

  private transitionTime(s: Series): number {
    if (this.latestTime !== -Infinity) return this.latestTime;
    return s.lastTs === s.lastTs ? s.lastTs : 0;
  }

  private emit(
    s: Series,
    rule: RuleId,
    kind: AlertTransitionKind,
    level: number,
    value: number | null,
    ts: number,
    message: string,
  ): void {
    const indicator = s.entry.def.code;
    this.queue.push({
      key: `${rule}:${indicator}:${s.org}`,
      rule,
      kind,
      indicator,
      org: s.org,
      severity: severityOf(level),
      value,
      ts,
      message,
    });
  }

  /** Returns the transitions queued since the previous call, oldest first, and clears the queue. */
  drainTransitions(): AlertTransition[] {
    const out = this.queue;
    this.queue = [];
    return out;
  }

  // ---------------------------------------------------------------- state

  private createSeries(entry: IndicatorEntry, org: string): Series {
    const s = new Series(entry, org);
    entry.series.set(org, s);
    this.seriesCount++;
    return s;
  }

  /**
   * Registers a series expected to report, so snapshots list it as `no-data` until its
   * first observation. A series that never reported raises no staleness alert.
   */
  track(indicator: string, org: string): boolean {
    const entry = this.entries.get(indicator);
    if (entry === undefined) return false;
    if (!entry.series.has(org)) this.createSeries(entry, org);
    return true;
  }

  private statusOf(s: Series): IndicatorStatus {
    if (s.lastTs !== s.lastTs) return 'no-data';
    if (s.thrActive && s.thrLevel >= LEVEL_CRITICAL) return 'critical';
    if (s.thrActive || s.anomActive || s.rateActive) return 'warning';
    if (s.staleActive) return 'stale';
    return 'normal';
  }

  status(indicator: string, org: string): SeriesStatus {
    const s = this.entries.get(indicator)?.series.get(org);
    if (s === undefined || s.lastTs !== s.lastTs) return { status: 'no-data', value: null, ts: null };
    return { status: this.statusOf(s), value: s.lastValue, ts: s.lastTs };
  }

  /** Visits every known series without allocating per series; the callback must not call observe or setDefinitions. */
  forEachSeries(
    fn: (indicator: string, org: string, status: IndicatorStatus, value: number | null, ts: number | null, category: string) => void,
  ): void {
    for (const entry of this.entries.values()) {
      const { code, category } = entry.def;
      for (const s of entry.series.values()) {
        const seen = s.lastTs === s.lastTs;
        fn(code, s.org, this.statusOf(s), seen ? s.lastValue : null, seen ? s.lastTs : null, category);
      }
    }
  }

  /** Current state of every known series, in the shape the health score consumes. */
  snapshot(): SeriesSnapshot[] {
    const out: SeriesSnapshot[] = [];
    this.forEachSeries((indicator, org, status, value, ts, category) => {
      out.push({ indicator, category, org, status, value, ts });
    });
    return out;
  }

  stats(): RuleEngineStats {
    return {
      series: this.seriesCount,
      observations: this.observations,
      unknownIndicator: this.unknownIndicator,
      invalid: this.invalid,
      outOfOrder: this.outOfOrder,
      pendingTransitions: this.queue.length,
    };
  }

  // ---------------------------------------------------------------- baselines

  /** Forgets a series' learnt normal, e.g. after an operator accepts a permanent level shift. */
  resetBaseline(indicator: string, org: string): void {
    const s = this.entries.get(indicator)?.series.get(org);
    if (s !== undefined) s.baseline = null;
  }

  /** JSON-serialisable anomaly baselines of every series that has one. */
  exportBaselines(): ExportedBaselines {
    return { ...this.baselineLayout(), series: [...this.exportedBaselineSeries()] };
  }

  /** What a baseline export says of its layout, beside its series: importBaselines checks it. */
  baselineLayout(): Omit<ExportedBaselines, 'series'> {
    return { format: BASELINE_FORMAT, version: BASELINE_VERSION, timeZone: this.clock.timeZone, buckets: BUCKETS, stride: STRIDE };
  }

  /**
   * The series of exportBaselines one at a time, each encoded as its turn comes: a city's are 18,000
   * series of 3 KB, and a server saving them takes them in slices. A series that learns between two
   * turns is exported as it is at its own.
   */
  *exportedBaselineSeries(): Generator<ExportedBaselines['series'][number]> {
    for (const entry of this.entries.values()) {
      for (const s of entry.series.values()) {
        if (s.baseline !== null) yield { indicator: entry.def.code, org: s.org, ref: s.ref, data: encodeBaseline(s.baseline) };
      }
    }
  }

  /**
   * Loads baselines produced by exportBaselines, replacing those of the same series.
   * Throws if the document is not a baseline export of this layout, or names an unknown time zone.
   * Learnt in another zone (the city's setting changed), every series is moved by the hours between
   * the two zones' offsets at `at`, so the hours keep what they learnt (`hoursMoved`; with summer
   * time in either zone this is right for the season of `at`, an hour off in the other). Entries for
   * unknown indicators, indicators without the anomaly rule, or with corrupt data are skipped.
   * A series known only from the import is listed as `no-data` until it reports.
   */
  importBaselines(data: unknown, at = Date.now()): { imported: number; skipped: number; hoursMoved: number } {
    if (typeof data !== 'object' || data === null) throw new TypeError('baselines: expected an object');
    const d = data as Partial<Record<keyof ExportedBaselines, unknown>>;
    if (d.format !== BASELINE_FORMAT || d.version !== BASELINE_VERSION) {
      throw new TypeError(`baselines: expected ${BASELINE_FORMAT} version ${BASELINE_VERSION}`);
    }
    if (d.buckets !== BUCKETS || d.stride !== STRIDE) throw new TypeError('baselines: bucket layout differs');
    if (typeof d.timeZone !== 'string') throw new TypeError('baselines: timeZone must be a string');
    let hoursMoved = 0;
    if (d.timeZone !== this.clock.timeZone) {
      let learntIn: HourOfWeekClock;
      try {
        learntIn = new HourOfWeekClock(d.timeZone);
      } catch {
        throw new RangeError(`baselines: learnt in time zone ${d.timeZone}, which is not known here`);
      }
      hoursMoved = Math.round((this.clock.offsetMs(at) - learntIn.offsetMs(at)) / 3_600_000);
    }
    if (!Array.isArray(d.series)) throw new TypeError('baselines: series must be an array');
    let imported = 0;
    let skipped = 0;
    for (const item of d.series as unknown[]) {
      const it = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
      const { indicator, org, ref, data: text } = it;
      const entry = typeof indicator === 'string' ? this.entries.get(indicator) : undefined;
      const buf = typeof text === 'string' ? decodeBaseline(text) : null;
      if (entry === undefined || !entry.anomaly || typeof org !== 'string' || typeof ref !== 'number' ||
        !Number.isFinite(ref) || buf === null) {
        skipped++;
        continue;
      }
      const s = entry.series.get(org) ?? this.createSeries(entry, org);
      s.baseline = hoursMoved === 0 ? buf : shiftBaselineHours(buf, hoursMoved);
      s.ref = ref;
      imported++;
    }
    return { imported, skipped, hoursMoved };
  }

  /** Samples in the all-hours bucket of a series, for diagnostics; 0 without a baseline. */
  baselineSamples(indicator: string, org: string): number {
    const b = this.entries.get(indicator)?.series.get(org)?.baseline;
    return b == null ? 0 : b[ALL_BUCKET * STRIDE]!;
  }
}
