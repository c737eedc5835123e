import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startServer, type TestServer } from '../../../test/harness.js';
import { openEventStream } from '../../../test/event-stream.js';
import { manualClock } from '../../platform/clock.js';
import { lineFeed, lineLongitude, listedOrderFeed, uploadFeed, zipFiles } from './testing/feed.js';
import { FeedMessage } from './realtime/feed-message.js';
import { TransitService } from './service.js';
import { loadTimetable } from './gtfs/timetable.js';
import { pino } from 'pino';

const DAY = Date.parse('2024-03-04T00:00:00Z') / 1000; // a Monday; the line feed runs in UTC
const at = (clock: string) => DAY + Number(clock.slice(0, 2)) * 3600 + Number(clock.slice(3, 5)) * 60 + Number(clock.slice(6, 8) || 0);

let server: TestServer;
const clock = manualClock(at('08:00:00') * 1000);

async function upload(id: string, body: Buffer, token?: string) {
  const response = await uploadFeed(server.url, token, id, body);
  return { status: response.status, type: response.headers.get('content-type'), body: await response.json() };
}

async function pushProtobuf(message: Record<string, unknown>, token: string, feed?: string) {
  const bytes = FeedMessage.encode(FeedMessage.fromObject(message)).finish();
  const response = await fetch(`${server.url}/api/v1/transit/realtime${feed ? `?feed=${feed}` : ''}`, { method: 'POST', body: new Blob([new Uint8Array(bytes)]), headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${token}` } });
  return { status: response.status, type: response.headers.get('content-type'), body: await response.json() };
}

const position = (vehicle: string, trip: string, time: number, metres: number) => ({
  id: vehicle, vehicle: { vehicle: { id: vehicle }, trip: { tripId: trip }, position: { latitude: 0, longitude: lineLongitude(metres) }, timestamp: time },
});

beforeAll(async () => {
  server = await startServer({ clock });
});
afterAll(async () => server?.close());

describe('GTFS feeds over the API', () => {
  it('imports a feed, lists it, and refuses a bad one without touching the stored one', async () => {
    const duty = await server.login('duty');
    const created = await upload('line', zipFiles(lineFeed()), duty);
    expect(created.status).toBe(201);
    expect(created.body.counts).toMatchObject({ stops: 4, routes: 1, trips: 2, stopTimes: 8 });
    expect(created.body.notices).toEqual([]);

    const feed = lineFeed();
    feed['stop_times.txt'] = feed['stop_times.txt']!.replace('T2,08:35:00', 'T2,25:61:00');
    const refused = await upload('line', zipFiles(feed), duty);
    expect(refused.status).toBe(400);
    expect(refused.type).toContain('application/problem+json');
    expect(refused.body['invalid-params']).toEqual([{ name: 'stop_times.txt:7/arrival_time', reason: '"25:61:00" is not a time H:MM:SS' }]);

    const listed = await server.request('GET', '/api/v1/transit/feeds', { token: duty });
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0]).toMatchObject({ id: 'line', agencyTimezone: 'UTC', counts: { stopTimes: 8 } });
  });

  it('takes a zip by the types browsers and tools send it as, and refuses one sent as text with a 415, not as a broken zip', async () => {
    const duty = await server.login('duty');
    const send = (type: string) => fetch(`${server.url}/api/v1/transit/feeds?id=typed`, { method: 'POST', body: new Uint8Array(zipFiles(lineFeed())), headers: { 'content-type': type, authorization: `Bearer ${duty}` } });
    const asText = await send('text/plain');
    expect(asText.status).toBe(415);
    expect(await asText.json()).toMatchObject({ code: 'unsupported_media_type', 'invalid-params': [{ name: 'content-type', reason: 'text/plain is not taken here' }] });
    expect((await server.request('GET', '/api/v1/transit/feeds', { token: duty })).body.items.map((feed: { id: string }) => feed.id)).not.toContain('typed');
    expect((await send('application/x-zip-compressed')).status).toBe(201); // a .zip uploaded from a browser on Windows
    expect((await server.request('DELETE', '/api/v1/transit/feeds/typed', { token: duty })).status).toBe(204);
    const pushed = await fetch(`${server.url}/api/v1/transit/realtime?feed=line`, { method: 'POST', body: '{"header":{"gtfs_realtime_version":"2.0"}}', headers: { 'content-type': 'text/plain', authorization: `Bearer ${duty}` } });
    expect(pushed.status).toBe(415);
    expect((await pushed.json())['invalid-params']).toEqual([{ name: 'content-type', reason: 'text/plain is not taken here' }]);
  });

  it('says which days a feed covers, and how far today is from its last: one whose calendar has ended still imports', async () => {
    const duty = await server.login('duty');
    const today = Math.floor(clock.now() / 86_400_000); // the server's clock; the line feed's time zone is UTC
    const ended = lineFeed({ 'calendar.txt': 'service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nALL,1,1,1,1,1,0,0,20160104,20160129\n' });
    const created = await upload('ended', zipFiles(ended), duty);
    onTestFinished(async () => { await server.request('DELETE', '/api/v1/transit/feeds/ended', { token: duty }); }); // the tests below expect one feed
    expect(created.status).toBe(201);
    const period = { from: '2016-01-04', until: '2016-01-29', startsIn: Date.UTC(2016, 0, 4) / 86_400_000 - today, daysLeft: Date.UTC(2016, 0, 29) / 86_400_000 - today, warning: 'ended' };
    expect(created.body.service).toEqual(period);
    expect(period.daysLeft).toBeLessThan(0);
    const listed = await server.request('GET', '/api/v1/transit/feeds', { token: duty });
    expect(listed.body.items.find((feed: { id: string }) => feed.id === 'ended').service).toEqual(period);
    expect(listed.body.items.find((feed: { id: string }) => feed.id === 'line').service).toMatchObject({ from: '2024-01-01', until: '2030-12-31' });
  });

  it('imports a feed whose stops are listed out of order, and says so in the answer and beside the stored feed', async () => {
    const duty = await server.login('duty');
    const created = await upload('zigzag', zipFiles(listedOrderFeed([0, 3, 1, 4, 2, 5])), duty);
    expect(created.status).toBe(201);
    expect(created.body.counts).toMatchObject({ trips: 2, stopTimes: 12 });
    const notice = { code: 'stops_out_of_order', file: 'stop_times.txt', line: 3, routeId: 'R1', routeShortName: '1', tripId: 'T1', trips: 2, stops: 4, stopIds: ['S3', 'S1', 'S4', 'S2'] };
    expect(created.body.notices).toMatchObject([notice]);
    const listed = await server.request('GET', '/api/v1/transit/feeds', { token: duty });
    expect(listed.body.items.find((feed: { id: string }) => feed.id === 'zigzag').notices).toMatchObject([notice]);
    // Put right, the feed is imported again without them.
    expect((await upload('zigzag', zipFiles(listedOrderFeed([0, 1, 2, 3, 4, 5])), duty)).body.notices).toEqual([]);
    const again = await server.request('GET', '/api/v1/transit/feeds', { token: duty });
    expect(again.body.items.find((feed: { id: string }) => feed.id === 'zigzag').notices).toEqual([]);
    expect((await server.request('DELETE', '/api/v1/transit/feeds/zigzag', { token: duty })).status).toBe(204);
  });

  it('reads a stored feed back into the same timetable after a restart', async () => {
    const restarted = new TransitService({ db: server.db, logger: pino({ level: 'silent' }), clock });
    await restarted.load();
    const stored = restarted.runtime('line').timetable;
    const original = await loadTimetable(zipFiles(lineFeed()));
    expect(stored.agencyTimezone).toBe('UTC');
    for (const id of ['T1', 'T2']) {
      const [a, b] = [stored.trips.get(id)!, original.trips.get(id)!];
      expect([...a.arrivals]).toEqual([...b.arrivals]); // C (no time in the feed) interpolated again
      expect([...a.pattern.distances]).toEqual([...b.pattern.distances]);
      expect(a.pattern.stopIds).toEqual(b.pattern.stopIds);
    }
    expect(stored.services.get('ALL')).toEqual(original.services.get('ALL'));
    expect([...stored.stops.values()].map((stop) => [stop.id, stop.lat, stop.lon])).toEqual([...original.stops.values()].map((stop) => [stop.id, stop.lat, stop.lon]));
  });

  it('replaces a feed whole on re-import, also when two imports race', async () => {
    const duty = await server.login('duty');
    const longer = lineFeed();
    longer['trips.txt'] += 'R1,ALL,T3,East,0\n';
    longer['stop_times.txt'] += 'T3,09:00:00,09:00:00,A,1\nT3,09:15:00,09:15:00,D,2\n';
    const results = await Promise.all([upload('race', zipFiles(lineFeed()), duty), upload('race', zipFiles(longer), duty)]);
    expect(results.map((result) => result.status)).toEqual([201, 201]);
    const rows = await server.db.query<{ trips: number; stop_times: number }>(
      `select (select count(*)::int from transit_trip where feed_id = 'race') as trips, (select count(*)::int from transit_stop_time where feed_id = 'race') as stop_times`);
    expect([[2, 8], [3, 10]]).toContainEqual([rows[0]!.trips, rows[0]!.stop_times]);
    const removed = await server.request('DELETE', '/api/v1/transit/feeds/race', { token: duty });
    expect(removed.status).toBe(204);
    expect((await server.request('DELETE', '/api/v1/transit/feeds/race', { token: duty })).status).toBe(404);
  });

  it('lets only those allowed manage feeds', async () => {
    expect((await upload('line', zipFiles(lineFeed()))).status).toBe(401);
    expect((await upload('line', zipFiles(lineFeed()), await server.login('viewer'))).status).toBe(403);
    const notZip = await upload('junk', Buffer.from('hello'), await server.login('duty'));
    expect(notZip.status).toBe(400);
    expect(notZip.body.detail).toMatch(/not a readable zip/);
    // A small zip whose stop times would inflate to 600 MB is refused before a byte is inflated.
    const bomb = await upload('bomb', zipFiles(lineFeed(), { deflate: true, declaredSizes: { 'stop_times.txt': 600 * 1024 * 1024 } }), await server.login('duty'));
    expect(bomb.status).toBe(400);
    expect(bomb.body['invalid-params']).toEqual([{ name: 'stop_times.txt', reason: 'the feed\'s files inflate to 600.0 MB (this one to 600.0 MB), over the limit of 512.0 MB (CITYPULSE_TRANSIT_MAX_FEED_BYTES)' }]);
    expect((await server.request('GET', '/api/v1/transit/feeds', { token: await server.login('duty') })).body.items.map((feed: { id: string }) => feed.id)).not.toContain('bomb');
  });
});

describe('realtime in, predictions out', () => {
  it('takes vehicle positions as protobuf and JSON, counting the stale and the bad', async () => {
    const duty = await server.login('duty');
    clock.set(at('08:06:00') * 1000);
    const first = await pushProtobuf({ header: { gtfsRealtimeVersion: '2.0', timestamp: at('08:04:00') }, entity: [position('V1', 'T1', at('08:04:00'), 900)] }, duty);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ positions: 1, accepted: 1, stale: 0 });

    // The JSON form, with the .proto's snake_case names; one fix is from an hour ago, one has no position.
    const second = await server.request('POST', '/api/v1/transit/realtime', {
      token: duty,
      body: {
        header: { gtfs_realtime_version: '2.0', timestamp: at('08:06:00') },
        entity: [
          { id: 'V1', vehicle: { vehicle: { id: 'V1' }, trip: { trip_id: 'T1' }, position: { latitude: 0, longitude: lineLongitude(1300) }, timestamp: at('08:06:00') } },
          position('V9', 'T1', at('07:00:00'), 100),
          { id: 'V8', vehicle: { vehicle: { id: 'V8' }, trip: { trip_id: 'T1' }, timestamp: at('08:06:00') } },
        ],
      },
    });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ positions: 3, accepted: 1, stale: 1, invalid: 1 });

    const bad = await fetch(`${server.url}/api/v1/transit/realtime`, { method: 'POST', body: new Blob([new Uint8Array([0xff, 0xff, 0xff])]), headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${duty}` } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const noHeader = await server.request('POST', '/api/v1/transit/realtime', { token: duty, body: { entity: [] } });
    expect(noHeader.status).toBe(400);
    const misshapen = await server.request('POST', '/api/v1/transit/realtime', { token: duty, body: { header: { gtfs_realtime_version: '2.0' }, entity: 'nope' } });
    expect(misshapen.status).toBe(400);
    expect(misshapen.body['invalid-params'][0].name).toBe('/entity');
    // Each misshapen part is named where it is, with a plain reason (not a JavaScript error).
    const header = { gtfs_realtime_version: '2.0', timestamp: at('08:06:00') };
    const fieldOf = async (body: unknown) => {
      const response = await server.request('POST', '/api/v1/transit/realtime', { token: duty, body });
      expect(response.status).toBe(400);
      return response.body['invalid-params'][0];
    };
    expect(await fieldOf({ header, entity: [null] })).toEqual({ name: '/entity/0', reason: 'object expected' });
    expect(await fieldOf({ header, entity: [{ id: 'ok' }, { id: 'x', trip_update: { trip: { trip_id: 'T1', schedule_relationship: 'SCHEDULED' }, stop_time_update: 'x' } }] }))
      .toEqual({ name: '/entity/1/tripUpdate/stopTimeUpdate', reason: 'array expected' });
    expect(await fieldOf({ header, entity: [{ id: 'x', vehicle: { position: { latitude: 'north', longitude: 1 } } }] }))
      .toEqual({ name: '/entity/0/vehicle/position/latitude', reason: 'number expected' });
    for (const timestamp of ['abc', -5, 1.5]) expect(await fieldOf({ header: { ...header, timestamp }, entity: [] })).toMatchObject({ name: '/header/timestamp' });
    expect(await fieldOf({ header: { ...header, timestamp: at('08:06:00') * 1000 }, entity: [] })).toEqual({ name: '/header/timestamp', reason: 'POSIX seconds expected (this looks like milliseconds)' });
    // 64-bit integers as strings of digits, as the JSON form writes them, are fine.
    const digits = await server.request('POST', '/api/v1/transit/realtime', { token: duty, body: { header: { ...header, timestamp: String(at('08:06:00')) }, entity: [{ id: 'V7', vehicle: { vehicle: { id: 'V7' }, position: { latitude: 0, longitude: 0.001 }, timestamp: String(at('07:00:00')) } }] } });
    expect(digits.body).toMatchObject({ positions: 1, stale: 1 });
    // Enum names as the JSON form writes them are fine (nothing new in it: stale).
    const named = await server.request('POST', '/api/v1/transit/realtime', { token: duty, body: { header: { gtfs_realtime_version: '2.0', incrementality: 'FULL_DATASET', timestamp: at('08:06:00') }, entity: [] } });
    expect(named.status).toBe(200);
    // JSON text is read a piece at a time (feed-json.ts): a body cut short, one nested a million deep (16 MB
    // that JSON.parse took seconds over, holding every other request) and a field that would become the
    // prototype are refused, naming where.
    const rawOf = async (raw: string) => {
      const response = await server.request('POST', '/api/v1/transit/realtime', { token: duty, raw, headers: { 'content-type': 'application/json' } });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      return response.body['invalid-params'][0];
    };
    expect(await rawOf('{"header":{"gtfs_realtime_version":"2.0"},"entity":[{"id":"x"')).toEqual({ name: 'body', reason: 'not JSON (the text ends inside the message: cut short?)' });
    expect(await rawOf(`{"header":{"gtfs_realtime_version":"2.0"},"entity":[{"id":"x","vehicle":${'['.repeat(1e6)}${']'.repeat(1e6)}}]}`)).toEqual({ name: '/entity/0', reason: 'nested more than 32 levels deep' });
    expect(await rawOf('{"header":{"gtfs_realtime_version":"2.0"},"entity":[{"id":"x","__proto__":{}}]}')).toEqual({ name: '/entity/0', reason: 'a field named __proto__ is not allowed' });
    expect(await rawOf('')).toMatchObject({ name: 'body', reason: expect.stringMatching(/^not JSON/) });

    const stats = await server.request('GET', '/api/v1/transit/realtime/stats?feed=line', { token: duty });
    expect(stats.body).toMatchObject({ feed: 'line', messages: 4, badMessages: 14, accepted: 2, stale: 2, invalid: 1 });
    expect((await server.request('POST', '/api/v1/transit/realtime', { token: await server.login('viewer'), body: {} })).status).toBe(403);
  });

  it('answers the next arrivals at a stop, live and scheduled', async () => {
    const arrivals = await server.request('GET', '/api/v1/transit/stops/C/arrivals?feed=line');
    expect(arrivals.status).toBe(200);
    expect(arrivals.body.stop).toEqual({ id: 'C', name: 'Stop C', timeZone: 'UTC', station: null, platform: null, wheelchairBoarding: null }); // the feed's agency_timezone
    const [live, scheduled] = arrivals.body.arrivals;
    // V1 is at 1300 m at 08:06, 30 s ahead of the timetable: C (08:10) in 210 s, announced 4% early.
    const predicted = at('08:06:00') + Math.round(0.96 * 210);
    expect(live).toMatchObject({ tripId: 'T1', vehicleId: 'V1', live: true, stopSequence: 3, scheduledArrival: at('08:10:00'), predictedArrival: predicted, delaySeconds: predicted - at('08:10:00') });
    expect(scheduled).toMatchObject({ tripId: 'T2', vehicleId: null, live: false, predictedArrival: at('08:40:00'), delaySeconds: 0 });
    expect((await server.request('GET', '/api/v1/transit/stops/NOPE/arrivals?feed=line')).status).toBe(404);
    expect((await server.request('GET', '/api/v1/transit/stops/C/arrivals?feed=nope')).status).toBe(404);
  });

  it('publishes trip updates that pass the validator rules, as protobuf and JSON', async () => {
    const response = await fetch(`${server.url}/gtfs-rt/trip-updates?feed=line`);
    expect(response.headers.get('content-type')).toContain('application/x-protobuf');
    const message = FeedMessage.toObject(FeedMessage.decode(new Uint8Array(await response.arrayBuffer())), { longs: Number, enums: String });
    expect(message.header).toEqual({ gtfsRealtimeVersion: '2.0', incrementality: 'FULL_DATASET', timestamp: at('08:06:00') }); // E038, E048, E049
    expect(message.entity).toHaveLength(1);
    const update = message.entity[0].tripUpdate;
    expect(update.trip).toEqual({ tripId: 'T1', routeId: 'R1', directionId: 0, startDate: '20240304', scheduleRelationship: 'SCHEDULED' }); // E021, W009
    expect(update.vehicle.id).toBe('V1'); // W002
    expect(update.timestamp).toBeLessThanOrEqual(message.header.timestamp); // E012
    const updates = update.stopTimeUpdate as Array<{ stopSequence: number; stopId: string; arrival: { time: number }; departure: { time: number } }>;
    expect(updates.map((u) => [u.stopSequence, u.stopId])).toEqual([[3, 'C'], [4, 'D']]);
    for (let i = 0; i < updates.length; i++) {
      expect(updates[i]!.arrival.time).toBeGreaterThan(1_000_000_000); // E001: POSIX seconds
      expect(updates[i]!.departure.time).toBeGreaterThanOrEqual(updates[i]!.arrival.time); // E025
      if (i > 0) {
        expect(updates[i]!.stopSequence).toBeGreaterThan(updates[i - 1]!.stopSequence); // E002, E036
        expect(updates[i]!.arrival.time).toBeGreaterThan(updates[i - 1]!.arrival.time); // E022
      }
    }
    const json = await server.request('GET', '/gtfs-rt/trip-updates?feed=line&format=json');
    expect(json.headers.get('content-type')).toContain('application/json');
    expect(json.body.entity[0].tripUpdate.stopTimeUpdate[0].arrival.time).toBe(at('08:06:00') + Math.round(0.96 * 210));
    // Built an entity at a time and streamed, with its length said; consumers asking at once get the same.
    const together = await Promise.all([1, 2, 3].map(() => fetch(`${server.url}/gtfs-rt/trip-updates?feed=line`)));
    const bodies = await Promise.all(together.map(async (each) => Buffer.from(await each.arrayBuffer())));
    for (const [i, each] of together.entries()) expect(Number(each.headers.get('content-length'))).toBe(bodies[i]!.length);
    expect(bodies.every((body) => body.equals(bodies[0]!))).toBe(true);
    expect(FeedMessage.toObject(FeedMessage.decode(bodies[0]!), { longs: Number, enums: String }).entity).toEqual(message.entity);
  });

  it('publishes vehicle positions', async () => {
    const json = await server.request('GET', '/gtfs-rt/vehicle-positions?feed=line&format=json');
    expect(json.status).toBe(200);
    const [entity] = json.body.entity;
    expect(entity.vehicle).toMatchObject({ vehicle: { id: 'V1' }, trip: { tripId: 'T1' }, currentStopSequence: 3, stopId: 'C', currentStatus: 'IN_TRANSIT_TO', timestamp: at('08:06:00') });
    expect(entity.vehicle.position.longitude).toBeCloseTo(lineLongitude(1300), 5);
    clock.set(at('09:00:00') * 1000); // everyone is stale an hour later
    expect((await server.request('GET', '/gtfs-rt/vehicle-positions?feed=line&format=json')).body.entity).toEqual([]);
  });
  it('streams a stop\'s arrivals as they change', async () => {
    clock.set(at('08:06:30') * 1000);
    expect((await server.request('GET', '/api/v1/transit/stops/NOPE/stream?feed=line')).status).toBe(404);
    const stream = await openEventStream(`${server.url}/api/v1/transit/stops/D/stream?feed=line`);
    expect(stream.response.headers.get('content-type')).toContain('text/event-stream');
    const nextEvent = async () => (await stream.next()).data;
    const first = await nextEvent();
    expect(first.arrivals[0]).toMatchObject({ tripId: 'T1', live: true });
    // V1 stood still at 1300 m for a minute: D moves later.
    clock.set(at('08:07:00') * 1000);
    const duty = await server.login('duty');
    await pushProtobuf({ header: { gtfsRealtimeVersion: '2.0', timestamp: at('08:07:00') }, entity: [position('V1', 'T1', at('08:07:00'), 1300)] }, duty);
    const second = await nextEvent();
    expect(second.arrivals[0].predictedArrival).toBeGreaterThan(first.arrivals[0].predictedArrival);
    stream.close();
  });

  it('streams a station\'s arrivals, those of its stops, as a bus bound for one of them reports', async () => {
    const duty = await server.login('duty');
    // C and D are the two bays of the station TERM, signed "2" and "A1"; TERM is step-free, and so C, saying nothing itself.
    const stops = ['stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station,platform_code,wheelchair_boarding', 'TERM,Terminal,0,0.022,1,,,1',
      ...['A', 'B', 'C', 'D'].map((id, i) => `${id},Stop ${id},0,${lineLongitude(i * 1000).toFixed(6)},0,${i >= 2 ? 'TERM' : ''},${['', '', '2', 'A1'][i]},${['', '', '', '2'][i]}`)].join('\n') + '\n';
    // T1's bus takes a wheelchair, T2's does not.
    const trips = 'route_id,service_id,trip_id,trip_headsign,direction_id,wheelchair_accessible\nR1,ALL,T1,East,0,1\nR1,ALL,T2,East,0,2\n';
    expect((await upload('terminal', zipFiles(lineFeed({ 'stops.txt': stops, 'trips.txt': trips })), duty)).status).toBe(201);
    const stream = await openEventStream(`${server.url}/api/v1/transit/stops/TERM/stream?feed=terminal`);
    const first = (await stream.next()).data;
    expect(first.stop).toMatchObject({ id: 'TERM', name: 'Terminal' });
    // T1 and T2 call at C; they end at D, where they take nobody on: not on the station's board.
    expect(first.arrivals.map((arrival: { tripId: string; stopId: string; live: boolean }) => [arrival.tripId, arrival.stopId, arrival.live])).toEqual([['T1', 'C', false], ['T2', 'C', false]]);
    // Each says where to board; the station itself has no platform of its own.
    expect(first.arrivals.map((arrival: { platform: string | null }) => arrival.platform)).toEqual(['2', '2']);
    expect(first.arrivals.map((arrival: { wheelchairAccessible: boolean | null }) => arrival.wheelchairAccessible)).toEqual([true, false]);
    expect(first.stop).toMatchObject({ platform: null, wheelchairBoarding: true });
    expect((await server.request('GET', '/api/v1/transit/stops/C/arrivals?feed=terminal')).body.stop.wheelchairBoarding).toBe(true);
    const bay = await server.request('GET', '/api/v1/transit/stops/D/arrivals?feed=terminal');
    expect(bay.body.arrivals.map((arrival: { tripId: string; terminates: boolean }) => [arrival.tripId, arrival.terminates])).toEqual([['T1', true], ['T2', true]]);
    expect(bay.body.stop.station).toEqual({ id: 'TERM', name: 'Terminal' }); // a bay's page links to its station's
    expect(bay.body.stop).toMatchObject({ platform: 'A1', wheelchairBoarding: false });
    await server.request('POST', '/api/v1/transit/realtime?feed=terminal', { token: duty, body: { header: { gtfsRealtimeVersion: '2.0', timestamp: at('08:06:30') }, entity: [position('V9', 'T1', at('08:06:30'), 1200)] } });
    const second = (await stream.next()).data;
    expect(second.arrivals.filter((arrival: { tripId: string }) => arrival.tripId === 'T1').map((arrival: { stopId: string; vehicleId: string; terminates: boolean }) => [arrival.stopId, arrival.vehicleId, arrival.terminates])).toEqual([['C', 'V9', false]]);
    stream.close();
    expect((await server.request('DELETE', '/api/v1/transit/feeds/terminal', { token: duty })).status).toBeLessThan(300);
  });

  it('ends a stop\'s stream, telling the page to reload, when its feed goes while an update is due', async () => {
    const duty = await server.login('duty');
    expect((await upload('going', zipFiles(lineFeed()), duty)).status).toBe(201);
    clock.set(at('08:06:30') * 1000);
    const stream = await openEventStream(`${server.url}/api/v1/transit/stops/D/stream?feed=going`);
    expect((await stream.next()).event).toBe('arrivals');
    // A bus reports (the stream's update is due within the second), and the feed is deleted before it is sent.
    await server.request('POST', '/api/v1/transit/realtime?feed=going', { token: duty, body: { header: { gtfsRealtimeVersion: '2.0', timestamp: at('08:06:30') }, entity: [position('V7', 'T1', at('08:06:30'), 1200)] } });
    expect((await server.request('DELETE', '/api/v1/transit/feeds/going', { token: duty })).status).toBe(204);
    let event = await stream.next();
    while (event.event === 'arrivals') event = await stream.next(); // sent before the delete landed
    expect(event).toMatchObject({ event: 'reset', data: { reason: 'unknown feed "going"' } });
    await expect(stream.next()).rejects.toThrow('the stream ended');
    // The process is still up, and a page reloading finds the feed gone.
    expect((await server.request('GET', '/api/v1/transit/stops/D/arrivals?feed=going')).status).toBe(404);
  });

  it('ends a stop\'s stream with a reset when its feed is deleted or re-imported without the stop, with nothing else due', async () => {
    const duty = await server.login('duty');
    expect((await upload('quiet', zipFiles(lineFeed()), duty)).status).toBe(201);
    const deleted = await openEventStream(`${server.url}/api/v1/transit/stops/B/stream?feed=quiet`);
    const dropped = await openEventStream(`${server.url}/api/v1/transit/stops/B/stream?feed=quiet`);
    const kept = await openEventStream(`${server.url}/api/v1/transit/stops/A/stream?feed=quiet`);
    for (const stream of [deleted, dropped, kept]) expect((await stream.next()).event).toBe('arrivals');
    // Re-imported without stop B: B's streams end, A's shows the new timetable.
    const feed = lineFeed();
    feed['stops.txt'] = feed['stops.txt']!.split('\n').filter((line) => !line.startsWith('B,')).join('\n');
    feed['stop_times.txt'] = feed['stop_times.txt']!.split('\n').filter((line) => !/,B,/.test(line)).join('\n');
    expect((await upload('quiet', zipFiles(feed), duty)).status).toBe(201);
    for (const stream of [deleted, dropped]) expect(await stream.next()).toMatchObject({ event: 'reset', data: { reason: 'unknown stop "B"' } });
    expect((await kept.next()).event).toBe('arrivals');
    expect((await server.request('DELETE', '/api/v1/transit/feeds/quiet', { token: duty })).status).toBe(204);
    expect(await kept.next()).toMatchObject({ event: 'reset', data: { reason: 'unknown feed "quiet"' } });
    await expect(kept.next()).rejects.toThrow('the stream ended');
  });
});

