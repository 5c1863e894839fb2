import { DEFAULT_FORECASTER_CONFIG, type ForecasterConfig, forecasterConfig } from './config.js';
import { ErrorHistogram, type ErrorHistogramJSON, HISTOGRAM_BUCKETS } from './error-histogram.js';

/** One forecast step: the point (median-like) and the central 80 % and 95 % intervals. */
export interface ForecastStep {
  /** End of the target bin, Unix seconds (the bin covers (endSec - step, endSec]). */
  endSec: number;
  point: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
}

export interface Forecast {
  originSec: number;
  /** Next `shortHorizons` fine bins (the next hour in 5-minute steps by default). */
  short: ForecastStep[];
  /** Next `longHorizons` coarse bins (the next day in hours by default). */
  long: ForecastStep[];
}

// Standard-normal quantiles, used only until the error histograms hold data.
const Z = { q10: -1.2815515655446004, q90: 1.2815515655446004, q025: -1.959963984540054, q975: 1.959963984540054 };
// Mean absolute deviation of a standard normal (sqrt(2/pi)): converts a mean absolute error to a sigma.
const MAD_TO_SIGMA = 1.2533141373155001;

/**
 * Online forecaster of one series with daily and weekly seasonality, robust level and damped
 * trend, and empirical prediction intervals.
 *
 * Model (per series, two resolutions fed by the same samples):
 * - coarse (hourly): additive double-seasonal Holt-Winters in error-correction form (Taylor 2003,
 *   "Short-term electricity demand forecasting using double seasonal exponential smoothing",
 *   JORS 54) with a damped trend (Gardner & McKenzie 1985) and an AR(1) correction of the
 *   one-step error. The update uses the Huber-clipped error, clipped at huberK running mean
 *   absolute errors (robust Holt-Winters, Gelper, Fried & Croux 2010, J. Forecasting 29), so a
 *   spike moves the level and the seasonal profiles by at most alpha (resp. gamma) * huberK * scale.
 *   Seasonal gains start as running means (1 / cycles seen) and settle at gamma: the profile is
 *   usable after the first day instead of after 1/gamma days.
 *   Combined online with a multiplicative member (level x daily x weekly seasonal ratios, slow
 *   level, fed the same clipped values) and a seasonal naive one (the clipped value of the same
 *   hour on the latest day): the day-ahead point is the weighted mean of the three, weights proportional to each member's recent mean absolute h-step error (over horizons
 *   1..longHorizons) to the power -combinePower; with farWeights, horizons past one day (M4's
 *   25..48) have weights of their own, from the members' errors at those horizons. Forecast combination wins on average (Bates &
 *   Granger 1969; the M4 lesson, Makridakis et al. 2020); inverse-error weights adapt per series
 *   to which form of seasonality it has (Stock & Watson 2004, "Combination forecasts of output
 *   growth", J. Forecasting 23). One configuration; the weights are state.
 * - fine (5-minute): a robust local level on the values adjusted by the coarse seasonal profile,
 *   plus the last deviation from that level decaying as rhoFine^h (an ARMA(1,1)-like blend of
 *   naive and smoothed forecasts).
 * - intervals: each horizon keeps its own running mean absolute error (of the combination's
 *   forecasts made h steps earlier, reconstructed from a ring of past states; rate intervalRate); the standardised errors of all
 *   horizons of a block feed one forgetting histogram, whose quantiles scale each horizon's error.
 *
 * Samples are binned like the evaluation bins them: fine bin k holds (k-1)*step < t <= k*step, its
 * value the mean. A bin is final once a later sample arrives or `forecast(origin)` passes its end.
 * Samples flagged `learn = false` (anomalies, a deploy later rolled back) never enter a bin.
 *
 * Strictly online and bounded: no stored history beyond rings of `shortHorizons` fine and
 * `longHorizons` coarse states. Memory per series: stateBytes() (3,264 bytes of payload with the defaults; about 3.9-4.0 KB measured in V8).
 * Cost per sample: O(shortHorizons) on closing a fine bin, O(longHorizons) on closing a coarse one.
 * Pure: no clock, no randomness, no I/O. Scale invariant: forecasts of c*x are c times those of x.
 */
export class SeasonalForecaster {
  readonly config: Readonly<ForecasterConfig>;
  private readonly ratio: number; // fine bins per coarse bin

  // --- open bins
  private fineBin = -Infinity;
  private fineSum = 0;
  private fineCount = 0;
  private coarseBin = -Infinity;
  private coarseSum = 0;
  private coarseCount = 0;

  // --- coarse model
  private coarseN = 0;
  private level = 0;
  private trend = 0;
  private lastError = 0; // clipped one-step error, for the AR correction
  private coarseScale = 0; // running mean |one-step error|
  private lastCoarse = -Infinity; // index of the last final coarse bin
  // multiplicative member (seasonal ratios in dailyM / weeklyM) and the members' recent errors
  private levelM = 0;
  private errA = 0; // running mean |h-step error| of the additive member, over horizons 1..H
  private errM = 0; // the same for the multiplicative member
  private errS = 0; // the same for the seasonal naive member
  // ring of coarse states after each final bin: level, trend, last error, bin index
  private readonly longHist: ErrorHistogram;
  // Every array of the state lives in one ArrayBuffer: f (Float64) and g (Float32) at the offsets
  // of a layout shared by all series of a configuration (no per-array objects per series).
  private readonly f: Float64Array;
  private readonly g: Float32Array;
  private readonly L: Layout;

  // --- fine model
  private fineN = 0;
  private fineLevel = 0;
  private fineLast = 0; // last seasonally adjusted fine value
  private fineDevScale = 0; // running mean |z - fineLevel|
  private lastFine = -Infinity;
  private readonly shortHist: ErrorHistogram;

  // --- fine values against the day-ahead forecast (for right-sizing)
  private sampleCycle = 0;
  private readonly sampleHist: ErrorHistogram;
  // sizingBasis 'recent': the exponent of the recent-values window's top edge (-Infinity: no value > 0 yet).
  private recentTop = -Infinity;

