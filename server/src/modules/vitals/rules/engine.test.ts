import { describe, expect, it } from 'vitest';
import { RuleEngine } from './engine.js';
import { brief, MIN, pm25 } from './test-fixtures.js';
import type { IndicatorDefinition } from '../types.js';

const T0 = Date.UTC(2025, 0, 6); // a Monday, 08:00 in Shanghai
const PM = 'AIR_QUALITY.PM25';
const CITY = '310000';
const NO_ANOMALY = { anomaly: { enabled: false } } as const;

/** Feeds values at a fixed spacing from T0 and returns all transitions. */
function feed(e: RuleEngine, values: number[], stepMs: number, code = PM, org = CITY, from = T0): void {
  values.forEach((v, i) => e.observe(code, org, from + i * stepMs, v));
}

describe('threshold rule', () => {
  it('fires at the first observation that reaches the threshold (slow indicator: no for-duration)', () => {
    const e = new RuleEngine([pm25()], NO_ANOMALY);
    feed(e, [100, 110], 5 * MIN);
    expect(e.drainTransitions()).toEqual([]);
    e.observe(PM, CITY, T0 + 10 * MIN, 120);
    const [t, ...rest] = e.drainTransitions();
    expect(rest).toEqual([]);
    expect(t).toEqual({
      key: `threshold:${PM}:${CITY}`,
      rule: 'threshold',
      kind: 'firing',
      indicator: PM,
      org: CITY,
      severity: 'warning',
      value: 120,
      ts: T0 + 10 * MIN,
      message: 'PM2.5 concentration 120 μg/m³ above warning 115',
    });
    expect(e.status(PM, CITY)).toEqual({ status: 'warning', value: 120, ts: T0 + 10 * MIN });
  });

  it('treats the threshold as inclusive', () => {
    const e = new RuleEngine([pm25()], NO_ANOMALY);
    e.observe(PM, CITY, T0, 115);
    expect(e.drainTransitions().map((t) => t.message)).toEqual(['PM2.5 concentration 115 μg/m³ at warning 115']);
  });

  it('delays firing by the for-duration (2 × frequency for fast indicators)', () => {
    // Frequency 60 s → for 120 s: the breach must be seen at 0, 60 and 120 s.
    const e = new RuleEngine([pm25({ frequencySeconds: 60 })], NO_ANOMALY);
    feed(e, [130, 130], MIN);
    expect(e.drainTransitions()).toEqual([]);
    e.observe(PM, CITY, T0 + 2 * MIN, 130);
    expect(brief(e.drainTransitions())).toEqual([`threshold:firing:warning@${T0 + 2 * MIN}`]);
  });

  it('restarts the for-duration when the breach is interrupted', () => {
    const e = new RuleEngine([pm25({ frequencySeconds: 60 })], NO_ANOMALY);
    feed(e, [130, 100, 130, 130], MIN);
    expect(e.drainTransitions()).toEqual([]);
    e.observe(PM, CITY, T0 + 4 * MIN, 130); // breach since T0 + 2 min, held 120 s
    expect(brief(e.drainTransitions())).toEqual([`threshold:firing:warning@${T0 + 4 * MIN}`]);
  });

  it('completes the for-duration on tick when no further observation arrives', () => {
    const e = new RuleEngine([pm25({ frequencySeconds: 60 })], NO_ANOMALY);
    e.observe(PM, CITY, T0, 130);
    e.tick(T0 + 2 * MIN - 1);
    expect(e.drainTransitions()).toEqual([]);
    e.tick(T0 + 2 * MIN);
    const [t] = e.drainTransitions();
    expect(t).toMatchObject({ kind: 'firing', severity: 'warning', value: 130, ts: T0 + 2 * MIN });
  });

  it('takes the for-duration from the override map', () => {
    const e = new RuleEngine([pm25({ frequencySeconds: 60 })], { ...NO_ANOMALY, forSeconds: { [PM]: 0 } });
    e.observe(PM, CITY, T0, 130);
    expect(brief(e.drainTransitions())).toEqual([`threshold:firing:warning@${T0}`]);

    const slow = new RuleEngine([pm25()], { ...NO_ANOMALY, forSeconds: { [PM]: 600 } });
    feed(slow, [130, 130], 5 * MIN);
    expect(slow.drainTransitions()).toEqual([]);
    slow.observe(PM, CITY, T0 + 10 * MIN, 130);
    expect(brief(slow.drainTransitions())).toEqual([`threshold:firing:warning@${T0 + 10 * MIN}`]);
  });

  it('does not flap for a value oscillating ±1 % around the threshold', () => {
    const e = new RuleEngine([pm25()], NO_ANOMALY);
    // 116.15 / 113.85 around 115; the clear level is 115 − 0.05 × 75 = 111.25.
    const values = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 115 * 1.01 : 115 * 0.99));
    feed(e, values, 5 * MIN);
    expect(brief(e.drainTransitions())).toEqual([`threshold:firing:warning@${T0}`]);
    e.observe(PM, CITY, T0 + 40 * 5 * MIN, 111.3); // still inside the band
    expect(e.drainTransitions()).toEqual([]);
    e.observe(PM, CITY, T0 + 41 * 5 * MIN, 100); // clearly back
    expect(brief(e.drainTransitions())).toEqual([`threshold:resolved:warning@${T0 + 41 * 5 * MIN}`]);
    e.observe(PM, CITY, T0 + 42 * 5 * MIN, 100);
    expect(e.drainTransitions()).toEqual([]);
    expect(e.status(PM, CITY).status).toBe('normal');
  });

  it('would flap without hysteresis and minimum firing time (control for the test above)', () => {
    const e = new RuleEngine([pm25()], { ...NO_ANOMALY, hysteresisFraction: 0, minFiringSeconds: 0 });
    const values = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 115 * 1.01 : 115 * 0.99));
    feed(e, values, 5 * MIN);
    expect(e.drainTransitions().filter((t) => t.kind === 'firing')).toHaveLength(20);
  });

  it('keeps an alert firing for minFiringSeconds and resolves it on tick', () => {
    const e = new RuleEngine([pm25({ frequencySeconds: 10 })], { ...NO_ANOMALY, staleFactor: 100, forSeconds: { [PM]: 0 } });
    e.observe(PM, CITY, T0, 130);
    e.observe(PM, CITY, T0 + 10_000, 50); // cleared, but fired only 10 s ago
    expect(brief(e.drainTransitions())).toEqual([`threshold:firing:warning@${T0}`]);
    e.tick(T0 + 59_999);
    expect(e.drainTransitions()).toEqual([]);
    e.tick(T0 + 60_000);
    expect(e.drainTransitions()).toMatchObject([{ kind: 'resolved', ts: T0 + 60_000, value: 50 }]);
  });

  it('cancels a pending resolution when the value breaches again', () => {
    const e = new RuleEngine([pm25({ frequencySeconds: 10 })], { ...NO_ANOMALY, staleFactor: 100, forSeconds: { [PM]: 0 } });
    e.observe(PM, CITY, T0, 130);
    e.observe(PM, CITY, T0 + 10_000, 50);
    e.observe(PM, CITY, T0 + 20_000, 130);
    e.tick(T0 + 120_000);
    expect(brief(e.drainTransitions())).toEqual([`threshold:firing:warning@${T0}`]);
  });

  it('escalates warning → critical within one alert', () => {
    const e = new RuleEngine([pm25()], NO_ANOMALY);
    feed(e, [120, 160, 180, 170, 100], 5 * MIN);
    const ts = e.drainTransitions();
    expect(brief(ts)).toEqual([
      `threshold:firing:warning@${T0}`,
      `threshold:escalated:critical@${T0 + 5 * MIN}`,
      `threshold:resolved:critical@${T0 + 20 * MIN}`,
    ]);
    expect(new Set(ts.map((t) => t.key)).size).toBe(1);
    expect(ts[1]!.message).toBe('PM2.5 concentration 160 μg/m³ above critical 150');
  });

  it('fires directly as critical, and the alert stays critical until it resolves', () => {
    const e = new RuleEngine([pm25()], NO_ANOMALY);
    feed(e, [180], 5 * MIN);
    expect(e.drainTransitions()).toMatchObject([
      { kind: 'firing', severity: 'critical', message: 'PM2.5 concentration 180 μg/m³ above critical 150' },
    ]);
    e.observe(PM, CITY, T0 + 5 * MIN, 120); // back to the warning zone
    expect(e.drainTransitions()).toEqual([]);
    expect(e.status(PM, CITY).status).toBe('critical');
  });

  it('applies the for-duration to escalation as well', () => {
    const e = new RuleEngine([pm25({ frequencySeconds: 60 })], NO_ANOMALY);
    feed(e, [130, 130, 130, 160, 160, 160], MIN);
    expect(brief(e.drainTransitions())).toEqual([
      `threshold:firing:warning@${T0 + 2 * MIN}`,
      `threshold:escalated:critical@${T0 + 5 * MIN}`,
    ]);
  });

  it('handles the down direction', () => {
    // Reservoir level: warning ≤ 40, critical ≤ 20, normal 50-100 → clear at ≥ 42.5.
    const def = pm25({
      code: 'WATER.RESERVOIR',
      nameEn: 'Reservoir level',
      unit: '%',
      direction: 'down',
      normalMin: 50,
      normalMax: 100,
      warningLow: 40,
      criticalLow: 20,
      warningHigh: 95, // ignored: direction is down
      criticalHigh: 99,
    });
    const e = new RuleEngine([def], NO_ANOMALY);
    feed(e, [100, 45, 39, 19, 41, 42.4, 43], 5 * MIN, 'WATER.RESERVOIR');
    const ts = e.drainTransitions();
    expect(brief(ts)).toEqual([
      `threshold:firing:warning@${T0 + 10 * MIN}`,
      `threshold:escalated:critical@${T0 + 15 * MIN}`,
      `threshold:resolved:critical@${T0 + 30 * MIN}`,
    ]);
    expect(ts[0]!.message).toBe('Reservoir level 39% below warning 40');
    expect(ts[1]!.message).toBe('Reservoir level 19% below critical 20');
  });

  it('handles the both direction on each side', () => {
    // Water temperature: warning outside 5-35, critical outside 0-40, normal 15-25 → band 0.5.
    const def = pm25({
      code: 'WATER.TEMP',
      nameEn: 'Water temperature',
      unit: '°C',
      direction: 'both',
      normalMin: 15,
      normalMax: 25,
      warningLow: 5,
      warningHigh: 35,
      criticalLow: 0,
      criticalHigh: 40,
    });
    const e = new RuleEngine([def], NO_ANOMALY);
    feed(e, [20, 36, 34.6, 34.5, 20, -1, 4.9, 5.4, 5.5], 5 * MIN, 'WATER.TEMP');
    const ts = e.drainTransitions();
    expect(brief(ts)).toEqual([
      `threshold:firing:warning@${T0 + 5 * MIN}`,
      `threshold:resolved:warning@${T0 + 15 * MIN}`,
      `threshold:firing:critical@${T0 + 25 * MIN}`,
      `threshold:resolved:critical@${T0 + 40 * MIN}`,
    ]);
    expect(ts[0]!.message).toBe('Water temperature 36 °C above warning 35');
    expect(ts[2]!.message).toBe('Water temperature -1 °C below critical 0');
  });

  it('uses |threshold| for the hysteresis band when there is no normal range', () => {
    // 5 % of 115 = 5.75 → clear at ≤ 109.25.
    const e = new RuleEngine([pm25({ normalMin: null, normalMax: null })], NO_ANOMALY);
    feed(e, [120, 109.3, 109.25], 5 * MIN);
    expect(brief(e.drainTransitions())).toEqual([
      `threshold:firing:warning@${T0}`,
      `threshold:resolved:warning@${T0 + 10 * MIN}`,
    ]);
  });
});

