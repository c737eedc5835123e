import { describe, expect, it } from 'vitest';
import { categories } from './categories.js';
import { departments } from './departments.js';
import { demoCatalogue } from './index.js';
import { validateDefinition } from './validate.js';

const categoryCodes = new Set(categories.map((c) => c.code));
const departmentCodes = new Set(departments.map((d) => d.code));

describe('categories', () => {
  it('has exactly 32 categories with unique lower snake case codes', () => {
    expect(categories).toHaveLength(32);
    expect(categoryCodes.size).toBe(32);
    for (const c of categories) {
      expect(c.code).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
      expect(c.nameZh.trim()).not.toBe('');
      expect(c.nameEn.trim()).not.toBe('');
      expect(c.weight).toBeGreaterThan(0);
    }
  });

  it('covers all three arrows', () => {
    expect(new Set(categories.map((c) => c.arrow))).toEqual(new Set(['economy', 'life', 'governance']));
  });

  it('weighs safety-critical governance categories highest', () => {
    const weightOf = (code: string) => categories.find((c) => c.code === code)?.weight;
    for (const code of ['public_safety', 'emergency_response', 'fire_safety', 'gas_supply', 'lifts']) {
      expect(weightOf(code)).toBe(3);
    }
  });

  it('has unique category names', () => {
    expect(new Set(categories.map((c) => c.nameZh)).size).toBe(32);
    expect(new Set(categories.map((c) => c.nameEn)).size).toBe(32);
  });
});

describe('departments', () => {
  it('has about 25 departments with unique codes and names', () => {
    expect(departments.length).toBeGreaterThanOrEqual(20);
    expect(departments.length).toBeLessThanOrEqual(35);
    expect(departmentCodes.size).toBe(departments.length);
    expect(new Set(departments.map((d) => d.nameZh)).size).toBe(departments.length);
    for (const d of departments) expect(d.code).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
  });
});

describe('demo catalogue', () => {
  const defs = demoCatalogue();

  it('has at least 1,000 indicators with unique codes', () => {
    expect(defs.length).toBeGreaterThanOrEqual(1_000);
    expect(new Set(defs.map((d) => d.code)).size).toBe(defs.length);
  });

  it('gives every category at least 15 indicators', () => {
    const counts = new Map<string, number>();
    for (const d of defs) counts.set(d.category, (counts.get(d.category) ?? 0) + 1);
    for (const c of categories) expect(counts.get(c.code) ?? 0, c.code).toBeGreaterThanOrEqual(15);
  });

  it('passes validation for every definition', () => {
    const failures = defs
      .map((d) => ({ code: d.code, errors: validateDefinition(d, categoryCodes, departmentCodes).errors }))
      .filter((f) => f.errors.length > 0);
    expect(failures).toEqual([]);
  });

  it('never reuses an English or Chinese name', () => {
    const dupes = (names: string[]) => names.filter((n, i) => names.indexOf(n) !== i);
    expect(dupes(defs.map((d) => d.nameEn.toLowerCase()))).toEqual([]);
    expect(dupes(defs.map((d) => d.nameZh))).toEqual([]);
  });

  it('prefixes every code with its category', () => {
    for (const d of defs) expect(d.code.startsWith(`${d.category.toUpperCase()}.`), d.code).toBe(true);
  });

  it('uses known departments, distinct definitions and sensible frequencies', () => {
    for (const d of defs) {
      expect(departmentCodes.has(d.department), d.code).toBe(true);
      expect(d.definitionZh).not.toBe(d.nameZh);
      expect(d.definitionEn).not.toBe(d.nameEn);
      expect(d.frequencySeconds).toBeGreaterThanOrEqual(60);
    }
    expect(new Set(defs.map((d) => d.definitionEn)).size).toBeGreaterThan(defs.length * 0.95);
  });

  it('keeps the normal range inside the warning band', () => {
    for (const d of defs) {
      if (d.normalMin !== null && d.normalMax !== null) expect(d.normalMin).toBeLessThanOrEqual(d.normalMax);
      if (d.warningHigh !== null && d.normalMax !== null) expect(d.normalMax, d.code).toBeLessThanOrEqual(d.warningHigh);
      if (d.warningLow !== null && d.normalMin !== null) expect(d.normalMin, d.code).toBeGreaterThanOrEqual(d.warningLow);
    }
  });

  it('returns fresh copies', () => {
    const a = demoCatalogue();
    a[0]!.orgLevels.push('committee');
    a[0]!.nameEn = 'changed';
    const b = demoCatalogue();
    expect(b[0]!.nameEn).not.toBe('changed');
    expect(b[0]!.orgLevels).toEqual(defs[0]!.orgLevels);
  });
});
