// The digital bus over HTTP on a real server (embedded mode, the seeded demo city): how long a stop
// board's request for its arrivals takes while a whole fleet's positions are pushed (20,000 vehicles in one
// protobuf message, placed on the demo network's trips running now) and while a consumer fetches the
// GTFS-Realtime trip updates of that fleet, and while a city's GTFS feed is imported over the API (Austin's,
// 380,000 stop times), beside the same request on the idle server in the same run. The database is
// the embedded one in its own thread, as `citypulse serve` runs it.
// The requests come from a worker thread, so that sending them and timing them does not take the
// server's event loop.
// Run: npx tsx bench/transit-server.ts [--vehicles 20000] [--rounds 3] [--feed gtfs.zip]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { Trip } from '../server/src/modules/transit/gtfs/timetable.js';
import { FeedMessage } from '../server/src/modules/transit/realtime/feed-message.js';
import { zipFiles } from '../server/src/modules/transit/gtfs/zip-writer.js';
import { demoNetworkFeed } from '../server/src/modules/transit/demo/network.js';
import { fmt, median, percentile } from './stats.js';
import { startDemoServer } from './demo-server.js';

const { values: args } = parseArgs({ options: {
  vehicles: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '3' },
  feed: { type: 'string', default: new URL('../../shared/data/transit/austin-capmetro-2016/gtfs.zip', import.meta.url).pathname },
} });
const vehicles = Number(args.vehicles);
const rounds = Number(args.rounds);

// The server's clock runs at the demo network's morning peak today, whenever the bench runs: at night few
// or no demo trips run to place a fleet on.
let offsetMs = 0;
const clock = { now: () => Date.now() + offsetMs };
// Without background jobs: the demo's own buses would report meanwhile, and the figures are about the load below.
const server = await startDemoServer({ name: 'transit', database: 'thread', backgroundJobs: false, clock });
const { app, url } = server;
const token = await server.token('bench', ['transit:ingest', 'transit:manage']);

await app.transit.service.importFeed('haicheng', zipFiles(demoNetworkFeed()), 'bench');
const runtime = app.transit.service.runtime('haicheng');
const timetable = runtime.timetable;
offsetMs = (timetable.clock.serviceDayStart(timetable.clock.localDay(Date.now() / 1000)) + 8 * 3600) * 1000 - Date.now();

/** Each vehicle on a trip running now, where its timetable has it, a few metres apart from the others on it. */
function fleetMessages(now: number, count: number): Uint8Array[] {
  const day = timetable.clock.localDay(now);
  const zero = timetable.clock.serviceDayStart(day);
  const running: Trip[] = [];
  for (const trip of timetable.trips.values()) if (zero + trip.departures[0]! <= now && zero + trip.arrivals[trip.arrivals.length - 1]! >= now + 600) running.push(trip);
  if (running.length === 0) throw new Error('no demo trip runs now');
  const origin = timetable.projection.toXY(0, 0);
  const unit = timetable.projection.toXY(1, 1);
  const pointAt = (trip: Trip, along: number) => {
    const { xs, ys, along: at } = trip.pattern.path;
    let i = 1;
    while (i < at.length - 1 && at[i]! < along) i++;
    const span = at[i]! - at[i - 1]!;
    const share = span > 0 ? Math.min(1, Math.max(0, (along - at[i - 1]!) / span)) : 0;
    return { latitude: (ys[i - 1]! + share * (ys[i]! - ys[i - 1]!) - origin[1]) / (unit[1] - origin[1]), longitude: (xs[i - 1]! + share * (xs[i]! - xs[i - 1]!) - origin[0]) / (unit[0] - origin[0]) };
  };
  const cars = Array.from({ length: count }, (_, i) => {
    const trip = running[i % running.length]!;
    let k = 0;
    while (k < trip.arrivals.length - 1 && zero + trip.arrivals[k + 1]! < now) k++;
    return { id: `bench-${i}`, trip, along: trip.pattern.distances[k]! + (i % 7) * 10 };
  });
  // Two reports 10 s apart (the second places each vehicle moving), then one for each measured push.
  return [0, 10, 20, 30].map((second) => FeedMessage.encode(FeedMessage.fromObject({
    header: { gtfsRealtimeVersion: '2.0', timestamp: now + second - 30 },
    entity: cars.map((car) => ({ id: car.id, vehicle: { vehicle: { id: car.id }, trip: { tripId: car.trip.id }, position: pointAt(car.trip, car.along + second * 6), timestamp: now + second - 30 } })),
  })).finish());
}

