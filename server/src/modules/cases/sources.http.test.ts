import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../../test/harness.js';

let server: TestServer;
let duty: string;
let admin: string;

beforeAll(async () => {
  server = await startServer();
  [duty, admin] = await Promise.all([server.login('duty'), server.login('admin')]);
});
afterAll(async () => server?.close());

interface Indicator { code: string; criticalHigh: number | null; warningHigh: number | null; normalMin: number; normalMax: number; direction: string; orgLevels: string[]; department: string }

async function airIndicators(): Promise<Indicator[]> {
  const response = await server.request('GET', '/api/v1/vitals/indicators?category=air_quality&limit=100', { token: duty });
  return (response.body.items as Indicator[]).filter((i) => i.direction === 'up' && i.criticalHigh !== null && i.warningHigh !== null && i.orgLevels.includes('district'));
}

async function send(indicator: string, org: string, points: [minutesAgo: number, value: number][]) {
  const body = points.map(([ago, value]) => ({ indicator, org, ts: Date.now() - ago * 60_000, value }));
  const response = await server.request('POST', '/api/v1/vitals/observations', { token: duty, body });
  expect(response.status).toBe(200);
  await server.app.cases.alerts.idle();
}
const alertCases = async (org: string) =>
  (await server.request('GET', `/api/v1/cases?source=alert&org=${org}`, { token: duty })).body.items as any[];

describe('vital-sign alerts as a source', () => {
  it('open one case per alert group, dispatched to the owning department, and note when alerts resolve', async () => {
    const [first, second] = await airIndicators();
    expect(second, 'the catalogue needs two air-quality indicators with thresholds').toBeDefined();
    const high = (i: Indicator) => i.criticalHigh! * 1.5;
    const normal = (i: Indicator) => (i.normalMin + i.normalMax) / 2;
    await send(first.code, 'xinhe', [[30, high(first)], [29, high(first)], [28, high(first)], [27, high(first)], [26, high(first)]]);
    let cases = await alertCases('xinhe');
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ source: 'alert', sourceRef: 'air_quality:xinhe', state: 'dispatched', department: first.department, org: 'xinhe', category: 'operations.vitals.alert', priority: 'high' });
    expect(cases[0].deadlineAt).toBeTruthy();

    // A second alert of the same group joins the open case instead of opening another.
    await send(second.code, 'xinhe-s1', [[30, high(second)], [29, high(second)], [28, high(second)], [27, high(second)], [26, high(second)]]);
    cases = await alertCases('xinhe');
    expect(cases).toHaveLength(1);
    let detail = (await server.request('GET', `/api/v1/cases/${cases[0].id}`, { token: duty })).body;
    expect(detail.history.map((h: any) => h.action)).toEqual(['report', 'file', 'dispatch', 'alert']);
    expect(detail.history[3].data).toMatchObject({ indicator: second.code, org: 'xinhe-s1' });

    await send(first.code, 'xinhe', [[25, normal(first)], [24, normal(first)], [23, normal(first)], [22, normal(first)], [21, normal(first)]]);
    detail = (await server.request('GET', `/api/v1/cases/${cases[0].id}`, { token: duty })).body;
    expect(detail.history.at(-1)).toMatchObject({ action: 'alert_resolved', actor: 'system' });
    expect(detail.history.at(-1).reason).toContain(first.code);
    expect(detail.state).toBe('dispatched'); // a resolved alert is noted; the department still reports back
  });

  it('follow the configurable rules: warnings open no case by default, and can be made to', async () => {
    const [first] = await airIndicators();
    const warning = (first.warningHigh! + first.criticalHigh!) / 2;
    await send(first.code, 'nanhu', [[30, warning], [29, warning], [28, warning], [27, warning], [26, warning]]);
    expect(await alertCases('nanhu')).toHaveLength(0);

    const bad = await server.request('PUT', '/api/v1/cases/alert-rules', { token: admin, body: [{ minSeverity: 'warning', categories: ['air_quality'], caseCategory: 'urban' }] });
    expect(bad.status).toBe(400);
    expect(bad.body['invalid-params'][0].name).toBe('/0/caseCategory');
    const rules = await server.request('PUT', '/api/v1/cases/alert-rules', { token: admin, body: [{ minSeverity: 'warning', categories: ['air_quality'], caseCategory: 'environment.pollution.air', priority: 'normal' }] });
    expect(rules.status).toBe(200);
    expect((await server.request('PUT', '/api/v1/cases/alert-rules', { token: duty, body: [] })).status).toBe(403);
    await send(first.code, 'beiyuan', [[30, warning], [29, warning], [28, warning], [27, warning], [26, warning]]);
    expect(await alertCases('beiyuan')).toMatchObject([{ category: 'environment.pollution.air', priority: 'normal' }]);
  });
});

