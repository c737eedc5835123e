import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../../test/harness.js';

let server: TestServer;
let duty: string;
const PM25 = 'AIR_QUALITY.PM25';

beforeAll(async () => {
  server = await startServer();
  duty = await server.login('duty');
});
afterAll(async () => server?.close());

interface SseEvent { id?: string; event?: string; data?: any }

/** A minimal SSE reader over fetch: collects parsed events until closed. */
function listen(path: string, headers: Record<string, string> = {}) {
  const events: SseEvent[] = [];
  const controller = new AbortController();
  const ready = fetch(server.url + path, { headers, signal: controller.signal }).then(async (response) => {
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += decoder.decode(value, { stream: true });
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event: SseEvent = {};
            for (const line of block.split('\n')) {
              if (line.startsWith('id: ')) event.id = line.slice(4);
              else if (line.startsWith('event: ')) event.event = line.slice(7);
              else if (line.startsWith('data: ')) event.data = JSON.parse(line.slice(6));
            }
            if (event.event) events.push(event);
          }
        }
      } catch {
        // aborted
      }
    })();
  });
  return { events, ready, close: () => controller.abort() };
}

async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(check(), what).toBe(true);
}

async function push(org: string, value: number, minutesAgo: number[]) {
  const body = minutesAgo.map((ago) => ({ indicator: PM25, org, ts: Date.now() - ago * 60_000, value }));
  expect((await server.request('POST', '/api/v1/vitals/observations', { token: duty, body })).status).toBe(200);
  await server.app.vitals.service.tick();
}

describe('the live stream', () => {
  it('pushes snapshot changes and alert transitions, scoped to the caller subtree', async () => {
    const critical = (await server.request('GET', `/api/v1/vitals/indicators/${PM25}`, { token: duty })).body.criticalHigh * 2;
    const city = listen('/api/v1/vitals/stream', { authorization: `Bearer ${duty}` });
    const district = listen(`/api/v1/vitals/stream?token=${await server.login('huangpu')}`);
    await Promise.all([city.ready, district.ready]);
    await push('binjiang', critical, [6, 5, 4, 3]);
    await until(() => city.events.some((e) => e.event === 'alert') && city.events.some((e) => e.event === 'snapshot'), 'the city stream receives the alert and the change');
    const snapshot = city.events.find((e) => e.event === 'snapshot');
    expect(snapshot!.data).toContainEqual(expect.objectContaining({ indicator: PM25, org: 'binjiang', value: critical, status: 'critical' }));
    const alert = city.events.find((e) => e.event === 'alert');
    expect(alert!.data[0]).toMatchObject({ transition: 'fired', indicator: PM25, org: 'binjiang', severity: 'critical' });
    expect(alert!.data[0].orgPath).toBeUndefined();
    // The Huangpu district stream saw nothing of Binjiang.
    expect(district.events.filter((e) => JSON.stringify(e.data).includes('binjiang'))).toEqual([]);
    city.close();
    district.close();
  });

  it('replays what a client missed when it reconnects with Last-Event-ID', async () => {
    const first = listen('/api/v1/vitals/stream', { authorization: `Bearer ${duty}` });
    await first.ready;
    await push('xinhe', 40, [3]);
    await until(() => first.events.some((e) => e.event === 'snapshot'), 'first event');
    const lastSeen = first.events.at(-1)!.id!;
    first.close();
    // While disconnected, more happens.
    await push('dongshan', 41, [3]);
    await push('nanhu', 42, [3]);
    const resumed = listen('/api/v1/vitals/stream', { authorization: `Bearer ${duty}`, 'last-event-id': lastSeen });
    await resumed.ready;
    await until(() => resumed.events.filter((e) => e.event === 'snapshot').length >= 2, 'missed events replayed');
    const orgs = resumed.events.filter((e) => e.event === 'snapshot').flatMap((e) => e.data.map((d: { org: string }) => d.org));
    expect(orgs).toEqual(expect.arrayContaining(['dongshan', 'nanhu']));
    expect(orgs).not.toContain('xinhe');
    resumed.close();
  });

  it('tells a client whose Last-Event-ID is too old to reload', async () => {
    const stale = listen('/api/v1/vitals/stream', { authorization: `Bearer ${duty}`, 'last-event-id': '1' });
    await stale.ready;
    await until(() => stale.events.some((e) => e.event === 'reset'), 'reset event');
    stale.close();
  });

  it('narrows the stream to the kinds of event asked for, and refuses unknown ones', async () => {
    const critical = (await server.request('GET', `/api/v1/vitals/indicators/${PM25}`, { token: duty })).body.criticalHigh * 2;
    const ticker = listen('/api/v1/vitals/stream?events=alert,health', { authorization: `Bearer ${duty}` });
    const everything = listen('/api/v1/vitals/stream', { authorization: `Bearer ${duty}` });
    await Promise.all([ticker.ready, everything.ready]);
    await push('lingang', critical, [6, 5, 4, 3]);
    await until(() => ticker.events.some((e) => e.event === 'alert' && e.data[0].org === 'lingang'), 'the ticker receives the alert');
    await until(() => everything.events.some((e) => e.event === 'snapshot'), 'the full stream receives the change');
    expect(ticker.events.filter((e) => e.event === 'snapshot')).toEqual([]);
    ticker.close();
    everything.close();
    for (const bad of ['alerts', '', 'alert,nope']) {
      const response = await server.request('GET', `/api/v1/vitals/stream?events=${bad}`, { token: duty });
      expect(response.status).toBe(400);
      expect(response.body['invalid-params'][0].name).toBe('events');
    }
    // A misspelt parameter is named, not ignored into a stream of everything.
    const misspelt = await server.request('GET', '/api/v1/vitals/stream?event=alert', { token: duty });
    expect(misspelt.status).toBe(400);
    expect(misspelt.body['invalid-params'][0]).toMatchObject({ name: 'event', reason: expect.stringContaining('events') });
  });

  it('requires a token', async () => {
    expect((await server.request('GET', '/api/v1/vitals/stream')).status).toBe(401);
  });
});
