// The days a feed's timetable covers: from the first day any of its services runs to the last. A feed
// past its last day still imports and loads (an operator may be testing, or replaying history), but no
// bus runs by it: the stop boards fall silent and every live vehicle goes unmatched. GTFS validators
// warn of a feed that ends within 7 or 30 days (feed_expiration_date7_days, _30_days); the operations
// page says so with the dates.
// See: https://gtfs-validator.mobilitydata.org/rules.html#feed_expiration_date7_days
import type { ServicePeriod } from '@citypulse/contracts';
import { serviceRuns, type Service } from './timetable.js';

export type { ServicePeriod } from '@citypulse/contracts';

/** The first and last day (local day numbers) any of `services` runs; null when none ever does. */
export function serviceDays(services: Iterable<Service>): { first: number; last: number } | null {
  let first = Infinity, last = -Infinity;
  for (const service of services) {
    for (const day of service.added) {
      if (service.removed.has(day)) continue;
      first = Math.min(first, day);
      last = Math.max(last, day);
    }
    if (!Number.isFinite(service.start) || !Number.isFinite(service.end) || !service.days.some(Boolean)) continue;
    // The first and last weekday it runs within its range, past any dates removed: a week and the removed
    // dates are the most there can be to step over.
    const reach = 7 + service.removed.size;
    for (let day = service.start; day <= Math.min(service.end, service.start + reach); day++) {
      if (serviceRuns(service, day)) { first = Math.min(first, day); break; }
    }
    for (let day = service.end; day >= Math.max(service.start, service.end - reach); day--) {
      if (serviceRuns(service, day)) { last = Math.max(last, day); break; }
    }
  }
  return Number.isFinite(first) ? { first, last } : null;
}

const isoDay = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);

/** A feed ending within this many days is warned of (the validators' feed_expiration_date7_days). */
const ENDING_DAYS = 7;

/** The feed's service period as the API gives it, against `today` (the feed's local day number). */
export function servicePeriod(services: Iterable<Service>, today: number): ServicePeriod | null {
  const days = serviceDays(services);
  if (!days) return null;
  const startsIn = days.first - today, daysLeft = days.last - today;
  const warning = daysLeft < 0 ? 'ended' : startsIn > 0 ? 'not-yet' : daysLeft === 0 ? 'last-day' : daysLeft < ENDING_DAYS ? 'ending' : null;
  return { from: isoDay(days.first), until: isoDay(days.last), startsIn, daysLeft, warning };
}

/** The period as a command prints it, with a warning when the feed is not in force today or ends within a week. */
export function servicePeriodText(period: ServicePeriod | null): string {
  if (!period) return 'service: none of the feed\'s services ever runs (calendar.txt, calendar_dates.txt): no bus runs by it\n';
  const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
  const line = `service: ${period.from} to ${period.until}`;
  switch (period.warning) {
    case 'ended': return `${line}; warning: ended ${days(-period.daysLeft)} ago, no bus runs by it today\n`;
    case 'not-yet': return `${line}; warning: starts in ${days(period.startsIn)}, no bus runs by it before\n`;
    case 'last-day': return `${line}; warning: today is its last day\n`;
    case 'ending': return `${line}; warning: ends in ${days(period.daysLeft)}\n`;
    default: return `${line}\n`;
  }
}
