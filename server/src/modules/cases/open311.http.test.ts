import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../../test/harness.js';

let server: TestServer;
let admin: string;
let apiKey: string;
let readOnlyKey: string;

beforeAll(async () => {
  server = await startServer();
  admin = await server.login('admin');
  apiKey = (await server.request('POST', '/api/v1/tokens', { token: admin, body: { name: '12345 front end', scopes: ['cases:report'], orgCode: 'huangpu' } })).body.token;
  readOnlyKey = (await server.request('POST', '/api/v1/tokens', { token: admin, body: { name: 'reader', scopes: ['cases:read'] } })).body.token;
});
afterAll(async () => server?.close());

const form = (fields: Record<string, string>) => ({ raw: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

describe('Open311 GeoReport v2', () => {
  it('lists the third-level categories as services', async () => {
    const response = await server.request('GET', '/open311/v2/services.json');
    expect(response.status).toBe(200);
    const litter = response.body.find((s: any) => s.service_code === 'urban.appearance.litter');
    expect(litter).toEqual({ service_code: 'urban.appearance.litter', service_name: 'Litter and waste', description: '暴露垃圾 Litter and waste', metadata: false, type: 'realtime', keywords: '暴露垃圾,litter', group: 'City appearance' });
    // Internal categories (alert cases) are not offered to the public.
    expect(response.body.some((s: any) => s.service_code.startsWith('operations.'))).toBe(false);
  });

  it('accepts a form-encoded request with an api_key, as GeoReport clients send it', async () => {
    const response = await server.request('POST', '/open311/v2/requests.json', form({
      api_key: apiKey, service_code: 'urban.appearance.litter', lat: '31.2304', long: '121.4737', address_string: '人民大道200号',
      description: '垃圾桶满溢 overflowing bins\nsince yesterday', first_name: 'Li', last_name: 'Lei', email: 'li@example.org', media_url: 'https://example.org/bin.jpg',
    }));
    expect(response.status).toBe(201);
    expect(response.body).toEqual([{ service_request_id: expect.stringMatching(/^\d+$/), service_notice: null, account_id: null }]);
    const id = response.body[0].service_request_id;

    const duty = await server.login('duty');
    const internal = await server.request('GET', `/api/v1/cases/${id}`, { token: duty });
    expect(internal.body).toMatchObject({ state: 'reported', source: 'open311', category: 'urban.appearance.litter', org: 'huangpu', title: '垃圾桶满溢 overflowing bins', lat: 31.2304, lon: 121.4737, reporter: { name: 'Li Lei', email: 'li@example.org' } });

    const read = await server.request('GET', `/open311/v2/requests/${id}.json`);
    expect(read.status).toBe(200);
    expect(read.body).toHaveLength(1);
    expect(read.body[0]).toMatchObject({ service_request_id: id, status: 'open', service_code: 'urban.appearance.litter', service_name: 'Litter and waste', lat: 31.2304, long: 121.4737, address: '人民大道200号', media_url: 'https://example.org/bin.jpg' });
    // What the reporter gave about themselves is never public.
    expect(JSON.stringify(read.body)).not.toContain('li@example.org');

    await server.request('POST', `/api/v1/cases/${id}/transitions`, { token: duty, body: { action: 'decline', version: 1, reason: 'already cleared by the street team' } });
    const closed = await server.request('GET', `/open311/v2/requests/${id}.json`);
    expect(closed.body[0]).toMatchObject({ status: 'closed', status_notes: 'already cleared by the street team' });
  });

  it('accepts JSON too, and lists requests by id, status and service', async () => {
    const created = await server.request('POST', '/open311/v2/requests.json', { body: { api_key: apiKey, service_code: 'urban.road.streetlight', address_string: 'Huaihai Road 100', description: 'street light out', org_code: 'huangpu-s2' } });
    expect(created.status).toBe(201);
    const id = created.body[0].service_request_id;
    const byId = await server.request('GET', `/open311/v2/requests.json?service_request_id=${id}`);
    expect(byId.body.map((r: any) => r.service_request_id)).toEqual([id]);
    const open = await server.request('GET', '/open311/v2/requests.json?status=open&service_code=urban.road.streetlight');
    expect(open.body.map((r: any) => r.service_request_id)).toContain(id);
    expect(open.body.every((r: any) => r.status === 'open' && r.service_code === 'urban.road.streetlight')).toBe(true);
    const closed = await server.request('GET', '/open311/v2/requests.json?status=closed');
    expect(closed.body.map((r: any) => r.service_request_id)).not.toContain(id);
  });

  it('answers errors in the GeoReport format, and creates nothing', async () => {
    const before = (await server.request('GET', '/open311/v2/requests.json')).body.length;
    const attempts: [ReturnType<typeof form> | { body: unknown }, number, RegExp][] = [
      [form({ service_code: 'urban.appearance.litter', address_string: 'x' }), 403, /api_key is required/],
      [form({ api_key: 'cpt_not-a-key', service_code: 'urban.appearance.litter', address_string: 'x' }), 403, /unknown, revoked or expired/],
      [form({ api_key: readOnlyKey, service_code: 'urban.appearance.litter', address_string: 'x' }), 403, /cases:report/],
      [form({ api_key: apiKey, service_code: 'no.such.service', address_string: 'x' }), 400, /service_code no.such.service/],
      [form({ api_key: apiKey, service_code: 'urban.appearance.litter' }), 400, /location is required/],
      [form({ api_key: apiKey, service_code: 'urban.appearance.litter', lat: 'north', long: '121' }), 400, /lat/],
      [form({ api_key: apiKey, service_code: 'urban.appearance.litter', lat: '31.2' }), 400, /location is required|lat and long/],
      [form({ api_key: apiKey, address_string: 'x' }), 400, /service_code/],
      [{ body: { api_key: apiKey, service_code: 'urban.appearance.litter', address_string: 'x', org_code: 'binjiang' } }, 403, /outside your org subtree/],
    ];
    for (const [request, status, description] of attempts) {
      const response = await server.request('POST', '/open311/v2/requests.json', request as never);
      expect(response.status, JSON.stringify(response.body)).toBe(status);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(response.body).toEqual([{ code: status, description: expect.stringMatching(description) }]);
    }
    expect((await server.request('GET', '/open311/v2/requests.json')).body.length).toBe(before);
    const missing = await server.request('GET', '/open311/v2/requests/999999.json');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual([{ code: 404, description: 'service request 999999 not found' }]);
    const badDate = await server.request('GET', '/open311/v2/requests.json?start_date=yesterday');
    expect(badDate.status).toBe(400);
    expect(badDate.body[0].code).toBe(400);
  });

  it('refuses request times in the future or before any hotline, and internal services', async () => {
    const before = (await server.request('GET', '/open311/v2/requests.json')).body.length;
    const base = { api_key: apiKey, service_code: 'urban.appearance.litter', address_string: 'x' };
    const attempts: [Record<string, string>, RegExp][] = [
      [{ ...base, requested_datetime: '9999-12-31T00:00:00Z' }, /requested_datetime is in the future/],
      [{ ...base, requested_datetime: new Date(Date.now() + 3_600_000).toISOString() }, /requested_datetime is in the future/],
      [{ ...base, requested_datetime: '1970-01-01T00:00:00Z' }, /requested_datetime is before 2000/],
      [{ ...base, service_code: 'operations.vitals.alert' }, /service_code operations.vitals.alert is not a service/],
    ];
    for (const [fields, description] of attempts) {
      const response = await server.request('POST', '/open311/v2/requests.json', form(fields));
      expect(response.status, JSON.stringify(fields)).toBe(400);
      expect(response.body).toEqual([{ code: 400, description: expect.stringMatching(description) }]);
    }
    expect((await server.request('GET', '/open311/v2/requests.json')).body.length).toBe(before);
    // A little clock skew, and real history (replays), are taken.
    for (const requested of [new Date(Date.now() + 60_000).toISOString(), '2015-07-01T12:00:00Z']) {
      expect((await server.request('POST', '/open311/v2/requests.json', form({ ...base, requested_datetime: requested }))).status).toBe(201);
    }
  });

  it('bounds request ids, and takes service_code literally', async () => {
    const huge = await server.request('GET', '/open311/v2/requests.json?service_request_id=99999999999');
    expect(huge.status).toBe(400);
    expect(huge.body).toEqual([{ code: 400, description: expect.stringMatching(/service_request_id 99999999999 is out of range/) }]);
    expect((await server.request('GET', '/open311/v2/requests.json?service_request_id=1,2147483648')).status).toBe(400);
    expect((await server.request('GET', '/open311/v2/requests.json?service_request_id=2147483647')).body).toEqual([]);
    expect((await server.request('GET', '/open311/v2/requests.json')).body.length).toBeGreaterThan(0);
    for (const code of ['%', 'urban%', '_rban.appearance.litter']) {
      const response = await server.request('GET', `/open311/v2/requests.json?service_code=${encodeURIComponent(code)}`);
      expect(response.status).toBe(200);
      expect(response.body, code).toEqual([]);
    }
  });
});
