// Hand-written protobuf decoders for the OTLP messages in proto/ (field numbers from the
// OTLP specification). Chosen over protobufjs static code by the decode benchmark recorded in
// README.md. Each decoder reads fields in any order, skips unknown fields, rejects a known
// field that arrives with the wrong wire type, and checks that nested messages end exactly
// where their length prefix says.
import { DecodeError, MAX_DEPTH, Reader, WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT, wrongWireType } from './reader.js';
import type {
  AnyValue, Buckets, EntityRef, Exemplar, ExponentialHistogramDataPoint, ExportLogsServiceRequest,
  ExportMetricsServiceRequest, ExportResponse, ExportTraceServiceRequest, HistogramDataPoint,
  InstrumentationScope, KeyValue, LogRecord, Metric, NumberDataPoint, Resource, ResourceLogs,
  ResourceMetrics, ResourceSpans, RpcAny, RpcStatus, ScopeLogs, ScopeMetrics, ScopeSpans, Span,
  SpanEvent, SpanLink, SpanStatus, SummaryDataPoint, ValueAtQuantile,
} from './types.js';

const EMPTY = new Uint8Array(0);

function done(r: Reader, end: number, what: string): void {
  if (r.pos !== end) throw new DecodeError(`${what}: field overruns its message`);
}

function tagOf(r: Reader): number {
  const tag = r.uint32();
  if (tag >>> 3 === 0) throw new DecodeError('field number 0');
  return tag;
}

function want(wt: number, expected: number, field: string): void {
  if (wt !== expected) wrongWireType(field, wt);
}

// ---- common/v1

function decodeAnyValue(r: Reader, end: number, depth: number): AnyValue {
  if (depth > MAX_DEPTH) throw new DecodeError('AnyValue nested too deeply');
  const v: AnyValue = {};
  while (r.pos < end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    // A oneof: the last member on the wire wins (protobuf merge rule), so clear the others.
    switch (tag >>> 3) {
      case 1: want(wt, WIRE_LEN, 'AnyValue.string_value'); clearAny(v); v.stringValue = r.string(); break;
      case 2: want(wt, WIRE_VARINT, 'AnyValue.bool_value'); clearAny(v); v.boolValue = r.bool(); break;
      case 3: want(wt, WIRE_VARINT, 'AnyValue.int_value'); clearAny(v); v.intValue = r.int64(); break;
      case 4: want(wt, WIRE_I64, 'AnyValue.double_value'); clearAny(v); v.doubleValue = r.double(); break;
      case 5: {
        want(wt, WIRE_LEN, 'AnyValue.array_value');
        const e = r.lenEnd();
        const values: AnyValue[] = [];
        while (r.pos < e) {
          const t = tagOf(r);
          if (t >>> 3 === 1) {
            want(t & 7, WIRE_LEN, 'ArrayValue.values');
            const ee = r.lenEnd();
            values.push(decodeAnyValue(r, ee, depth + 1));
          } else r.skip(t & 7);
        }
        done(r, e, 'ArrayValue');
        clearAny(v);
        v.arrayValue = { values };
        break;
      }
      case 6: {
        want(wt, WIRE_LEN, 'AnyValue.kvlist_value');
        const e = r.lenEnd();
        const values: KeyValue[] = [];
        while (r.pos < e) {
          const t = tagOf(r);
          if (t >>> 3 === 1) {
            want(t & 7, WIRE_LEN, 'KeyValueList.values');
            const ee = r.lenEnd();
            values.push(decodeKeyValue(r, ee, depth + 1));
          } else r.skip(t & 7);
        }
        done(r, e, 'KeyValueList');
        clearAny(v);
        v.kvlistValue = { values };
        break;
      }
      case 7: want(wt, WIRE_LEN, 'AnyValue.bytes_value'); clearAny(v); v.bytesValue = r.bytes(); break;
      default: r.skip(wt);
    }
  }
  done(r, end, 'AnyValue');
  return v;
}

function clearAny(v: AnyValue): void {
  // Fast path: a freshly built AnyValue has no members.
  for (const k in v) delete (v as Record<string, unknown>)[k];
}

function decodeKeyValue(r: Reader, end: number, depth = 0): KeyValue {
  let key = '';
  let value: AnyValue | undefined;
  while (r.pos < end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1: want(wt, WIRE_LEN, 'KeyValue.key'); key = r.string(); break;
      case 2: { want(wt, WIRE_LEN, 'KeyValue.value'); const e = r.lenEnd(); value = decodeAnyValue(r, e, depth + 1); break; }
      default: r.skip(wt);
    }
  }
  done(r, end, 'KeyValue');
  return { key, value };
}

