// The rekey stage: otlp_* records that Vigil did not write → split per resource, keyed by
// service → topics.keyed* (read by the detector), exactly once.
//
// Why: an OpenTelemetry Collector's Kafka exporter writes one record per export request, holding
// many resources, with no key by default (or the trace id, or a hash of all resource attributes),
// so one service's data is spread over every partition and each detector partition would see a
// fraction of it. Every per-service state (RED windows, verification) needs all of a service's
// data in one place, in order: this stage puts it there before any of that state sees it.
//
// Vigil's collector marks its records (header `vigil-record`); they keep their direct path to the
// detector and are skipped here, so nothing is processed twice.
//
// Exactly once, as the detector: every `commitIntervalMs` one Kafka transaction carries the
// re-keyed records, the deployment events and dead letters produced since the last one, and the
// consumed offsets of this stage's group. A crash aborts the open transaction (or the broker does,
// after its timeout); the next owner re-reads from the committed offsets and writes the same records.
// Consumers read committed records only.
import { createTransactionalLoop, withDeadline } from '@vigil/bus';
import type { Bus, InBatch, PartitionWork } from '@vigil/bus';
import type { RekeyServiceConfig } from '@vigil/config';
import type { Signal } from '@vigil/otlp';
import { deadLetterFor, encodeRecord, isVigilRecord, rejectionReason } from '@vigil/records';
import type { Telemetry } from '@vigil/telemetry';
import { deploymentRecords } from '../deployments/deployment-event.js';
import type { DeploymentEvent } from '../deployments/deployment-event.js';
import { resourceDeploymentsOf } from '../deployments/resource-deployments.js';
import { VersionTracker } from '../deployments/version-tracker.js';
import { rekeyRecord } from './rekey.js';

export interface RekeyStageOptions {
  /** The rekey section and topics (rekeyConfigOf). */
  config: RekeyServiceConfig;
  bus: Bus;
  telemetry: Telemetry;
  /** Clock for deployment event times (tests). */
  now?: () => number;
}

export interface RekeyStage {
  start(): Promise<void>;
  /** Commit what is pending now (tests, benchmarks). */
  commitNow(): Promise<void>;
  /** Commits what is pending, leaves the group, closes the producer. Idempotent. */
  shutdown(deadlineMs?: number): Promise<void>;
  readonly stats: { records: number; foreign: number; own: number; outputs: number; deployments: number; deadLetters: number; commits: number; aborts: number };
}

/** Deployments announced by a partition's pending records: forgotten again if their transaction aborts. */
interface RekeyPartition {
  deployments: DeploymentEvent[];
}

/** Flush early when this many records wait for the next transaction (bounds memory). */
const MAX_PENDING_RECORDS = 20_000;

