import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import type { IndicatorDefinition } from '../types.js';
import { categories } from './categories.js';
import { catalogueToCsv, parseCatalogueCsv } from './csv.js';
import { departments } from './departments.js';
import { demoCatalogue } from './index.js';
import { DEFINITION_FIELDS } from './validate.js';

const cats = new Set(categories.map((c) => c.code));
const depts = new Set(departments.map((d) => d.code));
const demo = demoCatalogue();
const byCode = (code: string): IndicatorDefinition => {
  const d = demo.find((x) => x.code === code);
  if (!d) throw new Error(`no ${code}`);
  return d;
};

type Row = Record<string, string>;

/** A definition as CSV cells. */
function rowOf(d: IndicatorDefinition): Row {
  const row: Row = {};
  for (const f of DEFINITION_FIELDS) {
    const v = d[f];
    row[f] = v === null ? '' : Array.isArray(v) ? v.join('|') : String(v);
  }
  return row;
}

function csvOf(rows: Row[], columns: string[] = [...DEFINITION_FIELDS]): string {
  return stringify(
    rows.map((r) => columns.map((c) => r[c] ?? '')),
    { header: true, columns },
  );
}

const pm25 = rowOf(byCode('AIR_QUALITY.PM25'));
const no2 = rowOf(byCode('AIR_QUALITY.NO2'));
const pressure = rowOf(byCode('WATER_SUPPLY.NETWORK_PRESSURE'));
const reservoir = rowOf(byCode('WATER_SUPPLY.RESERVOIR_STORAGE'));

describe('catalogueToCsv', () => {
  it('writes a header of the definition fields, joins orgLevels with | and leaves nulls empty', () => {
    const text = catalogueToCsv([byCode('AIR_QUALITY.PM25')]);
    const [header, line] = text.trimEnd().split('\n');
    expect(header).toBe(DEFINITION_FIELDS.join(','));
    expect(line).toContain(',city|district|street,');
    expect(line).toContain(',up,,75,,150,');
  });

  it('writes only a header for an empty catalogue', () => {
    expect(catalogueToCsv([]).trimEnd()).toBe(DEFINITION_FIELDS.join(','));
  });
});