function pushKeyValue(r: Reader, wt: number, out: KeyValue[], field: string): void {
  want(wt, WIRE_LEN, field);
  const e = r.lenEnd();
  out.push(decodeKeyValue(r, e));
}

function decodeScope(r: Reader, end: number): InstrumentationScope {
  const s: InstrumentationScope = { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
  while (r.pos < end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1: want(wt, WIRE_LEN, 'InstrumentationScope.name'); s.name = r.string(); break;
      case 2: want(wt, WIRE_LEN, 'InstrumentationScope.version'); s.version = r.string(); break;
      case 3: pushKeyValue(r, wt, s.attributes, 'InstrumentationScope.attributes'); break;
      case 4: want(wt, WIRE_VARINT, 'InstrumentationScope.dropped_attributes_count'); s.droppedAttributesCount = r.uint32(); break;
      default: r.skip(wt);
    }
  }
  done(r, end, 'InstrumentationScope');
  return s;
}

function decodeEntityRef(r: Reader, end: number): EntityRef {
  const e: EntityRef = { schemaUrl: '', type: '', idKeys: [], descriptionKeys: [] };
  while (r.pos < end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1: want(wt, WIRE_LEN, 'EntityRef.schema_url'); e.schemaUrl = r.string(); break;
      case 2: want(wt, WIRE_LEN, 'EntityRef.type'); e.type = r.string(); break;
      case 3: want(wt, WIRE_LEN, 'EntityRef.id_keys'); e.idKeys.push(r.string()); break;
      case 4: want(wt, WIRE_LEN, 'EntityRef.description_keys'); e.descriptionKeys.push(r.string()); break;
      default: r.skip(wt);
    }
  }
  done(r, end, 'EntityRef');
  return e;
}

function decodeResource(r: Reader, end: number): Resource {
  const res: Resource = { attributes: [], droppedAttributesCount: 0, entityRefs: [] };
  while (r.pos < end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1: pushKeyValue(r, wt, res.attributes, 'Resource.attributes'); break;
      case 2: want(wt, WIRE_VARINT, 'Resource.dropped_attributes_count'); res.droppedAttributesCount = r.uint32(); break;
      case 3: { want(wt, WIRE_LEN, 'Resource.entity_refs'); const e = r.lenEnd(); res.entityRefs.push(decodeEntityRef(r, e)); break; }
      default: r.skip(wt);
    }
  }
  done(r, end, 'Resource');
  return res;
}

// ---- trace/v1

function decodeEvent(r: Reader, end: number): SpanEvent {
  const ev: SpanEvent = { timeUnixNano: 0n, name: '', attributes: [], droppedAttributesCount: 0 };
  while (r.pos < end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1: want(wt, WIRE_I64, 'Span.Event.time_unix_nano'); ev.timeUnixNano = r.fixed64(); break;
      case 2: want(wt, WIRE_LEN, 'Span.Event.name'); ev.name = r.string(); break;
      case 3: pushKeyValue(r, wt, ev.attributes, 'Span.Event.attributes'); break;
      case 4: want(wt, WIRE_VARINT, 'Span.Event.dropped_attributes_count'); ev.droppedAttributesCount = r.uint32(); break;
      default: r.skip(wt);
    }
  }
  done(r, end, 'Span.Event');
  return ev;
}

function decodeLink(r: Reader, end: number): SpanLink {
  const l: SpanLink = { traceId: EMPTY, spanId: EMPTY, traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 };
  while (r.pos < end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1: want(wt, WIRE_LEN, 'Span.Link.trace_id'); l.traceId = r.bytes(); break;
      case 2: want(wt, WIRE_LEN, 'Span.Link.span_id'); l.spanId = r.bytes(); break;
      case 3: want(wt, WIRE_LEN, 'Span.Link.trace_state'); l.traceState = r.string(); break;
      case 4: pushKeyValue(r, wt, l.attributes, 'Span.Link.attributes'); break;
      case 5: want(wt, WIRE_VARINT, 'Span.Link.dropped_attributes_count'); l.droppedAttributesCount = r.uint32(); break;
      case 6: want(wt, WIRE_I32, 'Span.Link.flags'); l.flags = r.fixed32(); break;
      default: r.skip(wt);
    }
  }
  done(r, end, 'Span.Link');
  return l;
}

function decodeSpanStatus(r: Reader, end: number): SpanStatus {
  const s: SpanStatus = { message: '', code: 0 };
  while (r.pos < end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 2: want(wt, WIRE_LEN, 'Status.message'); s.message = r.string(); break;
      case 3: want(wt, WIRE_VARINT, 'Status.code'); s.code = r.int32(); break;
      default: r.skip(wt);
    }
  }
  done(r, end, 'Status');
  return s;
}

