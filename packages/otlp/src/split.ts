// The collector's hot path: validate an Export*ServiceRequest and cut it into one request per
// resource WITHOUT building objects for spans, points or log records.
//
// Why slicing works: an Export*ServiceRequest is only `repeated Resource* = 1`, so the bytes of
// one top-level field-1 entry (tag, length, payload) are by themselves a valid request that
// holds exactly that resource. A record value is therefore a zero-copy subarray of the request.
//
// The walk is schema-driven: every known field must carry the wire type its declaration
// implies, nested lengths must fit, strings must be valid UTF-8 (proto3 requires it) and
// AnyValue nesting is bounded. Items are counted on the way (spans, data points, log records).
// Only the Resource sub-message is read further, to take service.name / service.namespace /
// service.version / deployment.environment(.name) / the VCS commit for the record key and
// deployment detection; only those attributes' values become strings.
import { isUtf8 } from 'node:buffer';
import { DecodeError, MAX_DEPTH, Reader, WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './reader.js';
import { Writer } from './writer.js';
import type { Signal } from './types.js';

// ---- schema of what the walk checks (field numbers from proto/)
const K_STRING = 1;
const K_BYTES = 2;
const K_VARINT = 3;
const K_I64 = 4;
const K_I32 = 5;
const K_REP_I64 = 6; // repeated fixed64/double: packed or not
const K_REP_VARINT = 7; // repeated uint64: packed or not
const K_ANY = 8; // AnyValue (bounded recursion)

interface Schema {
  name: string;
  fields: Array<number | Schema | undefined>;
  /** Field whose entries are the items counted for this signal (spans, points, records). */
  counts?: number;
}

function schema(name: string, f: Record<number, number | Schema>, counts?: number): Schema {
  const fields: Array<number | Schema | undefined> = [];
  for (const [k, v] of Object.entries(f)) fields[Number(k)] = v;
  return { name, fields, counts };
}

const KEY_VALUE = schema('KeyValue', { 1: K_STRING, 2: K_ANY });
const SCOPE = schema('InstrumentationScope', { 1: K_STRING, 2: K_STRING, 3: KEY_VALUE, 4: K_VARINT });
const ENTITY_REF = schema('EntityRef', { 1: K_STRING, 2: K_STRING, 3: K_STRING, 4: K_STRING });
const RESOURCE = schema('Resource', { 1: KEY_VALUE, 2: K_VARINT, 3: ENTITY_REF });

const EVENT = schema('Span.Event', { 1: K_I64, 2: K_STRING, 3: KEY_VALUE, 4: K_VARINT });
const LINK = schema('Span.Link', { 1: K_BYTES, 2: K_BYTES, 3: K_STRING, 4: KEY_VALUE, 5: K_VARINT, 6: K_I32 });
const STATUS = schema('Status', { 2: K_STRING, 3: K_VARINT });
const SPAN = schema('Span', {
  1: K_BYTES, 2: K_BYTES, 3: K_STRING, 4: K_BYTES, 5: K_STRING, 6: K_VARINT, 7: K_I64, 8: K_I64, 9: KEY_VALUE,
  10: K_VARINT, 11: EVENT, 12: K_VARINT, 13: LINK, 14: K_VARINT, 15: STATUS, 16: K_I32,
});
const SCOPE_SPANS = schema('ScopeSpans', { 1: SCOPE, 2: SPAN, 3: K_STRING }, 2);
const RESOURCE_SPANS = schema('ResourceSpans', { 1: RESOURCE, 2: SCOPE_SPANS, 3: K_STRING });

const EXEMPLAR = schema('Exemplar', { 2: K_I64, 3: K_I64, 4: K_BYTES, 5: K_BYTES, 6: K_I64, 7: KEY_VALUE });
const NUMBER_DP = schema('NumberDataPoint', { 2: K_I64, 3: K_I64, 4: K_I64, 5: EXEMPLAR, 6: K_I64, 7: KEY_VALUE, 8: K_VARINT });
const HISTOGRAM_DP = schema('HistogramDataPoint', {
  2: K_I64, 3: K_I64, 4: K_I64, 5: K_I64, 6: K_REP_I64, 7: K_REP_I64, 8: EXEMPLAR, 9: KEY_VALUE, 10: K_VARINT, 11: K_I64, 12: K_I64,
});
const BUCKETS = schema('Buckets', { 1: K_VARINT, 2: K_REP_VARINT });
const EXP_DP = schema('ExponentialHistogramDataPoint', {
  1: KEY_VALUE, 2: K_I64, 3: K_I64, 4: K_I64, 5: K_I64, 6: K_VARINT, 7: K_I64, 8: BUCKETS, 9: BUCKETS, 10: K_VARINT,
  11: EXEMPLAR, 12: K_I64, 13: K_I64, 14: K_I64,
});
const QUANTILE = schema('ValueAtQuantile', { 1: K_I64, 2: K_I64 });
const SUMMARY_DP = schema('SummaryDataPoint', { 2: K_I64, 3: K_I64, 4: K_I64, 5: K_I64, 6: QUANTILE, 7: KEY_VALUE, 8: K_VARINT });
const METRIC = schema('Metric', {
  1: K_STRING, 2: K_STRING, 3: K_STRING,
  5: schema('Gauge', { 1: NUMBER_DP }, 1),
  7: schema('Sum', { 1: NUMBER_DP, 2: K_VARINT, 3: K_VARINT }, 1),
  9: schema('Histogram', { 1: HISTOGRAM_DP, 2: K_VARINT }, 1),
  10: schema('ExponentialHistogram', { 1: EXP_DP, 2: K_VARINT }, 1),
  11: schema('Summary', { 1: SUMMARY_DP }, 1),
  12: KEY_VALUE,
});
const SCOPE_METRICS = schema('ScopeMetrics', { 1: SCOPE, 2: METRIC, 3: K_STRING });
const RESOURCE_METRICS = schema('ResourceMetrics', { 1: RESOURCE, 2: SCOPE_METRICS, 3: K_STRING });

const LOG_RECORD = schema('LogRecord', {
  1: K_I64, 2: K_VARINT, 3: K_STRING, 5: K_ANY, 6: KEY_VALUE, 7: K_VARINT, 8: K_I32, 9: K_BYTES, 10: K_BYTES, 11: K_I64, 12: K_STRING,
});
const SCOPE_LOGS = schema('ScopeLogs', { 1: SCOPE, 2: LOG_RECORD, 3: K_STRING }, 2);
const RESOURCE_LOGS = schema('ResourceLogs', { 1: RESOURCE, 2: SCOPE_LOGS, 3: K_STRING });

const RESOURCE_SCHEMA: Record<Signal, Schema> = { traces: RESOURCE_SPANS, metrics: RESOURCE_METRICS, logs: RESOURCE_LOGS };

const ANY_VALUE = schema('AnyValue', { 1: K_STRING, 2: K_VARINT, 3: K_VARINT, 4: K_I64, 7: K_BYTES });
const ARRAY_FIELD = 5;
const KVLIST_FIELD = 6;

interface WalkState { items: number; checkUtf8: boolean }

function expectWire(wt: number, expected: number, s: Schema, f: number): void {
  if (wt !== expected) throw new DecodeError(`${s.name} field ${f}: unexpected wire type ${wt}`);
}

function walkAny(r: Reader, end: number, depth: number, st: WalkState): void {
  if (depth > MAX_DEPTH) throw new DecodeError('AnyValue nested too deeply');
  while (r.pos < end) {
    const tag = r.uint32();
    const f = tag >>> 3;
    const wt = tag & 7;
    if (f === ARRAY_FIELD || f === KVLIST_FIELD) {
      expectWire(wt, WIRE_LEN, ANY_VALUE, f);
      const e = r.lenEnd();
      while (r.pos < e) {
        const t = r.uint32();
        if (t >>> 3 === 1) {
          expectWire(t & 7, WIRE_LEN, ANY_VALUE, f);
          const ee = r.lenEnd();
          if (f === ARRAY_FIELD) walkAny(r, ee, depth + 1, st);
          else walkMessage(r, ee, KEY_VALUE, depth + 1, st);
        } else if (t >>> 3 === 0) throw new DecodeError('field number 0');
        else r.skip(t & 7);
      }
      if (r.pos !== e) throw new DecodeError('AnyValue: field overruns its message');
    } else walkField(r, tag, ANY_VALUE, depth, st);
  }
  if (r.pos !== end) throw new DecodeError('AnyValue: field overruns its message');
}

function walkField(r: Reader, tag: number, s: Schema, depth: number, st: WalkState): void {
  const f = tag >>> 3;
  const wt = tag & 7;
  if (f === 0) throw new DecodeError('field number 0');
  const kind = s.fields[f];
  if (kind === undefined) {
    r.skip(wt);
    return;
  }
  if (typeof kind === 'object') {
    expectWire(wt, WIRE_LEN, s, f);
    const e = r.lenEnd();
    if (s.counts === f) st.items++;
    walkMessage(r, e, kind, depth, st);
    return;
  }
  switch (kind) {
    case K_STRING: {
      expectWire(wt, WIRE_LEN, s, f);
      const e = r.lenEnd();
      if (st.checkUtf8 && e > r.pos && !isAscii(r.buf, r.pos, e) && !isUtf8(r.buf.subarray(r.pos, e))) {
        throw new DecodeError(`${s.name} field ${f}: invalid UTF-8`);
      }
      r.pos = e;
      return;
    }
    case K_BYTES: expectWire(wt, WIRE_LEN, s, f); r.pos = r.lenEnd(); return;
    case K_VARINT: expectWire(wt, WIRE_VARINT, s, f); r.skip(wt); return;
    case K_I64: expectWire(wt, WIRE_I64, s, f); r.skip(wt); return;
    case K_I32: expectWire(wt, WIRE_I32, s, f); r.skip(wt); return;
    case K_REP_I64:
      if (wt === WIRE_LEN) {
        const e = r.lenEnd();
        if ((e - r.pos) % 8 !== 0) throw new DecodeError(`${s.name} field ${f}: packed length not a multiple of 8`);
        r.pos = e;
      } else { expectWire(wt, WIRE_I64, s, f); r.skip(wt); }
      return;
    case K_REP_VARINT:
      if (wt === WIRE_LEN) {
        const e = r.lenEnd();
        while (r.pos < e) r.skip(WIRE_VARINT);
        if (r.pos !== e) throw new DecodeError(`${s.name} field ${f}: packed varints overrun`);
      } else { expectWire(wt, WIRE_VARINT, s, f); r.skip(wt); }
      return;
    case K_ANY: {
      expectWire(wt, WIRE_LEN, s, f);
      const e = r.lenEnd();
      walkAny(r, e, depth + 1, st);
      return;
    }
  }
}

/** Short strings are mostly ASCII: a byte loop beats a native call for them. */
function isAscii(buf: Buffer, start: number, end: number): boolean {
  if (end - start > 64) return false;
  for (let i = start; i < end; i++) if (buf[i] >= 0x80) return false;
  return true;
}

function walkMessage(r: Reader, end: number, s: Schema, depth: number, st: WalkState): void {
  while (r.pos < end) walkField(r, r.uint32(), s, depth, st);
  if (r.pos !== end) throw new DecodeError(`${s.name}: field overruns its message`);
}

// ---- resource identity

export interface ServiceIdentity {
  serviceName: string;
  serviceNamespace: string;
  serviceVersion: string;
  /** deployment.environment.name (or the older deployment.environment), '' when absent. */
  deploymentEnvironment: string;
  /**
   * VCS revision the resource runs: vcs.ref.head.revision (OTel VCS semantic conventions), else
   * git.commit.sha (Datadog source-code integration tag); '' when absent, not a string or longer
   * than MAX_COMMIT_BYTES.
   */
  commit: string;
}

/** What OTel SDKs report when service.name is not configured (semantic conventions). */
export const UNKNOWN_SERVICE = 'unknown_service';

/**
 * Longest commit accepted from a resource attribute, in UTF-8 bytes: a git SHA-256 object name
 * is 64 hex characters; 512 is the limit `POST /v1/deployments` puts on its `commit` field.
 */
export const MAX_COMMIT_BYTES = 512;

/**
 * Record key: `service.namespace/service.name`, or `service.name` alone when the namespace is
 * empty (a service without namespace is identified by its name). Kafka's default partitioner
 * (murmur2 of the key bytes, UTF-8) then keeps one service's records on one partition, in order.
 */
export function serviceKey(id: Pick<ServiceIdentity, 'serviceName' | 'serviceNamespace'>): string {
  const name = id.serviceName || UNKNOWN_SERVICE;
  return id.serviceNamespace ? `${id.serviceNamespace}/${name}` : name;
}

// The resource attributes the identity reads. Their UTF-8 lengths are all different, so the key
// bytes on the wire are matched by length first and compared byte by byte only on a length hit:
// no string is made for the other attributes (an SDK resource carries 10-30 of them).
const A_NAME = 1;
const A_NAMESPACE = 2;
const A_VERSION = 3;
const A_ENV_NAME = 4;
const A_ENV = 5;
const A_VCS_REVISION = 6;
const A_GIT_SHA = 7;
const IDENTITY_KEYS: Array<[number, string]> = [
  [A_NAME, 'service.name'],
  [A_NAMESPACE, 'service.namespace'],
  [A_VERSION, 'service.version'],
  [A_ENV_NAME, 'deployment.environment.name'],
  [A_ENV, 'deployment.environment'],
  [A_VCS_REVISION, 'vcs.ref.head.revision'],
  [A_GIT_SHA, 'git.commit.sha'],
];
/** Indexed by key length: [attribute id, key bytes]. */
const KEY_BY_LENGTH: Array<[number, Buffer] | undefined> = [];
for (const [attr, key] of IDENTITY_KEYS) {
  const bytes = Buffer.from(key, 'utf8');
  if (KEY_BY_LENGTH[bytes.length] !== undefined) throw new Error(`identity keys of equal length: ${key}`);
  KEY_BY_LENGTH[bytes.length] = [attr, bytes];
}

function identityAttribute(buf: Buffer, start: number, end: number): number {
  const entry = KEY_BY_LENGTH[end - start];
  if (entry === undefined) return 0;
  const key = entry[1];
  for (let i = 0; i < key.length; i++) if (buf[start + i] !== key[i]) return 0;
  return entry[0];
}

/**
 * The string_value of an AnyValue payload, or undefined when the value is not a string. AnyValue
 * is a oneof: the last member on the wire wins (protobuf merge rule). The walk already checked
 * wire types and UTF-8 (when enabled), so this only finds the member.
 */
function anyString(buf: Buffer, r: Reader, end: number, maxBytes: number): string | undefined {
  let s = -1;
  let e = -1;
  while (r.pos < end) {
    const t = r.uint32();
    if (t === 0x0a) {
      e = r.lenEnd();
      s = r.pos;
      r.pos = e;
    } else {
      s = -1;
      r.skip(t & 7);
    }
  }
  if (s < 0 || e - s > maxBytes) return undefined;
  return s === e ? '' : buf.toString('utf8', s, e);
}

function readIdentity(r: Reader, end: number, id: ServiceIdentity): void {
  // Resource { repeated KeyValue attributes = 1 }; KeyValue { key = 1, AnyValue value = 2 }.
  // Only string values of the identity keys matter; field order inside a KeyValue is free.
  const buf = r.buf;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 !== 1 || (tag & 7) !== WIRE_LEN) {
      r.skip(tag & 7);
      continue;
    }
    const kvEnd = r.lenEnd();
    let attr = 0;
    let vs = -1;
    let ve = -1;
    while (r.pos < kvEnd) {
      const t = r.uint32();
      if (t === 0x0a) {
        const e = r.lenEnd();
        attr = identityAttribute(buf, r.pos, e);
        r.pos = e;
      } else if (t === 0x12) {
        ve = r.lenEnd();
        vs = r.pos;
        r.pos = ve;
      } else r.skip(t & 7);
    }
    r.pos = kvEnd;
    if (attr === 0 || vs < 0) continue;
    const commitKey = attr === A_VCS_REVISION || attr === A_GIT_SHA;
    r.pos = vs;
    const value = anyString(buf, r, ve, commitKey ? MAX_COMMIT_BYTES : Number.MAX_SAFE_INTEGER);
    r.pos = kvEnd;
    if (value === undefined) continue;
    switch (attr) {
      case A_NAME: id.serviceName = value; break;
      case A_NAMESPACE: id.serviceNamespace = value; break;
      case A_VERSION: id.serviceVersion = value; break;
      case A_ENV_NAME: id.deploymentEnvironment = value; break;
      case A_ENV: if (id.deploymentEnvironment === '') id.deploymentEnvironment = value; break;
      case A_VCS_REVISION: id.commit = value; break;
      case A_GIT_SHA: if (id.commit === '') id.commit = value; break;
    }
  }
}