describe('arrivals of a frequency-based trip', () => {
  it('lists every instance in the window, and a tracked instance once, live', async () => {
    const duty = await server.login('duty');
    // T1 (A 08:00, B 08:05, C 08:10, D 08:15 in the template) runs every 10 minutes from 07:00 until before 09:00.
    const feed = lineFeed({ 'frequencies.txt': 'trip_id,start_time,end_time,headway_secs,exact_times\nT1,07:00:00,09:00:00,600,0\n' });
    expect((await upload('every10', zipFiles(feed), duty)).status).toBe(201);
    clock.set(at('08:06:00') * 1000);
    // A bus 1300 m along at 08:06 runs the 08:00 instance.
    expect((await server.request('POST', '/api/v1/transit/realtime?feed=every10', { token: duty, body: { header: { gtfsRealtimeVersion: '2.0', timestamp: at('08:06:00') }, entity: [position('F1', 'T1', at('08:06:00'), 1300)] } })).status).toBe(200);
    const response = await server.request('GET', '/api/v1/transit/stops/C/arrivals?feed=every10&limit=20&window=3600');
    expect(response.status).toBe(200);
    const t1 = response.body.arrivals.filter((arrival: { tripId: string }) => arrival.tripId === 'T1');
    expect(t1[0]).toMatchObject({ live: true, vehicleId: 'F1', scheduledArrival: at('08:10:00') });
    // The later instances, from the timetable; the 08:00 instance is not listed a second time.
    expect(t1.slice(1).map((arrival: { scheduledArrival: number; live: boolean }) => [arrival.scheduledArrival, arrival.live])).toEqual(
      ['08:20:00', '08:30:00', '08:40:00', '08:50:00', '09:00:00'].map((time) => [at(time), false]));
  });
});

