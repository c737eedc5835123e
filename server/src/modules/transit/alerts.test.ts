// Service alerts over HTTP: pushed as GTFS-Realtime (JSON and protobuf), picked out for each stop by what
// they name, in force only within their periods, replaced by their source's next message, and streamed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../../test/harness.js';
import { openEventStream } from '../../../test/event-stream.js';
import { manualClock } from '../../platform/clock.js';
import { lineFeed, uploadFeed, zipFiles } from './testing/feed.js';
import { FeedMessage } from './realtime/feed-message.js';
import { alertsInForce } from './realtime/alerts.js';
import { TransitService } from './service.js';
import pino from 'pino';

const DAY = Date.parse('2024-03-04T00:00:00Z') / 1000; // a Monday; the line feed runs in UTC
const at = (clock: string) => DAY + Number(clock.slice(0, 2)) * 3600 + Number(clock.slice(3, 5)) * 60;
const clock = manualClock(at('08:00') * 1000);
let server: TestServer;
let duty: string;

/** The line feed (route R1: A, B, C, D) and route R2, whose trip T3 calls at C and D only. */
function twoRoutes() {
  const feed = lineFeed();
  feed['routes.txt'] += 'R2,2,Cross Street,3\n';
  feed['trips.txt'] += 'R2,ALL,T3,North,0\n';
  feed['stop_times.txt'] += 'T3,08:20:00,08:20:00,C,1\nT3,08:25:00,08:25:00,D,2\n';
  return feed;
}

const header = (time = clock.now() / 1000) => ({ gtfs_realtime_version: '2.0', timestamp: time });
const alert = (id: string, informed: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) => ({
  id, alert: { informed_entity: informed, header_text: { translation: [{ text: `alert ${id}` }] }, ...extra },
});

async function push(entity: unknown[], source?: string) {
  if (source) return server.app.transit.service.ingestRealtime('alerts', { header: header(), entity }, source);
  const response = await server.request('POST', '/api/v1/transit/realtime?feed=alerts', { token: duty, body: { header: header(), entity } });
  expect(response.status).toBe(200);
  return response.body;
}

async function alertsAt(stop: string): Promise<string[]> {
  const response = await server.request('GET', `/api/v1/transit/stops/${stop}/arrivals?feed=alerts`);
  expect(response.status).toBe(200);
  return response.body.alerts.map((shown: { id: string }) => shown.id).sort();
}

beforeAll(async () => {
  server = await startServer({ clock });
  duty = await server.login('duty');
  expect((await uploadFeed(server.url, duty, 'alerts', zipFiles(twoRoutes()))).status).toBe(201);
});
afterAll(async () => server?.close());