function decodeSpan(r: Reader, end: number): Span {
  const s: Span = {
    traceId: EMPTY, spanId: EMPTY, traceState: '', parentSpanId: EMPTY, flags: 0, name: '', kind: 0,
    startTimeUnixNano: 0n, endTimeUnixNano: 0n, attributes: [], droppedAttributesCount: 0, events: [],
    droppedEventsCount: 0, links: [], droppedLinksCount: 0, status: undefined,
  };
  while (r.pos < end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1: want(wt, WIRE_LEN, 'Span.trace_id'); s.traceId = r.bytes(); break;
      case 2: want(wt, WIRE_LEN, 'Span.span_id'); s.spanId = r.bytes(); break;
      case 3: want(wt, WIRE_LEN, 'Span.trace_state'); s.traceState = r.string(); break;
      case 4: want(wt, WIRE_LEN, 'Span.parent_span_id'); s.parentSpanId = r.bytes(); break;
      case 5: want(wt, WIRE_LEN, 'Span.name'); s.name = r.string(); break;
      case 6: want(wt, WIRE_VARINT, 'Span.kind'); s.kind = r.int32(); break;
      case 7: want(wt, WIRE_I64, 'Span.start_time_unix_nano'); s.startTimeUnixNano = r.fixed64(); break;
      case 8: want(wt, WIRE_I64, 'Span.end_time_unix_nano'); s.endTimeUnixNano = r.fixed64(); break;
      case 9: pushKeyValue(r, wt, s.attributes, 'Span.attributes'); break;
      case 10: want(wt, WIRE_VARINT, 'Span.dropped_attributes_count'); s.droppedAttributesCount = r.uint32(); break;
      case 11: { want(wt, WIRE_LEN, 'Span.events'); const e = r.lenEnd(); s.events.push(decodeEvent(r, e)); break; }
      case 12: want(wt, WIRE_VARINT, 'Span.dropped_events_count'); s.droppedEventsCount = r.uint32(); break;
      case 13: { want(wt, WIRE_LEN, 'Span.links'); const e = r.lenEnd(); s.links.push(decodeLink(r, e)); break; }
      case 14: want(wt, WIRE_VARINT, 'Span.dropped_links_count'); s.droppedLinksCount = r.uint32(); break;
      case 15: { want(wt, WIRE_LEN, 'Span.status'); const e = r.lenEnd(); s.status = decodeSpanStatus(r, e); break; }
      case 16: want(wt, WIRE_I32, 'Span.flags'); s.flags = r.fixed32(); break;
      default: r.skip(wt);
    }
  }
  done(r, end, 'Span');
  return s;
}

function decodeScopeSpans(r: Reader, end: number): ScopeSpans {
  const ss: ScopeSpans = { scope: undefined, spans: [], schemaUrl: '' };
  while (r.pos < end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1: { want(wt, WIRE_LEN, 'ScopeSpans.scope'); const e = r.lenEnd(); ss.scope = decodeScope(r, e); break; }
      case 2: { want(wt, WIRE_LEN, 'ScopeSpans.spans'); const e = r.lenEnd(); ss.spans.push(decodeSpan(r, e)); break; }
      case 3: want(wt, WIRE_LEN, 'ScopeSpans.schema_url'); ss.schemaUrl = r.string(); break;
      default: r.skip(wt);
    }
  }
  done(r, end, 'ScopeSpans');
  return ss;
}

function decodeResourceSpans(r: Reader, end: number): ResourceSpans {
  const rs: ResourceSpans = { resource: undefined, scopeSpans: [], schemaUrl: '' };
  while (r.pos < end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1: { want(wt, WIRE_LEN, 'ResourceSpans.resource'); const e = r.lenEnd(); rs.resource = decodeResource(r, e); break; }
      case 2: { want(wt, WIRE_LEN, 'ResourceSpans.scope_spans'); const e = r.lenEnd(); rs.scopeSpans.push(decodeScopeSpans(r, e)); break; }
      case 3: want(wt, WIRE_LEN, 'ResourceSpans.schema_url'); rs.schemaUrl = r.string(); break;
      default: r.skip(wt);
    }
  }
  done(r, end, 'ResourceSpans');
  return rs;
}

// ---- metrics/v1

