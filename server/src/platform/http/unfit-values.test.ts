// Values no schema keyword refuses but the database cannot take (a NUL, half a surrogate pair, a row id
// past PostgreSQL's integer) or the arithmetic should not (Infinity): a 400 naming the field, nothing
// written, where each was a 500 from the database or a limit quietly lifted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../../test/harness.js';
import { unfitValue } from './unfit-values.js';

let server: TestServer;
let duty: string;
beforeAll(async () => {
  server = await startServer();
  duty = await server.login('duty');
});
afterAll(async () => server?.close());

const casesStored = async () => (await server.db.query<{ n: number }>('select count(*)::int as n from cases_case'))[0]!.n;

describe('values the database or the arithmetic cannot take', () => {
  it('text with a NUL or half a surrogate pair is refused naming the field, and no case is written', async () => {
    const before = await casesStored();
    // Written as JSON escapes, as a client sends them: JSON.stringify would write the lone surrogate the same way.
    for (const [raw, name, reason] of [
      ['{"title":"pothole \\u0000 here","org":"haicheng"}', '/title', 'text cannot hold a NUL character'],
      ['{"title":"pothole \\ud800 here","org":"haicheng"}', '/title', 'not Unicode text (half of a surrogate pair)'],
      ['{"title":"pothole","org":"haicheng","reporter":{"name":"Li \\u0000"}}', '/reporter/name', 'text cannot hold a NUL character'],
    ]) {
      const response = await server.request('POST', '/api/v1/cases', { token: duty, raw: raw!, headers: { 'content-type': 'application/json' } });
      expect(response.status, raw).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body['invalid-params']).toEqual([{ name, reason }]);
    }
    expect(await casesStored()).toBe(before);
    // A pair that is whole (an emoji) is text like any other.
    const emoji = await server.request('POST', '/api/v1/cases', { token: duty, raw: '{"title":"pothole \\ud83d\\udea7","org":"haicheng"}', headers: { 'content-type': 'application/json' } });
    expect(emoji.status).toBe(201);
    expect(emoji.body.title).toBe('pothole 🚧');
  });

  it('Infinity in a query or a body is refused, where the validator let it past the bounds', async () => {
    for (const [path, name] of [
      ['/api/v1/cases?limit=Infinity', 'limit'],
      ['/api/v1/cases?offset=1e400', 'offset'],
      ['/api/v1/vitals/alerts?limit=Infinity', 'limit'],
      ['/api/v1/vitals/indicators/AIR_QUALITY.AQI/series?step=Infinity', 'step'],
      ['/api/v1/transit/stops?limit=Infinity', 'limit'],
      ['/api/v1/transit/stops?lat=1e400&lon=0', 'lat'],
      ['/api/v1/cases/Infinity', 'id'],
      ['/api/v1/transit/stops?q=%00', 'q'],
    ]) {
      const response = await server.request('GET', path!, { token: duty });
      expect(response.status, path).toBe(400);
      expect(response.body['invalid-params'][0].name, path).toBe(name);
    }
    // Nested 20,000 deep (which JSON.parse reads): refused, where a walk following it ran out of stack.
    const deep = await server.request('POST', '/api/v1/vitals/observations', { token: duty, raw: '['.repeat(20_000) + ']'.repeat(20_000), headers: { 'content-type': 'application/json' } });
    expect(deep.status).toBe(400);
    expect(deep.body['invalid-params'][0].reason).toBe('nested more than 64 levels deep');
    const observation = await server.request('POST', '/api/v1/vitals/observations', { token: duty, raw: '[{"indicator":"AIR_QUALITY.PM25","org":"haicheng","value":1e400}]', headers: { 'content-type': 'application/json' } });
    expect(observation.status).toBe(400);
    expect(observation.body['invalid-params']).toEqual([{ name: '/0/value', reason: 'must be a finite number' }]);
  });

  it('a row id past the database\'s integer is refused naming it, not looked up', async () => {
    for (const [method, path, body] of [
      ['GET', '/api/v1/cases/99999999999'],
      ['POST', '/api/v1/cases/99999999999/transitions', { action: 'file', version: 1 }],
      ['POST', '/api/v1/cases/bulk', { action: 'file', items: [{ id: 99999999999, version: 1 }] }],
      ['GET', '/api/v1/vitals/alerts/99999999999'],
      ['POST', '/api/v1/vitals/alerts/99999999999/acknowledge', {}],
    ] as Array<[string, string, unknown?]>) {
      const response = await server.request(method, path, { token: duty, body });
      expect(response.status, path).toBe(400);
      expect(response.body['invalid-params'][0].name, path).toMatch(/^(id|\/items\/0\/id)$/);
    }
  });
});

describe('unfitValue', () => {
  it('names the first unfit value by JSON pointer, escaping ~ and / in names', () => {
    expect(unfitValue({ a: [1, 'ok', { 'x/y~z': Infinity }] }, '')).toEqual({ name: '/a/2/x~1y~0z', reason: 'must be a finite number' });
    expect(unfitValue({ a: 'fine', b: ['\u0000'] }, 'q')).toEqual({ name: 'q/b/0', reason: 'text cannot hold a NUL character' });
    expect(unfitValue({ 'a\u0000': 1 }, '')).toEqual({ name: 'body', reason: 'a field name holds a NUL character or half of a surrogate pair' });
    expect(unfitValue({ a: 'Zoë 🚧', n: -1.5e300, t: true, z: null }, '')).toBeNull();
  });

  it('finds unfit text however deep it sits, numbers only when asked, and refuses nesting past 64 levels', () => {
    const found: unknown[] = [['\ud800'], NaN, { deep: [[[{ t: 'x\udc00y' }]]] }];
    for (const value of found) expect(unfitValue(value, ''), JSON.stringify(value)).not.toBeNull();
    expect(unfitValue({ deep: [[[{ t: 'x\udc00y' }]]] }, '')).toEqual({ name: '/deep/0/0/0/t', reason: 'not Unicode text (half of a surrogate pair)' });
    expect(unfitValue('plain', 'q')).toBeNull();
    expect(unfitValue({ n: Infinity }, '', { numbers: false })).toBeNull(); // text alone
    let nested: unknown = [];
    for (let i = 0; i < 20_000; i++) nested = [nested];
    expect(unfitValue(nested, '')).toMatchObject({ reason: 'nested more than 64 levels deep' });
  });
});
