// Short English alert messages. Built only when a transition happens, never per observation.

import { BARE_UNITS } from '@citypulse/contracts';
import type { IndicatorDefinition } from '../types.js';
import type { CompiledThresholds } from './classify.js';

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 100) return String(Number(v.toFixed(1)));
  if (a >= 1) return String(Number(v.toFixed(2)));
  return String(Number(v.toPrecision(3)));
}

/** "180 μg/m³", "45%", and bare numbers for counts, indices and ratios, which read better without a unit. */
export function withUnit(v: number, unit: string): string {
  const n = formatNumber(v);
  if (BARE_UNITS.has(unit)) return n;
  if (unit === '%') return `${n}%`;
  return `${n} ${unit}`;
}

function formatDuration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${formatNumber(seconds / 3600)} h`;
}

function relation(value: number, threshold: number, high: boolean): string {
  if (value === threshold) return 'at';
  return high ? 'above' : 'below';
}

export function thresholdMessage(def: IndicatorDefinition, t: CompiledThresholds, value: number): string {
  const v = withUnit(value, def.unit);
  if (value >= t.critHigh) return `${def.nameEn} ${v} ${relation(value, t.critHigh, true)} critical ${formatNumber(t.critHigh)}`;
  if (value <= t.critLow) return `${def.nameEn} ${v} ${relation(value, t.critLow, false)} critical ${formatNumber(t.critLow)}`;
  if (value >= t.warnHigh) return `${def.nameEn} ${v} ${relation(value, t.warnHigh, true)} warning ${formatNumber(t.warnHigh)}`;
  if (value <= t.warnLow) return `${def.nameEn} ${v} ${relation(value, t.warnLow, false)} warning ${formatNumber(t.warnLow)}`;
  return `${def.nameEn} ${v} near its threshold`;
}

export function thresholdResolvedMessage(def: IndicatorDefinition, value: number | null): string {
  return value === null
    ? `${def.nameEn} back within thresholds`
    : `${def.nameEn} back within thresholds at ${withUnit(value, def.unit)}`;
}

export function rateMessage(def: IndicatorDefinition, perMinute: number, limit: number): string {
  const unit = BARE_UNITS.has(def.unit) ? '' : ` ${def.unit}`;
  const sign = perMinute > 0 ? '+' : '';
  return `${def.nameEn} changing ${sign}${formatNumber(perMinute)}${unit}/min, limit ${formatNumber(limit)}${unit}/min`;
}

export function rateResolvedMessage(def: IndicatorDefinition): string {
  return `${def.nameEn} rate of change back within limit`;
}

export function staleMessage(def: IndicatorDefinition, silentMs: number): string {
  return `${def.nameEn} no data for ${formatDuration(silentMs / 1000)} (expected every ${formatDuration(def.frequencySeconds)})`;
}

export function staleResolvedMessage(def: IndicatorDefinition): string {
  return `${def.nameEn} reporting again`;
}

export function anomalyMessage(def: IndicatorDefinition, value: number, expected: number, z: number): string {
  const dir = z > 0 ? 'unusually high' : 'unusually low';
  const exp = Number.isFinite(expected) ? `, expected about ${withUnit(expected, def.unit)}` : '';
  return `${def.nameEn} ${withUnit(value, def.unit)} ${dir} for this hour (z ${formatNumber(z)}${exp})`;
}

export function anomalyResolvedMessage(def: IndicatorDefinition, value: number | null): string {
  return value === null
    ? `${def.nameEn} back to its usual range`
    : `${def.nameEn} back to its usual range at ${withUnit(value, def.unit)}`;
}

export function retiredMessage(def: IndicatorDefinition | undefined, indicator: string): string {
  return `${def ? def.nameEn : indicator} no longer monitored`;
}
