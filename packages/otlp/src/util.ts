// Small helpers consumers need on decoded OTLP objects.
import type { AnyValue, KeyValue } from './types.js';

/** Lowercase hex of an id (trace/span ids are shown and stored as hex, as in OTLP/JSON). */
export function hexId(id: Uint8Array): string {
  return Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex');
}

/** A plain JS value of an AnyValue: string, boolean, bigint, number, array, object, Uint8Array, or undefined. */
export function attributeValue(v: AnyValue | undefined): unknown {
  if (v === undefined) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return v.intValue;
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue !== undefined) return v.arrayValue.values.map(attributeValue);
  if (v.kvlistValue !== undefined) return attributesToRecord(v.kvlistValue.values);
  if (v.bytesValue !== undefined) return v.bytesValue;
  return undefined;
}

/** Attributes as a plain object (later duplicates win). */
export function attributesToRecord(list: KeyValue[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list) out[kv.key] = attributeValue(kv.value);
  return out;
}
