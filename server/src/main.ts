// `citypulse serve`: load config, open the database, migrate, build the app, listen; close cleanly on
// SIGTERM (stop accepting, finish in-flight requests, flush, close the database).
import { loadConfig, ConfigError, type Config } from './platform/config.js';
import { openDatabase } from './platform/db/open.js';
import { migrate, MigrationError } from './platform/db/migrate.js';
import { createLogger, type Logger } from './platform/logger.js';
import { allMigrations } from './migrations.js';
import { buildApp, type App } from './app.js';
import { isDemoSeeded, seedDemoCity } from './sim/demo-city.js';
import { VitalsSimulator } from './sim/vitals-simulator.js';
import { DemoBuses } from './sim/bus-simulator.js';
import { HEADWAY_INDICATORS } from './modules/transit/headway-vitals.js';
import { PREDICTION_INDICATORS } from './modules/transit/prediction-vitals.js';
import { DEFAULT_STATISTIC_INDICATORS } from './modules/cases/statistics.js';
import { startMqttIngest } from './modules/vitals/mqtt.js';

export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`citypulse: configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

/** Opens and migrates the database and builds the app; exits with a clear message on failure. */
export async function openApp(config: Config, options: { backgroundJobs?: boolean } = {}): Promise<App> {
  const logger = createLogger(config.logLevel);
  let db;
  try {
    db = await openDatabase(config);
  } catch (error) {
    process.stderr.write(`citypulse: cannot open the database: ${(error as Error).message}\n`);
    process.exit(1);
  }
  try {
    const report = await migrate(db, allMigrations());
    if (report.applied.length > 0) logger.info({ applied: report.applied }, 'database migrated');
  } catch (error) {
    await db.close();
    if (error instanceof MigrationError) {
      process.stderr.write(`citypulse: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  return buildApp(config, { db, logger, backgroundJobs: options.backgroundJobs ?? true });
}

export function printUsers(title: string, users: { username: string; role: string; org: string; password: string }[]): void {
  const lines = users.map((u) => `  ${u.username.padEnd(10)} ${u.password}  (${u.role} at ${u.org})`);
  process.stdout.write(`\n${title}\n${lines.join('\n')}\n  These passwords are shown once; keep them now.\n\n`);
}

export async function serve(options: { seedIfEmpty: boolean; simulate: boolean | undefined }): Promise<void> {
  const config = configOrExit();
  const app = await openApp(config);
  const log = app.http.log as Logger;
  const orgCount = (await app.auth.orgs()).size;
  if (orgCount === 0 && options.seedIfEmpty) {
    const { users } = await seedDemoCity(app);
    printUsers('Demo city 海城 Haicheng seeded. Demo users:', users);
  }
  if ((await app.auth.orgs()).size === 0) {
    process.stderr.write('citypulse: the database has no org tree. Run `citypulse seed` for the demo city, or start with --seed-if-empty.\n');
    await app.http.close();
    await app.db.close();
    process.exit(1);
  }
  const admin = await app.auth.ensureFirstAdmin(config.adminPassword);
  if (admin.created && admin.password) printUsers('First administrator created:', [{ username: 'admin', role: 'admin', org: app.vitals.service.rootOrgCode(), password: admin.password }]);
  else if (admin.created) process.stdout.write('\nFirst administrator "admin" created with the password from CITYPULSE_ADMIN_PASSWORD.\n\n');

  let simulator: VitalsSimulator | null = null;
  // The demo city's buses run too (its bus network is imported on first start): live buses on /go and
  // /board, and real headway figures in the vital signs, which the vitals simulator then leaves alone.
  const demo = await isDemoSeeded(app);
  const simulate = options.simulate ?? demo;
  const demoBuses = simulate && demo;
  if (simulate) {
    // Indicators that modules feed with real figures are left to them: the cases module's statistics
    // always, the headways and the arrival prediction accuracy when the demo buses run.
    const fedByModules = [...Object.values(DEFAULT_STATISTIC_INDICATORS), ...(demoBuses ? [...Object.values(HEADWAY_INDICATORS), ...Object.values(PREDICTION_INDICATORS)] : [])];
    simulator = new VitalsSimulator(app.vitals.service, log, { skip: new Set(fedByModules) });
    const series = simulator.prepare(app.vitals.service.orgUnits());
    simulator.start();
    log.info({ series }, 'demo simulator streaming');
  }
  let buses: DemoBuses | null = null;
  if (demoBuses) {
    buses = new DemoBuses(app, log);
    await buses.prepare();
    buses.start();
  }
  const mqtt = config.mqttUrl ? await startMqttIngest(config.mqttUrl, app.vitals.service, log, config.mqttClientId) : null;

  await app.http.listen({ port: config.port, host: config.host });
  const address = app.http.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  process.stdout.write(`CityPulse is running at http://${shownHost}:${port}/  (API docs: http://${shownHost}:${port}/docs)\n`);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    simulator?.stop();
    buses?.stop();
    await mqtt?.close();
    await app.http.close();
    await app.db.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
