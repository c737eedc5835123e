// Static thresholds of an indicator: classification without memory, and the
// precompiled form the engine uses so the hot path only compares numbers.

import type { IndicatorDefinition } from '../types.js';

export type ValueClass = 'normal' | 'warning' | 'critical';

/** Level codes used on the hot path; ordered so that a larger number is worse. */
export const LEVEL_NORMAL = 0;
export const LEVEL_WARNING = 1;
export const LEVEL_CRITICAL = 2;

/**
 * Thresholds with absent ones replaced by ±Infinity, so a comparison against an
 * absent threshold is simply false and no null checks are needed per observation.
 */
export interface CompiledThresholds {
  warnHigh: number;
  critHigh: number;
  warnLow: number;
  critLow: number;
  /** Value at or below which a high-side alert has cleared (first high threshold minus the hysteresis band). */
  clearHigh: number;
  /** Value at or above which a low-side alert has cleared. */
  clearLow: number;
}

function usesHigh(def: IndicatorDefinition): boolean {
  return def.direction === 'up' || def.direction === 'both';
}

function usesLow(def: IndicatorDefinition): boolean {
  return def.direction === 'down' || def.direction === 'both';
}

function finiteOr(v: number | null, fallback: number): number {
  return v !== null && Number.isFinite(v) ? v : fallback;
}

/**
 * Hysteresis band for one threshold. The normal range width is preferred because it
 * is the scale on which the indicator moves; |threshold| is the fallback, and a zero
 * threshold without a range has no band (the for-duration and minimum firing time
 * still damp flapping there).
 */
export function hysteresisBand(def: IndicatorDefinition, threshold: number, fraction: number): number {
  const { normalMin, normalMax } = def;
  if (normalMin !== null && normalMax !== null && normalMax > normalMin) {
    return fraction * (normalMax - normalMin);
  }
  return fraction * Math.abs(threshold);
}

export function compileThresholds(def: IndicatorDefinition, hysteresisFraction: number): CompiledThresholds {
  const high = usesHigh(def);
  const low = usesLow(def);
  const warnHigh = high ? finiteOr(def.warningHigh, Infinity) : Infinity;
  const critHigh = high ? finiteOr(def.criticalHigh, Infinity) : Infinity;
  const warnLow = low ? finiteOr(def.warningLow, -Infinity) : -Infinity;
  const critLow = low ? finiteOr(def.criticalLow, -Infinity) : -Infinity;
  // An alert raised on either threshold of a side clears against the innermost one:
  // a critical alert that falls back into the warning zone is still an alert.
  const firstHigh = Math.min(warnHigh, critHigh);
  const firstLow = Math.max(warnLow, critLow);
  const clearHigh = Number.isFinite(firstHigh)
    ? firstHigh - hysteresisBand(def, firstHigh, hysteresisFraction)
    : Infinity;
  const clearLow = Number.isFinite(firstLow)
    ? firstLow + hysteresisBand(def, firstLow, hysteresisFraction)
    : -Infinity;
  return { warnHigh, critHigh, warnLow, critLow, clearHigh, clearLow };
}

/** Level of a value without hysteresis: 0 normal, 1 warning, 2 critical. Thresholds are inclusive. */
export function levelOf(t: CompiledThresholds, value: number): number {
  if (value >= t.critHigh || value <= t.critLow) return LEVEL_CRITICAL;
  if (value >= t.warnHigh || value <= t.warnLow) return LEVEL_WARNING;
  return LEVEL_NORMAL;
}

/** True while an active threshold alert has not yet cleared by the hysteresis band. */
export function stillBreaching(t: CompiledThresholds, value: number): boolean {
  return value > t.clearHigh || value < t.clearLow;
}

/**
 * Classifies a value against the definition's static thresholds, without hysteresis
 * or for-duration. Only the side(s) named by `direction` are considered; thresholds
 * are inclusive (a value equal to the critical threshold is critical).
 */
export function classifyValue(def: IndicatorDefinition, value: number): ValueClass {
  if (!Number.isFinite(value)) return 'normal';
  const high = usesHigh(def);
  const low = usesLow(def);
  if (high && def.criticalHigh !== null && value >= def.criticalHigh) return 'critical';
  if (low && def.criticalLow !== null && value <= def.criticalLow) return 'critical';
  if (high && def.warningHigh !== null && value >= def.warningHigh) return 'warning';
  if (low && def.warningLow !== null && value <= def.warningLow) return 'warning';
  return 'normal';
}
