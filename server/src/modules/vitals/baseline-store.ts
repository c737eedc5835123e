// SQL for the anomaly baselines the rule engine learns. The layout of the export (format, time zone,
// buckets) is one row of vitals_baseline; the series are rows of vitals_baseline_series (migration 004):
// a city's are tens of megabytes, which as one JSON document were made, sent and parsed whole.
import type { Db } from '../../platform/db/types.js';
import type { ExportedBaselines } from './rules/engine.js';

type SeriesBaseline = ExportedBaselines['series'][number];

/** Rows a statement: about 3 MB of text, sent to the database thread in a few milliseconds. */
const ROWS_PER_STATEMENT = 1_000;

/**
 * Replaces the saved baselines in one transaction, so that a crash mid-way leaves the previous save
 * whole. The layout row is written first: two saves at once wait on its lock, and replace the rows one
 * after the other. `savedAt` (ms): what the engine learnt after it is not in the save (see readBaselines).
 */
export async function writeBaselines(db: Db, layout: Omit<ExportedBaselines, 'series'>, series: SeriesBaseline[], savedAt: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(
      `insert into vitals_baseline (id, data, saved_at) values (1, $1, $2) on conflict (id) do update set data = excluded.data, saved_at = excluded.saved_at`,
      [JSON.stringify({ ...layout, series: [] }), new Date(savedAt)],
    );
    await tx.query('delete from vitals_baseline_series');
    for (let from = 0; from < series.length; from += ROWS_PER_STATEMENT) {
      const rows = series.slice(from, from + ROWS_PER_STATEMENT);
      await tx.bulkInsert('vitals_baseline_series', [
        { name: 'indicator', type: 'text', values: rows.map((row) => row.indicator) }, { name: 'org', type: 'text', values: rows.map((row) => row.org) },
        { name: 'ref', type: 'float8', values: rows.map((row) => row.ref) }, { name: 'data', type: 'text', values: rows.map((row) => row.data) },
      ]);
    }
  });
}

/**
 * The saved baselines as one document for RuleEngine.importBaselines (the layout with its series rows),
 * and when they were saved; null when they never were. A document saved before the rows holds its
 * series itself, and is given as it is.
 */
export async function readBaselines(db: Db): Promise<{ baselines: unknown; savedAt: number } | null> {
  const [saved] = await db.query<{ data: unknown; saved_at: Date | string }>('select data, saved_at from vitals_baseline where id = 1');
  if (!saved) return null;
  const layout = typeof saved.data === 'string' ? JSON.parse(saved.data) : saved.data;
  const series = await db.query<SeriesBaseline>('select indicator, org, ref, data from vitals_baseline_series');
  const baselines = series.length && typeof layout === 'object' && layout !== null ? { ...layout, series } : layout;
  return { baselines, savedAt: new Date(saved.saved_at).getTime() };
}
