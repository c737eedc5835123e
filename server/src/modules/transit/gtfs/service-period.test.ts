import { describe, expect, it } from 'vitest';
import { serviceDays, servicePeriod, servicePeriodText } from './service-period.js';
import { parseGtfsDate } from './time.js';
import type { Service } from './timetable.js';

const day = (text: string) => parseGtfsDate(text)!;
const iso = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);
/** A calendar.txt service, its weekdays Monday first as the file lists them (`days` is indexed Sunday first). */
const calendar = (week: string, start: string, end: string, dates: { added?: string[]; removed?: string[] } = {}): Service => ({
  days: [week[6], ...week.slice(0, 6)].map((c) => c === '1'), start: day(start), end: day(end),
  added: new Set((dates.added ?? []).map(day)), removed: new Set((dates.removed ?? []).map(day)),
});
/** A service of calendar_dates.txt alone. */
const datesOnly = (added: string[]): Service => ({ days: [false, false, false, false, false, false, false], start: -Infinity, end: Infinity, added: new Set(added.map(day)), removed: new Set() });
const span = (services: Service[]) => { const days = serviceDays(services); return days && [iso(days.first), iso(days.last)]; };

describe('the days a feed covers', () => {
  it('runs from the first weekday its calendars run to the last, not from their start and end dates', () => {
    // 2024-01-01 is a Monday and 2024-01-31 a Wednesday.
    expect(span([calendar('1111100', '20240101', '20240131')])).toEqual(['2024-01-01', '2024-01-31']);
    // Weekends only, over Monday 1 to Friday 12 January: Saturday 6 to Sunday 7.
    expect(span([calendar('0000011', '20240101', '20240112')])).toEqual(['2024-01-06', '2024-01-07']);
    // Mondays only from Tuesday 2 January to Sunday 28: the 8th to the 22nd.
    expect(span([calendar('1000000', '20240102', '20240128')])).toEqual(['2024-01-08', '2024-01-22']);
  });

  it('steps over the dates calendar_dates removes and takes in those it adds', () => {
    expect(span([calendar('1111100', '20240101', '20240131', { removed: ['20240101', '20240131', '20240130'] })])).toEqual(['2024-01-02', '2024-01-29']);
    expect(span([calendar('1111100', '20240101', '20240131', { added: ['20240210'] })])).toEqual(['2024-01-01', '2024-02-10']);
    expect(span([datesOnly(['20240305', '20240301']), calendar('0000011', '20240106', '20240107')])).toEqual(['2024-01-06', '2024-03-05']);
  });

  it('is none when no service ever runs', () => {
    expect(serviceDays([])).toBeNull();
    expect(serviceDays([calendar('0000000', '20240101', '20240131')])).toBeNull();
    expect(serviceDays([calendar('0000011', '20240101', '20240105')])).toBeNull(); // Monday to Friday, weekends only
    expect(serviceDays([calendar('1111111', '20240101', '20240101', { removed: ['20240101'] })])).toBeNull();
  });

  it('says where today stands, and a command warns of a feed ended, not begun, or ending within a week', () => {
    const services = [calendar('1111111', '20240101', '20240131')];
    expect(servicePeriod(services, day('20240125'))).toEqual({ from: '2024-01-01', until: '2024-01-31', startsIn: -24, daysLeft: 6, warning: 'ending' });
    expect(servicePeriod(services, day('20240124'))?.warning).toBeNull();
    expect(servicePeriodText(servicePeriod(services, day('20240110')))).toBe('service: 2024-01-01 to 2024-01-31\n');
    expect(servicePeriodText(servicePeriod(services, day('20240125')))).toBe('service: 2024-01-01 to 2024-01-31; warning: ends in 6 days\n');
    expect(servicePeriodText(servicePeriod(services, day('20240131')))).toBe('service: 2024-01-01 to 2024-01-31; warning: today is its last day\n');
    expect(servicePeriodText(servicePeriod(services, day('20240201')))).toBe('service: 2024-01-01 to 2024-01-31; warning: ended 1 day ago, no bus runs by it today\n');
    expect(servicePeriodText(servicePeriod(services, day('20231230')))).toBe('service: 2024-01-01 to 2024-01-31; warning: starts in 2 days, no bus runs by it before\n');
    expect(servicePeriodText(servicePeriod([], day('20240110')))).toMatch(/^service: none of the feed's services ever runs/);
  });
});
