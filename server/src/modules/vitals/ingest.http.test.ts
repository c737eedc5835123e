import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { buildApp } from '../../app.js';
import { startServer, type TestServer } from '../../../test/harness.js';

let server: TestServer;
let token: string;
const PM25 = 'AIR_QUALITY.PM25';
beforeAll(async () => {
  server = await startServer({ env: { CITYPULSE_BODY_LIMIT_BYTES: String(256 * 1024) } });
  token = await server.login('duty');
});
afterAll(async () => server?.close());

const countRows = async (indicator: string) => {
  const [row] = await server.db.query<{ count: number }>(
    `select count(*)::int as count from vitals_observation o join vitals_indicator i on i.id = o.indicator_id where i.code = $1`, [indicator]);
  return row.count;
};
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

describe('ingesting observations', () => {
  it('stores a JSON batch, and re-sending it changes nothing', async () => {
    const batch = [0, 1, 2].map((i) => ({ indicator: PM25, org: 'binjiang', ts: minutesAgo(30 - i), value: 20 + i }));
    const first = await server.request('POST', '/api/v1/vitals/observations', { token, body: batch });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ received: 3, stored: 3, duplicates: 0 });
    const again = await server.request('POST', '/api/v1/vitals/observations', { token, body: batch.map((o) => ({ ...o, value: 999 })) });
    expect(again.body).toEqual({ received: 3, stored: 0, duplicates: 3 });
    const snapshot = await server.request('GET', `/api/v1/vitals/snapshot?org=binjiang&category=air_quality`, { token });
    const item = snapshot.body.items.find((i: { indicator: string }) => i.indicator === PM25);
    expect(item.value).toBe(22);
    expect(item.status).toBe('normal');
  });

  it('accepts NDJSON, with epoch milliseconds, and defaults org to the caller', async () => {
    const ts = Date.now() - 120_000;
    const body = `{"indicator":"${PM25}","ts":${ts},"value":31.5}\n\n{"indicator":"${PM25}","org":"xinhe","ts":${ts},"value":12}\n`;
    const response = await server.request('POST', '/api/v1/vitals/observations', { token, raw: body, headers: { 'content-type': 'application/x-ndjson' } });
    expect(response.status).toBe(200);
    expect(response.body.stored).toBe(2);
    const city = await server.request('GET', `/api/v1/vitals/snapshot?category=air_quality`, { token });
    expect(city.body.items.find((i: { indicator: string }) => i.indicator === PM25).value).toBe(31.5);
  });

  it('names the line of malformed NDJSON', async () => {
    const response = await server.request('POST', '/api/v1/vitals/observations', { token, raw: `{"indicator":"${PM25}","ts":1,"value":1}\n{oops\n`, headers: { 'content-type': 'application/x-ndjson' } });
    expect(response.status).toBe(400);
    expect(response.body['invalid-params']).toEqual([{ name: 'line 2', reason: 'not valid JSON' }]);
  });

  it('rejects a batch with bad items as a whole, naming each bad item and field, and stores nothing', async () => {
    const before = await countRows(PM25);
    const good = { indicator: PM25, org: 'nanhu', ts: minutesAgo(5), value: 10 };
    const batch = [
      good,
      { indicator: 'NO_SUCH.INDICATOR', ts: minutesAgo(5), value: 1 },
      { indicator: PM25, ts: minutesAgo(5), value: '12' },
      { indicator: PM25, ts: 'yesterday', value: 1 },
      { indicator: PM25, ts: new Date(Date.now() + 3_600_000).toISOString(), value: 1 },
      { indicator: PM25, org: 'atlantis', ts: minutesAgo(5), value: 1 },
      { indicator: PM25, ts: minutesAgo(5), value: 1, colour: 'red' },
      { indicator: PM25, ts: '2026-11-25T08:00:00', value: 1 },
      { indicator: PM25, ts: minutesAgo(5) },
      'not an object',
    ];
    const response = await server.request('POST', '/api/v1/vitals/observations', { token, body: batch });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/problem\+json/);
    expect(response.body.code).toBe('vitals.invalid_observations');
    expect(response.body.detail).toBe('9 of 10 observations are invalid; nothing was stored');
    const names = response.body['invalid-params'].map((p: { name: string }) => p.name);
    expect(names).toEqual(['/1/indicator', '/2/value', '/3/ts', '/4/ts', '/5/org', '/6/colour', '/7/ts', '/8/value', '/9']);
    const reasons = Object.fromEntries(response.body['invalid-params'].map((p: { name: string; reason: string }) => [p.name, p.reason]));
    expect(reasons['/1/indicator']).toBe('unknown indicator NO_SUCH.INDICATOR');
    expect(reasons['/2/value']).toBe('must be a number');
    expect(reasons['/4/ts']).toBe('is more than 5 minutes in the future');
    expect(reasons['/7/ts']).toMatch(/UTC offset/);
    expect(await countRows(PM25)).toBe(before);
    // One observation wrong three ways is one invalid observation, its three problems each named.
    const empty = await server.request('POST', '/api/v1/vitals/observations', { token, body: [{}] });
    expect(empty.body).toMatchObject({ detail: '1 of 1 observations are invalid; nothing was stored', invalidCount: 1 });
    expect(empty.body['invalid-params'].map((p: { name: string }) => p.name)).toEqual(['/0/indicator', '/0/ts', '/0/value']);
  });

  it('refuses an org level the indicator is not reported at', async () => {
    const indicators = (await server.request('GET', '/api/v1/vitals/indicators?limit=10000', { token })).body.items as { code: string; orgLevels: string[] }[];
    const cityOnly = indicators.find((i) => i.orgLevels.length === 1 && i.orgLevels[0] === 'city');
    expect(cityOnly).toBeDefined();
    const response = await server.request('POST', '/api/v1/vitals/observations', { token, body: [{ indicator: cityOnly!.code, org: 'huangpu-s1', ts: minutesAgo(1), value: 1 }] });
    expect(response.status).toBe(400);
    expect(response.body['invalid-params'][0]).toEqual({ name: '/0/org', reason: `indicator ${cityOnly!.code} is not reported at street level (only city)` });
  });

  it('refuses an empty batch, a non-array, and an oversized body', async () => {
    expect((await server.request('POST', '/api/v1/vitals/observations', { token, body: [] })).body['invalid-params']).toEqual([{ name: 'body', reason: 'no observations' }]);
    expect((await server.request('POST', '/api/v1/vitals/observations', { token, body: { indicator: PM25 } })).status).toBe(400);
    const huge = Array.from({ length: 5000 }, (_, i) => ({ indicator: PM25, ts: Date.now() - i * 1000, value: i }));
    const response = await server.request('POST', '/api/v1/vitals/observations', { token, body: huge });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ code: 'payload_too_large', limitBytes: 256 * 1024, detail: 'the request body is larger than the 256 KiB this server accepts', 'invalid-params': [{ name: 'body', reason: 'over 262144 bytes' }] });
  });

  it('stores concurrent identical batches exactly once', async () => {
    const base = Date.now() - 40 * 60_000;
    const batch = Array.from({ length: 200 }, (_, i) => ({ indicator: PM25, org: 'dongshan', ts: base + i * 1000, value: i }));
    const results = await Promise.all([1, 2, 3, 4].map(() => server.request('POST', '/api/v1/vitals/observations', { token, body: batch })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.reduce((sum, r) => sum + r.body.stored, 0)).toBe(200);
    await server.app.vitals.service.foldRollups();
    const [row] = await server.db.query<{ count: number }>(
      `select sum(count)::int as count from vitals_rollup_1m r join org_unit o on o.id = r.org_id where o.code = 'dongshan'`);
    expect(row.count).toBe(200);
  });
});