describe('dispatch suggestions', () => {
  async function newCase(title: string, org = 'huangpu-s1-c1', category?: string) {
    const response = await server.request('POST', '/api/v1/cases', { token: duty, body: { title, org, ...(category ? { category } : {}) } });
    expect(response.status).toBe(201);
    return response.body;
  }

  it('show the rule decision and the classifier\'s top three, trained on the city\'s own history', async () => {
    const history: [string, string][] = [
      ['路灯不亮', 'city_management'], ['路灯损坏 street light broken', 'city_management'], ['street light out', 'city_management'], ['路灯闪烁', 'city_management'],
      ['河道有油污', 'water_authority'], ['河水发黑发臭 river smells', 'water_authority'], ['窨井盖缺失', 'water_authority'], ['sewer overflow', 'water_authority'],
      ['工地夜间施工噪声', 'ecology_environment'], ['construction noise at night', 'ecology_environment'], ['工厂排放黑烟', 'ecology_environment'], ['smoke from factory chimney', 'ecology_environment'],
    ];
    const untrained = await newCase('路灯坏了');
    const before = await server.request('GET', `/api/v1/cases/${untrained.id}/suggestions`, { token: duty });
    expect(before.body).toMatchObject({ rule: null, classifier: [], model: null });
    const tooLittle = await server.request('POST', '/api/v1/cases/classifier/train', { token: admin });
    expect(tooLittle.status).toBe(409);

    for (const [title, department] of history) {
      const created = await newCase(title);
      await server.request('POST', `/api/v1/cases/${created.id}/transitions`, { token: duty, body: { action: 'file', version: 1, category: 'other.general.other' } });
      const dispatched = await server.request('POST', `/api/v1/cases/${created.id}/transitions`, { token: duty, body: { action: 'dispatch', version: 2, department } });
      expect(dispatched.status).toBe(200);
    }
    expect((await server.request('POST', '/api/v1/cases/classifier/train', { token: duty })).status).toBe(403);
    const trained = await server.request('POST', '/api/v1/cases/classifier/train', { token: admin });
    expect(trained.status).toBe(200);
    expect(trained.body).toMatchObject({ labels: 3 });

    for (const [title, expected] of [['路灯坏了', 'city_management'], ['the street light is broken', 'city_management'], ['河道油污', 'water_authority'], ['noise from construction', 'ecology_environment']] as const) {
      const probe = await newCase(title);
      const suggestions = await server.request('GET', `/api/v1/cases/${probe.id}/suggestions`, { token: duty });
      expect(suggestions.status).toBe(200);
      expect(suggestions.body.classifier, title).toHaveLength(3);
      expect(suggestions.body.classifier[0].department, title).toBe(expected);
      expect(suggestions.body.classifier[0].confidence).toBeGreaterThan(suggestions.body.classifier[1].confidence);
      expect(suggestions.body.classifier.reduce((sum: number, s: any) => sum + s.confidence, 0)).toBeCloseTo(1, 2);
    }
    // The model is persisted: a restarted service reads it back.
    await server.app.cases.service.load();
    const again = await server.request('GET', `/api/v1/cases/${untrained.id}/suggestions`, { token: duty });
    expect(again.body.classifier[0].department).toBe('city_management');
    expect((await server.request('GET', `/api/v1/cases/${untrained.id}/suggestions`, { token: await server.login('viewer') })).status).toBe(403);
  });

  it('let the most specific rule pick the department, handling unit and queue from category and location', async () => {
    const general = await server.request('POST', '/api/v1/cases/dispatch-rules', { token: admin, body: { categoryPrefix: 'urban.road', department: 'transport' } });
    expect(general.status).toBe(201);
    const local = await server.request('POST', '/api/v1/cases/dispatch-rules', { token: admin, body: { categoryPrefix: 'urban.road.damage', org: 'binjiang', department: 'housing', handlerLevel: 'street', queue: 'binjiang-roads' } });
    expect(local.status).toBe(201);
    for (const [body, field] of [[{ categoryPrefix: 'nowhere', department: 'transport' }, '/categoryPrefix'], [{ categoryPrefix: '', department: 'nobody' }, '/department'], [{ categoryPrefix: '', department: 'transport', handlerLevel: 'fixed' }, '/handlerOrg']] as const) {
      const response = await server.request('POST', '/api/v1/cases/dispatch-rules', { token: admin, body });
      expect(response.status).toBe(400);
      expect(response.body['invalid-params'][0].name).toBe(field);
    }
    const suggest = async (org: string, category: string) => {
      const created = await newCase('坑洼 pothole', org, category);
      return (await server.request('GET', `/api/v1/cases/${created.id}/suggestions`, { token: duty })).body.rule;
    };
    expect(await suggest('binjiang-s2-c1', 'urban.road.damage')).toMatchObject({ department: 'housing', handlerOrg: 'binjiang-s2', queue: 'binjiang-roads', ruleId: local.body.id });
    expect(await suggest('huangpu-s2-c1', 'urban.road.damage')).toMatchObject({ department: 'transport', handlerOrg: 'huangpu', ruleId: general.body.id });
    // Without a matching rule, the category's own department handles it in the case's district.
    expect(await suggest('xigang-s3', 'urban.appearance.graffiti')).toMatchObject({ department: 'greening_appearance', handlerOrg: 'xigang', ruleId: null });
  });
});

