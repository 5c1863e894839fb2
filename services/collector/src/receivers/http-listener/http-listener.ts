// The collector's HTTP listener, shared by registration: one server (collector.http: host, port,
// TLS/mTLS, bearer tokens, CORS, linger bounds) on which each HTTP receiver registers its paths
// at creation, as the OpenTelemetry Collector's receivers build their handlers on one mux that
// confighttp turns into a server with its auth, CORS and decompression settings. Receivers never
// see a request that is not theirs; what every path shares is done here, once:
//   404 for a path no receiver registered; CORS preflight (OPTIONS) and headers; 405 for a method
//   other than POST (Allow: POST, OPTIONS); 401 without a valid bearer token (unless the route
//   authenticates the request itself, e.g. a signed webhook); the request counter; the lingering
//   close of a connection whose body is left unread after an early answer (drain, below).
// Error bodies are google.rpc.Status in the request's encoding (OTLP specification).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createListenerServer, checkBearer, listen } from '@vigil/telemetry';
import type { Telemetry } from '@vigil/telemetry';
import type { CollectorConfig } from '@vigil/config';
import { encodeRpcStatus } from '@vigil/otlp';
import type { CollectorMetrics } from '../../collector-metrics.js';
import type { Format } from '../../ingest/outcome.js';

/** After the half-close of a lingering close, how long the rest is still read and dropped. */
const LINGER_AFTER_FIN_MS = 2_000;

/** google.rpc.Code values used in Status bodies (google/rpc/code.proto). */
const RPC_CODE: Record<number, number> = { 400: 3, 401: 16, 404: 5, 405: 12, 413: 8, 415: 3, 429: 8, 500: 13, 503: 14 };

/** The OTLP media type of a Content-Type header; null when it is neither protobuf nor JSON. */
export function mediaType(header: string | undefined): Format | null {
  const v = (header ?? '').split(';')[0].trim().toLowerCase();
  if (v === 'application/x-protobuf' || v === 'application/protobuf') return 'protobuf';
  if (v === 'application/json') return 'json';
  return null;
}

/** One request as a route sees it, with the answers every route shares. */
export interface HttpExchange {
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  /** The part of the path below a prefix route's path ('' for an exact route). */
  subPath: string;
  query: URLSearchParams;
  /** Counts the answer (vigil_collector_requests_total) with the route's label. */
  answer(code: number): void;
  /** An error answer (google.rpc.Status in `format`), not counted. */
  status(code: number, message: string, format: Format): void;
  /** Drops the unread rest of the body after an early answer (lingering close). */
  drain(): void;
  /** drain + status + answer: the early refusal of a request. */
  refuse(code: number, message: string, format: Format, headers?: Record<string, string>): void;
  /** A JSON answer (with Retry-After when given), counted. */
  json(code: number, body: unknown, retryAfterS?: number): void;
}

export interface HttpRoute {
  /** Exact path, or with `prefix` the path and everything below it (`{path}/...`). */
  path: string;
  prefix?: boolean;
  /** The `signal` label of the request counter. */
  label: string;
  /** Also observe vigil_collector_request_duration_seconds (the OTLP signal paths). */
  timed?: boolean;
  /** True when the request authenticates itself (a webhook signature is configured): no bearer token is asked. */
  selfAuthenticates?(subPath: string, headers: IncomingMessage['headers']): boolean;
  /** Called for an authenticated POST; must answer (and count) it. */
  handle(x: HttpExchange): Promise<void>;
}

export interface HttpListenerOptions {
  config: CollectorConfig['http'];
  metrics: CollectorMetrics;
  telemetry: Telemetry;
}

export class HttpListener {
  private server: Server | null = null;
  private readonly exact = new Map<string, HttpRoute>();
  private readonly prefixes: HttpRoute[] = [];
  private readonly cors: { any: boolean; origins: Set<string>; headers: string; maxAge: string };

