// Deterministic sample requests for tests and benchmarks (here and in other packages).
// Every field of every message kind is populated at least once, so codec tests cover them.
import type {
  ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest, KeyValue, Resource, Span,
} from './types.js';

export interface SampleOptions {
  resources?: number;
  /** Spans (or log records, or metrics) per resource. */
  itemsPerResource?: number;
  /** Extra string attributes per span, to tune the size (about 30 bytes each). */
  extraAttributes?: number;
  /** Seed for ids; same seed, same bytes. */
  seed?: number;
  serviceNamespace?: string;
}

function id(seed: number, n: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  let x = (seed * 2654435761 + n * 40503 + 1) >>> 0;
  for (let i = 0; i < len; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = (x >>> 16) & 0xff;
  }
  out[0] |= 1; // never all-zero (invalid per W3C trace context)
  return out;
}

const str = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });

export function sampleResource(i: number, namespace = 'shop'): Resource {
  return {
    attributes: [
      str('service.name', `svc-${i}`),
      ...(namespace ? [str('service.namespace', namespace)] : []),
      str('service.version', `1.${i}.0`),
      str('deployment.environment.name', 'prod'),
      str('host.name', `host-${i}`),
      str('telemetry.sdk.language', 'nodejs'),
    ],
    droppedAttributesCount: 0,
    entityRefs: [],
  };
}

const BASE_NS = 1_700_000_000_000_000_000n;

export function sampleSpan(seed: number, n: number, extra = 0): Span {
  const attributes: KeyValue[] = [
    str('http.request.method', 'GET'),
    str('url.path', `/api/items/${n}`),
    { key: 'http.response.status_code', value: { intValue: 200n } },
    { key: 'server.duration', value: { doubleValue: 1.5 + n } },
    { key: 'retry', value: { boolValue: n % 2 === 0 } },
  ];
  for (let i = 0; i < extra; i++) attributes.push(str(`attr.${i}`, `value-${n}-${i}`));
  return {
    traceId: id(seed, n >> 3, 16),
    spanId: id(seed, n + 100000, 8),
    traceState: n === 0 ? 'vendor=x' : '',
    parentSpanId: n % 8 === 0 ? new Uint8Array(0) : id(seed, n + 99999, 8),
    flags: 0x101,
    name: `GET /api/items/${n % 10}`,
    kind: 2,
    startTimeUnixNano: BASE_NS + BigInt(n) * 1_000_123n,
    endTimeUnixNano: BASE_NS + BigInt(n) * 1_000_123n + 777_777n,
    attributes,
    droppedAttributesCount: 0,
    events: n === 0 ? [{ timeUnixNano: BASE_NS + 5n, name: 'exception', attributes: [str('exception.type', 'Error')], droppedAttributesCount: 1 }] : [],
    droppedEventsCount: 0,
    links: n === 0 ? [{ traceId: id(seed, 7, 16), spanId: id(seed, 8, 8), traceState: '', attributes: [], droppedAttributesCount: 0, flags: 1 }] : [],
    droppedLinksCount: 0,
    status: n % 5 === 0 ? { message: 'boom', code: 2 } : undefined,
  };
}

export function sampleTraces(o: SampleOptions = {}): ExportTraceServiceRequest {
  const seed = o.seed ?? 1;
  const resources = o.resources ?? 2;
  const per = o.itemsPerResource ?? 3;
  return {
    resourceSpans: Array.from({ length: resources }, (_, r) => ({
      resource: sampleResource(r, o.serviceNamespace ?? 'shop'),
      scopeSpans: [{
        scope: { name: '@vigil/sample', version: '1.0.0', attributes: [], droppedAttributesCount: 0 },
        spans: Array.from({ length: per }, (_, n) => sampleSpan(seed + r, n, o.extraAttributes ?? 0)),
        schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
      }],
      schemaUrl: '',
    })),
  };
}

