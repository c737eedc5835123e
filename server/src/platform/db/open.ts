import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { openPgliteThread } from './pglite-thread.js';
import { openPostgres } from './postgres.js';
import type { Db } from './types.js';

export type { Db } from './types.js';

export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<Db> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl);
  const dir = path.join(config.dataDir, 'db');
  fs.mkdirSync(dir, { recursive: true });
  // The embedded database runs in its own thread, so that queries and request handling overlap.
  return openPgliteThread(dir);
}
