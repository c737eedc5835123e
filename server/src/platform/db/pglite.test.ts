import { afterEach, describe, expect, it } from 'vitest';
import { openPglite } from './pglite.js';
import type { Db } from './types.js';

let db: Db | null = null;
afterEach(async () => {
  await db?.close();
  db = null;
});

describe('the embedded database handle', () => {
  it('commits a transaction as a whole, or rolls all of it back', async () => {
    ({ db } = await openPglite(null));
    await db.exec('create table t (id int primary key)');
    await db.transaction(async (tx) => {
      await tx.query('insert into t values (1)');
      await tx.query('insert into t values (2)');
    });
    await expect(db.transaction(async (tx) => {
      await tx.query('insert into t values (3)');
      await tx.query('insert into t values (1)');
    })).rejects.toThrow(/duplicate key/);
    expect(await db.query('select id from t order by id')).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('refuses, instead of hanging, a query on the outer handle from inside a transaction', async () => {
    ({ db } = await openPglite(null));
    const outer = db;
    await expect(outer.transaction(async () => outer.query('select 1'))).rejects.toThrow(/use the transaction handle/);
    // Queries from other requests while a transaction runs simply wait their turn.
    const [inside, alongside] = await Promise.all([
      outer.transaction(async (tx) => (await tx.query<{ n: number }>('select 1 as n'))[0].n),
      outer.query<{ n: number }>('select 2 as n'),
    ]);
    expect([inside, alongside[0].n]).toEqual([1, 2]);
    // Work scheduled from inside a transaction may use the outer handle once the transaction is over.
    let later: Promise<unknown> = Promise.resolve();
    await outer.transaction(async () => {
      later = new Promise((resolve) => setTimeout(resolve, 10)).then(() => outer.query('select 3 as n'));
    });
    expect(await later).toEqual([{ n: 3 }]);
  });
});
