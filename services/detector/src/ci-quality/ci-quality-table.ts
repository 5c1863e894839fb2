// The latest CI quality per revision, as the vigil_ci_quality topic holds it: one record per
// (revision, suite), merged per revision into the `ci` field a deployment record carries
// (@vigil/ci-insights mergeSummaries + revisionVerdict: the same rules as the CI API's answer).
// Every detector replica keeps the whole table (the topic is keyed by revision, the spans by
// service: the join is not co-partitioned, as Kafka Streams' GlobalKTable joins are not); the
// compacted topic is its changelog, read from the beginning at start.
import { mergeSummaries, revisionVerdict } from '@vigil/ci-insights';
import type { RevisionTestSummary } from '@vigil/ci-insights';
import type { CiQualityRecord, DeploymentCiQuality } from '@vigil/records';

/** Revisions kept; the least recently updated are forgotten (a deploy names a recent commit). */
export const DEFAULT_MAX_REVISIONS = 20_000;

/** The summary a vigil.ci_quality/1 record carries. */
export function summaryOfRecord(r: CiQualityRecord): RevisionTestSummary {
  const names = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0);
  return {
    revision: r.revision,
    suite: r.suite,
    counts: { passed: n(r.passed), failed: n(r.failed), flaky: n(r.flaky), skipped: n(r.skipped) },
    names: { passed: [], failed: names(r.failedTests), flaky: names(r.flakyTests), skipped: names(r.skippedTests) },
    knownFlaky: n(r.knownFlaky),
    knownFlakyNames: names(r.knownFlakyTests),
    buildRisk: null,
  };
}

/** The record of one (revision, suite) summary. */
export function recordOfSummary(s: RevisionTestSummary, suite: string, asOfMs: number): CiQualityRecord {
  return {
    schema: 'vigil.ci_quality/1', revision: s.revision, suite,
    passed: s.counts.passed, failed: s.counts.failed, flaky: s.counts.flaky, skipped: s.counts.skipped, knownFlaky: s.knownFlaky,
    flakyTests: s.names.flaky, failedTests: s.names.failed, skippedTests: s.names.skipped, knownFlakyTests: s.knownFlakyNames, asOfMs,
  };
}

/** Kafka key of a (revision, suite) record on the compacted topic. */
export const ciQualityKey = (revision: string, suite: string): string => `${revision}\u0000${suite}`;

export class CiQualityTable {
  private readonly revisions = new Map<string, Map<string, RevisionTestSummary>>();

  constructor(private readonly maxRevisions = DEFAULT_MAX_REVISIONS) {}

  get size(): number {
    return this.revisions.size;
  }

  /** Store a record (latest per (revision, suite) wins); returns its revision. */
  apply(r: CiQualityRecord): string {
    let suites = this.revisions.get(r.revision);
    if (suites) this.revisions.delete(r.revision);
    else suites = new Map();
    this.revisions.set(r.revision, suites);
    suites.set(r.suite, summaryOfRecord(r));
    while (this.revisions.size > this.maxRevisions) this.revisions.delete(this.revisions.keys().next().value as string);
    return r.revision;
  }

  /** The CI quality of `revision` over all its suites; null when no test of it is known. */
  quality(revision: string): DeploymentCiQuality | null {
    const suites = this.revisions.get(revision);
    if (!suites || suites.size === 0) return null;
    const merged = mergeSummaries(revision, [...suites.values()]);
    const v = revisionVerdict(merged);
    if (v.quality === 'unknown') return null;
    return {
      quality: v.quality, tests: v.tests, failed: merged.counts.failed, flaky: merged.counts.flaky, skipped: merged.counts.skipped,
      buildRisk: merged.buildRisk, reasons: v.reasons.slice(0, 10).map((r) => r.slice(0, 300)),
    };
  }
}
