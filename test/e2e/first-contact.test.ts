// First contact (issue 15): a long-running service, instrumented with the OpenTelemetry JS SDK,
// has logged errors at a steady rate since before Vigil started. Its first 10 minutes as Vigil
// sees them (event time driven through the records' timestamps) must raise no anomaly, alert or
// notification about "new" log templates or a "deployment"; the API marks its version as first
// seen and the only notification about it is the "first seen, learning" change event. Then a real
// (bad) deploy of the same service is verified as before: failed, alerted, rolled back.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startEmbedded } from '@vigil/cli';
import type { Embedded } from '@vigil/cli';
import { parseConfig } from '@vigil/config';
import { seededUniform } from '@vigil/stats';
import { freePorts } from '../../infra/test/global-setup.js';
import { waitFor } from '../support/traffic.js';

// Event time: the service's first records Vigil receives were stamped 40 minutes ago (it was
// running long before); rows stay inside every table's TTL.
const T0 = Date.now() - 40 * 60_000;
const RPS = 20;
const SERVICE = 'shop/inventory';

interface Phase { version: string; fromS: number; seconds: number; errorRatio: number; newError?: string; seed: number }

/** One SDK per version (as a deploy replaces the process): SERVER spans and their log lines. */
async function sendPhase(otlp: string, p: Phase): Promise<void> {
  const resource = resourceFromAttributes({
    'service.name': 'inventory', 'service.namespace': 'shop', 'service.version': p.version, 'deployment.environment.name': 'prod',
  });
  const batch = { scheduledDelayMillis: 200, maxExportBatchSize: 512, maxQueueSize: 1_000_000 };
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlp}/v1/traces` }), batch)] });
  const loggerProvider = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${otlp}/v1/logs` }), ...batch })] });
  const tracer = tracerProvider.getTracer('inventory', p.version);
  const logger = loggerProvider.getLogger('inventory', p.version);
  const r = seededUniform(p.seed);
  for (let i = 0; i < p.seconds * RPS; i++) {
    const start = T0 + p.fromS * 1000 + (i * 1000) / RPS;
    const dur = 20 + 15 * r();
    const error = r() < p.errorRatio;
    const route = i % 2 ? 'GET /items/{sku}' : 'POST /reservations';
    const span = tracer.startSpan(route, { kind: SpanKind.SERVER, startTime: start, attributes: { 'http.route': route, 'http.response.status_code': error ? 500 : 200 } }, ROOT_CONTEXT);
    if (error) span.setStatus({ code: SpanStatusCode.ERROR });
    const ctx = trace.setSpan(ROOT_CONTEXT, span);
    logger.emit({ timestamp: start + 1, severityNumber: SeverityNumber.INFO, severityText: 'INFO', body: `${route} for sku-${i % 311} served in ${Math.round(dur)} ms`, context: ctx });
    // The steady background of errors this service has always logged (two kinds).
    if (i % 10 === 3) logger.emit({ timestamp: start + 2, severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', body: `payment gateway timeout after ${1 + (i % 4)} retries for order ${100_000 + i}`, context: ctx });
    if (i % 25 === 7) logger.emit({ timestamp: start + 3, severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', body: `database connection reset by peer on replica ${i % 3}`, context: ctx });
    if (error && p.newError) logger.emit({ timestamp: start + 4, severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', body: `${p.newError} for sku-${i % 311}`, context: ctx });
    span.end(start + dur);
    if (i % 2000 === 1999) await Promise.all([tracerProvider.forceFlush(), loggerProvider.forceFlush()]);
  }
  await Promise.all([tracerProvider.forceFlush(), loggerProvider.forceFlush()]);
  await Promise.all([tracerProvider.shutdown(), loggerProvider.shutdown()]);
}

type Row = Record<string, unknown>;

describe('first contact: a running service is learned, not judged; its next deploy is verified', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-first-contact-'));
  let vigil: Embedded;
  let hooks: Server;
  const webhook: Row[] = [];
  const rollbacks: Row[] = [];
  let api = '';
  let otlp = '';
  const get = async (path: string): Promise<Row[]> => {
    const res = await fetch(`${api}${path}`);
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Row[];
  };

  beforeAll(async () => {
    hooks = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += String(c); });
      req.on('end', () => {
        (req.url === '/rollback' ? rollbacks : webhook).push(JSON.parse(body) as Row);
        res.end('{}');
      });
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', () => r()));
    const hookBase = `http://127.0.0.1:${(hooks.address() as { port: number }).port}`;
    const [otlpHttp, otlpGrpc, apiPort, alerterApi] = await freePorts(4);
    const config = parseConfig({
      store: { chdb: { path: join(dir, 'chdb') } },
      api: { port: apiPort },
      collector: { http: { port: otlpHttp }, grpc: { port: otlpGrpc } },
      alerter: {
        api: { port: alerterApi },
        receivers: [{ name: 'oncall', type: 'webhook', url: `${hookBase}/notify` }],
        rules: [{ name: 'default', receivers: ['oncall'], action: 'rollback' }],
        deployments: { receivers: ['oncall'] },
        rollback: { hooks: [{ type: 'webhook', url: `${hookBase}/rollback` }] },
      },
      detector: { commitIntervalMs: 200 },
      writer: { flushIntervalMs: 200 },
    });
    vigil = await startEmbedded({ config, destination: new Writable({ write: (_c, _e, cb) => cb() }) });
    api = `http://127.0.0.1:${apiPort}`;
    otlp = `http://127.0.0.1:${otlpHttp}`;
  }, 60_000);
  afterAll(async () => {
    await vigil?.shutdown();
    await new Promise((r) => hooks?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  test('10 minutes of first contact: no "new template" or "deployment" anomaly, alert or page; the API says first seen', async () => {
    await sendPhase(otlp, { version: 'v1', fromS: 0, seconds: 600, errorRatio: 0.005, seed: 1 });
    // Processed through the end of the 10 minutes: scores of windows in the last minute are stored.
    await waitFor('scores of the 10th minute', async () => {
      const rows = await get(`/v1/scores?since=1d&service=${encodeURIComponent(SERVICE)}&limit=10000`);
      return rows.some((s) => Number(s.windowStartMs) >= T0 + 540_000) ? rows : null;
    }, 120_000);
    // The log error counts were scored too (so the templates of every error line were mined).
    const logScores = await get(`/v1/scores?since=1d&service=${encodeURIComponent(SERVICE)}&limit=10000`);
    expect(logScores.some((s) => s.metric === 'log_error_count')).toBe(true);
    const templates = await get(`/v1/templates?since=1d&service=${encodeURIComponent(SERVICE)}&limit=1000`);
    expect(templates.some((t) => String(t.template).startsWith('payment gateway timeout'))).toBe(true);
    expect(templates.filter((t) => t.newSinceDeployment)).toEqual([]);

    const anomalies = await get(`/v1/anomalies?since=1d&service=${encodeURIComponent(SERVICE)}&limit=10000`);
    expect(anomalies.filter((a) => a.metric === 'new_log_template')).toEqual([]);
    expect(anomalies.filter((a) => a.deploymentId)).toEqual([]);
    expect(anomalies.filter((a) => /deploy|new error log template/i.test(String(a.summary)))).toEqual([]);
    const deployments = await waitFor('the first-seen version in the API', async () => {
      const rows = await get(`/v1/deployments?since=1d&service=${encodeURIComponent(SERVICE)}`);
      return rows.length > 0 ? rows : null;
    });
    expect(deployments).toEqual([expect.objectContaining({ service: SERVICE, version: 'v1', environment: 'prod', firstSeen: true, status: 'deployed' })]);
    // Alerts and what reached the on-call webhook: only the first-seen change event, no page.
    const alerts = await get('/v1/alerts?since=1d');
    expect(alerts.filter((a) => a.service === SERVICE && /deploy|new error log template/i.test(String(a.summary)))).toEqual([]);
    await waitFor('the first-seen change event', async () => webhook.some((w) => w.schema === 'vigil.change/1'), 30_000);
    const mine = webhook.filter((w) => w.service === SERVICE || (w.alert as Row | undefined)?.service === SERVICE);
    expect(mine.filter((w) => w.schema === 'vigil.notification/1').map((w) => (w.alert as Row).summary)).toEqual([]);
    expect(mine.map((w) => w.summary)).toEqual(['First seen shop/inventory v1 in prod: no baseline yet, learning (not judged as a deployment)']);
    expect(rollbacks).toEqual([]);
  }, 240_000);

  test('then a real deploy of the same service is verified as before: failed, alerted, rolled back', async () => {
    await sendPhase(otlp, { version: 'v2', fromS: 600, seconds: 150, errorRatio: 0.08, newError: 'NullPointerException in InventoryReservation.reserve', seed: 2 });
    const deployments = await waitFor('the failed verdict of v2', async () => {
      const rows = await get(`/v1/deployments?since=1d&service=${encodeURIComponent(SERVICE)}`);
      return rows.some((r) => r.version === 'v2' && r.status === 'fail') ? rows : null;
    }, 120_000);
    expect(deployments.find((d) => d.version === 'v2')).toMatchObject({ firstSeen: false, verdict: expect.stringMatching(/v2 regressed against v1/) as unknown });
    expect(deployments.find((d) => d.version === 'v1')).toMatchObject({ firstSeen: true });
    const fresh = await waitFor('the new error template of v2', async () => {
      const rows = await get(`/v1/anomalies?since=1d&service=${encodeURIComponent(SERVICE)}&limit=10000`);
      const hit = rows.filter((a) => a.metric === 'new_log_template');
      return hit.length > 0 ? hit : null;
    }, 60_000);
    expect(fresh.map((a) => a.summary)).toContainEqual(expect.stringMatching(/^shop\/inventory: new error log template after deploying v2: "NullPointerException in InventoryReservation\.reserve/));
    await waitFor('the rollback of v2', async () => rollbacks.some((r) => r.service === SERVICE && r.version === 'v2'), 60_000);
    expect(rollbacks.every((r) => r.version === 'v2')).toBe(true);
    await waitFor('a page for the failed deploy', async () => webhook.some((w) => w.schema === 'vigil.notification/1' && (w.alert as Row).service === SERVICE), 60_000);
  }, 240_000);
});
