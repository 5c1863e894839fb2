// Typed OTLP objects, as the hand-written codecs build them (see README.md).
// Conventions (one rule for every message, so consumers never guess):
// - field names are the proto names in lowerCamelCase (the OTLP/JSON key names);
// - scalar fields are always present with their proto3 default when absent on the wire;
// - message fields are `undefined` when absent;
// - every 64-bit integer (fixed64, sfixed64, int64, uint64) is a `bigint`, so nothing is lost
//   between protobuf, JSON and back (nanosecond timestamps exceed 2^53);
// - bytes fields (trace/span ids) are Uint8Array copies (they do not pin the request buffer);
// - `optional double` fields (histogram sum/min/max) are `undefined` when absent.

export interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: bigint;
  doubleValue?: number;
  arrayValue?: ArrayValue;
  kvlistValue?: KeyValueList;
  bytesValue?: Uint8Array;
}
export interface ArrayValue { values: AnyValue[] }
export interface KeyValueList { values: KeyValue[] }
export interface KeyValue { key: string; value: AnyValue | undefined }

export interface InstrumentationScope {
  name: string;
  version: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
}
export interface EntityRef { schemaUrl: string; type: string; idKeys: string[]; descriptionKeys: string[] }
export interface Resource { attributes: KeyValue[]; droppedAttributesCount: number; entityRefs: EntityRef[] }

// ---- traces
export const SpanKind = { UNSPECIFIED: 0, INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;

export interface SpanEvent { timeUnixNano: bigint; name: string; attributes: KeyValue[]; droppedAttributesCount: number }
export interface SpanLink {
  traceId: Uint8Array;
  spanId: Uint8Array;
  traceState: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  flags: number;
}
export interface SpanStatus { message: string; code: number }
export interface Span {
  traceId: Uint8Array;
  spanId: Uint8Array;
  traceState: string;
  parentSpanId: Uint8Array;
  flags: number;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  events: SpanEvent[];
  droppedEventsCount: number;
  links: SpanLink[];
  droppedLinksCount: number;
  status: SpanStatus | undefined;
}
export interface ScopeSpans { scope: InstrumentationScope | undefined; spans: Span[]; schemaUrl: string }
export interface ResourceSpans { resource: Resource | undefined; scopeSpans: ScopeSpans[]; schemaUrl: string }
export interface ExportTraceServiceRequest { resourceSpans: ResourceSpans[] }

// ---- metrics
export const AggregationTemporality = { UNSPECIFIED: 0, DELTA: 1, CUMULATIVE: 2 } as const;

export interface Exemplar {
  filteredAttributes: KeyValue[];
  timeUnixNano: bigint;
  asDouble?: number;
  asInt?: bigint;
  spanId: Uint8Array;
  traceId: Uint8Array;
}
export interface NumberDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  /** Exactly one of asDouble / asInt is set when the point has a value. */
  asDouble?: number;
  asInt?: bigint;
  exemplars: Exemplar[];
  flags: number;
}
export interface HistogramDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: bigint;
  sum: number | undefined;
  bucketCounts: bigint[];
  explicitBounds: number[];
  exemplars: Exemplar[];
  flags: number;
  min: number | undefined;
  max: number | undefined;
}
export interface Buckets { offset: number; bucketCounts: bigint[] }
export interface ExponentialHistogramDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: bigint;
  sum: number | undefined;
  scale: number;
  zeroCount: bigint;
  positive: Buckets | undefined;
  negative: Buckets | undefined;
  flags: number;
  exemplars: Exemplar[];
  min: number | undefined;
  max: number | undefined;
  zeroThreshold: number;
}
export interface ValueAtQuantile { quantile: number; value: number }
export interface SummaryDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: bigint;
  sum: number;
  quantileValues: ValueAtQuantile[];
  flags: number;
}
export interface Gauge { dataPoints: NumberDataPoint[] }
export interface Sum { dataPoints: NumberDataPoint[]; aggregationTemporality: number; isMonotonic: boolean }
export interface Histogram { dataPoints: HistogramDataPoint[]; aggregationTemporality: number }
export interface ExponentialHistogram { dataPoints: ExponentialHistogramDataPoint[]; aggregationTemporality: number }
export interface Summary { dataPoints: SummaryDataPoint[] }
export interface Metric {
  name: string;
  description: string;
  unit: string;
  /** At most one of the five data members is set (proto oneof `data`). */
  gauge?: Gauge;
  sum?: Sum;
  histogram?: Histogram;
  exponentialHistogram?: ExponentialHistogram;
  summary?: Summary;
  metadata: KeyValue[];
}
export interface ScopeMetrics { scope: InstrumentationScope | undefined; metrics: Metric[]; schemaUrl: string }
export interface ResourceMetrics { resource: Resource | undefined; scopeMetrics: ScopeMetrics[]; schemaUrl: string }
export interface ExportMetricsServiceRequest { resourceMetrics: ResourceMetrics[] }

// ---- logs
export interface LogRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  body: AnyValue | undefined;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  flags: number;
  traceId: Uint8Array;
  spanId: Uint8Array;
  eventName: string;
}
export interface ScopeLogs { scope: InstrumentationScope | undefined; logRecords: LogRecord[]; schemaUrl: string }
export interface ResourceLogs { resource: Resource | undefined; scopeLogs: ScopeLogs[]; schemaUrl: string }
export interface ExportLogsServiceRequest { resourceLogs: ResourceLogs[] }

// ---- responses and errors
export interface PartialSuccess { rejected: bigint; errorMessage: string }
/** Export{Trace,Metrics,Logs}ServiceResponse: same shape on the wire (field 1, then 1/2). */
export interface ExportResponse { partialSuccess: PartialSuccess | undefined }
export interface RpcAny { typeUrl: string; value: Uint8Array }
export interface RpcStatus { code: number; message: string; details: RpcAny[] }

export type Signal = 'traces' | 'metrics' | 'logs';