describe('rollups', () => {
  it('are folded by the next start when the process stopped before folding, each observation once', async () => {
    const base = Date.now() - 50 * 60_000;
    const batch = Array.from({ length: 120 }, (_, i) => ({ indicator: PM25, org: 'lingang-s2', ts: base + i * 1000, value: i }));
    expect((await server.request('POST', '/api/v1/vitals/observations', { token, body: batch })).body.stored).toBe(120);
    const rolled = async () => (await server.db.query<{ count: number | null }>(
      `select sum(count)::int as count from vitals_rollup_1m r join org_unit o on o.id = r.org_id where o.code = 'lingang-s2'`))[0].count ?? 0;
    expect(await rolled()).toBe(0);
    // A second app on the same database, as after a restart: its start-up folds what was left.
    const restarted = await buildApp(server.config, { db: server.db, backgroundJobs: false, logger: pino({ level: 'silent' }) });
    expect(await rolled()).toBe(120);
    const [hour] = await server.db.query<{ count: number }>(
      `select sum(count)::int as count from vitals_rollup_1h r join org_unit o on o.id = r.org_id where o.code = 'lingang-s2'`);
    expect(hour.count).toBe(120);
    // The live state comes back too: the latest value (119 is past PM2.5's warning threshold of 75, so the
    // series is in warning again rather than no-data).
    await restarted.vitals.service.tick();
    const item = restarted.vitals.service.snapshot(restarted.vitals.service.org('lingang-s2')!, 'air_quality').find((i) => i.indicator === PM25);
    expect(item).toMatchObject({ value: 119, status: 'warning' });
    await restarted.http.close();
  });
});

