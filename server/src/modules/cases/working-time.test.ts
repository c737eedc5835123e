import { describe, expect, it } from 'vitest';
import { addWorkingHours, deadlineFor, defaultCalendar, isRealDate, UnreachableDeadline, zonedTime } from './working-time.js';

const shanghai = defaultCalendar('Asia/Shanghai');
const at = (iso: string) => new Date(iso).getTime();
const iso = (ms: number) => new Date(ms).toISOString();

describe('working-time deadlines', () => {
  it('count only office hours on working days in the city time zone', () => {
    // Monday 10:00 in Shanghai (02:00 UTC) + 4 h = Monday 14:00 local.
    expect(iso(addWorkingHours(at('2026-03-02T02:00:00Z'), 4, shanghai))).toBe('2026-03-02T06:00:00.000Z');
    // Friday 16:00 local + 8 h: 2 h on Friday, 6 h on Monday from 9:00 -> Monday 15:00 local (07:00 UTC).
    expect(iso(addWorkingHours(at('2026-03-06T08:00:00Z'), 8, shanghai))).toBe('2026-03-09T07:00:00.000Z');
    // Saturday night counts from Monday 9:00.
    expect(iso(addWorkingHours(at('2026-03-07T14:00:00Z'), 1, shanghai))).toBe('2026-03-09T02:00:00.000Z');
    // A full working day is 9 hours: 18 h from Monday 9:00 ends Tuesday 18:00.
    expect(iso(addWorkingHours(at('2026-03-02T01:00:00Z'), 18, shanghai))).toBe('2026-03-03T10:00:00.000Z');
  });

  it('skip configured holidays and count worked weekend days', () => {
    const calendar = { ...shanghai, holidays: ['2026-03-09'], extraWorkdays: ['2026-03-07'] };
    // Friday 17:00 local + 3 h: 1 h Friday, Saturday (worked) 9:00-11:00.
    expect(iso(addWorkingHours(at('2026-03-06T09:00:00Z'), 3, calendar))).toBe('2026-03-07T03:00:00.000Z');
    // Saturday 17:00 + 2 h: 1 h Saturday, Monday is a holiday, Tuesday 10:00.
    expect(iso(addWorkingHours(at('2026-03-07T09:00:00Z'), 2, calendar))).toBe('2026-03-10T02:00:00.000Z');
  });

  it('handles time zones with daylight saving', () => {
    const boston = defaultCalendar('America/New_York');
    // 2026-03-08 is the spring-forward Sunday in New York; Monday 9:00 EDT is 13:00 UTC; Friday 17:00 EST + 2 h = Monday 10:00 EDT.
    expect(iso(zonedTime(2026, 3, 9, 9, 'America/New_York'))).toBe('2026-03-09T13:00:00.000Z');
    expect(iso(addWorkingHours(at('2026-03-06T22:00:00Z'), 2, boston))).toBe('2026-03-09T14:00:00.000Z');
  });

  it('uses calendar hours for round-the-clock categories', () => {
    expect(iso(deadlineFor(at('2026-03-07T14:00:00Z'), 2, false, shanghai))).toBe('2026-03-07T16:00:00.000Z');
    expect(iso(deadlineFor(at('2026-03-07T14:00:00Z'), 2, true, shanghai))).toBe('2026-03-09T03:00:00.000Z');
  });

  it('refuses a calendar without working hours instead of looping', () => {
    expect(() => addWorkingHours(at('2026-03-02T02:00:00Z'), 1, { ...shanghai, workdays: [] })).toThrow(UnreachableDeadline);
    expect(() => addWorkingHours(at('2026-03-02T02:00:00Z'), 1, { ...shanghai, workdays: [] })).toThrow(/does not have 1 working hours in the next ten years/);
    // A few worked days ahead are not enough for a longer deadline.
    expect(() => addWorkingHours(at('2026-03-02T02:00:00Z'), 10, { ...shanghai, workdays: [], extraWorkdays: ['2026-03-03'] })).toThrow(UnreachableDeadline);
  });

  it('tells real dates from impossible ones', () => {
    for (const date of ['2026-03-03', '2024-02-29', '1970-01-01']) expect(isRealDate(date), date).toBe(true);
    for (const date of ['2026-13-45', '0000-00-00', '2026-02-30', '2025-02-29', '2026-04-31', '1969-12-31', '2026-3-3']) expect(isRealDate(date), date).toBe(false);
  });
});
