import { DDSketch } from '@vigil/stats';
import type { DDSketchJSON } from '@vigil/stats';
import { newSketch } from './baseline.js';
import { HistoryBlocks, MEMORY_GROWTH } from './memory-growth.js';
import type { GrowthBaseline, HistoryBlocksJSON } from './memory-growth.js';

/**
 * Saturation metrics in deployment verification (issue 21, "more signals per deploy"): the CPU
 * and memory a service reports through OpenTelemetry resource metrics carrying service.version.
 *
 * The test, per metric the verified-good history holds enough samples of: the share of the
 * candidate's samples above `margin` × the baseline's p95 of the same metric. With no regression
 * (the candidate's distribution at most `margin` times the baseline's) that share is at most 5%;
 * the null allows a tolerance for the samples' autocorrelation (a CPU burst lasts longer than one
 * export interval, so exceedances cluster) plus the baseline's sampling error, exactly as the
 * latency exceedance tests do. It runs as one more member of the check's family — a one-sample
 * mixture SPRT on the exceedance indicator (always valid), its Wald test for the pass, and the
 * exact binomial tail at the deadline — under the same Holm correction and error budget α.
 * A service that sends no such metrics gets no such test: the family is what it was.
 * Each memory metric tested also gets a memory-growth (leak) test in the same family
 * (memory-growth.ts): a trend that a level test sees only once it has crossed the margin.
 */
export type SaturationKind = 'cpu' | 'memory';

/** One normalised sample of a saturation metric of one version (see saturationKindOf). */
export interface SaturationSample {
  service: string;
  version: string;
  /** The OpenTelemetry metric name, e.g. process.cpu.utilization. */
  metric: string;
  timeMs: number;
  value: number;
}

// The semantic-convention metrics recognised (the forecast feed's CPU and memory gauges, and the
// cumulative CPU-time counters as their rate per second, i.e. cores in use).
const SATURATION_SERIES: ReadonlyArray<readonly [string, string, SaturationKind]> = [
  ['process.cpu.utilization', 'value', 'cpu'], ['container.cpu.usage', 'value', 'cpu'], ['k8s.pod.cpu.usage', 'value', 'cpu'],
  ['process.cpu.time', 'rate', 'cpu'], ['container.cpu.time', 'rate', 'cpu'], ['k8s.pod.cpu.time', 'rate', 'cpu'],
  ['process.memory.usage', 'value', 'memory'], ['k8s.pod.memory.working_set', 'value', 'memory'], ['container.memory.working_set', 'value', 'memory'],
];

/** The kind of a metric sample (name and derived field, @vigil/features) that verification tests, or null. */
export function saturationKindOf(metric: string, field: string): SaturationKind | null {
  for (const [m, f, k] of SATURATION_SERIES) if (m === metric && f === field) return k;
  return null;
}

export function saturationMetricKind(metric: string): SaturationKind {
  return SATURATION_SERIES.find(([m]) => m === metric)?.[2] ?? 'cpu';
}

/**
 * The constants of the saturation test.
 * - `q`, `margin`: a sample "exceeds" above margin × the baseline's q-quantile: a change of CPU or
 *   memory under 10% is not worth failing a deploy for, and the margin also covers the sketch's 1%.
 * - `tol`: the null share is (1 − q)(1 + tol) plus `SAMPLING_Z` baseline standard errors. 0.5,
 *   more than the latency tests' 0.3, because metric samples are autocorrelated (see above).
 * - `p1` / `strictP1`: the Wald alternative that decides a pass: that share of the samples above
 *   the threshold (a shift of about the baseline's p95 − p50) is the regression worth failing.
 * - `minBaseline`: baseline samples a metric needs before it is tested (at 10 s export intervals,
 *   five minutes of one process).
 * - `warmupMs`: the candidate's first samples after its first request are not tested: a process
 *   that just started (JIT, caches, connection pools) burns CPU it will not burn later.
 * - `maxMetrics`: metrics tested per check (CPU ones first), so the family stays small.
 */
