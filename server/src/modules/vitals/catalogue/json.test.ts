import { describe, expect, it } from 'vitest';
import { categories } from './categories.js';
import { departments } from './departments.js';
import { demoCatalogue } from './index.js';
import { catalogueToJson, parseCatalogueJson } from './json.js';

const cats = new Set(categories.map((c) => c.code));
const depts = new Set(departments.map((d) => d.code));
const demo = demoCatalogue();

describe('JSON import/export', () => {
  it('round-trips the whole demo catalogue', () => {
    const result = parseCatalogueJson(catalogueToJson(demo), cats, depts);
    expect(result.errors).toEqual([]);
    expect(result.definitions).toEqual(demo);
  });

  it('keeps nulls as JSON null', () => {
    const [first] = JSON.parse(catalogueToJson(demo.slice(0, 1))) as Record<string, unknown>[];
    expect(Object.keys(first!)).toContain('warningLow');
    expect(first!.warningLow === null || typeof first!.warningLow === 'number').toBe(true);
  });

  it('reports malformed JSON as one body error', () => {
    const result = parseCatalogueJson('[{"code": ', cats, depts);
    expect(result.definitions).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ line: 0, field: 'body' });
    expect(result.errors[0]!.reason).toMatch(/^malformed JSON/);
  });

  it('requires an array', () => {
    const result = parseCatalogueJson('{"indicators": []}', cats, depts);
    expect(result.errors).toEqual([
      { line: 0, field: 'body', reason: 'the document must be an array of indicator definitions' },
    ]);
  });

  it('reports element errors by 1-based array index', () => {
    const [a, b, c] = demo;
    const items = [a, { ...b, category: 'moon_base' }, { ...c, frequencySeconds: '60' }, 42];
    const result = parseCatalogueJson(JSON.stringify(items), cats, depts);
    expect(result.errors.map((e) => [e.line, e.field])).toEqual([
      [2, 'category'],
      [3, 'frequencySeconds'],
      [4, 'record'],
    ]);
    expect(result.definitions).toEqual([a]);
  });

  it('reports duplicate codes naming the first element', () => {
    const [a, b] = demo;
    const result = parseCatalogueJson(JSON.stringify([a, b, a]), cats, depts);
    expect(result.errors).toEqual([
      { line: 3, field: 'code', reason: `duplicate code "${a!.code}" (first defined at element 1)` },
    ]);
    expect(result.definitions).toHaveLength(2);
  });

  it('reports a bad threshold order', () => {
    const pm25 = demo.find((d) => d.code === 'AIR_QUALITY.PM25')!;
    const result = parseCatalogueJson(JSON.stringify([{ ...pm25, warningHigh: 200 }]), cats, depts);
    expect(result.errors).toEqual([{ line: 1, field: 'warningHigh', reason: 'warningHigh must be below criticalHigh' }]);
  });
});
