// Per-revision test outcomes kept from a stream of test executions (the ci_test_runs records of
// one partition), so the CI quality of a revision is computed as executions arrive instead of
// by querying the store. Pure and deterministic: the clock of the 14-day known-flaky window is
// the newest execution time seen (event time), so a replay of the same records gives the same
// summaries whenever it runs. State is bounded and serialises to JSON.
//
// The ci_test_runs topic is keyed by suite, so one partition holds every execution of its suites:
// a summary per (revision, suite) computed here is complete, and the summaries of a revision's
// suites (held by other partitions) are merged by mergeSummaries.
import { isFailure } from './types.js';
import type { TestRun } from './types.js';
import { emptySummary, FLAKY_WINDOW_MS, NAME_LIMIT, testCategory, testName } from './revision-quality.js';
import type { RevisionTestSummary } from './revision-quality.js';

/** Passes, failures, skips of one test on one revision (or run). */
type Tally = [number, number, number];

export interface RevisionLedgerOptions {
  /** Revisions (and revision-less runs) remembered; the least recently updated are forgotten. */
  maxRevisions: number;
  /**
   * (revision, test) tallies remembered in all: the state is checkpointed whole, so it is bounded
   * by size too (the least recently updated revisions go first; the one being updated stays).
   */
  maxTallies: number;
  /** Flaky sightings remembered per test (newest kept). */
  maxFlakyPerTest: number;
}

// A deploy names a recent commit: 500 revisions, and at most 100,000 tallies (~4 MB of state
// JSON) — a 5,000-test suite keeps its last 20 revisions whole.
export const DEFAULT_LEDGER_OPTIONS: RevisionLedgerOptions = { maxRevisions: 500, maxTallies: 100_000, maxFlakyPerTest: 8 };

export interface RevisionLedgerJSON {
  nowMs: number | null;
  /** [revisionKey, suite, test, passes, failures, skips] in update order of the revision keys. */
  tallies: Array<[string, string, string, number, number, number]>;
  /** [suite, test, revisionKey, timeMs]. */
  flaky: Array<[string, string, string, number]>;
}

const SEP = '\u0000';
/** The key a test's executions are grouped by: the revision, else the run (ci_tests view's rule). */
const revisionKey = (run: Pick<TestRun, 'revision' | 'runId'>): string => (run.revision ? `rev:${run.revision}` : `run:${run.runId}`);

export class RevisionLedger {
  private nowMs = -Infinity;
  /** revisionKey → suite → test → tally; Map order = least recently updated first. */
  private readonly tallies = new Map<string, Map<string, Map<string, Tally>>>();
  /** suite SEP test → revisionKey → newest time the test was flaky there. */
  private readonly flaky = new Map<string, Map<string, number>>();
  private readonly touched = new Map<string, Set<string>>();
  private talliesHeld = 0;

  constructor(private readonly options: RevisionLedgerOptions = DEFAULT_LEDGER_OPTIONS) {}

  /** Revisions remembered (with revision-less runs). */
  get size(): number {
    return this.tallies.size;
  }

  /** Newest execution time counted (the ledger's clock); null before any. */
  get asOfMs(): number | null {
    return Number.isFinite(this.nowMs) ? this.nowMs : null;
  }

  /** Count one execution. */
  add(run: Pick<TestRun, 'suite' | 'testName' | 'runId' | 'revision' | 'status' | 'timeMs'>): void {
    if (Number.isFinite(run.timeMs) && run.timeMs > this.nowMs) this.nowMs = run.timeMs;
    const key = revisionKey(run);
    let suites = this.tallies.get(key);
    if (suites) this.tallies.delete(key); // re-insert: most recently updated last
    else suites = new Map<string, Map<string, Tally>>();
    this.tallies.set(key, suites);
    let tests = suites.get(run.suite);
    if (!tests) suites.set(run.suite, (tests = new Map<string, Tally>()));
    let t = tests.get(run.testName);
    if (!t) {
      tests.set(run.testName, (t = [0, 0, 0]));
      this.talliesHeld++;
    }
    if (run.status === 'passed') t[0]++;
    else if (isFailure(run.status)) t[1]++;
    else if (run.status === 'skipped') t[2]++;
    if (t[0] > 0 && t[1] > 0) this.markFlaky(run.suite, run.testName, key, run.timeMs);
    if (run.revision) {
      let s = this.touched.get(run.revision);
      if (!s) this.touched.set(run.revision, (s = new Set()));
      s.add(run.suite);
    }
    while (this.tallies.size > 1 && (this.tallies.size > this.options.maxRevisions || this.talliesHeld > this.options.maxTallies)) this.forgetOldest();
  }

