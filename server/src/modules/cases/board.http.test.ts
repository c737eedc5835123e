// The dispatcher's board over HTTP: lanes by what each case waits for, overdue cases in their own lane as
// soon as the deadline passes, counts per lane, filters, the caller's org scope, and refusals naming the
// parameter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../../test/harness.js';
import { manualClock } from '../../platform/clock.js';

const HOUR = 3_600_000;
const clock = manualClock(Date.now());
let server: TestServer;
let duty: string;
let huangpu: string;
let viewer: string;
const ids: Record<string, number> = {};

type Lane = { lane: string; states: string[]; total: number; items: { id: number; state: string; org: string }[] };

async function board(query = '', token = duty): Promise<Record<string, Lane>> {
  const response = await server.request('GET', `/api/v1/cases/board${query}`, { token });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return Object.fromEntries((response.body.lanes as Lane[]).map((lane) => [lane.lane, lane]));
}

const laneIds = (lane: Lane) => lane.items.map((item) => item.id);

async function report(title: string, org: string) {
  const response = await server.request('POST', '/api/v1/cases', { token: duty, body: { title, org } });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: number; version: number };
}

async function move(id: number, body: Record<string, unknown>) {
  const response = await server.request('POST', `/api/v1/cases/${id}/transitions`, { token: duty, body });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as { version: number };
}

/** Takes a new case along the given actions; each action's extra input comes from ACTION_INPUT. */
async function caseIn(name: string, org: string, actions: string[], category = 'urban.road.damage', priority = 'normal') {
  const { id } = await report(`board ${name}`, org);
  let version = 1;
  const input: Record<string, Record<string, unknown>> = {
    file: { category, priority }, dispatch: { department: 'transport' }, return: { reason: '不属本部门' }, handle: { report: '已修复' },
    decline: { reason: '重复' },
  };
  for (const action of actions) version = (await move(id, { action, version, ...input[action] })).version;
  ids[name] = id;
  return id;
}

beforeAll(async () => {
  server = await startServer({ clock });
  [duty, huangpu, viewer] = await Promise.all(['duty', 'huangpu', 'viewer'].map((name) => server.login(name)));
  await caseIn('reported', 'huangpu-s1-c1', []);
  await caseIn('filed-later', 'huangpu-s1-c1', ['file'], 'urban.road.damage', 'low');
  await caseIn('filed-sooner', 'huangpu-s2-c1', ['file'], 'urban.road.manhole', 'high');
  await caseIn('dispatched', 'huangpu-s1-c1', ['file', 'dispatch']);
  await caseIn('returned', 'huangpu-s1-c1', ['file', 'dispatch', 'return']);
  await caseIn('in-progress', 'huangpu-s1-c1', ['file', 'dispatch', 'accept']);
  await caseIn('handled', 'huangpu-s1-c1', ['file', 'dispatch', 'accept', 'handle']);
  await caseIn('declined', 'huangpu-s1-c1', ['decline']);
  // A lift fault with urgent priority is due two hours after filing, round the clock.
  await caseIn('lift', 'binjiang-s1-c1', ['file'], 'urban.safety.lift', 'urgent');
  await caseIn('binjiang-reported', 'binjiang-s1-c1', []);
});
afterAll(async () => server?.close());

