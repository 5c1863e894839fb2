import { logMeanExp, normalSf } from '@vigil/stats';
import type { BernoulliSprt } from './sprt.js';

/**
 * The memory-growth (leak) test of deployment verification: one more member of the saturation
 * family (saturation.ts) for each memory metric the history tests. A version whose memory grows
 * steadily after its warm-up — +1 %/min from the baseline's own level — stays under
 * 1.1 × the baseline's p95 for the first quarter of an hour, so the exceedance test cannot see it
 * before the deadline; this one tests the trend itself.
 *
 * Per version, not per instance: a sample carries its service, version and metric (and the metric
 * series' point attributes, which do not identify the process), so the candidate's samples of a
 * metric form one series; with several instances the block means below average over them.
 *
 * The statistic. After the warm-up (`warmupMs`, twice the CPU one: heaps and caches keep filling
 * after the JIT has settled) the candidate's samples are averaged in blocks of `blockMs` on a grid
 * from the end of the warm-up. The block means follow m_k = a + b·t_k + e_k, and the test is on the
 * slope b. Its null is practical: b ≤ b0 = (margin × p95 − p50) / `horizonMs`, the growth that takes
 * memory from the baseline's median to margin × its p95 within an hour; anything slower is not a
 * leak worth failing a deploy for. Each new block gives one recursive residual of the location
 * model (Brown, Durbin & Evans 1975): u_k = m_k − mean(m_1..m_{k−1}), with mean b·τ_k,
 * τ_k = t_k − mean(t_1..t_{k−1}), and variance σ²(1 + 1/(k−1)), independent across k for independent
 * block means — the slope's information arrives one block at a time and the intercept drops out.
 * A mixture over alternatives b0 + r·b0 (r in `ratios`) of their Gaussian likelihood ratios is a
 * non-negative martingale at b = b0 and a supermartingale below it, so 1 / its running maximum is an
 * always-valid p-value (Ville), which joins the check's Holm family like the exceedance tests'; the
 * deadline's final look adds the fixed-sample z-test of the OLS slope of all the blocks. A fail
 * also needs the practical side on the candidate's own data: its fitted level projected
 * `horizonMs` ahead above margin × the baseline's p95 (a gate on the point estimate, which only
 * removes rejections). A pass needs the Wald test of b0 against b1 = (margin × p95 − p50) /
 * `passHorizonMs` (growth reaching margin × p95 within 20 minutes) to accept, so a check does not
 * pass before a leak of that size is ruled out.
 *
 * Autocorrelation. A memory gauge is not a sequence of independent samples: a GC sawtooth rises
 * for tens of seconds and drops, and the level wanders with load for minutes; ordinary least
 * squares on the raw samples would call a rising half of a GC cycle a leak. Three things keep the
 * test honest about it. (1) Block means: a one-minute block spans one or more GC cycles, so the
 * sawtooth mostly averages out. (2) The block mean's noise σ is not estimated from the candidate
 * alone: it is the larger of the spread of the verified-good history's own one-minute block means
 * (HistoryBlocks: the stable versions' samples in event time, the last hour or so, without each
 * version's warm-up) and the candidate's residual spread about its fitted line, inflated by
 * (1 + ρ) / (1 − ρ), ρ the correlation of adjacent block means in the history — the long-run
 * variance of an AR(1) at block scale, so a level that wanders across blocks widens the test
 * instead of passing for a trend. A history too short to say (fewer than `minHistoryBlocks`
 * effective blocks) gives the marginal spread of its samples (an upper bound on any block mean's
 * spread) and ρ = `fallbackRho`. (3) The null is the practical boundary b0, not b = 0: a clean
 * deploy (b = 0) sits b0 inside the null, a cushion for what the AR(1) model misses. On the
 * simulator's slowly wandering memory (3 %, 95 s correlation time) the deadline z-statistic's
 * spread at b0 is 1.6 without the (1 + ρ) / (1 − ρ) correction and 0.84 with it; an earlier
 * estimator that centred each ten-minute epoch on its own mean understated σ and ρ and failed 2 of
 * 800 clean bench deploys on growth.
 *
 * Cost O(|ratios|) per block, O(1) per sample; state: about twenty numbers per memory metric (and
 * sixteen in the history).
 */
