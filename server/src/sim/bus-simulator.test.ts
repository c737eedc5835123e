// The demo buses as `serve` runs them: the demo network imported once, positions through the ingest
// path, live arrivals on a stop board; and the headway indicators added to a catalogue that lacks them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../test/harness.js';
import { manualClock } from '../platform/clock.js';
import { DemoBuses, DEMO_BUS_FEED } from './bus-simulator.js';
import { pino } from 'pino';
import { demoNetworkFeed } from '../modules/transit/demo/network.js';
import { zipFiles } from '../modules/transit/gtfs/zip-writer.js';

// A Tuesday, 08:30 in Shanghai, within the demo calendar (2025-2030): the morning peak, a bus every 8 minutes.
const clock = manualClock(Date.parse('2026-03-03T08:30:00+08:00'));
let server: TestServer;

beforeAll(async () => {
  server = await startServer({ clock });
}, 120_000);
afterAll(async () => server?.close());

describe('demo buses inside serve', () => {
  it('imports the demo network once, and its buses show up live on the stop boards', async () => {
    // A catalogue seeded before the headway indicators existed gets them.
    await server.db.query(`delete from vitals_indicator where code = 'PUBLIC_TRANSPORT.BUS_BUNCHING_EVENTS'`);
    await server.app.vitals.service.load();
    expect(server.app.vitals.service.indicator('PUBLIC_TRANSPORT.BUS_BUNCHING_EVENTS')).toBeUndefined();

    const buses = new DemoBuses(server.app, pino({ level: 'silent' }), () => clock.now());
    expect(await buses.prepare()).toBe(true);
    expect(server.app.transit.service.feedIds()).toContain(DEMO_BUS_FEED);
    expect(server.app.vitals.service.indicator('PUBLIC_TRANSPORT.BUS_BUNCHING_EVENTS')).toMatchObject({ unit: 'count' });
    const before = await server.request('GET', '/api/v1/transit/stops/1-0-05/arrivals');
    expect(before.status).toBe(200);
    expect(before.body.arrivals.some((arrival: { live: boolean }) => arrival.live)).toBe(false);

    const first = (await buses.report())!;
    expect(first.accepted).toBeGreaterThan(20); // 16 directions, a bus every 8 minutes, each an hour or more long
    expect(first.unmatched).toBe(0);
    clock.advance(10_000);
    const second = (await buses.report())!;
    expect(second.accepted).toBeGreaterThan(20);
    expect(second.stale + second.invalid + second.unmatched).toBe(0);

    const after = await server.request('GET', '/api/v1/transit/stops/1-0-05/arrivals');
    const live = after.body.arrivals.filter((arrival: { source: string }) => arrival.source === 'vehicle');
    expect(live.length).toBeGreaterThan(0);
    expect(live[0]).toMatchObject({ routeId: '1', live: true, vehicleId: expect.stringMatching(/^HC-/) });

    // The Huangpu hub, where lines 1-4 start: found once, its board showing every line's departures
    // from its bays, live or timetabled.
    const found = await server.request('GET', `/api/v1/transit/stops?q=${encodeURIComponent('黄浦枢纽')}`);
    expect(found.body).toMatchObject({ total: 1, items: [{ id: 'hub-huangpu', name: '黄浦枢纽站' }] });
    expect(found.body.items[0].routes.map((route: { id: string }) => route.id)).toEqual(['1', '2', '3', '4']);
    const hub = await server.request('GET', '/api/v1/transit/stops/hub-huangpu/arrivals?limit=40');
    expect(hub.body.stop).toMatchObject({ id: 'hub-huangpu', name: '黄浦枢纽站' });
    const bays = new Set(server.app.transit.service.runtime(DEMO_BUS_FEED).timetable.stopsOfStation.get('hub-huangpu'));
    expect(bays.size).toBe(8);
    expect(new Set(hub.body.arrivals.map((arrival: { routeId: string }) => arrival.routeId))).toEqual(new Set(['1', '2', '3', '4']));
    expect(hub.body.arrivals.every((arrival: { stopId: string; terminates: boolean }) => bays.has(arrival.stopId) && !arrival.terminates)).toBe(true);
    // Its bays are numbered 1 to 8, and each bus says at which to board.
    const timetable = server.app.transit.service.runtime(DEMO_BUS_FEED).timetable;
    expect([...bays].map((bay) => timetable.stops.get(bay)!.platformCode).sort()).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    expect(hub.body.arrivals.every((arrival: { stopId: string; platform: string }) => arrival.platform === timetable.stops.get(arrival.stopId)!.platformCode)).toBe(true);
    const times = hub.body.arrivals.map((arrival: { predictedArrival: number }) => arrival.predictedArrival);
    expect(times).toEqual([...times].sort((a: number, b: number) => a - b));
    // A bay is still found by its own id.
    expect((await server.request('GET', '/api/v1/transit/stops?q=1-0-01')).body.items.map((stop: { id: string }) => stop.id)).toEqual(['1-0-01']);

    // A second start finds the network there and does not import it again.
    expect(await new DemoBuses(server.app, pino({ level: 'silent' }), () => clock.now()).prepare()).toBe(false);

    // A database from an earlier version, whose network had no night service and no blocks, gets this one.
    const earlier = Object.fromEntries(Object.entries(demoNetworkFeed()).map(([name, text]) => [name, name === 'trips.txt' ? text.replace(/,[^,\n]*(,[^,\n]*)$/gm, ',$1') : text]));
    await server.app.transit.service.importFeed(DEMO_BUS_FEED, zipFiles(earlier), 'demo bus network');
    expect(server.app.transit.service.runtime(DEMO_BUS_FEED).timetable.tripsByBlock.size).toBe(0);
    expect(await new DemoBuses(server.app, pino({ level: 'silent' }), () => clock.now()).prepare()).toBe(true);
    expect(server.app.transit.service.runtime(DEMO_BUS_FEED).timetable.tripsByBlock.size).toBeGreaterThan(100);

    // One whose stops had the earlier made-up names ("黄浦1路 1") gets the names of stop signs.
    const unnamed = Object.fromEntries(Object.entries(demoNetworkFeed()).map(([name, text]) => [name, name === 'stops.txt' ? text.replace(/^(\d+)-(\d)-(\d+),[^,]+,/gm, '$1-$2-$3,海城$1路 $3,') : text]));
    await server.app.transit.service.importFeed(DEMO_BUS_FEED, zipFiles(unnamed), 'demo bus network');
    expect(server.app.transit.service.runtime(DEMO_BUS_FEED).timetable.stops.get('1-0-01')!.name).toBe('海城1路 01');
    expect(await new DemoBuses(server.app, pino({ level: 'silent' }), () => clock.now()).prepare()).toBe(true);
    expect(server.app.transit.service.runtime(DEMO_BUS_FEED).timetable.stops.get('1-0-01')!.name).toBe('黄浦枢纽站');

    // One whose hubs' bays had no numbers gets them.
    const unnumbered = Object.fromEntries(Object.entries(demoNetworkFeed()).map(([name, text]) => [name, name === 'stops.txt' ? text.replace(/,[^,\n]*(,[^,\n]*)$/gm, ',$1') : text]));
    await server.app.transit.service.importFeed(DEMO_BUS_FEED, zipFiles(unnumbered), 'demo bus network');
    expect(server.app.transit.service.runtime(DEMO_BUS_FEED).timetable.stops.get('1-0-01')!.platformCode).toBeNull();
    expect(await new DemoBuses(server.app, pino({ level: 'silent' }), () => clock.now()).prepare()).toBe(true);
    expect(server.app.transit.service.runtime(DEMO_BUS_FEED).timetable.stops.get('1-0-01')!.platformCode).toBe('1');

    // One that did not say which buses take a wheelchair gets the network that does.
    const unsaid = Object.fromEntries(Object.entries(demoNetworkFeed()).map(([name, text]) => [name, name === 'trips.txt' ? text.replace(/,[^,\n]*$/gm, ',') : text]));
    await server.app.transit.service.importFeed(DEMO_BUS_FEED, zipFiles(unsaid), 'demo bus network');
    expect(await new DemoBuses(server.app, pino({ level: 'silent' }), () => clock.now()).prepare()).toBe(true);
    const accessible = [...server.app.transit.service.runtime(DEMO_BUS_FEED).timetable.trips.values()].map((trip) => trip.wheelchairAccessible);
    expect(accessible.filter((value) => value === false).length).toBeGreaterThan(100); // every sixth bus
    expect(accessible.filter((value) => value === true).length).toBeGreaterThan(1000);
  }, 120_000);

  it('drive a network imported again under the demo id, never replace it at the next start, and stop when the feed is removed', async () => {
    const transit = server.app.transit.service;
    const buses = new DemoBuses(server.app, pino({ level: 'silent' }), () => clock.now());
    await buses.prepare();
    expect((await buses.report())!.accepted).toBeGreaterThan(20);

    // Line 1 alone: the buses of the other lines are no longer driven, and none goes unmatched.
    const lineOne = Object.fromEntries(Object.entries(demoNetworkFeed()).map(([name, text]) => [name,
      name === 'trips.txt' || name === 'routes.txt' ? text.split('\n').filter((row, index) => index === 0 || row.startsWith('1,')).join('\n') : text]));
    const kept = new Set(lineOne['trips.txt']!.split('\n').slice(1).filter(Boolean).map((row) => row.split(',')[2]!));
    lineOne['stop_times.txt'] = lineOne['stop_times.txt']!.split('\n').filter((row, index) => index === 0 || kept.has(row.split(',')[0]!)).join('\n');
    await transit.importFeed(DEMO_BUS_FEED, zipFiles(lineOne), 'upload');
    clock.advance(10_000);
    const one = (await buses.report())!;
    expect(one.accepted).toBeGreaterThan(2);
    expect(one.unmatched + one.invalid).toBe(0);
    const routes = new Set([...transit.runtime(DEMO_BUS_FEED).timetable.trips.values()].map((trip) => trip.routeId));
    expect(routes).toEqual(new Set(['1']));
    // The next start leaves it as the operator imported it, and drives it.
    const restarted = new DemoBuses(server.app, pino({ level: 'silent' }), () => clock.now());
    expect(await restarted.prepare()).toBe(false);
    expect((await transit.listFeeds()).find((feed) => feed.id === DEMO_BUS_FEED)!.source).toBe('upload');
    expect(new Set([...transit.runtime(DEMO_BUS_FEED).timetable.trips.values()].map((trip) => trip.routeId))).toEqual(new Set(['1']));
    clock.advance(10_000);
    expect((await restarted.report())!.accepted).toBeGreaterThan(2);

    await transit.deleteFeed(DEMO_BUS_FEED);
    clock.advance(10_000);
    expect(await buses.report()).toBeNull();
  }, 120_000);
});
