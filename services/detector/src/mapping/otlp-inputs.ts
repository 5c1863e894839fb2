import { attributesToRecord, decodeLogs, decodeMetrics, decodeTraces } from '@vigil/otlp';
import type { KeyValue, Resource, Span } from '@vigil/otlp';
import type { LogRecordInput, MetricPointInput, SpanInput } from '@vigil/features';

// OTLP requests (one record: one or more resources — ours hold one, an OpenTelemetry
// Collector's Kafka exporter may put a whole request in a record) → the plain inputs of
// @vigil/features. Decoding errors propagate: the caller dead-letters the record.

export interface ResourceIdentity {
  /** service.namespace/service.name, or service.name. */
  service: string;
  version: string | undefined;
  environment: string | undefined;
}

const UNKNOWN = 'unknown_service';

function resourceIdentity(resource: Resource | undefined): ResourceIdentity {
  let name = '';
  let namespace = '';
  let version: string | undefined;
  let environment: string | undefined;
  for (const kv of resource?.attributes ?? []) {
    const v = kv.value?.stringValue;
    if (v === undefined) continue;
    if (kv.key === 'service.name') name = v;
    else if (kv.key === 'service.namespace') namespace = v;
    else if (kv.key === 'service.version') version = v;
    else if (kv.key === 'deployment.environment.name' || kv.key === 'deployment.environment') environment = v;
  }
  name ||= UNKNOWN;
  return { service: namespace ? `${namespace}/${name}` : name, version, environment };
}

/** Only the attributes RED needs, so large attribute lists are not copied per span. */
const RED_ATTRIBUTES = new Set(['http.response.status_code', 'http.status_code', 'rpc.grpc.status_code']);
function redAttributes(list: KeyValue[]): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  for (const kv of list) {
    if (!RED_ATTRIBUTES.has(kv.key)) continue;
    const v = kv.value;
    out ??= {};
    out[kv.key] = v?.intValue ?? v?.stringValue ?? v?.doubleValue;
  }
  return out;
}

/** A span as the detector reads it: RED inputs, plus the error message verification templates. */
export interface DetectorSpan extends SpanInput {
  /** Error spans: the status message, else the first exception event's type and message (OTel semantic conventions). */
  errorMessage?: string;
}

export interface SpanBatch {
  identity: ResourceIdentity;
  spans: DetectorSpan[];
}

function errorMessageOf(s: Span): string | undefined {
  if (s.status?.code !== 2) return undefined;
  if (s.status.message) return s.status.message;
  const ev = s.events.find((e) => e.name === 'exception');
  if (!ev) return undefined;
  const attr = (k: string) => {
    const v = ev.attributes.find((a) => a.key === k)?.value?.stringValue;
    return typeof v === 'string' ? v : '';
  };
  const text = `${attr('exception.type')}: ${attr('exception.message')}`.trim();
  return text === ':' ? undefined : text;
}

export function spansFromRecord(bytes: Uint8Array): SpanBatch[] {
  const req = decodeTraces(bytes);
  return req.resourceSpans.map((rs) => {
    const identity = resourceIdentity(rs.resource);
    const spans: DetectorSpan[] = [];
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        const errorMessage = errorMessageOf(s);
        spans.push({
          ...(errorMessage !== undefined ? { errorMessage } : {}),
          service: identity.service, serviceVersion: identity.version, name: s.name, kind: s.kind,
          startTimeUnixNano: s.startTimeUnixNano, endTimeUnixNano: s.endTimeUnixNano, statusCode: s.status?.code ?? 0,
          attributes: redAttributes(s.attributes),
        });
      }
    }
    return { identity, spans };
  });
}

export function metricPointsFromRecord(bytes: Uint8Array): { identity: ResourceIdentity; points: MetricPointInput[] }[] {
  const req = decodeMetrics(bytes);
  return req.resourceMetrics.map((rm) => {
    const identity = resourceIdentity(rm.resource);
    const points: MetricPointInput[] = [];
    const service = identity.service;
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        const common = (p: { attributes: KeyValue[]; timeUnixNano: bigint; startTimeUnixNano: bigint }) => ({
          service, metric: m.name, attributes: attributesToRecord(p.attributes), timeUnixNano: p.timeUnixNano,
          startTimeUnixNano: p.startTimeUnixNano || undefined, unit: m.unit || undefined,
        });
        for (const p of m.gauge?.dataPoints ?? []) {
          points.push({ ...common(p), type: 'gauge', value: p.asDouble ?? Number(p.asInt ?? 0) });
        }
        if (m.sum) {
          const temporality = m.sum.aggregationTemporality === 1 ? 'delta' : 'cumulative';
          for (const p of m.sum.dataPoints) {
            points.push({ ...common(p), type: 'sum', value: p.asDouble ?? Number(p.asInt ?? 0), monotonic: m.sum.isMonotonic, temporality });
          }
        }
        if (m.histogram) {
          const temporality = m.histogram.aggregationTemporality === 1 ? 'delta' : 'cumulative';
          for (const p of m.histogram.dataPoints) {
            points.push({
              ...common(p), type: 'histogram', temporality, count: Number(p.count), sum: p.sum,
              bucketCounts: p.bucketCounts.map(Number), explicitBounds: p.explicitBounds, min: p.min, max: p.max,
            });
          }
        }
        if (m.exponentialHistogram) {
          const temporality = m.exponentialHistogram.aggregationTemporality === 1 ? 'delta' : 'cumulative';
          for (const p of m.exponentialHistogram.dataPoints) {
            points.push({
              ...common(p), type: 'exponentialHistogram', temporality, count: Number(p.count), sum: p.sum, scale: p.scale,
              zeroCount: Number(p.zeroCount),
              positive: { offset: p.positive?.offset ?? 0, bucketCounts: (p.positive?.bucketCounts ?? []).map(Number) },
              negative: p.negative ? { offset: p.negative.offset, bucketCounts: p.negative.bucketCounts.map(Number) } : undefined,
              min: p.min, max: p.max,
            });
          }
        }
        for (const p of m.summary?.dataPoints ?? []) {
          points.push({ ...common(p), type: 'summary', count: Number(p.count), sum: p.sum, quantiles: p.quantileValues });
        }
      }
    }
    return { identity, points };
  });
}

export function logsFromRecord(bytes: Uint8Array): { identity: ResourceIdentity; records: LogRecordInput[] }[] {
  const req = decodeLogs(bytes);
  return req.resourceLogs.map((rl) => {
    const identity = resourceIdentity(rl.resource);
    const records: LogRecordInput[] = [];
    for (const sl of rl.scopeLogs) {
      for (const r of sl.logRecords) {
        const body = r.body?.stringValue ?? (r.body ? JSON.stringify(attributesToRecord([{ key: 'body', value: r.body }]).body, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) : '');
        records.push({
          service: identity.service, body, severityNumber: r.severityNumber || undefined, severityText: r.severityText || undefined,
          timeUnixNano: r.timeUnixNano, observedTimeUnixNano: r.observedTimeUnixNano,
        });
      }
    }
    return { identity, records };
  });
}
