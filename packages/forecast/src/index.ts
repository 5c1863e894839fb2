export { type ForecasterConfig, DEFAULT_FORECASTER_CONFIG, ForecastConfigError, forecasterConfig } from './config.js';
export { ErrorHistogram, type ErrorHistogramJSON, HISTOGRAM_BUCKETS } from './error-histogram.js';
export { type Forecast, type ForecastStep, SeasonalForecaster, type SeasonalForecasterJSON } from './forecaster.js';
export { type Recommendation, type RecommendOptions, type SizingCurve, type SizingPoint, pickByCost, recommend, sizingCurve } from './recommender.js';
export { DEFAULT_RISK, SIZING } from './risk.js';
export { ExponentialHistogram, VPA_DEFAULTS, VpaCpu, VpaMemory } from './vpa.js';
export { type Band, type ExternalMetricValue, type ExternalMetricValueList, type KedaMetricsApiResponse, externalMetricValueList, kedaMetricsApiResponse, scalingSignal, toQuantity } from './external-metrics.js';
