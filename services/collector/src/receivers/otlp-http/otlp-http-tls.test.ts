// The OTLP/HTTP receiver with collector.http.tls: the OpenTelemetry JS SDK exporters (HTTP/protobuf
// and HTTP/JSON) send over HTTPS with certificates made at test time (test/support/tls-certs.ts),
// the spans are read back from the memory bus. With requireClientCert, clients without a
// certificate or with one from an unrelated CA fail the handshake and nothing of theirs is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpsRequest } from 'node:https';
import { ConfigError, parseConfig } from '@vigil/config';
import { encodeTraces, sampleTraces } from '@vigil/otlp';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter as TraceProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as TraceJson } from '@opentelemetry/exporter-trace-otlp-http';
import { makeTestPki } from '../../../../../test/support/tls-certs.js';
import type { TestPki } from '../../../../../test/support/tls-certs.js';
import { createMemoryBus } from '@vigil/bus';
import { createCollector } from '../../collector.js';
import { quietTelemetry, startHarness, testConfig } from '../../testing/harness.test-util.js';
import type { Harness } from '../../testing/harness.test-util.js';
import { expectIntact, makeSpans, spansByService } from '../../testing/tls-spans.test-util.js';
import type { ExportResult } from '../../testing/tls-spans.test-util.js';

const TOKEN = 'tls-test-bearer-token-0123456789';

function exportSpans(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve)).finally(() => exporter.shutdown()) as Promise<ExportResult>;
}

/** A TLS-level refusal: handshake alert, verification failure or a connection cut (never an HTTP status). */
const TLS_REFUSAL = /certificate|alert|handshake|self[- ]signed|unable to (get|verify)|socket hang up|ECONNRESET|EPROTO|other side closed/i;

function expectRefused(result: ExportResult, what: string): void {
  expect(result.code, `${what}: export result`).toBe(1); // ExportResultCode.FAILED
  expect(String(result.error?.message ?? result.error), what).toMatch(TLS_REFUSAL);
  // Not an HTTP answer: the request never reached the receiver.
  expect((result.error as { code?: unknown } | undefined)?.code, what).not.toBeTypeOf('number');
}

