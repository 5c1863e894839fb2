import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusError } from '@vigil/bus';
import type { OutRecord, Producer } from '@vigil/bus';
import { encodeTraces, sampleResource, sampleSpan, tracesToJson } from '@vigil/otlp';
import type { KeyValue, Span } from '@vigil/otlp';
import { decodeRecord } from '@vigil/records';
import { readTopic, startHarness } from '../testing/harness.test-util.js';
import type { Harness } from '../testing/harness.test-util.js';

const FIXTURES = new URL('../../../../packages/ci-insights/src/fixtures/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');
const XML = { 'content-type': 'application/xml' };
const TOPIC = 'ci_test_runs';

async function post(url: string, body: Uint8Array | string, headers: Record<string, string> = XML) {
  const res = await fetch(url, { method: 'POST', body, headers });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch { /* not JSON */ }
  return { status: res.status, json, headers: res.headers };
}

const records = async (h: Harness, atLeast: number) =>
  (await readTopic(h.bus, TOPIC, atLeast, atLeast === 0 ? 100 : 5000)).map((r) => ({ key: r.key?.toString(), rec: decodeRecord(r.value) }));

describe('POST /v1/ci/junit: rejections produce nothing', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness({ http: { maxBodyBytes: 64 * 1024 }, grpc: { maxMessageBytes: 64 * 1024 }, maxInflightBytes: 1024 * 1024 }); });
  afterAll(async () => { await h.close(); });
  const q = '?pipeline=ci&run=7&revision=abc';

  it('malformed XML: 400 JSON naming the problem with its line and column', async () => {
    // The <testcase> opened on line 3 is closed by </testsuite>: mismatched tag at line 3.
    const xml = '<?xml version="1.0"?>\n<testsuite name="s">\n  <testcase name="a"></testsuite>\n';
    const res = await post(`${h.http}/v1/ci/junit${q}`, xml);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.json.message).toMatch(/^invalid JUnit report at line 3, column \d+: /);
    expect(res.json.error).toMatchObject({ line: 3 });
  });

  it('DOCTYPE / entity declarations (XXE, billion laughs) are refused', async () => {
    const xml = '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<testsuite name="s"><testcase name="&a;"/></testsuite>';
    const res = await post(`${h.http}/v1/ci/junit${q}`, xml);
    expect(res.status).toBe(400);
    expect(res.json.message).toMatch(/line 2/);
    expect(String(res.json.message)).toMatch(/DOCTYPE/i);
  });

  it('too deep nesting is refused (depth cap 64)', async () => {
    const depth = 200;
    const xml = `<testsuites>${'<testsuite name="d">'.repeat(depth)}<testcase name="x"/>${'</testsuite>'.repeat(depth)}</testsuites>`;
    const res = await post(`${h.http}/v1/ci/junit${q}`, xml);
    expect(res.status).toBe(400);
    expect(String(res.json.message)).toMatch(/deep|depth|nest/i);
  });

  it('a body above maxBodyBytes is 413, on the wire and after gzip', async () => {
    const cases = Array.from({ length: 4000 }, (_, i) => `<testcase classname="c" name="t${i}" time="0.001"/>`).join('');
    const xml = `<testsuite name="big">${cases}</testsuite>`;
    expect(Buffer.byteLength(xml)).toBeGreaterThan(64 * 1024);
    expect((await post(`${h.http}/v1/ci/junit${q}`, xml)).status).toBe(413);
    const gz = gzipSync(xml);
    expect(gz.length).toBeLessThan(64 * 1024);
    expect((await post(`${h.http}/v1/ci/junit${q}`, gz, { ...XML, 'content-encoding': 'gzip' })).status).toBe(413);
  });

  it('missing pipeline or run, non-JUnit root, bad time, wrong content type', async () => {
    const ok = fixture('surefire-junit4.xml');
    expect((await post(`${h.http}/v1/ci/junit?run=1`, ok)).json.message).toMatch(/missing pipeline/);
    expect((await post(`${h.http}/v1/ci/junit?pipeline=ci`, ok)).json.message).toMatch(/missing run/);
    const html = await post(`${h.http}/v1/ci/junit${q}`, '<html><body/></html>');
    expect(html.status).toBe(400);
    expect(html.json.error).toMatchObject({ code: 'not_junit', line: 1, column: 1 });
    const badTime = await post(`${h.http}/v1/ci/junit${q}`, '<testsuite name="s">\n<testcase name="a" time="soon"/></testsuite>');
    expect(badTime.status).toBe(400);
    expect(badTime.json.error).toMatchObject({ code: 'bad_attribute', line: 2 });
    expect((await post(`${h.http}/v1/ci/junit${q}`, ok, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await post(`${h.http}/v1/ci/junit${q}`, Uint8Array.from([0x3c, 0x61, 0xff, 0x2f, 0x3e]))).status).toBe(400);
  });

  it('nothing of the rejected reports reached the bus', async () => {
    expect(await records(h, 0)).toHaveLength(0);
  });
});

