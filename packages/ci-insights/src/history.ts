// Online CI history: per-test and per-pipeline statistics, updated one execution at a time.
//
// Per test (TestState): recency-weighted failure rate (exponentially decayed counts, Beta
// prior), lifetime counts, last failure, first seen, duration mean (all runs) and p95 (last
// `durationWindow` runs, exact), and flakiness in CircleCI's sense: the test both passed and
// failed on the same revision within `flakyWindowMs` (14 days). A run without a revision is
// keyed by its pipeline run, so a retry inside one run also counts.
// Per suite: an online estimate of how often a new test fails on its first execution.
// Per pipeline: recency-weighted failure rate of its runs, duration, and the tests that fail
// most (space-saving heavy hitters, Metwally et al. 2005, `topFailingPerPipeline` counters).
//
// Cost: ingest O(1) amortised (plus O(maxRevisionsPerTest) when a revision is new, and
// O(topFailingPerPipeline) on a failure). Memory per test: ~200 bytes + 8·durationWindow +
// ~80·maxRevisionsPerTest; tests, suites and pipelines are LRU-bounded (maxTests, maxPipelines).
// All state is plain data: toJSON()/fromJSON() round-trip it. No clock: times come from records.

import { resolveOptions } from './options.js';
import type { CiInsightsOptions } from './options.js';
import { isFailure, testKey } from './types.js';
import type { PipelineRunResult, TestRun, TestStatus } from './types.js';
import { BuildRiskModel } from './risk.js';
import type { BuildRiskState } from './risk.js';

export interface RevisionEntry {
  rev: string;
  firstMs: number;
  lastMs: number;
  passed: number;
  failed: number;
}

export interface TestState {
  suite: string;
  name: string;
  firstSeenMs: number;
  lastSeenMs: number;
  lastFailureMs: number | null;
  lastStatus: TestStatus;
  /** Executions with a verdict (passed, failed, error). */
  runs: number;
  failures: number;
  skips: number;
  /** Exponentially decayed failure and run counts (recencyAlpha per execution). */
  decayedFailures: number;
  decayedRuns: number;
  /** Verdict executions since the last failure; null when it never failed. */
  runsSinceFailure: number | null;
  durationCount: number;
  durationMeanMs: number;
  /** Ring buffer of recent durations and the next slot to write. */
  durationsMs: number[];
  durationNext: number;
  revisions: RevisionEntry[];
  /** Revisions on which the test ever both passed and failed (lifetime count). */
  flakyRevisions: number;
}

export interface SuiteState {
  suite: string;
  /** EWMA of "a new test failed its first execution". */
  newTestFailureRate: number;
  newTests: number;
}

export interface FailingCounter {
  test: string;
  count: number;
  /** Space-saving over-estimate bound: the true count is in [count - error, count]. */
  error: number;
}

export interface PipelineState {
  pipeline: string;
  runs: number;
  failures: number;
  decayedFailures: number;
  decayedRuns: number;
  durationCount: number;
  durationMeanMs: number;
  lastRunMs: number | null;
  lastSeenMs: number;
  failing: FailingCounter[];
}

export interface TestSummary {
  suite: string;
  name: string;
  runs: number;
  failures: number;
  /** Recency-weighted failure probability (Beta-smoothed), the prioritiser's main signal. */
  failureProbability: number;
  recentFailureRate: number;
  flaky: boolean;
  /** Share of revisions in the window on which the test both passed and failed. */
  flakeRate: number;
  flakyRevisionsInWindow: number;
  durationMeanMs: number | null;
  durationP95Ms: number | null;
  lastFailureMs: number | null;
  firstSeenMs: number;
  runsSinceFailure: number | null;
}

export interface PipelineSummary {
  pipeline: string;
  runs: number;
  failures: number;
  failureRate: number;
  recentFailureRate: number;
  durationMeanMs: number | null;
  topFailingTests: FailingCounter[];
}

export interface CiHistoryState {
  version: 1;
  tests: TestState[];
  suites: SuiteState[];
  pipelines: PipelineState[];
  risk: BuildRiskState;
  latestMs: number;
}

/** Nearest-rank percentile of a small sample (copy sorted). */
export function nearestRank(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[idx];
}

