/**
 * Always-valid sequential tests on counts.
 *
 * `MixtureSprt` tests a Bernoulli stream, H0: p ≤ p0 against "p is larger", with a mixture of
 * simple alternatives instead of one. Each component k has the alternative odds(p1) = odds(p0)·r_k
 * (r_k > 1); its likelihood ratio L_k = Π (p1/p0)^x ((1-p1)/(1-p0))^(1-x) is a martingale with
 * mean 1 when p = p0 and a supermartingale when p < p0 (the one-step mean p·p1/p0 + (1-p)(1-p1)/(1-p0)
 * is linear in p, equal to 1 at p0 and below 1 at 0). The equal-weight average of the components
 * is then a non-negative supermartingale under the whole composite null, so by Ville's inequality
 * P(sup_n Λ_n ≥ 1/α) ≤ α: the test may be looked at after every observation, stopped at any time,
 * and 1/max Λ is an always-valid p-value (Robbins 1970; Johari, Pekelis & Walsh 2017, "Always
 * valid inference"; Howard et al. 2021). A discrete mixture spreads the prior over effect sizes
 * from slight to gross, so a gross regression crosses the bound within a few events and a modest one
 * still does, later — no single alternative has to be guessed as Wald's SPRT requires. Counts, not
 * asymptotics: each step is the exact Bernoulli likelihood, so it holds at 3 requests as at 3 million.
 *
 * p0 may change between observations (a baseline that grows while the check runs): the property
 * above holds step by step as long as p0 is fixed before the observation it applies to.
 * Cost O(K) per observation (K components, 7 by default); state: K + 4 numbers.
 */
export const MIXTURE_ODDS_RATIOS: readonly number[] = Object.freeze([1.5, 2, 3, 5, 10, 30, 100]);

const LOG_EPS = 1e-12;

function clampP(p: number): number {
  return Math.min(1 - 1e-9, Math.max(1e-9, p));
}

/** p whose odds are `ratio` times the odds of p0. */
export function oddsShift(p0: number, ratio: number): number {
  const a = clampP(p0);
  const o = (a / (1 - a)) * ratio;
  return o / (1 + o);
}

export interface MixtureSprtJSON {
  logLr: number[];
  maxLog: number;
  n: number;
  ones: number;
}

export class MixtureSprt {
  /** Log likelihood ratio of each component. */
  logLr: number[];
  /** Running maximum of the log mixture (for the always-valid p-value). */
  maxLog = 0;
  n = 0;
  ones = 0;

  constructor(readonly ratios: readonly number[] = MIXTURE_ODDS_RATIOS) {
    this.logLr = ratios.map(() => 0);
  }

  /** Add `ones` events out of `n` trials under the null boundary p0. */
  observe(ones: number, n: number, p0: number): void {
    if (n <= 0) return;
    if (p0 !== this.stepP0) this.prepare(p0);
    for (let k = 0; k < this.ratios.length; k++) this.logLr[k] += ones * this.stepOne[k] + (n - ones) * this.stepZero[k];
    this.n += n;
    this.ones += ones;
    const m = this.logMixture;
    if (m > this.maxLog) this.maxLog = m;
  }

  // Per-component log-likelihood steps for the last p0 (a baseline that does not move between
  // observations costs no logarithms).
  private stepP0 = NaN;
  private stepOne: number[] = [];
  private stepZero: number[] = [];
  private prepare(p0: number): void {
    const a = clampP(p0);
    const la = Math.log(a);
    const l1a = Math.log(1 - a);
    this.stepOne = this.ratios.map((r) => Math.log(oddsShift(a, r)) - la);
    this.stepZero = this.ratios.map((r) => Math.log(1 - oddsShift(a, r)) - l1a);
    this.stepP0 = p0;
  }

  /** log of the equal-weight mixture of the components' likelihood ratios (log-sum-exp). */
  get logMixture(): number {
    return logMeanExp(this.logLr);
  }

  /** Always-valid p-value: P(sup Λ ≥ 1/p) ≤ p under H0. */
  get pValue(): number {
    return Math.min(1, Math.exp(-this.maxLog));
  }

