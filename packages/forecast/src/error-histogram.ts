/**
 * Exponentially forgetting histogram of standardised forecast errors z = error / scale.
 *
 * Why: prediction intervals are read from the empirical distribution of past errors (the
 * "empirical intervals" of Williams & Goodman 1971; Hyndman & Athanasopoulos, FPP3 §5.5
 * "bootstrapped residuals"), which needs no normality assumption and follows the skew of bursty
 * workloads. Errors are standardised by the series' own running error scale, so one bounded
 * histogram serves every horizon (the shape is shared, the scale is per horizon) and the
 * result is invariant to the unit of the series.
 *
 * Buckets are uniform in asinh(z): about 0.14 σ wide near zero and growing with |z|, so tails of
 * 50 σ still land in a bucket. Forgetting uses growing weights (w_n = 2^(n / halfLife)) and a
 * rare rescale, as the Kubernetes VPA's decaying histogram does, so an update costs O(1).
 *
 * Memory: `buckets` Float32 weights (64 → 256 bytes) and three numbers. The weights may live at
 * an offset of a caller's Float32Array (a forecaster keeps all its arrays in one buffer), so a
 * histogram adds no typed-array view of its own per series.
 */
export const HISTOGRAM_BUCKETS = 64;

export interface ErrorHistogramJSON {
  weights: number[];
  weight: number;
  total: number;
}
const ASINH_RANGE = Math.asinh(50);
const RESCALE_AT = 1e30;

export class ErrorHistogram {
  private readonly w: Float32Array;
  private readonly o: number;
  private readonly n: number;
  private weight = 1;
  private readonly growth: number;
  total = 0;

  /**
   * `halfLife`: number of updates after which an error counts half (Infinity: no forgetting).
   * `store`: the array holding the buckets at `offset` (a caller's buffer; `buckets` of them), or
   * a bucket count (own storage).
   */
  constructor(halfLife: number, store: Float32Array | number = HISTOGRAM_BUCKETS, offset = 0, buckets = HISTOGRAM_BUCKETS) {
    if (typeof store === 'number') {
      this.w = new Float32Array(store);
      this.o = 0;
      this.n = store;
    } else {
      if (offset < 0 || offset + buckets > store.length) throw new Error(`forecast: histogram of ${buckets} buckets at ${offset} does not fit a store of ${store.length}`);
      this.w = store;
      this.o = offset;
      this.n = buckets;
    }
    this.growth = Number.isFinite(halfLife) ? 2 ** (1 / halfLife) : 1;
  }

  /** The bucket weights (a copy-free view; for inspection, not the hot path). */
  get weights(): Float32Array {
    return this.w.subarray(this.o, this.o + this.n);
  }

  static bucketOf(z: number, buckets: number): number {
    const u = (Math.asinh(z) + ASINH_RANGE) / (2 * ASINH_RANGE);
    const b = Math.floor(u * buckets);
    return b < 0 ? 0 : b >= buckets ? buckets - 1 : b;
  }

  /** Lower edge of bucket b in z units. */
  static edge(b: number, buckets: number): number {
    return Math.sinh((b / buckets) * 2 * ASINH_RANGE - ASINH_RANGE);
  }

  add(z: number): void {
    if (!Number.isFinite(z)) return;
    this.addToBucket(ErrorHistogram.bucketOf(z, this.n));
  }

  /** Weight of bucket b. */
  bucket(b: number): number {
    return this.w[this.o + b];
  }

  /**
   * Adds one observation to bucket b (0 <= b < buckets), with the current forgetting weight: for
   * a caller that maps its values to buckets itself (the forecaster's histogram of recent values).
   */
  addToBucket(b: number): void {
    const n = this.n, w = this.w, o = this.o;
    w[o + b] += this.weight;
    this.total += this.weight;
    this.weight *= this.growth;
    if (this.weight > RESCALE_AT) {
      const f = 1 / this.weight;
      for (let i = 0; i < n; i++) w[o + i] *= f;
      this.total *= f;
      this.weight = 1;
    }
  }

