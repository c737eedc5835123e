// Unit tests of the engine's building blocks.

import { describe, expect, it } from 'vitest';
import { ALL_BUCKET, newBaseline, scoreAndLearn, STRIDE, type BaselineParams } from './baseline.js';
import { classifyValue, compileThresholds } from './classify.js';
import { DeadlineHeap, type HeapNode } from './heap.js';
import { formatNumber, withUnit } from './messages.js';
import { gaussian, pm25, uniform } from './test-fixtures.js';
import { HourOfWeekClock } from './time-zone.js';

describe('classifyValue', () => {
  it('classifies the up direction inclusively', () => {
    const d = pm25();
    expect([0, 114.9, 115, 149.9, 150, 1e9].map((v) => classifyValue(d, v))).toEqual([
      'normal', 'normal', 'warning', 'warning', 'critical', 'critical',
    ]);
  });

  it('classifies the down direction and ignores the high pair', () => {
    const d = pm25({ direction: 'down', warningLow: 40, criticalLow: 20 });
    expect([200, 41, 40, 21, 20, -5].map((v) => classifyValue(d, v))).toEqual([
      'normal', 'normal', 'warning', 'warning', 'critical', 'critical',
    ]);
  });

  it('classifies both sides, with missing thresholds', () => {
    const d = pm25({ direction: 'both', warningLow: 5, criticalLow: null, warningHigh: 35, criticalHigh: 40 });
    expect([-100, 5, 6, 34, 35, 40].map((v) => classifyValue(d, v))).toEqual([
      'warning', 'warning', 'normal', 'normal', 'warning', 'critical',
    ]);
  });

  it('treats a critical-only side as critical at the threshold', () => {
    const d = pm25({ warningHigh: null });
    expect([149, 150].map((v) => classifyValue(d, v))).toEqual(['normal', 'critical']);
  });

  it('clears a critical-only side against the critical threshold minus the band', () => {
    const t = compileThresholds(pm25({ warningHigh: null }), 0.05);
    expect(t.clearHigh).toBeCloseTo(150 - 3.75);
    expect(t.clearLow).toBe(-Infinity);
  });
});

describe('HourOfWeekClock', () => {
  it('computes the hour of week in Shanghai (UTC+8, Monday 00:00 = 0)', () => {
    const c = new HourOfWeekClock();
    expect(c.timeZone).toBe('Asia/Shanghai');
    expect(c.hourOfWeek(Date.UTC(2024, 0, 1, 0, 0))).toBe(8); // Monday 08:00
    expect(c.hourOfWeek(Date.UTC(2024, 0, 7, 15, 59))).toBe(167); // Sunday 23:59
    expect(c.hourOfWeek(Date.UTC(2024, 0, 7, 16, 0))).toBe(0); // Monday 00:00
  });

  it('follows daylight saving time', () => {
    const c = new HourOfWeekClock('America/New_York');
    // Sunday 10 March 2024: 01:59 EST, then 03:00 EDT.
    expect(c.hourOfWeek(Date.UTC(2024, 2, 10, 6, 59))).toBe(6 * 24 + 1);
    expect(c.hourOfWeek(Date.UTC(2024, 2, 10, 7, 0))).toBe(6 * 24 + 3);
    expect(c.offsetMs(Date.UTC(2024, 6, 1))).toBe(-4 * 3_600_000);
  });

  it('handles half-hour offsets', () => {
    const c = new HourOfWeekClock('Asia/Kolkata');
    expect(c.hourOfWeek(Date.UTC(2024, 0, 1, 0, 29))).toBe(5); // 05:59
    expect(c.hourOfWeek(Date.UTC(2024, 0, 1, 0, 30))).toBe(6); // 06:00
  });

  it('handles timestamps before 1970 and matches Intl on random instants', () => {
    const c = new HourOfWeekClock();
    expect(c.hourOfWeek(Date.UTC(1969, 11, 29, 0, 0))).toBe(8); // a Monday
    const fmt = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', weekday: 'short', hour: 'numeric', hourCycle: 'h23' });
    const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
    const u = uniform(4);
    for (let i = 0; i < 200; i++) {
      const ts = Math.floor(Date.UTC(1990, 0, 1) + u() * 40 * 365 * 86_400_000);
      const parts = Object.fromEntries(fmt.formatToParts(ts).map((p) => [p.type, p.value]));
      expect(c.hourOfWeek(ts)).toBe(days.indexOf(parts.weekday!) * 24 + Number(parts.hour));
    }
  });
});

