// The next trip of a bus's block: which trip it is, and the stop boards telling its delay before the bus
// starts it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../../../test/harness.js';
import { openEventStream } from '../../../../test/event-stream.js';
import { manualClock } from '../../../platform/clock.js';
import { loadTimetable, type Timetable } from '../gtfs/timetable.js';
import { lineFeed, lineLongitude, uploadFeed, zipFiles } from '../testing/feed.js';
import { nextTripInBlock } from './next-trip.js';

const MONDAY = Date.parse('2024-03-04T00:00:00Z') / 1000; // the line feed runs in UTC
const at = (clock: string) => MONDAY + Number(clock.slice(0, 2)) * 3600 + Number(clock.slice(3, 5)) * 60 + Number(clock.slice(6, 8) || 0);
const day = (time: number) => Math.floor(time / 86_400);

// One bus runs T1 (A 08:00 .. D 08:15) then T2 (A 08:30 .. E 08:50) every day, and on Sundays T3 (08:20)
// in between; T9 belongs to no block. Only T2 calls at E.
const blocks = lineFeed({
  'stops.txt': 'stop_id,stop_name,stop_lat,stop_lon\nA,Stop A,0,0\nB,Stop B,0,0.008993\nC,Stop C,0,0.017986\nD,Stop D,0,0.026979\nE,Stop E,0,0.035972\n',
  'trips.txt': 'route_id,service_id,trip_id,trip_headsign,direction_id,block_id\nR1,ALL,T1,East,0,B1\nR1,ALL,T2,East,0,B1\nR1,SUN,T3,East,0,B1\nR1,ALL,T9,East,0,\n',
  'stop_times.txt': [
    'trip_id,arrival_time,departure_time,stop_id,stop_sequence',
    'T1,08:00:00,08:00:00,A,1', 'T1,08:05:00,08:05:00,B,2', 'T1,08:10:00,08:10:00,C,3', 'T1,08:15:00,08:15:00,D,4',
    'T2,08:30:00,08:30:00,A,1', 'T2,08:35:00,08:35:00,B,2', 'T2,08:40:00,08:40:00,C,3', 'T2,08:45:00,08:45:00,D,4', 'T2,08:50:00,08:50:00,E,5',
    'T3,08:20:00,08:20:00,A,1', 'T3,08:25:00,08:25:00,D,2',
    'T9,09:00:00,09:00:00,A,1', 'T9,09:15:00,09:15:00,D,2',
  ].join('\n') + '\n',
  'calendar.txt': 'service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nALL,1,1,1,1,1,1,1,20240101,20301231\nSUN,0,0,0,0,0,0,1,20240101,20301231\n',
});

describe('the next trip of a block', () => {
  let timetable: Timetable;
  beforeAll(async () => {
    timetable = await loadTimetable(zipFiles(blocks));
  });

  it('is the block\'s next trip that runs that day', () => {
    const trip = (id: string) => timetable.trips.get(id)!;
    expect(nextTripInBlock(timetable, trip('T1'), day(MONDAY))).toBe(trip('T2'));
    expect(nextTripInBlock(timetable, trip('T1'), day(MONDAY) - 1)).toBe(trip('T3')); // a Sunday
    expect(nextTripInBlock(timetable, trip('T3'), day(MONDAY) - 1)).toBe(trip('T2'));
    expect(nextTripInBlock(timetable, trip('T2'), day(MONDAY))).toBeNull(); // the bus's last trip
    expect(nextTripInBlock(timetable, trip('T9'), day(MONDAY))).toBeNull(); // no block
  });
});