describe('history', () => {
  it('downsamples to the step asked, from raw data, minute and hour rollups, with the indicator aggregation', async () => {
    // Two hours of one observation every 30 s, aligned to the hour, values 0, 1, 2, ...
    const start = Math.floor((Date.now() - 6 * 3_600_000) / 3_600_000) * 3_600_000;
    const batch = Array.from({ length: 240 }, (_, i) => ({ indicator: PM25, org: 'beiyuan', ts: start + i * 30_000, value: i }));
    expect((await server.request('POST', '/api/v1/vitals/observations', { token, body: batch })).body.stored).toBe(240);
    const range = `from=${new Date(start).toISOString()}&to=${new Date(start + 2 * 3_600_000).toISOString()}`;

    const raw = await server.request('GET', `/api/v1/vitals/indicators/${PM25}/series?org=beiyuan&${range}&step=30`, { token });
    expect(raw.body.points).toHaveLength(240);
    const minutes = await server.request('GET', `/api/v1/vitals/indicators/${PM25}/series?org=beiyuan&${range}&step=600`, { token });
    expect(minutes.body.points).toHaveLength(12);
    // PM2.5 averages: the first 10 minutes hold values 0..19, mean 9.5.
    expect(minutes.body.points[0]).toMatchObject({ ts: new Date(start).toISOString(), value: 9.5, count: 20, min: 0, max: 19 });
    const hours = await server.request('GET', `/api/v1/vitals/indicators/${PM25}/series?org=beiyuan&${range}&step=3600`, { token });
    expect(hours.body.points.map((p: { value: number }) => p.value)).toEqual([59.5, 179.5]);
    expect(hours.body.aggregation).toBe('avg');
  });

  it('refuses bad ranges and steps with the parameter named', async () => {
    const inverted = await server.request('GET', `/api/v1/vitals/indicators/${PM25}/series?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z`, { token });
    expect(inverted.body['invalid-params']).toEqual([{ name: 'from', reason: 'not before to' }]);
    const tooFine = await server.request('GET', `/api/v1/vitals/indicators/${PM25}/series?from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&step=60`, { token });
    expect(tooFine.status).toBe(400);
    expect(tooFine.body['invalid-params'][0].name).toBe('step');
    const unknown = await server.request('GET', `/api/v1/vitals/indicators/NOPE.NOPE/series`, { token });
    expect(unknown.status).toBe(404);
    const badTime = await server.request('GET', `/api/v1/vitals/indicators/${PM25}/series?from=soon`, { token });
    expect(badTime.body['invalid-params'][0].name).toBe('from');
  });
});

