import { AsyncLocalStorage } from 'node:async_hooks';
import { PGlite } from '@electric-sql/pglite';
import { copyChunks } from './bulk.js';
import type { BulkColumn, Db } from './types.js';

type Queryable = Pick<PGlite, 'query' | 'exec'>;

/**
 * PGlite has a single connection: a query on the database handle made from inside a transaction waits
 * for the transaction, which waits for the query — forever. Each transaction runs in an async context;
 * a query on the outer handle from within it fails at once with a message saying what to do instead.
 */
const insideTransaction = new AsyncLocalStorage<{ root: PGlite; open: boolean }>();

function guard(root: PGlite): void {
  // Work scheduled from inside a transaction (a timer, an event handler) inherits its context but may run
  // after it ended: only a transaction still open is a deadlock.
  const store = insideTransaction.getStore();
  if (store && store.root === root && store.open) {
    throw new Error('a query on the database handle inside one of its transactions would wait forever on PGlite; use the transaction handle (tx) instead');
  }
}

function wrap(target: Queryable, root: PGlite): Db {
  const isRoot = target === root;
  const db: Db = {
    kind: 'pglite',
    async query<T>(sql: string, params?: unknown[]) {
      if (isRoot) guard(root);
      const result = await target.query<T>(sql, params as unknown[]);
      return result.rows;
    },
    async run(sql: string, params?: unknown[]) {
      if (isRoot) guard(root);
      const result = await target.query(sql, params as unknown[]);
      return result.affectedRows ?? 0;
    },
    async bulkInsert(table: string, columns: BulkColumn[]) {
      // Several COPY statements are one change: outside a transaction, they get one of their own.
      if (isRoot) return db.transaction((tx) => tx.bulkInsert(table, columns));
      let rows = 0;
      for (const chunk of copyChunks(table, columns)) {
        await target.query(chunk.sql, [], { blob: new Blob([chunk.text]) });
        rows += chunk.rows;
      }
      return rows;
    },
    async exec(sql: string) {
      if (isRoot) guard(root);
      await target.exec(sql);
    },
    async transaction<T>(work: (tx: Db) => Promise<T>) {
      // A transaction inside a transaction runs as part of the outer one.
      if (!isRoot) return work(wrap(target, root));
      guard(root);
      const context = { root, open: true };
      try {
        return await root.transaction((tx) => insideTransaction.run(context, () => work(wrap(tx as unknown as Queryable, root))));
      } finally {
        context.open = false;
      }
    },
    async close() {
      if (!root.closed) await root.close();
    },
    // In-process, requests are not queued behind one another by us: nothing to put in front.
    urgent: () => db,
  };
  return db;
}

/** Opens (creating if needed) an embedded database in `dataDir`, or in memory when `dataDir` is null. */
export async function openPglite(dataDir: string | null, loadDataDir?: Blob): Promise<{ db: Db; pglite: PGlite }> {
  const pglite = new PGlite({ dataDir: dataDir ?? undefined, loadDataDir });
  await pglite.waitReady;
  return { db: wrap(pglite, pglite), pglite };
}
