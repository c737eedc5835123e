// Versioned SQL migrations, one folder per module (`NNN_name.sql`), the same files for PGlite and
// PostgreSQL. Applied in order at start, each in its own transaction, under an advisory lock so that
// several cluster processes starting together do not race. A database that has migrations this code
// does not know was written by newer code: starting on it could corrupt it, so we refuse.
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './types.js';

export interface MigrationSource {
  module: string;
  directory: string;
}

export interface Migration {
  module: string;
  version: number;
  name: string;
  sql: string;
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

const FILE_PATTERN = /^(\d{3})_([a-z0-9_]+)\.sql$/;
const LOCK_KEY = 727_274_201;

export function loadMigrations(sources: MigrationSource[]): Migration[] {
  const all: Migration[] = [];
  for (const source of sources) {
    const files = fs.readdirSync(source.directory).filter((file) => file.endsWith('.sql')).sort();
    for (const file of files) {
      const match = FILE_PATTERN.exec(file);
      if (!match) throw new MigrationError(`${source.module}: migration file name "${file}" must look like 001_name.sql`);
      all.push({
        module: source.module,
        version: Number(match[1]),
        name: match[2],
        sql: fs.readFileSync(path.join(source.directory, file), 'utf8'),
      });
    }
  }
  return all;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

export async function migrate(db: Db, migrations: Migration[]): Promise<MigrationReport> {
  await db.exec(`create table if not exists schema_migration (
    module text not null,
    version integer not null,
    name text not null,
    applied_at timestamptz not null default now(),
    primary key (module, version)
  )`);
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [LOCK_KEY]);
    const rows = await tx.query<{ module: string; version: number; name: string }>(
      'select module, version, name from schema_migration order by module, version',
    );
    const known = new Set(migrations.map((m) => `${m.module}:${m.version}`));
    const unknown = rows.filter((row) => !known.has(`${row.module}:${row.version}`));
    if (unknown.length > 0) {
      const list = unknown.map((row) => `${row.module} ${String(row.version).padStart(3, '0')}_${row.name}`).join(', ');
      throw new MigrationError(
        `the database has migrations this version of CityPulse does not know (${list}); it was written by newer code. Upgrade CityPulse instead of starting an older version on it.`,
      );
    }
    const done = new Set(rows.map((row) => `${row.module}:${row.version}`));
    const applied: string[] = [];
    for (const migration of migrations) {
      const key = `${migration.module}:${migration.version}`;
      if (done.has(key)) continue;
      await tx.exec(migration.sql);
      await tx.query('insert into schema_migration (module, version, name) values ($1, $2, $3)', [
        migration.module,
        migration.version,
        migration.name,
      ]);
      applied.push(`${migration.module} ${String(migration.version).padStart(3, '0')}_${migration.name}`);
    }
    return { applied, alreadyApplied: done.size };
  });
}
