// Alerts: persisting the rule engine's transitions (deduplicated by key, grouped by category and
// district), acknowledging and silencing, and telling the stream and the bus.
import type { Logger } from 'pino';
import type { Db } from '../../platform/db/types.js';
import type { EventBus } from '../../platform/bus.js';
import type { OrgUnit } from '../../platform/auth/service.js';
import type { AlertTransition } from './rules/types.js';
import type { IndicatorRecord } from './catalogue-store.js';
import type { StreamHub } from './stream.js';
import { VitalsError, VitalsErrorCode } from './errors.js';
import { addEvent, alertById, alertsById, firingKeys, escalateAlert, openAlert, resolveAlert, type AlertRow } from './alert-store.js';

/** Bus subject on which alert transitions are published (the cases module subscribes). */
export const ALERT_SUBJECT = 'vitals.alert';

export interface AlertEvent {
  transition: 'fired' | 'escalated' | 'deescalated' | 'resolved' | 'acknowledged' | 'silenced';
  alert: AlertRow;
}

export class AlertService {
  // Transitions are applied one batch at a time so that the order of fire/escalate/resolve is kept.
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly stream: StreamHub,
    private readonly logger: Logger,
    private readonly indicator: (code: string) => IndicatorRecord | undefined,
    private readonly org: (code: string) => OrgUnit | undefined,
  ) {}

  /** The district an org belongs to (the city for city-level series): the unit alerts are grouped by. */
  private groupOrg(org: OrgUnit): string {
    const parts = org.path.split('/').filter(Boolean);
    return parts[1] ?? parts[0];
  }

  apply(transitions: AlertTransition[]): Promise<void> {
    const run = this.queue.then(() => this.applyNow(transitions));
    this.queue = run.catch((error) => this.logger.error({ err: error }, 'applying alert transitions failed'));
    return run;
  }

  /**
   * Writes the transitions and reads back the alerts they changed in one transaction, then tells the
   * stream and the bus. The transaction is urgent: on the embedded database it goes ahead of the bulk
   * ingest waiting for the same thread, so that an alert reaches the screen within the second even while
   * tens of thousands of observations a second queue up (see platform/db/types.ts, `urgent`).
   */
  private async applyNow(transitions: AlertTransition[]): Promise<void> {
    const announced = await this.db.urgent().transaction(async (tx) => {
      const changed: { id: number; transition: AlertEvent['transition'] }[] = [];
      for (const t of transitions) {
        const indicator = this.indicator(t.indicator);
        const org = this.org(t.org);
        if (!indicator || !org) continue;
        const at = new Date(t.ts);
        if (t.kind === 'firing') {
          const { id, created } = await openAlert(tx, {
            key: t.key, rule: t.rule, indicatorId: indicator.id, orgId: org.id, category: indicator.category,
            department: indicator.department, groupKey: `${indicator.category}:${this.groupOrg(org)}`,
            severity: t.severity, message: t.message, value: t.value, at,
          });
          if (created) changed.push({ id, transition: 'fired' });
        } else if (t.kind === 'escalated') {
          const id = await escalateAlert(tx, t.key, t.severity, t.value, t.message, at);
          if (id !== null) changed.push({ id, transition: t.severity === 'critical' ? 'escalated' : 'deescalated' });
        } else {
          const id = await resolveAlert(tx, t.key, t.value, at, t.message);
          if (id !== null) changed.push({ id, transition: 'resolved' });
        }
      }
      // The state each event announces is the alert as this transaction left it; an alert changed twice
      // in one batch (fired, then resolved) is announced twice with its final state.
      const alerts = new Map((await alertsById(tx, [...new Set(changed.map((c) => c.id))])).map((alert) => [alert.id, alert]));
      return changed.flatMap(({ id, transition }) => {
        const alert = alerts.get(id);
        return alert ? [{ alert, transition }] : [];
      });
    });
    for (const { alert, transition } of announced) this.publish(alert, transition);
  }

  private publish(alert: AlertRow, transition: AlertEvent['transition']): void {
    const { orgPath, ...data } = alert;
    this.stream.publish('alert', [{ orgPath, data: { transition, ...data } }]);
    this.bus.publish<AlertEvent>(ALERT_SUBJECT, { transition, alert });
  }

  private async announce(id: number, transition: AlertEvent['transition']): Promise<AlertRow | null> {
    const alert = await alertById(this.db, id);
    if (alert) this.publish(alert, transition);
    return alert;
  }

  /** After a restart: alerts the database says are firing but whose condition no longer holds resolve. */
  async reconcile(activeKeys: Set<string>, at: Date): Promise<number> {
    let resolved = 0;
    for (const key of await firingKeys(this.db)) {
      if (activeKeys.has(key)) continue;
      const id = await resolveAlert(this.db, key, null, at, 'condition no longer holds after restart');
      if (id !== null) {
        resolved++;
        await this.announce(id, 'resolved');
      }
    }
    return resolved;
  }

  async get(id: number, orgPath: string): Promise<AlertRow> {
    const alert = await alertById(this.db, id);
    if (!alert || !alert.orgPath.startsWith(orgPath)) throw new VitalsError(VitalsErrorCode.AlertNotFound, `alert ${id} not found`, [{ name: 'id', reason: 'not found' }]);
    return alert;
  }

  /** Acknowledging twice is harmless: the first acknowledgement (who and when) is kept. */
  async acknowledge(id: number, orgPath: string, actor: string, note: string | null): Promise<AlertRow> {
    await this.get(id, orgPath);
    const rows = await this.db.query<{ id: number }>(
      `update vitals_alert set acknowledged_at = now(), acknowledged_by = $2, updated_at = now() where id = $1 and acknowledged_at is null returning id`,
      [id, actor],
    );
    if (rows.length > 0) {
      await addEvent(this.db, id, 'acknowledged', null, null, new Date(), actor, note);
      return (await this.announce(id, 'acknowledged'))!;
    }
    return this.get(id, orgPath);
  }

  async silence(id: number, orgPath: string, actor: string, until: Date, note: string | null): Promise<AlertRow> {
    const alert = await this.get(id, orgPath);
    if (until.getTime() <= Date.now()) {
      throw new VitalsError(VitalsErrorCode.InvalidQuery, 'a silence must end in the future', [{ name: 'until', reason: 'not in the future' }]);
    }
    if (alert.state === 'resolved') {
      throw new VitalsError(VitalsErrorCode.AlertConflict, `alert ${id} is already resolved`, [{ name: 'id', reason: 'resolved' }]);
    }
    await this.db.query(`update vitals_alert set silenced_until = $2, silenced_by = $3, updated_at = now() where id = $1`, [id, until, actor]);
    await addEvent(this.db, id, 'silenced', null, null, new Date(), actor, note ?? `until ${until.toISOString()}`);
    return (await this.announce(id, 'silenced'))!;
  }
}
