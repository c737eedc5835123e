// Defects found by testing the cases API from outside: scope of configuration and dispatch, values that
// used to end in a 500, permissions per action, and answers that did not say what was wrong.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../../test/harness.js';

let server: TestServer;
let admin: string;
let duty: string;
let huangpu: string;
let grid: string;
/** cases:manage held at a district (huangpu), below the city root. */
let districtManager: string;
/** An API token that files and dispatches but does not handle. */
let dispatcherToken: string;

const token = async (name: string, scopes: string[], orgCode?: string) => {
  const response = await server.request('POST', '/api/v1/tokens', { token: admin, body: { name, scopes, ...(orgCode ? { orgCode } : {}) } });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.token as string;
};

beforeAll(async () => {
  server = await startServer();
  [admin, duty, huangpu, grid] = await Promise.all(['admin', 'duty', 'huangpu', 'grid'].map((name) => server.login(name)));
  districtManager = await token('huangpu configuration', ['cases:read', 'cases:manage'], 'huangpu');
  dispatcherToken = await token('dispatch desk', ['cases:read', 'cases:dispatch']);
});
afterAll(async () => server?.close());

const params = (response: { body: any }) => (response.body['invalid-params'] ?? []).map((p: { name: string }) => p.name);

async function report(org = 'huangpu-s1-c1', title = '井盖缺失 manhole cover missing') {
  const response = await server.request('POST', '/api/v1/cases', { token: grid, body: { title, org } });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: number; version: number };
}

const move = (id: number, body: Record<string, unknown>, as = duty) => server.request('POST', `/api/v1/cases/${id}/transitions`, { token: as, body });

async function filed(org = 'huangpu-s1-c1') {
  const { id } = await report(org);
  const response = await move(id, { action: 'file', version: 1, category: 'urban.road.manhole' });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return id;
}

