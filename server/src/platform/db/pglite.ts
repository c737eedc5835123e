import { PGlite } from '@electric-sql/pglite';
import type { Db } from './types.js';

type Queryable = Pick<PGlite, 'query' | 'exec'>;

function wrap(target: Queryable, root: PGlite): Db {
  return {
    kind: 'pglite',
    async query<T>(sql: string, params?: unknown[]) {
      const result = await target.query<T>(sql, params as unknown[]);
      return result.rows;
    },
    async exec(sql: string) {
      await target.exec(sql);
    },
    async transaction<T>(work: (tx: Db) => Promise<T>) {
      // PGlite has a single connection: nested transactions would deadlock, so a transaction inside a
      // transaction runs as part of the outer one.
      if (target !== root) return work(wrap(target, root));
      return root.transaction((tx) => work(wrap(tx as unknown as Queryable, root)));
    },
    async close() {
      if (!root.closed) await root.close();
    },
  };
}

/** Opens (creating if needed) an embedded database in `dataDir`, or in memory when `dataDir` is null. */
export async function openPglite(dataDir: string | null, loadDataDir?: Blob): Promise<{ db: Db; pglite: PGlite }> {
  const pglite = new PGlite({ dataDir: dataDir ?? undefined, loadDataDir });
  await pglite.waitReady;
  return { db: wrap(pglite, pglite), pglite };
}
