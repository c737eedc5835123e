import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../../test/harness.js';

let server: TestServer;
let duty: string;
let grid: string;
let env: string;
let viewer: string;
let huangpu: string;

beforeAll(async () => {
  server = await startServer();
  [duty, grid, env, viewer, huangpu] = await Promise.all(['duty', 'grid', 'env', 'viewer', 'huangpu'].map((name) => server.login(name)));
});
afterAll(async () => server?.close());

async function report(body: Record<string, unknown> = {}, token = grid) {
  const response = await server.request('POST', '/api/v1/cases', { token, body: { title: '井盖缺失 manhole cover missing', description: '人民路口井盖丢失，有人差点摔倒', org: 'huangpu-s1-c1', ...body } });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

const move = (id: number, body: Record<string, unknown>, token = duty) =>
  server.request('POST', `/api/v1/cases/${id}/transitions`, { token, body });

async function moveOk(id: number, body: Record<string, unknown>, token = duty) {
  const response = await move(id, body, token);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

const historyOf = async (id: number) => (await server.request('GET', `/api/v1/cases/${id}`, { token: duty })).body.history as any[];

describe('the case workflow', () => {
  it('takes a report through filing, dispatch, handling, verification, closing and evaluation with its whole history', async () => {
    const reported = await report();
    expect(reported).toMatchObject({ state: 'reported', version: 1, source: 'internal', org: 'huangpu-s1-c1', createdBy: 'grid', deadlineAt: null });

    let current = await moveOk(reported.id, { action: 'file', version: 1, category: 'urban.road.manhole', priority: 'high' });
    expect(current).toMatchObject({ state: 'filed', version: 2, category: 'urban.road.manhole', priority: 'high' });
    // urban.road.manhole counts round the clock: high priority is due 4 hours after filing.
    expect(Date.parse(current.deadlineAt) - Date.parse(current.filedAt)).toBe(4 * 3_600_000);

    current = await moveOk(reported.id, { action: 'dispatch', version: 2, department: 'water_authority' });
    expect(current).toMatchObject({ state: 'dispatched', department: 'water_authority', handlerOrg: 'huangpu' });

    current = await moveOk(reported.id, { action: 'accept', version: 3 });
    current = await moveOk(reported.id, { action: 'handle', version: 4, report: '已补装井盖 cover replaced', photos: ['https://example.org/after.jpg'] });
    expect(current).toMatchObject({ state: 'handled', onTime: true, mediaUrls: ['https://example.org/after.jpg'] });
    current = await moveOk(reported.id, { action: 'verify', version: 5 });
    current = await moveOk(reported.id, { action: 'close', version: 6 });
    expect(current.closedAt).toBeTruthy();
    current = await moveOk(reported.id, { action: 'evaluate', version: 7, satisfaction: 5 });
    expect(current).toMatchObject({ state: 'evaluated', satisfaction: 5, version: 8 });

    const detail = await server.request('GET', `/api/v1/cases/${reported.id}`, { token: viewer });
    expect(detail.status).toBe(200);
    expect(detail.body.allowedActions).toEqual([]);
    expect(detail.body.history.map((h: any) => [h.action, h.fromState, h.toState, h.actor])).toEqual([
      ['report', null, 'reported', 'grid'],
      ['file', 'reported', 'filed', 'duty'],
      ['dispatch', 'filed', 'dispatched', 'duty'],
      ['accept', 'dispatched', 'in_progress', 'duty'],
      ['handle', 'in_progress', 'handled', 'duty'],
      ['verify', 'handled', 'verified', 'duty'],
      ['close', 'verified', 'closed', 'duty'],
      ['evaluate', 'closed', 'evaluated', 'duty'],
    ]);
    expect(detail.body.history[4].data).toMatchObject({ report: '已补装井盖 cover replaced' });
  });

  it('declines with a reason, returns and re-dispatches, reopens after a failed verification', async () => {
    const declined = await report({ title: '重复上报 duplicate' });
    const noReason = await move(declined.id, { action: 'decline', version: 1 });
    expect(noReason.status).toBe(400);
    expect(noReason.body['invalid-params']).toEqual([{ name: '/reason', reason: expect.stringContaining('why') }]);
    expect(await moveOk(declined.id, { action: 'decline', version: 1, reason: 'duplicate of an open case' })).toMatchObject({ state: 'declined' });

    const { id } = await report({ title: '工地夜间施工噪声', description: '晚上十一点还在打桩' });
    await moveOk(id, { action: 'file', version: 1, category: 'environment.noise.construction' });
    await moveOk(id, { action: 'dispatch', version: 2, department: 'ecology_environment' });
    // The environment bureau does not own it: it returns it with a reason, the dispatcher sends it on.
    expect((await move(id, { action: 'return', version: 3 }, env)).status).toBe(400);
    const returned = await moveOk(id, { action: 'return', version: 3, reason: '夜间施工许可归住建委 housing owns night-work permits' }, env);
    expect(returned).toMatchObject({ state: 'returned', department: null });
    await moveOk(id, { action: 'dispatch', version: 4, department: 'housing', queue: 'night-works' });
    await moveOk(id, { action: 'accept', version: 5 });
    await moveOk(id, { action: 'handle', version: 6, report: 'told the site to stop' });
    const reopened = await moveOk(id, { action: 'reopen', version: 7, reason: 'still noisy at night' });
    expect(reopened).toMatchObject({ state: 'in_progress', onTime: null });
    const history = await historyOf(id);
    expect(history.map((h) => h.action)).toEqual(['report', 'file', 'dispatch', 'return', 'dispatch', 'accept', 'handle', 'reopen']);
    expect(history[3]).toMatchObject({ actor: 'env', reason: expect.stringContaining('housing') });
  });

  it('refuses invalid transitions with a clear problem and changes nothing', async () => {
    const { id } = await report();
    const response = await move(id, { action: 'close', version: 1 });
    expect(response.status).toBe(409);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ code: 'cases.invalid_transition', state: 'reported', allowed: ['file', 'decline'] });
    expect(response.body.detail).toContain('"close" is not possible on a case that is reported');
    const after = await server.request('GET', `/api/v1/cases/${id}`, { token: duty });
    expect(after.body).toMatchObject({ state: 'reported', version: 1 });
    expect(after.body.history).toHaveLength(1);
  });

  it('names the offending field for bad input', async () => {
    const { id } = await report();
    const cases: [Record<string, unknown>, number, string][] = [
      [{ action: 'file', version: 1, category: 'urban.road' }, 400, '/category'], // not a third-level item
      [{ action: 'file', version: 1 }, 400, '/category'], // no category at all
      [{ action: 'file', version: 1, category: 'urban.road.damage', priority: 'whenever' }, 400, '/priority'],
      [{ action: 'fly', version: 1 }, 400, '/action'],
      [{ action: 'file', category: 'urban.road.damage' }, 400, '/version'],
    ];
    for (const [body, status, field] of cases) {
      const response = await move(id, body);
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect(response.body['invalid-params'].map((p: any) => p.name)).toContain(field);
    }
    await moveOk(id, { action: 'file', version: 1, category: 'urban.road.damage' });
    const unknownDepartment = await move(id, { action: 'dispatch', version: 2, department: 'ministry_of_magic' });
    expect(unknownDepartment.status).toBe(400);
    expect(unknownDepartment.body['invalid-params']).toEqual([{ name: '/department', reason: 'unknown department' }]);

    const badReports: [Record<string, unknown>, string][] = [
      [{ title: '' }, '/title'],
      [{ org: 'atlantis' }, '/org'],
      [{ category: 'nope.nope.nope' }, '/category'],
      [{ lat: 91, lon: 0 }, '/lat'],
      [{ mediaUrls: ['javascript:alert(1)'] }, '/mediaUrls/0'],
    ];
    for (const [body, field] of badReports) {
      const response = await server.request('POST', '/api/v1/cases', { token: grid, body: { title: 'x', ...body } });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body['invalid-params'].map((p: any) => p.name)).toContain(field);
    }
    // Reporting outside one's own subtree is refused, not silently moved.
    const outside = await server.request('POST', '/api/v1/cases', { token: grid, body: { title: 'x', org: 'binjiang' } });
    expect(outside.status).toBe(403);
  });

  it('lets each role do only its part', async () => {
    const { id } = await report();
    expect((await server.request('POST', '/api/v1/cases', { token: viewer, body: { title: 'x' } })).status).toBe(403);
    expect((await move(id, { action: 'file', version: 1, category: 'urban.road.damage' }, grid)).status).toBe(403);
    // Department staff may handle but not file.
    const staffFiling = await move(id, { action: 'file', version: 1, category: 'urban.road.damage' }, env);
    expect(staffFiling.status).toBe(403);
    expect(staffFiling.body.code).toBe('cases.forbidden');
    await moveOk(id, { action: 'file', version: 1, category: 'urban.road.damage' });
    await moveOk(id, { action: 'dispatch', version: 2, department: 'transport' });
    const otherDepartment = await move(id, { action: 'accept', version: 3 }, env);
    expect(otherDepartment.status).toBe(403);
    expect(otherDepartment.body.code).toBe('cases.not_your_department');
    expect((await server.request('GET', `/api/v1/cases/${id}`, { token: duty })).body.version).toBe(3);
  });
});

