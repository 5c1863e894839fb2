// @vigil/otlp: OTLP protobuf and JSON codecs (hand-written from proto/), and the per-resource
// splitter used by the collector. See README.md for conventions and the decode benchmark.
export {
  decodeTraces, decodeMetrics, decodeLogs, decodeExportResponse, decodeRpcStatus, decodeRetryInfoMs,
} from './decode.js';
export {
  encodeTraces, encodeMetrics, encodeLogs, encodeExportResponse, encodeRpcStatus, encodeRetryInfo, RETRY_INFO_TYPE_URL,
} from './encode.js';
export {
  tracesFromJson, metricsFromJson, logsFromJson, tracesToJson, metricsToJson, logsToJson, exportResponseToJson, anyValueToJson,
} from './json.js';
export { splitRequest, validateRequest, serviceKey, UNKNOWN_SERVICE, DEFAULT_MAX_RECORD_BYTES, MAX_COMMIT_BYTES } from './split.js';
export type { ResourceRecord, SplitResult, SplitOptions, ServiceIdentity } from './split.js';
export { DecodeError } from './reader.js';
export { attributeValue, attributesToRecord, hexId } from './util.js';
export { SpanKind, StatusCode, AggregationTemporality } from './types.js';
export type {
  AnyValue, ArrayValue, KeyValueList, KeyValue, InstrumentationScope, EntityRef, Resource, SpanEvent, SpanLink,
  SpanStatus, Span, ScopeSpans, ResourceSpans, ExportTraceServiceRequest, Exemplar, NumberDataPoint,
  HistogramDataPoint, Buckets, ExponentialHistogramDataPoint, ValueAtQuantile, SummaryDataPoint, Gauge, Sum,
  Histogram, ExponentialHistogram, Summary, Metric, ScopeMetrics, ResourceMetrics, ExportMetricsServiceRequest,
  LogRecord, ScopeLogs, ResourceLogs, ExportLogsServiceRequest, PartialSuccess, ExportResponse, RpcAny, RpcStatus,
  Signal,
} from './types.js';
export { sampleTraces, sampleMetrics, sampleLogs, sampleResource, sampleSpan } from './samples.js';
export type { SampleOptions } from './samples.js';
