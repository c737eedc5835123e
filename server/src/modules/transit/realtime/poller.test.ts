// Polling realtime URLs against a real HTTP server on 127.0.0.1 serving good, failing and garbage feeds.
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { startServer, type TestServer } from '../../../../test/harness.js';
import { manualClock } from '../../../platform/clock.js';
import { ConfigError, loadConfig } from '../../../platform/config.js';
import { lineFeed, lineLongitude, uploadFeed } from '../testing/feed.js';
import { FeedMessage } from './feed-message.js';
import { nextDelaySeconds, RealtimePoller, MAX_BACKOFF_SECONDS } from './poller.js';

const DAY = Date.parse('2024-03-04T00:00:00Z') / 1000;
const at = (clock: string) => DAY + Number(clock.slice(0, 2)) * 3600 + Number(clock.slice(3, 5)) * 60 + Number(clock.slice(6, 8) || 0);
const clock = manualClock(at('08:02:00') * 1000);

const message = (time: number, metres: number) => ({
  header: { gtfsRealtimeVersion: '2.0', timestamp: time },
  entity: [{ id: 'V1', vehicle: { vehicle: { id: 'V1' }, trip: { tripId: 'T1' }, position: { latitude: 0, longitude: lineLongitude(metres) }, timestamp: time } }],
});

/** What the operator's server answers, per path; `hits` counts requests. */
const hits = new Map<string, number>();
let position = { time: at('08:01:00'), metres: 200 };
const feedServer = http.createServer((request, response) => {
  const path = request.url ?? '/';
  hits.set(path, (hits.get(path) ?? 0) + 1);
  if (path === '/vehicles.pb') {
    response.setHeader('content-type', 'application/x-protobuf');
    response.end(Buffer.from(FeedMessage.encode(FeedMessage.fromObject(message(position.time, position.metres))).finish()));
  } else if (path === '/vehicles.json') {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify(message(position.time, position.metres)));
  } else if (path === '/stale.pb') {
    response.end(Buffer.from(FeedMessage.encode(FeedMessage.fromObject(message(at('07:00:00'), 100))).finish()));
  } else if (path === '/trip-updates.json') {
    response.setHeader('content-type', 'application/json; charset=utf-8');
    response.end(JSON.stringify({ header: { gtfs_realtime_version: '2.0', timestamp: at('08:20:00') }, entity: [{ id: 'tu', trip_update: { trip: { trip_id: 'T2' }, timestamp: at('08:20:00'), stop_time_update: [{ stop_sequence: 3, arrival: { delay: 120 } }] } }] }));
  } else if (path === '/broken') {
    response.statusCode = 500;
    response.end('internal error');
  } else if (path === '/garbage') {
    response.setHeader('content-type', 'application/octet-stream');
    response.end(Buffer.from([0xff, 0xff, 0xff, 0x01, 0x02]));
  } else if (path === '/bad.json') {
    response.setHeader('content-type', 'application/json');
    response.end('{"header": ');
  } else if (path === '/endless') {
    // Chunked, so no length is declared, and it never ends: the poller must stop reading by itself.
    response.setHeader('content-type', 'application/x-protobuf');
    const chunk = Buffer.alloc(64 * 1024, 0x0a);
    const pump = () => {
      while (!response.destroyed && response.write(chunk));
      if (!response.destroyed) response.once('drain', pump);
    };
    pump();
  } else if (path === '/bomb') {
    // 8 MB of zeros gzipped to about 8 KB: the declared length is the compressed one.
    const packed = gzipSync(Buffer.alloc(8 << 20));
    response.setHeader('content-encoding', 'gzip');
    response.setHeader('content-length', packed.length);
    response.end(packed);
  } else if (path === '/slow') {
    setTimeout(() => response.end(), 2000).unref(); // answers after the poller gave up
  } else {
    response.statusCode = 404;
    response.end();
  }
});

