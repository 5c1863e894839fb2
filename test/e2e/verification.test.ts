// Deployment verification in ordinary conditions (issue 21), end to end: real OpenTelemetry JS SDK
// exporters (OTLP/HTTP protobuf) → the embedded collector → detector → alerter (rollback hook,
// gate API). Event times are explicit (recent past), so "seconds" below are event time, the
// time the verifier decides in; no timing assertion is made on the wall clock.
//  1. The previous version lived 20 s before the bad one: the bad one is judged against the
//     service's verified history and rolled back within 60 s of its first request.
//  2. The candidate's traffic stops: the gate still answers a final verdict, from the detector's
//     idle watermark, by the check's deadline.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, expect, test } from 'vitest';
import { startEmbedded } from '@vigil/cli';
import type { Embedded } from '@vigil/cli';
import { parseConfig } from '@vigil/config';
import { Mulberry32 } from '@vigil/stats';
import { waitFor } from '../support/traffic.js';

interface Phase {
  version: string;
  startMs: number;
  seconds: number;
  rps: number;
  /** Error ratio and latency factor of POST /pay (the other operations stay as they were). */
  payErrors: number;
  payLatency: number;
}

const OPS = [
  { name: 'GET /cart', medianMs: 40, errors: 0.003 },
  { name: 'POST /pay', medianMs: 120, errors: 0.003 },
  { name: 'GET /status', medianMs: 8, errors: 0.001 },
];

/** Send a phase of SERVER spans through the SDK, with explicit event times; flushed before returning. */
async function sendPhase(otlpUrl: string, service: string, p: Phase, seed: number): Promise<void> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'service.version': p.version }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpUrl}/v1/traces` }), { maxQueueSize: 50_000, maxExportBatchSize: 500, scheduledDelayMillis: 100 })],
  });
  const tracer = provider.getTracer('vigil-e2e-verification');
  const rng = new Mulberry32(seed);
  const n = Math.round(p.seconds * p.rps);
  for (let i = 0; i < n; i++) {
    const op = OPS[i % OPS.length];
    const pay = op.name === 'POST /pay';
    const start = p.startMs + (i * 1000) / p.rps;
    // The bad version's slow requests have a heavier tail (σ 0.6 instead of 0.4).
    const sigma = pay && p.payLatency > 1 ? 0.6 : 0.4;
    const duration = op.medianMs * Math.exp(sigma * rng.nextGaussian()) * (pay ? p.payLatency : 1);
    const span = tracer.startSpan(op.name, { kind: SpanKind.SERVER, startTime: start, attributes: { 'http.route': op.name } });
    if (rng.next() < (pay ? p.payErrors : op.errors)) span.setStatus({ code: SpanStatusCode.ERROR, message: `upstream timeout after ${Math.round(duration)} ms` });
    span.end(start + duration);
  }
  await provider.forceFlush();
  await provider.shutdown();
}

interface RollbackCall { service?: string; version?: string }

async function hooksServer(): Promise<{ server: Server; url: string; calls: RollbackCall[] }> {
  const calls: RollbackCall[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      try {
        calls.push(JSON.parse(body) as RollbackCall);
      } catch {
        calls.push({});
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('hooks server: no port');
  return { server, url: `http://127.0.0.1:${addr.port}/rollback`, calls };
}

