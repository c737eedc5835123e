// History ranges (series and health history) over HTTP: times the database cannot take are refused, both
// routes refuse a range that does not move forward alike, and a long health history keeps its newest points.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../../test/harness.js';
import { HEALTH_HISTORY_POINTS } from './service.js';

let server: TestServer;
let token: string;
const SERIES = '/api/v1/vitals/indicators/AIR_QUALITY.AQI/series';
const HISTORY = '/api/v1/vitals/health/history';

beforeAll(async () => {
  server = await startServer();
  token = await server.login('duty');
});
afterAll(async () => server?.close());

const get = (path: string) => server.request('GET', path, { token });
const named = (response: { body: any }) => response.body['invalid-params']?.map((p: { name: string }) => p.name);

describe('history times', () => {
  it('refuses times outside the years 1970-9999 with a 400 naming the field, on both routes', async () => {
    for (const route of [SERIES, HISTORY]) {
      for (const [query, field] of [
        ['from=0&to=99999999999999999', 'to'], // was a 500: RangeError: Invalid time value
        ['from=0&to=315360000000000&step=31536000', 'to'], // was a 500: timestamp out of range
        ['from=253402300800000', 'from'], // 10000-01-01
        ['from=%2B010000-01-01T00:00:00Z&to=%2B010001-01-01T00:00:00Z', 'to'],
        ['from=1969-12-31T23:59:59Z&to=1970-01-02T00:00:00Z', 'from'],
        ['from=0&to=1' + '0'.repeat(400), 'to'], // Infinity
      ] as const) {
        if (route === HISTORY && query.includes('step')) continue;
        const response = await get(`${route}?${query}`);
        expect(response.status, `${route}?${query}`).toBe(400);
        expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
        expect(named(response), `${route}?${query}`).toEqual([field]);
      }
    }
  });

  it('refuses what is not RFC 3339 with an offset nor epoch milliseconds', async () => {
    for (const route of [SERIES, HISTORY]) {
      // (Digits alone are epoch milliseconds: "2027" is 2.027 s past 1970, as documented.)
      for (const from of ['2027-01', encodeURIComponent('Tue, 01 Jan 2030 00:00:00 GMT'), '2026-02-30T00:00:00Z', '2026-01-01T00:00:00', '-1']) {
        const response = await get(`${route}?from=${from}`);
        expect(response.status, `${route}?from=${from}`).toBe(400);
        expect(named(response)).toEqual(['from']);
      }
    }
  });

  it('answers the widest range it accepts, 1970 to the end of 9999', async () => {
    const series = await get(`${SERIES}?from=0&to=253402300799999&step=31536000`);
    expect(series.status).toBe(200);
    const history = await get(`${HISTORY}?from=1970-01-01T00:00:00Z&to=9999-12-31T23:59:59.999Z`);
    expect(history.status).toBe(200);
    const offset = await get(`${HISTORY}?from=${encodeURIComponent('2026-12-01T08:00:00+08:00')}&to=2026-12-02T00:00:00Z`);
    expect(offset.status).toBe(200);
  });

  it('refuses a reversed range on the health history as the series route does', async () => {
    const range = 'from=2026-12-08T00:00:00Z&to=2026-12-01T00:00:00Z';
    const series = await get(`${SERIES}?${range}`);
    const history = await get(`${HISTORY}?${range}`);
    expect(series.status).toBe(400);
    expect(history.status).toBe(400);
    expect(history.body['invalid-params']).toEqual(series.body['invalid-params']);
    expect(history.body['invalid-params']).toEqual([{ name: 'from', reason: 'not before to' }]);
    expect((await get(`${HISTORY}?from=2026-12-01T00:00:00Z&to=2026-12-01T00:00:00Z`)).status).toBe(400);
  });
});

describe('a long health history', () => {
  it('covers the whole range up to the newest point in at most 1,440 points, keeping dips', async () => {
    const org = server.app.vitals.service.org('binjiang')!;
    // Ten days of one score a minute (14,400 rows, more than the 10,000 a query used to stop at, oldest
    // first): 90 everywhere, one five-minute dip to 20 in the middle, and 75 for the newest hour.
    const end = Math.floor(Date.now() / 60_000) * 60_000;
    const start = end - 10 * 86_400_000;
    const dip = start + 5 * 86_400_000 + 2 * 60_000; // within one ten-minute step
    await server.db.query(
      `insert into vitals_health_score (org_id, at, score, categories)
       select $1, t, case when t >= $4::timestamptz and t < $4::timestamptz + interval '5 minutes' then 20
                          when t >= $3::timestamptz - interval '1 hour' then 75 else 90 end, '[]'::jsonb
       from generate_series($2::timestamptz, $3::timestamptz - interval '1 minute', interval '1 minute') t`,
      [org.id, new Date(start).toISOString(), new Date(end).toISOString(), new Date(dip).toISOString()],
    );
    const response = await get(`${HISTORY}?org=binjiang&from=${start}&to=${end}`);
    expect(response.status).toBe(200);
    const items = response.body.items as { at: string; score: number }[];
    expect(items.length).toBeLessThanOrEqual(HEALTH_HISTORY_POINTS);
    expect(items.length).toBeGreaterThan(HEALTH_HISTORY_POINTS - 10);
    expect(response.body.step).toBe(600); // 14,400 minutes in 1,440 steps
    // The newest step is there, with the newest scores.
    expect(end - new Date(items.at(-1)!.at).getTime()).toBeLessThanOrEqual(response.body.step * 1000);
    expect(items.at(-1)!.score).toBe(75);
    expect(new Date(items[0]!.at).getTime() - start).toBeLessThan(response.body.step * 1000);
    // The dip shows, at its own time.
    const dips = items.filter((item) => item.score === 20);
    expect(dips).toHaveLength(1);
    expect(new Date(dips[0]!.at).getTime()).toBeGreaterThanOrEqual(dip);
    expect(new Date(dips[0]!.at).getTime()).toBeLessThan(dip + 5 * 60_000);
    // In time order.
    const times = items.map((item) => new Date(item.at).getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));

    // A day or less comes back a point a minute, as it is kept.
    const day = await get(`${HISTORY}?org=binjiang&from=${end - 86_400_000}&to=${end}`);
    expect(day.body.items).toHaveLength(1440);
    expect(day.body.step).toBe(60);
  });
});
