import { describe, expect, it } from 'vitest';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { SpanKind as ApiSpanKind } from '@opentelemetry/api';
import { opentelemetry as pb } from '../generated/otlp-pbjs.js';
import { decodeLogs, decodeMetrics, decodeTraces, decodeExportResponse, decodeRpcStatus, decodeRetryInfoMs } from './decode.js';
import { encodeExportResponse, encodeLogs, encodeMetrics, encodeRetryInfo, encodeRpcStatus, encodeTraces } from './encode.js';
import { DecodeError } from './reader.js';
import { logsFromJson, logsToJson, metricsFromJson, metricsToJson, tracesFromJson, tracesToJson } from './json.js';
import { sampleLogs, sampleMetrics, sampleTraces } from './samples.js';
import { attributesToRecord, hexId } from './util.js';

const TraceReq = pb.proto.collector.trace.v1.ExportTraceServiceRequest;
const MetricsReq = pb.proto.collector.metrics.v1.ExportMetricsServiceRequest;
const LogsReq = pb.proto.collector.logs.v1.ExportLogsServiceRequest;

describe('protobuf codec', () => {
  it('round-trips traces, metrics and logs through encode/decode', () => {
    const t = sampleTraces({ resources: 3, itemsPerResource: 9 });
    expect(decodeTraces(encodeTraces(t))).toEqual(t);
    const m = sampleMetrics({ resources: 2 });
    expect(decodeMetrics(encodeMetrics(m))).toEqual(m);
    const l = sampleLogs({ resources: 2, itemsPerResource: 4 });
    expect(decodeLogs(encodeLogs(l))).toEqual(l);
  });

  it('agrees with the protobufjs reference codec generated from the same .proto files', () => {
    // Our bytes -> protobufjs decode -> protobufjs encode -> our decode: same objects.
    const t = sampleTraces({ resources: 2, itemsPerResource: 5 });
    const viaPbjsT = TraceReq.encode(TraceReq.decode(encodeTraces(t))).finish();
    expect(decodeTraces(viaPbjsT)).toEqual(t);
    const m = sampleMetrics();
    expect(decodeMetrics(MetricsReq.encode(MetricsReq.decode(encodeMetrics(m))).finish())).toEqual(m);
    const l = sampleLogs();
    expect(decodeLogs(LogsReq.encode(LogsReq.decode(encodeLogs(l))).finish())).toEqual(l);
  });

  it('decodes what the OpenTelemetry JS SDK serializer produces (official field numbers)', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'checkout', 'service.namespace': 'shop', 'service.version': '2.1.0' }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer('lib', '0.1');
    const span = tracer.startSpan('charge', { kind: ApiSpanKind.CLIENT, attributes: { 'n': 7, 'ok': true, 's': 'x', 'f': 0.25, 'arr': ['a', 'b'] } });
    span.addEvent('retry', { attempt: 2 });
    span.end();
    const spans = exporter.getFinishedSpans();
    const bytes = ProtobufTraceSerializer.serializeRequest(spans)!;
    const req = decodeTraces(bytes);
    const rs = req.resourceSpans[0];
    expect(attributesToRecord(rs.resource!.attributes)).toMatchObject({ 'service.name': 'checkout', 'service.namespace': 'shop', 'service.version': '2.1.0' });
    expect(rs.scopeSpans[0].scope).toMatchObject({ name: 'lib', version: '0.1' });
    const s = rs.scopeSpans[0].spans[0];
    expect(s.name).toBe('charge');
    expect(s.kind).toBe(3); // SPAN_KIND_CLIENT = ApiSpanKind.CLIENT (2) + 1
    expect(hexId(s.traceId)).toBe(spans[0].spanContext().traceId);
    expect(hexId(s.spanId)).toBe(spans[0].spanContext().spanId);
    expect(attributesToRecord(s.attributes)).toEqual({ n: 7n, ok: true, s: 'x', f: 0.25, arr: ['a', 'b'] });
    expect(s.events[0].name).toBe('retry');
    const [sec, nanos] = spans[0].startTime;
    expect(s.startTimeUnixNano).toBe(BigInt(sec) * 1_000_000_000n + BigInt(nanos));
    // The SDK's OTLP/JSON of the same spans maps to the same objects.
    const json: unknown = JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)));
    expect(tracesFromJson(json)).toEqual(req);
  });

  it('encodes responses, google.rpc.Status and RetryInfo readable by protobufjs', () => {
    const res = encodeExportResponse({ partialSuccess: { rejected: 3n, errorMessage: 'too big' } });
    const ref = pb.proto.collector.trace.v1.ExportTraceServiceResponse.decode(res);
    expect(String(ref.partialSuccess!.rejectedSpans)).toBe('3');
    expect(ref.partialSuccess!.errorMessage).toBe('too big');
    expect(decodeExportResponse(res).partialSuccess).toEqual({ rejected: 3n, errorMessage: 'too big' });
    expect(encodeExportResponse({ partialSuccess: undefined }).length).toBe(0);
    const retry = encodeRetryInfo(2500);
    expect(decodeRetryInfoMs(retry)).toBe(2500);
    const st = encodeRpcStatus({ code: 14, message: 'later', details: [{ typeUrl: 'type.googleapis.com/google.rpc.RetryInfo', value: retry }] });
    const { google } = await_import_google();
    const refSt = google.rpc.Status.decode(st);
    expect(refSt.code).toBe(14);
    // protobufjs keeps its built-in google.protobuf.Any, whose field name stays snake_case.
    expect((refSt.details[0] as unknown as { type_url: string }).type_url).toBe('type.googleapis.com/google.rpc.RetryInfo');
    const ri = google.rpc.RetryInfo.decode(refSt.details[0].value);
    expect(String(ri.retryDelay!.seconds)).toBe('2');
    expect(ri.retryDelay!.nanos).toBe(500_000_000);
    expect(decodeRpcStatus(st).details[0].typeUrl).toContain('RetryInfo');
  });
});

