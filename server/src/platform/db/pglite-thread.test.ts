import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openPgliteThread } from './pglite-thread.js';
import type { Db } from './types.js';

let db: Db | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await db?.close();
  db = null;
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'citypulse-thread-'));
  dirs.push(dir);
  return dir;
};

describe('the embedded database in its own thread', () => {
  it('answers queries with typed values and keeps data on disk across a reopen', async () => {
    const dir = tempDir();
    db = await openPgliteThread(dir);
    await db.exec('create table t (id int primary key, at timestamptz, tags text[])');
    await db.query('insert into t values ($1, $2, $3)', [1, new Date('2026-01-01T00:00:00Z'), ['a', 'b']]);
    const [row] = await db.query<{ id: number; at: Date; tags: string[] }>('select * from t');
    expect(row.id).toBe(1);
    expect(row.at).toBeInstanceOf(Date);
    expect(row.at.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(row.tags).toEqual(['a', 'b']);
    expect(await db.run('insert into t values ($1, $2, $3), ($4, $2, $3) on conflict do nothing', [1, new Date(), [], 2])).toBe(1);
    await db.close();
    db = await openPgliteThread(dir);
    expect(await db.query('select id from t order by id')).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('commits a transaction whole or not at all, passing the database error code back', async () => {
    db = await openPgliteThread(null);
    await db.exec('create table t (id int primary key)');
    await db.transaction(async (tx) => {
      await tx.query('insert into t values (1)');
      await tx.query('insert into t values (2)');
    });
    const failure = await db.transaction(async (tx) => {
      await tx.query('insert into t values (3)');
      await tx.query('insert into t values (1)');
    }).catch((error) => error);
    expect(failure.message).toMatch(/duplicate key/);
    expect(failure.code).toBe('23505');
    expect(await db.query('select id from t order by id')).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('keeps other requests out of an open transaction, and refuses a deadlocking query', async () => {
    db = await openPgliteThread(null);
    const outer = db;
    await outer.exec('create table t (id int)');
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const transaction = outer.transaction(async (tx) => {
      await tx.query('insert into t values (1)');
      order.push('tx inserted');
      await gate;
      await tx.query('insert into t values (2)');
      order.push('tx done');
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const outside = outer.query<{ n: number }>('select count(*)::int as n from t').then((rows) => {
      order.push(`outside saw ${rows[0].n}`);
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await Promise.all([transaction, outside]);
    expect(order).toEqual(['tx inserted', 'tx done', 'outside saw 2']);
    await expect(outer.transaction(async () => outer.query('select 1'))).rejects.toThrow(/use the transaction handle/);
  });

  it('runs urgent requests before ordinary ones waiting, without breaking into a transaction', async () => {
    db = await openPgliteThread(null);
    await db.exec('create table t (id int)');
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // An open transaction holds the thread, so everything sent meanwhile waits in the queue.
    const transaction = db.transaction(async (tx) => {
      await tx.query('insert into t values (1)');
      await gate;
      order.push('transaction');
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const ordinary = [1, 2, 3].map((n) => db!.query('select count(*)::int as n from t').then(() => order.push(`ordinary ${n}`)));
    const urgentTransaction = db.urgent().transaction(async (tx) => {
      await tx.query('insert into t values (2)');
      order.push('urgent transaction');
    });
    const urgentQuery = db.urgent().query<{ n: number }>('select count(*)::int as n from t').then(([row]) => order.push(`urgent query saw ${row.n}`));
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await Promise.all([transaction, ...ordinary, urgentTransaction, urgentQuery]);
    expect(order).toEqual(['transaction', 'urgent transaction', 'urgent query saw 2', 'ordinary 1', 'ordinary 2', 'ordinary 3']);
  });
});
