import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../../test/harness.js';
import { manualClock } from '../../platform/clock.js';
import { lineFeed, lineLongitude, uploadFeed, zipFiles } from './testing/feed.js';
import { loadTimetable } from './gtfs/timetable.js';
import { headwayInputs, PassingRecorder, searchStops, SILENCE_SECONDS } from './network.js';
import type { FeedRuntime, LiveVehicle } from './feed-runtime.js';
import { Tracker } from './tracking/tracker.js';

const DAY = Date.parse('2024-03-04T00:00:00Z') / 1000; // a Monday; the line feed runs in UTC
const at = (clock: string) => DAY + Number(clock.slice(0, 2)) * 3600 + Number(clock.slice(3, 5)) * 60 + Number(clock.slice(6, 8) || 0);

let server: TestServer;
let duty: string;
const clock = manualClock(at('07:50:00') * 1000);

/** The line feed with a bus every 10 minutes: T1 leaves A at 08:00, T2 at 08:10, ... T5 at 08:40; 5 minutes between stops. */
function tenMinuteLine() {
  const times = (trip: string, start: number) => ['A', 'B', 'C', 'D'].map((stop, i) => {
    const minute = start + 5 * i;
    const text = `08:${String(minute).padStart(2, '0')}:00`;
    return `${trip},${text},${text},${stop},${i + 1}`;
  });
  return lineFeed({
    'trips.txt': 'route_id,service_id,trip_id,trip_headsign,direction_id\nR1,ALL,T1,East,0\nR1,ALL,T2,East,0\nR1,ALL,T3,East,0\nR1,ALL,T4,East,0\nR1,ALL,T5,East,0\n',
    'stop_times.txt': ['trip_id,arrival_time,departure_time,stop_id,stop_sequence', ...times('T1', 0), ...times('T2', 10), ...times('T3', 20), ...times('T4', 30), ...times('T5', 40)].join('\n') + '\n',
  });
}

/** One position pushed when it is made (the server's clock moved to it). */
async function report(vehicle: string, trip: string, clockTime: string, metres: number) {
  clock.set(at(clockTime) * 1000);
  const response = await server.request('POST', '/api/v1/transit/realtime?feed=line', {
    token: duty,
    body: { header: { gtfs_realtime_version: '2.0', timestamp: at(clockTime) }, entity: [{ id: vehicle, vehicle: { vehicle: { id: vehicle }, trip: { trip_id: trip }, position: { latitude: 0, longitude: lineLongitude(metres) }, timestamp: at(clockTime) } }] },
  });
  expect(response.body).toMatchObject({ accepted: 1 });
}

beforeAll(async () => {
  server = await startServer({ clock });
  duty = await server.login('duty');
  expect((await uploadFeed(server.url, duty, 'line', tenMinuteLine())).status).toBe(201);
  // V1 runs T1 eight minutes late: past B at 08:13 and C at 08:18. V2 runs T2 on time: B 08:15, C 08:20.
  await report('V1', 'T1', '08:12:00', 800);
  await report('V1', 'T1', '08:14:00', 1200);
  await report('V2', 'T2', '08:14:00', 800);
  await report('V2', 'T2', '08:16:00', 1200);
  await report('V1', 'T1', '08:17:00', 1800);
  await report('V1', 'T1', '08:19:00', 2200);
  await report('V2', 'T2', '08:19:00', 1800);
  await report('V1', 'T1', '08:21:00', 2600);
  await report('V2', 'T2', '08:21:00', 2200);
  // V4 stands at A, where T4 leaves at 08:30: laying over, not nine minutes early.
  await report('V4', 'T4', '08:21:00', 10);
  // V5 stands there too, a few metres on, for T5 at 08:40: it leaves after V4.
  await report('V5', 'T5', '08:21:00', 20);
});
afterAll(async () => server?.close());

