// Small helpers shared by the Kafka and in-process implementations.
import type { ConsumerOptions, OutRecord, TopicPartitions } from './types.js';

/** Map key for a topic-partition. NUL cannot appear in a topic name. */
export const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export function keyBytes(key: OutRecord['key']): Buffer | null {
  if (key === undefined || key === null) return null;
  return typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
}

/** Approximate size of a record as the broker counts it (key + value + headers). */
export function recordSize(key: Buffer | null, value: Buffer | null, headers: Record<string, string> | undefined): number {
  let n = (key?.length ?? 0) + (value?.length ?? 0);
  if (headers) for (const [k, v] of Object.entries(headers)) n += Buffer.byteLength(k) + Buffer.byteLength(v);
  return n;
}

/** Delay before redelivering after `failures` consecutive handler failures: base * 2^(n-1), capped at 30 * base. */
export function retryDelayMs(baseMs: number, failures: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, failures - 1), baseMs * 30);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Group a flat list of (topic, partition) into TopicPartitions, sorted by topic and partition. */
export function groupPartitions(pairs: Array<{ topic: string; partition: number }>): TopicPartitions[] {
  const by = new Map<string, number[]>();
  for (const { topic, partition } of pairs) {
    const list = by.get(topic) ?? [];
    list.push(partition);
    by.set(topic, list);
  }
  return [...by.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a - b) }));
}

/**
 * Call a consumer's onAssigned / onRevoked with a copy of the partitions. A throwing callback
 * must not wedge the group: it is reported through onError like a handler failure.
 */
export async function rebalanceCallback(options: ConsumerOptions, name: 'onAssigned' | 'onRevoked', tps: TopicPartitions[]): Promise<void> {
  const f = options[name];
  if (!f) return;
  try {
    await f(tps.map((tp) => ({ topic: tp.topic, partitions: [...tp.partitions] })));
  } catch (err) {
    options.onError?.(err, { topic: tps[0]?.topic ?? '', partition: -1, records: [], highWatermark: '0' });
  }
}