  // Powers and damped sums for steps 0..max(horizons): the hot path does no Math.pow.
  private readonly rhoPow: Float64Array;
  private readonly arPow: Float64Array;
  private readonly phiPow: Float64Array;
  private readonly phiSum: Float64Array;
  private shortCycle = 0;

  /** Counters: samples accepted, rejected (non-finite or late), and withheld from learning. */
  readonly counts = { accepted: 0, rejected: 0, late: 0, withheld: 0 };

  constructor(config: Partial<ForecasterConfig> | Readonly<ForecasterConfig> = DEFAULT_FORECASTER_CONFIG) {
    this.config = forecasterConfig(config);
    const c = this.config;
    this.ratio = c.coarseStepSec / c.fineStepSec;
    this.L = layoutFor(c);
    const L = this.L;
    const buf = new ArrayBuffer(8 * L.f64Len + 4 * L.f32Len);
    this.f = new Float64Array(buf, 0, L.f64Len);
    this.g = new Float32Array(buf, 8 * L.f64Len, L.f32Len);
    this.g.fill(-Infinity, L.ringBin, L.ringBin + L.H);
    this.g.fill(-Infinity, L.fRingBin, L.fRingBin + L.S);
    this.g.fill(1, L.dailyM, L.dailyM + L.DM);
    this.g.fill(1, L.weeklyM, L.weeklyM + L.WM);
    this.g.fill(1, L.dFactorM, L.dFactorM + (c.combine ? L.HD : 0));
    this.longHist = new ErrorHistogram(c.histogramHalfLife, this.g, L.hists, ERROR_BUCKETS);
    this.shortHist = new ErrorHistogram(c.histogramHalfLife, this.g, L.hists + ERROR_BUCKETS, ERROR_BUCKETS);
    this.sampleHist = new ErrorHistogram(c.sizingBasis === 'recent' ? c.recentHalfLife : c.histogramHalfLife, this.g, L.hists + 2 * ERROR_BUCKETS, HISTOGRAM_BUCKETS);
    const t = powerTables(c);
    this.rhoPow = t.rhoPow;
    this.arPow = t.arPow;
    this.phiPow = t.phiPow;
    this.phiSum = t.phiSum;
  }

  private pow(table: Float64Array, base: number, s: number): number {
    return s < table.length ? table[s] : base ** s;
  }

  private damp(s: number): number {
    const c = this.config;
    return s < this.phiSum.length ? this.phiSum[s] : c.phi === 1 ? s : (c.phi * (1 - c.phi ** s)) / (1 - c.phi);
  }

  /**
   * Adds one sample at `tSec` (Unix seconds). `learn = false` withholds it from the model (an
   * anomaly, a deploy being rolled back) while time still advances. Returns false when rejected:
   * a non-finite value or time, or a sample for a bin already final (late).
   */
  update(tSec: number, value: number, learn = true): boolean {
    if (!Number.isFinite(tSec) || !Number.isFinite(value)) {
      this.counts.rejected++;
      return false;
    }
    const c = this.config;
    const k = Math.ceil(tSec / c.fineStepSec);
    if (k < this.fineBin) {
      this.counts.late++;
      return false;
    }
    // Bins are right-closed ((K-1)·step, K·step]: a sample exactly at a bin's end still belongs to
    // it, so only the bins that end strictly before this sample are final now.
    this.closeBins(tSec, false);
    if (k <= this.lastFine) {
      this.counts.late++;
      return false;
    }
    if (!learn) {
      this.counts.withheld++;
      return true;
    }
    this.counts.accepted++;
    if (k !== this.fineBin) {
      this.fineBin = k;
      this.fineSum = 0;
      this.fineCount = 0;
    }
    this.fineSum += value;
    this.fineCount++;
    const K = Math.ceil(tSec / c.coarseStepSec);
    if (K !== this.coarseBin) {
      this.coarseBin = K;
      this.coarseSum = 0;
      this.coarseCount = 0;
    }
    this.coarseSum += value;
    this.coarseCount++;
    return true;
  }

  /** Finalises the open bins that end at or before `tSec` (every sample up to tSec has been seen). */
  closeUntil(tSec: number): void {
    this.closeBins(tSec, true);
  }

  // Learns the open bins that end before tSec (or at it, when `inclusive`), and empties them.
  private closeBins(tSec: number, inclusive: boolean): void {
    const c = this.config;
    const ended = (endSec: number): boolean => (inclusive ? endSec <= tSec : endSec < tSec);
    if (this.fineCount > 0 && ended(this.fineBin * c.fineStepSec)) {
      this.learnFine(this.fineBin, this.fineSum / this.fineCount);
      this.fineCount = 0;
      this.fineSum = 0;
    }
    if (this.coarseCount > 0 && ended(this.coarseBin * c.coarseStepSec)) {
      this.learnCoarse(this.coarseBin, this.coarseSum / this.coarseCount);
      this.coarseCount = 0;
      this.coarseSum = 0;
    }
  }

  // Coarse seasonal component of coarse bin K.
  private seasonal(K: number): number {
    const c = this.config;
    let s = 0;
    if (c.dailyPeriod) s += this.f[this.L.daily + mod(K, c.dailyPeriod)];
    if (c.weeklyPeriod) s += this.g[this.L.weekly + mod(K, c.weeklyPeriod)];
    return s;
  }

  // Seasonal ratio of coarse bin K (multiplicative member).
  private ratioM(K: number): number {
    const c = this.config;
    let r = 1;
    if (c.dailyPeriod) r *= this.g[this.L.dailyM + mod(K, c.dailyPeriod)];
    if (c.weeklyPeriod) r *= this.g[this.L.weeklyM + mod(K, c.weeklyPeriod)];
    return r;
  }

  // Forecast of coarse bin T by the additive member from the state saved after bin `from` (level, trend, error).
  private pointA(T: number, from: number, level: number, trend: number, err: number): number {
    const s = T - from;
    return level + trend * this.damp(s) + this.seasonal(T) - this.dailyLearntSince(T, from, this.L.dDeltaA, 0)
      + this.pow(this.arPow, this.config.arCoarse, s) * err;
  }

