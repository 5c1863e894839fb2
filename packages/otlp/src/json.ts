// OTLP/JSON (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): the proto3
// JSON mapping with OTLP's deviations:
// - traceId / spanId / parentSpanId are lowercase hex strings, not base64;
// - enums are integers only (names are also accepted on input, as proto3 JSON parsers do);
// - keys are lowerCamelCase on output; on input the original proto names (snake_case) are
//   accepted too, as the proto3 JSON mapping requires of parsers;
// - 64-bit integers are written as decimal strings; on input strings and numbers are accepted;
// - other bytes fields (AnyValue.bytesValue) are base64; unknown keys are ignored.
import { DecodeError, MAX_DEPTH } from './reader.js';
import type {
  AnyValue, Buckets, EntityRef, Exemplar, ExponentialHistogramDataPoint, ExportLogsServiceRequest,
  ExportMetricsServiceRequest, ExportResponse, ExportTraceServiceRequest, HistogramDataPoint,
  InstrumentationScope, KeyValue, LogRecord, Metric, NumberDataPoint, Resource, ResourceLogs,
  ResourceMetrics, ResourceSpans, ScopeLogs, ScopeMetrics, ScopeSpans, Span, SpanEvent, SpanLink,
  SummaryDataPoint,
} from './types.js';

type Json = Record<string, unknown>;
const EMPTY = new Uint8Array(0);

// ---------------------------------------------------------------- input

function snake(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function obj(v: unknown, path: string): Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new DecodeError(`${path}: expected an object`);
  return v as Json;
}

function field(o: Json, name: string): unknown {
  const v = o[name];
  if (v !== undefined) return v;
  const s = snake(name);
  return s === name ? undefined : o[s];
}

function str(o: Json, name: string, path: string): string {
  const v = field(o, name);
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new DecodeError(`${path}.${name}: expected a string`);
  return v;
}

function arr(o: Json, name: string, path: string): unknown[] {
  const v = field(o, name);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new DecodeError(`${path}.${name}: expected an array`);
  return v;
}

function optObj(o: Json, name: string, path: string): Json | undefined {
  const v = field(o, name);
  if (v === undefined || v === null) return undefined;
  return obj(v, `${path}.${name}`);
}

const INT_RE = /^-?\d+$/;

function toBigInt(v: unknown, path: string, signed: boolean): bigint {
  let b: bigint;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new DecodeError(`${path}: expected an integer`);
    b = BigInt(v);
  } else if (typeof v === 'string' && INT_RE.test(v)) {
    b = BigInt(v);
  } else throw new DecodeError(`${path}: expected an integer or a decimal string`);
  if (signed ? b !== BigInt.asIntN(64, b) : b !== BigInt.asUintN(64, b)) throw new DecodeError(`${path}: out of 64-bit range`);
  return b;
}

function u64(o: Json, name: string, path: string): bigint {
  const v = field(o, name);
  return v === undefined || v === null ? 0n : toBigInt(v, `${path}.${name}`, false);
}

function toInt32(v: unknown, path: string, unsigned: boolean, names?: Record<string, number>): number {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && INT_RE.test(v)) n = Number(v);
  else if (typeof v === 'string' && names !== undefined && v in names) return names[v];
  else throw new DecodeError(`${path}: expected an integer`);
  if (!Number.isInteger(n)) throw new DecodeError(`${path}: expected an integer`);
  if (unsigned ? n < 0 || n > 0xffffffff : n < -0x80000000 || n > 0x7fffffff) throw new DecodeError(`${path}: out of 32-bit range`);
  return n;
}

function u32(o: Json, name: string, path: string): number {
  const v = field(o, name);
  return v === undefined || v === null ? 0 : toInt32(v, `${path}.${name}`, true);
}

function i32(o: Json, name: string, path: string, names?: Record<string, number>): number {
  const v = field(o, name);
  return v === undefined || v === null ? 0 : toInt32(v, `${path}.${name}`, false, names);
}

function toDouble(v: unknown, path: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    const n = Number(v);
    if (v.trim() !== '' && Number.isFinite(n)) return n;
  }
  throw new DecodeError(`${path}: expected a number`);
}

