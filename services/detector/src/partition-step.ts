// The detector's processing step: what one input partition's batch becomes (features → scorers →
// verification, through the partition's processor), plus the idle watermark. Pure of transport:
// the transactional loop (@vigil/bus) owns offsets, transactions and restarts.
import type { InBatch, PartitionWork, TransactionalLoop } from '@vigil/bus';
import { deadLetterFor, encodeRecord, isVigilRecord, rejectionReason } from '@vigil/records';
import type { Telemetry } from '@vigil/telemetry';
import type { DetectorPartition } from './state/restore.js';

/**
 * How long a restored snapshot may lag the group's committed offset before the detector gives
 * up waiting for the newer one. A snapshot can be unreadable for a while: read-committed reads
 * stop at the first open transaction on the state partition (a killed replica's, aborted by the
 * broker after the transaction timeout, 60 s by default), and the newer snapshot sits behind it.
 */
const STALE_STATE_WAIT_MS = 120_000;

/**
 * Idle watermark. A partition without records for at least this long (and at least one commit
 * interval) has its event time moved on by the processing time since its last record, so a
 * deployment check whose traffic stopped still reaches its deadline and its verdict. The advance
 * is part of the partition's state and commits with the outputs it caused, in one transaction: a
 * replay from the committed state does not redo it, and since a deadline verdict is stamped with
 * the deadline (not with the moment the watermark got there) and uses only the records before it,
 * a replay of the same records reaches the same verdicts whenever its own idle ticks fall.
 */
const IDLE_AFTER_MS = 1_000;

export interface PartitionStepDeps {
  /** Raw otlp_* topics (as opposed to the rekey stage's keyed ones). */
  rawTopics: ReadonlySet<string>;
  /**
   * Topics written without transactions (the raw otlp_* topics, ci_test_runs), where a first
   * record beyond the snapshot's offset means the snapshot is stale; default rawTopics.
   */
  untransactedTopics?: ReadonlySet<string>;
  /** Rekey stage on: foreign records on the raw topics are skipped (they come again, keyed). */
  rekeyed: boolean;
  deadLetterTopic: string;
  commitIntervalMs: number;
  nowMs: () => number;
  log: Pick<Telemetry, 'event'>;
  /** Wait before a batch is refused for a stale snapshot (so it is not re-read in a busy loop). */
  sleep?: (ms: number) => Promise<void>;
  /** Per batch (records delivered, records taken into the state), and per record dead-lettered (its error code or 'decode'). */
  counted: { batch(topic: string, delivered: number, taken: number): void; deadLetter(topic: string, reason: string): void };
}

export interface PartitionStep {
  process(batch: InBatch, work: PartitionWork<DetectorPartition>, loop: TransactionalLoop<DetectorPartition>): Promise<void>;
  /** Advance the event time of idle partitions that have a check waiting (see IDLE_AFTER_MS). */
  tickIdle(partitions: Iterable<PartitionWork<DetectorPartition>>): void;
}

export function createPartitionStep(deps: PartitionStepDeps): PartitionStep {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const staleSince = new Map<string, number>();

  /** Throws (after a pause, forgetting the partition) while the restored snapshot is behind the committed offset. */
  async function verifyRestore(batch: InBatch, work: PartitionWork<DetectorPartition>, loop: TransactionalLoop<DetectorPartition>): Promise<void> {
    // The group resumes at its committed offset, which always commits together with a snapshot.
    // A first record beyond the snapshot's offset means the snapshot we could read is older
    // than the committed one: wait for the newer one instead of silently skipping records.
    const first = BigInt(batch.records[0].offset);
    const expected = work.nextOffset ?? 0n;
    const k = `${batch.topic}#${batch.partition}`;
    // The keyed topics are written in transactions: commit markers and aborted records take
    // offsets, so the first record after the committed offset is normally beyond it there.
    if (first > expected && (deps.untransactedTopics ?? deps.rawTopics).has(batch.topic)) {
      const since = staleSince.get(k) ?? deps.nowMs();
      staleSince.set(k, since);
      if (deps.nowMs() - since < STALE_STATE_WAIT_MS) {
        loop.forget(batch.topic, batch.partition);
        deps.log.event('state_behind_offsets', { topic: batch.topic, partition: batch.partition, snapshotOffset: expected.toString(), firstOffset: first.toString() }, 'warn');
        await sleep(1000);
        throw new Error(`detector: state snapshot of ${k} is behind the committed offset; reading it again`);
      }
      // Records before `first` are gone (retention) or the snapshot is lost: go on, say so.
      deps.log.event('state_gap', { topic: batch.topic, partition: batch.partition, snapshotOffset: expected.toString(), firstOffset: first.toString() }, 'error');
    }
    staleSince.delete(k);
    work.state.verified = true;
  }

  return {
    async process(batch, work, loop) {
      const task = work.state;
      if (!task.verified && batch.records.length > 0) await verifyRestore(batch, work, loop);
      const skipForeign = deps.rekeyed && deps.rawTopics.has(batch.topic);
      let taken = 0;
      for (const rec of batch.records) {
        const offset = BigInt(rec.offset);
        // Already reflected in the restored state (possible only if offsets lag the snapshot).
        if (work.nextOffset !== null && offset < work.nextOffset) continue;
        if (skipForeign && !isVigilRecord(rec.headers)) {
          // The rekey stage's: it reaches us again, keyed, on the keyed topic.
          work.nextOffset = offset + 1n;
          work.dirty = true;
          continue;
        }
        try {
          if (!rec.value) throw new Error('empty record');
          const outs = task.processor.process(rec.value, rec.headers);
          for (const o of outs) work.pending.push(o);
        } catch (err) {
          work.pending.push({ topic: deps.deadLetterTopic, key: rec.topic, value: encodeRecord(deadLetterFor(rec, rejectionReason(err), rec.timestampMs)) });
          deps.counted.deadLetter(rec.topic, (err as { code?: string }).code ?? 'decode');
        }
        work.nextOffset = offset + 1n;
        work.dirty = true;
        taken++;
      }
      // A stage that summarises its batch (the CI-quality stage's changed revisions) emits it now.
      const flushed = task.processor.flush?.();
      if (flushed) for (const o of flushed) work.pending.push(o);
      if (batch.records.length > 0) task.lastRecordAtMs = deps.nowMs();
      deps.counted.batch(batch.topic, batch.records.length, taken);
    },
    tickIdle(partitions) {
      const now = deps.nowMs();
      for (const work of partitions) {
        const task = work.state;
        if (!task.processor.advanceIdle || work.nextOffset === null) continue;
        const idleMs = now - task.lastRecordAtMs;
        if (idleMs < Math.max(IDLE_AFTER_MS, deps.commitIntervalMs)) continue;
        const outs = task.processor.advanceIdle(idleMs);
        if (outs === null) continue;
        for (const o of outs) work.pending.push(o);
        work.dirty = true;
      }
    },
  };
}