function decodeExemplar(r: Reader, end: number): Exemplar {
  const x: Exemplar = { filteredAttributes: [], timeUnixNano: 0n, spanId: EMPTY, traceId: EMPTY };
  while (r.pos < end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 2: want(wt, WIRE_I64, 'Exemplar.time_unix_nano'); x.timeUnixNano = r.fixed64(); break;
      case 3: want(wt, WIRE_I64, 'Exemplar.as_double'); delete x.asInt; x.asDouble = r.double(); break;
      case 4: want(wt, WIRE_LEN, 'Exemplar.span_id'); x.spanId = r.bytes(); break;
      case 5: want(wt, WIRE_LEN, 'Exemplar.trace_id'); x.traceId = r.bytes(); break;
      case 6: want(wt, WIRE_I64, 'Exemplar.as_int'); delete x.asDouble; x.asInt = r.sfixed64(); break;
      case 7: pushKeyValue(r, wt, x.filteredAttributes, 'Exemplar.filtered_attributes'); break;
      default: r.skip(wt);
    }
  }
  done(r, end, 'Exemplar');
  return x;
}

function pushExemplar(r: Reader, wt: number, out: Exemplar[], field: string): void {
  want(wt, WIRE_LEN, field);
  const e = r.lenEnd();
  out.push(decodeExemplar(r, e));
}

function decodeNumberDataPoint(r: Reader, end: number): NumberDataPoint {
  const p: NumberDataPoint = { attributes: [], startTimeUnixNano: 0n, timeUnixNano: 0n, exemplars: [], flags: 0 };
  while (r.pos < end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 2: want(wt, WIRE_I64, 'NumberDataPoint.start_time_unix_nano'); p.startTimeUnixNano = r.fixed64(); break;
      case 3: want(wt, WIRE_I64, 'NumberDataPoint.time_unix_nano'); p.timeUnixNano = r.fixed64(); break;
      case 4: want(wt, WIRE_I64, 'NumberDataPoint.as_double'); delete p.asInt; p.asDouble = r.double(); break;
      case 5: pushExemplar(r, wt, p.exemplars, 'NumberDataPoint.exemplars'); break;
      case 6: want(wt, WIRE_I64, 'NumberDataPoint.as_int'); delete p.asDouble; p.asInt = r.sfixed64(); break;
      case 7: pushKeyValue(r, wt, p.attributes, 'NumberDataPoint.attributes'); break;
      case 8: want(wt, WIRE_VARINT, 'NumberDataPoint.flags'); p.flags = r.uint32(); break;
      default: r.skip(wt);
    }
  }
  done(r, end, 'NumberDataPoint');
  return p;
}

/** repeated fixed64: packed (wire type 2) or one by one (wire type 1), both valid. */
function readFixed64s(r: Reader, wt: number, out: bigint[], field: string): void {
  if (wt === WIRE_LEN) {
    const e = r.lenEnd();
    if ((e - r.pos) % 8 !== 0) throw new DecodeError(`${field}: packed length not a multiple of 8`);
    while (r.pos < e) out.push(r.fixed64());
  } else if (wt === WIRE_I64) out.push(r.fixed64());
  else wrongWireType(field, wt);
}

function readDoubles(r: Reader, wt: number, out: number[], field: string): void {
  if (wt === WIRE_LEN) {
    const e = r.lenEnd();
    if ((e - r.pos) % 8 !== 0) throw new DecodeError(`${field}: packed length not a multiple of 8`);
    while (r.pos < e) out.push(r.double());
  } else if (wt === WIRE_I64) out.push(r.double());
  else wrongWireType(field, wt);
}

function readUint64s(r: Reader, wt: number, out: bigint[], field: string): void {
  if (wt === WIRE_LEN) {
    const e = r.lenEnd();
    while (r.pos < e) out.push(r.uint64());
    done(r, e, field);
  } else if (wt === WIRE_VARINT) out.push(r.uint64());
  else wrongWireType(field, wt);
}

function decodeHistogramDataPoint(r: Reader, end: number): HistogramDataPoint {
  const p: HistogramDataPoint = {
    attributes: [], startTimeUnixNano: 0n, timeUnixNano: 0n, count: 0n, sum: undefined, bucketCounts: [],
    explicitBounds: [], exemplars: [], flags: 0, min: undefined, max: undefined,
  };
  while (r.pos < end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 2: want(wt, WIRE_I64, 'HistogramDataPoint.start_time_unix_nano'); p.startTimeUnixNano = r.fixed64(); break;
      case 3: want(wt, WIRE_I64, 'HistogramDataPoint.time_unix_nano'); p.timeUnixNano = r.fixed64(); break;
      case 4: want(wt, WIRE_I64, 'HistogramDataPoint.count'); p.count = r.fixed64(); break;
      case 5: want(wt, WIRE_I64, 'HistogramDataPoint.sum'); p.sum = r.double(); break;
      case 6: readFixed64s(r, wt, p.bucketCounts, 'HistogramDataPoint.bucket_counts'); break;
      case 7: readDoubles(r, wt, p.explicitBounds, 'HistogramDataPoint.explicit_bounds'); break;
      case 8: pushExemplar(r, wt, p.exemplars, 'HistogramDataPoint.exemplars'); break;
      case 9: pushKeyValue(r, wt, p.attributes, 'HistogramDataPoint.attributes'); break;
      case 10: want(wt, WIRE_VARINT, 'HistogramDataPoint.flags'); p.flags = r.uint32(); break;
      case 11: want(wt, WIRE_I64, 'HistogramDataPoint.min'); p.min = r.double(); break;
      case 12: want(wt, WIRE_I64, 'HistogramDataPoint.max'); p.max = r.double(); break;
      default: r.skip(wt);
    }
  }
  done(r, end, 'HistogramDataPoint');
  return p;
}

