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
  const release = lockDataDir(config.dataDir);
  try {
    // The embedded database runs in its own thread, so that queries and request handling overlap.
    const db = await openPgliteThread(dir);
    const close = db.close.bind(db);
    db.close = async () => {
      try {
        await close();
      } finally {
        release();
      }
    };
    return db;
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * The embedded database is one process's: a second one opening the same files (a server still stopping,
 * a command run beside it) would fail obscurely inside PGlite, or worse, write over it. A lock file with
 * the owner's process id says who has it; one left by a process that no longer runs is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, 'db.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(fs.readFileSync(file, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isRunning(owner)) {
        throw new Error(`the embedded database in ${path.resolve(dataDir)} is in use by process ${owner} (another CityPulse server or command, perhaps still stopping); stop it first, or set CITYPULSE_DATA_DIR to another directory`);
      }
      fs.rmSync(file, { force: true }); // left by a process that has ended (or by this one): take it over
    }
  }
  throw new Error(`cannot lock the embedded database in ${path.resolve(dataDir)}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}
