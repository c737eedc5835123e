// `citypulse cases …`: the classifier's evaluation and training, and the replay of historical requests.
import fs from 'node:fs';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { dateKey, evaluate, formatEvaluation, readLabelledCsv } from './classifier/evaluate.js';
import { TextClassifier } from './classifier/model.js';
import { httpReplayClient, readBostonRequests, replayRequests } from './replay.js';

const mustExist = (file: string) => {
  if (!fs.existsSync(file)) throw new Error(`no such file: ${file}`);
};

export function registerCasesCommands(program: Command): void {
  const cases = program.command('cases').description('unified operations: cases and dispatch');
  const classifier = cases.command('classifier').description('the dispatch classifier');

  classifier.command('evaluate')
    .description('train on one labelled CSV and print top-1 and top-3 accuracy on another (plain or .gz)')
    .requiredOption('--train <file>', 'training CSV')
    .option('--test <file>', 'test CSV (or use --split-column and --split-before on the training file)')
    .requiredOption('--text-column <column>', 'column with the free text')
    .requiredOption('--label-column <column>', 'column with the label (the department)')
    .option('--split-column <column>', 'date column splitting one file into training (before) and test (from)')
    .option('--split-before <date>', 'first date of the test part, e.g. 07/01/2015 or 2015-07-01')
    .action(async (options: { train: string; test?: string; textColumn: string; labelColumn: string; splitColumn?: string; splitBefore?: string }) => {
      mustExist(options.train);
      const columns = { text: options.textColumn, label: options.labelColumn };
      let train;
      let test;
      if (options.test) {
        mustExist(options.test);
        [train, test] = await Promise.all([readLabelledCsv(options.train, columns), readLabelledCsv(options.test, columns)]);
      } else {
        if (!options.splitColumn || !options.splitBefore) throw new Error('give --test, or --split-column and --split-before');
        const boundary = dateKey(options.splitBefore);
        const rows = await readLabelledCsv(options.train, { ...columns, split: options.splitColumn });
        train = rows.filter((row) => dateKey(row.split!) < boundary);
        test = rows.filter((row) => dateKey(row.split!) >= boundary);
      }
      if (train.length === 0) throw new Error('the training set has no labelled rows');
      if (test.length === 0) throw new Error('the test set has no labelled rows');
      process.stdout.write(formatEvaluation(evaluate(train, test)));
    });

  classifier.command('train')
    .description("train the classifier on a labelled CSV (the city's exported history) and install it in the database")
    .argument('<file>', 'CSV (plain or .gz) whose labels are department codes')
    .requiredOption('--text-column <column>', 'column with the free text')
    .requiredOption('--label-column <column>', 'column with the department code')
    .action(async (file: string, options: { textColumn: string; labelColumn: string }) => {
      mustExist(file);
      const rows = await readLabelledCsv(file, { text: options.textColumn, label: options.labelColumn });
      const { configOrExit, openApp } = await import('../../main.js');
      const app = await openApp(configOrExit(), { backgroundJobs: false });
      try {
        const known = new Set((await app.auth.departments()).map((d) => d.code));
        const unknown = [...new Set(rows.map((row) => row.label))].filter((label) => !known.has(label));
        if (unknown.length > 0) throw new Error(`labels that are not department codes: ${unknown.slice(0, 10).join(', ')}`);
        const started = performance.now();
        const model = TextClassifier.train(rows.map((row) => row.text), rows.map((row) => row.label));
        await app.cases.service.installModel(model);
        process.stdout.write(`trained on ${rows.length} rows, ${model.labels.length} departments, in ${((performance.now() - started) / 1000).toFixed(2)} s; installed\n`);
      } finally {
        await app.http.close();
        await app.db.close();
      }
    });

  cases.command('replay')
    .description('stream historical requests (Boston 311 format, plain or .gz) through Open311 intake and dispatch of a running CityPulse, in time order')
    .argument('<file>', 'CSV with OPEN_DT, CASE_TITLE, TYPE, neighborhood, Location, LATITUDE, LONGITUDE')
    .option('--speed <n>', 'replay speed: 3600 plays an hour of requests per second', '3600')
    .option('--time-zone <zone>', 'time zone of the dates in the file', 'America/New_York')
    .option('--limit <rows>', 'replay only the first rows (in time order)')
    .option('--concurrency <n>', 'requests in flight at once', '4')
    .option('--no-dispatch', 'only intake; leave the cases for the dispatchers')
    .option('--url <url>', 'CityPulse base URL', process.env.CITYPULSE_URL ?? 'http://localhost:8080')
    .option('--token <token>', 'API token with cases:report (and cases:handle, cases:dispatch, vitals:read to dispatch) or CITYPULSE_TOKEN', process.env.CITYPULSE_TOKEN)
    .action(async (file: string, options: { speed: string; timeZone: string; limit?: string; concurrency: string; dispatch: boolean; url: string; token?: string }) => {
      mustExist(file);
      if (!options.token) throw new Error('--token (or CITYPULSE_TOKEN) is required: an API token with the cases:report scope');
      const speed = Number(options.speed);
      if (!(speed > 0)) throw new Error('--speed must be a positive number');
      const { requests, skipped } = await readBostonRequests(file, options.timeZone, options.limit ? Number(options.limit) : undefined);
      if (requests.length === 0) throw new Error(`no readable requests in ${file}`);
      // Spread the neighbourhoods over this city's districts, when the token may read the org tree.
      const orgs = await fetch(new URL('/api/v1/orgs', options.url), { headers: { authorization: `Bearer ${options.token}` } });
      const districts = orgs.ok ? ((await orgs.json()) as { items: { code: string; level: string }[] }).items.filter((o) => o.level === 'district').map((o) => o.code) : [];
      const bar = new cliProgress.SingleBar({ format: 'replay |{bar}| {value}/{total} requests | {dispatched} dispatched | {failed} failed | {rate} req/s' }, cliProgress.Presets.shades_classic);
      const started = performance.now();
      bar.start(requests.length, 0, { dispatched: 0, failed: 0, rate: 0 });
      const result = await replayRequests(requests, httpReplayClient(options.url, options.token, districts), {
        speed, dispatch: options.dispatch, concurrency: Number(options.concurrency),
        onProgress: (done, r) => bar.update(done, { dispatched: r.dispatched, failed: r.failed, rate: Math.round(done / Math.max(0.001, (performance.now() - started) / 1000)) }),
      });
      bar.stop();
      process.stdout.write(`replayed ${result.intake} requests in ${result.seconds.toFixed(1)} s (${(result.intake / Math.max(result.seconds, 0.001)).toFixed(1)}/s): ${result.dispatched} dispatched, ${result.undispatched} without a suggestion, ${result.failed} failed, ${skipped} unreadable rows skipped\n`);
    });
}

