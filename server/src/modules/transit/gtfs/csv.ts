// A streaming RFC 4180 reader that keeps line numbers, so that every problem in a feed can name the file,
// the line and the field. GTFS files are CSV with a header, UTF-8, optionally with a byte-order mark.
// See: https://gtfs.org/documentation/schedule/reference/#file-requirements
import type { Readable } from 'node:stream';

export interface CsvRecord {
  /** 1-based line of the record's first character in the file (the header is line 1). */
  line: number;
  fields: string[];
  /** Why the record cannot be read (the file ended inside a quoted field); its fields are then partial. */
  problem?: string;
  /** The field (its index) the problem is in, when it is one field's: a NUL, bytes that are not UTF-8. */
  problemField?: number;
}

const NUL = 0;
/** What the decoder puts for bytes that are not UTF-8. */
const REPLACEMENT = 0xfffd;
/** The replacement character written as UTF-8: a file may hold it as text, which is not a fault. */
const REPLACEMENT_BYTES = Buffer.from([0xef, 0xbf, 0xbd]);
const FAULTS: Record<number, string> = {
  [NUL]: 'holds a NUL character, which text cannot',
  [REPLACEMENT]: 'is not UTF-8 text (saved in another encoding, such as GBK?)',
};

/** No field of a GTFS file comes near this many characters (a long stop_desc is a few hundred). */
export const MAX_FIELD_CHARS = 1_048_576;
/** Nor a record near this many fields (the widest GTFS file has about twenty columns). */
export const MAX_FIELDS = 10_000;

/** Splits a stream of CSV text into records; quoted fields may hold commas, quotes ("") and newlines. */
export async function* csvRecords(input: Readable | AsyncIterable<Buffer | string>): AsyncGenerator<CsvRecord> {
  let field = '';
  let fields: string[] = [];
  let quoted = false; // inside a quoted field
  let afterQuote = false; // a quote was seen inside a quoted field: either "" or the closing quote
  let line = 1;
  let recordLine = 1;
  let first = true;
  let pendingCr = false;
  const decoder = new TextDecoder('utf-8');
  /** The first fault of the record being read: its field and what is wrong. */
  let fault: { field: number; reason: string } | null = null;
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    // Looked for character by character only in the rare chunk that has one (a replacement character
    // is a fault only when the bytes did not hold it as text).
    const watch = text.indexOf('\0') >= 0 || (text.indexOf('\ufffd') >= 0 && !(typeof chunk !== 'string' && chunk.includes(REPLACEMENT_BYTES)));
    let start = 0; // start of the unquoted run being copied into `field`
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (watch && (c === NUL || c === REPLACEMENT) && !fault) fault = { field: fields.length, reason: FAULTS[c]! };
      if (pendingCr) {
        pendingCr = false;
        if (c === 10) { start = i + 1; continue; }
      }
      if (quoted) {
        if (afterQuote) {
          afterQuote = false;
          if (c === 34) { field += '"'; start = i + 1; continue; }
          quoted = false; // the closing quote: fall through and handle c as an unquoted character
        } else if (c === 34) {
          field += text.slice(start, i);
          afterQuote = true;
          start = i + 1;
          continue;
        } else {
          if (c === 10) line++;
          continue;
        }
      }
      if (c === 44) { // ,
        fields.push(field + text.slice(start, i));
        field = '';
        start = i + 1;
      } else if (c === 10 || c === 13) {
        fields.push(field + text.slice(start, i));
        field = '';
        start = i + 1;
        if (fault) yield { line: recordLine, fields, problem: fault.reason, problemField: fault.field };
        else if (!(fields.length === 1 && fields[0] === '')) yield { line: recordLine, fields };
        fault = null;
        fields = [];
        line++;
        recordLine = line;
        if (c === 13) pendingCr = true;
      } else if (c === 34 && field === '' && i === start) {
        quoted = true;
        start = i + 1;
      }
    }
    if (quoted && !afterQuote) field += text.slice(start);
    else if (!quoted) field += text.slice(start);
    if (field.length > MAX_FIELD_CHARS || fields.length > MAX_FIELDS) {
      // Not a CSV record (a binary file, a quote never closed, a file without line ends): stop here
      // rather than gather the rest of the file into one record.
      fields.push(field.slice(0, 100));
      yield { line: recordLine, fields, problem: field.length > MAX_FIELD_CHARS ? `a field over ${MAX_FIELD_CHARS} characters long${quoted ? ' (a quote never closed?)' : ''}` : `a record of over ${MAX_FIELDS} fields` };
      return;
    }
  }
  if (afterQuote) quoted = false;
  if (quoted) {
    // An opening quote never closed swallowed the rest of the file: say where it began.
    fields.push(field);
    yield { line: recordLine, fields, problem: 'a quoted field is never closed (a " is missing)' };
    return;
  }
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    if (fault) yield { line: recordLine, fields, problem: fault.reason, problemField: fault.field };
    else if (!(fields.length === 1 && fields[0] === '')) yield { line: recordLine, fields };
  }
}

/** A header row turned into a column lookup: `index('stop_id')` or -1 when the column is absent. */
export class CsvHeader {
  private readonly positions = new Map<string, number>();
  /** Names given more than once: which column a row's value is to be read from is not known. */
  readonly duplicates: string[] = [];
  constructor(readonly names: string[]) {
    names.forEach((raw, index) => {
      const name = raw.trim();
      if (name !== '' && this.positions.has(name)) this.duplicates.push(name);
      this.positions.set(name, index);
    });
  }
  index(name: string): number {
    return this.positions.get(name) ?? -1;
  }
  has(name: string): boolean {
    return this.positions.has(name);
  }
}
