import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../../test/harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server?.close());

/** Sends bytes as they are (fetch would percent-encode the URL) and reads the whole answer. */
function raw(request: Buffer | string): Promise<{ status: number; headers: string; body: string }> {
  const { port, hostname } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body });
    });
  });
}

describe('requests the HTTP parser refuses', () => {
  it('answer problem+json naming what was wrong: a URL not percent-encoded', async () => {
    const answer = await raw(Buffer.from('GET /api/v1/transit/stops?q=黄浦 HTTP/1.1\r\nHost: localhost\r\n\r\n', 'utf8'));
    expect(answer.status).toBe(400);
    expect(answer.headers).toContain('content-type: application/problem+json');
    expect(JSON.parse(answer.body)).toMatchObject({ status: 400, code: 'malformed_request', 'invalid-params': [{ name: 'url', reason: 'characters not percent-encoded' }] });
  });

  it('answer problem+json for a bad header, and the server goes on serving', async () => {
    const answer = await raw('GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Bad\u0001: yes\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'malformed_request' });
    const oversized = await raw(`GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(oversized.status).toBe(431);
    expect(JSON.parse(oversized.body)).toMatchObject({ code: 'headers_too_large', 'invalid-params': [{ name: 'headers', reason: 'too large' }] });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe('a path whose percent-encoding does not decode', () => {
  it('answers problem+json naming the URL, from the router itself', async () => {
    for (const path of ['/api/v1/transit/routes/x%ZZ', '/api/v1/transit/stops/%E4%B8/arrivals']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(await response.json()).toMatchObject({ code: 'malformed_request', 'invalid-params': [{ name: 'url', reason: 'malformed percent-encoding' }] });
    }
  });
});

describe('a value outside a fixed choice', () => {
  it('is named with the choices, once', async () => {
    const response = await fetch(`${server.url}/gtfs-rt/trip-updates?format=xml`);
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body['invalid-params']).toEqual([{ name: 'format', reason: 'must be one of protobuf, json' }]);
    expect(body.detail).toBe('format: must be one of protobuf, json');
  });
});

describe('a parameter or field the endpoint does not take', () => {
  it('is named as unknown, with the names it takes, not as a bad value', async () => {
    const query = await fetch(`${server.url}/api/v1/transit/stops?near=31.2,121.4`);
    expect(query.status).toBe(400);
    const body = await query.json();
    expect(body['invalid-params']).toEqual([{ name: 'near', reason: expect.stringMatching(/^not a parameter this takes \(it takes .*\blat\b.*\)$/) }]);
    expect(body.detail).toContain('near: not a parameter this takes');
  });

  it('in a body, by its JSON pointer, with the fields of the object it was in', async () => {
    const response = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'whatever-it-is', remember: true }),
    });
    expect(response.status).toBe(400);
    expect((await response.json())['invalid-params']).toEqual([{ name: '/remember', reason: 'not a field this takes (it takes username, password)' }]);
  });
});

describe('types in a JSON body', () => {
  it('are the client\'s to get right: a number for a string, an array for a string, text for a number are refused naming the field', async () => {
    const duty = await server.login('duty');
    const before = await server.db.query<{ n: number }>('select count(*)::int as n from cases_case');
    for (const [body, name, reason] of [
      [{ title: 123, org: 'haicheng' }, '/title', 'must be string'],
      [{ title: ['pothole'], org: 'haicheng' }, '/title', 'must be string'],
    ] as const) {
      const response = await server.request('POST', '/api/v1/cases', { token: duty, body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body['invalid-params']).toEqual([{ name, reason }]);
    }
    expect(await server.db.query('select count(*)::int as n from cases_case')).toEqual(before);
    const created = await server.request('POST', '/api/v1/cases', { token: duty, body: { title: 'pothole', org: 'haicheng' } });
    expect(created.status).toBe(201);
    const transition = await server.request('POST', `/api/v1/cases/${created.body.id}/transitions`, { token: duty, body: { action: 'file', version: '1' } });
    expect(transition.status).toBe(400);
    expect(transition.body['invalid-params']).toEqual([{ name: '/version', reason: 'must be integer' }]);
    // Query parameters arrive as text and are still read as the numbers they say.
    const listed = await server.request('GET', '/api/v1/cases?limit=1', { token: duty });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(1);
  });
});

describe('long path parameters', () => {
  it('reach the route up to the limit (a GTFS id has none), past it are a 414 naming the URL, not echoing it whole', async () => {
    const reached = await server.request('GET', `/api/v1/transit/stops/${'a'.repeat(150)}/arrivals`);
    expect(reached.status).toBe(404); // the route looked, and found no such stop
    expect(reached.body.code).not.toBe('not_found'); // (a route's answer, not "no route")
    const tooLong = await server.request('GET', `/api/v1/transit/stops/${'a'.repeat(5000)}/arrivals?x=1`);
    expect(tooLong.status).toBe(414);
    expect(tooLong.headers.get('content-type')).toContain('application/problem+json');
    expect(tooLong.body).toMatchObject({ code: 'uri_too_long', 'invalid-params': [{ name: 'url', reason: 'a path segment over 4096 characters' }] });
    expect(tooLong.body.instance.length).toBeLessThanOrEqual(1024);
  });
});