describe('stop search', () => {
  it('finds stops by name or id, names starting with the text first, with their routes', async () => {
    const all = await server.request('GET', '/api/v1/transit/stops?feed=line&q=stop');
    expect(all.status).toBe(200);
    expect(all.body.items.map((stop: { id: string }) => stop.id)).toEqual(['A', 'B', 'C', 'D']);
    expect(all.body.items[0]).toEqual({ id: 'A', name: 'Stop A', routes: [{ id: 'R1', shortName: '1', longName: 'Main Street', color: '', type: 3 }], towards: ['East'] });
    // Where buses leave for: none from the end of the line.
    expect(all.body.items[3]).toMatchObject({ id: 'D', towards: [] });
    const one = await server.request('GET', '/api/v1/transit/stops?feed=line&q=p%20c');
    expect(one.body.items.map((stop: { id: string }) => stop.id)).toEqual(['C']);
    expect((await server.request('GET', '/api/v1/transit/stops?feed=line&q=nowhere')).body.items).toEqual([]);
    const two = await server.request('GET', '/api/v1/transit/stops?feed=line&limit=2');
    expect(two.body.items).toHaveLength(2);
    expect(two.body.total).toBe(4); // so that a page can say more stops match than it lists
  });

  it('finds the stops near a place, the nearest first, within the walk asked for', async () => {
    // 1,300 m east of A: C (2,000 m) is 700 m off, B (1,000 m) 300 m off, D 1,700 m off.
    const near = await server.request('GET', `/api/v1/transit/stops?feed=line&lat=0&lon=${lineLongitude(1300)}&radius=800`);
    expect(near.status).toBe(200);
    expect(near.body.total).toBe(2);
    expect(near.body.items.map((stop: { id: string; distance: number }) => [stop.id, stop.distance])).toEqual([['B', 300], ['C', 700]]);
    expect(near.body.items[0]).toMatchObject({ name: 'Stop B', routes: [{ id: 'R1' }], towards: ['East'] });
    // The default walk is 600 m; a name narrows it further.
    expect((await server.request('GET', `/api/v1/transit/stops?feed=line&lat=0&lon=${lineLongitude(1300)}`)).body.items.map((stop: { id: string }) => stop.id)).toEqual(['B']);
    expect((await server.request('GET', `/api/v1/transit/stops?feed=line&lat=0&lon=${lineLongitude(1300)}&radius=800&q=Stop C`)).body.items.map((stop: { id: string }) => stop.id)).toEqual(['C']);
    // Without a place, no distance.
    expect((await server.request('GET', '/api/v1/transit/stops?feed=line&q=Stop B')).body.items[0].distance).toBeUndefined();
  });

  it('refuses half a place or one off the globe, naming the field', async () => {
    for (const [query, field] of [['lat=0', 'lon'], [`lon=${lineLongitude(100)}`, 'lat'], ['lat=91&lon=0', 'lat'], ['lat=0&lon=abc', 'lon'], ['lat=0&lon=0&radius=10', 'radius']] as const) {
      const response = await server.request('GET', `/api/v1/transit/stops?feed=line&${query}`);
      expect(response.status, query).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body['invalid-params'].map((param: { name: string }) => param.name), query).toContain(field);
    }
  });

  it('lists numbered stops in the order of their numbers', async () => {
    const names = ['Line 1 Stop 10', 'Line 1 Stop 2', 'Line 1 Stop 1', 'Line 10 Stop 1'];
    const feed = lineFeed({ 'stops.txt': ['stop_id,stop_name,stop_lat,stop_lon', ...['A', 'B', 'C', 'D'].map((id, i) => `${id},${names[i]},0,${lineLongitude(1000 * i).toFixed(6)}`)].join('\n') + '\n' });
    const timetable = await loadTimetable(zipFiles(feed));
    const found = searchStops({ timetable } as FeedRuntime, 'line', 10);
    expect(found.items.map((stop) => stop.name)).toEqual(['Line 1 Stop 1', 'Line 1 Stop 2', 'Line 1 Stop 10', 'Line 10 Stop 1']);
  });

  it('refuses a bad limit and an unknown feed with problem+json', async () => {
    const bad = await server.request('GET', '/api/v1/transit/stops?feed=line&limit=0');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(bad.body)).toContain('limit');
    const unknown = await server.request('GET', '/api/v1/transit/stops?feed=nope&q=a');
    expect(unknown.status).toBe(404);
    expect(unknown.body['invalid-params']).toEqual([{ name: 'feed', reason: 'unknown feed' }]);
  });
});