function dbl(o: Json, name: string, path: string): number {
  const v = field(o, name);
  return v === undefined || v === null ? 0 : toDouble(v, `${path}.${name}`);
}

function optDbl(o: Json, name: string, path: string): number | undefined {
  const v = field(o, name);
  return v === undefined || v === null ? undefined : toDouble(v, `${path}.${name}`);
}

function bool(o: Json, name: string, path: string): boolean {
  const v = field(o, name);
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw new DecodeError(`${path}.${name}: expected a boolean`);
  return v;
}

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;

function hexId(o: Json, name: string, path: string): Uint8Array {
  const v = field(o, name);
  if (v === undefined || v === null || v === '') return EMPTY;
  if (typeof v !== 'string' || !HEX_RE.test(v)) throw new DecodeError(`${path}.${name}: expected a hex string`);
  return new Uint8Array(Buffer.from(v, 'hex'));
}

const B64_RE = /^[A-Za-z0-9+/_-]*={0,2}$/;

function base64(v: unknown, path: string): Uint8Array {
  if (typeof v !== 'string' || !B64_RE.test(v)) throw new DecodeError(`${path}: expected a base64 string`);
  return new Uint8Array(Buffer.from(v, v.includes('-') || v.includes('_') ? 'base64url' : 'base64'));
}

function anyValueFrom(v: unknown, path: string, depth: number): AnyValue {
  if (depth > MAX_DEPTH) throw new DecodeError(`${path}: AnyValue nested too deeply`);
  const o = obj(v, path);
  const out: AnyValue = {};
  let x: unknown;
  if ((x = field(o, 'stringValue')) !== undefined && x !== null) {
    if (typeof x !== 'string') throw new DecodeError(`${path}.stringValue: expected a string`);
    out.stringValue = x;
  } else if ((x = field(o, 'boolValue')) !== undefined && x !== null) {
    if (typeof x !== 'boolean') throw new DecodeError(`${path}.boolValue: expected a boolean`);
    out.boolValue = x;
  } else if ((x = field(o, 'intValue')) !== undefined && x !== null) out.intValue = toBigInt(x, `${path}.intValue`, true);
  else if ((x = field(o, 'doubleValue')) !== undefined && x !== null) out.doubleValue = toDouble(x, `${path}.doubleValue`);
  else if ((x = field(o, 'arrayValue')) !== undefined && x !== null) {
    const a = obj(x, `${path}.arrayValue`);
    out.arrayValue = { values: arr(a, 'values', `${path}.arrayValue`).map((e, i) => anyValueFrom(e, `${path}.arrayValue.values[${i}]`, depth + 1)) };
  } else if ((x = field(o, 'kvlistValue')) !== undefined && x !== null) {
    const a = obj(x, `${path}.kvlistValue`);
    out.kvlistValue = { values: arr(a, 'values', `${path}.kvlistValue`).map((e, i) => keyValueFrom(e, `${path}.kvlistValue.values[${i}]`, depth + 1)) };
  } else if ((x = field(o, 'bytesValue')) !== undefined && x !== null) out.bytesValue = base64(x, `${path}.bytesValue`);
  return out;
}

function keyValueFrom(v: unknown, path: string, depth = 0): KeyValue {
  const o = obj(v, path);
  const val = field(o, 'value');
  return { key: str(o, 'key', path), value: val === undefined || val === null ? undefined : anyValueFrom(val, `${path}.value`, depth + 1) };
}

function attrsFrom(o: Json, name: string, path: string): KeyValue[] {
  return arr(o, name, path).map((e, i) => keyValueFrom(e, `${path}.${name}[${i}]`));
}

function scopeFrom(o: Json | undefined, path: string): InstrumentationScope | undefined {
  if (o === undefined) return undefined;
  return {
    name: str(o, 'name', path), version: str(o, 'version', path), attributes: attrsFrom(o, 'attributes', path),
    droppedAttributesCount: u32(o, 'droppedAttributesCount', path),
  };
}

