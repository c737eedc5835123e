// The stop passings in the database: written in batches (one statement, column arrays through unnest,
// a passing already stored is skipped; the count of new ones from the driver), read back by period for headway history, pruned after the
// retention period.
import type { Db } from '../../platform/db/types.js';
import type { ObservationBreak, StopPass } from './headways.js';

/** A stop passing with what identifies it: the trip run (its tracker key) and the stop's index in the trip. */
export interface RecordedPass extends StopPass {
  feedId: string;
  runKey: string;
  tripId: string;
  serviceDay: number;
  stopIndex: number;
  vehicleId: string;
}

export async function savePassings(db: Db, passes: RecordedPass[]): Promise<number> {
  if (passes.length === 0) return 0;
  return db.run(
    `insert into transit_stop_passing (feed_id, run_key, trip_id, service_day, stop_index, route_id, direction_id, stop_id, vehicle_id, passed_at)
     select f, k, t, d, i, r, dir, s, v, to_timestamp(p)
       from unnest($1::text[], $2::text[], $3::text[], $4::int4[], $5::int4[], $6::text[], $7::int2[], $8::text[], $9::text[], $10::float8[]) as x(f, k, t, d, i, r, dir, s, v, p)
     on conflict do nothing`,
    [
      passes.map((p) => p.feedId), passes.map((p) => p.runKey), passes.map((p) => p.tripId), passes.map((p) => p.serviceDay), passes.map((p) => p.stopIndex),
      passes.map((p) => p.routeId), passes.map((p) => p.directionId), passes.map((p) => p.stopId), passes.map((p) => p.vehicleId),
      passes.map((p) => p.time),
    ],
  );
}

/** Passings of a feed between two times (POSIX seconds, inclusive), oldest first. */
export async function readPassings(db: Db, feedId: string, from: number, to: number, filter: { routeId?: string; directionId?: number } = {}): Promise<StopPass[]> {
  const rows = await db.query<{ routeId: string; directionId: number; stopId: string; time: number; runKey: string }>(
    `select route_id as "routeId", direction_id as "directionId", stop_id as "stopId", extract(epoch from passed_at)::float8 as time, run_key as "runKey"
       from transit_stop_passing
      where feed_id = $1 and passed_at between to_timestamp($2) and to_timestamp($3)
        and ($4::text is null or route_id = $4) and ($5::int2 is null or direction_id = $5)
      order by passed_at`,
    [feedId, from, to, filter.routeId ?? null, filter.directionId ?? null],
  );
  return rows.map((row) => ({ routeId: row.routeId, directionId: Number(row.directionId), stopId: row.stopId, time: Number(row.time), runKey: row.runKey }));
}

/** When a feed's stored passings begin (POSIX seconds), null when it has none: observation began then, as far as is kept. */
export async function firstPassing(db: Db, feedId: string): Promise<number | null> {
  const [row] = await db.query<{ t: number | null }>(`select extract(epoch from min(passed_at))::float8 as t from transit_stop_passing where feed_id = $1`, [feedId]);
  return row?.t === null || row?.t === undefined ? null : Number(row.t);
}

/** Deletes passings (and breaks in observation) older than the cutoff (POSIX seconds); answers how many passings. */
export async function prunePassings(db: Db, before: number): Promise<number> {
  await db.run('delete from transit_observation_break where to_at < to_timestamp($1)', [before]);
  return db.run('delete from transit_stop_passing where passed_at < to_timestamp($1)', [before]);
}

export async function deleteFeedPassings(db: Db, feedId: string): Promise<void> {
  await db.query('delete from transit_stop_passing where feed_id = $1', [feedId]);
  await db.query('delete from transit_observation_break where feed_id = $1', [feedId]);
}

/** A break in a feed's observation, for the database. */
export interface RecordedBreak extends ObservationBreak { feedId: string }

export async function saveBreaks(db: Db, breaks: RecordedBreak[]): Promise<number> {
  if (breaks.length === 0) return 0;
  return db.run(
    `insert into transit_observation_break (feed_id, from_at, to_at)
     select f, to_timestamp(a), to_timestamp(b) from unnest($1::text[], $2::float8[], $3::float8[]) as x(f, a, b)
     on conflict do nothing`,
    [breaks.map((gap) => gap.feedId), breaks.map((gap) => gap.from), breaks.map((gap) => gap.to)],
  );
}

/** The breaks in a feed's observation that overlap a period (POSIX seconds), oldest first. */
export async function readBreaks(db: Db, feedId: string, from: number, to: number): Promise<ObservationBreak[]> {
  const rows = await db.query<{ from: number; to: number }>(
    `select extract(epoch from from_at)::float8 as "from", extract(epoch from to_at)::float8 as "to"
       from transit_observation_break
      where feed_id = $1 and to_at > to_timestamp($2) and from_at < to_timestamp($3)
      order by from_at`,
    [feedId, from, to],
  );
  return rows.map((row) => ({ from: Number(row.from), to: Number(row.to) }));
}