export const SATURATION_CHECK = Object.freeze({ q: 0.95, margin: 1.1, tol: 0.5, p1: 0.4, strictP1: 0.3, minBaseline: 30, warmupMs: 30_000, maxMetrics: 4 });
const SAMPLING_Z = 1.28;
/** Metrics remembered per service. */
const MAX_METRICS = 20;

/** The null boundary of the exceedance share for a baseline of n samples. */
export function saturationNull(n: number): number {
  const base = 1 - SATURATION_CHECK.q;
  return Math.min(0.99, base * (1 + SATURATION_CHECK.tol) + SAMPLING_Z * Math.sqrt((SATURATION_CHECK.q * base) / Math.max(1, n)));
}

/** The check name of a memory metric's growth test (memory-growth.ts). */
export const MEMORY_GROWTH_CHECK = 'memory_growth';

/** The check name of a metric's test (evidence `check`): cpu_p95_exceedance, memory_p95_exceedance. */
export function saturationCheckName(metric: string): string {
  return `${saturationMetricKind(metric)}_p95_exceedance`;
}

interface Epochs {
  cur: DDSketch;
  prev: DDSketch;
  /** Memory metrics: the one-minute block means in event time (memory-growth.ts). */
  blocks?: HistoryBlocks;
}

/**
 * The verified-good history of a service's saturation metrics: per metric, the samples of the
 * versions that passed (and of the first version seen) in two epochs of `halfLifeMs` rotating with
 * the samples' event time — the recency weighting of HistoryBaseline, kept apart from it so the
 * span baseline does not change shape. A passed candidate's own samples join it (absorb). Memory
 * metrics also keep the spread and lag-1 correlation of their one-minute block means
 * (HistoryBlocks), the noise scale of the growth test.
 * Memory: two sketches (≤ 512 bins) per metric, ≤ 20 metrics.
 */
export class SaturationHistory {
  epochStartMs = -1;
  metrics = new Map<string, Epochs>();

  constructor(private readonly halfLifeMs: number) {}

  private rotate(timeMs: number): void {
    if (this.epochStartMs < 0) this.epochStartMs = timeMs;
    if (timeMs - this.epochStartMs < this.halfLifeMs) return;
    let cur = 0;
    for (const e of this.metrics.values()) cur += e.cur.count;
    if (cur === 0) return;
    this.epochStartMs = timeMs;
    for (const e of this.metrics.values()) {
      e.prev = e.cur;
      e.cur = newSketch();
    }
  }

  private epochs(metric: string): Epochs | null {
    let e = this.metrics.get(metric);
    if (!e) {
      if (this.metrics.size >= MAX_METRICS) return null;
      this.metrics.set(metric, (e = { cur: newSketch(), prev: newSketch() }));
    }
    return e;
  }

  /** A sample of the stable version (its version, when given, starts a new run of block means when it changes). */
  add(s: Pick<SaturationSample, 'metric' | 'timeMs' | 'value'> & { version?: string }): void {
    this.rotate(s.timeMs);
    const e = this.epochs(s.metric);
    if (!e) return;
    e.cur.add(s.value);
    if (saturationMetricKind(s.metric) === 'memory') (e.blocks ??= new HistoryBlocks()).add(s.timeMs, s.value, s.version);
  }

  /** A passed version's samples (they are verified-good now) join the current epoch. */
  absorb(own: ReadonlyMap<string, DDSketch>): void {
    for (const [metric, sk] of own) this.epochs(metric)?.cur.merge(sk);
  }

  count(metric: string): number {
    const e = this.metrics.get(metric);
    return e ? e.cur.count + e.prev.count : 0;
  }

