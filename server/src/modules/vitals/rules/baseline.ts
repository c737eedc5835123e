// Robust seasonal baselines for the anomaly rule.
//
// Method: per series and per bucket, an exponentially weighted centre and an
// exponentially weighted mean absolute deviation (the scale), both learnt from
// residuals clipped to ±clip robust standard deviations (a Huber-type M-estimator
// run as a stochastic update).
//
// Why this and not a streaming median/MAD: quantile sketches need tens of numbers per
// bucket, and the frugal (sign-step) median needs a step size in the indicator's unit
// and converges slowly at one sample a week. The clipped EWMA needs three numbers per
// bucket, adapts its step to the data's own scale, and the clipping gives the
// robustness a median would: a single outlier moves the centre by at most
// alpha × clip × σ. With clip = 3 the clipping discards only 0.3 % of Gaussian mass, so
// √(π/2) × mean-absolute-deviation remains an unbiased estimate of σ.
//
// Buckets, most specific first: 168 hours of week, 24 hours of day, and one for all
// hours. Detection uses the most specific bucket with at least minSamples samples. The
// hour-of-day level exists because an hourly series puts one sample a week into each
// hour-of-week bucket (minSamples = 24 takes half a year) but one a day into each
// hour-of-day bucket; daily seasonality is learnt within a month, weekly within months.
//
// Layout: one Float32Array of BUCKETS × 3 per series, [count, centre − ref, scale] per
// bucket. Centres are stored relative to a per-series reference value (kept as a double)
// so float32 keeps enough precision for large-magnitude indicators (CNY 10k, population)
// whose variation is small relative to their level.

export const WEEK_BUCKETS = 168;
export const DAY_BUCKETS = 24;
/** Index of the all-hours bucket. */
export const ALL_BUCKET = WEEK_BUCKETS + DAY_BUCKETS;
export const BUCKETS = ALL_BUCKET + 1;
export const STRIDE = 3;
export const BASELINE_LENGTH = BUCKETS * STRIDE;

/** Samples before clipping is applied: a scale from fewer points is too noisy to clip against. */
const WARMUP = 4;
/** float32 holds integers exactly up to 2^24; beyond a million samples the count no longer matters. */
const COUNT_CAP = 1_000_000;
/** Mean absolute deviation of a Gaussian is σ·√(2/π). */
const MAD_TO_SIGMA = Math.sqrt(Math.PI / 2);

export interface BaselineParams {
  minSamples: number;
  k: number;
  alpha: number;
  clip: number;
  outlierWeight: number;
  minRelativeScale: number;
  minAbsoluteScale: number;
}

export function newBaseline(): Float32Array {
  return new Float32Array(BASELINE_LENGTH);
}

function sigmaOf(buf: Float32Array, i: number, ref: number, p: BaselineParams): number {
  const sigma = MAD_TO_SIGMA * buf[i + 2]!;
  const floor = Math.max(p.minRelativeScale * Math.abs(buf[i + 1]! + ref), p.minAbsoluteScale);
  return sigma > floor ? sigma : floor;
}

function learn(buf: Float32Array, i: number, d: number, ref: number, anomalous: boolean, p: BaselineParams): void {
  const n = buf[i]!;
  if (n === 0) {
    buf[i] = 1;
    buf[i + 1] = d;
    buf[i + 2] = 0;
    return;
  }
  const c = buf[i + 1]!;
  let r = d - c;
  if (n >= WARMUP) {
    const lim = p.clip * sigmaOf(buf, i, ref, p);
    if (r > lim) r = lim;
    else if (r < -lim) r = -lim;
  }
  // 1/(n+1) gives the plain mean while the bucket is young; alpha then bounds the memory.
  let w = 1 / (n + 1);
  if (w < p.alpha) w = p.alpha;
  if (anomalous) {
    // An incident must not teach the baseline that it is normal: it may only nudge the
    // centre (so a permanent level shift is eventually accepted) and never widens the scale.
    buf[i + 1] = c + w * p.outlierWeight * r;
  } else {
    buf[i + 1] = c + w * r;
    // The scale has seen one residual fewer than the centre (the first sample has none).
    let ws = 1 / n;
    if (ws < p.alpha) ws = p.alpha;
    const s = buf[i + 2]!;
    buf[i + 2] = s + ws * ((r < 0 ? -r : r) - s);
  }
  buf[i] = n < COUNT_CAP ? n + 1 : n;
}

