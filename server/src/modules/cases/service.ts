// The cases service: intake from every source, the workflow with its history and optimistic
// concurrency, deadlines, dispatch suggestions, escalation of overdue cases. Routes call it; it never
// sees HTTP.
import type { Logger } from 'pino';
import type { Config } from '../../platform/config.js';
import type { Db } from '../../platform/db/types.js';
import type { EventBus } from '../../platform/bus.js';
import type { Clock } from '../../platform/clock.js';
import type { Principal } from '../../platform/auth/roles.js';
import type { AuthService, OrgUnit } from '../../platform/auth/service.js';
import { orgInScope } from './org-scope.js';
import { CasesError, CasesErrorCode } from './errors.js';
import { WORKFLOW, actionsFrom, isAction, nextState, FINISHED_STATES, RUNNING_STATES, type CaseAction } from './workflow.js';
import { deadlineFor, defaultCalendar, UnreachableDeadline, type WorkingCalendar } from './working-time.js';
import { decideDispatch, orgAtLevel, type DispatchDecision } from './dispatch.js';
import { TextClassifier, type ModelJson } from './classifier/model.js';
import * as store from './store.js';
import { PRIORITIES, type CaseCategory, type CaseRecord, type DispatchRule, type NewCase, type Priority, type TransitionInput } from './types.js';

export interface CasesContext {
  db: Db;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  config: Config;
  auth: AuthService;
}

/** Bus subject of case changes: `{ action, case }` after the change committed. */
export const CASE_SUBJECT = 'cases.case';

export interface EscalationSettings {
  /** Hours past the deadline after which an overdue case escalates to the org level above. */
  secondLevelAfterHours: number;
}

export type Actor = Pick<Principal, 'kind' | 'id' | 'name' | 'permissions' | 'orgCode' | 'orgPath'>;

/** The system itself (alert intake, escalation): sees everything, acts as `system`. */
export const systemActor = (rootPath: string, rootCode: string): Actor => ({
  kind: 'token', id: 0, name: 'system', permissions: new Set(['cases:read', 'cases:report', 'cases:dispatch', 'cases:handle', 'cases:manage']), orgCode: rootCode, orgPath: rootPath,
});

interface TransitionContext {
  action: CaseAction;
  /** Set for department staff: the department whose cases they may act on (null: none). */
  ownDepartment: string | null | undefined;
  orgs: Map<string, OrgUnit>;
}

/**
 * Where a case and its version were named in the request, for the error: the path and the body of a
 * transition, or an entry of a bulk request's `items`. Body fields are JSON pointers, path parameters names.
 * `item` is the entry of a bulk request (null for a single case, which its path names).
 */
type ItemFields = (index: number) => { id: string; version: string; item: string | null };
const SINGLE_CASE: ItemFields = () => ({ id: 'id', version: '/version', item: null });
const bulkItem: ItemFields = (index) => ({ id: `/items/${index}/id`, version: `/items/${index}/version`, item: `/items/${index}` });

/** The latest instant a Date holds (±8.64e15 ms): beyond it there is no deadline to store. */
const MAX_DATE_MS = 8.64e15;

/**
 * A refusal about one case of a bulk request, said of that case: its entry and its id. The action is the
 * same for every case, so "not possible from this state" is about the entry, not about `/action`.
 */
function ofItem(error: unknown, item: string, caseId: number): unknown {
  if (!(error instanceof CasesError)) return error;
  const code = error.code as CasesErrorCode;
  const params = code === CasesErrorCode.InvalidTransition
    ? [{ name: item, reason: `case ${caseId}: ${error.invalidParams?.[0]?.reason ?? 'not allowed now'}` }]
    : error.invalidParams;
  return new CasesError(code, `case ${caseId}: ${error.message}`, params, { ...error.extra, caseId });
}

const invalid = (name: string, reason: string, detail?: string) =>
  new CasesError(CasesErrorCode.InvalidCase, detail ?? `${name}: ${reason}`, [{ name, reason }]);

export class CasesService {
  categories = new Map<string, CaseCategory>();
  dispatchRules: DispatchRule[] = [];
  calendar: WorkingCalendar;
  escalation: EscalationSettings = { secondLevelAfterHours: 24 };
  private classifier: { model: TextClassifier; trainedAt: string; samples: number } | null = null;