  /** The q-quantile of a metric's baseline (both epochs), or null without samples. */
  quantile(metric: string, q: number): number | null {
    const e = this.metrics.get(metric);
    if (!e || e.cur.count + e.prev.count === 0) return null;
    return newSketch().merge(e.prev).merge(e.cur).quantile(q);
  }

  /**
   * What the growth test of a memory metric compares with: the median, the p95 and margin × p95,
   * and the noise of a one-minute block mean — the history's own block means (their own
   * exponential forgetting, not the epochs) when it holds `minHistoryBlocks` of them, else the marginal spread ((p84 − p16) / 2, an upper bound on any
   * mean's) with a strong lag-1 correlation (`fallbackRho`). Null without samples.
   */
  growthBaseline(metric: string): GrowthBaseline | null {
    const e = this.metrics.get(metric);
    if (!e || e.cur.count + e.prev.count === 0) return null;
    const all = newSketch().merge(e.prev).merge(e.cur);
    const p50 = all.quantile(0.5);
    const p95 = all.quantile(0.95);
    if (!(p95 > 0)) return null;
    const common = { p50, p95, threshold: SATURATION_CHECK.margin * p95 };
    const st = e.blocks?.stats();
    if (st && st.df >= MEMORY_GROWTH.minHistoryBlocks) return { ...common, blockSd: st.sd, rho: st.rho, blocks: st.df };
    return { ...common, blockSd: Math.max(0, (all.quantile(0.84) - all.quantile(0.16)) / 2), rho: MEMORY_GROWTH.fallbackRho, blocks: 0 };
  }

  /** The metrics with enough baseline to be tested: CPU before memory, then by name (deterministic). */
  testable(): string[] {
    return [...this.metrics.keys()]
      .filter((m) => this.count(m) >= SATURATION_CHECK.minBaseline)
      .sort((a, b) => (saturationMetricKind(a) === saturationMetricKind(b) ? (a < b ? -1 : 1) : saturationMetricKind(a) === 'cpu' ? -1 : 1))
      .slice(0, SATURATION_CHECK.maxMetrics);
  }

  toJSON(): SaturationHistoryJSON {
    return { epochStartMs: this.epochStartMs, metrics: [...this.metrics].map(([k, e]) => (e.blocks ? [k, e.cur.toJSON(), e.prev.toJSON(), e.blocks.toJSON()] : [k, e.cur.toJSON(), e.prev.toJSON()])) };
  }

  static fromJSON(j: SaturationHistoryJSON, halfLifeMs: number): SaturationHistory {
    const h = new SaturationHistory(halfLifeMs);
    h.epochStartMs = j.epochStartMs;
    // Histories written before the growth test have no block means: theirs start from here.
    for (const [k, c, p, b] of j.metrics) h.metrics.set(k, { cur: DDSketch.fromJSON(c), prev: DDSketch.fromJSON(p), ...(b ? { blocks: HistoryBlocks.fromJSON(b) } : {}) });
    return h;
  }
}

export interface SaturationHistoryJSON {
  epochStartMs: number;
  /** Per metric: the two epochs' sketches, and (memory metrics, since the growth test) the block means. */
  metrics: Array<[string, DDSketchJSON, DDSketchJSON] | [string, DDSketchJSON, DDSketchJSON, HistoryBlocksJSON]>;
}

/** Samples waiting for the span watermark, per service (the oldest is applied when more wait: ~20 minutes of four series at 10 s; bounds the snapshot of a service whose spans stopped). */
export const MAX_PENDING_SAMPLES = 500;

/** Insert a sample into a list kept in event-time order (ties: arrival order). */
export function insertByTime(list: SaturationSample[], s: SaturationSample): void {
  let i = list.length;
  while (i > 0 && list[i - 1].timeMs > s.timeMs) i--;
  list.splice(i, 0, s);
}

export function formatRatio(x: number): string {
  return Number.isFinite(x) ? (x >= 10 ? x.toFixed(0) : x.toFixed(2).replace(/\.?0+$/, '')) : '∞';
}
