import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync, deflateSync } from 'node:zlib';
import { BusError } from '@vigil/bus';
import type { Producer } from '@vigil/bus';
import {
  decodeExportResponse, decodeRpcStatus, decodeTraces, encodeLogs, encodeMetrics, encodeTraces, sampleLogs, sampleMetrics,
  sampleTraces, tracesToJson,
} from '@vigil/otlp';
import { readTopic, startHarness } from '../../testing/harness.test-util.js';
import type { Harness } from '../../testing/harness.test-util.js';
import { deploymentIdFor, isDeploymentMarker } from '@vigil/records';
import type { DeploymentRecord } from '@vigil/records';

async function post(url: string, body: Uint8Array | string, headers: Record<string, string>) {
  const res = await fetch(url, { method: 'POST', body, headers });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}
const PB = { 'content-type': 'application/x-protobuf' };
const JSON_CT = { 'content-type': 'application/json' };

describe('OTLP/HTTP receiver', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness({ http: { maxBodyBytes: 256 * 1024 }, grpc: { maxMessageBytes: 256 * 1024 }, maxInflightBytes: 1024 * 1024 }); });
  afterAll(async () => { await h.close(); });

  it('accepts protobuf traces, answers an empty ExportTraceServiceResponse, one record per resource', async () => {
    const req = sampleTraces({ resources: 3, itemsPerResource: 4, seed: 100 });
    const res = await post(`${h.http}/v1/traces`, encodeTraces(req), PB);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    expect(decodeExportResponse(res.body).partialSuccess).toBeUndefined();
    const records = await readTopic(h.bus, 'otlp_spans', 3);
    const keys = records.map((r) => r.key!.toString());
    for (let i = 0; i < 3; i++) expect(keys).toContain(`shop/svc-${i}`);
    const mine = records.filter((r) => Buffer.compare(r.value!, encodeTraces({ resourceSpans: [req.resourceSpans[0]] })) === 0);
    expect(mine).toHaveLength(1);
  });

  it('accepts gzip and deflate bodies, JSON bodies (answered in JSON), metrics and logs', async () => {
    expect((await post(`${h.http}/v1/traces`, gzipSync(encodeTraces(sampleTraces({ seed: 5 }))), { ...PB, 'content-encoding': 'gzip' })).status).toBe(200);
    expect((await post(`${h.http}/v1/metrics`, deflateSync(encodeMetrics(sampleMetrics())), { ...PB, 'content-encoding': 'deflate' })).status).toBe(200);
    expect((await post(`${h.http}/v1/logs`, encodeLogs(sampleLogs()), PB)).status).toBe(200);
    const json = await post(`${h.http}/v1/traces`, JSON.stringify(tracesToJson(sampleTraces({ seed: 6 }))), JSON_CT);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(json.body.toString())).toEqual({});
    const logs = await readTopic(h.bus, 'otlp_logs', 2);
    expect(logs.length).toBeGreaterThanOrEqual(2);
  });

  it('emits one deployment event per new service.version, keyed by service', async () => {
    const deps = await readTopic(h.bus, 'vigil_deployments', 3);
    const events = deps.map((r) => JSON.parse(r.value!.toString()) as DeploymentRecord);
    const svc0 = events.filter((e) => e.service === 'shop/svc-0');
    expect(svc0).toHaveLength(1); // svc-0 1.0.0 sent many times, one event
    expect(svc0[0]).toMatchObject({ version: '1.0.0', environment: 'prod', source: 'resource', timeMs: 1_700_000_000_000 });
    // The canonical id of (service, version), shared with the detector's verdicts.
    expect(svc0[0].id).toBe(deploymentIdFor('shop/svc-0', '1.0.0'));
    expect(svc0[0].schema).toBe('vigil.deployment/1');
    expect(deps.find((r) => r.key!.toString() === 'shop/svc-0')).toBeDefined();
  });

  it('POST /v1/deployments writes an api deployment event; bad input is 400', async () => {
    const ok = await post(`${h.http}/v1/deployments`, JSON.stringify({ service: 'shop/cart', version: '9.9', environment: 'prod', commit: 'abc', time: '2024-01-01T00:00:00Z', links: [{ url: 'https://ci/1' }] }), JSON_CT);
    expect(ok.status).toBe(202);
    const ev = JSON.parse(ok.body.toString()) as DeploymentRecord;
    expect(ev).toMatchObject({ service: 'shop/cart', version: '9.9', commit: 'abc', timeMs: Date.parse('2024-01-01T00:00:00Z'), source: 'api' });
    const deps = await readTopic(h.bus, 'vigil_deployments', 4);
    expect(deps.some((r) => r.key!.toString() === 'shop/cart' && (JSON.parse(r.value!.toString()) as DeploymentRecord).id === ev.id)).toBe(true);
    expect((await post(`${h.http}/v1/deployments`, JSON.stringify({ version: '1' }), JSON_CT)).status).toBe(400);
    expect((await post(`${h.http}/v1/deployments`, '{nope', JSON_CT)).status).toBe(400);
  });

  const truncated = encodeTraces(sampleTraces()).subarray(0, 40);
  const cases: Array<[string, () => Promise<{ status: number; body: Buffer; headers: Headers }>, number]> = [
    ['truncated protobuf', () => post(`${h.http}/v1/traces`, truncated, PB), 400],
    ['wrong wire type', () => post(`${h.http}/v1/traces`, Uint8Array.from([0x08, 0x01]), PB), 400],
    ['invalid UTF-8 in a protobuf string', () => post(`${h.http}/v1/traces`, Uint8Array.from([0x0a, 0x08, 0x12, 0x06, 0x12, 0x04, 0x2a, 0x02, 0xc3, 0x28]), PB), 400],
    ['invalid JSON', () => post(`${h.http}/v1/traces`, '{"resourceSpans": [', JSON_CT), 400],
    ['JSON of the wrong shape', () => post(`${h.http}/v1/traces`, '{"resourceSpans": 5}', JSON_CT), 400],
    ['invalid UTF-8 in a JSON body', () => post(`${h.http}/v1/traces`, Uint8Array.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), JSON_CT), 400],
    ['corrupt gzip', () => post(`${h.http}/v1/traces`, Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2, 3]), { ...PB, 'content-encoding': 'gzip' }), 400],
    ['unknown content type', () => post(`${h.http}/v1/traces`, 'x', { 'content-type': 'text/plain' }), 415],
    ['unknown content encoding', () => post(`${h.http}/v1/traces`, 'x', { ...PB, 'content-encoding': 'zstd' }), 415],
    ['oversized body', () => post(`${h.http}/v1/traces`, Buffer.alloc(300 * 1024), PB), 413],
    ['gzip bomb (tiny on the wire, huge inflated)', () => post(`${h.http}/v1/traces`, gzipSync(Buffer.alloc(50 * 1024 * 1024)), { ...PB, 'content-encoding': 'gzip' }), 413],
    ['wrong path', () => post(`${h.http}/v1/spans`, 'x', PB), 404],
    ['wrong method', async () => { const r = await fetch(`${h.http}/v1/traces`); return { status: r.status, headers: r.headers, body: Buffer.from(await r.arrayBuffer()) }; }, 405],
  ];
  it.each(cases)('%s -> %i, and the collector stays healthy', async (_name, send, expected) => {
    const res = await send();
    expect(res.status).toBe(expected);
    if (expected === 400 && res.headers.get('content-type') === 'application/x-protobuf') {
      expect(decodeRpcStatus(res.body).code).toBe(3); // INVALID_ARGUMENT
    }
    if (expected === 405) expect(res.headers.get('allow')).toContain('POST');
    const after = await post(`${h.http}/v1/traces`, encodeTraces(sampleTraces()), PB);
    expect(after.status).toBe(200);
    expect(h.collector.inflightBytes()).toBe(0);
  });

  it('a gzip bomb is stopped while inflating (memory held never passes the cap)', async () => {
    const bomb = gzipSync(Buffer.alloc(200 * 1024 * 1024));
    const res = await post(`${h.http}/v1/traces`, bomb, { ...PB, 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
    // The in-flight limiter (1 MiB) would answer 429 if the inflated bytes were held past the 256 KiB cap.
    expect(h.collector.inflightBytes()).toBe(0);
  });

  it('10,000 attributes on one span are accepted and kept intact', async () => {
    const req = sampleTraces({ resources: 1, itemsPerResource: 1, seed: 77 });
    const span = req.resourceSpans[0].scopeSpans[0].spans[0];
    for (let i = 0; i < 10_000; i++) span.attributes.push({ key: `k${i}`, value: { intValue: BigInt(i) } });
    const res = await post(`${h.http}/v1/traces`, encodeTraces(req), PB);
    expect(res.status).toBe(200);
    const recs = await readTopic(h.bus, 'otlp_spans', 1);
    // Deployment announcements travel in-band on the spans topic too (JSON, marked by a header).
    const found = recs.filter((r) => !isDeploymentMarker(r.headers)).map((r) => decodeTraces(r.value!)).find((d) => d.resourceSpans[0].scopeSpans[0].spans[0].attributes.length === 10_005);
    expect(found).toBeDefined();
  });

  it('CORS: preflight for an allowed origin only when configured', async () => {
    const pre = await fetch(`${h.http}/v1/traces`, { method: 'OPTIONS', headers: { origin: 'https://app.example' } });
    expect(pre.status).toBe(403);
    const h2 = await startHarness({ http: { cors: { allowedOrigins: ['https://app.example'] } } });
    try {
      const ok = await fetch(`${h2.http}/v1/traces`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example');
      const post2 = await post(`${h2.http}/v1/traces`, encodeTraces(sampleTraces()), { ...PB, origin: 'https://app.example' });
      expect(post2.headers.get('access-control-allow-origin')).toBe('https://app.example');
    } finally {
      await h2.close();
    }
  });
});

describe('OTLP/HTTP receiver: authentication', () => {
  it('requires a valid bearer token when tokens are configured', async () => {
    const token = 'a-very-secret-token-0123456789';
    const h = await startHarness({ http: { auth: { bearerTokens: [token] } } });
    try {
      const body = encodeTraces(sampleTraces());
      expect((await post(`${h.http}/v1/traces`, body, PB)).status).toBe(401);
      expect((await post(`${h.http}/v1/traces`, body, { ...PB, authorization: 'Bearer wrong-token-wrong-token' })).status).toBe(401);
      expect((await post(`${h.http}/v1/traces`, body, { ...PB, authorization: `Bearer ${token}` })).status).toBe(200);
    } finally {
      await h.close();
    }
  });
});

describe('OTLP/HTTP receiver: backpressure', () => {
  it('answers 503 + Retry-After while the bus fails, and 200 again when it is back', async () => {
    let fail = true;
    const h = await startHarness({ busDownHoldMs: 0, retryAfterS: 7 }, (p: Producer): Producer => ({
      ...p,
      send: (records) => (fail ? Promise.reject(new BusError('BUS_UNAVAILABLE', 'broker down')) : p.send(records)),
      transaction: () => p.transaction(),
      close: () => p.close(),
    }));
    try {
      const body = encodeTraces(sampleTraces());
      const down = await post(`${h.http}/v1/traces`, body, PB);
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toBe('7');
      expect(decodeRpcStatus(down.body).code).toBe(14);
      fail = false;
      expect((await post(`${h.http}/v1/traces`, body, PB)).status).toBe(200);
      expect(h.collector.inflightBytes()).toBe(0);
    } finally {
      await h.close();
    }
  });

  it('answers 429 + Retry-After above maxInflightBytes instead of queueing', async () => {
    const pending: Array<() => void> = [];
    const h = await startHarness({ maxInflightBytes: 64 * 1024, http: { maxBodyBytes: 64 * 1024 }, grpc: { maxMessageBytes: 64 * 1024 }, retryAfterS: 3 }, (p: Producer): Producer => ({
      ...p,
      // Hold every send until released: in-flight bytes pile up.
      send: (records) => new Promise((resolve, reject) => pending.push(() => { p.send(records).then(resolve, reject); })),
      transaction: () => p.transaction(),
      close: () => p.close(),
    }));
    try {
      const body = encodeTraces(sampleTraces({ resources: 1, itemsPerResource: 40, extraAttributes: 5 }));
      const answers: Array<Promise<{ status: number; headers: Headers }>> = [];
      for (let i = 0; i < 40; i++) answers.push(post(`${h.http}/v1/traces`, body, PB));
      // Wait until the limiter is saturated, then release the held sends.
      for (let i = 0; i < 100 && pending.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 200));
      expect(h.collector.inflightBytes()).toBeLessThanOrEqual(64 * 1024);
      while (pending.length > 0) pending.shift()!();
      const done = await Promise.all(answers.map(async (a) => {
        const r = await a;
        while (pending.length > 0) pending.shift()!();
        return r;
      }));
      const throttled = done.filter((r) => r.status === 429);
      expect(throttled.length).toBeGreaterThan(0);
      expect(throttled[0].headers.get('retry-after')).toBe('3');
      expect(done.filter((r) => r.status === 200).length).toBeGreaterThan(0);
      expect(done.every((r) => r.status === 200 || r.status === 429)).toBe(true);
    } finally {
      const t = setInterval(() => { while (pending.length > 0) pending.shift()!(); }, 5);
      await h.close();
      clearInterval(t);
    }
  });
});

