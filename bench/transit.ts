// Digital bus benchmarks, each beside a baseline measured in the same run:
//   1. GTFS import of a feed (default: the NYC subway) into a fresh embedded database, against node-gtfs
//      (the `gtfs` package, in a child process, into SQLite; installed on demand: npm run bench:peers)
//      importing the same zip in the same rounds, and against inserting the same stop_times one
//      parameterised INSERT at a time (on a sample, as rows per second). With --postgres, ours also
//      imports into a fresh database on that PostgreSQL server.
//   2. 20,000 vehicles each reporting every 10 s (2,000 positions a second): position-to-prediction
//      latency in the engine, against the delay-carried-forward baseline on the same positions.
//   3. Replay of the Austin positions: positions per second through tracker and engine, against the
//      tracker alone.
//   4. A stop's next arrivals (what a stop board asks for) with the same 20,000 vehicles live, at the
//      Austin stops most trips call at, against the same stops with no vehicle live (timetable only).
//   5. Our GTFS-Realtime feeds of the same 20,000 vehicles (trip updates, vehicle positions), as the
//      server builds them (an entity at a time, in 10 ms slices), against the whole message built and
//      encoded at once (how it was built before): time, and the longest another request waited.
// Usage: npx tsx bench/transit.ts [--feed path/to/gtfs.zip] [--vehicles 20000] [--seconds 30] [--rounds 3] [--only replay|fleet|import|arrivals|feeds]
//          [--postgres postgres://user@host:port/db] [--stop-reports]
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { pino } from 'pino';
import { openPglite } from '../server/src/platform/db/pglite.js';
import { migrate } from '../server/src/platform/db/migrate.js';
import { openPostgres } from '../server/src/platform/db/postgres.js';
import type { Db } from '../server/src/platform/db/types.js';
import { allMigrations } from '../server/src/migrations.js';
import { systemClock } from '../server/src/platform/clock.js';
import { TransitService } from '../server/src/modules/transit/service.js';
import { loadTimetable, readFeedFile, type Timetable, type Trip } from '../server/src/modules/transit/gtfs/timetable.js';
import { Tracker } from '../server/src/modules/transit/tracking/tracker.js';
import { PredictionEngine, type ArrivalPredictor } from '../server/src/modules/transit/prediction/engine.js';
import { LiveAccuracy } from '../server/src/modules/transit/accuracy/live.js';
import { FeedRuntime } from '../server/src/modules/transit/feed-runtime.js';
import { stopArrivals } from '../server/src/modules/transit/arrivals.js';
import { feedHeader, tripUpdateEntities, tripUpdatesMessage, vehiclePositionEntities, vehiclePositionsMessage } from '../server/src/modules/transit/realtime/feeds-out.js';
import { encodeFeedInSlices, encodeFeedMessage } from '../server/src/modules/transit/realtime/feed-message.js';
import { pauseEvery } from '../server/src/platform/slices.js';
import { LearnedModel } from '../server/src/modules/transit/prediction/history.js';
import { DelayCarriedForwardPredictor } from '../server/src/modules/transit/prediction/baselines.js';
import { replay } from '../server/src/modules/transit/accuracy/replay.js';
import type { VehiclePing } from '../server/src/modules/transit/tracking/positions.js';
import { dataDirectory } from '../server/src/modules/transit/testing/data.js';
import { fmt, measureWaits, median, percentile } from './stats.js';

const { values: args } = parseArgs({ options: {
  feed: { type: 'string', default: path.join(dataDirectory(), 'transit/nyc-subway-2026/gtfs.zip') },
  vehicles: { type: 'string', default: '20000' },
  seconds: { type: 'string', default: '30' },
  rounds: { type: 'string', default: '3' },
  only: { type: 'string' },
  postgres: { type: 'string' },
  /** The fleet's positions carry the stop each bus heads to (current_stop_sequence, IN_TRANSIT_TO), as AVL systems with stop events send. */
  'stop-reports': { type: 'boolean', default: false },
} });
const rounds = Number(args.rounds);
const austinFolder = path.join(dataDirectory(), 'transit/austin-capmetro-2016');

async function freshDatabase() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transit-bench-'));
  const { db } = await openPglite(dir);
  await migrate(db, allMigrations());
  return { db, dir };
}

