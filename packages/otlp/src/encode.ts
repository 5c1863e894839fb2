// Protobuf encoders for the typed OTLP objects (inverse of decode.ts). Used to turn OTLP/JSON
// requests into protobuf records and by tests; the collector's protobuf path never re-encodes.
import { WIRE_I64, WIRE_LEN, WIRE_VARINT } from './reader.js';
import { Writer } from './writer.js';
import type {
  AnyValue, Buckets, EntityRef, Exemplar, ExponentialHistogramDataPoint, ExportLogsServiceRequest,
  ExportMetricsServiceRequest, ExportResponse, ExportTraceServiceRequest, HistogramDataPoint,
  InstrumentationScope, KeyValue, LogRecord, Metric, NumberDataPoint, Resource, ResourceLogs,
  ResourceMetrics, ResourceSpans, RpcStatus, Span, SummaryDataPoint,
} from './types.js';

function msg<T>(w: Writer, field: number, v: T, body: (w: Writer, v: T) => void): void {
  w.tag(field, WIRE_LEN);
  const mark = w.fork();
  body(w, v);
  w.ldelim(mark);
}

function anyValue(w: Writer, v: AnyValue): void {
  if (v.stringValue !== undefined) { w.tag(1, WIRE_LEN); w.string(v.stringValue); }
  else if (v.boolValue !== undefined) { w.tag(2, WIRE_VARINT); w.varint(v.boolValue ? 1 : 0); }
  else if (v.intValue !== undefined) { w.tag(3, WIRE_VARINT); w.varint64(v.intValue); }
  else if (v.doubleValue !== undefined) { w.tag(4, WIRE_I64); w.double(v.doubleValue); }
  else if (v.arrayValue !== undefined) {
    msg(w, 5, v.arrayValue.values, (w2, values) => { for (const x of values) msg(w2, 1, x, anyValue); });
  } else if (v.kvlistValue !== undefined) {
    msg(w, 6, v.kvlistValue.values, (w2, values) => { for (const x of values) msg(w2, 1, x, keyValue); });
  } else if (v.bytesValue !== undefined) { w.tag(7, WIRE_LEN); w.bytes(v.bytesValue); }
}

function keyValue(w: Writer, kv: KeyValue): void {
  w.stringField(1, kv.key);
  if (kv.value !== undefined) msg(w, 2, kv.value, anyValue);
}

function attrs(w: Writer, field: number, list: KeyValue[]): void {
  for (const kv of list) msg(w, field, kv, keyValue);
}

function scope(w: Writer, s: InstrumentationScope): void {
  w.stringField(1, s.name);
  w.stringField(2, s.version);
  attrs(w, 3, s.attributes);
  w.uint32Field(4, s.droppedAttributesCount);
}

function entityRef(w: Writer, e: EntityRef): void {
  w.stringField(1, e.schemaUrl);
  w.stringField(2, e.type);
  for (const k of e.idKeys) { w.tag(3, WIRE_LEN); w.string(k); }
  for (const k of e.descriptionKeys) { w.tag(4, WIRE_LEN); w.string(k); }
}

function resource(w: Writer, r: Resource): void {
  attrs(w, 1, r.attributes);
  w.uint32Field(2, r.droppedAttributesCount);
  for (const e of r.entityRefs) msg(w, 3, e, entityRef);
}

function span(w: Writer, s: Span): void {
  w.bytesField(1, s.traceId);
  w.bytesField(2, s.spanId);
  w.stringField(3, s.traceState);
  w.bytesField(4, s.parentSpanId);
  w.stringField(5, s.name);
  w.int32Field(6, s.kind);
  w.fixed64Field(7, s.startTimeUnixNano);
  w.fixed64Field(8, s.endTimeUnixNano);
  attrs(w, 9, s.attributes);
  w.uint32Field(10, s.droppedAttributesCount);
  for (const ev of s.events) {
    msg(w, 11, ev, (w2, e) => {
      w2.fixed64Field(1, e.timeUnixNano);
      w2.stringField(2, e.name);
      attrs(w2, 3, e.attributes);
      w2.uint32Field(4, e.droppedAttributesCount);
    });
  }
  w.uint32Field(12, s.droppedEventsCount);
  for (const link of s.links) {
    msg(w, 13, link, (w2, l) => {
      w2.bytesField(1, l.traceId);
      w2.bytesField(2, l.spanId);
      w2.stringField(3, l.traceState);
      attrs(w2, 4, l.attributes);
      w2.uint32Field(5, l.droppedAttributesCount);
      w2.fixed32Field(6, l.flags);
    });
  }
  w.uint32Field(14, s.droppedLinksCount);
  if (s.status !== undefined) {
    msg(w, 15, s.status, (w2, st) => { w2.stringField(2, st.message); w2.int32Field(3, st.code); });
  }
  w.fixed32Field(16, s.flags);
}

