import { StatsConfigError, asObject, num, numArray, rejectUnknownKeys, requireNumber, internOptions } from './errors.js';
import { normalSf } from './normal.js';

/**
 * Anomaly likelihood in the manner of Numenta's HTM post-processor (S. Ahmad, A. Lavin,
 * S. Purdy, Z. Agha, "Unsupervised real-time anomaly detection for streaming data",
 * Neurocomputing 262, 2017, §4): a raw score r_t is averaged over a short window (W values);
 * the distribution of those averages is modelled by a Gaussian; the likelihood is
 * L_t = 1 − Q((avg_t − μ)/σ) with Q the normal upper tail; and the log transform
 * ln(1 − L_t + 1e-10)/ln(1e-10) maps it to [0, 1], so that only very improbable averages near 1
 * (L = 1 − 1e-5 gives 0.5; the paper's alert threshold).
 *
 * Fixed memory, unlike the original (which keeps ~8,640 past averages): the averages of each
 * block of `refitEvery` values are accumulated with Welford; at the end of the learning period
 * the Gaussian is the fit of all averages so far, afterwards each block's mean and mean square
 * are blended in with weight `blend`, an exponential forgetting of about refitEvery/blend values
 * (100/0.0116 ≈ 8,600, the original history). σ is floored at `minStd` (the original floors
 * the variance at 0.0003, σ ≈ 0.0173, for raw scores in [0, 1]). Only the upper tail counts:
 * an unusually low raw score is not an anomaly.
 *
 * Before `learningPeriod` values the output is 0. Cost per update: O(1), one exp (erfc) and one
 * log. Memory: W + 10 numbers.
 */
export interface AnomalyLikelihoodOptions {
  /** Short moving-average window W. Default 10 (as the original). */
  averagingWindow?: number;
  /** Values before the first fit (score 0 meanwhile). Default 300. */
  learningPeriod?: number;
  /** Re-estimate the Gaussian every this many values. Default 100 (as the original). */
  refitEvery?: number;
  /** Weight of a new block in the Gaussian. Default 0.0116 (≈ 100/8640). */
  blend?: number;
  /** Floor for σ. Default 0.0173 (√0.0003). */
  minStd?: number;
}

export const ANOMALY_LIKELIHOOD_DEFAULTS: Required<AnomalyLikelihoodOptions> = Object.freeze({
  averagingWindow: 10,
  learningPeriod: 300,
  refitEvery: 100,
  blend: 0.0116,
  minStd: 0.0173,
});

const LN_1E_10 = Math.log(1e-10);

