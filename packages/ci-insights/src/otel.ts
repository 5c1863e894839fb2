// OpenTelemetry CI spans → TestRun. Attribute names from the OTel semantic conventions
// (registry: test.*, cicd.*, vcs.*): test.suite.name, test.case.name,
// test.case.result.status ("pass" | "fail"), cicd.pipeline.name, cicd.pipeline.run.id,
// vcs.ref.head.revision. The span's own start/end give the time and duration. Resource
// attributes are consulted too (CI exporters often put cicd.* on the resource).

import type { TestRun, TestStatus } from './types.js';

export type AttributeValue = string | number | boolean | bigint | null | undefined | readonly unknown[];

export interface OtelTestSpan {
  attributes: Readonly<Record<string, AttributeValue>>;
  resourceAttributes?: Readonly<Record<string, AttributeValue>>;
  /** Nanoseconds since the epoch, as OTLP carries them (string or bigint keeps full precision). */
  startTimeUnixNano: string | number | bigint;
  endTimeUnixNano: string | number | bigint;
}

export type OtelMapResult = { ok: true; run: TestRun } | { ok: false; reason: string };

export const OTEL_ATTR = Object.freeze({
  suite: 'test.suite.name',
  testCase: 'test.case.name',
  status: 'test.case.result.status',
  pipeline: 'cicd.pipeline.name',
  runId: 'cicd.pipeline.run.id',
  revision: 'vcs.ref.head.revision',
});

// The convention defines pass/fail; runners also emit skips and errors, so common spellings are accepted.
const STATUS: Record<string, TestStatus> = {
  pass: 'passed', passed: 'passed', success: 'passed',
  fail: 'failed', failed: 'failed', failure: 'failed',
  skip: 'skipped', skipped: 'skipped',
  error: 'error', errored: 'error', timed_out: 'error', aborted: 'error',
};

function toNanos(v: string | number | bigint): bigint | null {
  try {
    if (typeof v === 'bigint') return v;
    if (typeof v === 'number') return Number.isFinite(v) ? BigInt(Math.round(v)) : null;
    return /^\d+$/.test(v) ? BigInt(v) : null;
  } catch {
    return null;
  }
}

/** Maps one test span; spans that are not tests, or lack a required attribute, give a reason. */
export function testRunFromOtelSpan(span: OtelTestSpan): OtelMapResult {
  const get = (k: string): string | undefined => {
    const v = span.attributes[k] ?? span.resourceAttributes?.[k];
    if (v === undefined || v === null || Array.isArray(v)) return undefined;
    const s = String(v);
    return s === '' ? undefined : s;
  };
  const testName = get(OTEL_ATTR.testCase);
  if (testName === undefined) return { ok: false, reason: `no ${OTEL_ATTR.testCase} attribute` };
  const rawStatus = get(OTEL_ATTR.status);
  if (rawStatus === undefined) return { ok: false, reason: `no ${OTEL_ATTR.status} attribute` };
  const status = STATUS[rawStatus.toLowerCase()];
  if (status === undefined) return { ok: false, reason: `${OTEL_ATTR.status}="${rawStatus}" is not pass/fail/skip/error` };
  const pipeline = get(OTEL_ATTR.pipeline);
  if (pipeline === undefined) return { ok: false, reason: `no ${OTEL_ATTR.pipeline} attribute` };
  const runId = get(OTEL_ATTR.runId);
  if (runId === undefined) return { ok: false, reason: `no ${OTEL_ATTR.runId} attribute` };
  const start = toNanos(span.startTimeUnixNano);
  const end = toNanos(span.endTimeUnixNano);
  if (start === null || end === null || end < start) return { ok: false, reason: 'span start/end times are missing or reversed' };
  const revision = get(OTEL_ATTR.revision);
  return {
    ok: true,
    run: {
      suite: get(OTEL_ATTR.suite) ?? 'default',
      testName,
      pipeline,
      runId,
      ...(revision !== undefined ? { revision } : {}),
      status,
      durationMs: Number(end - start) / 1e6,
      timeMs: Number(start / 1_000_000n),
    },
  };
}
