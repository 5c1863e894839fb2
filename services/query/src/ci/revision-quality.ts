// The CI quality of one commit: how its tests behaved on that revision (passed, failed, flaky,
// skipped), which of them are known to be flaky elsewhere, and the build risk predicted for its
// pipeline runs, answered from the store (GET /v1/ci/revisions/{revision}). Verification does not
// read it: the detector's CI-quality stage computes the same rules from the ci_test_runs stream
// (compacted topic vigil_ci_quality) and joins them with deployments itself.
//
// The categories, the quality and the reasons are @vigil/ci-insights' (revision-quality.ts), the
// rules the detector's CI-quality stage applies to the stream; here ClickHouse aggregates the counts.
// knownFlaky: tests with a verdict (pass or failure) on the revision, not flaky on it, that the
// ci_tests view's rule marks flaky: passed AND failed on one revision (or one run when the
// revision is unknown) within the 14 days before `nowMs` (migration 0004_ci.sql). The rule is
// evaluated on ci_test_runs directly rather than through the view so that it (a) reads only the
// tests run on the revision (the view aggregates every test) and (b) uses the caller's clock.
//
// Cost: two queries over ci_test_runs filtered by revision (not in the sort key: a scan of the
// suite's parts, or of the table without a suite; TTL bounds it to 180 days) and one over
// ci_pipeline_runs. Every answer is bounded: per category at most NAME_LIMIT names are returned,
// counts are aggregated in ClickHouse; pipeline runs at most PIPELINE_LIMIT.
import { FLAKY_WINDOW_MS, NAME_LIMIT, revisionVerdict } from '@vigil/ci-insights';
import type { RevisionQualityKind, TestCategory } from '@vigil/ci-insights';
import type { CiQualityRecord } from '@vigil/records';
import type { Store } from '@vigil/store';

/**
 * The CI quality of one revision (the JSON of GET /v1/ci/revisions/{revision}): the counts and
 * names of the stream's record (vigil.ci_quality/1) over every suite, where `flakyTests` lists
 * up to 20 tests flaky on this revision first, then known flaky ones.
 */
export interface RevisionQuality
  extends Pick<CiQualityRecord, 'revision' | 'passed' | 'failed' | 'flaky' | 'skipped' | 'knownFlaky' | 'flakyTests' | 'skippedTests' | 'failedTests'> {
  /** Distinct (suite, test_name) with any execution on this revision. */
  tests: number;
  /** The latest pipeline runs (outcomes and announcements) of this revision, newest first. */
  pipelineRuns: Array<{ pipeline: string; runId: string; status: string; predictedFailureProbability: number | null; timeMs: number }>;
  /** Highest predicted failure probability among announced runs of this revision; null if none. */
  buildRisk: number | null;
  quality: RevisionQualityKind;
  reasons: string[];
}

export interface RevisionQualityOptions {
  /** Only tests of this suite (and, of announced pipeline runs, those that assessed it). */
  suite?: string;
  /** The clock for the 14-day known-flaky window (default Date.now()). */
  nowMs?: number;
}

/** A bad argument (the route answers 400 with its message). */
export class RevisionQualityError extends Error {
  override readonly name = 'RevisionQualityError';
}

/** Pipeline runs returned. */
export const PIPELINE_LIMIT = 20;
const MAX_LENGTH = 4096;

type Category = TestCategory;

const testName = (suite: string, name: string): string => `${suite} :: ${name}`;

