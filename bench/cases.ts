// Benchmarks of the cases module, embedded mode (PGlite on disk), one process:
//  1. intake throughput over the Open311 API (JSON POSTs, N in flight, from a worker thread), beside inserting the same rows
//     (case and its first history entry) straight into the same database;
//  2. classifier latency (p50/p99 of one prediction) beside a trivial baseline (exact-text lookup of
//     the commonest label), on the Boston 311 titles;
//  3. training time on the Boston data (Jan-Jun 2015, 58k requests).
// Run: npx tsx bench/cases.ts [--requests 2000] [--rounds 3] [--concurrency 4]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { dateKey, readLabelledCsv } from '../server/src/modules/cases/classifier/evaluate.js';
import { TextClassifier } from '../server/src/modules/cases/classifier/model.js';
import { fmt, median, percentile } from './stats.js';
import { startDemoServer } from './demo-server.js';

const { values: args } = parseArgs({ options: { requests: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '3' }, concurrency: { type: 'string', default: '4' } } });
const requestCount = Number(args.requests);
const rounds = Number(args.rounds);
const concurrency = Number(args.concurrency);

const server = await startDemoServer({ name: 'cases', database: 'in-process', backgroundJobs: false });
const { app, db, url } = server;
const districts = app.vitals.service.orgUnits().filter((o) => o.level === 'district');
const token = await server.token('bench', ['cases:report']);

const services = ['urban.road.damage', 'urban.road.streetlight', 'urban.appearance.litter', 'environment.noise.construction'];
const rowsFor = (round: number) => Array.from({ length: requestCount }, (_, i) => ({
  service_code: services[i % services.length], description: `路面坑洼 pothole ${round}-${i}`, lat: 31.2 + (i % 100) / 1000, long: 121.4 + (i % 77) / 1000,
  address_string: `人民路 ${i} 号`, org_code: districts[i % districts.length].code,
}));