describe('the dispatcher board', () => {
  it('puts each case awaiting action in one lane by what it waits for, counted, nearest deadline first', async () => {
    const lanes = await board();
    expect(Object.keys(lanes)).toEqual(['reported', 'filed', 'returned', 'dispatched', 'overdue', 'handled']);
    expect(laneIds(lanes.reported)).toEqual(expect.arrayContaining([ids.reported, ids['binjiang-reported']]));
    // The manhole (high: 4 hours) is due long before the road damage (low: 168 hours); the lift (2 hours) before both.
    const filed = laneIds(lanes.filed).filter((id) => [ids.lift, ids['filed-sooner'], ids['filed-later']].includes(id));
    expect(filed).toEqual([ids.lift, ids['filed-sooner'], ids['filed-later']]);
    expect(laneIds(lanes.returned)).toContain(ids.returned);
    expect(laneIds(lanes.dispatched)).toContain(ids.dispatched);
    expect(laneIds(lanes.handled)).toContain(ids.handled);
    expect(lanes.overdue.items).toEqual([]);
    // Neither a case in progress within its deadline nor a finished one waits for anyone at the centre.
    const everywhere = Object.values(lanes).flatMap(laneIds);
    expect(everywhere).not.toContain(ids['in-progress']);
    expect(everywhere).not.toContain(ids.declined);
    expect(new Set(everywhere).size).toBe(everywhere.length);
    for (const lane of Object.values(lanes)) {
      expect(lane.total).toBe(lane.items.length);
      for (const item of lane.items) expect(lane.states).toContain(item.state);
    }
  });

  it('moves a running case into the overdue lane once its deadline has passed, before the escalation job runs', async () => {
    clock.advance(3 * HOUR);
    const lanes = await board();
    expect(laneIds(lanes.overdue)).toEqual([ids.lift]);
    expect(lanes.overdue.items[0]).toMatchObject({ state: 'filed', overdue: false });
    expect(laneIds(lanes.filed)).not.toContain(ids.lift);
    expect(lanes.overdue.total).toBe(1);
    // After the escalation job, the manhole is overdue too; the lane is ordered by deadline.
    clock.advance(2 * HOUR);
    await server.app.cases.service.escalateOverdue();
    const later = await board();
    expect(laneIds(later.overdue)).toEqual([ids.lift, ids['filed-sooner']]);
    expect(later.overdue.items[0]).toMatchObject({ overdue: true, escalationLevel: 1 });
  });

  it('filters by district, category and department, and caps the cards per lane but not the counts', async () => {
    const binjiang = await board('?org=binjiang');
    expect(Object.values(binjiang).flatMap(laneIds).sort()).toEqual([ids.lift, ids['binjiang-reported']].sort());
    const street = await board('?org=huangpu-s2');
    expect(Object.values(street).flatMap(laneIds)).toEqual([ids['filed-sooner']]);
    const safety = await board('?category=urban.safety');
    expect(Object.values(safety).flatMap(laneIds)).toEqual([ids.lift]);
    const transport = await board('?department=transport');
    expect(Object.values(transport).flatMap(laneIds).sort()).toEqual([ids.dispatched, ids.handled].sort());

    const capped = await board('?limit=1');
    const full = await board();
    expect(capped.reported.items).toHaveLength(1);
    expect(capped.reported.total).toBe(full.reported.total);
    expect(capped.reported.total).toBeGreaterThanOrEqual(2);
    expect(capped.reported.items[0].id).toBe(full.reported.items[0].id);
  });

  it("shows a district's operations centre only its own district", async () => {
    const lanes = await board('', huangpu);
    const everywhere = Object.values(lanes).flatMap((lane) => lane.items);
    expect(everywhere.length).toBeGreaterThan(0);
    for (const item of everywhere) expect(item.org.startsWith('huangpu')).toBe(true);
    expect(lanes.overdue.items.map((item) => item.id)).toEqual([ids['filed-sooner']]);
    expect(lanes.reported.total).toBe(lanes.reported.items.length);
    expect(laneIds(lanes.reported)).not.toContain(ids['binjiang-reported']);
    // Asking for a district outside one's own is refused, not answered with someone else's cases.
    const outside = await server.request('GET', '/api/v1/cases/board?org=binjiang', { token: huangpu });
    expect(outside.status).toBe(403);
    expect(outside.body).toMatchObject({ code: 'cases.out_of_scope', 'invalid-params': [{ name: 'org', reason: 'outside your org subtree' }] });
    // Read-only users may look at the board.
    expect((await server.request('GET', '/api/v1/cases/board', { token: viewer })).status).toBe(200);
  });

  it('refuses bad filters naming the parameter, and callers without cases:read', async () => {
    const attempts: [string, number, string, string][] = [
      ['?org=atlantis', 400, 'cases.unknown_org', 'org'],
      ['?category=no.such.thing', 400, 'cases.unknown_category', 'category'],
      ['?limit=0', 400, 'validation', 'limit'],
      ['?limit=201', 400, 'validation', 'limit'],
      ['?limit=many', 400, 'validation', 'limit'],
      ['?org=', 400, 'validation', 'org'],
    ];
    for (const [query, status, code, name] of attempts) {
      const response = await server.request('GET', `/api/v1/cases/board${query}`, { token: duty });
      expect(response.status, query).toBe(status);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.code, query).toBe(code);
      expect(response.body['invalid-params'].map((p: { name: string }) => p.name), query).toContain(name);
    }
    expect((await server.request('GET', '/api/v1/cases/board')).status).toBe(401);
    const admin = await server.login('admin');
    const vitalsOnly = (await server.request('POST', '/api/v1/tokens', { token: admin, body: { name: 'wall', scopes: ['vitals:read'] } })).body.token;
    expect((await server.request('GET', '/api/v1/cases/board', { token: vitalsOnly })).status).toBe(403);
  });
});