describe('rate-of-change rule', () => {
  const opts = { ...NO_ANOMALY, rateOfChange: { [PM]: { maxChangePerMinute: 10 } } };

  it('fires when the change between consecutive observations exceeds the limit and resolves on the next one within it', () => {
    const e = new RuleEngine([pm25({ warningHigh: null, criticalHigh: null })], opts);
    // Δ per minute: +6, +24 (fires), +2 (resolves).
    feed(e, [50, 80, 200, 210], 5 * MIN);
    const ts = e.drainTransitions();
    expect(brief(ts)).toEqual([
      `rate_of_change:firing:warning@${T0 + 10 * MIN}`,
      `rate_of_change:resolved:warning@${T0 + 15 * MIN}`,
    ]);
    expect(ts[0]!.key).toBe(`rate_of_change:${PM}:${CITY}`);
    expect(ts[0]!.message).toBe('PM2.5 concentration changing +24 μg/m³/min, limit 10 μg/m³/min');
  });

  it('fires on falls as well as rises, and stays one alert while the change continues', () => {
    const e = new RuleEngine([pm25({ warningHigh: null, criticalHigh: null })], opts);
    feed(e, [200, 100, 10, 5], 5 * MIN); // −20/min, −18/min, −1/min
    expect(brief(e.drainTransitions())).toEqual([
      `rate_of_change:firing:warning@${T0 + 5 * MIN}`,
      `rate_of_change:resolved:warning@${T0 + 15 * MIN}`,
    ]);
  });

  it('waits for the minimum firing time before resolving', () => {
    const e = new RuleEngine([pm25({ frequencySeconds: 10, warningHigh: null, criticalHigh: null })], { ...opts, staleFactor: 100 });
    feed(e, [50, 60, 60.1], 10_000); // 60/min, then 0.6/min only 10 s after firing
    expect(brief(e.drainTransitions())).toEqual([`rate_of_change:firing:warning@${T0 + 10_000}`]);
    e.tick(T0 + 70_000);
    expect(brief(e.drainTransitions())).toEqual([`rate_of_change:resolved:warning@${T0 + 70_000}`]);
  });

  it('is off for indicators without a configured limit', () => {
    const e = new RuleEngine([pm25({ warningHigh: null, criticalHigh: null })], NO_ANOMALY);
    feed(e, [0, 1000, 0], MIN);
    expect(e.drainTransitions()).toEqual([]);
  });
});