  constructor(readonly ctx: CasesContext) {
    this.calendar = defaultCalendar(ctx.config.timezone);
  }

  async load(): Promise<void> {
    const { db } = this.ctx;
    this.categories = new Map((await store.loadCategories(db)).map((c) => [c.code, c]));
    this.dispatchRules = await store.loadDispatchRules(db);
    const calendar = await store.loadSetting<Partial<WorkingCalendar>>(db, 'calendar');
    this.calendar = { ...defaultCalendar(this.ctx.config.timezone), ...calendar, timeZone: this.ctx.config.timezone };
    this.escalation = { secondLevelAfterHours: 24, ...(await store.loadSetting<EscalationSettings>(db, 'escalation')) };
    const saved = await store.latestModel(db);
    this.classifier = saved ? { model: TextClassifier.fromJson(JSON.parse(saved.model) as ModelJson), trainedAt: saved.trainedAt, samples: saved.samples } : null;
  }

  private now(): Date {
    return new Date(this.ctx.clock.now());
  }

  async orgs(): Promise<Map<string, OrgUnit>> {
    return this.ctx.auth.orgs();
  }

  async rootActor(): Promise<Actor> {
    const root = [...(await this.orgs()).values()].find((org) => org.parentCode === null);
    if (!root) throw new CasesError(CasesErrorCode.UnknownOrg, 'the org tree has no city at its root');
    return systemActor(root.path, root.code);
  }

  /** A case category that cases can be filed under (an active third-level item). */
  leafCategory(code: string, field = '/category'): CaseCategory {
    const category = this.categories.get(code);
    if (!category || category.level !== 3 || !category.active) {
      throw new CasesError(CasesErrorCode.UnknownCategory, `unknown or inactive case category ${code}; cases are filed under third-level items`, [{ name: field, reason: 'not an active third-level category' }]);
    }
    return category;
  }

  private async orgInScope(actor: Actor, code: string | undefined, field = '/org'): Promise<OrgUnit> {
    return orgInScope(await this.orgs(), actor.orgPath, code ?? actor.orgCode, field);
  }

  /**
   * The deadline of a case filed now under a category. The configuration routes refuse what cannot give
   * one, but a category stored before those checks (or edited in the database) may still: the filing is
   * then refused with 409 naming the category, rather than failing with a 500 at every attempt.
   */
  deadline(category: CaseCategory, priority: Priority, fromMs: number, field = '/category'): Date {
    const hours = category.deadlineHours?.[priority] ?? category.deadlineHours?.normal;
    let at = Number.NaN;
    if (typeof hours === 'number' && hours > 0) {
      try {
        at = deadlineFor(fromMs, hours, category.workingTime, this.calendar);
      } catch (error) {
        if (!(error instanceof UnreachableDeadline)) throw error;
      }
    }
    if (!Number.isFinite(at) || Math.abs(at) > MAX_DATE_MS) {
      throw new CasesError(
        CasesErrorCode.NoDeadline,
        `no deadline can be computed for ${category.code} (${priority}: ${hours} ${category.workingTime ? 'working ' : ''}hours in the current calendar); its deadlineHours or the working calendar must be fixed`,
        [{ name: field, reason: `${category.code} has no computable deadline` }],
        { category: category.code },
      );
    }
    return new Date(at);
  }

  // --- intake ---------------------------------------------------------------------------------------

