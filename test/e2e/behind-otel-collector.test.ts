// Vigil behind the OpenTelemetry Collector teams already run, with the real Collector binary
// (infra/otelcol/build.sh, or OTELCOL_BIN), the real broker and the demo's shop (the OpenTelemetry
// JS SDK exporters) as the applications, running each documented recipe of
// infra/otelcol/recipes as it is written:
//   (b) Collector kafka exporter (defaults: whole requests, no key) → Vigil's topics → rekey stage
//       → detector; Vigil's collector switched off (collector.enabled: false);
//   (a) Collector otlphttp exporter → Vigil's collector;
//   (c) Vigil's topics → Collector kafka receiver → OTLP/HTTP to a receiver of this test.
// (a) and (b) play the demo's outside scenario: clean deploys pass, the bad deploy fails and is
// rolled back through the hook, deployment notifications are sent, nobody is paged before the bad
// deploy. No timing assertions: the figures are printed (and the demo's JSON line kept).
import { createServer, request as httpRequest } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { runDemo, startEmbedded } from '@vigil/cli';
import type { DemoFront, DemoResult } from '@vigil/cli';
import { createKafkaBus } from '@vigil/bus';
import type { VigilConfigInput } from '@vigil/config';
import { parseConfig } from '@vigil/config';
import { decodeTraces, hexId } from '@vigil/otlp';
import { freePorts } from '../../infra/test/global-setup.js';
import { testBrokers, uniqueName } from '../../infra/test/kafka.js';
import { otelcolBinary, otelcolRecipe, startOtelcol } from '../../infra/test/otelcol.js';
import type { RunningOtelcol } from '../../infra/test/otelcol.js';
import { metricSum, runTopics } from '../support/processes.js';

/** Vigil on the test broker with topics and groups of its own (earlier runs never mix in). */
function runConfig(run: string, brokers: string[]): VigilConfigInput {
  return {
    bus: { kind: 'kafka', kafka: { brokers, clientId: run } },
    topics: { ...runTopics(run), partitions: 6 },
    detector: { groupId: `${run}-detector`, instanceId: `${run}-detector` },
    writer: { groupId: `${run}-writer` },
    rekey: { groupId: `${run}-rekey`, instanceId: `${run}-rekey` },
    alerter: { groupId: `${run}-alerter`, transactionalId: `${run}-alerter-tx`, },
  };
}

function capture(): { out: Writable; text: () => string } {
  let text = '';
  return { out: new Writable({ write: (c, _e, cb) => { text += String(c); cb(); } }), text: () => text };
}

/** What the outside scenario must show, whichever way the telemetry came. */
function expectScenario(result: DemoResult, text: string): void {
  const f = result.figures;
  expect(text).toMatch(/deployment seen: payments v2/);
  expect(text).toMatch(/verdict: payments v2 FAIL/);
  expect(text).toMatch(/rollback hook called: payments v2 → v1/);
  expect(f.bad_deploy_to_rollback_s).not.toBeNull();
  expect(f.clean_deploys_failed).toBe(0);
  expect(f.clean_deploys_rolled_back).toBe(0);
  expect(f.clean_deploys_passed).toBe(2);
  // Every deployed version's change event: payments v2 and the two clean ones at least.
  expect(f.deployment_notifications).toBeGreaterThanOrEqual(3);
  expect(f.pages_before_bad_deploy).toBe(0);
  const last = text.trimEnd().split('\n').at(-1) as string;
  expect(JSON.parse(last)).toEqual(f);
}