describe('staleness', () => {
  it('fires on tick after staleFactor × frequency without data and resolves on the next observation', () => {
    const e = new RuleEngine([pm25({ frequencySeconds: 60 })], NO_ANOMALY);
    e.observe(PM, CITY, T0, 50);
    e.tick(T0 + 3 * MIN - 1);
    expect(e.drainTransitions()).toEqual([]);
    expect(e.status(PM, CITY).status).toBe('normal');
    e.tick(T0 + 3 * MIN);
    expect(e.drainTransitions()).toEqual([
      {
        key: `stale:${PM}:${CITY}`,
        rule: 'stale',
        kind: 'firing',
        indicator: PM,
        org: CITY,
        severity: 'warning',
        value: null,
        ts: T0 + 3 * MIN,
        message: 'PM2.5 concentration no data for 3 min (expected every 60 s)',
      },
    ]);
    expect(e.status(PM, CITY)).toEqual({ status: 'stale', value: 50, ts: T0 });
    e.tick(T0 + 10 * MIN);
    expect(e.drainTransitions()).toEqual([]); // fires once
    e.observe(PM, CITY, T0 + 11 * MIN, 52);
    expect(brief(e.drainTransitions())).toEqual([`stale:resolved:warning@${T0 + 11 * MIN}`]);
    expect(e.status(PM, CITY).status).toBe('normal');
  });

  it('honours staleFactor', () => {
    const e = new RuleEngine([pm25({ frequencySeconds: 60 })], { ...NO_ANOMALY, staleFactor: 5 });
    e.observe(PM, CITY, T0, 50);
    e.tick(T0 + 4 * MIN);
    expect(e.drainTransitions()).toEqual([]);
    e.tick(T0 + 5 * MIN);
    expect(brief(e.drainTransitions())).toEqual([`stale:firing:warning@${T0 + 5 * MIN}`]);
  });

  it('reports never-observed series as no-data, without a staleness alert', () => {
    const e = new RuleEngine([pm25({ frequencySeconds: 60 })], NO_ANOMALY);
    expect(e.status(PM, CITY)).toEqual({ status: 'no-data', value: null, ts: null });
    expect(e.track(PM, '310101')).toBe(true);
    expect(e.track('NO.SUCH', '310101')).toBe(false);
    e.observe(PM, CITY, T0, 50);
    e.tick(T0 + 60 * MIN);
    const stale = e.drainTransitions();
    expect(stale.map((t) => t.org)).toEqual([CITY]);
    const snap = e.snapshot().sort((a, b) => a.org.localeCompare(b.org));
    expect(snap).toEqual([
      { indicator: PM, category: 'air_quality', org: CITY, status: 'stale', value: 50, ts: T0 },
      { indicator: PM, category: 'air_quality', org: '310101', status: 'no-data', value: null, ts: null },
    ]);
  });

  it('keeps ticks cheap: a series is only revisited when one of its deadlines comes due', () => {
    const e = new RuleEngine([pm25({ frequencySeconds: 60 })], NO_ANOMALY);
    for (let i = 0; i < 1000; i++) e.observe(PM, `org${i}`, T0, 50);
    for (let s = 1; s < 180; s++) e.tick(T0 + s * 1000);
    expect(e.drainTransitions()).toEqual([]);
    e.tick(T0 + 180_000);
    expect(e.drainTransitions()).toHaveLength(1000);
  });
});