  /** Records a new case as reported, with its first history entry; all in one transaction. */
  async create(input: NewCase, actor: Actor): Promise<CaseRecord> {
    const title = input.title.trim();
    if (!title) throw invalid('/title', 'must not be empty');
    if (input.category) this.leafCategory(input.category);
    if (input.priority && !PRIORITIES.includes(input.priority)) throw invalid('/priority', `must be one of ${PRIORITIES.join(', ')}`);
    if ((input.lat === null || input.lat === undefined) !== (input.lon === null || input.lon === undefined)) throw invalid('/lat', 'lat and long come together');
    if (input.lat !== null && input.lat !== undefined && (Math.abs(input.lat) > 90 || Math.abs(input.lon!) > 180)) throw invalid('/lat', 'not a coordinate');
    const org = await this.orgInScope(actor, input.org);
    const at = this.now();
    const reportedAt = input.reportedAt !== undefined ? new Date(input.reportedAt) : at;
    const id = await this.ctx.db.transaction(async (tx) => {
      const created = (await store.insertCase(tx, {
        state: 'reported', title: title.slice(0, 300), description: input.description ?? '', category: input.category ?? null,
        priority: input.priority ?? 'normal', source: input.source, sourceRef: input.sourceRef ?? null, org: org.code, orgPath: org.path,
        address: input.address ?? null, lat: input.lat ?? null, lon: input.lon ?? null, reporter: input.reporter ?? null,
        mediaUrls: input.mediaUrls ?? [], createdBy: actor.name, reportedAt, at,
      }))!;
      await store.insertEvent(tx, created, { action: 'report', fromState: null, toState: 'reported', actor: actor.name, at, data: { source: input.source } });
      return created;
    });
    const record = (await store.caseById(this.ctx.db, id))!;
    this.ctx.bus.publish(CASE_SUBJECT, { action: 'report', case: record });
    return record;
  }

  // --- the workflow ---------------------------------------------------------------------------------

  async get(id: number, actor: Actor): Promise<CaseRecord> {
    const record = await store.caseById(this.ctx.db, id);
    if (!record || !record.orgPath.startsWith(actor.orgPath)) {
      throw new CasesError(CasesErrorCode.CaseNotFound, `case ${id} not found`, [{ name: 'id', reason: 'not found' }]);
    }
    return record;
  }

  async timeline(id: number, actor: Actor) {
    const record = await this.get(id, actor);
    return { ...record, allowedActions: actionsFrom(record.state), history: await store.caseEvents(this.ctx.db, id) };
  }

  private async departmentOf(actor: Actor): Promise<string | null> {
    return actor.kind === 'user' ? store.userDepartment(this.ctx.db, actor.id) : null;
  }

  /**
   * Moves one case by one action. The change applies only to the version the caller saw: of two people
   * acting at once, one wins and the other gets 409 with the case as it now is, so nothing is lost.
   */
  async transition(id: number, input: TransitionInput, actor: Actor): Promise<CaseRecord> {
    const context = await this.transitionContext(input, actor);
    const [record] = await this.ctx.db.transaction((tx) => this.transitionIn(tx, [{ id, version: input.version }], input, actor, context, SINGLE_CASE));
    this.ctx.bus.publish(CASE_SUBJECT, { action: input.action, case: record });
    return record;
  }

  /** The same action on several cases, all or nothing: one refusal leaves every case as it was. */
  async bulk(items: { id: number; version: number }[], input: Omit<TransitionInput, 'version'>, actor: Actor): Promise<CaseRecord[]> {
    if (items.length === 0) throw invalid('/items', 'must name at least one case');
    if (new Set(items.map((item) => item.id)).size !== items.length) throw invalid('/items', 'names a case twice');
    const context = await this.transitionContext(input, actor);
    const records = await this.ctx.db.transaction((tx) => this.transitionIn(tx, items, { ...input, version: 0 }, actor, context, bulkItem));
    for (const record of records) this.ctx.bus.publish(CASE_SUBJECT, { action: input.action, case: record });
    return records;
  }

  /**
   * Everything a transition checks that is not the case itself, read before its transaction opens: the
   * embedded database has one connection, so nothing may read outside the transaction while it is open.
   */
  private async transitionContext(input: Omit<TransitionInput, 'version'>, actor: Actor): Promise<TransitionContext> {
    if (!isAction(input.action)) throw invalid('/action', `must be one of ${Object.keys(WORKFLOW).join(', ')}`);
    const rule = WORKFLOW[input.action];
    if (!actor.permissions.has(rule.permission)) {
      throw new CasesError(CasesErrorCode.Forbidden, `"${input.action}" needs the ${rule.permission} permission`, [{ name: '/action', reason: `needs ${rule.permission}` }]);
    }
    if (rule.needsReason && !input.reason?.trim()) throw invalid('/reason', `"${input.action}" must say why`);
    if (input.department) {
      const departments = new Set((await this.ctx.auth.departments()).map((d) => d.code));
      if (!departments.has(input.department)) throw new CasesError(CasesErrorCode.UnknownDepartment, `unknown department ${input.department}`, [{ name: '/department', reason: 'unknown department' }]);
    }
    // Department staff act on their own department's cases only; dispatchers act on any in scope.
    const ownDepartment = rule.permission === 'cases:handle' && !actor.permissions.has('cases:dispatch') ? await this.departmentOf(actor) : undefined;
    return { action: input.action, ownDepartment, orgs: await this.orgs() };
  }

