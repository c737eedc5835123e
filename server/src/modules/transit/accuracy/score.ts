// The accuracy yardstick. A prediction counts when it was made 0-30 minutes before the actual arrival;
// its error is actual - predicted (positive: the bus came after the predicted time). Each horizon bucket
// has its own window, wider on the late side because a bus that comes later than announced costs a
// wait while one that comes earlier costs the bus. Also reported: the share within the reliable-accuracy
// bound of Caltrans' transit information study (-60 ln(T+1.3) .. +60 ln(T+1.5) seconds, T the horizon in
// minutes), within +-60 s and +-120 s, and the median absolute error.

export interface HorizonBucket { label: string; from: number; to: number; early: number; late: number }

/** Horizons in seconds [from, to); windows in seconds on error = actual - predicted. */
export const HORIZON_BUCKETS: HorizonBucket[] = [
  { label: '0-3 min', from: 0, to: 180, early: -60, late: 60 },
  { label: '3-6 min', from: 180, to: 360, early: -90, late: 120 },
  { label: '6-12 min', from: 360, to: 720, early: -150, late: 210 },
  { label: '12-30 min', from: 720, to: 1800, early: -240, late: 360 },
];

export const MAX_HORIZON_SECONDS = 1800;

export function bucketOf(horizonSeconds: number): number {
  if (!(horizonSeconds >= 0) || horizonSeconds > MAX_HORIZON_SECONDS) return -1;
  for (let i = 0; i < HORIZON_BUCKETS.length; i++) if (horizonSeconds < HORIZON_BUCKETS[i]!.to) return i;
  return HORIZON_BUCKETS.length - 1; // exactly 30 minutes belongs to the last bucket
}

/** The Caltrans reliable-accuracy bound at a horizon, seconds on error = actual - predicted. */
export function caltransBound(horizonSeconds: number): { early: number; late: number } {
  const minutes = horizonSeconds / 60;
  return { early: -60 * Math.log(minutes + 1.3), late: 60 * Math.log(minutes + 1.5) };
}

export interface BucketScore { label: string; count: number; withinWindow: number; share: number }

export interface AccuracyScore {
  count: number;
  /** Share within the window of each prediction's horizon bucket: the headline figure. */
  withinBuckets: number;
  buckets: BucketScore[];
  caltrans: number;
  within60: number;
  within120: number;
  medianAbsoluteError: number;
}

/** Collects scored predictions; feed it (horizon, error) pairs and read `score()`. */
export class AccuracyTally {
  private readonly bucketCounts = HORIZON_BUCKETS.map(() => ({ count: 0, within: 0 }));
  private caltrans = 0;
  private within60 = 0;
  private within120 = 0;
  private absoluteErrors: number[] = [];

  /** Adds a prediction; returns false (and counts nothing) when its horizon is outside 0-30 min. */
  add(actual: number, predicted: number, madeAt: number): boolean {
    const horizon = actual - madeAt;
    const bucket = bucketOf(horizon);
    if (bucket < 0) return false;
    const error = actual - predicted;
    const window = HORIZON_BUCKETS[bucket]!;
    const tally = this.bucketCounts[bucket]!;
    tally.count++;
    if (error >= window.early && error <= window.late) tally.within++;
    const bound = caltransBound(horizon);
    if (error >= bound.early && error <= bound.late) this.caltrans++;
    const absolute = Math.abs(error);
    if (absolute <= 60) this.within60++;
    if (absolute <= 120) this.within120++;
    this.absoluteErrors.push(absolute);
    return true;
  }

  score(): AccuracyScore {
    const count = this.absoluteErrors.length;
    const share = (part: number, whole: number) => (whole ? part / whole : NaN);
    const sorted = Float64Array.from(this.absoluteErrors).sort();
    const median = count === 0 ? NaN : count % 2 ? sorted[(count - 1) / 2]! : (sorted[count / 2 - 1]! + sorted[count / 2]!) / 2;
    return {
      count,
      withinBuckets: share(this.bucketCounts.reduce((sum, bucket) => sum + bucket.within, 0), count),
      buckets: HORIZON_BUCKETS.map((bucket, i) => ({ label: bucket.label, count: this.bucketCounts[i]!.count, withinWindow: this.bucketCounts[i]!.within, share: share(this.bucketCounts[i]!.within, this.bucketCounts[i]!.count) })),
      caltrans: share(this.caltrans, count),
      within60: share(this.within60, count),
      within120: share(this.within120, count),
      medianAbsoluteError: median,
    };
  }
}

/** Actual arrivals by trip and stop sequence; a trip id recurs every service day, so each key keeps a list. */
export class ActualArrivals {
  private readonly byKey = new Map<string, number[]>();
  size = 0;

  add(tripId: string, stopSequence: number, actual: number) {
    const key = `${tripId}|${stopSequence}`;
    const list = this.byKey.get(key);
    if (list) list.push(actual);
    else this.byKey.set(key, [actual]);
    this.size++;
  }

  /** The earliest actual arrival of the trip at the stop within 30 minutes after `madeAt`, or null. */
  find(tripId: string, stopSequence: number, madeAt: number): number | null {
    const list = this.byKey.get(`${tripId}|${stopSequence}`);
    if (!list) return null;
    let best: number | null = null;
    for (const actual of list) {
      if (actual >= madeAt && actual - madeAt <= MAX_HORIZON_SECONDS && (best === null || actual < best)) best = actual;
    }
    return best;
  }
}

const percent = (value: number) => (Number.isFinite(value) ? `${(value * 100).toFixed(1)}%` : '-');

/** A plain-text table: one row per predictor (or per day), the columns of the yardstick. */
export function formatScores(rows: Array<{ name: string; score: AccuracyScore }>): string {
  const header = ['', 'scored', 'in window', ...HORIZON_BUCKETS.map((bucket) => bucket.label), 'Caltrans', '±60 s', '±120 s', 'median |err|'];
  const body = rows.map(({ name, score }) => [
    name, String(score.count), percent(score.withinBuckets), ...score.buckets.map((bucket) => percent(bucket.share)),
    percent(score.caltrans), percent(score.within60), percent(score.within120), Number.isFinite(score.medianAbsoluteError) ? `${Math.round(score.medianAbsoluteError)} s` : '-',
  ]);
  const widths = header.map((_, column) => Math.max(...[header, ...body].map((row) => row[column]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((width, column) => (column === 0 ? '-'.repeat(width + 2) : `${'-'.repeat(width + 1)}:`)).join('|')}|`, ...body.map(line)].join('\n');
}
