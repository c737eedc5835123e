// A trip's stop times as read from stop_times.txt, packed five numbers to a row in one typed array: a
// feed's rows are all held while they are checked and written, and as objects they took about 95 bytes
// each (the NYC subway's 565,000: 54 MB); packed, about 25. Stops are kept by number, their ids once.

/** One stop time: the stop_sequence, the stop, the times given (null where the stop is not a timepoint), the line read. */
export interface Call { sequence: number; stopId: string; arrival: number | null; departure: number | null; line: number }

/** The stop ids of a feed, numbered in the order added: what calls keep instead of the string. */
export class StopNumbers {
  readonly ids: string[] = [];
  private readonly numbers = new Map<string, number>();

  constructor(ids: Iterable<string> = []) {
    for (const id of ids) this.add(id);
  }

  add(id: string): number {
    let number = this.numbers.get(id);
    if (number === undefined) {
      number = this.ids.length;
      this.ids.push(id);
      this.numbers.set(id, number);
    }
    return number;
  }

  numberOf(id: string): number | undefined {
    return this.numbers.get(id);
  }
}

const FIELDS = 5;
const SEQUENCE = 0, STOP = 1, ARRIVAL = 2, DEPARTURE = 3, LINE = 4;
/** A time not given. GTFS times are never negative. */
const NONE = -1;
/** Rows a trip's array starts with: most trips have fewer stops; more double it. */
const FIRST_ROWS = 16;
/** stop_sequence and line numbers are kept as 32-bit integers. */
export const MAX_INT32 = 2 ** 31 - 1;

export class TripCalls {
  private rows = new Int32Array(FIRST_ROWS * FIELDS);
  length = 0;

  constructor(private readonly stops: StopNumbers) {}

  /** Adds a call whose stop is already numbered (the reader's path: no object per row). */
  add(sequence: number, stop: number, arrival: number | null, departure: number | null, line: number): void {
    if ((this.length + 1) * FIELDS > this.rows.length) {
      const grown = new Int32Array(this.rows.length * 2);
      grown.set(this.rows);
      this.rows = grown;
    }
    const at = this.length * FIELDS;
    this.rows[at + SEQUENCE] = sequence;
    this.rows[at + STOP] = stop;
    this.rows[at + ARRIVAL] = arrival ?? NONE;
    this.rows[at + DEPARTURE] = departure ?? NONE;
    this.rows[at + LINE] = line;
    this.length++;
  }

  /** Adds a call given whole (stored rows, tests); its stop is numbered if new. */
  push(call: Call): void {
    this.add(call.sequence, this.stops.add(call.stopId), call.arrival, call.departure, call.line);
  }

  sequence(i: number): number { return this.rows[i * FIELDS + SEQUENCE]!; }
  stopId(i: number): string { return this.stops.ids[this.rows[i * FIELDS + STOP]!]!; }
  line(i: number): number { return this.rows[i * FIELDS + LINE]!; }
  arrival(i: number): number | null { const time = this.rows[i * FIELDS + ARRIVAL]!; return time === NONE ? null : time; }
  departure(i: number): number | null { const time = this.rows[i * FIELDS + DEPARTURE]!; return time === NONE ? null : time; }

  /** The call at `i` as an object (for the writer and tests; the hot paths read the fields). */
  at(i: number): Call {
    return { sequence: this.sequence(i), stopId: this.stopId(i), arrival: this.arrival(i), departure: this.departure(i), line: this.line(i) };
  }

  *[Symbol.iterator](): Generator<Call> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }

  stopIds(): string[] {
    const ids = new Array<string>(this.length);
    for (let i = 0; i < this.length; i++) ids[i] = this.stopId(i);
    return ids;
  }

  sequences(): Int32Array {
    const sequences = new Int32Array(this.length);
    for (let i = 0; i < this.length; i++) sequences[i] = this.rows[i * FIELDS + SEQUENCE]!;
    return sequences;
  }

  /** Orders the calls by stop_sequence, keeping the order read among equal ones (a repeat is reported at its own line). */
  sortBySequence(): void {
    let sorted = true;
    for (let i = 1; i < this.length && sorted; i++) sorted = this.sequence(i) >= this.sequence(i - 1);
    if (sorted) return;
    const order = Array.from({ length: this.length }, (_, i) => i).sort((a, b) => this.sequence(a) - this.sequence(b));
    const rows = new Int32Array(this.length * FIELDS);
    order.forEach((from, to) => rows.set(this.rows.subarray(from * FIELDS, from * FIELDS + FIELDS), to * FIELDS));
    this.rows = rows;
  }
}