let base: string;
let server: TestServer;
let duty: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => feedServer.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}`;
  server = await startServer({ clock, env: { CITYPULSE_TRANSIT_REALTIME_URLS: `line=${base}/vehicles.pb,line=${base}/broken`, CITYPULSE_TRANSIT_POLL_SECONDS: '20' } });
  duty = await server.login('duty');
  expect((await uploadFeed(server.url, duty, 'line', lineFeed())).status).toBe(201);
});
afterAll(async () => {
  await server?.close();
  feedServer.closeAllConnections();
  await new Promise((resolve) => feedServer.close(resolve));
});

describe('configured realtime URLs', () => {
  it('reads FEED=URL entries, and refuses bad ones naming the variable and the entry', () => {
    const good = loadConfig({ CITYPULSE_TRANSIT_REALTIME_URLS: ' a=https://x.example/vp , b.c=http://127.0.0.1:8080/tu?x=1\nd=https://y.example/' });
    expect(good.transitRealtimeSources).toEqual([
      { feedId: 'a', url: 'https://x.example/vp' }, { feedId: 'b.c', url: 'http://127.0.0.1:8080/tu?x=1' }, { feedId: 'd', url: 'https://y.example/' },
    ]);
    expect(loadConfig({}).transitRealtimeSources).toEqual([]);
    for (const [value, reason] of [
      ['https://x.example/vp', /entry 1 .* must be FEED=URL/],
      ['a=https://x.example/vp,=https://y.example/', /entry 2/],
      ['bad feed!=https://x.example/', /entry 1/],
      ['a=not a url', /entry 1: "not" is not a valid URL|entry 2/],
      ['a=ftp://x.example/feed', /must use http: or https:/],
    ] as const) {
      let error: unknown;
      try {
        loadConfig({ CITYPULSE_TRANSIT_REALTIME_URLS: value });
      } catch (caught) {
        error = caught;
      }
      expect(error, value).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message, value).toMatch(/^CITYPULSE_TRANSIT_REALTIME_URLS: /);
      expect((error as ConfigError).message, value).toMatch(reason);
    }
    expect(() => loadConfig({ CITYPULSE_TRANSIT_POLL_SECONDS: '1' })).toThrow(/CITYPULSE_TRANSIT_POLL_SECONDS: must be between 5 and 3600/);
  });

  it('polls a protobuf feed into the tracker, and counts a failing URL without harm', async () => {
    const [good, broken] = server.app.transit.poller.list('line');
    expect(good).toMatchObject({ id: 'config-1', url: `${base}/vehicles.pb`, intervalSeconds: 20, origin: 'config' });
    const ok = await server.app.transit.poller.pollOnce(good!.id);
    expect(ok).toEqual({ ok: true, report: expect.objectContaining({ positions: 1, accepted: 1 }) });
    const failed = await server.app.transit.poller.pollOnce(broken!.id);
    expect(failed).toEqual({ ok: false, error: 'HTTP 500' });
    await server.app.transit.poller.pollOnce(broken!.id);

    const stats = await server.request('GET', '/api/v1/transit/realtime/stats?feed=line', { token: duty });
    expect(stats.body).toMatchObject({ messages: 1, accepted: 1 });
    const [goodState, brokenState] = stats.body.polling;
    expect(goodState.state).toMatchObject({ polls: 1, successes: 1, failures: 0, lastError: null, lastReport: { accepted: 1 } });
    expect(brokenState.state).toMatchObject({ polls: 2, successes: 0, failures: 2, consecutiveFailures: 2, lastError: 'HTTP 500', lastSuccessAt: null });

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('citypulse_transit_realtime_polls_total{feed="line",outcome="ok"} 1');
    expect(metrics).toContain('citypulse_transit_realtime_polls_total{feed="line",outcome="failed"} 2');

    // The bus is now on the arrivals board, live.
    const arrivals = await server.request('GET', '/api/v1/transit/stops/C/arrivals?feed=line');
    expect(arrivals.body.arrivals[0]).toMatchObject({ tripId: 'T1', vehicleId: 'V1', live: true });
  });

  it('polls a source once when asked twice at the same time', async () => {
    const [, broken] = server.app.transit.poller.list('line');
    const before = hits.get('/broken') ?? 0;
    const [one, two] = await Promise.all([server.app.transit.poller.pollOnce(broken!.id), server.app.transit.poller.pollOnce(broken!.id)]);
    expect(one).toEqual(two);
    expect(hits.get('/broken')).toBe(before + 1);
  });

  it('backs off after failures: the interval doubles, up to five minutes, and resets on success', () => {
    expect([0, 1, 2, 3, 4, 5].map((failures) => nextDelaySeconds(20, failures))).toEqual([20, 40, 80, 160, 300, 300]);
    expect(nextDelaySeconds(600, 3)).toBe(600);
    expect(nextDelaySeconds(20, 50)).toBe(MAX_BACKOFF_SECONDS);
  });
});

describe('realtime URLs registered over the API', () => {
  it('registers a JSON feed, polls it now, lists it, and removes it', async () => {
    const created = await server.request('POST', '/api/v1/transit/realtime/sources', { token: duty, body: { feed: 'line', url: `${base}/vehicles.json`, intervalSeconds: 30 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ feedId: 'line', url: `${base}/vehicles.json`, intervalSeconds: 30, origin: 'api' });
    const again = await server.request('POST', '/api/v1/transit/realtime/sources', { token: duty, body: { feed: 'line', url: `${base}/vehicles.json`, intervalSeconds: 60 } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: created.body.id, intervalSeconds: 60 });

    clock.set(at('08:03:00') * 1000);
    position = { time: at('08:03:00'), metres: 700 };
    const polled = await server.request('POST', `/api/v1/transit/realtime/sources/${created.body.id}/poll`, { token: duty });
    expect(polled.status).toBe(200);
    expect(polled.body).toMatchObject({ ok: true, report: { accepted: 1 }, source: { state: { successes: 1 } } });
    // Polled again with nothing new: the same position is stale, counted as such.
    const repeated = await server.request('POST', `/api/v1/transit/realtime/sources/${created.body.id}/poll`, { token: duty });
    expect(repeated.body).toMatchObject({ ok: true, report: { accepted: 0, stale: 1 } });

    const stored = await server.db.query(`select feed_id, url, interval_seconds from transit_poll_source`);
    expect(stored).toEqual([{ feed_id: 'line', url: `${base}/vehicles.json`, interval_seconds: 60 }]);
    expect((await server.request('GET', '/api/v1/transit/realtime/sources', { token: duty })).body.items.map((s: { id: string }) => s.id)).toEqual(['config-1', 'config-2', created.body.id]);

    expect((await server.request('DELETE', `/api/v1/transit/realtime/sources/${created.body.id}`, { token: duty })).status).toBe(204);
    expect(await server.db.query(`select 1 from transit_poll_source`)).toEqual([]);
    expect((await server.request('DELETE', `/api/v1/transit/realtime/sources/${created.body.id}`, { token: duty })).status).toBe(404);
  });

  it('counts garbage, a truncated JSON body, stale messages and an unknown feed as failures or stale, never crashing', async () => {
    const poll = async (path: string, feed = 'line') => {
      const created = await server.request('POST', '/api/v1/transit/realtime/sources', { token: duty, body: { feed, url: `${base}${path}` } });
      expect(created.status).toBe(201);
      const outcome = (await server.request('POST', `/api/v1/transit/realtime/sources/${created.body.id}/poll`, { token: duty })).body;
      await server.request('DELETE', `/api/v1/transit/realtime/sources/${created.body.id}`, { token: duty });
      return outcome;
    };
    const badBefore = (await server.request('GET', '/api/v1/transit/realtime/stats?feed=line', { token: duty })).body.badMessages;
    expect(await poll('/garbage')).toMatchObject({ ok: false, error: expect.stringContaining('not a GTFS-Realtime FeedMessage') });
    expect(await poll('/bad.json')).toMatchObject({ ok: false, error: expect.stringContaining('not JSON') });
    expect(await poll('/nothing-here')).toMatchObject({ ok: false, error: 'HTTP 404' });
    expect(await poll('/stale.pb')).toMatchObject({ ok: true, report: { accepted: 0, stale: 1 } });
    const after = (await server.request('GET', '/api/v1/transit/realtime/stats?feed=line', { token: duty })).body;
    // The truncated JSON reached the decoder, which refused it: both bodies were bad messages.
    expect(after.badMessages).toBe(badBefore + 2);
    expect((await server.request('GET', '/healthz')).status).toBe(200);
  });

  it('gives up on a server that does not answer in time, and counts a feed not imported (yet)', async () => {
    const poller = new RealtimePoller({ clock, logger: pino({ level: 'silent' }), timeoutMs: 200, maxBytes: 1 << 20 }, async (feedId, body) => ({ ...(await server.app.transit.service.ingestRealtime(feedId, body)) }));
    poller.add({ id: 'slow', feedId: 'line', url: `${base}/slow`, intervalSeconds: 10, origin: 'config' });
    expect(await poller.pollOnce('slow')).toEqual({ ok: false, error: 'timed out' });
    expect(poller.get('slow')!.state).toMatchObject({ failures: 1, consecutiveFailures: 1 });
    poller.add({ id: 'early', feedId: 'nofeed', url: `${base}/vehicles.pb`, intervalSeconds: 10, origin: 'config' });
    expect(await poller.pollOnce('early')).toEqual({ ok: false, error: 'unknown feed "nofeed"' });
    // Why fetch refused, not just that it did.
    poller.add({ id: 'closed', feedId: 'line', url: 'http://127.0.0.1:1/', intervalSeconds: 10, origin: 'config' });
    poller.add({ id: 'blocked', feedId: 'line', url: 'http://127.0.0.1:6000/', intervalSeconds: 10, origin: 'config' });
    expect(await poller.pollOnce('closed')).toEqual({ ok: false, error: expect.stringMatching(/^fetch failed: (bad port|ECONNREFUSED)$/) });
    expect(await poller.pollOnce('blocked')).toEqual({ ok: false, error: 'fetch failed: bad port' });
  });

  it('stops reading a body past the limit, however long it says it is', async () => {
    const poller = new RealtimePoller({ clock, logger: pino({ level: 'silent' }), timeoutMs: 10_000, maxBytes: 1 << 20 }, async (feedId, body) => ({ ...(await server.app.transit.service.ingestRealtime(feedId, body)) }));
    poller.add({ id: 'endless', feedId: 'line', url: `${base}/endless`, intervalSeconds: 10, origin: 'config' });
    poller.add({ id: 'bomb', feedId: 'line', url: `${base}/bomb`, intervalSeconds: 10, origin: 'config' });
    // Given up on at the limit: not read until the timeout, nor inflated whole first.
    expect(await poller.pollOnce('endless')).toEqual({ ok: false, error: 'body of more than 1048576 bytes is over the limit' });
    expect(await poller.pollOnce('bomb')).toEqual({ ok: false, error: 'body of more than 1048576 bytes is over the limit' });
  });

  it('takes the operator\'s TripUpdates from a polled feed', async () => {
    clock.set(at('08:20:00') * 1000);
    const created = await server.request('POST', '/api/v1/transit/realtime/sources', { token: duty, body: { feed: 'line', url: `${base}/trip-updates.json` } });
    const outcome = await server.request('POST', `/api/v1/transit/realtime/sources/${created.body.id}/poll`, { token: duty });
    expect(outcome.body).toMatchObject({ ok: true, report: { tripUpdates: 1, tripUpdatesUsed: 1 } });
    const arrivals = await server.request('GET', '/api/v1/transit/stops/D/arrivals?feed=line');
    expect(arrivals.body.arrivals.find((arrival: { tripId: string }) => arrival.tripId === 'T2')).toMatchObject({ predictedArrival: at('08:47:00'), source: 'operator' });
    await server.request('DELETE', `/api/v1/transit/realtime/sources/${created.body.id}`, { token: duty });
  });

  it('refuses bad registrations naming the field, storing nothing', async () => {
    const admin = duty;
    for (const [body, field, status = 400] of [
      [{ feed: 'line', url: 'ftp://example.org/feed' }, 'url'],
      [{ feed: 'line', url: 'not a url' }, 'url'],
      [{ feed: 'bad feed', url: `${base}/vehicles.pb` }, 'feed'],
      [{ feed: 'line', url: `${base}/vehicles.pb`, intervalSeconds: 1 }, 'intervalSeconds'],
      [{ url: `${base}/vehicles.pb` }, 'feed'],
      [{ feed: 'nofeed', url: `${base}/vehicles.pb` }, 'feed', 404],
    ] as Array<[Record<string, unknown>, string, number?]>) {
      const response = await server.request('POST', '/api/v1/transit/realtime/sources', { token: admin, body });
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(JSON.stringify(response.body)).toContain(field);
    }
    expect(await server.db.query(`select 1 from transit_poll_source`)).toEqual([]);
    const configured = await server.request('DELETE', '/api/v1/transit/realtime/sources/config-1', { token: duty });
    expect(configured.status).toBe(400);
    expect(configured.body['invalid-params']).toEqual([{ name: 'id', reason: 'configured source' }]);
    expect((await server.request('POST', '/api/v1/transit/realtime/sources', { token: await server.login('viewer'), body: { feed: 'line', url: `${base}/x` } })).status).toBe(403);
  });
});

describe('polling in the background', () => {
  it('polls the configured URLs on its own once the server runs, and waits longer after a failure', async () => {
    const before = hits.get('/broken') ?? 0;
    const background = await startServer({ backgroundJobs: true, env: { CITYPULSE_TRANSIT_REALTIME_URLS: `line=${base}/broken`, CITYPULSE_TRANSIT_POLL_SECONDS: '5' } });
    try {
      // Until a poll failed and the next one was scheduled after it.
      await vi.waitFor(() => {
        const { state } = background.app.transit.poller.get('config-1')!;
        expect(state.failures).toBeGreaterThanOrEqual(1);
        expect(Date.parse(state.nextPollAt!)).toBeGreaterThan(Date.parse(state.lastPollAt!));
      }, { timeout: 10_000, interval: 50 });
      expect(hits.get('/broken')).toBeGreaterThan(before);
      const { state } = background.app.transit.poller.get('config-1')!;
      expect(state).toMatchObject({ lastError: 'HTTP 500', successes: 0 });
      // Failed once: the next poll is 2 × 5 s after the last, not 5 s.
      expect(Date.parse(state.nextPollAt!) - Date.parse(state.lastPollAt!)).toBeGreaterThanOrEqual(state.consecutiveFailures === 1 ? 9_000 : 19_000);
    } finally {
      await background.close();
    }
  });
});
