// The Kafka bus's Producer: idempotent (acks=all) sends with offsets, and transactions.
import type { Producer as KafkaProducer } from 'kafkajs';
import { BusError, toBusError } from './errors.js';
import { groupPartitions, keyBytes, tpKey } from './common.js';
import type { KafkaBus } from './kafka-bus.js';
import { offsetPlus, segment, type Plan, type TopicPlan } from './kafka-send-plan.js';
import { partitionForKey } from './murmur2.js';
import { parseOffset } from './options.js';
import type { OutRecord, Producer, RecordPosition, Transaction } from './types.js';

export class KafkaBusProducer implements Producer {
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
      const r = records[i];
      if (r.value !== null && !Buffer.isBuffer(r.value)) {
        throw new BusError('BUS_INVALID', `send: record ${i} of ${r.topic}: value must be a Buffer or null`);
      }
      if (!topics.has(r.topic)) topics.set(r.topic, { n: 0, messages: [], sent: [], base: [] });
    }
    for (const [topic, t] of topics) t.n = await this.bus.partitions(topic);
    const partitionOf = new Int32Array(records.length);
    const indexOf = new Int32Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
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
      t.sent[partition] = indexOf[i] + 1;
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
      const topic = records[i].topic;
      const partition = plan.partitionOf[i];
      const tp = `${topic}#${partition}`;
      const s = seg.segOf[i];
      const start = seg.segStart.get(tp)![s];
      positions[i] = { topic, partition, offset: offsetPlus(bases[s].get(tp), plan.indexOf[i] - start, topic, partition) };
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
