// Validation of one indicator definition, whatever its source (code, CSV, JSON).

import type { Aggregation, Direction, IndicatorDefinition, OrgLevel } from '../types.js';

export interface FieldError {
  field: string;
  reason: string;
}

/** The fields of an indicator definition, in canonical (export) order. */
export const DEFINITION_FIELDS = [
  'code',
  'category',
  'nameZh',
  'nameEn',
  'unit',
  'frequencySeconds',
  'aggregation',
  'department',
  'orgLevels',
  'normalMin',
  'normalMax',
  'direction',
  'warningLow',
  'warningHigh',
  'criticalLow',
  'criticalHigh',
  'definitionZh',
  'definitionEn',
] as const satisfies readonly (keyof IndicatorDefinition)[];

export type DefinitionField = (typeof DEFINITION_FIELDS)[number];

export const NULLABLE_FIELDS: ReadonlySet<string> = new Set([
  'normalMin',
  'normalMax',
  'warningLow',
  'warningHigh',
  'criticalLow',
  'criticalHigh',
]);

export const AGGREGATIONS: readonly Aggregation[] = ['sum', 'avg', 'min', 'max', 'last'];
export const DIRECTIONS: readonly Direction[] = ['up', 'down', 'both'];
export const ORG_LEVELS: readonly OrgLevel[] = ['city', 'district', 'street', 'committee'];

/** `<CATEGORY>.<MEASURE>`, both parts upper snake case. */
export const CODE_PATTERN = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*\.[A-Z0-9]+(?:_[A-Z0-9]+)*$/;

const FIELD_SET: ReadonlySet<string> = new Set(DEFINITION_FIELDS);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks every field of a raw definition. Returns the normalised definition
 * (own fields only, canonical order) when there are no errors.
 */