  // Past forecasts are rebuilt from the current seasonal profiles: exact while the target's daily
  // slot has not been learnt since the origin (h <= dailyPeriod). Beyond that (horizons past a day,
  // M4's 48) the slot learnt the target's previous day after the origin, and the rebuilt errors were
  // optimistic (95 % intervals covered 0.87 at h 25-36 on M4 training windows). So when the horizons
  // outrun the daily period, the last change of each daily slot is kept (additive increment and
  // multiplicative factor, one day of each) and undone here; exact for horizons up to two days.
  // Returns the additive increment (at = 0) or the log of the ratio's factor (kept as a factor).
  private dailyLearntSince(T: number, from: number, at: number, neutral: number): number {
    const L = this.L;
    if (!L.HD || T - from <= L.D) return neutral;
    const b = T - L.D;
    if (this.g[L.ringBin + mod(b, L.H)] !== b || b <= from) return neutral;
    return this.g[at + mod(T, L.D)];
  }

  /**
   * Weight of the multiplicative member: (errM^-p) / (errA^-p + errM^-p), written as a ratio so
   * that it stays finite; one half until both members have been scored.
   */
  get combineWeight(): number {
    return this.memberWeights()[1];
  }

  /**
   * Weights of the members (additive, multiplicative, seasonal naive): each member's recent mean
   * absolute h-step error to the power -combinePower, normalised; relative to the smallest error so
   * that they stay finite. A member not yet scored takes an equal share with the others.
   */
  memberWeights(far = false): [number, number, number] {
    const c = this.config;
    if (!c.combine) return [1, 0, 0];
    const p = c.combinePower;
    const F = this.L.errFar;
    const e = far && this.L.EF ? [this.g[F], this.g[F + 1], c.naiveMember ? this.g[F + 2] : NaN] : [this.errA, this.errM, c.naiveMember ? this.errS : NaN];
    const used = e.map((x) => !Number.isNaN(x));
    if (e.some((x, i) => used[i] && !(x > 0))) {
      // Before every member has been scored (or a member forecasts perfectly): the perfect ones, or equal shares.
      const zero = e.map((x, i) => used[i] && x === 0 && this.coarseN > 1);
      const pick = zero.some(Boolean) ? zero : used;
      const n = pick.filter(Boolean).length;
      return pick.map((b) => (b ? 1 / n : 0)) as [number, number, number];
    }
    let min = Infinity;
    for (let i = 0; i < 3; i++) if (used[i] && e[i] < min) min = e[i];
    const w = e.map((x, i) => (used[i] ? (min / x) ** p : 0));
    const t = w[0] + w[1] + w[2];
    return [w[0] / t, w[1] / t, w[2] / t];
  }

  // A member's running mean absolute h-step error after a bin whose mean absolute error is `x`:
  // one bin counts at most 2*huberK of the running error (as in scaleUpdate), so a spike cannot
  // swing the weights.
  private memberError(e: number, x: number): number {
    const rate = Math.max(this.config.scaleRate, 1 / this.coarseN);
    return e + rate * (Math.min(x, e > 0 ? 2 * this.config.huberK * e : Infinity) - e);
  }

  // Seasonal naive member's forecast of coarse bin T made after bin `from`: the (Huber-clipped)
  // value of the same hour on the latest day at or before `from`; NaN when the ring no longer holds it.
  private pointS(T: number, from: number): number {
    const D = this.L.D;
    const b = T - D * Math.ceil((T - from) / D);
    const r = mod(b, this.L.H);
    return this.g[this.L.ringBin + r] === b ? this.g[this.L.ringY + r] : NaN;
  }

  // Combined forecast of coarse bin T from the state saved after bin `from`, with weights w.
  private coarsePoint(T: number, from: number, level: number, trend: number, err: number, levelM: number, w: [number, number, number]): number {
    const a = this.pointA(T, from, level, trend, err);
    if (w[0] === 1) return a;
    const m = levelM * this.ratioMAsOf(T, from);
    const sn = w[2] > 0 ? this.pointS(T, from) : NaN;
    if (Number.isNaN(sn)) return (w[0] * a + w[1] * m) / (w[0] + w[1]);
    return w[0] * a + w[1] * m + w[2] * sn;
  }

  // Multiplicative member's ratio of bin T as it was after bin `from`.
  private ratioMAsOf(T: number, from: number): number {
    const q = this.dailyLearntSince(T, from, this.L.dFactorM, 1);
    return q > 0 ? this.ratioM(T) / q : this.ratioM(T);
  }