export class CiHistory {
  readonly options: Readonly<CiInsightsOptions>;
  private readonly tests = new Map<string, TestState>();
  private readonly suites = new Map<string, SuiteState>();
  private readonly pipelines = new Map<string, PipelineState>();
  readonly risk: BuildRiskModel;
  /** Latest record time seen: the clock of window queries when none is given. */
  private latestMs = Number.NEGATIVE_INFINITY;

  constructor(options: Partial<CiInsightsOptions> = {}) {
    this.options = resolveOptions(options);
    this.risk = new BuildRiskModel(this.options);
  }

  get testCount(): number {
    return this.tests.size;
  }

  get clockMs(): number {
    return this.latestMs;
  }

  /** Feeds one execution. Invalid records are rejected with a reason instead of corrupting state. */
  ingest(run: TestRun): { ok: true } | { ok: false; reason: string } {
    if (typeof run.suite !== 'string' || typeof run.testName !== 'string' || run.testName === '') {
      return { ok: false, reason: 'suite and testName must be non-empty strings' };
    }
    if (!Number.isFinite(run.timeMs)) return { ok: false, reason: `timeMs=${String(run.timeMs)} is not finite` };
    const o = this.options;
    const key = testKey(run.suite, run.testName);
    let t = this.tests.get(key);
    if (t) {
      this.tests.delete(key); // re-insert: Map order is the LRU order
    } else {
      t = {
        suite: run.suite, name: run.testName, firstSeenMs: run.timeMs, lastSeenMs: run.timeMs, lastFailureMs: null,
        lastStatus: run.status, runs: 0, failures: 0, skips: 0, decayedFailures: 0, decayedRuns: 0, runsSinceFailure: null,
        durationCount: 0, durationMeanMs: 0, durationsMs: [], durationNext: 0, revisions: [], flakyRevisions: 0,
      };
      if (this.tests.size >= o.maxTests) {
        const oldest = this.tests.keys().next();
        if (!oldest.done) this.tests.delete(oldest.value);
      }
    }
    this.tests.set(key, t);
    if (run.timeMs > this.latestMs) this.latestMs = run.timeMs;
    t.lastSeenMs = Math.max(t.lastSeenMs, run.timeMs);
    t.firstSeenMs = Math.min(t.firstSeenMs, run.timeMs);
    t.lastStatus = run.status;
    if (run.status === 'skipped') {
      t.skips++;
      return { ok: true };
    }
    const failed = isFailure(run.status);
    if (t.runs === 0) this.updateNewTestRate(run.suite, failed);
    t.runs++;
    t.decayedFailures = t.decayedFailures * (1 - o.recencyAlpha) + (failed ? 1 : 0);
    t.decayedRuns = t.decayedRuns * (1 - o.recencyAlpha) + 1;
    if (failed) {
      t.failures++;
      t.runsSinceFailure = 0;
      t.lastFailureMs = t.lastFailureMs === null ? run.timeMs : Math.max(t.lastFailureMs, run.timeMs);
    } else if (t.runsSinceFailure !== null) {
      t.runsSinceFailure++;
    }
    if (Number.isFinite(run.durationMs) && run.durationMs >= 0) {
      t.durationCount++;
      t.durationMeanMs += (run.durationMs - t.durationMeanMs) / t.durationCount;
      if (t.durationsMs.length < o.durationWindow) t.durationsMs.push(run.durationMs);
      else t.durationsMs[t.durationNext] = run.durationMs;
      t.durationNext = (t.durationNext + 1) % o.durationWindow;
    }
    this.recordRevision(t, run.revision ?? `run:${run.runId}`, run.timeMs, failed);
    const p = this.touchPipeline(run.pipeline, run.timeMs);
    if (failed) this.countFailing(p, run.suite === '' ? run.testName : `${run.suite} :: ${run.testName}`);
    return { ok: true };
  }

