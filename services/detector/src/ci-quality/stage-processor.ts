// What the detector's transactional loop runs per input partition: the signal processors
// (processors.ts), the spans one wrapped by the CI-quality join, and the CI-quality stage's
// processor of ci_test_runs. Restores each from its snapshot (a spans snapshot written before the
// join existed is the bare spans state).
import type { OutRecord } from '@vigil/bus';
import { createProcessor } from '../processors/processors.js';
import type { PartitionProcessor, ProcessorContext, ProcessorKind } from '../processors/processors.js';
import { CiQualityJoin } from './ci-quality-join.js';
import type { JoinedSpansState } from './ci-quality-join.js';
import type { CiQualityTable } from './ci-quality-table.js';
import { CiTestRunsProcessor } from './ci-test-runs-processor.js';

export type StageKind = ProcessorKind | 'ci';

export interface StageProcessor extends Omit<PartitionProcessor, 'kind'> {
  readonly kind: StageKind;
  /** After a batch: outputs that summarise it (the CI-quality stage's changed revisions). */
  flush?(): OutRecord[];
  /** The CI-quality table learnt a quality of `revision`; null: this partition's state did not change. */
  ciQualityArrived?(revision: string): OutRecord[] | null;
  /** Right after a restore: outputs owed to table updates the snapshot did not see; null: none. */
  rejoin?(): OutRecord[] | null;
}

export interface StageContext extends ProcessorContext {
  ciQuality: CiQualityTable;
}

export function createStageProcessor(kind: StageKind, ctx: StageContext, state?: unknown): StageProcessor {
  if (kind === 'ci') {
    return state ? CiTestRunsProcessor.fromJSON(state as Parameters<typeof CiTestRunsProcessor.fromJSON>[0], ctx.topics.ciQuality) : new CiTestRunsProcessor(ctx.topics.ciQuality);
  }
  if (kind !== 'spans') return createProcessor(kind, ctx, state);
  const joined = state !== undefined && state !== null && (state as { kind?: string }).kind === 'spans+ci' ? (state as JoinedSpansState) : null;
  const inner = createProcessor('spans', ctx, joined ? joined.spans : state);
  return new CiQualityJoin(inner, ctx.ciQuality, ctx.topics.deployments, joined?.ci);
}
