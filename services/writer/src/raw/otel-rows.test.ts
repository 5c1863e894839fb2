// Mapping of OTLP requests to the OTel Collector ClickHouse exporter's rows. Expected values are
// worked out by hand from the sample definitions in @vigil/otlp (samples.ts), not printed by the
// code under test. Reference computations (python3):
//   datetime.datetime.fromtimestamp(1700000000, datetime.timezone.utc)  -> 2023-11-14T22:13:20Z
//     (the samples' BASE_NS is 1_700_000_000 s)
//   base64.b64encode(bytes([0, 255]))                                   -> 'AP8='
//   json.dumps({'nested': [-1, 'AP8='], 'msg': 'structured'}, sort_keys=True, separators=(',', ':'))
//                                                                       -> {"msg":"structured","nested":[-1,"AP8="]}
import { describe, expect, test } from 'vitest';
import { encodeLogs, encodeMetrics, encodeTraces, sampleLogs, sampleMetrics, sampleTraces } from '@vigil/otlp';
import { OTEL_TABLES, rawRowsFor, rawSignalOf } from './otel-rows.js';
import type { OtelRow } from './otel-rows.js';
import { anyValueJson, anyValueString, attributeMap, floatCell, idHex, nsToDateTime64 } from './values.js';

const BASE = '2023-11-14T22:13:20';
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const byTable = (rows: OtelRow[]) => {
  const out: Record<string, Array<Record<string, unknown>>> = {};
  for (const { table, row } of rows) (out[table] ??= []).push(row);
  return out;
};

describe('traces → otel_traces', () => {
  const req = sampleTraces();
  const rows = rawRowsFor('traces', encodeTraces(req));

  test('one row per span, all in otel_traces', () => {
    expect(rows).toHaveLength(6);
    expect(new Set(rows.map((r) => r.table))).toEqual(new Set([OTEL_TABLES.traces]));
  });

  test('span 0: ids hex, no parent, error status, one event and one link', () => {
    const span = req.resourceSpans[0].scopeSpans[0].spans[0];
    const row = rows[0].row;
    expect(row).toMatchObject({
      Timestamp: `${BASE}.000000000Z`,
      TraceId: hex(span.traceId),
      SpanId: hex(span.spanId),
      ParentSpanId: '',
      TraceState: 'vendor=x',
      SpanName: 'GET /api/items/0',
      SpanKind: 'Server',
      ServiceName: 'svc-0',
      ScopeName: '@vigil/sample',
      ScopeVersion: '1.0.0',
      // end - start = 777_777 ns
      Duration: '777777',
      StatusCode: 'Error',
      StatusMessage: 'boom',
      'Events.Timestamp': [`${BASE}.000000005Z`],
      'Events.Name': ['exception'],
      'Events.Attributes': [{ 'exception.type': 'Error' }],
      'Links.TraceId': [hex(span.links[0].traceId)],
      'Links.SpanId': [hex(span.links[0].spanId)],
      'Links.TraceState': [''],
      'Links.Attributes': [{}],
    });
    expect(row.TraceId).toMatch(/^[0-9a-f]{32}$/);
    expect(row.SpanId).toMatch(/^[0-9a-f]{16}$/);
    expect(row.ResourceAttributes).toEqual({
      'service.name': 'svc-0', 'service.namespace': 'shop', 'service.version': '1.0.0',
      'deployment.environment.name': 'prod', 'host.name': 'host-0', 'telemetry.sdk.language': 'nodejs',
    });
    // Every attribute value as a string: int decimal, double ES6, bool true/false.
    expect(row.SpanAttributes).toEqual({
      'http.request.method': 'GET', 'url.path': '/api/items/0', 'http.response.status_code': '200', 'server.duration': '1.5', retry: 'true',
    });
  });

  test('span 1: parent set, unset status, start shifted by 1_000_123 ns, empty event/link arrays', () => {
    const span = req.resourceSpans[0].scopeSpans[0].spans[1];
    expect(rows[1].row).toMatchObject({
      Timestamp: `${BASE}.001000123Z`, ParentSpanId: hex(span.parentSpanId), StatusCode: 'Unset', StatusMessage: '', Duration: '777777',
      SpanName: 'GET /api/items/1', 'Events.Name': [], 'Links.TraceId': [],
    });
    expect(rows[1].row.SpanAttributes).toMatchObject({ 'server.duration': '2.5', retry: 'false' });
    // Second resource: its own service.
    expect(rows[3].row.ServiceName).toBe('svc-1');
  });

  test('rows are JSON-safe (no bigint) and stable', () => {
    expect(() => JSON.stringify(rows)).not.toThrow();
    expect(rawRowsFor('traces', encodeTraces(req))).toEqual(rows);
  });

  test('an end before the start is a 0 duration, not a wrapped UInt64', () => {
    const skewed = sampleTraces({ resources: 1, itemsPerResource: 1 });
    const s = skewed.resourceSpans[0].scopeSpans[0].spans[0];
    s.endTimeUnixNano = s.startTimeUnixNano - 5n;
    expect(rawRowsFor('traces', encodeTraces(skewed))[0].row.Duration).toBe('0');
  });
});