// ---- splitting

export interface ResourceRecord extends ServiceIdentity {
  /** A complete Export*ServiceRequest holding this resource's data (one ResourceX). */
  value: Buffer;
  /** serviceKey(identity). */
  key: string;
  /** Spans, data points or log records in `value`. */
  items: number;
}

export interface SplitResult {
  records: ResourceRecord[];
  /** Items accepted into records. */
  items: number;
  /** Items refused because one item alone exceeds maxRecordBytes (OTLP partial success). */
  rejectedItems: number;
  rejectedMessage: string;
}

export interface SplitOptions {
  /** Largest record value; a resource above it is cut by scope, then by item. Default 1 MiB - 16 KiB. */
  maxRecordBytes?: number;
  /** Check that strings are valid UTF-8 (proto3 rule). Default true. */
  validateUtf8?: boolean;
}

/** Kafka's default max.message.bytes is 1 MiB (1048588); leave room for record overhead. */
export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024 - 16 * 1024;

/**
 * Validates `buf` as an Export{Trace,Metrics,Logs}ServiceRequest and returns one record per
 * resource. Throws DecodeError on malformed input (the caller answers 400 / INVALID_ARGUMENT).
 */
export function splitRequest(signal: Signal, buf: Uint8Array, options: SplitOptions = {}): SplitResult {
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const st: WalkState = { items: 0, checkUtf8: options.validateUtf8 ?? true };
  const r = new Reader(buf);
  const data = r.buf;
  const rschema = RESOURCE_SCHEMA[signal];
  const out: SplitResult = { records: [], items: 0, rejectedItems: 0, rejectedMessage: '' };
  while (r.pos < r.end) {
    const fieldStart = r.pos;
    const tag = r.uint32();
    if (tag >>> 3 !== 1) {
      if (tag >>> 3 === 0) throw new DecodeError('field number 0');
      r.skip(tag & 7); // unknown top-level field: not part of any record
      continue;
    }
    if ((tag & 7) !== WIRE_LEN) throw new DecodeError(`request field 1: unexpected wire type ${tag & 7}`);
    const end = r.lenEnd();
    const payloadStart = r.pos;
    const id: ServiceIdentity = { serviceName: '', serviceNamespace: '', serviceVersion: '', deploymentEnvironment: '', commit: '' };
    const before = st.items;
    while (r.pos < end) {
      const t = r.uint32();
      if (t === 0x0a) {
        // field 1 (resource), wire type 2: validate it, then read the identity from it.
        const e = r.lenEnd();
        const s = r.pos;
        walkMessage(r, e, RESOURCE, 0, st);
        const idr = new Reader(data, s, e);
        readIdentity(idr, e, id);
      } else walkField(r, t, rschema, 0, st);
    }
    if (r.pos !== end) throw new DecodeError(`${rschema.name}: field overruns its message`);
    const items = st.items - before;
    const key = serviceKey(id);
    if (end - fieldStart <= maxRecordBytes) {
      out.records.push({ ...id, key, value: data.subarray(fieldStart, end), items });
      out.items += items;
    } else {
      cutResource(signal, data, payloadStart, end, maxRecordBytes, id, key, out);
    }
  }
  return out;
}

