// Reading a GTFS zip's files row by row, with the problems they have (file, line, field) and the limits
// that keep a feed, however big or broken, from taking the process down with it.
import type { Readable } from 'node:stream';
import v8 from 'node:v8';
import { TransitError, type FeedProblem } from '../errors.js';
import { csvRecords, CsvHeader } from './csv.js';
import type { ZipArchive } from './zip.js';

/**
 * What a feed's files may inflate to, in all, unless configured otherwise: the rows are held in memory
 * while they are checked and written (about twice the bytes of stop_times.txt, more for short rows), so a
 * small zip that inflates to gigabytes (a zip bomb, or a country's feed) would take the process down.
 * Over ten times the NYC subway's 38 MB; what the heap allows is checked as the rows are read as well.
 */
export const DEFAULT_MAX_FEED_BYTES = 512 * 1024 * 1024;

/** The files read, and the columns each must have. */
const REQUIRED: Record<string, string[]> = {
  'agency.txt': ['agency_name', 'agency_url', 'agency_timezone'],
  'stops.txt': ['stop_id'],
  'routes.txt': ['route_id', 'route_type'],
  'trips.txt': ['route_id', 'service_id', 'trip_id'],
  'stop_times.txt': ['trip_id', 'stop_id', 'stop_sequence'],
  'calendar.txt': ['service_id', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'start_date', 'end_date'],
  'calendar_dates.txt': ['service_id', 'date', 'exception_type'],
  'frequencies.txt': ['trip_id', 'start_time', 'end_time', 'headway_secs'],
  'shapes.txt': ['shape_id', 'shape_pt_lat', 'shape_pt_lon', 'shape_pt_sequence'],
  'transfers.txt': ['from_stop_id', 'to_stop_id', 'transfer_type'],
};

/** The problems found so far, up to a number: past it the feed is refused anyway. */
export class ProblemList {
  readonly problems: FeedProblem[] = [];
  constructor(private readonly max: number) {}
  add(problem: FeedProblem) { if (this.problems.length < this.max) this.problems.push(problem); }
  get full() { return this.problems.length >= this.max; }
}

/**
 * The longest bus and train trips call at a few hundred stops. Far more is not a timetable but rows
 * repeated or a file run wild, and one trip of millions of stops would be built into one path, in memory.
 */
export const MAX_CALLS_PER_TRIP = 10_000;

/**
 * Rows are held in memory while a feed is read (stop times packed, about 25 bytes each; shape points
 * and the other files' rows as objects, 60 bytes and more). A feed under the size limit can still be too
 * big for the heap this process was given: reading stops with a problem once the heap is this full,
 * rather than the process dying of it with everything else it serves. Half the limit: the limit counts the young
 * generation too, and with a small heap V8 gives up on live rows well before it (near 60% at 160 MB).
 */
const HEAP_FULL_SHARE = 0.5;
const HEAP_CHECK_ROWS = 65_536;

/** A problem when the heap is past HEAP_FULL_SHARE of its limit; null while there is room. */
function heapFull(file: string, line: number): FeedProblem | null {
  const heap = v8.getHeapStatistics();
  if (heap.used_heap_size <= HEAP_FULL_SHARE * heap.heap_size_limit) return null;
  return { file, line, reason: `the feed is too big to import in the memory this process has (${Math.round(heap.used_heap_size / 1e6)} of ${Math.round(heap.heap_size_limit / 1e6)} MB used): import it with more (NODE_OPTIONS=--max-old-space-size=…), or split it` };
}

/** A row's value by column name ('' when empty or the column is absent); `has` says whether the file has the column. */
export type Row = ((name: string) => string) & { has: (name: string) => boolean };

