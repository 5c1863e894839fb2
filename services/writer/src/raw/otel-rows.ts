// OTLP export requests → rows of the OpenTelemetry Collector ClickHouse exporter's tables
// (infra/clickhouse/migrations/0005_otel.sql). Pure: no I/O, no clock. Rows are JSONEachRow
// objects: 64-bit integers as decimal strings (JSON numbers lose them past 2^53), times as
// DateTime64(9) literals, Nested columns as their dotted array columns (`Events.Name`, ...).
// Cost: O(size of the request); memory: the rows of one request.
import { decodeLogs, decodeMetrics, decodeTraces } from '@vigil/otlp';
import type {
  ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest, Exemplar, InstrumentationScope, KeyValue,
  Signal,
} from '@vigil/otlp';
import { anyValueString, attributeMap, floatCell, idHex, nsToDateTime64 } from './values.js';

export const OTEL_TABLES = {
  traces: 'otel_traces',
  logs: 'otel_logs',
  gauge: 'otel_metrics_gauge',
  sum: 'otel_metrics_sum',
  histogram: 'otel_metrics_histogram',
  exponentialHistogram: 'otel_metrics_exponential_histogram',
  summary: 'otel_metrics_summary',
} as const;

export type OtelTable = (typeof OTEL_TABLES)[keyof typeof OTEL_TABLES];

export interface OtelRow {
  table: OtelTable;
  row: Record<string, unknown>;
}

// Proto enum names as the collector's pdata String() spells them (ptrace.SpanKind, ptrace.StatusCode),
// which is what the exporter stores and Grafana's OTel mode expects.
const SPAN_KIND = ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'];
const STATUS_CODE = ['Unset', 'Ok', 'Error'];

/** semconv: the resource attribute naming the service (string-valued). */
function serviceName(attrs: KeyValue[] | undefined): string {
  let name = '';
  for (const kv of attrs ?? []) if (kv.key === 'service.name' && kv.value?.stringValue !== undefined) name = kv.value.stringValue;
  return name;
}

const u64 = (x: bigint): string => (x < 0n ? '0' : x.toString());
const intToFloat = (x: bigint): number => Number(x);

function scopeColumns(scope: InstrumentationScope | undefined) {
  return { name: scope?.name ?? '', version: scope?.version ?? '', attributes: attributeMap(scope?.attributes), dropped: scope?.droppedAttributesCount ?? 0 };
}

function traceRows(req: ExportTraceServiceRequest): OtelRow[] {
  const out: OtelRow[] = [];
  for (const rs of req.resourceSpans) {
    const resourceAttributes = attributeMap(rs.resource?.attributes);
    const service = serviceName(rs.resource?.attributes);
    for (const ss of rs.scopeSpans) {
      const scope = scopeColumns(ss.scope);
      for (const s of ss.spans) {
        const duration = s.endTimeUnixNano - s.startTimeUnixNano;
        out.push({
          table: OTEL_TABLES.traces,
          row: {
            Timestamp: nsToDateTime64(s.startTimeUnixNano),
            TraceId: idHex(s.traceId),
            SpanId: idHex(s.spanId),
            ParentSpanId: idHex(s.parentSpanId),
            TraceState: s.traceState,
            SpanName: s.name,
            SpanKind: SPAN_KIND[s.kind] ?? 'Unspecified',
            ServiceName: service,
            ResourceAttributes: resourceAttributes,
            ScopeName: scope.name,
            ScopeVersion: scope.version,
            SpanAttributes: attributeMap(s.attributes),
            // An end before the start (clock skew in the source) is stored as 0, not a wrapped UInt64.
            Duration: u64(duration),
            StatusCode: STATUS_CODE[s.status?.code ?? 0] ?? 'Unset',
            StatusMessage: s.status?.message ?? '',
            'Events.Timestamp': s.events.map((e) => nsToDateTime64(e.timeUnixNano)),
            'Events.Name': s.events.map((e) => e.name),
            'Events.Attributes': s.events.map((e) => attributeMap(e.attributes)),
            'Links.TraceId': s.links.map((l) => idHex(l.traceId)),
            'Links.SpanId': s.links.map((l) => idHex(l.spanId)),
            'Links.TraceState': s.links.map((l) => l.traceState),
            'Links.Attributes': s.links.map((l) => attributeMap(l.attributes)),
          },
        });
      }
    }
  }
  return out;
}

