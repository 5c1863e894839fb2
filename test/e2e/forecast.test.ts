// Capacity end to end (issue 20, point 6): a service instrumented with the OpenTelemetry JS SDK
// sends SERVER spans and its pods' CPU and memory (k8s.pod.cpu.usage, k8s.pod.memory.working_set,
// observable gauges read by the SDK and exported with its OTLP/HTTP protobuf exporter) for
// 3 hours of event time, to the embedded pipeline. The detector forecasts the request rate, CPU
// and memory; the writer lands the forecasts; the API answers GET /v1/forecasts, GET /v1/capacity,
// the KEDA body and the External Metrics list for the service; `vigil capacity` prints it.
//
// Simulated time: the spans carry their event times; the SDK's metric data points are collected
// once per simulated minute (a MetricReader driven by the test) and their timestamps set to that
// minute before the SDK exporter sends them.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import type { HrTime } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startEmbedded } from '@vigil/cli';
import type { Embedded } from '@vigil/cli';
import { parseConfig } from '@vigil/config';
import { seededUniform } from '@vigil/stats';
import { freePorts } from '../../infra/test/global-setup.js';
import { waitFor } from '../support/traffic.js';

const H = 3_600_000;
// Event time: 3 h 10 min of history ending about an hour ago, starting on the hour.
const T0 = Math.floor((Date.now() - 5 * H) / H) * H;
const MINUTES = 190;
const SERVICE = 'checkout';
const PODS = ['checkout-7d9f-a', 'checkout-7d9f-b'];
const MiB = 1024 * 1024;
const BIN = fileURLToPath(new URL('../../services/cli/dist/bin.js', import.meta.url));

/** A reader the test drives: collect() on demand, never on a timer. */
class SimulatedClockReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const hr = (ms: number): HrTime => [Math.floor(ms / 1000), (ms % 1000) * 1e6];

/** Per pod: CPU cores and working set at minute m (a slow wave, different per pod). */
function cpuAt(m: number, pod: number): number {
  return 0.25 + 0.08 * Math.sin((2 * Math.PI * (m + 30 * pod)) / 120);
}
function memAt(m: number, pod: number): number {
  return (200 + 20 * Math.sin((2 * Math.PI * (m + 45 * pod)) / 180)) * MiB;
}

async function sendMetrics(otlp: string): Promise<void> {
  const reader = new SimulatedClockReader();
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': SERVICE, 'service.version': 'v1' }), readers: [reader] });
  const meter = provider.getMeter('checkout-k8s');
  let minute = 0;
  meter.createObservableGauge('k8s.pod.cpu.usage', { unit: '{cpu}' }).addCallback((r) => {
    PODS.forEach((pod, i) => r.observe(cpuAt(minute, i), { 'k8s.pod.name': pod }));
  });
  meter.createObservableGauge('k8s.pod.memory.working_set', { unit: 'By' }).addCallback((r) => {
    PODS.forEach((pod, i) => r.observe(memAt(minute, i), { 'k8s.pod.name': pod }));
  });
  const exporter = new OTLPMetricExporter({ url: `${otlp}/v1/metrics` });
  for (minute = 0; minute < MINUTES; minute++) {
    const { resourceMetrics, errors } = await reader.collect();
    if (errors.length) throw new Error(`metric collection failed: ${errors.map(String).join('; ')}`);
    const at = T0 + minute * 60_000 + 30_000;
    for (const sm of resourceMetrics.scopeMetrics) {
      for (const m of sm.metrics) for (const dp of m.dataPoints) { dp.startTime = hr(T0); dp.endTime = hr(at); }
    }
    await new Promise<void>((resolve, reject) => exporter.export(resourceMetrics, (r) => (r.code === ExportResultCode.SUCCESS ? resolve() : reject(r.error ?? new Error('metric export failed')))));
  }
  await exporter.shutdown();
  await provider.shutdown();
}