describe('the operator\'s stop in vehicle positions', () => {
  it('places a bus reported standing at a stop there, and publishes it STOPPED_AT', async () => {
    const duty = await server.login('duty');
    expect((await upload('reports', zipFiles(lineFeed()), duty)).status).toBe(201);
    clock.set(at('08:06:00') * 1000);
    const reported = (time: number, metres: number, stop: Record<string, unknown>) => ({ ...position('V5', 'T1', time, metres), vehicle: { ...position('V5', 'T1', time, metres).vehicle, ...stop } });
    const first = await pushProtobuf({ header: { gtfsRealtimeVersion: '2.0', timestamp: at('08:03:00') }, entity: [reported(at('08:03:00'), 500, { currentStopSequence: 2, stopId: 'B', currentStatus: 'IN_TRANSIT_TO' })] }, duty, 'reports');
    expect(first.body).toMatchObject({ positions: 1, accepted: 1 });
    // 30 m short of B by its fix, but standing at B by the operator's word (the JSON form, snake_case).
    const second = await server.request('POST', '/api/v1/transit/realtime?feed=reports', {
      token: duty,
      body: { header: { gtfs_realtime_version: '2.0', timestamp: at('08:06:00') }, entity: [{ id: 'V5', vehicle: { vehicle: { id: 'V5' }, trip: { trip_id: 'T1' }, position: { latitude: 0, longitude: lineLongitude(970) }, timestamp: at('08:06:00'), current_stop_sequence: 2, current_status: 'STOPPED_AT' } }] },
    });
    expect(second.body).toMatchObject({ positions: 1, accepted: 1 });
    const standing = async () => (await server.request('GET', '/gtfs-rt/vehicle-positions?feed=reports&format=json')).body.entity[0].vehicle;
    expect(await standing()).toMatchObject({ vehicle: { id: 'V5' }, currentStopSequence: 2, stopId: 'B', currentStatus: 'STOPPED_AT' });
    const diagramVehicle = async () => (await server.request('GET', '/api/v1/transit/routes/R1?feed=reports')).body.directions[0].vehicles.find((vehicle: { vehicleId: string }) => vehicle.vehicleId === 'V5');
    expect(await diagramVehicle()).toMatchObject({ standingAt: 1, nextStop: 2 });
    // At B it is there now, doors open (passed, for the tracker); C is next, live.
    const [atB] = (await server.request('GET', '/api/v1/transit/stops/B/arrivals?feed=reports')).body.arrivals;
    expect(atB).toMatchObject({ tripId: 'T1', vehicleId: 'V5', live: true, stopsAway: 0, metresAway: 0, waitingAtFirstStop: false, predictedArrival: at('08:06:00') });
    const [atC] = (await server.request('GET', '/api/v1/transit/stops/C/arrivals?feed=reports')).body.arrivals;
    expect(atC).toMatchObject({ tripId: 'T1', vehicleId: 'V5', live: true, stopsAway: 1 });
    // Moving on, reported heading to C: gone from B.
    await pushProtobuf({ header: { gtfsRealtimeVersion: '2.0', timestamp: at('08:06:40') }, entity: [reported(at('08:06:40'), 1100, { currentStopSequence: 3, currentStatus: 'IN_TRANSIT_TO' })] }, duty, 'reports');
    clock.set(at('08:06:40') * 1000);
    const leftB = (await server.request('GET', '/api/v1/transit/stops/B/arrivals?feed=reports')).body.arrivals;
    expect(leftB.filter((arrival: { vehicleId: string | null }) => arrival.vehicleId === 'V5')).toEqual([]);
    expect(await standing()).toMatchObject({ currentStopSequence: 3, stopId: 'C', currentStatus: 'IN_TRANSIT_TO' });
    expect(await diagramVehicle()).toMatchObject({ standingAt: null, nextStop: 2 });
    // A status the protocol does not have is refused, named where it is.
    const bad = await server.request('POST', '/api/v1/transit/realtime?feed=reports', {
      token: duty,
      body: { header: { gtfs_realtime_version: '2.0', timestamp: at('08:06:00') }, entity: [{ id: 'V5', vehicle: { vehicle: { id: 'V5' }, position: { latitude: 0, longitude: 0.001 }, current_status: 'PARKED' } }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body['invalid-params'][0].name).toBe('/entity/0/vehicle/currentStatus');
    for (const sequence of ['second', -1, 2.5]) {
      const wrong = await server.request('POST', '/api/v1/transit/realtime?feed=reports', {
        token: duty,
        body: { header: { gtfs_realtime_version: '2.0', timestamp: at('08:06:00') }, entity: [{ id: 'V5', vehicle: { vehicle: { id: 'V5' }, position: { latitude: 0, longitude: 0.001 }, current_stop_sequence: sequence } }] },
      });
      expect(wrong.status, String(sequence)).toBe(400);
      expect(wrong.body['invalid-params'][0].name).toBe('/entity/0/vehicle/currentStopSequence');
    }
    // Any unsigned field likewise: a vehicle's timestamp, also as digits, or its trip's direction.
    for (const [vehicle, field] of [[{ timestamp: -5 }, 'timestamp'], [{ timestamp: '-5' }, 'timestamp'], [{ trip: { trip_id: 'T1', direction_id: -1 } }, 'trip/directionId']] as const) {
      const wrong = await server.request('POST', '/api/v1/transit/realtime?feed=reports', {
        token: duty,
        body: { header: { gtfs_realtime_version: '2.0', timestamp: at('08:06:00') }, entity: [{ id: 'V5', vehicle: { vehicle: { id: 'V5' }, position: { latitude: 0, longitude: 0.001 }, ...vehicle } }] },
      });
      expect(wrong.status, field).toBe(400);
      expect(wrong.body['invalid-params'][0]).toEqual({ name: `/entity/0/vehicle/${field}`, reason: 'a whole number of 0 or more expected' });
    }
    // The same for a TripUpdate's stop_sequence (uint32 too: -3 would have become 4294967293).
    const tripUpdate = await server.request('POST', '/api/v1/transit/realtime?feed=reports', {
      token: duty,
      body: { header: { gtfs_realtime_version: '2.0', timestamp: at('08:06:00') }, entity: [{ id: 'U', trip_update: { trip: { trip_id: 'T2' }, stop_time_update: [{ stop_sequence: 2, arrival: { delay: 0 } }, { stop_sequence: -3, arrival: { delay: 0 } }] } }] },
    });
    expect(tripUpdate.status).toBe(400);
    expect(tripUpdate.body['invalid-params'][0]).toEqual({ name: '/entity/0/tripUpdate/stopTimeUpdate/1/stopSequence', reason: 'a whole number of 0 or more expected' });
  });
});

describe('a big realtime message', () => {
  it('is taken in slices, letting the server answer others between them, and messages in the order they came', async () => {
    const duty = await server.login('duty');
    expect((await upload('slices', zipFiles(lineFeed()), duty)).status).toBe(201);
    clock.set(at('08:06:00') * 1000);
    const service = server.app.transit.service;
    // 3,000 vehicles of the route with no trip id (each matched against the route's trips), and V1 on T1.
    const crowd = Array.from({ length: 3000 }, (_, i) => ({ id: `c${i}`, vehicle: { vehicle: { id: `c${i}` }, trip: { routeId: 'R1' }, position: { latitude: 0, longitude: lineLongitude(1500) }, timestamp: at('08:05:50') } }));
    const big = { header: { gtfsRealtimeVersion: '2.0', timestamp: at('08:05:50') }, entity: [position('V1', 'T1', at('08:05:50'), 1500), ...crowd] };
    const small = { header: { gtfsRealtimeVersion: '2.0', timestamp: at('08:05:55') }, entity: [position('V1', 'T1', at('08:05:55'), 1550)] };
    const order: string[] = [];
    setImmediate(() => order.push('another request'));
    const first = service.ingestRealtime('slices', big).then((report) => { order.push('big message'); return report; });
    const second = service.ingestRealtime('slices', small).then((report) => { order.push('small message'); return report; });
    const [bigReport, smallReport] = await Promise.all([first, second]);
    // Others are let in while the big message is worked through; the small one, sent after it, waits its turn.
    expect(order).toEqual(['another request', 'big message', 'small message']);
    expect(bigReport).toMatchObject({ positions: 3001, stale: 0 });
    expect(smallReport).toMatchObject({ positions: 1, accepted: 1, stale: 0 }); // V1's newer position, taken after its older one

    // Our feed of them is big: gzipped for a consumer that takes gzip, the same bytes once unzipped.
    const raw = (encoding?: string) => new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      http.get(`${server.url}/gtfs-rt/vehicle-positions?feed=slices`, { headers: encoding ? { 'accept-encoding': encoding } : {} }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
    const plain = await raw();
    const zipped = await raw('deflate, gzip;q=0.8, br');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(FeedMessage.decode(plain.body).entity).toHaveLength(3001);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('accept-encoding');
    expect(Number(zipped.headers['content-length'])).toBe(zipped.body.length);
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    expect(zipped.body.length).toBeLessThan(plain.body.length / 5);
    expect((await raw('gzip;q=0, identity')).headers['content-encoding']).toBeUndefined();
    expect((await server.request('DELETE', '/api/v1/transit/feeds/slices', { token: duty })).status).toBe(204);
  });
});