  /**
   * Seeds a test's verdict history from a prior record: its earlier verdicts (true = failed),
   * MOST RECENT FIRST, as known before the run about to be ranked (e.g. the RETECS
   * `LastResults` column, or another store's copy of the test's results). The prior is treated
   * as the whole verdict history of the test, so it is used only when it is longer than what
   * this history saw (a test never seen, or seen for fewer verdicts, e.g. just after a restart
   * or a lookback limit); then it replaces the verdict counts (runs, failures, decayed counts,
   * runs since failure) instead of adding to them, so verdicts present in both are not counted
   * twice. Durations, revisions, times of failures and the suite's new-test rate are left
   * alone: the prior carries none of them. Returns whether the state changed.
   * Cost O(prior length); no change to the memory per test.
   */
  seedPriorVerdicts(suite: string, testName: string, failedMostRecentFirst: readonly boolean[], timeMs: number): boolean {
    if (failedMostRecentFirst.length === 0 || !Number.isFinite(timeMs)) return false;
    const o = this.options;
    const key = testKey(suite, testName);
    let t = this.tests.get(key);
    if (t && t.runs >= failedMostRecentFirst.length) return false;
    if (!t) {
      t = {
        suite, name: testName, firstSeenMs: timeMs, lastSeenMs: timeMs, lastFailureMs: null,
        lastStatus: failedMostRecentFirst[0] ? 'failed' : 'passed', runs: 0, failures: 0, skips: 0, decayedFailures: 0,
        decayedRuns: 0, runsSinceFailure: null, durationCount: 0, durationMeanMs: 0, durationsMs: [], durationNext: 0,
        revisions: [], flakyRevisions: 0,
      };
      if (this.tests.size >= o.maxTests) {
        const oldest = this.tests.keys().next();
        if (!oldest.done) this.tests.delete(oldest.value);
      }
    } else {
      this.tests.delete(key); // re-inserted below: Map order is the LRU order
    }
    this.tests.set(key, t);
    // Replay oldest → newest through the same recurrences as ingest().
    let df = 0;
    let dr = 0;
    let failures = 0;
    let since: number | null = null;
    for (let i = failedMostRecentFirst.length - 1; i >= 0; i--) {
      const failed = failedMostRecentFirst[i] === true;
      df = df * (1 - o.recencyAlpha) + (failed ? 1 : 0);
      dr = dr * (1 - o.recencyAlpha) + 1;
      if (failed) {
        failures++;
        since = 0;
      } else if (since !== null) {
        since++;
      }
    }
    t.decayedFailures = df;
    t.decayedRuns = dr;
    t.runs = failedMostRecentFirst.length;
    t.failures = failures;
    t.runsSinceFailure = since;
    return true;
  }

  /** Feeds the outcome of a whole pipeline run (also trains the build-failure risk model). */
  recordPipelineRun(result: PipelineRunResult): void {
    const o = this.options;
    const p = this.touchPipeline(result.pipeline, result.timeMs);
    const failed = result.status === 'failed';
    this.risk.learn(result.runId, failed);
    p.runs++;
    if (failed) p.failures++;
    p.decayedFailures = p.decayedFailures * (1 - o.recencyAlpha) + (failed ? 1 : 0);
    p.decayedRuns = p.decayedRuns * (1 - o.recencyAlpha) + 1;
    p.lastRunMs = result.timeMs;
    if (result.durationMs !== undefined && Number.isFinite(result.durationMs) && result.durationMs >= 0) {
      p.durationCount++;
      p.durationMeanMs += (result.durationMs - p.durationMeanMs) / p.durationCount;
    }
    if (result.timeMs > this.latestMs) this.latestMs = result.timeMs;
  }

  /** Raw state of one test (read-only view; do not mutate). */
  testState(suite: string, testName: string): Readonly<TestState> | undefined {
    return this.tests.get(testKey(suite, testName));
  }

  /** Failure probability of the next execution of a test: decayed Beta for a known test, the suite's new-test rate otherwise. */
  failureProbability(suite: string, testName: string): number {
    const t = this.tests.get(testKey(suite, testName));
    if (!t || t.runs === 0) return this.newTestFailureRate(suite);
    return this.probabilityOf(t);
  }

  probabilityOf(t: Readonly<TestState>): number {
    const o = this.options;
    return (t.decayedFailures + o.priorFailures) / (t.decayedRuns + o.priorRuns);
  }

  newTestFailureRate(suite: string): number {
    return this.suites.get(suite)?.newTestFailureRate ?? this.options.newTestPriorInit;
  }

