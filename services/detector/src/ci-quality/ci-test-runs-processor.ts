// The CI-quality stage: ci_test_runs (vigil.test_run/1, keyed by suite) → per (revision, suite)
// test outcomes (@vigil/ci-insights RevisionLedger) → vigil.ci_quality/1 on the compacted
// vigil_ci_quality topic. It runs as one more input of the detector's transactional loop: its
// state is checkpointed with the partition's snapshot and its records commit with the consumed
// offsets, so a crash replays onto the committed ledger and writes the same summaries.
// One record per changed (revision, suite) per input batch (flush), not per execution: a JUnit
// report of thousands of tests on one commit yields one record.
import type { OutRecord } from '@vigil/bus';
import { DEFAULT_LEDGER_OPTIONS, RevisionLedger } from '@vigil/ci-insights';
import type { RevisionLedgerJSON } from '@vigil/ci-insights';
import { decodeRecord, encodeRecord } from '@vigil/records';
import type { FeedbackModel } from '@vigil/incidents';
import { ciQualityKey, recordOfSummary } from './ci-quality-table.js';
import type { StageProcessor } from './stage-processor.js';

interface CiRunsState {
  kind: 'ci';
  ledger: RevisionLedgerJSON;
}

export class CiTestRunsProcessor implements StageProcessor {
  readonly kind = 'ci' as const;
  readonly seriesCount = 0;

  constructor(private readonly topic: string, private readonly ledger = new RevisionLedger(DEFAULT_LEDGER_OPTIONS)) {}

  /** Counts a test execution; a pipeline run record is not about tests and is skipped. Throws on undecodable input. */
  process(value: Uint8Array): OutRecord[] {
    const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    const r = decodeRecord(bytes);
    if (r.schema === 'vigil.pipeline_run/1') return [];
    if (r.schema !== 'vigil.test_run/1') throw new Error(`ci_test_runs: unexpected record ${r.schema}`);
    if (typeof r.suite !== 'string' || typeof r.testName !== 'string' || typeof r.runId !== 'string' || typeof r.timeMs !== 'number') {
      throw new Error('vigil.test_run/1: suite, testName, runId must be strings and timeMs a number');
    }
    this.ledger.add({ suite: r.suite, testName: r.testName, runId: r.runId, status: r.status, timeMs: r.timeMs, ...(typeof r.revision === 'string' && r.revision !== '' ? { revision: r.revision } : {}) });
    return [];
  }

  /** The summaries of the (revision, suite) pairs the batch changed. */
  flush(): OutRecord[] {
    const asOf = this.ledger.asOfMs ?? 0;
    return this.ledger.takeTouched().map(({ revision, suite }) => ({
      topic: this.topic, key: ciQualityKey(revision, suite), value: encodeRecord(recordOfSummary(this.ledger.summary(revision, suite), suite, asOf)),
    }));
  }

  useFeedback(_model: FeedbackModel | null): void {}

  toJSON(): CiRunsState {
    return { kind: 'ci', ledger: this.ledger.toJSON() };
  }

  static fromJSON(j: CiRunsState, topic: string): CiTestRunsProcessor {
    return new CiTestRunsProcessor(topic, RevisionLedger.fromJSON(j.ledger, DEFAULT_LEDGER_OPTIONS));
  }
}