  /** Rejects H0 at level α (at any time). */
  rejects(alpha: number): boolean {
    return this.maxLog >= Math.log(1 / alpha) - LOG_EPS;
  }

  toJSON(): MixtureSprtJSON {
    return { logLr: [...this.logLr], maxLog: this.maxLog, n: this.n, ones: this.ones };
  }

  static fromJSON(j: MixtureSprtJSON, ratios: readonly number[] = MIXTURE_ODDS_RATIOS): MixtureSprt {
    const s = new MixtureSprt(ratios);
    if (!Array.isArray(j.logLr) || j.logLr.length !== ratios.length) throw new Error(`MixtureSprt: logLr must hold ${ratios.length} numbers`);
    s.logLr = j.logLr.map(Number);
    s.maxLog = Number(j.maxLog);
    s.n = Number(j.n);
    s.ones = Number(j.ones);
    return s;
  }
}

/**
 * A two-sample test of error counts: is the candidate's error rate more than `tau` times the
 * baseline's? H0: λc ≤ τ·λb, with λb unknown and estimated from the baseline's own counts
 * instead of being plugged in at an upper bound. Errors are rare events, so each arm's count is
 * Poisson in its exposure (requests): eb errors in nb baseline requests, N in the candidate's s.
 * Given the total T = eb + N, the candidate's share is Binomial(T, π) with π = ρs / (nb + ρs)
 * for the rate ratio ρ — the conditional (exact) test of two Poisson rates (Przyborowski &
 * Wileński 1940; Lehmann & Romano, Testing Statistical Hypotheses, §4.6), which removes the
 * nuisance λb instead of bounding it. The statistic is the equal-weight mixture over alternatives
 * ρk = τ·rk (the same ratios as MixtureSprt) of the conditional likelihood ratio
 *   Bin(N; T, πρk) / Bin(N; T, πτ) = (ρk/τ)^N · ((nb + τs)/(nb + ρk·s))^T,
 * which is also the ratio of the Poisson likelihoods with λb integrated against the
 * scale-invariant prior dλ/λ. Sequentially it is a martingale under that mixture of nulls rather
 * than under every λb (Hendriksen, de Heide & Grünwald 2021 discuss when such Bayes factors keep
 * their guarantee under optional stopping); the running maximum is therefore an always-valid
 * p-value in the Bayesian sense, and the frequentist false-alarm rate of looking after every
 * request is checked by simulation at the boundary λc = τλb (sequential.test.ts; the verifier's
 * tolerance τ > 1 keeps clean deploys further inside the null). Counts, not asymptotics: exact at
 * 3 errors as at 3,000. The baseline may grow between observations (a canary): the statistic is a
 * function of the current four counts. Cost O(K) per observation; state: 3 numbers.
 */
export interface RateRatioSprtJSON {
  maxLog: number;
  n: number;
  ones: number;
}

/** log of the mixture statistic above (exported for the reference check). */
export function rateRatioLogMixture(baseErrors: number, baseRequests: number, errors: number, requests: number, tau: number, ratios: readonly number[] = MIXTURE_ODDS_RATIOS): number {
  if (baseRequests <= 0 || requests <= 0) return 0;
  const total = baseErrors + errors;
  const lNull = Math.log(baseRequests + tau * requests);
  let max = -Infinity;
  const terms = ratios.map((r) => {
    const l = errors * Math.log(r) + total * (lNull - Math.log(baseRequests + tau * r * requests));
    if (l > max) max = l;
    return l;
  });
  let sum = 0;
  for (const l of terms) sum += Math.exp(l - max);
  return max + Math.log(sum / ratios.length);
}

/**
 * log of a one-sample statistic for "the rate is below `ceiling`": the equal-weight mixture over
 * rates q = f·ceiling (f in `fractions`) of Bin(x; n, q) / Bin(x; n, ceiling), for `ones` events
 * in `n` trials. Per trial each term's factor has expectation p·f + (1 − p)(1 − q)/(1 − ceiling)
 * under a true rate p, which is 1 at p = ceiling and falls as p rises (q < ceiling): under any rate
 * at or above the ceiling the statistic is a non-negative supermartingale, and by Ville's
 * inequality it ever reaches log(1/β) with probability at most β. It needs no baseline errors:
 * 0 errors in 400 requests rule out a 1 % rate, where a test conditioned on the errors seen has
 * nothing to condition on. Fractions below 1 only; the default pair covers true rates near half
 * and near an eighth of the ceiling at a cost of log 2.
 */
