// JUnit/CI results receiver: POST /v1/ci/junit on the shared HTTP listener. The XML body is read
// under the same caps as OTLP (collector.http.maxBodyBytes on the wire and decompressed, gzip /
// deflate / br, in-flight limiter) and handed to the CI ingest (ci/junit-ingest.ts), which parses
// the report whole and writes its test runs to ci_test_runs in one acknowledged send.
import type { CollectorConfig } from '@vigil/config';
import { isXmlContentType, JUNIT_PATH } from '../../ci/junit-ingest.js';
import type { JUnitHandler } from '../../ci/junit-ingest.js';
import type { HttpExchange } from '../http-listener/http-listener.js';
import { parseContentEncoding, readBody } from '../otlp-http/read-body.js';
import type { Receiver, ReceiverHost } from '../receiver.js';

export function createJUnitReceiver(config: CollectorConfig['http'], next: JUnitHandler, host: ReceiverHost): Receiver {
  const { metrics } = host;

  async function report(x: HttpExchange): Promise<void> {
    const { req } = x;
    if (!isXmlContentType(req.headers['content-type'])) {
      return x.refuse(415, `unsupported content type ${JSON.stringify(req.headers['content-type'] ?? '')}; use application/xml`, 'json');
    }
    const encoding = parseContentEncoding(req.headers['content-encoding']);
    if (encoding === null) return x.refuse(415, `unsupported content encoding ${JSON.stringify(req.headers['content-encoding'])}`, 'json');
    const maxBytes = config.maxBodyBytes;
    const length = Number(req.headers['content-length'] ?? '-1');
    if (length > maxBytes) return x.refuse(413, `request body of ${length} bytes exceeds ${maxBytes}`, 'json');
    const read = await readBody(req, encoding, maxBytes, host.limiter);
    metrics.bytes.inc({ transport: 'http', signal: 'ci_junit', stage: 'wire' }, read.wireBytes);
    if (!read.ok) return x.refuse(read.status, read.message, 'json', read.status === 429 ? { 'retry-after': String(host.retryAfterS) } : undefined);
    metrics.bytes.inc({ transport: 'http', signal: 'ci_junit', stage: 'decompressed' }, read.body.length);
    const out = await next({ body: read.body, query: x.query, headers: req.headers, reservedBytes: read.reserved });
    x.json(out.status, out.body, out.retryAfterS);
  }

  host.httpListener().register({ path: JUNIT_PATH, label: 'ci_junit', handle: report });
  return { type: 'ci_junit', start: async () => 0, stop: async () => {}, destroy: () => {} };
}