describe('out-of-order observations and status', () => {
  it('does not let an older observation change the status', () => {
    const e = new RuleEngine([pm25()], NO_ANOMALY);
    e.observe(PM, CITY, T0 + 10 * MIN, 100);
    e.observe(PM, CITY, T0 + 5 * MIN, 200); // older and critical
    expect(e.drainTransitions()).toEqual([]);
    expect(e.status(PM, CITY)).toEqual({ status: 'normal', value: 100, ts: T0 + 10 * MIN });
    expect(e.stats().outOfOrder).toBe(1);

    e.observe(PM, CITY, T0 + 15 * MIN, 160);
    e.observe(PM, CITY, T0 + 12 * MIN, 10); // older and normal: the alert stays
    expect(brief(e.drainTransitions())).toEqual([`threshold:firing:critical@${T0 + 15 * MIN}`]);
    expect(e.status(PM, CITY).status).toBe('critical');
  });

  it('ranks statuses critical > warning > stale > normal', () => {
    const defs = [pm25(), pm25({ code: 'B', nameEn: 'B' }), pm25({ code: 'C', nameEn: 'C' })];
    const e = new RuleEngine(defs, NO_ANOMALY);
    e.observe(PM, CITY, T0, 160);
    e.observe('B', CITY, T0, 120);
    e.observe('C', CITY, T0, 50);
    e.tick(T0 + 60 * MIN); // all three go stale
    expect(e.status(PM, CITY).status).toBe('critical');
    expect(e.status('B', CITY).status).toBe('warning');
    expect(e.status('C', CITY).status).toBe('stale');
  });

  it('counts and ignores unknown indicators and non-finite values', () => {
    const e = new RuleEngine([pm25()], NO_ANOMALY);
    e.observe('NO.SUCH', CITY, T0, 1);
    e.observe(PM, CITY, T0, Number.NaN);
    e.observe(PM, CITY, Number.NaN, 1);
    expect(e.stats()).toMatchObject({ series: 0, unknownIndicator: 1, invalid: 2, observations: 0 });
  });

  it('drains transitions once', () => {
    const e = new RuleEngine([pm25()], NO_ANOMALY);
    e.observe(PM, CITY, T0, 160);
    expect(e.drainTransitions()).toHaveLength(1);
    expect(e.drainTransitions()).toEqual([]);
  });

  it('forEachSeries visits every series', () => {
    const e = new RuleEngine([pm25()], NO_ANOMALY);
    e.observe(PM, 'a', T0, 160);
    e.observe(PM, 'b', T0, 10);
    const seen: string[] = [];
    e.forEachSeries((indicator, org, status, value, ts, category) => {
      seen.push(`${indicator}/${org}/${category}/${status}/${value}/${ts === T0}`);
    });
    expect(seen.sort()).toEqual([`${PM}/a/air_quality/critical/160/true`, `${PM}/b/air_quality/normal/10/true`]);
  });
});

