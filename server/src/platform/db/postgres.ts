import pg from 'pg';
import { unnestChunks } from './bulk.js';
import type { BulkColumn, Db } from './types.js';

// int8 and numeric come back as strings by default; the code uses them only for counts and sums, which
// fit a double, so parse them as numbers once here instead of at every call site.
pg.types.setTypeParser(20, (value) => Number(value));
pg.types.setTypeParser(1700, (value) => Number(value));

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

function wrap(target: Queryable, pool: pg.Pool, inTransaction: boolean): Db {
  const db: Db = {
    kind: 'postgres',
    async query<T>(sql: string, params?: unknown[]) {
      const result = await target.query(sql, params as unknown[]);
      return result.rows as T[];
    },
    async run(sql: string, params?: unknown[]) {
      const result = await target.query(sql, params as unknown[]);
      return result.rowCount ?? 0;
    },
    async bulkInsert(table: string, columns: BulkColumn[]) {
      // Several statements are one change: outside a transaction, they get one of their own.
      if (!inTransaction) return db.transaction((tx) => tx.bulkInsert(table, columns));
      let rows = 0;
      for (const chunk of unnestChunks(table, columns)) {
        await target.query(chunk.sql, chunk.params);
        rows += chunk.rows;
      }
      return rows;
    },
    async exec(sql: string) {
      await target.query(sql);
    },
    async transaction<T>(work: (tx: Db) => Promise<T>) {
      if (inTransaction) return work(wrap(target, pool, true));
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(wrap(client, pool, true));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
    urgent: () => db,
  };
  return db;
}

export async function openPostgres(connectionString: string, max = 10): Promise<Db> {
  const pool = new pg.Pool({ connectionString, max });
  // Fail at start, not at the first request, when the server is unreachable.
  const client = await pool.connect();
  client.release();
  return wrap(pool, pool, false);
}
