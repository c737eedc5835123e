// `citypulse transit ...`: the engine's yardstick from the command line (replay, accuracy).
import fs from 'node:fs';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { buildTimetable, readFeedFile, type Timetable } from './gtfs/timetable.js';
import { feedNotices, noticesText } from './gtfs/notices.js';
import { servicePeriodText } from './gtfs/service-period.js';
import { PredictionEngine } from './prediction/engine.js';
import { LearnedModel } from './prediction/history.js';
import { DelayCarriedForwardPredictor, TimetablePredictor } from './prediction/baselines.js';
import { CsvFileWriter, deriveActuals, predictionLines, replay, PREDICTION_COLUMNS, ACTUAL_COLUMNS } from './accuracy/replay.js';
import { DailyTally, readActuals, scorePredictionsFile, type FileScore, type ScoredFrom } from './accuracy/evaluate.js';
import { formatScores } from './accuracy/score.js';
import { parseTimestamp } from './tracking/positions.js';
import type { TrackerCounters } from './tracking/tracker.js';
import { parseGtfsDate } from './gtfs/time.js';
import { configOrExit } from '../../main.js';
import { openDatabase } from '../../platform/db/open.js';
import { migrate } from '../../platform/db/migrate.js';
import { allMigrations } from '../../migrations.js';
import { createLogger } from '../../platform/logger.js';
import { systemClock } from '../../platform/clock.js';
import { TransitService } from './service.js';
import { TransitError } from './errors.js';
import { combineRows, DEFAULT_HEADWAY_OPTIONS, routeHeadways } from './headways.js';
import { headwayInputs, PassingRecorder, scheduledPassings, tripsDelivered, type TripsDelivered } from './network.js';
import { openGaps, standingAt } from './open-gaps.js';
import { registerDemoCommands } from './demo/cli.js';

/** The one feed of a positions file, as the passing recorder keys feeds. */
const FILE_FEED = 'file';

function progressBar(label: string) {
  const bar = new cliProgress.SingleBar({ format: `${label} | {value} pings | {predictions} predictions | {rate} pings/s`, stream: process.stderr }, cliProgress.Presets.shades_classic);
  const started = Date.now();
  let pings = 0;
  let predictions = 0;
  bar.start(0, 0, { predictions: 0, rate: 0 });
  return {
    ping() { if (++pings % 2000 === 0) bar.update(pings, { predictions, rate: Math.round(pings / Math.max(0.001, (Date.now() - started) / 1000)) }); },
    predicted(count: number) { predictions += count; },
    stop() { bar.update(pings, { predictions, rate: Math.round(pings / Math.max(0.001, (Date.now() - started) / 1000)) }); bar.stop(); },
  };
}

async function timetableOf(file: string): Promise<Timetable> {
  if (!fs.existsSync(file)) throw new Error(`no such feed: ${file}`);
  const draft = await readFeedFile(file);
  const timetable = buildTimetable(draft);
  process.stderr.write(noticesText(feedNotices(draft, timetable)));
  return timetable;
}

function checkFiles(files: string[]) {
  for (const file of files) if (!fs.existsSync(file)) throw new Error(`no such file: ${file}`);
}

/** `--from 2016-11-26`: the local day number, or an error naming the option. */
function dayOption(text: string | undefined, option = 'from'): number | undefined {
  if (text === undefined) return undefined;
  const day = parseGtfsDate(text.replace(/-/g, ''));
  if (day === null) throw new Error(`--${option} must be a date YYYY-MM-DD, not "${text}"`);
  return day;
}

/**
 * An option's instant: ISO 8601 with an offset (POSIX seconds are refused: a bare number is too easily a
 * mistake for a date or an hour here); `expected` says what the message asks for.
 */
function instantOption(text: string, option: string, expected = 'a time in ISO 8601 with an offset'): number {
  const time = /^\d+(\.\d+)?$/.test(text) ? null : parseTimestamp(text);
  if (time === null) throw new Error(`--${option} must be ${expected}, not "${text}"`);
  return time;
}

