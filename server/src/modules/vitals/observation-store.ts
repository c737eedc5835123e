// SQL for observations and their rollups.
import type { Db } from '../../platform/db/types.js';
import type { Aggregation } from './types.js';

export interface ObservationBatch {
  indicatorIds: number[];
  orgIds: number[];
  /** ISO 8601 strings (what both drivers accept for timestamptz[] fastest). */
  timestamps: string[];
  epochMs: number[];
  values: number[];
}

// One statement: the new rows, and a journal row naming the buckets they touched (see 002_rollup_journal).
// Only the count comes back: returning the rows costs as much as inserting them.
const INSERT_SQL = `with inserted as (
    insert into vitals_observation (indicator_id, org_id, ts, value)
    select * from unnest($1::int[], $2::int[], $3::timestamptz[], $4::float8[])
    on conflict do nothing
    returning 1
  ),
  journal as (
    insert into vitals_rollup_journal (series, minutes) values ($5::int8[], $6::int4[])
  )
  select count(*)::int as stored from inserted`;

/** Stores a batch; returns how many rows were new (re-sent observations are skipped, changing nothing). */
export async function insertObservations(db: Db, batch: ObservationBatch): Promise<number> {
  const count = batch.indicatorIds.length;
  if (count === 0) return 0;
  const series: string[] = new Array(count);
  const minutes: number[] = new Array(count);
  for (let i = 0; i < count; i++) {
    series[i] = String(batch.indicatorIds[i] * 4_294_967_296 + batch.orgIds[i]);
    minutes[i] = Math.floor(batch.epochMs[i] / 60_000);
  }
  const [row] = await db.query<{ stored: number }>(INSERT_SQL, [batch.indicatorIds, batch.orgIds, batch.timestamps, batch.values, series, minutes]);
  return row.stored;
}

const ROLLUP_COLUMNS = 'indicator_id, org_id, bucket, count, sum, min, max, last, last_ts';
const ROLLUP_REPLACE = `on conflict (indicator_id, org_id, bucket) do update set count = excluded.count, sum = excluded.sum,
  min = excluded.min, max = excluded.max, last = excluded.last, last_ts = excluded.last_ts`;

/**
 * Recomputes every bucket named in the journal from the raw rows (minute) and from the minute rollups
 * (hour), then clears those journal rows — in one transaction, so it is safe to run at any time and
 * to repeat. Returns the number of minute buckets recomputed.
 */
export async function foldRollups(db: Db): Promise<number> {
  return db.transaction(async (tx) => {
    const [{ upto }] = await tx.query<{ upto: string | null }>('select max(id)::text as upto from vitals_rollup_journal');
    if (upto === null) return 0;
    await tx.exec(`create temp table rollup_keys (indicator_id int, org_id int, minute int) on commit drop`);
    await tx.query(
      `insert into rollup_keys select distinct (s / 4294967296)::int, (s % 4294967296)::int, m
       from vitals_rollup_journal j, unnest(j.series, j.minutes) as k(s, m) where j.id <= $1::bigint`,
      [upto],
    );
    const minuteRows = await tx.query<{ n: number }>(
      `with computed as (
         insert into vitals_rollup_1m (${ROLLUP_COLUMNS})
         select o.indicator_id, o.org_id, date_trunc('minute', o.ts), count(*), sum(o.value), min(o.value), max(o.value),
           (array_agg(o.value order by o.ts desc))[1], max(o.ts)
         from rollup_keys k join vitals_observation o on o.indicator_id = k.indicator_id and o.org_id = k.org_id
           and o.ts >= to_timestamp(k.minute * 60) and o.ts < to_timestamp(k.minute * 60 + 60)
         group by 1, 2, 3
         ${ROLLUP_REPLACE}
         returning 1)
       select count(*)::int as n from computed`,
    );
    await tx.exec(
      `insert into vitals_rollup_1h (${ROLLUP_COLUMNS})
       select m.indicator_id, m.org_id, date_trunc('hour', m.bucket), sum(m.count), sum(m.sum), min(m.min), max(m.max),
         (array_agg(m.last order by m.last_ts desc))[1], max(m.last_ts)
       from (select distinct indicator_id, org_id, minute / 60 as hour from rollup_keys) h
       join vitals_rollup_1m m on m.indicator_id = h.indicator_id and m.org_id = h.org_id
         and m.bucket >= to_timestamp(h.hour * 3600) and m.bucket < to_timestamp(h.hour * 3600 + 3600)
       group by 1, 2, 3
       ${ROLLUP_REPLACE}`,
    );
    await tx.query('delete from vitals_rollup_journal where id <= $1::bigint', [upto]);
    return minuteRows[0].n;
  });
}

