// alerter.api.tls reaches the alerter's HTTP API: with requireClientCert the alerter answers only
// clients holding a certificate from alerter.api.tls.caFile (certificates made at test time by
// openssl, test/support/tls-certs.ts). The TLS behaviour itself is tested in @vigil/telemetry.
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '@vigil/config';
import { makeTestPki, tlsGet as get } from '../../../../test/support/tls-certs.js';
import { alerterHarness } from '../testing/harness.js';

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

describe('alerter API over mTLS', () => {
  it('serves /healthz and its API to a client certificate from alerter.api.tls.caFile only', async () => {
    const pki = makeTestPki();
    cleanup.push(() => pki.cleanup());
    const token = 'alerter-api-token-0123456789';
    const config = parseConfig({
      topics: { partitions: 1 },
      alerter: {
        tickIntervalMs: 3_600_000,
        api: {
          port: 0,
          tls: { enabled: true, certFile: pki.server.certFile, keyFile: pki.server.keyFile, caFile: pki.ca.certFile, requireClientCert: true },
          auth: { bearerTokens: [token] },
        },
      },
    });
    const h = await alerterHarness(config, 1_700_000_000_000, cleanup);
    const alerter = h.make();
    await alerter.start();
    const client = { ca: pki.ca.cert, cert: pki.client.cert, key: pki.client.key };
    expect(await get(alerter.apiPort, '/healthz', client)).toBe('200 {"status":"ok","service":"alerter"}');
    expect(await get(alerter.apiPort, '/metrics', client)).toMatch(/^401 /);
    expect(await get(alerter.apiPort, '/metrics', { ...client, headers: { authorization: `Bearer ${token}` } })).toMatch(/^200 /);
    expect(await get(alerter.apiPort, '/healthz', { ca: pki.ca.cert })).toMatch(/^error: .*certificate required/);
  });
});
