// Realtime URLs registered for polling over the API, stored so that they survive a restart.
import { randomUUID } from 'node:crypto';
import type { Db } from '../../../platform/db/types.js';
import type { PollSource } from './poller.js';

interface Row { id: string; feed_id: string; url: string; interval_seconds: number }

const toSource = (row: Row): PollSource => ({ id: row.id, feedId: row.feed_id, url: row.url, intervalSeconds: Number(row.interval_seconds), origin: 'api' });

export async function loadPollSources(db: Db): Promise<PollSource[]> {
  return (await db.query<Row>('select id, feed_id, url, interval_seconds from transit_poll_source order by created_at, id')).map(toSource);
}

/** Registers a URL for a feed, or changes the interval of the one already registered; answers whether it is new. */
export async function upsertPollSource(db: Db, feedId: string, url: string, intervalSeconds: number): Promise<{ source: PollSource; created: boolean }> {
  const [row] = await db.query<Row & { created: boolean }>(
    `insert into transit_poll_source (id, feed_id, url, interval_seconds) values ($1, $2, $3, $4)
     on conflict (feed_id, url) do update set interval_seconds = excluded.interval_seconds
     returning id, feed_id, url, interval_seconds, (xmax = 0) as created`,
    [`poll-${randomUUID().slice(0, 8)}`, feedId, url, intervalSeconds],
  );
  return { source: toSource(row!), created: Boolean(row!.created) };
}

export async function deletePollSource(db: Db, id: string): Promise<boolean> {
  return (await db.query('delete from transit_poll_source where id = $1 returning id', [id])).length > 0;
}