describe('configuration is limited to the caller\'s org scope', () => {
  it('lets a district change dispatch rules for its own subtree only', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ categoryPrefix: 'urban.road', org: 'binjiang', department: 'transport' }, '/org'],
      [{ categoryPrefix: 'urban.road', org: null, department: 'transport' }, '/org'],
      [{ categoryPrefix: 'urban.road', department: 'transport' }, '/org'], // no org: city-wide
      [{ categoryPrefix: 'urban.road', org: 'huangpu', department: 'transport', handlerOrg: 'binjiang' }, '/handlerOrg'],
    ];
    const before = (await server.request('GET', '/api/v1/cases/dispatch-rules', { token: admin })).body.items.length;
    for (const [body, field] of cases) {
      const response = await server.request('POST', '/api/v1/cases/dispatch-rules', { token: districtManager, body });
      expect(response.status, JSON.stringify(body)).toBe(403);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(params(response), JSON.stringify(body)).toEqual([field]);
    }
    expect((await server.request('GET', '/api/v1/cases/dispatch-rules', { token: admin })).body.items.length).toBe(before);

    const own = await server.request('POST', '/api/v1/cases/dispatch-rules', { token: districtManager, body: { categoryPrefix: 'urban.road', org: 'huangpu-s1', department: 'transport', handlerOrg: 'huangpu' } });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    // A fixed handler must be able to see the cases the rule sends it: a unit holding the rule's subtree.
    const blind = await server.request('POST', '/api/v1/cases/dispatch-rules', { token: districtManager, body: { categoryPrefix: 'urban.road', org: 'huangpu-s2', department: 'transport', handlerOrg: 'huangpu-s1' } });
    expect(blind.status).toBe(400);
    expect(params(blind)).toEqual(['/handlerOrg']);

    const cityWide = await server.request('POST', '/api/v1/cases/dispatch-rules', { token: admin, body: { categoryPrefix: 'urban.appearance', department: 'greening_appearance' } });
    const neighbour = await server.request('POST', '/api/v1/cases/dispatch-rules', { token: admin, body: { categoryPrefix: 'urban.appearance', org: 'binjiang', department: 'greening_appearance' } });
    expect([cityWide.status, neighbour.status]).toEqual([201, 201]);
    // A district sees the rules that bear on its cases, not its neighbours'.
    const listed = (await server.request('GET', '/api/v1/cases/dispatch-rules', { token: districtManager })).body.items.map((r: { id: number }) => r.id);
    expect(listed).toEqual(expect.arrayContaining([own.body.id, cityWide.body.id]));
    expect(listed).not.toContain(neighbour.body.id);

    const deleteCityWide = await server.request('DELETE', `/api/v1/cases/dispatch-rules/${cityWide.body.id}`, { token: districtManager });
    expect(deleteCityWide.status).toBe(403);
    expect(params(deleteCityWide)).toEqual(['id']);
    expect((await server.request('DELETE', `/api/v1/cases/dispatch-rules/${neighbour.body.id}`, { token: districtManager })).status).toBe(404);
    expect((await server.request('DELETE', `/api/v1/cases/dispatch-rules/${own.body.id}`, { token: districtManager })).status).toBe(204);
    const after = (await server.request('GET', '/api/v1/cases/dispatch-rules', { token: admin })).body.items.map((r: { id: number }) => r.id);
    expect(after).toEqual(expect.arrayContaining([cityWide.body.id, neighbour.body.id]));
    expect(after).not.toContain(own.body.id);
  });

  it('keeps city-wide settings (calendar, alert rules, taxonomy, classifier) to the city root', async () => {
    const calendar = (await server.request('GET', '/api/v1/cases/calendar', { token: duty })).body;
    const alertRules = (await server.request('GET', '/api/v1/cases/alert-rules', { token: duty })).body;
    const attempts: [string, string, unknown][] = [
      ['PUT', '/api/v1/cases/calendar', { holidays: ['2026-10-01'], secondLevelAfterHours: 1 }],
      ['PUT', '/api/v1/cases/alert-rules', []],
      ['PUT', '/api/v1/cases/categories', [{ code: 'urban.road.manhole', nameZh: '井盖', nameEn: 'Manhole', deadlineHours: { urgent: 1, high: 1, normal: 1, low: 1 } }]],
      ['POST', '/api/v1/cases/classifier/train', undefined],
    ];
    for (const [method, path, body] of attempts) {
      const response = await server.request(method, path, { token: districtManager, body });
      expect(response.status, path).toBe(403);
      expect(response.body.code, path).toBe('cases.out_of_scope');
      expect(response.body.detail, path).toContain('city root');
    }
    expect((await server.request('GET', '/api/v1/cases/calendar', { token: duty })).body).toEqual(calendar);
    expect((await server.request('GET', '/api/v1/cases/alert-rules', { token: duty })).body).toEqual(alertRules);
    const manhole = (await server.request('GET', '/api/v1/cases/categories', { token: duty })).body.items.find((c: { code: string }) => c.code === 'urban.road.manhole');
    expect(manhole.deadlineHours.normal).not.toBe(1);
  });
});

describe('dispatch stays where the case can be seen', () => {
  it('refuses a handling unit outside the caller\'s subtree or one that cannot see the case, and changes nothing', async () => {
    const id = await filed();
    const outside = await move(id, { action: 'dispatch', version: 2, department: 'transport', handlerOrg: 'binjiang' }, huangpu);
    expect(outside.status).toBe(403);
    expect(params(outside)).toEqual(['/handlerOrg']);
    // The city may name any unit, but not one whose people could not open the case.
    const blind = await move(id, { action: 'dispatch', version: 2, department: 'transport', handlerOrg: 'binjiang' });
    expect(blind.status).toBe(400);
    expect(params(blind)).toEqual(['/handlerOrg']);
    const sideways = await move(id, { action: 'dispatch', version: 2, department: 'transport', handlerOrg: 'huangpu-s2' }, huangpu);
    expect(sideways.status).toBe(400);
    expect((await server.request('GET', `/api/v1/cases/${id}`, { token: duty })).body).toMatchObject({ state: 'filed', version: 2, handlerOrg: null });

    const ok = await move(id, { action: 'dispatch', version: 2, department: 'transport', handlerOrg: 'huangpu-s1' }, huangpu);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ state: 'dispatched', handlerOrg: 'huangpu-s1' });
  });
});

