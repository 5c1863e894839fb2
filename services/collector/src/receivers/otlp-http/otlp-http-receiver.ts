// OTLP/HTTP receiver (OTLP specification, "OTLP/HTTP"): POST /v1/traces, /v1/metrics,
// /v1/logs with application/x-protobuf or application/json bodies, optionally gzip (also
// deflate, br), registered on the shared HTTP listener. Answers in the request's encoding:
//   200 Export*ServiceResponse (with partial_success when items were rejected)
//   400 malformed payload, 413 body too large (wire or decompressed), 415 unknown content type
//       or encoding; 404 / 405 / 401 come from the listener;
//   429 in-flight limit / 503 bus unavailable, both with Retry-After (retryable per the spec).
// Error bodies are google.rpc.Status. Next: the ingest stage (OtlpConsumer).
import type { ServerResponse } from 'node:http';
import type { CollectorConfig } from '@vigil/config';
import { encodeExportResponse, exportResponseToJson } from '@vigil/otlp';
import type { Signal } from '@vigil/otlp';
import { REJECTED_KEY } from '../../ingest/outcome.js';
import type { Format, IngestOutcome, OtlpConsumer } from '../../ingest/outcome.js';
import type { HttpExchange } from '../http-listener/http-listener.js';
import { mediaType } from '../http-listener/http-listener.js';
import type { Receiver, ReceiverHost } from '../receiver.js';
import { parseContentEncoding, readBody } from './read-body.js';

export const OTLP_HTTP_PATHS: Readonly<Record<Signal, string>> = { traces: '/v1/traces', metrics: '/v1/metrics', logs: '/v1/logs' };

/** Reads and answers one export request of `signal` (after the listener's checks). */
async function exportRequest(x: HttpExchange, signal: Signal, config: CollectorConfig['http'], next: OtlpConsumer, host: ReceiverHost): Promise<void> {
  const { req, res } = x;
  const declared = mediaType(req.headers['content-type']);
  if (declared === null) {
    return x.refuse(415, `unsupported content type ${JSON.stringify(req.headers['content-type'] ?? '')}; use application/x-protobuf or application/json`, 'json');
  }
  const encoding = parseContentEncoding(req.headers['content-encoding']);
  if (encoding === null) return x.refuse(415, `unsupported content encoding ${JSON.stringify(req.headers['content-encoding'])}`, declared);
  const maxBytes = config.maxBodyBytes;
  const length = Number(req.headers['content-length'] ?? '-1');
  if (length > maxBytes) return x.refuse(413, `request body of ${length} bytes exceeds ${maxBytes}`, declared);
  const read = await readBody(req, encoding, maxBytes, host.limiter);
  host.metrics.bytes.inc({ transport: 'http', signal, stage: 'wire' }, read.wireBytes);
  if (!read.ok) return x.refuse(read.status, read.message, declared, read.status === 429 ? { 'retry-after': String(host.retryAfterS) } : undefined);
  host.metrics.bytes.inc({ transport: 'http', signal, stage: 'decompressed' }, read.body.length);
  const outcome = await next.consume(signal, read.body, declared, read.reserved);
  respond(x, res, signal, declared, outcome);
  x.answer(outcome.kind === 'ok' ? 200 : outcome.kind === 'invalid' ? 400 : outcome.status);
}

function respond(x: HttpExchange, res: ServerResponse, signal: Signal, format: Format, outcome: IngestOutcome): void {
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
  if (outcome.kind === 'invalid') return x.status(400, outcome.message, format);
  res.setHeader('retry-after', String(outcome.retryAfterS));
  x.status(outcome.status, outcome.message, format);
}

/** The OTLP/HTTP receiver: its three paths on the host's listener; its lifecycle is the listener's. */
export function createOtlpHttpReceiver(config: CollectorConfig['http'], next: OtlpConsumer, host: ReceiverHost): Receiver {
  const listener = host.httpListener();
  for (const signal of ['traces', 'metrics', 'logs'] as const) {
    listener.register({ path: OTLP_HTTP_PATHS[signal], label: signal, timed: true, handle: (x) => exportRequest(x, signal, config, next, host) });
  }
  return { type: 'otlp_http', start: async () => 0, stop: async () => {}, destroy: () => {} };
}
