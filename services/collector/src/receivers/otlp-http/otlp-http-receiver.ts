// OTLP/HTTP receiver (OTLP specification, "OTLP/HTTP"): POST /v1/traces, /v1/metrics,
// /v1/logs with application/x-protobuf or application/json bodies, optionally gzip (also
// deflate, br). Answers in the request's encoding:
//   200 Export*ServiceResponse (with partial_success when items were rejected)
//   400 malformed payload, 413 body too large (wire or decompressed), 415 unknown content type
//       or encoding, 404 unknown path, 405 wrong method, 401 missing/bad bearer token,
//   429 in-flight limit / 503 bus unavailable, both with Retry-After (retryable per the spec).
// Error bodies are google.rpc.Status. Also serves POST /v1/deployments (JSON) and
// POST /v1/ci/junit (JUnit XML, see ci/junit-ingest.ts).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createListenerServer, checkBearer, listen } from '@vigil/telemetry';
import type { Telemetry } from '@vigil/telemetry';
import type { CollectorConfig } from '@vigil/config';
import { encodeExportResponse, encodeRpcStatus, exportResponseToJson } from '@vigil/otlp';
import type { Signal } from '@vigil/otlp';
import type { InflightLimiter } from '../../processors/admission/inflight-limiter.js';
import type { CollectorMetrics } from '../../collector-metrics.js';
import { REJECTED_KEY } from '../../ingest/outcome.js';
import type { Format, IngestOutcome, OtlpConsumer } from '../../ingest/outcome.js';
import { parseContentEncoding, readBody } from './read-body.js';
import { isXmlContentType, JUNIT_PATH } from '../../ci/junit-ingest.js';
import type { JUnitHandler } from '../../ci/junit-ingest.js';

const PATHS: Record<string, Signal> = { '/v1/traces': 'traces', '/v1/metrics': 'metrics', '/v1/logs': 'logs' };
export const DEPLOYMENTS_PATH = '/v1/deployments';
// Webhook payloads of CI/CD tools carry whole repository objects (GitHub: tens of KiB).
const MAX_DEPLOYMENT_BODY = 1024 * 1024;
/** After the half-close of a lingering close, how long the rest is still read and dropped. */
const LINGER_AFTER_FIN_MS = 2_000;

/** google.rpc.Code values used in Status bodies (google/rpc/code.proto). */
const RPC_CODE: Record<number, number> = { 400: 3, 401: 16, 404: 5, 405: 12, 413: 8, 415: 3, 429: 8, 500: 13, 503: 14 };

/** A deployment announcement: the raw body (signatures are over its bytes), the path below /v1/deployments, query and headers. */
export interface DeploymentRequest {
  body: Buffer;
  subPath: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
}
export type DeploymentHandler = (req: DeploymentRequest) => Promise<{ status: number; body: unknown; retryAfterS?: number }>;

export interface OtlpHttpReceiverOptions {
  config: CollectorConfig['http'];
  consumer: OtlpConsumer;
  limiter: InflightLimiter;
  metrics: CollectorMetrics;
  telemetry: Telemetry;
  deployments?: DeploymentHandler;
  /** True when a webhook authenticates itself (its signature secret is configured): no bearer token asked. */
  deploymentSelfAuth?: (subPath: string, headers: IncomingMessage['headers']) => boolean;
  junit?: JUnitHandler;
  /** Retry-After seconds on 429 (in-flight limit reached while reading). */
  retryAfterS: number;
}

function mediaType(header: string | undefined): Format | null {
  const v = (header ?? '').split(';')[0].trim().toLowerCase();
  if (v === 'application/x-protobuf' || v === 'application/protobuf') return 'protobuf';
  if (v === 'application/json') return 'json';
  return null;
}

export class OtlpHttpReceiver {
  private server: Server | null = null;
  private readonly cors: { any: boolean; origins: Set<string>; headers: string; maxAge: string };

