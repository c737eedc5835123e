import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../test/harness.js';
import { VitalsSimulator } from './vitals-simulator.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server?.close());

describe('the demo city simulator', () => {
  it('reports every indicator, keeps ordinary values normal, and raises incidents that fire and resolve alerts', async () => {
    const vitals = server.app.vitals.service;
    const simulator = new VitalsSimulator(vitals, pino({ level: 'silent' }), { seed: 7, incidentEverySeconds: 120, minimumIntervalSeconds: 60 });
    const series = simulator.prepare(vitals.orgUnits());
    expect(series).toBeGreaterThan(10_000);
    // Forty simulated minutes, one step a minute, ending now.
    const start = Date.now() - 40 * 60_000;
    for (let minute = 0; minute <= 40; minute++) await simulator.step(start + minute * 60_000);
    const snapshot = vitals.snapshot(vitals.org(vitals.rootOrgCode())!);
    expect(snapshot.filter((item) => item.status === 'no-data')).toEqual([]);
    const counts = snapshot.reduce((acc, item) => { for (const [status, n] of Object.entries(item.counts)) acc[status] = (acc[status] ?? 0) + n; return acc; }, {} as Record<string, number>);
    // Almost every series is normal; the incidents are the exceptions.
    expect(counts.normal / (counts.normal + (counts.warning ?? 0) + (counts.critical ?? 0))).toBeGreaterThan(0.99);
    const alerts = await server.db.query<{ state: string; rule: string }>(`select state, rule from vitals_alert where rule = 'threshold'`);
    expect(alerts.length).toBeGreaterThan(3);
    expect(alerts.some((alert) => alert.state === 'resolved')).toBe(true);
  });
});
