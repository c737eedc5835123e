// The cases' live stream over real HTTP: every committed change arrives as a `case` event, only to callers
// whose org subtree holds the case; a reconnecting client resumes after its Last-Event-ID; streams end
// when the server shuts down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../../test/harness.js';

interface Received {
  id: string | null;
  event: string;
  data: any;
}

/** An open stream: parses Server-Sent Events as they come and waits for the ones a test expects. */
class StreamReader {
  readonly events: Received[] = [];
  ended = false;
  private waiters: (() => void)[] = [];

  constructor(readonly response: Response, private readonly controller: AbortController) {
    void this.pump();
  }

  private async pump(): Promise<void> {
    const reader = this.response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split('\n').filter((line) => !line.startsWith(':'));
          const field = (name: string) => lines.find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2) ?? null;
          const data = field('data');
          if (data !== null) this.events.push({ id: field('id'), event: field('event') ?? 'message', data: JSON.parse(data) });
        }
        this.wake();
      }
    } catch {
      // aborted by the test
    }
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Resolves with the first event matching, however long it takes (the test's timeout bounds it). */
  async next(match: (event: Received) => boolean): Promise<Received> {
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (this.ended) throw new Error(`stream ended; received ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Resolves when the server ends the stream. */
  async end(): Promise<void> {
    while (!this.ended) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.controller.abort();
  }
}

const open: StreamReader[] = [];

async function connect(server: TestServer, token: string, headers: Record<string, string> = {}, query = ''): Promise<StreamReader> {
  const controller = new AbortController();
  const response = await fetch(`${server.url}/api/v1/cases/stream?token=${encodeURIComponent(token)}${query}`, { headers, signal: controller.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const reader = new StreamReader(response, controller);
  open.push(reader);
  return reader;
}

const caseEvent = (id: number, action: string) => (event: Received) => event.event === 'case' && event.data.case.id === id && event.data.action === action;

let server: TestServer;
let duty: string;
let huangpu: string;

beforeAll(async () => {
  server = await startServer();
  [duty, huangpu] = await Promise.all(['duty', 'huangpu'].map((name) => server.login(name)));
});
afterAll(async () => {
  for (const reader of open) reader.close();
  await server?.close();
});

async function report(title: string, org: string) {
  const response = await server.request('POST', '/api/v1/cases', { token: duty, body: { title, org } });
  expect(response.status).toBe(201);
  return response.body as { id: number };
}

describe('the cases live stream', () => {
  it('sends each report and transition, to the callers whose subtree holds the case only', async () => {
    const city = await connect(server, duty);
    const district = await connect(server, huangpu);
    const elsewhere = await report('stream 滨江 case', 'binjiang-s1-c1');
    const here = await report('stream 黄浦 case', 'huangpu-s1-c1');
    const filed = await server.request('POST', `/api/v1/cases/${here.id}/transitions`, { token: duty, body: { action: 'file', version: 1, category: 'urban.road.damage' } });
    expect(filed.status).toBe(200);

    const seen = await city.next(caseEvent(elsewhere.id, 'report'));
    expect(seen.data.case).toMatchObject({ id: elsewhere.id, state: 'reported', org: 'binjiang-s1-c1', version: 1 });
    expect(seen.id).toMatch(/^\d+$/);
    const fileEvent = await city.next(caseEvent(here.id, 'file'));
    expect(fileEvent.data.case).toMatchObject({ state: 'filed', version: 2, category: 'urban.road.damage' });

    // The district sees its own case reported and filed; the stream is ordered, so by the time the filing
    // arrived, Binjiang's report (made before both) would have arrived too, had it been sent.
    await district.next(caseEvent(here.id, 'report'));
    await district.next(caseEvent(here.id, 'file'));
    expect(district.events.filter((event) => event.event === 'case').map((event) => event.data.case.org.split('-')[0])).not.toContain('binjiang');
    expect(district.events.some((event) => event.data.case?.id === elsewhere.id)).toBe(false);
    expect(Number(fileEvent.id)).toBeGreaterThan(Number(seen.id));
  });

  it('sends one event per case of a bulk action once it committed, and none for a refused one', async () => {
    const city = await connect(server, duty);
    const a = await report('stream bulk a', 'huangpu-s1-c1');
    const b = await report('stream bulk b', 'huangpu-s1-c1');
    const bulk = (items: { id: number; version: number }[]) =>
      server.request('POST', '/api/v1/cases/bulk', { token: duty, body: { action: 'file', category: 'urban.road.damage', items } });
    expect((await bulk([{ id: a.id, version: 1 }, { id: b.id, version: 2 }])).status).toBe(409);
    expect((await bulk([{ id: a.id, version: 1 }, { id: b.id, version: 1 }])).status).toBe(200);
    await city.next(caseEvent(b.id, 'file'));
    const filed = city.events.filter((event) => event.data.action === 'file' && [a.id, b.id].includes(event.data.case.id));
    expect(filed.map((event) => [event.data.case.id, event.data.case.version])).toEqual([[a.id, 2], [b.id, 2]]);
  });

  it('resumes after the Last-Event-ID it was given, as a header or in the URL', async () => {
    const first = await connect(server, duty);
    const a = await report('stream resume a', 'huangpu-s1-c1');
    const sent = await first.next(caseEvent(a.id, 'report'));
    first.close();
    const b = await report('stream resume b', 'huangpu-s1-c1');
    const c = await report('stream resume c', 'binjiang-s1-c1');

    const byHeader = await connect(server, duty, { 'last-event-id': sent.id! });
    await byHeader.next(caseEvent(c.id, 'report'));
    expect(byHeader.events.map((event) => event.data.case.id)).toEqual([b.id, c.id]);

    const byQuery = await connect(server, huangpu, {}, `&lastEventId=${sent.id}`);
    await byQuery.next(caseEvent(b.id, 'report'));
    expect(byQuery.events.map((event) => event.data.case.id)).toEqual([b.id]);
  });

  it('refuses callers without a token or without cases:read, and ignores a Last-Event-ID that is not a number', async () => {
    const anonymous = await server.request('GET', '/api/v1/cases/stream');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    const bogus = await server.request('GET', '/api/v1/cases/stream?token=not-a-token');
    expect(bogus.status).toBe(401);
    const admin = await server.login('admin');
    const vitalsOnly = (await server.request('POST', '/api/v1/tokens', { token: admin, body: { name: 'wall', scopes: ['vitals:read'] } })).body.token;
    const forbidden = await server.request('GET', `/api/v1/cases/stream?token=${vitalsOnly}`);
    expect(forbidden.status).toBe(403);

    const fresh = await connect(server, duty, { 'last-event-id': 'yesterday' });
    const d = await report('stream after a bad id', 'huangpu-s1-c1');
    await fresh.next(caseEvent(d.id, 'report'));
    // Nothing older was replayed for a meaningless id.
    expect(fresh.events.map((event) => event.data.case.id)).toEqual([d.id]);
  });

  it('tells a client to reload when its Last-Event-ID is older than the events kept', async () => {
    const stale = await connect(server, duty, { 'last-event-id': '1' });
    const reset = await stale.next((event) => event.event === 'reset');
    expect(reset.data.reason).toContain('reload');
  });

  it('ends open streams when the server shuts down', async () => {
    const own = await startServer();
    const reader = await connect(own, await own.login('duty'));
    await own.close();
    await reader.end();
    expect(reader.ended).toBe(true);
  });
});
