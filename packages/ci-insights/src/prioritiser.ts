// Test prioritisation and build-failure risk over a CiHistory.
//
// Ranking: each planned execution gets a failure probability p:
//   - known test: recency-weighted, Beta-smoothed failure rate (CiHistory.failureProbability);
//   - new test: the suite's online rate of new tests failing their first run;
//   - raised when the test already failed on the same revision (p ⊕ p_rev) or when its name
//     matches a changed path (p ⊕ changedPathBoost), where a ⊕ b = 1 − (1−a)(1−b).
// Objective `failures` ranks by p (maximises APFD, which counts positions); objective
// `failures-per-second` ranks by p / expected duration (Smith's rule: minimises the expected
// time to the first failure). Ties: flakier first, then the caller's order (the order the CI
// would have run them in, which often encodes setup dependencies).
// Several executions of the same test in one request are ranked individually (same p, input order).
// Time budget: greedy by p per second, keeping what fits, then shown in rank order.
// Parallel split: longest-processing-time-first over the selected tests; each worker's list
// keeps rank order so each worker also meets failures early.
// Cost: O(n log n) per request for n planned tests, plus O(n·tokens) for changed paths.

import type { CiHistory, TestState } from './history.js';
import type { RankObjective } from './options.js';
import { BuildRiskModel } from './risk.js';
import type { BuildRisk } from './risk.js';
import { splitLongestFirst } from './split.js';

export interface PlannedTest {
  /** Execution id (defaults to the name); each execution is ranked on its own. */
  id?: string;
  name: string;
  durationMs?: number;
}

export interface PrioritiseRequest {
  suite: string;
  tests: readonly PlannedTest[];
  revision?: string;
  changedPaths?: readonly string[];
  /** Keep only the most informative tests whose expected durations sum to at most this. */
  timeBudgetMs?: number;
  /** Split the selected tests across this many parallel workers. */
  workers?: number;
  /** Clock for flakiness windows; defaults to the latest record time the history saw. */
  nowMs?: number;
  /** Overrides the history's configured objective for this request. */
  objective?: RankObjective;
}

export interface RankedTest {
  id: string;
  name: string;
  /** 1-based position in the full ranking. */
  rank: number;
  failureProbability: number;
  expectedDurationMs: number;
  flaky: boolean;
  reason: string;
  /** Position in the request. */
  index: number;
}

export interface Shard {
  worker: number;
  totalDurationMs: number;
  tests: RankedTest[];
}

export interface PrioritiseResult {
  ranked: RankedTest[];
  /** Tests to run: all of `ranked` without a budget, else the subset that fits, in rank order. */
  selected: RankedTest[];
  deferred: RankedTest[];
  selectedDurationMs: number;
  /** Σp over the selected tests: failures expected to be revealed. */
  expectedFailuresSelected: number;
  shards: Shard[] | null;
}

export class PrioritiseError extends Error {
  override readonly name = 'PrioritiseError';
}

const orPlus = (a: number, b: number): number => 1 - (1 - a) * (1 - b);

// Identifiers split into comparable words: lower-case, camelCase and separators broken up,
// test markers removed ("test_invoice", "InvoiceTest", "invoice.spec" → "invoice").
function stemOf(word: string): string {
  return word
    .toLowerCase()
    .replace(/^(tests?)[_-]?/, '')
    .replace(/[_-]?(tests?|spec|it)$/, '');
}

function nameTokens(name: string): Set<string> {
  const out = new Set<string>();
  for (const part of name.split(/[^A-Za-z0-9_-]+/)) {
    if (part === '') continue;
    out.add(stemOf(part));
    for (const sub of part.split(/[_-]+/)) if (sub.length >= 3) out.add(stemOf(sub));
  }
  out.delete('');
  return out;
}

function pathStems(paths: readonly string[]): Map<string, string> {
  const stems = new Map<string, string>();
  for (const p of paths) {
    const base = p.split(/[\\/]/).pop() ?? '';
    const noExt = base.replace(/(\.(test|spec))?\.[A-Za-z0-9]+$/, '');
    const s = stemOf(noExt);
    if (s.length >= 3 && !stems.has(s)) stems.set(s, p);
  }
  return stems;
}

