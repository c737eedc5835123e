// The anomaly baselines the rule engine learns survive a restart: saved a row per series (a city's are
// tens of megabytes, made in slices and written in one transaction), read back at start-up, and a save
// made before the rows existed, one JSON document, still read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { buildApp, type App } from '../../app.js';
import { startServer, type TestServer } from '../../../test/harness.js';

let server: TestServer;
let token: string;
const PM25 = 'AIR_QUALITY.PM25';
beforeAll(async () => {
  server = await startServer();
  token = await server.login('duty');
});
afterAll(async () => server?.close());

/** The baselines an app holds, by series, in a fixed order. */
const baselinesOf = (app: App) => {
  const { series, ...layout } = app.vitals.service.engine.exportBaselines();
  return { layout, series: [...series].sort((a, b) => `${a.indicator} ${a.org}`.localeCompare(`${b.indicator} ${b.org}`)) };
};
/**
 * The baselines a second app on the same database starts with, as after a restart (it saves none: no
 * background jobs), and what it logged of them.
 */
async function restart(config: Partial<typeof server.config> = {}) {
  const logged: { level: number; msg: string; [key: string]: unknown }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
  const restarted = await buildApp({ ...server.config, ...config }, { db: server.db, backgroundJobs: false, logger });
  try {
    return { baselines: baselinesOf(restarted), logged };
  } finally {
    await restarted.http.close();
  }
}
const baselinesAfterRestart = async () => (await restart()).baselines;

describe('learnt baselines', () => {
  it('are saved a row per series, replaced whole by the next save, and read back after a restart', async () => {
    // Three days ago: a start-up replays the last day's latest values, which the engine would learn again.
    const base = Date.now() - 3 * 86_400_000;
    const orgs = ['binjiang', 'xinhe', 'nanhu'];
    const batch = orgs.flatMap((org, k) => Array.from({ length: 20 }, (_, i) => ({ indicator: PM25, org, ts: base + i * 60_000, value: 20 + k + (i % 5) })));
    expect((await server.request('POST', '/api/v1/vitals/observations', { token, body: batch })).status).toBe(200);
    const saved = baselinesOf(server.app);
    expect(saved.series.filter((s) => s.indicator === PM25).map((s) => s.org).sort()).toEqual([...orgs].sort());

    await server.app.vitals.service.saveBaselines();
    // Again, twice at once (the 5-minute save and the shutdown's): the rows are replaced, not added to.
    await Promise.all([server.app.vitals.service.saveBaselines(), server.app.vitals.service.saveBaselines()]);
    const [rows] = await server.db.query<{ n: number }>('select count(*)::int as n from vitals_baseline_series');
    expect(rows!.n).toBe(saved.series.length);
    const [layout] = await server.db.query<{ data: unknown }>('select data from vitals_baseline where id = 1');
    const doc = typeof layout!.data === 'string' ? JSON.parse(layout!.data) : layout!.data;
    expect(doc).toEqual({ ...saved.layout, series: [] });

    expect(await baselinesAfterRestart()).toEqual(saved);
  });

  it('are not taught again at a restart what they learnt before the save, and learn what came after it', async () => {
    // The last day's latest values are replayed at a start, to find the conditions that still hold.
    const base = Date.now() - 20 * 60_000;
    const batch = Array.from({ length: 10 }, (_, i) => ({ indicator: PM25, org: 'dongshan', ts: base + i * 60_000, value: 30 + (i % 3) }));
    expect((await server.request('POST', '/api/v1/vitals/observations', { token, body: batch })).status).toBe(200);
    await server.app.vitals.service.saveBaselines();
    const saved = baselinesOf(server.app);
    expect(await baselinesAfterRestart()).toEqual(saved);
    // One value after the save, and the process stops before the next: the restart learns it, once.
    expect((await server.request('POST', '/api/v1/vitals/observations', { token, body: [{ indicator: PM25, org: 'dongshan', ts: Date.now(), value: 45 }] })).status).toBe(200);
    const live = baselinesOf(server.app);
    expect(live).not.toEqual(saved);
    expect(await baselinesAfterRestart()).toEqual(live);
  });

  it('reads a save made before the rows: one document holding its series', async () => {
    const saved = baselinesOf(server.app);
    expect(saved.series.length).toBeGreaterThan(0);
    await server.db.query('delete from vitals_baseline_series');
    await server.db.query('update vitals_baseline set data = $1, saved_at = $2 where id = 1', [JSON.stringify({ ...saved.layout, series: saved.series }), new Date()]);
    expect(await baselinesAfterRestart()).toEqual(saved);
  });

  it('follow the city into a new time zone, each hour keeping what it learnt', async () => {
    const saved = baselinesOf(server.app);
    expect(saved.layout.timeZone).toBe('Asia/Shanghai');
    // UTC is eight hours behind Shanghai the whole year.
    const { baselines, logged } = await restart({ timezone: 'UTC' });
    expect(logged.find((l) => l.msg === 'learnt baselines moved to the new time zone')).toMatchObject({ level: 40, hoursMoved: -8 });
    expect(baselines.layout.timeZone).toBe('UTC');
    expect(baselines.series.map((s) => [s.indicator, s.org])).toEqual(saved.series.map((s) => [s.indicator, s.org]));
    // Shanghai's 08:00 on a Monday (hour of week 8) is 00:00 UTC (hour 0); its hours of day likewise.
    const cells = (data: string) => new Float32Array(new Uint8Array(Buffer.from(data, 'base64')).buffer);
    const before = cells(saved.series[0]!.data);
    const after = cells(baselines.series[0]!.data);
    const bucket = (buf: Float32Array, i: number) => [...buf.subarray(i * 3, i * 3 + 3)];
    for (const h of [0, 8, 100, 167]) expect(bucket(after, (h - 8 + 168) % 168)).toEqual(bucket(before, h));
    for (const h of [0, 8, 23]) expect(bucket(after, 168 + ((h - 8 + 24) % 24))).toEqual(bucket(before, 168 + h));
    expect(bucket(after, 192)).toEqual(bucket(before, 192));
  });

  it('that cannot be used do not stop the start: the city learns afresh', async () => {
    const [before] = await server.db.query<{ data: unknown }>('select data from vitals_baseline where id = 1');
    try {
      await server.db.query(`update vitals_baseline set data = '{"format":"something-else","version":7}' where id = 1`);
      const { baselines, logged } = await restart();
      expect(logged.find((l) => l.msg === 'saved baselines not used: learning afresh')).toMatchObject({ level: 40 });
      expect(baselines.layout.timeZone).toBe('Asia/Shanghai');
      // The server is up and answering.
      const res = await server.request('GET', '/api/v1/vitals/health', { token });
      expect(res.status).toBe(200);
    } finally {
      await server.db.query('update vitals_baseline set data = $1 where id = 1', [typeof before!.data === 'string' ? before!.data : JSON.stringify(before!.data)]);
    }
  });
});
