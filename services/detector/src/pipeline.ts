import type { Bus, Consumer, InBatch, OutRecord, PartitionOffset, Producer, TopicPartitions } from '@vigil/bus';
import type { DetectorServiceConfig } from '@vigil/config';
import { FeedbackModel } from '@vigil/incidents';
import { decodeRecord, encodeRecord, isVigilRecord } from '@vigil/records';
import type { DeadLetterRecord, VerdictRecord } from '@vigil/records';
import type { Telemetry } from '@vigil/telemetry';
import { createStageProcessor } from './ci-quality/stage-processor.js';
import type { StageKind, StageProcessor } from './ci-quality/stage-processor.js';
import { CiQualityTable } from './ci-quality/ci-quality-table.js';
import { decodeSnapshot, encodeSnapshot } from './state/snapshot.js';

export interface DetectorDeps {
  /** The detector section, topics, the shared feedback model and whether the rekey stage runs (detectorConfigOf). */
  config: DetectorServiceConfig;
  bus: Bus;
  telemetry: Telemetry;
  nowMs?: () => number;
}

export interface Detector {
  start(): Promise<void>;
  /** Advance idle partitions' event time and commit what is pending now, as the commit timer does (tests). */
  commitNow(): Promise<void>;
  shutdown(deadlineMs?: number): Promise<void>;
  /**
   * Die as a killed process would: leave the group and drop everything not committed, without
   * committing. (The process-level test uses SIGKILL; this is the in-process equivalent.)
   */
  abandon(): Promise<void>;
  readonly stats: { records: number; outputs: number; deadLetters: number; commits: number; aborts: number; partitions: number };
}

interface Task {
  topic: string;
  partition: number;
  processor: StageProcessor;
  pending: OutRecord[];
  /** Next offset to read; null until a record was processed. */
  nextOffset: bigint | null;
  committedOffset: bigint | null;
  dirty: boolean;
  /** The first batch after a restore was checked against the snapshot's offset. */
  verified: boolean;
  /** Processing time of the last record (or of the restore), for the idle watermark. */
  lastRecordAtMs: number;
}

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

/**
 * The detector: a consumer group over otlp_spans, otlp_metrics and otlp_logs. Each input
 * partition has its own processor (features → scorers → verification). Every
 * `commitIntervalMs`, one Kafka transaction carries the outputs produced since the last one,
 * a snapshot of every changed partition's state (compacted state topic) and the consumed
 * offsets: all or nothing. A crash replays from the committed offsets onto the committed
 * state, so outputs are neither lost nor doubled (exactly once, read committed).
 */
