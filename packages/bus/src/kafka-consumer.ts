// The Kafka bus's Consumer: a group member, read committed, one partition's batch at a time,
// redelivery from the committed offset after a handler failure (see kafka-bus.ts).
import { PartitionAssigners, type EachBatchPayload, type Consumer as KafkaConsumer } from 'kafkajs';
import { copartitionedAssigner } from './kafka-assigner.js';
import { BusError, toBusError } from './errors.js';
import { groupPartitions, rebalanceCallback, retryDelayMs, sleep, tpKey } from './common.js';
import type { KafkaBus } from './kafka-bus.js';
import { stderrLogger } from './kafka-client-config.js';
import { toInRecord } from './kafka-records.js';
import { CONSUMER_DEFAULTS, parseOffset } from './options.js';
import type { BatchHandler, Consumer, ConsumerOptions, InBatch, PartitionOffset, TopicPartitions } from './types.js';

export class KafkaBusConsumer implements Consumer {
  private consumer: KafkaConsumer | null = null;
  private owned: TopicPartitions[] = [];
  /** Offset of the first batch of each partition since the last (re)assignment. */
  private initial = new Map<string, string>();
  private failures = new Map<string, number>();
  /** onRevoked/onAssigned calls, in order; batches wait for it. */
  private callbacks: Promise<void> = Promise.resolve();
  private closing: Promise<void> | null = null;
  private readonly maxBatchRecords: number;
  private readonly retryBackoffMs: number;

  constructor(private readonly bus: KafkaBus, private readonly options: ConsumerOptions) {
    this.maxBatchRecords = options.maxBatchRecords ?? CONSUMER_DEFAULTS.maxBatchRecords;
    this.retryBackoffMs = options.retryBackoffMs ?? CONSUMER_DEFAULTS.retryBackoffMs;
  }

  assignment(): TopicPartitions[] {
    return this.owned.map((tp) => ({ topic: tp.topic, partitions: [...tp.partitions] }));
  }

