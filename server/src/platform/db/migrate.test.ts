import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMigrations, migrate, MigrationError } from './migrate.js';
import { allMigrations } from '../../migrations.js';
import { testDatabase } from '../../../test/harness.js';
import type { Db } from './types.js';

let db: Db | null = null;
afterEach(async () => {
  await db?.close();
  db = null;
});

describe('migrations', () => {
  it('are already applied to a migrated database, and applying again changes nothing', async () => {
    db = await testDatabase('empty');
    const report = await migrate(db, allMigrations());
    expect(report.applied).toEqual([]);
    expect(report.alreadyApplied).toBe(allMigrations().length);
    const tables = await db.query<{ table_name: string }>(`select table_name from information_schema.tables where table_name in ('org_unit', 'vitals_observation')`);
    expect(tables.map((t) => t.table_name).sort()).toEqual(['org_unit', 'vitals_observation']);
  });

  it('apply a new migration once, in its own module order', async () => {
    db = await testDatabase('empty');
    const extra = [...allMigrations(), { module: 'test', version: 1, name: 'extra', sql: 'create table test_extra (id int)' }];
    expect((await migrate(db, extra)).applied).toEqual(['test 001_extra']);
    expect((await migrate(db, extra)).applied).toEqual([]);
  });

  it('refuse to start on a database written by newer code', async () => {
    db = await testDatabase('empty');
    await db.query(`insert into schema_migration (module, version, name) values ('vitals', 999, 'from_the_future')`);
    await expect(migrate(db, allMigrations())).rejects.toThrow(MigrationError);
    await expect(migrate(db, allMigrations())).rejects.toThrow(/vitals 999_from_the_future.*newer code/);
  });

  it('roll back a failing migration entirely', async () => {
    db = await testDatabase('empty');
    const broken = [...allMigrations(), { module: 'test', version: 1, name: 'broken', sql: 'create table half_done (id int); select * from no_such_table;' }];
    await expect(migrate(db, broken)).rejects.toThrow(/no_such_table/);
    const tables = await db.query(`select 1 from information_schema.tables where table_name = 'half_done'`);
    expect(tables).toHaveLength(0);
    const rows = await db.query(`select 1 from schema_migration where module = 'test'`);
    expect(rows).toHaveLength(0);
  });

  it('reject a badly named migration file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'citypulse-mig-'));
    fs.writeFileSync(path.join(dir, 'create-things.sql'), 'select 1');
    expect(() => loadMigrations([{ module: 'x', directory: dir }])).toThrow(/must look like 001_name.sql/);
  });
});