const LOAD = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { url, token, stopPath, push, feed, zip } = workerData;
  const latencies = [];
  let busy = true;
  const done = [];
  const started = performance.now();
  const timed = async (work) => { const began = performance.now(); await work(); return performance.now() - began; };
  if (push) done.push(timed(async () => { const response = await fetch(url + '/api/v1/transit/realtime?feed=haicheng', { method: 'POST', body: push, headers: { 'content-type': 'application/x-protobuf', authorization: 'Bearer ' + token } }); if (response.status !== 200) throw new Error('push: ' + response.status); await response.arrayBuffer(); }));
  if (feed) done.push(timed(async () => { const response = await fetch(url + '/gtfs-rt/trip-updates?feed=haicheng'); await response.arrayBuffer(); }));
  if (zip) done.push(timed(async () => { const response = await fetch(url + '/api/v1/transit/feeds?id=bench-import', { method: 'POST', body: zip, headers: { 'content-type': 'application/zip', authorization: 'Bearer ' + token } }); if (response.status !== 201) throw new Error('import: ' + response.status); await response.arrayBuffer(); }));
  const all = Promise.all(done).then((times) => { busy = false; return times; });
  // A stop board asking every 20 ms, for as long as the work runs (for 2 s on the idle server).
  const going = push || feed || zip ? () => busy : () => performance.now() - started < 2000;
  do {
    const began = performance.now();
    const response = await fetch(url + stopPath);
    await response.arrayBuffer();
    latencies.push(performance.now() - began);
    await new Promise((resolve) => setTimeout(resolve, 20));
  } while (going());
  parentPort.postMessage({ latencies, times: await all });
})();
`;

async function scenario(push: Uint8Array | null, feed: boolean, zip: Buffer | null = null): Promise<{ latencies: number[]; times: number[] }> {
  const stopId = [...timetable.tripsByStop].sort((a, b) => b[1].length - a[1].length)[0]![0];
  const worker = new Worker(LOAD, { eval: true, workerData: { url, token, stopPath: `/api/v1/transit/stops/${encodeURIComponent(stopId)}/arrivals?feed=haicheng`, push, feed, zip } });
  const result = await new Promise<{ latencies: number[]; times: number[] }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  return result;
}

const zip = fs.readFileSync(args.feed!);
const names = ['idle server (baseline)', `pushing ${fmt(vehicles)} positions`, `pushing, and a consumer fetching trip updates`, `importing ${path.basename(path.dirname(args.feed!))} (${fmt(zip.length / 1e6, 1)} MB zip)`];
const results = names.map(() => ({ p50: [] as number[], max: [] as number[], work: [] as number[] }));
for (let round = 0; round < rounds; round++) {
  const [first, second, third, fourth] = fleetMessages(Math.floor(clock.now() / 1000), vehicles);
  const idle = await scenario(null, false);
  for (const body of [first!, second!]) await scenario(body, false);
  const pushed = await scenario(third!, false);
  const both = await scenario(fourth!, true);
  const importing = await scenario(null, false, zip);
  for (const [i, run] of [idle, pushed, both, importing].entries()) {
    results[i]!.p50.push(percentile(run.latencies, 50));
    results[i]!.max.push(Math.max(...run.latencies));
    results[i]!.work.push(Math.max(0, ...run.times));
  }
}
console.log(`A stop's arrivals over HTTP, asked every 20 ms from another thread; ${fmt(vehicles)} vehicles on the demo network's trips running now; medians of ${rounds} rounds`);
for (const [i, name] of names.entries()) {
  const entry = results[i]!;
  console.log(`  ${name.padEnd(48)} p50 ${fmt(median(entry.p50), 1).padStart(6)} ms   max ${fmt(median(entry.max), 1).padStart(7)} ms${i > 0 ? `   (${['', 'the push', 'the push and the feed', 'the import'][i]}: ${fmt(median(entry.work))} ms)` : ''}`);
}
await server.close();