describe('POST /v1/ci/junit: accepted reports', () => {
  let h: Harness;
  const sends: OutRecord[][] = [];
  beforeAll(async () => {
    h = await startHarness({}, (p: Producer): Producer => ({
      send: async (rs: OutRecord[]) => {
        sends.push(rs);
        return p.send(rs);
      },
      transaction: () => p.transaction(),
      close: () => p.close(),
    }));
  });
  afterAll(async () => { await h.close(); });

  it('Surefire JUnit 4: every testcase becomes one record keyed by suite, in ONE acked send', async () => {
    const res = await post(`${h.http}/v1/ci/junit?pipeline=billing-ci&run=42&revision=abc123`, fixture('surefire-junit4.xml'));
    expect(res.status).toBe(200);
    // 4 testcases: createsInvoice passed, roundsTotals failed, ignoredForNow skipped, loadsFixtures error.
    expect(res.json).toEqual({ accepted: 4, failed: 2, skipped: 1, suites: ['com.example.billing.InvoiceServiceTest'] });
    const ci = sends.filter((s) => s.some((r) => r.topic === TOPIC));
    expect(ci).toHaveLength(1);
    expect(ci[0]).toHaveLength(4);
    const got = await records(h, 4);
    expect(got.every((g) => g.key === 'com.example.billing.InvoiceServiceTest')).toBe(true);
    const byName = new Map(got.map((g) => [(g.rec as { testName: string }).testName, g.rec]));
    expect(byName.get('com.example.billing.InvoiceServiceTest.loadsFixtures')).toMatchObject({
      schema: 'vigil.test_run/1', status: 'error', pipeline: 'billing-ci', runId: '42', revision: 'abc123', source: 'junit',
      durationMs: 1_200_500, // time="1,200.5" seconds
      timeMs: 1_700_000_000_000, // no timestamp in Surefire reports: the collector's clock
    });
  });

  it('jest-junit via headers and gzip; pytest and Surefire re-runs', async () => {
    const headers = { ...XML, 'content-encoding': 'gzip', 'x-vigil-pipeline': 'web', 'x-vigil-run': 'r9', 'x-vigil-revision': 'def' };
    const res = await post(`${h.http}/v1/ci/junit`, gzipSync(fixture('jest-junit.xml')), headers);
    expect(res.status).toBe(200);
    expect(res.json.suites).toEqual(['cart totals', 'checkout']);
    expect(res.json.accepted).toBe(4);
    const pytest = await post(`${h.http}/v1/ci/junit?pipeline=py&run=1&suite=backend`, fixture('pytest.xml'));
    expect(pytest.status).toBe(200);
    expect(pytest.json.suites).toEqual(['backend']);
    const reruns = await post(`${h.http}/v1/ci/junit?pipeline=j5&run=3&revision=r`, fixture('surefire-junit5-reruns.xml'));
    expect(reruns.status).toBe(200);
    const all = await records(h, 8 + Number(pytest.json.accepted) + Number(reruns.json.accepted));
    const jest = all.filter((g) => (g.rec as { pipeline: string }).pipeline === 'web');
    expect(jest.find((g) => (g.rec as { testName: string }).testName === 'cart totals applies discount codes')?.rec)
      .toMatchObject({ status: 'failed', runId: 'r9', revision: 'def', timeMs: Date.UTC(2024, 4, 2, 8, 30, 15), durationMs: 12 });
    // Surefire flakyFailure: failed attempts, then the passing one, numbered.
    const j5 = all.filter((g) => (g.rec as { pipeline: string }).pipeline === 'j5').map((g) => g.rec as { attempt?: number; status: string });
    expect(j5.some((r) => r.attempt === 2)).toBe(true);
  });

  it('OTLP traces: test spans and the pipeline root span become CI records in the same send as the spans', async () => {
    const str = (key: string, v: string): KeyValue => ({ key, value: { stringValue: v } });
    const base = sampleSpan(1, 1);
    const root: Span = { ...base, parentSpanId: new Uint8Array(0), name: 'pipeline', status: { code: 2, message: 'failed' },
      attributes: [str('cicd.pipeline.name', 'shop-ci'), str('cicd.pipeline.run.id', 'run-77'), str('vcs.ref.head.revision', 'c0ffee')] };
    const test = (name: string, status: string): Span => ({ ...base, name, attributes: [
      str('test.suite.name', 'checkout'), str('test.case.name', name), str('test.case.result.status', status),
      str('cicd.pipeline.name', 'shop-ci'), str('cicd.pipeline.run.id', 'run-77'), str('vcs.ref.head.revision', 'c0ffee'),
    ] });
    const noStatus: Span = { ...base, attributes: [str('test.case.name', 'orphan')] };
    const req = { resourceSpans: [{ resource: sampleResource(1), schemaUrl: '', scopeSpans: [{ scope: undefined, schemaUrl: '', spans: [root, test('pays', 'pass'), test('refunds', 'fail'), noStatus] }] }] };
    const before = sends.length;
    const res = await fetch(`${h.http}/v1/traces`, { method: 'POST', body: JSON.stringify(tracesToJson(req)), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    const mine = sends.slice(before);
    expect(mine).toHaveLength(1);
    const topics = mine[0].map((r) => r.topic).sort();
    expect(topics.filter((t) => t !== 'vigil_deployments')).toEqual(['ci_test_runs', 'ci_test_runs', 'ci_test_runs', 'otlp_spans']);
    const ci = mine[0].filter((r) => r.topic === TOPIC).map((r) => decodeRecord(r.value));
    expect(ci).toContainEqual(expect.objectContaining({ schema: 'vigil.pipeline_run/1', pipeline: 'shop-ci', runId: 'run-77', status: 'failed', revision: 'c0ffee', source: 'otel' }));
    expect(ci).toContainEqual(expect.objectContaining({ schema: 'vigil.test_run/1', suite: 'checkout', testName: 'refunds', status: 'failed', source: 'otel' }));
    // Plain traffic carries no CI attribute: no CI record.
    const plain = { resourceSpans: [{ resource: sampleResource(2), schemaUrl: '', scopeSpans: [{ scope: undefined, schemaUrl: '', spans: [sampleSpan(2, 3)] }] }] };
    const n = sends.length;
    expect((await fetch(`${h.http}/v1/traces`, { method: 'POST', body: encodeTraces(plain), headers: { 'content-type': 'application/x-protobuf' } })).status).toBe(200);
    expect(sends.slice(n).flat().some((r) => r.topic === TOPIC)).toBe(false);
  });
});

describe('POST /v1/ci/junit: bus failure', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ busDownHoldMs: 0 }, (p: Producer): Producer => ({
      send: async () => { throw new BusError('BUS_UNAVAILABLE', 'broker down'); },
      transaction: () => p.transaction(),
      close: () => p.close(),
    }));
  });
  afterAll(async () => { await h.close(); });

  it('answers 503 with Retry-After and releases what it held', async () => {
    const res = await post(`${h.http}/v1/ci/junit?pipeline=a&run=1`, fixture('surefire-junit4.xml'));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    await new Promise((r) => setTimeout(r, 20));
    expect(h.collector.inflightBytes()).toBe(0);
  });
});