function decodeBuckets(r: Reader, end: number): Buckets {
  const b: Buckets = { offset: 0, bucketCounts: [] };
  while (r.pos < end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1: want(wt, WIRE_VARINT, 'Buckets.offset'); b.offset = r.sint32(); break;
      case 2: readUint64s(r, wt, b.bucketCounts, 'Buckets.bucket_counts'); break;
      default: r.skip(wt);
    }
  }
  done(r, end, 'Buckets');
  return b;
}

function decodeExpHistogramDataPoint(r: Reader, end: number): ExponentialHistogramDataPoint {
  const p: ExponentialHistogramDataPoint = {
    attributes: [], startTimeUnixNano: 0n, timeUnixNano: 0n, count: 0n, sum: undefined, scale: 0, zeroCount: 0n,
    positive: undefined, negative: undefined, flags: 0, exemplars: [], min: undefined, max: undefined, zeroThreshold: 0,
  };
  while (r.pos < end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1: pushKeyValue(r, wt, p.attributes, 'ExponentialHistogramDataPoint.attributes'); break;
      case 2: want(wt, WIRE_I64, 'ExponentialHistogramDataPoint.start_time_unix_nano'); p.startTimeUnixNano = r.fixed64(); break;
      case 3: want(wt, WIRE_I64, 'ExponentialHistogramDataPoint.time_unix_nano'); p.timeUnixNano = r.fixed64(); break;
      case 4: want(wt, WIRE_I64, 'ExponentialHistogramDataPoint.count'); p.count = r.fixed64(); break;
      case 5: want(wt, WIRE_I64, 'ExponentialHistogramDataPoint.sum'); p.sum = r.double(); break;
      case 6: want(wt, WIRE_VARINT, 'ExponentialHistogramDataPoint.scale'); p.scale = r.sint32(); break;
      case 7: want(wt, WIRE_I64, 'ExponentialHistogramDataPoint.zero_count'); p.zeroCount = r.fixed64(); break;
      case 8: { want(wt, WIRE_LEN, 'ExponentialHistogramDataPoint.positive'); const e = r.lenEnd(); p.positive = decodeBuckets(r, e); break; }
      case 9: { want(wt, WIRE_LEN, 'ExponentialHistogramDataPoint.negative'); const e = r.lenEnd(); p.negative = decodeBuckets(r, e); break; }
      case 10: want(wt, WIRE_VARINT, 'ExponentialHistogramDataPoint.flags'); p.flags = r.uint32(); break;
      case 11: pushExemplar(r, wt, p.exemplars, 'ExponentialHistogramDataPoint.exemplars'); break;
      case 12: want(wt, WIRE_I64, 'ExponentialHistogramDataPoint.min'); p.min = r.double(); break;
      case 13: want(wt, WIRE_I64, 'ExponentialHistogramDataPoint.max'); p.max = r.double(); break;
      case 14: want(wt, WIRE_I64, 'ExponentialHistogramDataPoint.zero_threshold'); p.zeroThreshold = r.double(); break;
      default: r.skip(wt);
    }
  }
  done(r, end, 'ExponentialHistogramDataPoint');
  return p;
}

function decodeQuantile(r: Reader, end: number): ValueAtQuantile {
  const q: ValueAtQuantile = { quantile: 0, value: 0 };
  while (r.pos < end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1: want(wt, WIRE_I64, 'ValueAtQuantile.quantile'); q.quantile = r.double(); break;
      case 2: want(wt, WIRE_I64, 'ValueAtQuantile.value'); q.value = r.double(); break;
      default: r.skip(wt);
    }
  }
  done(r, end, 'ValueAtQuantile');
  return q;
}

