// Benchmarks of the vital signs, embedded mode (PGlite on disk in its thread), one process, rules evaluated:
//  1. sustained ingest over HTTP, beside inserting the same rows straight into the same database;
//  2. ingest-to-alert latency on the live stream while under that load;
//  3. snapshot of all indicators for the city.
// Run: npx tsx bench/vitals.ts [--seconds 10] [--rounds 3] [--batch 2000] [--concurrency 4]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { normalBand } from '../server/src/sim/vitals-simulator.js';
import { fmt, median, percentile } from './stats.js';
import { startDemoServer } from './demo-server.js';

const { values: args } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, rounds: { type: 'string', default: '3' }, batch: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '4' } } });
const seconds = Number(args.seconds);
const rounds = Number(args.rounds);
const batchSize = Number(args.batch);

// The same database the server opens in embedded mode: PGlite on disk, in its own thread.
const server = await startDemoServer({ name: 'vitals', database: 'thread', backgroundJobs: true, env: { CITYPULSE_BODY_LIMIT_BYTES: String(64 * 1024 * 1024) } });
const { app, db, url, dataDir } = server;
const vitals = app.vitals.service;
const token = await server.token('bench', ['vitals:ingest', 'vitals:read']);

// Probe series for the alert latency: fast 'up' indicators at street level, kept out of the load.
const probeIndicators = vitals.indicators().filter((i) => i.direction === 'up' && i.criticalHigh !== null && i.frequencySeconds <= 300 && i.orgLevels.includes('street'));
const probeCodes = new Set(probeIndicators.map((i) => i.code));
const probes = probeIndicators.flatMap((indicator) => vitals.orgUnits().filter((o) => o.level === 'street').map((o) => ({ indicator, org: o.code })));
// The load: every other (indicator, org) at city, district and street level, up to 20,000 series.
const orgs = vitals.orgUnits().filter((o) => o.level !== 'committee');
const series: [string, string, number, number][] = [];
for (const indicator of vitals.indicators()) {
  if (probeCodes.has(indicator.code)) continue;
  const [low, high] = normalBand(indicator);
  for (const org of orgs) if (indicator.orgLevels.includes(org.level as never) && series.length < 20_000) series.push([indicator.code, org.code, low, high]);
}

async function rawInsertRate(durationMs: number): Promise<number> {
  // The baseline: the same kind of rows, straight into the same table of the same database.
  const ids = vitals.indicators().map((i) => i.id);
  const orgIds = vitals.orgUnits().map((o) => o.id);
  let rows = 0;
  let tick = Date.now() + 10 * 60_000; // distinct timestamps from the HTTP load
  const started = performance.now();
  while (performance.now() - started < durationMs) {
    const indicatorIds: number[] = [], orgColumn: number[] = [], timestamps: string[] = [], values: number[] = [];
    for (let i = 0; i < batchSize; i++) {
      indicatorIds.push(ids[i % ids.length]);
      orgColumn.push(orgIds[Math.floor(i / ids.length) % orgIds.length]);
      timestamps.push(new Date(tick).toISOString());
      values.push(i);
    }
    tick += 1;
    await db.query('insert into vitals_observation (indicator_id, org_id, ts, value) select * from unnest($1::int[], $2::int[], $3::timestamptz[], $4::float8[]) on conflict do nothing', [indicatorIds, orgColumn, timestamps, values]);
    rows += batchSize;
  }
  return rows / ((performance.now() - started) / 1000);
}

function runClient(durationMs: number): Promise<{ observations: number; seconds: number; failed: number; requestP50: number; requestP99: number }> {
  const client = fileURLToPath(new URL('./vitals-ingest-client.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const seriesFile = path.join(dataDir, 'series.json');
    fs.writeFileSync(seriesFile, JSON.stringify(series));
    const child = spawn(process.execPath, ['--import', 'tsx', client, url, token, seriesFile, String(batchSize), args.concurrency!, String(durationMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`client exited ${code}`))));
  });
}

let nextProbe = 0; // each probe series alerts once, so every round takes fresh ones

