// POST /v1/ci/junit: a JUnit XML report (Surefire/Failsafe JUnit 4/5, pytest --junitxml,
// jest-junit) into vigil.test_run/1 records on ci_test_runs, keyed by suite.
//
// Request: body = the XML (Content-Type application/xml, text/xml, *+xml or
// application/octet-stream; gzip/deflate/br as for OTLP; at most collector.http.maxBodyBytes
// on the wire and decompressed). Run identity from query parameters or headers:
//   pipeline (X-Vigil-Pipeline), run (X-Vigil-Run): required;
//   revision (X-Vigil-Revision), suite (X-Vigil-Suite, overrides <testsuite name>): optional.
// Answers (JSON):
//   200 {accepted, failed, skipped, suites}  after the bus acknowledged every record;
//   400 {code: 3, message, error: {code, line, column}}  malformed or unsafe XML (DOCTYPE,
//       too deep, too many elements or test cases), not JUnit, bad attribute, missing parameter;
//   429 / 503 + Retry-After  in-flight limit / bus unavailable (nothing stored: retry).
// All or nothing: the report is parsed whole before anything is produced, and all its records
// go to the bus in ONE producer send; a rejected report produces nothing.
import { isUtf8 } from 'node:buffer';
import type { IncomingHttpHeaders } from 'node:http';
import type { OutRecord } from '@vigil/bus';
import { parseJUnitXml } from '@vigil/ci-insights';
import type { KafkaExporter } from '../exporters/kafka/kafka-exporter.js';
import type { InflightLimiter } from '../processors/admission/inflight-limiter.js';
import type { CollectorMetrics } from '../collector-metrics.js';
import { testRunOut } from './ci-records.js';

export const JUNIT_PATH = '/v1/ci/junit';

/** Largest <testcase> count of one report: far above real reports (pytest suites of ~50k tests). */
export const JUNIT_MAX_TEST_CASES = 200_000;
/** Longest pipeline / run / revision / suite parameter. */
const MAX_PARAM_CHARS = 1024;

export interface JUnitRequest {
  body: Buffer;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Body bytes the receiver reserved on the in-flight limiter; the handler releases them. */
  reservedBytes: number;
}

export interface JUnitAnswer {
  status: number;
  body: unknown;
  retryAfterS?: number;
}

export type JUnitHandler = (req: JUnitRequest) => Promise<JUnitAnswer>;

export interface JUnitIngestOptions {
  topic: string;
  exporter: KafkaExporter;
  limiter: InflightLimiter;
  metrics: CollectorMetrics;
  /** Largest record value (collector.maxRecordBytes); a longer test name is refused (400). */
  maxRecordBytes: number;
  retryAfterS: number;
  /** Clock: the time of a report without timestamps. */
  now: () => number;
  maxTestCases?: number;
}

/** Content types accepted for a report (415 otherwise). */
export function isXmlContentType(header: string | undefined): boolean {
  const v = (header ?? '').split(';')[0].trim().toLowerCase();
  return v === '' || v === 'application/xml' || v === 'text/xml' || v.endsWith('+xml') || v === 'application/octet-stream';
}

const bad = (message: string, error?: { code: string; line: number; column: number }): JUnitAnswer =>
  ({ status: 400, body: error ? { code: 3, message, error } : { code: 3, message } });

function param(query: URLSearchParams, headers: IncomingHttpHeaders, name: string, header: string): string | undefined {
  const q = query.get(name);
  if (q !== null && q !== '') return q;
  const h = headers[header];
  const v = Array.isArray(h) ? h[0] : h;
  return v === undefined || v === '' ? undefined : v;
}

export function junitHandler(o: JUnitIngestOptions): JUnitHandler {
  return async ({ body, query, headers, reservedBytes }) => {
    let held = reservedBytes;
    let released = false;
    let handedOver = false;
    const release = (): void => {
      if (!released) {
        released = true;
        o.limiter.release(held);
      }
    };
    try {
      const p: Record<'pipeline' | 'run' | 'revision' | 'suite', string | undefined> = {
        pipeline: param(query, headers, 'pipeline', 'x-vigil-pipeline'),
        run: param(query, headers, 'run', 'x-vigil-run'),
        revision: param(query, headers, 'revision', 'x-vigil-revision'),
        suite: param(query, headers, 'suite', 'x-vigil-suite'),
      };
      for (const [k, v] of Object.entries(p)) {
        if (v !== undefined && v.length > MAX_PARAM_CHARS) return bad(`${k}: longer than ${MAX_PARAM_CHARS} characters`);
      }
      if (p.pipeline === undefined) return bad('missing pipeline: give ?pipeline= or the X-Vigil-Pipeline header');
      if (p.run === undefined) return bad('missing run: give ?run= or the X-Vigil-Run header');
      // XML 1.0 §4.3.3: without an encoding declaration the document is UTF-8; others are refused.
      if (!isUtf8(body)) return bad('report is not valid UTF-8');
      const parsed = parseJUnitXml(body.toString('utf8'), {
        pipeline: p.pipeline, runId: p.run, timeMs: o.now(), maxTestCases: o.maxTestCases ?? JUNIT_MAX_TEST_CASES,
        ...(p.revision !== undefined ? { revision: p.revision } : {}),
        ...(p.suite !== undefined ? { suite: p.suite } : {}),
      });
      if (!parsed.ok) {
        const e = parsed.error;
        o.metrics.items.inc({ signal: 'ci_junit', outcome: 'rejected' });
        return bad(`invalid JUnit report at line ${e.line}, column ${e.column}: ${e.message}`, { code: e.code, line: e.line, column: e.column });
      }
      const runs = parsed.runs;
      if (runs.length === 0) return { status: 200, body: { accepted: 0, failed: 0, skipped: 0, suites: [] } };
      const records = new Array<OutRecord>(runs.length);
      let bytes = 0;
      let failed = 0;
      let skipped = 0;
      const suites = new Set<string>();
      for (let i = 0; i < runs.length; i++) {
        const run = runs[i];
        const rec = testRunOut(o.topic, run, 'junit');
        const size = rec.value!.length;
        if (size > o.maxRecordBytes) return bad(`test ${JSON.stringify(run.testName.slice(0, 200))}: its record of ${size} bytes exceeds ${o.maxRecordBytes}`);
        bytes += size;
        records[i] = rec;
        if (run.status === 'failed' || run.status === 'error') failed++;
        else if (run.status === 'skipped') skipped++;
        suites.add(run.suite);
      }
      // The records are held until acknowledged: count them against the in-flight bound too.
      if (!o.limiter.tryAcquire(bytes)) {
        return { status: 429, body: { code: 8, message: 'collector is at its in-flight bytes limit' }, retryAfterS: o.retryAfterS };
      }
      held += bytes;
      handedOver = true;
      const sent = await o.exporter.send(records, release);
      if (sent.kind === 'acked') {
        o.metrics.items.inc({ signal: 'ci_junit', outcome: 'accepted' }, runs.length);
        o.metrics.records.inc({ topic: o.topic }, runs.length);
        return { status: 200, body: { accepted: runs.length, failed, skipped, suites: [...suites].sort() } };
      }
      o.metrics.items.inc({ signal: 'ci_junit', outcome: 'failed' }, runs.length);
      if (sent.kind === 'permanent') return bad(sent.reason);
      return { status: 503, body: { code: 14, message: sent.reason }, retryAfterS: o.retryAfterS };
    } finally {
      // exporter.send calls release when its send settles; every earlier exit releases here.
      if (!handedOver) release();
    }
  };
}