describe('folding in slices', () => {
  it('merges partials of the same minute staged in different slices exactly', async () => {
    const base = Math.floor((Date.now() - 40 * 60_000) / 60_000) * 60_000; // a minute boundary
    // 600 observations a second apart over ten minutes, values 0..599; slices of 250 split every minute.
    const batch = Array.from({ length: 600 }, (_, i) => ({ indicator: PM25, org: 'dongshan-s3', ts: base + i * 1000, value: i }));
    expect((await server.request('POST', '/api/v1/vitals/observations', { token, body: batch })).body.stored).toBe(600);
    const { foldRollups } = await import('./observation-store.js');
    await server.app.vitals.service.foldRollups(); // whatever came before this test
    const before = await server.db.query<{ count: number }>(`select count(*)::int as count from vitals_rollup_1m r join org_unit o on o.id = r.org_id where o.code = 'dongshan-s3'`);
    expect(before[0].count).toBe(10);
    await server.db.query(`delete from vitals_rollup_1m where org_id = (select id from org_unit where code = 'dongshan-s3')`);
    // Re-fold the same rows in small slices by winding the cursor back over them.
    const [{ seq }] = await server.db.query<{ seq: string }>(`select min(seq)::text as seq from vitals_observation o join org_unit u on u.id = o.org_id where u.code = 'dongshan-s3'`);
    const [{ current }] = await server.db.query<{ current: string }>(`select folded_seq::text as current from vitals_rollup_cursor`);
    await server.db.query(`update vitals_rollup_cursor set folded_seq = $1::bigint - 1`, [seq]);
    await server.db.query(`delete from vitals_rollup_1h where org_id = (select id from org_unit where code = 'dongshan-s3')`);
    expect(await foldRollups(server.db, 100_000, 250)).toMatchObject({ caughtUp: true });
    const minutes = await server.db.query<{ count: number; sum: number; min: number; max: number; last: number }>(
      `select count, sum, min, max, last from vitals_rollup_1m r join org_unit o on o.id = r.org_id where o.code = 'dongshan-s3' order by bucket`);
    expect(minutes).toHaveLength(10);
    minutes.forEach((minute, m) => {
      expect(minute).toEqual({ count: 60, sum: (60 * m + 60 * m + 59) * 30, min: 60 * m, max: 60 * m + 59, last: 60 * m + 59 });
    });
    const [hours] = await server.db.query<{ count: number }>(`select sum(count)::int as count from vitals_rollup_1h r join org_unit o on o.id = r.org_id where o.code = 'dongshan-s3'`);
    expect(hours.count).toBe(600);
    expect(BigInt((await server.db.query<{ folded: string }>(`select folded_seq::text as folded from vitals_rollup_cursor`))[0].folded)).toBeGreaterThanOrEqual(BigInt(current));
  });

  it('folds a backlog larger than one slice completely, each observation once', async () => {
    const base = Date.now() - 55 * 60_000;
    const batch = Array.from({ length: 2500 }, (_, i) => ({ indicator: PM25, org: 'xigang-s3', ts: base + i * 1000, value: 1 }));
    expect((await server.request('POST', '/api/v1/vitals/observations', { token, body: batch })).body.stored).toBe(2500);
    const { foldRollups } = await import('./observation-store.js');
    // Slices of 1,000: the first two leave work behind, the third catches up.
    expect(await foldRollups(server.db, 1000)).toMatchObject({ caughtUp: false });
    await server.app.vitals.service.foldRollups();
    const [row] = await server.db.query<{ count: number }>(
      `select sum(count)::int as count from vitals_rollup_1h r join org_unit o on o.id = r.org_id where o.code = 'xigang-s3'`);
    expect(row.count).toBe(2500);
  });
});