describe('optimistic concurrency', () => {
  it('lets one of two simultaneous actions win; the other gets 409 with the current version and nothing is lost', async () => {
    const { id } = await report();
    const [a, b] = await Promise.all([
      move(id, { action: 'file', version: 1, category: 'urban.road.damage', priority: 'urgent' }),
      move(id, { action: 'decline', version: 1, reason: 'not a city matter' }, huangpu),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const winner = a.status === 200 ? a : b;
    const loser = a.status === 200 ? b : a;
    expect(loser.body).toMatchObject({ code: 'cases.version_conflict', currentVersion: 2, currentState: winner.body.state });
    expect(loser.body['invalid-params'][0].name).toBe('/version');
    const after = await server.request('GET', `/api/v1/cases/${id}`, { token: duty });
    expect(after.body).toMatchObject({ version: 2, state: winner.body.state });
    expect(after.body.history).toHaveLength(2);
  });

  it('refuses a stale version outright', async () => {
    const { id } = await report();
    await moveOk(id, { action: 'file', version: 1, category: 'urban.road.damage' });
    const stale = await move(id, { action: 'dispatch', version: 1, department: 'transport' });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'cases.version_conflict', currentVersion: 2 });
    expect((await server.request('GET', `/api/v1/cases/${id}`, { token: duty })).body).toMatchObject({ state: 'filed', department: null });
  });

  it('applies a bulk action to all cases or to none', async () => {
    const first = await report({ title: 'bulk one' });
    const second = await report({ title: 'bulk two' });
    await moveOk(second.id, { action: 'file', version: 1, category: 'urban.road.damage' });
    const refused = await server.request('POST', '/api/v1/cases/bulk', { token: duty, body: { action: 'file', category: 'urban.road.damage', items: [{ id: first.id, version: 1 }, { id: second.id, version: 1 }] } });
    expect(refused.status).toBe(409);
    expect(refused.body.caseId).toBe(second.id);
    // The refused entry is named by its place in the body: the second item's version.
    expect(refused.body['invalid-params']).toEqual([{ name: '/items/1/version', reason: 'stale: the case is at version 2' }]);
    expect((await server.request('GET', `/api/v1/cases/${first.id}`, { token: duty })).body).toMatchObject({ state: 'reported', version: 1 });

    const third = await report({ title: 'bulk three' });
    const done = await server.request('POST', '/api/v1/cases/bulk', { token: duty, body: { action: 'file', category: 'urban.appearance.litter', items: [{ id: first.id, version: 1 }, { id: third.id, version: 1 }] } });
    expect(done.status).toBe(200);
    expect(done.body.items.map((c: any) => [c.id, c.state, c.version])).toEqual([[first.id, 'filed', 2], [third.id, 'filed', 2]]);
  });
});