function decodeSummaryDataPoint(r: Reader, end: number): SummaryDataPoint {
  const p: SummaryDataPoint = { attributes: [], startTimeUnixNano: 0n, timeUnixNano: 0n, count: 0n, sum: 0, quantileValues: [], flags: 0 };
  while (r.pos < end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 2: want(wt, WIRE_I64, 'SummaryDataPoint.start_time_unix_nano'); p.startTimeUnixNano = r.fixed64(); break;
      case 3: want(wt, WIRE_I64, 'SummaryDataPoint.time_unix_nano'); p.timeUnixNano = r.fixed64(); break;
      case 4: want(wt, WIRE_I64, 'SummaryDataPoint.count'); p.count = r.fixed64(); break;
      case 5: want(wt, WIRE_I64, 'SummaryDataPoint.sum'); p.sum = r.double(); break;
      case 6: { want(wt, WIRE_LEN, 'SummaryDataPoint.quantile_values'); const e = r.lenEnd(); p.quantileValues.push(decodeQuantile(r, e)); break; }
      case 7: pushKeyValue(r, wt, p.attributes, 'SummaryDataPoint.attributes'); break;
      case 8: want(wt, WIRE_VARINT, 'SummaryDataPoint.flags'); p.flags = r.uint32(); break;
      default: r.skip(wt);
    }
  }
  done(r, end, 'SummaryDataPoint');
  return p;
}

/** Decodes Gauge/Sum/Histogram/ExponentialHistogram/Summary bodies: points in field 1, temporality 2, monotonic 3. */
function decodeMetricData<P>(
  r: Reader, end: number, what: string, point: (r: Reader, end: number) => P,
): { dataPoints: P[]; aggregationTemporality: number; isMonotonic: boolean } {
  const out = { dataPoints: [] as P[], aggregationTemporality: 0, isMonotonic: false };
  while (r.pos < end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1: { want(wt, WIRE_LEN, `${what}.data_points`); const e = r.lenEnd(); out.dataPoints.push(point(r, e)); break; }
      case 2: want(wt, WIRE_VARINT, `${what}.aggregation_temporality`); out.aggregationTemporality = r.int32(); break;
      case 3: want(wt, WIRE_VARINT, `${what}.is_monotonic`); out.isMonotonic = r.bool(); break;
      default: r.skip(wt);
    }
  }
  done(r, end, what);
  return out;
}

function clearData(m: Metric): void {
  delete m.gauge; delete m.sum; delete m.histogram; delete m.exponentialHistogram; delete m.summary;
}

function decodeMetric(r: Reader, end: number): Metric {
  const m: Metric = { name: '', description: '', unit: '', metadata: [] };
  while (r.pos < end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1: want(wt, WIRE_LEN, 'Metric.name'); m.name = r.string(); break;
      case 2: want(wt, WIRE_LEN, 'Metric.description'); m.description = r.string(); break;
      case 3: want(wt, WIRE_LEN, 'Metric.unit'); m.unit = r.string(); break;
      case 5: {
        want(wt, WIRE_LEN, 'Metric.gauge'); const e = r.lenEnd();
        const d = decodeMetricData(r, e, 'Gauge', decodeNumberDataPoint);
        clearData(m); m.gauge = { dataPoints: d.dataPoints }; break;
      }
      case 7: {
        want(wt, WIRE_LEN, 'Metric.sum'); const e = r.lenEnd();
        const d = decodeMetricData(r, e, 'Sum', decodeNumberDataPoint);
        clearData(m); m.sum = d; break;
      }
      case 9: {
        want(wt, WIRE_LEN, 'Metric.histogram'); const e = r.lenEnd();
        const d = decodeMetricData(r, e, 'Histogram', decodeHistogramDataPoint);
        clearData(m); m.histogram = { dataPoints: d.dataPoints, aggregationTemporality: d.aggregationTemporality }; break;
      }
      case 10: {
        want(wt, WIRE_LEN, 'Metric.exponential_histogram'); const e = r.lenEnd();
        const d = decodeMetricData(r, e, 'ExponentialHistogram', decodeExpHistogramDataPoint);
        clearData(m); m.exponentialHistogram = { dataPoints: d.dataPoints, aggregationTemporality: d.aggregationTemporality }; break;
      }
      case 11: {
        want(wt, WIRE_LEN, 'Metric.summary'); const e = r.lenEnd();
        const d = decodeMetricData(r, e, 'Summary', decodeSummaryDataPoint);
        clearData(m); m.summary = { dataPoints: d.dataPoints }; break;
      }
      case 12: pushKeyValue(r, wt, m.metadata, 'Metric.metadata'); break;
      default: r.skip(wt);
    }
  }
  done(r, end, 'Metric');
  return m;
}

function decodeScopeMetrics(r: Reader, end: number): ScopeMetrics {
  const sm: ScopeMetrics = { scope: undefined, metrics: [], schemaUrl: '' };
  while (r.pos < end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1: { want(wt, WIRE_LEN, 'ScopeMetrics.scope'); const e = r.lenEnd(); sm.scope = decodeScope(r, e); break; }
      case 2: { want(wt, WIRE_LEN, 'ScopeMetrics.metrics'); const e = r.lenEnd(); sm.metrics.push(decodeMetric(r, e)); break; }
      case 3: want(wt, WIRE_LEN, 'ScopeMetrics.schema_url'); sm.schemaUrl = r.string(); break;
      default: r.skip(wt);
    }
  }
  done(r, end, 'ScopeMetrics');
  return sm;
}