import * as generated from '../generated/otlp-pbjs.js';
function await_import_google() {
  return generated as unknown as { google: typeof generated.google };
}

describe('OTLP/JSON mapping', () => {
  it('round-trips through JSON text (64-bit as strings, hex ids, integer enums)', () => {
    const t = sampleTraces({ resources: 2, itemsPerResource: 6 });
    const text = JSON.stringify(tracesToJson(t));
    expect(text).toContain('"startTimeUnixNano":"1700000000000000000"');
    expect(text).toMatch(/"traceId":"[0-9a-f]{32}"/);
    expect(text).toContain('"kind":2');
    expect(tracesFromJson(JSON.parse(text))).toEqual(t);
    const m = sampleMetrics();
    expect(metricsFromJson(JSON.parse(JSON.stringify(metricsToJson(m))))).toEqual(m);
    const l = sampleLogs();
    expect(logsFromJson(JSON.parse(JSON.stringify(logsToJson(l))))).toEqual(l);
  });

  it('accepts original proto field names, numbers for 64-bit ints and enum names', () => {
    const req = tracesFromJson({
      resource_spans: [{
        resource: { attributes: [{ key: 'service.name', value: { string_value: 'a' } }] },
        scope_spans: [{ spans: [{
          trace_id: '0102030405060708090a0b0c0d0e0f10', span_id: 'AABBCCDDEEFF0011', name: 'x', kind: 'SPAN_KIND_SERVER',
          start_time_unix_nano: 1700000000000000000, end_time_unix_nano: '1700000000000000001',
          attributes: [{ key: 'n', value: { int_value: 5 } }], status: { code: 2 },
        }] }],
      }],
    });
    const s = req.resourceSpans[0].scopeSpans[0].spans[0];
    expect(hexId(s.traceId)).toBe('0102030405060708090a0b0c0d0e0f10');
    expect(hexId(s.spanId)).toBe('aabbccddeeff0011');
    expect(s.kind).toBe(2);
    expect(s.endTimeUnixNano).toBe(1700000000000000001n);
    expect(s.attributes[0].value).toEqual({ intValue: 5n });
    expect(s.status).toEqual({ message: '', code: 2 });
  });

  it.each([
    ['not an object', 42],
    ['resourceSpans not an array', { resourceSpans: {} }],
    ['bad hex id', { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'xyz' }] }] }] }],
    ['odd hex length', { resourceSpans: [{ scopeSpans: [{ spans: [{ spanId: 'abc' }] }] }] }],
    ['name not a string', { resourceSpans: [{ scopeSpans: [{ spans: [{ name: 5 }] }] }] }],
    ['time not an integer', { resourceSpans: [{ scopeSpans: [{ spans: [{ startTimeUnixNano: '1.5' }] }] }] }],
    ['uint64 out of range', { resourceSpans: [{ scopeSpans: [{ spans: [{ startTimeUnixNano: '18446744073709551616' }] }] }] }],
    ['kind unknown name', { resourceSpans: [{ scopeSpans: [{ spans: [{ kind: 'SIDEWAYS' }] }] }] }],
  ])('rejects %s with DecodeError', (_name, value) => {
    expect(() => tracesFromJson(value)).toThrow(DecodeError);
  });
});
