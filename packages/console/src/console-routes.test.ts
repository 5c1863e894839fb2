// consoleMount behind a real admin server with bearer auth: the bundle's files are open, data is
// not, and /alerter/* reaches a second real server (the alerter's place) with the caller's token.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTelemetry, sendJson, startAdminServer } from '@vigil/telemetry';
import type { RunningServer } from '@vigil/telemetry';
import { makeTestPki, tlsGet } from '../../../test/support/tls-certs.js';
import { consoleMount } from './console-routes.js';

const TOKEN = 'console-routes-token-0123456789';
const quiet = (service: string) => createTelemetry({ service, destination: new Writable({ write: (_c, _e, cb) => cb() }), processMetrics: false });

describe('console routes', () => {
  const root = mkdtempSync(join(tmpdir(), 'vigil-console-web-'));
  const servers: RunningServer[] = [];
  let base = '';
  let upstreamSeen: Array<{ method: string; path: string; auth: string | undefined; body: string }> = [];

  beforeAll(async () => {
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title><script type="module" src="/assets/app-1.js"></script>');
    writeFileSync(join(root, 'assets', 'app-1.js'), 'console.log(1)');
    const alerter = await startAdminServer({
      telemetry: quiet('alerter'), listener: { host: '127.0.0.1', port: 0, auth: { bearerTokens: [TOKEN] } },
      routes: [async (req, res, url) => {
        let body = '';
        for await (const c of req) body += String(c);
        upstreamSeen.push({ method: req.method ?? '', path: `${url.pathname}${url.search}`, auth: req.headers.authorization, body });
        sendJson(res, req.method === 'POST' ? 201 : 200, { from: 'alerter', path: url.pathname });
        return true;
      }],
    });
    servers.push(alerter);
    const mount = consoleMount({ enabled: true, alerterUrl: `http://127.0.0.1:${alerter.port}`, webRoot: root });
    expect(mount.built).toBe(true);
    const api = await startAdminServer({
      telemetry: quiet('api'), listener: { host: '127.0.0.1', port: 0, auth: { bearerTokens: [TOKEN] } }, openPaths: mount.openPaths,
      routes: [(_req, res, url) => (url.pathname === '/v1/data' ? (sendJson(res, 200, { secret: 1 }), true) : false), ...mount.routes],
    });
    servers.push(api);
    base = `http://127.0.0.1:${api.port}`;
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('the bundle is open, with security headers; index is not cached, hashed assets are', async () => {
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(index.headers.get('x-frame-options')).toBe('DENY');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(await index.text()).toContain('/assets/app-1.js');
    const js = await fetch(`${base}/assets/app-1.js`);
    expect([js.status, js.headers.get('content-type'), js.headers.get('cache-control')]).toEqual([200, 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable']);
    // Not a file of the bundle: behind the token like everything else.
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(401);
  });

  test('data needs the token, and so does the alerter proxy (the request never leaves without it)', async () => {
    upstreamSeen = [];
    expect((await fetch(`${base}/v1/data`)).status).toBe(401);
    expect((await fetch(`${base}/alerter/v1/alerts`)).status).toBe(401);
    expect((await fetch(`${base}/alerter/v1/alerts`, { headers: { authorization: 'Bearer wrong-token-0000000000' } })).status).toBe(401);
    expect(upstreamSeen).toEqual([]);
    const ok = await fetch(`${base}/v1/data`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await ok.json()).toEqual({ secret: 1 });
  });

  test('/alerter/* is forwarded with method, query, token and body', async () => {
    upstreamSeen = [];
    const auth = { authorization: `Bearer ${TOKEN}` };
    const got = await fetch(`${base}/alerter/v1/alerts?status=firing`, { headers: auth });
    expect([got.status, await got.json()]).toEqual([200, { from: 'alerter', path: '/v1/alerts' }]);
    const posted = await fetch(`${base}/alerter/v1/silences`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"matchers":[]}' });
    expect(posted.status).toBe(201);
    expect(upstreamSeen).toEqual([
      { method: 'GET', path: '/v1/alerts?status=firing', auth: `Bearer ${TOKEN}`, body: '' },
      { method: 'POST', path: '/v1/silences', auth: `Bearer ${TOKEN}`, body: '{"matchers":[]}' },
    ]);
  });

  test('without an alerter URL the proxy answers 503; an unbuilt bundle answers 503 saying how to build it', async () => {
    const mount = consoleMount({ enabled: true, alerterUrl: '', webRoot: join(root, 'nowhere') });
    expect(mount.built).toBe(false);
    const s = await startAdminServer({ telemetry: quiet('api2'), listener: { host: '127.0.0.1', port: 0 }, openPaths: mount.openPaths, routes: mount.routes });
    servers.push(s);
    const b = `http://127.0.0.1:${s.port}`;
    const idx = await fetch(`${b}/`);
    expect(idx.status).toBe(503);
    expect(await idx.text()).toMatch(/npm run build/);
    const p = await fetch(`${b}/alerter/v1/alerts`);
    expect([p.status, ((await p.json()) as { error: string }).error]).toEqual([503, expect.stringMatching(/console\.alerterUrl/)]);
    // Disabled: no routes, nothing open.
    expect(consoleMount({ enabled: false, alerterUrl: '' })).toEqual({ routes: [], openPaths: [], built: false });
  });

  test('over TLS: the console and its data on the https listener, the alerter proxied over https with a private CA', async () => {
    const pki = makeTestPki();
    try {
      const tls = { enabled: true, certFile: pki.server.certFile, keyFile: pki.server.keyFile };
      const alerter = await startAdminServer({
        telemetry: quiet('alerter-tls'), listener: { host: '127.0.0.1', port: 0, tls, auth: { bearerTokens: [TOKEN] } },
        routes: [(_req, res, url) => (sendJson(res, 200, { from: 'tls-alerter', path: url.pathname }), true)],
      });
      servers.push(alerter);
      const mount = consoleMount({ enabled: true, alerterUrl: `https://127.0.0.1:${alerter.port}`, alerterCaFile: pki.ca.certFile, webRoot: root });
      const api = await startAdminServer({
        telemetry: quiet('api-tls'), listener: { host: '127.0.0.1', port: 0, tls, auth: { bearerTokens: [TOKEN] } }, openPaths: mount.openPaths, routes: mount.routes,
      });
      servers.push(api);
      expect(await tlsGet(api.port, '/', { ca: pki.ca.cert })).toMatch(/^200 <!doctype html>/);
      expect(await tlsGet(api.port, '/alerter/v1/alerts', { ca: pki.ca.cert })).toMatch(/^401 /);
      expect(await tlsGet(api.port, '/alerter/v1/alerts', { ca: pki.ca.cert, headers: { authorization: `Bearer ${TOKEN}` } })).toBe('200 {"from":"tls-alerter","path":"/v1/alerts"}');
      // Plain HTTP to the TLS listener gets nothing.
      expect(await tlsGet(api.port, '/', { plain: true })).not.toMatch(/^200/);
      // Without the CA the proxy refuses the alerter's certificate: 502, not a silent downgrade.
      const untrusting = consoleMount({ enabled: true, alerterUrl: `https://127.0.0.1:${alerter.port}`, webRoot: root });
      const api2 = await startAdminServer({ telemetry: quiet('api-tls2'), listener: { host: '127.0.0.1', port: 0 }, openPaths: untrusting.openPaths, routes: untrusting.routes });
      servers.push(api2);
      const r = await fetch(`http://127.0.0.1:${api2.port}/alerter/v1/alerts`);
      expect(r.status).toBe(502);
    } finally {
      pki.cleanup();
    }
  });
});