function decodeResourceMetrics(r: Reader, end: number): ResourceMetrics {
  const rm: ResourceMetrics = { resource: undefined, scopeMetrics: [], schemaUrl: '' };
  while (r.pos < end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1: { want(wt, WIRE_LEN, 'ResourceMetrics.resource'); const e = r.lenEnd(); rm.resource = decodeResource(r, e); break; }
      case 2: { want(wt, WIRE_LEN, 'ResourceMetrics.scope_metrics'); const e = r.lenEnd(); rm.scopeMetrics.push(decodeScopeMetrics(r, e)); break; }
      case 3: want(wt, WIRE_LEN, 'ResourceMetrics.schema_url'); rm.schemaUrl = r.string(); break;
      default: r.skip(wt);
    }
  }
  done(r, end, 'ResourceMetrics');
  return rm;
}

// ---- logs/v1

function decodeLogRecord(r: Reader, end: number): LogRecord {
  const l: LogRecord = {
    timeUnixNano: 0n, observedTimeUnixNano: 0n, severityNumber: 0, severityText: '', body: undefined, attributes: [],
    droppedAttributesCount: 0, flags: 0, traceId: EMPTY, spanId: EMPTY, eventName: '',
  };
  while (r.pos < end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1: want(wt, WIRE_I64, 'LogRecord.time_unix_nano'); l.timeUnixNano = r.fixed64(); break;
      case 2: want(wt, WIRE_VARINT, 'LogRecord.severity_number'); l.severityNumber = r.int32(); break;
      case 3: want(wt, WIRE_LEN, 'LogRecord.severity_text'); l.severityText = r.string(); break;
      case 5: { want(wt, WIRE_LEN, 'LogRecord.body'); const e = r.lenEnd(); l.body = decodeAnyValue(r, e, 0); break; }
      case 6: pushKeyValue(r, wt, l.attributes, 'LogRecord.attributes'); break;
      case 7: want(wt, WIRE_VARINT, 'LogRecord.dropped_attributes_count'); l.droppedAttributesCount = r.uint32(); break;
      case 8: want(wt, WIRE_I32, 'LogRecord.flags'); l.flags = r.fixed32(); break;
      case 9: want(wt, WIRE_LEN, 'LogRecord.trace_id'); l.traceId = r.bytes(); break;
      case 10: want(wt, WIRE_LEN, 'LogRecord.span_id'); l.spanId = r.bytes(); break;
      case 11: want(wt, WIRE_I64, 'LogRecord.observed_time_unix_nano'); l.observedTimeUnixNano = r.fixed64(); break;
      case 12: want(wt, WIRE_LEN, 'LogRecord.event_name'); l.eventName = r.string(); break;
      default: r.skip(wt);
    }
  }
  done(r, end, 'LogRecord');
  return l;
}

function decodeScopeLogs(r: Reader, end: number): ScopeLogs {
  const sl: ScopeLogs = { scope: undefined, logRecords: [], schemaUrl: '' };
  while (r.pos < end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1: { want(wt, WIRE_LEN, 'ScopeLogs.scope'); const e = r.lenEnd(); sl.scope = decodeScope(r, e); break; }
      case 2: { want(wt, WIRE_LEN, 'ScopeLogs.log_records'); const e = r.lenEnd(); sl.logRecords.push(decodeLogRecord(r, e)); break; }
      case 3: want(wt, WIRE_LEN, 'ScopeLogs.schema_url'); sl.schemaUrl = r.string(); break;
      default: r.skip(wt);
    }
  }
  done(r, end, 'ScopeLogs');
  return sl;
}

function decodeResourceLogs(r: Reader, end: number): ResourceLogs {
  const rl: ResourceLogs = { resource: undefined, scopeLogs: [], schemaUrl: '' };
  while (r.pos < end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1: { want(wt, WIRE_LEN, 'ResourceLogs.resource'); const e = r.lenEnd(); rl.resource = decodeResource(r, e); break; }
      case 2: { want(wt, WIRE_LEN, 'ResourceLogs.scope_logs'); const e = r.lenEnd(); rl.scopeLogs.push(decodeScopeLogs(r, e)); break; }
      case 3: want(wt, WIRE_LEN, 'ResourceLogs.schema_url'); rl.schemaUrl = r.string(); break;
      default: r.skip(wt);
    }
  }
  done(r, end, 'ResourceLogs');
  return rl;
}