  async run(handler: BatchHandler): Promise<void> {
    if (this.closing) throw new BusError('BUS_CLOSED', 'the consumer was closed');
    if (this.consumer) throw new BusError('BUS_INVALID', 'run() was already called on this consumer');
    const sessionTimeout = this.options.sessionTimeoutMs ?? CONSUMER_DEFAULTS.sessionTimeoutMs;
    const consumer = this.bus.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout,
      // Heartbeats are how a member learns of a rebalance: frequent ones make joins fast.
      heartbeatInterval: Math.max(100, Math.min(3000, Math.floor(sessionTimeout / 10))),
      rebalanceTimeout: Math.max(sessionTimeout, 10_000),
      readUncommitted: false,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: this.bus.options.fetchMaxWaitMs,
      // Partition p of every topic to one member (kafka-assigner.ts); round-robin stays listed so
      // a group with members of an older version agrees on it until they are all upgraded.
      partitionAssigners: [copartitionedAssigner, PartitionAssigners.roundRobin],
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, (e) => {
      // kafkajs restarts a crashed consumer when the error is retriable; say so when it will not.
      const { error, restart } = e.payload as { error: Error; restart: boolean };
      if (!restart) {
        (this.bus.options.logger ?? stderrLogger).error(`consumer ${this.options.groupId} stopped: ${error?.message}`, {
          code: toBusError(error).code,
        });
      }
    });
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      const assignment = (e.payload as { memberAssignment: Record<string, number[]> }).memberAssignment;
      this.onJoin(assignment);
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? CONSUMER_DEFAULTS.fromBeginning });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => this.eachBatch(handler, payload),
      });
    } catch (err) {
      await consumer.disconnect().catch(() => {});
      this.consumer = null;
      throw toBusError(err, `consumer ${this.options.groupId}`);
    }
    await this.callbacks;
  }

  /** Eager rebalance: everything owned before is revoked, everything owned now is assigned. */
  private onJoin(memberAssignment: Record<string, number[]>): void {
    const previous = this.owned;
    const next = groupPartitions(
      Object.entries(memberAssignment).flatMap(([topic, ps]) => ps.map((partition) => ({ topic, partition }))),
    );
    this.owned = next;
    this.initial.clear();
    this.failures.clear();
    this.callbacks = this.callbacks.then(async () => {
      if (previous.length > 0) await this.callback('onRevoked', previous);
      await this.callback('onAssigned', next);
    });
  }

  private callback(name: 'onAssigned' | 'onRevoked', tps: TopicPartitions[]): Promise<void> {
    return rebalanceCallback(this.options, name, tps);
  }

  private async eachBatch(handler: BatchHandler, payload: EachBatchPayload): Promise<void> {
    // Called through the payload, not destructured: kafkajs declares them as methods.
    const { batch } = payload;
    const resolveOffset = (offset: string): void => payload.resolveOffset(offset);
    const heartbeat = (): Promise<void> => payload.heartbeat();
    const isRunning = (): boolean => payload.isRunning();
    const isStale = (): boolean => payload.isStale();
    await this.callbacks;
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const { topic, partition } = batch;
    const key = tpKey(topic, partition);
    if (!this.initial.has(key)) {
      // First batch since assignment: kafkajs fetched it from the committed offset (or the
      // reset position when the group has none), which is where a failure rewinds to.
      this.initial.set(key, (batch as unknown as { fetchedOffset: string }).fetchedOffset ?? batch.firstOffset()!);
    }
    for (let from = 0; from < batch.messages.length; from += this.maxBatchRecords) {
      const slice = batch.messages.slice(from, from + this.maxBatchRecords);
      const inBatch: InBatch = {
        topic,
        partition,
        records: slice.map((m) => toInRecord(topic, partition, m)),
        highWatermark: batch.highWatermark,
      };
      try {
        await handler(inBatch);
      } catch (err) {
        await this.redeliver(key, topic, partition, err, inBatch, heartbeat);
        return;
      }
      this.failures.delete(key);
      resolveOffset(slice[slice.length - 1].offset);
      await heartbeat().catch(() => {});
      if (!isRunning() || isStale()) return;
    }
  }

  private async redeliver(
    key: string, topic: string, partition: number, err: unknown, batch: InBatch, heartbeat: () => Promise<void>,
  ): Promise<void> {
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    try {
      this.options.onError?.(err, batch);
    } catch {
      // the error hook must not break delivery
    }
    // Wait in small steps so the member keeps heartbeating.
    const until = Date.now() + retryDelayMs(this.retryBackoffMs, n);
    while (Date.now() < until) {
      await sleep(Math.min(200, until - Date.now()));
      await heartbeat().catch(() => {});
    }
    let offset = this.initial.get(key)!;
    try {
      const admin = await this.bus.admin();
      const [res] = await admin.fetchOffsets({ groupId: this.options.groupId, topics: [topic] });
      const committed = res?.partitions.find((p) => p.partition === partition)?.offset;
      if (committed !== undefined && Number(committed) >= 0) offset = committed;
    } catch {
      // fall back to where this assignment started
    }
    this.consumer?.seek({ topic, partition, offset });
  }

  async commit(offsets: PartitionOffset[]): Promise<void> {
    if (this.closing || !this.consumer) throw new BusError('BUS_CLOSED', 'the consumer is not running');
    const list = offsets.map((o) => {
      const owns = this.owned.some((tp) => tp.topic === o.topic && tp.partitions.includes(o.partition));
      if (!owns) throw new BusError('BUS_REBALANCED', `commit: ${o.topic}/${o.partition} is not owned by this member (rebalanced)`);
      return { topic: o.topic, partition: o.partition, offset: String(parseOffset('commit', o.offset)) };
    });
    try {
      await this.consumer.commitOffsets(list);
    } catch (err) {
      throw toBusError(err, 'commit');
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      const consumer = this.consumer;
      if (consumer) {
        // disconnect() stops fetching, waits for the batch in flight and leaves the group.
        await consumer.disconnect().catch(() => {});
        await this.callbacks;
        if (this.owned.length > 0) await this.callback('onRevoked', this.owned);
      }
      this.owned = [];
      this.bus.forgetConsumer(this);
    })();
    return this.closing;
  }
}
