// SQL for observations and their rollups.
import type { Db } from '../../platform/db/types.js';
import type { Aggregation } from './types.js';
import type { SeriesPoint } from '@citypulse/contracts';

export interface ObservationBatch {
  indicatorIds: number[];
  orgIds: number[];
  /** ISO 8601 strings (what both drivers accept for timestamptz[] fastest). */
  timestamps: string[];
  /** The same instants in epoch milliseconds, for the rule engine. */
  epochMs: number[];
  values: number[];
}

// Only the count of new rows matters (re-sent observations are skipped): the driver's affected-row count
// gives it without returning or counting rows.
const INSERT_SQL = `insert into vitals_observation (indicator_id, org_id, ts, value)
  select * from unnest($1::int[], $2::int[], $3::timestamptz[], $4::float8[])
  on conflict do nothing`;

/** Stores a batch; returns how many rows were new (re-sent observations are skipped, changing nothing). */
export async function insertObservations(db: Db, batch: ObservationBatch): Promise<number> {
  if (batch.indicatorIds.length === 0) return 0;
  return db.run(INSERT_SQL, [batch.indicatorIds, batch.orgIds, batch.timestamps, batch.values]);
}

const ROLLUP_COLUMNS = 'indicator_id, org_id, bucket, count, sum, min, max, last, last_ts';
// Partials merge into what a bucket already holds: counts and sums add, extremes widen, the latest wins.
const ROLLUP_MERGE = `on conflict (indicator_id, org_id, bucket) do update set
  count = r.count + excluded.count,
  sum = r.sum + excluded.sum,
  min = least(r.min, excluded.min),
  max = greatest(r.max, excluded.max),
  last = case when excluded.last_ts >= r.last_ts then excluded.last else r.last end,
  last_ts = greatest(r.last_ts, excluded.last_ts)`;

/**
 * Folds up to `maxRows` observations stored since the last fold into the minute and hour rollups and
 * advances the cursor. Returns the number folded and whether it caught up. Larger folds are cheaper per
 * row (a series seen many times in a minute becomes one upsert), so the job runs every few seconds; the
 * cap bounds the catch-up after a long outage.
 *
 * The new rows are first aggregated per minute into a staging table, then merged into the rollups with
 * the cursor moved in one transaction, provided nobody moved it meanwhile: each observation is counted
 * exactly once, and a crash before the merge leaves the cursor where it was. On PostgreSQL all of it is one
 * transaction. On the embedded database every statement holds its only thread, and a transaction holds it
 * from begin to commit, so there the staging is done in slices of `sliceRows` arrival numbers, each its
 * own short transaction: urgent work (an alert) waits for one slice, not for the whole fold.
 */
export async function foldRollups(db: Db, maxRows = 250_000, sliceRows = 125_000): Promise<{ folded: number; caughtUp: boolean }> {
  // Every row numbered up to the watermark must be committed before it is folded, or a slow insert
  // would be skipped for good. A SHARE lock waits for the inserts in flight (they hold ROW EXCLUSIVE)
  // and is released at once; rows numbered after it are left for the next fold.
  const watermark = await db.transaction(async (tx) => {
    await tx.exec('lock table vitals_observation in share mode');
    const [row] = await tx.query<{ upto: string }>(`select (case when is_called then last_value else 0 end)::text as upto from vitals_observation_seq_seq`);
    return BigInt(row.upto);
  });
  // Sequence numbers of rolled-back inserts leave gaps, so a range may hold fewer rows than its width.
  const end = (from: bigint) => (from + BigInt(maxRows) < watermark ? from + BigInt(maxRows) : watermark);

  if (db.kind === 'postgres') {
    return db.transaction(async (tx) => {
      const from = await foldedUpTo(tx, true);
      if (from >= watermark) return { folded: 0, caughtUp: true };
      const upto = end(from);
      await tx.exec(`create temp table rollup_staging (${STAGING_COLUMNS}) on commit drop`);
      const folded = await stageMinutes(tx, 'rollup_staging', from, upto);
      await mergeStaged(tx, 'rollup_staging', upto);
      return { folded, caughtUp: upto === watermark };
    });
  }

  const from = await foldedUpTo(db, false);
  if (from >= watermark) return { folded: 0, caughtUp: true };
  const upto = end(from);
  // One session, so a temp table outlives the slices' transactions; named per fold so that two folds
  // started at once (a history read and the job) never mix their partials.
  const staging = `rollup_staging_${++stagingTables}`;
  await db.exec(`create temp table ${staging} (${STAGING_COLUMNS})`);
  try {
    let folded = 0;
    for (let low = from; low < upto; low += BigInt(sliceRows)) {
      const high = low + BigInt(sliceRows) < upto ? low + BigInt(sliceRows) : upto;
      folded += await db.transaction((tx) => stageMinutes(tx, staging, low, high));
    }
    const merged = await db.transaction(async (tx) => {
      if ((await foldedUpTo(tx, true)) !== from) return false; // folded by another fold meanwhile: theirs stands
      await mergeStaged(tx, staging, upto);
      return true;
    });
    return merged ? { folded, caughtUp: upto === watermark } : { folded: 0, caughtUp: false };
  } finally {
    await db.exec(`drop table if exists ${staging}`);
  }
}

