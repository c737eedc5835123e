// The public stop streams are bounded: by process and by client address (as the trusted proxy reports it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../../test/harness.js';
import { openEventStream } from '../../../test/event-stream.js';
import { manualClock } from '../../platform/clock.js';
import { lineFeed, uploadFeed } from './testing/feed.js';

const DAY = Date.parse('2024-03-04T00:00:00Z') / 1000;
let server: TestServer;

beforeAll(async () => {
  server = await startServer({
    clock: manualClock((DAY + 8 * 3600) * 1000),
    env: { CITYPULSE_TRANSIT_MAX_STREAMS: '3', CITYPULSE_TRANSIT_MAX_STREAMS_PER_CLIENT: '2', CITYPULSE_TRUST_PROXY: '127.0.0.1' },
  });
  expect((await uploadFeed(server.url, await server.login('duty'), 'line', lineFeed())).status).toBe(201);
});
afterAll(async () => server?.close());

const streamUrl = (stop: string) => `${server.url}/api/v1/transit/stops/${stop}/stream?feed=line`;
const from = (client: string) => ({ headers: { 'x-forwarded-for': client } });

async function openFrom(client: string, stop = 'D') {
  const stream = await openEventStream(streamUrl(stop), from(client));
  expect(stream.response.status).toBe(200);
  expect((await stream.next()).event).toBe('arrivals');
  return stream;
}

async function metric(series: string): Promise<number> {
  const metrics = (await server.request('GET', '/metrics')).body as string;
  const line = metrics.split('\n').find((text) => text.startsWith(`${series} `));
  return Number(line!.slice(series.length + 1));
}
const streamsOpen = () => metric('citypulse_transit_streams_open');

describe('live stop streams', () => {
  it('are limited per client and per process, refused with problem+json and a time to retry, and free again once closed', async () => {
    const a1 = await openFrom('203.0.113.1');
    const a2 = await openFrom('203.0.113.1', 'C');
    const third = await server.request('GET', '/api/v1/transit/stops/B/stream?feed=line', from('203.0.113.1'));
    expect(third.status).toBe(429);
    expect(third.headers.get('content-type')).toContain('application/problem+json');
    expect(third.headers.get('retry-after')).toBe('30');
    expect(third.body).toMatchObject({ code: 'too_many_streams', retryAfterSeconds: 30, detail: '2 live stop streams are already open from 203.0.113.1, as many as one client may have' });

    const b1 = await openFrom('203.0.113.2');
    expect(await streamsOpen()).toBe(3);
    expect(await metric('citypulse_transit_streams_refused_total{limit="client"}')).toBe(1);
    const full = await server.request('GET', '/api/v1/transit/stops/D/stream?feed=line', from('203.0.113.3'));
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).toBe('30');
    expect(full.body).toMatchObject({ code: 'too_many_streams', detail: expect.stringContaining('/api/v1/transit/stops/D/arrivals') });
    expect(await metric('citypulse_transit_streams_refused_total{limit="process"}')).toBe(1);
    // The arrivals themselves are still served.
    expect((await server.request('GET', '/api/v1/transit/stops/D/arrivals?feed=line', from('203.0.113.3'))).status).toBe(200);

    a1.close();
    await expect.poll(streamsOpen).toBe(2);
    const c1 = await openFrom('203.0.113.3');
    b1.close();
    await expect.poll(streamsOpen).toBe(2);
    const a3 = await openFrom('203.0.113.1');
    for (const stream of [a2, a3, b1, c1]) stream.close();
    await expect.poll(streamsOpen).toBe(0);
    // Each client's count went back to nothing: two again from the first.
    const again = [await openFrom('203.0.113.1'), await openFrom('203.0.113.1')];
    for (const stream of again) stream.close();
    await expect.poll(streamsOpen).toBe(0);
  });
});
