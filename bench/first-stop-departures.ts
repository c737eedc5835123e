// When buses leave their first stop, read from fixes seconds to minutes apart, against when the demo
// simulator really had them leave; beside the baseline in the same run: the straight line between the
// last fix at the stop and the first one beyond it (a bus moving steadily all along).
// The tracker's estimate (tracking/tracker.ts, departureBetween): the bus stood at the stop, then drove to
// its next fix in the running time the timetable allows. The simulator's buses do not drive to the
// timetable (its traffic by hour, drivers quicker or slower, noise), so the estimate is not its own model.
// Usage: npx tsx bench/first-stop-departures.ts [--seed 1] [--from 05:00] [--to 20:00]
import { parseArgs } from 'node:util';
import { loadTimetable } from '../server/src/modules/transit/gtfs/timetable.js';
import { zipFiles } from '../server/src/modules/transit/testing/feed.js';
import { demoNetworkFeed } from '../server/src/modules/transit/demo/network.js';
import { BusSimulator } from '../server/src/modules/transit/demo/simulator.js';
import { FIRST_STOP_METRES, Tracker } from '../server/src/modules/transit/tracking/tracker.js';
import { fmt, median, percentile } from './stats.js';

const { values: args } = parseArgs({ options: { seed: { type: 'string', default: '1' }, from: { type: 'string', default: '05:00' }, to: { type: 'string', default: '20:00' } } });
const timetable = await loadTimetable(zipFiles(demoNetworkFeed()));
const day = timetable.clock.localDay(Date.parse('2026-03-03T12:00:00+08:00') / 1000);
const clock = (text: string) => timetable.clock.serviceDayStart(day) + Number(text.slice(0, 2)) * 3600 + Number(text.slice(3, 5)) * 60;
const from = clock(args.from), to = clock(args.to);

interface Errors { estimate: number[]; steady: number[] }

function measure(every: number): Errors {
  const simulator = new BusSimulator(timetable, { seed: Number(args.seed) });
  const tracker = new Tracker(timetable);
  const errors: Errors = { estimate: [], steady: [] };
  const before = new Map<string, { key: string; progress: number; time: number }>();
  for (const ping of simulator.positionsBetween(from, to, every)) {
    const last = before.get(ping.vehicleId);
    const update = tracker.observe(ping);
    if (!update) continue;
    const { run } = update;
    before.set(ping.vehicleId, { key: run.key, progress: run.progress, time: run.lastTime });
    const distances = run.trip.pattern.distances;
    const cleared = Math.min(distances[0]! + FIRST_STOP_METRES, distances[1]!);
    // Only the fix at which the run was first seen beyond the stop, with the one before it at the stop.
    if (!Number.isFinite(run.departedAt) || !last || last.key !== run.key || last.progress >= cleared) continue;
    // The simulator moves a bus steadily from its departure to the second stop: when it was 40 m on.
    const realised = simulator.realised(run.trip, run.serviceDay);
    const truth = realised.depart[0]! + ((cleared - distances[0]!) / (distances[1]! - distances[0]!)) * (realised.arrive[1]! - realised.depart[0]!);
    const steady = last.time + ((cleared - last.progress) / (run.progress - last.progress)) * (run.lastTime - last.time);
    errors.estimate.push(run.departedAt - truth);
    errors.steady.push(steady - truth);
  }
  return errors;
}

const line = (name: string, values: number[]) => {
  const absolute = values.map(Math.abs);
  const within = (seconds: number) => `${fmt((100 * absolute.filter((value) => value <= seconds).length) / values.length, 1)}%`;
  return `| ${name} | ${values.length} | ${fmt(median(values))} s | ${fmt(percentile(values, 10))} / ${fmt(percentile(values, 90))} s | ${fmt(median(absolute))} s | ${within(30)} | ${within(60)} |`;
};

console.log(`First-stop departures of the demo network's buses (seed ${args.seed}, ${args.from}-${args.to}), error = read - real\n`);
console.log('| fixes every | departures | median error | p10 / p90 | median abs. error | within 30 s | within 60 s |');
console.log('|---|--:|--:|--:|--:|--:|--:|');
for (const every of [30, 60, 120, 240]) {
  const errors = measure(every);
  console.log(line(`${every} s, stood then drove (tracker)`, errors.estimate));
  console.log(line(`${every} s, straight line (baseline)`, errors.steady));
}