export function validateDefinition(
  raw: unknown,
  knownCategories: Set<string>,
  knownDepartments?: Set<string>,
): { definition?: IndicatorDefinition; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const fail = (field: string, reason: string): void => {
    errors.push({ field, reason });
  };

  if (!isRecord(raw)) {
    return { errors: [{ field: 'record', reason: 'definition must be an object' }] };
  }

  for (const key of Object.keys(raw)) {
    if (!FIELD_SET.has(key)) fail(key, `unknown field "${key}"`);
  }

  const text = (field: DefinitionField): string | undefined => {
    const v = raw[field];
    if (v === undefined || v === null) {
      fail(field, `${field} is required`);
      return undefined;
    }
    if (typeof v !== 'string') {
      fail(field, `${field} must be a string`);
      return undefined;
    }
    if (v.trim() === '') {
      fail(field, `${field} must not be empty`);
      return undefined;
    }
    return v;
  };

  const nullableNumber = (field: DefinitionField): number | null | undefined => {
    if (!(field in raw) || raw[field] === undefined) {
      fail(field, `${field} is required (use null when not applicable)`);
      return undefined;
    }
    const v = raw[field];
    if (v === null) return null;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      fail(field, `${field} must be a finite number or null`);
      return undefined;
    }
    return v;
  };

  // code and category
  const code = text('code');
  if (code !== undefined && !CODE_PATTERN.test(code)) {
    fail('code', 'code must be <CATEGORY>.<MEASURE> in upper snake case, e.g. AIR_QUALITY.PM25');
  }
  const category = text('category');
  if (category !== undefined && !knownCategories.has(category)) {
    fail('category', `unknown category "${category}"`);
  }
  // The prefix is only compared with a known category; an unknown category is reported once, above.
  if (code !== undefined && category !== undefined && knownCategories.has(category) && CODE_PATTERN.test(code)) {
    const prefix = code.slice(0, code.indexOf('.'));
    if (prefix !== category.toUpperCase()) {
      fail('code', `code prefix "${prefix}" does not match category "${category}" (expected ${category.toUpperCase()})`);
    }
  }

  // names, unit, definitions
  const nameZh = text('nameZh');
  const nameEn = text('nameEn');
  const unit = text('unit');
  const definitionZh = text('definitionZh');
  const definitionEn = text('definitionEn');

  // frequency
  let frequencySeconds: number | undefined;
  {
    const v = raw.frequencySeconds;
    if (v === undefined || v === null) fail('frequencySeconds', 'frequencySeconds is required');
    else if (typeof v !== 'number' || !Number.isFinite(v)) fail('frequencySeconds', 'frequencySeconds must be a finite number');
    else if (!Number.isInteger(v) || v <= 0) fail('frequencySeconds', 'frequencySeconds must be a positive integer number of seconds');
    else frequencySeconds = v;
  }

  // aggregation and direction
  let aggregation: Aggregation | undefined;
  {
    const v = raw.aggregation;
    if (v === undefined || v === null) fail('aggregation', 'aggregation is required');
    else if (typeof v !== 'string' || !(AGGREGATIONS as readonly string[]).includes(v)) {
      fail('aggregation', `aggregation must be one of ${AGGREGATIONS.join(', ')}`);
    } else aggregation = v as Aggregation;
  }
  let direction: Direction | undefined;
  {
    const v = raw.direction;
    if (v === undefined || v === null) fail('direction', 'direction is required');
    else if (typeof v !== 'string' || !(DIRECTIONS as readonly string[]).includes(v)) {
      fail('direction', `direction must be one of ${DIRECTIONS.join(', ')}`);
    } else direction = v as Direction;
  }

  // department
  const department = text('department');
  if (department !== undefined && knownDepartments !== undefined && !knownDepartments.has(department)) {
    fail('department', `unknown department "${department}"`);
  }

  // org levels
  let orgLevels: OrgLevel[] | undefined;
  {
    const v = raw.orgLevels;
    if (v === undefined || v === null) fail('orgLevels', 'orgLevels is required');
    else if (!Array.isArray(v)) fail('orgLevels', 'orgLevels must be a list of org levels');
    else if (v.length === 0) fail('orgLevels', 'orgLevels must not be empty');
    else {
      const seen = new Set<string>();
      let ok = true;
      for (const level of v) {
        if (typeof level !== 'string' || !(ORG_LEVELS as readonly string[]).includes(level)) {
          fail('orgLevels', `unknown org level "${String(level)}" (allowed: ${ORG_LEVELS.join(', ')})`);
          ok = false;
        } else if (seen.has(level)) {
          fail('orgLevels', `org level "${level}" is listed twice`);
          ok = false;
        } else seen.add(level);
      }
      if (ok) orgLevels = [...(v as OrgLevel[])];
    }
  }

  // ranges and thresholds
  const normalMin = nullableNumber('normalMin');
  const normalMax = nullableNumber('normalMax');
  const warningLow = nullableNumber('warningLow');
  const warningHigh = nullableNumber('warningHigh');
  const criticalLow = nullableNumber('criticalLow');
  const criticalHigh = nullableNumber('criticalHigh');

  const isNum = (v: number | null | undefined): v is number => typeof v === 'number';

  if (isNum(normalMin) && isNum(normalMax) && normalMin > normalMax) {
    fail('normalMin', 'normalMin must not exceed normalMax');
  }

  if (direction !== undefined) {
    const needs = (field: DefinitionField, v: number | null | undefined): void => {
      if (v === null) fail(field, `${field} is required when direction is ${direction}`);
    };
    const forbids = (field: DefinitionField, v: number | null | undefined): void => {
      if (isNum(v)) fail(field, `${field} must be empty when direction is ${direction}`);
    };
    const below = (a: DefinitionField, av: number | null | undefined, b: DefinitionField, bv: number | null | undefined): void => {
      if (isNum(av) && isNum(bv) && !(av < bv)) fail(a, `${a} must be below ${b}`);
    };
    const notAbove = (a: DefinitionField, av: number | null | undefined, b: DefinitionField, bv: number | null | undefined): void => {
      if (isNum(av) && isNum(bv) && av > bv) fail(a, `${a} must not exceed ${b}`);
    };
    const notBelow = (a: DefinitionField, av: number | null | undefined, b: DefinitionField, bv: number | null | undefined): void => {
      if (isNum(av) && isNum(bv) && av < bv) fail(a, `${a} must not be below ${b}`);
    };

    if (direction === 'up' || direction === 'both') {
      needs('warningHigh', warningHigh);
      needs('criticalHigh', criticalHigh);
      below('warningHigh', warningHigh, 'criticalHigh', criticalHigh);
      notAbove('normalMax', normalMax, 'warningHigh', warningHigh);
      notAbove('normalMin', normalMin, 'warningHigh', warningHigh);
    }
    if (direction === 'down' || direction === 'both') {
      needs('warningLow', warningLow);
      needs('criticalLow', criticalLow);
      below('criticalLow', criticalLow, 'warningLow', warningLow);
      notBelow('normalMin', normalMin, 'warningLow', warningLow);
      notBelow('normalMax', normalMax, 'warningLow', warningLow);
    }
    if (direction === 'up') {
      forbids('warningLow', warningLow);
      forbids('criticalLow', criticalLow);
    }
    if (direction === 'down') {
      forbids('warningHigh', warningHigh);
      forbids('criticalHigh', criticalHigh);
    }
    if (direction === 'both') {
      below('warningLow', warningLow, 'warningHigh', warningHigh);
    }
  }

  if (errors.length > 0) return { errors };

  const definition: IndicatorDefinition = {
    code: code!,
    category: category!,
    nameZh: nameZh!,
    nameEn: nameEn!,
    unit: unit!,
    frequencySeconds: frequencySeconds!,
    aggregation: aggregation!,
    department: department!,
    orgLevels: orgLevels!,
    normalMin: normalMin as number | null,
    normalMax: normalMax as number | null,
    direction: direction!,
    warningLow: warningLow as number | null,
    warningHigh: warningHigh as number | null,
    criticalLow: criticalLow as number | null,
    criticalHigh: criticalHigh as number | null,
    definitionZh: definitionZh!,
    definitionEn: definitionEn!,
  };
  return { definition, errors };
}