export interface SeriesPoint {
  ts: string;
  value: number;
  count: number;
  min: number;
  max: number;
}

/** Re-aggregates a series to `stepSeconds`, reading the coarsest source that still has that resolution. */
export async function querySeries(
  db: Db,
  input: { indicatorId: number; orgId: number; from: Date; to: Date; stepSeconds: number; aggregation: Aggregation },
): Promise<SeriesPoint[]> {
  const { indicatorId, orgId, from, to, stepSeconds, aggregation } = input;
  const value = {
    sum: 'sum(sum)',
    avg: 'sum(sum) / sum(count)',
    min: 'min(min)',
    max: 'max(max)',
    last: '(array_agg(last order by last_ts desc))[1]',
  }[aggregation];
  const params = [indicatorId, orgId, from.toISOString(), to.toISOString(), `${stepSeconds} seconds`];
  if (stepSeconds < 60) {
    // Raw data: each observation is its own count=1 "rollup".
    const rawValue = { sum: 'sum(value)', avg: 'avg(value)', min: 'min(value)', max: 'max(value)', last: '(array_agg(value order by ts desc))[1]' }[aggregation];
    return db.query<SeriesPoint>(
      `select date_bin($5::interval, ts, timestamptz '2000-01-01') as ts, ${rawValue} as value, count(*)::int as count, min(value) as min, max(value) as max
       from vitals_observation where indicator_id = $1 and org_id = $2 and ts >= $3 and ts < $4
       group by 1 order by 1`,
      params,
    ).then(normalisePoints);
  }
  const table = stepSeconds < 3600 || stepSeconds % 3600 !== 0 ? 'vitals_rollup_1m' : 'vitals_rollup_1h';
  return db.query<SeriesPoint>(
    `select date_bin($5::interval, bucket, timestamptz '2000-01-01') as ts, ${value} as value, sum(count)::int as count, min(min) as min, max(max) as max
     from ${table} where indicator_id = $1 and org_id = $2 and bucket >= $3 and bucket < $4
     group by 1 order by 1`,
    params,
  ).then(normalisePoints);
}

function normalisePoints(rows: SeriesPoint[]): SeriesPoint[] {
  return rows.map((row) => ({ ...row, ts: new Date(row.ts).toISOString() }));
}

/** The latest value of every series reported within `sinceDays`, to restore the live state at start. */
export async function latestValues(db: Db, sinceDays: number): Promise<{ indicatorId: number; orgId: number; ts: number; value: number }[]> {
  return db.query(
    `select distinct on (indicator_id, org_id) indicator_id as "indicatorId", org_id as "orgId",
       (extract(epoch from last_ts) * 1000)::float8 as ts, last as value
     from vitals_rollup_1h where bucket > now() - make_interval(days => $1)
     order by indicator_id, org_id, bucket desc`,
    [sinceDays],
  );
}

/** Deletes data past its retention; returns the number of rows removed per table. */
export async function applyRetention(db: Db, days: { raw: number; minute: number; hour: number }): Promise<Record<string, number>> {
  const removed: Record<string, number> = {};
  for (const [table, keep, column] of [
    ['vitals_observation', days.raw, 'ts'],
    ['vitals_rollup_1m', days.minute, 'bucket'],
    ['vitals_rollup_1h', days.hour, 'bucket'],
  ] as const) {
    const rows = await db.query(`delete from ${table} where ${column} < now() - make_interval(days => $1) returning 1`, [keep]);
    removed[table] = rows.length;
  }
  return removed;
}