describe('service alerts', () => {
  it('reach the stops they concern: by stop, route, route and stop together, trip, route type and agency', async () => {
    const report = await push([
      alert('route-1', [{ route_id: 'R1' }]),
      alert('route-2', [{ route_id: 'R2' }]),
      alert('stop-b', [{ stop_id: 'B' }]),
      alert('route-2-at-d', [{ route_id: 'R2', stop_id: 'D' }]),
      alert('trip-3', [{ trip: { trip_id: 'T3' } }]),
      alert('buses', [{ route_type: 3 }]),
      alert('trams', [{ route_type: 0 }]),
      alert('agency', [{ agency_id: 'A1' }]),
      alert('elsewhere', [{ stop_id: 'NOWHERE' }]),
    ]);
    expect(report).toMatchObject({ positions: 0, alerts: 9, alertsInvalid: 0 });
    expect(await alertsAt('A')).toEqual(['agency', 'buses', 'route-1']);
    expect(await alertsAt('B')).toEqual(['agency', 'buses', 'route-1', 'stop-b']);
    expect(await alertsAt('C')).toEqual(['agency', 'buses', 'route-1', 'route-2', 'trip-3']);
    expect(await alertsAt('D')).toEqual(['agency', 'buses', 'route-1', 'route-2', 'route-2-at-d', 'trip-3']);
    // A route's line diagram: the route, its trips, type and agency, and a stop it calls at (B is on R1
    // only); route 2's alert at D is not route 1's.
    const routeAlerts = async (route: string) => (await server.request('GET', `/api/v1/transit/routes/${route}?feed=alerts`)).body.alerts.map((shown: { id: string }) => shown.id).sort();
    expect(await routeAlerts('R1')).toEqual(['agency', 'buses', 'route-1', 'stop-b']);
    expect(await routeAlerts('R2')).toEqual(['agency', 'buses', 'route-2', 'route-2-at-d', 'trip-3']);
  });

  it('are shown within their periods only, with their texts in every language given and web links alone', async () => {
    const now = clock.now() / 1000;
    await push([
      alert('now', [{ stop_id: 'A' }], {
        active_period: [{ start: now - 600, end: now + 600 }], cause: 'CONSTRUCTION', effect: 'DETOUR',
        header_text: { translation: [{ text: '绕行', language: 'zh' }, { text: 'Detour', language: 'en' }] },
        description_text: { translation: [{ text: 'Board at the corner', language: 'en' }] },
        url: { translation: [{ text: 'https://bus.example/detour', language: 'en' }, { text: 'javascript:alert(1)', language: 'zh' }] },
      }),
      alert('open-ended', [{ stop_id: 'A' }], { active_period: [{ start: now - 60 }] }),
      alert('over', [{ stop_id: 'A' }], { active_period: [{ start: now - 7200, end: now - 3600 }] }),
      alert('later', [{ stop_id: 'A' }], { active_period: [{ start: now + 3600, end: now + 7200 }] }),
    ]);
    const response = await server.request('GET', '/api/v1/transit/stops/A/arrivals?feed=alerts');
    expect(response.body.alerts.map((shown: { id: string }) => shown.id).sort()).toEqual(['now', 'open-ended']);
    expect(response.body.alerts.find((shown: { id: string }) => shown.id === 'now')).toEqual({
      id: 'now', cause: 'CONSTRUCTION', effect: 'DETOUR',
      header: [{ text: '绕行', language: 'zh' }, { text: 'Detour', language: 'en' }],
      description: [{ text: 'Board at the corner', language: 'en' }],
      url: [{ text: 'https://bus.example/detour', language: 'en' }],
      activePeriods: [{ start: now - 600, end: now + 600 }],
    });
    clock.advance(3600_000);
    expect(await alertsAt('A')).toEqual(['later', 'open-ended']);
    clock.set(at('08:00') * 1000);
  });

  it('count and skip an alert without a header text or without anything it informs about', async () => {
    const report = await push([
      alert('fine', [{ stop_id: 'A' }]),
      { id: 'no-header', alert: { informed_entity: [{ stop_id: 'A' }] } },
      { id: 'about-nothing', alert: { header_text: { translation: [{ text: 'x' }] } } },
      { id: 'empty-selector', alert: { informed_entity: [{}], header_text: { translation: [{ text: 'x' }] } } },
    ]);
    expect(report).toMatchObject({ alerts: 1, alertsInvalid: 3 });
    expect(await alertsAt('A')).toEqual(['fine']);
    const stats = await server.request('GET', '/api/v1/transit/realtime/stats?feed=alerts', { token: duty });
    expect(stats.body.alertsInvalid).toBeGreaterThanOrEqual(3);
  });

  it('are replaced by their source\'s next message with alerts or an empty one, not by vehicles alone, and other sources keep theirs', async () => {
    await push([alert('one', [{ stop_id: 'A' }]), alert('two', [{ stop_id: 'A' }])]);
    await push([alert('polled', [{ stop_id: 'A' }])], 'poll:alerts-url');
    expect(await alertsAt('A')).toEqual(['one', 'polled', 'two']);
    // Restated as it was: the streams are not woken for nothing.
    let changes = 0;
    const counted = () => changes++;
    server.app.transit.service.changes.on('alerts', counted);
    await push([alert('one', [{ stop_id: 'A' }]), alert('two', [{ stop_id: 'A' }])]);
    expect(changes).toBe(0);
    // The pushed set restated without "two".
    await push([alert('one', [{ stop_id: 'A' }])]);
    expect(changes).toBe(1);
    server.app.transit.service.changes.off('alerts', counted);
    expect(await alertsAt('A')).toEqual(['one', 'polled']);
    // Positions alone leave it.
    const vehicle = { id: 'V1', vehicle: { vehicle: { id: 'V1' }, trip: { trip_id: 'T1' }, position: { latitude: 0, longitude: 0.0045 }, timestamp: clock.now() / 1000 } };
    expect(await push([vehicle])).toMatchObject({ accepted: 1, alerts: 0 });
    expect(await alertsAt('A')).toEqual(['one', 'polled']);
    // Another system pushing to the feed is a source of its own: its empty message leaves these alone.
    const other = await server.login('huangpu');
    expect((await server.request('POST', '/api/v1/transit/realtime?feed=alerts', { token: other, body: { header: header(), entity: [] } })).status).toBe(200);
    expect(await alertsAt('A')).toEqual(['one', 'polled']);
    // An empty message from the same pusher: none left from it; the polled URL's stay.
    await push([]);
    expect(await alertsAt('A')).toEqual(['polled']);
    // A source not heard from in an hour has stopped: its alerts are no longer shown.
    clock.advance(3601_000);
    expect(await alertsAt('A')).toEqual([]);
    clock.set(at('08:00') * 1000);
    await push([], 'poll:alerts-url');
  });

  it('from a DIFFERENTIAL source are added, replaced and deleted one by one, the rest kept', async () => {
    const differential = (entity: unknown[]) => server.app.transit.service.ingestRealtime('alerts', { header: { ...header(), incrementality: 'DIFFERENTIAL' }, entity }, 'poll:changes');
    await differential([alert('d1', [{ stop_id: 'B' }]), alert('d2', [{ stop_id: 'B' }])]);
    await differential([alert('d3', [{ stop_id: 'B' }])]);
    expect(await alertsAt('B')).toEqual(['d1', 'd2', 'd3']);
    // d1 deleted, d2 restated to concern stop C instead: d3 stays.
    await differential([{ id: 'd1', is_deleted: true }, alert('d2', [{ stop_id: 'C' }])]);
    expect(await alertsAt('B')).toEqual(['d3']);
    expect(await alertsAt('C')).toEqual(['d2']);
    // Nothing changed: nothing goes (a full dataset's empty message would clear them all).
    await differential([]);
    expect(await alertsAt('B')).toEqual(['d3']);
    await differential([{ id: 'd2', is_deleted: true }, { id: 'd3', is_deleted: true }]);
    expect([...await alertsAt('B'), ...await alertsAt('C')]).toEqual([]);
    expect(server.app.transit.service.runtime('alerts').alertSources.has('poll:changes')).toBe(false);
  });

  it('come in protobuf too, enum names and all, and reach the stop\'s stream as soon as they are taken', async () => {
    const stream = await openEventStream(`${server.url}/api/v1/transit/stops/B/stream?feed=alerts`);
    expect((await stream.next()).data.alerts).toEqual([]);
    const bytes = FeedMessage.encode(FeedMessage.fromObject({
      header: { gtfsRealtimeVersion: '2.0', timestamp: clock.now() / 1000 },
      entity: [{ id: 'closed', alert: { informedEntity: [{ stopId: 'B' }], cause: 'MAINTENANCE', effect: 'NO_SERVICE', headerText: { translation: [{ text: 'Stop B closed' }] } } }],
    })).finish();
    const response = await fetch(`${server.url}/api/v1/transit/realtime?feed=alerts`, { method: 'POST', body: new Blob([new Uint8Array(bytes)]), headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${duty}` } });
    expect(await response.json()).toMatchObject({ alerts: 1 });
    const next = (await stream.next()).data;
    expect(next.alerts).toMatchObject([{ id: 'closed', cause: 'MAINTENANCE', effect: 'NO_SERVICE', header: [{ text: 'Stop B closed', language: null }] }]);
    stream.close();
  });

  it('are republished in our own GTFS-Realtime alerts feed, those in force, as they came', async () => {
    const now = clock.now() / 1000;
    await push([
      alert('detour', [{ route_id: 'R1', stop_id: 'B' }, { trip: { trip_id: 'T3' } }], {
        active_period: [{ start: now - 60 }], cause: 'CONSTRUCTION', effect: 'DETOUR',
        header_text: { translation: [{ text: '绕行', language: 'zh' }, { text: 'Detour' }] }, url: { translation: [{ text: 'https://bus.example/d' }] },
      }),
      alert('later', [{ agency_id: 'A1' }], { active_period: [{ start: now + 3600 }] }),
    ]);
    const response = await fetch(`${server.url}/gtfs-rt/alerts?feed=alerts`);
    expect(response.headers.get('content-type')).toContain('application/x-protobuf');
    const message = FeedMessage.toObject(FeedMessage.decode(new Uint8Array(await response.arrayBuffer())), { enums: String, longs: Number });
    expect(message.header).toMatchObject({ gtfsRealtimeVersion: '2.0', incrementality: 'FULL_DATASET', timestamp: now });
    expect(message.entity).toEqual([{
      id: 'detour',
      alert: {
        activePeriod: [{ start: now - 60 }], informedEntity: [{ routeId: 'R1', stopId: 'B' }, { trip: { tripId: 'T3' } }], cause: 'CONSTRUCTION', effect: 'DETOUR',
        headerText: { translation: [{ text: '绕行', language: 'zh' }, { text: 'Detour' }] }, url: { translation: [{ text: 'https://bus.example/d' }] },
      },
    }]);
    expect((await server.request('GET', '/gtfs-rt/alerts?feed=alerts&format=json')).body.entity.map((entity: { id: string }) => entity.id)).toEqual(['detour']);
    await push([]);
    expect((await server.request('GET', '/gtfs-rt/alerts?feed=alerts&format=json')).body.entity).toEqual([]);
  });

  it('in JSON take the spec\'s enum names and refuse others, naming the field', async () => {
    const bad = await server.request('POST', '/api/v1/transit/realtime?feed=alerts', { token: duty, body: { header: header(), entity: [alert('x', [{ stop_id: 'A' }], { effect: 'CLOSED' })] } });
    expect(bad.status).toBe(400);
    expect(bad.body['invalid-params']).toEqual([{ name: '/entity/0/alert/effect', reason: 'enum value expected' }]);
    const good = await push([alert('x', [{ stop_id: 'A' }], { cause: 'WEATHER', effect: 'SIGNIFICANT_DELAYS' })]);
    expect(good).toMatchObject({ alerts: 1 });
    expect((await server.request('GET', '/api/v1/transit/stops/A/arrivals?feed=alerts')).body.alerts[0]).toMatchObject({ cause: 'WEATHER', effect: 'SIGNIFICANT_DELAYS' });
  });

  it('with text the database cannot hold refuse the whole message, naming the field: nothing of it is taken', async () => {
    const statsBefore = (await server.request('GET', '/api/v1/transit/realtime/stats?feed=alerts', { token: duty })).body;
    const vehicle = { id: 'bus', vehicle: { vehicle: { id: 'V-NUL' }, trip: { trip_id: 'T1' }, position: { latitude: 0, longitude: 0.001 }, timestamp: clock.now() / 1000 } };
    for (const [raw, name, reason] of [
      [`{"header":{"gtfs_realtime_version":"2.0","timestamp":${clock.now() / 1000}},"entity":[${JSON.stringify(vehicle)},{"id":"a","alert":{"informed_entity":[{"stop_id":"A"}],"header_text":{"translation":[{"text":"closed \\u0000"}]}}}]}`,
        '/entity/1/alert/headerText/translation/0/text', 'text cannot hold a NUL character'],
      [`{"header":{"gtfs_realtime_version":"2.0","timestamp":${clock.now() / 1000}},"entity":[${JSON.stringify(vehicle)},{"id":"\\ud800","alert":{"informed_entity":[{"stop_id":"A"}],"header_text":{"translation":[{"text":"x"}]}}}]}`,
        '/entity/1/id', 'not Unicode text (half of a surrogate pair)'],
    ]) {
      const response = await server.request('POST', '/api/v1/transit/realtime?feed=alerts', { token: duty, raw: raw!, headers: { 'content-type': 'application/json' } });
      expect(response.status, raw).toBe(400);
      expect(response.body['invalid-params']).toEqual([{ name, reason }]);
    }
    // The same in protobuf, whose strings can carry a NUL as well.
    const bytes = FeedMessage.encode(FeedMessage.fromObject({ header: { gtfsRealtimeVersion: '2.0', timestamp: clock.now() / 1000 }, entity: [{ id: 'a', alert: { informedEntity: [{ stopId: 'A\u0000' }], headerText: { translation: [{ text: 'x' }] } } }] })).finish();
    const protobuf = await fetch(`${server.url}/api/v1/transit/realtime?feed=alerts`, { method: 'POST', body: new Blob([new Uint8Array(bytes)]), headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${duty}` } });
    expect(protobuf.status).toBe(400);
    expect((await protobuf.json())['invalid-params']).toEqual([{ name: '/entity/0/alert/informedEntity/0/stopId', reason: 'text cannot hold a NUL character' }]);
    // Not one position taken, and the refusals counted as bad messages.
    const statsAfter = (await server.request('GET', '/api/v1/transit/realtime/stats?feed=alerts', { token: duty })).body;
    expect(statsAfter.positions).toEqual(statsBefore.positions);
    expect(statsAfter.badMessages).toBe(statsBefore.badMessages + 3);
  });

  it('are kept over a restart and a re-import, a DIFFERENTIAL source\'s too, and forgotten with the feed', async () => {
    const start = clock.now() / 1000;
    expect((await uploadFeed(server.url, duty, 'kept', zipFiles(twoRoutes()))).status).toBe(201);
    const service = server.app.transit.service;
    const full = (entity: unknown[]) => service.ingestRealtime('kept', { header: header(), entity }, 'push');
    const differential = (entity: unknown[]) => service.ingestRealtime('kept', { header: { ...header(), incrementality: 'DIFFERENTIAL' }, entity }, 'poll:changes');
    const stored = async () => (await server.db.query<{ source: string; received: number; ids: string }>(
      `select source, extract(epoch from received_at)::float8 as received, (select string_agg(a->>'id', ',' order by a->>'id') from jsonb_array_elements(alerts) a) as ids
       from transit_alert_source where feed_id = 'kept' order by source`)).map((row) => [row.source, Number(row.received), row.ids]);
    const restartedIds = async () => {
      const restarted = new TransitService({ db: server.db, logger: pino({ level: 'silent' }), clock });
      await restarted.load();
      return alertsInForce(restarted.runtime('kept').alertSources.values(), clock.now() / 1000).map((shown) => shown.id).sort();
    };
    await full([alert('closed-a', [{ stop_id: 'A' }], { effect: 'NO_SERVICE' })]);
    await differential([alert('d1', [{ route_id: 'R2' }]), alert('d2', [{ route_id: 'R2' }])]);
    await differential([{ id: 'd1', is_deleted: true }]);
    expect(await stored()).toEqual([['poll:changes', start, 'd2'], ['push', start, 'closed-a']]);
    expect(await restartedIds()).toEqual(['closed-a', 'd2']);
    // The same alerts restated a minute later are not written again; after five minutes the time the
    // source last spoke is, so that a restart knows the source is still there.
    clock.set((start + 60) * 1000);
    await full([alert('closed-a', [{ stop_id: 'A' }], { effect: 'NO_SERVICE' })]);
    expect((await stored())[1]).toEqual(['push', start, 'closed-a']);
    clock.set((start + 301) * 1000);
    await full([alert('closed-a', [{ stop_id: 'A' }], { effect: 'NO_SERVICE' })]);
    expect((await stored())[1]).toEqual(['push', start + 301, 'closed-a']);
    // Restored as received: a source silent for an hour is still over after a restart.
    clock.set((start + 3700) * 1000);
    expect(await restartedIds()).toEqual(['closed-a']);
    clock.set(start * 1000);
    // A new timetable does not end the detour.
    expect((await uploadFeed(server.url, duty, 'kept', zipFiles(twoRoutes()))).status).toBe(201);
    expect((await server.request('GET', '/api/v1/transit/stops/A/arrivals?feed=kept')).body.alerts.map((shown: { id: string }) => shown.id)).toEqual(['closed-a']);
    // A source left with none is forgotten in the database too, and a deleted feed takes its alerts along.
    await full([]);
    expect(await stored()).toEqual([['poll:changes', start, 'd2']]);
    expect((await server.request('DELETE', '/api/v1/transit/feeds/kept', { token: await server.login('admin') })).status).toBe(204);
    expect(await stored()).toEqual([]);
  });
});