describe('deadlines that cannot be computed', () => {
  it('bounds category deadlines', async () => {
    const item = (deadlineHours: Record<string, number>, workingTime: boolean) => [{ code: 'urban.road.manhole', nameZh: '井盖', nameEn: 'Manhole cover', deadlineHours, workingTime }];
    for (const [hours, workingTime] of [[1e300, false], [1e12, true], [8761, false]] as const) {
      const response = await server.request('PUT', '/api/v1/cases/categories', { token: admin, body: item({ urgent: 1, high: 2, normal: 3, low: hours }, workingTime) });
      expect(response.status, String(hours)).toBe(400);
      expect(params(response)).toContain('/0/deadlineHours/low');
    }
    const year = await server.request('PUT', '/api/v1/cases/categories', { token: admin, body: [{ code: 'urban.road.slow_test', nameZh: '慢', nameEn: 'Slow', deadlineHours: { urgent: 8760, high: 8760, normal: 8760, low: 8760 }, workingTime: false, active: false }] });
    expect(year.status, JSON.stringify(year.body)).toBe(200);
  });

  it('refuses a calendar with no working time ahead or with impossible dates', async () => {
    const before = (await server.request('GET', '/api/v1/cases/calendar', { token: duty })).body;
    const cases: [Record<string, unknown>, string][] = [
      [{ workdays: [], extraWorkdays: ['1999-01-01'] }, '/workdays'],
      [{ workdays: [], extraWorkdays: ['2099-01-01'] }, '/workdays'], // one day: not the 168 working hours a deadline needs
      [{ holidays: ['2026-13-45'] }, '/holidays/0'],
      [{ extraWorkdays: ['2026-03-07', '0000-00-00'] }, '/extraWorkdays/1'],
      [{ holidays: ['2026-02-30'] }, '/holidays/0'],
    ];
    for (const [body, field] of cases) {
      const response = await server.request('PUT', '/api/v1/cases/calendar', { token: admin, body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(params(response), JSON.stringify(body)).toEqual([field]);
    }
    expect((await server.request('GET', '/api/v1/cases/calendar', { token: duty })).body).toEqual(before);
    const { id } = await report();
    expect((await move(id, { action: 'file', version: 1, category: 'urban.road.streetlight' })).status).toBe(200);
  });

  /**
   * Runs `run` with the configuration changed in the database behind the service's back (stored before the
   * checks existed, or edited by hand), then puts back what was there, whether `run` passed or not.
   */
  async function withStored(change: string, restore: () => Promise<unknown>, run: () => Promise<void>) {
    await server.db.query(change);
    await server.app.cases.service.load();
    try {
      await run();
    } finally {
      await restore();
      await server.app.cases.service.load();
    }
  }
  /** Reports a case and files it under `category`: refused with 409, naming the category, and left as it was. */
  async function fileWithoutDeadline(category: string) {
    const { id } = await report();
    const response = await move(id, { action: 'file', version: 1, category });
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('cases.no_deadline');
    expect((await server.request('GET', `/api/v1/cases/${id}`, { token: duty })).body).toMatchObject({ state: 'reported', version: 1 });
    return response;
  }

  it('refuses filing with 409 naming the category when the stored configuration gives no deadline, never 500', async () => {
    const [graffiti] = await server.db.query<{ deadline_hours: unknown; working_time: boolean }>(`select deadline_hours, working_time from cases_category where code = 'urban.appearance.graffiti'`);
    await withStored(
      `update cases_category set deadline_hours = '{"urgent":1e300,"high":1e300,"normal":1e300,"low":1e300}', working_time = false where code = 'urban.appearance.graffiti'`,
      () => server.db.query(`update cases_category set deadline_hours = $1, working_time = $2 where code = 'urban.appearance.graffiti'`,
        [typeof graffiti!.deadline_hours === 'string' ? graffiti!.deadline_hours : JSON.stringify(graffiti!.deadline_hours), graffiti!.working_time]),
      async () => {
        expect(params(await fileWithoutDeadline('urban.appearance.graffiti'))).toEqual(['/category']);
      },
    );
    const calendar = await server.db.query<{ value: unknown }>(`select value from cases_setting where name = 'calendar'`);
    await withStored(
      `insert into cases_setting (name, value) values ('calendar', '{"workdays":[],"startHour":9,"endHour":18,"holidays":[],"extraWorkdays":["1999-01-01"]}')
        on conflict (name) do update set value = excluded.value`,
      () => calendar.length
        ? server.db.query(`update cases_setting set value = $1 where name = 'calendar'`, [typeof calendar[0]!.value === 'string' ? calendar[0]!.value : JSON.stringify(calendar[0]!.value)])
        : server.db.query(`delete from cases_setting where name = 'calendar'`),
      async () => {
        await fileWithoutDeadline('urban.road.streetlight');
      },
    );
  });
});

describe('permissions per action', () => {
  it('lets a token with cases:dispatch file and dispatch without cases:handle, but not accept', async () => {
    const { id } = await report();
    const file = await move(id, { action: 'file', version: 1, category: 'urban.road.manhole' }, dispatcherToken);
    expect(file.status, JSON.stringify(file.body)).toBe(200);
    expect((await move(id, { action: 'dispatch', version: 2, department: 'transport' }, dispatcherToken)).status).toBe(200);
    const accept = await move(id, { action: 'accept', version: 3 }, dispatcherToken);
    expect(accept.status).toBe(403);
    expect(accept.body['invalid-params']).toEqual([{ name: '/action', reason: 'needs cases:handle' }]);
    const bulk = await server.request('POST', '/api/v1/cases/bulk', { token: dispatcherToken, body: { action: 'file', category: 'urban.road.manhole', items: [{ id: (await report()).id, version: 1 }] } });
    expect(bulk.status).toBe(200);
    // Readers and reporters act on no case at all: refused at the route.
    for (const as of [grid, await server.login('viewer')]) {
      const response = await move(id, { action: 'accept', version: 3 }, as);
      expect(response.status).toBe(403);
      expect(response.body.detail).toMatch(/needs one of (cases:dispatch, cases:handle|cases:handle, cases:dispatch)$/);
    }
  });
});

describe('dispatch rules', () => {
  it('refuses a second rule for the same category prefix and org, naming the first; a 404 for a rule that is not there', async () => {
    const first = await server.request('POST', '/api/v1/cases/dispatch-rules', { token: admin, body: { categoryPrefix: 'environment.noise', org: 'xigang', department: 'ecology_environment' } });
    expect(first.status).toBe(201);
    const second = await server.request('POST', '/api/v1/cases/dispatch-rules', { token: admin, body: { categoryPrefix: 'environment.noise', org: 'xigang', department: 'housing', queue: 'other' } });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'cases.rule_conflict', existingRule: { id: first.body.id, department: 'ecology_environment' } });
    expect(second.body.detail).toContain(`rule ${first.body.id}`);
    expect(params(second)).toEqual(['/categoryPrefix']);
    const rules = (await server.request('GET', '/api/v1/cases/dispatch-rules', { token: admin })).body.items;
    expect(rules.filter((r: any) => r.categoryPrefix === 'environment.noise' && r.org === 'xigang')).toHaveLength(1);
    // The same prefix elsewhere, or city-wide, is another rule.
    expect((await server.request('POST', '/api/v1/cases/dispatch-rules', { token: admin, body: { categoryPrefix: 'environment.noise', department: 'housing' } })).status).toBe(201);
    expect((await server.request('POST', '/api/v1/cases/dispatch-rules', { token: admin, body: { categoryPrefix: 'environment.noise', org: null, department: 'housing' } })).status).toBe(409);

    const missing = await server.request('DELETE', '/api/v1/cases/dispatch-rules/987654', { token: admin });
    expect(missing.status).toBe(404);
    expect(params(missing)).toEqual(['id']);
  });
});