function resourceFrom(o: Json | undefined, path: string): Resource | undefined {
  if (o === undefined) return undefined;
  return {
    attributes: attrsFrom(o, 'attributes', path),
    droppedAttributesCount: u32(o, 'droppedAttributesCount', path),
    entityRefs: arr(o, 'entityRefs', path).map((e, i): EntityRef => {
      const p = `${path}.entityRefs[${i}]`;
      const x = obj(e, p);
      const strs = (n: string): string[] => arr(x, n, p).map((s, j) => {
        if (typeof s !== 'string') throw new DecodeError(`${p}.${n}[${j}]: expected a string`);
        return s;
      });
      return { schemaUrl: str(x, 'schemaUrl', p), type: str(x, 'type', p), idKeys: strs('idKeys'), descriptionKeys: strs('descriptionKeys') };
    }),
  };
}

const SPAN_KIND_NAMES: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0, SPAN_KIND_INTERNAL: 1, SPAN_KIND_SERVER: 2, SPAN_KIND_CLIENT: 3, SPAN_KIND_PRODUCER: 4, SPAN_KIND_CONSUMER: 5,
};
const STATUS_NAMES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };
const TEMPORALITY_NAMES: Record<string, number> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0, AGGREGATION_TEMPORALITY_DELTA: 1, AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};
const SEVERITY_NAMES: Record<string, number> = Object.fromEntries(
  ['UNSPECIFIED', 'TRACE', 'TRACE2', 'TRACE3', 'TRACE4', 'DEBUG', 'DEBUG2', 'DEBUG3', 'DEBUG4', 'INFO', 'INFO2', 'INFO3', 'INFO4',
    'WARN', 'WARN2', 'WARN3', 'WARN4', 'ERROR', 'ERROR2', 'ERROR3', 'ERROR4', 'FATAL', 'FATAL2', 'FATAL3', 'FATAL4']
    .map((n, i) => [`SEVERITY_NUMBER_${n}`, i]),
);

function spanFrom(v: unknown, path: string): Span {
  const o = obj(v, path);
  const status = optObj(o, 'status', path);
  return {
    traceId: hexId(o, 'traceId', path), spanId: hexId(o, 'spanId', path), traceState: str(o, 'traceState', path),
    parentSpanId: hexId(o, 'parentSpanId', path), flags: u32(o, 'flags', path), name: str(o, 'name', path),
    kind: i32(o, 'kind', path, SPAN_KIND_NAMES), startTimeUnixNano: u64(o, 'startTimeUnixNano', path),
    endTimeUnixNano: u64(o, 'endTimeUnixNano', path), attributes: attrsFrom(o, 'attributes', path),
    droppedAttributesCount: u32(o, 'droppedAttributesCount', path),
    events: arr(o, 'events', path).map((e, i): SpanEvent => {
      const p = `${path}.events[${i}]`;
      const x = obj(e, p);
      return { timeUnixNano: u64(x, 'timeUnixNano', p), name: str(x, 'name', p), attributes: attrsFrom(x, 'attributes', p), droppedAttributesCount: u32(x, 'droppedAttributesCount', p) };
    }),
    droppedEventsCount: u32(o, 'droppedEventsCount', path),
    links: arr(o, 'links', path).map((e, i): SpanLink => {
      const p = `${path}.links[${i}]`;
      const x = obj(e, p);
      return {
        traceId: hexId(x, 'traceId', p), spanId: hexId(x, 'spanId', p), traceState: str(x, 'traceState', p),
        attributes: attrsFrom(x, 'attributes', p), droppedAttributesCount: u32(x, 'droppedAttributesCount', p), flags: u32(x, 'flags', p),
      };
    }),
    droppedLinksCount: u32(o, 'droppedLinksCount', path),
    status: status === undefined ? undefined : { message: str(status, 'message', `${path}.status`), code: i32(status, 'code', `${path}.status`, STATUS_NAMES) },
  };
}

function exemplarFrom(v: unknown, path: string): Exemplar {
  const o = obj(v, path);
  const x: Exemplar = {
    filteredAttributes: attrsFrom(o, 'filteredAttributes', path), timeUnixNano: u64(o, 'timeUnixNano', path),
    spanId: hexId(o, 'spanId', path), traceId: hexId(o, 'traceId', path),
  };
  const d = field(o, 'asDouble');
  const n = field(o, 'asInt');
  if (d !== undefined && d !== null) x.asDouble = toDouble(d, `${path}.asDouble`);
  else if (n !== undefined && n !== null) x.asInt = toBigInt(n, `${path}.asInt`, true);
  return x;
}