// ---- requests (the Kafka record values and the OTLP request bodies)

function decodeRepeated<T>(buf: Uint8Array, what: string, item: (r: Reader, end: number) => T): T[] {
  const r = new Reader(buf);
  const out: T[] = [];
  while (r.pos < r.end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    if (tag >>> 3 === 1) {
      want(wt, WIRE_LEN, what);
      const e = r.lenEnd();
      out.push(item(r, e));
    } else r.skip(wt);
  }
  return out;
}

/** Decodes an ExportTraceServiceRequest (also TracesData: same wire shape). Throws DecodeError. */
export function decodeTraces(buf: Uint8Array): ExportTraceServiceRequest {
  return { resourceSpans: decodeRepeated(buf, 'resource_spans', decodeResourceSpans) };
}

/** Decodes an ExportMetricsServiceRequest (also MetricsData). Throws DecodeError. */
export function decodeMetrics(buf: Uint8Array): ExportMetricsServiceRequest {
  return { resourceMetrics: decodeRepeated(buf, 'resource_metrics', decodeResourceMetrics) };
}

/** Decodes an ExportLogsServiceRequest (also LogsData). Throws DecodeError. */
export function decodeLogs(buf: Uint8Array): ExportLogsServiceRequest {
  return { resourceLogs: decodeRepeated(buf, 'resource_logs', decodeResourceLogs) };
}

/** Decodes any Export*ServiceResponse (partial_success = 1 { rejected = 1, error_message = 2 }). */
export function decodeExportResponse(buf: Uint8Array): ExportResponse {
  const r = new Reader(buf);
  const out: ExportResponse = { partialSuccess: undefined };
  while (r.pos < r.end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    if (tag >>> 3 === 1) {
      want(wt, WIRE_LEN, 'partial_success');
      const e = r.lenEnd();
      const ps = { rejected: 0n, errorMessage: '' };
      while (r.pos < e) {
        const t = tagOf(r);
        if (t >>> 3 === 1) { want(t & 7, WIRE_VARINT, 'rejected'); ps.rejected = r.int64(); }
        else if (t >>> 3 === 2) { want(t & 7, WIRE_LEN, 'error_message'); ps.errorMessage = r.string(); }
        else r.skip(t & 7);
      }
      done(r, e, 'PartialSuccess');
      out.partialSuccess = ps;
    } else r.skip(wt);
  }
  return out;
}

/** Decodes a google.rpc.Status (OTLP/HTTP error body, gRPC grpc-status-details-bin). */
export function decodeRpcStatus(buf: Uint8Array): RpcStatus {
  const r = new Reader(buf);
  const out: RpcStatus = { code: 0, message: '', details: [] };
  while (r.pos < r.end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1: want(wt, WIRE_VARINT, 'Status.code'); out.code = r.int32(); break;
      case 2: want(wt, WIRE_LEN, 'Status.message'); out.message = r.string(); break;
      case 3: {
        want(wt, WIRE_LEN, 'Status.details');
        const e = r.lenEnd();
        const any: RpcAny = { typeUrl: '', value: EMPTY };
        while (r.pos < e) {
          const t = tagOf(r);
          if (t >>> 3 === 1) { want(t & 7, WIRE_LEN, 'Any.type_url'); any.typeUrl = r.string(); }
          else if (t >>> 3 === 2) { want(t & 7, WIRE_LEN, 'Any.value'); any.value = r.bytes(); }
          else r.skip(t & 7);
        }
        done(r, e, 'Any');
        out.details.push(any);
        break;
      }
      default: r.skip(wt);
    }
  }
  return out;
}

/** Decodes google.rpc.RetryInfo's retry_delay as milliseconds (undefined when absent). */
export function decodeRetryInfoMs(buf: Uint8Array): number | undefined {
  const r = new Reader(buf);
  let ms: number | undefined;
  while (r.pos < r.end) {
    const tag = tagOf(r);
    if (tag >>> 3 === 1) {
      want(tag & 7, WIRE_LEN, 'RetryInfo.retry_delay');
      const e = r.lenEnd();
      let seconds = 0n;
      let nanos = 0;
      while (r.pos < e) {
        const t = tagOf(r);
        if (t >>> 3 === 1) { want(t & 7, WIRE_VARINT, 'Duration.seconds'); seconds = r.int64(); }
        else if (t >>> 3 === 2) { want(t & 7, WIRE_VARINT, 'Duration.nanos'); nanos = r.int32(); }
        else r.skip(t & 7);
      }
      done(r, e, 'Duration');
      ms = Number(seconds) * 1000 + nanos / 1e6;
    } else r.skip(tag & 7);
  }
  return ms;
}