function writeResourceSpans(w: Writer, rs: ResourceSpans): void {
  if (rs.resource !== undefined) msg(w, 1, rs.resource, resource);
  for (const ss of rs.scopeSpans) {
    msg(w, 2, ss, (w2, x) => {
      if (x.scope !== undefined) msg(w2, 1, x.scope, scope);
      for (const s of x.spans) msg(w2, 2, s, span);
      w2.stringField(3, x.schemaUrl);
    });
  }
  w.stringField(3, rs.schemaUrl);
}

function exemplar(w: Writer, x: Exemplar): void {
  w.fixed64Field(2, x.timeUnixNano);
  if (x.asDouble !== undefined) { w.tag(3, WIRE_I64); w.double(x.asDouble); }
  w.bytesField(4, x.spanId);
  w.bytesField(5, x.traceId);
  if (x.asInt !== undefined) { w.tag(6, WIRE_I64); w.sfixed64(x.asInt); }
  attrs(w, 7, x.filteredAttributes);
}

function numberPoint(w: Writer, p: NumberDataPoint): void {
  w.fixed64Field(2, p.startTimeUnixNano);
  w.fixed64Field(3, p.timeUnixNano);
  if (p.asDouble !== undefined) { w.tag(4, WIRE_I64); w.double(p.asDouble); }
  for (const x of p.exemplars) msg(w, 5, x, exemplar);
  if (p.asInt !== undefined) { w.tag(6, WIRE_I64); w.sfixed64(p.asInt); }
  attrs(w, 7, p.attributes);
  w.uint32Field(8, p.flags);
}

function optDouble(w: Writer, field: number, v: number | undefined): void {
  if (v !== undefined) { w.tag(field, WIRE_I64); w.double(v); }
}

function histogramPoint(w: Writer, p: HistogramDataPoint): void {
  w.fixed64Field(2, p.startTimeUnixNano);
  w.fixed64Field(3, p.timeUnixNano);
  w.fixed64Field(4, p.count);
  optDouble(w, 5, p.sum);
  if (p.bucketCounts.length > 0) {
    w.tag(6, WIRE_LEN);
    w.varint(p.bucketCounts.length * 8);
    for (const c of p.bucketCounts) w.fixed64(c);
  }
  if (p.explicitBounds.length > 0) {
    w.tag(7, WIRE_LEN);
    w.varint(p.explicitBounds.length * 8);
    for (const b of p.explicitBounds) w.double(b);
  }
  for (const x of p.exemplars) msg(w, 8, x, exemplar);
  attrs(w, 9, p.attributes);
  w.uint32Field(10, p.flags);
  optDouble(w, 11, p.min);
  optDouble(w, 12, p.max);
}

function buckets(w: Writer, b: Buckets): void {
  if (b.offset !== 0) { w.tag(1, WIRE_VARINT); w.sint32(b.offset); }
  if (b.bucketCounts.length > 0) {
    w.tag(2, WIRE_LEN);
    const mark = w.fork();
    for (const c of b.bucketCounts) w.varint64(c);
    w.ldelim(mark);
  }
}

function expPoint(w: Writer, p: ExponentialHistogramDataPoint): void {
  attrs(w, 1, p.attributes);
  w.fixed64Field(2, p.startTimeUnixNano);
  w.fixed64Field(3, p.timeUnixNano);
  w.fixed64Field(4, p.count);
  optDouble(w, 5, p.sum);
  if (p.scale !== 0) { w.tag(6, WIRE_VARINT); w.sint32(p.scale); }
  w.fixed64Field(7, p.zeroCount);
  if (p.positive !== undefined) msg(w, 8, p.positive, buckets);
  if (p.negative !== undefined) msg(w, 9, p.negative, buckets);
  w.uint32Field(10, p.flags);
  for (const x of p.exemplars) msg(w, 11, x, exemplar);
  optDouble(w, 12, p.min);
  optDouble(w, 13, p.max);
  w.doubleField(14, p.zeroThreshold);
}

function summaryPoint(w: Writer, p: SummaryDataPoint): void {
  w.fixed64Field(2, p.startTimeUnixNano);
  w.fixed64Field(3, p.timeUnixNano);
  w.fixed64Field(4, p.count);
  w.doubleField(5, p.sum);
  for (const q of p.quantileValues) {
    msg(w, 6, q, (w2, x) => { w2.doubleField(1, x.quantile); w2.doubleField(2, x.value); });
  }
  attrs(w, 7, p.attributes);
  w.uint32Field(8, p.flags);
}

