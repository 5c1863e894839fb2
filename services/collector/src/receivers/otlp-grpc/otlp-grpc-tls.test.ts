// The OTLP/gRPC receiver with collector.grpc.tls: the OpenTelemetry JS SDK gRPC exporter sends
// with @grpc/grpc-js SSL credentials made from certificates generated at test time
// (test/support/tls-certs.ts); spans are read back from the memory bus. With requireClientCert,
// clients without a certificate or with one from an unrelated CA never get a call through.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metadata, credentials, status } from '@grpc/grpc-js';
import type { ChannelCredentials } from '@grpc/grpc-js';
import { OTLPTraceExporter as TraceGrpc } from '@opentelemetry/exporter-trace-otlp-grpc';
import { makeTestPki } from '../../../../../test/support/tls-certs.js';
import type { TestPki } from '../../../../../test/support/tls-certs.js';
import { startHarness } from '../../testing/harness.test-util.js';
import type { Harness } from '../../testing/harness.test-util.js';
import { expectIntact, makeSpans, spansByService } from '../../testing/tls-spans.test-util.js';
import type { ExportResult } from '../../testing/tls-spans.test-util.js';

const TOKEN = 'grpc-tls-bearer-token-0123456789';

/** Exports `n` spans of `service` through a fresh SDK gRPC exporter. */
async function send(url: string, creds: ChannelCredentials, service: string, n: number, token?: string): Promise<ExportResult> {
  const metadata = new Metadata();
  if (token) metadata.set('authorization', `Bearer ${token}`);
  const exporter = new TraceGrpc({ url, credentials: creds, metadata, timeoutMillis: 5000 });
  try {
    return await new Promise<ExportResult>((resolve) => exporter.export(makeSpans(service, n), resolve));
  } finally {
    await exporter.shutdown();
  }
}

/**
 * The call never reached the service: UNAVAILABLE from a failed (or cut) TLS connection, with
 * the reason when grpc-js reports one (an untrusted client certificate is refused by Node right
 * after the handshake, which grpc-js reports as "Failed to connect").
 */
function expectRefused(result: ExportResult, what: string, reason?: RegExp): void {
  expect(result.code, `${what}: export result`).toBe(1);
  expect((result.error as { code?: number }).code, `${what}: ${result.error?.message}`).toBe(status.UNAVAILABLE);
  if (reason) expect(result.error?.message, what).toMatch(reason);
}
const UNTRUSTED_SERVER = /unable to verify the first certificate|unable to get local issuer certificate|self[- ]signed/;

describe('OTLP/gRPC receiver over TLS', () => {
  let pki: TestPki;
  let h: Harness;
  let url = '';
  beforeAll(async () => {
    pki = makeTestPki();
    h = await startHarness({
      grpc: { tls: { enabled: true, certFile: pki.server.certFile, keyFile: pki.server.keyFile }, auth: { bearerTokens: [TOKEN] } },
    });
    // By name (the server certificate's DNS SAN); the HTTP tests use its IP SAN. grpc-js would
    // also send an IP address as TLS SNI, which Node warns about (RFC 6066 §3 forbids it).
    url = `https://localhost:${h.grpcPort}`;
  });
  afterAll(async () => {
    await h?.close();
    pki?.cleanup();
  });

  it('the SDK gRPC exporter with the CA trusted delivers spans intact; without the token it is UNAUTHENTICATED', async () => {
    const ok = await send(url, credentials.createSsl(pki.ca.cert), 'grpc-tls', 20, TOKEN);
    expect(ok.error).toBeUndefined();
    expect(ok.code).toBe(0);
    const noToken = await send(url, credentials.createSsl(pki.ca.cert), 'grpc-tls-no-token', 2);
    expect(noToken.code).toBe(1);
    expect((noToken.error as { code?: number }).code).toBe(status.UNAUTHENTICATED);
    const found = await spansByService(h, 1);
    expectIntact(found.get('grpc-tls'), 'grpc-tls', 20);
    expect(found.has('grpc-tls-no-token')).toBe(false);
  });

  it('a plaintext client, and clients that do not trust the server certificate, get no call through', async () => {
    expectRefused(await send(`http://127.0.0.1:${h.grpcPort}`, credentials.createInsecure(), 'grpc-plain', 2, TOKEN), 'plaintext client');
    expectRefused(await send(url, credentials.createSsl(), 'grpc-default-roots', 2, TOKEN), 'default trust store', UNTRUSTED_SERVER);
    expectRefused(await send(url, credentials.createSsl(pki.rogueCa.cert), 'grpc-rogue-trust', 2, TOKEN), 'client trusting an unrelated CA', UNTRUSTED_SERVER);
    const found = await spansByService(h, 0);
    for (const s of ['grpc-plain', 'grpc-default-roots', 'grpc-rogue-trust']) expect(found.has(s), s).toBe(false);
  });
});

describe('OTLP/gRPC receiver with mTLS (requireClientCert)', () => {
  let pki: TestPki;
  let h: Harness;
  let url = '';
  beforeAll(async () => {
    pki = makeTestPki();
    h = await startHarness({
      grpc: { tls: { enabled: true, certFile: pki.server.certFile, keyFile: pki.server.keyFile, caFile: pki.ca.certFile, requireClientCert: true } },
    });
    url = `https://localhost:${h.grpcPort}`;
  });
  afterAll(async () => {
    await h?.close();
    pki?.cleanup();
  });

  it('a client certificate from the CA is accepted; none, or one from an unrelated CA, is refused', async () => {
    // TLS 1.3: the server's OpenSSL sends alert 116 certificate_required (RFC 8446 §4.4.2.4).
    expectRefused(await send(url, credentials.createSsl(pki.ca.cert), 'mtls-no-cert', 3), 'no client certificate', /certificate required/);
    expectRefused(await send(url, credentials.createSsl(pki.ca.cert, pki.rogueClient.key, pki.rogueClient.cert), 'mtls-rogue', 3), 'client certificate from an unrelated CA');
    const good = await send(url, credentials.createSsl(pki.ca.cert, pki.client.key, pki.client.cert), 'mtls-good', 10);
    expect(good.error).toBeUndefined();
    expect(good.code).toBe(0);
    const found = await spansByService(h, 1);
    expectIntact(found.get('mtls-good'), 'mtls-good', 10);
    expect([...found.keys()]).toEqual(['mtls-good']);
  });
});
