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
import {
  Kafka, logLevel as KafkaLogLevel,
  type Admin, type Consumer as KafkaConsumer, type EachBatchPayload, type IHeaders, type KafkaConfig, type LogEntry,
  type Producer as KafkaProducer, type SASLOptions,
} from 'kafkajs';
import { BusError, toBusError } from './errors.js';
import { groupPartitions, keyBytes, retryDelayMs, sleep, tpKey } from './common.js';
import { applyKafkajsPatches, type KafkajsPatches } from './kafkajs-patches.js';
import { partitionForKey } from './murmur2.js';
import {
  CONSUMER_DEFAULTS, parseOffset, resolveKafkaOptions, validateConsumerOptions,
  type BusLogLevel, type BusLogger, type KafkaBusOptions, type ResolvedKafkaOptions,
} from './options.js';
import type {
  BatchHandler, Bus, Consumer, ConsumerOptions, InBatch, InRecord, OutRecord, PartitionOffset, Producer,
  ProducerOptions, RecordPosition, TopicPartitions, TopicSpec, Transaction,
} from './types.js';

// Before any producer exists, so the record batch encoder picks up the faster checksum.
const PATCHES = applyKafkajsPatches();

const LEVELS: Record<BusLogLevel, KafkaLogLevel> = {
  nothing: KafkaLogLevel.NOTHING,
  error: KafkaLogLevel.ERROR,
  warn: KafkaLogLevel.WARN,
  info: KafkaLogLevel.INFO,
  debug: KafkaLogLevel.DEBUG,
};

// kafkajs reports normal group life (members joining, leaving, rebalancing) at WARN or ERROR;
// these become info so that a healthy rebalance prints nothing by default.
const ROUTINE = [
  'The group is rebalancing, re-joining',
  'The coordinator is not aware of this member, re-joining the group',
  'Restarting the consumer',
  'Consumer group received unsubscribed topics',
  // Deliberate: the idempotent producer gives up after the client's bounded retries so that
  // callers see BUS_UNAVAILABLE instead of a send that never settles (see README).
  'Limiting retries for the idempotent producer',
];

// Errors that reach the caller anyway (as a rejected promise mapped to a BusError) need no log
// line: kafkajs logs every error response ("Response Produce(...)") and producer failures.
function reachesCaller(namespace: string, message: string): boolean {
  return (namespace === 'Connection' && message.startsWith('Response ')) || namespace === 'Producer';
}

const stderrLogger: BusLogger = {
  warn: (m, f) => console.warn(`[bus] ${m}${f && Object.keys(f).length ? ' ' + JSON.stringify(f) : ''}`),
  error: (m, f) => console.error(`[bus] ${m}${f && Object.keys(f).length ? ' ' + JSON.stringify(f) : ''}`),
};

function logCreator(logger: BusLogger) {
  return () =>
    ({ namespace, level, log }: LogEntry): void => {
      const { message, timestamp: _t, logger: _l, ...rest } = log as { message: string; timestamp: string; logger?: string };
      const fields = { namespace, ...rest };
      const routine = ROUTINE.some((r) => message.startsWith(r)) || reachesCaller(namespace, message);
      if (level === KafkaLogLevel.ERROR && !routine) logger.error(message, fields);
      else if (level === KafkaLogLevel.WARN && !routine) logger.warn(message, fields);
      else if (level === KafkaLogLevel.DEBUG) logger.debug?.(message, fields);
      else logger.info?.(message, fields);
    };
}

function kafkaConfig(o: ResolvedKafkaOptions): KafkaConfig {
  const config: KafkaConfig = {
    clientId: o.clientId,
    brokers: o.brokers,
    connectionTimeout: o.connectionTimeoutMs,
    requestTimeout: o.requestTimeoutMs,
    logLevel: LEVELS[o.logLevel],
    logCreator: logCreator(o.logger ?? stderrLogger),
    // Bounded client-level retries: a down broker surfaces as BUS_UNAVAILABLE within ~10 s
    // instead of kafkajs retrying for minutes (callers own the retry policy).
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 3000 },
  };
  if (o.ssl !== undefined) config.ssl = o.ssl;
  if (o.sasl !== undefined) config.sasl = { ...o.sasl } as SASLOptions;
  return config;
}