const silent = new Writable({ write: (_c, _e, cb) => cb() });
const dirs: string[] = [];
const running: Array<{ vigil: Embedded; server: Server }> = [];
afterAll(async () => {
  for (const r of running) {
    await r.vigil.shutdown().catch(() => undefined);
    r.server.close();
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function start(maxDurationMs: number) {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-verify-'));
  dirs.push(dir);
  const hooks = await hooksServer();
  const config = parseConfig({
    store: { chdb: { path: join(dir, 'chdb') } },
    api: { port: 0 },
    collector: { http: { port: 0 }, grpc: { port: 0 } },
    detector: { commitIntervalMs: 200, verification: { maxDurationMs } },
    writer: { flushIntervalMs: 250 },
    alerter: {
      api: { port: 0 },
      tickIntervalMs: 250,
      rollback: { enabled: true, onFailedVerdict: true, dryRun: false, hooks: [{ type: 'webhook', service: '*', url: hooks.url, timeoutMs: 10_000 }] },
    },
  });
  const vigil = await startEmbedded({ config, destination: silent });
  const entry = { vigil, server: hooks.server };
  running.push(entry);
  // One chDB data directory per process: each test stops its pipeline before the next starts.
  const stop = async () => {
    running.splice(running.indexOf(entry), 1);
    await vigil.shutdown();
    hooks.server.close();
  };
  return { vigil, hooks, stop, otlpUrl: `http://127.0.0.1:${vigil.ports.otlpHttp}`, gate: `http://127.0.0.1:${vigil.ports.alerterApi}` };
}

interface Gate {
  status: string; decided: boolean; deployedAt: string | null; decidedAt: string | null; summary: string; mode: string | null;
  baseline: { source: string; versions: Array<{ version: string; requests: number }>; requests: number } | null;
}
async function gate(base: string, service: string, version: string): Promise<Gate> {
  const res = await fetch(`${base}/v1/deployments/${encodeURIComponent(service)}/${encodeURIComponent(version)}/verdict`);
  if (!res.ok) throw new Error(`gate: HTTP ${res.status}`);
  return (await res.json()) as Gate;
}

test('previous version lived 20 s: the bad version is judged against the verified history and rolled back within 60 s of its first request', async () => {
  const { hooks, otlpUrl, gate: gateBase, stop } = await start(15 * 60_000);
  try {
    const t0 = Date.now() - 30 * 60_000;
    const good = { payErrors: 0.003, payLatency: 1 };
    await sendPhase(otlpUrl, 'payments', { version: '1.4.0', startMs: t0, seconds: 300, rps: 20, ...good }, 1);
    await sendPhase(otlpUrl, 'payments', { version: '1.4.1', startMs: t0 + 300_000, seconds: 20, rps: 20, ...good }, 2);
    // The bad version: one operation of three, errors 0.3% → 3%, latency ×1.6 with a heavier tail.
    await sendPhase(otlpUrl, 'payments', { version: '1.5.0', startMs: t0 + 320_000, seconds: 60, rps: 20, payErrors: 0.03, payLatency: 1.6 }, 3);
    const verdict = await waitFor('the verdict on payments 1.5.0', async () => {
      const g = await gate(gateBase, 'payments', '1.5.0');
      return g.decided ? g : null;
    }, 90_000);
    expect(verdict.status).toBe('fail');
    const decidedAfterMs = Date.parse(verdict.decidedAt as string) - Date.parse(verdict.deployedAt as string);
    expect(decidedAfterMs).toBeLessThanOrEqual(60_000);
    // The baseline is the verified history (1.4.0's minutes), not 1.4.1's 20 s alone.
    expect(verdict.summary).toMatch(/regressed against 1\.4\.0 \(history of 1\.4\.0/);
    expect(verdict.baseline?.source).toBe('history');
    expect(verdict.baseline?.versions.find((v) => v.version === '1.4.0')?.requests).toBeGreaterThanOrEqual(5_000);
    const call = await waitFor('the rollback hook call for 1.5.0', async () => hooks.calls.find((c) => c.service === 'payments' && c.version === '1.5.0') ?? null, 60_000);
    expect(call.version).toBe('1.5.0');
    // 1.4.1 was no worse: it was never rolled back.
    expect(hooks.calls.some((c) => c.version === '1.4.1')).toBe(false);
  } finally {
    await stop();
  }
}, 240_000);

test('the candidate\'s traffic stops: the gate answers a final verdict by the deadline (idle watermark)', async () => {
  const { otlpUrl, gate: gateBase, stop } = await start(20_000);
  try {
    const t0 = Date.now() - 10 * 60_000;
    await sendPhase(otlpUrl, 'checkout', { version: '1.0', startMs: t0, seconds: 120, rps: 10, payErrors: 0.003, payLatency: 1 }, 4);
    // 10 requests, then nothing more.
    await sendPhase(otlpUrl, 'checkout', { version: '2.0', startMs: t0 + 120_000, seconds: 5, rps: 2, payErrors: 0.003, payLatency: 1 }, 5);
    const running = await waitFor('the running verdict on checkout 2.0', async () => {
      const g = await gate(gateBase, 'checkout', '2.0');
      return g.status !== 'unknown' ? g : null;
    }, 60_000);
    expect(['running', 'inconclusive']).toContain(running.status);
    const final = await waitFor('a final verdict on checkout 2.0 with no more traffic', async () => {
      const g = await gate(gateBase, 'checkout', '2.0');
      return g.decided ? g : null;
    }, 90_000);
    expect(final.status).toBe('inconclusive');
    expect(final.summary).toMatch(/only 10 requests within 20 s/);
    expect(Date.parse(final.decidedAt as string) - Date.parse(final.deployedAt as string)).toBe(20_000);
  } finally {
    await stop();
  }
}, 200_000);