describe('statistics', () => {
  it('count opened and closed cases, on-time rate, satisfaction and backlog, and feed the vital signs', async () => {
    const created = await server.request('POST', '/api/v1/cases', { token: duty, body: { title: 'stats case', org: 'lingang-s1' } });
    let version = 1;
    for (const body of [{ action: 'file', category: 'urban.appearance.litter' }, { action: 'dispatch', department: 'greening_appearance' }, { action: 'accept' }, { action: 'handle', report: 'swept' }, { action: 'verify' }, { action: 'close' }, { action: 'evaluate', satisfaction: 4 }]) {
      const response = await server.request('POST', `/api/v1/cases/${created.body.id}/transitions`, { token: duty, body: { ...body, version } });
      expect(response.status).toBe(200);
      version = response.body.version;
    }
    await server.request('POST', '/api/v1/cases', { token: duty, body: { title: 'backlog case', org: 'lingang-s2' } });
    const lingang = await server.login('huangpu');
    const scoped = await server.request('GET', '/api/v1/cases/statistics', { token: lingang });
    expect(scoped.body.backlog.byDistrict.map((d: any) => d.district)).not.toContain('lingang');

    const stats = await server.request('GET', '/api/v1/cases/statistics?days=7', { token: duty });
    expect(stats.status).toBe(200);
    expect(stats.body.perDay.reduce((sum: number, d: any) => sum + d.closed, 0)).toBe(1);
    expect(stats.body.onTimeRate).toBeGreaterThan(0);
    expect(stats.body.satisfaction).toBe(4);
    expect(stats.body.satisfiedShare).toBe(1);
    expect(stats.body.backlog.byDistrict).toContainEqual({ district: 'lingang', backlog: 1, overdue: 0 });
    expect((await server.request('GET', '/api/v1/cases/statistics?days=0', { token: duty })).status).toBe(400);

    const vitals = server.app.vitals.service;
    const observations = await server.app.cases.statistics.observations(vitals.orgUnits().filter((o) => o.code === 'lingang'), () => true);
    const value = (key: keyof typeof server.app.cases.statistics.indicators) => observations.find((o) => o.indicator === server.app.cases.statistics.indicators[key])?.value;
    expect(value('closedToday')).toBe(1);
    expect(value('backlog')).toBe(1);
    expect(value('satisfaction')).toBe(100);
    expect(value('onTimeRate')).toBe(100);

    const stored = await server.app.cases.statistics.push(vitals);
    expect(stored).toBeGreaterThan(0);
    const snapshot = await server.request('GET', '/api/v1/vitals/snapshot?org=lingang&category=hotline_12345', { token: duty });
    const backlog = snapshot.body.items.find((i: any) => i.indicator === server.app.cases.statistics.indicators.backlog);
    expect(backlog).toMatchObject({ value: 1 });
  });
});
