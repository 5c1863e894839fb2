// The Kafka Bus, on kafkajs 2.2.4. Works with Kafka 2.x and 3.x brokers (kafkajs speaks request
// versions that Kafka 4.0 removed, see infra/kafka/README.md).
//
// Producer: acks=all (-1) and idempotent. kafkajs serialises an idempotent producer's Produce
// requests per broker with a lock (src/producer/eosManager: acquireBrokerLock), so at most one
// is in flight per broker whatever maxInFlightRequests says; that keeps sequence numbers and
// per-key order intact across retries. Transactional producers also set maxInFlightRequests=1,
// as the kafkajs transactions docs require. The bus picks every partition itself (explicit
// `partition` on each message): keyed records with Kafka's murmur2 partitioner (partitionForKey,
// identical to the Java client's default), keyless records round-robin; knowing the partition
// lets send() return each record's offset (base offset of its partition + index).
//
// Consumer: one kafkajs consumer per Consumer, read_committed, autoCommit off, eachBatch with
// eachBatchAutoResolve off and one partition at a time. A batch is "resolved" (kafkajs' fetch
// position moves past it) only when the handler returns; offsets are committed only by
// `commit` or a transaction. If the handler throws, the consumer waits (retryBackoffMs, doubling)
// and seeks the partition back to the group's committed offset (read from the broker), or to
// where this assignment started when the group has none: the contract's redelivery.
// kafkajs rebalances eagerly and restarts every partition at its committed offset after each
// rebalance, so onRevoked(everything owned) then onAssigned(everything owned now) is called on
// every rebalance (like Java's eager protocol).
//
// One file per job: client settings (kafka-client-config.ts), the producer (kafka-producer.ts)
// and its send plan (kafka-send-plan.ts), the consumer (kafka-consumer.ts), readPartition
// (kafka-read-partition.ts), message conversion (kafka-records.ts). This file: the Bus itself
// (admin, topics, partition counts, the producers and consumers it made).
//
// Time: the Kafka bus reads the real clock (retry backoffs, request deadlines, the age of cached
// partition counts, kafkajs' record timestamps). These bound real network I/O, so an injected
// (possibly frozen) clock must not drive them; no record content or decision depends on them.
import { Kafka, type Admin, type Producer as KafkaProducer } from 'kafkajs';
import { BusError, toBusError } from './errors.js';
import { kafkaConfig } from './kafka-client-config.js';
import { KafkaBusConsumer } from './kafka-consumer.js';
import { KafkaBusProducer } from './kafka-producer.js';
import { readWholePartition } from './kafka-read-partition.js';
import { explicitPartitioner } from './kafka-send-plan.js';
import { applyKafkajsPatches, type KafkajsPatches } from './kafkajs-patches.js';
import { resolveKafkaOptions, validateConsumerOptions, type KafkaBusOptions, type ResolvedKafkaOptions } from './options.js';
import type { Bus, Consumer, ConsumerOptions, InRecord, Producer, ProducerOptions, TopicSpec } from './types.js';

// Before any producer exists, so the record batch encoder picks up the faster checksum.
const PATCHES = applyKafkajsPatches();

export class KafkaBus implements Bus {
  readonly kind = 'kafka' as const;
  readonly options: ResolvedKafkaOptions;
  readonly kafka: Kafka;
  /** Which kafkajs produce-path patches are active (see kafkajs-patches.ts). */
  readonly kafkajsPatches: KafkajsPatches = PATCHES;
  private adminClient: Promise<Admin> | null = null;
  private readonly partitionCounts = new Map<string, { n: number; at: number }>();
  private readonly producers = new Set<KafkaBusProducer>();
  private readonly consumers = new Set<KafkaBusConsumer>();
  private closed = false;

  constructor(options: KafkaBusOptions) {
    this.options = resolveKafkaOptions(options);
    this.kafka = new Kafka(kafkaConfig(this.options));
  }

  admin(): Promise<Admin> {
    this.assertOpen();
    if (!this.adminClient) {
      const admin = this.kafka.admin();
      this.adminClient = admin.connect().then(
        () => admin,
        (err) => {
          this.adminClient = null;
          throw toBusError(err, 'connect admin');
        },
      );
    }
    return this.adminClient;
  }

