// SQL for observations and their rollups. One statement stores a batch and folds it into both rollups,
// so an acknowledged batch is durable and its rollups can never disagree with it.
import type { Db } from '../../platform/db/types.js';
import type { Aggregation } from './types.js';

export interface ObservationBatch {
  indicatorIds: number[];
  orgIds: number[];
  /** ISO 8601 strings (what both drivers accept for timestamptz[] fastest). */
  timestamps: string[];
  values: number[];
}

const ROLLUP_MERGE = `on conflict (indicator_id, org_id, bucket) do update set
  count = r.count + excluded.count,
  sum = r.sum + excluded.sum,
  min = least(r.min, excluded.min),
  max = greatest(r.max, excluded.max),
  last = case when excluded.last_ts >= r.last_ts then excluded.last else r.last end,
  last_ts = greatest(r.last_ts, excluded.last_ts)`;

const rollupInsert = (table: string, unit: string) => `insert into ${table} as r (indicator_id, org_id, bucket, count, sum, min, max, last, last_ts)
    select indicator_id, org_id, date_trunc('${unit}', ts), count(*), sum(value), min(value), max(value),
      (array_agg(value order by ts desc))[1], max(ts)
    from inserted group by 1, 2, 3
    ${ROLLUP_MERGE}`;

const INSERT_SQL = `with inserted as (
    insert into vitals_observation (indicator_id, org_id, ts, value)
    select * from unnest($1::int[], $2::int[], $3::timestamptz[], $4::float8[])
    on conflict do nothing
    returning indicator_id, org_id, ts, value
  ),
  minute as (${rollupInsert('vitals_rollup_1m', 'minute')}),
  hour as (${rollupInsert('vitals_rollup_1h', 'hour')})
  select indicator_id as "i", org_id as "o", (extract(epoch from ts) * 1000)::float8 as "t", value as "v" from inserted`;

export interface InsertedRow {
  i: number;
  o: number;
  t: number;
  v: number;
}

/** Stores a batch; returns the rows that were new (re-sent observations are skipped, changing nothing). */
export async function insertObservations(db: Db, batch: ObservationBatch): Promise<InsertedRow[]> {
  if (batch.indicatorIds.length === 0) return [];
  return db.query<InsertedRow>(INSERT_SQL, [batch.indicatorIds, batch.orgIds, batch.timestamps, batch.values]);
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
