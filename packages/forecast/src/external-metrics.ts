import type { Forecast } from './forecaster.js';

/**
 * Response shapes that let a Kubernetes autoscaler scale on Vigil's forecast ahead of the load.
 * Pure builders; served by the query API (services/query/src/api/forecast-routes.ts).
 *
 * - Kubernetes External Metrics API (`external.metrics.k8s.io/v1beta1`, what an HPA with an
 *   `External` metric reads through an adapter): an `ExternalMetricValueList` whose items carry
 *   `metricName`, `metricLabels`, `timestamp` (RFC 3339) and `value` as a resource.Quantity string.
 * - KEDA `metrics-api` scaler: any JSON; the ScaledObject points `valueLocation` (a GJSON path) at
 *   the number. Ours is `{ service, metric, leadSec, band, value, origin }`, valueLocation `value`.
 */

export type Band = 'point' | 'hi80' | 'hi95';

/**
 * The value to scale on now: the largest `band` of the short-horizon steps ending within
 * `leadSec` of the origin (the load expected before new pods would be ready), falling back to the
 * first day-ahead step when the short horizon is empty.
 */
export function scalingSignal(forecast: Forecast, leadSec: number, band: Band = 'hi80'): number {
  if (!(leadSec > 0)) throw new RangeError(`scaling signal: "leadSec" must be > 0, got ${JSON.stringify(leadSec)}`);
  let v = -Infinity;
  for (const s of forecast.short) if (s.endSec <= forecast.originSec + leadSec) v = Math.max(v, s[band]);
  if (v === -Infinity && forecast.long.length) v = forecast.long[0][band];
  return Number.isFinite(v) ? v : 0;
}

/**
 * A non-negative number as a Kubernetes resource.Quantity string in milli-units ("1500m"), or as
 * a plain integer when it is one ("3"). Quantities hold at most 3 decimal places in this form.
 */
export function toQuantity(v: number): string {
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`quantity: must be a finite number >= 0, got ${v}`);
  const milli = Math.round(v * 1000);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

export interface ExternalMetricValue {
  metricName: string;
  metricLabels: Record<string, string>;
  timestamp: string;
  value: string;
}

export interface ExternalMetricValueList {
  kind: 'ExternalMetricValueList';
  apiVersion: 'external.metrics.k8s.io/v1beta1';
  metadata: Record<string, never>;
  items: ExternalMetricValue[];
}

/** One item per series: `values` maps the labels of each series to its scaling signal. */
export function externalMetricValueList(metricName: string, atSec: number, values: Array<{ labels: Record<string, string>; value: number }>): ExternalMetricValueList {
  if (!/^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/.test(metricName)) throw new RangeError(`external metrics: "metricName" must be lower-case alphanumerics, '-', '_' or '.', got ${JSON.stringify(metricName)}`);
  const timestamp = new Date(atSec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    kind: 'ExternalMetricValueList',
    apiVersion: 'external.metrics.k8s.io/v1beta1',
    metadata: {},
    items: values.map((v) => ({ metricName, metricLabels: { ...v.labels }, timestamp, value: toQuantity(Math.max(0, v.value)) })),
  };
}

export interface KedaMetricsApiResponse {
  service: string;
  metric: string;
  leadSec: number;
  band: Band;
  /** The number KEDA reads (`valueLocation: value`). */
  value: number;
  /** Origin of the forecast behind it, RFC 3339. */
  origin: string;
}

export function kedaMetricsApiResponse(service: string, metric: string, forecast: Forecast, leadSec: number, band: Band = 'hi80'): KedaMetricsApiResponse {
  return {
    service, metric, leadSec, band,
    value: scalingSignal(forecast, leadSec, band),
    origin: new Date(forecast.originSec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}