describe('logs → otel_logs', () => {
  const rows = rawRowsFor('logs', encodeLogs(sampleLogs()));
  test('one row per record with the exporter columns', () => {
    expect(rows).toHaveLength(6);
    expect(new Set(rows.map((r) => r.table))).toEqual(new Set([OTEL_TABLES.logs]));
    const [r0, r1, r2] = rows.map((r) => r.row);
    expect(r0).toMatchObject({
      Timestamp: `${BASE}.000000000Z`, TraceFlags: 1, SeverityText: 'INFO', SeverityNumber: 9, ServiceName: 'svc-0',
      Body: 'user 0 logged in — ✓', ResourceSchemaUrl: '', ScopeSchemaUrl: '', ScopeName: 'logger', ScopeVersion: '2',
      ScopeAttributes: {}, LogAttributes: { 'log.file': 'a.log' },
    });
    expect(r0.TraceId).toMatch(/^[0-9a-f]{32}$/);
    expect(r0.SpanId).toMatch(/^[0-9a-f]{16}$/);
    // A structured body is JSON with sorted keys; bytes base64; ints as numbers.
    expect(r1).toMatchObject({ Timestamp: `${BASE}.000000001Z`, SeverityNumber: 13, Body: '{"msg":"structured","nested":[-1,"AP8="]}' });
    expect(r2.SeverityNumber).toBe(17);
  });

  test('a record without time uses its observed time', () => {
    const req = sampleLogs({ resources: 1, itemsPerResource: 1 });
    req.resourceLogs[0].scopeLogs[0].logRecords[0].timeUnixNano = 0n;
    expect(rawRowsFor('logs', encodeLogs(req))[0].row.Timestamp).toBe(`${BASE}.000000003Z`);
  });
});