export function createRekeyStage(options: RekeyStageOptions): RekeyStage {
  const { config, bus, telemetry } = options;
  const rk = config.rekey;
  const t = config.topics;
  const now = options.now ?? Date.now;
  const log = telemetry.child('rekey');
  const signals = new Map<string, { signal: Signal; keyed: string }>([
    [t.spans, { signal: 'traces', keyed: t.keyedSpans }],
    [t.metrics, { signal: 'metrics', keyed: t.keyedMetrics }],
    [t.logs, { signal: 'logs', keyed: t.keyedLogs }],
  ]);
  const recordsC = telemetry.counter('vigil_rekey_records_total', 'Records read from the otlp_* topics: foreign (re-keyed), own (Vigil\'s, skipped), dead (undecodable)', ['topic', 'kind']);
  const itemsC = telemetry.counter('vigil_rekey_items_total', 'Spans / data points / log records re-keyed (accepted) or dropped (rejected: one item above maxRecordBytes)', ['signal', 'outcome']);
  const deploymentsC = telemetry.counter('vigil_collector_deployment_events_total', 'Deployment events written, by source', ['source']);
  const txnC = telemetry.counter('vigil_rekey_transactions_total', 'Transactions by outcome', ['outcome']);
  const stats = { records: 0, foreign: 0, own: 0, outputs: 0, deployments: 0, deadLetters: 0, commits: 0, aborts: 0 };
  const versions = rk.deployments.fromServiceVersion ? new VersionTracker(rk.deployments.maxSeen) : null;
  /** Deployments of the transaction being committed (commits never overlap). */
  let sealed: DeploymentEvent[] = [];

  const process = (batch: InBatch, w: PartitionWork<RekeyPartition>): void => {
    const route = signals.get(batch.topic);
    if (!route) throw new Error(`rekey: not an OTLP topic: ${batch.topic}`);
    let own = 0;
    let foreign = 0;
    for (const rec of batch.records) {
      const offset = BigInt(rec.offset);
      // Delivered again but already taken into the open transaction (a rebalance back to us).
      if (w.nextOffset !== null && offset < w.nextOffset) continue;
      if (isVigilRecord(rec.headers)) {
        own++;
      } else {
        foreign++;
        try {
          if (!rec.value) throw new Error('empty record');
          const r = rekeyRecord(route.signal, rec.value, route.keyed, rec.timestampMs, rk);
          if (versions) {
            // As on the direct path: a deployment naming its commit goes in band on the keyed spans
            // topic too, ahead of the records, for the detector's CI-quality join.
            for (const d of resourceDeploymentsOf(r.resources, versions, now())) {
              for (const o of deploymentRecords(d, { deployments: t.deployments, ...(d.commit !== '' ? { spans: t.keyedSpans } : {}) })) w.pending.push(o);
              w.state.deployments.push(d);
            }
          }
          for (const o of r.records) w.pending.push(o);
          itemsC.inc({ signal: route.signal, outcome: 'accepted' }, r.items);
          if (r.rejectedItems > 0) itemsC.inc({ signal: route.signal, outcome: 'rejected' }, r.rejectedItems);
        } catch (err) {
          w.pending.push({ topic: t.deadLetter, key: rec.topic, value: encodeRecord(deadLetterFor(rec, rejectionReason(err), rec.timestampMs)) });
          recordsC.inc({ topic: rec.topic, kind: 'dead' });
          stats.deadLetters++;
        }
      }
      w.nextOffset = offset + 1n;
      w.dirty = true;
      stats.records++;
    }
    stats.own += own;
    stats.foreign += foreign;
    if (own > 0) recordsC.inc({ topic: batch.topic, kind: 'own' }, own);
    if (foreign > 0) recordsC.inc({ topic: batch.topic, kind: 'foreign' }, foreign);
  };

  const loop = createTransactionalLoop<RekeyPartition>({
    bus, groupId: rk.groupId, topics: [...signals.keys()], transactionalId: `vigil-rekey-${rk.instanceId}`, commitIntervalMs: rk.commitIntervalMs,
    maxPendingRecords: MAX_PENDING_RECORDS, name: 'rekey', log,
    open: () => ({ state: { deployments: [] }, nextOffset: null }),
    process,
    seal(w) {
      for (const d of w.state.deployments) sealed.push(d);
      w.state.deployments = [];
      return [];
    },
    committed(txn) {
      const announced = sealed;
      sealed = [];
      stats.commits++;
      stats.outputs += txn.records.length;
      stats.deployments += announced.length;
      if (announced.length > 0) deploymentsC.inc({ source: 'resource' }, announced.length);
      txnC.inc({ outcome: 'committed' });
    },
    aborted() {
      const announced = sealed;
      sealed = [];
      stats.aborts++;
      txnC.inc({ outcome: 'aborted' });
      // Not written: the records are read again from the committed offsets, and their deployments
      // must be announced again then.
      for (const d of announced) versions?.forget(d.service, d.version, d.environment);
    },
  });
  let stopping: Promise<void> | null = null;

  return {
    stats,
    async start() {
      await bus.ensureTopics([t.spans, t.metrics, t.logs, t.keyedSpans, t.keyedMetrics, t.keyedLogs, t.deployments, t.deadLetter].map((topic) => ({ topic, partitions: t.partitions })));
      await loop.start();
      log.event('rekey_started', { instance: rk.instanceId, group: rk.groupId });
    },
    commitNow: () => loop.commitNow(),
    shutdown(deadlineMs = 10_000) {
      stopping ??= (async () => {
        await withDeadline(loop.close(), deadlineMs);
        log.event('rekey_stopped', { ...stats });
      })();
      return stopping;
    },
  };
}
