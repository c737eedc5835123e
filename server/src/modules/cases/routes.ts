// The internal cases API (/api/v1/cases): thin — parse, call the service, answer.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { forbidden } from '../../platform/errors.js';
import { Type } from 'typebox';
import { principalOf } from '../../platform/http/auth-hook.js';
import type { CasesService } from './service.js';
import type { AlertIntake } from './alert-intake.js';
import type { CaseStatistics } from './statistics.js';
import * as store from './store.js';
import * as configuration from './configuration.js';
import { CASE_STATES, WORKFLOW } from './workflow.js';
import { CasesError, CasesErrorCode } from './errors.js';
import { AlertRulesBody, BoardQuery, BulkBody, CalendarBody, CategoryBody, DispatchRuleBody, IdParams, ListQuery, NewCaseBody, TransitionBody } from './schemas.js';
import { checkBoardFilter, checkOrgFilter, loadBoard } from './board.js';
import type { NewCase, TransitionInput } from './types.js';

const tags = ['cases'];

/**
 * Moving cases: each action has its own permission (`file` needs cases:dispatch, `accept` cases:handle;
 * see WORKFLOW), which the service checks. The route asks what every action has in common: the caller
 * sees cases (cases:read, checked by the auth hook) and holds one of the permissions that act on them, so
 * a reader or a reporter is refused before the body is even read.
 */
const ACTING = [...new Set(Object.values(WORKFLOW).map((rule) => rule.permission))];
async function mayActOnCases(request: FastifyRequest): Promise<void> {
  const { permissions } = principalOf(request);
  if (!ACTING.some((permission) => permissions.has(permission))) throw forbidden(`moving a case needs one of ${ACTING.join(', ')}`);
}