/** Pushes a critical pair to fresh probe series and times POST-sent → alert event on the stream. */
async function alertLatencies(durationMs: number): Promise<number[]> {
  const pending = new Map<string, number>();
  const latencies: number[] = [];
  const controller = new AbortController();
  // A big screen stays connected to the whole stream (snapshot changes of every series each second), so
  // the server does that fan-out work as it would in production; it reads and discards. The probe itself
  // listens to alerts only, as an alert ticker would, so that parsing megabytes of snapshots in this
  // process does not count as server latency.
  const screen = await fetch(`${url}/api/v1/vitals/stream?token=${token}`, { signal: controller.signal });
  const draining = (async () => {
    const screenReader = screen.body!.getReader();
    try {
      for (;;) if ((await screenReader.read()).done) return;
    } catch { /* aborted */ }
  })();
  const response = await fetch(`${url}/api/v1/vitals/stream?events=alert&token=${token}`, { signal: controller.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const reading = (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!block.includes('event: alert')) continue;
          const data = JSON.parse(block.split('\ndata: ')[1]);
          for (const alert of data) {
            const key = `${alert.indicator}|${alert.org}`;
            const sentAt = pending.get(key);
            if (sentAt !== undefined && alert.transition === 'fired') {
              latencies.push(performance.now() - sentAt);
              pending.delete(key);
            }
          }
        }
      }
    } catch { /* aborted */ }
  })();
  const started = performance.now();
  while (performance.now() - started < durationMs && nextProbe < probes.length) {
    const { indicator, org } = probes[nextProbe++];
    const value = indicator.criticalHigh! * 1.5 + 1;
    const now = Date.now();
    pending.set(`${indicator.code}|${org}`, performance.now());
    await fetch(`${url}/api/v1/vitals/observations`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify([{ indicator: indicator.code, org, ts: now - 2 * indicator.frequencySeconds * 1000 - 1000, value }, { indicator: indicator.code, org, ts: now, value }]),
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await new Promise((resolve) => setTimeout(resolve, 1500));
  controller.abort();
  await Promise.all([reading, draining]);
  return latencies;
}

async function snapshotLatencies(count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const response = await fetch(`${url}/api/v1/vitals/snapshot`, { headers: { authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    latencies.push(performance.now() - t0);
  }
  return latencies;
}

process.stdout.write(`vitals bench: ${series.length} series under load, ${probes.length} probe series, ${vitals.indicators().length} indicators, batch ${batchSize}, ${args.concurrency} requests in flight, ${seconds}s x ${rounds} rounds, PGlite on disk\n`);
await runClient(2000); // warm-up: JIT, series creation
const raw: number[] = [];
const ours: number[] = [];
const alertLatency: number[] = [];
const requestP99: number[] = [];
for (let round = 1; round <= rounds; round++) {
  raw.push(await rawInsertRate(seconds * 1000));
  const [result, latencies] = await Promise.all([runClient(seconds * 1000), alertLatencies(seconds * 1000)]);
  const rate = result.observations / result.seconds;
  ours.push(rate);
  alertLatency.push(...latencies);
  requestP99.push(result.requestP99);
  process.stdout.write(`  round ${round}: raw insert ${fmt(raw.at(-1)!)} rows/s | HTTP ingest ${fmt(rate)} obs/s (${result.failed} failed requests, request p99 ${fmt(result.requestP99)} ms) | ${latencies.length} alerts timed\n`);
}
const snapshotIdle = await snapshotLatencies(200);
const seriesCount = vitals.engine.stats().series;

process.stdout.write('\nresults (medians over rounds)\n');
process.stdout.write(`  HTTP ingest, rules evaluated:      ${fmt(median(ours))} obs/s   (goal >= 50,000)\n`);
process.stdout.write(`  raw insert into the same database: ${fmt(median(raw))} rows/s\n`);
process.stdout.write(`  ratio ingest / raw insert:         ${fmt(median(ours) / median(raw), 2)}   (goal >= 0.50)\n`);
process.stdout.write(`  ingest-to-alert (POST sent -> SSE), under load: p50 ${fmt(median(alertLatency))} ms, p99 ${fmt(percentile(alertLatency, 99))} ms over ${alertLatency.length} alerts   (goal p99 < 1000 ms)\n`);
process.stdout.write(`  city snapshot (${vitals.indicators().length} indicators, ${seriesCount} series): p50 ${fmt(median(snapshotIdle), 1)} ms, p99 ${fmt(percentile(snapshotIdle, 99), 1)} ms   (goal p99 < 50 ms)\n`);

await server.close();
