// How one send() call is laid out for kafkajs: each record's partition chosen by the bus, the
// offsets it will get, and the cut into produce requests below the broker's batch limit.
import { BusError } from './errors.js';
import type { OutRecord } from './types.js';

/** A message as kafkajs' producer takes it (one shape for all, so its encoder stays monomorphic). */
export interface KafkaMessage {
  key: Buffer | null;
  value: Buffer | null;
  partition: number;
  timestamp: string | undefined;
  headers: Record<string, string> | undefined;
}

export interface TopicPlan {
  /** Partition count. */
  n: number;
  messages: KafkaMessage[];
  /** Records of this call per partition so far (index of the next one). */
  sent: number[];
  /** Acknowledged base offset per partition (decimal string). */
  base: string[];
}

export interface Plan {
  topics: Map<string, TopicPlan>;
  /** Per record of the call: its partition, and its index among the call's records of that partition. */
  partitionOf: Int32Array;
  indexOf: Int32Array;
  topicMessages: Array<{ topic: string; messages: KafkaMessage[] }>;
}

/** Offset of the record `index` places after an acknowledged base offset (64-bit, as a string). */
export function offsetPlus(base: string | undefined, index: number, topic: string, partition: number): string {
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

export function segment(records: OutRecord[], plan: Plan, maxBatchBytes = MAX_BATCH_BYTES): Segmented {
  const segOf = new Int32Array(records.length);
  const segStart = new Map<string, number[]>();
  const cur = new Map<string, { seg: number; bytes: number }>();
  const chunkMaps: Array<Map<string, Plan['topicMessages'][number]['messages']>> = [];
  const seenInTopic = new Map<string, number>();
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const tp = `${r.topic}#${plan.partitionOf[i]}`;
    const k = seenInTopic.get(r.topic) ?? 0;
    seenInTopic.set(r.topic, k + 1);
    const message = plan.topics.get(r.topic)!.messages[k];
    let size = RECORD_OVERHEAD_BYTES + (r.value?.length ?? 0) + (message.key ? Buffer.byteLength(message.key) : 0);
    if (r.headers) for (const [hk, hv] of Object.entries(r.headers)) size += hk.length + Buffer.byteLength(hv) + 8;
    let c = cur.get(tp);
    if (!c) {
      c = { seg: 0, bytes: 0 };
      cur.set(tp, c);
      segStart.set(tp, [plan.indexOf[i]]);
    } else if (c.bytes > 0 && c.bytes + size > maxBatchBytes) {
      c.seg++;
      c.bytes = 0;
      segStart.get(tp)!.push(plan.indexOf[i]);
    }
    c.bytes += size;
    segOf[i] = c.seg;
    while (chunkMaps.length <= c.seg) chunkMaps.push(new Map());
    const m = chunkMaps[c.seg];
    let list = m.get(r.topic);
    if (!list) m.set(r.topic, (list = []));
    list.push(message);
  }
  const chunks = chunkMaps.map((m) => [...m].map(([topic, messages]) => ({ topic, messages })));
  return { chunks, segOf, segStart };
}

/** kafkajs partitioner for messages that already carry their partition (see plan()). */
export const explicitPartitioner = () => ({ message }: { message: { partition?: number } }): number => message.partition!;
