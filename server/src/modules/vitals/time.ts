// Times given to the vitals routes: history ranges (`from`, `to`) and the end of a silence (`until`).
//
// Date.parse alone is not used on what clients send: besides RFC 3339 it takes whatever the engine likes
// ("2027", "Tue, 01 Jan 2030 00:00:00 GMT", "2026-02-30" rolled over to March), and it takes years up to
// +275760, which PostgreSQL cannot read back from toISOString ("+010000-…": a 500 where the client was
// wrong). A time is checked as RFC 3339 first (ajv-formats' date-time, the check behind the schemas'
// `format: 'date-time'`), and held to years 1970-9999: what the database, JavaScript and a four-digit ISO
// year all represent, and far wider than any data the city holds.
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { VitalsError, VitalsErrorCode } from './errors.js';

/** 1970-01-01T00:00:00Z: the epoch, the earliest time a route accepts. */
export const EARLIEST_MS = 0;
/** 9999-12-31T23:59:59.999Z: the last time with a four-digit year. */
export const LATEST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * The longest silence, whether given as `minutes` or as `until`. A silence is a mute for a known
 * piece of work (maintenance, a sensor being replaced), and a muted alert still shows as firing, so a
 * silence that outlives the work hides a real problem from the duty officer; a week covers planned
 * works, and anything longer is a change to the indicator's thresholds or rules, which is visible in the
 * catalogue rather than forgotten on one alert. The same bound as `minutes` so the two ways of saying
 * one thing agree.
 */
export const MAX_SILENCE_MINUTES = 7 * 24 * 60;

/** RFC 3339 section 5.6 date-time (seconds and an offset required, real calendar dates), as ajv-formats checks `format: 'date-time'`. */
const DATE_TIME = fullFormats['date-time'] as { validate: (text: string) => boolean };

/** Epoch milliseconds of an RFC 3339 date-time with an offset, or null when it is not one. */
export function parseRfc3339(raw: string): number | null {
  if (!DATE_TIME.validate(raw)) return null;
  const ms = Date.parse(raw); // (a leap second, 23:59:60, which Date cannot hold, is NaN: refused)
  return Number.isNaN(ms) ? null : ms;
}

const withinRange = (ms: number) => ms >= EARLIEST_MS && ms <= LATEST_MS;
const RANGE_REASON = 'outside the years 1970 to 9999';

/**
 * A `from` or `to` of a history query: RFC 3339 with an offset, or epoch milliseconds (digits only),
 * within 1970-9999; `fallback` (epoch ms) when absent. Anything else is a 400 naming the field.
 */
export function parseQueryTime(raw: string | undefined, field: string, fallback: number): Date {
  if (raw === undefined) return new Date(fallback);
  const ms = /^\d+$/.test(raw) ? Number(raw) : parseRfc3339(raw);
  if (ms === null) {
    throw new VitalsError(VitalsErrorCode.InvalidQuery, `${field} is not a valid time`, [
      { name: field, reason: 'not an RFC 3339 date-time with an offset (e.g. 2026-11-25T08:00:00Z; a "+" offset must be sent as %2B) or epoch milliseconds' },
    ]);
  }
  if (!withinRange(ms)) throw new VitalsError(VitalsErrorCode.InvalidQuery, `${field} is ${RANGE_REASON}`, [{ name: field, reason: RANGE_REASON }]);
  return new Date(ms);
}

/**
 * A history range from `from` and `to` (default: the 24 hours up to now). A range that does not move
 * forward is refused the same way by every history route, naming `from` (the series route's answer
 * since it was first written, which clients may rely on).
 */
export function parseRange(query: { from?: string; to?: string }, now: number): { from: Date; to: Date } {
  const to = parseQueryTime(query.to, 'to', now);
  const from = parseQueryTime(query.from, 'from', to.getTime() - 86_400_000);
  if (from >= to) throw new VitalsError(VitalsErrorCode.InvalidQuery, 'from must be before to', [{ name: 'from', reason: 'not before to' }]);
  return { from, to };
}

/**
 * When a silence asked for as `{minutes}` or `{until}` ends: exactly one of them, `until` an RFC 3339
 * date-time with an offset, in the future and at most MAX_SILENCE_MINUTES ahead. Throws a 400 naming
 * the field otherwise.
 */
export function silenceEnd(body: { minutes?: number; until?: string }, now: number): Date {
  if ((body.minutes === undefined) === (body.until === undefined)) {
    throw new VitalsError(VitalsErrorCode.InvalidQuery, 'give either minutes or until', [{ name: 'minutes', reason: 'exactly one of minutes and until is required' }]);
  }
  if (body.minutes !== undefined) return new Date(now + body.minutes * 60_000);
  const ms = parseRfc3339(body.until!);
  if (ms === null) {
    throw new VitalsError(VitalsErrorCode.InvalidQuery, 'until is not an RFC 3339 date-time', [
      { name: 'until', reason: 'not an RFC 3339 date-time with an offset, e.g. 2026-11-25T08:00:00+08:00' },
    ]);
  }
  if (ms <= now) throw new VitalsError(VitalsErrorCode.InvalidQuery, 'a silence must end in the future', [{ name: 'until', reason: 'not in the future' }]);
  if (ms > now + MAX_SILENCE_MINUTES * 60_000) {
    throw new VitalsError(VitalsErrorCode.InvalidQuery, `a silence lasts at most ${MAX_SILENCE_MINUTES / 1440} days`, [
      { name: 'until', reason: `more than ${MAX_SILENCE_MINUTES / 1440} days ahead` },
    ]);
  }
  return new Date(ms);
}
