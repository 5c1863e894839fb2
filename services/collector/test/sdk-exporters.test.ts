// The OpenTelemetry JS SDK exporters (gRPC, HTTP/protobuf, HTTP/JSON) send to the collector;
// the test reads the topics back from a real Kafka broker and finds every span, data point and
// log record with its attributes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { createKafkaBus } from '@vigil/bus';
import type { Bus, InRecord } from '@vigil/bus';
import { vigilSchema } from '@vigil/config';
import { createTelemetry } from '@vigil/telemetry';
import { attributesToRecord, decodeLogs, decodeMetrics, decodeTraces, hexId } from '@vigil/otlp';
import { createCollector } from '@vigil/collector';
import type { Collector } from '@vigil/collector';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import { OTLPTraceExporter as TraceGrpc } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as TraceProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as TraceJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPMetricExporter as MetricGrpc } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as MetricProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPMetricExporter as MetricJson } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPLogExporter as LogGrpc } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as LogProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as LogJson } from '@opentelemetry/exporter-logs-otlp-http';
import { testBrokers, uniqueName } from '../../../infra/test/kafka.js';

const quiet = () => createTelemetry({
  service: 'collector', logLevel: 'silent', registry: new Registry(), processMetrics: false,
  destination: new Writable({ write(_c, _e, cb) { cb(); } }),
});