/**
 * The constants, and why.
 * Figures below: a seeded simulation of this statistic alone on 15-minute checks, 1000 series each.
 * - `blockMs` 60 s: longer than a busy service's GC cycle (tens of seconds) and six samples at a
 *   10 s export interval; at the SDKs' default 60 s interval a block is one sample. Two-minute
 *   blocks leave seven in a 15-minute check: +1 %/min under an 8 % GC sawtooth was found before the
 *   deadline in 85 % instead of 97 %.
 * - `warmupMs` 60 s, twice SATURATION_CHECK.warmupMs: a heap 50 % short at the start and filling
 *   with a 30 s time constant failed 8 % of clean series when the growth test started at 30 s, none
 *   at 60 s.
 * - `horizonMs` 1 h: the null, growth taking the baseline median to margin × p95 within an hour.
 * - `passHorizonMs` 20 min: a pass rules out growth reaching it within 20 minutes (b1 = 3 · b0);
 *   with 15 minutes (b1 = 4 · b0) 1.7 % of +1 %/min leaks passed early, with 20 minutes 0.2 %.
 * - `minBlocks` 3: no decision on fewer blocks (the first residual needs one earlier block, the
 *   candidate's own spread four).
 * - `minHistoryBlocks` 10 effective blocks, `historyHalfLifeBlocks` 60: the history's noise is
 *   the last hour or so of block means; under ten, the conservative fallback.
 * - `maxRho` 0.8 (inflation at most ×9 in variance), `fallbackRho` 0.6 (×4, the simulator's wander).
 * - `ratios`: the mixture's alternatives, b0 · (1 + r): from barely above the null to 33 × b0.
 */
export const MEMORY_GROWTH = Object.freeze({
  blockMs: 60_000,
  warmupMs: 60_000,
  horizonMs: 3_600_000,
  passHorizonMs: 1_200_000,
  minBlocks: 3,
  minHistoryBlocks: 10,
  historyHalfLifeBlocks: 60,
  maxRho: 0.8,
  fallbackRho: 0.6,
  /** The block noise never counts as less than this share of the baseline median (a constant history). */
  minRelSd: 0.005,
  ratios: Object.freeze<number[]>([0.5, 1, 2, 4, 8, 16, 32]),
});

/** What the verified-good history says about a memory metric (SaturationHistory.growthBaseline). */
export interface GrowthBaseline {
  p50: number;
  p95: number;
  /** margin × p95: the level a leak is projected to cross. */
  threshold: number;
  /** Spread of one block mean, and the lag-1 correlation of consecutive block means. */
  blockSd: number;
  rho: number;
  /** Degrees of freedom the two came from (0: the fallback from the marginal quantiles). */
  blocks: number;
}

/** The null boundary b0 and the pass alternative b1 (bytes per ms). */
export function growthRates(b: GrowthBaseline): { b0: number; b1: number } {
  const gap = Math.max(b.threshold - b.p50, 0.01 * Math.abs(b.p95), 1e-9);
  return { b0: gap / MEMORY_GROWTH.horizonMs, b1: gap / MEMORY_GROWTH.passHorizonMs };
}

// ---------------------------------------------------------------------------------------------
// The history's block statistics.

/** Exponentially weighted sums of the block means: Σw, Σw², Σw·m, Σw·m², and for adjacent pairs Σw, Σw·m_{k−1}·m_k, Σw·m_{k−1}, Σw·m_k. */
type BlockSums = [w: number, w2: number, s1: number, s2: number, wp: number, sxy: number, sx: number, sy: number];

export interface HistoryBlocksJSON {
  ref: number | null;
  origin: number | null;
  /** The open block: grid index, samples, Σ value − ref. */
  open: [number, number, number];
  /** The last closed block: its index and mean (null: none in this version's run yet). */
  last: [number, number | null];
  version: string | null;
  runStartMs: number | null;
  sums: BlockSums;
}