describe('setDefinitions', () => {
  it('keeps state for kept indicators and resolves alerts of retired ones', () => {
    const other: IndicatorDefinition = pm25({ code: 'OTHER', nameEn: 'Other' });
    const e = new RuleEngine([pm25(), other], NO_ANOMALY);
    e.observe(PM, CITY, T0, 160);
    e.observe('OTHER', CITY, T0, 160);
    e.drainTransitions();
    e.setDefinitions([pm25()]);
    expect(e.drainTransitions()).toMatchObject([
      { key: `threshold:OTHER:${CITY}`, kind: 'resolved', severity: 'critical', message: 'Other no longer monitored' },
    ]);
    expect(e.status(PM, CITY).status).toBe('critical');
    expect(e.status('OTHER', CITY).status).toBe('no-data');
    expect(e.stats().series).toBe(1);
  });

  it('resolves a threshold alert whose thresholds were removed, and re-evaluates changed ones', () => {
    const e = new RuleEngine([pm25()], NO_ANOMALY);
    e.observe(PM, CITY, T0, 120);
    e.drainTransitions();
    e.setDefinitions([pm25({ warningHigh: 100, criticalHigh: 110 })]);
    e.observe(PM, CITY, T0 + 5 * MIN, 120);
    expect(brief(e.drainTransitions())).toEqual([`threshold:escalated:critical@${T0 + 5 * MIN}`]);
    e.setDefinitions([pm25({ warningHigh: null, criticalHigh: null })]);
    expect(brief(e.drainTransitions())).toEqual([`threshold:resolved:critical@${T0 + 5 * MIN}`]);
  });
});

describe('options', () => {
  it('rejects nonsensical options', () => {
    expect(() => new RuleEngine([], { staleFactor: 0 })).toThrow(RangeError);
    expect(() => new RuleEngine([], { hysteresisFraction: -1 })).toThrow(RangeError);
    expect(() => new RuleEngine([], { anomaly: { k: 5, kCritical: 4 } })).toThrow(RangeError);
    expect(() => new RuleEngine([], { anomaly: { timeZone: 'Mars/Olympus_Mons' } })).toThrow(RangeError);
  });
});