  constructor(private readonly o: HttpListenerOptions) {
    const c = o.config.cors;
    this.cors = {
      any: c.allowedOrigins.includes('*'),
      origins: new Set(c.allowedOrigins),
      headers: ['content-type', 'content-encoding', 'authorization', ...c.allowedHeaders].join(', '),
      maxAge: String(c.maxAgeS),
    };
  }

  /** Registers a route; a path registered twice is a configuration error. */
  register(route: HttpRoute): void {
    if (this.server) throw new Error(`http listener: ${route.path} registered after start`);
    const clash = route.prefix ? this.prefixes.some((r) => r.path === route.path) : this.exact.has(route.path);
    if (clash) throw new Error(`http listener: ${route.path} is already registered`);
    if (route.prefix) this.prefixes.push(route);
    else this.exact.set(route.path, route);
  }

  /** Paths registered (prefix routes end with `/*`). */
  get paths(): string[] {
    return [...this.exact.keys(), ...this.prefixes.map((r) => `${r.path}/*`)];
  }

  async start(): Promise<number> {
    const server = createListenerServer(this.o.config, (req, res) => {
      this.dispatch(req, res).catch((err: unknown) => {
        this.o.telemetry.event('http_receiver_error', { err: (err as Error).message }, 'error');
        if (!res.headersSent) this.status(res, 500, 'internal error', 'json');
        else res.destroy();
      });
    });
    // Slow-loris bounds: a request must arrive whole in time.
    server.requestTimeout = 60_000;
    server.headersTimeout = 20_000;
    server.keepAliveTimeout = 65_000;
    this.server = server;
    return listen(server, this.o.config.host, this.o.config.port);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }

  /** Forcefully drops connections still open (after the shutdown deadline). */
  destroy(): void {
    this.server?.closeAllConnections();
  }