function headersIn(h: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  for (const [k, v] of Object.entries(h)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first === undefined || first === null) continue;
    out[k] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return out;
}

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

  async readPartition(topic: string, partition: number): Promise<InRecord[]> {
    const n = await this.partitions(topic);
    if (!Number.isInteger(partition) || partition < 0 || partition >= n) {
      throw new BusError('BUS_INVALID', `readPartition: ${topic} has no partition ${partition} (it has ${n})`);
    }
    const admin = await this.admin();
    let high: number;
    let low: number;
    // Right after a topic is created its leaders may still be moving ("not the leader for that
    // topic-partition"): such errors are retriable, so try again for a while before giving up.
    for (let attempt = 0; ; attempt++) {
      try {
        const offsets = await admin.fetchTopicOffsets(topic);
        const o = offsets.find((x) => x.partition === partition)!;
        high = Number(o.high);
        low = Number(o.low);
        break;
      } catch (err) {
        const retriable = (err as { retriable?: boolean }).retriable === true || /leader/i.test(String((err as Error).message));
        if (!retriable || attempt >= 40) throw toBusError(err, `readPartition offsets of ${topic}/${partition}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    if (high <= low) return [];
    // kafkajs only consumes through groups: a throwaway group that reads just this partition
    // (other partitions are paused on sight) up to the end offset taken above, then is deleted.
    const groupId = `vigil-read-${topic}-${partition}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const consumer = this.kafka.consumer({
      groupId,
      readUncommitted: false,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 100,
      sessionTimeout: 10_000,
    });
    const records: InRecord[] = [];
    let reached = low - 1;
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
      const { topic: t, partition: p, lastOffset } = e.payload as { topic: string; partition: number; lastOffset: string };
      if (t === topic && p === partition) reached = Math.max(reached, Number(lastOffset));
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async (payload) => {
          const { batch } = payload;
          if (batch.partition !== partition) {
            // Not resolved and paused: never fetched again (the group is thrown away).
            consumer.pause([{ topic, partitions: [batch.partition] }]);
            return;
          }
          if (!payload.isRunning()) return;
          for (const m of batch.messages) {
            if (Number(m.offset) >= high) break;
            records.push(toInRecord(topic, partition, m));
          }
        },
      });
      const deadline = Date.now() + this.options.requestTimeoutMs;
      while (reached < high - 1) {
        if (Date.now() > deadline) {
          throw new BusError('BUS_TIMEOUT', `readPartition ${topic}/${partition}: reached offset ${reached + 1} of ${high} in ${this.options.requestTimeoutMs} ms`);
        }
        await sleep(20);
      }
      return records.filter((r) => Number(r.offset) < high);
    } catch (err) {
      throw toBusError(err, `readPartition ${topic}/${partition}`);
    } finally {
      await consumer.disconnect().catch(() => {});
      await admin.deleteGroups([groupId]).catch(() => {});
    }
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

function toInRecord(topic: string, partition: number, m: EachBatchPayload['batch']['messages'][number]): InRecord {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key ?? null,
    value: m.value ?? null,
    headers: headersIn(m.headers),
    timestampMs: Number(m.timestamp),
  };
}

/** A message as kafkajs' producer takes it (one shape for all, so its encoder stays monomorphic). */
interface KafkaMessage {
  key: Buffer | null;
  value: Buffer | null;
  partition: number;
  timestamp: string | undefined;
  headers: Record<string, string> | undefined;
}

interface TopicPlan {
  /** Partition count. */
  n: number;
  messages: KafkaMessage[];
  /** Records of this call per partition so far (index of the next one). */
  sent: number[];
  /** Acknowledged base offset per partition (decimal string). */
  base: string[];
}

interface Plan {
  topics: Map<string, TopicPlan>;
  /** Per record of the call: its partition, and its index among the call's records of that partition. */
  partitionOf: Int32Array;
  indexOf: Int32Array;
  topicMessages: Array<{ topic: string; messages: KafkaMessage[] }>;
}

