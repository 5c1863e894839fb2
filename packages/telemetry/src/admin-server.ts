import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { checkBearer } from './auth.js';
import type { Telemetry } from './telemetry.js';

/** A listener's `tls` section (packages/config tlsSchema): file paths of PEM material. */
export interface ListenerTlsOptions {
  enabled: boolean;
  certFile?: string;
  keyFile?: string;
  /** CA bundle that client certificates must chain to (mTLS). */
  caFile?: string;
  requireClientCert?: boolean;
}

export interface ListenerOptions {
  host: string;
  port: number;
  tls?: ListenerTlsOptions;
  auth?: { bearerTokens: string[] };
}

/** A route of a service's HTTP API. Return true when handled. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> | boolean;

export interface AdminServerOptions {
  telemetry: Telemetry;
  listener: ListenerOptions;
  /** Readiness: false answers /readyz with 503 (e.g. until the bus is connected). */
  ready?: () => boolean;
  /** Extra API routes, tried in order after the built-in ones. */
  routes?: RouteHandler[];
  /** Paths reachable without a token. /healthz and /readyz are always open (probes). */
  openPaths?: string[];
}

export interface RunningServer {
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
}

/**
 * Reads a listener's certificate, key and client CA once, at start. A file that cannot be read
 * fails the start with the option named (`tls.certFile "path": ENOENT ...`), and so does a
 * missing path (the config schema refuses that already; this guards direct callers), or
 * requireClientCert without a CA: without one there is nothing to verify clients against.
 */
export function readTlsFiles(tls: ListenerTlsOptions): TlsMaterial {
  const read = (key: 'certFile' | 'keyFile' | 'caFile'): Buffer => {
    const path = tls[key];
    if (!path) throw new Error(`tls.${key} is required when ${key === 'caFile' ? 'tls.requireClientCert' : 'tls.enabled'} is true`);
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Error(`cannot read tls.${key} ${JSON.stringify(path)}: ${(err as Error).message}`, { cause: err });
    }
  };
  const cert = read('certFile');
  const key = read('keyFile');
  const ca = tls.caFile || tls.requireClientCert ? read('caFile') : undefined;
  return { cert, key, ca };
}

/**
 * Create an HTTP or HTTPS server from listener options. With tls.requireClientCert the TLS
 * handshake requests a client certificate and the connection is dropped before any HTTP is
 * parsed unless the certificate chains to tls.caFile (Node: requestCert + rejectUnauthorized;
 * a missing certificate fails inside OpenSSL with alert 116 certificate_required in TLS 1.3,
 * an untrusted one is refused right after the handshake).
 */
export function createListenerServer(
  listener: ListenerOptions,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Server {
  const tls = listener.tls;
  if (tls?.enabled) {
    const { cert, key, ca } = readTlsFiles(tls);
    const mtls = Boolean(tls.requireClientCert);
    return createHttpsServer({ cert, key, ca, requestCert: mtls, rejectUnauthorized: mtls }, handler);
  }
  return createHttpServer(handler);
}

export async function listen(server: Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * The HTTP side every service has: /metrics (Prometheus), /healthz (the process lives),
 * /readyz (it can do its work), plus the service's own API routes, behind optional bearer auth.
 */
export async function startAdminServer(options: AdminServerOptions): Promise<RunningServer> {
  const { telemetry, listener } = options;
  const open = new Set(['/healthz', '/readyz', ...(options.openPaths ?? [])]);
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok', service: telemetry.service });
    if (url.pathname === '/readyz') {
      const ready = options.ready ? options.ready() : true;
      return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', service: telemetry.service });
    }
    if (!open.has(url.pathname) && !checkBearer(req.headers.authorization, listener.auth?.bearerTokens ?? [])) {
      return sendJson(res, 401, { error: 'unauthorized' }, { 'www-authenticate': 'Bearer' });
    }
    if (url.pathname === '/metrics' && req.method === 'GET') {
      const body = await telemetry.registry.metrics();
      res.writeHead(200, { 'content-type': telemetry.registry.contentType });
      res.end(body);
      return;
    }
    for (const route of options.routes ?? []) {
      if (await route(req, res, url)) return;
    }
    sendJson(res, 404, { error: `no route for ${req.method} ${url.pathname}` });
  };
  const server = createListenerServer(listener, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      telemetry.event('api_error', { err: (err as Error).message, path: req.url }, 'error');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  const port = await listen(server, listener.host, listener.port);
  let closing: Promise<void> | undefined;
  return {
    port,
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      });
      return closing;
    },
  };
}
