import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from './pglite.js';
import { openPgliteThread } from './pglite-thread.js';
import { openPostgres } from './postgres.js';
import type { BulkColumn, Db } from './types.js';

// Db.bulkInsert on each implementation: COPY text on the embedded database (in process and in its
// thread), unnest on a PostgreSQL server when the tests run against one.
const serverUrl = process.env.CITYPULSE_TEST_DATABASE_URL;
if (!serverUrl) console.log('bulkInsert on PostgreSQL: skipped, CITYPULSE_TEST_DATABASE_URL is not set');

const opened: Db[] = [];
afterAll(async () => {
  for (const db of opened) await db.close();
});

const implementations: Array<[string, () => Promise<Db>]> = [
  ['PGlite in process', async () => (await openPglite(null)).db],
  ['PGlite in its thread', () => openPgliteThread(null)],
];
if (serverUrl) implementations.push(['PostgreSQL', () => openPostgres(serverUrl, 2)]);

let tables = 0;
/** A fresh table of its own (the PostgreSQL database is shared by the run). */
async function freshTable(db: Db): Promise<string> {
  const name = `bulk_test_${process.pid}_${++tables}`;
  await db.exec(`drop table if exists ${name}; create table ${name} (id int4 primary key, label text, small int2, ratio float8, flag bool)`);
  return name;
}

const columns = (ids: number[], label: (id: number) => string | null = (id) => `row ${id}`): BulkColumn[] => [
  { name: 'id', type: 'int4', values: ids },
  { name: 'label', type: 'text', values: ids.map(label) },
  { name: 'small', type: 'int2', values: ids.map((id) => (id % 7 === 0 ? null : id % 1000)) },
  { name: 'ratio', type: 'float8', values: ids.map((id) => id / 3) },
  { name: 'flag', type: 'bool', values: ids.map((id) => id % 2 === 0) },
];
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe.each(implementations)('bulkInsert on %s', (_, open) => {
  let db: Db;
  it('stores awkward values exactly as given: tabs, line ends, backslashes, \\N as text, nulls, floats, booleans', async () => {
    db = await open();
    opened.push(db);
    const table = await freshTable(db);
    const labels = ['tab\there', 'line\nend', 'carriage\rreturn', 'back\\slash', '\\N', '', '海城 Haicheng', null, 'trailing\\'];
    const rows = await db.bulkInsert(table, [
      { name: 'id', type: 'int4', values: labels.map((_, i) => i - 2) },
      { name: 'label', type: 'text', values: labels },
      { name: 'small', type: 'int2', values: labels.map((_, i) => (i === 3 ? null : -32768 + i)) },
      { name: 'ratio', type: 'float8', values: labels.map((_, i) => (i === 4 ? null : 0.1 + 0.2 + i)) },
      { name: 'flag', type: 'bool', values: labels.map((_, i) => (i === 5 ? null : i % 2 === 1)) },
    ]);
    expect(rows).toBe(labels.length);
    const stored = await db.query<{ id: number; label: string | null; small: number | null; ratio: number | null; flag: boolean | null }>(`select * from ${table} order by id`);
    expect(stored).toEqual(labels.map((label, i) => ({
      id: i - 2, label, small: i === 3 ? null : -32768 + i, ratio: i === 4 ? null : 0.1 + 0.2 + i, flag: i === 5 ? null : i % 2 === 1,
    })));
  });

  it('loads more rows than one statement takes, all of them', async () => {
    const table = await freshTable(db);
    expect(await db.bulkInsert(table, columns(range(0, 120_001)))).toBe(120_001);
    const [summary] = await db.query<{ n: number; ids: number; nulls: number; last: string }>(
      `select count(*)::int as n, sum(id)::float8 as ids, count(*) filter (where small is null)::int as nulls, max(label) filter (where id = 120000) as last from ${table}`);
    expect(summary).toEqual({ n: 120_001, ids: (120_000 * 120_001) / 2, nulls: Math.floor(120_000 / 7) + 1, last: 'row 120000' });
  });

  it('changes nothing when a row far into the input is refused, on its own or inside a transaction', async () => {
    const table = await freshTable(db);
    await db.bulkInsert(table, columns([5]));
    // Row 100,005 repeats id 5: the statement that carries it fails after earlier ones succeeded.
    const ids = [...range(1_000_000, 1_100_000), 5, ...range(1_100_000, 1_100_010)];
    await expect(db.bulkInsert(table, columns(ids))).rejects.toThrow(/duplicate key/);
    expect(await db.query(`select id from ${table}`)).toEqual([{ id: 5 }]);
    await expect(db.transaction(async (tx) => {
      await tx.query(`insert into ${table} (id) values (6)`);
      await tx.bulkInsert(table, columns(ids));
    })).rejects.toThrow(/duplicate key/);
    expect(await db.query(`select id from ${table}`)).toEqual([{ id: 5 }]);
    // The handle works on afterwards.
    expect(await db.bulkInsert(table, columns([7, 8], () => 'after'))).toBe(2);
    expect(await db.query(`select id, label from ${table} order by id`)).toEqual([{ id: 5, label: 'row 5' }, { id: 7, label: 'after' }, { id: 8, label: 'after' }]);
  });

  it('reports a statement refused early once, while the rows after it are still being sent, and writes none', async () => {
    const table = await freshTable(db);
    await db.bulkInsert(table, columns([5]));
    // Id 5 again in the first statement: the database refuses it while the next statements are encoded and sent.
    const ids = [5, ...range(2_000_000, 2_060_000)];
    await expect(db.bulkInsert(table, columns(ids))).rejects.toThrow(/duplicate key/);
    await new Promise((resolve) => setTimeout(resolve, 50)); // a refusal nobody awaited would surface by now
    expect(await db.query(`select id from ${table}`)).toEqual([{ id: 5 }]);
  });

  it('refuses a table or column name that is not plain, and columns of different lengths, before writing', async () => {
    const table = await freshTable(db);
    await expect(db.bulkInsert(`${table}; drop table ${table}`, columns([1]))).rejects.toThrow(/not a plain table name/);
    await expect(db.bulkInsert(table, [{ name: 'id) values (1); --', type: 'int4', values: [1] }])).rejects.toThrow(/not a plain column name/);
    await expect(db.bulkInsert(table, [{ name: 'id', type: 'int4', values: [1, 2] }, { name: 'label', type: 'text', values: ['one'] }])).rejects.toThrow(/label has 1 values, id has 2/);
    expect(await db.query(`select count(*)::int as n from ${table}`)).toEqual([{ n: 0 }]);
    await db.exec(`drop table ${table}`);
  });
});
