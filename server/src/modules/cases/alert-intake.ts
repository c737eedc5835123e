// Vital-sign alerts as a source of cases. Configurable rules choose which alerts open a case; all the
// alerts of one group (category × district) share one open case, which notes every alert that joins it
// and every one that resolves. A new alert case is filed at once (a machine found it, nobody needs to
// confirm it happened) and dispatched to the department that owns the indicator.
import type { EventBus } from '../../platform/bus.js';
import type { Db } from '../../platform/db/types.js';
import type { Logger } from 'pino';
import { ALERT_SUBJECT, type AlertEvent } from '../vitals/alert-service.js';
import type { CasesService } from './service.js';
import { CASE_SUBJECT } from './service.js';
import * as store from './store.js';
import { orgAtLevel } from './dispatch.js';
import type { AlertRule } from './types.js';

const SEVERITY_RANK = { warning: 1, critical: 2 } as const;

/** The first enabled rule an alert matches, if any. */
export function matchAlertRule(alert: AlertEvent['alert'], rules: AlertRule[]): AlertRule | null {
  return rules.find((rule) => rule.enabled
    && SEVERITY_RANK[alert.severity] >= SEVERITY_RANK[rule.minSeverity]
    && (rule.categories === null || rule.categories.length === 0 || rule.categories.includes(alert.category))) ?? null;
}

export class AlertIntake {
  rules: AlertRule[] = [];
  // Bus handlers run synchronously; alert events are applied one at a time, in order.
  private queue: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly service: CasesService, private readonly db: Db, private readonly logger: Logger) {}

  async load(): Promise<void> {
    this.rules = await store.loadAlertRules(this.db);
  }

  subscribe(bus: EventBus): void {
    this.unsubscribe = bus.subscribe<AlertEvent>(ALERT_SUBJECT, (event) => {
      this.queue = this.queue.then(() => this.apply(event)).catch((error) => this.logger.error({ err: error, alert: event.alert.id }, 'alert intake failed'));
    });
  }

  close(): void {
    this.unsubscribe?.();
  }

  /** Resolves when every alert event received so far has been applied. */
  idle(): Promise<void> {
    return this.queue;
  }

  async apply(event: AlertEvent): Promise<void> {
    const { alert } = event;
    if (event.transition === 'resolved') return this.noteResolved(alert);
    if (event.transition !== 'fired' && event.transition !== 'escalated') return;
    const rule = matchAlertRule(alert, this.rules);
    if (!rule) return;
    const orgs = await this.service.orgs();
    const org = orgs.get(alert.org);
    if (!org) return;
    const category = this.service.categories.get(rule.caseCategory);
    if (!category) return;
    const now = new Date(this.service.ctx.clock.now());
    const district = orgAtLevel(org, 'district', orgs);
    const departments = new Set((await this.service.ctx.auth.departments()).map((d) => d.code));
    // An alert is never dropped for a broken deadline configuration: the case opens without a deadline
    // and the log says why.
    let deadlineAt: Date | null = null;
    try {
      deadlineAt = this.service.deadline(category, rule.priority, now.getTime());
    } catch (error) {
      this.logger.warn({ err: error, alert: alert.id, category: category.code }, 'alert case opened without a deadline');
    }
    const result = await this.db.transaction(async (tx) => {
      const linked = await tx.query(`select 1 from cases_case_alert where alert_id = $1`, [alert.id]);
      if (linked.length > 0) return null; // this alert already opened or joined a case (e.g. it escalated)
      const id = await store.insertCase(tx, {
        state: 'filed', title: `${alert.indicatorNameZh} ${alert.indicatorNameEn}: ${alert.message}`.slice(0, 300),
        description: `vitals alert ${alert.id} (${alert.rule}, ${alert.severity}) at ${alert.org}: ${alert.message}`,
        category: category.code, priority: rule.priority, source: 'alert', sourceRef: alert.groupKey, org: district.code, orgPath: district.path,
        address: null, lat: null, lon: null, reporter: null, mediaUrls: [], createdBy: 'system', reportedAt: new Date(alert.startedAt), at: now,
      }, true);
      if (id !== null) {
        const dispatchTo = departments.has(alert.department) ? alert.department : null;
        await store.updateCase(tx, id, null, {
          filedAt: now, deadlineAt,
          ...(dispatchTo ? { state: 'dispatched', department: dispatchTo, handlerOrg: district.code, dispatchedAt: now } : {}),
        }, now);
        await store.insertEvent(tx, id, { action: 'report', fromState: null, toState: 'reported', actor: 'system', at: now, data: { source: 'alert', alert: alert.id, groupKey: alert.groupKey } });
        await store.insertEvent(tx, id, { action: 'file', fromState: 'reported', toState: 'filed', actor: 'system', at: now, reason: `alert rule ${rule.id}`, data: { category: category.code, priority: rule.priority } });
        if (dispatchTo) {
          await store.insertEvent(tx, id, { action: 'dispatch', fromState: 'filed', toState: 'dispatched', actor: 'system', at: now, reason: 'the department that owns the indicator', data: { department: dispatchTo, handlerOrg: district.code } });
        }
        await tx.query(`insert into cases_case_alert (alert_id, case_id) values ($1, $2)`, [alert.id, id]);
        return { id, action: 'report' };
      }
      const [open] = await tx.query<{ id: number }>(
        `select id from cases_case where source = 'alert' and source_ref = $1 and state not in ('declined', 'closed', 'evaluated')`,
        [alert.groupKey],
      );
      if (!open) return null;
      await tx.query(`insert into cases_case_alert (alert_id, case_id) values ($1, $2)`, [alert.id, open.id]);
      await store.insertEvent(tx, open.id, { action: 'alert', fromState: null, toState: null, actor: 'system', at: now, reason: `alert ${alert.id} ${event.transition}: ${alert.message}`, data: { alert: alert.id, indicator: alert.indicator, org: alert.org, severity: alert.severity } });
      return { id: open.id, action: 'alert' };
    });
    if (result) await this.publish(result.id, result.action);
  }

  private async noteResolved(alert: AlertEvent['alert']): Promise<void> {
    const now = new Date(this.service.ctx.clock.now());
    const [link] = await this.db.query<{ case_id: number }>(`select case_id from cases_case_alert where alert_id = $1`, [alert.id]);
    if (!link) return;
    await store.insertEvent(this.db, link.case_id, {
      action: 'alert_resolved', fromState: null, toState: null, actor: 'system', at: now,
      reason: `alert ${alert.id} resolved: ${alert.indicator} at ${alert.org}`, data: { alert: alert.id, resolvedAt: alert.resolvedAt },
    });
    await this.publish(link.case_id, 'alert_resolved');
  }

  private async publish(id: number, action: string): Promise<void> {
    const record = await store.caseById(this.db, id);
    if (record) this.service.ctx.bus.publish(CASE_SUBJECT, { action, case: record });
  }
}
