// The one database interface every module uses. PGlite (embedded) and PostgreSQL (cluster) both sit
// behind it, so the same parameterised SQL runs on both.

/** The column types `bulkInsert` takes: what bulk-loaded tables hold. */
export type BulkType = 'text' | 'int2' | 'int4' | 'float8' | 'bool';

/** One column of rows to append: its name, its type, and one value per row (null for NULL). */
export interface BulkColumn {
  name: string;
  type: BulkType;
  values: ReadonlyArray<string | number | boolean | null>;
}

export interface Db {
  readonly kind: 'pglite' | 'postgres';
  /** One parameterised statement; returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * One parameterised statement that returns no rows; answers how many rows it inserted, updated or
   * deleted. Cheaper than counting `returning` rows when only the count matters (bulk ingest).
   */
  run(sql: string, params?: unknown[]): Promise<number>;
  /**
   * Appends rows to `table`, given column by column (all columns the same length), the fastest way the
   * database offers: COPY on the embedded one, array parameters through unnest on a server. Answers the
   * number of rows. Inside a transaction, part of it; large inputs go in several statements.
   */
  bulkInsert(table: string, columns: BulkColumn[]): Promise<number>;
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