describe('behind the OpenTelemetry Collector (real binary)', () => {
  const collectors: RunningOtelcol[] = [];
  /** Figures of each path, printed side by side at the end (no timing assertions). */
  const figures: Record<string, DemoResult['figures']> = {};
  afterAll(async () => {
    for (const c of collectors) await c.stop().catch(() => undefined);
    const rows = Object.entries(figures).map(([path, f]) => `${path.padEnd(44)} ${String(f.bad_deploy_to_fail_verdict_s).padStart(8)} ${String(f.bad_deploy_to_rollback_s).padStart(10)} ${String(f.clean_deploys_passed).padStart(6)} ${String(f.deployment_notifications).padStart(7)}`);
    const direct = figures['direct: Vigil\'s collector']?.bad_deploy_to_rollback_s;
    const ratio = (path: string) => {
      const r = figures[path]?.bad_deploy_to_rollback_s;
      return typeof r === 'number' && typeof direct === 'number' && direct > 0 ? Number((r / direct).toFixed(2)) : null;
    };
    console.log([
      `${'path (same broker, same shop, same run)'.padEnd(44)} ${'fail_s'.padStart(8)} ${'rollback_s'.padStart(10)} ${'passed'.padStart(6)} ${'notices'.padStart(7)}`,
      ...rows,
      JSON.stringify({
        direct_rollback_s: direct ?? null,
        kafka_rollback_s: figures['(b) Collector kafka exporter → rekey']?.bad_deploy_to_rollback_s ?? null,
        otlp_rollback_s: figures['(a) Collector otlp_http exporter']?.bad_deploy_to_rollback_s ?? null,
        kafka_to_direct_rollback_ratio: ratio('(b) Collector kafka exporter → rekey'),
        otlp_to_direct_rollback_ratio: ratio('(a) Collector otlp_http exporter'),
      }),
    ].join('\n'));
  });

  test('baseline: the same scenario straight into Vigil\'s collector on the same broker', async () => {
    const brokers = testBrokers();
    const run = uniqueName('otelcol-direct');
    const { out, text } = capture();
    const result = await runDemo({ fast: true, targetS: 60, durationS: 230, out, config: runConfig(run, brokers) });
    try {
      expectScenario(result, text());
    } catch (err) {
      console.error(text());
      throw err;
    }
    figures['direct: Vigil\'s collector'] = result.figures;
  }, 260_000);

  test('(b) kafka exporter with its default keys → rekey stage → detector: the bad deploy is failed and rolled back, clean deploys pass', async () => {
    otelcolBinary(); // fails first, saying how to provide the Collector
    const brokers = testBrokers();
    const run = uniqueName('otelcol-kafka');
    const t = runTopics(run);
    const { out, text } = capture();
    const front = async (): Promise<DemoFront> => {
      const [port] = await freePorts(1);
      const oc = await startOtelcol({
        configFile: otelcolRecipe('kafka-to-vigil'),
        env: { OTELCOL_OTLP_HTTP_ENDPOINT: `127.0.0.1:${port}`, KAFKA_BROKER: brokers[0], VIGIL_SPANS_TOPIC: t.spans, VIGIL_METRICS_TOPIC: t.metrics, VIGIL_LOGS_TOPIC: t.logs },
      });
      collectors.push(oc);
      return { otlpUrl: `http://127.0.0.1:${port}`, description: `the OpenTelemetry Collector (pid ${oc.pid}, recipe kafka-to-vigil) into Kafka`, close: () => oc.stop() };
    };
    const result = await runDemo({ fast: true, targetS: 60, durationS: 230, out, front, config: { ...runConfig(run, brokers), collector: { enabled: false } } });
    try {
      expect(text()).toMatch(/the shop sends its OTLP through the OpenTelemetry Collector .*kafka-to-vigil/);
      expectScenario(result, text());
    } catch (err) {
      console.error(text());
      throw err;
    }
    figures['(b) Collector kafka exporter → rekey'] = result.figures;
  }, 260_000);

  test('(a) otlp_http exporter → Vigil\'s collector: the bad deploy is failed and rolled back, clean deploys pass', async () => {
    otelcolBinary();
    const brokers = testBrokers();
    const run = uniqueName('otelcol-otlp');
    const { out, text } = capture();
    const front = async (vigil: { ports: { otlpHttp: number } }): Promise<DemoFront> => {
      const [port] = await freePorts(1);
      const oc = await startOtelcol({
        configFile: otelcolRecipe('otlp-to-vigil'),
        env: { OTELCOL_OTLP_HTTP_ENDPOINT: `127.0.0.1:${port}`, VIGIL_OTLP_HTTP_URL: `http://127.0.0.1:${vigil.ports.otlpHttp}` },
      });
      collectors.push(oc);
      return { otlpUrl: `http://127.0.0.1:${port}`, description: `the OpenTelemetry Collector (pid ${oc.pid}, recipe otlp-to-vigil) over OTLP/HTTP`, close: () => oc.stop() };
    };
    const result = await runDemo({ fast: true, targetS: 60, durationS: 230, out, front, config: runConfig(run, brokers) });
    try {
      expect(text()).toMatch(/the shop sends its OTLP through the OpenTelemetry Collector .*otlp-to-vigil/);
      expectScenario(result, text());
    } catch (err) {
      console.error(text());
      throw err;
    }
    figures['(a) Collector otlp_http exporter'] = result.figures;
  }, 260_000);

  test('(a) back-pressure: Vigil answers 429 at its memory bound, the recipe retries (Retry-After) until every span is in Kafka', async () => {
    otelcolBinary();
    const brokers = testBrokers();
    const run = uniqueName('otelcol-bp');
    const t = runTopics(run);
    const MiB = 1024 * 1024;
    const config = parseConfig({
      ...runConfig(run, brokers),
      api: { port: 0 },
      store: { chdb: { path: join(tmpdir(), `${run}-chdb`) } },
      collector: { http: { port: 0, maxBodyBytes: 4 * MiB }, grpc: { port: 0, maxMessageBytes: 4 * MiB }, maxInflightBytes: 4 * MiB, retryAfterS: 1 },
      detector: { enabled: false }, alerter: { enabled: false }, writer: { enabled: false }, rekey: { enabled: false },
    });
    const vigil = await startEmbedded({ config, destination: new Writable({ write: (_c, _e, cb) => cb() }) });
    const consumerBus = createKafkaBus({ brokers, clientId: `${run}-reader`, logLevel: 'nothing' });
    try {
      const [port] = await freePorts(1);
      const oc = await startOtelcol({
        configFile: otelcolRecipe('otlp-to-vigil'),
        env: { OTELCOL_OTLP_HTTP_ENDPOINT: `127.0.0.1:${port}`, VIGIL_OTLP_HTTP_URL: `http://127.0.0.1:${vigil.ports.otlpHttp}` },
      });
      collectors.push(oc);
      // Another sender holds most of Vigil's in-flight budget: a request whose body stops short
      // (Vigil reserves body bytes as they are read). Until it goes away, Vigil answers 429.
      const HOLD = Math.floor(3.8 * MiB);
      const hog = httpRequest({
        host: '127.0.0.1', port: vigil.ports.otlpHttp, path: '/v1/traces', method: 'POST',
        headers: { 'content-type': 'application/x-protobuf', 'content-length': String(HOLD + 1) },
      });
      hog.on('error', () => undefined);
      hog.write(Buffer.alloc(HOLD));
      const holdDeadline = Date.now() + 30_000;
      while ((vigil.collector?.inflightBytes() ?? 0) < HOLD && Date.now() < holdDeadline) await new Promise((r) => setTimeout(r, 50));
      expect(vigil.collector?.inflightBytes()).toBeGreaterThanOrEqual(HOLD);
      const sent = new Set<string>();
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': 'burst', 'service.version': 'v1' }),
        spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces` }), { maxQueueSize: 200_000, maxExportBatchSize: 5_000, scheduledDelayMillis: 20 })],
      });
      const tracer = provider.getTracer('burst');
      for (let i = 0; i < 80_000; i++) {
        const span = tracer.startSpan(`GET /burst/${i % 20}`, { attributes: { 'http.response.status_code': 200, 'url.full': `http://shop.example/burst/${i}?q=${'x'.repeat(40)}` } });
        sent.add(span.spanContext().spanId);
        span.end();
      }
      await provider.forceFlush();
      await provider.shutdown();
      const refusedNow = async () => metricSum(await vigil.telemetry.registry.metrics(), 'vigil_collector_requests_total', { code: '429' });
      const refuseDeadline = Date.now() + 30_000;
      while ((await refusedNow()) === 0 && Date.now() < refuseDeadline) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 2_000)); // a few Retry-After rounds
      hog.destroy();
      const seen = new Set<string>();
      const consumer = consumerBus.consumer({ groupId: `${run}-reader`, topics: [t.spans], fromBeginning: true });
      await consumer.run(async (b) => {
        for (const r of b.records) for (const rs of decodeTraces(r.value as Buffer).resourceSpans) for (const ss of rs.scopeSpans) for (const sp of ss.spans) seen.add(hexId(sp.spanId));
      });
      const deadline = Date.now() + 120_000;
      while (seen.size < sent.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      await consumer.close();
      const metrics = await vigil.telemetry.registry.metrics();
      const refused = metricSum(metrics, 'vigil_collector_requests_total', { code: '429' });
      const accepted = metricSum(metrics, 'vigil_collector_requests_total', { code: '200' });
      console.log(`[otelcol back-pressure] ${sent.size} spans sent; Vigil answered 429 ${refused} times and 200 ${accepted} times; ${seen.size} distinct spans in Kafka`);
      expect(refused).toBeGreaterThan(0);
      expect([...sent].filter((id) => !seen.has(id))).toEqual([]);
    } finally {
      await consumerBus.shutdown();
      await vigil.shutdown();
    }
  }, 240_000);

  test('(c) Vigil\'s topics read by the Collector\'s kafka receiver: every span arrives, in-band deployment records do not stop it', async () => {
    otelcolBinary();
    const brokers = testBrokers();
    const run = uniqueName('otelcol-recv');
    const t = runTopics(run);
    // Only Vigil's collector (the topics' writer); nothing else is needed for this direction.
    const config = parseConfig({
      ...runConfig(run, brokers),
      api: { port: 0 },
      store: { chdb: { path: join(tmpdir(), `${run}-chdb`) } },
      collector: { http: { port: 0 }, grpc: { port: 0 } },
      detector: { enabled: false }, alerter: { enabled: false }, writer: { enabled: false }, rekey: { enabled: false },
    });
    const vigil = await startEmbedded({ config, destination: new Writable({ write: (_c, _e, cb) => cb() }) });
    // The far end: an OTLP/HTTP traces receiver that decodes what the Collector forwards.
    const received = new Map<string, string>();
    let requests = 0;
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        requests++;
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        if (req.url === '/v1/traces') {
          for (const rs of decodeTraces(body).resourceSpans) {
            const service = String(rs.resource?.attributes.find((a) => a.key === 'service.name')?.value?.stringValue);
            for (const ss of rs.scopeSpans) for (const s of ss.spans) received.set(hexId(s.spanId), service);
          }
        }
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const farPort = (server.address() as { port: number }).port;
    try {
      const oc = await startOtelcol({
        configFile: otelcolRecipe('vigil-topics-to-otlp'),
        env: {
          KAFKA_BROKER: brokers[0], OTELCOL_GROUP_ID: `${run}-otelcol`, OTELCOL_INITIAL_OFFSET: 'earliest', OTLP_HTTP_URL: `http://127.0.0.1:${farPort}`,
          VIGIL_SPANS_TOPIC: t.spans, VIGIL_METRICS_TOPIC: t.metrics, VIGIL_LOGS_TOPIC: t.logs,
        },
      });
      collectors.push(oc);
      const base = `http://127.0.0.1:${vigil.ports.otlpHttp}`;
      const sent = new Map<string, string>();
      const send = async (service: string, n: number) => {
        const provider = new BasicTracerProvider({
          resource: resourceFromAttributes({ 'service.name': service, 'service.version': 'v1' }),
          spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${base}/v1/traces` }), { maxExportBatchSize: 50, scheduledDelayMillis: 50 })],
        });
        const tracer = provider.getTracer('recipe-c');
        for (let i = 0; i < n; i++) {
          const span = tracer.startSpan(`GET /item/${i % 5}`);
          sent.set(span.spanContext().spanId, service);
          span.end();
        }
        await provider.forceFlush();
        await provider.shutdown();
      };
      await send('catalog', 120);
      // A deployment announced through the API: also written in-band on the spans topic (JSON).
      const dep = await fetch(`${base}/v1/deployments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ service: 'catalog', version: 'v2' }) });
      expect(dep.status).toBe(202);
      await send('catalog', 120);
      await send('search', 80);
      const deadline = Date.now() + 60_000;
      while ([...sent.keys()].some((id) => !received.has(id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      const missing = [...sent.keys()].filter((id) => !received.has(id));
      if (missing.length > 0) console.error(oc.logs().slice(-4000));
      expect(missing).toEqual([]);
      for (const [id, service] of sent) expect(received.get(id)).toBe(service);
      expect(requests).toBeGreaterThan(0);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
      await vigil.shutdown();
    }
  }, 180_000);
});