function pointBase(o: Json, path: string) {
  return {
    attributes: attrsFrom(o, 'attributes', path), startTimeUnixNano: u64(o, 'startTimeUnixNano', path),
    timeUnixNano: u64(o, 'timeUnixNano', path), flags: u32(o, 'flags', path),
  };
}

function numberPointFrom(v: unknown, path: string): NumberDataPoint {
  const o = obj(v, path);
  const p: NumberDataPoint = { ...pointBase(o, path), exemplars: arr(o, 'exemplars', path).map((e, i) => exemplarFrom(e, `${path}.exemplars[${i}]`)) };
  const d = field(o, 'asDouble');
  const n = field(o, 'asInt');
  if (d !== undefined && d !== null) p.asDouble = toDouble(d, `${path}.asDouble`);
  else if (n !== undefined && n !== null) p.asInt = toBigInt(n, `${path}.asInt`, true);
  return p;
}

function histogramPointFrom(v: unknown, path: string): HistogramDataPoint {
  const o = obj(v, path);
  return {
    ...pointBase(o, path), count: u64(o, 'count', path), sum: optDbl(o, 'sum', path),
    bucketCounts: arr(o, 'bucketCounts', path).map((x, i) => toBigInt(x, `${path}.bucketCounts[${i}]`, false)),
    explicitBounds: arr(o, 'explicitBounds', path).map((x, i) => toDouble(x, `${path}.explicitBounds[${i}]`)),
    exemplars: arr(o, 'exemplars', path).map((e, i) => exemplarFrom(e, `${path}.exemplars[${i}]`)),
    min: optDbl(o, 'min', path), max: optDbl(o, 'max', path),
  };
}

function bucketsFrom(o: Json | undefined, path: string): Buckets | undefined {
  if (o === undefined) return undefined;
  return {
    offset: i32(o, 'offset', path),
    bucketCounts: arr(o, 'bucketCounts', path).map((x, i) => toBigInt(x, `${path}.bucketCounts[${i}]`, false)),
  };
}

function expPointFrom(v: unknown, path: string): ExponentialHistogramDataPoint {
  const o = obj(v, path);
  return {
    ...pointBase(o, path), count: u64(o, 'count', path), sum: optDbl(o, 'sum', path), scale: i32(o, 'scale', path),
    zeroCount: u64(o, 'zeroCount', path), positive: bucketsFrom(optObj(o, 'positive', path), `${path}.positive`),
    negative: bucketsFrom(optObj(o, 'negative', path), `${path}.negative`),
    exemplars: arr(o, 'exemplars', path).map((e, i) => exemplarFrom(e, `${path}.exemplars[${i}]`)),
    min: optDbl(o, 'min', path), max: optDbl(o, 'max', path), zeroThreshold: dbl(o, 'zeroThreshold', path),
  };
}

function summaryPointFrom(v: unknown, path: string): SummaryDataPoint {
  const o = obj(v, path);
  return {
    ...pointBase(o, path), count: u64(o, 'count', path), sum: dbl(o, 'sum', path),
    quantileValues: arr(o, 'quantileValues', path).map((e, i) => {
      const p = `${path}.quantileValues[${i}]`;
      const x = obj(e, p);
      return { quantile: dbl(x, 'quantile', p), value: dbl(x, 'value', p) };
    }),
  };
}