export function rateBelowLogMixture(ones: number, n: number, ceiling: number, fractions: readonly number[] = RATE_BELOW_FRACTIONS): number {
  if (n <= 0 || ceiling <= 0 || ceiling >= 1) return 0;
  const lc = Math.log(ceiling);
  const l1c = Math.log1p(-ceiling);
  const terms = fractions.map((f) => ones * (Math.log(f * ceiling) - lc) + (n - ones) * (Math.log1p(-f * ceiling) - l1c));
  return logMeanExp(terms);
}

/** The rates below the ceiling that rateBelowLogMixture mixes over, as fractions of it. */
export const RATE_BELOW_FRACTIONS: readonly number[] = [0.5, 0.125];

export class RateRatioSprt {
  /** Running maximum of the log mixture. */
  maxLog = 0;
  /** Candidate requests and errors. */
  n = 0;
  ones = 0;
  /** The statistic after the last observation. */
  logMixture = 0;

  constructor(readonly ratios: readonly number[] = MIXTURE_ODDS_RATIOS) {}

  /** Add `ones` candidate errors out of `n` requests, against the baseline's current counts and tolerance τ. */
  observe(ones: number, n: number, baseErrors: number, baseRequests: number, tau: number): void {
    if (n <= 0) return;
    this.n += n;
    this.ones += ones;
    this.logMixture = rateRatioLogMixture(baseErrors, baseRequests, this.ones, this.n, tau, this.ratios);
    if (this.logMixture > this.maxLog) this.maxLog = this.logMixture;
  }

  get pValue(): number {
    return Math.min(1, Math.exp(-this.maxLog));
  }

  rejects(alpha: number): boolean {
    return this.maxLog >= Math.log(1 / alpha) - LOG_EPS;
  }

  toJSON(): RateRatioSprtJSON {
    return { maxLog: this.maxLog, n: this.n, ones: this.ones };
  }

  static fromJSON(j: RateRatioSprtJSON, ratios: readonly number[] = MIXTURE_ODDS_RATIOS): RateRatioSprt {
    const s = new RateRatioSprt(ratios);
    if (![j.maxLog, j.n, j.ones].every((x) => Number.isFinite(Number(x)))) throw new Error('RateRatioSprt: maxLog, n and ones must be numbers');
    s.maxLog = Number(j.maxLog);
    s.n = Number(j.n);
    s.ones = Number(j.ones);
    return s;
  }
}

/**
 * An always-valid test that the mean of observations in [0, 1] exceeds m0: H0 "mean ≤ m0" (the
 * observations' conditional means, each given the past, at most m0) against "it is larger", by
 * betting (Waudby-Smith & Ramdas 2023, "Estimating means of bounded random variables by
 * betting"; Shafer & Vovk's game-theoretic testing). Each component k multiplies its capital by
 * 1 + λk·(x − m0) per observation, λk = bk / m0 with bk in (0, 1), so the factor stays positive
 * for every x in [0, 1]; under H0 its conditional mean is 1 + λk·(E[x] − m0) ≤ 1, so each capital
 * and their equal-weight average are non-negative supermartingales, and by Ville's inequality
 * the average ever reaches 1/α with probability at most α — whatever the distribution in [0, 1].
 * It uses the whole value, not one bit of it: fed mid-ranks against a baseline (probabilities of
 * being slower than a baseline request, SketchRanks) it is a sequential one-sample analogue of
 * Mann-Whitney's test, which under a shift of a log-normal (σ 0.5) by ×1.3 needs about half the
 * requests a test of "slower than the baseline median" needs. Bets from small to bold cover
 * effects from slight to gross at a cost of log(K). m0 may change between observations (fixed
 * before each one). Cost O(K) per observation; state K + 3 numbers.
 */
export const BOUNDED_MEAN_BETS: readonly number[] = Object.freeze([0.15, 0.3, 0.6, 0.9]);

export interface BoundedMeanSprtJSON {
  logK: number[];
  maxLog: number;
  n: number;
  sum: number;
}