describe('the stop boards of a late bus\'s next trip', () => {
  let server: TestServer;
  let duty: string;
  const clock = manualClock(at('08:25:00') * 1000);
  const push = async (entities: unknown[]) =>
    (await server.request('POST', '/api/v1/transit/realtime?feed=blocks', { token: duty, body: { header: { gtfs_realtime_version: '2.0', timestamp: clock.now() / 1000 }, entity: entities } })).body;
  const position = (vehicle: string, trip: string, metres: number) =>
    ({ id: vehicle, vehicle: { vehicle: { id: vehicle }, trip: { trip_id: trip }, position: { latitude: 0, longitude: lineLongitude(metres) }, timestamp: clock.now() / 1000 } });
  const arrivalsOf = async (stop: string, trip: string) =>
    ((await server.request('GET', `/api/v1/transit/stops/${stop}/arrivals?feed=blocks&limit=20`)).body.arrivals as Array<Record<string, number | string>>).filter((arrival) => arrival.tripId === trip);

  type Entity = { id: string; tripUpdate: { trip: Record<string, unknown>; vehicle?: { id: string }; stopTimeUpdate: Array<{ arrival: { delay: number } }> } };
  const tripUpdates = async () => (await server.request('GET', '/gtfs-rt/trip-updates?feed=blocks&format=json')).body.entity as Entity[];

  beforeAll(async () => {
    server = await startServer({ clock });
    duty = await server.login('duty');
    expect((await uploadFeed(server.url, duty, 'blocks', blocks)).status).toBe(201);
  });
  afterAll(async () => server?.close());

  it('shows the next trip leaving when the bus can start it, from the bus\'s arrival at its last stop', async () => {
    // Without a bus, T2 keeps its time at C.
    expect(await arrivalsOf('C', 'T2')).toMatchObject([{ predictedArrival: at('08:40:00'), source: 'timetable' }]);
    // The bus of T1 is at B at 08:25, twenty minutes late.
    clock.set(at('08:24:00') * 1000);
    expect(await push([position('V1', 'T1', 900)])).toMatchObject({ accepted: 1 });
    clock.set(at('08:25:00') * 1000);
    expect(await push([position('V1', 'T1', 1000)])).toMatchObject({ accepted: 1 });
    const [end] = await arrivalsOf('D', 'T1');
    expect(end).toMatchObject({ source: 'vehicle', vehicleId: 'V1' });
    expect(end!.predictedArrival).toBeGreaterThan(at('08:30:00'));
    // T2 leaves A a minute after the bus gets to D, and keeps that delay: one arrival at C, from V1.
    const delay = Number(end!.predictedArrival) + 60 - at('08:30:00');
    const atC = await arrivalsOf('C', 'T2');
    expect(atC).toHaveLength(1);
    expect(atC[0]).toMatchObject({ source: 'vehicle', vehicleId: 'V1', live: true, scheduledArrival: at('08:40:00') });
    expect(Math.abs(Number(atC[0]!.delaySeconds) - delay)).toBeLessThanOrEqual(1);
    expect(atC[0]!.predictedArrival).toBe(at('08:40:00') + Number(atC[0]!.delaySeconds));
    // Our trip updates carry it too, without the bus (named by the trip it runs now).
    const next = (await tripUpdates()).find((entity) => entity.tripUpdate.trip.tripId === 'T2')!;
    expect(next.id).toMatch(/^next-T2@/);
    expect(next.tripUpdate.vehicle).toBeUndefined();
    expect(next.tripUpdate.trip).toEqual({ tripId: 'T2', routeId: 'R1', directionId: 0, startDate: '20240304', scheduleRelationship: 'SCHEDULED' });
    expect(next.tripUpdate.stopTimeUpdate.map((call) => call.arrival.delay)).toEqual([0, 0, 0, 0, 0].map(() => atC[0]!.delaySeconds));
  });

  it('streams a stop of the next trip again when the bus of the trip before it reports', async () => {
    // Only T2 calls at E: V1, on T1, makes its stream change through its block alone.
    const stream = await openEventStream(`${server.url}/api/v1/transit/stops/E/stream?feed=blocks`);
    const t2 = (event: { arrivals: Array<{ tripId: string; predictedArrival: number; source: string }> }) => event.arrivals.find((arrival) => arrival.tripId === 'T2');
    const first = t2((await stream.next()).data)!;
    expect(first).toMatchObject({ source: 'vehicle', vehicleId: 'V1' });
    // V1 stands still at B for two minutes: it will finish T1 later, so T2 leaves later.
    clock.set(at('08:27:00') * 1000);
    expect(await push([position('V1', 'T1', 1000)])).toMatchObject({ accepted: 1 });
    const second = t2((await stream.next()).data)!;
    expect(second.predictedArrival).toBeGreaterThan(first.predictedArrival);
    stream.close();
  });

  it('gives way to the operator\'s word on the next trip, and to a bus tracked on it', async () => {
    await push([{ id: 'tu-T2', tripUpdate: { trip: { tripId: 'T2' }, timestamp: clock.now() / 1000, stopTimeUpdate: [{ stopSequence: 1, departure: { delay: 120 } }] } }]);
    expect(await arrivalsOf('C', 'T2')).toMatchObject([{ source: 'operator', predictedArrival: at('08:42:00') }]);
    expect((await tripUpdates()).filter((entity) => entity.tripUpdate.trip.tripId === 'T2').map((entity) => entity.id)).toEqual(['operator-T2@' + day(MONDAY)]);
    clock.set(at('08:28:00') * 1000);
    expect(await push([position('V2', 'T2', 10)])).toMatchObject({ accepted: 1 });
    expect(await arrivalsOf('C', 'T2')).toMatchObject([{ source: 'vehicle', vehicleId: 'V2' }]);
  });
});