function mayMatch(lowerName: string, stemKeys: readonly string[]): boolean {
  for (const s of stemKeys) if (lowerName.includes(s)) return true;
  return false;
}

function pct(p: number): string {
  return `${(p * 100).toFixed(p < 0.1 ? 1 : 0)}%`;
}

function describe(t: Readonly<TestState> | undefined, p: number, newRate: number, flakyRevs: number, windowDays: number): string {
  if (!t || t.runs === 0) return `new test, no verdict yet: new tests in this suite fail ${pct(newRate)} of first runs`;
  let s: string;
  if (t.runsSinceFailure === null) s = `passed all ${t.runs} runs`;
  else if (t.runsSinceFailure === 0) s = `failed its last run (${t.failures} of ${t.runs} failed)`;
  else s = `last failed ${t.runsSinceFailure} runs ago (${t.failures} of ${t.runs} failed)`;
  s += `; recent failure chance ${pct(p)}`;
  if (flakyRevs > 0) s += `; flaky: passed and failed on ${flakyRevs} revision${flakyRevs > 1 ? 's' : ''} in ${windowDays} d`;
  return s;
}

/** Ranks the planned executions of one suite; see the module comment for the rules. */
export function prioritise(history: CiHistory, req: PrioritiseRequest): PrioritiseResult {
  const o = history.options;
  const objective = req.objective ?? o.objective;
  if (typeof req.suite !== 'string') throw new PrioritiseError('suite must be a string');
  if (req.timeBudgetMs !== undefined && !(req.timeBudgetMs >= 0)) throw new PrioritiseError(`timeBudgetMs=${String(req.timeBudgetMs)} must be ≥ 0`);
  if (req.workers !== undefined && !(Number.isInteger(req.workers) && req.workers >= 1)) {
    throw new PrioritiseError(`workers=${String(req.workers)} must be a positive integer`);
  }
  const nowMs = req.nowMs ?? history.clockMs;
  const windowDays = Math.round(o.flakyWindowMs / 86_400_000);
  const newRate = history.newTestFailureRate(req.suite);
  const stems = req.changedPaths && req.changedPaths.length > 0 ? pathStems(req.changedPaths) : null;
  const stemKeys = stems ? [...stems.keys()] : [];

  // Fallback duration: median of the durations the request gives, else the configured default.
  const given = req.tests.map((t) => t.durationMs).filter((d): d is number => d !== undefined && Number.isFinite(d) && d >= 0).sort((a, b) => a - b);
  const fallbackMs = given.length > 0 ? given[Math.floor(given.length / 2)] : o.defaultDurationMs;

  const n = req.tests.length;
  const items: Array<RankedTest & { key: number; flakeRate: number }> = new Array<RankedTest & { key: number; flakeRate: number }>(n);
  for (let i = 0; i < n; i++) {
    const pt = req.tests[i];
    const st = history.testState(req.suite, pt.name);
    let p = st && st.runs > 0 ? history.probabilityOf(st) : newRate;
    const reasons: string[] = [];
    let flakyRevs = 0;
    let flakeRate = 0;
    if (st) {
      const f = history.flakiness(st, nowMs);
      flakyRevs = f.flakyRevisions;
      flakeRate = f.flakeRate;
      if (req.revision !== undefined) {
        const r = st.revisions.find((x) => x.rev === req.revision);
        if (r && r.failed > 0) {
          p = orPlus(p, (r.failed + 0.5) / (r.failed + r.passed + 1));
          reasons.push(`already failed ${r.failed}× on this revision`);
        }
      }
    }
    // Substring prefilter: tokenising every name costs ~5 µs; most names match no stem.
    if (stems && (stemKeys.length > 64 || mayMatch(pt.name.toLowerCase(), stemKeys))) {
      for (const tok of nameTokens(pt.name)) {
        const path = stems.get(tok);
        if (path !== undefined) {
          p = orPlus(p, o.changedPathBoost);
          reasons.push(`matches changed file ${path}`);
          break;
        }
      }
    }
    let d = pt.durationMs;
    if (d === undefined || !Number.isFinite(d) || d < 0) d = st && st.durationCount > 0 ? st.durationMeanMs : fallbackMs;
    const base = describe(st, p, newRate, flakyRevs, windowDays);
    items[i] = {
      id: pt.id ?? pt.name,
      name: pt.name,
      rank: 0,
      failureProbability: p,
      expectedDurationMs: d,
      flaky: flakyRevs > 0,
      reason: reasons.length > 0 ? `${base}; ${reasons.join('; ')}` : base,
      index: i,
      key: objective === 'failures' ? p : p / Math.max(d, 1),
      flakeRate,
    };
  }
  const order = [...items].sort((a, b) => b.key - a.key || b.flakeRate - a.flakeRate || a.index - b.index);
  const ranked: RankedTest[] = order.map((it, r) => ({
    id: it.id, name: it.name, rank: r + 1, failureProbability: it.failureProbability, expectedDurationMs: it.expectedDurationMs,
    flaky: it.flaky, reason: it.reason, index: it.index,
  }));

  let selected = ranked;
  let deferred: RankedTest[] = [];
  if (req.timeBudgetMs !== undefined) {
    const budget = req.timeBudgetMs;
    // Greedy knapsack by failure chance per millisecond (ties: rank order).
    const density = ranked.map((t) => t.failureProbability / Math.max(t.expectedDurationMs, 1));
    const byDensity = ranked.map((_, i) => i).sort((a, b) => density[b] - density[a] || a - b);
    const keep = new Uint8Array(ranked.length);
    let used = 0;
    for (const i of byDensity) {
      const d = ranked[i].expectedDurationMs;
      if (used + d <= budget) {
        keep[i] = 1;
        used += d;
      }
    }
    selected = ranked.filter((_, i) => keep[i] === 1);
    deferred = ranked.filter((_, i) => keep[i] === 0);
  }
  let selectedDurationMs = 0;
  let expected = 0;
  for (const t of selected) {
    selectedDurationMs += t.expectedDurationMs;
    expected += t.failureProbability;
  }
  let shards: Shard[] | null = null;
  if (req.workers !== undefined) {
    const bins = splitLongestFirst(selected.map((t) => ({ durationMs: t.expectedDurationMs, t })), req.workers);
    shards = bins.map((b) => ({ worker: b.worker, totalDurationMs: b.totalDurationMs, tests: b.items.map((x) => x.t) }));
  }
  return { ranked, selected, deferred, selectedDurationMs, expectedFailuresSelected: expected, shards };
}

