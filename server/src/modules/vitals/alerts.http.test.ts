import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../../test/harness.js';
import { ALERT_SUBJECT, type AlertEvent } from './alert-service.js';

let server: TestServer;
let duty: string;
let pm25: { code: string; frequencySeconds: number; criticalHigh: number; warningHigh: number; normalMax: number; normalMin: number };
const events: AlertEvent[] = [];
const PM25 = 'AIR_QUALITY.PM25';

beforeAll(async () => {
  server = await startServer();
  duty = await server.login('duty');
  pm25 = (await server.request('GET', `/api/v1/vitals/indicators/${PM25}`, { token: duty })).body;
  server.app.bus.subscribe<AlertEvent>(ALERT_SUBJECT, (event) => events.push(event));
});
afterAll(async () => server?.close());

async function send(org: string, points: [minutesAgo: number, value: number][]) {
  const body = points.map(([ago, value]) => ({ indicator: PM25, org, ts: Date.now() - ago * 60_000, value }));
  const response = await server.request('POST', '/api/v1/vitals/observations', { token: duty, body });
  expect(response.status).toBe(200);
}
const alertsOf = async (org: string) =>
  (await server.request('GET', `/api/v1/vitals/alerts?org=${org}&indicator=${PM25}`, { token: duty })).body.items as any[];

describe('threshold alerts', () => {
  it('fire once when a value stays past the critical threshold, with labels, and resolve once when it recovers', async () => {
    const high = pm25.criticalHigh * 1.2;
    const normal = (pm25.normalMin + pm25.normalMax) / 2;
    await send('huangpu', [[20, high], [19, high], [18, high], [17, high], [16, high]]);
    let alerts = await alertsOf('huangpu');
    const threshold = alerts.filter((a) => a.rule === 'threshold');
    expect(threshold).toHaveLength(1);
    expect(threshold[0]).toMatchObject({ state: 'firing', severity: 'critical', org: 'huangpu', category: 'air_quality', groupKey: 'air_quality:huangpu' });
    expect(threshold[0].department).toBeTruthy();
    const snapshot = await server.request('GET', '/api/v1/vitals/snapshot?category=air_quality', { token: duty });
    const item = snapshot.body.items.find((i: { indicator: string }) => i.indicator === PM25);
    expect(item.status).toBe('critical');
    expect(item.counts.critical).toBe(1);

    // Re-sending the same observations must not open another alert.
    await send('huangpu', [[20, high], [19, high]]);
    expect((await alertsOf('huangpu')).filter((a) => a.rule === 'threshold')).toHaveLength(1);

    await send('huangpu', [[15, normal], [14, normal], [13, normal], [12, normal], [11, normal]]);
    alerts = (await alertsOf('huangpu')).filter((a) => a.rule === 'threshold');
    expect(alerts).toHaveLength(1);
    expect(alerts[0].state).toBe('resolved');
    const detail = await server.request('GET', `/api/v1/vitals/alerts/${alerts[0].id}`, { token: duty });
    expect(detail.body.history.map((h: { kind: string }) => h.kind)).toEqual(['fired', 'resolved']);
    const published = events.filter((e) => e.alert.id === alerts[0].id).map((e) => e.transition);
    expect(published).toEqual(['fired', 'resolved']);
  });

  it('do not spam when a value flaps around the threshold', async () => {
    const above = pm25.warningHigh * 1.01;
    const below = pm25.warningHigh * 0.99;
    const points: [number, number][] = [];
    for (let minute = 40; minute > 20; minute--) points.push([minute, minute % 2 ? above : below]);
    await send('xigang', points);
    const fired = (await alertsOf('xigang')).filter((a) => a.rule === 'threshold');
    expect(fired.length).toBeLessThanOrEqual(1);
  });
});

/** The id of the threshold alert four minutes of PM2.5 far over its critical level fire in `org`. */
async function firingAlert(org: string): Promise<number> {
  const high = pm25.criticalHigh * 1.5;
  await send(org, [[10, high], [9, high], [8, high], [7, high]]);
  return (await alertsOf(org)).find((a) => a.rule === 'threshold' && a.state === 'firing').id;
}