function logRows(req: ExportLogsServiceRequest): OtelRow[] {
  const out: OtelRow[] = [];
  for (const rl of req.resourceLogs) {
    const resourceAttributes = attributeMap(rl.resource?.attributes);
    const service = serviceName(rl.resource?.attributes);
    for (const sl of rl.scopeLogs) {
      const scope = scopeColumns(sl.scope);
      for (const r of sl.logRecords) {
        out.push({
          table: OTEL_TABLES.logs,
          row: {
            // OTLP: time_unix_nano 0 means unknown; the collector's receivers then rely on observed time.
            Timestamp: nsToDateTime64(r.timeUnixNano !== 0n ? r.timeUnixNano : r.observedTimeUnixNano),
            TraceId: idHex(r.traceId),
            SpanId: idHex(r.spanId),
            // The low byte of LogRecord.flags is the W3C trace flags (OTLP logs.proto).
            TraceFlags: r.flags & 0xff,
            SeverityText: r.severityText,
            SeverityNumber: Math.max(0, Math.min(255, r.severityNumber)),
            ServiceName: service,
            Body: anyValueString(r.body),
            ResourceSchemaUrl: rl.schemaUrl,
            ResourceAttributes: resourceAttributes,
            ScopeSchemaUrl: sl.schemaUrl,
            ScopeName: scope.name,
            ScopeVersion: scope.version,
            ScopeAttributes: scope.attributes,
            LogAttributes: attributeMap(r.attributes),
          },
        });
      }
    }
  }
  return out;
}

function exemplarColumns(exemplars: Exemplar[]): Record<string, unknown> {
  return {
    'Exemplars.FilteredAttributes': exemplars.map((e) => attributeMap(e.filteredAttributes)),
    'Exemplars.TimeUnix': exemplars.map((e) => nsToDateTime64(e.timeUnixNano)),
    'Exemplars.Value': exemplars.map((e) => floatCell(e.asDouble ?? (e.asInt !== undefined ? intToFloat(e.asInt) : 0))),
    'Exemplars.SpanId': exemplars.map((e) => idHex(e.spanId)),
    'Exemplars.TraceId': exemplars.map((e) => idHex(e.traceId)),
  };
}