let stagingTables = 0;

const STAGING_COLUMNS = `indicator_id int, org_id int, bucket timestamptz, count int, sum float8, min float8, max float8, last float8, last_ts timestamptz`;

async function foldedUpTo(db: Db, lock: boolean): Promise<bigint> {
  const [cursor] = await db.query<{ folded: string }>(`select folded_seq::text as folded from vitals_rollup_cursor where id = 1${lock ? ' for update' : ''}`);
  return BigInt(cursor.folded);
}

/** Aggregates the observations numbered (low, high] per series and minute into `staging`; returns how many. */
async function stageMinutes(tx: Db, staging: string, low: bigint, high: bigint): Promise<number> {
  await findNewRowsByIndex(tx, 'vitals_observation_seq');
  const [{ folded }] = await tx.query<{ folded: number }>(
    `with partial as (
       insert into ${staging}
       select indicator_id, org_id, date_trunc('minute', ts), count(*), sum(value), min(value), max(value),
         (array_agg(value order by ts desc))[1], max(ts)
       from vitals_observation where seq > $1::bigint and seq <= $2::bigint
       group by 1, 2, 3
       returning count)
     select coalesce(sum(count), 0)::int as folded from partial`,
    [low.toString(), high.toString()],
  );
  return folded;
}

/** Adds the staged partials (a series-minute may appear once per slice) to the rollups and moves the cursor. */
async function mergeStaged(tx: Db, staging: string, upto: bigint): Promise<void> {
  await tx.exec(
    `insert into vitals_rollup_1m as r (${ROLLUP_COLUMNS})
     select indicator_id, org_id, bucket, sum(count), sum(sum), min(min), max(max), (array_agg(last order by last_ts desc))[1], max(last_ts)
     from ${staging} group by 1, 2, 3
     ${ROLLUP_MERGE}`,
  );
  await tx.exec(
    `insert into vitals_rollup_1h as r (${ROLLUP_COLUMNS})
     select indicator_id, org_id, date_trunc('hour', bucket), sum(count), sum(sum), min(min), max(max),
       (array_agg(last order by last_ts desc))[1], max(last_ts)
     from ${staging} group by 1, 2, 3
     ${ROLLUP_MERGE}`,
  );
  await tx.query('update vitals_rollup_cursor set folded_seq = $1::bigint where id = 1', [upto.toString()]);
}

/**
 * Makes the BRIN index on `index` find recent rows without reading the whole table. A BRIN range counts
 * as "may match" until it is summarised, which VACUUM does; the embedded database has no autovacuum, so
 * without this every fold and every retention pass would read the whole table, slower by the hour. The
 * new ranges are summarised here (reading only the pages added since the last call), and the planner,
 * which has no statistics on the embedded database either, is told to use the index.
 */
async function findNewRowsByIndex(tx: Db, index: string): Promise<void> {
  await tx.query(`select brin_summarize_new_values($1::regclass)`, [index]);
  await tx.exec('set local enable_seqscan = off');
}

/** One step of a series (declared once, in contracts). */
export type { SeriesPoint } from '@citypulse/contracts';

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

/**
 * The latest value of every series that reported within `frequencies` of its indicator's own reporting
 * interval (at least a day), to restore the live state at start. The window is per indicator: a sensor
 * looks back a day, a yearly statistic years, so start-up reads at most a day of hourly rows per series,
 * not the whole hourly history. A series silent for longer comes back as no-data.
 */
export async function latestValues(db: Db, frequencies: number): Promise<{ indicatorId: number; orgId: number; ts: number; value: number }[]> {
  return db.query(
    `select distinct on (r.indicator_id, r.org_id) r.indicator_id as "indicatorId", r.org_id as "orgId",
       (extract(epoch from r.last_ts) * 1000)::float8 as ts, r.last as value
     from vitals_indicator i
     join lateral (
       select indicator_id, org_id, bucket, last, last_ts from vitals_rollup_1h
       where indicator_id = i.id
         and bucket > now() - greatest(make_interval(secs => i.frequency_seconds * $1::float8), interval '1 day') - interval '1 hour'
     ) r on true
     order by r.indicator_id, r.org_id, r.bucket desc`,
    [frequencies],
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
    removed[table] = await db.transaction(async (tx) => {
      if (table === 'vitals_observation') await findNewRowsByIndex(tx, 'vitals_observation_ts');
      return tx.run(`delete from ${table} where ${column} < now() - make_interval(days => $1)`, [keep]);
    });
  }
  return removed;
}