export function createDetector(deps: DetectorDeps): Detector {
  const { config, bus, telemetry } = deps;
  const d = config.detector;
  const t = config.topics;
  const nowMs = deps.nowMs ?? (() => Date.now());
  const log = telemetry.child('detector');
  // ci_test_runs feeds the CI-quality stage (ci-quality/): per-revision test outcomes → vigil_ci_quality.
  const kinds = new Map<string, StageKind>([[t.spans, 'spans'], [t.metrics, 'metrics'], [t.logs, 'logs'], [t.ciTestRuns, 'ci']]);
  // With the rekey stage on, records of other writers on the otlp_* topics (an OpenTelemetry
  // Collector's Kafka exporter) reach us split and keyed by service on the keyed topics, and are
  // skipped on the raw ones; Vigil's own records keep the direct path.
  const rekeyed = config.rekey.enabled;
  if (rekeyed) for (const [topic, kind] of [[t.keyedSpans, 'spans'], [t.keyedMetrics, 'metrics'], [t.keyedLogs, 'logs']] as const) kinds.set(topic, kind);
  const rawTopics = new Set([t.spans, t.metrics, t.logs]);
  const recordsIn = telemetry.counter('vigil_detector_records_total', 'Input records processed', ['topic']);
  const outputsC = telemetry.counter('vigil_detector_outputs_total', 'Output records committed', ['topic']);
  const deadC = telemetry.counter('vigil_detector_dead_letters_total', 'Input records dead-lettered', ['topic', 'reason']);
  const txnC = telemetry.counter('vigil_detector_transactions_total', 'Transactions by outcome', ['outcome']);
  const seriesG = telemetry.gauge('vigil_detector_series', 'Series held by this detector');
  const stats = { records: 0, outputs: 0, deadLetters: 0, commits: 0, aborts: 0, partitions: 0 };
  const tasks = new Map<string, Task>();
  const key = (topic: string, partition: number) => `${topic}#${partition}`;
  let consumer: Consumer | null = null;
  let producer: Producer | null = null;
  let timer: NodeJS.Timeout | null = null;
  let committing: Promise<void> = Promise.resolve();
  let stopping = false;
  let restarting = false;
  /** Set when a transaction failed: in-memory state is ahead of what committed until the restart. */
  let poisoned = false;

  // Operator feedback (vigil_feedback, published by the alerter's API): every replica reads all of
  // it, from the beginning, in a group of its own, and applies it to the alarms of its series.
  const feedback = new FeedbackModel({ halfLifeMs: config.feedback.halfLifeMs, marginDecades: config.feedback.marginDecades });
  let feedbackConsumer: Consumer | null = null;
  // CI quality per revision (vigil_ci_quality, compacted), read whole by every replica in a group of
  // its own and joined with the deployments of the spans partitions (ci-quality/ci-quality-join.ts).
  const ciQuality = new CiQualityTable();
  let ciQualityConsumer: Consumer | null = null;
  // A spans processor's verdict reaches the other processors of this detector at once (same
  // thread, same transaction as the spans that decided it): the metrics processor of a service's
  // partition then treats its CPU and memory as the spans processor treats its request rate. A
  // service whose metrics partition another replica holds does not get it (see forecast-feed.ts).
  const verdicts = (verdict: VerdictRecord): void => {
    for (const task of tasks.values()) {
      const outs = task.processor.observeVerdict?.(verdict);
      if (!outs) continue;
      for (const o of outs) task.pending.push(o);
      task.dirty = true;
    }
  };
  const ctx = { detector: d, topics: t, feedback, verdicts, ciQuality };

  async function restoreTask(topic: string, partition: number): Promise<Task> {
    const kind = kinds.get(topic);
    if (!kind) throw new Error(`detector: no processor for topic ${topic}`);
    const records = await bus.readPartition(t.detectorState, partition % t.partitions);
    let snapshot: ReturnType<typeof decodeSnapshot> = null;
    try {
      snapshot = decodeSnapshot(records, topic, partition);
    } catch (err) {
      log.event('state_unreadable', { topic, partition, err: (err as Error).message }, 'error');
    }
    const processor = createStageProcessor(kind, ctx, snapshot?.state);
    if (snapshot) log.event('state_restored', { topic, partition, nextOffset: snapshot.nextOffset.toString(), series: processor.seriesCount });
    const rejoined = processor.rejoin?.() ?? null;
    return {
      topic, partition, processor, pending: rejoined ?? [], nextOffset: snapshot?.nextOffset ?? null, committedOffset: snapshot?.nextOffset ?? null,
      dirty: rejoined !== null, verified: false, lastRecordAtMs: nowMs(),
    };
  }

  const onAssigned = async (assigned: TopicPartitions[]) => {
    for (const { topic, partitions } of assigned) {
      for (const p of partitions) if (!tasks.has(key(topic, p))) tasks.set(key(topic, p), await restoreTask(topic, p));
    }
    stats.partitions = tasks.size;
  };
  const onRevoked = async (revoked: TopicPartitions[]) => {
    // Commit what we have for them first, so the next owner starts from fresh state.
    await commitNow().catch(() => undefined);
    for (const { topic, partitions } of revoked) for (const p of partitions) tasks.delete(key(topic, p));
    stats.partitions = tasks.size;
  };

  const staleSince = new Map<string, number>();

  const handle = async (batch: InBatch) => {
    // Refuse work on state that ran ahead of the last commit; the bus delivers it again from
    // the committed offsets once the consumer has restarted.
    if (poisoned) throw new Error('detector: restarting after an aborted transaction');
    let task = tasks.get(key(batch.topic, batch.partition));
    if (!task) {
      task = await restoreTask(batch.topic, batch.partition);
      tasks.set(key(batch.topic, batch.partition), task);
    }
    if (!task.verified && batch.records.length > 0) {
      // The group resumes at its committed offset, which always commits together with a snapshot.
      // A first record beyond the snapshot's offset means the snapshot we could read is older
      // than the committed one: wait for the newer one instead of silently skipping records.
      const first = BigInt(batch.records[0].offset);
      const expected = task.nextOffset ?? 0n;
      const k = key(batch.topic, batch.partition);
      // The keyed topics are written in transactions: commit markers and aborted records take
      // offsets, so the first record after the committed offset is normally beyond it there.
      if (first > expected && (rawTopics.has(batch.topic) || batch.topic === t.ciTestRuns)) {
        const since = staleSince.get(k) ?? Date.now();
        staleSince.set(k, since);
        if (Date.now() - since < STALE_STATE_WAIT_MS) {
          tasks.delete(k);
          log.event('state_behind_offsets', { topic: batch.topic, partition: batch.partition, snapshotOffset: expected.toString(), firstOffset: first.toString() }, 'warn');
          await new Promise((r) => setTimeout(r, 1000));
          throw new Error(`detector: state snapshot of ${k} is behind the committed offset; reading it again`);
        }
        // Records before `first` are gone (retention) or the snapshot is lost: go on, say so.
        log.event('state_gap', { topic: batch.topic, partition: batch.partition, snapshotOffset: expected.toString(), firstOffset: first.toString() }, 'error');
      }
      staleSince.delete(k);
      task.verified = true;
    }
    const skipForeign = rekeyed && rawTopics.has(batch.topic);
    for (const rec of batch.records) {
      const offset = BigInt(rec.offset);
      // Already reflected in the restored state (possible only if offsets lag the snapshot).
      if (task.nextOffset !== null && offset < task.nextOffset) continue;
      if (skipForeign && !isVigilRecord(rec.headers)) {
        // The rekey stage's: it reaches us again, keyed, on the keyed topic.
        task.nextOffset = offset + 1n;
        task.dirty = true;
        continue;
      }
      try {
        if (!rec.value) throw new Error('empty record');
        const outs = task.processor.process(rec.value, rec.headers);
        for (const o of outs) task.pending.push(o);
      } catch (err) {
        const reason = (err as Error).message?.slice(0, 300) ?? String(err);
        const dl: DeadLetterRecord = {
          schema: 'vigil.dead_letter/1', sourceTopic: rec.topic, sourcePartition: rec.partition, sourceOffset: rec.offset,
          reason, atMs: rec.timestampMs, payload: (rec.value ?? Buffer.alloc(0)).toString('base64'),
        };
        task.pending.push({ topic: t.deadLetter, key: rec.topic, value: encodeRecord(dl) });
        deadC.inc({ topic: rec.topic, reason: (err as { code?: string }).code ?? 'decode' });
        stats.deadLetters++;
      }
      task.nextOffset = offset + 1n;
      task.dirty = true;
      stats.records++;
    }
    const flushed = task.processor.flush?.();
    if (flushed) for (const o of flushed) task.pending.push(o);
    if (batch.records.length > 0) task.lastRecordAtMs = nowMs();
    recordsIn.inc({ topic: batch.topic }, batch.records.length);
    // Bound what waits for the next transaction.
    if (task.pending.length >= 20_000) await commitNow();
  };

  /** Advance the event time of idle partitions that have a check waiting (see IDLE_AFTER_MS). */
  function tickIdle(): void {
    if (poisoned) return;
    const now = nowMs();
    for (const task of tasks.values()) {
      if (!task.processor.advanceIdle || task.nextOffset === null) continue;
      const idleMs = now - task.lastRecordAtMs;
      if (idleMs < Math.max(IDLE_AFTER_MS, d.commitIntervalMs)) continue;
      const outs = task.processor.advanceIdle(idleMs);
      if (outs === null) continue;
      for (const o of outs) task.pending.push(o);
      task.dirty = true;
    }
  }

  function commitNow(): Promise<void> {
    const next = committing.then(commitOnce);
    committing = next.catch(() => undefined);
    return next;
  }

  async function commitOnce(): Promise<void> {
    if (!producer) return;
    const dirty = [...tasks.values()].filter((task) => task.dirty && task.nextOffset !== null);
    if (dirty.length === 0) return;
    // Take everything synchronously: state, outputs and offsets describe the same instant.
    const records: OutRecord[] = [];
    const offsets: PartitionOffset[] = [];
    for (const task of dirty) {
      for (const o of task.pending) records.push(o);
      for (const s of encodeSnapshot(t.detectorState, t.partitions, task.topic, task.partition, task.nextOffset as bigint, task.processor.toJSON())) records.push(s);
      offsets.push({ topic: task.topic, partition: task.partition, offset: (task.nextOffset as bigint).toString() });
      task.pending = [];
      task.dirty = false;
    }
    const txn = await producer.transaction();
    try {
      await txn.send(records);
      await txn.sendOffsets(d.groupId, offsets);
      await txn.commit();
    } catch (err) {
      await txn.abort().catch(() => undefined);
      stats.aborts++;
      txnC.inc({ outcome: 'aborted' });
      log.event('transaction_aborted', { err: (err as Error).message, partitions: offsets.length }, 'warn');
      // Our in-memory state ran ahead of what committed: drop it and re-read from the committed
      // point. The restart is not awaited here: this may run inside a rebalance callback of the
      // very consumer it closes.
      poisoned = true;
      tasks.clear();
      setImmediate(() => {
        restart().catch((e: unknown) => log.event('restart_failed', { err: (e as Error).message }, 'error'));
      });
      throw err;
    }
    for (const task of dirty) task.committedOffset = task.nextOffset;
    let outputs = 0;
    for (const r of records) {
      if (r.topic === t.detectorState) continue;
      outputs++;
      outputsC.inc({ topic: r.topic });
    }
    stats.outputs += outputs;
    stats.commits++;
    txnC.inc({ outcome: 'committed' });
    let series = 0;
    for (const task of tasks.values()) series += task.processor.seriesCount;
    seriesG.set(series);
  }

  async function startConsumer(): Promise<void> {
    consumer = bus.consumer({ groupId: d.groupId, topics: [...kinds.keys()], fromBeginning: true, onAssigned, onRevoked });
    await consumer.run(handle);
  }

  async function restart(): Promise<void> {
    if (restarting || stopping) return;
    restarting = true;
    try {
      const old = consumer;
      consumer = null;
      tasks.clear();
      await old?.close().catch(() => undefined);
      tasks.clear();
      poisoned = false;
      await startConsumer();
    } finally {
      restarting = false;
    }
  }

  return {
    stats,
    async start() {
      producer = await bus.producer({ transactionalId: `vigil-detector-${d.instanceId}` });
      feedbackConsumer = bus.consumer({ groupId: `${d.groupId}-feedback-${d.instanceId}`, topics: [t.feedback], fromBeginning: true });
      await feedbackConsumer.run(async (batch) => {
        for (const rec of batch.records) {
          try {
            const f = decodeRecord(rec.value, 'vigil.feedback/1');
            if (f.status === 'revoked') feedback.remove(f.id);
            else if (f.verdict === 'not_anomaly') feedback.add({ ...f, operation: f.operation, metric: f.metric }, f.createdAtMs);
          } catch (err) {
            log.event('feedback_invalid', { err: (err as Error).message }, 'warn');
          }
        }
      });
      ciQualityConsumer = bus.consumer({ groupId: `${d.groupId}-ci-quality-${d.instanceId}`, topics: [t.ciQuality], fromBeginning: true });
      await ciQualityConsumer.run(async (batch) => {
        const revisions = new Set<string>();
        for (const rec of batch.records) {
          try {
            revisions.add(ciQuality.apply(decodeRecord(rec.value, 'vigil.ci_quality/1')));
          } catch (err) {
            log.event('ci_quality_invalid', { err: (err as Error).message }, 'warn');
          }
        }
        if (poisoned) return; // the restart re-joins from the snapshots (rejoin)
        for (const revision of revisions) {
          for (const task of tasks.values()) {
            const outs = task.processor.ciQualityArrived?.(revision);
            if (!outs) continue;
            for (const o of outs) task.pending.push(o);
            task.dirty = true;
          }
        }
      });
      await startConsumer();
      timer = setInterval(() => {
        tickIdle();
        commitNow().catch(() => undefined);
      }, d.commitIntervalMs);
      timer.unref();
      log.event('detector_started', { instance: d.instanceId, group: d.groupId });
    },
    commitNow() {
      tickIdle();
      return commitNow();
    },
    async abandon() {
      stopping = true;
      if (timer) clearInterval(timer);
      const c = consumer;
      consumer = null;
      producer = null;
      tasks.clear();
      await c?.close().catch(() => undefined);
      await feedbackConsumer?.close().catch(() => undefined);
      await ciQualityConsumer?.close().catch(() => undefined);
    },
    async shutdown(deadlineMs = 10_000) {
      if (stopping) return;
      stopping = true;
      if (timer) clearInterval(timer);
      const deadline = new Promise<void>((r) => setTimeout(r, deadlineMs).unref());
      await Promise.race([
        (async () => {
          await commitNow().catch(() => undefined);
          await consumer?.close();
          await feedbackConsumer?.close();
          await ciQualityConsumer?.close();
          await producer?.close();
        })(),
        deadline,
      ]);
      log.event('detector_stopped', { ...stats, nowMs: nowMs() });
    },
  };
}