describe('route line diagram', () => {
  it('lists routes, and draws a route with its vehicles and the bunched pair', async () => {
    const routes = await server.request('GET', '/api/v1/transit/routes?feed=line');
    expect(routes.body.items.map((route: { id: string }) => route.id)).toEqual(['R1']);
    const diagram = await server.request('GET', '/api/v1/transit/routes/R1?feed=line');
    expect(diagram.status).toBe(200);
    const [east] = diagram.body.directions;
    expect(diagram.body.directions).toHaveLength(1);
    expect(east).toMatchObject({ directionId: 0, headsign: 'East', scheduledHeadway: 600, length: expect.closeTo(3000, -1) });
    expect(east.stops.map((stop: { id: string }) => stop.id)).toEqual(['A', 'B', 'C', 'D']);
    // Leader first. V1 at 2600 m at 08:21 is due there at 08:13: 8 minutes late. V2, 400 m behind it, is
    // 2 minutes of timetable behind: under a quarter of the 10-minute headway, bunching.
    // The buses waiting at the first stop come last, the one leaving first first, wherever on the stand
    // each stands.
    expect(east.vehicles.map((vehicle: { vehicleId: string }) => vehicle.vehicleId)).toEqual(['V1', 'V2', 'V4', 'V5']);
    const [v1, v2, v4, v5] = east.vehicles;
    expect(diagram.body.timeZone).toBe('UTC');
    expect(v1).toMatchObject({ tripId: 'T1', nextStop: 3, gapAhead: null, gapAheadSeconds: null, waitingUntil: null, reportedAt: at('08:21:00') });
    expect(v1.delaySeconds).toBeGreaterThanOrEqual(475);
    expect(v1.delaySeconds).toBeLessThanOrEqual(485);
    expect(v2.gapAhead).toBe('bunching');
    expect(v2.gapAheadSeconds).toBeGreaterThanOrEqual(115);
    expect(v2.gapAheadSeconds).toBeLessThanOrEqual(125);
    // V4 waits at the first stop until its time: on time, and in no gap (it is not 21 minutes behind V2).
    expect(v4).toMatchObject({ tripId: 'T4', waitingUntil: at('08:30:00'), delaySeconds: 0, gapAhead: null, gapAheadSeconds: null });
    expect(v5).toMatchObject({ tripId: 'T5', waitingUntil: at('08:40:00'), gapAhead: null });
  });

  it('answers 404 naming the route for an unknown one', async () => {
    const unknown = await server.request('GET', '/api/v1/transit/routes/R9?feed=line');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'transit.unknown_route', 'invalid-params': [{ name: 'id', reason: 'unknown route' }] });
  });
});

describe('arrivals at a first stop', () => {
  it('lists the bus waiting there with its departure, not the timetable of the trip after', async () => {
    const board = await server.request('GET', '/api/v1/transit/stops/A/arrivals?feed=line');
    expect(board.status).toBe(200);
    const [first] = board.body.arrivals;
    // V4 stands at A at 08:21; T4 leaves at 08:30. It is announced live, by its bus, no later than that.
    expect(first).toMatchObject({ tripId: 'T4', vehicleId: 'V4', live: true, source: 'vehicle', scheduledArrival: at('08:30:00') });
    expect(first.predictedArrival).toBeGreaterThan(at('08:28:00'));
    expect(first.predictedArrival).toBeLessThanOrEqual(at('08:30:00'));
    expect(board.body.arrivals.filter((arrival: { tripId: string }) => arrival.tripId === 'T4')).toHaveLength(1);
    expect(first).toMatchObject({ stopsAway: 0, metresAway: 0, waitingAtFirstStop: true });
  });

  it('says how many stops and metres each tracked bus has still to come, and nothing for the timetable', async () => {
    const board = await server.request('GET', '/api/v1/transit/stops/D/arrivals?feed=line');
    const byTrip = new Map(board.body.arrivals.map((arrival: { tripId: string }) => [arrival.tripId, arrival]));
    // Stops every 1000 m. V1 (T1) at 2600 m and V2 (T2) 400 m behind it have passed C: D is their next
    // stop. V4 (T4) waits at A, three stops from D.
    expect(byTrip.get('T1')).toMatchObject({ stopsAway: 1, metresAway: expect.closeTo(400, -1), waitingAtFirstStop: false });
    expect(byTrip.get('T2')).toMatchObject({ stopsAway: 1, metresAway: expect.closeTo(800, -1) });
    expect(byTrip.get('T4')).toMatchObject({ stopsAway: 3, metresAway: expect.closeTo(3000, -2), waitingAtFirstStop: true });
    const timetable = board.body.arrivals.filter((arrival: { source: string }) => arrival.source === 'timetable');
    expect(timetable.length).toBeGreaterThan(0);
    for (const arrival of timetable) expect(arrival).toMatchObject({ stopsAway: null, metresAway: null, waitingAtFirstStop: false });
  });
});

