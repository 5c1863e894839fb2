// Benchmark of CI ingest in the collector (memory bus):
//   junit:  POST /v1/ci/junit of a Surefire-shaped report with `--cases` test cases (default
//           2000, 10 % failing), `--reports` times over HTTP: test cases per second end to end
//           (parse, encode, one acked send);
//   otel:   ciRecordsFromTraces on an OTLP request of 1000 test spans: spans per second;
//   scan:   the hot-path byte scan on a ~1 MiB traces request WITHOUT CI spans: µs per MiB.
// Usage: node services/collector/dist/bench/ci-ingest-bench.js [--cases 2000] [--reports 50]
// Prints a table, then one JSON line with every figure.
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createMemoryBus } from '@vigil/bus';
import { vigilSchema } from '@vigil/config';
import { encodeTraces, sampleResource, sampleSpan, sampleTraces } from '@vigil/otlp';
import type { KeyValue, Span } from '@vigil/otlp';
import { createTelemetry } from '@vigil/telemetry';
import { createCollector } from '../collector.js';
import { ciRecordsFromTraces, mayHoldCiSpans } from '../ci/otel-ci.js';

function report(cases: number, seed: number): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="com.example.BenchTest" tests="', String(cases), '">\n'];
  for (let i = 0; i < cases; i++) {
    const failing = (i * 7 + seed) % 10 === 0;
    out.push(`  <testcase name="case${i}" classname="com.example.mod${i % 50}.BenchTest" time="0.${(i % 900) + 100}"`);
    out.push(failing ? `>\n    <failure message="expected 1 but was 2" type="java.lang.AssertionError">at com.example.BenchTest.case${i}(BenchTest.java:${i})</failure>\n  </testcase>\n` : '/>\n');
  }
  out.push('</testsuite>\n');
  return out.join('');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { cases: { type: 'string' }, reports: { type: 'string' } } });
  const cases = Number(values.cases ?? 2000);
  const reports = Number(values.reports ?? 50);
  const bus = createMemoryBus({ maxRecordsPerPartition: 1_000_000 });
  const telemetry = createTelemetry({ service: 'collector', logLevel: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }), processMetrics: false });
  const config = vigilSchema.parse({ collector: { http: { port: 0 }, grpc: { enabled: false } } });
  const collector = createCollector({ config, bus, telemetry });
  const { httpPort } = await collector.start();
  try {
    const bodies = Array.from({ length: 4 }, (_, i) => report(cases, i));
    const bytes = Buffer.byteLength(bodies[0]);
    const lat: number[] = [];
    const t0 = performance.now();
    for (let r = 0; r < reports; r++) {
      const s = performance.now();
      const res = await fetch(`http://127.0.0.1:${httpPort}/v1/ci/junit?pipeline=bench&run=${r}&revision=rev${r}`, {
        method: 'POST', body: bodies[r % bodies.length], headers: { 'content-type': 'application/xml' },
      });
      const json = (await res.json()) as { accepted: number };
      if (res.status !== 200 || json.accepted !== cases) throw new Error(`bad answer ${res.status}`);
      lat.push(performance.now() - s);
    }
    const junitS = (performance.now() - t0) / 1000;

    const str = (key: string, v: string): KeyValue => ({ key, value: { stringValue: v } });
    const base = sampleSpan(1, 1);
    const spans: Span[] = Array.from({ length: 1000 }, (_, i) => ({ ...base, name: `test ${i}`, attributes: [
      str('test.suite.name', 'bench'), str('test.case.name', `case${i}`), str('test.case.result.status', i % 10 === 0 ? 'fail' : 'pass'),
      str('cicd.pipeline.name', 'bench'), str('cicd.pipeline.run.id', 'r1'), str('vcs.ref.head.revision', 'abc'),
    ] }));
    const ciReq = encodeTraces({ resourceSpans: [{ resource: sampleResource(1), schemaUrl: '', scopeSpans: [{ scope: undefined, schemaUrl: '', spans }] }] });
    const otelRounds = 50;
    const o0 = performance.now();
    for (let i = 0; i < otelRounds; i++) if ((ciRecordsFromTraces(ciReq, 'ci_test_runs')?.tests ?? 0) !== 1000) throw new Error('otel mapping');
    const otelS = (performance.now() - o0) / 1000;

    const plain = encodeTraces(sampleTraces({ resources: 20, itemsPerResource: 400, seed: 3 }));
    if (mayHoldCiSpans(plain)) throw new Error('sample traffic holds CI keys');
    const scanRounds = 200;
    const s0 = performance.now();
    for (let i = 0; i < scanRounds; i++) mayHoldCiSpans(plain);
    const scanUsPerMiB = ((performance.now() - s0) * 1000 / scanRounds) / (plain.length / 1048576);

    lat.sort((a, b) => a - b);
    const out = {
      junit_cases_per_report: cases, junit_report_bytes: bytes, junit_reports: reports,
      junit_test_cases_per_s: Math.round((cases * reports) / junitS),
      junit_report_p50_ms: +lat[Math.floor(lat.length * 0.5)].toFixed(1),
      junit_report_p99_ms: +lat[Math.min(lat.length - 1, Math.ceil(lat.length * 0.99) - 1)].toFixed(1),
      otel_test_spans_per_s: Math.round((1000 * otelRounds) / otelS),
      plain_traces_request_bytes: plain.length,
      ci_scan_us_per_mib: +scanUsPerMiB.toFixed(1),
    };
    process.stdout.write(`CI ingest bench (collector, memory bus)\n${Object.entries(out).map(([k, v]) => `${k.padEnd(28)} ${String(v)}`).join('\n')}\n`);
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await collector.shutdown(2000);
    await bus.shutdown();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
