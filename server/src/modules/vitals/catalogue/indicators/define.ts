// Compact authoring helpers: each category is written as a list of rows that
// expand into full `IndicatorDefinition`s.

import type { Aggregation, Direction, IndicatorDefinition, OrgLevel } from '../../types.js';

/** Reporting intervals, in seconds. Calendar periods use fixed lengths. */
export const MIN = 60;
export const MIN5 = 300;
export const MIN15 = 900;
export const HOUR = 3600;
export const DAY = 86_400;
export const WEEK = 604_800;
/** A month is counted as 30 days. */
export const MONTH = 2_592_000;
/** A quarter is counted as 90 days. */
export const QUARTER = 7_776_000;
/** A year is counted as 365 days. */
export const YEAR = 31_536_000;

/** Org levels shorthand: c = city, d = district, s = street (街镇), k = committee (居村委). */
export type Levels = 'c' | 'cd' | 'cds' | 'cdsk' | 'ds' | 'dsk';

const LEVELS: Record<Levels, OrgLevel[]> = {
  c: ['city'],
  cd: ['city', 'district'],
  cds: ['city', 'district', 'street'],
  cdsk: ['city', 'district', 'street', 'committee'],
  ds: ['district', 'street'],
  dsk: ['district', 'street', 'committee'],
};

export interface Band {
  direction: Direction;
  normalMin: number;
  normalMax: number;
  warningLow: number | null;
  warningHigh: number | null;
  criticalLow: number | null;
  criticalHigh: number | null;
}

/** Higher is worse: normal range, then the warning and critical ceilings. */
export function up(normalMin: number, normalMax: number, warningHigh: number, criticalHigh: number): Band {
  return { direction: 'up', normalMin, normalMax, warningLow: null, warningHigh, criticalLow: null, criticalHigh };
}

/** Lower is worse: normal range, then the warning and critical floors. */
export function down(normalMin: number, normalMax: number, warningLow: number, criticalLow: number): Band {
  return { direction: 'down', normalMin, normalMax, warningLow, warningHigh: null, criticalLow, criticalHigh: null };
}

/** Both sides are bad: thresholds and normal range in ascending order. */
export function both(
  criticalLow: number,
  warningLow: number,
  normalMin: number,
  normalMax: number,
  warningHigh: number,
  criticalHigh: number,
): Band {
  return { direction: 'both', normalMin, normalMax, warningLow, warningHigh, criticalLow, criticalHigh };
}

/**
 * One indicator: measure code, zh name, en name, unit, frequency (s),
 * aggregation, org levels, band, zh definition, en definition, and
 * optionally the owning department when it differs from the category default.
 */
export type Row = [
  measure: string,
  nameZh: string,
  nameEn: string,
  unit: string,
  frequencySeconds: number,
  aggregation: Aggregation,
  levels: Levels,
  band: Band,
  definitionZh: string,
  definitionEn: string,
  department?: string,
];

/** Expands the rows of one category into indicator definitions. */
export function defineCategory(category: string, defaultDepartment: string, rows: Row[]): IndicatorDefinition[] {
  const prefix = category.toUpperCase();
  return rows.map(([measure, nameZh, nameEn, unit, frequencySeconds, aggregation, levels, band, definitionZh, definitionEn, department]) => ({
    code: `${prefix}.${measure}`,
    category,
    nameZh,
    nameEn,
    unit,
    frequencySeconds,
    aggregation,
    department: department ?? defaultDepartment,
    orgLevels: [...LEVELS[levels]],
    normalMin: band.normalMin,
    normalMax: band.normalMax,
    direction: band.direction,
    warningLow: band.warningLow,
    warningHigh: band.warningHigh,
    criticalLow: band.criticalLow,
    criticalHigh: band.criticalHigh,
    definitionZh,
    definitionEn,
  }));
}
