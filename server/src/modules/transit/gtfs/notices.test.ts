import { describe, expect, it } from 'vitest';
import { buildTimetable, buildTimetableInSlices, readFeedFile, type Timetable } from './timetable.js';
import { fastHops as hopsOf, feedNotices, feedNoticesInSlices, maxKmh, noticeLine, noticesText, type CallPlaces } from './notices.js';
import { StopNumbers, TripCalls, type Call } from './trip-calls.js';
import { lineFeed, listedOrderFeed, zipFiles } from '../testing/feed.js';
import { demoNetworkFeed } from '../demo/network.js';
import { pauseEvery } from '../../../platform/slices.js';

/** A feed read as an import reads it: its timetable, and the notices found in it. */
async function load(zip: Buffer) {
  const draft = await readFeedFile(zip);
  const timetable = buildTimetable(draft);
  return { trips: timetable.trips, notices: feedNotices(draft, timetable) };
}

describe('notices: a valid feed whose buses probably do not run as it says', () => {
  it('finds stops listed out of order, naming the first stop_times line, the stops and the trips', async () => {
    const timetable = await load(zipFiles(listedOrderFeed([0, 3, 1, 4, 2, 5])));
    expect(timetable.trips.size).toBe(2); // imported all the same: the trips run as listed
    expect(timetable.notices).toEqual([{
      code: 'stops_out_of_order', file: 'stop_times.txt', line: 3, routeId: 'R1', routeShortName: '1', tripId: 'T1', trips: 2, stops: 4,
      stopIds: ['S3', 'S1', 'S4', 'S2'],
      reason: '4 of the trip\'s 6 stops lie off the way from the stop before to the stop after (8.0 km of detours in all): the stops look listed out of order by stop_sequence',
    }]);
    expect(noticesText(timetable.notices)).toBe('1 notice: valid GTFS, but probably not what the buses do (the trips run as listed; predictions on them suffer)\n'
      + '  stop_times.txt:3 stops_out_of_order: route "R1", trip "T1" and 1 more with the same stops: ' + timetable.notices[0]!.reason + '\n');
  });

  it('says nothing of stops in order, nor of one stop off the way (a spur into a forecourt looks the same)', async () => {
    expect((await load(zipFiles(listedOrderFeed([0, 1, 2, 3, 4, 5])))).notices).toEqual([]);
    expect((await load(zipFiles(listedOrderFeed([0, 3, 1, 2, 4, 5])))).notices).toEqual([]);
    expect(noticesText([])).toBe('');
  });

  it('finds a stop far from the trip\'s shape', async () => {
    const shape = ['shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence', ...[0, 1, 2, 3].map((i) => `SH,0,${(i * 0.008993).toFixed(6)},${i}`)].join('\n') + '\n';
    const trips = 'route_id,service_id,trip_id,trip_headsign,direction_id,shape_id\nR1,ALL,T1,East,0,SH\nR1,ALL,T2,East,0,SH\n';
    expect((await load(zipFiles(lineFeed({ 'shapes.txt': shape, 'trips.txt': trips })))).notices).toEqual([]);
    // C 300 m north of the street its shape runs along (0.0027 degrees of latitude).
    const stops = 'stop_id,stop_name,stop_lat,stop_lon\nA,Stop A,0,0\nB,Stop B,0,0.008993\nC,Stop C,0.0027,0.017986\nD,Stop D,0,0.026979\n';
    const timetable = await load(zipFiles(lineFeed({ 'shapes.txt': shape, 'trips.txt': trips, 'stops.txt': stops })));
    expect(timetable.notices).toEqual([{
      code: 'stop_far_from_shape', file: 'stop_times.txt', line: 4, routeId: 'R1', routeShortName: '1', tripId: 'T1', trips: 2, stops: 1, stopIds: ['C'],
      reason: '1 of the trip\'s 4 stops over 100 m from where the trip\'s order places them on shape "SH" (stop "C" 300 m off): the stop, the shape or the order is wrong',
    }]);
  });

  it('finds a trip timed faster than its buses go, by the limit of its route_type', async () => {
    const timed = (c: string) => ({ 'stop_times.txt': lineFeed()['stop_times.txt']!.replace('T2,08:40:00,08:40:00,C,3', `T2,${c},${c},C,3`) });
    // B to C is 1 km: 20 s is 180 km/h, over a bus's 150.
    const fast = await load(zipFiles(lineFeed(timed('08:35:20'))));
    expect(fast.notices).toEqual([{
      code: 'fast_travel_between_consecutive_stops', file: 'stop_times.txt', line: 8, routeId: 'R1', routeShortName: '1', tripId: 'T2', trips: 1, stops: 2, stopIds: ['B', 'C'],
      reason: '1 of the trip\'s hops from stop to stop timed faster than 150 km/h, the most route_type 3 goes; the fastest, "B" to "C", 1.00 km in 20 s (180 km/h): a time or a stop\'s place is wrong',
    }]);
    // 40 s is 90 km/h: a bus may, a ferry may not.
    expect((await load(zipFiles(lineFeed(timed('08:35:40'))))).notices).toEqual([]);
    const ferry = await load(zipFiles(lineFeed({ ...timed('08:35:40'), 'routes.txt': 'route_id,route_short_name,route_long_name,route_type\nR1,1,Harbour,4\n' })));
    expect(ferry.notices).toMatchObject([{ code: 'fast_travel_between_consecutive_stops', tripId: 'T2', reason: expect.stringContaining('faster than 80 km/h, the most route_type 4 goes') }]);
    // Both trips timed so: one notice, counting both.
    const both = lineFeed(timed('08:35:20'));
    both['stop_times.txt'] = both['stop_times.txt']!.replace('T1,,,C,3', 'T1,08:05:20,08:05:20,C,3');
    const twice = (await load(zipFiles(both))).notices;
    expect(twice).toMatchObject([{ tripId: 'T1', trips: 2, line: 4 }]);
    expect(noticeLine(twice[0]!)).toMatch(/^stop_times.txt:4 fast_travel_between_consecutive_stops: route "R1", trip "T1" and 1 more with the same stops, timed so: /);
  });

  it('judges a hop from the last stop with a time, allowing a minute for times to the whole minute', () => {
    const places = { xs: Float64Array.from([0, 1500, 3000]), ys: new Float64Array(3) };
    const call = (stopId: string, time: number | null, line: number) => ({ sequence: line, stopId, arrival: time, departure: time, line });
    const fastHops = (list: Call[], at: CallPlaces, kmh: number) => {
      const calls = new TripCalls(new StopNumbers());
      for (const one of list) calls.push(one);
      return hopsOf(calls, at, kmh);
    };
    const t = (clock: string) => Number(clock.slice(0, 2)) * 3600 + Number(clock.slice(3, 5)) * 60 + Number(clock.slice(6, 8));
    // 3 km in a minute is 180 km/h; to the whole minute it may be nearly two (90 km/h).
    expect(fastHops([call('A', t('08:00:00'), 2), call('B', null, 3), call('C', t('08:01:00'), 4)], places, 150)).toEqual([]);
    const [hop] = fastHops([call('A', t('08:00:10'), 2), call('B', null, 3), call('C', t('08:01:10'), 4)], places, 150);
    expect(hop).toMatchObject({ from: { stopId: 'A' }, to: { stopId: 'C', line: 4 }, metres: 3000, seconds: 60, kmh: 180 });
    // No time between two stops (or back in time) counts as a minute.
    expect(fastHops([call('A', t('08:00:10'), 2), call('B', t('08:00:10'), 3)], places, 150)).toEqual([]);
    const apart = { xs: Float64Array.from([0, 3000]), ys: new Float64Array(2) }; // places go by the calls' order
    expect(fastHops([call('A', t('08:00:10'), 2), call('C', t('08:00:10'), 3)], apart, 150)).toMatchObject([{ seconds: 60, kmh: 180 }]);
    expect(fastHops([call('A', t('08:00:10'), 2), call('C', t('08:00:05'), 3)], apart, 150)).toMatchObject([{ seconds: 60, kmh: 180 }]);
  });

  it.each([[3, 150], [0, 100], [1, 150], [2, 500], [4, 80], [5, 30], [6, 50], [7, 50], [11, 150], [12, 150], [700, 150], [109, 500], [900, 100], [1000, 80], [1300, 50], [1700, 200]])(
    'takes route_type %i to go at most %i km/h', (type, kmh) => expect(maxKmh(type)).toBe(kmh));

  it('finds nothing to say of the demo city\'s network', async () => {
    expect((await load(zipFiles(demoNetworkFeed()))).notices).toEqual([]);
  });
});

