import { createTransactionalLoop, withDeadline } from '@vigil/bus';
import type { Bus, Consumer, OutRecord, TransactionalLoop } from '@vigil/bus';
import type { DetectorServiceConfig } from '@vigil/config';
import { FeedbackModel } from '@vigil/incidents';
import { decodeRecord } from '@vigil/records';
import type { VerdictRecord } from '@vigil/records';
import type { Telemetry } from '@vigil/telemetry';
import { createPartitionStep } from './partition-step.js';
import type { SaturationSample } from './verification/saturation.js';
import { CiQualityTable } from './ci-quality/ci-quality-table.js';
import type { StageKind } from './ci-quality/stage-processor.js';
import { restorePartition } from './state/restore.js';
import type { DetectorPartition } from './state/restore.js';
import { encodeSnapshot } from './state/snapshot.js';

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

  // Operator feedback (vigil_feedback, published by the alerter's API): every replica reads all of
  // it, from the beginning, in a group of its own, and applies it to the alarms of its series.
  const feedback = new FeedbackModel({ halfLifeMs: config.feedback.halfLifeMs, marginDecades: config.feedback.marginDecades });
  let feedbackConsumer: Consumer | null = null;
  // CI quality per revision (vigil_ci_quality, compacted), read whole by every replica in a group of
  // its own and joined with the deployments of the spans partitions (ci-quality/ci-quality-join.ts).
  const ciQuality = new CiQualityTable();
  let ciQualityConsumer: Consumer | null = null;
  // Hand one event to every partition processor of this detector; whatever it emits joins that
  // partition's pending outputs (committed in the same transaction).
  const broadcast = (call: (p: DetectorPartition['processor']) => OutRecord[] | null | undefined): void => {
    for (const w of loop.partitions()) {
      const outs = call(w.state.processor);
      if (!outs) continue;
      for (const o of outs) w.pending.push(o);
      w.dirty = true;
    }
  };
  // A spans processor's verdict reaches the other processors of this detector at once (same
  // thread, same transaction as the spans that decided it): the metrics processor of a service's
  // partition then treats its CPU and memory as the spans processor treats its request rate. The
  // group is co-partitioned (@vigil/bus assignment.ts): a service's spans and metrics partitions
  // (same key, same partition count) belong to the same replica, so the routes stay in-process.
  const verdicts = (verdict: VerdictRecord): void => broadcast((p) => p.observeVerdict?.(verdict));
  // The reverse route: a metrics processor's CPU / memory sample of a versioned resource reaches
  // the spans processors of this detector at once (same transaction as the metric record), where
  // the verifier of its service tests it against the service's history (verification/saturation.ts).
  const saturation = (sample: SaturationSample): void => broadcast((p) => p.observeSaturation?.(sample));
  const ctx = { detector: d, topics: t, feedback, verdicts, saturation, ciQuality };

  const step = createPartitionStep({
    rawTopics, untransactedTopics: new Set([...rawTopics, t.ciTestRuns]), rekeyed, deadLetterTopic: t.deadLetter, commitIntervalMs: d.commitIntervalMs, nowMs, log,
    counted: {
      batch(topic, delivered, taken) {
        stats.records += taken;
        recordsIn.inc({ topic }, delivered);
      },
      deadLetter(topic, reason) {
        deadC.inc({ topic, reason });
        stats.deadLetters++;
      },
    },
  });

  // Exactly once: every `commitIntervalMs` one transaction carries the outputs, a snapshot of
  // every changed partition's state and the consumed offsets (see @vigil/bus transactional-loop).
  const loop: TransactionalLoop<DetectorPartition> = createTransactionalLoop<DetectorPartition>({
    bus, groupId: d.groupId, topics: [...kinds.keys()], transactionalId: `vigil-detector-${d.instanceId}`, commitIntervalMs: d.commitIntervalMs,
    name: 'detector', log,
    open: (topic, partition) => restorePartition({ bus, stateTopic: t.detectorState, stateParts: t.partitions, kinds, ctx, log, nowMs }, topic, partition),
    process: (batch, work, l) => step.process(batch, work, l),
    seal: (w) => encodeSnapshot(t.detectorState, t.partitions, w.topic, w.partition, w.nextOffset as bigint, w.state.processor.toJSON()),
    beforeCommit: (l) => step.tickIdle(l.partitions()),
    committed(txn) {
      let outputs = 0;
      for (const r of txn.records) {
        if (r.topic === t.detectorState) continue;
        outputs++;
        outputsC.inc({ topic: r.topic });
      }
      stats.outputs += outputs;
      stats.commits++;
      txnC.inc({ outcome: 'committed' });
      let series = 0;
      for (const w of loop.partitions()) series += w.state.processor.seriesCount;
      seriesG.set(series);
    },
    aborted() {
      stats.aborts++;
      txnC.inc({ outcome: 'aborted' });
    },
    partitionsChanged(count) {
      stats.partitions = count;
    },
  });
  let stopping = false;

  return {
    stats,
    async start() {
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
        if (loop.poisoned) return; // the restart re-joins from the snapshots (rejoin)
        for (const revision of revisions) {
          for (const w of loop.partitions()) {
            const outs = w.state.processor.ciQualityArrived?.(revision);
            if (!outs) continue;
            for (const o of outs) w.pending.push(o);
            w.dirty = true;
          }
        }
      });
      await loop.start();
      log.event('detector_started', { instance: d.instanceId, group: d.groupId });
    },
    commitNow() {
      return loop.commitNow();
    },
    async abandon() {
      stopping = true;
      await loop.abandon();
      await feedbackConsumer?.close().catch(() => undefined);
      await ciQualityConsumer?.close().catch(() => undefined);
    },
    async shutdown(deadlineMs = 10_000) {
      if (stopping) return;
      stopping = true;
      await withDeadline((async () => {
        await loop.close();
        await feedbackConsumer?.close();
        await ciQualityConsumer?.close();
      })(), deadlineMs);
      log.event('detector_stopped', { ...stats, nowMs: nowMs() });
    },
  };
}
