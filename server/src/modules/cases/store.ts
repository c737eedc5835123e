// SQL of cases, their history, and the module's configuration tables.
import type { Db } from '../../platform/db/types.js';
import type { AlertRule, CaseCategory, CaseEvent, CaseRecord, DispatchRule } from './types.js';

export const CASE_COLUMNS = `c.id, c.state, c.version, c.title, c.description, c.category_code as category, c.priority, c.source,
  c.source_ref as "sourceRef", c.org_code as org, c.org_path as "orgPath", c.address, c.lat, c.lon, c.reporter,
  c.media_urls as "mediaUrls", c.department_code as department, c.handler_org_code as "handlerOrg", c.queue,
  c.deadline_at as "deadlineAt", c.on_time as "onTime", c.overdue, c.escalation_level as "escalationLevel",
  c.escalated_org_code as "escalatedOrg", c.satisfaction, c.created_by as "createdBy", c.reported_at as "reportedAt",
  c.filed_at as "filedAt", c.dispatched_at as "dispatchedAt", c.handled_at as "handledAt", c.closed_at as "closedAt",
  c.updated_at as "updatedAt"`;

const TIMESTAMPS = ['deadlineAt', 'reportedAt', 'filedAt', 'dispatchedAt', 'handledAt', 'closedAt', 'updatedAt'] as const;

export function normalise(row: CaseRecord): CaseRecord {
  const out = { ...row } as Record<string, unknown>;
  for (const key of TIMESTAMPS) out[key] = row[key] === null || row[key] === undefined ? null : new Date(row[key] as string).toISOString();
  return out as unknown as CaseRecord;
}

/** Columns a change may set, by their domain name. */
const COLUMN: Record<string, string> = {
  state: 'state', category: 'category_code', priority: 'priority', department: 'department_code', handlerOrg: 'handler_org_code',
  queue: 'queue', deadlineAt: 'deadline_at', onTime: 'on_time', overdue: 'overdue', escalationLevel: 'escalation_level',
  escalatedOrg: 'escalated_org_code', satisfaction: 'satisfaction', mediaUrls: 'media_urls', filedAt: 'filed_at',
  dispatchedAt: 'dispatched_at', handledAt: 'handled_at', closedAt: 'closed_at',
};

export interface CaseInsert {
  state: string;
  title: string;
  description: string;
  category: string | null;
  priority: string;
  source: string;
  sourceRef: string | null;
  org: string;
  orgPath: string;
  address: string | null;
  lat: number | null;
  lon: number | null;
  reporter: unknown;
  mediaUrls: string[];
  createdBy: string;
  reportedAt: Date;
  at: Date;
}

export async function insertCase(db: Db, input: CaseInsert, onConflictDoNothing = false): Promise<number | null> {
  const rows = await db.query<{ id: number }>(
    `insert into cases_case (state, title, description, category_code, priority, source, source_ref, org_code, org_path, address, lat, lon,
       reporter, media_urls, created_by, reported_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
     ${onConflictDoNothing ? `on conflict (source_ref) where source = 'alert' and state not in ('declined', 'closed', 'evaluated') do nothing` : ''}
     returning id`,
    [input.state, input.title, input.description, input.category, input.priority, input.source, input.sourceRef, input.org, input.orgPath,
      input.address, input.lat, input.lon, input.reporter === null ? null : JSON.stringify(input.reporter), input.mediaUrls, input.createdBy, input.reportedAt, input.at],
  );
  return rows[0]?.id ?? null;
}

