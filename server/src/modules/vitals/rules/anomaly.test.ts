import { describe, expect, it } from 'vitest';
import { RuleEngine } from './engine.js';
import { brief, gaussian, HOUR, pm25 } from './test-fixtures.js';
import type { AlertTransition } from './types.js';

// Electricity load: no static thresholds, so only the anomaly rule can speak.
const LOAD = 'ENERGY.LOAD';
const CITY = '310000';
const def = pm25({
  code: LOAD,
  category: 'energy',
  nameEn: 'Electricity load',
  unit: 'MW',
  frequencySeconds: 3600,
  direction: 'both',
  normalMin: null,
  normalMax: null,
  warningHigh: null,
  criticalHigh: null,
});
const T0 = Date.UTC(2024, 0, 1); // Monday
const NOISE = 2;
const WEEK_HOURS = 168;

/** Daily sine around 100 MW, amplitude 30, Gaussian noise σ = 2, one sample an hour. */
function normalValue(h: number, noise: () => number): number {
  return 100 + 30 * Math.sin((2 * Math.PI * h) / 24) + NOISE * noise();
}

function train(e: RuleEngine, hours: number, noise: () => number, from = 0): AlertTransition[] {
  const out: AlertTransition[] = [];
  for (let h = from; h < from + hours; h++) {
    e.observe(LOAD, CITY, T0 + h * HOUR, normalValue(h, noise));
    out.push(...e.drainTransitions());
  }
  return out;
}

