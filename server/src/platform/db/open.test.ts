import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { openDatabase } from './open.js';

describe('the embedded database directory', () => {
  it('is one process\'s: another running process holding it is named, one that has ended is taken over', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'citypulse-lock-'));
    const lock = path.join(dataDir, 'db.lock');
    try {
      // Held by a process that runs (this one's parent): refused, naming it, and the lock left alone.
      fs.writeFileSync(lock, String(process.ppid));
      await expect(openDatabase({ databaseUrl: null, dataDir })).rejects.toThrow(`in use by process ${process.ppid}`);
      expect(fs.readFileSync(lock, 'utf8')).toBe(String(process.ppid));

      // Left by a process that has ended: taken over, and let go on close.
      const ended = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
      fs.writeFileSync(lock, ended);
      const db = await openDatabase({ databaseUrl: null, dataDir });
      expect(fs.readFileSync(lock, 'utf8')).toBe(String(process.pid));
      expect(await db.query<{ one: number }>('select 1 as one')).toEqual([{ one: 1 }]);
      await db.close();
      expect(fs.existsSync(lock)).toBe(false);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
