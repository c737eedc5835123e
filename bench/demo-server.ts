// The seeded demo city on a real HTTP server, as the benches that measure over HTTP start it: a fresh
// data directory, a migrated database, the app built on it and listening on a free local port.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { openPglite } from '../server/src/platform/db/pglite.js';
import { openDatabase } from '../server/src/platform/db/open.js';
import { migrate } from '../server/src/platform/db/migrate.js';
import { allMigrations } from '../server/src/migrations.js';
import { buildApp, type App } from '../server/src/app.js';
import { loadConfig } from '../server/src/platform/config.js';
import type { Clock } from '../server/src/platform/clock.js';
import type { Db } from '../server/src/platform/db/types.js';
import { seedDemoCity } from '../server/src/sim/demo-city.js';

export interface DemoServer {
  app: App;
  db: Db;
  url: string;
  dataDir: string;
  /** An API token of the city's root org with these scopes. */
  token(name: string, scopes: string[]): Promise<string>;
  /** Stops the server, closes the database and removes the data directory. */
  close(): Promise<void>;
}

export async function startDemoServer(options: {
  /** Names the data directory. */
  name: string;
  /**
   * 'thread': PGlite on disk in its own thread, as `citypulse serve` opens it; 'in-process': PGlite on
   * disk on the event loop (the benches measured so before, and the figures quoted are of that).
   */
  database: 'thread' | 'in-process';
  backgroundJobs: boolean;
  env?: Record<string, string>;
  clock?: Clock;
  logger?: Logger;
}): Promise<DemoServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `citypulse-bench-${options.name}-`));
  const db = options.database === 'thread' ? await openDatabase({ dataDir, databaseUrl: null }) : (await openPglite(path.join(dataDir, 'db'))).db;
  await migrate(db, allMigrations());
  const app = await buildApp(loadConfig({ CITYPULSE_DATA_DIR: dataDir, ...options.env }), {
    db, backgroundJobs: options.backgroundJobs, logger: options.logger ?? pino({ level: 'warn' }), ...(options.clock ? { clock: options.clock } : {}),
  });
  await seedDemoCity(app);
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  return {
    app, db, dataDir,
    url: `http://127.0.0.1:${(app.http.server.address() as { port: number }).port}`,
    token: async (name, scopes) => (await app.auth.createApiToken({ name, scopes, orgCode: app.vitals.service.rootOrgCode(), createdBy: null })).token,
    close: async () => {
      await app.http.close();
      await db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