describe('anomaly rule', () => {
  it('stays silent on four weeks of normal data, then catches a spike of 10 × the noise at once and resolves after the return', () => {
    const noise = gaussian(7);
    const e = new RuleEngine([def]);
    expect(train(e, 4 * WEEK_HOURS, noise)).toEqual([]);

    // A fifth week of normal data: still no false positive.
    expect(train(e, WEEK_HOURS, noise, 4 * WEEK_HOURS)).toEqual([]);

    const h = 5 * WEEK_HOURS;
    e.observe(LOAD, CITY, T0 + h * HOUR, normalValue(h, noise) + 10 * NOISE);
    const fired = e.drainTransitions();
    expect(brief(fired)).toEqual([`anomaly:firing:${fired[0]?.severity}@${T0 + h * HOUR}`]);
    expect(fired[0]!.key).toBe(`anomaly:${LOAD}:${CITY}`);
    expect(fired[0]!.message).toMatch(/^Electricity load [\d.]+ MW unusually high for this hour \(z [\d.]+, expected about [\d.]+ MW\)$/);
    expect(e.status(LOAD, CITY).status).toBe('warning');

    e.observe(LOAD, CITY, T0 + (h + 1) * HOUR, normalValue(h + 1, noise));
    expect(e.drainTransitions()).toEqual([]); // one normal value is not enough
    e.observe(LOAD, CITY, T0 + (h + 2) * HOUR, normalValue(h + 2, noise));
    expect(brief(e.drainTransitions())).toEqual([`anomaly:resolved:${fired[0]!.severity}@${T0 + (h + 2) * HOUR}`]);
    expect(e.status(LOAD, CITY).status).toBe('normal');
  });

  it('has a false-positive rate of about zero across seeds', () => {
    let firings = 0;
    let observations = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const e = new RuleEngine([def]);
      firings += train(e, 5 * WEEK_HOURS, gaussian(seed)).filter((t) => t.kind === 'firing').length;
      observations += 5 * WEEK_HOURS;
    }
    expect(firings / observations).toBeLessThan(1e-3);
  });

  it('catches drops as well as rises', () => {
    const noise = gaussian(11);
    const e = new RuleEngine([def]);
    train(e, 4 * WEEK_HOURS, noise);
    const h = 4 * WEEK_HOURS;
    e.observe(LOAD, CITY, T0 + h * HOUR, normalValue(h, noise) - 10 * NOISE);
    expect(e.drainTransitions()).toMatchObject([{ rule: 'anomaly', kind: 'firing', message: expect.stringContaining('unusually low') }]);
  });

  it('is critical above kCritical and escalates within one alert', () => {
    const noise = gaussian(3);
    const e = new RuleEngine([def], { anomaly: { k: 4.5, kCritical: 30 } });
    train(e, 4 * WEEK_HOURS, noise);
    let h = 4 * WEEK_HOURS;
    e.observe(LOAD, CITY, T0 + h * HOUR, normalValue(h, noise) + 10 * NOISE);
    h++;
    e.observe(LOAD, CITY, T0 + h * HOUR, normalValue(h, noise) + 100 * NOISE);
    expect(e.drainTransitions().map((t) => `${t.kind}:${t.severity}`)).toEqual(['firing:warning', 'escalated:critical']);
    expect(e.status(LOAD, CITY).status).toBe('warning'); // anomalies never make a series critical
  });

  it('does not learn an incident as normal: a sustained one stays firing and a later spike still fires', () => {
    const noise = gaussian(5);
    const e = new RuleEngine([def]);
    train(e, 4 * WEEK_HOURS, noise);
    let h = 4 * WEEK_HOURS;
    // A 12-hour incident at +10σ.
    const during: AlertTransition[] = [];
    for (let i = 0; i < 12; i++, h++) {
      e.observe(LOAD, CITY, T0 + h * HOUR, normalValue(h, noise) + 10 * NOISE);
      during.push(...e.drainTransitions());
    }
    // +10σ sits around kCritical = 9, so the alert may escalate, but it fires once and never resolves.
    expect(during.filter((t) => t.kind === 'firing')).toHaveLength(1);
    expect(during.filter((t) => t.kind === 'resolved')).toEqual([]);
    expect(train(e, 2 * 24, noise, h).map((t) => t.kind)).toEqual(['resolved']);
    h += 2 * 24;
    e.observe(LOAD, CITY, T0 + h * HOUR, normalValue(h, noise) + 10 * NOISE);
    expect(e.drainTransitions().map((t) => t.kind)).toEqual(['firing']);
  });

  it('needs minSamples before it judges anything', () => {
    const e = new RuleEngine([def]);
    for (let h = 0; h < 23; h++) e.observe(LOAD, CITY, T0 + h * HOUR, 100 + (h % 2));
    e.observe(LOAD, CITY, T0 + 23 * HOUR, 10_000);
    expect(e.drainTransitions()).toEqual([]);
  });

  it('can be disabled globally or per indicator', () => {
    for (const anomaly of [{ enabled: false }, { exclude: [LOAD] }]) {
      const e = new RuleEngine([def], { anomaly });
      const noise = gaussian(1);
      train(e, 2 * WEEK_HOURS, noise);
      e.observe(LOAD, CITY, T0 + 2 * WEEK_HOURS * HOUR, 1e6);
      expect(e.drainTransitions()).toEqual([]);
      expect(e.exportBaselines().series).toEqual([]);
    }
  });

  it('learns from out-of-order observations without alerting on them', () => {
    const noise = gaussian(9);
    const e = new RuleEngine([def]);
    train(e, 4 * WEEK_HOURS, noise);
    const before = e.baselineSamples(LOAD, CITY);
    e.observe(LOAD, CITY, T0 + 10 * HOUR, 1e6); // late and absurd
    expect(e.drainTransitions()).toEqual([]);
    expect(e.baselineSamples(LOAD, CITY)).toBe(before + 1);
    expect(e.status(LOAD, CITY).status).toBe('normal');
  });
});

