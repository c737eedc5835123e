// A stop with no bus in its window says when the next one comes, from the timetable: late at night,
// tomorrow's first; on a weekday-only line at the weekend, Monday's; nothing for a feed past its last day.
import { describe, expect, it } from 'vitest';
import { loadTimetable } from './gtfs/timetable.js';
import { lineFeed, zipFiles } from './testing/feed.js';
import { LearnedModel } from './prediction/history.js';
import { FeedRuntime } from './feed-runtime.js';
import { stopArrivals } from './arrivals.js';

const MONDAY = Date.parse('2024-03-04T00:00:00Z') / 1000; // the line feed runs in UTC: T1 leaves A at 08:00, T2 at 08:30
const at = (day: number, clock: string) => MONDAY + day * 86_400 + Number(clock.slice(0, 2)) * 3600 + Number(clock.slice(3, 5)) * 60;
const HOUR = { limit: 10, windowSeconds: 3600 };
const calendar = (days: string, end = '20301231') => ({ 'calendar.txt': `service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nALL,${days.split('').join(',')},20240101,${end}\n` });
const runtimeOf = async (overrides: Record<string, string> = {}) => new FeedRuntime('line', await loadTimetable(zipFiles(lineFeed(overrides))), new LearnedModel());

describe('the next bus, when none comes within the window', () => {
  it('is tomorrow\'s first after the last one has gone, and none is given while buses come within the window', async () => {
    const feed = await runtimeOf();
    const evening = stopArrivals(feed, 'B', at(0, '21:00'), HOUR);
    expect(evening.arrivals).toEqual([]);
    expect(evening.next).toEqual({ stopId: 'B', routeId: 'R1', tripId: 'T1', headsign: 'East', scheduledArrival: at(1, '08:05') });
    // Between the two trips: T2 at 08:35 is past the hour's window, and is the next.
    expect(stopArrivals(feed, 'B', at(0, '07:30'), { limit: 10, windowSeconds: 600 }).next).toMatchObject({ tripId: 'T1', scheduledArrival: at(0, '08:05') });
    expect(stopArrivals(feed, 'B', at(0, '08:10'), { limit: 10, windowSeconds: 600 }).next).toMatchObject({ tripId: 'T2', scheduledArrival: at(0, '08:35') });
    const morning = stopArrivals(feed, 'B', at(0, '07:30'), HOUR);
    expect(morning.arrivals.map((arrival) => arrival.tripId)).toEqual(['T1']);
    expect(morning.next).toBeNull();
  });

  it('is Monday\'s for a weekday line at the weekend, and none where every trip ends or the feed has ended', async () => {
    const weekdays = await runtimeOf(calendar('1111100'));
    expect(stopArrivals(weekdays, 'A', at(4, '12:00'), HOUR).next).toMatchObject({ tripId: 'T1', scheduledArrival: at(7, '08:00') }); // Friday noon: Monday
    // D is where both trips end: no bus takes anyone on there.
    expect(stopArrivals(weekdays, 'D', at(4, '12:00'), HOUR).next).toBeNull();
    const ended = await runtimeOf(calendar('1111111', '20240229'));
    expect(stopArrivals(ended, 'A', at(0, '12:00'), HOUR).next).toBeNull();
  });
});
