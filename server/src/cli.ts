// The `citypulse` command: serve, seed, migrate, and the vital signs' tools.
import fs from 'node:fs';
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { configOrExit, openApp, printUsers, serve } from './main.js';
import { seedDemoCity } from './sim/demo-city.js';
import { parseMapping, replayCsv } from './modules/vitals/replay.js';
import { catalogueToCsv, parseCatalogueCsv } from './modules/vitals/catalogue/csv.js';
import { catalogueToJson, parseCatalogueJson } from './modules/vitals/catalogue/json.js';
import { departmentCodes } from './modules/vitals/catalogue/departments.js';
import { openDatabase } from './platform/db/open.js';
import { migrate } from './platform/db/migrate.js';
import { allMigrations } from './migrations.js';
import { registerCasesCommands } from './modules/cases/cli.js';
import { registerTransitCommands } from './modules/transit/cli.js';

const program = new Command('citypulse').description('CityPulse: the city sees its vital signs, handles what goes wrong, serves its people.');

program.command('serve')
  .description('run the platform (HTTP API, live stream, rules, MQTT ingest when MQTT_URL is set)')
  .option('--seed-if-empty', 'seed the demo city into an empty database', false)
  .addOption(new Option('--simulate', 'stream simulated observations (default: on for the demo city)'))
  .addOption(new Option('--no-simulate', 'do not run the demo simulator'))
  .action(async (options: { seedIfEmpty: boolean; simulate?: boolean }) => {
    await serve({ seedIfEmpty: options.seedIfEmpty, simulate: options.simulate });
  });

program.command('migrate')
  .description('apply database migrations and exit')
  .action(async () => {
    const config = configOrExit();
    const db = await openDatabase(config);
    const report = await migrate(db, allMigrations());
    process.stdout.write(report.applied.length ? `applied: ${report.applied.join(', ')}\n` : `up to date (${report.alreadyApplied} migrations)\n`);
    await db.close();
  });

program.command('seed')
  .description('seed the demo city (org tree, departments, users, catalogue) into an empty database')
  .action(async () => {
    const config = configOrExit();
    const app = await openApp(config, { backgroundJobs: false });
    if ((await app.auth.orgs()).size > 0) {
      process.stderr.write('citypulse: the database already has an org tree; seed only into an empty database\n');
      process.exitCode = 1;
    } else {
      const { users } = await seedDemoCity(app);
      printUsers('Demo city seeded. Demo users:', users);
      const admin = await app.auth.ensureFirstAdmin(config.adminPassword);
      if (admin.password) printUsers('First administrator:', [{ username: 'admin', role: 'admin', org: app.vitals.service.rootOrgCode(), password: admin.password }]);
    }
    await app.http.close();
    await app.db.close();
  });

const vitals = program.command('vitals').description('the city vital signs');

vitals.command('export')
  .description('write the indicator catalogue as CSV or JSON to stdout')
  .addOption(new Option('--format <format>', 'csv or json').choices(['csv', 'json']).default('csv'))
  .action(async (options: { format: 'csv' | 'json' }) => {
    const config = configOrExit();
    const app = await openApp(config, { backgroundJobs: false });
    const definitions = app.vitals.service.indicators().map(({ id: _id, ...definition }) => definition);
    process.stdout.write(options.format === 'csv' ? catalogueToCsv(definitions) : catalogueToJson(definitions));
    await app.http.close();
    await app.db.close();
  });