  private async transitionIn(tx: Db, items: { id: number; version: number }[], input: TransitionInput, actor: Actor, context: TransitionContext, fields: ItemFields): Promise<CaseRecord[]> {
    const { action, ownDepartment, orgs } = context;
    const reason = input.reason?.trim() || null;
    const at = this.now();
    const results: CaseRecord[] = [];
    for (const [index, item] of items.entries()) {
      const field = fields(index);
      const current = await store.caseById(tx, item.id);
      if (!current || !current.orgPath.startsWith(actor.orgPath)) {
        throw new CasesError(CasesErrorCode.CaseNotFound, `case ${item.id} not found`, [{ name: field.id, reason: 'not found' }], { caseId: item.id });
      }
      if (current.version !== item.version) throw this.stale(current, item.version, field.version);
      if (ownDepartment !== undefined && current.department !== ownDepartment) {
        throw new CasesError(CasesErrorCode.NotYourDepartment, `case ${item.id} is not dispatched to your department`, [{ name: field.id, reason: 'another department' }], { caseId: item.id });
      }
      let to: CaseRecord['state'];
      let changes: Record<string, unknown>;
      let data: Record<string, unknown> | null;
      try {
        to = nextState(current.state, action);
        ({ changes, data } = await this.changesFor(action, current, input, actor, orgs, at));
      } catch (error) {
        throw field.item ? ofItem(error, field.item, item.id) : error;
      }
      const updated = await store.updateCase(tx, item.id, item.version, { state: to, ...changes }, at);
      // Another request changed the case between our read and our write.
      if (!updated) throw this.stale((await store.caseById(tx, item.id))!, item.version, field.version);
      await store.insertEvent(tx, item.id, { action, fromState: current.state, toState: to, actor: actor.name, at, reason, data });
      results.push(updated);
    }
    return results;
  }

  private stale(current: CaseRecord, version: number, field: string): CasesError {
    return new CasesError(
      CasesErrorCode.VersionConflict,
      `case ${current.id} was changed by someone else (your version ${version}, now ${current.version}, ${current.state}); reload it and try again`,
      [{ name: field, reason: `stale: the case is at version ${current.version}` }],
      { caseId: current.id, currentVersion: current.version, currentState: current.state },
    );
  }

