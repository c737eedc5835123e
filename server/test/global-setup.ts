// Builds the database templates once per test run (see templates.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { PGlite } from '@electric-sql/pglite';
import { migrate } from '../src/platform/db/migrate.js';
import { allMigrations } from '../src/migrations.js';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import { seedDemoCity } from '../src/sim/demo-city.js';
import { openPglite } from '../src/platform/db/pglite.js';
import { openPostgres } from '../src/platform/db/postgres.js';
import { pino } from 'pino';
import { TEST_ADMIN_PASSWORD, adminQuery, databaseUrlFor, postgresUrl, type TemplateInfo } from './templates.js';
import type { Db } from '../src/platform/db/types.js';
import { ensureWebBuilt } from '../../web/scripts/ensure-built.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    templates: TemplateInfo;
  }
}

async function seedDemo(db: Db): Promise<Record<string, string>> {
  const config = loadConfig({ CITYPULSE_DATA_DIR: os.tmpdir() });
  const app = await buildApp(config, { db, backgroundJobs: false, logger: pino({ level: 'silent' }) });
  const { users } = await seedDemoCity(app);
  await app.auth.ensureFirstAdmin(TEST_ADMIN_PASSWORD);
  await app.http.close();
  return Object.fromEntries(users.map((user) => [user.username, user.password]));
}

export default async function setup(project: TestProject) {
  // Build the web app once, before any browser test starts: a build in one test file while another's
  // page loads its code-split chunks would pull the files from under it.
  ensureWebBuilt({ quiet: true });
  const url = postgresUrl();
  if (url) {
    const suffix = process.pid;
    const names = { empty: `citypulse_tpl_empty_${suffix}`, demo: `citypulse_tpl_demo_${suffix}` };
    let passwords: Record<string, string> = {};
    for (const [template, name] of Object.entries(names)) {
      await adminQuery(`drop database if exists ${name}`);
      await adminQuery(`create database ${name}`);
      const db = await openPostgres(databaseUrlFor(url, name), 2);
      await migrate(db, allMigrations());
      if (template === 'demo') passwords = await seedDemo(db);
      await db.close();
    }
    project.provide('templates', { kind: 'postgres', location: names, passwords });
    return async () => {
      for (const name of Object.values(names)) await adminQuery(`drop database if exists ${name}`).catch(() => undefined);
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'citypulse-templates-'));
  const location = { empty: path.join(dir, 'empty.tar'), demo: path.join(dir, 'demo.tar') };
  let passwords: Record<string, string> = {};
  for (const template of ['empty', 'demo'] as const) {
    const { db, pglite } = await openPglite(null);
    await migrate(db, allMigrations());
    if (template === 'demo') passwords = await seedDemo(db);
    const dump = await (pglite as PGlite).dumpDataDir('none');
    fs.writeFileSync(location[template], Buffer.from(await dump.arrayBuffer()));
    await db.close();
  }
  project.provide('templates', { kind: 'pglite', location, passwords });
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