/** `--from` and `--to` as instants; null when neither is given. */
function periodOption(fromText: string | undefined, toText: string | undefined): { from: number; to?: number } | null {
  if (fromText === undefined && toText === undefined) return null;
  if (fromText === undefined) throw new Error('--to needs --from');
  const from = instantOption(fromText, 'from');
  const to = toText === undefined ? undefined : instantOption(toText, 'to');
  if (to !== undefined && !(to > from)) throw new Error('--to must be after --from');
  return { from, to };
}

/** `--from` of the accuracy command: a day (YYYY-MM-DD) or an instant (ISO 8601 with an offset). */
function scoredFrom(text: string | undefined): ScoredFrom {
  if (text === undefined) return {};
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return { day: dayOption(text) };
  return { time: instantOption(text, 'from', 'a date YYYY-MM-DD or a time in ISO 8601 with an offset') };
}

function printScores(title: string, scores: Array<{ name: string; result: FileScore }>, routes = 0) {
  process.stdout.write(`\n${title}\n\n`);
  process.stdout.write(formatScores(scores.map(({ name, result }) => ({ name, score: result.overall }))) + '\n');
  for (const { name, result } of scores) {
    if (result.byDay.length < 2) continue;
    process.stdout.write(`\n${name}, by day the prediction was made\n\n`);
    process.stdout.write(formatScores(result.byDay.map(({ day, score }) => ({ name: day, score }))) + '\n');
  }
  const byRoute = scores[0]?.result.byRoute ?? [];
  if (routes > 0 && byRoute.length > 0) {
    process.stdout.write(`\n${scores[0]!.name}, the ${Math.min(routes, byRoute.length)} of ${byRoute.length} routes with the most predictions outside their window\n\n`);
    process.stdout.write(formatScores(byRoute.slice(0, routes).map(({ routeId, score }) => ({ name: `route ${routeId}`, score }))) + '\n');
  }
}

