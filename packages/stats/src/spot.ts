import { StatsConfigError, asObject, num, numArray, rejectUnknownKeys, requireNumber } from './errors.js';
import { fitGpdGrimshaw, fitGpdMoments } from './gpd.js';
import type { GpdFit } from './gpd.js';

/**
 * SPOT and DSPOT: streaming thresholds from extreme value theory (A. Siffer, P.-A. Fouque,
 * A. Termier, C. Largouët, "Anomaly Detection in Streams with Extreme Value Theory", KDD 2017).
 *
 * Calibration: the first `calibrationSize` values are kept; the initial threshold t is their
 * `initialLevel` empirical quantile (rank ⌊level·(n−1)⌋), the excesses over t are the peaks, and
 * a GPD (σ, γ) fitted to them gives the alarm threshold for risk q (paper eq. 1):
 *   z_q = t + (σ/γ)·((q·n/N_t)^(−γ) − 1)   (γ ≠ 0),    z_q = t − σ·ln(q·n/N_t)   (γ = 0)
 * where n counts the values seen and N_t the peaks. Streaming (Algorithm 1): a value above z_q
 * is an alarm and is not learnt; a value in (t, z_q] becomes a peak and the fit is redone; other
 * values only increment n.
 *
 * Bounded: only the last `maxPeaks` peaks are kept (a ring), and the fit uses those, so the cost
 * of a refit is O(maxPeaks) (moments) or O(maxPeaks·grid) (Grimshaw) and happens only on peaks
 * (about (1 − level) of the values). Cost per non-peak update: O(1).
 * Memory: maxPeaks + 8 numbers after calibration (calibrationSize numbers during it).
 * Only the upper tail is modelled; feed −x for the lower tail.
 */
export interface SpotOptions {
  /** Risk q: target probability of a value above the threshold. Default 1e-4. */
  q?: number;
  /** Quantile of the calibration values used as the initial threshold t. Default 0.98. */
  initialLevel?: number;
  /** Values used for calibration. Default 1000. */
  calibrationSize?: number;
  /** Peaks kept for the fit (ring buffer). Default 64. */
  maxPeaks?: number;
  /** GPD fit: 'grimshaw' (maximum likelihood) or 'moments'. Default 'grimshaw'. */
  fit?: 'grimshaw' | 'moments';
}

export const SPOT_DEFAULTS: Required<SpotOptions> = Object.freeze({ q: 1e-4, initialLevel: 0.98, calibrationSize: 1000, maxPeaks: 64, fit: 'grimshaw' });

export interface SpotStep {
  /** True when x exceeded the threshold in force before it arrived. */
  alarm: boolean;
  /** Threshold in force when x arrived (NaN during calibration). */
  threshold: number;
}

export class Spot {
  readonly options: Readonly<Required<SpotOptions>>;
  /** Values seen (n in the paper), alarms excluded. */
  n = 0;
  /** Peaks seen in total (N_t). */
  nPeaks = 0;
  /** Initial threshold t. */
  t = NaN;
  /** Current alarm threshold z_q. */
  zq = NaN;
  gpd: GpdFit = { gamma: 0, sigma: 0 };
  private calib: number[] | null = [];
  private peaks: Float64Array;
  private peakHead = 0;

  constructor(options: SpotOptions = {}) {
    rejectUnknownKeys(options, Object.keys(SPOT_DEFAULTS), 'Spot');
    const o = { ...SPOT_DEFAULTS, ...options };
    requireNumber('q', o.q, 0, 1, { minExclusive: true });
    requireNumber('initialLevel', o.initialLevel, 0, 1, { minExclusive: true });
    if (o.initialLevel >= 1) throw new StatsConfigError('initialLevel', o.initialLevel, 'must be < 1');
    requireNumber('calibrationSize', o.calibrationSize, 10, 1e7, { integer: true });
    requireNumber('maxPeaks', o.maxPeaks, 2, 1e6, { integer: true });
    if (o.fit !== 'grimshaw' && o.fit !== 'moments') throw new StatsConfigError('fit', o.fit, "must be 'grimshaw' or 'moments'");
    this.options = Object.freeze(o);
    this.peaks = new Float64Array(o.maxPeaks);
  }

  get calibrated(): boolean {
    return this.calib === null;
  }

  /** Current threshold (NaN during calibration). */
  threshold(): number {
    return this.zq;
  }

  update(x: number): SpotStep {
    if (this.calib !== null) {
      this.calib.push(x);
      if (this.calib.length >= this.options.calibrationSize) this.calibrate();
      return { alarm: false, threshold: NaN };
    }
    const zq = this.zq;
    if (x > zq) return { alarm: true, threshold: zq };
    this.n++;
    if (x > this.t) {
      this.addPeak(x - this.t);
      this.refit();
    }
    return { alarm: false, threshold: zq };
  }

  /**
   * Estimated P(X > x) from the fit (paper eq. before (1)): (N_t/n)·(1 + γ(x − t)/σ)^(−1/γ) above
   * t, N_t/n at or below t (the fit says nothing finer there). NaN during calibration. O(1).
   */
  tailProbability(x: number): number {
    if (this.calib !== null) return NaN;
    const base = this.n > 0 ? this.nPeaks / this.n : 1;
    if (!(x > this.t)) return base;
    const { gamma, sigma } = this.gpd;
    if (!(sigma > 0)) return 0;
    const y = x - this.t;
    if (Math.abs(gamma) < 1e-12) return base * Math.exp(-y / sigma);
    const z = 1 + (gamma * y) / sigma;
    if (!(z > 0)) return 0;
    return base * Math.pow(z, -1 / gamma);
  }

