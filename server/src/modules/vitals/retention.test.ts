import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../../test/harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ env: { CITYPULSE_RAW_RETENTION_DAYS: '2', CITYPULSE_MINUTE_ROLLUP_RETENTION_DAYS: '10', CITYPULSE_HOUR_ROLLUP_RETENTION_DAYS: '100' } });
});
afterAll(async () => server?.close());

describe('retention', () => {
  it('deletes raw observations and rollups past their configured periods, and nothing younger', async () => {
    const [{ id }] = await server.db.query<{ id: number }>(`select id from vitals_indicator where code = 'AIR_QUALITY.PM25'`);
    const [{ id: org }] = await server.db.query<{ id: number }>(`select id from org_unit where code = 'huangpu'`);
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
    for (const days of [1, 3, 20, 200]) {
      await server.db.query('insert into vitals_observation values ($1, $2, $3, 1)', [id, org, daysAgo(days)]);
      for (const table of ['vitals_rollup_1m', 'vitals_rollup_1h']) {
        await server.db.query(`insert into ${table} values ($1, $2, $3, 1, 1, 1, 1, 1, $3)`, [id, org, daysAgo(days)]);
      }
    }
    const removed = await server.app.vitals.service.retention();
    expect(removed).toEqual({ vitals_observation: 3, vitals_rollup_1m: 2, vitals_rollup_1h: 1 });
    const left = await server.db.query<{ n: number }>('select count(*)::int as n from vitals_observation');
    expect(left[0].n).toBe(1);
  });

  it('refuses observations older than the raw retention', async () => {
    const token = await server.login('duty');
    const response = await server.request('POST', '/api/v1/vitals/observations', { token, body: [{ indicator: 'AIR_QUALITY.PM25', ts: Date.now() - 3 * 86_400_000, value: 1 }] });
    expect(response.status).toBe(400);
    expect(response.body['invalid-params']).toEqual([{ name: '/0/ts', reason: 'is older than the raw data retention period' }]);
    const metrics = await server.request('GET', '/metrics');
    expect(metrics.body).toMatch(/citypulse_vitals_rejected_batches_total 1/);
  });
});