describe('robust baseline', () => {
  const p: BaselineParams = {
    minSamples: 24, k: 4.5, alpha: 0.05, clip: 3, outlierWeight: 0.1, minRelativeScale: 0.001, minAbsoluteScale: 1e-9,
  };

  it('estimates centre and σ of Gaussian data', () => {
    const g = gaussian(1);
    const b = newBaseline();
    const zs: number[] = [];
    for (let i = 0; i < 2000; i++) zs.push(scoreAndLearn(b, 50, 0, 50 + 10 + 3 * g(), p));
    const i = ALL_BUCKET * STRIDE;
    expect(b[i + 1]! + 50).toBeCloseTo(60, 0);
    expect(Math.sqrt(Math.PI / 2) * b[i + 2]!).toBeGreaterThan(2.4);
    expect(Math.sqrt(Math.PI / 2) * b[i + 2]!).toBeLessThan(3.6);
    // Scored against a bucket only once it holds minSamples = 24 samples.
    expect(zs.slice(0, 24).every(Number.isNaN)).toBe(true);
    expect(zs.slice(24).some(Number.isNaN)).toBe(false);
  });

  it('barely moves for a huge outlier', () => {
    const g = gaussian(2);
    const b = newBaseline();
    for (let i = 0; i < 500; i++) scoreAndLearn(b, 0, 0, g(), p);
    const i = ALL_BUCKET * STRIDE;
    const [c, s] = [b[i + 1]!, b[i + 2]!];
    const z = scoreAndLearn(b, 0, 0, 1e9, p);
    expect(z).toBeGreaterThan(1e8);
    // At most alpha × outlierWeight × clip × σ for the centre; the scale is untouched.
    expect(Math.abs(b[i + 1]! - c)).toBeLessThanOrEqual(0.05 * 0.1 * 3 * Math.sqrt(Math.PI / 2) * s + 1e-6);
    expect(b[i + 2]).toBe(s);
  });

  it('keeps precision for large-magnitude indicators', () => {
    const g = gaussian(3);
    const b = newBaseline();
    const ref = 2.5e9; // float32 alone would round to a multiple of 256
    for (let i = 0; i < 500; i++) scoreAndLearn(b, ref, 0, ref + 37 + 5 * g(), p);
    expect(b[ALL_BUCKET * STRIDE + 1]!).toBeCloseTo(37, -1);
    expect(Math.abs(scoreAndLearn(b, ref, 0, ref + 37, p))).toBeLessThan(1);
  });
});

describe('DeadlineHeap', () => {
  it('orders, re-keys and removes nodes', () => {
    type N = HeapNode & { id: number };
    const heap = new DeadlineHeap<N>();
    const u = uniform(8);
    const nodes: N[] = Array.from({ length: 300 }, (_, id) => ({ id, heapPos: -1, heapKey: 0 }));
    for (const n of nodes) heap.set(n, Math.floor(u() * 1000));
    for (const n of nodes.slice(0, 100)) heap.set(n, Math.floor(u() * 1000)); // re-key up and down
    for (const n of nodes.slice(100, 150)) heap.remove(n);
    expect(heap.size).toBe(250);
    const keys: number[] = [];
    while (heap.size > 0) {
      const top = heap.peek()!;
      keys.push(top.heapKey);
      heap.remove(top);
    }
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    expect(nodes.every((n) => n.heapPos === -1)).toBe(true);
  });
});

describe('message formatting', () => {
  it('formats numbers and units compactly', () => {
    expect(formatNumber(180)).toBe('180');
    expect(formatNumber(12.3456)).toBe('12.35');
    expect(formatNumber(1234.56)).toBe('1234.6');
    expect(formatNumber(0.012345)).toBe('0.0123');
    expect(withUnit(45, '%')).toBe('45%');
    expect(withUnit(3, 'count')).toBe('3');
    expect(withUnit(180, 'μg/m³')).toBe('180 μg/m³');
  });
});
