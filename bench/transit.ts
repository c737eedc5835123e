// Digital bus benchmarks, each beside a baseline measured in the same run:
//   1. GTFS import of a feed (default: the NYC subway) into a fresh embedded database, against inserting
//      the same stop_times one parameterised INSERT at a time (on a sample, as rows per second).
//   2. 20,000 vehicles each reporting every 10 s (2,000 positions a second): position-to-prediction
//      latency in the engine, against the delay-carried-forward baseline on the same positions.
//   3. Replay of the Austin positions: positions per second through tracker and engine, against the
//      tracker alone.
// Usage: npx tsx bench/transit.ts [--feed path/to/gtfs.zip] [--vehicles 20000] [--seconds 30] [--rounds 3] [--only replay|fleet|import]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { openPglite } from '../server/src/platform/db/pglite.js';
import { migrate } from '../server/src/platform/db/migrate.js';
import { allMigrations } from '../server/src/migrations.js';
import { systemClock } from '../server/src/platform/clock.js';
import { TransitService } from '../server/src/modules/transit/service.js';
import { loadTimetable, readFeedFile, type Timetable, type Trip } from '../server/src/modules/transit/gtfs/timetable.js';
import { Tracker } from '../server/src/modules/transit/tracking/tracker.js';
import { PredictionEngine, type ArrivalPredictor } from '../server/src/modules/transit/prediction/engine.js';
import { DelayCarriedForwardPredictor } from '../server/src/modules/transit/prediction/baselines.js';
import { replay } from '../server/src/modules/transit/accuracy/replay.js';
import type { VehiclePing } from '../server/src/modules/transit/tracking/positions.js';
import { dataDirectory } from '../server/src/modules/transit/testing/data.js';
import { fmt, median, percentile } from './stats.js';

const { values: args } = parseArgs({ options: {
  feed: { type: 'string', default: path.join(dataDirectory(), 'transit/nyc-subway-2026/gtfs.zip') },
  vehicles: { type: 'string', default: '20000' },
  seconds: { type: 'string', default: '30' },
  rounds: { type: 'string', default: '3' },
  only: { type: 'string' },
} });
const rounds = Number(args.rounds);
const austinFolder = path.join(dataDirectory(), 'transit/austin-capmetro-2016');

async function freshDatabase() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transit-bench-'));
  const { db } = await openPglite(dir);
  await migrate(db, allMigrations());
  return { db, dir };
}

async function benchImport() {
  if (!fs.existsSync(args.feed!)) return console.log(`import: skipped, ${args.feed} is absent`);
  const ours: number[] = [];
  const baseline: number[] = [];
  let rows = 0;
  for (let round = 0; round < rounds; round++) {
    const { db, dir } = await freshDatabase();
    const service = new TransitService({ db, logger: pino({ level: 'silent' }), clock: systemClock });
    let started = performance.now();
    const counts = await service.importFeed('bench', args.feed!, args.feed!);
    const seconds = (performance.now() - started) / 1000;
    rows = Object.values(counts).reduce((sum, count) => sum + count, 0);
    ours.push(rows / seconds);
    // Baseline: the same stop_times, one INSERT each, in one transaction (a sample: it is slow).
    const draft = await readFeedFile(args.feed!);
    const sample: Array<[string, number, string, number | null, number | null]> = [];
    for (const trip of draft.trips.values()) {
      for (const call of trip.calls) { sample.push([trip.trip.id, call.sequence, call.stopId, call.arrival, call.departure]); if (sample.length >= 20_000) break; }
      if (sample.length >= 20_000) break;
    }
    await db.query(`insert into transit_feed (id, agency_timezone, source, counts) values ('row', 'UTC', 'bench', '{}')`);
    started = performance.now();
    await db.transaction(async (tx) => {
      for (const row of sample) await tx.query('insert into transit_stop_time (feed_id, trip_id, stop_sequence, stop_id, arrival_seconds, departure_seconds) values ($1, $2, $3, $4, $5, $6)', ['row', ...row]);
    });
    baseline.push(sample.length / ((performance.now() - started) / 1000));
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
    console.log(`import round ${round + 1}: ${fmt(seconds, 1)} s for ${fmt(rows)} rows`);
  }
  console.log(`GTFS import of ${path.basename(path.dirname(args.feed!))} (${fmt(rows)} rows, whole feed: read, validate, write in one transaction)`);
  console.log(`  ours:     ${fmt(median(ours))} rows/s (median of ${rounds})`);
  console.log(`  baseline: ${fmt(median(baseline))} rows/s, one INSERT per stop_time (20,000-row sample)`);
  console.log(`  ratio:    ${fmt(median(ours) / median(baseline), 1)}x`);
  console.log('  node-gtfs (the gtfs package) is not measured: every 4.18 release needs better-sqlite3, whose install downloads or compiles a native binary.');
}

