import { describe, expect, it } from 'vitest';
import { externalMetricValueList, kedaMetricsApiResponse, scalingSignal, toQuantity } from './external-metrics.js';
import type { Forecast } from './forecaster.js';

const origin = 1_764_892_800; // 2025-12-05T00:00:00Z
const fc: Forecast = {
  originSec: origin,
  short: Array.from({ length: 12 }, (_, i) => ({ endSec: origin + 300 * (i + 1), point: 10 + i, lo80: 8 + i, hi80: 12 + i, lo95: 7 + i, hi95: 14 + i })),
  long: [{ endSec: origin + 3600, point: 20, lo80: 15, hi80: 25, lo95: 12, hi95: 30 }],
};

describe('external metrics', () => {
  it('scales on the largest band within the lead time', () => {
    expect(scalingSignal(fc, 900, 'hi80')).toBe(14); // steps ending at +5, +10, +15 min
    expect(scalingSignal(fc, 900, 'point')).toBe(12);
    expect(scalingSignal({ ...fc, short: [] }, 900, 'hi95')).toBe(30);
    expect(() => scalingSignal(fc, 0)).toThrow(/"leadSec" must be > 0/);
  });

  it('writes resource.Quantity strings (integers plain, otherwise milli-units)', () => {
    expect(toQuantity(3)).toBe('3');
    expect(toQuantity(1.5)).toBe('1500m');
    expect(toQuantity(0.0004)).toBe('0');
    expect(() => toQuantity(-1)).toThrow(/>= 0/);
  });

  it('builds the documented ExternalMetricValueList shape', () => {
    const list = externalMetricValueList('vigil-forecast-rate', origin, [{ labels: { service: 'checkout' }, value: 12.25 }]);
    // external.metrics.k8s.io/v1beta1: kind, apiVersion, metadata, items[{metricName, metricLabels, timestamp, value}]
    expect(list).toEqual({
      kind: 'ExternalMetricValueList',
      apiVersion: 'external.metrics.k8s.io/v1beta1',
      metadata: {},
      items: [{ metricName: 'vigil-forecast-rate', metricLabels: { service: 'checkout' }, timestamp: '2025-12-05T00:00:00Z', value: '12250m' }],
    });
    expect(() => externalMetricValueList('Bad Name', origin, [])).toThrow(/"metricName"/);
  });

  it('builds a KEDA metrics-api body whose valueLocation "value" is a number', () => {
    const body = kedaMetricsApiResponse('checkout', 'rate', fc, 900);
    expect(body).toEqual({ service: 'checkout', metric: 'rate', leadSec: 900, band: 'hi80', value: 14, origin: '2025-12-05T00:00:00Z' });
    expect(typeof (JSON.parse(JSON.stringify(body)) as { value: unknown }).value).toBe('number');
  });
});