/**
 * One-minute block means of one memory metric of the verified-good history, in event time: their
 * spread about their mean and the correlation of adjacent ones, in exponentially weighted sums
 * (weights halving every `historyHalfLifeBlocks` blocks). One mean for all of it, not one per
 * version: a stable version whose level differs from the one before widens the spread (a less
 * sensitive test) rather than hiding wander inside short segments (short segments' own means
 * absorb a slow wander and understate both the spread and the correlation). Each version's first
 * `warmupMs` are skipped, as the candidate's are, and adjacent pairs never span a version change.
 * Values are kept relative to the first sample so the sums of squares do not cancel.
 * O(1) per sample; 16 numbers.
 */
export class HistoryBlocks {
  ref: number | null = null;
  origin: number | null = null;
  private idx = -1;
  private count = 0;
  private sum = 0;
  private lastIdx = -1;
  private lastMean: number | null = null;
  private version: string | null = null;
  private runStartMs: number | null = null;
  private sums: BlockSums = [0, 0, 0, 0, 0, 0, 0, 0];

  add(timeMs: number, value: number, version?: string): void {
    if (this.ref === null || this.origin === null) {
      this.ref = value;
      this.origin = timeMs;
    }
    if (version !== undefined && version !== this.version) {
      // A new version is a new process: its block grid goes on, its warm-up is skipped, and its
      // first block is not paired with the old version's last.
      if (this.count > 0) this.closeBlock();
      this.version = version;
      this.runStartMs = null;
      this.lastMean = null;
    }
    this.runStartMs ??= timeMs;
    if (timeMs < this.runStartMs + MEMORY_GROWTH.warmupMs) return;
    const idx = Math.floor((timeMs - this.origin) / MEMORY_GROWTH.blockMs);
    // A sample behind the open block (late, out of event-time order) is dropped.
    if (idx < this.idx) return;
    if (idx > this.idx) {
      if (this.count > 0) this.closeBlock();
      this.idx = idx;
      this.count = 0;
      this.sum = 0;
    }
    this.count++;
    this.sum += value - this.ref;
  }

  private closeBlock(): void {
    const m = this.sum / this.count;
    const s = this.sums;
    const decay = 2 ** (-1 / MEMORY_GROWTH.historyHalfLifeBlocks);
    for (let i = 0; i < s.length; i++) s[i] *= i === 1 ? decay * decay : decay;
    s[0] += 1;
    s[1] += 1;
    s[2] += m;
    s[3] += m * m;
    if (this.lastMean !== null && this.lastIdx === this.idx - 1) {
      s[4] += 1;
      s[5] += this.lastMean * m;
      s[6] += this.lastMean;
      s[7] += m;
    }
    this.lastIdx = this.idx;
    this.lastMean = m;
    this.count = 0;
    this.sum = 0;
  }

  /**
   * The spread of a block mean (weighted, with the small-sample correction of its effective
   * number of blocks), the correlation of adjacent block means, and the degrees of freedom
   * (effective blocks − 1); null under two blocks.
   */
  stats(): { df: number; sd: number; rho: number } | null {
    const [w, w2, s1, s2, wp, sxy, sx, sy] = this.sums;
    if (w < 2 || w2 <= 0) return null;
    const nEff = (w * w) / w2;
    if (nEff <= 1) return null;
    const mean = s1 / w;
    const variance = Math.max(0, ((s2 / w - mean * mean) * nEff) / (nEff - 1));
    const cov = wp > 0 ? sxy / wp - (mean * (sx + sy)) / wp + mean * mean : 0;
    return { df: nEff - 1, sd: Math.sqrt(variance), rho: variance > 0 ? cov / variance : 0 };
  }

  toJSON(): HistoryBlocksJSON {
    return {
      ref: this.ref, origin: this.origin, open: [this.idx, this.count, this.sum], last: [this.lastIdx, this.lastMean], version: this.version,
      runStartMs: this.runStartMs, sums: [...this.sums],
    };
  }

  static fromJSON(j: HistoryBlocksJSON): HistoryBlocks {
    const h = new HistoryBlocks();
    const nums = (xs: unknown, n: number, what: string): number[] => {
      if (!Array.isArray(xs) || xs.length !== n || xs.some((x) => typeof x !== 'number' || !Number.isFinite(x))) throw new Error(`HistoryBlocks: ${what} must hold ${n} numbers`);
      return xs as number[];
    };
    h.ref = j.ref;
    h.origin = j.origin;
    [h.idx, h.count, h.sum] = nums(j.open, 3, 'open');
    h.lastIdx = Number(j.last[0]);
    h.lastMean = j.last[1];
    h.version = j.version;
    h.runStartMs = j.runStartMs;
    h.sums = nums(j.sums, 8, 'sums') as BlockSums;
    return h;
  }
}