describe('metrics → otel_metrics_*', () => {
  const tables = byTable(rawRowsFor('metrics', encodeMetrics(sampleMetrics())));

  test('every point kind lands in its table (2 resources)', () => {
    expect(Object.fromEntries(Object.entries(tables).map(([t, r]) => [t, r.length]))).toEqual({
      otel_metrics_sum: 2, otel_metrics_gauge: 4, otel_metrics_histogram: 2, otel_metrics_exponential_histogram: 2, otel_metrics_summary: 2,
    });
  });

  test('common columns', () => {
    expect(tables.otel_metrics_sum[0]).toMatchObject({
      ServiceName: 'svc-0', ResourceSchemaUrl: 'https://opentelemetry.io/schemas/1.26.0', ScopeName: 'm', ScopeVersion: '',
      ScopeAttributes: { k: 'v' }, ScopeDroppedAttrCount: 0, ScopeSchemaUrl: '', MetricName: 'requests', MetricDescription: 'count',
      MetricUnit: '1', Attributes: { 'http.route': '/a' }, StartTimeUnix: `${BASE}.000000000Z`, TimeUnix: `${BASE}.000000010Z`,
    });
  });

  test('sum: int value as float, temporality, monotonic', () => {
    expect(tables.otel_metrics_sum[0]).toMatchObject({ Value: -42, AggregationTemporality: 2, IsMonotonic: true, Flags: 0, 'Exemplars.Value': [] });
  });

  test('gauge: double values, flags, exemplars as arrays', () => {
    const [g0, g1] = tables.otel_metrics_gauge;
    expect(g0).toMatchObject({
      MetricName: 'temp', MetricUnit: 'Cel', Value: 21.5, Flags: 1, StartTimeUnix: '1970-01-01T00:00:00.000000000Z', TimeUnix: `${BASE}.000000000Z`,
      'Exemplars.FilteredAttributes': [{ 'http.route': '/a' }], 'Exemplars.TimeUnix': [`${BASE}.000000000Z`], 'Exemplars.Value': [3.25],
    });
    expect((g0['Exemplars.SpanId'] as string[])[0]).toMatch(/^[0-9a-f]{16}$/);
    expect((g0['Exemplars.TraceId'] as string[])[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(g1).toMatchObject({ Value: -0.5, Flags: 0, TimeUnix: `${BASE}.000000001Z`, 'Exemplars.TraceId': [] });
  });

  test('histogram: counts as UInt64 strings, bounds, min/max', () => {
    expect(tables.otel_metrics_histogram[0]).toMatchObject({
      MetricName: 'latency', Count: '6', Sum: 12.5, BucketCounts: ['1', '2', '3'], ExplicitBounds: [1, 5], Min: 0.5, Max: 9, AggregationTemporality: 1,
    });
  });

  test('exponential histogram: scale, offsets, buckets; absent sum/min are 0', () => {
    expect(tables.otel_metrics_exponential_histogram[0]).toMatchObject({
      MetricName: 'latency.exp', Count: '5', Sum: 0, Scale: -3, ZeroCount: '1', PositiveOffset: -2, PositiveBucketCounts: ['1', '300'],
      NegativeOffset: 0, NegativeBucketCounts: [], Min: 0, Max: 40, AggregationTemporality: 2,
    });
  });

  test('summary: quantiles as the Nested pair', () => {
    expect(tables.otel_metrics_summary[0]).toMatchObject({
      MetricName: 'rpc.summary', MetricUnit: 's', Count: '3', Sum: 4.5, 'ValueAtQuantiles.Quantile': [0, 0.99], 'ValueAtQuantiles.Value': [1, 2.5], Flags: 0,
    });
  });
});

describe('values', () => {
  test('attribute strings follow pcommon AsString', () => {
    expect(anyValueString({ intValue: -9223372036854775808n })).toBe('-9223372036854775808');
    expect(anyValueString({ doubleValue: 1e21 })).toBe('1e+21');
    expect(anyValueString({ doubleValue: 0.1 })).toBe('0.1');
    expect(anyValueString({ bytesValue: new Uint8Array([0, 255]) })).toBe('AP8=');
    expect(anyValueString(undefined)).toBe('');
    expect(anyValueString({ arrayValue: { values: [{ stringValue: 'a"b' }, { boolValue: false }, { doubleValue: Number.NaN }] } })).toBe('["a\\"b",false,null]');
    expect(anyValueJson({ kvlistValue: { values: [{ key: 'b', value: { intValue: 1n } }, { key: 'a', value: undefined }, { key: 'b', value: { intValue: 2n } }] } }))
      .toBe('{"a":null,"b":2}');
    expect(attributeMap([{ key: 'k', value: { stringValue: 'x' } }, { key: 'k', value: { stringValue: 'y' } }])).toEqual({ k: 'y' });
  });

  test('ids: hex, all-zero or empty is ""', () => {
    expect(idHex(new Uint8Array([0xab, 0x01]))).toBe('ab01');
    expect(idHex(new Uint8Array(16))).toBe('');
    expect(idHex(new Uint8Array(0))).toBe('');
  });

  test('times: nanosecond literals, UTC', () => {
    expect(nsToDateTime64(0n)).toBe('1970-01-01T00:00:00.000000000Z');
    expect(nsToDateTime64(1_700_000_000_123_456_789n)).toBe(`${BASE}.123456789Z`);
  });

  test('non-finite floats as ClickHouse literals', () => {
    expect([floatCell(Number.NaN), floatCell(Infinity), floatCell(-Infinity), floatCell(2.5)]).toEqual(['nan', 'inf', '-inf', 2.5]);
  });
});

describe('records and topics', () => {
  test('a malformed record throws (dead-lettered by the sink), an empty one is no rows', () => {
    expect(() => rawRowsFor('traces', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]))).toThrow();
    expect(rawRowsFor('logs', null)).toEqual([]);
    expect(rawRowsFor('metrics', Buffer.alloc(0))).toEqual([]);
  });

  test('rawSignalOf maps the configured otlp topics only', () => {
    const topics = { spans: 'otlp_spans', metrics: 'otlp_metrics', logs: 'otlp_logs' };
    expect(['otlp_spans', 'otlp_metrics', 'otlp_logs', 'vigil_scores'].map((t) => rawSignalOf(topics, t))).toEqual(['traces', 'metrics', 'logs', undefined]);
  });
});