  /** Flaky revisions of a test inside the window ending at nowMs (default: latest record time). */
  flakiness(t: Readonly<TestState>, nowMs = this.latestMs): { flaky: boolean; flakeRate: number; flakyRevisions: number } {
    const from = nowMs - this.options.flakyWindowMs;
    let seen = 0;
    let mixed = 0;
    for (const r of t.revisions) {
      if (r.lastMs < from || r.firstMs > nowMs) continue;
      if (r.passed + r.failed === 0) continue;
      seen++;
      if (r.passed > 0 && r.failed > 0) mixed++;
    }
    return { flaky: mixed > 0, flakeRate: seen === 0 ? 0 : mixed / seen, flakyRevisions: mixed };
  }

  summarize(suite: string, testName: string, nowMs = this.latestMs): TestSummary | undefined {
    const t = this.tests.get(testKey(suite, testName));
    return t ? this.summaryOf(t, nowMs) : undefined;
  }

  summaryOf(t: Readonly<TestState>, nowMs = this.latestMs): TestSummary {
    const f = this.flakiness(t, nowMs);
    return {
      suite: t.suite,
      name: t.name,
      runs: t.runs,
      failures: t.failures,
      failureProbability: t.runs === 0 ? this.newTestFailureRate(t.suite) : this.probabilityOf(t),
      recentFailureRate: t.decayedRuns === 0 ? 0 : t.decayedFailures / t.decayedRuns,
      flaky: f.flaky,
      flakeRate: f.flakeRate,
      flakyRevisionsInWindow: f.flakyRevisions,
      durationMeanMs: t.durationCount === 0 ? null : t.durationMeanMs,
      durationP95Ms: nearestRank(t.durationsMs, 0.95),
      lastFailureMs: t.lastFailureMs,
      firstSeenMs: t.firstSeenMs,
      runsSinceFailure: t.runsSinceFailure,
    };
  }

  /** Tests flaky in the window, most flaky first. Cost O(tests). */
  flakyTests(nowMs = this.latestMs, limit = 100): TestSummary[] {
    const out: TestSummary[] = [];
    for (const t of this.tests.values()) {
      if (t.revisions.length === 0) continue;
      const f = this.flakiness(t, nowMs);
      if (f.flaky) out.push(this.summaryOf(t, nowMs));
    }
    out.sort((a, b) => b.flakyRevisionsInWindow - a.flakyRevisionsInWindow || b.flakeRate - a.flakeRate || (a.name < b.name ? -1 : 1));
    return out.slice(0, limit);
  }

  pipeline(name: string): PipelineSummary | undefined {
    const p = this.pipelines.get(name);
    if (!p) return undefined;
    return {
      pipeline: p.pipeline,
      runs: p.runs,
      failures: p.failures,
      failureRate: p.runs === 0 ? 0 : p.failures / p.runs,
      recentFailureRate: this.pipelineFailureProbability(name),
      durationMeanMs: p.durationCount === 0 ? null : p.durationMeanMs,
      topFailingTests: [...p.failing].sort((a, b) => b.count - a.count || (a.test < b.test ? -1 : 1)).slice(0, this.options.topFailingPerPipeline),
    };
  }

  /** Recency-weighted failure probability of a pipeline's next run (Beta(1/2, 1/2)-smoothed, Jeffreys prior). */
  pipelineFailureProbability(name: string): number {
    const p = this.pipelines.get(name);
    if (!p) return 0.5;
    return (p.decayedFailures + 0.5) / (p.decayedRuns + 1);
  }

  toJSON(): CiHistoryState {
    return {
      version: 1,
      tests: [...this.tests.values()].map((t) => ({ ...t, durationsMs: [...t.durationsMs], revisions: t.revisions.map((r) => ({ ...r })) })),
      suites: [...this.suites.values()].map((s) => ({ ...s })),
      pipelines: [...this.pipelines.values()].map((p) => ({ ...p, failing: p.failing.map((f) => ({ ...f })) })),
      risk: this.risk.toJSON(),
      latestMs: Number.isFinite(this.latestMs) ? this.latestMs : -1,
    };
  }