  constructor(private readonly o: OtlpHttpReceiverOptions) {
    const c = o.config.cors;
    this.cors = {
      any: c.allowedOrigins.includes('*'),
      origins: new Set(c.allowedOrigins),
      headers: ['content-type', 'content-encoding', 'authorization', ...c.allowedHeaders].join(', '),
      maxAge: String(c.maxAgeS),
    };
  }

  async start(): Promise<number> {
    const server = createListenerServer(this.o.config, (req, res) => {
      this.handle(req, res).catch((err: unknown) => {
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

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const signal = PATHS[path];
    const isDeploy = (path === DEPLOYMENTS_PATH || path.startsWith(`${DEPLOYMENTS_PATH}/`)) && this.o.deployments !== undefined;
    const isJUnit = path === JUNIT_PATH && this.o.junit !== undefined;
    const label = signal ?? (isDeploy ? 'deployments' : isJUnit ? 'ci_junit' : 'none');
    const answer = (code: number): void => {
      this.o.metrics.requests.inc({ transport: 'http', signal: label, code: String(code) });
      if (signal) this.o.metrics.requestSeconds.observe({ transport: 'http', signal }, (performance.now() - started) / 1000);
    };
    const format = mediaType(req.headers['content-type']) ?? 'json';
    if (!signal && !isDeploy && !isJUnit) {
      this.drain(req);
      this.status(res, 404, `no OTLP endpoint at ${path}`, format);
      return answer(404);
    }
    const corsOk = this.applyCors(req, res);
    if (req.method === 'OPTIONS') {
      this.drain(req);
      res.writeHead(corsOk ? 204 : 403, { 'content-length': 0 });
      res.end();
      return answer(corsOk ? 204 : 403);
    }
    if (req.method !== 'POST') {
      this.drain(req);
      res.setHeader('allow', 'POST, OPTIONS');
      this.status(res, 405, `method ${req.method} not allowed on ${path}`, format);
      return answer(405);
    }
    const selfAuth = isDeploy && this.o.deploymentSelfAuth !== undefined && this.o.deploymentSelfAuth(path.slice(DEPLOYMENTS_PATH.length), req.headers);
    if (!selfAuth && !checkBearer(req.headers.authorization, this.o.config.auth.bearerTokens)) {
      this.drain(req);
      res.setHeader('www-authenticate', 'Bearer');
      this.status(res, 401, 'missing or invalid bearer token', format);
      return answer(401);
    }
    if (isJUnit) return this.junit(req, res, url.slice(q < 0 ? url.length : q + 1), answer);
    const declared = mediaType(req.headers['content-type']);
    if (declared === null || (isDeploy && declared !== 'json')) {
      this.drain(req);
      this.status(res, 415, `unsupported content type ${JSON.stringify(req.headers['content-type'] ?? '')}; use application/x-protobuf or application/json`, 'json');
      return answer(415);
    }
    const encoding = parseContentEncoding(req.headers['content-encoding']);
    if (encoding === null) {
      this.drain(req);
      this.status(res, 415, `unsupported content encoding ${JSON.stringify(req.headers['content-encoding'])}`, declared);
      return answer(415);
    }
    const maxBytes = isDeploy ? MAX_DEPLOYMENT_BODY : this.o.config.maxBodyBytes;
    const length = Number(req.headers['content-length'] ?? '-1');
    if (length > maxBytes) {
      this.drain(req);
      this.status(res, 413, `request body of ${length} bytes exceeds ${maxBytes}`, declared);
      return answer(413);
    }
    const read = await readBody(req, encoding, maxBytes, this.o.limiter);
    if (signal) this.o.metrics.bytes.inc({ transport: 'http', signal, stage: 'wire' }, read.wireBytes);
    if (!read.ok) {
      this.drain(req);
      if (read.status === 429) res.setHeader('retry-after', String(this.retryAfterS()));
      this.status(res, read.status, read.message, declared);
      return answer(read.status);
    }
    if (isDeploy) {
      this.o.limiter.release(read.reserved);
      return this.deployment({ body: read.body, subPath: path.slice(DEPLOYMENTS_PATH.length), query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)), headers: req.headers }, res, answer);
    }
    this.o.metrics.bytes.inc({ transport: 'http', signal, stage: 'decompressed' }, read.body.length);
    const outcome = await this.o.consumer.consume(signal, read.body, declared, read.reserved);
    this.respond(res, signal, declared, outcome);
    answer(outcome.kind === 'ok' ? 200 : outcome.kind === 'invalid' ? 400 : outcome.status);
  }

  private async deployment(request: DeploymentRequest, res: ServerResponse, answer: (code: number) => void): Promise<void> {
    const out = await this.o.deployments!(request);
    const text = JSON.stringify(out.body);
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
    if (out.retryAfterS !== undefined) headers['retry-after'] = String(out.retryAfterS);
    res.writeHead(out.status, headers);
    res.end(text);
    answer(out.status);
  }

  /** POST /v1/ci/junit: XML body read under the same caps as OTLP, then handed to the CI handler. */
  private async junit(req: IncomingMessage, res: ServerResponse, query: string, answer: (code: number) => void): Promise<void> {
    if (!isXmlContentType(req.headers['content-type'])) {
      this.drain(req);
      this.status(res, 415, `unsupported content type ${JSON.stringify(req.headers['content-type'] ?? '')}; use application/xml`, 'json');
      return answer(415);
    }
    const encoding = parseContentEncoding(req.headers['content-encoding']);
    if (encoding === null) {
      this.drain(req);
      this.status(res, 415, `unsupported content encoding ${JSON.stringify(req.headers['content-encoding'])}`, 'json');
      return answer(415);
    }
    const maxBytes = this.o.config.maxBodyBytes;
    const length = Number(req.headers['content-length'] ?? '-1');
    if (length > maxBytes) {
      this.drain(req);
      this.status(res, 413, `request body of ${length} bytes exceeds ${maxBytes}`, 'json');
      return answer(413);
    }
    const read = await readBody(req, encoding, maxBytes, this.o.limiter);
    this.o.metrics.bytes.inc({ transport: 'http', signal: 'ci_junit', stage: 'wire' }, read.wireBytes);
    if (!read.ok) {
      this.drain(req);
      if (read.status === 429) res.setHeader('retry-after', String(this.retryAfterS()));
      this.status(res, read.status, read.message, 'json');
      return answer(read.status);
    }
    this.o.metrics.bytes.inc({ transport: 'http', signal: 'ci_junit', stage: 'decompressed' }, read.body.length);
    const out = await this.o.junit!({ body: read.body, query: new URLSearchParams(query), headers: req.headers, reservedBytes: read.reserved });
    const text = JSON.stringify(out.body);
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
    if (out.retryAfterS !== undefined) headers['retry-after'] = String(out.retryAfterS);
    res.writeHead(out.status, headers);
    res.end(text);
    answer(out.status);
  }

  private retryAfterS(): number {
    return this.o.retryAfterS;
  }

  private respond(res: ServerResponse, signal: Signal, format: Format, outcome: IngestOutcome): void {
    if (outcome.kind === 'ok') {
      const response = outcome.rejected > 0
        ? { partialSuccess: { rejected: BigInt(outcome.rejected), errorMessage: outcome.message } }
        : { partialSuccess: undefined };
      if (format === 'protobuf') {
        const body = encodeExportResponse(response);
        res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': body.length });
        res.end(body);
      } else {
        const text = JSON.stringify(exportResponseToJson(response, REJECTED_KEY[signal]));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      }
      return;
    }
    if (outcome.kind === 'invalid') {
      this.status(res, 400, outcome.message, format);
      return;
    }
    res.setHeader('retry-after', String(outcome.retryAfterS));
    this.status(res, outcome.status, outcome.message, format);
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