  private forgetOldest(): void {
    const key = this.tallies.keys().next().value as string;
    for (const tests of this.tallies.get(key)!.values()) this.talliesHeld -= tests.size;
    this.tallies.delete(key);
  }

  /** The (revision, suite) pairs changed since the last call, in first-change order. */
  takeTouched(): Array<{ revision: string; suite: string }> {
    const out: Array<{ revision: string; suite: string }> = [];
    for (const [revision, suites] of this.touched) for (const suite of suites) out.push({ revision, suite });
    this.touched.clear();
    return out;
  }

  /** The summary of `revision`'s tests in `suite` as of the newest execution seen. */
  summary(revision: string, suite: string): RevisionTestSummary {
    const s = emptySummary(revision, suite);
    const tests = this.tallies.get(`rev:${revision}`)?.get(suite);
    if (!tests) return s;
    const known: string[] = [];
    for (const [name, [p, f, k]] of tests) {
      const c = testCategory(p, f, k);
      if (c === null) continue;
      s.counts[c]++;
      s.names[c].push(testName(suite, name));
      if ((c === 'passed' || c === 'failed') && this.flakyElsewhere(suite, name, `rev:${revision}`)) known.push(testName(suite, name));
    }
    for (const c of ['flaky', 'failed', 'passed', 'skipped'] as const) s.names[c] = s.names[c].sort().slice(0, NAME_LIMIT);
    s.knownFlaky = known.length;
    s.knownFlakyNames = known.sort().slice(0, NAME_LIMIT);
    return s;
  }

  private flakyElsewhere(suite: string, name: string, key: string): boolean {
    const seen = this.flaky.get(`${suite}${SEP}${name}`);
    if (!seen) return false;
    for (const [k, t] of seen) if (k !== key && t >= this.nowMs - FLAKY_WINDOW_MS && t <= this.nowMs) return true;
    return false;
  }

  private markFlaky(suite: string, name: string, key: string, timeMs: number): void {
    const id = `${suite}${SEP}${name}`;
    let seen = this.flaky.get(id);
    if (!seen) this.flaky.set(id, (seen = new Map<string, number>()));
    const prev = seen.get(key);
    seen.delete(key);
    seen.set(key, prev === undefined ? timeMs : Math.max(prev, timeMs));
    while (seen.size > this.options.maxFlakyPerTest) seen.delete(seen.keys().next().value as string);
  }

  toJSON(): RevisionLedgerJSON {
    const tallies: RevisionLedgerJSON['tallies'] = [];
    for (const [key, suites] of this.tallies) for (const [suite, tests] of suites) for (const [name, [p, f, k]] of tests) tallies.push([key, suite, name, p, f, k]);
    const flaky: RevisionLedgerJSON['flaky'] = [];
    for (const [id, seen] of this.flaky) {
      const [suite, name] = id.split(SEP) as [string, string];
      for (const [key, t] of seen) flaky.push([suite, name, key, t]);
    }
    return { nowMs: Number.isFinite(this.nowMs) ? this.nowMs : null, tallies, flaky };
  }

  static fromJSON(j: RevisionLedgerJSON, options: RevisionLedgerOptions = DEFAULT_LEDGER_OPTIONS): RevisionLedger {
    const l = new RevisionLedger(options);
    l.nowMs = j.nowMs ?? -Infinity;
    for (const [key, suite, name, p, f, k] of j.tallies) {
      let suites = l.tallies.get(key);
      if (!suites) l.tallies.set(key, (suites = new Map<string, Map<string, Tally>>()));
      let tests = suites.get(suite);
      if (!tests) suites.set(suite, (tests = new Map<string, Tally>()));
      tests.set(name, [p, f, k]);
      l.talliesHeld++;
    }
    for (const [suite, name, key, t] of j.flaky) {
      const id = `${suite}${SEP}${name}`;
      let seen = l.flaky.get(id);
      if (!seen) l.flaky.set(id, (seen = new Map<string, number>()));
      seen.set(key, t);
    }
    return l;
  }
}