  /** What each action writes besides the state, checked before anything is written. */
  private async changesFor(action: CaseAction, current: CaseRecord, input: TransitionInput, actor: Actor, orgs: Map<string, OrgUnit>, at: Date) {
    const changes: Record<string, unknown> = {};
    let data: Record<string, unknown> | null = null;
    switch (action) {
      case 'file': {
        const categoryCode = input.category ?? current.category;
        if (!categoryCode) throw invalid('/category', 'a case is filed under a category');
        const category = this.leafCategory(categoryCode);
        const priority = input.priority ?? current.priority;
        Object.assign(changes, { category: category.code, priority, filedAt: at, deadlineAt: this.deadline(category, priority, at.getTime()) });
        data = { category: category.code, priority };
        break;
      }
      case 'dispatch': {
        if (!input.department) throw invalid('/department', 'a case is dispatched to a department');
        const caseOrg = orgs.get(current.org)!;
        const suggestion = this.ruleDecision(current, orgs);
        const fromRule = suggestion?.department === input.department ? suggestion : null;
        const handlerOrg = input.handlerOrg ?? fromRule?.handlerOrg ?? orgAtLevel(caseOrg, 'district', orgs).code;
        this.checkHandler(handlerOrg, input.handlerOrg !== undefined, current, actor, orgs, input.handlerOrg === undefined ? fromRule?.ruleId ?? null : null);
        Object.assign(changes, { department: input.department, handlerOrg, queue: input.queue ?? fromRule?.queue ?? null, dispatchedAt: at });
        if (input.priority && input.priority !== current.priority && current.category) {
          changes.priority = input.priority;
          changes.deadlineAt = this.deadline(this.leafCategory(current.category), input.priority, new Date(current.filedAt ?? at).getTime(), '/priority');
        }
        data = { department: input.department, handlerOrg, queue: changes.queue };
        break;
      }
      case 'return':
        changes.department = null;
        changes.handlerOrg = null;
        data = { department: current.department };
        break;
      case 'handle': {
        const report = input.report?.trim();
        if (!report) throw invalid('/report', 'a handled case carries a report of what was done');
        const photos = input.photos ?? [];
        for (const [index, photo] of photos.entries()) if (!/^https?:\/\/\S+$/.test(photo)) throw invalid(`/photos/${index}`, 'must be an http(s) URL');
        const onTime = current.deadlineAt === null ? null : at.getTime() <= Date.parse(current.deadlineAt);
        Object.assign(changes, { handledAt: at, onTime, mediaUrls: [...current.mediaUrls, ...photos] });
        data = { report, photos };
        break;
      }
      case 'close':
        changes.closedAt = at;
        break;
      case 'evaluate': {
        const satisfaction = input.satisfaction;
        if (!Number.isInteger(satisfaction) || satisfaction! < 1 || satisfaction! > 5) throw invalid('/satisfaction', 'must be a whole number from 1 (very dissatisfied) to 5 (very satisfied)');
        changes.satisfaction = satisfaction;
        data = { satisfaction };
        break;
      }
      case 'reopen':
        changes.onTime = null;
        break;
      default:
        break;
    }
    return { changes, data };
  }

  /**
   * The unit a case is dispatched to must be able to see it. Scope is by where a case happened: a unit's
   * people see the cases located in its subtree, so the handler must hold the case's location (its
   * committee, street, district or the city). Cross-district handling is not part of the domain: a case is
   * handled where it happened, and sending it to another district would hand it to people who cannot open
   * it. The caller, too, may name only units in its own subtree (403): a district does not assign work to
   * a neighbour, nor on its own to the city above it (that is what escalation does). When the caller names
   * none, the city's routing decides (the dispatch rule's handler, or the case's district), and may pick a
   * unit above a street-level caller.
   */
  private checkHandler(code: string, named: boolean, current: CaseRecord, actor: Actor, orgs: Map<string, OrgUnit>, ruleId: number | null): void {
    // Named by the caller, it is held to the caller's subtree; chosen by the routing, to the city's.
    const handler = orgInScope(orgs, named ? actor.orgPath : '/', code, '/handlerOrg');
    if (!current.orgPath.startsWith(handler.path)) {
      const origin = ruleId !== null ? ` (named by dispatch rule ${ruleId}; name a handlerOrg)` : '';
      throw invalid('/handlerOrg', `must hold the case's location ${current.org}: ${code}${origin} could not see the case`);
    }
  }

  // --- dispatch suggestions -------------------------------------------------------------------------

  private ruleDecision(record: CaseRecord, orgs: Map<string, OrgUnit>): DispatchDecision | null {
    const org = orgs.get(record.org);
    return org ? decideDispatch({ category: record.category, org }, this.dispatchRules, this.categories, orgs) : null;
  }

  /** What the dispatcher sees: the rule's decision and the classifier's top three with confidence. */
  async suggestions(id: number, actor: Actor) {
    const record = await this.get(id, actor);
    const departments = new Map((await this.ctx.auth.departments()).map((d) => [d.code, d]));
    const rule = this.ruleDecision(record, await this.orgs());
    const classifier = this.classifier
      ? this.classifier.model.predict(`${record.title}\n${record.description}`, 3).map((s) => ({
        department: s.label, nameZh: departments.get(s.label)?.nameZh ?? null, nameEn: departments.get(s.label)?.nameEn ?? null, confidence: Number(s.confidence.toFixed(4)),
      }))
      : [];
    return {
      caseId: record.id,
      rule: rule ? { ...rule, nameZh: departments.get(rule.department)?.nameZh ?? null, nameEn: departments.get(rule.department)?.nameEn ?? null } : null,
      classifier,
      model: this.classifier ? { trainedAt: this.classifier.trainedAt, samples: this.classifier.samples } : null,
    };
  }