describe('handling alerts', () => {
  let alertId: number;
  beforeAll(async () => {
    alertId = await firingAlert('lingang');
  });

  it('acknowledges once even when two officers acknowledge at the same moment', async () => {
    const env = await server.login('env');
    const [a, b] = await Promise.all([
      server.request('POST', `/api/v1/vitals/alerts/${alertId}/acknowledge`, { token: duty, body: { note: 'on it' } }),
      server.request('POST', `/api/v1/vitals/alerts/${alertId}/acknowledge`, { token: env, body: {} }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.acknowledgedBy).toBe(b.body.acknowledgedBy);
    const detail = await server.request('GET', `/api/v1/vitals/alerts/${alertId}`, { token: duty });
    expect(detail.body.history.filter((h: { kind: string }) => h.kind === 'acknowledged')).toHaveLength(1);
  });

  it('silences for a period, and refuses a silence without a period or on a resolved alert', async () => {
    const silenced = await server.request('POST', `/api/v1/vitals/alerts/${alertId}/silence`, { token: duty, body: { minutes: 30, note: 'maintenance' } });
    expect(silenced.status).toBe(200);
    expect(new Date(silenced.body.silencedUntil).getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);
    const neither = await server.request('POST', `/api/v1/vitals/alerts/${alertId}/silence`, { token: duty, body: {} });
    expect(neither.status).toBe(400);
    expect(neither.body['invalid-params'][0].name).toBe('minutes');
    const past = await server.request('POST', `/api/v1/vitals/alerts/${alertId}/silence`, { token: duty, body: { until: '2020-01-01T00:00:00Z' } });
    expect(past.body['invalid-params']).toEqual([{ name: 'until', reason: 'not in the future' }]);
    const normal = (pm25.normalMin + pm25.normalMax) / 2;
    await send('lingang', [[6, normal], [5, normal], [4, normal], [3, normal], [2, normal]]);
    const onResolved = await server.request('POST', `/api/v1/vitals/alerts/${alertId}/silence`, { token: duty, body: { minutes: 5 } });
    expect(onResolved.status).toBe(409);
  });

  it('hides alerts outside the caller subtree and answers 404 for unknown ones', async () => {
    const huangpu = await server.login('huangpu');
    expect((await server.request('GET', `/api/v1/vitals/alerts/${alertId}`, { token: huangpu })).status).toBe(404);
    const list = await server.request('GET', '/api/v1/vitals/alerts', { token: huangpu });
    expect(list.body.items.every((a: { org: string }) => a.org.startsWith('huangpu'))).toBe(true);
    expect((await server.request('POST', '/api/v1/vitals/alerts/999999/acknowledge', { token: duty, body: {} })).status).toBe(404);
    const viewer = await server.login('viewer');
    expect((await server.request('POST', `/api/v1/vitals/alerts/${alertId}/acknowledge`, { token: viewer, body: {} })).status).toBe(403);
  });

  it('groups firing alerts by category and district', async () => {
    const high = pm25.criticalHigh * 1.5;
    await send('nanhu', [[10, high], [9, high], [8, high], [7, high]]);
    const groups = await server.request('GET', '/api/v1/vitals/alerts/groups', { token: duty });
    expect(groups.body.items).toContainEqual(expect.objectContaining({ groupKey: 'air_quality:nanhu', category: 'air_quality', firing: 1, critical: 1 }));
  });
});

describe('staleness and the health check', () => {
  it('marks a series stale when it stops reporting, and lowers the health score for critical series', async () => {
    const normal = (pm25.normalMin + pm25.normalMax) / 2;
    await send('beiyuan', [[60, normal]]);
    await server.app.vitals.service.tick();
    const stale = await server.request('GET', '/api/v1/vitals/snapshot?org=beiyuan&category=air_quality', { token: duty });
    expect(stale.body.items.find((i: { indicator: string }) => i.indicator === PM25).status).toBe('stale');
    const staleAlert = (await alertsOf('beiyuan')).find((a) => a.rule === 'stale');
    expect(staleAlert).toMatchObject({ state: 'firing', severity: 'warning' });

    const health = await server.request('GET', '/api/v1/vitals/health?org=nanhu', { token: duty });
    expect(health.body.score).toBeLessThan(100);
    const air = health.body.categories.find((c: { code: string }) => c.code === 'air_quality');
    expect(air.score).toBe(0);
    expect(air.counts.critical).toBe(1);
    await server.app.vitals.service.recordHealth(true);
    const history = await server.request('GET', '/api/v1/vitals/health/history?org=nanhu', { token: duty });
    expect(history.body.items.at(-1).score).toBe(health.body.score);
  });
});

describe('the end of a silence', () => {
  let alertId: number;
  beforeAll(async () => {
    alertId = await firingAlert('xinhe');
  });
  const silence = (body: unknown) => server.request('POST', `/api/v1/vitals/alerts/${alertId}/silence`, { token: duty, body });
  const alert = async () => (await server.request('GET', `/api/v1/vitals/alerts/${alertId}`, { token: duty })).body;

  it('refuses an until that is not an RFC 3339 date-time with an offset, or past what PostgreSQL and a silence take, changing nothing', async () => {
    const before = await alert();
    const inEightDays = new Date(Date.now() + 8 * 86_400_000).toISOString();
    for (const until of [
      '+010000-01-01T00:00:00Z', // was a 500: "time zone displacement out of range"
      '+275760-09-13T00:00:00Z',
      '2027', // Date.parse reads these; RFC 3339 does not
      'Tue, 01 Jan 2030 00:00:00 GMT',
      '2030-01-01T00:00:00', // no offset
      '2030-01-01', // no time
      '2030-02-30T00:00:00Z', // no such day (Date.parse rolls it over to March)
      '2030-01-01T24:00:00Z',
      '2030-01-01T00:00:00+24:00',
      inEightDays, // longer than any silence
    ]) {
      const response = await silence({ until });
      expect(response.status, until).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(response.body['invalid-params'].map((p: { name: string }) => p.name), until).toEqual(['until']);
    }
    expect((await silence({ until: inEightDays })).body['invalid-params'][0].reason).toBe('more than 7 days ahead');
    const after = await alert();
    expect(after.silencedUntil).toBe(before.silencedUntil);
    expect(after.history).toEqual(before.history);
  });

  it('accepts an RFC 3339 until with any offset within 7 days', async () => {
    // Two days ahead, written in UTC+08:00, with fractional seconds and lower-case separators.
    const end = Math.floor((Date.now() + 2 * 86_400_000) / 1000) * 1000 + 250;
    const local = new Date(end + 8 * 3_600_000).toISOString().replace('T', 't').replace('Z', '+08:00');
    const response = await silence({ until: local, note: 'pump replaced' });
    expect(response.status).toBe(200);
    expect(new Date(response.body.silencedUntil).getTime()).toBe(end);
    const longest = await silence({ minutes: 7 * 24 * 60 });
    expect(longest.status).toBe(200);
  });
});

describe('acknowledging without a body', () => {
  it('is accepted: the body is optional', async () => {
    const id = await firingAlert('dongshan');
    // No body and no content type, as `curl -X POST` sends it.
    const response = await server.request('POST', `/api/v1/vitals/alerts/${id}/acknowledge`, { token: duty });
    expect(response.status).toBe(200);
    expect(response.body.acknowledgedBy).toBeTruthy();
    const detail = await server.request('GET', `/api/v1/vitals/alerts/${id}`, { token: duty });
    expect(detail.body.history.find((h: { kind: string }) => h.kind === 'acknowledged').note).toBeNull();
    // A body that is there is still checked.
    const bad = await server.request('POST', `/api/v1/vitals/alerts/${id}/acknowledge`, { token: duty, body: { nope: 1 } });
    expect(bad.status).toBe(400);
  });
});