export class BoundedMeanSprt {
  /** log capital of each bet. */
  logK: number[];
  /** Running maximum of the log mixture (for the always-valid p-value). */
  maxLog = 0;
  n = 0;
  /** Sum of the observations (their mean is sum / n). */
  sum = 0;

  constructor(readonly bets: readonly number[] = BOUNDED_MEAN_BETS) {
    if (bets.length === 0 || bets.some((b) => !(b > 0 && b < 1))) throw new Error('BoundedMeanSprt: bets must be numbers in (0, 1)');
    this.logK = bets.map(() => 0);
  }

  /** Add one observation x in [0, 1] (clamped) under the null boundary m0 in (0, 1). */
  observe(x: number, m0: number): void {
    if (!Number.isFinite(x) || !(m0 > 0 && m0 < 1)) return;
    const v = Math.min(1, Math.max(0, x));
    for (let k = 0; k < this.bets.length; k++) this.logK[k] += Math.log1p((this.bets[k] / m0) * (v - m0));
    this.n++;
    this.sum += v;
    const m = logMeanExp(this.logK);
    if (m > this.maxLog) this.maxLog = m;
  }

  get mean(): number {
    return this.n > 0 ? this.sum / this.n : NaN;
  }

  /** Always-valid p-value: P(sup capital ≥ 1/p) ≤ p under H0. */
  get pValue(): number {
    return Math.min(1, Math.exp(-this.maxLog));
  }

  rejects(alpha: number): boolean {
    return this.maxLog >= Math.log(1 / alpha) - LOG_EPS;
  }

  toJSON(): BoundedMeanSprtJSON {
    return { logK: [...this.logK], maxLog: this.maxLog, n: this.n, sum: this.sum };
  }

  static fromJSON(j: BoundedMeanSprtJSON, bets: readonly number[] = BOUNDED_MEAN_BETS): BoundedMeanSprt {
    const s = new BoundedMeanSprt(bets);
    if (!Array.isArray(j.logK) || j.logK.length !== bets.length) throw new Error(`BoundedMeanSprt: logK must hold ${bets.length} numbers`);
    if (![j.maxLog, j.n, j.sum].every((x) => Number.isFinite(Number(x)))) throw new Error('BoundedMeanSprt: maxLog, n and sum must be numbers');
    s.logK = j.logK.map(Number);
    s.maxLog = Number(j.maxLog);
    s.n = Number(j.n);
    s.sum = Number(j.sum);
    return s;
  }
}

/**
 * Holm's step-down procedure (Holm 1979): the indices of the hypotheses rejected at family-wise
 * error rate α, for p-values valid under arbitrary dependence. The first step is Bonferroni
 * (min p ≤ α/m), so "anything rejected" is decided exactly as with Bonferroni; Holm only rejects
 * more of the rest. With always-valid p-values it may be applied at any stopping time.
 * `weights` (summing to 1, default equal) give a weighted Holm: hypothesis i is compared with
 * α·w_i / (sum of the weights not yet rejected).
 */
export function holmRejections(pValues: readonly number[], alpha: number, weights?: readonly number[]): number[] {
  const m = pValues.length;
  if (m === 0) return [];
  const w = weights ?? pValues.map(() => 1 / m);
  // Order by p/w (the weighted step-down order).
  const order = pValues.map((_, i) => i).sort((i, j) => pValues[i] / w[i] - pValues[j] / w[j] || i - j);
  let remaining = w.reduce((a, b) => a + b, 0);
  const out: number[] = [];
  for (const i of order) {
    if (pValues[i] <= (alpha * w[i]) / remaining) {
      out.push(i);
      remaining -= w[i];
    } else break;
  }
  return out;
}

/** log of the mean of exp(x) over `xs` (log-sum-exp, stable for large x): an equal-weight mixture of likelihood ratios given as logs. */
export function logMeanExp(xs: readonly number[]): number {
  let max = -Infinity;
  for (const l of xs) if (l > max) max = l;
  if (max === -Infinity) return -Infinity;
  let s = 0;
  for (const l of xs) s += Math.exp(l - max);
  return max + Math.log(s / xs.length);
}
