// SQL for alerts and their append-only history.
import type { Db } from '../../platform/db/types.js';
import type { Alert } from '@citypulse/contracts';

/** An alert as stored and listed (its wire shape is declared once, in contracts), with its org's path for scoping. */
export type AlertRow = Omit<Alert, 'transition'> & { orgPath: string };

export const ALERT_SELECT = `select a.id, a.key, a.rule, i.code as indicator, i.name_zh as "indicatorNameZh", i.name_en as "indicatorNameEn",
    o.code as org, a.category, a.department, a.group_key as "groupKey", a.severity, a.state, a.message, a.value,
    a.started_at as "startedAt", a.resolved_at as "resolvedAt", a.acknowledged_at as "acknowledgedAt",
    a.acknowledged_by as "acknowledgedBy", a.silenced_until as "silencedUntil", a.silenced_by as "silencedBy", o.path as "orgPath"
  from vitals_alert a join vitals_indicator i on i.id = a.indicator_id join org_unit o on o.id = a.org_id`;

export function normaliseAlert(row: AlertRow): AlertRow {
  const iso = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string).toISOString());
  return {
    ...row,
    startedAt: iso(row.startedAt)!,
    resolvedAt: iso(row.resolvedAt),
    acknowledgedAt: iso(row.acknowledgedAt),
    silencedUntil: iso(row.silencedUntil),
  };
}

export interface FiringInput {
  key: string;
  rule: string;
  indicatorId: number;
  orgId: number;
  category: string;
  department: string;
  groupKey: string;
  severity: string;
  message: string;
  value: number | null;
  at: Date;
}

/**
 * Opens an alert, or returns the one already firing under the same key (after a restart the engine
 * re-detects conditions that were already alerted): an alert fires once.
 */
export async function openAlert(db: Db, input: FiringInput): Promise<{ id: number; created: boolean }> {
  const rows = await db.query<{ id: number }>(
    `insert into vitals_alert (key, rule, indicator_id, org_id, category, department, group_key, severity, state, message, value, started_at, silenced_until, silenced_by)
     select $1, $2, $3, $4, $5, $6, $7, $8, 'firing', $9, $10, $11, s.silenced_until, s.silenced_by
     from (select null) as x
     -- A silence set on an alert covers the same key if it fires again while the silence lasts.
     left join lateral (select silenced_until, silenced_by from vitals_alert where key = $1 and silenced_until > $11 order by id desc limit 1) s on true
     on conflict (key) where state = 'firing' do nothing returning id`,
    [input.key, input.rule, input.indicatorId, input.orgId, input.category, input.department, input.groupKey, input.severity, input.message, input.value, input.at],
  );
  if (rows.length > 0) {
    await addEvent(db, rows[0].id, 'fired', input.severity, input.value, input.at, null, input.message);
    return { id: rows[0].id, created: true };
  }
  const [existing] = await db.query<{ id: number }>(`select id from vitals_alert where key = $1 and state = 'firing'`, [input.key]);
  return { id: existing.id, created: false };
}

export async function escalateAlert(db: Db, key: string, severity: string, value: number | null, message: string, at: Date): Promise<number | null> {
  const rows = await db.query<{ id: number }>(
    `update vitals_alert set severity = $2, value = $3, message = $4, updated_at = now() where key = $1 and state = 'firing' returning id`,
    [key, severity, value, message],
  );
  if (rows.length === 0) return null;
  await addEvent(db, rows[0].id, severity === 'critical' ? 'escalated' : 'deescalated', severity, value, at, null, message);
  return rows[0].id;
}

export async function resolveAlert(db: Db, key: string, value: number | null, at: Date, note: string): Promise<number | null> {
  const rows = await db.query<{ id: number }>(
    `update vitals_alert set state = 'resolved', resolved_at = $2, updated_at = now() where key = $1 and state = 'firing' returning id`,
    [key, at],
  );
  if (rows.length === 0) return null;
  await addEvent(db, rows[0].id, 'resolved', null, value, at, null, note);
  return rows[0].id;
}

export async function addEvent(db: Db, alertId: number, kind: string, severity: string | null, value: number | null, at: Date, actor: string | null, note: string | null): Promise<void> {
  await db.query(
    `insert into vitals_alert_event (alert_id, kind, severity, value, at, actor, note) values ($1, $2, $3, $4, $5, $6, $7)`,
    [alertId, kind, severity, value, at, actor, note],
  );
}

export async function alertById(db: Db, id: number): Promise<AlertRow | null> {
  const [row] = await db.query<AlertRow>(`${ALERT_SELECT} where a.id = $1`, [id]);
  return row ? normaliseAlert(row) : null;
}

/** Several alerts by id, in the order asked (missing ones left out). */
export async function alertsById(db: Db, ids: number[]): Promise<AlertRow[]> {
  if (ids.length === 0) return [];
  const rows = await db.query<AlertRow>(`${ALERT_SELECT} where a.id = any($1::int[])`, [ids]);
  const byId = new Map(rows.map((row) => [row.id, normaliseAlert(row)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function firingKeys(db: Db): Promise<string[]> {
  const rows = await db.query<{ key: string }>(`select key from vitals_alert where state = 'firing'`);
  return rows.map((row) => row.key);
}

export interface AlertFilter {
  orgPath: string;
  state?: 'firing' | 'resolved';
  severity?: 'warning' | 'critical';
  category?: string;
  indicator?: string;
  groupKey?: string;
  acknowledged?: boolean;
  limit: number;
  offset: number;
}

export async function listAlerts(db: Db, filter: AlertFilter): Promise<{ items: AlertRow[]; total: number }> {
  const where: string[] = [`starts_with(o.path, $1)`];
  const params: unknown[] = [filter.orgPath];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (filter.state) add('a.state = ?', filter.state);
  if (filter.severity) add('a.severity = ?', filter.severity);
  if (filter.category) add('a.category = ?', filter.category);
  if (filter.indicator) add('i.code = ?', filter.indicator);
  if (filter.groupKey) add('a.group_key = ?', filter.groupKey);
  if (filter.acknowledged !== undefined) where.push(filter.acknowledged ? 'a.acknowledged_at is not null' : 'a.acknowledged_at is null');
  const whereSql = where.join(' and ');
  const [{ total }] = await db.query<{ total: number }>(
    `select count(*)::int as total from vitals_alert a join vitals_indicator i on i.id = a.indicator_id join org_unit o on o.id = a.org_id where ${whereSql}`,
    params,
  );
  const items = await db.query<AlertRow>(
    `${ALERT_SELECT} where ${whereSql} order by (a.state = 'firing') desc, a.started_at desc, a.id desc limit ${filter.limit} offset ${filter.offset}`,
    params,
  );
  return { items: items.map(normaliseAlert), total };
}

export async function alertGroups(db: Db, orgPath: string) {
  return db.query(
    `select a.group_key as "groupKey", a.category, count(*)::int as firing,
       count(*) filter (where a.severity = 'critical')::int as critical,
       count(*) filter (where a.acknowledged_at is null)::int as unacknowledged,
       min(a.started_at) as "since"
     from vitals_alert a join org_unit o on o.id = a.org_id
     where a.state = 'firing' and starts_with(o.path, $1)
     group by a.group_key, a.category order by critical desc, firing desc`,
    [orgPath],
  );
}

export async function alertHistory(db: Db, alertId: number) {
  return db.query(
    `select kind, severity, value, at, actor, note from vitals_alert_event where alert_id = $1 order by at, id`,
    [alertId],
  );
}