  private learnCoarse(K: number, y: number): void {
    const c = this.config;
    const H = c.longHorizons;
    // Errors of the forecasts made 1..H bins ago for this bin (reconstructed from the ring).
    if (this.coarseN > 0) {
      const D = this.L.D, EF = this.L.EF;
      const w0 = this.memberWeights(), w1 = EF ? this.memberWeights(true) : w0;
      const naive = c.combine && c.naiveMember;
      // Sums of the members' absolute errors: horizons up to a day, and (farWeights) past a day.
      let sa = 0, sm = 0, ss = 0, n = 0, fa = 0, fm = 0, fs = 0, fn = 0;
      for (let j = 1; j <= H; j++) {
        const r = mod(K - j, H);
        if (this.g[this.L.ringBin + r] !== K - j) continue;
        const pa = this.pointA(K, K - j, this.g[this.L.ringLevel + r], this.c_trend(r), this.g[this.L.ringErr + r]);
        const far = EF > 0 && j > D;
        let p = pa;
        if (c.combine) {
          // The multiplicative member's level moves slowly (alphaMul 0.005: at most 12 % of one clipped
          // error in a day), so its current level stands for the one it had at the origin; a ring of
          // its levels cost 96 bytes per series (over the 4 KB budget in V8) and moved M4 OWA on
          // training windows by 0.002.
          const pm = this.levelM * this.ratioMAsOf(K, K - j);
          let ps = naive ? this.pointS(K, K - j) : NaN;
          const w = far ? w1 : w0;
          if (Number.isNaN(ps)) {
            p = (w[0] * pa + w[1] * pm) / (w[0] + w[1]);
            ps = p;
          } else p = w[0] * pa + w[1] * pm + w[2] * ps;
          if (far) {
            fm += Math.abs(y - pm);
            fs += Math.abs(y - ps);
          } else {
            sm += Math.abs(y - pm);
            ss += Math.abs(y - ps);
          }
        }
        if (far) {
          fa += Math.abs(y - pa);
          fn++;
        } else {
          sa += Math.abs(y - pa);
          n++;
        }
        // The intervals are calibrated on the combination's own h-step errors.
        this.recordError(this.L.longScale, this.longHist, j - 1, y - p, this.coarseN);
      }
      if (c.combine && n > 0) {
        // Each member's recent mean absolute h-step error (memberError).
        this.errA = this.memberError(this.errA, sa / n);
        this.errM = this.memberError(this.errM, sm / n);
        if (naive) this.errS = this.memberError(this.errS, ss / n);
      }
      if (fn > 0) {
        const F = this.L.errFar;
        this.g[F] = this.memberError(this.g[F], fa / fn);
        this.g[F + 1] = this.memberError(this.g[F + 1], fm / fn);
        this.g[F + 2] = this.memberError(this.g[F + 2], fs / fn);
      }
    }
    let yClip = y; // the value as the members learn it (Huber-clipped around the additive forecast)
    if (this.coarseN === 0) {
      this.level = y;
      this.trend = 0;
      this.lastError = 0;
      this.levelM = y;
    } else {
      if (c.combine) this.learnMultiplicative(K, y);
      const s = K - this.lastCoarse; // bins since the last final one (gaps)
      const damp = this.damp(s);
      const base = this.level + this.trend * damp;
      const f = base + this.seasonal(K) + this.pow(this.arPow, c.arCoarse, s) * this.lastError;
      const e = y - f;
      const ec = this.clip(e, this.coarseScale);
      yClip = f + ec;
      this.coarseScale = this.scaleUpdate(this.coarseScale, e, this.coarseN);
      // Running-mean gains during warm-up (1/n), then the configured smoothing.
      const a = c.warmupGains ? Math.max(c.alpha, 1 / (this.coarseN + 1)) : c.alpha;
      const prevLevel = this.level;
      this.level = base + a * ec;
      this.trend = this.trend * this.pow(this.phiPow, c.phi, s) + c.beta * (this.level - prevLevel - this.trend * damp);
      let gd = 0;
      if (c.dailyPeriod) {
        gd = c.warmupGains ? Math.max(c.gammaDaily, 1 / (Math.floor(this.coarseN / c.dailyPeriod) + 1)) : c.gammaDaily;
        this.f[this.L.daily + mod(K, c.dailyPeriod)] += gd * ec;
        if (this.L.HD) this.g[this.L.dDeltaA + mod(K, c.dailyPeriod)] = gd * ec;
      }
      if (c.weeklyPeriod) {
        const gw = c.warmupGains ? Math.max(c.gammaWeekly, 1 / (Math.floor(this.coarseN / c.weeklyPeriod) + 1)) : c.gammaWeekly;
        // The weekly profile learns what the daily one leaves, not the same error twice.
        this.g[this.L.weekly + mod(K, c.weeklyPeriod)] += gw * (1 - gd) * ec;
      }
      this.lastError = ec * (1 - a);
    }
    this.coarseN++;
    this.lastCoarse = K;
    const r = mod(K, H);
    this.g[this.L.ringLevel + r] = this.level;
    if (c.beta) this.g[this.L.ringTrend + r] = this.trend;
    this.g[this.L.ringErr + r] = this.lastError;
    this.g[this.L.ringBin + r] = K;
    if (this.L.RY) this.g[this.L.ringY + r] = yClip;
  }

  // Ring trend (stored only when the configuration has a trend).
  private c_trend(r: number): number {
    return this.config.beta ? this.g[this.L.ringTrend + r] : 0;
  }

  /**
   * Multiplicative member: level times daily and weekly seasonal ratios (Holt-Winters'
   * multiplicative form, Winters 1960; double seasonal, Taylor 2003), updated with the value
   * Huber-clipped around its forecast at the additive member's scale. Many loads swing in
   * proportion to their level (a busy week has a taller daily peak): the additive member
   * cannot follow that, this one can; the combination weighs them per series by recent error.
   */
  private learnMultiplicative(K: number, y: number): void {
    const c = this.config;
    const S = this.ratioM(K);
    const L = this.levelM;
    const f = L * S;
    const yc = f + this.clip(y - f, this.coarseScale);
    const a = c.warmupGains ? Math.max(c.alphaMul, 1 / (this.coarseN + 1)) : c.alphaMul;
    if (!(L > 0) || !(S > 1e-6)) {
      // No level to take a ratio of (an idle series, or values <= 0): the level alone learns.
      this.levelM = L + a * (yc - L);
      if (this.L.HD) this.g[this.L.dFactorM + mod(K, this.L.D)] = 1;
      return;
    }
    // The ratio error, bounded so that one value can at most multiply a ratio by 1 + gamma*9.
    const q = Math.min(Math.max(yc / f, 0), 10) - 1;
    this.levelM = L + a * (yc / S - L);
    let gd = 0;
    if (c.dailyPeriod) {
      gd = c.warmupGains ? Math.max(c.gammaMulDaily, 1 / (Math.floor(this.coarseN / c.dailyPeriod) + 1)) : c.gammaMulDaily;
      this.g[this.L.dailyM + mod(K, c.dailyPeriod)] *= 1 + gd * q;
      if (this.L.HD) this.g[this.L.dFactorM + mod(K, c.dailyPeriod)] = 1 + gd * q;
    }
    if (c.weeklyPeriod) {
      const gw = c.warmupGains ? Math.max(c.gammaMulWeekly, 1 / (Math.floor(this.coarseN / c.weeklyPeriod) + 1)) : c.gammaMulWeekly;
      this.g[this.L.weeklyM + mod(K, c.weeklyPeriod)] *= 1 + gw * (1 - gd) * q;
    }
  }