  static fromJSON(state: CiHistoryState, options: Partial<CiInsightsOptions> = {}): CiHistory {
    if (!state || state.version !== 1) throw new Error(`CiHistory.fromJSON: unsupported state version ${String(state?.version)}`);
    const h = new CiHistory(options);
    for (const t of state.tests) h.tests.set(testKey(t.suite, t.name), { ...t, durationsMs: [...t.durationsMs], revisions: t.revisions.map((r) => ({ ...r })) });
    for (const s of state.suites) h.suites.set(s.suite, { ...s });
    for (const p of state.pipelines) h.pipelines.set(p.pipeline, { ...p, failing: p.failing.map((f) => ({ ...f })) });
    h.risk.restore(state.risk);
    h.latestMs = state.latestMs < 0 && state.tests.length === 0 ? Number.NEGATIVE_INFINITY : state.latestMs;
    return h;
  }

  private updateNewTestRate(suite: string, failed: boolean): void {
    const o = this.options;
    let s = this.suites.get(suite);
    if (s) this.suites.delete(suite);
    else {
      s = { suite, newTestFailureRate: o.newTestPriorInit, newTests: 0 };
      if (this.suites.size >= o.maxPipelines) {
        const oldest = this.suites.keys().next();
        if (!oldest.done) this.suites.delete(oldest.value);
      }
    }
    this.suites.set(suite, s);
    s.newTests++;
    s.newTestFailureRate += o.newTestAlpha * ((failed ? 1 : 0) - s.newTestFailureRate);
  }

  private recordRevision(t: TestState, rev: string, timeMs: number, failed: boolean): void {
    const o = this.options;
    let r = t.revisions.find((x) => x.rev === rev);
    if (!r) {
      r = { rev, firstMs: timeMs, lastMs: timeMs, passed: 0, failed: 0 };
      // Drop entries outside the window first, then the least recent, to stay bounded.
      const from = this.latestMs - o.flakyWindowMs;
      if (t.revisions.length >= o.maxRevisionsPerTest) t.revisions = t.revisions.filter((x) => x.lastMs >= from);
      if (t.revisions.length >= o.maxRevisionsPerTest) {
        let oldest = 0;
        for (let i = 1; i < t.revisions.length; i++) if (t.revisions[i].lastMs < t.revisions[oldest].lastMs) oldest = i;
        t.revisions.splice(oldest, 1);
      }
      t.revisions.push(r);
    }
    const wasMixed = r.passed > 0 && r.failed > 0;
    if (failed) r.failed++;
    else r.passed++;
    r.firstMs = Math.min(r.firstMs, timeMs);
    r.lastMs = Math.max(r.lastMs, timeMs);
    if (!wasMixed && r.passed > 0 && r.failed > 0) t.flakyRevisions++;
  }

  private touchPipeline(name: string, timeMs: number): PipelineState {
    let p = this.pipelines.get(name);
    if (p) this.pipelines.delete(name);
    else {
      p = { pipeline: name, runs: 0, failures: 0, decayedFailures: 0, decayedRuns: 0, durationCount: 0, durationMeanMs: 0, lastRunMs: null, lastSeenMs: timeMs, failing: [] };
      if (this.pipelines.size >= this.options.maxPipelines) {
        const oldest = this.pipelines.keys().next();
        if (!oldest.done) this.pipelines.delete(oldest.value);
      }
    }
    p.lastSeenMs = Math.max(p.lastSeenMs, timeMs);
    this.pipelines.set(name, p);
    return p;
  }

  // Space-saving: increment if tracked; else take a free slot; else replace the minimum counter
  // and inherit its count as the error bound.
  private countFailing(p: PipelineState, test: string): void {
    const c = p.failing.find((x) => x.test === test);
    if (c) {
      c.count++;
      return;
    }
    const capacity = this.options.topFailingPerPipeline * 2;
    if (p.failing.length < capacity) {
      p.failing.push({ test, count: 1, error: 0 });
      return;
    }
    let min = 0;
    for (let i = 1; i < p.failing.length; i++) if (p.failing[i].count < p.failing[min].count) min = i;
    const m = p.failing[min];
    p.failing[min] = { test, count: m.count + 1, error: m.count };
  }
}
