// Saving the vital signs' learnt baselines on a real server's database (the seeded demo city, PGlite in
// its own thread, as `citypulse serve` runs it), as the server does every 5 minutes and at shutdown: how
// long the save takes, and the longest any other request waits on the event loop meanwhile. Beside it,
// in the same run, the way it was saved before: the whole export as one JSON document, stringified and
// sent to the database in one go. The series are the demo city's indicators across its org units, each
// with a baseline as a week of data leaves it.
// Run: npx tsx bench/vitals-baselines.ts [--series 18000] [--rounds 5]
import { parseArgs } from 'node:util';
import { BASELINE_LENGTH, encodeBaseline, STRIDE } from '../server/src/modules/vitals/rules/baseline.js';
import { fmt, measureWaits, median } from './stats.js';
import { startDemoServer } from './demo-server.js';

const { values: args } = parseArgs({ options: { series: { type: 'string', default: '18000' }, rounds: { type: 'string', default: '5' } } });
const seriesWanted = Number(args.series);
const rounds = Number(args.rounds);

const server = await startDemoServer({ name: 'baselines', database: 'thread', backgroundJobs: false });
const { app, db } = server;
const vitals = app.vitals.service;
const engine = vitals.engine;

// Baselines as a week of hourly data leaves them: every bucket trusted, a centre and a scale of its own.
const layout = engine.baselineLayout();
const indicators = vitals.indicators().map((indicator) => indicator.code);
const orgs = vitals.orgUnits().map((org) => org.code);
const series: Array<{ indicator: string; org: string; ref: number; data: string }> = [];
for (let i = 0; series.length < seriesWanted && i < indicators.length * orgs.length; i++) {
  const buffer = new Float32Array(BASELINE_LENGTH);
  for (let b = 0; b < BASELINE_LENGTH; b += STRIDE) { buffer[b] = 8; buffer[b + 1] = Math.sin(i + b) * 3; buffer[b + 2] = 1 + ((i * 7 + b) % 5) / 10; }
  series.push({ indicator: indicators[i % indicators.length]!, org: orgs[Math.floor(i / indicators.length) % orgs.length]!, ref: 50 + (i % 40), data: encodeBaseline(buffer) });
}
const imported = engine.importBaselines({ ...layout, series });
console.log(`bench/vitals-baselines: ${fmt(imported.imported)} series with baselines (${fmt(imported.skipped)} skipped: no anomaly rule)`);

await db.exec('create table bench_baseline_document (id integer primary key, data jsonb not null, saved_at timestamptz not null)');
/** The save as it was: one document, made and sent in one go. */
const asOneDocument = () => db.query(
  'insert into bench_baseline_document (id, data, saved_at) values (1, $1, now()) on conflict (id) do update set data = excluded.data, saved_at = excluded.saved_at',
  [JSON.stringify(engine.exportBaselines())]);

const now: Array<{ ms: number; waited: number }> = [];
const before: Array<{ ms: number; waited: number }> = [];
for (let round = 0; round < rounds; round++) {
  now.push(await measureWaits(() => vitals.saveBaselines()));
  before.push(await measureWaits(asOneDocument));
  console.log(`  round ${round + 1}: rows in slices ${fmt(now.at(-1)!.ms)} ms (longest wait ${fmt(now.at(-1)!.waited, 1)} ms) | one document ${fmt(before.at(-1)!.ms)} ms (longest wait ${fmt(before.at(-1)!.waited, 1)} ms)`);
}
const [size] = await db.query<{ mb: number }>('select sum(length(data))::float8 / 1e6 as mb from vitals_baseline_series');
console.log(`Saving ${fmt(imported.imported)} series' baselines (${fmt(size!.mb, 1)} MB of text) on the embedded database, medians of ${rounds} rounds`);
console.log(`  now: encoded in 10 ms slices, written as rows     ${fmt(median(now.map((r) => r.ms))).padStart(6)} ms   longest wait ${fmt(median(now.map((r) => r.waited)), 1).padStart(6)} ms`);
console.log(`  before: one JSON document, in one go (baseline)  ${fmt(median(before.map((r) => r.ms))).padStart(6)} ms   longest wait ${fmt(median(before.map((r) => r.waited)), 1).padStart(6)} ms`);
await server.close();