describe('headways over HTTP', () => {
  it('compares the observed headways with the timetable over the same period', async () => {
    const response = await server.request('GET', '/api/v1/transit/headways?feed=line', { token: duty });
    expect(response.status).toBe(200);
    // Observed since the server started (07:50): B passed at 08:13 and 08:15, C at 08:18 and 08:20, so
    // two headways of 2 minutes; the timetable has B at 08:05 and 08:15, C at 08:10 and 08:20 by 08:21.
    expect(response.body).toMatchObject({ feed: 'line', from: at('07:50:00'), to: at('08:21:00'), passings: 4 });
    const [row] = response.body.items;
    expect(response.body.items).toHaveLength(1);
    expect(row).toMatchObject({ routeId: 'R1', directionId: 0, route: { shortName: '1' }, headsign: 'East', stops: 2, headways: 2, scheduledMeanHeadway: 600, scheduledWait: 300, bunching: 2, gaps: 0, liveVehicles: 4 });
    // T1 (08:00) and T2 (08:10) were due to leave A by 08:11, ten minutes before now, and both ran; T3 (08:20) is not due yet.
    expect(row).toMatchObject({ tripsDue: 2, tripsSeen: 2 });
    // No stop waiting now: at B and C the last buses served their slots (08:15, 08:20) and the next are
    // not due; at A and D the first bus of the day (due 08:00 and 08:15) is no gap in a service not yet
    // seen to start.
    expect(row).toMatchObject({ openGaps: 0, longestOpenGap: null });
    expect(row.meanHeadway).toBeGreaterThan(115);
    expect(row.meanHeadway).toBeLessThan(125);
    // One headway at each stop: no spread to measure there, so no CV (it used to read 0, perfectly regular).
    expect(row.cv).toBeNull();
    // The wait pools both stops' headways: 2 minutes each, so a minute's wait.
    expect(row.actualWait).toBeCloseTo(row.meanHeadway / 2, 0);
    expect(row.excessWait).toBeCloseTo(row.actualWait - 300, 6);
  });

  it('opens no scheduled headway before the passings were observed', async () => {
    // Passings observed from 08:08, the period 08:12-08:21: at B the buses came 08:13 and 08:15. The
    // timetable's 08:05 → 08:15 at B opens before anything was seen, so no observed headway could match
    // it: it is left out. Those opening at 08:10 (A, C) stay, as an observed one could.
    const timetable = await loadTimetable(zipFiles(tenMinuteLine()));
    // A passing at C at 08:06 (before observation was said to start) opens no headway either.
    const actual = [at('08:13:00'), at('08:15:00')].map((time) => ({ routeId: 'R1', directionId: 0, stopId: 'B', time }))
      .concat([at('08:06:00'), at('08:18:00')].map((time) => ({ routeId: 'R1', directionId: 0, stopId: 'C', time })));
    const scheduledAt = (inputs: ReturnType<typeof headwayInputs>) => inputs.scheduled.map((pass) => `${pass.stopId}@${new Date(pass.time * 1000).toISOString().slice(11, 16)}`).sort();
    const observed = headwayInputs(actual, timetable, at('08:12:00'), at('08:21:00'), {}, at('08:08:00'));
    expect(scheduledAt(observed)).toEqual(['A@08:10', 'A@08:20', 'B@08:15', 'C@08:10', 'C@08:20', 'D@08:15']);
    expect(observed.actual.map((pass) => `${pass.stopId}@${new Date(pass.time * 1000).toISOString().slice(11, 16)}`).sort()).toEqual(['B@08:13', 'B@08:15', 'C@08:18']);
    expect(observed.window).toEqual({ from: at('08:12:00'), to: at('08:21:00'), since: at('08:08:00') });
    const unbounded = headwayInputs(actual, timetable, at('08:12:00'), at('08:21:00'));
    expect(scheduledAt(unbounded)).toEqual(['A@08:10', 'A@08:20', 'B@08:05', 'B@08:15', 'C@08:10', 'C@08:20', 'D@08:15']);
  });

  it('takes a shorter window, and refuses a bad one naming the field', async () => {
    // 08:16-08:21: the headways ending in it. At C the buses came at 08:18 and 08:20 (none before 08:16);
    // at B the last bus came at 08:15, before the period: no headway there. The timetable's
    // headway at C ending in the period is 08:10 → 08:20.
    const short = await server.request('GET', '/api/v1/transit/headways?feed=line&window=300', { token: duty });
    expect(short.body).toMatchObject({ from: at('08:16:00'), passings: 2 });
    expect(short.body.items[0]).toMatchObject({ stops: 1, headways: 1, scheduledMeanHeadway: 600, bunching: 1 });
    const bad = await server.request('GET', '/api/v1/transit/headways?feed=line&window=10', { token: duty });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('window');
  });

  it('is for those who may read transit data', async () => {
    expect((await server.request('GET', '/api/v1/transit/headways?feed=line')).status).toBe(401);
    expect((await server.request('GET', '/api/v1/transit/headways?feed=line', { token: await server.login('viewer') })).status).toBe(403);
  });
});

