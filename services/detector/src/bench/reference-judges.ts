// The two reference judges of `npm run bench:verification`, written from their documented
// semantics (no code of theirs): both see exactly the requests Vigil's verifier sees.
//
// Kayenta (Spinnaker's automated canary analysis, NetflixACAJudge): each metric is a time series
// (one value per `stepMs`) for the control (baseline) and the experiment (canary); a Mann-Whitney
// U test per metric at 98% confidence classifies it High when the lower end of the confidence
// interval of the Hodges-Lehmann shift exceeds a quarter of the shift itself ("fraction 0.25",
// MannWhitneyClassifier), Pass otherwise, Nodata without data. The score is the share of metrics
// classified Pass (equal weights) × 100, classified by ThresholdScoreClassifier: below `marginal`
// (75) fails, at least `pass` (95) passes. Spinnaker's canary stage runs the judge at every
// analysis interval on the data so far, fails as soon as a score falls below `marginal`, and
// decides pass or fail at the last interval against `pass`. Outlier removal (Kayenta's IQR
// transform) is omitted: it only removes evidence, so the judge here is if anything more sensitive.
//
// Argo Rollouts / Flagger: every `intervalMs`, one measurement over that interval: success rate
// ≥ 99% and p99 latency ≤ 500 ms. An interval without requests measures nothing (Argo:
// inconclusive). The analysis fails when failed measurements exceed `failureLimit`, and passes
// after `count` measurements otherwise (Argo's AnalysisTemplate count / failureLimit; Flagger's
// iterations / threshold play the same roles).
import { normalSf } from '@vigil/stats';

export interface JudgedRequest {
  timeMs: number;
  isError: boolean;
  durationMs: number;
}

export type JudgeVerdict = { status: 'pass' | 'fail' | 'inconclusive'; atMs: number } | null;

/** Per-step series of a version's requests: error ratio, mean latency, p99 latency. */
export class StepSeries {
  private steps = new Map<number, { errors: number; durations: number[] }>();
  constructor(private readonly stepMs: number) {}

  add(r: JudgedRequest): void {
    const k = Math.floor(r.timeMs / this.stepMs);
    let s = this.steps.get(k);
    if (!s) this.steps.set(k, (s = { errors: 0, durations: [] }));
    if (r.isError) s.errors++;
    s.durations.push(r.durationMs);
  }

  /** Metric values of the steps that end at or before `untilMs` and start at or after `fromMs`. */
  values(fromMs: number, untilMs: number): { errorRatio: number[]; meanMs: number[]; p99Ms: number[] } {
    const out = { errorRatio: [] as number[], meanMs: [] as number[], p99Ms: [] as number[] };
    const keys = [...this.steps.keys()].sort((a, b) => a - b);
    for (const k of keys) {
      if (k * this.stepMs < fromMs || (k + 1) * this.stepMs > untilMs) continue;
      const s = this.steps.get(k) as { errors: number; durations: number[] };
      const n = s.durations.length;
      out.errorRatio.push(s.errors / n);
      out.meanMs.push(s.durations.reduce((a, b) => a + b, 0) / n);
      out.p99Ms.push(quantileOf(s.durations, 0.99));
    }
    return out;
  }
}

