// OpenTelemetry CI spans → CI records, at ingest, in the same acknowledged send as the spans.
//
// Test spans carry `test.case.name` (with test.suite.name, test.case.result.status,
// cicd.pipeline.name, cicd.pipeline.run.id, vcs.ref.head.revision; OTel semantic conventions,
// registry groups test.*, cicd.*, vcs.*) and map to vigil.test_run/1 through
// @vigil/ci-insights' testRunFromOtelSpan. A root span (no parent) carrying cicd.pipeline.name
// and cicd.pipeline.run.id is the pipeline run: its outcome is `cicd.pipeline.result`
// (success | failure | error | timeout | cancellation | skip) when present, else the span
// status (ERROR → failed), and it maps to vigil.pipeline_run/1.
//
// Hot path: nearly every traces request holds no CI span, so the request is decoded only when
// its bytes contain "cicd.pipeline.run.id" (one Buffer.indexOf, ~0.35 ms per MiB measured by
// src/bench/ci-ingest-bench.ts). Protobuf stores attribute keys as plain UTF-8, so a request
// without those bytes holds no such attribute; and both a test span (testRunFromOtelSpan needs
// the run id) and a pipeline span need that key, so one scan finds every mappable request
// (a test span without a run id is then not even counted as unmapped).
import type { OutRecord } from '@vigil/bus';
import { OTEL_ATTR, testRunFromOtelSpan } from '@vigil/ci-insights';
import type { AttributeValue } from '@vigil/ci-insights';
import { attributesToRecord, decodeTraces, StatusCode } from '@vigil/otlp';
import type { ExportTraceServiceRequest } from '@vigil/otlp';
import type { PipelineRunRecord } from '@vigil/records';
import { pipelineRunOut, testRunOut } from './ci-records.js';

const RUN_KEY = OTEL_ATTR.runId;
export const PIPELINE_RESULT_ATTR = 'cicd.pipeline.result';

const RESULT: Record<string, 'passed' | 'failed' | undefined> = {
  success: 'passed', failure: 'failed', error: 'failed', timeout: 'failed',
  // cancellation and skip say nothing about the code: no outcome is recorded.
};

export interface CiExtraction {
  records: OutRecord[];
  tests: number;
  pipelines: number;
  /** Spans with test.case.name that could not be mapped (missing status, pipeline, ...). */
  unmapped: number;
}

/** True when the request may hold CI spans (cheap byte scan). */
export function mayHoldCiSpans(proto: Buffer): boolean {
  return proto.indexOf(RUN_KEY, 0, 'utf8') >= 0;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return undefined;
}

/**
 * CI records of an already validated ExportTraceServiceRequest (protobuf), or null when it holds
 * no CI span. Never throws on content: a span that does not map is counted, not fatal.
 */
export function ciRecordsFromTraces(proto: Buffer, topic: string): CiExtraction | null {
  if (!mayHoldCiSpans(proto)) return null;
  const out: CiExtraction = { records: [], tests: 0, pipelines: 0, unmapped: 0 };
  let req: ExportTraceServiceRequest;
  try {
    req = decodeTraces(proto);
  } catch {
    return null; // splitRequest validated these bytes; a decoder disagreement must not fail the spans
  }
  for (const rs of req.resourceSpans) {
    const resourceAttributes = attributesToRecord(rs.resource?.attributes ?? []) as Record<string, AttributeValue>;
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        const attributes = attributesToRecord(span.attributes) as Record<string, AttributeValue>;
        if (attributes[OTEL_ATTR.testCase] !== undefined) {
          const m = testRunFromOtelSpan({ attributes, resourceAttributes, startTimeUnixNano: span.startTimeUnixNano, endTimeUnixNano: span.endTimeUnixNano });
          if (m.ok) {
            out.records.push(testRunOut(topic, m.run, 'otel'));
            out.tests++;
          } else out.unmapped++;
          continue;
        }
        const isRoot = span.parentSpanId.length === 0 || span.parentSpanId.every((b) => b === 0);
        if (!isRoot) continue;
        const get = (k: string): string | undefined => str(attributes[k]) ?? str(resourceAttributes[k]);
        const pipeline = get(OTEL_ATTR.pipeline);
        const runId = get(OTEL_ATTR.runId);
        if (pipeline === undefined || runId === undefined) continue;
        const result = get(PIPELINE_RESULT_ATTR);
        const status = result !== undefined ? RESULT[result.toLowerCase()] : span.status?.code === StatusCode.ERROR ? 'failed' : 'passed';
        if (status === undefined) continue;
        const start = span.startTimeUnixNano;
        const end = span.endTimeUnixNano;
        const rec: PipelineRunRecord = {
          schema: 'vigil.pipeline_run/1', pipeline, runId, status, timeMs: Number(start / 1_000_000n), source: 'otel',
        };
        if (end >= start) rec.durationMs = Number(end - start) / 1e6;
        const revision = get(OTEL_ATTR.revision);
        if (revision !== undefined) rec.revision = revision;
        out.records.push(pipelineRunOut(topic, rec));
        out.pipelines++;
      }
    }
  }
  return out.records.length > 0 || out.unmapped > 0 ? out : null;
}