describe('worklist filters', () => {
  it('refuses an unknown org (400) and one outside the caller\'s subtree (403), as the board does', async () => {
    const unknown = await server.request('GET', '/api/v1/cases?org=nosuch', { token: duty });
    expect(unknown.status).toBe(400);
    expect(unknown.body['invalid-params']).toEqual([{ name: 'org', reason: 'unknown org unit' }]);
    const outside = await server.request('GET', '/api/v1/cases?org=binjiang', { token: huangpu });
    expect(outside.status).toBe(403);
    expect(params(outside)).toEqual(['org']);
    expect((await server.request('GET', '/api/v1/cases?org=huangpu-s1', { token: huangpu })).status).toBe(200);
  });

  it('takes a category filter literally: % and _ are no wildcards', async () => {
    await filed();
    expect((await server.request('GET', '/api/v1/cases?category=urban', { token: duty })).body.total).toBeGreaterThan(0);
    for (const category of ['%', '_rban', 'urban.road.%']) {
      const response = await server.request('GET', `/api/v1/cases?category=${encodeURIComponent(category)}`, { token: duty });
      expect(response.status).toBe(200);
      expect(response.body.total, category).toBe(0);
    }
  });
});

describe('bulk refusals', () => {
  it('names the entry and the case that cannot take the action', async () => {
    const a = await report();
    const b = await filed();
    const response = await server.request('POST', '/api/v1/cases/bulk', { token: duty, body: { action: 'file', category: 'urban.road.manhole', items: [{ id: a.id, version: 1 }, { id: b, version: 2 }] } });
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ code: 'cases.invalid_transition', caseId: b, state: 'filed' });
    expect(params(response)).toEqual(['/items/1']);
    expect(response.body.detail).toContain(`case ${b}`);
    expect((await server.request('GET', `/api/v1/cases/${a.id}`, { token: duty })).body).toMatchObject({ state: 'reported', version: 1 });
  });
});