  private fineSeasonalAt(k: number): number {
    const c = this.config;
    if (c.fineSeasonal === 0 || this.coarseN === 0) return 0;
    return c.fineSeasonal * this.seasonal(Math.ceil(k / this.ratio));
  }

  private learnFine(k: number, x: number): void {
    const c = this.config;
    const S = c.shortHorizons;
    const sk = this.fineSeasonalAt(k);
    if (this.fineN > 0) {
      // Every horizon's scale learns from every bin; the shared standardised histogram takes one
      // horizon per bin, cycling (the same distribution, at a twelfth of the cost).
      this.shortCycle = (this.shortCycle + 1) % S;
      for (let h = 1; h <= S; h++) {
        const r = mod(k - h, S);
        if (this.g[this.L.fRingBin + r] !== k - h) continue;
        const lv = this.g[this.L.fRingLevel + r];
        const e = x - (sk + lv + this.rhoPow[h] * (this.g[this.L.fRingLast + r] - lv));
        this.recordError(this.L.shortScale, h - 1 === this.shortCycle ? this.shortHist : null, h - 1, e, this.fineN);
      }
      this.recordSample(k, x);
    }
    const z = x - sk;
    if (this.fineN === 0) {
      this.fineLevel = z;
    } else {
      const d = z - this.fineLevel;
      const dc = this.clip(d, this.fineDevScale);
      this.fineDevScale = this.scaleUpdate(this.fineDevScale, d, this.fineN);
      this.fineLevel += (c.warmupGains ? Math.max(c.alphaFine, 1 / (this.fineN + 1)) : c.alphaFine) * dc;
    }
    this.fineLast = z;
    this.fineN++;
    this.lastFine = k;
    const r = mod(k, S);
    this.g[this.L.fRingLevel + r] = this.fineLevel;
    this.g[this.L.fRingLast + r] = this.fineLast;
    this.g[this.L.fRingBin + r] = k;
  }

  // A fine value against the day-ahead forecast made j coarse bins earlier, j cycling over the
  // horizons: the spread right-sizing needs (within-hour variation plus day-ahead error). Measured
  // around the additive member's forecast, not the combination's: the combination's weights are
  // chosen on these same past errors, so its in-sample spread is thinner than the next day's (with
  // it, memory ran short 0.67 % of the time where 0.39 % was planned, and buying that back cost
  // slack: eval:forecast out of fold, memory slack 0.351 against 0.224 this way).
  private recordSample(k: number, x: number): void {
    if (this.config.sizingBasis === 'recent') return this.recordRecent(x);
    const H = this.config.longHorizons;
    const K = Math.ceil(k / this.ratio);
    this.sampleCycle = (this.sampleCycle + 1) % H;
    const j = this.sampleCycle + 1;
    const r = mod(K - j, H);
    if (this.g[this.L.ringBin + r] !== K - j) return;
    const e = x - this.pointA(K, K - j, this.g[this.L.ringLevel + r], this.c_trend(r), this.g[this.L.ringErr + r]);
    // The spread has its own daily profile (busy hours spread more than idle ones).
    const i = mod(K, this.L.D);
    const s = this.g[this.L.spreadByHour + i];
    if (s > 0) this.sampleHist.add(e / s);
    this.g[this.L.spreadByHour + i] = s === 0 ? Math.abs(e) : s + this.config.spreadRate * this.L.D * (Math.abs(e) - s);
  }

  // A 5-minute value into the distribution of recent values (sizingBasis 'recent'): 64 buckets of
  // ratio RECENT_GROWTH, a window of values whose top bucket ends at RECENT_GROWTH^recentTop. A value
  // above the window slides it up (what falls below joins the bottom bucket); a value below it
  // slides it down over top buckets that have emptied (a load that fell), else joins the bottom
  // bucket; zero joins the bottom bucket. 64 buckets of 10 % span 446x: an idle VM's bursts and
  // its idle level both keep their resolution where the request is read. A load that falls more
  // than 446-fold is sized at the window's bottom edge until its old top weighs under 1e-6 of the
  // total (about 20 half-lives).
  private recordRecent(x: number): void {
    const n = HISTOGRAM_BUCKETS, h = this.sampleHist;
    if (!(x > 0)) return h.addToBucket(0);
    const j = Math.ceil(Math.log(x) / LOG_RECENT_GROWTH - 1e-9);
    if (this.recentTop === -Infinity) this.recentTop = j;
    let b = j - this.recentTop + n - 1;
    if (b > n - 1) {
      h.shift(b - (n - 1));
      this.recentTop = j;
      b = n - 1;
    } else if (b < 0) {
      const eps = h.total * 1e-6;
      let free = 0;
      while (free < -b && free < n - 1 && h.bucket(n - 1 - free) <= eps) free++;
      if (free) { h.shift(-free); this.recentTop -= free; b += free; }
      if (b < 0) b = 0;
    }
    h.addToBucket(b);
  }

  /**
   * The distribution of recent 5-minute values (sizingBasis 'recent'): per non-empty bucket its
   * upper edge and its share of the forgetting weight. Empty while nothing is learnt; values that
   * were all zero give one point at 0.
   */
  recentValues(): { values: number[]; mass: number[] } {
    const h = this.sampleHist, n = HISTOGRAM_BUCKETS;
    const values: number[] = [], mass: number[] = [];
    if (this.config.sizingBasis !== 'recent' || !(h.total > 0)) return { values, mass };
    for (let b = 0; b < n; b++) {
      const w = h.bucket(b);
      if (!(w > 0)) continue;
      values.push(this.recentTop === -Infinity ? 0 : RECENT_GROWTH ** (this.recentTop - (n - 1) + b));
      mass.push(w / h.total);
    }
    return { values, mass };
  }

