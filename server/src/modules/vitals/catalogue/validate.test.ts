import { describe, expect, it } from 'vitest';
import type { IndicatorDefinition } from '../types.js';
import { validateDefinition } from './validate.js';

const cats = new Set(['air_quality', 'water_supply']);
const depts = new Set(['ecology_environment', 'water_authority']);

const pm25: IndicatorDefinition = {
  code: 'AIR_QUALITY.PM25',
  category: 'air_quality',
  nameZh: '细颗粒物浓度',
  nameEn: 'PM2.5 concentration',
  unit: 'μg/m³',
  frequencySeconds: 60,
  aggregation: 'avg',
  department: 'ecology_environment',
  orgLevels: ['city', 'district', 'street'],
  normalMin: 0,
  normalMax: 35,
  direction: 'up',
  warningLow: null,
  warningHigh: 75,
  criticalLow: null,
  criticalHigh: 150,
  definitionZh: 'PM2.5实时浓度',
  definitionEn: 'Real-time PM2.5 concentration',
};

const fields = (raw: unknown) => validateDefinition(raw, cats, depts).errors.map((e) => e.field);
const reasons = (raw: unknown) => validateDefinition(raw, cats, depts).errors.map((e) => e.reason);

describe('validateDefinition', () => {
  it('accepts a valid definition and returns a normalised copy', () => {
    const r = validateDefinition(pm25, cats, depts);
    expect(r.errors).toEqual([]);
    expect(r.definition).toEqual(pm25);
    expect(r.definition).not.toBe(pm25);
  });

  it('rejects non-objects', () => {
    expect(fields(null)).toEqual(['record']);
    expect(fields([pm25])).toEqual(['record']);
    expect(fields('x')).toEqual(['record']);
  });

  it('checks the code pattern and its category prefix', () => {
    expect(fields({ ...pm25, code: 'air_quality.pm25' })).toEqual(['code']);
    expect(fields({ ...pm25, code: 'AIR_QUALITY' })).toEqual(['code']);
    expect(fields({ ...pm25, code: 'AIR_QUALITY.PM25 ' })).toEqual(['code']);
    expect(reasons({ ...pm25, code: 'WATER_SUPPLY.PM25' })).toEqual([
      'code prefix "WATER_SUPPLY" does not match category "air_quality" (expected AIR_QUALITY)',
    ]);
  });

  it('checks the category and department are known', () => {
    expect(reasons({ ...pm25, category: 'moon_base' })).toEqual(['unknown category "moon_base"']);
    expect(reasons({ ...pm25, department: 'ministry_of_magic' })).toEqual(['unknown department "ministry_of_magic"']);
    // Without a department list any non-empty department is accepted.
    expect(validateDefinition({ ...pm25, department: 'anything' }, cats).errors).toEqual([]);
  });

  it('requires non-empty names, unit and definitions', () => {
    expect(fields({ ...pm25, nameZh: '  ', nameEn: '', unit: '', definitionZh: '', definitionEn: ' ' })).toEqual([
      'nameZh',
      'nameEn',
      'unit',
      'definitionZh',
      'definitionEn',
    ]);
    expect(reasons({ ...pm25, unit: 5 })).toEqual(['unit must be a string']);
  });

  it('requires a positive integer frequency', () => {
    expect(reasons({ ...pm25, frequencySeconds: 0 })).toEqual(['frequencySeconds must be a positive integer number of seconds']);
    expect(fields({ ...pm25, frequencySeconds: 1.5 })).toEqual(['frequencySeconds']);
    expect(fields({ ...pm25, frequencySeconds: Number.POSITIVE_INFINITY })).toEqual(['frequencySeconds']);
    expect(fields({ ...pm25, frequencySeconds: '60' })).toEqual(['frequencySeconds']);
  });

  it('checks aggregation, direction and org levels', () => {
    expect(reasons({ ...pm25, aggregation: 'median' })).toEqual(['aggregation must be one of sum, avg, min, max, last']);
    expect(fields({ ...pm25, direction: 'sideways' })).toEqual(['direction']);
    expect(reasons({ ...pm25, orgLevels: [] })).toEqual(['orgLevels must not be empty']);
    expect(reasons({ ...pm25, orgLevels: ['city', 'province'] })).toEqual([
      'unknown org level "province" (allowed: city, district, street, committee)',
    ]);
    expect(reasons({ ...pm25, orgLevels: ['city', 'city'] })).toEqual(['org level "city" is listed twice']);
    expect(fields({ ...pm25, orgLevels: 'city' })).toEqual(['orgLevels']);
  });

  it('requires numbers to be finite or null, and present', () => {
    expect(fields({ ...pm25, normalMin: Number.NaN })).toEqual(['normalMin']);
    expect(fields({ ...pm25, criticalHigh: '150' })).toEqual(['criticalHigh']);
    const { warningLow: _omitted, ...missing } = pm25;
    expect(reasons(missing)).toEqual(['warningLow is required (use null when not applicable)']);
  });

  it('orders thresholds for direction up', () => {
    expect(reasons({ ...pm25, warningHigh: 200 })).toEqual(['warningHigh must be below criticalHigh']);
    expect(reasons({ ...pm25, warningHigh: 150 })).toEqual(['warningHigh must be below criticalHigh']);
    expect(reasons({ ...pm25, criticalHigh: null })).toEqual(['criticalHigh is required when direction is up']);
    expect(reasons({ ...pm25, warningLow: 5 })).toEqual(['warningLow must be empty when direction is up']);
    expect(reasons({ ...pm25, normalMax: 80 })).toEqual(['normalMax must not exceed warningHigh']);
  });

  it('orders thresholds for direction down', () => {
    const pressure = {
      ...pm25,
      direction: 'down',
      normalMin: 0.16,
      normalMax: 0.35,
      warningLow: 0.14,
      criticalLow: 0.1,
      warningHigh: null,
      criticalHigh: null,
    };
    expect(fields(pressure)).toEqual([]);
    expect(reasons({ ...pressure, criticalLow: 0.2 })).toEqual(['criticalLow must be below warningLow']);
    expect(reasons({ ...pressure, warningHigh: 1 })).toEqual(['warningHigh must be empty when direction is down']);
    expect(reasons({ ...pressure, normalMin: 0.12 })).toEqual(['normalMin must not be below warningLow']);
  });

  it('orders all four thresholds for direction both', () => {
    const ph = {
      ...pm25,
      direction: 'both',
      normalMin: 6.5,
      normalMax: 8.5,
      criticalLow: 5.5,
      warningLow: 6,
      warningHigh: 9,
      criticalHigh: 9.5,
    };
    expect(fields(ph)).toEqual([]);
    expect(reasons({ ...ph, warningLow: 5 })).toEqual(['criticalLow must be below warningLow']);
    expect(reasons({ ...ph, warningHigh: 10 })).toEqual(['warningHigh must be below criticalHigh']);
    expect(reasons({ ...ph, warningLow: 9, warningHigh: 9, normalMin: 9, normalMax: 9 })).toEqual([
      'warningLow must be below warningHigh',
    ]);
    expect(reasons({ ...ph, criticalLow: null })).toEqual(['criticalLow is required when direction is both']);
  });

  it('checks the normal range itself and rejects unknown fields', () => {
    expect(reasons({ ...pm25, normalMin: 30, normalMax: 10 })).toEqual(['normalMin must not exceed normalMax']);
    expect(reasons({ ...pm25, colour: 'red' })).toEqual(['unknown field "colour"']);
  });
});
