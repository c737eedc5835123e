// `citypulse transit ...`: the engine's yardstick from the command line (replay, accuracy).
import fs from 'node:fs';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { loadTimetable, type Timetable } from './gtfs/timetable.js';
import { PredictionEngine } from './prediction/engine.js';
import { LearnedModel } from './prediction/history.js';
import { DelayCarriedForwardPredictor, TimetablePredictor } from './prediction/baselines.js';
import { CsvFileWriter, deriveActuals, predictionLines, replay, PREDICTION_COLUMNS, ACTUAL_COLUMNS } from './accuracy/replay.js';
import { DailyTally, readActuals, scorePredictionsFile, type FileScore } from './accuracy/evaluate.js';
import { formatScores } from './accuracy/score.js';
import { parseTimestamp } from './tracking/positions.js';
import { parseGtfsDate } from './gtfs/time.js';
import { configOrExit } from '../../main.js';
import { openDatabase } from '../../platform/db/open.js';
import { migrate } from '../../platform/db/migrate.js';
import { allMigrations } from '../../migrations.js';
import { createLogger } from '../../platform/logger.js';
import { systemClock } from '../../platform/clock.js';
import { TransitService } from './service.js';
import { TransitError } from './errors.js';

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
  return loadTimetable(file);
}

function checkFiles(files: string[]) {
  for (const file of files) if (!fs.existsSync(file)) throw new Error(`no such file: ${file}`);
}

/** `--from 2016-11-26`: the local day number, or an error naming the option. */
function dayOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const day = parseGtfsDate(text.replace(/-/g, ''));
  if (day === null) throw new Error(`--from must be a date YYYY-MM-DD, not "${text}"`);
  return day;
}

function printScores(title: string, scores: Array<{ name: string; result: FileScore }>) {
  process.stdout.write(`\n${title}\n\n`);
  process.stdout.write(formatScores(scores.map(({ name, result }) => ({ name, score: result.overall }))) + '\n');
  for (const { name, result } of scores) {
    if (result.byDay.length < 2) continue;
    process.stdout.write(`\n${name}, by day the prediction was made\n\n`);
    process.stdout.write(formatScores(result.byDay.map(({ day, score }) => ({ name: day, score }))) + '\n');
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
        const bar = new cliProgress.SingleBar({ format: 'import | {phase} | {value} rows | {rate} rows/s', stream: process.stderr }, cliProgress.Presets.shades_classic);
        const started = Date.now();
        let rows = 0;
        bar.start(0, 0, { phase: 'reading', rate: 0 });
        const tick = (phase: string, count: number) => { rows += count; bar.update(rows, { phase, rate: Math.round(rows / Math.max(0.001, (Date.now() - started) / 1000)) }); };
        let last = new Map<string, number>();
        const counts = await service.importFeed(feedId, file, file, {
          onProgress: (name, total) => { tick(`reading ${name}`, total - (last.get(name) ?? 0)); last.set(name, total); },
          onRows: (table, count) => tick(`writing ${table}`, count),
        }).catch((error) => { bar.stop(); throw error; });
        bar.stop();
        last = new Map();
        process.stdout.write(`imported feed "${feedId}" in ${((Date.now() - started) / 1000).toFixed(1)} s: ${Object.entries(counts).map(([name, count]) => `${count} ${name}`).join(', ')}\n`);
      } catch (error) {
        if (error instanceof TransitError && error.invalidParams?.length) {
          for (const param of error.invalidParams) process.stderr.write(`  ${param.name}: ${param.reason}\n`);
        }
        throw error;
      } finally {
        await db.close();
      }
    });

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
      process.stdout.write(`replayed ${counters.pings} positions in ${((Date.now() - started) / 1000).toFixed(1)} s: ${counters.matched} on a trip, ${counters.offRoute} off route, ${counters.unknownTrip} without a usable trip, ${counters.badFix} bad fixes; wrote ${writer.rows} predictions to ${options.out}\n`);
    });

  transit.command('accuracy')
    .description('score predictions against actual arrivals, beside the timetable and delay-carried-forward baselines')
    .requiredOption('--predictions <predictions.csv>', 'the predictions to score (as written by transit replay)')
    .option('--actuals <actuals.csv>', 'actual arrivals (trip_id, stop_sequence, stop_id, actual_arrival)')
    .option('--gtfs <feed.zip>', 'the GTFS static feed (to derive actuals and replay the baselines)')
    .option('--positions <files...>', 'the positions the predictions were made from')
    .option('--from <date>', 'score only predictions made on or after this local day (YYYY-MM-DD): learn from earlier days')
    .action(async (options: { predictions: string; actuals?: string; gtfs?: string; positions?: string[]; from?: string }) => {
      checkFiles([options.predictions, ...(options.actuals ? [options.actuals] : []), ...(options.positions ?? [])]);
      if (!options.actuals && !(options.gtfs && options.positions)) throw new Error('give --actuals, or --gtfs with --positions to derive them');
      const fromDay = dayOption(options.from);
      const timetable = options.gtfs ? await timetableOf(options.gtfs) : null;
      const actuals = options.actuals ? await readActuals(options.actuals) : await deriveActuals(timetable!, options.positions!);
      const scores = [{ name: 'predictions', result: await scorePredictionsFile(options.predictions, actuals, timetable?.clock ?? null, fromDay) }];
      if (timetable && options.positions) {
        const predictors = [new TimetablePredictor(), new DelayCarriedForwardPredictor()];
        const tallies = predictors.map(() => new DailyTally(actuals, timetable.clock, fromDay));
        await replay({
          timetable, positions: options.positions, predictors,
          onPredictions: (index, madeAt, _vehicle, tripId, sequences, _stops, from, times) => {
            for (let i = 0; i < times.length; i++) tallies[index]!.add(madeAt, tripId, sequences[from + i]!, times[i]!);
          },
        });
        predictors.forEach((predictor, index) => scores.push({ name: `baseline: ${predictor.name}`, result: tallies[index]!.result() }));
      }
      printScores(`Accuracy of predictions made 0-30 min before the actual arrival (${actuals.size} actual arrivals${fromDay !== undefined ? `, predictions from ${options.from}` : ''})`, scores);
    });
}