export async function insertEvent(db: Db, caseId: number, event: { action: string; fromState: string | null; toState: string | null; actor: string; at: Date; reason?: string | null; data?: unknown }): Promise<void> {
  await db.query(
    `insert into cases_event (case_id, action, from_state, to_state, actor, at, reason, data) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [caseId, event.action, event.fromState, event.toState, event.actor, event.at, event.reason ?? null, event.data === undefined || event.data === null ? null : JSON.stringify(event.data)],
  );
}

export async function caseById(db: Db, id: number, lock = false): Promise<CaseRecord | null> {
  const [row] = await db.query<CaseRecord>(`select ${CASE_COLUMNS} from cases_case c where c.id = $1${lock ? ' for update' : ''}`, [id]);
  return row ? normalise(row) : null;
}

/**
 * Applies a change only if the case still has the version the caller saw, bumping it. Returns null when
 * another change got there first: the caller answers 409 and the other change stands.
 */
export async function updateCase(db: Db, id: number, version: number | null, changes: Record<string, unknown>, at: Date): Promise<CaseRecord | null> {
  const sets: string[] = [];
  const params: unknown[] = [id];
  for (const [key, value] of Object.entries(changes)) {
    const column = COLUMN[key];
    if (!column) throw new Error(`cannot change ${key}`);
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  }
  params.push(at);
  sets.push(`updated_at = $${params.length}`);
  let where = 'id = $1';
  if (version !== null) {
    params.push(version);
    where += ` and version = $${params.length}`;
    sets.push('version = version + 1');
  }
  const rows = await db.query<{ id: number }>(`update cases_case set ${sets.join(', ')} where ${where} returning id`, params);
  if (rows.length === 0) return null;
  return caseById(db, id);
}

export async function caseEvents(db: Db, caseId: number): Promise<CaseEvent[]> {
  const rows = await db.query<CaseEvent>(
    `select id, action, from_state as "fromState", to_state as "toState", actor, at, reason, data from cases_event where case_id = $1 order by id`,
    [caseId],
  );
  return rows.map((row) => ({ ...row, at: new Date(row.at).toISOString() }));
}

/**
 * Text matched literally inside a LIKE pattern: `%` and `_` are wildcards and `\` the escape, so a filter
 * of `%` (or a code with `_` in it) would otherwise match far more than the code it names.
 */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (m) => `\\${m}`);

/** A category code or a level above it: the code itself, or any code below it. Adds two parameters. */
export function categoryClause(params: unknown[], prefix: string): string {
  params.push(prefix, `${escapeLike(prefix)}.%`);
  return `(c.category_code = $${params.length - 1} or c.category_code like $${params.length})`;
}

export interface CaseFilter {
  orgPath: string;
  states?: string[];
  department?: string;
  /** Only cases located in this subtree (the path of an org unit the caller checked). */
  orgFilterPath?: string;
  categoryPrefix?: string;
  source?: string;
  priority?: string;
  overdue?: boolean;
  q?: string;
  ids?: number[];
  reportedFrom?: Date;
  reportedTo?: Date;
  limit: number;
  offset: number;
  order?: 'reported_desc' | 'deadline_asc' | 'updated_desc';
}

export async function listCases(db: Db, filter: CaseFilter): Promise<{ items: CaseRecord[]; total: number }> {
  const where: string[] = [`starts_with(c.org_path, $1)`];
  const params: unknown[] = [filter.orgPath];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replaceAll('?', `$${params.length}`));
  };
  if (filter.states?.length) add('c.state = any(?)', filter.states);
  if (filter.department) add('c.department_code = ?', filter.department);
  if (filter.orgFilterPath) add(`starts_with(c.org_path, ?)`, filter.orgFilterPath);
  if (filter.categoryPrefix) where.push(categoryClause(params, filter.categoryPrefix));
  if (filter.source) add('c.source = ?', filter.source);
  if (filter.priority) add('c.priority = ?', filter.priority);
  if (filter.overdue !== undefined) add('c.overdue = ?', filter.overdue);
  if (filter.ids?.length) add('c.id = any(?)', filter.ids);
  if (filter.reportedFrom) add('c.reported_at >= ?', filter.reportedFrom);
  if (filter.reportedTo) add('c.reported_at < ?', filter.reportedTo);
  if (filter.q) add(`(c.title ilike '%' || ? || '%' or c.description ilike '%' || ? || '%' or c.address ilike '%' || ? || '%')`, escapeLike(filter.q));
  const whereSql = where.join(' and ');
  const order = { reported_desc: 'c.reported_at desc, c.id desc', deadline_asc: 'c.deadline_at asc nulls last, c.id', updated_desc: 'c.updated_at desc, c.id desc' }[filter.order ?? 'reported_desc'];
  const [{ total }] = await db.query<{ total: number }>(`select count(*)::int as total from cases_case c where ${whereSql}`, params);
  const items = await db.query<CaseRecord>(`select ${CASE_COLUMNS} from cases_case c where ${whereSql} order by ${order} limit ${filter.limit} offset ${filter.offset}`, params);
  return { items: items.map(normalise), total };
}

// --- configuration ------------------------------------------------------------------------------------

export async function loadCategories(db: Db): Promise<CaseCategory[]> {
  return db.query<CaseCategory>(
    `select code, parent_code as "parentCode", level, name_zh as "nameZh", name_en as "nameEn", department_code as department,
       deadline_hours as "deadlineHours", working_time as "workingTime", active from cases_category order by code`,
  );
}

export async function upsertCategories(db: Db, categories: CaseCategory[]): Promise<void> {
  // Parents before children, so the foreign key holds inside the transaction.
  for (const c of [...categories].sort((a, b) => a.level - b.level)) {
    await db.query(
      `insert into cases_category (code, parent_code, level, name_zh, name_en, department_code, deadline_hours, working_time, active)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       on conflict (code) do update set parent_code = excluded.parent_code, level = excluded.level, name_zh = excluded.name_zh,
         name_en = excluded.name_en, department_code = excluded.department_code, deadline_hours = excluded.deadline_hours,
         working_time = excluded.working_time, active = excluded.active`,
      [c.code, c.parentCode, c.level, c.nameZh, c.nameEn, c.department, JSON.stringify(c.deadlineHours), c.workingTime, c.active],
    );
  }
}

export async function loadDispatchRules(db: Db): Promise<DispatchRule[]> {
  return db.query<DispatchRule>(
    `select id, category_prefix as "categoryPrefix", org_code as org, department_code as department, handler_level as "handlerLevel",
       handler_org_code as "handlerOrg", queue from cases_dispatch_rule order by id`,
  );
}

export async function insertDispatchRule(db: Db, rule: Omit<DispatchRule, 'id'>): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    `insert into cases_dispatch_rule (category_prefix, org_code, department_code, handler_level, handler_org_code, queue) values ($1, $2, $3, $4, $5, $6) returning id`,
    [rule.categoryPrefix, rule.org, rule.department, rule.handlerLevel, rule.handlerOrg, rule.queue],
  );
  return row.id;
}

export async function dispatchRuleById(db: Db, id: number): Promise<DispatchRule | null> {
  const [row] = await db.query<DispatchRule>(
    `select id, category_prefix as "categoryPrefix", org_code as org, department_code as department, handler_level as "handlerLevel",
       handler_org_code as "handlerOrg", queue from cases_dispatch_rule where id = $1`,
    [id],
  );
  return row ?? null;
}

/** The rule for exactly this category prefix and org (null: city-wide), if there is one. */
export async function dispatchRuleFor(db: Db, categoryPrefix: string, org: string | null): Promise<DispatchRule | null> {
  const [row] = await db.query<{ id: number }>(
    `select id from cases_dispatch_rule where category_prefix = $1 and org_code is not distinct from $2 order by id limit 1`,
    [categoryPrefix, org],
  );
  return row ? dispatchRuleById(db, row.id) : null;
}

export async function deleteDispatchRule(db: Db, id: number): Promise<boolean> {
  return (await db.query(`delete from cases_dispatch_rule where id = $1 returning id`, [id])).length > 0;
}

export async function loadAlertRules(db: Db): Promise<AlertRule[]> {
  return db.query<AlertRule>(
    `select id, min_severity as "minSeverity", categories, case_category as "caseCategory", priority, enabled from cases_alert_rule order by id`,
  );
}

export async function replaceAlertRules(db: Db, rules: Omit<AlertRule, 'id'>[]): Promise<void> {
  await db.query('delete from cases_alert_rule');
  for (const rule of rules) {
    await db.query(
      `insert into cases_alert_rule (min_severity, categories, case_category, priority, enabled) values ($1, $2, $3, $4, $5)`,
      [rule.minSeverity, rule.categories, rule.caseCategory, rule.priority, rule.enabled],
    );
  }
}

export async function loadSetting<T>(db: Db, name: string): Promise<T | null> {
  const [row] = await db.query<{ value: T }>(`select value from cases_setting where name = $1`, [name]);
  return row ? row.value : null;
}

export async function saveSetting(db: Db, name: string, value: unknown): Promise<void> {
  await db.query(`insert into cases_setting (name, value) values ($1, $2) on conflict (name) do update set value = excluded.value`, [name, JSON.stringify(value)]);
}

export async function latestModel(db: Db): Promise<{ trainedAt: string; samples: number; labels: number; model: string } | null> {
  const [row] = await db.query<{ trainedAt: Date; samples: number; labels: number; model: string }>(
    `select trained_at as "trainedAt", samples, labels, model from cases_classifier_model order by id desc limit 1`,
  );
  return row ? { ...row, trainedAt: new Date(row.trainedAt).toISOString() } : null;
}

export async function saveModel(db: Db, model: { trainedAt: Date; samples: number; labels: number; json: string }): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`insert into cases_classifier_model (trained_at, samples, labels, model) values ($1, $2, $3, $4)`, [model.trainedAt, model.samples, model.labels, model.json]);
    // Keep the last few models only: they are large, and older ones are never read.
    await tx.query(`delete from cases_classifier_model where id not in (select id from cases_classifier_model order by id desc limit 3)`);
  });
}

/** The department a user belongs to (department staff handle that department's cases). */
export async function userDepartment(db: Db, userId: number): Promise<string | null> {
  const [row] = await db.query<{ department_code: string | null }>(`select department_code from app_user where id = $1`, [userId]);
  return row?.department_code ?? null;
}