vitals.command('import')
  .description('import indicator definitions from a CSV or JSON file: all valid, or nothing changes')
  .argument('<file>', 'catalogue file (.csv or .json, as written by `vitals export`)')
  .action(async (file: string) => {
    if (!fs.existsSync(file)) throw new Error(`no such file: ${file}`);
    const config = configOrExit();
    const app = await openApp(config, { backgroundJobs: false });
    try {
      const text = fs.readFileSync(file, 'utf8');
      const known = new Set(app.vitals.service.categories.map((c) => c.code));
      const parsed = file.endsWith('.json') ? parseCatalogueJson(text, known, departmentCodes) : parseCatalogueCsv(text, known, departmentCodes);
      if (parsed.errors.length > 0) {
        for (const error of parsed.errors.slice(0, 50)) process.stderr.write(`${file}:${error.line}: ${error.field}: ${error.reason}\n`);
        throw new Error(`${parsed.errors.length} problem(s) in ${file}; nothing was imported`);
      }
      const result = await app.vitals.service.importIndicators(parsed.definitions);
      process.stdout.write(`imported ${parsed.definitions.length} indicators: ${result.inserted} new, ${result.updated} updated\n`);
    } finally {
      await app.http.close();
      await app.db.close();
    }
  });

vitals.command('replay')
  .description('stream a real series from a CSV file into chosen indicators of a running CityPulse')
  .argument('<file>', 'CSV file (plain or .gz)')
  .requiredOption('--map <COLUMN=INDICATOR...>', 'which column feeds which indicator (repeatable)')
  .option('--speed <n>', 'replay speed: 3600 plays an hour of data per second', '3600')
  .option('--org <code>', 'org unit of every observation')
  .option('--org-column <column>', 'column naming the org unit of each row')
  .option('--org-map <VALUE=ORG...>', 'maps values of --org-column to org unit codes')
  .option('--time-column <column>', 'timestamp column (default: year, month, day, hour columns)')
  .option('--utc-offset <offset>', 'offset of naive timestamps in the file', '+08:00')
  .option('--limit <rows>', 'stop after this many rows')
  .option('--batch <n>', 'observations per request', '500')
  .option('--url <url>', 'CityPulse base URL', process.env.CITYPULSE_URL ?? 'http://localhost:8080')
  .option('--token <token>', 'bearer token with vitals:ingest (or CITYPULSE_TOKEN)', process.env.CITYPULSE_TOKEN)
  .action(async (file: string, options: Record<string, string | string[] | undefined>) => {
    if (!fs.existsSync(file)) throw new Error(`no such file: ${file}`);
    if (!options.token) throw new Error('--token (or CITYPULSE_TOKEN) is required: an API token with the vitals:ingest scope');
    const speed = Number(options.speed);
    if (!(speed > 0)) throw new Error('--speed must be a positive number');
    const orgMap = Object.fromEntries(((options.orgMap as string[] | undefined) ?? []).map((pair) => {
      const { column, indicator } = parseMapping(pair);
      return [column, indicator];
    }));
    const bar = new cliProgress.SingleBar({ format: 'replay |{bar}| {value} rows | {sent} observations sent | {rate} rows/s' }, cliProgress.Presets.shades_classic);
    const started = Date.now();
    bar.start(Number(options.limit ?? 0) || 0, 0, { sent: 0, rate: 0 });
    const result = await replayCsv({
      file,
      mappings: (options.map as string[]).map(parseMapping),
      org: options.org as string | undefined,
      orgColumn: options.orgColumn as string | undefined,
      orgMap,
      timeColumn: options.timeColumn as string | undefined,
      utcOffset: options.utcOffset as string,
      speed,
      batchSize: Number(options.batch),
      limit: options.limit ? Number(options.limit) : undefined,
      onProgress: (rows, sent) => bar.update(rows, { sent, rate: Math.round(rows / Math.max(0.001, (Date.now() - started) / 1000)) }),
      send: async (batch) => {
        const response = await fetch(new URL('/api/v1/vitals/observations', options.url as string), {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
          body: JSON.stringify(batch),
        });
        if (!response.ok) throw new Error(`CityPulse answered ${response.status}: ${await response.text()}`);
      },
    });
    bar.stop();
    process.stdout.write(`replayed ${result.rows} rows, sent ${result.sent} observations, skipped ${result.skipped} gaps\n`);
  });

registerCasesCommands(program);
registerTransitCommands(program);

program.parseAsync(process.argv).catch((error: Error) => {
  process.stderr.write(`citypulse: ${error.message}\n`);
  process.exit(1);
});