/** node-gtfs is measured from its own folder, outside the workspaces: see bench/peers/install.mjs. */
const nodeGtfsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'peers/node-gtfs');
const runFile = promisify(execFile);

/** node-gtfs's version when it is installed and its native binding loads, or the reason it does not. */
function nodeGtfsPeer(): { version: string } | { missing: string } {
  if (!fs.existsSync(path.join(nodeGtfsFolder, 'node_modules/gtfs'))) return { missing: 'not installed' };
  const check = spawnSync(process.execPath, ['import.mjs', '--check'], { cwd: nodeGtfsFolder, encoding: 'utf8' });
  if (check.status === 0) return { version: (JSON.parse(check.stdout) as { version: string }).version };
  return { missing: check.stderr.split('\n').find((line) => /Error/.test(line))?.trim() ?? `the check exited with ${check.status}` };
}

/** One import by node-gtfs in a child process, into a fresh SQLite file on local disk. */
async function importByNodeGtfs(feed: string): Promise<{ seconds: number; rows: Record<string, number> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transit-bench-node-gtfs-'));
  try {
    const { stdout } = await runFile(process.execPath, ['import.mjs', path.resolve(feed), path.join(dir, 'gtfs.sqlite')], { cwd: nodeGtfsFolder, maxBuffer: 1 << 20 });
    return JSON.parse(stdout.trim().split('\n').pop()!) as { seconds: number; rows: Record<string, number> };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A fresh, migrated database of its own on the PostgreSQL server of `url`, dropped by `drop`. */
async function freshPostgres(url: string, round: number): Promise<{ db: Db; drop: () => Promise<void> }> {
  const name = `citypulse_transit_bench_${process.pid}_${round}`;
  const admin = await openPostgres(url, 1);
  await admin.exec(`drop database if exists ${name}`);
  await admin.exec(`create database ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const db = await openPostgres(target.toString());
  await migrate(db, allMigrations());
  return { db, drop: async () => { await db.close(); await admin.exec(`drop database ${name}`); await admin.close(); } };
}

async function timeOurImport(db: Db): Promise<{ seconds: number; counts: Record<string, number> }> {
  const service = new TransitService({ db, logger: pino({ level: 'silent' }), clock: systemClock });
  const started = performance.now();
  const { counts } = await service.importFeed('bench', args.feed!, args.feed!);
  return { seconds: (performance.now() - started) / 1000, counts: { ...counts } };
}

async function benchImport() {
  if (!fs.existsSync(args.feed!)) return console.log(`import: skipped, ${args.feed} is absent`);
  const peer = nodeGtfsPeer();
  if ('missing' in peer) {
    console.log(`import: node-gtfs is not measured (${peer.missing}); to measure it, install it once with: npm run bench:peers`);
  }
  const seconds: Record<'ours' | 'node-gtfs' | 'postgres', number[]> = { ours: [], 'node-gtfs': [], postgres: [] };
  const baseline: number[] = [];
  let rows = 0;
  let stopTimes = 0;
  const peerStopTimes = new Set<number>();

  const runOurs = async () => {
    const { db, dir } = await freshDatabase();
    const ours = await timeOurImport(db);
    seconds.ours.push(ours.seconds);
    rows = Object.values(ours.counts).reduce((sum, count) => sum + count, 0);
    stopTimes = ours.counts.stopTimes!;
    // Baseline: the same stop_times, one INSERT each, in one transaction (a sample: it is slow).
    const draft = await readFeedFile(args.feed!);
    const sample: Array<[string, number, string, number | null, number | null]> = [];
    for (const trip of draft.trips.values()) {
      for (const call of trip.calls) { sample.push([trip.trip.id, call.sequence, call.stopId, call.arrival, call.departure]); if (sample.length >= 20_000) break; }
      if (sample.length >= 20_000) break;
    }
    await db.query(`insert into transit_feed (id, agency_timezone, source, counts) values ('row', 'UTC', 'bench', '{}')`);
    const started = performance.now();
    await db.transaction(async (tx) => {
      for (const row of sample) await tx.query('insert into transit_stop_time (feed_id, trip_id, stop_sequence, stop_id, arrival_seconds, departure_seconds) values ($1, $2, $3, $4, $5, $6)', ['row', ...row]);
    });
    baseline.push(sample.length / ((performance.now() - started) / 1000));
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const runNodeGtfs = async () => {
    const result = await importByNodeGtfs(args.feed!);
    seconds['node-gtfs'].push(result.seconds);
    peerStopTimes.add(result.rows.stop_times ?? 0);
  };
  const runPostgres = async (round: number) => {
    const { db, drop } = await freshPostgres(args.postgres!, round);
    try {
      seconds.postgres.push((await timeOurImport(db)).seconds);
    } finally {
      await drop();
    }
  };

  const contenders: Array<[keyof typeof seconds, (round: number) => Promise<void>]> = [['ours', runOurs]];
  if ('version' in peer) contenders.push(['node-gtfs', runNodeGtfs]);
  if (args.postgres) contenders.push(['postgres', runPostgres]);
  for (let round = 0; round < rounds; round++) {
    // Each round starts with a different contender, so that none always runs first (cold caches) or last.
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
    for (const [, run] of order) await run(round);
    const times = order.map(([name]) => `${name} ${fmt(seconds[name][round]!, 1)} s`).join(', ');
    console.log(`import round ${round + 1}: ${times}`);
  }

  const rate = (values: number[]) => rows / median(values);
  console.log(`GTFS import of ${path.basename(path.dirname(args.feed!))} (${fmt(rows)} rows, whole feed from the zip to a committed database; medians of ${rounds} rounds)`);
  const label = (text: string) => `  ${text}:`.padEnd(36);
  console.log(`${label('ours, PGlite on disk')}${fmt(rate(seconds.ours))} rows/s (${fmt(median(seconds.ours), 1)} s): read, validate, write in one transaction`);
  if ('version' in peer) {
    console.log(`${label(`node-gtfs ${peer.version}, SQLite on disk`)}${fmt(rate(seconds['node-gtfs']))} rows/s (${fmt(median(seconds['node-gtfs']), 1)} s), in a child process, same zip, same row count`);
    console.log(`${label('ratio ours/node-gtfs')}${fmt(median(seconds['node-gtfs']) / median(seconds.ours), 2)}x in rows/s (above 1: ours is faster)`);
    if (peerStopTimes.size !== 1 || !peerStopTimes.has(stopTimes)) {
      console.log(`  note: node-gtfs wrote ${[...peerStopTimes].join('/')} stop_times, ours ${fmt(stopTimes)}: the two did not import the same rows`);
    }
  } else {
    console.log(`${label('node-gtfs')}not measured (${peer.missing}); install it with: npm run bench:peers`);
  }
  if (args.postgres) {
    console.log(`${label('ours, PostgreSQL server')}${fmt(rate(seconds.postgres))} rows/s (${fmt(median(seconds.postgres), 1)} s)`);
  }
  console.log(`${label('baseline')}${fmt(median(baseline))} rows/s, one INSERT per stop_time into PGlite (20,000-row sample)`);
  console.log(`${label('ratio ours/baseline')}${fmt(rate(seconds.ours) / median(baseline), 1)}x`);
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

/** The engine as the server runs it: its announcements are also kept, to be judged as buses pass stops. */
function judged(engine: PredictionEngine): ArrivalPredictor {
  const accuracy = new LiveAccuracy();
  return {
    name: 'engine + live accuracy',
    learn: (update) => engine.learn(update),
    predict: (update) => { const times = engine.predict(update); accuracy.observe(update, times); return times; },
  };
}

async function benchFleet() {
  if (!fs.existsSync(path.join(austinFolder, 'gtfs.zip'))) return console.log('fleet: skipped, the Austin feed is absent');
  const timetable = await loadTimetable(path.join(austinFolder, 'gtfs.zip'));
  const vehicles = Number(args.vehicles);
  const seconds = Number(args.seconds);
  const start = Date.parse('2016-11-25T08:00:00-06:00') / 1000;
  // Every vehicle's first report (the first 10 s) places it on its trip from nothing, which costs the
  // tracker several times what following it does; that is a start-up transient, measured apart from the
  // steady state after it, which the goal is about. `--seconds` counts the steady state.
  const firstReports = 10;
  const results: Record<string, Record<'first' | 'steady', { p50: number[]; p99: number[]; max: number[] }>> = {};
  for (let round = 0; round < rounds; round++) {
    for (const make of [() => judged(new PredictionEngine(timetable)), () => new PredictionEngine(timetable) as ArrivalPredictor, () => new DelayCarriedForwardPredictor() as ArrivalPredictor]) {
      const predictor = make();
      const tracker = new Tracker(timetable);
      const cars = fleet(timetable, vehicles, start);
      const latencies: Record<'first' | 'steady', number[]> = { first: [], steady: [] };
      for (let second = 0; second < firstReports + seconds; second++) {
        const measured = second < firstReports ? latencies.first : latencies.steady;
        // The positions of this second arrive together: each waits for those ahead of it.
        const batch: VehiclePing[] = [];
        for (const car of cars) {
          if ((second + car.offset) % 10 !== 0) continue;
          car.along += car.speed * 10;
          const ping: VehiclePing = { time: start + second, vehicleId: car.id, tripId: car.trip.id, routeId: car.trip.routeId, ...pointAt(timetable, car.trip, car.along) };
          if (args['stop-reports']) {
            const distances = car.trip.pattern.distances;
            let next = 0;
            while (next < distances.length - 1 && distances[next]! <= car.along) next++;
            Object.assign(ping, { stopSequence: car.trip.stopSequences[next]!, stopStatus: 'IN_TRANSIT_TO' });
          }
          batch.push(ping);
        }
        const arrived = performance.now();
        for (const ping of batch) {
          const update = tracker.observe(ping);
          if (update) { predictor.learn(update); predictor.predict(update); }
          measured.push(performance.now() - arrived);
        }
      }
      const entries = (results[predictor.name] ??= { first: { p50: [], p99: [], max: [] }, steady: { p50: [], p99: [], max: [] } });
      for (const phase of ['first', 'steady'] as const) {
        entries[phase].p50.push(percentile(latencies[phase], 50));
        entries[phase].p99.push(percentile(latencies[phase], 99));
        entries[phase].max.push(Math.max(...latencies[phase]));
      }
    }
  }
  console.log(`${fmt(vehicles)} vehicles reporting every 10 s (${fmt(vehicles / 10)} positions/s)${args['stop-reports'] ? ' with the stop each heads to' : ''}, position-to-prediction latency (goal: p99 < 200 ms)`);
  for (const [phase, title] of [['steady', `steady, ${seconds} s simulated after the first reports`], ['first', `first reports (${firstReports} s: each vehicle placed on its trip from nothing)`]] as const) {
    console.log(`  ${title}`);
    for (const [name, entry] of Object.entries(results)) {
      console.log(`    ${name.padEnd(24)} p50 ${fmt(median(entry[phase].p50), 1)} ms   p99 ${fmt(median(entry[phase].p99), 1)} ms   max ${fmt(median(entry[phase].max), 1)} ms   (medians of ${rounds}; p99 by round ${entry[phase].p99.map((v) => fmt(v, 0)).join(' / ')} ms)`);
    }
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

async function benchArrivals() {
  if (!fs.existsSync(path.join(austinFolder, 'gtfs.zip'))) return console.log('arrivals: skipped, the Austin feed is absent');
  const timetable = await loadTimetable(path.join(austinFolder, 'gtfs.zip'));
  const vehicles = Number(args.vehicles);
  const start = Date.parse('2016-11-25T08:00:00-06:00') / 1000;
  const busiest = [...timetable.tripsByStop].sort((a, b) => b[1].length - a[1].length).slice(0, 50).map(([stopId]) => stopId);
  const times: Record<string, number[]> = { [`${fmt(vehicles)} vehicles live`]: [], 'timetable only': [] };
  let live = 0;
  for (let round = 0; round < rounds; round++) {
    const runtime = new FeedRuntime('austin', timetable, new LearnedModel());
    const cars = fleet(timetable, vehicles, start);
    // Two reports per vehicle, 10 s apart, so that each is placed, moving, with predictions.
    for (const second of [0, 10]) for (const car of cars) {
      car.along += car.speed * 10;
      runtime.observe({ time: start + second, vehicleId: car.id, tripId: car.trip.id, routeId: car.trip.routeId, ...pointAt(timetable, car.trip, car.along) });
    }
    live = [...runtime.live(start + 10)].length;
    const empty = new FeedRuntime('austin', timetable, new LearnedModel());
    for (const [name, feed] of [[`${fmt(vehicles)} vehicles live`, runtime], ['timetable only', empty]] as const) {
      for (let pass = 0; pass < 5; pass++) for (const stopId of busiest) {
        const began = performance.now();
        stopArrivals(feed, stopId, start + 10, { limit: 10, windowSeconds: 3600 });
        times[name]!.push(performance.now() - began);
      }
    }
  }
  console.log(`A stop's next arrivals (the 50 Austin stops most trips call at, 5 times each, ${rounds} rounds; ${fmt(live)} vehicles live on a trip)`);
  for (const [name, values] of Object.entries(times)) console.log(`  ${name.padEnd(24)} p50 ${fmt(percentile(values, 50), 2)} ms   p99 ${fmt(percentile(values, 99), 2)} ms`);
}

async function benchFeedsOut() {
  if (!fs.existsSync(path.join(austinFolder, 'gtfs.zip'))) return console.log('feeds: skipped, the Austin feed is absent');
  const timetable = await loadTimetable(path.join(austinFolder, 'gtfs.zip'));
  const start = Date.parse('2016-11-25T08:00:00-06:00') / 1000;
  const runtime = new FeedRuntime('austin', timetable, new LearnedModel());
  const cars = fleet(timetable, Number(args.vehicles), start);
  for (const second of [0, 10]) for (const car of cars) {
    car.along += car.speed * 10;
    runtime.observe({ time: start + second, vehicleId: car.id, tripId: car.trip.id, routeId: car.trip.routeId, ...pointAt(timetable, car.trip, car.along) });
  }
  const at = start + 10;
  const copyIdOf = (run: Parameters<typeof runtime.copyIdOf>[0]) => runtime.copyIdOf(run);
  const tripUpdates = () => { const tracked = [...runtime.live(at)]; return tripUpdateEntities(tracked, at, copyIdOf, runtime.operatorOnlyTrips(at, tracked), runtime.followOnTrips(at, tracked)); };
  const cases: Array<[string, () => unknown]> = [
    ['trip updates, whole message (before)', () => { const tracked = [...runtime.live(at)]; return encodeFeedMessage(tripUpdatesMessage(tracked, at, copyIdOf, runtime.operatorOnlyTrips(at, tracked), runtime.followOnTrips(at, tracked))); }],
    ['trip updates, in slices (the server)', () => encodeFeedInSlices(feedHeader(at), tripUpdates(), 'protobuf', pauseEvery(10))],
    ['trip updates JSON, whole (before)', () => { const tracked = [...runtime.live(at)]; return JSON.stringify(tripUpdatesMessage(tracked, at, copyIdOf, runtime.operatorOnlyTrips(at, tracked), runtime.followOnTrips(at, tracked))); }],
    ['trip updates JSON, in slices', () => encodeFeedInSlices(feedHeader(at), tripUpdates(), 'json', pauseEvery(10))],
    ['vehicle positions, whole (before)', () => encodeFeedMessage(vehiclePositionsMessage(runtime.live(at), at, copyIdOf))],
    ['vehicle positions, in slices', () => encodeFeedInSlices(feedHeader(at), vehiclePositionEntities(runtime.live(at), at, copyIdOf), 'protobuf', pauseEvery(10))],
  ];
  const results = new Map<string, Array<{ ms: number; waited: number }>>();
  for (let round = 0; round < rounds; round++) {
    for (const [name, work] of cases) results.set(name, [...(results.get(name) ?? []), await measureWaits(work)]);
  }
  const message = tripUpdatesMessage([...runtime.live(at)], at, copyIdOf);
  const stopTimes = message.entity.reduce((sum, entity) => sum + entity.tripUpdate.stopTimeUpdate.length, 0);
  console.log(`Our GTFS-Realtime feeds of ${fmt(message.entity.length)} live vehicles (${fmt(stopTimes)} stop time updates), medians of ${rounds} rounds`);
  for (const [name] of cases) {
    const runs = results.get(name)!;
    console.log(`  ${name.padEnd(38)} ${fmt(median(runs.map((run) => run.ms))).padStart(6)} ms   longest wait ${fmt(median(runs.map((run) => run.waited)), 1).padStart(7)} ms`);
  }
}

if (!args.only || args.only === 'replay') await benchReplay();
if (!args.only || args.only === 'arrivals') await benchArrivals();
if (!args.only || args.only === 'fleet') await benchFleet();
if (!args.only || args.only === 'import') await benchImport();
if (!args.only || args.only === 'feeds') await benchFeedsOut();