describe('breaks in observation', () => {
  /** A position of a vehicle on a trip that has passed no stop yet: all the recorder needs to know it saw the feed. */
  const position = (time: number) => ({ ping: { time }, run: { key: 'T1@0', trip: { id: 'T1', routeId: 'R1', directionId: 0, pattern: { stopIds: ['A'] } }, nextIndex: 0, passTimes: [] } }) as unknown as LiveVehicle;

  it('is a silence of the whole feed of ten minutes or more, and a restart whatever its length', () => {
    const recorder = new PassingRecorder(3 * 3600, at('08:00:00'));
    for (const time of [at('08:00:00'), at('08:05:00'), at('08:05:00') + SILENCE_SECONDS - 1, at('08:30:00'), at('08:29:00')]) recorder.observe('line', position(time));
    // 08:05 → 08:14:59 is short of a silence; 08:14:59 → 08:30 is one; a late position (08:29) opens none.
    expect(recorder.breaksBetween('line', at('07:00:00'), at('09:00:00'))).toEqual([{ from: at('08:05:00') + SILENCE_SECONDS - 1, to: at('08:30:00') }]);
    expect(recorder.breaksBetween('line', at('08:31:00'), at('09:00:00'))).toEqual([]);
    expect(recorder.drainPendingBreaks()).toEqual([{ feedId: 'line', from: at('08:05:00') + SILENCE_SECONDS - 1, to: at('08:30:00') }]);
    expect(recorder.breaksBetween('other', at('07:00:00'), at('09:00:00'))).toEqual([]);

    // After a restart the server was not watching from the last passing it had stored to its first position.
    const restarted = new PassingRecorder(3 * 3600, at('08:31:00'));
    restarted.restore('line', [{ routeId: 'R1', directionId: 0, stopId: 'A', time: at('08:29:30') }], [{ from: at('08:14:59'), to: at('08:30:00') }]);
    restarted.observe('line', position(at('08:31:10')));
    restarted.observe('line', position(at('08:31:20')));
    expect(restarted.breaksBetween('line', at('07:00:00'), at('09:00:00'))).toEqual([{ from: at('08:14:59'), to: at('08:30:00') }, { from: at('08:29:30'), to: at('08:31:10') }]);
  });
});