  // Standardised quantiles of a block with its width multipliers applied (what forecast() uses).
  // Standardised quantiles of a block, widened by intervalWidth for the day-ahead block only: its
  // errors are the combination's, whose weights were chosen on them; the 5-minute block's are
  // rebuilt exactly, no choice made.
  private blockQuantiles(h: ErrorHistogram): Quantiles {
    const q = quantiles(h);
    const k = h === this.longHist ? this.config.intervalWidth : 1;
    const k95 = h === this.longHist ? k * this.config.intervalWidth95 : 1;
    if (k === 1 && k95 === 1) return q;
    return { q10: q.q10 * k, q90: q.q90 * k, q025: q.q025 * k95, q975: q.q975 * k95 };
  }

  // n: bins the block has learnt. The scale's rate is max(intervalRate, 4 / (n + 1)) (with
  // intervalWarmup): a mean whose weights grow as n^3 while few errors are in, so the first
  // errors, made before the profiles had learnt anything and the largest, fade within days instead
  // of weighing (1 - intervalRate)^n for weeks. Without it the scale kept shrinking for weeks after
  // the warm-up while the histogram held errors standardised by the wider scale of their time, so
  // the intervals came out too narrow: on a stationary synthetic series (forecaster.test.ts) the
  // 80 % interval covered 0.769, with it 0.796 (95 %: 0.943 -> 0.949).
  private recordError(off: number, hist: ErrorHistogram | null, i: number, e: number, n: number): void {
    const s = this.g[off + i];
    if (hist && s > 0) hist.add(e / s);
    const c = this.config;
    this.g[off + i] = s === 0 ? Math.abs(e) : s + (c.intervalWarmup ? Math.max(c.intervalRate, 4 / (n + 1)) : c.intervalRate) * (Math.abs(e) - s);
  }

  private clip(e: number, scale: number): number {
    if (!(scale > 0)) return e;
    const b = this.config.huberK * scale;
    return e > b ? b : e < -b ? -b : e;
  }

  // Running mean absolute error; a single error counts at most 2*huberK scales so one spike cannot
  // open the clipping bound wide, while a lasting level shift still widens it geometrically.
  private scaleUpdate(scale: number, e: number, n: number): number {
    const a = Math.abs(e);
    if (!(scale > 0)) return a;
    const rate = Math.max(this.config.scaleRate, 1 / (n + 1));
    return scale + rate * (Math.min(a, 2 * this.config.huberK * scale) - scale);
  }

  /** Running mean absolute one-step error of the coarse model (its Huber clipping scale). */
  get oneStepScale(): number {
    return this.coarseScale;
  }

  /** True once both resolutions have seen at least one final bin. */
  get ready(): boolean {
    return this.coarseN > 0 && this.fineN > 0;
  }

  /**
   * Forecast from `originSec`: first finalises every bin ending at or before it (all samples up to
   * the origin are taken as seen), then forecasts the next fine and coarse bins after the origin.
   */
  forecast(originSec: number): Forecast {
    this.closeUntil(originSec);
    const c = this.config;
    const out: Forecast = { originSec, short: [], long: [] };
    if (!this.ready) return out;
    const ko = Math.floor(originSec / c.fineStepSec);
    const qs = this.blockQuantiles(this.shortHist);
    for (let h = 1; h <= c.shortHorizons; h++) {
      const k = ko + h;
      const s = Math.max(1, k - this.lastFine);
      const p = this.fineSeasonalAt(k) + this.fineLevel + this.pow(this.rhoPow, c.rhoFine, s) * (this.fineLast - this.fineLevel);
      out.short.push(this.step(k * c.fineStepSec, p, this.horizonScale(this.L.shortScale, c.shortHorizons, Math.min(s, c.shortHorizons) - 1), qs));
    }
    const Ko = Math.floor(originSec / c.coarseStepSec);
    const ql = this.blockQuantiles(this.longHist);
    const w0 = this.memberWeights(), w1 = this.L.EF ? this.memberWeights(true) : w0;
    for (let j = 1; j <= c.longHorizons; j++) {
      const K = Ko + j;
      const s = Math.max(1, K - this.lastCoarse);
      const p = this.coarsePoint(K, this.lastCoarse, this.level, this.trend, this.lastError, this.levelM, s > this.L.D ? w1 : w0);
      out.long.push(this.step(K * c.coarseStepSec, p, this.horizonScale(this.L.longScale, c.longHorizons, Math.min(s, c.longHorizons) - 1), ql));
    }
    return out;
  }

  // Error scale of horizon i; before that horizon has been scored, the nearest scored one.
  private horizonScale(off: number, n: number, i: number): number {
    const f = this.g;
    for (let d = 0; d < n; d++) {
      if (i - d >= 0 && f[off + i - d] > 0) return f[off + i - d];
      if (i + d < n && f[off + i + d] > 0) return f[off + i + d];
    }
    return 0;
  }

  private step(endSec: number, point: number, scale: number, q: Quantiles): ForecastStep {
    let p = point;
    let lo80 = p + scale * q.q10;
    let hi80 = p + scale * q.q90;
    let lo95 = p + scale * q.q025;
    let hi95 = p + scale * q.q975;
    if (this.config.nonNegative) {
      p = Math.max(0, p);
      lo80 = Math.max(0, lo80);
      lo95 = Math.max(0, lo95);
      hi80 = Math.max(0, hi80);
      hi95 = Math.max(0, hi95);
    }
    // Quantiles never cross: lo95 <= lo80 <= point <= hi80 <= hi95.
    lo80 = Math.min(lo80, p);
    lo95 = Math.min(lo95, lo80);
    hi80 = Math.max(hi80, p);
    hi95 = Math.max(hi95, hi80);
    return { endSec, point: p, lo80, hi80, lo95, hi95 };
  }