describe('parseCatalogueCsv', () => {
  it('round-trips the whole demo catalogue', () => {
    const result = parseCatalogueCsv(catalogueToCsv(demo), cats, depts);
    expect(result.errors).toEqual([]);
    expect(result.definitions).toEqual(demo);
  });

  it('accepts columns in any order, a BOM, CRLF line ends and blank lines', () => {
    const columns = [...DEFINITION_FIELDS].reverse();
    const text = `\ufeff${csvOf([pm25, pressure], columns).replace(/\n/g, '\r\n')}\r\n\r\n`;
    const result = parseCatalogueCsv(text, cats, depts);
    expect(result.errors).toEqual([]);
    expect(result.definitions.map((d) => d.code)).toEqual(['AIR_QUALITY.PM25', 'WATER_SUPPLY.NETWORK_PRESSURE']);
  });

  it('reports each missing required column at line 1 and parses nothing', () => {
    const columns = DEFINITION_FIELDS.filter((f) => f !== 'unit' && f !== 'criticalLow');
    const result = parseCatalogueCsv(csvOf([pm25], columns), cats, depts);
    expect(result.definitions).toEqual([]);
    expect(result.errors).toEqual([
      { line: 1, field: 'unit', reason: 'missing required column "unit"' },
      { line: 1, field: 'criticalLow', reason: 'missing required column "criticalLow"' },
    ]);
  });

  it('reports every column as missing for an empty file', () => {
    const result = parseCatalogueCsv('', cats, depts);
    expect(result.definitions).toEqual([]);
    expect(result.errors).toHaveLength(DEFINITION_FIELDS.length);
    expect(result.errors.every((e) => e.line === 1)).toBe(true);
  });

  it('checks the header of a file without data rows', () => {
    const header = DEFINITION_FIELDS.filter((f) => f !== 'direction').join(',');
    const result = parseCatalogueCsv(`${header}\n`, cats, depts);
    expect(result.errors).toEqual([{ line: 1, field: 'direction', reason: 'missing required column "direction"' }]);
    expect(parseCatalogueCsv(`${DEFINITION_FIELDS.join(',')}\n`, cats, depts)).toEqual({ definitions: [], errors: [] });
  });

  it('reports unknown columns at line 1', () => {
    const rows = [{ ...pm25, colour: 'red' }];
    const result = parseCatalogueCsv(csvOf(rows, [...DEFINITION_FIELDS, 'colour']), cats, depts);
    expect(result.errors).toEqual([{ line: 1, field: 'colour', reason: 'unknown column "colour"' }]);
  });

  it('parses numbers strictly', () => {
    const result = parseCatalogueCsv(csvOf([pm25, { ...no2, criticalHigh: '12abc' }, pressure]), cats, depts);
    expect(result.errors).toEqual([{ line: 3, field: 'criticalHigh', reason: 'criticalHigh "12abc" is not a number' }]);
    expect(result.definitions.map((d) => d.code)).toEqual(['AIR_QUALITY.PM25', 'WATER_SUPPLY.NETWORK_PRESSURE']);
  });

  it.each([
    ['frequencySeconds', '1e3x'],
    ['normalMax', '0x10'],
    ['warningHigh', '7 5'],
    ['normalMin', 'NaN'],
    ['warningHigh', 'Infinity'],
    ['criticalHigh', '--1'],
  ])('rejects %s = %j', (field, cell) => {
    const result = parseCatalogueCsv(csvOf([pm25, { ...no2, [field]: cell }]), cats, depts);
    expect(result.errors.map((e) => [e.line, e.field])).toEqual([[3, field]]);
  });

  it('accepts signs, decimals and exponents, and treats empty nullable cells as null', () => {
    const row = { ...pm25, normalMin: '-0', normalMax: '3.5e1', warningHigh: '+75', criticalHigh: ' 150 ' };
    const result = parseCatalogueCsv(csvOf([row]), cats, depts);
    expect(result.errors).toEqual([]);
    expect(result.definitions[0]).toMatchObject({ normalMin: -0, normalMax: 35, warningHigh: 75, criticalHigh: 150, warningLow: null });
  });

  it('requires frequencySeconds', () => {
    const result = parseCatalogueCsv(csvOf([{ ...pm25, frequencySeconds: '' }]), cats, depts);
    expect(result.errors).toEqual([{ line: 2, field: 'frequencySeconds', reason: 'frequencySeconds is required' }]);
  });

  it('reports an unknown category with its line', () => {
    const rows = [pm25, no2, { ...pressure, category: 'moon_base' }];
    const result = parseCatalogueCsv(csvOf(rows), cats, depts);
    expect(result.errors).toEqual([{ line: 4, field: 'category', reason: 'unknown category "moon_base"' }]);
    expect(result.definitions).toHaveLength(2);
  });

  it('reports a bad threshold order with its line', () => {
    const rows = [pm25, { ...no2, warningHigh: '800' }];
    const result = parseCatalogueCsv(csvOf(rows), cats, depts);
    expect(result.errors).toEqual([{ line: 3, field: 'warningHigh', reason: 'warningHigh must be below criticalHigh' }]);
  });

  it('reports a threshold set on the wrong side for the direction', () => {
    const rows = [{ ...reservoir, warningHigh: '99' }];
    const result = parseCatalogueCsv(csvOf(rows), cats, depts);
    expect(result.errors).toEqual([{ line: 2, field: 'warningHigh', reason: 'warningHigh must be empty when direction is down' }]);
  });

  it('reports a duplicate code on the later line, naming the first', () => {
    const rows = [pm25, no2, pressure, { ...pm25, nameEn: 'PM2.5 again' }];
    const result = parseCatalogueCsv(csvOf(rows), cats, depts);
    expect(result.errors).toEqual([
      { line: 5, field: 'code', reason: 'duplicate code "AIR_QUALITY.PM25" (first defined on line 2)' },
    ]);
    expect(result.definitions.map((d) => d.code)).toEqual(['AIR_QUALITY.PM25', 'AIR_QUALITY.NO2', 'WATER_SUPPLY.NETWORK_PRESSURE']);
  });

  it('reports bad org levels and unknown departments', () => {
    const rows = [{ ...pm25, orgLevels: 'city|province' }, { ...no2, orgLevels: '' }, { ...pressure, department: 'nobody' }];
    const result = parseCatalogueCsv(csvOf(rows), cats, depts);
    expect(result.errors.map((e) => [e.line, e.field])).toEqual([
      [2, 'orgLevels'],
      [3, 'orgLevels'],
      [4, 'department'],
    ]);
  });

  it('counts physical lines when a quoted cell spans several lines', () => {
    const rows = [{ ...pm25, definitionEn: 'first line\nsecond line' }, no2, { ...pressure, category: 'moon_base' }];
    const result = parseCatalogueCsv(csvOf(rows), cats, depts);
    expect(result.errors).toEqual([{ line: 5, field: 'category', reason: 'unknown category "moon_base"' }]);
    expect(result.definitions[0]!.definitionEn).toBe('first line\nsecond line');
  });

  it('reports a row with the wrong number of cells', () => {
    const text = `${csvOf([pm25])}a,b,c\n`;
    const result = parseCatalogueCsv(text, cats, depts);
    expect(result.errors.map((e) => [e.line, e.field])).toEqual([[3, 'record']]);
    expect(result.definitions).toHaveLength(1);
  });

  it('reports malformed CSV as one error', () => {
    const text = `${csvOf([pm25])}"AIR_QUALITY.X,air_quality\n`;
    const result = parseCatalogueCsv(text, cats, depts);
    expect(result.definitions).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]!.field).toBe('record');
    expect(result.errors[0]!.reason).toMatch(/^malformed CSV/);
  });

  it('works without a department list', () => {
    const result = parseCatalogueCsv(csvOf([{ ...pm25, department: 'any_owner' }]), cats);
    expect(result.errors).toEqual([]);
    expect(result.definitions[0]!.department).toBe('any_owner');
  });
});