export function registerTransitCommands(program: Command) {
  const transit = program.command('transit').description('digital bus: GTFS, vehicle positions, arrival predictions');

  transit.command('import')
    .description('validate a GTFS zip and store it as a feed, replacing that feed whole if it exists')
    .argument('<feed.zip>', 'the GTFS static feed')
    .option('--id <feed>', 'feed id (default: the file name without .zip)')
    .action(async (file: string, options: { id?: string }) => {
      checkFiles([file]);
      const feedId = options.id ?? file.split('/').pop()!.replace(/\.zip$/i, '');
      const config = configOrExit();
      const db = await openDatabase(config);
      try {
        await migrate(db, allMigrations());
        const service = new TransitService({ db, logger: createLogger('warn'), clock: systemClock });
        service.maxFeedBytes = config.transitMaxFeedBytes;
        const bar = new cliProgress.SingleBar({ format: 'import | {phase} | {value} rows | {rate} rows/s', stream: process.stderr }, cliProgress.Presets.shades_classic);
        const started = Date.now();
        let rows = 0;
        bar.start(0, 0, { phase: 'reading', rate: 0 });
        const tick = (phase: string, count: number) => { rows += count; bar.update(rows, { phase, rate: Math.round(rows / Math.max(0.001, (Date.now() - started) / 1000)) }); };
        const last = new Map<string, number>();
        const { counts, notices, service: period } = await service.importFeed(feedId, file, file, {
          onProgress: (name, total) => { tick(`reading ${name}`, total - (last.get(name) ?? 0)); last.set(name, total); },
          onRows: (table, count) => tick(`writing ${table}`, count),
        }).catch((error) => { bar.stop(); throw error; });
        bar.stop();
        process.stdout.write(`imported feed "${feedId}" in ${((Date.now() - started) / 1000).toFixed(1)} s: ${Object.entries(counts).map(([name, count]) => `${count} ${name}`).join(', ')}\n`);
        process.stdout.write(servicePeriodText(period));
        process.stdout.write(noticesText(notices));
      } catch (error) {
        if (error instanceof TransitError && error.invalidParams?.length) {
          for (const param of error.invalidParams) process.stderr.write(`  ${param.name}: ${param.reason}\n`);
        }
        throw error;
      } finally {
        await db.close();
      }
    });

  registerDemoCommands(transit, { timetableOf, dayOption });

  transit.command('replay')
    .description('feed vehicle positions through the prediction engine in time order and write every prediction')
    .requiredOption('--gtfs <feed.zip>', 'the GTFS static feed')
    .requiredOption('--positions <files...>', 'positions CSV files (plain or .gz), replayed in order as days')
    .requiredOption('--out <predictions.csv>', `where to write ${PREDICTION_COLUMNS}`)
    .option('--actuals-out <actuals.csv>', `also write the actual arrivals derived from the positions (${ACTUAL_COLUMNS})`)
    .option('--model <model.json>', 'start from what an earlier replay learned')
    .option('--save-model <model.json>', 'write what the engine learned at the end')
    .option('--until <time>', 'stop before the first position at or after this time (ISO 8601 or POSIX seconds)')
    .action(async (options: { gtfs: string; positions: string[]; out: string; actualsOut?: string; model?: string; saveModel?: string; until?: string }) => {
      checkFiles(options.positions);
      const until = options.until === undefined ? undefined : parseTimestamp(options.until);
      if (until === null) throw new Error(`--until must be ISO 8601 with an offset or POSIX seconds, not "${options.until}"`);
      const timetable = await timetableOf(options.gtfs);
      const model = options.model ? LearnedModel.fromJSON(JSON.parse(fs.readFileSync(options.model, 'utf8'))) : new LearnedModel();
      const engine = new PredictionEngine(timetable, model);
      const writer = new CsvFileWriter(options.out, PREDICTION_COLUMNS);
      const actualsWriter = options.actualsOut ? new CsvFileWriter(options.actualsOut, ACTUAL_COLUMNS) : null;
      const bar = progressBar('replay');
      const write = predictionLines(writer);
      const started = Date.now();
      const counters = await replay({
        timetable, positions: options.positions, predictors: [engine], until,
        onPing: () => bar.ping(),
        onPredictions: (...args) => { bar.predicted(args[7].length); write(...args); },
        onActual: actualsWriter ? (trip, sequence, stop, actual) => actualsWriter.write(`${trip},${sequence},${stop},${Math.round(actual)}\n`) : undefined,
      });
      bar.stop();
      await writer.close();
      await actualsWriter?.close();
      if (options.saveModel) fs.writeFileSync(options.saveModel, JSON.stringify(model.toJSON()));
      process.stdout.write(`replayed ${counters.pings} positions in ${((Date.now() - started) / 1000).toFixed(1)} s: ${counters.matched} on a trip, ${counters.offRoute} off route, ${counters.unknownTrip} without a usable trip, ${counters.badFix} bad fixes${stopReportsLine(counters)}; wrote ${writer.rows} predictions to ${options.out}\n`);
    });

  transit.command('headways')
    .description('headway regularity per route and direction from positions: CV, excess wait, bunching, gaps; and for all routes together')
    .requiredOption('--gtfs <feed.zip>', 'the GTFS static feed')
    .requiredOption('--positions <files...>', 'positions CSV files (plain or .gz)')
    .option('--top <n>', 'show the routes with the most excess wait', '20')
    .option('--from <time>', 'only the headways ending at or after this time (ISO 8601 with an offset), as the vital signs count them')
    .option('--to <time>', 'and before this time (default: the last position)')
    .action(async (options: { gtfs: string; positions: string[]; top: string; from?: string; to?: string }) => {
      checkFiles(options.positions);
      const top = Number(options.top);
      if (!Number.isInteger(top) || top < 0) throw new Error(`--top must be a whole number, not "${options.top}"`);
      const period = periodOption(options.from, options.to);
      const timetable = await timetableOf(options.gtfs);
      // The hours each local day was observed: the timetable is compared over those hours only.
      const observed = new Map<number, { from: number; to: number }>();
      // Passings and breaks as the server records them: a bus passes its first stop when it leaves it, and
      // no headway spans a silence of the whole feed (a bus may have passed unseen).
      const recorder = new PassingRecorder(Infinity, Infinity);
      const seenRuns = new Set<string>();
      // Each bus's last fix up to the period's end, and the first stop it stood at then (if any).
      const lastFix = new Map<string, { time: number; standing: string | null }>();
      const until = period?.to ?? Infinity;
      await replay({
        timetable, positions: options.positions, predictors: [],
        onPing: (ping) => {
          const day = timetable.clock.localDay(ping.time);
          const span = observed.get(day);
          if (!span) observed.set(day, { from: ping.time, to: ping.time });
          else span.to = Math.max(span.to, ping.time);
        },
        onTracked: (ping, update) => {
          recorder.observe(FILE_FEED, { ping, run: update?.run ?? null });
          if (update) seenRuns.add(update.run.key);
          if (ping.time <= until) lastFix.set(ping.vehicleId, { time: ping.time, standing: update ? standingAt(update.run) : null });
        },
      });
      const actual = recorder.between(FILE_FEED, -Infinity, Infinity);
      const breaks = recorder.breaksBetween(FILE_FEED, -Infinity, Infinity);
      let rows;
      // The trips due to leave their first stop over the hours observed, and those a bus was seen on.
      let trips: TripsDelivered[];
      let waiting: number | null = null;
      if (period) {
        const to = period.to ?? Math.max(...[...observed.values()].map((span) => span.to));
        const since = Math.min(...[...observed.values()].map((span) => span.from));
        const inputs = headwayInputs(actual.filter((pass) => pass.time <= to), timetable, period.from, to, {}, since);
        rows = routeHeadways(inputs.actual, inputs.scheduled, DEFAULT_HEADWAY_OPTIONS, { breaks, ...inputs.window });
        trips = [...tripsDelivered(timetable, seenRuns, Math.max(period.from, since), to, { breaks }).values()];
        // At the period's end, as the server would show them: buses that reported in the last two minutes stand where they were.
        const standing = new Set([...lastFix.values()].flatMap((fix) => (fix.standing && fix.time >= to - 120 ? [fix.standing] : [])));
        waiting = openGaps(inputs.actual, inputs.planned, to, { since: inputs.window.since, breaks, standing }).length;
      } else {
        // The timetable over the hours observed each day (those spans never overlap: one per local day).
        rows = routeHeadways(actual, [...observed.values()].flatMap((span) => scheduledPassings(timetable, span.from, span.to)), DEFAULT_HEADWAY_OPTIONS, { breaks });
        trips = [...observed.values()].flatMap((span) => [...tripsDelivered(timetable, seenRuns, span.from, span.to, { breaks }).values()]);
      }
      const due = trips.reduce((sum, entry) => sum + entry.due, 0);
      const seen = trips.reduce((sum, entry) => sum + entry.seen, 0);
      const minutes = (seconds: number) => (Number.isFinite(seconds) ? (seconds / 60).toFixed(1) : '-');
      process.stdout.write('| route | dir | stops | headways | mean (min) | scheduled (min) | CV | excess wait (min) | bunching | gaps |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n');
      for (const r of [...rows].sort((a, b) => b.excessWait - a.excessWait).slice(0, top)) {
        process.stdout.write(`| ${r.routeId} | ${r.directionId} | ${r.stops} | ${r.headways} | ${minutes(r.meanHeadway)} | ${minutes(r.scheduledMeanHeadway)} | ${Number.isFinite(r.cv) ? r.cv.toFixed(2) : '-'} | ${minutes(r.excessWait)} | ${r.bunching} | ${r.gaps} |\n`);
      }
      const all = combineRows(rows);
      const figure = (value: number | null, digits: number, unit = '') => (value === null ? '-' : `${value.toFixed(digits)}${unit}`);
      process.stdout.write(`\nall ${all.routes} route directions: ${all.headways} headways, ${all.bunching} bunched, ${all.gaps} big gaps, adherence ${figure(all.adherence, 0, '%')}, CV ${figure(all.cv, 2)}, excess wait ${figure(all.excessWaitMinutes, 1, ' min')}, irregular routes ${figure(all.irregularRoutes, 0, '%')}\n`);
      process.stdout.write(`trips seen: ${seen} of ${due} due to leave their first stop${due ? ` (${((100 * seen) / due).toFixed(1)}%)` : ''}\n`);
      if (waiting !== null) process.stdout.write(`stops waiting at the end: ${waiting} (over ${DEFAULT_HEADWAY_OPTIONS.gapMultiple} scheduled headways since the last bus, a bus due meanwhile)\n`);
    });

  transit.command('accuracy')
    .description('score predictions against actual arrivals, beside the timetable and delay-carried-forward baselines')
    .requiredOption('--predictions <predictions.csv>', 'the predictions to score (as written by transit replay)')
    .option('--actuals <actuals.csv>', 'actual arrivals (trip_id, stop_sequence, stop_id, actual_arrival)')
    .option('--gtfs <feed.zip>', 'the GTFS static feed (to derive actuals and replay the baselines)')
    .option('--positions <files...>', 'the positions the predictions were made from')
    .option('--from <date|time>', 'score only predictions made on or after this day (YYYY-MM-DD; local with --gtfs, else UTC), or this time (ISO 8601 with an offset): learn from what came before')
    .option('--routes <n>', 'also list the n routes with the most predictions outside their window (needs --gtfs)', '0')
    .action(async (options: { predictions: string; actuals?: string; gtfs?: string; positions?: string[]; from?: string; routes: string }) => {
      checkFiles([options.predictions, ...(options.actuals ? [options.actuals] : []), ...(options.positions ?? [])]);
      if (!options.actuals && !(options.gtfs && options.positions)) throw new Error('give --actuals, or --gtfs with --positions to derive them');
      const from = scoredFrom(options.from);
      const routes = Number(options.routes);
      if (!Number.isInteger(routes) || routes < 0) throw new Error(`--routes must be a whole number, not "${options.routes}"`);
      if (routes > 0 && !options.gtfs) throw new Error('--routes needs --gtfs (the predictions name trips, the feed says their routes)');
      const timetable = options.gtfs ? await timetableOf(options.gtfs) : null;
      const actuals = options.actuals ? await readActuals(options.actuals) : await deriveActuals(timetable!, options.positions!);
      const routeOf = timetable ? (tripId: string) => timetable.trips.get(tripId)?.routeId : null;
      const scores = [{ name: 'predictions', result: await scorePredictionsFile(options.predictions, actuals, timetable?.clock ?? null, from, routeOf) }];
      if (timetable && options.positions) {
        const predictors = [new TimetablePredictor(), new DelayCarriedForwardPredictor()];
        const tallies = predictors.map(() => new DailyTally(actuals, timetable.clock, from));
        await replay({
          timetable, positions: options.positions, predictors,
          onPredictions: (index, madeAt, _vehicle, tripId, sequences, _stops, from, times) => {
            for (let i = 0; i < times.length; i++) tallies[index]!.add(madeAt, tripId, sequences[from + i]!, times[i]!);
          },
        });
        predictors.forEach((predictor, index) => scores.push({ name: `baseline: ${predictor.name}`, result: tallies[index]!.result() }));
      }
      printScores(`Accuracy of predictions made 0-30 min before the actual arrival (${actuals.size} actual arrivals${options.from !== undefined ? `, predictions from ${options.from}` : ''})`, scores, routes);
    });
}

/** How many of the pings carried the operator's stop, and how many of those were set aside (said only when any did). */
function stopReportsLine(counters: TrackerCounters): string {
  if (counters.stopReports === 0) return '';
  return `, ${counters.stopReports} with the operator's stop (${counters.stopReportsSetAside} of them set aside: the stop did not fit the fix)`;
}
