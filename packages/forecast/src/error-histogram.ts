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
 * Memory: `buckets` Float32 weights (32 → 128 bytes) and three numbers.
 */
export const HISTOGRAM_BUCKETS = 32;

export interface ErrorHistogramJSON {
  weights: number[];
  weight: number;
  total: number;
}
const ASINH_RANGE = Math.asinh(50);
const RESCALE_AT = 1e30;

export class ErrorHistogram {
  readonly weights: Float32Array;
  private weight = 1;
  private readonly growth: number;
  total = 0;

  /**
   * `halfLife`: number of updates after which an error counts half (Infinity: no forgetting).
   * `weights`: storage for the buckets (a view into a caller's buffer), or a bucket count.
   */
  constructor(halfLife: number, weights: Float32Array | number = HISTOGRAM_BUCKETS) {
    this.weights = typeof weights === 'number' ? new Float32Array(weights) : weights;
    this.growth = Number.isFinite(halfLife) ? 2 ** (1 / halfLife) : 1;
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
    const n = this.weights.length;
    this.weights[ErrorHistogram.bucketOf(z, n)] += this.weight;
    this.total += this.weight;
    this.weight *= this.growth;
    if (this.weight > RESCALE_AT) {
      const f = 1 / this.weight;
      for (let i = 0; i < n; i++) this.weights[i] *= f;
      this.total *= f;
      this.weight = 1;
    }
  }

  /**
   * Quantile p of the standardised errors: the bucket where the cumulative weight reaches p,
   * interpolated linearly in asinh space inside it. NaN while empty.
   */
  quantile(p: number): number {
    const n = this.weights.length;
    if (!(this.total > 0)) return NaN;
    const target = p * this.total;
    let cum = 0;
    for (let b = 0; b < n; b++) {
      const w = this.weights[b];
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
    const n = this.weights.length;
    if (!(this.total > 0)) return NaN;
    const u = ((Math.asinh(z) + ASINH_RANGE) / (2 * ASINH_RANGE)) * n;
    if (u <= 0) return 0;
    if (u >= n) return 1;
    const b = Math.floor(u);
    let cum = 0;
    for (let i = 0; i < b; i++) cum += this.weights[i];
    cum += this.weights[b] * (u - b);
    return cum / this.total;
  }

  /** A snapshot CDF with O(1) evaluation (cumulative weights computed once). */
  cdfFunction(): (z: number) => number {
    const n = this.weights.length;
    const cum = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) cum[i + 1] = cum[i] + this.weights[i];
    const total = cum[n];
    return (z: number): number => {
      if (!(total > 0)) return NaN;
      const u = ((Math.asinh(z) + ASINH_RANGE) / (2 * ASINH_RANGE)) * n;
      if (u <= 0) return 0;
      if (u >= n) return 1;
      const b = Math.floor(u);
      return (cum[b] + this.weights[b] * (u - b)) / total;
    };
  }

  toJSON(): ErrorHistogramJSON {
    return { weights: Array.from(this.weights), weight: this.weight, total: this.total };
  }

  /** Loads toJSON() output into this histogram (same bucket count); throws on a mismatch. */
  restore(j: ErrorHistogramJSON): void {
    if (!j || !Array.isArray(j.weights) || j.weights.length !== this.weights.length || !(j.weight > 0) || !(j.total >= 0)) {
      throw new Error(`forecast: error histogram state must hold ${this.weights.length} weights, a weight > 0 and a total >= 0`);
    }
    this.weights.set(j.weights);
    this.weight = j.weight;
    this.total = j.total;
  }
}