export function registerCaseRoutes(app: FastifyInstance, service: CasesService, intake: AlertIntake, statistics: CaseStatistics, vitalsCategories: () => Iterable<string>): void {
  app.get('/api/v1/cases', {
    config: { permission: 'cases:read' },
    schema: { tags, summary: "Worklist: cases in the caller's org subtree, filtered, searched and paged", querystring: ListQuery },
  }, async (request) => {
    const query = request.query as Record<string, string | number | boolean | undefined>;
    const states = typeof query.state === 'string' ? query.state.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
    const bad = states?.find((state) => !(CASE_STATES as readonly string[]).includes(state));
    if (bad) throw new CasesError(CasesErrorCode.InvalidCase, `unknown state ${bad}`, [{ name: 'state', reason: `must be among ${CASE_STATES.join(', ')}` }]);
    const { orgPath } = principalOf(request);
    const orgFilterPath = checkOrgFilter(query.org as string | undefined, orgPath, await service.orgs());
    return store.listCases(service.ctx.db, {
      orgPath, states, department: query.department as string | undefined, orgFilterPath,
      categoryPrefix: query.category as string | undefined, source: query.source as string | undefined, priority: query.priority as string | undefined,
      overdue: query.overdue as boolean | undefined, q: (query.q as string | undefined)?.trim() || undefined,
      order: query.order as 'reported_desc' | undefined, limit: query.limit as number, offset: query.offset as number,
    });
  });

  app.get('/api/v1/cases/board', {
    config: { permission: 'cases:read' },
    schema: {
      tags, summary: "The dispatcher's board: cases awaiting action in lanes (reported, filed, returned, dispatched, overdue, handled), each counted, most pressing first",
      description: 'A case stands in one lane: a running case past its deadline is in `overdue` whatever its state. Scoped to the caller\'s org subtree.',
      querystring: BoardQuery,
    },
  }, async (request) => {
    const query = request.query as { org?: string; category?: string; department?: string; limit: number };
    const { orgPath } = principalOf(request);
    const orgFilterPath = checkBoardFilter(query, orgPath, await service.orgs(), service.categories);
    return loadBoard(service.ctx.db, {
      orgPath, orgFilterPath, categoryPrefix: query.category, department: query.department, limit: query.limit, now: new Date(service.ctx.clock.now()),
    });
  });

  app.post('/api/v1/cases', {
    config: { permission: 'cases:report' },
    schema: { tags, summary: 'Report a case (hotline, inspector, internal)', body: NewCaseBody },
  }, async (request, reply) => {
    const body = request.body as Omit<NewCase, 'source'> & { source?: NewCase['source'] };
    reply.status(201);
    return service.create({ ...body, source: body.source ?? 'internal' }, principalOf(request));
  });

  app.get('/api/v1/cases/:id', {
    config: { permission: 'cases:read' },
    schema: { tags, summary: 'One case with its timeline and the actions possible now', params: IdParams },
  }, async (request) => service.timeline((request.params as { id: number }).id, principalOf(request)));

  app.post('/api/v1/cases/:id/transitions', {
    config: { permission: 'cases:read' },
    onRequest: mayActOnCases,
    schema: {
      tags, summary: 'Move a case: file, decline, dispatch, accept, return, handle, verify, reopen, close, evaluate', params: IdParams, body: TransitionBody,
      description: 'Carries the version the caller saw: if the case changed since, the answer is 409 with its current version and state.',
    },
  }, async (request) => service.transition((request.params as { id: number }).id, request.body as TransitionInput, principalOf(request)));

  app.post('/api/v1/cases/bulk', {
    config: { permission: 'cases:read' },
    onRequest: mayActOnCases,
    schema: { tags, summary: 'The same action on several cases, all or nothing', body: BulkBody },
  }, async (request) => {
    const { items, ...input } = request.body as TransitionInput & { items: { id: number; version: number }[] };
    return { items: await service.bulk(items, input, principalOf(request)) };
  });

  app.get('/api/v1/cases/:id/suggestions', {
    config: { permission: 'cases:dispatch' },
    schema: { tags, summary: "Dispatch suggestions: the rule's decision and the classifier's top 3 departments with confidence", params: IdParams },
  }, async (request) => service.suggestions((request.params as { id: number }).id, principalOf(request)));

  app.post('/api/v1/cases/classifier/train', {
    config: { permission: 'cases:manage' },
    schema: { tags, summary: "Train the dispatch classifier on the city's own dispatched cases" },
  }, async (request) => configuration.trainClassifier(service, principalOf(request)));

  app.get('/api/v1/cases/statistics', {
    config: { permission: 'cases:read' },
    schema: { tags, summary: 'Opened and closed per day, on-time rate, median time to close, backlog by department and district, satisfaction', querystring: Type.Object({ days: Type.Integer({ minimum: 1, maximum: 366, default: 30 }) }) },
  }, async (request) => statistics.compute(principalOf(request).orgPath, (request.query as { days: number }).days));

  // --- configuration ---------------------------------------------------------------------------------

  app.get('/api/v1/cases/categories', {
    config: { permission: 'cases:read' },
    schema: { tags, summary: 'The three-level case taxonomy with deadlines' },
  }, async () => ({ items: [...service.categories.values()] }));

  app.put('/api/v1/cases/categories', {
    config: { permission: 'cases:manage' },
    schema: { tags, summary: 'Add or change taxonomy entries (codes like urban.safety.hazard)', body: CategoryBody },
  }, async (request) => configuration.saveCategories(service, request.body as Parameters<typeof configuration.saveCategories>[1], principalOf(request)));

  app.get('/api/v1/cases/dispatch-rules', {
    config: { permission: 'cases:read' },
    schema: { tags, summary: "Dispatch rules that bear on the caller's subtree: city-wide, above it and inside it" },
  }, async (request) => ({ items: await configuration.visibleDispatchRules(service, principalOf(request)) }));

  app.post('/api/v1/cases/dispatch-rules', {
    config: { permission: 'cases:manage' },
    schema: { tags, summary: 'Add a dispatch rule (category prefix × location → department, handling unit, queue)', body: DispatchRuleBody },
  }, async (request, reply) => {
    reply.status(201);
    return configuration.addDispatchRule(service, request.body as Parameters<typeof configuration.addDispatchRule>[1], principalOf(request));
  });

  app.delete('/api/v1/cases/dispatch-rules/:id', {
    config: { permission: 'cases:manage' },
    schema: { tags, summary: 'Delete a dispatch rule', params: IdParams },
  }, async (request, reply) => {
    await configuration.deleteDispatchRule(service, (request.params as { id: number }).id, principalOf(request));
    reply.status(204);
  });

  app.get('/api/v1/cases/alert-rules', {
    config: { permission: 'cases:read' },
    schema: { tags, summary: 'Which vital-sign alerts open a case' },
  }, async () => ({ items: intake.rules }));

  app.put('/api/v1/cases/alert-rules', {
    config: { permission: 'cases:manage' },
    schema: { tags, summary: 'Replace the alert rules', body: AlertRulesBody },
  }, async (request) => ({
    items: await configuration.saveAlertRules(service, intake, request.body as Parameters<typeof configuration.saveAlertRules>[2], principalOf(request), new Set(vitalsCategories())),
  }));

  app.get('/api/v1/cases/calendar', {
    config: { permission: 'cases:read' },
    schema: { tags, summary: 'The working calendar deadlines count in, and the escalation settings' },
  }, async () => ({ ...service.calendar, secondLevelAfterHours: service.escalation.secondLevelAfterHours }));

  app.put('/api/v1/cases/calendar', {
    config: { permission: 'cases:manage' },
    schema: { tags, summary: 'Change working hours, holidays, worked weekend days, escalation', body: CalendarBody },
  }, async (request) => configuration.saveCalendar(service, request.body as Parameters<typeof configuration.saveCalendar>[1], principalOf(request)));
}