describe('worklists', () => {
  it('filter, search and page within the caller\'s org subtree', async () => {
    const mine = await report({ title: '路灯不亮 street light out on 南京路', org: 'huangpu-s2' }, huangpu);
    const elsewhere = await report({ title: '路灯不亮 street light out in Binjiang', org: 'binjiang-s1' }, duty);
    const search = await server.request('GET', `/api/v1/cases?q=${encodeURIComponent('南京路')}`, { token: duty });
    expect(search.body.items.map((c: any) => c.id)).toEqual([mine.id]);
    const scoped = await server.request('GET', '/api/v1/cases?q=street%20light&limit=500', { token: huangpu });
    expect(scoped.body.items.map((c: any) => c.id)).toEqual([mine.id]);
    expect((await server.request('GET', `/api/v1/cases/${elsewhere.id}`, { token: huangpu })).status).toBe(404);

    const page = await server.request('GET', '/api/v1/cases?state=reported&limit=2&offset=0', { token: duty });
    expect(page.body.items).toHaveLength(2);
    expect(page.body.total).toBeGreaterThan(2);
    expect(page.body.items.every((c: any) => c.state === 'reported')).toBe(true);
    const byDepartment = await server.request('GET', '/api/v1/cases?department=housing', { token: duty });
    expect(byDepartment.body.items.length).toBeGreaterThan(0);
    expect(byDepartment.body.items.every((c: any) => c.department === 'housing')).toBe(true);
    const badState = await server.request('GET', '/api/v1/cases?state=lost', { token: duty });
    expect(badState.status).toBe(400);
    expect(badState.body['invalid-params'][0].name).toBe('state');
  });
});
