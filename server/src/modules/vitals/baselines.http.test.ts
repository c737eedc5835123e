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
/** The baselines a second app on the same database starts with, as after a restart (it saves none: no background jobs). */
async function baselinesAfterRestart() {
  const restarted = await buildApp(server.config, { db: server.db, backgroundJobs: false, logger: pino({ level: 'silent' }) });
  try {
    return baselinesOf(restarted);
  } finally {
    await restarted.http.close();
  }
}

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
});