describe('passings at a first stop', () => {
  it('are when the bus leaves, not when it pulls in to wait there', async () => {
    // The street begins 100 m west of A, so a bus standing at A wanders either side of it on its fixes.
    const shaped = await loadTimetable(zipFiles(lineFeed({
      'trips.txt': 'route_id,service_id,trip_id,trip_headsign,direction_id,shape_id\nR1,ALL,T1,East,0,S\nR1,ALL,T2,East,0,S\n',
      'shapes.txt': `shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence\nS,0,${lineLongitude(-100)},1\nS,0,${lineLongitude(3000)},2\n`,
    })));
    const tracker = new Tracker(shaped);
    const recorder = new PassingRecorder(3 * 3600, at('07:50:00'));
    const fix = (vehicle: string, trip: string, clockTime: string, metresFromA: number) => {
      const ping = { time: at(clockTime), vehicleId: vehicle, tripId: trip, routeId: 'R1', lat: 0, lon: lineLongitude(metresFromA) };
      recorder.observe('line', { ping, run: tracker.observe(ping)?.run ?? null });
    };
    // V1 (T1, 08:00) stands at A from 07:55 and leaves on time; V2 (T2, 08:30) pulls in at 07:58 and
    // stands there half an hour. Both cross A on their fixes while standing.
    fix('V1', 'T1', '07:55:00', -5);
    fix('V1', 'T1', '07:57:00', 4);
    fix('V2', 'T2', '07:58:00', -4);
    fix('V2', 'T2', '07:59:00', 3);
    fix('V1', 'T1', '07:59:50', 10);
    fix('V1', 'T1', '08:00:10', 40 + 100 / 3); // cleared 40 m on at 08:00:00, at the timetable's 1000 m in 5 min
    fix('V2', 'T2', '08:15:00', 6);
    fix('V2', 'T2', '08:29:50', 20);
    fix('V2', 'T2', '08:30:10', 40 + 100 / 3); // cleared at 08:30:00
    const atA = recorder.between('line', at('07:00:00'), at('09:00:00')).filter((pass) => pass.stopId === 'A');
    expect(atA.map((pass) => Math.round(pass.time))).toEqual([at('08:00:00'), at('08:30:00')]);
  });
});

describe('requests that name no feed, with several feeds', () => {
  it('finds the one feed with the stop or route, the default feed first, and asks for the feed when that is not enough', async () => {
    const rename = (text: string) => text.replace(/\b([ABCD])\b/g, 'Q$1').replace(/\bR1\b/g, 'R2');
    const other = Object.fromEntries(Object.entries(tenMinuteLine()).map(([name, text]) => [name, rename(text)]));
    expect((await uploadFeed(server.url, duty, 'other', other)).status).toBe(201);
    // Each stop and route is in one feed: found there, and the answer says which.
    const a = await server.request('GET', '/api/v1/transit/stops/A/arrivals');
    expect(a).toMatchObject({ status: 200, body: { feed: 'line', stop: { id: 'A' } } });
    expect((await server.request('GET', '/api/v1/transit/stops/QA/arrivals')).body).toMatchObject({ feed: 'other', stop: { id: 'QA' } });
    expect((await server.request('GET', '/api/v1/transit/routes/R2')).body).toMatchObject({ feed: 'other', route: { id: 'R2' } });
    // A whole-feed question, or a stop in neither, needs the feed named.
    const search = await server.request('GET', '/api/v1/transit/stops?q=Stop');
    expect(search.status).toBe(400);
    expect(search.body.type).toContain('transit.feed_required');
    // Passengers choose among the networks, with their operators.
    const networks = await server.request('GET', '/api/v1/transit/networks');
    expect(networks.body).toEqual({ default: null, items: [
      { id: 'line', agencies: ['Line Bus'], routes: 1, stops: 4, timeZone: 'UTC' },
      { id: 'other', agencies: ['Line Bus'], routes: 1, stops: 4, timeZone: 'UTC' },
    ] });
    expect(search.body['invalid-params']).toEqual([{ name: 'feed', reason: 'required when there are several feeds' }]);
    expect((await server.request('GET', '/api/v1/transit/stops/NOPE/arrivals')).body['invalid-params']).toEqual([{ name: 'feed', reason: 'required when there are several feeds' }]);
    // A third feed with the same stop ids: A is now ambiguous...
    expect((await uploadFeed(server.url, duty, 'copy', tenMinuteLine())).status).toBe(201);
    const ambiguous = await server.request('GET', '/api/v1/transit/stops/A/arrivals');
    expect(ambiguous.body).toMatchObject({ detail: 'name the feed: stop "A" is in copy, line', 'invalid-params': [{ name: 'feed', reason: 'required: several feeds have this stop' }] });
    // ...unless the city's default feed has it; the default also answers whole-feed questions.
    server.app.transit.service.defaultFeed = 'line';
    expect((await server.request('GET', '/api/v1/transit/networks')).body).toMatchObject({ default: 'line' });
    expect((await server.request('GET', '/api/v1/transit/stops/A/arrivals')).body).toMatchObject({ feed: 'line' });
    expect((await server.request('GET', '/api/v1/transit/stops?q=Stop')).body).toMatchObject({ feed: 'line' });
    expect((await server.request('GET', '/api/v1/transit/stops/QA/arrivals')).body).toMatchObject({ feed: 'other' });
    expect((await server.request('GET', '/api/v1/transit/stops/NOPE/arrivals')).body['invalid-params']).toEqual([{ name: 'id', reason: 'unknown stop' }]);
  });
});

