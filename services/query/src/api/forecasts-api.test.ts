// Forecast records (vigil.forecast/1) land in `forecasts` exactly once (0009_forecasts.sql), and
// the query API serves them: GET /v1/forecasts (latest per series), GET /v1/capacity, the KEDA
// metrics-api body and the Kubernetes External Metrics API, behind the listener's bearer auth.
// Records land through the writer's sink (test/support/read-side.ts); the query service
// (createQuery) answers. The record → row mapping itself is tested in the writer (rows.test.ts).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ForecastRecord } from '@vigil/records';
import type { Store } from '@vigil/store';
import { servicesOfSelector } from './forecast-routes.js';
import { landThroughSink, migratedStore, startQuery } from '../../../../test/support/read-side.js';
import type { RunningQuery, TestStore } from '../../../../test/support/read-side.js';
import type { ApiForecast } from './forecast-routes.js';

const H = 3_600_000;
const S5 = 300_000;
const O = 1_790_002_800_000; // on the hour
const TOKEN = 'forecast-test-token';

/** A forecast with steps whose mean is `level + i` and bounds ±1 / ±2 around it. */
function forecast(service: string, metric: string, kind: ForecastRecord['kind'], horizon: 'short' | 'long', originMs: number, level: number, rec?: ForecastRecord['recommendation'], part?: string): ForecastRecord {
  const stepMs = horizon === 'short' ? S5 : H;
  const n = horizon === 'short' ? 12 : 24;
  return {
    schema: 'vigil.forecast/1', id: `${service}|${metric}|${part ?? ''}|${horizon}|${originMs}`, service, metric, ...(part ? { part } : {}), kind, horizon, originMs, stepMs,
    points: Array.from({ length: n }, (_, i) => ({ endMs: originMs + (i + 1) * stepMs, mean: level + i, lo80: level + i - 1, hi80: level + i + 1, lo95: level + i - 2, hi95: level + i + 2 })),
    learnt: 300, withheld: 6, ...(rec ? { recommendation: rec } : {}),
  };
}

const CPU_REC = { request: 2.4, riskShort: 0.03, expectedSlack: 0.5, expectedShortfall: 0.1, peak: 2.1, mean: 1.5, replicas: 4, why: 'day-ahead forecast peaks at 2.10' };
const MEM_REC = { request: 5e8, riskShort: 0.004, expectedSlack: 6e7, expectedShortfall: 1e6, peak: 4.6e8, mean: 4e8, why: 'memory forecast' };
const records: ForecastRecord[] = [
  forecast('checkout', 'rate', 'load', 'short', O - S5, 40),
  forecast('checkout', 'rate', 'load', 'short', O, 50), // the latest: mean 50..61
  forecast('checkout', 'rate', 'load', 'long', O - H, 45),
  forecast('checkout', 'rate', 'load', 'long', O, 55),
  forecast('checkout', 'process.cpu.utilization', 'cpu', 'long', O, 0.5, { ...CPU_REC, request: 9, replicas: 13 }),
  forecast('checkout', 'k8s.pod.cpu.usage', 'cpu', 'long', O - H, 1, { ...CPU_REC, request: 1 }),
  forecast('checkout', 'k8s.pod.cpu.usage', 'cpu', 'long', O, 1.5, CPU_REC), // preferred CPU metric, latest
  forecast('checkout', 'k8s.pod.memory.working_set', 'memory', 'long', O, 4e8, MEM_REC),
  forecast('search', 'rate', 'load', 'short', O, 7),
  // Parts (0010_forecast_parts.sql): an operation's rate and a pod's CPU, at the same origins as
  // the totals; read only when asked for, never in place of a total.
  forecast('checkout', 'rate', 'load', 'short', O, 30, undefined, 'POST /pay'),
  forecast('checkout', 'k8s.pod.cpu.usage', 'cpu', 'long', O, 0.8, { ...CPU_REC, request: 99, replicas: 99 }, 'checkout/k8s.pod.cpu.usage{k8s.pod.name="checkout-1"}'),
];