  /** Trains the classifier on the city's own history: the department each case was last dispatched to. */
  async trainClassifier(): Promise<{ samples: number; labels: number; trainedAt: string }> {
    const rows = await this.ctx.db.query<{ text: string; label: string }>(
      `select c.title || E'\\n' || c.description as text, c.department_code as label from cases_case c
       where c.department_code is not null and c.state in ('dispatched', 'in_progress', 'handled', 'verified', 'closed', 'evaluated')`,
    );
    const labels = new Set(rows.map((row) => row.label));
    if (labels.size < 2) {
      throw new CasesError(CasesErrorCode.NoModel, `the history has ${rows.length} dispatched case(s) in ${labels.size} department(s); training needs at least two departments`);
    }
    const model = TextClassifier.train(rows.map((row) => row.text), rows.map((row) => row.label));
    const trainedAt = this.now();
    await store.saveModel(this.ctx.db, { trainedAt, samples: rows.length, labels: labels.size, json: JSON.stringify(model.toJson()) });
    this.classifier = { model, trainedAt: trainedAt.toISOString(), samples: rows.length };
    return { samples: rows.length, labels: labels.size, trainedAt: trainedAt.toISOString() };
  }

  /** Installs a model trained elsewhere (e.g. by the CLI on an exported history). */
  async installModel(model: TextClassifier): Promise<void> {
    const trainedAt = this.now();
    await store.saveModel(this.ctx.db, { trainedAt, samples: model.samples, labels: model.labels.length, json: JSON.stringify(model.toJson()) });
    this.classifier = { model, trainedAt: trainedAt.toISOString(), samples: model.samples };
  }

  // --- deadlines and escalation ---------------------------------------------------------------------

  /**
   * Escalates overdue cases: past the deadline to the supervisor of the department (level 1), and past
   * the deadline by `secondLevelAfterHours` to the org level above the handling unit (level 2). Runs
   * periodically; its clock is the app's, so tests drive it. Does not bump the version: it changes no
   * field a person edits, so it never makes someone's open form stale.
   */
  async escalateOverdue(): Promise<{ escalated: number }> {
    const now = this.now();
    const orgs = await this.orgs();
    const secondMs = this.escalation.secondLevelAfterHours * 3_600_000;
    const due = await this.ctx.db.query<{ id: number }>(
      `select id from cases_case where state = any($1) and deadline_at < $2 and escalation_level < 2 order by deadline_at limit 1000`,
      [RUNNING_STATES, now],
    );
    let escalated = 0;
    for (const { id } of due) {
      const changed = await this.ctx.db.transaction(async (tx) => {
        const current = await store.caseById(tx, id, true);
        if (!current || !RUNNING_STATES.includes(current.state) || current.deadlineAt === null) return null;
        const overdueMs = now.getTime() - Date.parse(current.deadlineAt);
        const level = overdueMs > secondMs ? 2 : overdueMs > 0 ? 1 : 0;
        if (level <= current.escalationLevel) return null;
        const unit = orgs.get(current.handlerOrg ?? current.org);
        const above = unit?.parentCode ?? unit?.code ?? null;
        const changes: Record<string, unknown> = { overdue: true, escalationLevel: level };
        if (level === 2) changes.escalatedOrg = above;
        const updated = await store.updateCase(tx, id, null, changes, now);
        const target = level === 1 ? `the supervisor of ${current.department ?? 'the dispatching centre'}` : `org unit ${above}`;
        await store.insertEvent(tx, id, {
          action: 'escalate', fromState: current.state, toState: current.state, actor: 'system', at: now,
          reason: `overdue since ${current.deadlineAt}; escalated to ${target}`, data: { level, department: current.department, org: level === 2 ? above : null },
        });
        return updated;
      });
      if (changed) {
        escalated++;
        this.ctx.bus.publish(CASE_SUBJECT, { action: 'escalate', case: changed });
      }
    }
    return { escalated };
  }

  isFinished(record: CaseRecord): boolean {
    return FINISHED_STATES.includes(record.state);
  }
}