describe('headways of lines not yet measured', () => {
  it('lists every route direction with buses on the road or due, with the timetable headway, before any headway is seen', async () => {
    // Eastbound T1-T4 and westbound W1-W4, each every 10 minutes from 08:00; one bus seen, on T1, no stop passed.
    const west = ['W1', 'W2', 'W3', 'W4'].flatMap((trip, n) => ['D', 'C', 'B', 'A'].map((stop, i) => {
      const text = `08:${String(10 * n + 5 * i).padStart(2, '0')}:00`;
      return `${trip},${text},${text},${stop},${i + 1}`;
    }));
    const east = tenMinuteLine();
    const both = {
      ...east,
      'trips.txt': east['trips.txt'] + ['W1', 'W2', 'W3', 'W4'].map((trip) => `R1,ALL,${trip},West,1`).join('\n') + '\n',
      'stop_times.txt': east['stop_times.txt'] + west.join('\n') + '\n',
    };
    expect((await uploadFeed(server.url, duty, 'both', both)).status).toBe(201);
    clock.set(at('08:21:00') * 1000);
    // E1 runs T3; W1's bus, due at 08:00, still stands at D, its first stop, twenty minutes late.
    const fix = (id: string, trip: string, metres: number) => ({ id, vehicle: { vehicle: { id }, trip: { trip_id: trip }, position: { latitude: 0, longitude: lineLongitude(metres) }, timestamp: at('08:21:00') } });
    const pushed = await server.request('POST', '/api/v1/transit/realtime?feed=both', {
      token: duty,
      body: { header: { gtfs_realtime_version: '2.0', timestamp: at('08:21:00') }, entity: [fix('E1', 'T3', 300), fix('W1', 'W1', 3000)] },
    });
    expect(pushed.body).toMatchObject({ accepted: 2 });
    const response = await server.request('GET', '/api/v1/transit/headways?feed=both&window=1800', { token: duty });
    expect(response.status).toBe(200);
    expect(response.body.items).toEqual([
      // T1 and T2 were due to leave by 08:11 and no bus was seen on them; T3's is on the road, not due yet.
      expect.objectContaining({ routeId: 'R1', directionId: 0, headsign: 'East', liveVehicles: 1, stops: 0, headways: 0, meanHeadway: null, cv: null, excessWait: null, scheduledMeanHeadway: 600, bunching: 0, gaps: 0, tripsDue: 2, tripsSeen: 0 }),
      // W1 and W2 were due; W1's bus is there, late.
      expect.objectContaining({ routeId: 'R1', directionId: 1, headsign: 'West', liveVehicles: 1, stops: 0, headways: 0, meanHeadway: null, scheduledMeanHeadway: 600, tripsDue: 2, tripsSeen: 1 }),
    ]);
    // A route filter keeps to its own.
    const west1 = await server.request('GET', '/api/v1/transit/headways?feed=both&window=1800&direction=1', { token: duty });
    expect(west1.body.items.map((row: { directionId: number }) => row.directionId)).toEqual([1]);
  });
});
