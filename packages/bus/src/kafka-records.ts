// kafkajs messages → the Bus's InRecord (consumer and readPartition alike).
import type { EachBatchPayload, IHeaders } from 'kafkajs';
import type { InRecord } from './types.js';

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

export function toInRecord(topic: string, partition: number, m: EachBatchPayload['batch']['messages'][number]): InRecord {
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