/**
 * Scores `value` against the most specific trusted bucket, then learns it into the
 * hour-of-week, hour-of-day and all-hours buckets (unless `teach` is false: a value
 * learnt before, seen again). Returns the robust z-score, or NaN while no bucket has
 * minSamples samples.
 */
export function scoreAndLearn(
  buf: Float32Array,
  ref: number,
  hourOfWeek: number,
  value: number,
  p: BaselineParams,
  teach = true,
): number {
  const d = value - ref;
  const iWeek = hourOfWeek * STRIDE;
  const iDay = (WEEK_BUCKETS + (hourOfWeek % 24)) * STRIDE;
  const iAll = ALL_BUCKET * STRIDE;
  let i = -1;
  if (buf[iWeek]! >= p.minSamples) i = iWeek;
  else if (buf[iDay]! >= p.minSamples) i = iDay;
  else if (buf[iAll]! >= p.minSamples) i = iAll;
  let z = NaN;
  if (i >= 0) z = (d - buf[i + 1]!) / sigmaOf(buf, i, ref, p);
  if (!teach) return z;
  const anomalous = z > p.k || z < -p.k;
  learn(buf, iWeek, d, ref, anomalous, p);
  learn(buf, iDay, d, ref, anomalous, p);
  learn(buf, iAll, d, ref, anomalous, p);
  return z;
}

/** Centre of the bucket used for detection at this hour, for messages; NaN if none is trusted. */
export function expectedValue(buf: Float32Array, ref: number, hourOfWeek: number, minSamples: number): number {
  const iWeek = hourOfWeek * STRIDE;
  const iDay = (WEEK_BUCKETS + (hourOfWeek % 24)) * STRIDE;
  const iAll = ALL_BUCKET * STRIDE;
  if (buf[iWeek]! >= minSamples) return buf[iWeek + 1]! + ref;
  if (buf[iDay]! >= minSamples) return buf[iDay + 1]! + ref;
  if (buf[iAll]! >= minSamples) return buf[iAll + 1]! + ref;
  return NaN;
}

// Serialisation: base64 of little-endian float32s, ~3 KB per series instead of the
// ~10 KB a JSON number array would take, and byte-order independent.

export function encodeBaseline(buf: Float32Array): string {
  const bytes = new Uint8Array(buf.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < buf.length; i++) view.setFloat32(i * 4, buf[i]!, true);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Returns null if the text is not a baseline of the current layout or holds non-finite numbers. */
export function decodeBaseline(text: string): Float32Array | null {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.byteLength !== BASELINE_LENGTH * 4) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const buf = newBaseline();
  for (let i = 0; i < BASELINE_LENGTH; i++) {
    const v = view.getFloat32(i * 4, true);
    if (!Number.isFinite(v)) return null;
    buf[i] = v;
  }
  for (let i = 0; i < BASELINE_LENGTH; i += STRIDE) {
    if (buf[i]! < 0 || buf[i + 2]! < 0) return null;
  }
  return buf;
}

/**
 * The baseline moved to a clock `hours` ahead (local = old local + hours): what the hour-of-week
 * bucket h learnt belongs to bucket h + hours, and likewise for the hours of the day; the all-hours
 * bucket stays. A city whose time-zone setting changes keeps its learnt rhythm this way: the morning
 * peak learnt at "00:00" under UTC is the one at 08:00 in Asia/Shanghai.
 */
export function shiftBaselineHours(buf: Float32Array, hours: number): Float32Array {
  const out = newBaseline();
  const move = (from: number, to: number) => out.set(buf.subarray(from * STRIDE, (from + 1) * STRIDE), to * STRIDE);
  const mod = (n: number, m: number) => ((n % m) + m) % m;
  for (let h = 0; h < WEEK_BUCKETS; h++) move(h, mod(h + hours, WEEK_BUCKETS));
  for (let h = 0; h < DAY_BUCKETS; h++) move(WEEK_BUCKETS + h, WEEK_BUCKETS + mod(h + hours, DAY_BUCKETS));
  move(ALL_BUCKET, ALL_BUCKET);
  return out;
}