/** Visits each row of `file` (false when the zip has no such file). */
export async function eachRow(
  archive: ZipArchive, file: string, problems: ProblemList, visit: (row: Row, line: number) => void, onProgress?: (file: string, rows: number) => void,
): Promise<boolean> {
  const entry = archive.entries.get(file);
  if (!entry) return false;
  let header: CsvHeader | null = null;
  let rows = 0;
  let stream: Readable;
  try {
    stream = await entry.open();
  } catch (error) {
    problems.add({ file, reason: `cannot be read from the zip (${(error as Error).message})` });
    return true;
  }
  try {
    for await (const record of csvRecords(stream)) {
      // Past so many problems the feed is refused anyway: reading on would only cost time and memory.
      if (problems.full) return true;
      if (!header) {
        if (record.problem) {
          problems.add({ file, line: 1, reason: record.problem });
          return true;
        }
        header = new CsvHeader(record.fields);
        for (const name of header.duplicates) problems.add({ file, line: 1, field: name, reason: 'column given twice' });
        if (header.duplicates.length) return true;
        const missing = (REQUIRED[file] ?? []).filter((column) => !header!.has(column));
        for (const column of missing) problems.add({ file, line: 1, field: column, reason: 'required column is missing' });
        if (missing.length) return true;
        continue;
      }
      if (record.problem) {
        const field = record.problemField === undefined ? undefined : header.names[record.problemField]?.trim();
        problems.add(field ? { file, line: record.line, field, reason: record.problem } : { file, line: record.line, reason: record.problem });
        continue;
      }
      const fields = record.fields;
      const h = header;
      const row = Object.assign((name: string) => { const index = h.index(name); return index < 0 ? '' : (fields[index] ?? '').trim(); }, { has: (name: string) => h.has(name) });
      visit(row, record.line);
      rows++;
      if (onProgress && rows % 50_000 === 0) onProgress(file, rows);
      const full = rows % HEAP_CHECK_ROWS === 0 ? heapFull(file, record.line) : null;
      if (full) throw TransitError.invalidFeed([full]);
    }
  } catch (error) {
    // The entry's bytes failed to inflate, or inflated to more than the zip declares (which the size
    // limit was judged on): a damaged or crafted archive, refused like any other bad feed.
    if (stream.errored !== error) throw error;
    problems.add({ file, reason: `cannot be read from the zip (${(error as Error).message})` });
    return true;
  } finally {
    stream.destroy();
  }
  onProgress?.(file, rows);
  if (!header) problems.add({ file, line: 1, reason: 'file is empty (no header)' });
  return true;
}

/** A number in a row's field, checked; null (with a problem when it is wrong or required) otherwise. */
export function number(row: Row, field: string, file: string, line: number, problems: ProblemList, options: { required?: boolean; min?: number; max?: number; integer?: boolean } = {}): number | null {
  const text = row(field);
  if (text === '') {
    if (options.required) problems.add({ file, line, field, reason: 'required value is missing' });
    return null;
  }
  const value = Number(text);
  if (!Number.isFinite(value) || (options.integer && !Number.isInteger(value)) || (options.min !== undefined && value < options.min) || (options.max !== undefined && value > options.max)) {
    problems.add({ file, line, field, reason: `"${text}" is not ${expected(options)}` });
    return null;
  }
  return value;
}

/** What a numeric field takes, as its refusal says it: "a whole number from 0 to 5", "a number of 0 or more". */
function expected({ min, max, integer }: { min?: number; max?: number; integer?: boolean }): string {
  const kind = integer ? 'a whole number' : 'a number';
  if (min !== undefined && max !== undefined) return `${kind} from ${min} to ${max}`;
  if (min !== undefined) return `${kind} of ${min} or more`;
  if (max !== undefined) return `${kind} of ${max} or less`;
  return kind;
}

/**
 * Adds a problem when the files read would inflate past `maxBytes` in all. The sizes a zip declares are
 * the sizes its entries inflate to (the reader fails an entry that inflates to more than it declares), so
 * the whole feed is judged before a byte of it is inflated.
 */
export function checkInflatedSize(archive: ZipArchive, maxBytes: number, problems: ProblemList) {
  const read = Object.keys(REQUIRED).flatMap((file) => archive.entries.get(file) ?? []);
  const bytes = read.reduce((sum, entry) => sum + entry.size, 0);
  if (bytes <= maxBytes) return;
  const biggest = read.reduce((a, b) => (b.size > a.size ? b : a));
  const mb = (value: number) => `${(value / 1024 / 1024).toFixed(1)} MB`;
  problems.add({ file: biggest.name, reason: `the feed's files inflate to ${mb(bytes)} (this one to ${mb(biggest.size)}), over the limit of ${mb(maxBytes)} (CITYPULSE_TRANSIT_MAX_FEED_BYTES)` });
}
