import type { InRecord, OutRecord } from '@vigil/bus';

// A partition's state in the compacted state topic: a meta record and N chunks, all keyed by
// `<topic>|<partition>|…`, all written to state-topic partition `partition mod stateParts` in the
// same transaction as the outputs and the consumed offsets, so the latest committed snapshot
// always matches the committed offset. Chunks keep every record well under Kafka's default
// 1 MiB message limit.

export const CHUNK_CHARS = 256 * 1024;

export interface SnapshotMeta {
  v: 1;
  chunks: number;
  /** Next input offset this state reflects (equal to the committed offset). */
  nextOffset: string;
  chars: number;
}

export function snapshotKey(topic: string, partition: number, part: string): string {
  return `${topic}|${partition}|${part}`;
}

export function encodeSnapshot(stateTopic: string, stateParts: number, topic: string, partition: number, nextOffset: bigint, state: unknown): OutRecord[] {
  const text = JSON.stringify(state, (_k, v: unknown) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v));
  const chunks = Math.max(1, Math.ceil(text.length / CHUNK_CHARS));
  const p = partition % stateParts;
  const records: OutRecord[] = [];
  for (let i = 0; i < chunks; i++) {
    records.push({ topic: stateTopic, partition: p, key: snapshotKey(topic, partition, `c${i}`), value: Buffer.from(text.slice(i * CHUNK_CHARS, (i + 1) * CHUNK_CHARS), 'utf8') });
  }
  const meta: SnapshotMeta = { v: 1, chunks, nextOffset: nextOffset.toString(), chars: text.length };
  // Meta last: a reader that sees it knows every chunk before it belongs to the same snapshot.
  records.push({ topic: stateTopic, partition: p, key: snapshotKey(topic, partition, 'meta'), value: Buffer.from(JSON.stringify(meta)) });
  return records;
}

/** The latest snapshot of (topic, partition) among the state partition's records, or null. */
/** `{ $bigint: "…" }`, and nothing else: how encodeSnapshot writes a bigint. */
function isBigintBox(v: unknown): v is { $bigint: string } {
  return typeof v === 'object' && v !== null && typeof (v as { $bigint?: unknown }).$bigint === 'string' && Object.keys(v).length === 1;
}

export function decodeSnapshot(records: InRecord[], topic: string, partition: number): { state: unknown; nextOffset: bigint } | null {
  const prefix = `${topic}|${partition}|`;
  const latest = new Map<string, Buffer | null>();
  for (const r of records) {
    const key = r.key?.toString('utf8');
    if (key?.startsWith(prefix)) latest.set(key.slice(prefix.length), r.value);
  }
  const metaBytes = latest.get('meta');
  if (!metaBytes) return null;
  const meta = JSON.parse(metaBytes.toString('utf8')) as SnapshotMeta;
  let text = '';
  for (let i = 0; i < meta.chunks; i++) {
    const c = latest.get(`c${i}`);
    if (!c) throw new Error(`state snapshot of ${topic}/${partition} is missing chunk ${i} of ${meta.chunks}`);
    text += c.toString('utf8');
  }
  if (text.length !== meta.chars) throw new Error(`state snapshot of ${topic}/${partition} has ${text.length} chars, meta says ${meta.chars}`);
  const state: unknown = JSON.parse(text, (_k, v: unknown) => (isBigintBox(v) ? BigInt(v.$bigint) : v));
  return { state, nextOffset: BigInt(meta.nextOffset) };
}