describe('alert rules', () => {
  it('refuse unknown vitals categories and inactive case categories, naming the field', async () => {
    const inactive = await server.request('PUT', '/api/v1/cases/categories', { token: admin, body: [{ code: 'environment.pollution.retired', nameZh: '停用', nameEn: 'Retired', active: false }] });
    expect(inactive.status).toBe(200);
    const before = (await server.request('GET', '/api/v1/cases/alert-rules', { token: duty })).body;
    const cases: [Record<string, unknown>, string][] = [
      [{ minSeverity: 'critical', categories: ['air_quality', 'weather_on_mars'], caseCategory: 'environment.pollution.air' }, '/0/categories/1'],
      [{ minSeverity: 'critical', caseCategory: 'environment.pollution.retired' }, '/0/caseCategory'],
    ];
    for (const [rule, field] of cases) {
      const response = await server.request('PUT', '/api/v1/cases/alert-rules', { token: admin, body: [rule] });
      expect(response.status, JSON.stringify(rule)).toBe(400);
      expect(params(response)).toEqual([field]);
    }
    expect((await server.request('GET', '/api/v1/cases/alert-rules', { token: duty })).body).toEqual(before);
    const ok = await server.request('PUT', '/api/v1/cases/alert-rules', { token: admin, body: [{ minSeverity: 'critical', categories: ['air_quality'], caseCategory: 'environment.pollution.air' }] });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  });
});
