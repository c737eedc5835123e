// The one database interface every module uses. PGlite (embedded) and PostgreSQL (cluster) both sit
// behind it, so the same parameterised SQL runs on both.
export interface Db {
  readonly kind: 'pglite' | 'postgres';
  /** One parameterised statement; returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * One parameterised statement that returns no rows; answers how many rows it inserted, updated or
   * deleted. Cheaper than counting `returning` rows when only the count matters (bulk ingest).
   */
  run(sql: string, params?: unknown[]): Promise<number>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs `work` in one transaction: all of it commits, or none of it does. */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /**
   * The same database, for small latency-critical work (alert writes) that must not wait behind bulk
   * ingest: where requests queue for a single connection, these go to the front of the queue. Where
   * requests run in parallel (a PostgreSQL pool) it is the same handle.
   */
  urgent(): Db;
}
