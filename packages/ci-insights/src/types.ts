// Test records: the one shape every source (OTel CI spans, JUnit XML) is mapped to.

export type TestStatus = 'passed' | 'failed' | 'skipped' | 'error';

export const TEST_STATUSES: readonly TestStatus[] = ['passed', 'failed', 'skipped', 'error'];

/** One execution of one test case. */
export interface TestRun {
  /** Logical suite the test belongs to (JUnit `<testsuite name>`, OTel `test.suite.name`). */
  suite: string;
  /** Test identity inside the suite: `classname.name` for JUnit, `test.case.name` for OTel. */
  testName: string;
  /** CI pipeline (OTel `cicd.pipeline.name`). */
  pipeline: string;
  /** Pipeline run (OTel `cicd.pipeline.run.id`). */
  runId: string;
  /** Commit under test (OTel `vcs.ref.head.revision`); flakiness needs it (falls back to runId). */
  revision?: string;
  status: TestStatus;
  durationMs: number;
  /** Start time of the execution, ms since the Unix epoch. */
  timeMs: number;
  /** 1-based attempt number when a runner re-ran the test (Surefire flakyFailure/rerunFailure). */
  attempt?: number;
}

/** Outcome of a whole pipeline run, reported when it finishes. */
export interface PipelineRunResult {
  pipeline: string;
  runId: string;
  status: 'passed' | 'failed';
  durationMs?: number;
  timeMs: number;
}

/** A failed-or-errored execution counts as a failure; skipped executions carry no verdict. */
export function isFailure(status: TestStatus): boolean {
  return status === 'failed' || status === 'error';
}

/** Stable key of a test across suites: suite and name joined by a separator that names rarely hold. */
export function testKey(suite: string, testName: string): string {
  return `${suite}\u0000${testName}`;
}
