import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { trace } from '@opentelemetry/api';
import { describe, expect, test } from 'vitest';
import { checkBearer, createTelemetry, startAdminServer, startTracing } from './index.js';

describe('telemetry', () => {
  test('events log once with secrets redacted, and count', async () => {
    const lines: string[] = [];
    const destination = new Writable({ write: (c, _e, cb) => { lines.push(String(c)); cb(); } });
    const t = createTelemetry({ service: 'svc', destination, processMetrics: false });
    t.event('receiver_configured', { receiver: { name: 'pd', routingKey: 'R0UT1NG-KEY-SECRET', webhookUrl: 'https://hooks.example/T000/SECRET' } });
    expect(lines.join('')).toContain('receiver_configured');
    expect(lines.join('')).not.toContain('SECRET');
    expect(await t.registry.metrics()).toMatch(/vigil_events_total\{service="svc",event="receiver_configured"\} 1/);
  });

  test('bearer tokens: constant-time check, open when none configured', () => {
    expect(checkBearer(undefined, [])).toBe(true);
    expect(checkBearer('Bearer 0123456789abcdef', ['0123456789abcdef'])).toBe(true);
    expect(checkBearer('Bearer 0123456789abcdeX', ['0123456789abcdef'])).toBe(false);
    expect(checkBearer(undefined, ['0123456789abcdef'])).toBe(false);
  });

  test('admin server: /healthz and /readyz open, /metrics behind the token', async () => {
    const t = createTelemetry({ service: 'svc', destination: new Writable({ write: (_c, _e, cb) => cb() }), processMetrics: false });
    let ready = false;
    const s = await startAdminServer({ telemetry: t, listener: { host: '127.0.0.1', port: 0, auth: { bearerTokens: ['0123456789abcdef'] } }, ready: () => ready });
    const base = `http://127.0.0.1:${s.port}`;
    try {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
      ready = true;
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer 0123456789abcdef' } })).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  test('self-tracing exports spans over OTLP/HTTP with the real SDK exporter', async () => {
    const received: Array<{ path: string; type: string }> = [];
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push({ path: req.url ?? '', type: String(req.headers['content-type']) });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const tracing = await startTracing({ enabled: true, endpoint: `http://127.0.0.1:${port}/v1/traces`, service: 'test' });
    trace.getTracer('vigil-test').startSpan('unit-of-work').end();
    await tracing.shutdown();
    server.close();
    expect(received.some((r) => r.path === '/v1/traces')).toBe(true);
  });
});