  /**
   * Spread of fine values around the day-ahead forecast: the standardised histogram and the scale
   * for coarse bin K (its position in the day; the mean of the learnt positions where K's is not).
   */
  sampleSpread(): { scaleAt: (K: number) => number; histogram: ErrorHistogram } {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < this.L.D; i++) { const s = this.g[this.L.spreadByHour + i]; if (s > 0) { sum += s; n++; } }
    const fallback = n ? sum / n : 0;
    return { scaleAt: (K: number) => this.g[this.L.spreadByHour + mod(K, this.L.D)] || fallback, histogram: this.sampleHist };
  }

  /**
   * State as JSON (for the detector's checkpoints): configuration, scalars, arrays and histograms.
   * Non-finite numbers (the -Infinity of "no bin yet") are written as null.
   */
  toJSON(): SeasonalForecasterJSON {
    const self = this as unknown as Record<string, unknown>;
    const scalars: Record<string, number | null> = {};
    for (const k of SCALAR_FIELDS) scalars[k] = finiteOrNull(self[k] as number);
    const arrays: Record<string, Array<number | null>> = {};
    for (const k of ARRAY_FIELDS) arrays[k] = Array.from(this.view(k), finiteOrNull);
    return {
      v: 1, config: { ...this.config }, scalars, arrays, counts: { ...this.counts },
      histograms: { long: this.longHist.toJSON(), short: this.shortHist.toJSON(), sample: this.sampleHist.toJSON() },
    };
  }

  // A view of one named array of the state (JSON only; the hot path indexes f and g directly).
  private view(k: (typeof ARRAY_FIELDS)[number]): Float64Array | Float32Array {
    const L = this.L;
    const n = k === 'daily' || k === 'spreadByHour' ? L.D : k === 'weekly' ? L.W : k === 'dailyM' ? L.DM : k === 'weeklyM' ? L.WM
      : k === 'ringTrend' ? L.HT : k === 'dDeltaA' ? L.HD : k === 'dFactorM' ? (this.config.combine ? L.HD : 0) : k === 'ringY' ? L.RY : k === 'errFar' ? L.EF
      : k.startsWith('f') || k === 'shortScale' ? L.S : L.H;
    return F32_FIELDS.has(k) ? this.g.subarray(L[k], L[k] + n) : this.f.subarray(L[k], L[k] + n);
  }

  /** Restores a forecaster from toJSON(); throws a clear error on a shape that does not fit its configuration. */
  static fromJSON(j: SeasonalForecasterJSON): SeasonalForecaster {
    if (!j || j.v !== 1 || typeof j.scalars !== 'object' || typeof j.arrays !== 'object') throw new Error('forecast: not a SeasonalForecaster state (v 1)');
    const f = new SeasonalForecaster(j.config);
    const self = f as unknown as Record<string, unknown>;
    // A state written before the combination (no multiplicative member) restores with that member
    // starting afresh at the additive level; its ring of trends (always zero without a trend) is dropped.
    const older = !('levelM' in j.scalars);
    for (const k of SCALAR_FIELDS) {
      if (older && (k === 'levelM' || k === 'errA' || k === 'errM')) continue;
      // Written before the seasonal naive member: its error starts afresh; before the recent-values basis: no window yet.
      if ((k === 'errS' || k === 'recentTop') && !(k in j.scalars)) continue;
      const v = j.scalars[k];
      if (v !== null && typeof v !== 'number') throw new Error(`forecast: state field "${k}" must be a number, got ${JSON.stringify(v)}`);
      self[k] = v === null ? -Infinity : v;
    }
    for (const k of ARRAY_FIELDS) {
      const dst = f.view(k);
      const src = j.arrays[k];
      if (older && (k === 'dailyM' || k === 'weeklyM' || (k === 'ringTrend' && dst.length === 0))) continue;
      // States written before the daily-slot changes were kept: nothing to undo yet (left neutral).
      if ((k === 'dDeltaA' || k === 'dFactorM' || k === 'ringY') && src === undefined) continue;
      // Written before farWeights: the far horizons' member errors start afresh.
      if (k === 'errFar' && src === undefined) continue;
      if (!Array.isArray(src) || src.length !== dst.length) throw new Error(`forecast: state array "${k}" must have ${dst.length} values, got ${Array.isArray(src) ? src.length : typeof src}`);
      src.forEach((v, i) => (dst[i] = v === null ? -Infinity : v));
    }
    f.longHist.restore(j.histograms.long);
    f.shortHist.restore(j.histograms.short);
    f.sampleHist.restore(j.histograms.sample);
    Object.assign(f.counts, j.counts);
    if (older) f.levelM = f.level;
    return f;
  }

  /** Bytes of state this series holds (typed arrays plus scalar fields at 8 bytes each). */
  stateBytes(): number {
    // The power tables and the layout depend only on the configuration and are shared.
    const bytes = this.f.buffer.byteLength;
    const scalars = 31 + 3 * 3 + 4; // own numeric fields, histogram scalars, counters
    return bytes + scalars * 8;
  }
}

const SCALAR_FIELDS = ['fineBin', 'fineSum', 'fineCount', 'coarseBin', 'coarseSum', 'coarseCount', 'coarseN', 'level', 'trend', 'lastError',
  'coarseScale', 'lastCoarse', 'fineN', 'fineLevel', 'fineLast', 'fineDevScale', 'lastFine', 'sampleCycle', 'shortCycle', 'levelM', 'errA', 'errM', 'errS', 'recentTop'] as const;
const ARRAY_FIELDS = ['daily', 'weekly', 'ringLevel', 'ringTrend', 'ringErr', 'ringBin', 'longScale', 'fRingLevel', 'fRingLast', 'fRingBin',
  'shortScale', 'spreadByHour', 'dailyM', 'weeklyM', 'dDeltaA', 'dFactorM', 'ringY', 'errFar'] as const;