/** The CI quality of `revision` (see the header comment); a revision with no test execution is 'unknown'. */
export async function revisionQuality(store: Store, revision: string, options: RevisionQualityOptions = {}): Promise<RevisionQuality> {
  if (typeof revision !== 'string' || revision === '' || revision.length > MAX_LENGTH) {
    throw new RevisionQualityError(`revision: a non-empty string of at most ${MAX_LENGTH} characters (got ${JSON.stringify(revision)?.slice(0, 80)})`);
  }
  const suite = options.suite === undefined || options.suite === '' ? undefined : options.suite;
  if (suite !== undefined && (typeof suite !== 'string' || suite.length > MAX_LENGTH)) {
    throw new RevisionQualityError(`suite: a string of at most ${MAX_LENGTH} characters (got ${JSON.stringify(suite)?.slice(0, 80)})`);
  }
  const nowMs = options.nowMs ?? Date.now();
  if (!Number.isFinite(nowMs)) throw new RevisionQualityError(`nowMs: a finite number of milliseconds (got ${JSON.stringify(nowMs)})`);
  const tests = store.table('ci_test_runs');
  const pipelines = store.table('ci_pipeline_runs');
  const suiteClause = suite !== undefined ? 'AND suite = {suite:String}' : '';
  const params = { revision, suite: suite ?? '', names: NAME_LIMIT, pipelines: PIPELINE_LIMIT, now: Math.round(nowMs), from: Math.round(nowMs - FLAKY_WINDOW_MS) };

  // Per test on the revision: pass / failure / skip counts → its category.
  const onRevision = `
    SELECT suite, test_name,
           countIf(status = 'passed') AS p, countIf(status IN ('failed', 'error')) AS f, countIf(status = 'skipped') AS s
    FROM ${tests}
    WHERE revision = {revision:String} ${suiteClause} AND status IN ('passed', 'failed', 'error', 'skipped')
    GROUP BY suite, test_name`;

  // At most NAME_LIMIT names per category, each row carrying its category's size.
  const categoriesQuery = store.query<{ category: Category; suite: string; test_name: string; n: string | number }>(
    `SELECT category, suite, test_name, count() OVER (PARTITION BY category) AS n
     FROM (SELECT suite, test_name, multiIf(f > 0 AND p > 0, 'flaky', f > 0, 'failed', p > 0, 'passed', 'skipped') AS category
           FROM (${onRevision}))
     ORDER BY category, suite, test_name
     LIMIT {names:UInt32} BY category`,
    params,
  );
  // Known flaky: tests with exactly one kind of verdict here that passed and failed on one
  // revision (or run) within the window; the same rule as the ci_tests view's `flaky`.
  const knownQuery = store.query<{ suite: string; test_name: string; n: string | number }>(
    `SELECT suite, test_name, count() OVER () AS n
     FROM (
       SELECT suite, test_name
       FROM ${tests}
       WHERE (suite, test_name) IN (SELECT suite, test_name FROM (${onRevision}) WHERE (p > 0) != (f > 0))
         AND time >= fromUnixTimestamp64Milli({from:Int64}) AND time <= fromUnixTimestamp64Milli({now:Int64})
       GROUP BY suite, test_name, if(revision = '', concat('run:', run_id), revision)
       HAVING countIf(status = 'passed') > 0 AND countIf(status IN ('failed', 'error')) > 0
       LIMIT 1 BY suite, test_name)
     ORDER BY suite, test_name
     LIMIT {names:UInt32}`,
    params,
  );
  const pipelineSuite = suite !== undefined ? "AND (status != 'announced' OR suite = {suite:String})" : '';
  const runsQuery = store.query<{ pipeline: string; run_id: string; status: string; p: number | null; t: string | number; risk: number | null }>(
    `SELECT pipeline, run_id, status, predicted_failure_probability AS p, toUnixTimestamp64Milli(time) AS t,
            max(if(status = 'announced', predicted_failure_probability, NULL)) OVER () AS risk
     FROM ${pipelines}
     WHERE revision = {revision:String} ${pipelineSuite}
     ORDER BY time DESC, pipeline, run_id, status
     LIMIT {pipelines:UInt32}`,
    params,
  );
  const [categoryRows, knownRows, runRows] = await Promise.all([categoriesQuery, knownQuery, runsQuery]);

  const counts: Record<Category, number> = { flaky: 0, failed: 0, passed: 0, skipped: 0 };
  const names: Record<Category, string[]> = { flaky: [], failed: [], passed: [], skipped: [] };
  for (const r of categoryRows) {
    counts[r.category] = Number(r.n);
    names[r.category].push(testName(r.suite, r.test_name));
  }
  const knownFlaky = knownRows.length > 0 ? Number(knownRows[0].n) : 0;
  const knownNames = knownRows.map((r) => testName(r.suite, r.test_name));
  const total = counts.flaky + counts.failed + counts.passed + counts.skipped;
  // The window function sees every row of the revision, not only the returned ones; with LIMIT 0
  // rows there is none, and with no announced run it is NULL.
  const riskRaw = runRows.length > 0 ? runRows[0].risk : null;
  const buildRisk = riskRaw === null || riskRaw === undefined || !Number.isFinite(Number(riskRaw)) ? null : Number(riskRaw);

  const { quality, reasons } = revisionVerdict({
    revision, ...(suite !== undefined ? { suite } : {}), counts, names, knownFlaky, knownFlakyNames: knownNames, buildRisk,
  });

  return {
    revision,
    tests: total,
    passed: counts.passed,
    failed: counts.failed,
    flaky: counts.flaky,
    skipped: counts.skipped,
    knownFlaky,
    flakyTests: [...names.flaky, ...knownNames].slice(0, NAME_LIMIT),
    skippedTests: names.skipped,
    failedTests: names.failed,
    pipelineRuns: runRows.map((r) => ({
      pipeline: r.pipeline, runId: r.run_id, status: r.status,
      predictedFailureProbability: r.p === null || r.p === undefined ? null : Number(r.p), timeMs: Number(r.t),
    })),
    buildRisk,
    quality,
    reasons,
  };
}