// The load comes from a worker thread, so that building and sending requests does not take the server's
// event loop (the vitals bench uses a separate process for the same reason).
const LOAD = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { url, token, rows, concurrency } = workerData;
  let next = 0, failed = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < rows.length) {
      const row = rows[next++];
      const response = await fetch(url + '/open311/v2/requests.json', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api_key: token, ...row }) });
      await response.arrayBuffer();
      if (response.status !== 201) failed++;
    }
  }));
  parentPort.postMessage({ seconds: (performance.now() - started) / 1000, failed });
})();
`;

async function open311Rate(round: number): Promise<{ rate: number; failed: number }> {
  const rows = rowsFor(round);
  const worker = new Worker(LOAD, { eval: true, workerData: { url, token, rows, concurrency } });
  const { seconds, failed } = await new Promise<{ seconds: number; failed: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  return { rate: rows.length / seconds, failed };
}

async function rawInsertRate(round: number): Promise<number> {
  // The baseline: the same rows, a case and its first history entry each, straight into the same tables.
  const rows = rowsFor(round + 1000);
  const started = performance.now();
  for (const row of rows) {
    const org = districts.find((d) => d.code === row.org_code)!;
    await db.transaction(async (tx) => {
      const [{ id }] = await tx.query<{ id: number }>(
        `insert into cases_case (state, title, description, category_code, source, org_code, org_path, address, lat, lon, created_by, reported_at, updated_at)
         values ('reported', $1, $1, $2, 'open311', $3, $4, $5, $6, $7, 'bench', now(), now()) returning id`,
        [row.description, row.service_code, org.code, org.path, row.address_string, row.lat, row.long],
      );
      await tx.query(`insert into cases_event (case_id, action, to_state, actor, at) values ($1, 'report', 'reported', 'bench', now())`, [id]);
    });
  }
  return rows.length / ((performance.now() - started) / 1000);
}

process.stdout.write(`cases bench: ${requestCount} Open311 requests per round, ${concurrency} in flight, ${rounds} rounds, PGlite on disk\n`);
const ours: number[] = [];
const raw: number[] = [];
for (let round = 1; round <= rounds; round++) {
  raw.push(await rawInsertRate(round));
  const result = await open311Rate(round);
  ours.push(result.rate);
  process.stdout.write(`  round ${round}: raw insert ${fmt(raw.at(-1)!)} cases/s | Open311 intake ${fmt(result.rate)} requests/s (${result.failed} failed)\n`);
}
await server.close();

process.stdout.write('\nresults (medians over rounds)\n');
process.stdout.write(`  Open311 intake over HTTP:           ${fmt(median(ours))} requests/s\n`);
process.stdout.write(`  raw insert into the same database:  ${fmt(median(raw))} cases/s\n`);
process.stdout.write(`  ratio intake / raw insert:          ${fmt(median(ours) / median(raw), 2)}\n`);

// --- the classifier on the Boston data --------------------------------------------------------------
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const boston = path.join(process.env.CITYPULSE_DATA ?? path.join(repoRoot, '../shared/data'), 'cityops/boston311-2015/requests-2015-01-to-09.csv.gz');
if (!fs.existsSync(boston)) {
  process.stdout.write(`\nclassifier: skipped, no Boston 311 data at ${boston} (set CITYPULSE_DATA)\n`);
} else {
  const rows = await readLabelledCsv(boston, { text: 'CASE_TITLE', label: 'SUBJECT', split: 'OPEN_DT' });
  const boundary = dateKey('07/01/2015');
  const train = rows.filter((row) => dateKey(row.split!) < boundary);
  const test = rows.filter((row) => dateKey(row.split!) >= boundary).slice(0, 20_000);
  const trainingSeconds: number[] = [];
  let model: TextClassifier | null = null;
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    model = TextClassifier.train(train.map((row) => row.text), train.map((row) => row.label));
    trainingSeconds.push((performance.now() - started) / 1000);
  }
  // The trivial baseline: the commonest label of the exact text in training, else the commonest label.
  const byText = new Map<string, Map<string, number>>();
  const overall = new Map<string, number>();
  for (const row of train) {
    const key = row.text.trim().toLowerCase();
    const counts = byText.get(key) ?? new Map<string, number>();
    counts.set(row.label, (counts.get(row.label) ?? 0) + 1);
    byText.set(key, counts);
    overall.set(row.label, (overall.get(row.label) ?? 0) + 1);
  }
  const best = (counts: Map<string, number>) => [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const fallback = best(overall);
  const lookup = new Map([...byText.entries()].map(([text, counts]) => [text, best(counts)]));
  const time = (predict: (text: string) => string) => {
    const samples: number[] = [];
    let right = 0;
    for (const row of test) {
      const started = performance.now();
      const label = predict(row.text);
      samples.push((performance.now() - started) * 1000);
      if (label === row.label) right++;
    }
    return { p50: median(samples), p99: percentile(samples, 99), top1: right / test.length };
  };
  const ml = time((text) => model!.predict(text, 3)[0].label);
  const baseline = time((text) => lookup.get(text.trim().toLowerCase()) ?? fallback);
  process.stdout.write(`\nclassifier on Boston 311 (train ${train.length} rows Jan-Jun, ${test.length} test rows from Jul-Sep)\n`);
  process.stdout.write(`  training time: median ${fmt(median(trainingSeconds), 2)} s over ${rounds} rounds\n`);
  process.stdout.write(`  prediction latency (top 3): p50 ${fmt(ml.p50, 1)} µs, p99 ${fmt(ml.p99, 1)} µs; top-1 ${ml.top1.toFixed(3)}\n`);
  process.stdout.write(`  baseline exact-title lookup:  p50 ${fmt(baseline.p50, 1)} µs, p99 ${fmt(baseline.p99, 1)} µs; top-1 ${baseline.top1.toFixed(3)}\n`);
  process.stdout.write(`  ratio p99 classifier / lookup: ${fmt(ml.p99 / baseline.p99, 1)}   (goal: classifier p99 < 5 ms)\n`);
}
