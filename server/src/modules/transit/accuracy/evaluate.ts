// Scoring files: predictions (the replay's CSV) against actual arrivals (a CSV, or derived from positions),
// overall and per local day of the prediction.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { csvRecords, CsvHeader } from '../gtfs/csv.js';
import { TransitError, TransitErrorCode } from '../errors.js';
import type { ZoneClock } from '../gtfs/time.js';
import { formatDayNumber } from '../gtfs/time.js';
import { AccuracyTally, ActualArrivals, type AccuracyScore } from './score.js';

async function* rowsOf(file: string, required: string[], code: TransitErrorCode): AsyncGenerator<{ line: number; get: (column: string) => string }> {
  let input: NodeJS.ReadableStream = fs.createReadStream(file);
  if (file.endsWith('.gz')) input = input.pipe(zlib.createGunzip());
  let header: CsvHeader | null = null;
  for await (const { line, fields, problem } of csvRecords(input as AsyncIterable<Buffer>)) {
    if (problem) throw new TransitError(code, `${file}:${line}: ${problem}`, [{ name: `${line}`, reason: problem }]);
    if (!header) {
      header = new CsvHeader(fields);
      for (const column of required) {
        if (!header.has(column)) throw new TransitError(code, `${file}:1 ${column}: required column is missing`, [{ name: `1/${column}`, reason: 'required column is missing' }]);
      }
      continue;
    }
    const h = header;
    yield { line, get: (column) => fields[h.index(column)] ?? '' };
  }
}

function seconds(file: string, line: number, column: string, text: string, code: TransitErrorCode): number {
  const value = Number(text);
  if (text === '' || !Number.isFinite(value)) throw new TransitError(code, `${file}:${line} ${column}: "${text}" is not POSIX seconds`, [{ name: `${line}/${column}`, reason: 'not POSIX seconds' }]);
  return value;
}

/** Reads actual arrivals: trip_id, stop_sequence, stop_id, actual_arrival (POSIX seconds). */
export async function readActuals(file: string): Promise<ActualArrivals> {
  const actuals = new ActualArrivals();
  const code = TransitErrorCode.InvalidPredictions;
  for await (const { line, get } of rowsOf(file, ['trip_id', 'stop_sequence', 'actual_arrival'], code)) {
    actuals.add(get('trip_id'), seconds(file, line, 'stop_sequence', get('stop_sequence'), code), seconds(file, line, 'actual_arrival', get('actual_arrival'), code));
  }
  return actuals;
}

export interface FileScore {
  overall: AccuracyScore;
  byDay: Array<{ day: string; score: AccuracyScore }>;
  /** Per route, the most missed announcements first (when the tally knows each trip's route). */
  byRoute: Array<{ routeId: string; score: AccuracyScore }>;
  rows: number;
  matched: number;
}

/** Which predictions are scored: those made on or after a local day, or after an instant (POSIX seconds). */
export interface ScoredFrom { day?: number; time?: number }

/** Collects scores overall, per local day (of the time the prediction was made) and, given `routeOf`, per route. */
export class DailyTally {
  readonly overall = new AccuracyTally();
  private readonly days = new Map<number, AccuracyTally>();
  private readonly routes = new Map<string, AccuracyTally>();
  rows = 0;
  matched = 0;
  constructor(
    private readonly actuals: ActualArrivals,
    private readonly clock: ZoneClock | null,
    private readonly from: ScoredFrom = {},
    private readonly routeOf: ((tripId: string) => string | undefined) | null = null,
  ) {}

  add(madeAt: number, tripId: string, stopSequence: number, predicted: number) {
    this.rows++;
    const day = this.clock ? this.clock.localDay(madeAt) : Math.floor(madeAt / 86_400);
    if (day < (this.from.day ?? -Infinity) || madeAt < (this.from.time ?? -Infinity)) return;
    const actual = this.actuals.find(tripId, stopSequence, madeAt);
    if (actual === null) return;
    let tally = this.days.get(day);
    if (!tally) this.days.set(day, tally = new AccuracyTally());
    if (tally.add(actual, predicted, madeAt)) {
      this.overall.add(actual, predicted, madeAt);
      this.matched++;
      const routeId = this.routeOf?.(tripId);
      if (routeId !== undefined) {
        let route = this.routes.get(routeId);
        if (!route) this.routes.set(routeId, route = new AccuracyTally());
        route.add(actual, predicted, madeAt);
      }
    }
  }

  result(): FileScore {
    return {
      overall: this.overall.score(),
      byDay: [...this.days].sort((a, b) => a[0] - b[0]).map(([day, tally]) => ({ day: formatDayNumber(day), score: tally.score() })),
      byRoute: [...this.routes].map(([routeId, tally]) => ({ routeId, score: tally.score() }))
        .sort((a, b) => missed(b.score) - missed(a.score) || a.routeId.localeCompare(b.routeId)),
      rows: this.rows,
      matched: this.matched,
    };
  }
}

/** Predictions outside their window: what a route costs passengers (a small route's share alone says little). */
const missed = (score: AccuracyScore) => Math.round(score.count * (1 - (score.withinBuckets || 0)));

/** Scores a predictions CSV (made_at, trip_id, stop_sequence, stop_id, predicted_arrival, vehicle_id). */
export async function scorePredictionsFile(file: string, actuals: ActualArrivals, clock: ZoneClock | null, from: ScoredFrom = {}, routeOf: ((tripId: string) => string | undefined) | null = null): Promise<FileScore> {
  const tally = new DailyTally(actuals, clock, from, routeOf);
  const code = TransitErrorCode.InvalidPredictions;
  for await (const { line, get } of rowsOf(file, ['made_at', 'trip_id', 'stop_sequence', 'predicted_arrival'], code)) {
    tally.add(
      seconds(file, line, 'made_at', get('made_at'), code),
      get('trip_id'),
      seconds(file, line, 'stop_sequence', get('stop_sequence'), code),
      seconds(file, line, 'predicted_arrival', get('predicted_arrival'), code),
    );
  }
  return tally.result();
}
