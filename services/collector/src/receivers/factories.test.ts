// Receivers as components: each factory makes its receiver from its config, the next stage and the
// host; the HTTP ones register their paths on the shared listener, which answers for all of them
// (404 elsewhere, auth, 405) and refuses a path registered twice. Real listener on an ephemeral
// port, real next stages replaced by recording ones (the receivers' own tests run the real
// pipeline through createCollector).
import { Writable } from 'node:stream';
import { afterEach, describe, expect, test } from 'vitest';
import { parseConfig } from '@vigil/config';
import { encodeTraces, sampleTraces } from '@vigil/otlp';
import type { Signal } from '@vigil/otlp';
import { createTelemetry } from '@vigil/telemetry';
import { collectorMetrics } from '../collector-metrics.js';
import { InflightLimiter } from '../processors/admission/inflight-limiter.js';
import type { Format, IngestOutcome, OtlpConsumer } from '../ingest/outcome.js';
import type { DeploymentEvent } from '../deployments/deployment-event.js';
import type { JUnitRequest } from '../ci/junit-ingest.js';
import { createHttpListener } from './http-listener/http-listener.js';
import type { HttpListener } from './http-listener/http-listener.js';
import { RECEIVER_FACTORIES } from './factories.js';
import type { ReceiverHost } from './receiver.js';

const TOKEN = 'factories-test-token-0123';

function host(token = ''): { host: ReceiverHost; listener: HttpListener } {
  const config = parseConfig({ collector: { http: { port: 0, auth: { bearerTokens: token ? [token] : [] } } } }).collector;
  const telemetry = createTelemetry({ service: 'collector-test', destination: new Writable({ write: (_c, _e, cb) => cb() }), processMetrics: false });
  const metrics = collectorMetrics(telemetry);
  const listener = createHttpListener({ config: config.http, metrics, telemetry });
  const limiter = new InflightLimiter(config.maxInflightBytes, () => {});
  return { listener, host: { httpListener: () => listener, limiter, metrics, telemetry, retryAfterS: 3, now: () => 1_700_000_000_000 } };
}

class RecordingConsumer implements OtlpConsumer {
  readonly seen: Array<{ signal: Signal; bytes: number; format: Format }> = [];
  constructor(private readonly limiter: InflightLimiter) {}
  consume(signal: Signal, body: Buffer, format: Format, reserved: number): Promise<IngestOutcome> {
    this.seen.push({ signal, bytes: body.length, format });
    this.limiter.release(reserved);
    return Promise.resolve({ kind: 'ok', accepted: 1, rejected: 0, message: '' });
  }
}

let open: HttpListener[] = [];
afterEach(async () => {
  for (const l of open) await l.stop();
  open = [];
});

describe('receiver factories and the shared HTTP listener', () => {
  test('the registry has one factory per receiver type, each named by its type', () => {
    expect(Object.keys(RECEIVER_FACTORIES).sort()).toEqual(['ci_junit', 'deployments', 'otlp_grpc', 'otlp_http']);
    for (const [type, f] of Object.entries(RECEIVER_FACTORIES)) expect(f.type).toBe(type);
  });

  test('each HTTP receiver registers its own paths; requests reach only their receiver', async () => {
    const { host: h, listener } = host(TOKEN);
    const cfg = parseConfig({}).collector;
    const otlp = new RecordingConsumer(h.limiter);
    const deployments: DeploymentEvent[] = [];
    const reports: JUnitRequest[] = [];
    RECEIVER_FACTORIES.otlp_http.create(cfg.http, otlp, h);
    expect(listener.paths).toEqual(['/v1/traces', '/v1/metrics', '/v1/logs']);
    RECEIVER_FACTORIES.deployments.create({ webhooks: cfg.deployments.webhooks }, (e) => { deployments.push(e); return Promise.resolve({ kind: 'acked', records: 2 }); }, h);
    RECEIVER_FACTORIES.ci_junit.create(cfg.http, (r) => { h.limiter.release(r.reservedBytes); reports.push(r); return Promise.resolve({ status: 200, body: { accepted: 0 } }); }, h);
    expect(listener.paths).toEqual(['/v1/traces', '/v1/metrics', '/v1/logs', '/v1/ci/junit', '/v1/deployments/*']);
    open.push(listener);
    const base = `http://127.0.0.1:${await listener.start()}`;
    const auth = { authorization: `Bearer ${TOKEN}` };

    const traces = encodeTraces(sampleTraces({ resources: 1, itemsPerResource: 2, seed: 1 }));
    expect((await fetch(`${base}/v1/traces`, { method: 'POST', body: traces, headers: { ...auth, 'content-type': 'application/x-protobuf' } })).status).toBe(200);
    expect(otlp.seen).toEqual([{ signal: 'traces', bytes: traces.length, format: 'protobuf' }]);

    const dep = await fetch(`${base}/v1/deployments`, { method: 'POST', body: JSON.stringify({ service: 'cart', version: 'v2' }), headers: { ...auth, 'content-type': 'application/json' } });
    expect(dep.status).toBe(202);
    expect(deployments.map((d) => [d.service, d.version, d.source, d.timeMs])).toEqual([['cart', 'v2', 'api', 1_700_000_000_000]]);

    const xml = '<testsuite name="s"><testcase name="t"/></testsuite>';
    expect((await fetch(`${base}/v1/ci/junit?pipeline=p&run=1`, { method: 'POST', body: xml, headers: { ...auth, 'content-type': 'application/xml' } })).status).toBe(200);
    expect(reports.map((r) => [r.body.toString(), r.query.get('pipeline')])).toEqual([[xml, 'p']]);

    // What the listener answers for every receiver: unknown path, missing token, wrong method.
    const unknown = await fetch(`${base}/v1/profiles`, { method: 'POST', body: '{}', headers: { ...auth, 'content-type': 'application/json' } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 5, message: 'no OTLP endpoint at /v1/profiles' });
    for (const path of ['/v1/traces', '/v1/deployments', '/v1/ci/junit']) {
      const r = await fetch(`${base}${path}`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      expect([path, r.status, r.headers.get('www-authenticate')]).toEqual([path, 401, 'Bearer']);
      const g = await fetch(`${base}${path}`, { headers: auth });
      expect([path, g.status, g.headers.get('allow')]).toEqual([path, 405, 'POST, OPTIONS']);
    }
    expect(otlp.seen).toHaveLength(1);
    expect(deployments).toHaveLength(1);
    expect(reports).toHaveLength(1);
    expect(h.limiter.heldBytes).toBe(0);
  });

  test('a path registered twice, or after start, is refused', async () => {
    const { host: h, listener } = host();
    const cfg = parseConfig({}).collector;
    RECEIVER_FACTORIES.otlp_http.create(cfg.http, new RecordingConsumer(h.limiter), h);
    expect(() => RECEIVER_FACTORIES.otlp_http.create(cfg.http, new RecordingConsumer(h.limiter), h)).toThrow('http listener: /v1/traces is already registered');
    open.push(listener);
    await listener.start();
    expect(() => listener.register({ path: '/late', label: 'late', handle: () => Promise.resolve() })).toThrow('http listener: /late registered after start');
  });
});
