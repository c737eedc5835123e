// One feed in memory: which vehicles a stop board finds on a trip, as they move from trip to trip.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTimetable, type Timetable } from './gtfs/timetable.js';
import { lineFeed, lineLongitude, zipFiles } from './testing/feed.js';
import { LearnedModel } from './prediction/history.js';
import { FeedRuntime } from './feed-runtime.js';

const DAY = Date.parse('2024-03-04T00:00:00Z') / 1000; // a Monday; the line feed runs in UTC
const at = (clock: string) => DAY + Number(clock.slice(0, 2)) * 3600 + Number(clock.slice(3, 5)) * 60;
const ping = (vehicleId: string, tripId: string, clock: string, metres: number) => ({ time: at(clock), vehicleId, tripId, routeId: 'R1', lat: 0, lon: lineLongitude(metres) });

let timetable: Timetable;
beforeAll(async () => {
  timetable = await loadTimetable(zipFiles(lineFeed()));
});

describe('the vehicles live on a trip', () => {
  it('follows a vehicle from trip to trip, and lets it go when it falls silent', () => {
    const feed = new FeedRuntime('line', timetable, new LearnedModel());
    const [t1, t2] = [timetable.trips.get('T1')!, timetable.trips.get('T2')!];
    const on = (trip: typeof t1, clock: string) => [...feed.liveOn(trip, at(clock))].map((live) => live.ping.vehicleId);
    feed.observe(ping('V1', 'T1', '08:00', 10));
    feed.observe(ping('V2', 'T1', '08:01', 300));
    expect(on(t1, '08:01')).toEqual(['V1', 'V2']);
    // V1 finishes T1 and reports T2 from its first stop: it is on T2 now, no longer on T1.
    feed.observe(ping('V1', 'T1', '08:15', 3000));
    feed.observe(ping('V1', 'T2', '08:16', 10));
    feed.observe(ping('V2', 'T1', '08:16', 2000));
    expect(on(t1, '08:16')).toEqual(['V2']);
    expect(on(t2, '08:16')).toEqual(['V1']);
    // A ping that places it on no trip takes it off T2; five minutes without a word, V2 is gone from T1.
    feed.observe({ ...ping('V1', 'T9', '08:17', 10), routeId: 'R9' }); // no such trip or route: nothing to infer
    expect(on(t2, '08:17')).toEqual([]);
    expect(on(t1, '08:21')).toEqual(['V2']);
    expect([...feed.liveOn(t1, at('08:21') + 1)]).toEqual([]);
  });

  it('forgets a vehicle silent for six hours, so that a feed whose vehicle ids change does not grow without end', () => {
    const feed = new FeedRuntime('line', timetable, new LearnedModel());
    const t1 = timetable.trips.get('T1')!;
    feed.observe(ping('OLD', 'T1', '08:00', 10));
    feed.observe(ping('KEPT', 'T1', '09:00', 10));
    expect(feed.tracker.runOf('OLD')?.trip).toBe(t1);
    // Ten thousand positions later (one id each, as a feed that names its vehicles by trip), at 14:30.
    for (let i = 0; i < 9_998; i++) feed.observe(ping(`trip-scoped-${i}`, 'T1', '14:30', 10));
    expect(feed.vehicles.has('OLD')).toBe(false);
    expect(feed.tracker.runOf('OLD')).toBeUndefined();
    // Five and a half hours is not six: kept, as are the newest.
    expect(feed.vehicles.has('KEPT')).toBe(true);
    expect(feed.vehicles.size).toBe(9_999);
    // Heard from again, it is placed from nothing, as any vehicle new to the feed.
    expect(feed.observe(ping('OLD', 'T1', '08:00', 10)).run?.trip).toBe(t1);
  });
});
