// The statements behind Db.bulkInsert. The embedded database loads rows fastest through COPY in text
// format (one tab-separated line per row), which skips parsing array parameters and planning a query per
// batch; a server takes column arrays through unnest just as well, without a COPY stream to drive.
// See: https://www.postgresql.org/docs/current/sql-copy.html (File Formats, Text Format)
import type { BulkColumn } from './types.js';

/**
 * Rows per COPY statement: big enough to amortise each round trip, small enough that encoding one (about
 * 10 ms for stop times) does not hold up the requests a server answers meanwhile.
 */
const COPY_ROWS = 10_000;
/** Rows per unnest statement (a server's parameter message stays a few MB). */
const UNNEST_ROWS = 20_000;

const identifier = /^[a-z_][a-z0-9_]*$/;

/** Checks the table and columns (names come from code, never from input) and answers the row count. */
function checked(table: string, columns: BulkColumn[]): number {
  if (!identifier.test(table)) throw new Error(`bulk insert: "${table}" is not a plain table name`);
  if (columns.length === 0) throw new Error(`bulk insert into ${table}: no columns`);
  const rows = columns[0]!.values.length;
  for (const column of columns) {
    if (!identifier.test(column.name)) throw new Error(`bulk insert into ${table}: "${column.name}" is not a plain column name`);
    if (column.values.length !== rows) throw new Error(`bulk insert into ${table}: column ${column.name} has ${column.values.length} values, ${columns[0]!.name} has ${rows}`);
  }
  return rows;
}

const special = /[\\\n\r\t]/;
const specials = /[\\\n\r\t]/g;
const escapes: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One value in COPY text format: backslash escapes for the delimiter, line ends and backslash; \N for NULL. */
function copyValue(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  const text = String(value);
  return special.test(text) ? text.replace(specials, (c) => escapes[c]!) : text;
}

export interface CopyChunk { sql: string; text: string; rows: number }

/** The COPY statements (each with its rows as text) that append `columns` to `table`. */
export function* copyChunks(table: string, columns: BulkColumn[]): Generator<CopyChunk> {
  const total = checked(table, columns);
  const sql = `copy ${table} (${columns.map((c) => c.name).join(', ')}) from '/dev/blob'`;
  const values = columns.map((c) => c.values);
  const last = values.length - 1;
  for (let from = 0; from < total; from += COPY_ROWS) {
    const to = Math.min(total, from + COPY_ROWS);
    const lines: string[] = new Array(to - from);
    for (let row = from; row < to; row++) {
      let line = '';
      for (let column = 0; column <= last; column++) line += copyValue(values[column]![row]) + (column === last ? '\n' : '\t');
      lines[row - from] = line;
    }
    yield { sql, text: lines.join(''), rows: to - from };
  }
}

/** The unnest statements (each with its column arrays as parameters) that append `columns` to `table`. */
export function* unnestChunks(table: string, columns: BulkColumn[]): Generator<{ sql: string; params: unknown[]; rows: number }> {
  const total = checked(table, columns);
  const sql = `insert into ${table} (${columns.map((c) => c.name).join(', ')}) select * from unnest(${columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ')})`;
  for (let from = 0; from < total; from += UNNEST_ROWS) {
    const to = Math.min(total, from + UNNEST_ROWS);
    yield { sql, params: columns.map((c) => c.values.slice(from, to)), rows: to - from };
  }
}