export function sampleMetrics(o: SampleOptions = {}): ExportMetricsServiceRequest {
  const resources = o.resources ?? 2;
  const attrs = [str('http.route', '/a')];
  return {
    resourceMetrics: Array.from({ length: resources }, (_, r) => ({
      resource: sampleResource(r, o.serviceNamespace ?? 'shop'),
      scopeMetrics: [{
        scope: { name: 'm', version: '', attributes: [str('k', 'v')], droppedAttributesCount: 0 },
        metrics: [
          { name: 'requests', description: 'count', unit: '1', metadata: [], sum: {
            dataPoints: [{ attributes: attrs, startTimeUnixNano: BASE_NS, timeUnixNano: BASE_NS + 10n, asInt: -42n, exemplars: [], flags: 0 }],
            aggregationTemporality: 2, isMonotonic: true } },
          { name: 'temp', description: '', unit: 'Cel', metadata: [], gauge: {
            dataPoints: [
              { attributes: [], startTimeUnixNano: 0n, timeUnixNano: BASE_NS, asDouble: 21.5, flags: 1, exemplars: [
                { filteredAttributes: attrs, timeUnixNano: BASE_NS, asDouble: 3.25, spanId: id(r, 1, 8), traceId: id(r, 2, 16) }] },
              { attributes: [], startTimeUnixNano: 0n, timeUnixNano: BASE_NS + 1n, asDouble: -0.5, flags: 0, exemplars: [] },
            ] } },
          { name: 'latency', description: '', unit: 'ms', metadata: [], histogram: {
            dataPoints: [{ attributes: attrs, startTimeUnixNano: BASE_NS, timeUnixNano: BASE_NS + 1n, count: 6n, sum: 12.5,
              bucketCounts: [1n, 2n, 3n], explicitBounds: [1, 5], exemplars: [], flags: 0, min: 0.5, max: 9 }],
            aggregationTemporality: 1 } },
          { name: 'latency.exp', description: '', unit: 'ms', metadata: [], exponentialHistogram: {
            dataPoints: [{ attributes: [], startTimeUnixNano: BASE_NS, timeUnixNano: BASE_NS + 1n, count: 5n, sum: undefined, scale: -3,
              zeroCount: 1n, positive: { offset: -2, bucketCounts: [1n, 300n] }, negative: { offset: 0, bucketCounts: [] }, flags: 0,
              exemplars: [], min: undefined, max: 40, zeroThreshold: 1e-9 }],
            aggregationTemporality: 2 } },
          { name: 'rpc.summary', description: '', unit: 's', metadata: [str('m', 'x')], summary: {
            dataPoints: [{ attributes: [], startTimeUnixNano: 0n, timeUnixNano: BASE_NS, count: 3n, sum: 4.5,
              quantileValues: [{ quantile: 0, value: 1 }, { quantile: 0.99, value: 2.5 }], flags: 0 }] } },
        ],
        schemaUrl: '',
      }],
      schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
    })),
  };
}

export function sampleLogs(o: SampleOptions = {}): ExportLogsServiceRequest {
  const resources = o.resources ?? 2;
  const per = o.itemsPerResource ?? 3;
  return {
    resourceLogs: Array.from({ length: resources }, (_, r) => ({
      resource: sampleResource(r, o.serviceNamespace ?? 'shop'),
      scopeLogs: [{
        scope: { name: 'logger', version: '2', attributes: [], droppedAttributesCount: 0 },
        logRecords: Array.from({ length: per }, (_, n) => ({
          timeUnixNano: BASE_NS + BigInt(n), observedTimeUnixNano: BASE_NS + BigInt(n) + 3n, severityNumber: 9 + (n % 3) * 4,
          severityText: 'INFO', body: n % 2 === 0 ? { stringValue: `user ${n} logged in — ✓` } : {
            kvlistValue: { values: [str('msg', 'structured'), { key: 'nested', value: { arrayValue: { values: [{ intValue: -1n }, { bytesValue: new Uint8Array([0, 255]) }] } } }] } },
          attributes: [str('log.file', 'a.log')], droppedAttributesCount: 0, flags: 1, traceId: id(r, n, 16), spanId: id(r, n, 8),
          eventName: n === 1 ? 'login' : '',
        })),
        schemaUrl: '',
      }],
      schemaUrl: '',
    })),
  };
}