export interface SeasonalForecasterJSON {
  v: 1;
  config: ForecasterConfig;
  scalars: Record<string, number | null>;
  arrays: Record<string, Array<number | null>>;
  counts: { accepted: number; rejected: number; late: number; withheld: number };
  histograms: { long: ErrorHistogramJSON; short: ErrorHistogramJSON; sample: ErrorHistogramJSON };
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

interface Quantiles {
  q10: number;
  q90: number;
  q025: number;
  q975: number;
}

// Standardised error quantiles of a block; normal ones (on the mean-absolute-error scale) until
// the histogram has data.
function quantiles(h: ErrorHistogram): Quantiles {
  if (!(h.total > 0)) return { q10: Z.q10 * MAD_TO_SIGMA, q90: Z.q90 * MAD_TO_SIGMA, q025: Z.q025 * MAD_TO_SIGMA, q975: Z.q975 * MAD_TO_SIGMA };
  return { q10: h.quantile(0.1), q90: h.quantile(0.9), q025: h.quantile(0.025), q975: h.quantile(0.975) };
}

// Buckets of the two forecast-error histograms (80 % and 95 % intervals: central quantiles, read
// with linear interpolation) and of the sample histogram (right-sizing reads tails down to 0.1 %,
// which wants the finer 64).
const ERROR_BUCKETS = 32;

const F32_FIELDS = new Set<string>(['weekly', 'longScale', 'shortScale', 'spreadByHour', 'ringTrend', 'ringErr', 'ringLevel', 'ringBin',
  'fRingLevel', 'fRingLast', 'fRingBin', 'dailyM', 'weeklyM', 'dDeltaA', 'dFactorM', 'ringY', 'errFar']);

interface Layout {
  D: number; W: number; H: number; S: number; DM: number; WM: number; HT: number; HD: number; dDeltaA: number; dFactorM: number; RY: number; ringY: number;
  EF: number; errFar: number;
  daily: number; weekly: number; ringLevel: number; ringBin: number; longScale: number;
  fRingLevel: number; fRingLast: number; fRingBin: number; shortScale: number; spreadByHour: number; f64Len: number;
  ringTrend: number; ringErr: number; hists: number; dailyM: number; weeklyM: number; f32Len: number;
}
const LAYOUTS = new Map<string, Layout>();
// Offsets of every array of a series' state in its buffer, per configuration (shared).
function layoutFor(c: Readonly<ForecasterConfig>): Layout {
  const D = Math.max(c.dailyPeriod, 1), W = Math.max(c.weeklyPeriod, 1), H = c.longHorizons, S = c.shortHorizons;
  // The multiplicative member's ratios exist only when it does, the ring of trends only with a trend.
  const DM = c.combine ? D : 0, WM = c.combine ? W : 0, HT = c.beta ? H : 0;
  // The last change of each daily slot, kept only when the long horizons outrun the daily period.
  const HD = c.dailyPeriod && H > D ? D : 0;
  const RY = c.combine && c.naiveMember ? H : 0; // the seasonal naive member's ring of values
  // farWeights: the members' errors past one day (additive, multiplicative, seasonal naive).
  const EF = c.combine && c.farWeights && c.dailyPeriod && H > D ? 3 : 0;
  const key = `${D},${W},${H},${S},${DM},${HT},${HD},${RY},${EF}`;
  let L = LAYOUTS.get(key);
  if (!L) {
    let o = 0;
    const at = (n: number): number => { const r = o; o += n; return r; };
    // Float64 for the daily profile (an accumulating recursion the statsmodels reference checks to
    // 1e-8; the levels are scalars); Float32 for smoothed magnitudes, slowly learnt corrections and
    // ratios, and for what only scores past forecasts (7 significant digits).
    // Ring levels and bin indices are Float32 too: the levels only score past forecasts, and bin
    // indices are exact in Float32 below 2^24 (5-minute bins until the year 2129).
    const f64 = { daily: at(D) };
    const f64Len = o;
    o = 0;
    const f32 = { weekly: at(W), longScale: at(H), shortScale: at(S), spreadByHour: at(D), ringTrend: at(HT), ringErr: at(H), hists: at(2 * ERROR_BUCKETS + HISTOGRAM_BUCKETS),
      ringLevel: at(H), ringBin: at(H), fRingLevel: at(S), fRingLast: at(S), fRingBin: at(S), dailyM: at(DM), weeklyM: at(WM),
      dDeltaA: at(HD), dFactorM: at(c.combine ? HD : 0), ringY: at(RY), errFar: at(EF) };
    L = { D, W, H, S, DM, WM, HT, HD, RY, EF, ...f64, f64Len, ...f32, f32Len: o };
    if (LAYOUTS.size < 64) LAYOUTS.set(key, L);
  }
  return L;
}

interface PowerTables { rhoPow: Float64Array; arPow: Float64Array; phiPow: Float64Array; phiSum: Float64Array }
// One set of tables per distinct configuration (a handful per process), shared by its series.
const TABLES = new Map<string, PowerTables>();
function powerTables(c: Readonly<ForecasterConfig>): PowerTables {
  const key = JSON.stringify([c.rhoFine, c.arCoarse, c.phi, c.shortHorizons, c.longHorizons]);
  let t = TABLES.get(key);
  if (!t) {
    const P = Math.max(c.shortHorizons, c.longHorizons) + 1;
    t = {
      rhoPow: Float64Array.from({ length: P }, (_, i) => c.rhoFine ** i),
      arPow: Float64Array.from({ length: P }, (_, i) => c.arCoarse ** i),
      phiPow: Float64Array.from({ length: P }, (_, i) => c.phi ** i),
      phiSum: Float64Array.from({ length: P }, (_, i) => (c.phi === 1 ? i : (c.phi * (1 - c.phi ** i)) / (1 - c.phi))),
    };
    if (TABLES.size < 64) TABLES.set(key, t);
  }
  return t;
}

/** Bucket ratio of the recent-values distribution (right-sizing's 'recent' basis): a value lies in (edge / RECENT_GROWTH, edge]. */
export const RECENT_GROWTH = 1.1;
const LOG_RECENT_GROWTH = Math.log(RECENT_GROWTH);

function mod(a: number, m: number): number {
  const r = a % m;
  return r < 0 ? r + m : r;
}
