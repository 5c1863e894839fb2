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
import type { Bus, Consumer, InBatch, OutRecord, PartitionOffset, Producer, TopicPartitions } from '@vigil/bus';
import type { RekeyServiceConfig } from '@vigil/config';
import type { Signal } from '@vigil/otlp';
import { encodeRecord, isVigilRecord } from '@vigil/records';
import type { DeadLetterRecord } from '@vigil/records';
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

interface PartitionWork {
  pending: OutRecord[];
  /** Deployments announced in `pending`: forgotten again if their transaction aborts. */
  deployments: DeploymentEvent[];
  nextOffset: bigint | null;
  dirty: boolean;
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
  const work = new Map<string, PartitionWork>();
  const key = (topic: string, partition: number) => `${topic}#${partition}`;
  let consumer: Consumer | null = null;
  let producer: Producer | null = null;
  let timer: NodeJS.Timeout | null = null;
  let committing: Promise<void> = Promise.resolve();
  let stopping: Promise<void> | null = null;
  let restarting = false;
  /** Set when a transaction failed: what was read since the last commit is dropped and read again. */
  let poisoned = false;

  const handle = async (batch: InBatch): Promise<void> => {
    if (poisoned) throw new Error('rekey: restarting after an aborted transaction');
    const k = key(batch.topic, batch.partition);
    let w = work.get(k);
    if (!w) {
      w = { pending: [], deployments: [], nextOffset: null, dirty: false };
      work.set(k, w);
    }
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
              w.deployments.push(d);
            }
          }
          for (const o of r.records) w.pending.push(o);
          itemsC.inc({ signal: route.signal, outcome: 'accepted' }, r.items);
          if (r.rejectedItems > 0) itemsC.inc({ signal: route.signal, outcome: 'rejected' }, r.rejectedItems);
        } catch (err) {
          const reason = (err as Error).message?.slice(0, 300) ?? String(err);
          const dl: DeadLetterRecord = {
            schema: 'vigil.dead_letter/1', sourceTopic: rec.topic, sourcePartition: rec.partition, sourceOffset: rec.offset,
            reason, atMs: rec.timestampMs, payload: (rec.value ?? Buffer.alloc(0)).toString('base64'),
          };
          w.pending.push({ topic: t.deadLetter, key: rec.topic, value: encodeRecord(dl) });
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
    if (w.pending.length >= MAX_PENDING_RECORDS) await commitNow();
  };

  function commitNow(): Promise<void> {
    const next = committing.then(commitOnce);
    committing = next.catch(() => undefined);
    return next;
  }

  async function commitOnce(): Promise<void> {
    if (!producer || poisoned) return;
    const dirty = [...work.entries()].filter(([, w]) => w.dirty && w.nextOffset !== null);
    if (dirty.length === 0) return;
    const records: OutRecord[] = [];
    const offsets: PartitionOffset[] = [];
    const announced: DeploymentEvent[] = [];
    for (const [k, w] of dirty) {
      for (const o of w.pending) records.push(o);
      for (const d of w.deployments) announced.push(d);
      const [topic, partition] = splitKey(k);
      offsets.push({ topic, partition, offset: (w.nextOffset as bigint).toString() });
      w.pending = [];
      w.deployments = [];
      w.dirty = false;
    }
    const txn = await producer.transaction();
    try {
      if (records.length > 0) await txn.send(records);
      await txn.sendOffsets(rk.groupId, offsets);
      await txn.commit();
    } catch (err) {
      await txn.abort().catch(() => undefined);
      stats.aborts++;
      txnC.inc({ outcome: 'aborted' });
      log.event('transaction_aborted', { err: (err as Error).message, partitions: offsets.length }, 'warn');
      // Not written: the records are read again from the committed offsets, and their deployments
      // must be announced again then.
      for (const d of announced) versions?.forget(d.service, d.version, d.environment);
      poisoned = true;
      work.clear();
      setImmediate(() => {
        restart().catch((e: unknown) => log.event('restart_failed', { err: (e as Error).message }, 'error'));
      });
      throw err;
    }
    stats.commits++;
    stats.outputs += records.length;
    stats.deployments += announced.length;
    if (announced.length > 0) deploymentsC.inc({ source: 'resource' }, announced.length);
    txnC.inc({ outcome: 'committed' });
  }

  const onRevoked = async (revoked: TopicPartitions[]) => {
    // Commit what was read from them, so the next owner starts where we stopped.
    await commitNow().catch(() => undefined);
    for (const { topic, partitions } of revoked) for (const p of partitions) work.delete(key(topic, p));
  };

  async function startConsumer(): Promise<void> {
    consumer = bus.consumer({ groupId: rk.groupId, topics: [...signals.keys()], fromBeginning: true, onRevoked });
    await consumer.run(handle);
  }

  async function restart(): Promise<void> {
    if (restarting || stopping) return;
    restarting = true;
    try {
      const old = consumer;
      consumer = null;
      await old?.close().catch(() => undefined);
      work.clear();
      poisoned = false;
      await startConsumer();
    } finally {
      restarting = false;
    }
  }

  return {
    stats,
    async start() {
      await bus.ensureTopics([t.spans, t.metrics, t.logs, t.keyedSpans, t.keyedMetrics, t.keyedLogs, t.deployments, t.deadLetter].map((topic) => ({ topic, partitions: t.partitions })));
      producer = await bus.producer({ transactionalId: `vigil-rekey-${rk.instanceId}` });
      await startConsumer();
      timer = setInterval(() => {
        commitNow().catch(() => undefined);
      }, rk.commitIntervalMs);
      timer.unref();
      log.event('rekey_started', { instance: rk.instanceId, group: rk.groupId });
    },
    commitNow,
    shutdown(deadlineMs = 10_000) {
      stopping ??= (async () => {
        if (timer) clearInterval(timer);
        let deadlineTimer: NodeJS.Timeout | undefined;
        const deadline = new Promise<void>((r) => { deadlineTimer = setTimeout(r, deadlineMs); });
        await Promise.race([
          (async () => {
            await commitNow().catch(() => undefined);
            await consumer?.close();
            await producer?.close();
          })(),
          deadline,
        ]);
        clearTimeout(deadlineTimer);
        log.event('rekey_stopped', { ...stats });
      })();
      return stopping;
    },
  };
}

function splitKey(k: string): [string, number] {
  const i = k.lastIndexOf('#');
  return [k.slice(0, i), Number(k.slice(i + 1))];
}