interface Range { start: number; end: number }

/** Lists the top-level fields of a message: [field number, range including tag]. */
function fieldsOf(buf: Buffer, start: number, end: number): Array<{ field: number; range: Range; payload: Range }> {
  const r = new Reader(buf, start, end);
  const list: Array<{ field: number; range: Range; payload: Range }> = [];
  while (r.pos < end) {
    const s = r.pos;
    const tag = r.uint32();
    let ps = r.pos;
    if ((tag & 7) === WIRE_LEN) {
      const e = r.lenEnd();
      ps = r.pos;
      r.pos = e;
    } else r.skip(tag & 7);
    list.push({ field: tag >>> 3, range: { start: s, end: r.pos }, payload: { start: ps, end: r.pos } });
  }
  return list;
}

/**
 * A resource above maxRecordBytes: emit several records, each holding the resource (and
 * schema_url) with a subset of its scopes; a scope above the limit is cut by items in the same
 * way. An item that alone does not fit is rejected (partial success), never sent truncated.
 */
function cutResource(
  signal: Signal, buf: Buffer, start: number, end: number, maxRecordBytes: number,
  id: ServiceIdentity, key: string, out: SplitResult,
): void {
  const fields = fieldsOf(buf, start, end);
  const head = fields.filter((f) => f.field !== 2).map((f) => f.range);
  const headBytes = head.reduce((n, r) => n + r.end - r.start, 0);
  const itemCount = (range: Range): number => {
    const st: WalkState = { items: 0, checkUtf8: false };
    const r = new Reader(buf, range.start, range.end);
    walkField(r, r.uint32(), RESOURCE_SCHEMA[signal], 0, st);
    return st.items;
  };
  // Overhead of wrapping: request tag + length (<= 6) and scope tag + length (<= 6).
  const budget = maxRecordBytes - headBytes - 12;
  let batch: Range[] = [];
  let batchBytes = 0;
  const flush = (): void => {
    if (batch.length === 0) return;
    const w = new Writer(headBytes + batchBytes + 16);
    w.tag(1, WIRE_LEN);
    const mark = w.fork();
    for (const h of head) w.raw(buf.subarray(h.start, h.end));
    for (const b of batch) w.raw(buf.subarray(b.start, b.end));
    w.ldelim(mark);
    const items = batch.reduce((n, b) => n + itemCount(b), 0);
    out.records.push({ ...id, key, value: w.finish(), items });
    out.items += items;
    batch = [];
    batchBytes = 0;
  };
  const add = (range: Range): void => {
    const n = range.end - range.start;
    if (batchBytes + n > budget) flush();
    batch.push(range);
    batchBytes += n;
  };
  for (const f of fields) {
    if (f.field !== 2) continue;
    if (f.range.end - f.range.start <= budget) {
      add(f.range);
      continue;
    }
    // One scope too large: rebuild scope entries holding subsets of its items.
    const scopeFields = fieldsOf(buf, f.payload.start, f.payload.end);
    const scopeHead = scopeFields.filter((x) => x.field !== 2).map((x) => x.range);
    const scopeHeadBytes = scopeHead.reduce((n, r) => n + r.end - r.start, 0);
    const itemBudget = budget - scopeHeadBytes - 6;
    let items: Range[] = [];
    let itemsBytes = 0;
    const emitScope = (): void => {
      if (items.length === 0) return;
      const w = new Writer(scopeHeadBytes + itemsBytes + 8);
      w.tag(2, WIRE_LEN);
      const mark = w.fork();
      for (const h of scopeHead) w.raw(buf.subarray(h.start, h.end));
      for (const it of items) w.raw(buf.subarray(it.start, it.end));
      w.ldelim(mark);
      // The rebuilt scope lives in its own buffer: keep it as a standalone range by copying
      // it into the batch through a private buffer.
      pendingScopes.push(w.finish());
      items = [];
      itemsBytes = 0;
    };
    const pendingScopes: Buffer[] = [];
    for (const it of scopeFields) {
      if (it.field !== 2) continue;
      const n = it.range.end - it.range.start;
      if (n > itemBudget) {
        const count = signal === 'metrics' ? countPointsInMetric(buf, it.payload) : 1;
        out.rejectedItems += count;
        out.rejectedMessage = `an item larger than maxRecordBytes (${maxRecordBytes}) was rejected`;
        continue;
      }
      if (itemsBytes + n > itemBudget) emitScope();
      items.push(it.range);
      itemsBytes += n;
    }
    emitScope();
    for (const scopeBuf of pendingScopes) {
      flush();
      const w = new Writer(headBytes + scopeBuf.length + 16);
      w.tag(1, WIRE_LEN);
      const mark = w.fork();
      for (const h of head) w.raw(buf.subarray(h.start, h.end));
      w.raw(scopeBuf);
      w.ldelim(mark);
      const value = w.finish();
      const sub = splitRequest(signal, value, { maxRecordBytes: Number.MAX_SAFE_INTEGER, validateUtf8: false });
      out.records.push({ ...id, key, value, items: sub.items });
      out.items += sub.items;
    }
  }
  flush();
}

function countPointsInMetric(buf: Buffer, payload: Range): number {
  const st: WalkState = { items: 0, checkUtf8: false };
  walkMessage(new Reader(buf, payload.start, payload.end), payload.end, METRIC, 0, st);
  return st.items;
}

/** Validates a request without splitting; returns the item count. Throws DecodeError. */
export function validateRequest(signal: Signal, buf: Uint8Array): number {
  return splitRequest(signal, buf, { maxRecordBytes: Number.MAX_SAFE_INTEGER }).items;
}