function metricRows(req: ExportMetricsServiceRequest): OtelRow[] {
  const out: OtelRow[] = [];
  for (const rm of req.resourceMetrics) {
    const resourceAttributes = attributeMap(rm.resource?.attributes);
    const service = serviceName(rm.resource?.attributes);
    for (const sm of rm.scopeMetrics) {
      const scope = scopeColumns(sm.scope);
      for (const m of sm.metrics) {
        // The columns every metric table starts with; then the point's own.
        const common = (attributes: KeyValue[], startNs: bigint, timeNs: bigint) => ({
          ResourceAttributes: resourceAttributes,
          ResourceSchemaUrl: rm.schemaUrl,
          ScopeName: scope.name,
          ScopeVersion: scope.version,
          ScopeAttributes: scope.attributes,
          ScopeDroppedAttrCount: scope.dropped,
          ScopeSchemaUrl: sm.schemaUrl,
          ServiceName: service,
          MetricName: m.name,
          MetricDescription: m.description,
          MetricUnit: m.unit,
          Attributes: attributeMap(attributes),
          StartTimeUnix: nsToDateTime64(startNs),
          TimeUnix: nsToDateTime64(timeNs),
        });
        const numberValue = (p: { asDouble?: number; asInt?: bigint }) => floatCell(p.asDouble ?? (p.asInt !== undefined ? intToFloat(p.asInt) : 0));
        if (m.gauge) {
          for (const p of m.gauge.dataPoints) {
            out.push({ table: OTEL_TABLES.gauge, row: {
              ...common(p.attributes, p.startTimeUnixNano, p.timeUnixNano), Value: numberValue(p), Flags: p.flags, ...exemplarColumns(p.exemplars),
            } });
          }
        } else if (m.sum) {
          for (const p of m.sum.dataPoints) {
            out.push({ table: OTEL_TABLES.sum, row: {
              ...common(p.attributes, p.startTimeUnixNano, p.timeUnixNano), Value: numberValue(p), Flags: p.flags, ...exemplarColumns(p.exemplars),
              AggregationTemporality: m.sum.aggregationTemporality, IsMonotonic: m.sum.isMonotonic,
            } });
          }
        } else if (m.histogram) {
          for (const p of m.histogram.dataPoints) {
            out.push({ table: OTEL_TABLES.histogram, row: {
              ...common(p.attributes, p.startTimeUnixNano, p.timeUnixNano), Count: u64(p.count), Sum: floatCell(p.sum ?? 0),
              BucketCounts: p.bucketCounts.map(u64), ExplicitBounds: p.explicitBounds.map(floatCell), ...exemplarColumns(p.exemplars),
              Flags: p.flags, Min: floatCell(p.min ?? 0), Max: floatCell(p.max ?? 0), AggregationTemporality: m.histogram.aggregationTemporality,
            } });
          }
        } else if (m.exponentialHistogram) {
          for (const p of m.exponentialHistogram.dataPoints) {
            out.push({ table: OTEL_TABLES.exponentialHistogram, row: {
              ...common(p.attributes, p.startTimeUnixNano, p.timeUnixNano), Count: u64(p.count), Sum: floatCell(p.sum ?? 0),
              Scale: p.scale, ZeroCount: u64(p.zeroCount),
              PositiveOffset: p.positive?.offset ?? 0, PositiveBucketCounts: (p.positive?.bucketCounts ?? []).map(u64),
              NegativeOffset: p.negative?.offset ?? 0, NegativeBucketCounts: (p.negative?.bucketCounts ?? []).map(u64),
              ...exemplarColumns(p.exemplars), Flags: p.flags, Min: floatCell(p.min ?? 0), Max: floatCell(p.max ?? 0),
              AggregationTemporality: m.exponentialHistogram.aggregationTemporality,
            } });
          }
        } else if (m.summary) {
          for (const p of m.summary.dataPoints) {
            out.push({ table: OTEL_TABLES.summary, row: {
              ...common(p.attributes, p.startTimeUnixNano, p.timeUnixNano), Count: u64(p.count), Sum: floatCell(p.sum),
              'ValueAtQuantiles.Quantile': p.quantileValues.map((q) => floatCell(q.quantile)),
              'ValueAtQuantiles.Value': p.quantileValues.map((q) => floatCell(q.value)),
              Flags: p.flags,
            } });
          }
        }
        // A metric without data (proto oneof unset) has no points: nothing to land.
      }
    }
  }
  return out;
}

/**
 * The rows of one otlp_* record: the value is one OTLP protobuf Export*ServiceRequest, as the
 * collector (and the OTel Collector's Kafka exporter) writes it. Throws the decoder's error on a
 * malformed record (the caller dead-letters it).
 */
export function rawRowsFor(signal: Signal, value: Uint8Array | null): OtelRow[] {
  const buf = value ?? new Uint8Array(0);
  switch (signal) {
    case 'traces': return traceRows(decodeTraces(buf));
    case 'metrics': return metricRows(decodeMetrics(buf));
    case 'logs': return logRows(decodeLogs(buf));
  }
}

/** Which signal a topic carries, when it is one of the raw OTLP topics. */
export function rawSignalOf(topics: { spans: string; metrics: string; logs: string }, topic: string): Signal | undefined {
  if (topic === topics.spans) return 'traces';
  if (topic === topics.metrics) return 'metrics';
  if (topic === topics.logs) return 'logs';
  return undefined;
}