/** Simulated fleet: every vehicle on a trip active at the start, moving along it at 5-10 m/s. */
function fleet(timetable: Timetable, vehicles: number, start: number) {
  const day = timetable.clock.localDay(start);
  const zero = timetable.clock.serviceDayStart(day);
  const active: Trip[] = [];
  for (const trip of timetable.trips.values()) {
    if (zero + trip.departures[0]! <= start + 1800 && zero + trip.arrivals[trip.arrivals.length - 1]! >= start) active.push(trip);
  }
  let seed = 1;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  return Array.from({ length: vehicles }, (_, index) => {
    const trip = active[index % active.length]!;
    return { id: `bench-${index}`, trip, along: random() * trip.pattern.path.length * 0.5, speed: 5 + random() * 5, offset: Math.floor(random() * 10) };
  });
}

function pointAt(timetable: Timetable, trip: Trip, along: number): { lat: number; lon: number } {
  const { xs, ys, along: at } = trip.pattern.path;
  let i = 1;
  while (i < at.length - 1 && at[i]! < along) i++;
  const span = at[i]! - at[i - 1]!;
  const share = span > 0 ? Math.min(1, Math.max(0, (along - at[i - 1]!) / span)) : 0;
  const x = xs[i - 1]! + share * (xs[i]! - xs[i - 1]!);
  const y = ys[i - 1]! + share * (ys[i]! - ys[i - 1]!);
  // Invert the equirectangular projection through two probes (the projection is linear).
  const origin = timetable.projection.toXY(0, 0);
  const unit = timetable.projection.toXY(1, 1);
  return { lat: (y - origin[1]) / (unit[1] - origin[1]), lon: (x - origin[0]) / (unit[0] - origin[0]) };
}

async function benchFleet() {
  if (!fs.existsSync(path.join(austinFolder, 'gtfs.zip'))) return console.log('fleet: skipped, the Austin feed is absent');
  const timetable = await loadTimetable(path.join(austinFolder, 'gtfs.zip'));
  const vehicles = Number(args.vehicles);
  const seconds = Number(args.seconds);
  const start = Date.parse('2016-11-25T08:00:00-06:00') / 1000;
  const results: Record<string, { p50: number[]; p99: number[]; max: number[] }> = {};
  for (let round = 0; round < rounds; round++) {
    for (const make of [() => new PredictionEngine(timetable) as ArrivalPredictor, () => new DelayCarriedForwardPredictor() as ArrivalPredictor]) {
      const predictor = make();
      const tracker = new Tracker(timetable);
      const cars = fleet(timetable, vehicles, start);
      const latencies: number[] = [];
      for (let second = 0; second < seconds; second++) {
        // The positions of this second arrive together: each waits for those ahead of it.
        const batch: VehiclePing[] = [];
        for (const car of cars) {
          if ((second + car.offset) % 10 !== 0) continue;
          car.along += car.speed * 10;
          batch.push({ time: start + second, vehicleId: car.id, tripId: car.trip.id, routeId: car.trip.routeId, ...pointAt(timetable, car.trip, car.along) });
        }
        const arrived = performance.now();
        for (const ping of batch) {
          const update = tracker.observe(ping);
          if (update) { predictor.learn(update); predictor.predict(update); }
          latencies.push(performance.now() - arrived);
        }
      }
      const entry = (results[predictor.name] ??= { p50: [], p99: [], max: [] });
      entry.p50.push(percentile(latencies, 50));
      entry.p99.push(percentile(latencies, 99));
      entry.max.push(Math.max(...latencies));
    }
  }
  console.log(`${fmt(vehicles)} vehicles reporting every 10 s (${fmt(vehicles / 10)} positions/s), ${seconds} s simulated, position-to-prediction latency (goal: p99 < 200 ms)`);
  for (const [name, entry] of Object.entries(results)) {
    console.log(`  ${name.padEnd(22)} p50 ${fmt(median(entry.p50), 1)} ms   p99 ${fmt(median(entry.p99), 1)} ms   max ${fmt(median(entry.max), 1)} ms   (medians of ${rounds})`);
  }
}

async function benchReplay() {
  if (!fs.existsSync(path.join(austinFolder, 'gtfs.zip'))) return console.log('replay: skipped, the Austin data is absent');
  const timetable = await loadTimetable(path.join(austinFolder, 'gtfs.zip'));
  const files = fs.readdirSync(path.join(austinFolder, 'positions')).sort().map((file) => path.join(austinFolder, 'positions', file));
  const rates: Record<string, number[]> = { 'tracker + engine': [], 'tracker alone': [] };
  let pings = 0;
  for (let round = 0; round < rounds; round++) {
    for (const [name, predictors] of [['tracker + engine', [new PredictionEngine(timetable)]], ['tracker alone', []]] as const) {
      const started = performance.now();
      const counters = await replay({ timetable, positions: files, predictors: [...predictors], onPredictions: () => undefined });
      pings = counters.pings;
      rates[name]!.push(counters.pings / ((performance.now() - started) / 1000));
    }
  }
  console.log(`Replay of the Austin positions (${fmt(pings)} positions, 5 days, reading gzipped CSV included)`);
  for (const [name, values] of Object.entries(rates)) console.log(`  ${name.padEnd(18)} ${fmt(median(values))} positions/s`);
}

if (!args.only || args.only === 'replay') await benchReplay();
if (!args.only || args.only === 'fleet') await benchFleet();
if (!args.only || args.only === 'import') await benchImport();
