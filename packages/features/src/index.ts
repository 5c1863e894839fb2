// Spans, metrics and logs into series
export {
  DEFAULT_RED_OPTIONS,
  GRPC_SERVER_ERROR_CODES,
  RedAggregator,
  SPAN_KIND_CONSUMER,
  SPAN_KIND_SERVER,
  STATUS_CODE_ERROR,
  isErrorSpan,
  redSeriesKey,
  resolveRedOptions,
} from './red.js';
export type { AddSpanResult, RedAggregatorJSON, RedOptions, RedStats, RedWindow, SpanInput } from './red.js';
export {
  DEFAULT_METRIC_SERIES_OPTIONS,
  MetricSeries,
  explicitHistogramQuantile,
  exponentialHistogramQuantile,
  metricSampleHash,
  metricSeriesKey,
  resolveMetricSeriesOptions,
} from './metrics.js';
export type {
  ExponentialBuckets,
  ExponentialHistogramPointInput,
  GaugePointInput,
  HistogramPointInput,
  MetricField,
  MetricPointInput,
  MetricSample,
  MetricSeriesJSON,
  MetricSeriesOptions,
  MetricSeriesStats,
  SummaryPointInput,
  SumPointInput,
  Temporality,
} from './metrics.js';
export { LogTemplateFeatures, logBodyText } from './logs.js';
export type { LogRecordInput } from './logs.js';
export { nanosToMs, nanosToNumber } from './time.js';
export type { UnixNano } from './time.js';