  private route(path: string): { route: HttpRoute; subPath: string } | null {
    const exact = this.exact.get(path);
    if (exact) return { route: exact, subPath: '' };
    for (const r of this.prefixes) {
      if (path === r.path || path.startsWith(`${r.path}/`)) return { route: r, subPath: path.slice(r.path.length) };
    }
    return null;
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const found = this.route(path);
    const label = found?.route.label ?? 'none';
    const x: HttpExchange = {
      req, res, path, subPath: found?.subPath ?? '', query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)),
      answer: (code) => {
        this.o.metrics.requests.inc({ transport: 'http', signal: label, code: String(code) });
        if (found?.route.timed) this.o.metrics.requestSeconds.observe({ transport: 'http', signal: label }, (performance.now() - started) / 1000);
      },
      status: (code, message, format) => this.status(res, code, message, format),
      drain: () => this.drain(req),
      refuse: (code, message, format, headers) => {
        this.drain(req);
        for (const [k, v] of Object.entries(headers ?? {})) res.setHeader(k, v);
        this.status(res, code, message, format);
        x.answer(code);
      },
      json: (code, body, retryAfterS) => {
        const text = JSON.stringify(body);
        const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
        if (retryAfterS !== undefined) headers['retry-after'] = String(retryAfterS);
        res.writeHead(code, headers);
        res.end(text);
        x.answer(code);
      },
    };
    const format = mediaType(req.headers['content-type']) ?? 'json';
    if (!found) return x.refuse(404, `no OTLP endpoint at ${path}`, format);
    const corsOk = this.applyCors(req, res);
    if (req.method === 'OPTIONS') {
      this.drain(req);
      res.writeHead(corsOk ? 204 : 403, { 'content-length': 0 });
      res.end();
      return x.answer(corsOk ? 204 : 403);
    }
    if (req.method !== 'POST') return x.refuse(405, `method ${req.method} not allowed on ${path}`, format, { allow: 'POST, OPTIONS' });
    const selfAuth = found.route.selfAuthenticates?.(found.subPath, req.headers) === true;
    if (!selfAuth && !checkBearer(req.headers.authorization, this.o.config.auth.bearerTokens)) {
      return x.refuse(401, 'missing or invalid bearer token', format, { 'www-authenticate': 'Bearer' });
    }
    await found.route.handle(x);
  }

  /** An error answer: google.rpc.Status in the request's encoding. */
  private status(res: ServerResponse, code: number, message: string, format: Format): void {
    const rpc = RPC_CODE[code] ?? 2;
    if (format === 'protobuf') {
      const body = encodeRpcStatus({ code: rpc, message, details: [] });
      res.writeHead(code, { 'content-type': 'application/x-protobuf', 'content-length': body.length });
      res.end(body);
    } else {
      const text = JSON.stringify({ code: rpc, message, details: [] });
      res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    }
  }

  private applyCors(req: IncomingMessage, res: ServerResponse): boolean {
    const origin = req.headers.origin;
    if (!origin || (!this.cors.any && !this.cors.origins.has(origin))) return false;
    res.setHeader('access-control-allow-origin', this.cors.any ? '*' : origin);
    res.setHeader('vary', 'Origin');
    res.setHeader('access-control-allow-methods', 'POST, OPTIONS');
    res.setHeader('access-control-allow-headers', this.cors.headers);
    res.setHeader('access-control-max-age', this.cors.maxAge);
    return true;
  }

  /**
   * Discards the rest of a body we will not read, so that the client reads our early answer (413,
   * 429, 401, …). Closing a socket while unread bytes sit in its receive buffer makes the kernel
   * send RST instead of FIN (RFC 1122 §4.2.2.13; RFC 2525 §2.17), and a client still sending then
   * fails with EPIPE/ECONNRESET, often before it read the answer already delivered to it. Node's
   * server does exactly that after an answer that ends the connection (the client sent
   * `Connection: close`, or the body is unread): it destroys the socket as soon as the answer is
   * flushed. So this socket gets a "lingering close", as Apache httpd and nginx do (nginx
   * lingering_close / lingering_time): the answer, then FIN, and the rest of the body read and
   * dropped up to `lingerMaxBytes` or for `lingerMaxMs`; past either, LINGER_AFTER_FIN_MS more,
   * then the connection is dropped. A body that ends within the budget leaves a keep-alive
   * connection usable.
   */
  private drain(req: IncomingMessage): void {
    req.on('error', () => {});
    if (req.complete) return;
    const { lingerMaxBytes, lingerMaxMs } = this.o.config;
    const socket = req.socket as Socket & { destroySoon?: () => void };
    let left = lingerMaxBytes;
    let dropTimer: NodeJS.Timeout | null = null;
    const dropIn = (ms: number): void => {
      if (dropTimer) return;
      dropTimer = setTimeout(() => socket.destroy(), ms);
      dropTimer.unref();
    };
    // Node calls destroySoon() after an answer that ends the connection: half-close instead, and
    // let the client finish sending (bounded below) and read the answer.
    socket.destroySoon = () => {
      socket.end();
      dropIn(lingerMaxMs);
    };
    const stop = (): void => {
      clearTimeout(budgetTimer);
      this.o.metrics.lingerClosed.inc();
      socket.end();
      if (dropTimer) clearTimeout(dropTimer);
      dropTimer = null;
      dropIn(LINGER_AFTER_FIN_MS);
    };
    const budgetTimer = setTimeout(stop, lingerMaxMs);
    budgetTimer.unref();
    const onData = (c: Buffer): void => {
      left -= c.length;
      if (left < 0) {
        req.removeListener('data', onData);
        req.on('data', () => {});
        stop();
      }
    };
    req.on('data', onData);
    req.on('end', () => clearTimeout(budgetTimer));
    socket.once('close', () => {
      clearTimeout(budgetTimer);
      if (dropTimer) clearTimeout(dropTimer);
    });
    req.resume();
  }
}

/** The shared listener component of collector.http. */
export function createHttpListener(options: HttpListenerOptions): HttpListener {
  return new HttpListener(options);
}
