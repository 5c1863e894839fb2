// CI insights end to end, embedded (memory bus, chDB in a temp dir): OpenTelemetry SDK spans
// with CI/CD attributes (exporter-trace-otlp-proto) and real JUnit reports (Surefire JUnit 4/5,
// pytest, jest-junit) go through the collector, the bus and the writer into ClickHouse; the
// ci_tests view reports a constructed flaky test; the prioritisation API ranks the failing
// test first; a pipeline run announcement is answered and stored; a deployment of a commit whose
// tests were flaky is verified under the detector's strict policy, a clean commit's is not.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startEmbedded } from '@vigil/cli';
import type { Embedded } from '@vigil/cli';
import { parseConfig } from '@vigil/config';
import { freePorts } from '../../infra/test/global-setup.js';
import { otlpJsonTraffic, postAll, waitFor } from '../support/traffic.js';

const FIXTURES = new URL('../../packages/ci-insights/src/fixtures/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');
// Recent event times: inside the tables' TTL, the 14-day flakiness window and the API's lookback.
const T0 = Date.now() - 3 * 3_600_000;

// The constructed history of suite "shop", pipeline "shop-ci" (run, revision, verdicts):
//   pays:    passes everywhere;
//   refunds: fails in r2 and passes in r3, both on revision c2 → flaky (CircleCI: same commit);
//   totals:  fails in r4 (c3) and r5 (c4), passed before on other revisions → broken, not flaky,
//            and the most likely to fail next.
const RUNS: Array<{ run: string; rev: string; fails: string[] }> = [
  { run: 'r1', rev: 'c1', fails: [] },
  { run: 'r2', rev: 'c2', fails: ['refunds'] },
  { run: 'r3', rev: 'c2', fails: [] },
  { run: 'r4', rev: 'c3', fails: ['totals'] },
  { run: 'r5', rev: 'c4', fails: ['totals'] },
];
const TESTS = ['pays', 'refunds', 'totals'];