/** Offset of the record `index` places after an acknowledged base offset (64-bit, as a string). */
function offsetPlus(base: string | undefined, index: number, topic: string, partition: number): string {
  if (base === undefined || base.startsWith('-')) {
    throw new BusError('BUS_UNKNOWN', `send: no offset acknowledged for ${topic}/${partition}`);
  }
  // Up to 15 digits the sum is exact in a double (< 2^53); beyond, BigInt.
  return base.length <= 15 ? String(Number(base) + index) : String(BigInt(base) + BigInt(index));
}

/**
 * The broker refuses a record batch larger than its message.max.bytes (1 MiB by default), and a
 * produce request carries one batch per partition. So each partition's records are cut into
 * consecutive segments below this size, and segment k of every partition goes in request k;
 * requests are sent one after another, which keeps per-partition (per-key) order.
 */
export const MAX_BATCH_BYTES = 900 * 1024;
/** Framing per record in a v2 record batch, generously: length, attributes, deltas, varints. */
const RECORD_OVERHEAD_BYTES = 40;

interface Segmented {
  chunks: Array<Plan['topicMessages']>;
  /** Segment of each record. */
  segOf: Int32Array;
  /** Per `topic#partition`: the within-partition index where each segment starts. */
  segStart: Map<string, number[]>;
}

function segment(records: OutRecord[], plan: Plan, maxBatchBytes = MAX_BATCH_BYTES): Segmented {
  const segOf = new Int32Array(records.length);
  const segStart = new Map<string, number[]>();
  const cur = new Map<string, { seg: number; bytes: number }>();
  const chunkMaps: Array<Map<string, Plan['topicMessages'][number]['messages']>> = [];
  const seenInTopic = new Map<string, number>();
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const tp = `${r.topic}#${plan.partitionOf[i]}`;
    const k = seenInTopic.get(r.topic) ?? 0;
    seenInTopic.set(r.topic, k + 1);
    const message = plan.topics.get(r.topic)!.messages[k]!;
    let size = RECORD_OVERHEAD_BYTES + (r.value?.length ?? 0) + (message.key ? Buffer.byteLength(message.key as Buffer | string) : 0);
    if (r.headers) for (const [hk, hv] of Object.entries(r.headers)) size += hk.length + Buffer.byteLength(hv) + 8;
    let c = cur.get(tp);
    if (!c) {
      c = { seg: 0, bytes: 0 };
      cur.set(tp, c);
      segStart.set(tp, [plan.indexOf[i]!]);
    } else if (c.bytes > 0 && c.bytes + size > maxBatchBytes) {
      c.seg++;
      c.bytes = 0;
      segStart.get(tp)!.push(plan.indexOf[i]!);
    }
    c.bytes += size;
    segOf[i] = c.seg;
    while (chunkMaps.length <= c.seg) chunkMaps.push(new Map());
    const m = chunkMaps[c.seg]!;
    let list = m.get(r.topic);
    if (!list) m.set(r.topic, (list = []));
    list.push(message);
  }
  const chunks = chunkMaps.map((m) => [...m].map(([topic, messages]) => ({ topic, messages })));
  return { chunks, segOf, segStart };
}

/** kafkajs partitioner for messages that already carry their partition (see plan()). */
const explicitPartitioner = () => ({ message }: { message: { partition?: number } }): number => message.partition!;