describe('OTLP/HTTP receiver over TLS', () => {
  let pki: TestPki;
  let h: Harness;
  let url = '';
  beforeAll(async () => {
    pki = makeTestPki();
    h = await startHarness({
      http: { tls: { enabled: true, certFile: pki.server.certFile, keyFile: pki.server.keyFile }, auth: { bearerTokens: [TOKEN] } },
    });
    url = `https://127.0.0.1:${h.httpPort}/v1/traces`;
  });
  afterAll(async () => {
    await h?.close();
    pki?.cleanup();
  });

  it('HTTP/protobuf and HTTP/JSON SDK exporters trusting the CA deliver spans intact', async () => {
    const agent = { ca: pki.ca.cert };
    const headers = { authorization: `Bearer ${TOKEN}` };
    const proto = await exportSpans(new TraceProto({ url, headers, httpAgentOptions: agent }), makeSpans('tls-proto', 20));
    expect(proto.error).toBeUndefined();
    expect(proto.code).toBe(0);
    const json = await exportSpans(new TraceJson({ url, headers, httpAgentOptions: agent }), makeSpans('tls-json', 20));
    expect(json.error).toBeUndefined();
    expect(json.code).toBe(0);
    const found = await spansByService(h, 2);
    expectIntact(found.get('tls-proto'), 'tls-proto', 20);
    expectIntact(found.get('tls-json'), 'tls-json', 20);
  });

  it('bearer auth is still enforced over TLS: no token or a wrong one is 401', async () => {
    const agent = { ca: pki.ca.cert };
    const none = await exportSpans(new TraceProto({ url, httpAgentOptions: agent }), makeSpans('tls-no-token', 2));
    expect(none.code).toBe(1);
    expect((none.error as { code?: number }).code).toBe(401);
    const wrong = await exportSpans(new TraceProto({ url, headers: { authorization: 'Bearer not-the-token-0123456789' }, httpAgentOptions: agent }), makeSpans('tls-bad-token', 2));
    expect((wrong.error as { code?: number }).code).toBe(401);
    const found = await spansByService(h, 0);
    expect(found.has('tls-no-token')).toBe(false);
    expect(found.has('tls-bad-token')).toBe(false);
  });

  it('plain HTTP to the TLS port fails; so does a client that does not trust the server certificate', async () => {
    const body = encodeTraces(sampleTraces({ seed: 3 }));
    const plain = fetch(`http://127.0.0.1:${h.httpPort}/v1/traces`, { method: 'POST', body, headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${TOKEN}` } });
    await expect(plain).rejects.toThrow();
    const headers = { authorization: `Bearer ${TOKEN}` };
    // Default trust store (no test CA), then a client trusting only an unrelated CA.
    const untrusted = await exportSpans(new TraceProto({ url, headers, timeoutMillis: 3000 }), makeSpans('tls-untrusted', 2));
    expectRefused(untrusted, 'default trust store');
    expect(String(untrusted.error?.message)).toMatch(/unable to (get local issuer|verify)|self[- ]signed/i);
    const rogue = await exportSpans(new TraceProto({ url, headers, timeoutMillis: 3000, httpAgentOptions: { ca: pki.rogueCa.cert } }), makeSpans('tls-rogue-trust', 2));
    expectRefused(rogue, 'client trusting an unrelated CA');
    expect(String(rogue.error?.message)).toMatch(/unable to (get local issuer|verify)|self[- ]signed/i);
    const found = await spansByService(h, 0);
    expect(found.has('tls-untrusted')).toBe(false);
    expect(found.has('tls-rogue-trust')).toBe(false);
  });
});

describe('OTLP/HTTP receiver with mTLS (requireClientCert)', () => {
  let pki: TestPki;
  let h: Harness;
  let url = '';
  beforeAll(async () => {
    pki = makeTestPki();
    h = await startHarness({
      http: { tls: { enabled: true, certFile: pki.server.certFile, keyFile: pki.server.keyFile, caFile: pki.ca.certFile, requireClientCert: true } },
    });
    url = `https://127.0.0.1:${h.httpPort}/v1/traces`;
  });
  afterAll(async () => {
    await h?.close();
    pki?.cleanup();
  });

  it('a client certificate from the CA is accepted; none, or one from an unrelated CA, is refused in the handshake', async () => {
    const noCert = await exportSpans(new TraceProto({ url, timeoutMillis: 3000, httpAgentOptions: { ca: pki.ca.cert } }), makeSpans('mtls-no-cert', 3));
    expectRefused(noCert, 'no client certificate');
    // TLS 1.3: the server's OpenSSL sends alert 116 certificate_required (RFC 8446 §4.4.2.4).
    expect(noCert.error?.message).toMatch(/certificate required/);
    const rogue = await exportSpans(
      new TraceProto({ url, timeoutMillis: 3000, httpAgentOptions: { ca: pki.ca.cert, cert: pki.rogueClient.cert, key: pki.rogueClient.key } }),
      makeSpans('mtls-rogue', 3),
    );
    // Node refuses an untrusted client certificate right after the handshake (the socket is
    // destroyed before any HTTP is parsed): the client sees the connection cut.
    expectRefused(rogue, 'client certificate from an unrelated CA');
    const good = await exportSpans(
      new TraceProto({ url, httpAgentOptions: { ca: pki.ca.cert, cert: pki.client.cert, key: pki.client.key } }),
      makeSpans('mtls-good', 10),
    );
    expect(good.error).toBeUndefined();
    expect(good.code).toBe(0);
    const found = await spansByService(h, 1);
    expectIntact(found.get('mtls-good'), 'mtls-good', 10);
    expect([...found.keys()]).toEqual(['mtls-good']);
  });

  it('a raw HTTPS request without a client certificate gets no HTTP answer', async () => {
    const body = encodeTraces(sampleTraces({ seed: 4 }));
    const outcome = await new Promise<string>((resolve) => {
      const req = httpsRequest(url, { method: 'POST', ca: pki.ca.cert, headers: { 'content-type': 'application/x-protobuf' } }, (res) => {
        res.resume();
        resolve(`HTTP ${res.statusCode}`);
      });
      req.on('error', (err) => resolve(`error: ${err.message}`));
      req.end(body);
    });
    expect(outcome).toMatch(/^error: /);
    expect(outcome).toMatch(TLS_REFUSAL);
  });
});

describe('collector listener TLS configuration', () => {
  it('tls.enabled without certFile/keyFile, and requireClientCert without caFile, are refused with the key quoted', () => {
    const fail = (tls: Record<string, unknown>, where: 'http' | 'grpc'): string => {
      try {
        parseConfig({ collector: { [where]: { tls } } });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).message;
      }
      throw new Error(`collector.${where}.tls ${JSON.stringify(tls)} was accepted`);
    };
    expect(fail({ enabled: true }, 'http')).toMatch(/collector\.http\.tls: tls\.enabled needs certFile and keyFile/);
    expect(fail({ enabled: true, certFile: 'server.crt' }, 'grpc')).toMatch(/collector\.grpc\.tls: tls\.enabled needs certFile and keyFile/);
    expect(fail({ enabled: true, certFile: 'a', keyFile: 'b', requireClientCert: true }, 'http')).toMatch(/collector\.http\.tls: requireClientCert needs caFile/);
    expect(fail({ enabled: true, certFile: 'a', keyFile: 'b', ca: 'c' }, 'http')).toMatch(/unknown key "collector\.http\.tls\.ca"/);
  });

  it('a certificate file that cannot be read stops the start, naming the key and the path (HTTP and gRPC)', async () => {
    const missing = 'no-such-dir/server.crt';
    for (const where of ['http', 'grpc'] as const) {
      const bus = createMemoryBus();
      const collector = createCollector({ config: testConfig({ [where]: { tls: { enabled: true, certFile: missing, keyFile: missing } } }), bus, telemetry: quietTelemetry() });
      try {
        await expect(collector.start(), where).rejects.toThrow(/cannot read tls\.certFile "no-such-dir\/server\.crt": ENOENT/);
      } finally {
        await collector.shutdown(1000);
        await bus.shutdown();
      }
    }
  });
});