// ---------------------------------------------------------------------------------------------
// The candidate's test.

export interface MemoryGrowthJSON {
  origin: number;
  ref: number | null;
  /** The open block: grid index, samples, Σ time since origin, Σ value − ref. */
  open: [number, number, number, number];
  /** Closed blocks: k, Σt, Σm, Σt², Σtm, Σm², the last block's time. */
  sums: [number, number, number, number, number, number, number];
  logLr: number[];
  maxLog: number;
  ones: number;
}

/** The OLS line through the block means (times since origin, values absolute). */
export interface GrowthFit {
  k: number;
  /** Bytes (the metric's unit) per ms. */
  slope: number;
  /** The fitted level at the last block's time. */
  level: number;
  sxx: number;
  /** The residual spread of a block mean about the line (k ≥ 4), else null. */
  residSd: number | null;
}

export class MemoryGrowthTest {
  private ref: number | null = null;
  private idx = -1;
  private bn = 0;
  private bt = 0;
  private bv = 0;
  private k = 0;
  private sT = 0;
  private sM = 0;
  private sTT = 0;
  private sTM = 0;
  private sMM = 0;
  private lastT = 0;
  logLr: number[];
  /** Running maximum of the log mixture while the projection was above the threshold. */
  maxLog = 0;
  /** Blocks after which the projected level was above the threshold. */
  ones = 0;

  constructor(readonly originMs: number) {
    this.logLr = MEMORY_GROWTH.ratios.map(() => 0);
  }

  /** Closed blocks. */
  get n(): number {
    return this.k;
  }

  get pValue(): number {
    return Math.min(1, Math.exp(-this.maxLog));
  }

  /**
   * One sample of the candidate. `baseline` is asked for only when a block closes (the history's
   * quantiles are not free); `wald` is the slot's pass test.
   */
  observe(timeMs: number, value: number, baseline: () => GrowthBaseline | null, wald: BernoulliSprt): void {
    if (timeMs < this.originMs || !Number.isFinite(value)) return;
    if (this.ref === null) this.ref = value;
    const idx = Math.floor((timeMs - this.originMs) / MEMORY_GROWTH.blockMs);
    if (idx > this.idx) {
      if (this.bn > 0) this.closeBlock(baseline(), wald);
      this.idx = idx;
      this.bn = 0;
      this.bt = 0;
      this.bv = 0;
    }
    // A late sample (behind the open block) joins the open block: its time is averaged in.
    this.bn++;
    this.bt += timeMs - this.originMs;
    this.bv += value - this.ref;
  }

  private closeBlock(base: GrowthBaseline | null, wald: BernoulliSprt): void {
    const t = this.bt / this.bn;
    const m = this.bv / this.bn;
    if (this.k >= 1 && base) {
      const { b0, b1 } = growthRates(base);
      // Everything here was fixed before this block: its noise, b0 and b1 (a predictable step).
      const sd = this.noiseSd(base, this.fit(false));
      const tau = t - this.sT / this.k;
      const u = m - this.sM / this.k;
      const v = sd * sd * (1 + 1 / this.k);
      MEMORY_GROWTH.ratios.forEach((r, j) => {
        const d = r * b0;
        this.logLr[j] += (d * tau * (u - b0 * tau) - (d * d * tau * tau) / 2) / v;
      });
      wald.observeLogRatio(((b1 - b0) * tau * (u - ((b1 + b0) * tau) / 2)) / v);
    }
    this.k++;
    this.sT += t;
    this.sM += m;
    this.sTT += t * t;
    this.sTM += t * m;
    this.sMM += m * m;
    this.lastT = t;
    if (this.k >= MEMORY_GROWTH.minBlocks && base) {
      const f = this.fit(false);
      if (f && f.level + f.slope * MEMORY_GROWTH.horizonMs > base.threshold) {
        this.ones++;
        const lm = this.logMixture;
        if (lm > this.maxLog) this.maxLog = lm;
      }
    }
  }

