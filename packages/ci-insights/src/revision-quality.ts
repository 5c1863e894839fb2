// The CI quality of one revision (commit), from how its tests behaved on it. Pure: the same rules
// serve the store-backed answer (counts aggregated by ClickHouse) and the streaming stage
// (counts kept by RevisionLedger from the ci_test_runs records).
//
// Per test (suite, test name) over its executions on the revision (all attempts, all runs):
//   flaky   = at least one pass and at least one failure (failed | error): CircleCI's definition,
//             "a test is flaky if it both passed and failed on the same commit" (Test Insights);
//   failed  = failures and no pass;   passed = passes and no failure;   skipped = only skips.
// Known flaky: tests with a verdict on the revision, not flaky on it, that passed AND failed on
// another revision (or run, when the revision is unknown) within the 14 days before "now" (the
// ci_tests view's rule, migration 0004_ci.sql). They are reported, but do not make the revision
// flaky: in a repository with a chronically flaky test every commit would be.
// Quality: unknown (no test) < failed < flaky < skipped < clean, the first that applies.

export type TestCategory = 'flaky' | 'failed' | 'passed' | 'skipped';
export type RevisionQualityKind = 'unknown' | 'clean' | 'flaky' | 'skipped' | 'failed';

/** Names kept per category (and quoted in answers). */
export const NAME_LIMIT = 20;
/** Names quoted in one reason. */
const REASON_NAMES = 5;
/** The ci_tests view's flakiness window (0004_ci.sql: INTERVAL 14 DAY). */
export const FLAKY_WINDOW_MS = 14 * 86_400_000;

/** What is known of a revision's tests (one suite, several, or all). */
export interface RevisionTestSummary {
  revision: string;
  /** Set when the summary covers one suite only (said in the "no test" reason). */
  suite?: string;
  counts: Record<TestCategory, number>;
  /** "suite :: test" names per category, at most NAME_LIMIT each, sorted. */
  names: Record<TestCategory, string[]>;
  knownFlaky: number;
  knownFlakyNames: string[];
  /** Highest predicted build-failure probability of announced runs; null when none. */
  buildRisk: number | null;
}

export interface RevisionVerdict {
  quality: RevisionQualityKind;
  tests: number;
  reasons: string[];
}

/** The category of a test from its pass / failure / skip counts on one revision; null without any. */
export function testCategory(passes: number, failures: number, skips: number): TestCategory | null {
  if (failures > 0 && passes > 0) return 'flaky';
  if (failures > 0) return 'failed';
  if (passes > 0) return 'passed';
  if (skips > 0) return 'skipped';
  return null;
}

export const testName = (suite: string, name: string): string => `${suite} :: ${name}`;
const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

function withNames(text: string, total: number, names: string[]): string {
  if (names.length === 0) return text;
  const shown = names.slice(0, REASON_NAMES);
  const more = total - shown.length;
  return `${text}: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/** A full 40/64-hex commit id shortened the way git shows it (12 characters); anything else as is. */
export function shortRevision(revision: string): string {
  return /^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(revision) ? revision.slice(0, 12) : revision;
}

/** Quality and human reasons of a summary (see the header comment). */
export function revisionVerdict(s: RevisionTestSummary): RevisionVerdict {
  const { counts, names } = s;
  const total = counts.flaky + counts.failed + counts.passed + counts.skipped;
  let quality: RevisionQualityKind;
  if (total === 0) quality = 'unknown';
  else if (counts.failed > 0) quality = 'failed';
  else if (counts.flaky > 0) quality = 'flaky';
  else if (counts.skipped > 0) quality = 'skipped';
  else quality = 'clean';
  const rev = shortRevision(s.revision);
  const reasons: string[] = [];
  if (total === 0) reasons.push(`no test executions recorded for ${rev}${s.suite !== undefined ? ` in suite ${s.suite}` : ''}`);
  if (counts.failed > 0) reasons.push(withNames(`${plural(counts.failed, 'test', 'tests')} failed on ${rev}`, counts.failed, names.failed));
  if (counts.flaky > 0) reasons.push(withNames(`${plural(counts.flaky, 'test', 'tests')} failed and passed on ${rev} (flaky)`, counts.flaky, names.flaky));
  if (s.knownFlaky > 0) {
    reasons.push(withNames(`${plural(s.knownFlaky, 'test', 'tests')} known flaky (failed and passed on one revision within 14 days)`, s.knownFlaky, s.knownFlakyNames));
  }
  if (counts.skipped > 0) reasons.push(withNames(`${plural(counts.skipped, 'test', 'tests')} skipped`, counts.skipped, names.skipped));
  if (quality === 'clean') reasons.push(`${counts.passed === 1 ? 'the only test' : `all ${counts.passed} tests`} passed on ${rev}`);
  if (s.buildRisk !== null) reasons.push(`build risk ${Math.round(s.buildRisk * 100)}% predicted`);
  return { quality, tests: total, reasons };
}

const emptyCounts = (): Record<TestCategory, number> => ({ flaky: 0, failed: 0, passed: 0, skipped: 0 });
const emptyNames = (): Record<TestCategory, string[]> => ({ flaky: [], failed: [], passed: [], skipped: [] });

/** An empty summary of `revision`. */
export function emptySummary(revision: string, suite?: string): RevisionTestSummary {
  return { revision, ...(suite !== undefined ? { suite } : {}), counts: emptyCounts(), names: emptyNames(), knownFlaky: 0, knownFlakyNames: [], buildRisk: null };
}

const mergeNames = (a: readonly string[], b: readonly string[]): string[] => [...new Set([...a, ...b])].sort().slice(0, NAME_LIMIT);

/**
 * The summary of a revision over disjoint parts (e.g. one per suite): counts add, names merge
 * (sorted, at most NAME_LIMIT), the build risk is the highest. Tests are (suite, name), so parts
 * of different suites never count one test twice.
 */
export function mergeSummaries(revision: string, parts: readonly RevisionTestSummary[]): RevisionTestSummary {
  const out = emptySummary(revision);
  for (const p of parts) {
    for (const c of ['flaky', 'failed', 'passed', 'skipped'] as const) {
      out.counts[c] += p.counts[c];
      out.names[c] = mergeNames(out.names[c], p.names[c]);
    }
    out.knownFlaky += p.knownFlaky;
    out.knownFlakyNames = mergeNames(out.knownFlakyNames, p.knownFlakyNames);
    if (p.buildRisk !== null && (out.buildRisk === null || p.buildRisk > out.buildRisk)) out.buildRisk = p.buildRisk;
  }
  return out;
}