async function readAll(bus: Bus, topic: string, until: (rs: InRecord[]) => boolean, timeoutMs = 60_000): Promise<InRecord[]> {
  const out: InRecord[] = [];
  const consumer = bus.consumer({ groupId: uniqueName('collector-it'), topics: [topic], fromBeginning: true });
  await consumer.run(async (b) => { out.push(...b.records); });
  const deadline = Date.now() + timeoutMs;
  while (!until(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await consumer.close();
  return out;
}

describe('collector with the OpenTelemetry JS SDK exporters and a real broker', () => {
  let bus: Bus;
  let collector: Collector;
  let grpcUrl = '';
  let httpUrl = '';
  const topics = { spans: uniqueName('it_spans'), metrics: uniqueName('it_metrics'), logs: uniqueName('it_logs'), deployments: uniqueName('it_deploy'), partitions: 3 };

  beforeAll(async () => {
    bus = createKafkaBus({ brokers: testBrokers(), clientId: 'collector-it', logLevel: 'nothing' });
    const config = vigilSchema.parse({ topics, collector: { http: { port: 0 }, grpc: { port: 0 } } });
    collector = createCollector({ config, bus, telemetry: quiet() });
    const { httpPort, grpcPort } = await collector.start();
    grpcUrl = `http://127.0.0.1:${grpcPort}`;
    httpUrl = `http://127.0.0.1:${httpPort}`;
  });
  afterAll(async () => {
    await collector?.shutdown(5000);
    await bus?.shutdown();
  });

  it('traces from the gRPC, HTTP/protobuf and HTTP/JSON exporters all land on the spans topic, intact', async () => {
    const exporters: Array<[string, SpanExporter]> = [
      ['grpc', new TraceGrpc({ url: grpcUrl })],
      ['proto', new TraceProto({ url: `${httpUrl}/v1/traces` })],
      ['json', new TraceJson({ url: `${httpUrl}/v1/traces` })],
    ];
    const expected = new Map<string, { name: string; via: string }>();
    for (const [via, exporter] of exporters) {
      const mem = new InMemorySpanExporter();
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': `it-${via}`, 'service.namespace': 'vigil', 'service.version': '1.2.3' }),
        spanProcessors: [new SimpleSpanProcessor(mem)],
      });
      const tracer = provider.getTracer('it');
      for (let i = 0; i < 50; i++) {
        const s = tracer.startSpan(`op-${i}`, { attributes: { via, i, big: 12345678901234, ratio: 0.5, ok: i % 2 === 0, tags: ['a', 'b'] } });
        s.end();
      }
      const spans: ReadableSpan[] = mem.getFinishedSpans();
      for (const s of spans) expected.set(s.spanContext().spanId, { name: s.name, via });
      const code = await new Promise<number>((resolve) => exporter.export(spans, (r) => resolve(r.code)));
      expect(code, `${via} exporter result`).toBe(0);
      await exporter.shutdown();
    }
    const found = new Map<string, Record<string, unknown>>();
    const records = await readAll(bus, topics.spans, (rs) => {
      for (const r of rs.splice(0)) {
        const req = decodeTraces(r.value!);
        expect(req.resourceSpans).toHaveLength(1); // one resource per record
        const res = attributesToRecord(req.resourceSpans[0].resource!.attributes);
        expect(r.key!.toString()).toBe(`vigil/${String(res['service.name'])}`);
        for (const ss of req.resourceSpans[0].scopeSpans) for (const s of ss.spans) found.set(hexId(s.spanId), { name: s.name, ...attributesToRecord(s.attributes) });
      }
      return found.size >= expected.size;
    });
    void records;
    expect(found.size).toBe(expected.size);
    for (const [id, e] of expected) {
      const got = found.get(id);
      expect(got, `span ${id} via ${e.via}`).toBeDefined();
      expect(got!.name).toBe(e.name);
      expect(got!.via).toBe(e.via);
      expect(got!.big).toBe(12345678901234n);
      expect(got!.ratio).toBe(0.5);
      expect(got!.tags).toEqual(['a', 'b']);
    }
    // A deployment event for each new (service, version).
    const deps = await readAll(bus, topics.deployments, (rs) => rs.length >= 3);
    const services = deps.map((r) => (JSON.parse(r.value!.toString()) as { service: string }).service).sort();
    expect(services).toEqual(['vigil/it-grpc', 'vigil/it-json', 'vigil/it-proto']);
  });

  it('metrics and logs from all three exporter kinds land intact', async () => {
    const metricExporters: Array<[string, PushMetricExporter]> = [
      ['grpc', new MetricGrpc({ url: grpcUrl })],
      ['proto', new MetricProto({ url: `${httpUrl}/v1/metrics` })],
      ['json', new MetricJson({ url: `${httpUrl}/v1/metrics` })],
    ];
    for (const [via, exporter] of metricExporters) {
      const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
      const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': `it-m-${via}` }), readers: [reader] });
      const meter = provider.getMeter('it');
      meter.createCounter(`it.requests.${via}`).add(7, { route: '/x' });
      meter.createHistogram(`it.latency.${via}`).record(12.5, { route: '/x' });
      await provider.forceFlush();
      await provider.shutdown();
    }
    const logExporters: Array<[string, LogRecordExporter]> = [
      ['grpc', new LogGrpc({ url: grpcUrl })],
      ['proto', new LogProto({ url: `${httpUrl}/v1/logs` })],
      ['json', new LogJson({ url: `${httpUrl}/v1/logs` })],
    ];
    for (const [via, exporter] of logExporters) {
      const provider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': `it-l-${via}` }), processors: [new SimpleLogRecordProcessor({ exporter })] });
      const logger = provider.getLogger('it');
      for (let i = 0; i < 20; i++) logger.emit({ body: `log ${via} ${i}`, severityNumber: 9, attributes: { via, i } });
      await provider.forceFlush();
      await provider.shutdown();
    }
    const points = new Map<string, { value: unknown; attrs: Record<string, unknown> }>();
    await readAll(bus, topics.metrics, (rs) => {
      for (const r of rs.splice(0)) {
        for (const rm of decodeMetrics(r.value!).resourceMetrics) for (const sm of rm.scopeMetrics) for (const m of sm.metrics) {
          const dp = m.sum?.dataPoints[0] ?? m.histogram?.dataPoints[0];
          if (dp) points.set(m.name, { value: m.sum ? (m.sum.dataPoints[0].asDouble ?? m.sum.dataPoints[0].asInt) : m.histogram!.dataPoints[0].sum, attrs: attributesToRecord(dp.attributes) });
        }
      }
      return points.size >= 6;
    });
    for (const via of ['grpc', 'proto', 'json']) {
      expect(points.get(`it.requests.${via}`)).toMatchObject({ attrs: { route: '/x' } });
      expect(Number(points.get(`it.requests.${via}`)!.value)).toBe(7);
      expect(points.get(`it.latency.${via}`)).toEqual({ value: 12.5, attrs: { route: '/x' } });
    }
    const bodies = new Set<string>();
    await readAll(bus, topics.logs, (rs) => {
      for (const r of rs.splice(0)) {
        for (const rl of decodeLogs(r.value!).resourceLogs) for (const sl of rl.scopeLogs) for (const l of sl.logRecords) {
          const a = attributesToRecord(l.attributes);
          if (l.body?.stringValue === `log ${String(a.via)} ${String(a.i)}`) bodies.add(l.body.stringValue);
        }
      }
      return bodies.size >= 60;
    });
    expect(bodies.size).toBe(60);
  });
});