describe('baseline export and import', () => {
  it('round-trips through JSON and preserves detection', () => {
    const noise = gaussian(21);
    const a = new RuleEngine([def]);
    train(a, 4 * WEEK_HOURS, noise);
    const json = JSON.stringify(a.exportBaselines());

    const b = new RuleEngine([def]);
    expect(b.importBaselines(JSON.parse(json))).toEqual({ imported: 1, skipped: 0, hoursMoved: 0 });
    expect(JSON.stringify(b.exportBaselines())).toBe(json);

    const h = 4 * WEEK_HOURS;
    b.observe(LOAD, CITY, T0 + h * HOUR, normalValue(h, noise));
    expect(b.drainTransitions()).toEqual([]);
    b.observe(LOAD, CITY, T0 + (h + 1) * HOUR, normalValue(h + 1, noise) + 10 * NOISE);
    expect(b.drainTransitions().map((t) => `${t.rule}:${t.kind}`)).toEqual(['anomaly:firing']);

    // Without the import, the same spike goes unnoticed: the fresh baseline is not trusted yet.
    const c = new RuleEngine([def]);
    c.observe(LOAD, CITY, T0 + h * HOUR, normalValue(h, noise));
    c.observe(LOAD, CITY, T0 + (h + 1) * HOUR, normalValue(h + 1, noise) + 10 * NOISE);
    expect(c.drainTransitions()).toEqual([]);
  });

  it('rejects foreign documents and skips bad entries', () => {
    const a = new RuleEngine([def]);
    train(a, 48, gaussian(2));
    const doc = a.exportBaselines();
    const b = new RuleEngine([def]);
    expect(() => b.importBaselines(null)).toThrow(TypeError);
    expect(() => b.importBaselines({ ...doc, version: 99 })).toThrow(TypeError);
    expect(() => b.importBaselines({ ...doc, buckets: 24 })).toThrow(TypeError);
    expect(() => b.importBaselines({ ...doc, timeZone: 'Mars/Olympus_Mons' })).toThrow(RangeError);
    const good = doc.series[0]!;
    const result = b.importBaselines({
      ...doc,
      series: [good, { ...good, indicator: 'NO.SUCH' }, { ...good, data: 'AAAA' }, { ...good, ref: 'x' }, 42],
    });
    expect(result).toEqual({ imported: 1, skipped: 4, hoursMoved: 0 });
  });

  it('follows the city into another time zone: each hour keeps what it learnt', () => {
    const noise = gaussian(5);
    const shanghai = new RuleEngine([def]);
    train(shanghai, 4 * WEEK_HOURS, noise);
    const doc = shanghai.exportBaselines();
    const h = 4 * WEEK_HOURS;
    const at = T0 + h * HOUR; // January: New York UTC-5, Shanghai UTC+8

    const ny = new RuleEngine([def], { anomaly: { timeZone: 'America/New_York' } });
    expect(ny.importBaselines(doc, at)).toEqual({ imported: 1, skipped: 0, hoursMoved: -13 });
    // A normal day raises nothing, and a spike is caught at once, as in the zone it was learnt in.
    expect(train(ny, 24, noise, h)).toEqual([]);
    ny.observe(LOAD, CITY, T0 + (h + 24) * HOUR, normalValue(h + 24, noise) + 10 * NOISE);
    expect(ny.drainTransitions().map((t) => `${t.rule}:${t.kind}`)).toEqual(['anomaly:firing']);

    // Taken as if learnt in New York, the hours are 13 out and the same normal day looks abnormal.
    const unmoved = new RuleEngine([def], { anomaly: { timeZone: 'America/New_York' } });
    unmoved.importBaselines({ ...doc, timeZone: 'America/New_York' }, at);
    expect(train(unmoved, 24, noise, h).map((t) => t.rule)).toContain('anomaly');
  });

  it('resetBaseline forgets the learnt normal', () => {
    const a = new RuleEngine([def]);
    train(a, 48, gaussian(2));
    expect(a.baselineSamples(LOAD, CITY)).toBe(48);
    a.resetBaseline(LOAD, CITY);
    expect(a.baselineSamples(LOAD, CITY)).toBe(0);
  });
});
