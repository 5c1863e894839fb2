import { BoundedMeanSprt } from '@vigil/stats';
import type { BoundedMeanSprtJSON } from '@vigil/stats';

/**
 * Wald's sequential probability ratio test on a Bernoulli stream, H0: p = p0 against H1: p = p1
 * (p1 > p0). After each observation the log-likelihood ratio moves by log(p1/p0) for a 1 and by
 * log((1-p1)/(1-p0)) for a 0. Crossing upper = log((1-β)/α) rejects H0 (fail) with false-alarm
 * probability at most about α; crossing lower = log(β/(1-α)) accepts H0 (pass). Wald (1945),
 * "Sequential Tests of Statistical Hypotheses"; the bounds are his approximations, which err on
 * the conservative side. The test decides as soon as the data allow: a large regression crosses
 * the upper bound within a handful of errors.
 *
 * p0 and p1 may change between observations (the baseline is re-estimated as it grows); each
 * step uses the hypotheses in force at that moment. The statistic is clamped below at `lower`
 * minus a margin so a long clean run cannot bank unlimited credit against a later regression.
 * Cost O(1) per observation; state: three numbers.
 */
export class BernoulliSprt {
  llr = 0;
  n = 0;
  ones = 0;
  readonly upper: number;
  readonly lower: number;

  constructor(
    readonly alpha: number,
    readonly beta: number,
  ) {
    this.upper = Math.log((1 - beta) / alpha);
    this.lower = Math.log(beta / (1 - alpha));
  }

  /** Add `ones` successes out of `n` trials under hypotheses p0 < p1. */
  observe(ones: number, n: number, p0: number, p1: number): void {
    if (n <= 0) return;
    const a = clampP(p0);
    const b = Math.max(clampP(p1), a * 1.0001);
    this.llr += ones * Math.log(b / a) + (n - ones) * Math.log((1 - b) / (1 - a));
    // Keep the credit from a long clean run bounded (see above).
    this.llr = Math.max(this.llr, this.lower - 2);
    this.n += n;
    this.ones += ones;
  }

  /**
   * One step of any other log-likelihood ratio (H1 against H0) on the same bounds and the same
   * clamp — the memory-growth test's Gaussian one (memory-growth.ts) — counted as one observation.
   */
  observeLogRatio(step: number): void {
    if (!Number.isFinite(step)) return;
    this.llr = Math.max(this.llr + step, this.lower - 2);
    this.n++;
  }

  get decision(): 'fail' | 'pass' | 'undecided' {
    if (this.llr >= this.upper) return 'fail';
    if (this.llr <= this.lower) return 'pass';
    return 'undecided';
  }

  toJSON() {
    return { llr: this.llr, n: this.n, ones: this.ones, alpha: this.alpha, beta: this.beta };
  }

  static fromJSON(j: { llr: number; n: number; ones: number; alpha: number; beta: number }): BernoulliSprt {
    const s = new BernoulliSprt(j.alpha, j.beta);
    s.llr = j.llr;
    s.n = j.n;
    s.ones = j.ones;
    return s;
  }
}

function clampP(p: number): number {
  return Math.min(1 - 1e-9, Math.max(1e-9, p));
}

/** The Wilson score interval (Wilson 1927) of `ones` in `n` at z: [lower, upper]. */
function wilsonInterval(ones: number, n: number, z: number): [number, number] {
  const p = ones / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, (centre - margin) / (1 + z2 / n)), Math.min(1, (centre + margin) / (1 + z2 / n))];
}

/**
 * Wilson score interval upper bound for a proportion: a baseline error ratio estimated from few
 * requests is taken at its plausible worst, so noise in the baseline does not turn into false fails.
 */
export function wilsonUpper(ones: number, n: number, z = 2.326): number {
  return n <= 0 ? 1 : wilsonInterval(ones, n, z)[1];
}

/** Wilson score interval lower bound for a proportion: the rate a baseline plausibly has at least. */
export function wilsonLower(ones: number, n: number, z = 2.326): number {
  return n <= 0 ? 0 : wilsonInterval(ones, n, z)[0];
}

/**
 * The latency shift test of an operation (or of all, each request ranked among its own
 * operation's baseline): its sequential statistic is a bounded-mean betting test
 * (`@vigil/stats` BoundedMeanSprt) on each candidate request's mid-rank among the baseline's
 * latencies — the probability that it is slower than a baseline request, 1/2 on average when
 * nothing changed — against the null "at most m0". It also counts the requests slower than the
 * baseline median (`ones` of `n`): the exact binomial test of the final look and the evidence
 * read those, as they did when the median exceedance was the sequential statistic too.
 */
export interface ShiftTestJSON {
  mean: BoundedMeanSprtJSON;
  n: number;
  ones: number;
  m0: number;
}

export class ShiftTest {
  mean = new BoundedMeanSprt();
  n = 0;
  ones = 0;
  /** The last null boundary of the mean rank. */
  m0 = 0;

  /** One request: its mid-rank among the baseline, whether it is slower than the baseline median, the null boundary of the mean rank. */
  observe(rank: number, slower: 0 | 1, m0: number): void {
    this.mean.observe(rank, m0);
    this.m0 = m0;
    this.n++;
    this.ones += slower;
  }

  get maxLog(): number {
    return this.mean.maxLog;
  }

  get pValue(): number {
    return this.mean.pValue;
  }

  toJSON(): ShiftTestJSON {
    return { mean: this.mean.toJSON(), n: this.n, ones: this.ones, m0: this.m0 };
  }

  static fromJSON(j: ShiftTestJSON): ShiftTest {
    const s = new ShiftTest();
    s.mean = BoundedMeanSprt.fromJSON(j.mean);
    s.n = Number(j.n);
    s.ones = Number(j.ones);
    s.m0 = Number(j.m0);
    return s;
  }
}
