// Options of the CI history and prioritiser: types, defaults and validation in one place.

export type RankObjective = 'failures' | 'failures-per-second';

export interface CiInsightsOptions {
  /**
   * Weight of the newest execution in the recency-weighted failure rate (exponential decay per
   * execution of the test). 0.3 gives the last ~3 runs most of the weight: failures in this
   * kind of history come in streaks (a fix lands a few runs later).
   */
  recencyAlpha: number;
  /**
   * Beta prior of a test's failure probability, as pseudo-counts: mean priorFailures/priorRuns
   * with the weight of priorRuns executions. Weak on purpose (one run): real evidence dominates
   * after the first execution.
   */
  priorFailures: number;
  priorRuns: number;
  /**
   * New tests (never seen) take a suite's online estimate of how often a test fails on its first
   * execution (EWMA with this weight, starting at newTestPriorInit). New tests fail far more
   * often than established ones, so a constant prior would mis-rank them.
   */
  newTestAlpha: number;
  newTestPriorInit: number;
  /** Flakiness window: CircleCI calls a test flaky when it passed and failed on the same commit within 14 days. */
  flakyWindowMs: number;
  /** Revisions remembered per test for flakiness (oldest dropped first). */
  maxRevisionsPerTest: number;
  /** Durations remembered per test for the p95 (ring buffer, exact over the window). */
  durationWindow: number;
  /** Bound on tests held; the least recently seen test is evicted first. */
  maxTests: number;
  /** Bound on pipelines held; least recently seen evicted first. */
  maxPipelines: number;
  /** Failing tests tracked per pipeline (space-saving heavy hitters; this many counters). */
  topFailingPerPipeline: number;
  /** Extra failure chance for a test whose name matches a changed path: p' = 1 - (1-p)(1-boost). */
  changedPathBoost: number;
  /**
   * Ranking objective. `failures`: most likely failures first (maximises APFD, which counts
   * positions). `failures-per-second`: failure chance per second of run time first (Smith's
   * rule; minimises the expected time to the first failure, APFDc).
   */
  objective: RankObjective;
  /** Step of the online logistic calibration of build-failure risk. */
  riskLearningRate: number;
  /** Announced pipeline runs awaiting their outcome (oldest dropped first). */
  maxPendingRuns: number;
  /** Duration assumed for a test with no known duration at all. */
  defaultDurationMs: number;
}

const DAY_MS = 86_400_000;

export const DEFAULT_OPTIONS: Readonly<CiInsightsOptions> = Object.freeze({
  recencyAlpha: 0.3,
  priorFailures: 0.25,
  priorRuns: 1,
  newTestAlpha: 0.1,
  newTestPriorInit: 0.5,
  flakyWindowMs: 14 * DAY_MS,
  maxRevisionsPerTest: 16,
  durationWindow: 64,
  maxTests: 200_000,
  maxPipelines: 2_000,
  topFailingPerPipeline: 20,
  changedPathBoost: 0.5,
  objective: 'failures',
  riskLearningRate: 0.05,
  maxPendingRuns: 1_000,
  defaultDurationMs: 1_000,
});

export class CiOptionsError extends Error {
  override readonly name = 'CiOptionsError';
}

function check(cond: boolean, key: string, value: unknown, rule: string): void {
  if (!cond) throw new CiOptionsError(`ci-insights option "${key}" = ${JSON.stringify(value)}: ${rule}`);
}

/** Merges user options over the defaults, rejects unknown keys and bad values, returns a frozen object. */
export function resolveOptions(user: Partial<CiInsightsOptions> = {}): Readonly<CiInsightsOptions> {
  for (const key of Object.keys(user)) {
    if (!Object.prototype.hasOwnProperty.call(DEFAULT_OPTIONS, key)) {
      throw new CiOptionsError(`ci-insights option "${key}" is unknown`);
    }
  }
  const o: CiInsightsOptions = { ...DEFAULT_OPTIONS, ...user };
  const unit = (k: keyof CiInsightsOptions, open0 = true): void => {
    const v = o[k] as number;
    check(typeof v === 'number' && (open0 ? v > 0 : v >= 0) && v <= 1, k, v, open0 ? 'must be in (0, 1]' : 'must be in [0, 1]');
  };
  const posInt = (k: keyof CiInsightsOptions): void => {
    const v = o[k] as number;
    check(Number.isInteger(v) && v > 0, k, v, 'must be a positive integer');
  };
  unit('recencyAlpha');
  unit('newTestAlpha');
  unit('newTestPriorInit', false);
  unit('changedPathBoost', false);
  check(Number.isFinite(o.priorRuns) && o.priorRuns > 0, 'priorRuns', o.priorRuns, 'must be > 0');
  check(Number.isFinite(o.priorFailures) && o.priorFailures > 0 && o.priorFailures < o.priorRuns, 'priorFailures', o.priorFailures,
    `must be in (0, priorRuns=${o.priorRuns})`);
  check(Number.isFinite(o.flakyWindowMs) && o.flakyWindowMs > 0, 'flakyWindowMs', o.flakyWindowMs, 'must be > 0');
  posInt('maxRevisionsPerTest');
  posInt('durationWindow');
  posInt('maxTests');
  posInt('maxPipelines');
  posInt('topFailingPerPipeline');
  posInt('maxPendingRuns');
  check(o.objective === 'failures' || o.objective === 'failures-per-second', 'objective', o.objective,
    'must be "failures" or "failures-per-second"');
  check(Number.isFinite(o.riskLearningRate) && o.riskLearningRate > 0 && o.riskLearningRate <= 1, 'riskLearningRate', o.riskLearningRate,
    'must be in (0, 1]');
  check(Number.isFinite(o.defaultDurationMs) && o.defaultDurationMs > 0, 'defaultDurationMs', o.defaultDurationMs, 'must be > 0');
  return Object.freeze(o);
}