/** What a timetable holds, as plain values: its trips with their patterns and times, and its indexes. */
function digest(timetable: Timetable) {
  const ids = (trips: Array<{ id: string }>) => trips.map((trip) => trip.id).join(' ');
  return {
    stops: [...timetable.stops.values()].map((stop) => [stop.id, stop.x, stop.y]),
    trips: [...timetable.trips.values()].map((trip) => [trip.id, trip.directionId, trip.headsign, trip.pattern.key, [...trip.pattern.distances], [...trip.arrivals], [...trip.departures]]),
    byRoute: [...timetable.tripsByRoute].map(([id, trips]) => [id, ids(trips)]),
    byBlock: [...timetable.tripsByBlock].map(([id, trips]) => [id, ids(trips)]),
    byStop: [...timetable.tripsByStop].map(([id, calls]) => [id, calls.map((call) => `${call.trip.id}@${call.index}`).join(' ')]),
    stations: [...timetable.stopsOfStation],
  };
}

describe('a feed built in slices, as a server imports it', () => {
  it('gives the same timetable and notices as built at once, pausing after every trip', async () => {
    const draft = await readFeedFile(zipFiles(demoNetworkFeed()));
    const whole = buildTimetable(draft);
    let pauses = 0;
    const counted = () => { pauses++; return undefined; };
    const sliced = await buildTimetableInSlices(draft, counted);
    expect(digest(sliced)).toEqual(digest(whole));
    expect(pauses).toBeGreaterThanOrEqual(whole.trips.size);
    pauses = 0;
    expect(await feedNoticesInSlices(draft, sliced, counted)).toEqual(feedNotices(draft, whole));
    expect(pauses).toBeGreaterThanOrEqual(draft.trips.size);
  });

  it('lets other work run before it ends', async () => {
    const draft = await readFeedFile(zipFiles(demoNetworkFeed()));
    const order: string[] = [];
    setImmediate(() => order.push('other work'));
    // A slice of no length: each step hands the event loop over, as a long one does once its 10 ms are up.
    const building = buildTimetableInSlices(draft, pauseEvery(-1)).then((timetable) => { order.push('timetable'); return timetable; });
    await feedNoticesInSlices(draft, await building, pauseEvery(-1));
    order.push('notices');
    expect(order).toEqual(['other work', 'timetable', 'notices']);
  });
});
