// CI records on the bus: @vigil/ci-insights' TestRun as a vigil.test_run/1 record keyed by
// suite, and pipeline outcomes as vigil.pipeline_run/1 keyed by pipeline (both on ci_test_runs).
import type { OutRecord } from '@vigil/bus';
import type { TestRun } from '@vigil/ci-insights';
import { encodeRecord } from '@vigil/records';
import type { PipelineRunRecord, TestRunRecord } from '@vigil/records';

export function testRunRecord(run: TestRun, source: TestRunRecord['source']): TestRunRecord {
  const r: TestRunRecord = {
    schema: 'vigil.test_run/1', suite: run.suite, testName: run.testName, pipeline: run.pipeline, runId: run.runId,
    status: run.status, durationMs: run.durationMs, timeMs: run.timeMs, source,
  };
  if (run.revision !== undefined) r.revision = run.revision;
  if (run.attempt !== undefined) r.attempt = run.attempt;
  return r;
}

export function testRunOut(topic: string, run: TestRun, source: TestRunRecord['source']): OutRecord {
  return { topic, key: run.suite, value: encodeRecord(testRunRecord(run, source)), timestampMs: run.timeMs };
}

export function pipelineRunOut(topic: string, record: PipelineRunRecord): OutRecord {
  return { topic, key: record.pipeline, value: encodeRecord(record), timestampMs: record.timeMs };
}