function quantileOf(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  // Nearest rank (what a Prometheus-free judge computes on raw durations).
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

/**
 * Mann-Whitney / Wilcoxon rank-sum confidence interval for the location shift (experiment −
 * control) by the Hodges-Lehmann construction: the order statistics of the pairwise differences
 * at ranks k and mn − k + 1, with k from the normal approximation of U (Hollander & Wolfe,
 * "Nonparametric statistical methods", 4.3). R's wilcox.test (which Kayenta calls) uses the exact
 * distribution for small samples without ties; the normal approximation differs by at most a rank.
 */
export function hodgesLehmann(experiment: number[], control: number[], confidence: number): { estimate: number; lower: number; upper: number } | null {
  const m = experiment.length;
  const n = control.length;
  if (m === 0 || n === 0) return null;
  const d: number[] = [];
  for (const x of experiment) for (const y of control) d.push(x - y);
  d.sort((a, b) => a - b);
  const N = d.length;
  const estimate = N % 2 ? d[(N - 1) / 2] : (d[N / 2 - 1] + d[N / 2]) / 2;
  const z = zQuantile(1 - (1 - confidence) / 2);
  const k = Math.floor(N / 2 - z * Math.sqrt((m * n * (m + n + 1)) / 12));
  if (k < 1) return { estimate, lower: -Infinity, upper: Infinity };
  return { estimate, lower: d[k - 1], upper: d[N - k] };
}

/** Standard normal quantile by bisection on the survival function (used for a handful of constants). */
function zQuantile(p: number): number {
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (1 - normalSf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface KayentaOptions {
  stepMs: number;
  intervalMs: number;
  intervals: number;
  confidence: number;
  fraction: number;
  marginal: number;
  pass: number;
}

const KAYENTA_DEFAULTS: KayentaOptions = { stepMs: 10_000, intervalMs: 60_000, intervals: 5, confidence: 0.98, fraction: 0.25, marginal: 75, pass: 95 };

/** Classify one metric as Kayenta's MannWhitneyClassifier does, direction "increase". */
function classifyIncrease(control: number[], experiment: number[], o: KayentaOptions): 'High' | 'Pass' | 'Nodata' {
  if (control.length === 0 || experiment.length === 0) return 'Nodata';
  const r = hodgesLehmann(experiment, control, o.confidence);
  if (!r) return 'Nodata';
  return r.lower > o.fraction * Math.abs(r.estimate) ? 'High' : 'Pass';
}

/** Kayenta-style canary analysis of a candidate against its control series. */
export class KayentaJudge {
  readonly candidate: StepSeries;
  verdict: JudgeVerdict = null;
  private nextInterval = 1;
  /**
   * The candidate's CPU samples [time, value]. When the control has CPU too, it is a fourth metric
   * marked critical (Kayenta's canary-config flag: a critical metric classified High fails the
   * canary whatever the score), so the three request metrics score as before and CPU can only add fails.
   */
  private cpu: Array<[number, number]> = [];
  constructor(
    private readonly control: { errorRatio: number[]; meanMs: number[]; p99Ms: number[]; cpu?: number[] },
    private readonly deployedAtMs: number,
    private readonly o: KayentaOptions = KAYENTA_DEFAULTS,
  ) {
    this.candidate = new StepSeries(o.stepMs);
  }

  observe(r: JudgedRequest): void {
    this.advance(r.timeMs);
    if (!this.verdict) this.candidate.add(r);
  }

  /** One CPU sample of the candidate (one value per export interval, Kayenta's step). */
  observeCpu(timeMs: number, value: number): void {
    this.advance(timeMs);
    if (!this.verdict) this.cpu.push([timeMs, value]);
  }

  /** Run every analysis interval that ended by `nowMs`. */
  advance(nowMs: number): void {
    while (!this.verdict && this.deployedAtMs + this.nextInterval * this.o.intervalMs <= nowMs) {
      const at = this.deployedAtMs + this.nextInterval * this.o.intervalMs;
      const exp = this.candidate.values(this.deployedAtMs, at);
      const classes = [
        classifyIncrease(this.control.errorRatio, exp.errorRatio, this.o),
        classifyIncrease(this.control.meanMs, exp.meanMs, this.o),
        classifyIncrease(this.control.p99Ms, exp.p99Ms, this.o),
      ].filter((c) => c !== 'Nodata');
      const last = this.nextInterval >= this.o.intervals;
      const cpu = classifyIncrease(this.control.cpu ?? [], this.cpu.filter(([t]) => t <= at).map(([, v]) => v), this.o);
      if (cpu === 'High') this.verdict = { status: 'fail', atMs: at };
      else if (classes.length > 0) {
        const score = (100 * classes.filter((c) => c === 'Pass').length) / classes.length;
        if (score < this.o.marginal) this.verdict = { status: 'fail', atMs: at };
        else if (last) this.verdict = { status: score >= this.o.pass ? 'pass' : 'fail', atMs: at };
      } else if (last) this.verdict = { status: 'inconclusive', atMs: at };
      this.nextInterval++;
    }
  }
}

export interface ThresholdOptions {
  intervalMs: number;
  minSuccessRate: number;
  maxP99Ms: number;
  failureLimit: number;
  count: number;
}

const THRESHOLD_DEFAULTS: ThresholdOptions = { intervalMs: 60_000, minSuccessRate: 0.99, maxP99Ms: 500, failureLimit: 1, count: 5 };

/** Argo Rollouts / Flagger style analysis: fixed thresholds per interval, a failure limit. */
export class ThresholdJudge {
  verdict: JudgeVerdict = null;
  private interval = 0;
  private errors = 0;
  private durations: number[] = [];
  private failed = 0;
  private measured = 0;
  constructor(
    private readonly deployedAtMs: number,
    private readonly o: ThresholdOptions = THRESHOLD_DEFAULTS,
  ) {}

  observe(r: JudgedRequest): void {
    this.advance(r.timeMs);
    if (this.verdict) return;
    if (r.isError) this.errors++;
    this.durations.push(r.durationMs);
  }

  advance(nowMs: number): void {
    while (!this.verdict && this.deployedAtMs + (this.interval + 1) * this.o.intervalMs <= nowMs) {
      const at = this.deployedAtMs + (this.interval + 1) * this.o.intervalMs;
      const n = this.durations.length;
      if (n > 0) {
        this.measured++;
        const ok = 1 - this.errors / n >= this.o.minSuccessRate && quantileOf(this.durations, 0.99) <= this.o.maxP99Ms;
        if (!ok) this.failed++;
        if (this.failed > this.o.failureLimit) this.verdict = { status: 'fail', atMs: at };
        else if (this.measured >= this.o.count) this.verdict = { status: 'pass', atMs: at };
      }
      this.errors = 0;
      this.durations = [];
      this.interval++;
    }
  }
}