function metricFrom(v: unknown, path: string): Metric {
  const o = obj(v, path);
  const m: Metric = { name: str(o, 'name', path), description: str(o, 'description', path), unit: str(o, 'unit', path), metadata: attrsFrom(o, 'metadata', path) };
  let x: Json | undefined;
  const pts = <P>(d: Json, p: string, f: (v: unknown, path: string) => P): P[] => arr(d, 'dataPoints', p).map((e, i) => f(e, `${p}.dataPoints[${i}]`));
  if ((x = optObj(o, 'gauge', path))) m.gauge = { dataPoints: pts(x, `${path}.gauge`, numberPointFrom) };
  else if ((x = optObj(o, 'sum', path))) {
    m.sum = {
      dataPoints: pts(x, `${path}.sum`, numberPointFrom), aggregationTemporality: i32(x, 'aggregationTemporality', `${path}.sum`, TEMPORALITY_NAMES),
      isMonotonic: bool(x, 'isMonotonic', `${path}.sum`),
    };
  } else if ((x = optObj(o, 'histogram', path))) {
    m.histogram = { dataPoints: pts(x, `${path}.histogram`, histogramPointFrom), aggregationTemporality: i32(x, 'aggregationTemporality', `${path}.histogram`, TEMPORALITY_NAMES) };
  } else if ((x = optObj(o, 'exponentialHistogram', path))) {
    m.exponentialHistogram = {
      dataPoints: pts(x, `${path}.exponentialHistogram`, expPointFrom),
      aggregationTemporality: i32(x, 'aggregationTemporality', `${path}.exponentialHistogram`, TEMPORALITY_NAMES),
    };
  } else if ((x = optObj(o, 'summary', path))) m.summary = { dataPoints: pts(x, `${path}.summary`, summaryPointFrom) };
  return m;
}

function logRecordFrom(v: unknown, path: string): LogRecord {
  const o = obj(v, path);
  const body = field(o, 'body');
  return {
    timeUnixNano: u64(o, 'timeUnixNano', path), observedTimeUnixNano: u64(o, 'observedTimeUnixNano', path),
    severityNumber: i32(o, 'severityNumber', path, SEVERITY_NAMES), severityText: str(o, 'severityText', path),
    body: body === undefined || body === null ? undefined : anyValueFrom(body, `${path}.body`, 0),
    attributes: attrsFrom(o, 'attributes', path), droppedAttributesCount: u32(o, 'droppedAttributesCount', path),
    flags: u32(o, 'flags', path), traceId: hexId(o, 'traceId', path), spanId: hexId(o, 'spanId', path), eventName: str(o, 'eventName', path),
  };
}

function resourceLevel<S>(v: unknown, path: string, scopesName: string, scopeFrom: (v: unknown, path: string) => S) {
  const o = obj(v, path);
  return {
    resource: resourceFrom(optObj(o, 'resource', path), `${path}.resource`),
    scopes: arr(o, scopesName, path).map((e, i) => scopeFrom(e, `${path}.${scopesName}[${i}]`)),
    schemaUrl: str(o, 'schemaUrl', path),
  };
}

function scopeLevel<I>(v: unknown, path: string, itemsName: string, itemFrom: (v: unknown, path: string) => I) {
  const o = obj(v, path);
  return {
    scope: scopeFrom(optObj(o, 'scope', path), `${path}.scope`),
    items: arr(o, itemsName, path).map((e, i) => itemFrom(e, `${path}.${itemsName}[${i}]`)),
    schemaUrl: str(o, 'schemaUrl', path),
  };
}

/** Builds an ExportTraceServiceRequest from parsed OTLP/JSON. Throws DecodeError. */
export function tracesFromJson(value: unknown): ExportTraceServiceRequest {
  const root = obj(value, 'request');
  return {
    resourceSpans: arr(root, 'resourceSpans', 'request').map((e, i): ResourceSpans => {
      const r = resourceLevel(e, `resourceSpans[${i}]`, 'scopeSpans', (v, p): ScopeSpans => {
        const s = scopeLevel(v, p, 'spans', spanFrom);
        return { scope: s.scope, spans: s.items, schemaUrl: s.schemaUrl };
      });
      return { resource: r.resource, scopeSpans: r.scopes, schemaUrl: r.schemaUrl };
    }),
  };
}

export function metricsFromJson(value: unknown): ExportMetricsServiceRequest {
  const root = obj(value, 'request');
  return {
    resourceMetrics: arr(root, 'resourceMetrics', 'request').map((e, i): ResourceMetrics => {
      const r = resourceLevel(e, `resourceMetrics[${i}]`, 'scopeMetrics', (v, p): ScopeMetrics => {
        const s = scopeLevel(v, p, 'metrics', metricFrom);
        return { scope: s.scope, metrics: s.items, schemaUrl: s.schemaUrl };
      });
      return { resource: r.resource, scopeMetrics: r.scopes, schemaUrl: r.schemaUrl };
    }),
  };
}