class KafkaBusProducer implements Producer {
  private closed = false;
  private txnOpen = false;
  private readonly roundRobin = new Map<string, number>();
  /**
   * kafkajs advances an idempotent producer's sequence numbers only when a produce request
   * succeeds. After a failed request that the broker did write (the answer was lost: broker
   * stopped, connection cut), the next batch would carry the same sequence numbers and the
   * broker would acknowledge it as a duplicate without writing it: acknowledged, yet lost.
   * So after any failure the kafkajs producer is replaced (a new producer id, or for a
   * transactional one a new epoch) before anything else is sent, and sends are serialised so
   * no request is built on a producer whose previous request failed.
   */
  private resetNeeded = false;
  private sendChain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly bus: KafkaBus,
    private producer: KafkaProducer,
    private readonly transactionalId: string | undefined,
    private readonly connect: () => Promise<KafkaProducer>,
  ) {}

  private async resetIfNeeded(): Promise<void> {
    if (!this.resetNeeded) return;
    const fresh = await this.connect();
    const old = this.producer;
    this.producer = fresh;
    this.resetNeeded = false;
    await old.disconnect().catch(() => {});
  }

  /**
   * Chooses partitions and builds kafkajs topicMessages (records keep their order per partition).
   * Per record: one small message object and one key hash; partition counts are looked up once
   * per topic of the call (cached by the bus), not awaited per record.
   */
  private async plan(records: OutRecord[]): Promise<Plan> {
    if (!Array.isArray(records)) throw new BusError('BUS_INVALID', 'send: records must be an array');
    const topics = new Map<string, TopicPlan>();
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      if (r.value !== null && !Buffer.isBuffer(r.value)) {
        throw new BusError('BUS_INVALID', `send: record ${i} of ${r.topic}: value must be a Buffer or null`);
      }
      if (!topics.has(r.topic)) topics.set(r.topic, { n: 0, messages: [], sent: [], base: [] });
    }
    for (const [topic, t] of topics) t.n = await this.bus.partitions(topic);
    const partitionOf = new Int32Array(records.length);
    const indexOf = new Int32Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      const t = topics.get(r.topic)!;
      const n = t.n;
      const key = keyBytes(r.key);
      let partition: number;
      if (r.partition !== undefined) {
        if (!Number.isInteger(r.partition) || r.partition < 0 || r.partition >= n) {
          throw new BusError('BUS_INVALID', `send: ${r.topic} has no partition ${r.partition} (it has ${n})`);
        }
        partition = r.partition;
      } else if (key !== null) {
        partition = partitionForKey(key, n);
      } else {
        const c = this.roundRobin.get(r.topic) ?? 0;
        this.roundRobin.set(r.topic, c + 1);
        partition = c % n;
      }
      partitionOf[i] = partition;
      indexOf[i] = t.sent[partition] ?? 0;
      t.sent[partition] = indexOf[i]! + 1;
      // No timestamp: kafkajs stamps the batch with the time it encodes it (the contract's
      // "time of sending"). Headers are copied: the request may be encoded after send() returns.
      const h = r.headers;
      t.messages.push({
        key,
        value: r.value,
        partition,
        timestamp: r.timestampMs === undefined ? undefined : String(r.timestampMs),
        headers: h !== undefined && Object.keys(h).length > 0 ? { ...h } : undefined,
      });
    }
    const topicMessages: Plan['topicMessages'] = [];
    for (const [topic, t] of topics) topicMessages.push({ topic, messages: t.messages });
    return { topics, partitionOf, indexOf, topicMessages };
  }

  send(records: OutRecord[]): Promise<RecordPosition[]> {
    const run = this.sendChain.then(() => this.sendNow(records));
    this.sendChain = run.catch(() => undefined);
    return run;
  }

  private async sendNow(records: OutRecord[]): Promise<RecordPosition[]> {
    this.assertUsable();
    if (records.length === 0) return [];
    await this.resetIfNeeded();
    const plan = await this.plan(records);
    const seg = segment(records, plan);
    // base offset per segment per `topic#partition`
    const bases: Array<Map<string, string>> = [];
    for (const topicMessages of seg.chunks) {
      let meta;
      try {
        meta = await this.producer.sendBatch({ topicMessages, acks: -1, timeout: this.bus.options.requestTimeoutMs });
      } catch (err) {
        this.resetNeeded = true;
        throw toBusError(err, 'send');
      }
      const b = new Map<string, string>();
      for (const m of meta) b.set(`${m.topicName}#${m.partition}`, m.baseOffset ?? '-1');
      bases.push(b);
    }
    const positions = new Array<RecordPosition>(records.length);
    for (let i = 0; i < records.length; i++) {
      const topic = records[i]!.topic;
      const partition = plan.partitionOf[i]!;
      const tp = `${topic}#${partition}`;
      const s = seg.segOf[i]!;
      const start = seg.segStart.get(tp)![s]!;
      positions[i] = { topic, partition, offset: offsetPlus(bases[s]!.get(tp), plan.indexOf[i]! - start, topic, partition) };
    }
    return positions;
  }

  async transaction(): Promise<Transaction> {
    this.assertUsable();
    if (this.transactionalId === undefined) {
      throw new BusError('BUS_INVALID', 'transaction() needs a producer created with a transactionalId');
    }
    if (this.txnOpen) throw new BusError('BUS_INVALID', 'a transaction is already open on this producer');
    let txn;
    try {
      await this.resetIfNeeded();
      txn = await this.producer.transaction();
    } catch (err) {
      throw toBusError(err, 'begin transaction');
    }
    this.txnOpen = true;
    let done = false;
    const check = (): void => {
      this.assertUsable();
      if (done) throw new BusError('BUS_INVALID', 'the transaction is already committed or aborted');
    };
    const finish = (): void => {
      done = true;
      this.txnOpen = false;
    };
    return {
      send: async (records) => {
        check();
        if (records.length === 0) return;
        const plan = await this.plan(records);
        try {
          for (const topicMessages of segment(records, plan).chunks) {
            await txn.sendBatch({ topicMessages, acks: -1, timeout: this.bus.options.requestTimeoutMs });
          }
        } catch (err) {
          this.resetNeeded = true;
          throw toBusError(err, 'transaction send');
        }
      },
      sendOffsets: async (groupId, offsets) => {
        check();
        const topics = groupPartitions(offsets.map((o) => ({ topic: o.topic, partition: o.partition })));
        const byKey = new Map(offsets.map((o) => [tpKey(o.topic, o.partition), String(parseOffset('sendOffsets', o.offset))]));
        try {
          await txn.sendOffsets({
            consumerGroupId: groupId,
            topics: topics.map(({ topic, partitions }) => ({
              topic,
              partitions: partitions.map((partition) => ({ partition, offset: byKey.get(tpKey(topic, partition))! })),
            })),
          });
        } catch (err) {
          this.resetNeeded = true;
          throw toBusError(err, 'transaction sendOffsets');
        }
      },
      commit: async () => {
        check();
        try {
          await txn.commit();
          finish();
        } catch (err) {
          this.resetNeeded = true;
          const e = toBusError(err, 'transaction commit');
          if (!txn.isActive()) finish();
          throw e;
        }
      },
      abort: async () => {
        if (done) throw new BusError('BUS_INVALID', 'the transaction is already committed or aborted');
        try {
          await txn.abort();
        } catch (err) {
          throw toBusError(err, 'transaction abort');
        } finally {
          finish();
        }
      },
    };
  }

  private assertUsable(): void {
    if (this.closed) throw new BusError('BUS_CLOSED', 'the producer was closed');
    this.bus.assertOpen();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.bus.forgetProducer(this);
    await this.producer.disconnect().catch(() => {});
  }
}

class KafkaBusConsumer implements Consumer {
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

  private async callback(name: 'onAssigned' | 'onRevoked', tps: TopicPartitions[]): Promise<void> {
    const f = this.options[name];
    if (!f) return;
    try {
      await f(tps.map((tp) => ({ topic: tp.topic, partitions: [...tp.partitions] })));
    } catch (err) {
      this.options.onError?.(err, { topic: tps[0]?.topic ?? '', partition: -1, records: [], highWatermark: '0' });
    }
  }

  private async eachBatch(handler: BatchHandler, payload: EachBatchPayload): Promise<void> {
    // Called through the payload, not destructured: they are declared as methods.
    const { batch } = payload;
    const isRunning = (): boolean => payload.isRunning();
    const isStale = (): boolean => payload.isStale();
    const heartbeat = (): Promise<void> => payload.heartbeat();
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
      payload.resolveOffset(slice[slice.length - 1]!.offset);
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

/** A Bus on a Kafka cluster (see the top of this file for the semantics and settings). */
export function createKafkaBus(options: KafkaBusOptions): KafkaBus {
  return new KafkaBus(options);
}
