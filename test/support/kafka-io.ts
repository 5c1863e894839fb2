// Kafka reads for fault tests, through @vigil/bus (and the kafkajs client it holds): whole topics
// read committed with one throwaway consumer, and how far a consumer group is behind.
import { afterAll } from 'vitest';
import { createKafkaBus } from '@vigil/bus';
import type { KafkaBus } from '@vigil/bus';
import { testBrokers, uniqueName } from '../../infra/test/kafka.js';

/** A bus for the test process itself (quiet: kafkajs warnings are expected while brokers die). */
export function testBus(brokers: string[], clientId: string): KafkaBus {
  // transactionTimeoutMs as Vigil's services set it (packages/config busOptions): a transaction left
  // open by a killed producer is aborted by the broker after that long.
  return createKafkaBus({ brokers, clientId, logLevel: 'nothing', connectionTimeoutMs: 2000, requestTimeoutMs: 20_000, transactionTimeoutMs: 15_000 });
}

/**
 * A suite's broker connection: the setup's brokers, a fresh run name (`prefix` made unique: topic
 * and group names start with it) and a test bus named after it, shut down after the suite.
 */
export function suiteBus(prefix: string): { brokers: string[]; run: string; bus: KafkaBus } {
  const brokers = testBrokers();
  const run = uniqueName(prefix);
  const bus = testBus(brokers, run);
  afterAll(async () => {
    await bus.shutdown();
  });
  return { brokers, run, bus };
}

export interface ReadRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

let readers = 0;

/**
 * Every committed record of `topics` as of the call (each partition from its start to its end
 * offset), read committed by one consumer in a throwaway group. Transaction markers occupy
 * offsets, so a partition is done once a fetched batch reaches end - 1 (kafkajs reports the last
 * offset of each fetched batch, control batches included), as bus.readPartition does.
 */
export async function readTopics(bus: KafkaBus, topics: string[], timeoutMs = 60_000): Promise<ReadRecord[]> {
  const admin = await bus.admin();
  const ends = new Map<string, number>();
  for (const topic of topics) {
    for (const o of await admin.fetchTopicOffsets(topic)) {
      if (Number(o.high) > Number(o.low)) ends.set(`${topic}#${o.partition}`, Number(o.high));
    }
  }
  if (ends.size === 0) return [];
  const reached = new Map<string, number>();
  const records: ReadRecord[] = [];
  const groupId = `faults-read-${process.pid}-${Date.now().toString(36)}-${++readers}`;
  const consumer = bus.kafka.consumer({ groupId, readUncommitted: false, allowAutoTopicCreation: false, maxWaitTimeInMs: 100, sessionTimeout: 10_000 });
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
    const { topic, partition, lastOffset } = e.payload as { topic: string; partition: number; lastOffset: string };
    const k = `${topic}#${partition}`;
    reached.set(k, Math.max(reached.get(k) ?? -1, Number(lastOffset)));
  });
  const done = () => [...ends].every(([k, end]) => (reached.get(k) ?? -1) >= end - 1);
  try {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const end = ends.get(`${batch.topic}#${batch.partition}`) ?? 0;
        for (const m of batch.messages) {
          if (Number(m.offset) >= end) break;
          records.push({ topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key ?? null, value: m.value ?? null });
        }
      },
    });
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) {
        const behind = [...ends].filter(([k, end]) => (reached.get(k) ?? -1) < end - 1).map(([k, end]) => `${k} at ${(reached.get(k) ?? -1) + 1}/${end}`);
        throw new Error(`readTopics: not at the end after ${timeoutMs} ms: ${behind.join(', ')}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    // Each partition's records arrive in order; dedupe in case a batch was fetched twice.
    const seen = new Set<string>();
    return records.filter((r) => {
      const k = `${r.topic}#${r.partition}#${r.offset}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  } finally {
    await consumer.disconnect().catch(() => {});
    await admin.deleteGroups([groupId]).catch(() => {});
  }
}

/**
 * Records of `topic` that group `groupId` has not committed yet (sum over partitions of end
 * offset minus committed offset; a partition with no commit counts from its start). Only exact
 * for topics written without transactions (markers take offsets).
 */
export async function groupLag(bus: KafkaBus, groupId: string, topic: string): Promise<number> {
  const admin = await bus.admin();
  const [ends, [committed]] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  let lag = 0n;
  for (const e of ends) {
    const c = committed?.partitions.find((p) => p.partition === e.partition)?.offset ?? '-1';
    const from = BigInt(c) >= 0n ? BigInt(c) : BigInt(e.low);
    lag += BigInt(e.high) - from;
  }
  return Number(lag);
}

/** Members of a consumer group and its state (e.g. 'Stable'). */
export async function groupMembers(bus: KafkaBus, groupId: string): Promise<{ state: string; members: number }> {
  const admin = await bus.admin();
  const { groups } = await admin.describeGroups([groupId]);
  return { state: groups[0]?.state ?? 'Unknown', members: groups[0]?.members.length ?? 0 };
}
