// What the operator's stop reports (GTFS-Realtime current_stop_sequence and current_status, as AVL systems
// with door sensors send them) are worth to the predictions and to the actual arrivals they are judged by:
// the demo network's simulated day with fixes 30 s to 4 min apart, replayed once with the GPS fixes alone
// (the baseline) and once with each fix's stop report too, both scored against when the simulator's buses
// really reached each stop (not against arrivals derived from the fixes, which are themselves estimates).
// Usage: npx tsx bench/stop-reports.ts [--seed 5] [--from 05:00] [--to 20:00] [--score-from 12:00] [--every 30,120,240]
import { parseArgs } from 'node:util';
import { loadTimetable } from '../server/src/modules/transit/gtfs/timetable.js';
import { zipFiles } from '../server/src/modules/transit/gtfs/zip-writer.js';
import { demoNetworkFeed } from '../server/src/modules/transit/demo/network.js';
import { BusSimulator } from '../server/src/modules/transit/demo/simulator.js';
import { replay } from '../server/src/modules/transit/accuracy/replay.js';
import { AccuracyTally, formatScores } from '../server/src/modules/transit/accuracy/score.js';
import { PredictionEngine } from '../server/src/modules/transit/prediction/engine.js';
import { LearnedModel } from '../server/src/modules/transit/prediction/history.js';
import type { VehiclePing } from '../server/src/modules/transit/tracking/positions.js';
import { fmt, median } from './stats.js';

const { values: args } = parseArgs({
  options: {
    seed: { type: 'string', default: '5' }, from: { type: 'string', default: '05:00' }, to: { type: 'string', default: '20:00' },
    'score-from': { type: 'string', default: '12:00' }, every: { type: 'string', default: '30,120,240' },
  },
});
const timetable = await loadTimetable(zipFiles(demoNetworkFeed()));
const day = timetable.clock.localDay(Date.parse('2026-03-03T12:00:00+08:00') / 1000);
const clock = (text: string) => timetable.clock.serviceDayStart(day) + Number(text.slice(0, 2)) * 3600 + Number(text.slice(3, 5)) * 60;
const from = clock(args.from), to = clock(args.to), scoreFrom = clock(args['score-from']);
const seed = Number(args.seed);

async function* pings(every: number, stopReports: boolean): AsyncGenerator<VehiclePing> {
  yield* new BusSimulator(timetable, { seed, stopReports }).positionsBetween(from, to, every);
}

async function measure(every: number, stopReports: boolean) {
  const truth = new BusSimulator(timetable, { seed });
  const tally = new AccuracyTally();
  const derivedErrors: number[] = [];
  const engine = new PredictionEngine(timetable, new LearnedModel());
  const started = performance.now();
  const counters = await replay({
    timetable, positions: pings(every, stopReports), predictors: [engine],
    onActual: (tripId, sequence, _stop, actual) => {
      const trip = timetable.trips.get(tripId)!;
      derivedErrors.push(actual - truth.realised(trip, day).arrive[trip.stopSequences.indexOf(sequence)]!);
    },
    onPredictions: (_predictor, madeAt, _vehicle, tripId, _sequences, _stops, next, times) => {
      if (madeAt < scoreFrom) return;
      const arrive = truth.realised(timetable.trips.get(tripId)!, day).arrive;
      for (let i = next; i < arrive.length; i++) tally.add(arrive[i]!, times[i - next]!, madeAt);
    },
  });
  return { score: tally.score(), derivedErrors, seconds: (performance.now() - started) / 1000, counters };
}

const everies = args.every.split(',').map(Number);
console.log(`Demo network, seed ${seed}, fixes ${args.from}-${args.to}, predictions made from ${args['score-from']} scored against the simulated buses' real arrivals\n`);
const rows: Array<{ name: string; score: ReturnType<AccuracyTally['score']> }> = [];
const derived: string[] = [];
for (const every of everies) {
  for (const stopReports of [false, true]) {
    const { score, derivedErrors, seconds, counters } = await measure(every, stopReports);
    const name = `${every} s, ${stopReports ? 'with stop reports' : 'GPS alone (baseline)'}`;
    rows.push({ name, score });
    const absolute = derivedErrors.map(Math.abs);
    derived.push(`| ${name} | ${derivedErrors.length} | ${fmt(median(derivedErrors))} s | ${fmt(median(absolute))} s | ${fmt((100 * absolute.filter((value) => value <= 30).length) / absolute.length, 1)}% | ${counters.stopReports - counters.stopReportsSetAside} of ${counters.stopReports} | ${fmt(seconds, 1)} s |`);
  }
}
console.log(formatScores(rows));
console.log('\nThe actual arrivals read from the same fixes (what the yardstick scores real data against), error = read - real\n');
console.log('| fixes | stops read | median error | median abs. error | within 30 s | stop reports used | replay |');
console.log('|---|--:|--:|--:|--:|--:|--:|');
for (const line of derived) console.log(line);
