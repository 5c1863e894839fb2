// The admin/API server (every service's /healthz, /readyz, /metrics and API routes: the writer's
// query API and the alerter's API run on it) over HTTPS and mTLS, with certificates made at test
// time by openssl (test/support/tls-certs.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { makeTestPki, tlsGet as get } from '../../../test/support/tls-certs.js';
import type { TestPki } from '../../../test/support/tls-certs.js';
import { createTelemetry, readTlsFiles, startAdminServer } from './index.js';
import type { ListenerOptions, RunningServer } from './index.js';

const TOKEN = 'admin-tls-bearer-token-0123456789';


async function start(listener: ListenerOptions): Promise<RunningServer> {
  const telemetry = createTelemetry({ service: 'api-tls', destination: new Writable({ write: (_c, _e, cb) => cb() }), processMetrics: false });
  return startAdminServer({
    telemetry,
    listener,
    routes: [(_req, res, url) => {
      if (url.pathname !== '/v1/hello') return false;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('hello');
      return true;
    }],
  });
}

/** A fresh PKI and the server on 127.0.0.1 with the listener options `tls` builds from it. */
async function startWithPki(tls: (pki: TestPki) => Omit<ListenerOptions, 'host' | 'port'>): Promise<{ pki: TestPki; server: RunningServer }> {
  const pki = makeTestPki();
  const server = await start({ host: '127.0.0.1', port: 0, ...tls(pki) });
  return { pki, server };
}

async function stopWithPki(server: RunningServer | undefined, pki: TestPki | undefined): Promise<void> {
  await server?.close();
  pki?.cleanup();
}

describe('admin/API server over HTTPS', () => {
  let pki: TestPki;
  let server: RunningServer;
  beforeAll(async () => {
    ({ pki, server } = await startWithPki((p) => ({ tls: { enabled: true, certFile: p.server.certFile, keyFile: p.server.keyFile }, auth: { bearerTokens: [TOKEN] } })));
  });
  afterAll(() => stopWithPki(server, pki));

  it('/healthz answers over HTTPS to a client trusting the CA', async () => {
    expect(await get(server.port, '/healthz', { ca: pki.ca.cert })).toBe('200 {"status":"ok","service":"api-tls"}');
  });

  it('API routes still need the bearer token over TLS', async () => {
    expect(await get(server.port, '/v1/hello', { ca: pki.ca.cert })).toMatch(/^401 /);
    expect(await get(server.port, '/v1/hello', { ca: pki.ca.cert, headers: { authorization: `Bearer ${TOKEN}` } })).toBe('200 hello');
  });

  it('a client that does not trust the server certificate, and plain HTTP, get no answer', async () => {
    expect(await get(server.port, '/healthz')).toMatch(/^error: .*(unable to verify|unable to get local issuer|self[- ]signed)/);
    expect(await get(server.port, '/healthz', { ca: pki.rogueCa.cert })).toMatch(/^error: .*(unable to verify|unable to get local issuer)/);
    expect(await get(server.port, '/healthz', { plain: true })).toMatch(/^error: /);
  });
});

describe('admin/API server with mTLS (requireClientCert)', () => {
  let pki: TestPki;
  let server: RunningServer;
  beforeAll(async () => {
    ({ pki, server } = await startWithPki((p) => ({
      tls: { enabled: true, certFile: p.server.certFile, keyFile: p.server.keyFile, caFile: p.ca.certFile, requireClientCert: true },
    })));
  });
  afterAll(() => stopWithPki(server, pki));

  it('a client certificate from the CA gets /healthz and the API; none, or one from an unrelated CA, is refused', async () => {
    const good = { ca: pki.ca.cert, cert: pki.client.cert, key: pki.client.key };
    expect(await get(server.port, '/healthz', good)).toBe('200 {"status":"ok","service":"api-tls"}');
    expect(await get(server.port, '/v1/hello', good)).toBe('200 hello');
    // TLS 1.3: a missing certificate ends in alert 116 certificate_required (RFC 8446 §4.4.2.4).
    expect(await get(server.port, '/healthz', { ca: pki.ca.cert })).toMatch(/^error: .*certificate required/);
    // An untrusted one: Node drops the connection after the handshake, before any HTTP is read.
    expect(await get(server.port, '/healthz', { ca: pki.ca.cert, cert: pki.rogueClient.cert, key: pki.rogueClient.key }))
      .toMatch(/^error: .*(socket hang up|ECONNRESET|alert)/);
  });
});

describe('readTlsFiles', () => {
  it('names the option and the path of a file it cannot read, and refuses requireClientCert without a CA', () => {
    expect(() => readTlsFiles({ enabled: true, certFile: 'missing/cert.pem', keyFile: 'missing/key.pem' }))
      .toThrow(/cannot read tls\.certFile "missing\/cert\.pem": ENOENT/);
    expect(() => readTlsFiles({ enabled: true, keyFile: 'k.pem' })).toThrow(/tls\.certFile is required when tls\.enabled is true/);
    const pki = makeTestPki();
    try {
      const files = { enabled: true, certFile: pki.server.certFile, keyFile: pki.server.keyFile };
      // Without a CA, Node and grpc-js would verify client certificates against the public roots.
      expect(() => readTlsFiles({ ...files, requireClientCert: true })).toThrow(/tls\.caFile is required when tls\.requireClientCert is true/);
      const read = readTlsFiles({ ...files, caFile: pki.ca.certFile });
      expect(read.cert.equals(pki.server.cert) && read.key.equals(pki.server.key) && read.ca?.equals(pki.ca.cert)).toBe(true);
    } finally {
      pki.cleanup();
    }
  });
});