async function sendCiSpans(otlpHttp: number): Promise<void> {
  const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${otlpHttp}/v1/traces` });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'ci-runner' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('ci-e2e');
  RUNS.forEach(({ run, rev, fails }, i) => {
    const start = T0 + i * 600_000;
    const pipelineAttrs = { 'cicd.pipeline.name': 'shop-ci', 'cicd.pipeline.run.id': run, 'vcs.ref.head.revision': rev };
    const root = tracer.startSpan('shop-ci', { startTime: start, attributes: pipelineAttrs });
    const ctx = trace.setSpan(context.active(), root);
    TESTS.forEach((name, k) => {
      const s = tracer.startSpan(`test ${name}`, {
        startTime: start + 1000 + k * 2000,
        attributes: {
          ...pipelineAttrs, 'test.suite.name': 'shop', 'test.case.name': name,
          'test.case.result.status': fails.includes(name) ? 'fail' : 'pass',
        },
      }, ctx);
      s.end(start + 1000 + k * 2000 + 500 + 100 * k);
    });
    if (fails.length > 0) root.setStatus({ code: SpanStatusCode.ERROR, message: 'tests failed' });
    root.end(start + 10_000);
  });
  await provider.forceFlush();
  await provider.shutdown();
}

async function postJson(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('CI insights, embedded', () => {
  let dir: string;
  let vigil: Embedded;
  let collector: string;
  let api: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-ci-'));
    const [otlpHttp, otlpGrpc, apiPort, alerterApi] = await freePorts(4);
    const config = parseConfig({
      store: { chdb: { path: join(dir, 'chdb') } },
      api: { port: apiPort },
      collector: { http: { port: otlpHttp }, grpc: { port: otlpGrpc } },
      alerter: { api: { port: alerterApi } },
      writer: { flushIntervalMs: 100 },
      telemetry: { logLevel: 'warn' },
    });
    vigil = await startEmbedded({ config, destination: new Writable({ write: (_c, _e, cb) => cb() }) });
    collector = `http://127.0.0.1:${otlpHttp}`;
    api = `http://127.0.0.1:${apiPort}`;
  });
  afterAll(async () => {
    await vigil?.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  const count = async (sql: string): Promise<number> => Number((await vigil.store.query<{ c: string }>(sql))[0]?.c ?? 0);

  test('OTel CI spans and JUnit reports land in ci_test_runs and ci_pipeline_runs', async () => {
    await sendCiSpans(Number(new URL(collector).port));
    let junitRuns = 0;
    const reports: Array<[string, string]> = [
      ['surefire-junit4.xml', 'pipeline=billing&run=b1&revision=abc'],
      ['surefire-junit5-reruns.xml', 'pipeline=api&run=a1&revision=def'],
      ['pytest.xml', 'pipeline=py&run=p1&suite=backend'],
      ['jest-junit.xml', 'pipeline=web&run=w1&revision=123'],
    ];
    for (const [file, query] of reports) {
      // pytest and jest-junit reports carry 2024 timestamps, older than ci_test_runs' TTL
      // (180 days, applied by ClickHouse merges): move them to the test's time.
      const xml = fixture(file).replace(/timestamp="2024-05-0(\d)T/g, (_m, d: string) => `timestamp="${new Date(T0 - 86_400_000 + Number(d) * 60_000).toISOString().slice(0, 10)}T`);
      const res = await fetch(`${collector}/v1/ci/junit?${query}`, { method: 'POST', body: xml, headers: { 'content-type': 'application/xml' } });
      expect(res.status).toBe(200);
      junitRuns += ((await res.json()) as { accepted: number }).accepted;
    }
    expect(junitRuns).toBeGreaterThanOrEqual(4 + 4 + 5 + 4);
    const otelRuns = RUNS.length * TESTS.length;
    let seen = '';
    await waitFor('CI rows in ClickHouse', async () => {
      const tests = await count(`SELECT count() AS c FROM ${vigil.store.table('ci_test_runs')}`);
      const pipelines = await count(`SELECT count() AS c FROM ${vigil.store.table('ci_pipeline_runs')}`);
      seen = `${tests} test rows (want ${junitRuns + otelRuns}), ${pipelines} pipeline rows (want ${RUNS.length})`;
      return tests === junitRuns + otelRuns && pipelines === RUNS.length;
    }, 30_000).catch(async (e: Error) => {
      const by = await vigil.store.query(`SELECT pipeline, source, count() AS c FROM ${vigil.store.table('ci_test_runs')} GROUP BY pipeline, source ORDER BY pipeline`);
      throw new Error(`${e.message}: ${seen}; ${JSON.stringify(by)}`);
    });
    const row = (await vigil.store.query<Record<string, unknown>>(
      `SELECT suite, test_name, pipeline, run_id, revision, status, duration_ms, source FROM ${vigil.store.table('ci_test_runs')}
       WHERE run_id = 'r2' AND test_name = 'refunds'`))[0];
    expect(row).toMatchObject({ suite: 'shop', pipeline: 'shop-ci', revision: 'c2', status: 'failed', source: 'otel', duration_ms: 600 });
    const junit = (await vigil.store.query<Record<string, unknown>>(
      `SELECT status, attempt FROM ${vigil.store.table('ci_test_runs')} WHERE run_id = 'a1' AND test_name LIKE '%timesOutSometimes%' ORDER BY attempt`));
    expect(junit).toEqual([{ status: 'failed', attempt: 1 }, { status: 'passed', attempt: 2 }]);
    const pipelines = await vigil.store.query<{ run_id: string; status: string }>(
      `SELECT run_id, status FROM ${vigil.store.table('ci_pipeline_runs')} ORDER BY time`);
    expect(pipelines.map((p) => `${p.run_id}:${p.status}`)).toEqual(['r1:passed', 'r2:failed', 'r3:passed', 'r4:failed', 'r5:failed']);
  });

  test('ci_tests view and GET /v1/ci/tests: refunds is flaky (failed then passed on c2), totals is not', async () => {
    const res = await fetch(`${api}/v1/ci/tests?suite=shop`);
    expect(res.status).toBe(200);
    const rows = (await res.json()) as Array<Record<string, unknown>>;
    const by = new Map(rows.map((r) => [r.name, r]));
    expect(by.get('refunds')).toMatchObject({ runs: 5, failures: 1, failureRate: 0.2, flaky: true, flakyRevisions: 1 });
    expect(by.get('totals')).toMatchObject({ runs: 5, failures: 2, failureRate: 0.4, flaky: false });
    expect(by.get('pays')).toMatchObject({ runs: 5, failures: 0, flaky: false, lastFailureMs: null });
    // Durations: pays 500 ms, refunds 600 ms, totals 700 ms in every run.
    expect(by.get('totals')?.durationMeanMs).toBeCloseTo(700, 6);
    const flaky = (await (await fetch(`${api}/v1/ci/tests?suite=shop&flaky=true`)).json()) as Array<Record<string, unknown>>;
    expect(flaky.map((r) => r.name)).toEqual(['refunds']);
    // The Surefire re-run (flakyFailure then pass in one run, revision def) is flaky too.
    const api5 = (await (await fetch(`${api}/v1/ci/tests?flaky=true&limit=50`)).json()) as Array<Record<string, unknown>>;
    expect(api5.some((r) => String(r.name).includes('timesOutSometimes'))).toBe(true);
    expect((await fetch(`${api}/v1/ci/tests?flaky=maybe`)).status).toBe(400);
  });

  test('POST /v1/ci/prioritise ranks the failing test first, splits and budgets', async () => {
    // The API reads rows inserted at least settleMs (1 s) ago: let the last inserts settle.
    await new Promise((r) => setTimeout(r, 1_100));
    const res = await postJson(`${api}/v1/ci/prioritise`, {
      suite: 'shop', tests: [{ name: 'pays' }, { name: 'refunds' }, { name: 'totals' }, { name: 'brand-new' }], workers: 2,
    });
    expect(res.status).toBe(200);
    const ranked = res.json.ranked as Array<{ name: string; failureProbability: number; reason: string; flaky: boolean }>;
    // Decayed Beta (alpha 0.3, prior 0.25/1): totals P,P,P,F,F → 0.52; brand-new: the suite's
    // new-test rate 0.5·0.9³ = 0.36; refunds P,F,P,P,P → 0.16; pays all passed → 0.07.
    expect(ranked[0].name).toBe('totals');
    expect(ranked[0].reason).toMatch(/failed its last run/);
    expect(ranked.find((r) => r.name === 'refunds')?.flaky).toBe(true);
    expect(ranked[ranked.length - 1].name).toBe('pays');
    expect((res.json.shards as unknown[]).length).toBe(2);
    expect(res.json.history).toMatchObject({ knownTests: 3, newTests: 1 });
    const budget = await postJson(`${api}/v1/ci/prioritise`, { suite: 'shop', tests: ['pays', 'refunds', 'totals'], budgetMs: 750 });
    expect(budget.json.selected).toEqual(['totals']);
    expect((await postJson(`${api}/v1/ci/prioritise`, { suite: 'shop', tests: 'pays' })).status).toBe(400);
  });

  test('new rows are picked up incrementally by the next prioritise call', async () => {
    // pays now fails on a new revision: it must move up from last place.
    const xml = '<testsuite name="shop"><testcase name="pays" time="0.5"><failure message="x"/></testcase></testsuite>';
    for (const run of ['j1', 'j2', 'j3']) {
      const res = await fetch(`${collector}/v1/ci/junit?pipeline=shop-ci&run=${run}&revision=c9`, { method: 'POST', body: xml, headers: { 'content-type': 'text/xml' } });
      expect(res.status).toBe(200);
    }
    const ranked = await waitFor('pays ranked first after three new failures', async () => {
      const r = await postJson(`${api}/v1/ci/prioritise`, { suite: 'shop', tests: ['refunds', 'totals', 'pays'] });
      const names = (r.json.ranked as Array<{ name: string }>).map((x) => x.name);
      return names[0] === 'pays' ? names : null;
    }, 30_000);
    expect(ranked[0]).toBe('pays');
  });

  test('POST /v1/ci/pipelines/{pipeline}/runs predicts and stores the announcement', async () => {
    const res = await postJson(`${api}/v1/ci/pipelines/shop-ci/runs`, { runId: 'r6', revision: 'c5', suite: 'shop', tests: ['pays', 'refunds', 'totals'] });
    expect(res.status).toBe(200);
    const p = res.json.failureProbability as number;
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
    // Runs P,F,P,F,F: decayed failures 2.04 of 2.78 runs, Jeffreys-smoothed (2.04+0.5)/(2.78+1) = 0.67.
    expect(res.json.pipelineFailureRate as number).toBeGreaterThan(0.5);
    const stored = await vigil.store.query<{ status: string; predicted_failure_probability: number; suite: string }>(
      `SELECT status, predicted_failure_probability, suite FROM ${vigil.store.table('ci_pipeline_runs')} WHERE run_id = 'r6'`);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ status: 'announced', suite: 'shop' });
    expect(stored[0].predicted_failure_probability).toBeCloseTo(p, 9);
    expect((await postJson(`${api}/v1/ci/pipelines/shop-ci/runs`, { revision: 'x' })).status).toBe(400);
  });

  test('GET /v1/ci/revisions/{rev}: c2 is flaky (refunds failed and passed), c1 is clean', async () => {
    const c2 = (await (await fetch(`${api}/v1/ci/revisions/c2`)).json()) as Record<string, unknown>;
    expect(c2).toMatchObject({ revision: 'c2', quality: 'flaky', flaky: 1, failed: 0 });
    expect(c2.flakyTests).toEqual(['shop :: refunds']);
    const c1 = (await (await fetch(`${api}/v1/ci/revisions/c1`)).json()) as Record<string, unknown>;
    expect(c1).toMatchObject({ quality: 'clean', tests: 3, passed: 3 });
    expect(((await (await fetch(`${api}/v1/ci/revisions/never-built`)).json()) as Record<string, unknown>).quality).toBe('unknown');
  });

  test('a deploy of a commit whose tests were flaky is verified strictly; a clean commit normally', async () => {
    // Two services, the same regression (0.5% → 8% errors); cart ships the clean commit c1,
    // ledger the commit c2 on which refunds was flaky.
    const t0 = Date.now() - 30 * 60_000;
    for (const [service, commit, seed] of [['cart', 'c1', 10], ['ledger', 'c2', 20]] as const) {
      await postAll(`${collector}/v1/traces`, otlpJsonTraffic({ service, version: 'v1', startMs: t0, seconds: 300, rps: 20, errorRatio: 0.005, seed }));
      const res = await postJson(`${collector}/v1/deployments`, { service, version: 'v2', commit });
      expect(res.status).toBe(202);
      await postAll(`${collector}/v1/traces`, otlpJsonTraffic({ service, version: 'v2', startMs: t0 + 300_000, seconds: 90, rps: 20, errorRatio: 0.08, seed: seed + 1 }));
    }
    const verdicts = await waitFor('fail verdicts of cart v2 and ledger v2 in ClickHouse', async () => {
      const rows = await vigil.store.query<{ service: string; status: string; summary: string }>(
        `SELECT service, status, summary FROM ${vigil.store.table('verdicts')} WHERE status = 'fail' ORDER BY service`);
      return rows.length === 2 ? rows : null;
    }, 60_000);
    expect(verdicts.map((v) => v.service)).toEqual(['cart', 'ledger']);
    expect(verdicts[0].summary).not.toMatch(/strict/);
    expect(verdicts[1].summary).toMatch(/\(strict: CI flaky on c2: 1 test/);
    // The query API keeps the announced commit and its CI quality beside the verdict.
    const listed = (await (await fetch(`${api}/v1/deployments?since=1d`)).json()) as Array<Record<string, unknown>>;
    const ledger = listed.find((d) => d.service === 'ledger' && d.version === 'v2');
    expect(ledger).toMatchObject({ commit: 'c2', status: 'fail', ci: { quality: 'flaky', flaky: 1 } });
    expect(listed.find((d) => d.service === 'cart' && d.version === 'v2')).toMatchObject({ commit: 'c1', ci: { quality: 'clean' } });
  });
});
