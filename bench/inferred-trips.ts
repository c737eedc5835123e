// Positions without a trip id (some AVL systems send the route only): the tracker finds the trip of the
// route whose path and timetable fit each new vehicle best, comparing every trip of the route; one that
// fits none (a bus off its route, in the depot) is compared again at each report. Beside the baseline in
// the same run: the same positions with their trip ids.
// Positions: the demo city's simulated buses at one instant (each vehicle once, so each starts a run),
// repeated `--copies` times under other vehicle ids; off route: the same, 3 km north of the network.
// Usage: npx tsx bench/inferred-trips.ts [--at 08:00] [--copies 20] [--rounds 5]
import { parseArgs } from 'node:util';
import { loadTimetable } from '../server/src/modules/transit/gtfs/timetable.js';
import { zipFiles } from '../server/src/modules/transit/testing/feed.js';
import { demoNetworkFeed } from '../server/src/modules/transit/demo/network.js';
import { BusSimulator } from '../server/src/modules/transit/demo/simulator.js';
import { Tracker } from '../server/src/modules/transit/tracking/tracker.js';
import type { VehiclePing } from '../server/src/modules/transit/tracking/positions.js';
import { fmt, median } from './stats.js';

const { values: args } = parseArgs({ options: { at: { type: 'string', default: '08:00' }, copies: { type: 'string', default: '20' }, rounds: { type: 'string', default: '5' } } });
const timetable = await loadTimetable(zipFiles(demoNetworkFeed()));
const day = timetable.clock.localDay(Date.parse('2026-03-03T12:00:00+08:00') / 1000);
const at = timetable.clock.serviceDayStart(day) + Number(args.at.slice(0, 2)) * 3600 + Number(args.at.slice(3, 5)) * 60;
const onRoad = new BusSimulator(timetable, { seed: 1 }).positionsAt(at);
const copies = (pings: VehiclePing[]) => Array.from({ length: Number(args.copies) }, (_, copy) => pings.map((ping) => ({ ...ping, vehicleId: `${ping.vehicleId}#${copy}` }))).flat();
const cases: Array<[string, VehiclePing[]]> = [
  ['with trip ids (baseline)', copies(onRoad)],
  ['route only', copies(onRoad.map((ping) => ({ ...ping, tripId: null })))],
  ['route only, off route', copies(onRoad.map((ping) => ({ ...ping, tripId: null, lat: ping.lat + 0.027 })))],
];

const results = new Map<string, number[]>();
for (let round = 0; round < Number(args.rounds); round++) {
  for (const [name, pings] of cases) {
    const tracker = new Tracker(timetable);
    const started = performance.now();
    for (const ping of pings) tracker.observe(ping);
    results.set(name, [...(results.get(name) ?? []), ((performance.now() - started) * 1000) / pings.length]);
  }
}
console.log(`${fmt(onRoad.length)} buses on the road at ${args.at} × ${args.copies}: microseconds per position, each vehicle new to the tracker (medians of ${args.rounds} rounds)`);
const base = median(results.get(cases[0]![0])!);
for (const [name] of cases) {
  const value = median(results.get(name)!);
  console.log(`  ${name.padEnd(26)} ${fmt(value, 1).padStart(7)} µs   ${(value / base).toFixed(1)}x the baseline`);
}
