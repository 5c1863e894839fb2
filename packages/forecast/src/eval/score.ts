/**
 * The evaluation's own scoring, written from the definitions in the data folder's README (M4
 * sMAPE / MASE / OWA / MSIS, Bitbrains MASE / scaled pinball / coverage, right-sizing
 * under-provisioned share and slack). The eval command cross-checks every figure against the
 * reference scorer shipped with the data.
 */

export type Row5 = [point: number, lo80: number, hi80: number, lo95: number, hi95: number];

export const mean = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return a.length ? s / a.length : NaN;
};
export const median = (a: number[]): number => {
  if (!a.length) return NaN;
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
// Hyndman-Fan type 7 quantile of a sorted array.
function quantileSorted(s: ArrayLike<number>, p: number): number {
  if (!s.length) return NaN;
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}
const pinball = (q: number, y: number, f: number): number => (y >= f ? q * (y - f) : (1 - q) * (f - y));

// ------------------------------------------------------------------ M4
/** In-sample mean |x_t - x_{t-m}| (MASE and MSIS scale). */
export function seasonalScale(x: ArrayLike<number>, m: number): number {
  let s = 0;
  let n = 0;
  for (let t = m; t < x.length; t++) { s += Math.abs(x[t] - x[t - m]); n++; }
  return s / n;
}

function acf(x: number[], maxLag: number): number[] {
  const mu = mean(x);
  const d = x.map((v) => v - mu);
  let c0 = 0;
  for (const v of d) c0 += v * v;
  const r = [1];
  for (let k = 1; k <= maxLag; k++) {
    let c = 0;
    for (let t = 0; t + k < d.length; t++) c += d[t] * d[t + k];
    r.push(c / c0);
  }
  return r;
}

/** M4 benchmarks' 90 % seasonality test at lag m (R acf conventions). */
function seasonalityTest(x: number[], m: number): boolean {
  const n = x.length;
  if (n < 3 * m) return false;
  const lagMax = Math.min(n - 1, Math.floor(10 * Math.log10(n)));
  if (lagMax < m) return false;
  const r = acf(x, m);
  let cum = 1;
  for (let k = 1; k < m; k++) cum += 2 * r[k] * r[k];
  return Math.abs(r[m]) > (1.645 / Math.sqrt(n)) * Math.sqrt(cum);
}

/** Seasonal indices of the classical multiplicative decomposition (centred 2xm moving average). */
export function multiplicativeIndices(x: number[], m: number): number[] {
  const n = x.length;
  const w = m % 2 === 0 ? [0.5, ...Array<number>(m - 1).fill(1), 0.5].map((v) => v / m) : Array<number>(m).fill(1 / m);
  const half = Math.floor(w.length / 2);
  const ratio = new Array<number>(n).fill(NaN);
  for (let t = half; t + (w.length - 1 - half) < n; t++) {
    let tr = 0;
    for (let j = 0; j < w.length; j++) tr += w[j] * x[t - half + j];
    ratio[t] = x[t] / tr;
  }
  const fig: number[] = [];
  for (let i = 0; i < m; i++) {
    const v: number[] = [];
    for (let t = i; t < n; t += m) if (Number.isFinite(ratio[t])) v.push(ratio[t]);
    fig.push(mean(v));
  }
  const fm = mean(fig);
  return Array.from({ length: n }, (_, t) => fig[t % m] / fm);
}

/** M4 Naive2 point forecasts (seasonally adjusted naive, re-seasonalised when the test passes). */
export function naive2(x: number[], m: number, h: number): number[] {
  const n = x.length;
  if (m > 1 && seasonalityTest(x, m)) {
    const s = multiplicativeIndices(x, m);
    const last = s.slice(n - m);
    const lastAdj = x[n - 1] / s[n - 1];
    return Array.from({ length: h }, (_, i) => lastAdj * last[i % m]);
  }
  return Array<number>(h).fill(x[n - 1]);
}

export interface M4Figures { smape: number; mase: number; owa: number; msis95: number; cov80: number; cov95: number; acd95: number }

/** Scores M4 forecasts (rows per series, h = 1..H) against the truth, relative to Naive2. */
export function scoreM4(train: Map<string, number[]>, test: Map<string, number[]>, pred: Map<string, Row5[]>): { pred: M4Figures; naive2: { smape: number; mase: number } } {
  const acc = { smape: [] as number[], mase: [] as number[], msis: [] as number[], n2s: [] as number[], n2m: [] as number[], in80: 0, in95: 0, n: 0 };
  for (const [id, y] of test) {
    const x = train.get(id);
    const f = pred.get(id);
    if (!x || !f) throw new Error(`M4 series ${id} has no training values or no forecast`);
    const scale = seasonalScale(x, 24);
    const n2 = naive2(x, 24, y.length);
    let s = 0, a = 0, is = 0, s2 = 0, a2 = 0;
    for (let i = 0; i < y.length; i++) {
      const [p, l80, u80, l95, u95] = f[i];
      const den = Math.abs(y[i]) + Math.abs(p);
      s += den === 0 ? 0 : (200 * Math.abs(y[i] - p)) / den;
      a += Math.abs(y[i] - p);
      const d2 = Math.abs(y[i]) + Math.abs(n2[i]);
      s2 += d2 === 0 ? 0 : (200 * Math.abs(y[i] - n2[i])) / d2;
      a2 += Math.abs(y[i] - n2[i]);
      is += u95 - l95 + (y[i] < l95 ? 40 * (l95 - y[i]) : 0) + (y[i] > u95 ? 40 * (y[i] - u95) : 0);
      acc.in80 += Number(l80 <= y[i] && y[i] <= u80);
      acc.in95 += Number(l95 <= y[i] && y[i] <= u95);
      acc.n++;
    }
    const H = y.length;
    acc.smape.push(s / H); acc.mase.push(a / H / scale); acc.msis.push(is / H / scale);
    acc.n2s.push(s2 / H); acc.n2m.push(a2 / H / scale);
  }
  const smape = mean(acc.smape), mase = mean(acc.mase);
  const n2 = { smape: mean(acc.n2s), mase: mean(acc.n2m) };
  const cov95 = acc.in95 / acc.n;
  return {
    pred: { smape, mase, owa: (smape / n2.smape + mase / n2.mase) / 2, msis95: mean(acc.msis), cov80: acc.in80 / acc.n, cov95, acd95: Math.abs(cov95 - 0.95) },
    naive2: n2,
  };
}

// ------------------------------------------------------------------ Bitbrains
/** Time bins: bin k holds (k-1)*width < t <= k*width; value = mean of its samples (NaN if none). */
export class Bins {
  readonly k0: number;
  private readonly val: Float64Array;

  constructor(ts: ArrayLike<number>, v: ArrayLike<number>, width: number) {
    this.k0 = Math.ceil(ts[0] / width);
    const n = Math.ceil(ts[ts.length - 1] / width) - this.k0 + 1;
    const sum = new Float64Array(n);
    const cnt = new Uint32Array(n);
    for (let i = 0; i < ts.length; i++) {
      if (!Number.isFinite(v[i])) continue;
      const j = Math.ceil(ts[i] / width) - this.k0;
      sum[j] += v[i];
      cnt[j]++;
    }
    this.val = new Float64Array(n);
    for (let j = 0; j < n; j++) this.val[j] = cnt[j] ? sum[j] / cnt[j] : NaN;
  }

  at(k: number): number {
    const j = k - this.k0;
    return j >= 0 && j < this.val.length ? this.val[j] : NaN;
  }

  lastAtOrBefore(k: number, maxBack: number): number {
    for (let b = 0; b <= maxBack; b++) {
      const v = this.at(k - b);
      if (Number.isFinite(v)) return v;
    }
    return NaN;
  }

  /** Mean |y_k - y_{k-m}| over bins k <= kEnd. */
  scale(m: number, kEnd: number): number {
    let s = 0, n = 0;
    for (let k = this.k0 + m; k <= kEnd; k++) {
      const a = this.at(k), c = this.at(k - m);
      if (Number.isFinite(a) && Number.isFinite(c)) { s += Math.abs(a - c); n++; }
    }
    return n ? s / n : NaN;
  }

  /** 10/90/2.5/97.5 % quantiles of (y_k - y_{k-lag}) over the `hist` bins ending at kEnd. */
  errorQuantiles(lag: number, kEnd: number, hist: number): [number, number, number, number] {
    const e: number[] = [];
    for (let k = kEnd - hist + 1; k <= kEnd; k++) {
      const a = this.at(k), c = this.at(k - lag);
      if (Number.isFinite(a) && Number.isFinite(c)) e.push(a - c);
    }
    if (e.length < 10) return [0, 0, 0, 0];
    const s = Float64Array.from(e).sort();
    return [quantileSorted(s, 0.1), quantileSorted(s, 0.9), quantileSorted(s, 0.025), quantileSorted(s, 0.975)];
  }
}

const withInterval = (p: number, q: [number, number, number, number]): Row5 => [p, Math.max(0, p + q[0]), p + q[1], Math.max(0, p + q[2]), p + q[3]];

/** The README's baselines at one origin: seasonal naive (one day) and naive, with empirical intervals. */
export function baselines(b5: Bins, bH: Bins, o: number): { short: { snaive: Row5[]; naive: Row5[] }; day: { snaive: Row5[]; naive: Row5[] } } {
  const ko = o / 300, Ko = o / 3600;
  const qs5 = b5.errorQuantiles(288, ko, 7 * 288), qsH = bH.errorQuantiles(24, Ko, 7 * 24);
  const last5 = b5.lastAtOrBefore(ko, ko - b5.k0), lastH = bH.lastAtOrBefore(Ko, Ko - bH.k0);
  const short = { snaive: [] as Row5[], naive: [] as Row5[] }, day = { snaive: [] as Row5[], naive: [] as Row5[] };
  for (let h = 1; h <= 12; h++) {
    let s = b5.lastAtOrBefore(ko + h - 288, 288);
    if (!Number.isFinite(s)) s = last5;
    short.snaive.push(withInterval(s, qs5));
    short.naive.push(withInterval(last5, b5.errorQuantiles(h, ko, 7 * 288)));
  }
  for (let j = 1; j <= 24; j++) {
    let s = bH.lastAtOrBefore(Ko + j - 24, 24);
    if (!Number.isFinite(s)) s = lastH;
    day.snaive.push(withInterval(s, qsH));
    day.naive.push(withInterval(lastH, bH.errorQuantiles(j, Ko, 7 * 24)));
  }
  return { short, day };
}

/** Accumulates per-series MASE and scaled pinball loss, and pooled coverage. */
export class ForecastAcc {
  readonly mase: number[] = [];
  readonly spl: number[] = [];
  points = 0;
  in80 = 0;
  in95 = 0;
  private cur = { scale: 1, ae: 0, pl: 0, n: 0 };

  begin(scale: number): void {
    this.cur = { scale, ae: 0, pl: 0, n: 0 };
  }

  add(y: number, f: Row5): void {
    const c = this.cur;
    c.ae += Math.abs(y - f[0]);
    c.pl += (pinball(0.1, y, f[1]) + pinball(0.5, y, f[0]) + pinball(0.9, y, f[2])) / 3;
    c.n++;
    this.points++;
    this.in80 += Number(f[1] <= y && y <= f[2]);
    this.in95 += Number(f[3] <= y && y <= f[4]);
  }

  end(): void {
    const c = this.cur;
    if (!c.n) return;
    this.mase.push(c.ae / c.n / c.scale);
    this.spl.push(c.pl / c.n / c.scale);
  }

  result(): { series: number; points: number; mase: number; mase_median: number; spl: number; cov80: number; cov95: number } {
    return { series: this.mase.length, points: this.points, mase: mean(this.mase), mase_median: median(this.mase), spl: mean(this.spl), cov80: this.in80 / this.points, cov95: this.in95 / this.points };
  }
}

/** Right-sizing accumulator: share of samples above the recommendation, mean slack / capacity below it. */
export class SizingAcc {
  windows = 0;
  samples = 0;
  under = 0;
  slack = 0;
  slackN = 0;

  window(ts: ArrayLike<number>, v: ArrayLike<number>, cap: ArrayLike<number>, from: number, o: number, rec: number, norm: number): void {
    this.windows++;
    for (let j = from; j < ts.length && ts[j] <= o + 86400; j++) {
      const u = v[j];
      if (!Number.isFinite(u) || !(cap[j] > 0)) continue;
      this.samples++;
      if (u > rec) this.under++;
      else { this.slack += (rec - u) / norm; this.slackN++; }
    }
  }

  result(): { windows: number; samples: number; under: number; slack: number } {
    return { windows: this.windows, samples: this.samples, under: this.samples ? this.under / this.samples : NaN, slack: this.slackN ? this.slack / this.slackN : NaN };
  }
}
