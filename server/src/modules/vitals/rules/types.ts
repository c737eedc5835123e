// Public types of the vital-signs rule engine.

import type { IndicatorStatus, Severity } from '../types.js';

/** Stable identifiers of the rules; part of every alert's deduplication key. */
export type RuleId = 'threshold' | 'rate_of_change' | 'stale' | 'anomaly';

export type AlertTransitionKind = 'firing' | 'escalated' | 'resolved';

/** A change in the life of one alert. An alert fires once, may escalate once, and resolves once. */
export interface AlertTransition {
  /** Deduplication key, `${rule}:${indicator}:${org}`. */
  key: string;
  rule: RuleId;
  kind: AlertTransitionKind;
  indicator: string;
  org: string;
  /** Severity of the alert after this transition (on `resolved`, the severity it had). */
  severity: Severity;
  /** Value that caused the transition; the latest value for tick-driven transitions; null when there is none. */
  value: number | null;
  /** Milliseconds since the epoch: the observation or tick time that caused the transition. */
  ts: number;
  /** Short English description, e.g. "PM2.5 concentration 180 μg/m³ above critical 150". */
  message: string;
}

export interface RateOfChangeConfig {
  /** Largest tolerated |Δvalue| per minute between consecutive observations, in the indicator's unit. */
  maxChangePerMinute: number;
}

export interface AnomalyOptions {
  /** Turns the anomaly rule off for every indicator. Default true. */
  enabled?: boolean;
  /** Indicators the anomaly rule ignores (e.g. counters that are legitimately spiky). */
  exclude?: Iterable<string>;
  /** Samples a baseline bucket needs before it is trusted for detection. Default 24. */
  minSamples?: number;
  /** Robust z-score above which a value is anomalous (warning). Default 4.5. */
  k?: number;
  /** Robust z-score above which the anomaly is critical. Default 2 × k. */
  kCritical?: number;
  /** Floor of the learning rate once a bucket has 1/alpha samples; sets the memory of the baseline. Default 0.05. */
  alpha?: number;
  /** Residuals are clipped to ±clip robust standard deviations before learning. Default 3. */
  clip?: number;
  /** Learning-rate multiplier for anomalous values (which never touch the scale). Default 0.1. */
  outlierWeight?: number;
  /** Consecutive non-anomalous observations needed to resolve. Default 2. */
  resolveAfter?: number;
  /** Scale floor relative to |centre|, so near-constant series do not divide by ~0. Default 0.001. */
  minRelativeScale?: number;
  /** Absolute scale floor. Default 1e-9. */
  minAbsoluteScale?: number;
  /** IANA time zone in which the hour of week is computed. Default Asia/Shanghai. */
  timeZone?: string;
}

export interface RuleEngineOptions {
  /** Share of the normal range width (or of |threshold| without a range) by which a value must re-enter before a threshold alert clears. Default 0.05. */
  hysteresisFraction?: number;
  /** A series is stale after staleFactor × frequencySeconds without data. Default 3. */
  staleFactor?: number;
  /** An alert stays firing at least this long before it may resolve. Default 60. */
  minFiringSeconds?: number;
  /** Per-indicator for-duration of the threshold rule, in seconds (overrides the frequency-based default). */
  forSeconds?: Readonly<Record<string, number>>;
  /** Per-indicator rate-of-change limits; indicators without an entry have no rate rule. */
  rateOfChange?: Readonly<Record<string, RateOfChangeConfig>>;
  anomaly?: AnomalyOptions;
}

/** Current state of one series, as used by snapshots and the health score. */
export interface SeriesSnapshot {
  indicator: string;
  category: string;
  org: string;
  status: IndicatorStatus;
  value: number | null;
  ts: number | null;
}

export interface SeriesStatus {
  status: IndicatorStatus;
  value: number | null;
  ts: number | null;
}

/** Counters of observations the engine refused, for metrics. */
export interface RuleEngineStats {
  series: number;
  observations: number;
  unknownIndicator: number;
  invalid: number;
  outOfOrder: number;
  pendingTransitions: number;
}