interface ApiBody { error?: string; value?: number; reason?: string }
interface Peak { mean: number; hi95: number }
interface Capacity {
  service: string; cpu: unknown; memory: unknown; replicas: number | null; expectedWaste: unknown; shortfallRisk: unknown;
  load: { nextHourPeak: Peak; nextDayPeak: Peak }; why: string;
}
interface ExternalMetrics { groupVersion: string; resources: Array<{ name: string }>; items: Array<{ value: string }> }

describe('forecasts in ClickHouse and the forecast / capacity / autoscaling API (chDB)', () => {
  let testStore: TestStore;
  let store: Store;
  let query: RunningQuery;
  let base: string;
  // The body read as the shape the caller names (ApiForecast is the route's own type; the others
  // are what the API documents); every field the test reads is then compared with a value.
  const get = async <T = ApiBody>(path: string, status = 200): Promise<T> => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const body = (await res.json()) as T;
    expect({ path, status: res.status }).toEqual({ path, status });
    return body;
  };

  beforeAll(async () => {
    testStore = await migratedStore('vigil_forecast_api');
    store = testStore.store;
    ({ query, base } = await startQuery(store, { bearerTokens: [TOKEN] }));
  });
  afterAll(async () => {
    await query?.shutdown();
    await testStore?.close();
  });

  test('landed exactly once through the writer sink: a replay from offset 0 adds nothing', async () => {
    // Two flushes of four records and one of one: three offset ranges, the same on the replay.
    const land = () => landThroughSink(store, 'vigil_forecasts', records, O, 4);
    await land();
    await land();
    const [c] = await store.query<{ c: string }>(`SELECT count() AS c FROM ${store.table('forecasts')}`);
    expect(Number(c.c)).toBe(records.length);
  });

  test('auth as every API route: no token, 401', async () => {
    expect((await fetch(`${base}/v1/capacity`)).status).toBe(401);
    expect((await fetch(`${base}/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/vigil-forecast-rate`)).status).toBe(401);
  });

  test('GET /v1/forecasts: the latest forecast per series', async () => {
    const all = await get<ApiForecast[]>('/v1/forecasts?service=checkout&metric=rate');
    expect(all.map((f) => [f.horizon, f.originMs])).toEqual([['long', O], ['short', O]]);
    const short = all.find((f) => f.horizon === 'short');
    expect(short?.points).toHaveLength(12);
    expect(short?.points[0]).toEqual({ endMs: O + S5, mean: 50, lo80: 49, hi80: 51, lo95: 48, hi95: 52 });
    expect(short).toMatchObject({ service: 'checkout', metric: 'rate', kind: 'load', stepMs: S5, learnt: 300, withheld: 6 });
    expect((await get<ApiForecast[]>('/v1/forecasts')).length).toBe(6);
    expect((await get<ApiForecast[]>('/v1/forecasts')).every((f) => f.part === undefined)).toBe(true);
    // One part, by name; every part with `part=*`.
    const pay = await get<ApiForecast[]>(`/v1/forecasts?service=checkout&metric=rate&part=${encodeURIComponent('POST /pay')}`);
    expect(pay.map((f) => [f.part, f.horizon, f.points[0].mean])).toEqual([['POST /pay', 'short', 30]]);
    const every = await get<ApiForecast[]>('/v1/forecasts?service=checkout&part=*');
    expect(every.filter((f) => f.part !== undefined).map((f) => [f.metric, f.part])).toEqual([
      ['k8s.pod.cpu.usage', 'checkout/k8s.pod.cpu.usage{k8s.pod.name="checkout-1"}'], ['rate', 'POST /pay'],
    ]);
    expect(every.length).toBe(5 + 2);
    expect(await get('/v1/forecasts?horizon=sometimes', 400)).toEqual({ error: 'horizon: short or long (got "sometimes")' });
  });

  test('GET /v1/capacity: CPU (preferred metric, latest), memory, replicas, waste, risk, why', async () => {
    const [cap] = await get<Capacity[]>('/v1/capacity?service=checkout');
    expect(cap.service).toBe('checkout');
    expect(cap.cpu).toMatchObject({ metric: 'k8s.pod.cpu.usage', originMs: O, request: 2.4, replicas: 4, riskShort: 0.03, expectedSlack: 0.5 });
    expect(cap.memory).toMatchObject({ metric: 'k8s.pod.memory.working_set', request: 5e8, riskShort: 0.004 });
    expect(cap.replicas).toBe(4);
    expect(cap.expectedWaste).toEqual({ cpu: 0.5, memory: 6e7 });
    expect(cap.shortfallRisk).toEqual({ cpu: 0.03, memory: 0.004 });
    expect(cap.load.nextHourPeak).toEqual({ mean: 61, hi95: 63 });
    expect(cap.load.nextDayPeak).toEqual({ mean: 78, hi95: 80 });
    expect(cap.why).toMatch(/^cpu: day-ahead forecast peaks/);
    const [search] = await get<Capacity[]>('/v1/capacity?service=search');
    expect(search).toMatchObject({ cpu: null, memory: null, replicas: null });
  });

  test('KEDA metrics-api: the largest upper 80 % bound within the lead time', async () => {
    const body = await get('/v1/forecasts/keda?service=checkout&metric=rate&lead=900&band=hi80');
    // Short steps ending within 15 minutes: means 50, 51, 52 → hi80 53.
    expect(body).toEqual({ service: 'checkout', metric: 'rate', leadSec: 900, band: 'hi80', value: 53, origin: new Date(O).toISOString().replace('.000Z', 'Z') });
    expect((await get('/v1/forecasts/keda?service=checkout&metric=cpu&lead=3600&band=point')).value).toBe(1.5);
    expect(await get('/v1/forecasts/keda?service=nope', 404)).toEqual({ error: 'no forecast of rate for service "nope" yet' });
    expect((await get('/v1/forecasts/keda?service=checkout&band=hi99', 400)).error).toMatch(/^band:/);
  });

  test('External Metrics API: discovery and ExternalMetricValueList by label selector', async () => {
    const disc = await get<ExternalMetrics>('/apis/external.metrics.k8s.io/v1beta1');
    expect(disc.groupVersion).toBe('external.metrics.k8s.io/v1beta1');
    expect(disc.resources.map((r) => r.name)).toEqual(['vigil-forecast-rate', 'vigil-forecast-cpu', 'vigil-forecast-memory']);
    const list = await get(`/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/vigil-forecast-rate?labelSelector=${encodeURIComponent('service in (checkout,search)')}`);
    expect(list).toEqual({
      kind: 'ExternalMetricValueList', apiVersion: 'external.metrics.k8s.io/v1beta1', metadata: {},
      items: [
        { metricName: 'vigil-forecast-rate', metricLabels: { service: 'checkout', metric: 'rate' }, timestamp: new Date(O).toISOString().replace('.000Z', 'Z'), value: '53' },
        { metricName: 'vigil-forecast-rate', metricLabels: { service: 'search', metric: 'rate' }, timestamp: new Date(O).toISOString().replace('.000Z', 'Z'), value: '10' },
      ],
    });
    const mem = await get<ExternalMetrics>('/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/vigil-forecast-memory?labelSelector=service%3Dcheckout');
    expect(mem.items).toHaveLength(1);
    expect(mem.items[0].value).toBe(String(4e8 + 1));
    expect((await get('/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/vigil-forecast-disk', 404)).reason).toBe('NotFound');
  });

  test('label selectors: service=, service==, service in (...); anything else is a clear 400', () => {
    expect(servicesOfSelector('service=checkout')).toEqual(['checkout']);
    expect(servicesOfSelector('service==a,service in (b, c)')).toEqual(['a', 'b', 'c']);
    expect(servicesOfSelector(null)).toBeNull();
    expect(() => servicesOfSelector('app=checkout')).toThrow(/only "service=NAME"/);
  });
});