function metric(w: Writer, m: Metric): void {
  w.stringField(1, m.name);
  w.stringField(2, m.description);
  w.stringField(3, m.unit);
  if (m.gauge !== undefined) msg(w, 5, m.gauge, (w2, g) => { for (const p of g.dataPoints) msg(w2, 1, p, numberPoint); });
  else if (m.sum !== undefined) {
    msg(w, 7, m.sum, (w2, s) => {
      for (const p of s.dataPoints) msg(w2, 1, p, numberPoint);
      w2.int32Field(2, s.aggregationTemporality);
      if (s.isMonotonic) { w2.tag(3, WIRE_VARINT); w2.varint(1); }
    });
  } else if (m.histogram !== undefined) {
    msg(w, 9, m.histogram, (w2, h) => {
      for (const p of h.dataPoints) msg(w2, 1, p, histogramPoint);
      w2.int32Field(2, h.aggregationTemporality);
    });
  } else if (m.exponentialHistogram !== undefined) {
    msg(w, 10, m.exponentialHistogram, (w2, h) => {
      for (const p of h.dataPoints) msg(w2, 1, p, expPoint);
      w2.int32Field(2, h.aggregationTemporality);
    });
  } else if (m.summary !== undefined) {
    msg(w, 11, m.summary, (w2, s) => { for (const p of s.dataPoints) msg(w2, 1, p, summaryPoint); });
  }
  attrs(w, 12, m.metadata);
}

function writeResourceMetrics(w: Writer, rm: ResourceMetrics): void {
  if (rm.resource !== undefined) msg(w, 1, rm.resource, resource);
  for (const sm of rm.scopeMetrics) {
    msg(w, 2, sm, (w2, x) => {
      if (x.scope !== undefined) msg(w2, 1, x.scope, scope);
      for (const m of x.metrics) msg(w2, 2, m, metric);
      w2.stringField(3, x.schemaUrl);
    });
  }
  w.stringField(3, rm.schemaUrl);
}

function logRecord(w: Writer, l: LogRecord): void {
  w.fixed64Field(1, l.timeUnixNano);
  w.int32Field(2, l.severityNumber);
  w.stringField(3, l.severityText);
  if (l.body !== undefined) msg(w, 5, l.body, anyValue);
  attrs(w, 6, l.attributes);
  w.uint32Field(7, l.droppedAttributesCount);
  w.fixed32Field(8, l.flags);
  w.bytesField(9, l.traceId);
  w.bytesField(10, l.spanId);
  w.fixed64Field(11, l.observedTimeUnixNano);
  w.stringField(12, l.eventName);
}

function writeResourceLogs(w: Writer, rl: ResourceLogs): void {
  if (rl.resource !== undefined) msg(w, 1, rl.resource, resource);
  for (const sl of rl.scopeLogs) {
    msg(w, 2, sl, (w2, x) => {
      if (x.scope !== undefined) msg(w2, 1, x.scope, scope);
      for (const l of x.logRecords) msg(w2, 2, l, logRecord);
      w2.stringField(3, x.schemaUrl);
    });
  }
  w.stringField(3, rl.schemaUrl);
}

export function encodeTraces(req: ExportTraceServiceRequest): Buffer {
  const w = new Writer(4096);
  for (const rs of req.resourceSpans) msg(w, 1, rs, writeResourceSpans);
  return w.finish();
}

export function encodeMetrics(req: ExportMetricsServiceRequest): Buffer {
  const w = new Writer(4096);
  for (const rm of req.resourceMetrics) msg(w, 1, rm, writeResourceMetrics);
  return w.finish();
}

export function encodeLogs(req: ExportLogsServiceRequest): Buffer {
  const w = new Writer(4096);
  for (const rl of req.resourceLogs) msg(w, 1, rl, writeResourceLogs);
  return w.finish();
}

/** Any Export*ServiceResponse; an absent partialSuccess encodes as an empty message. */
export function encodeExportResponse(res: ExportResponse): Buffer {
  const w = new Writer(64);
  const ps = res.partialSuccess;
  if (ps !== undefined) {
    msg(w, 1, ps, (w2, p) => {
      if (p.rejected !== 0n) { w2.tag(1, WIRE_VARINT); w2.varint64(p.rejected); }
      w2.stringField(2, p.errorMessage);
    });
  }
  return w.finish();
}

export function encodeRpcStatus(s: RpcStatus): Buffer {
  const w = new Writer(128);
  w.int32Field(1, s.code);
  w.stringField(2, s.message);
  for (const d of s.details) {
    msg(w, 3, d, (w2, a) => { w2.stringField(1, a.typeUrl); w2.bytesField(2, a.value); });
  }
  return w.finish();
}

export const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';

/** google.rpc.RetryInfo { retry_delay: Duration { seconds, nanos } }. */
export function encodeRetryInfo(delayMs: number): Buffer {
  const w = new Writer(32);
  const seconds = Math.floor(delayMs / 1000);
  const nanos = Math.round((delayMs - seconds * 1000) * 1e6);
  msg(w, 1, null, (w2) => {
    if (seconds !== 0) { w2.tag(1, WIRE_VARINT); w2.varint(seconds); }
    w2.int32Field(2, nanos);
  });
  return w.finish();
}