  private calibrate(): void {
    const values = (this.calib as number[]).slice().sort((a, b) => a - b);
    this.calib = null;
    this.n = values.length;
    this.t = values[Math.floor(this.options.initialLevel * (values.length - 1))];
    for (const v of values) if (v > this.t) this.addPeak(v - this.t);
    this.refit();
  }

  private addPeak(y: number): void {
    this.peaks[this.peakHead] = y;
    this.peakHead = (this.peakHead + 1) % this.options.maxPeaks;
    this.nPeaks++;
  }

  private refit(): void {
    const k = Math.min(this.nPeaks, this.options.maxPeaks);
    if (k === 0) {
      this.gpd = { gamma: 0, sigma: 0 };
      this.zq = this.t;
      return;
    }
    this.gpd = this.options.fit === 'moments' ? fitGpdMoments(this.peaks, k) : fitGpdGrimshaw(this.peaks, k);
    this.zq = spotThreshold(this.t, this.gpd, this.options.q, this.n, this.nPeaks);
  }

  toJSON(): SpotJSON {
    return {
      options: { ...this.options },
      n: this.n,
      nPeaks: this.nPeaks,
      t: this.calibrated ? this.t : null,
      calib: this.calib === null ? null : this.calib.slice(),
      peaks: Array.from(this.peaks.subarray(0, Math.min(this.nPeaks, this.options.maxPeaks))),
      peakHead: this.peakHead,
      // z_q is refitted only when a peak arrives (with n at that time): store it, don't recompute.
      gamma: this.gpd.gamma,
      sigma: this.gpd.sigma,
      zq: this.calibrated ? this.zq : null,
    };
  }

  static fromJSON(json: unknown): Spot {
    const o = asObject(json, 'Spot');
    const s = new Spot(asObject(o.options, 'Spot.options'));
    s.n = num(o, 'n', 'Spot');
    s.nPeaks = num(o, 'nPeaks', 'Spot');
    s.peakHead = num(o, 'peakHead', 'Spot');
    s.peaks.set(numArray(o, 'peaks', 'Spot'));
    if (o.calib === null) {
      s.calib = null;
      s.t = num(o, 't', 'Spot');
      s.gpd = { gamma: num(o, 'gamma', 'Spot'), sigma: num(o, 'sigma', 'Spot') };
      s.zq = num(o, 'zq', 'Spot');
    } else {
      s.calib = numArray(o, 'calib', 'Spot').slice();
    }
    return s;
  }
}

export interface SpotJSON {
  options: Required<SpotOptions>;
  n: number;
  nPeaks: number;
  t: number | null;
  calib: number[] | null;
  peaks: number[];
  peakHead: number;
  gamma: number;
  sigma: number;
  zq: number | null;
}

/** Paper eq. (1): the quantile of risk q given the GPD fit of the N_t peaks over t among n values. */
export function spotThreshold(t: number, fit: GpdFit, q: number, n: number, nPeaks: number): number {
  const r = (q * n) / nPeaks;
  if (Math.abs(fit.gamma) < 1e-12) return t - fit.sigma * Math.log(r);
  return t + (fit.sigma / fit.gamma) * (Math.pow(r, -fit.gamma) - 1);
}

/**
 * DSPOT (paper §4.2): SPOT on the residual x − M, where M is the mean of the last `depth`
 * values that were not alarms (a ring buffer), which follows drift. Cost O(1) plus SPOT's.
 * Memory: depth + SPOT's. Alarms are not learnt, neither by SPOT nor by the moving mean.
 */
export interface DspotOptions extends SpotOptions {
  /** Window of the moving mean. Default 10. */
  depth?: number;
}

export class Dspot {
  readonly depth: number;
  readonly spot: Spot;
  private window: Float64Array;
  private head = 0;
  private filled = 0;
  private sum = 0;

  constructor(options: DspotOptions = {}) {
    const { depth = 10, ...spotOptions } = options;
    this.depth = requireNumber('depth', depth, 1, 1e6, { integer: true });
    this.spot = new Spot(spotOptions);
    this.window = new Float64Array(this.depth);
  }

  /** Moving mean of the last `depth` accepted values (NaN before any). */
  localMean(): number {
    return this.filled === 0 ? NaN : this.sum / this.filled;
  }

  update(x: number): SpotStep {
    if (this.filled < this.depth) {
      this.push(x);
      return { alarm: false, threshold: NaN };
    }
    const m = this.sum / this.filled;
    const step = this.spot.update(x - m);
    if (!step.alarm) this.push(x);
    return { alarm: step.alarm, threshold: Number.isNaN(step.threshold) ? NaN : step.threshold + m };
  }

  private push(x: number): void {
    if (this.filled === this.depth) this.sum -= this.window[this.head];
    else this.filled++;
    this.window[this.head] = x;
    this.sum += x;
    this.head = (this.head + 1) % this.depth;
  }

  toJSON(): { depth: number; spot: SpotJSON; window: number[]; head: number; filled: number; sum: number } {
    return { depth: this.depth, spot: this.spot.toJSON(), window: Array.from(this.window.subarray(0, this.filled)), head: this.head, filled: this.filled, sum: this.sum };
  }

  static fromJSON(json: unknown): Dspot {
    const o = asObject(json, 'Dspot');
    const spot = Spot.fromJSON(o.spot);
    const d = new Dspot({ ...spot.options, depth: num(o, 'depth', 'Dspot') });
    (d as { spot: Spot }).spot = spot;
    d.window.set(numArray(o, 'window', 'Dspot'));
    d.head = num(o, 'head', 'Dspot');
    d.filled = num(o, 'filled', 'Dspot');
    d.sum = num(o, 'sum', 'Dspot');
    return d;
  }
}
