/**
 * The Kubernetes Vertical Pod Autoscaler's default recommender target, online, as the baseline
 * Vigil's right-sizing is compared with (kubernetes/autoscaler, vertical-pod-autoscaler/pkg/
 * recommender: flags target-cpu-percentile 0.9, recommendation-margin-fraction 0.15,
 * cpu/memory-histogram-decay-half-life 24h, memory-aggregation-interval 24h x count 8,
 * pod-recommendation-min-cpu-millicores 25, pod-recommendation-min-memory-mb 250).
 *
 * CPU: a decaying histogram of usage (cores), buckets from 0.01 core growing 5 % to 1000 cores,
 * each sample weighted max(request cores, 0.1) * 2^((t - reference) / halfLife).
 * Memory: the peak of each 24-hour interval before the origin, weighted 2^-i for the i-th
 * interval back, in a bytes histogram from 10 MB growing 5 % to 1 TB. Target: the end of the
 * bucket where the cumulative weight reaches 90 %, times 1.15, at least the minimum.
 * Memory: the CPU histogram (~330 Float64 buckets) and a ring of hourly peaks (8 days, 192 values).
 */
export const VPA_DEFAULTS = Object.freeze({
  percentile: 0.9,
  margin: 0.15,
  halfLifeSec: 86400,
  minCpuCores: 0.025,
  minMemoryBytes: 250 * 1024 * 1024,
  memoryIntervalSec: 86400,
  memoryIntervals: 8,
  minSampleWeight: 0.1,
});

export class ExponentialHistogram {
  readonly weights: Float64Array;
  private readonly ratio: number;

  constructor(private readonly first: number, max: number, growth = 0.05) {
    this.ratio = 1 + growth;
    const n = Math.ceil(Math.log((max * (this.ratio - 1)) / first + 1) / Math.log(this.ratio)) + 1;
    this.weights = new Float64Array(n);
  }

  bucketStart(b: number): number {
    return b === 0 ? 0 : (this.first * (this.ratio ** b - 1)) / (this.ratio - 1);
  }

  add(v: number, w: number): void {
    const r = this.ratio;
    const b = v < this.first ? 0 : Math.min(this.weights.length - 1, Math.floor(Math.log((v * (r - 1)) / this.first + 1) / Math.log(r)));
    this.weights[b] += w;
  }

  scale(f: number): void {
    for (let i = 0; i < this.weights.length; i++) this.weights[i] *= f;
  }

  clear(): void {
    this.weights.fill(0);
  }

  /** End of the bucket where the cumulative weight reaches p (VPA's Percentile); 0 when empty. */
  percentile(p: number): number {
    const w = this.weights;
    let total = 0;
    let lo = -1;
    let hi = -1;
    for (let i = 0; i < w.length; i++) if (w[i] > 0) { total += w[i]; if (lo < 0) lo = i; hi = i; }
    if (lo < 0) return 0;
    let sum = 0;
    let b = lo;
    for (; b < hi; b++) { sum += w[b]; if (sum >= p * total) break; }
    return b < w.length - 1 ? this.bucketStart(b + 1) : this.bucketStart(b);
  }
}

/** VPA CPU target from usage samples in cores. */
export class VpaCpu {
  private readonly hist = new ExponentialHistogram(0.01, 1000);
  private reference = NaN;

  add(tSec: number, usageCores: number, requestCores: number): void {
    if (!Number.isFinite(usageCores) || !Number.isFinite(tSec)) return;
    if (Number.isNaN(this.reference)) this.reference = tSec;
    // Keep weights finite: move the reference forward, rescaling what is stored (VPA does the same).
    if ((tSec - this.reference) / VPA_DEFAULTS.halfLifeSec > 100) {
      const shift = tSec - this.reference;
      this.hist.scale(2 ** (-shift / VPA_DEFAULTS.halfLifeSec));
      this.reference = tSec;
    }
    const w = Math.max(requestCores, VPA_DEFAULTS.minSampleWeight) * 2 ** ((tSec - this.reference) / VPA_DEFAULTS.halfLifeSec);
    this.hist.add(usageCores, w);
  }

  targetCores(): number {
    return Math.max(this.hist.percentile(VPA_DEFAULTS.percentile) * (1 + VPA_DEFAULTS.margin), VPA_DEFAULTS.minCpuCores);
  }
}

/** VPA memory target from usage samples in bytes: peaks of the 8 24-hour intervals before the origin. */
export class VpaMemory {
  private readonly hourlyPeak: Float64Array;
  private readonly hourlyBin: Float64Array;
  private readonly hist = new ExponentialHistogram(1e7, 1e12);
  private readonly hours: number;

  constructor() {
    this.hours = (VPA_DEFAULTS.memoryIntervals * VPA_DEFAULTS.memoryIntervalSec) / 3600;
    this.hourlyPeak = new Float64Array(this.hours).fill(-Infinity);
    this.hourlyBin = new Float64Array(this.hours).fill(-Infinity);
  }

  add(tSec: number, bytes: number): void {
    if (!Number.isFinite(bytes) || !Number.isFinite(tSec)) return;
    const K = Math.ceil(tSec / 3600);
    const r = K % this.hours;
    if (this.hourlyBin[r] !== K) { this.hourlyBin[r] = K; this.hourlyPeak[r] = -Infinity; }
    if (bytes > this.hourlyPeak[r]) this.hourlyPeak[r] = bytes;
  }

  /** Target at `originSec` (a whole hour): intervals (o - 24h(i+1), o - 24h i], weight 2^-i. */
  targetBytes(originSec: number): number {
    const Ko = Math.floor(originSec / 3600);
    const per = VPA_DEFAULTS.memoryIntervalSec / 3600;
    this.hist.clear();
    for (let i = 0; i < VPA_DEFAULTS.memoryIntervals; i++) {
      let peak = -Infinity;
      for (let h = 0; h < per; h++) {
        const K = Ko - i * per - h;
        const r = ((K % this.hours) + this.hours) % this.hours;
        if (this.hourlyBin[r] === K && this.hourlyPeak[r] > peak) peak = this.hourlyPeak[r];
      }
      if (peak > -Infinity) this.hist.add(peak, 2 ** (-(i * VPA_DEFAULTS.memoryIntervalSec) / VPA_DEFAULTS.halfLifeSec));
    }
    return Math.max(this.hist.percentile(VPA_DEFAULTS.percentile) * (1 + VPA_DEFAULTS.margin), VPA_DEFAULTS.minMemoryBytes);
  }
}
