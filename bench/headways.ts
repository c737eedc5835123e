// The live headway monitor's cost on a real network, beside what it already computed before the stops
// waiting now were added: the Austin positions of one day replayed through the server's passing recorder,
// then at several times of day the hour's headway figures (what GET /headways and the vital signs compute
// each time) against the stops waiting now (the timetable read two hours ahead, and open-gaps.ts).
// Usage: npx tsx bench/headways.ts [--day 2016-11-26] [--rounds 20]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadTimetable } from '../server/src/modules/transit/gtfs/timetable.js';
import { replay } from '../server/src/modules/transit/accuracy/replay.js';
import { headwayInputs, LOOK_BACK_SECONDS, PassingRecorder } from '../server/src/modules/transit/network.js';
import { combineRows, DEFAULT_HEADWAY_OPTIONS, routeHeadways } from '../server/src/modules/transit/headways.js';
import { openGaps } from '../server/src/modules/transit/open-gaps.js';
import { dataDirectory } from '../server/src/modules/transit/testing/data.js';
import { fmt, median } from './stats.js';

const { values: args } = parseArgs({ options: { day: { type: 'string', default: '2016-11-26' }, rounds: { type: 'string', default: '20' } } });
const rounds = Number(args.rounds);
const folder = path.join(dataDirectory(), 'transit/austin-capmetro-2016');
const timetable = await loadTimetable(path.join(folder, 'gtfs.zip'));
const recorder = new PassingRecorder(Infinity, Infinity);
await replay({
  timetable, positions: [path.join(folder, `positions/${args.day}.csv.gz`)], predictors: [],
  onTracked: (ping, update) => recorder.observe('austin', { ping, run: update?.run ?? null }),
});
const all = recorder.between('austin', -Infinity, Infinity);
const since = Math.min(...all.map((pass) => pass.time));
const breaks = recorder.breaksBetween('austin', -Infinity, Infinity);
process.stdout.write(`Austin ${args.day}: ${fmt(all.length)} stop passings recorded; ${rounds} rounds at each time, window 1 h\n\n`);
process.stdout.write('| local time | passings in the look-back and hour | headway figures (median) | stops waiting now (median) | ratio | stops waiting |\n|---|--:|--:|--:|--:|--:|\n');

const time = (work: () => unknown) => {
  const start = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - start) / 1e6;
};
const dayStart = timetable.clock.serviceDayStart(timetable.clock.localDay(since));
for (const hour of [8, 12, 17, 21]) {
  const now = dayStart + hour * 3600;
  const from = now - 3600;
  const actual = recorder.between('austin', from - LOOK_BACK_SECONDS, now);
  let waiting = 0;
  const figures: number[] = [];
  const gaps: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let inputs = headwayInputs(actual, timetable, from, now, {}, since);
    figures.push(time(() => {
      inputs = headwayInputs(actual, timetable, from, now, {}, since);
      combineRows(routeHeadways(inputs.actual, inputs.scheduled, DEFAULT_HEADWAY_OPTIONS, { breaks, ...inputs.window }));
    }));
    gaps.push(time(() => {
      waiting = openGaps(inputs.actual, inputs.planned, now, { since: inputs.window.since, breaks }).length;
    }));
  }
  const [a, b] = [median(figures), median(gaps)];
  process.stdout.write(`| ${String(hour).padStart(2, '0')}:00 | ${fmt(actual.length)} | ${fmt(a, 1)} ms | ${fmt(b, 1)} ms | ${fmt(b / a, 2)} | ${fmt(waiting)} |\n`);
}
