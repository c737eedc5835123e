// Service alerts in the database: each source's alerts as its latest message left them, written when they
// change (and now and then when the source restates them, to keep the time it last spoke), read at start.
import type { Db } from '../../platform/db/types.js';
import type { AlertSource, HeldAlert } from './realtime/alerts.js';

export async function saveAlertSource(db: Db, feedId: string, source: string, held: AlertSource): Promise<void> {
  await db.run(
    `insert into transit_alert_source (feed_id, source, received_at, alerts) values ($1, $2, to_timestamp($3), $4::jsonb)
     on conflict (feed_id, source) do update set received_at = excluded.received_at, alerts = excluded.alerts`,
    [feedId, source, held.receivedAt, JSON.stringify(held.alerts)],
  );
}

export async function deleteAlertSource(db: Db, feedId: string, source: string): Promise<void> {
  await db.run('delete from transit_alert_source where feed_id = $1 and source = $2', [feedId, source]);
}

export async function deleteFeedAlerts(db: Db, feedId: string): Promise<void> {
  await db.run('delete from transit_alert_source where feed_id = $1', [feedId]);
}

/** A feed's alert sources as stored (each marked saved when it was received). */
export async function readAlertSources(db: Db, feedId: string): Promise<Map<string, AlertSource>> {
  const rows = await db.query<{ source: string; received: number; alerts: unknown }>(
    'select source, extract(epoch from received_at)::float8 as received, alerts from transit_alert_source where feed_id = $1 order by source',
    [feedId],
  );
  const sources = new Map<string, AlertSource>();
  for (const row of rows) {
    const alerts = (typeof row.alerts === 'string' ? JSON.parse(row.alerts) : row.alerts) as HeldAlert[];
    const receivedAt = Number(row.received);
    if (Array.isArray(alerts)) sources.set(row.source, { receivedAt, savedAt: receivedAt, alerts });
  }
  return sources;
}