  get logMixture(): number {
    return logMeanExp(this.logLr);
  }

  /** The noise of one block mean: see the header (history, candidate, AR(1) inflation, floor). */
  private noiseSd(base: GrowthBaseline, fit: GrowthFit | null): number {
    const rho = Math.min(MEMORY_GROWTH.maxRho, Math.max(0, base.rho));
    const sd = Math.max(base.blockSd, fit?.residSd ?? 0, MEMORY_GROWTH.minRelSd * Math.abs(base.p50));
    return sd * Math.sqrt((1 + rho) / (1 - rho));
  }

  /** The least-squares line through the closed blocks (and the open one: `withOpen`), or null under two blocks. */
  fit(withOpen: boolean): GrowthFit | null {
    let [k, sT, sM, sTT, sTM, sMM, lastT] = [this.k, this.sT, this.sM, this.sTT, this.sTM, this.sMM, this.lastT];
    if (withOpen && this.bn > 0) {
      const t = this.bt / this.bn;
      const m = this.bv / this.bn;
      k++;
      sT += t;
      sM += m;
      sTT += t * t;
      sTM += t * m;
      sMM += m * m;
      lastT = t;
    }
    if (k < 2 || this.ref === null) return null;
    const sxx = sTT - (sT * sT) / k;
    if (!(sxx > 0)) return null;
    const sxy = sTM - (sT * sM) / k;
    const syy = sMM - (sM * sM) / k;
    const slope = sxy / sxx;
    const residSd = k >= 4 ? Math.sqrt(Math.max(0, (syy - slope * sxy) / (k - 2))) : null;
    return { k, slope, level: this.ref + sM / k + slope * (lastT - sT / k), sxx, residSd };
  }

  /** The slot's pass: the Wald test accepted "no growth worth failing" after at least minBlocks blocks. */
  passes(wald: BernoulliSprt): boolean {
    return this.k >= MEMORY_GROWTH.minBlocks && wald.decision === 'pass';
  }

  /**
   * The final look at the deadline: the one-sided z-test of the OLS slope of every block (the
   * open one too) against b0, with the same noise, gated by the projection like the sequential test.
   */
  finalPValue(base: GrowthBaseline | null): number {
    const f = this.fit(true);
    if (!base || !f || f.k < MEMORY_GROWTH.minBlocks) return 1;
    if (f.level + f.slope * MEMORY_GROWTH.horizonMs <= base.threshold) return 1;
    const se = this.noiseSd(base, f) / Math.sqrt(f.sxx);
    return normalSf((f.slope - growthRates(base).b0) / se);
  }

  toJSON(): MemoryGrowthJSON {
    return {
      origin: this.originMs, ref: this.ref, open: [this.idx, this.bn, this.bt, this.bv],
      sums: [this.k, this.sT, this.sM, this.sTT, this.sTM, this.sMM, this.lastT], logLr: [...this.logLr], maxLog: this.maxLog, ones: this.ones,
    };
  }

  static fromJSON(j: MemoryGrowthJSON): MemoryGrowthTest {
    const finite = (xs: unknown, n: number, what: string): number[] => {
      if (!Array.isArray(xs) || xs.length !== n || xs.some((x) => typeof x !== 'number' || !Number.isFinite(x))) throw new Error(`MemoryGrowthTest: ${what} must hold ${n} numbers`);
      return xs as number[];
    };
    const g = new MemoryGrowthTest(Number(j.origin));
    g.ref = j.ref;
    [g.idx, g.bn, g.bt, g.bv] = finite(j.open, 4, 'open');
    [g.k, g.sT, g.sM, g.sTT, g.sTM, g.sMM, g.lastT] = finite(j.sums, 7, 'sums');
    g.logLr = finite(j.logLr, MEMORY_GROWTH.ratios.length, 'logLr');
    g.maxLog = Number(j.maxLog);
    g.ones = Number(j.ones);
    return g;
  }
}

/** Bytes in decimal units, three significant digits: 612 MB, 1.43 GB. */
export function formatBytes(x: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = Math.abs(x);
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  const digits = v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return `${x < 0 ? '-' : ''}${Number(v.toFixed(digits))} ${units[u]}`;
}
