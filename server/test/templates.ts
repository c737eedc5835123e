// Database templates for tests: migrating (and seeding) a fresh database takes seconds, so it is done once
// per test run and every test file starts from a copy. On PGlite the copy is a dumped data directory;
// on PostgreSQL (CITYPULSE_TEST_DATABASE_URL) it is CREATE DATABASE ... TEMPLATE.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../src/platform/db/types.js';
import { openPglite } from '../src/platform/db/pglite.js';
import { openPostgres } from '../src/platform/db/postgres.js';

export type TemplateName = 'empty' | 'demo';

export interface TemplateInfo {
  kind: 'pglite' | 'postgres';
  /** PGlite: path of the dumped data dir per template. PostgreSQL: database name per template. */
  location: Record<TemplateName, string>;
  /** Demo users' passwords in the demo template. */
  passwords: Record<string, string>;
}

export const TEST_ADMIN_PASSWORD = 'test-admin-password-1';

export const postgresUrl = () => process.env.CITYPULSE_TEST_DATABASE_URL || null;

export function databaseUrlFor(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl()! });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database copied from a template, for one test file. */
export async function openFromTemplate(info: TemplateInfo, template: TemplateName): Promise<Db> {
  if (info.kind === 'postgres') {
    const name = `citypulse_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(`create database ${name} template ${info.location[template]}`);
    const db = await openPostgres(databaseUrlFor(postgresUrl()!, name), 5);
    const close = db.close.bind(db);
    return { ...db, close: async () => {
      await close();
      await adminQuery(`drop database if exists ${name}`).catch(() => undefined);
    } } as Db;
  }
  const fs = await import('node:fs');
  const blob = new Blob([fs.readFileSync(info.location[template])]);
  return (await openPglite(null, blob)).db;
}