export interface AnnounceRunRequest {
  pipeline: string;
  runId: string;
  /** Tests the run will execute, when known. */
  suite?: string;
  tests?: readonly PlannedTest[];
}

/**
 * Predicts the probability that an announced pipeline run fails and remembers its features;
 * call history.recordPipelineRun() with the outcome to train the model.
 */
export function assessBuildRisk(history: CiHistory, req: AnnounceRunRequest): BuildRisk {
  const rate = history.pipelineFailureProbability(req.pipeline);
  let maxP = 0;
  let riskiest: BuildRisk['riskiestTest'] = null;
  let likely = 0;
  const suite = req.suite ?? 'default';
  for (const t of req.tests ?? []) {
    const p = history.failureProbability(suite, t.name);
    if (p > maxP) {
      maxP = p;
      riskiest = { suite, name: t.name, probability: p };
    }
    if (p >= 0.5) likely++;
  }
  const x = BuildRiskModel.features(rate, req.tests && req.tests.length > 0 ? maxP : rate, likely);
  const probability = history.risk.announce(req.runId, x);
  let reason = `pipeline failed ${pct(rate)} of recent runs`;
  if (riskiest) reason += `; riskiest test ${riskiest.name} (${pct(riskiest.probability)})`;
  if (likely > 0) reason += `; ${likely} test${likely > 1 ? 's' : ''} more likely to fail than pass`;
  return { probability, pipelineFailureRate: rate, riskiestTest: riskiest, likelyFailingTests: likely, reason };
}
