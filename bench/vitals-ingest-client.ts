// Load generator for the ingest benchmark, run as a separate process so that it does not share the
// server's event loop. Request bodies are prepared before the clock starts, so the generator spends its
// CPU on sending, not on building JSON (the machine has only two cores to share with the server).
import fs from 'node:fs';

const [url, token, seriesFile, batchSizeRaw, concurrencyRaw, durationRaw] = process.argv.slice(2);
const series = JSON.parse(fs.readFileSync(seriesFile, 'utf8')) as [string, string, number, number][];
const batchSize = Number(batchSizeRaw);
const concurrency = Number(concurrencyRaw);
const durationMs = Number(durationRaw);
// Enough bodies for the run at 100,000 observations/s; more are built if the server is faster.
const prepared = Math.ceil((durationMs / 1000) * 100_000 / batchSize);

let cursor = 0;
// Each series gets strictly increasing timestamps, starting now, so that every observation is new and
// fresh enough never to go stale.
const clock = new Map<number, number>();
const base = Date.now();
function nextBatch(): string {
  const items = [];
  for (let i = 0; i < batchSize; i++) {
    const index = cursor++ % series.length;
    const ts = (clock.get(index) ?? base) + 1;
    clock.set(index, ts);
    const [indicator, org, low, high] = series[index];
    // Values inside the normal band: the realistic case, where rules run but rarely fire.
    items.push({ indicator, org, ts, value: low + ((high - low) * ((cursor * 7919) % 1000)) / 1000 });
  }
  return JSON.stringify(items);
}
const bodies = Array.from({ length: prepared }, nextBatch);

const latencies: number[] = [];
let sent = 0;
let failed = 0;
const started = performance.now();
async function worker(): Promise<void> {
  while (performance.now() - started < durationMs) {
    const body = bodies.pop() ?? nextBatch();
    const t0 = performance.now();
    const response = await fetch(`${url}/api/v1/vitals/observations`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
    await response.arrayBuffer();
    latencies.push(performance.now() - t0);
    if (response.ok) sent += batchSize;
    else failed++;
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
process.stdout.write(JSON.stringify({ observations: sent, seconds, failed, requestP50: latencies[Math.floor(latencies.length / 2)], requestP99: latencies[Math.floor(latencies.length * 0.99)] }) + '\n');
