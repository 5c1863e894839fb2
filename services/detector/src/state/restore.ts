// State restore: a partition the detector starts to own gets its processor back from the latest
// committed snapshot on the compacted state topic (see snapshot.ts), or a fresh one.
import type { Bus, OpenedPartition } from '@vigil/bus';
import type { Telemetry } from '@vigil/telemetry';
import { createStageProcessor } from '../ci-quality/stage-processor.js';
import type { StageContext, StageKind, StageProcessor } from '../ci-quality/stage-processor.js';
import { decodeSnapshot } from './snapshot.js';

/** The detector's own state of one input partition (the transactional loop holds the rest). */
export interface DetectorPartition {
  processor: StageProcessor;
  /** The first batch after a restore was checked against the snapshot's offset. */
  verified: boolean;
  /** Processing time of the last record (or of the restore), for the idle watermark. */
  lastRecordAtMs: number;
}

export interface RestoreDeps {
  bus: Bus;
  /** The compacted state topic and its partition count. */
  stateTopic: string;
  stateParts: number;
  kinds: ReadonlyMap<string, StageKind>;
  ctx: StageContext;
  log: Pick<Telemetry, 'event'>;
  nowMs: () => number;
}

export async function restorePartition(deps: RestoreDeps, topic: string, partition: number): Promise<OpenedPartition<DetectorPartition>> {
  const kind = deps.kinds.get(topic);
  if (!kind) throw new Error(`detector: no processor for topic ${topic}`);
  const records = await deps.bus.readPartition(deps.stateTopic, partition % deps.stateParts);
  let snapshot: ReturnType<typeof decodeSnapshot> = null;
  try {
    snapshot = decodeSnapshot(records, topic, partition);
  } catch (err) {
    deps.log.event('state_unreadable', { topic, partition, err: (err as Error).message }, 'error');
  }
  const processor = createStageProcessor(kind, deps.ctx, snapshot?.state);
  if (snapshot) deps.log.event('state_restored', { topic, partition, nextOffset: snapshot.nextOffset.toString(), series: processor.seriesCount });
  // The CI-quality join owes the deployments whose quality arrived after this snapshot was taken.
  const rejoined = processor.rejoin?.() ?? null;
  return {
    state: { processor, verified: false, lastRecordAtMs: deps.nowMs() }, nextOffset: snapshot?.nextOffset ?? null,
    ...(rejoined ? { pending: rejoined } : {}),
  };
}
