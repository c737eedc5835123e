// What the learned biases share: the running mean they learn with and the bands of horizon they are kept
// for. Apart from history.ts so that the pair bias (pair-bias.ts), which the model keeps, can use them too
// without an import cycle.

/** Never forget faster than this: the newest sample weighs at least this much in a bias's running mean. */
export const MIN_BIAS_WEIGHT = 0.02;

/** The weight of a running mean's newest sample, its `count`th. */
export const biasWeight = (count: number) => Math.max(1 / count, MIN_BIAS_WEIGHT);

/** A learned mean shrunk toward zero by `strength` samples' worth of it: few samples, little trust. */
export const shrunkMean = (mean: number, count: number, strength: number) => (count > 0 ? (mean * count) / (count + strength) : 0);

/** A running mean that forgets slowly (the newest sample weighs at least MIN_BIAS_WEIGHT). */
export class RunningMean {
  constructor(public mean = 0, public count = 0) {}
  add(sample: number) {
    this.count++;
    this.mean += biasWeight(this.count) * (sample - this.mean);
  }
}

/**
 * Upper ends (seconds of predicted horizon) of the bands a stop's banded bias is kept for, one more band
 * beyond the last: the accuracy windows' steps.
 */
export const HORIZON_BANDS = [180, 360, 720];
export const bandOf = (horizon: number) => {
  let band = 0;
  while (band < HORIZON_BANDS.length && horizon >= HORIZON_BANDS[band]!) band++;
  return band;
};