/** HTM's log transform of a likelihood L in [0, 1]: ln(1 − L + 1e-10)/ln(1e-10), in [0, 1]. */
export function logLikelihoodScore(tailProbability: number): number {
  const v = Math.log(tailProbability + 1e-10) / LN_1E_10;
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

export class AnomalyLikelihood {
  readonly options: Readonly<Required<AnomalyLikelihoodOptions>>;
  count = 0;
  /** Fitted Gaussian of the moving averages (valid once count ≥ learningPeriod). */
  mean = 0;
  std = 0;
  /** Last moving average and its tail probability. */
  lastAverage = 0;
  lastTail = 1;
  private ring: Float64Array;
  private ringHead = 0;
  private ringFilled = 0;
  private ringSum = 0;
  private blockCount = 0;
  private blockMean = 0;
  private blockM2 = 0;

  constructor(options: AnomalyLikelihoodOptions = {}) {
    rejectUnknownKeys(options, Object.keys(ANOMALY_LIKELIHOOD_DEFAULTS), 'AnomalyLikelihood');
    const o = { ...ANOMALY_LIKELIHOOD_DEFAULTS, ...options };
    requireNumber('averagingWindow', o.averagingWindow, 1, 1e5, { integer: true });
    requireNumber('learningPeriod', o.learningPeriod, 2, 1e9, { integer: true });
    requireNumber('refitEvery', o.refitEvery, 2, 1e9, { integer: true });
    requireNumber('blend', o.blend, 0, 1, { minExclusive: true });
    requireNumber('minStd', o.minStd, 0, Number.MAX_VALUE, { minExclusive: true });
    this.options = internOptions('AnomalyLikelihood', o);
    this.ring = new Float64Array(o.averagingWindow);
  }

  get ready(): boolean {
    return this.count >= this.options.learningPeriod;
  }

  /** Feeds a raw score; returns the log-likelihood score in [0, 1] (0 while learning). */
  update(raw: number): number {
    const w = this.options.averagingWindow;
    if (this.ringFilled === w) this.ringSum -= this.ring[this.ringHead];
    else this.ringFilled++;
    this.ring[this.ringHead] = raw;
    this.ringSum += raw;
    this.ringHead = this.ringHead + 1 === w ? 0 : this.ringHead + 1;
    const avg = this.ringSum / this.ringFilled;
    this.lastAverage = avg;

    let score = 0;
    let tail = 1;
    if (this.count >= this.options.learningPeriod) {
      // Score against the model fitted on the past only, then learn.
      const z = (avg - this.mean) / this.std;
      tail = normalSf(z);
      score = logLikelihoodScore(tail);
    }
    this.lastTail = tail;

    this.count++;
    this.blockCount++;
    const d = avg - this.blockMean;
    this.blockMean += d / this.blockCount;
    this.blockM2 += d * (avg - this.blockMean);
    const { learningPeriod, refitEvery, blend, minStd } = this.options;
    if (this.count === learningPeriod) {
      this.mean = this.blockMean;
      this.std = Math.max(minStd, Math.sqrt(this.blockM2 / this.blockCount));
      this.resetBlock();
    } else if (this.count > learningPeriod && this.blockCount === refitEvery) {
      const oldVar = this.std * this.std;
      const bVar = this.blockM2 / this.blockCount;
      // Blend first and second moments, then take the variance of the mixture.
      const m = (1 - blend) * this.mean + blend * this.blockMean;
      const ex2 = (1 - blend) * (oldVar + this.mean * this.mean) + blend * (bVar + this.blockMean * this.blockMean);
      this.mean = m;
      this.std = Math.max(minStd, Math.sqrt(Math.max(0, ex2 - m * m)));
      this.resetBlock();
    }
    return score;
  }

  private resetBlock(): void {
    this.blockCount = 0;
    this.blockMean = 0;
    this.blockM2 = 0;
  }

  toJSON(): AnomalyLikelihoodJSON {
    return {
      options: { ...this.options },
      count: this.count,
      mean: this.mean,
      std: this.std,
      lastAverage: this.lastAverage,
      lastTail: this.lastTail,
      ring: Array.from(this.ring),
      ringHead: this.ringHead,
      ringFilled: this.ringFilled,
      ringSum: this.ringSum,
      block: [this.blockCount, this.blockMean, this.blockM2],
    };
  }

  static fromJSON(json: unknown): AnomalyLikelihood {
    const o = asObject(json, 'AnomalyLikelihood');
    const a = new AnomalyLikelihood(asObject(o.options, 'AnomalyLikelihood.options'));
    a.count = num(o, 'count', 'AnomalyLikelihood');
    a.mean = num(o, 'mean', 'AnomalyLikelihood');
    a.std = num(o, 'std', 'AnomalyLikelihood');
    a.lastAverage = num(o, 'lastAverage', 'AnomalyLikelihood');
    a.lastTail = num(o, 'lastTail', 'AnomalyLikelihood');
    const ring = numArray(o, 'ring', 'AnomalyLikelihood');
    if (ring.length !== a.ring.length) throw new StatsConfigError('AnomalyLikelihood.ring', ring.length, `length must be ${a.ring.length}`);
    a.ring.set(ring);
    a.ringHead = num(o, 'ringHead', 'AnomalyLikelihood');
    a.ringFilled = num(o, 'ringFilled', 'AnomalyLikelihood');
    a.ringSum = num(o, 'ringSum', 'AnomalyLikelihood');
    const b = numArray(o, 'block', 'AnomalyLikelihood');
    a.blockCount = b[0];
    a.blockMean = b[1];
    a.blockM2 = b[2];
    return a;
  }
}

export interface AnomalyLikelihoodJSON {
  options: Required<AnomalyLikelihoodOptions>;
  count: number;
  mean: number;
  std: number;
  lastAverage: number;
  lastTail: number;
  ring: number[];
  ringHead: number;
  ringFilled: number;
  ringSum: number;
  block: number[];
}
