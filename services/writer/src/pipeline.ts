import type { Bus, Consumer, InBatch, Producer, TopicPartitions } from '@vigil/bus';
import { writerTopics as topicsLanded } from '@vigil/config';
import type { WriterServiceConfig } from '@vigil/config';
import { encodeRecord } from '@vigil/records';
import type { Store } from '@vigil/store';
import type { Telemetry } from '@vigil/telemetry';
import { rawSignalOf } from './raw/otel-rows.js';
import { PartitionSink } from './sink/partition-sink.js';

export interface WriterDeps {
  /** The writer section and topics (writerConfigOf). */
  config: WriterServiceConfig;
  bus: Bus;
  store: Store;
  telemetry: Telemetry;
  /** Clock, for tests. */
  nowMs?: () => number;
}

export interface Writer {
  start(): Promise<void>;
  /** Flush buffered rows of every owned partition now (tests, shutdown). */
  flushAll(): Promise<void>;
  shutdown(deadlineMs?: number): Promise<void>;
  /** Rows landed per table since start. */
  readonly stats: Record<string, number>;
}

/**
 * The vigil_* topics (and ci_test_runs) the writer lands; the only path into ClickHouse. With
 * writer.rawTelemetry also the raw otlp_* topics, into the otel_* tables.
 */
export function writerTopics(config: WriterServiceConfig): string[] {
  // The topic catalogue of @vigil/config says which topics land in which tables.
  return topicsLanded(config.topics, config.writer.rawTelemetry);
}

export function createWriter(deps: WriterDeps): Writer {
  const { config, bus, store, telemetry } = deps;
  const w = config.writer;
  const nowMs = deps.nowMs ?? (() => Date.now());
  const log = telemetry.child('writer');
  const rowsCounter = telemetry.counter('vigil_writer_rows_total', 'Rows inserted into ClickHouse', ['table']);
  const eventsCounter = telemetry.counter('vigil_writer_events_total', 'Writer batch events', ['event']);
  const stats: Record<string, number> = {};
  const sinks = new Map<string, PartitionSink>();
  let consumer: Consumer | null = null;
  let producer: Producer | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopping = false;
  let retryDelayMs = w.retryBackoffMs;
  let nextRetryAtMs = 0;

  const keyOf = (topic: string, partition: number) => `${topic}#${partition}`;

  const makeSink = (topic: string, partition: number) =>
    new PartitionSink(topic, partition, {
      store,
      deadLetterTopic: config.topics.deadLetter,
      commit: async (t, p, next) => {
        await consumer?.commit([{ topic: t, partition: p, offset: next.toString() }]);
      },
      deadLetter: async (records) => {
        await producer?.send(records.map((r) => ({ topic: config.topics.deadLetter, key: r.sourceTopic, value: encodeRecord(r) })));
      },
      count: (event, n, table) => {
        if (event === 'rows' && table) {
          rowsCounter.inc({ table }, n);
          stats[table] = (stats[table] ?? 0) + n;
        } else eventsCounter.inc({ event }, n);
      },
      nowMs,
      rawSignal: w.rawTelemetry ? rawSignalOf(config.topics, topic) : undefined,
    }, w.maxBatchRows);

  const flushSink = async (sink: PartitionSink): Promise<void> => {
    if (nowMs() < nextRetryAtMs) return;
    try {
      await sink.flush();
      retryDelayMs = w.retryBackoffMs;
    } catch (err) {
      eventsCounter.inc({ event: 'retries' });
      nextRetryAtMs = nowMs() + retryDelayMs;
      log.event('insert_retry', { topic: sink.topic, partition: sink.partition, err: (err as Error).message, retryInMs: retryDelayMs }, 'warn');
      retryDelayMs = Math.min(retryDelayMs * 2, 30_000);
    }
  };

  const onAssigned = async (assigned: TopicPartitions[]) => {
    for (const { topic, partitions } of assigned) {
      for (const p of partitions) {
        const sink = makeSink(topic, p);
        sinks.set(keyOf(topic, p), sink);
      }
    }
  };
  const onRevoked = async (revoked: TopicPartitions[]) => {
    for (const { topic, partitions } of revoked) {
      for (const p of partitions) {
        const sink = sinks.get(keyOf(topic, p));
        if (!sink) continue;
        // Best effort: land what we hold before handing over; what fails is re-read by the next owner.
        await flushSink(sink);
        sink.close();
        sinks.delete(keyOf(topic, p));
      }
    }
  };

  const handle = async (batch: InBatch) => {
    let sink = sinks.get(keyOf(batch.topic, batch.partition));
    if (!sink) {
      // Buses that do not report assignment first: create on first sight.
      sink = makeSink(batch.topic, batch.partition);
      sinks.set(keyOf(batch.topic, batch.partition), sink);
    }
    sink.add(batch.records);
    // Backpressure: a full buffer is written before more is taken from this partition.
    while (!stopping && sink.buffered >= w.maxBatchRows) {
      await flushSink(sink);
      if (sink.buffered >= w.maxBatchRows) await new Promise((r) => setTimeout(r, Math.min(retryDelayMs, 1000)));
    }
  };

  const writer: Writer = {
    stats,
    async start() {
      producer = await bus.producer();
      consumer = bus.consumer({ groupId: w.groupId, topics: writerTopics(config), fromBeginning: true, onAssigned, onRevoked, maxBatchRecords: w.maxBatchRows });
      await consumer.run(handle);
      timer = setInterval(() => {
        for (const sink of sinks.values()) if (sink.ageMs >= w.flushIntervalMs) void flushSink(sink);
      }, Math.max(10, Math.floor(w.flushIntervalMs / 4)));
      timer.unref();
      log.event('writer_started', { topics: writerTopics(config), store: store.kind });
    },
    async flushAll() {
      nextRetryAtMs = 0;
      for (const sink of sinks.values()) await sink.flush();
    },
    async shutdown(deadlineMs = 10_000) {
      if (stopping) return;
      stopping = true;
      if (timer) clearInterval(timer);
      const deadline = new Promise<void>((r) => setTimeout(r, deadlineMs).unref());
      await Promise.race([
        (async () => {
          for (const sink of sinks.values()) await flushSink(sink);
          await consumer?.close();
          await producer?.close();
        })(),
        deadline,
      ]);
      log.event('writer_stopped', { stats });
    },
  };
  return writer;
}
