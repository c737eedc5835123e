// Deadlines in working time: a category may count its deadline in the hours a city office is open
// (by default 9:00-18:00 Monday to Friday, in the city's time zone) minus public holidays, plus the
// weekend days worked instead of a holiday (调休). Plain functions of a calendar; no clock inside.

export interface WorkingCalendar {
  timeZone: string;
  /** ISO weekdays worked: 1 = Monday … 7 = Sunday. */
  workdays: number[];
  startHour: number;
  endHour: number;
  /** Local dates (YYYY-MM-DD) not worked although they fall on a working weekday. */
  holidays: string[];
  /** Local dates (YYYY-MM-DD) worked although they fall on a weekend. */
  extraWorkdays: string[];
}

export const defaultCalendar = (timeZone: string): WorkingCalendar => ({
  timeZone, workdays: [1, 2, 3, 4, 5], startHour: 9, endHour: 18, holidays: [], extraWorkdays: [],
});

const HOUR_MS = 3_600_000;

/**
 * The longest deadline a category may set, in hours: a year. A case that may wait longer has no deadline
 * worth the name, and the bound keeps the arithmetic sound: calendar hours stay far inside what a Date can
 * hold (1e300 hours is no instant at all), and the walk through working days stays short.
 */
export const MAX_DEADLINE_HOURS = 8760;

/** The calendar cannot supply the working hours asked for within the ten years `addWorkingHours` looks ahead. */
export class UnreachableDeadline extends Error {}

/** Whether a `YYYY-MM-DD` string names a day that exists (not 2026-13-45, 2026-02-30 or 0000-00-00). */
export function isRealDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1970 || month < 1 || month > 12 || day < 1) return false;
  // Date.UTC rolls day 31 of a 30-day month over into the next: a real date survives the round trip.
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
}
const formats = new Map<string, Intl.DateTimeFormat>();

function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formats.set(timeZone, f);
  }
  return f;
}

interface LocalTime { year: number; month: number; day: number; hour: number; minute: number; second: number }

export function localTime(ms: number, timeZone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const part of format(timeZone).formatToParts(new Date(ms))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour % 24, minute: parts.minute, second: parts.second };
}

/** Offset of local time from UTC at an instant, in ms. */
function offsetAt(ms: number, timeZone: string): number {
  const t = localTime(ms, timeZone);
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second) - Math.floor(ms / 1000) * 1000;
}

/** The instant of a local wall-clock time (day may overflow: day 32 is the 1st of the next month). */
export function zonedTime(year: number, month: number, day: number, hour: number, timeZone: string, minute = 0, second = 0): number {
  const naive = Date.UTC(year, month - 1, day, hour, minute, second);
  const first = naive - offsetAt(naive, timeZone);
  const second2 = naive - offsetAt(first, timeZone);
  return second2;
}

export const isoDate = (year: number, month: number, day: number) =>
  `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

export function isWorkingDay(year: number, month: number, day: number, calendar: WorkingCalendar): boolean {
  const date = isoDate(year, month, day);
  if (calendar.extraWorkdays.includes(date)) return true;
  if (calendar.holidays.includes(date)) return false;
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay() || 7;
  return calendar.workdays.includes(weekday);
}

/**
 * The instant `hours` working hours after `startMs`. Time outside working hours does not count, so a
 * case reported on Friday evening with an 8-hour deadline is due on Monday at 17:00.
 */
export function addWorkingHours(startMs: number, hours: number, calendar: WorkingCalendar): number {
  let remaining = hours * HOUR_MS;
  if (remaining <= 0) return startMs;
  let cursor = startMs;
  // Ten years of holidays in a row would be a misconfiguration; stop rather than loop forever.
  for (let days = 0; days < 3660; days++) {
    const t = localTime(cursor, calendar.timeZone);
    if (isWorkingDay(t.year, t.month, t.day, calendar)) {
      const open = zonedTime(t.year, t.month, t.day, calendar.startHour, calendar.timeZone);
      const close = zonedTime(t.year, t.month, t.day, calendar.endHour, calendar.timeZone);
      const from = Math.max(cursor, open);
      if (from < close) {
        if (remaining <= close - from) return from + remaining;
        remaining -= close - from;
      }
    }
    cursor = zonedTime(t.year, t.month, t.day + 1, 0, calendar.timeZone);
  }
  throw new UnreachableDeadline(`the working calendar does not have ${hours} working hours in the next ten years`);
}

/** Deadline of a case: calendar hours, or working hours when the category counts in working time. */
export function deadlineFor(startMs: number, hours: number, workingTime: boolean, calendar: WorkingCalendar): number {
  return workingTime ? addWorkingHours(startMs, hours, calendar) : startMs + hours * HOUR_MS;
}