  assertOpen(): void {
    if (this.closed) throw new BusError('BUS_CLOSED', 'the bus was shut down');
  }

  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    const admin = await this.admin();
    // Several services start together and create the same topics: "already exists" and the
    // retriable errors of a topic whose leaders are still being elected mean "look again".
    for (let attempt = 0; ; attempt++) {
      try {
        const existing = new Set(await admin.listTopics());
        const missing = specs.filter((s) => !existing.has(s.topic));
        if (missing.length > 0) {
          await admin.createTopics({
            waitForLeaders: true,
            timeout: this.options.requestTimeoutMs,
            topics: missing.map((s) => {
              const configEntries: Array<{ name: string; value: string }> = [];
              if (s.compacted) configEntries.push({ name: 'cleanup.policy', value: 'compact' });
              if (s.retentionMs !== undefined) configEntries.push({ name: 'retention.ms', value: String(s.retentionMs) });
              return { topic: s.topic, numPartitions: s.partitions, configEntries };
            }),
          });
        }
        // Every partition has a leader before anyone reads or writes.
        const { topics } = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.topic) });
        const leaderless = topics.some((t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0));
        if (leaderless) throw Object.assign(new Error('leaders not elected yet'), { retriable: true });
        for (const t of topics) this.partitionCounts.set(t.name, { n: t.partitions.length, at: Date.now() });
        return;
      } catch (err) {
        const e = err as { type?: string; retriable?: boolean; message?: string };
        const again = e.type === 'TOPIC_ALREADY_EXISTS' || e.retriable === true || /leader|does not host/i.test(String(e.message));
        if (!again || attempt >= 40) throw toBusError(err, 'ensureTopics');
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  /** Partition count of a topic, cached for a minute (partitions can be added, never removed). */
  async partitions(topic: string): Promise<number> {
    const cached = this.partitionCounts.get(topic);
    if (cached && Date.now() - cached.at < 60_000) return cached.n;
    const admin = await this.admin();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const n = topics[0]?.partitions.length ?? 0;
      if (n === 0) throw new BusError('BUS_UNKNOWN_TOPIC', `unknown topic '${topic}' (create it with ensureTopics)`);
      this.partitionCounts.set(topic, { n, at: Date.now() });
      return n;
    } catch (err) {
      throw toBusError(err, `metadata of '${topic}'`);
    }
  }

  /** A connected kafkajs producer: idempotent, and transactional (initialised) with a txId. */
  async connectProducer(txId: string | undefined): Promise<KafkaProducer> {
    const producer = this.kafka.producer({
      idempotent: true,
      allowAutoTopicCreation: false,
      // Every message carries its partition (chosen in plan()); kafkajs' DefaultPartitioner would
      // also filter the partition metadata per message before looking at it.
      createPartitioner: explicitPartitioner,
      ...(txId !== undefined
        ? { transactionalId: txId, maxInFlightRequests: 1, transactionTimeout: this.options.transactionTimeoutMs }
        : {}),
    });
    try {
      await producer.connect();
      if (txId !== undefined) {
        // Like Java's initTransactions(): get the producer id and epoch now, which fences any
        // older producer with this transactionalId (kafkajs would otherwise wait for the first
        // transaction). An abort with nothing added sends no EndTxn; it only resets the state.
        const t = await producer.transaction();
        await t.abort();
      }
    } catch (err) {
      await producer.disconnect().catch(() => {});
      throw toBusError(err, 'connect producer');
    }
    return producer;
  }

  async producer(options: ProducerOptions = {}): Promise<Producer> {
    this.assertOpen();
    const txId = options.transactionalId;
    if (txId !== undefined && (typeof txId !== 'string' || txId === '')) {
      throw new BusError('BUS_INVALID', `producer: 'transactionalId' must be a non-empty string, got ${JSON.stringify(txId)}`);
    }
    const producer = await this.connectProducer(txId);
    const p = new KafkaBusProducer(this, producer, txId, () => this.connectProducer(txId));
    this.producers.add(p);
    return p;
  }

  consumer(options: ConsumerOptions): Consumer {
    this.assertOpen();
    validateConsumerOptions(options);
    const c = new KafkaBusConsumer(this, options);
    this.consumers.add(c);
    return c;
  }

  readPartition(topic: string, partition: number): Promise<InRecord[]> {
    return readWholePartition(this, topic, partition);
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.consumers].map((c) => c.close().catch(() => {})));
    await Promise.all([...this.producers].map((p) => p.close().catch(() => {})));
    const admin = this.adminClient;
    this.adminClient = null;
    this.closed = true;
    if (admin) await admin.then((a) => a.disconnect()).catch(() => {});
  }

  forgetProducer(p: KafkaBusProducer): void {
    this.producers.delete(p);
  }

  forgetConsumer(c: KafkaBusConsumer): void {
    this.consumers.delete(c);
  }
}

/** A Bus on a Kafka cluster (see the top of this file for the semantics and settings). */
export function createKafkaBus(options: KafkaBusOptions): KafkaBus {
  return new KafkaBus(options);
}