/** SERVER spans: 2 requests per second on average, a little more in the first half of each hour. */
async function sendSpans(otlp: string): Promise<void> {
  const resource = resourceFromAttributes({ 'service.name': SERVICE, 'service.version': 'v1' });
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlp}/v1/traces` }), { scheduledDelayMillis: 200, maxExportBatchSize: 1024, maxQueueSize: 1_000_000 })] });
  const tracer = provider.getTracer('checkout', 'v1');
  const r = seededUniform(7);
  let n = 0;
  for (let s = 0; s < MINUTES * 60; s++) {
    const perSecond = (s % 3600) < 1800 ? 3 : 1;
    for (let i = 0; i < perSecond; i++) {
      const start = T0 + s * 1000 + (i * 1000) / perSecond;
      const route = i % 2 ? 'POST /cart' : 'GET /cart';
      tracer.startSpan(route, { kind: SpanKind.SERVER, startTime: start, attributes: { 'http.route': route } }, ROOT_CONTEXT).end(start + 15 + 10 * r());
      if (++n % 4000 === 0) await provider.forceFlush();
    }
  }
  await provider.forceFlush();
  await provider.shutdown();
}

// The API's bodies (README of the read API): the fields this test reads.
interface Recommendation { metric: string; originMs: number; request: number; peak: number; why: string; riskShort: number | null }
interface Capacity {
  service: string; cpu: Recommendation | null; memory: Recommendation | null; load?: unknown; replicas: number | null;
  expectedWaste: { memory: number | null }; why: string;
}
interface Forecast { metric: string; part?: string; horizon: string; originMs: number; points: Array<{ mean: number; lo80: number; hi80: number; lo95: number; hi95: number }> }
interface ExternalMetricValueList { kind: string; items: Array<{ metricLabels: Record<string, string> }> }

describe('forecasts and capacity from real SDK spans and metrics through the embedded pipeline', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-forecast-e2e-'));
  let vigil: Embedded;
  let api = '';
  let otlp = '';
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${api}${path}`);
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    const [otlpHttp, otlpGrpc, apiPort, alerterApi] = await freePorts(4);
    const config = parseConfig({
      store: { chdb: { path: join(dir, 'chdb') } },
      api: { port: apiPort },
      collector: { http: { port: otlpHttp }, grpc: { port: otlpGrpc } },
      alerter: { api: { port: alerterApi } },
      detector: { commitIntervalMs: 200 },
      writer: { flushIntervalMs: 200 },
    });
    vigil = await startEmbedded({ config, destination: new Writable({ write: (_c, _e, cb) => cb() }) });
    api = `http://127.0.0.1:${apiPort}`;
    otlp = `http://127.0.0.1:${otlpHttp}`;
  }, 60_000);
  afterAll(async () => {
    await vigil?.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the forecasts API, the capacity API, KEDA, External Metrics and `vigil capacity` answer for the service', async () => {
    await Promise.all([sendSpans(otlp), sendMetrics(otlp)]);

    // The day-ahead forecasts of the third hour carry the recommendations.
    const capacity = await waitFor('a CPU and memory recommendation for checkout', async () => {
      const rows = await get<Capacity[]>(`/v1/capacity?service=${SERVICE}`);
      const c = rows.find((r) => r.service === SERVICE);
      return c?.cpu && c?.memory && c.cpu.originMs >= T0 + 3 * H && c.memory.originMs >= T0 + 3 * H && c.load ? { ...c, cpu: c.cpu, memory: c.memory } : null;
    }, 240_000);

    // Two pods of 0.25 ± 0.08 cores: the service needs ~0.5-0.66 cores at its peak.
    expect(capacity.cpu.metric).toBe('k8s.pod.cpu.usage');
    expect(capacity.cpu.request).toBeGreaterThan(0.45);
    expect(capacity.cpu.request).toBeLessThan(1.2);
    expect(capacity.cpu.peak).toBeGreaterThan(0.3);
    expect(capacity.replicas).toBe(Math.ceil(capacity.cpu.request / 0.7));
    // Three hours learnt: a warming-up recommendation (the day-ahead forecast's 95 % upper bound), no risk claimed.
    expect(capacity.cpu.why).toMatch(/^warming up \(3\.\d h learnt, a day needed\): request = the highest 95 % upper bound of the day-ahead forecast/);
    expect(capacity.cpu.riskShort).toBeNull();
    // Two pods of 200 ± 20 MiB.
    expect(capacity.memory.metric).toBe('k8s.pod.memory.working_set');
    expect(capacity.memory.request).toBeGreaterThan(360 * MiB);
    expect(capacity.memory.request).toBeLessThan(800 * MiB);
    expect(capacity.expectedWaste.memory === null || capacity.expectedWaste.memory >= 0).toBe(true);
    expect(capacity.why).toMatch(/^cpu: .*; memory: /);

    // Request rate: 3/s in the first half of every hour, 1/s in the second.
    const rate = await get<Forecast[]>(`/v1/forecasts?service=${SERVICE}&metric=rate`);
    expect(rate.map((f) => f.horizon).sort()).toEqual(['long', 'short']);
    const short = rate.find((f) => f.horizon === 'short')!;
    expect(short.points).toHaveLength(12);
    expect(short.originMs).toBeGreaterThanOrEqual(T0 + 3 * H);
    expect(short.originMs % 300_000).toBe(0);
    for (const p of short.points) {
      expect(p.mean).toBeGreaterThan(0.5);
      expect(p.mean).toBeLessThan(3.5);
      expect(p.lo95 <= p.lo80 && p.lo80 <= p.mean && p.mean <= p.hi80 && p.hi80 <= p.hi95).toBe(true);
    }
    // Each operation is forecast on its own too (detector.forecast.maxParts): the two routes' rates,
    // which add up to about the total (GET /cart 2/s then 1/s, POST /cart 1/s then none).
    const parts = await waitFor('per-operation rate forecasts', async () => {
      const fs = await get<Forecast[]>(`/v1/forecasts?service=${SERVICE}&metric=rate&horizon=short&part=*`);
      const total = fs.find((f) => f.part === undefined);
      const ops = fs.filter((f) => f.part !== undefined && f.originMs === total?.originMs);
      return total && ops.length === 2 ? { total, ops } : null;
    }, 60_000);
    expect(parts.ops.map((f) => f.part).sort()).toEqual(['GET /cart', 'POST /cart']);
    const opSum = parts.ops.reduce((a, f) => a + f.points[0].mean, 0);
    expect(Math.abs(opSum - parts.total.points[0].mean)).toBeLessThan(0.25 * parts.total.points[0].mean);
    const all = await get<Forecast[]>(`/v1/forecasts?service=${SERVICE}`);
    expect(new Set(all.map((f) => f.metric))).toEqual(new Set(['rate', 'k8s.pod.cpu.usage', 'k8s.pod.memory.working_set']));

    // Autoscaler bodies from the same forecasts.
    const keda = await get<{ value: number }>(`/v1/forecasts/keda?service=${SERVICE}&metric=rate&lead=900`);
    expect(keda).toMatchObject({ service: SERVICE, metric: 'rate', leadSec: 900, band: 'hi80' });
    expect(keda.value).toBeGreaterThan(0.5);
    const ext = await get<ExternalMetricValueList>(`/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/vigil-forecast-cpu?labelSelector=service%3D${SERVICE}`);
    expect(ext.kind).toBe('ExternalMetricValueList');
    expect(ext.items).toHaveLength(1);
    expect(ext.items[0].metricLabels).toEqual({ service: SERVICE, metric: 'k8s.pod.cpu.usage' });

    // The CLI, against the same API.
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'capacity', SERVICE, '--api', api]);
    expect(stdout).toMatch(/^SERVICE\s+CPU REQUEST\s+REPLICAS/);
    expect(stdout).toContain(SERVICE);
    const json = JSON.parse((await promisify(execFile)(process.execPath, [BIN, 'capacity', SERVICE, '--api', api, '--json'])).stdout) as Capacity[];
    expect(json[0]?.cpu?.request).toBe(capacity.cpu.request);
  }, 420_000);
});
