// Value conventions of the OpenTelemetry Collector ClickHouse exporter's schema (see
// infra/clickhouse/migrations/0005_otel.sql): attribute maps are Map(String, String), ids are hex,
// times are DateTime64(9). Strings follow the collector's pcommon Value.AsString():
//   string as is; bool "true"/"false"; int decimal; double as an ECMAScript number-to-string
//   (pcommon documents exactly that rule, so JS String(x) is it); bytes base64; arrays and
//   maps as JSON (Go's encoding/json on AsRaw(): map keys sorted, bytes base64); empty "".
import type { AnyValue, KeyValue } from '@vigil/otlp';

/** One attribute value as the exporter's tables hold it. Cost O(size of the value). */
export function anyValueString(v: AnyValue | undefined): string {
  if (v === undefined) return '';
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue ? 'true' : 'false';
  if (v.intValue !== undefined) return v.intValue.toString();
  if (v.doubleValue !== undefined) return String(v.doubleValue);
  if (v.bytesValue !== undefined) return base64(v.bytesValue);
  if (v.arrayValue !== undefined || v.kvlistValue !== undefined) return anyValueJson(v);
  return '';
}

/** JSON of a value, as Go's encoding/json writes the collector's raw form of it. */
export function anyValueJson(v: AnyValue | undefined): string {
  if (v === undefined) return 'null';
  if (v.stringValue !== undefined) return JSON.stringify(v.stringValue);
  if (v.boolValue !== undefined) return v.boolValue ? 'true' : 'false';
  if (v.intValue !== undefined) return v.intValue.toString();
  // JSON has no NaN or infinities; null keeps the document valid.
  if (v.doubleValue !== undefined) return Number.isFinite(v.doubleValue) ? String(v.doubleValue) : 'null';
  if (v.bytesValue !== undefined) return JSON.stringify(base64(v.bytesValue));
  if (v.arrayValue !== undefined) return `[${v.arrayValue.values.map(anyValueJson).join(',')}]`;
  if (v.kvlistValue !== undefined) {
    // Later duplicates win, as in the collector's map; keys sorted, as encoding/json sorts map keys.
    const byKey = new Map<string, AnyValue | undefined>();
    for (const kv of v.kvlistValue.values) byKey.set(kv.key, kv.value);
    const keys = [...byKey.keys()].sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${anyValueJson(byKey.get(k))}`).join(',')}}`;
  }
  return 'null';
}

/** Attributes as the Map(LowCardinality(String), String) of the exporter's tables (later duplicates win). */
export function attributeMap(list: KeyValue[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!list) return out;
  for (const kv of list) out[kv.key] = anyValueString(kv.value);
  return out;
}

/**
 * Lowercase hex of a trace or span id; '' when the id is absent or all zero bytes (OTLP: an
 * all-zero id is invalid, i.e. no id; the exporter writes '').
 */
export function idHex(id: Uint8Array | undefined): string {
  if (!id || id.length === 0) return '';
  let zero = true;
  for (const b of id) if (b !== 0) { zero = false; break; }
  return zero ? '' : Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex');
}

const NS_PER_S = 1_000_000_000n;

/**
 * A Unix-nanosecond time as a DateTime64(9) literal ClickHouse parses exactly in JSONEachRow:
 * `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ` (UTC). A bare "seconds.nanos" number is ambiguous to the
 * best-effort parser for small values, so the calendar form is used.
 */
export function nsToDateTime64(ns: bigint): string {
  const clamped = ns < 0n ? 0n : ns;
  const seconds = clamped / NS_PER_S;
  const frac = (clamped % NS_PER_S).toString().padStart(9, '0');
  const iso = new Date(Number(seconds) * 1000).toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z
  return `${iso.slice(0, 19)}.${frac}Z`;
}

/** A float for a JSONEachRow Float64 cell; NaN and ±Inf as the literals ClickHouse reads. */
export function floatCell(x: number): number | string {
  if (Number.isFinite(x)) return x;
  if (Number.isNaN(x)) return 'nan';
  return x > 0 ? 'inf' : '-inf';
}

function base64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}