export function logsFromJson(value: unknown): ExportLogsServiceRequest {
  const root = obj(value, 'request');
  return {
    resourceLogs: arr(root, 'resourceLogs', 'request').map((e, i): ResourceLogs => {
      const r = resourceLevel(e, `resourceLogs[${i}]`, 'scopeLogs', (v, p): ScopeLogs => {
        const s = scopeLevel(v, p, 'logRecords', logRecordFrom);
        return { scope: s.scope, logRecords: s.items, schemaUrl: s.schemaUrl };
      });
      return { resource: r.resource, scopeLogs: r.scopes, schemaUrl: r.schemaUrl };
    }),
  };
}

// ---------------------------------------------------------------- output

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

function jsonDouble(v: number): number | string {
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

/** Sets `o[k] = v` unless v is the proto3 default (keeps output small, as the SDKs do). */
function put(o: Json, k: string, v: unknown): void {
  if (v === undefined || v === '' || v === 0 || v === 0n || v === false) return;
  if (Array.isArray(v) && v.length === 0) return;
  if (v instanceof Uint8Array) {
    if (v.length > 0) o[k] = hex(v);
    return;
  }
  o[k] = typeof v === 'bigint' ? v.toString() : v;
}

export function anyValueToJson(v: AnyValue): Json {
  if (v.stringValue !== undefined) return { stringValue: v.stringValue };
  if (v.boolValue !== undefined) return { boolValue: v.boolValue };
  if (v.intValue !== undefined) return { intValue: v.intValue.toString() };
  if (v.doubleValue !== undefined) return { doubleValue: jsonDouble(v.doubleValue) };
  if (v.arrayValue !== undefined) return { arrayValue: { values: v.arrayValue.values.map(anyValueToJson) } };
  if (v.kvlistValue !== undefined) return { kvlistValue: { values: v.kvlistValue.values.map(kvToJson) } };
  if (v.bytesValue !== undefined) return { bytesValue: Buffer.from(v.bytesValue).toString('base64') };
  return {};
}

function kvToJson(kv: KeyValue): Json {
  return kv.value === undefined ? { key: kv.key } : { key: kv.key, value: anyValueToJson(kv.value) };
}

function attrsToJson(o: Json, k: string, list: KeyValue[]): void {
  if (list.length > 0) o[k] = list.map(kvToJson);
}

function scopeToJson(s: InstrumentationScope | undefined): Json | undefined {
  if (s === undefined) return undefined;
  const o: Json = {};
  put(o, 'name', s.name); put(o, 'version', s.version); attrsToJson(o, 'attributes', s.attributes);
  put(o, 'droppedAttributesCount', s.droppedAttributesCount);
  return o;
}

function resourceToJson(r: Resource | undefined): Json | undefined {
  if (r === undefined) return undefined;
  const o: Json = {};
  attrsToJson(o, 'attributes', r.attributes);
  put(o, 'droppedAttributesCount', r.droppedAttributesCount);
  if (r.entityRefs.length > 0) o.entityRefs = r.entityRefs.map((e) => ({ ...e }));
  return o;
}

function spanToJson(s: Span): Json {
  const o: Json = {};
  put(o, 'traceId', s.traceId); put(o, 'spanId', s.spanId); put(o, 'traceState', s.traceState);
  put(o, 'parentSpanId', s.parentSpanId); put(o, 'flags', s.flags); put(o, 'name', s.name); put(o, 'kind', s.kind);
  put(o, 'startTimeUnixNano', s.startTimeUnixNano); put(o, 'endTimeUnixNano', s.endTimeUnixNano);
  attrsToJson(o, 'attributes', s.attributes); put(o, 'droppedAttributesCount', s.droppedAttributesCount);
  if (s.events.length > 0) {
    o.events = s.events.map((e) => {
      const x: Json = {};
      put(x, 'timeUnixNano', e.timeUnixNano); put(x, 'name', e.name); attrsToJson(x, 'attributes', e.attributes);
      put(x, 'droppedAttributesCount', e.droppedAttributesCount);
      return x;
    });
  }
  put(o, 'droppedEventsCount', s.droppedEventsCount);
  if (s.links.length > 0) {
    o.links = s.links.map((l) => {
      const x: Json = {};
      put(x, 'traceId', l.traceId); put(x, 'spanId', l.spanId); put(x, 'traceState', l.traceState);
      attrsToJson(x, 'attributes', l.attributes); put(x, 'droppedAttributesCount', l.droppedAttributesCount); put(x, 'flags', l.flags);
      return x;
    });
  }
  put(o, 'droppedLinksCount', s.droppedLinksCount);
  if (s.status !== undefined) {
    const st: Json = {};
    put(st, 'message', s.status.message); put(st, 'code', s.status.code);
    o.status = st;
  }
  return o;
}

function exemplarToJson(x: Exemplar): Json {
  const o: Json = {};
  attrsToJson(o, 'filteredAttributes', x.filteredAttributes); put(o, 'timeUnixNano', x.timeUnixNano);
  if (x.asDouble !== undefined) o.asDouble = jsonDouble(x.asDouble);
  if (x.asInt !== undefined) o.asInt = x.asInt.toString();
  put(o, 'spanId', x.spanId); put(o, 'traceId', x.traceId);
  return o;
}

function pointBaseToJson(p: { attributes: KeyValue[]; startTimeUnixNano: bigint; timeUnixNano: bigint; flags: number }): Json {
  const o: Json = {};
  attrsToJson(o, 'attributes', p.attributes); put(o, 'startTimeUnixNano', p.startTimeUnixNano);
  put(o, 'timeUnixNano', p.timeUnixNano); put(o, 'flags', p.flags);
  return o;
}

function optD(o: Json, k: string, v: number | undefined): void {
  if (v !== undefined) o[k] = jsonDouble(v);
}

function metricToJson(m: Metric): Json {
  const o: Json = {};
  put(o, 'name', m.name); put(o, 'description', m.description); put(o, 'unit', m.unit);
  const ex = (list: Exemplar[], p: Json) => { if (list.length > 0) p.exemplars = list.map(exemplarToJson); };
  const num = (p: NumberDataPoint): Json => {
    const x = pointBaseToJson(p);
    if (p.asDouble !== undefined) x.asDouble = jsonDouble(p.asDouble);
    if (p.asInt !== undefined) x.asInt = p.asInt.toString();
    ex(p.exemplars, x);
    return x;
  };
  if (m.gauge) o.gauge = { dataPoints: m.gauge.dataPoints.map(num) };
  else if (m.sum) {
    const s: Json = { dataPoints: m.sum.dataPoints.map(num) };
    put(s, 'aggregationTemporality', m.sum.aggregationTemporality); put(s, 'isMonotonic', m.sum.isMonotonic);
    o.sum = s;
  } else if (m.histogram) {
    const h: Json = {
      dataPoints: m.histogram.dataPoints.map((p) => {
        const x = pointBaseToJson(p);
        put(x, 'count', p.count); optD(x, 'sum', p.sum);
        if (p.bucketCounts.length > 0) x.bucketCounts = p.bucketCounts.map(String);
        if (p.explicitBounds.length > 0) x.explicitBounds = p.explicitBounds.map(jsonDouble);
        ex(p.exemplars, x); optD(x, 'min', p.min); optD(x, 'max', p.max);
        return x;
      }),
    };
    put(h, 'aggregationTemporality', m.histogram.aggregationTemporality);
    o.histogram = h;
  } else if (m.exponentialHistogram) {
    const bk = (b: Buckets | undefined): Json | undefined => {
      if (b === undefined) return undefined;
      const x: Json = {};
      put(x, 'offset', b.offset);
      if (b.bucketCounts.length > 0) x.bucketCounts = b.bucketCounts.map(String);
      return x;
    };
    const h: Json = {
      dataPoints: m.exponentialHistogram.dataPoints.map((p) => {
        const x = pointBaseToJson(p);
        put(x, 'count', p.count); optD(x, 'sum', p.sum); put(x, 'scale', p.scale); put(x, 'zeroCount', p.zeroCount);
        if (p.positive) x.positive = bk(p.positive);
        if (p.negative) x.negative = bk(p.negative);
        ex(p.exemplars, x); optD(x, 'min', p.min); optD(x, 'max', p.max);
        if (p.zeroThreshold !== 0) x.zeroThreshold = jsonDouble(p.zeroThreshold);
        return x;
      }),
    };
    put(h, 'aggregationTemporality', m.exponentialHistogram.aggregationTemporality);
    o.exponentialHistogram = h;
  } else if (m.summary) {
    o.summary = {
      dataPoints: m.summary.dataPoints.map((p) => {
        const x = pointBaseToJson(p);
        put(x, 'count', p.count);
        if (p.sum !== 0) x.sum = jsonDouble(p.sum);
        if (p.quantileValues.length > 0) x.quantileValues = p.quantileValues.map((q) => ({ quantile: jsonDouble(q.quantile), value: jsonDouble(q.value) }));
        return x;
      }),
    };
  }
  attrsToJson(o, 'metadata', m.metadata);
  return o;
}

function logToJson(l: LogRecord): Json {
  const o: Json = {};
  put(o, 'timeUnixNano', l.timeUnixNano); put(o, 'observedTimeUnixNano', l.observedTimeUnixNano);
  put(o, 'severityNumber', l.severityNumber); put(o, 'severityText', l.severityText);
  if (l.body !== undefined) o.body = anyValueToJson(l.body);
  attrsToJson(o, 'attributes', l.attributes); put(o, 'droppedAttributesCount', l.droppedAttributesCount);
  put(o, 'flags', l.flags); put(o, 'traceId', l.traceId); put(o, 'spanId', l.spanId); put(o, 'eventName', l.eventName);
  return o;
}

function level(resource: Resource | undefined, scopesKey: string, scopes: Json[], schemaUrl: string): Json {
  const o: Json = {};
  const r = resourceToJson(resource);
  if (r !== undefined) o.resource = r;
  o[scopesKey] = scopes;
  put(o, 'schemaUrl', schemaUrl);
  return o;
}

function scopeLevelJson(scope: InstrumentationScope | undefined, itemsKey: string, items: Json[], schemaUrl: string): Json {
  const o: Json = {};
  const s = scopeToJson(scope);
  if (s !== undefined) o.scope = s;
  o[itemsKey] = items;
  put(o, 'schemaUrl', schemaUrl);
  return o;
}

/** The OTLP/JSON object of a request (pass it to JSON.stringify). */
export function tracesToJson(req: ExportTraceServiceRequest): Json {
  return {
    resourceSpans: req.resourceSpans.map((rs) => level(rs.resource, 'scopeSpans',
      rs.scopeSpans.map((ss) => scopeLevelJson(ss.scope, 'spans', ss.spans.map(spanToJson), ss.schemaUrl)), rs.schemaUrl)),
  };
}

export function metricsToJson(req: ExportMetricsServiceRequest): Json {
  return {
    resourceMetrics: req.resourceMetrics.map((rm) => level(rm.resource, 'scopeMetrics',
      rm.scopeMetrics.map((sm) => scopeLevelJson(sm.scope, 'metrics', sm.metrics.map(metricToJson), sm.schemaUrl)), rm.schemaUrl)),
  };
}

export function logsToJson(req: ExportLogsServiceRequest): Json {
  return {
    resourceLogs: req.resourceLogs.map((rl) => level(rl.resource, 'scopeLogs',
      rl.scopeLogs.map((sl) => scopeLevelJson(sl.scope, 'logRecords', sl.logRecords.map(logToJson), sl.schemaUrl)), rl.schemaUrl)),
  };
}

/** Export*ServiceResponse as OTLP/JSON; `rejectedKey` is rejectedSpans / rejectedDataPoints / rejectedLogRecords. */
export function exportResponseToJson(res: ExportResponse, rejectedKey: string): Json {
  if (res.partialSuccess === undefined) return {};
  const ps: Json = {};
  put(ps, rejectedKey, res.partialSuccess.rejected);
  put(ps, 'errorMessage', res.partialSuccess.errorMessage);
  return { partialSuccess: ps };
}
