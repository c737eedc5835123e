// The live accuracy's minutes in the database: written once they can no longer change, read back at start,
// pruned after a day (the longest window a summary can ask for).
import type { Db } from '../../../platform/db/types.js';
import type { AccuracyMinute } from './live.js';

/** Writes the minutes of a feed (one statement; a minute written again is replaced). */
export async function saveAccuracyMinutes(db: Db, feedId: string, minutes: AccuracyMinute[]): Promise<void> {
  if (minutes.length === 0) return;
  // A tally goes as its text form: unnest cannot take an array of arrays of different rows apart.
  await db.run(
    `insert into transit_accuracy_minute (feed_id, minute, route_id, place, tally)
     select $1, m, r, p, t::integer[] from unnest($2::int4[], $3::text[], $4::text[], $5::text[]) as x(m, r, p, t)
     on conflict (feed_id, minute, route_id, place) do update set tally = excluded.tally`,
    [feedId, minutes.map((m) => m.minute), minutes.map((m) => m.routeId), minutes.map((m) => m.place), minutes.map((m) => `{${m.tally.join(',')}}`)],
  );
}

/** The minutes of a feed from `fromMinute` on. */
export async function readAccuracyMinutes(db: Db, feedId: string, fromMinute: number): Promise<AccuracyMinute[]> {
  const rows = await db.query<{ minute: number; routeId: string; place: string; tally: number[] }>(
    `select minute, route_id as "routeId", place, tally from transit_accuracy_minute where feed_id = $1 and minute >= $2 order by minute`,
    [feedId, fromMinute],
  );
  return rows.map((row) => ({ minute: Number(row.minute), routeId: row.routeId, place: row.place, tally: row.tally.map(Number) }));
}

export async function pruneAccuracyMinutes(db: Db, beforeMinute: number): Promise<number> {
  return db.run('delete from transit_accuracy_minute where minute < $1', [beforeMinute]);
}

export async function deleteFeedAccuracy(db: Db, feedId: string): Promise<void> {
  await db.query('delete from transit_accuracy_minute where feed_id = $1', [feedId]);
}
