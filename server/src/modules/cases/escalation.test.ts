import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { testDatabase } from '../../../test/harness.js';
import { buildApp, type App } from '../../app.js';
import { loadConfig } from '../../platform/config.js';
import { manualClock } from '../../platform/clock.js';
import type { Actor } from './service.js';

// Monday 2026-03-02 10:00 in Shanghai.
const clock = manualClock(Date.parse('2026-03-02T02:00:00Z'));
let app: App;
let system: Actor;
const HOUR = 3_600_000;

beforeAll(async () => {
  const db = await testDatabase('demo');
  app = await buildApp(loadConfig({ CITYPULSE_DATA_DIR: os.tmpdir() }), { db, clock, backgroundJobs: false, logger: pino({ level: 'silent' }) });
  system = await app.cases.service.rootActor();
});
afterAll(async () => {
  await app?.http.close();
  await app?.db.close();
});

async function dispatched(category: string, priority: 'urgent' | 'high' | 'normal' | 'low', org = 'huangpu-s1-c1') {
  const service = app.cases.service;
  const reported = await service.create({ title: `escalation ${category}`, source: 'internal', org }, system);
  await service.transition(reported.id, { action: 'file', version: 1, category, priority }, system);
  return service.transition(reported.id, { action: 'dispatch', version: 2, department: 'city_management', handlerOrg: 'huangpu-s1' }, system);
}

describe('deadlines and escalation', () => {
  it('counts deadlines in working time where the category says so, and keeps the on-time status', async () => {
    // urban.road.streetlight counts working hours: normal priority = 72 working hours = 8 working days.
    const light = await dispatched('urban.road.streetlight', 'normal');
    expect(light.deadlineAt).toBe('2026-03-12T02:00:00.000Z');
    // The calendar is configurable: a holiday on Tuesday pushes it a day later for cases filed from now on.
    const { saveCalendar } = await import('./configuration.js');
    await saveCalendar(app.cases.service, { holidays: ['2026-03-03'] }, system);
    const later = await dispatched('urban.road.streetlight', 'normal');
    expect(later.deadlineAt).toBe('2026-03-13T02:00:00.000Z');
    await saveCalendar(app.cases.service, { holidays: [] }, system);

    clock.advance(HOUR);
    const service = app.cases.service;
    await service.transition(light.id, { action: 'accept', version: light.version }, system);
    const handled = await service.transition(light.id, { action: 'handle', version: light.version + 1, report: 'lamp replaced' }, system);
    expect(handled.onTime).toBe(true);
  });

  it('escalates an overdue case to the department supervisor, then to the org level above, once each', async () => {
    const service = app.cases.service;
    // urban.road.manhole counts round the clock: high priority is due 4 hours after filing.
    const manhole = await dispatched('urban.road.manhole', 'high');
    expect(Date.parse(manhole.deadlineAt!) - clock.now()).toBe(4 * HOUR);

    expect((await service.escalateOverdue()).escalated).toBe(0);
    clock.advance(4 * HOUR + 60_000);
    expect((await service.escalateOverdue()).escalated).toBeGreaterThanOrEqual(1);
    let current = await service.timeline(manhole.id, system);
    expect(current).toMatchObject({ overdue: true, escalationLevel: 1, escalatedOrg: null, version: manhole.version });
    expect(current.history.at(-1)).toMatchObject({ action: 'escalate', actor: 'system', data: { level: 1, department: 'city_management' } });
    expect(current.history.at(-1)!.reason).toContain('supervisor of city_management');

    // Running again changes nothing until the second level is due (24 h past the deadline by default).
    await service.escalateOverdue();
    expect((await service.timeline(manhole.id, system)).history.filter((h) => h.action === 'escalate')).toHaveLength(1);
    clock.advance(24 * HOUR);
    await service.escalateOverdue();
    current = await service.timeline(manhole.id, system);
    // Handled by the street huangpu-s1: the level above is the district.
    expect(current).toMatchObject({ escalationLevel: 2, escalatedOrg: 'huangpu' });
    expect(current.history.filter((h) => h.action === 'escalate')).toHaveLength(2);

    // Handling it late records that it was not on time.
    await service.transition(manhole.id, { action: 'accept', version: current.version }, system);
    const handled = await service.transition(manhole.id, { action: 'handle', version: current.version + 1, report: 'cover replaced' }, system);
    expect(handled.onTime).toBe(false);
    await service.escalateOverdue();
    expect((await service.timeline(manhole.id, system)).history.filter((h) => h.action === 'escalate')).toHaveLength(2);
  });

  it('does not escalate cases that are not running (reported, handled, closed)', async () => {
    const service = app.cases.service;
    const reported = await service.create({ title: 'never filed', source: 'internal', org: 'huangpu' }, system);
    clock.advance(1000 * HOUR);
    await service.escalateOverdue();
    expect((await service.timeline(reported.id, system)).escalationLevel).toBe(0);
  });
});
