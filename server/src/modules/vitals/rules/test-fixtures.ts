// Shared fixtures for the rule engine tests.

import type { IndicatorDefinition } from '../types.js';
import type { AlertTransition } from './types.js';

/** PM2.5: up direction, warning 115, critical 150, normal 0-75 (hysteresis band 3.75 at 5 %). */
export function pm25(over: Partial<IndicatorDefinition> = {}): IndicatorDefinition {
  return {
    code: 'AIR_QUALITY.PM25',
    category: 'air_quality',
    nameZh: 'PM2.5浓度',
    nameEn: 'PM2.5 concentration',
    unit: 'μg/m³',
    frequencySeconds: 300,
    aggregation: 'avg',
    department: 'ecology',
    orgLevels: ['city', 'district'],
    normalMin: 0,
    normalMax: 75,
    direction: 'up',
    warningLow: null,
    warningHigh: 115,
    criticalLow: null,
    criticalHigh: 150,
    definitionZh: '细颗粒物小时平均浓度',
    definitionEn: 'Hourly mean concentration of fine particulate matter',
    ...over,
  };
}

/** Deterministic uniform [0, 1) generator (LCG), so statistical tests are reproducible. */
export function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
}

/** Deterministic standard normal generator (Box-Muller over `uniform`). */
export function gaussian(seed: number): () => number {
  const u = uniform(seed);
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

/** Compact view of transitions for assertions. */
export function brief(ts: AlertTransition[]): string[] {
  return ts.map((t) => `${t.rule}:${t.kind}:${t.severity}@${t.ts}`);
}

export const MIN = 60_000;
export const HOUR = 3_600_000;