  /**
   * Moves every weight s buckets down (s > 0) or up (s < 0); the weights that would fall off an end
   * join the end bucket, so the total is unchanged. A histogram whose buckets are a sliding window
   * of value ranges moves with it.
   */
  shift(s: number): void {
    const n = this.n, w = this.w, o = this.o;
    if (!Number.isInteger(s) || s === 0) return;
    if (s > 0) {
      let low = 0;
      for (let b = 0; b <= Math.min(s, n - 1); b++) low += w[o + b];
      for (let b = 1; b < n; b++) w[o + b] = b + s < n ? w[o + b + s] : 0;
      w[o] = low;
    } else {
      const t = -s;
      let high = 0;
      for (let b = Math.max(n - 1 - t, 0); b < n; b++) high += w[o + b];
      for (let b = n - 2; b >= 0; b--) w[o + b] = b - t >= 0 ? w[o + b - t] : 0;
      w[o + n - 1] = high;
    }
  }

  /**
   * Quantile p of the standardised errors: the bucket where the cumulative weight reaches p,
   * interpolated linearly in asinh space inside it. NaN while empty.
   */
  quantile(p: number): number {
    const n = this.n;
    if (!(this.total > 0)) return NaN;
    const target = p * this.total;
    let cum = 0;
    for (let b = 0; b < n; b++) {
      const w = this.w[this.o + b];
      if (w > 0 && cum + w >= target) {
        const frac = (target - cum) / w;
        const u = ((b + frac) / n) * 2 * ASINH_RANGE - ASINH_RANGE;
        return Math.sinh(u);
      }
      cum += w;
    }
    return ErrorHistogram.edge(n, n);
  }

  /** P(Z <= z) under the histogram (linear inside a bucket in asinh space). */
  cdf(z: number): number {
    const n = this.n, w = this.w, o = this.o;
    if (!(this.total > 0)) return NaN;
    const u = ((Math.asinh(z) + ASINH_RANGE) / (2 * ASINH_RANGE)) * n;
    if (u <= 0) return 0;
    if (u >= n) return 1;
    const b = Math.floor(u);
    let cum = 0;
    for (let i = 0; i < b; i++) cum += w[o + i];
    cum += w[o + b] * (u - b);
    return cum / this.total;
  }

  /** A snapshot CDF with O(1) evaluation (cumulative weights computed once). */
  cdfFunction(): (z: number) => number {
    const n = this.n;
    const weights = this.w.slice(this.o, this.o + n); // a snapshot, as the cumulative sums are
    const cum = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) cum[i + 1] = cum[i] + weights[i];
    const total = cum[n];
    return (z: number): number => {
      if (!(total > 0)) return NaN;
      const u = ((Math.asinh(z) + ASINH_RANGE) / (2 * ASINH_RANGE)) * n;
      if (u <= 0) return 0;
      if (u >= n) return 1;
      const b = Math.floor(u);
      return (cum[b] + weights[b] * (u - b)) / total;
    };
  }

  toJSON(): ErrorHistogramJSON {
    return { weights: Array.from(this.weights), weight: this.weight, total: this.total };
  }

  /**
   * Loads toJSON() output into this histogram; throws on a mismatch. A state with twice the
   * buckets (written before the forecast-error histograms went from 64 to 32) is merged pairwise:
   * bucket edges are uniform in asinh, so bucket b of n is buckets 2b and 2b+1 of 2n.
   */
  restore(j: ErrorHistogramJSON): void {
    if (j && Array.isArray(j.weights) && j.weights.length === 2 * this.n) {
      j = { ...j, weights: Array.from({ length: this.n }, (_, b) => j.weights[2 * b] + j.weights[2 * b + 1]) };
    }
    if (!j || !Array.isArray(j.weights) || j.weights.length !== this.n || !(j.weight > 0) || !(j.total >= 0)) {
      throw new Error(`forecast: error histogram state must hold ${this.n} weights, a weight > 0 and a total >= 0`);
    }
    this.w.set(j.weights, this.o);
    this.weight = j.weight;
    this.total = j.total;
  }
}
