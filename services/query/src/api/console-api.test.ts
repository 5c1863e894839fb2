// The console's read endpoints (console-api.ts) over chDB: records are mapped to rows by the
// writer's own mapping (rowsFor, through test/support/read-side.ts) and inserted, then read back
// over HTTP from the query service (createQuery). Expected values are
// the records' own numbers (counts and buckets worked out by hand below), not the code's output.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ScoreRecord, TemplateRecord, VigilRecord } from '@vigil/records';
import type { Store } from '@vigil/store';
import { insertMapped, insertRows, migratedStore, startQuery } from '../../../../test/support/read-side.js';
import type { RunningQuery, TestStore } from '../../../../test/support/read-side.js';

const MIN = 60_000;
const NOW = Math.floor(Date.now() / MIN) * MIN;
const DEPLOY = NOW - 30 * MIN;
const DECIDED = DEPLOY + 2 * MIN;

const score = (t: number, version: string, metric: string, value: number): ScoreRecord => ({
  schema: 'vigil.score/1', seriesId: `pay|${metric}`, seriesKey: `payments|POST /charge|${metric}`, service: 'payments', signal: 'traces', metric,
  operation: 'POST /charge', version, windowStartMs: t, windowEndMs: t + 10_000, value, expected: 0.005, lower: 0, upper: 0.02, score: value > 0.02 ? 0.99 : 0.1,
  components: [], warmingUp: false,
});

const records: VigilRecord[] = [
  { schema: 'vigil.deployment/1', id: 'dep-bad', service: 'payments', version: 'v2', previousVersion: 'v1', source: 'resource', timeMs: DEPLOY, links: [] },
  { schema: 'vigil.deployment/1', id: 'dep-ok', service: 'checkout', version: 'v1.1', source: 'resource', timeMs: DEPLOY - 10 * MIN, links: [] },
  // The first version Vigil met of frontend, two days ago: learned, never judged.
  { schema: 'vigil.deployment/1', id: 'dep-first', service: 'frontend', version: 'v1', source: 'resource', timeMs: DEPLOY - 2 * 24 * 60 * MIN, links: [], firstSeen: true },
  {
    schema: 'vigil.verdict/1', id: 'dep-bad:running', deploymentId: 'dep-bad', service: 'payments', version: 'v2', baselineVersion: 'v1', status: 'running', mode: 'before_after',
    deployedAtMs: DEPLOY, decidedAtMs: DEPLOY + 1000, summary: 'verifying v2 against v1',
    evidence: [{ check: 'error_ratio', baseline: 0.005, candidate: 0, effect: 1, statistic: 0, bound: 4.2, decided: 'undecided' }],
  },
  {
    schema: 'vigil.verdict/1', id: 'dep-bad:fail', deploymentId: 'dep-bad', service: 'payments', version: 'v2', baselineVersion: 'v1', status: 'fail', mode: 'before_after',
    deployedAtMs: DEPLOY, decidedAtMs: DECIDED, summary: 'v2 regressed against v1: error_ratio (strict: 2 flaky tests)', policy: 'strict', policyReason: '2 flaky tests',
    evidence: [{ check: 'error_ratio', baseline: 0.005, candidate: 0.05, effect: 10, statistic: 5.1, bound: 4.2, decided: 'fail' }],
  },
  { schema: 'vigil.verdict/1', id: 'dep-ok:pass', deploymentId: 'dep-ok', service: 'checkout', version: 'v1.1', status: 'pass', mode: 'before_after', deployedAtMs: DEPLOY - 10 * MIN, decidedAtMs: DEPLOY - 8 * MIN, summary: 'ok', evidence: [] },
  // error_ratio around the deploy: two v1 windows before, two v2 windows after; one window far outside the evidence range.
  score(DEPLOY - 2 * MIN, 'v1', 'error_ratio', 0.004), score(DEPLOY - MIN, 'v1', 'error_ratio', 0.006),
  score(DEPLOY + 30_000, 'v2', 'error_ratio', 0.05), score(DEPLOY + MIN, 'v2', 'error_ratio', 0.06),
  score(DEPLOY - 120 * MIN, 'v1', 'error_ratio', 0.005),
  score(DEPLOY + MIN, 'v2', 'latency_p99', 240),
  {
    ...score(DEPLOY + MIN, 'v2', 'error_ratio', 0.06), schema: 'vigil.anomaly/1', id: 'an-1', threshold: 0.5, severity: 'critical',
    deployment: { id: 'dep-bad', version: 'v2', ageMs: MIN }, summary: 'payments POST /charge error_ratio 6% (expected 0.5%)', components: ['level', 'tail'],
  },
  ...[0, 1, 2].map((i): TemplateRecord => ({
    schema: 'vigil.template/1', service: 'payments', templateId: 'tpl-timeout', template: 'payment provider timeout after <*> ms, order <*>',
    windowStartMs: DEPLOY + i * MIN, windowEndMs: DEPLOY + i * MIN + 10_000, count: 3 + i, severities: { ERROR: 3 + i }, firstSeenMs: DEPLOY + 5_000,
    isNew: i === 0, newSinceDeployment: 'dep-bad', version: 'v2',
  })),
  {
    schema: 'vigil.template/1', service: 'payments', templateId: 'tpl-ok', template: 'charged order <*>', windowStartMs: DEPLOY - MIN, windowEndMs: DEPLOY - MIN + 10_000,
    count: 40, severities: { INFO: 40 }, firstSeenMs: DEPLOY - 60 * MIN, isNew: false,
  },
  {
    ...score(DEPLOY + 5_000, 'v2', 'new_log_template', 1), schema: 'vigil.anomaly/1', id: 'an-tpl', seriesId: 'tpl-timeout', signal: 'logs', threshold: 0,
    severity: 'warning', summary: 'new error log template', components: ['new_template'],
  },
  {
    schema: 'vigil.rollback/1', id: 'rb-1', deploymentId: 'dep-bad', service: 'payments', version: 'v2', reason: 'verdict fail', hook: 'webhook', dryRun: false,
    result: 'succeeded', detail: 'HTTP 200', atMs: DECIDED + 500,
  },
];

interface Point { t: number; version?: string; value: number }
interface EvidenceView {
  deployment: unknown; verdicts: Array<{ status: string; evidence: unknown[] }>; window: unknown;
  series: Array<{ metric: string; points: Point[] }>; templates: unknown; rollbacks: unknown;
}
interface AnomalyView { anomaly: unknown; series: Point[] }
interface TemplateSeries { bucketMs: number; buckets: number[]; templates: Array<{ templateId: string; counts: number[] }> }

describe('console read endpoints (chDB)', () => {
  let testStore: TestStore;
  let store: Store;
  let query: RunningQuery;
  let base = '';
  // The body read as the shape the caller names (what the console API documents); every field
  // the test reads is then compared with a value.
  const get = async <T = { error?: string }>(path: string, status = 200): Promise<T> => {
    const res = await fetch(`${base}${path}`);
    const body = (await res.json()) as T;
    expect(res.status, JSON.stringify(body)).toBe(status);
    return body;
  };

  beforeAll(async () => {
    testStore = await migratedStore('vigil_console_api');
    store = testStore.store;
    await insertMapped(store, records);
    await insertRows(store, 'ci_pipeline_runs', [
      { time: new Date(NOW - 3 * MIN), pipeline: 'build', run_id: 'r1', revision: 'a', status: 'passed', duration_ms: 1000, predicted_failure_probability: null, suite: '', risk_features: [], reason: '', source: 'test' },
      { time: new Date(NOW - 2 * MIN), pipeline: 'build', run_id: 'r2', revision: 'b', status: 'failed', duration_ms: 1000, predicted_failure_probability: null, suite: '', risk_features: [], reason: '', source: 'test' },
      { time: new Date(NOW - MIN), pipeline: 'build', run_id: 'r3', revision: 'c', status: 'announced', duration_ms: null, predicted_failure_probability: 0.42, suite: 's', risk_features: [], reason: 'b failed last', source: 'test' },
    ].map((r) => ({ ...r, time: r.time.toISOString().replace('T', ' ').replace('Z', '') })));
    ({ query, base } = await startQuery(store, { nowMs: () => NOW }));
  });
  afterAll(async () => {
    await query?.shutdown();
    await testStore?.close();
  });

  test('GET /v1/deployments/{id}/evidence: verdict history, baseline vs candidate, new templates, rollbacks, strict policy', async () => {
    const ev = await get<EvidenceView>('/v1/deployments/dep-bad/evidence?beforeMs=600000&afterMs=600000');
    expect(ev.deployment).toMatchObject({ id: 'dep-bad', service: 'payments', version: 'v2', previousVersion: 'v1', status: 'fail', deployedAtMs: DEPLOY, decidedAtMs: DECIDED, policy: 'strict', policyReason: '2 flaky tests' });
    expect(ev.verdicts.map((v) => v.status)).toEqual(['running', 'fail']);
    expect(ev.verdicts[1].evidence[0]).toMatchObject({ check: 'error_ratio', statistic: 5.1, bound: 4.2, decided: 'fail' });
    expect(ev.window).toEqual({ fromMs: DEPLOY - 10 * MIN, toMs: DECIDED + 10 * MIN });
    const err = ev.series.find((s) => s.metric === 'error_ratio');
    // The window two hours before is outside [deploy - 10 min, decision + 10 min].
    expect(err?.points.map((p) => [p.t - DEPLOY, p.version, p.value])).toEqual([
      [-2 * MIN, 'v1', 0.004], [-MIN, 'v1', 0.006], [30_000, 'v2', 0.05], [MIN, 'v2', 0.06],
    ]);
    expect(ev.series.map((s) => s.metric).sort()).toEqual(['error_ratio', 'latency_p99']);
    expect(ev.templates).toEqual([expect.objectContaining({ templateId: 'tpl-timeout', count: 3 + 4 + 5, firstSeenMs: DEPLOY + 5_000 })]);
    expect(ev.rollbacks).toEqual([expect.objectContaining({ id: 'rb-1', result: 'succeeded', hook: 'webhook', atMs: DECIDED + 500 })]);
    await get('/v1/deployments/nope/evidence', 404);
    expect((await get('/v1/deployments/dep-bad/evidence?beforeMs=-1', 400)).error).toMatch(/^beforeMs: /);
  });

  test('GET /v1/anomalies/{id}: the anomaly and its series around it', async () => {
    const a = await get<AnomalyView>('/v1/anomalies/an-1?beforeMs=300000&afterMs=300000');
    expect(a.anomaly).toMatchObject({ id: 'an-1', service: 'payments', metric: 'error_ratio', severity: 'critical', components: ['level', 'tail'], deploymentId: 'dep-bad' });
    expect(a.series.map((p) => p.t - DEPLOY)).toEqual([-2 * MIN, -MIN, 30_000, MIN]);
    expect(a.series[3]).toMatchObject({ value: 0.06, expected: 0.005, lower: 0, upper: 0.02 });
    await get('/v1/anomalies/none', 404);
    // A new log template's anomaly: its series is the template's lines per window.
    const tpl = await get<AnomalyView>('/v1/anomalies/an-tpl');
    expect(tpl.series.map((p) => [p.t - DEPLOY, p.value])).toEqual([[0, 3], [MIN, 4], [2 * MIN, 5]]);
  });

  test('GET /v1/templates/series: counts per bucket, new since a deployment', async () => {
    const t = await get<TemplateSeries>('/v1/templates/series?service=payments&since=1h&buckets=60');
    expect(t.bucketMs).toBe(MIN);
    expect(t.templates.map((x) => x.templateId)).toEqual(['tpl-ok', 'tpl-timeout']);
    const timeout = t.templates[1];
    expect(timeout).toMatchObject({ total: 12, isNew: true, newSinceDeployment: 'dep-bad' });
    const at = (ms: number) => timeout.counts[t.buckets.indexOf(ms)];
    expect([at(DEPLOY), at(DEPLOY + MIN), at(DEPLOY + 2 * MIN)]).toEqual([3, 4, 5]);
    expect(timeout.counts.reduce((s, c) => s + c, 0)).toBe(12);
    expect((await get('/v1/templates/series', 400)).error).toMatch(/^service: /);
  });

  test('GET /v1/services, /v1/deployments/timeline, /v1/rollbacks, /v1/ci/pipelines', async () => {
    const services = await get<Array<{ service: string }>>('/v1/services?since=1h');
    expect(services.map((s) => s.service)).toEqual(['checkout', 'frontend', 'payments']);
    expect(services[2]).toMatchObject({ failed: 1, running: 0, anomalies: 2, critical: 1, lastDeployment: { id: 'dep-bad', version: 'v2', status: 'fail', firstSeen: false } });
    expect(services[0]).toMatchObject({ failed: 0, anomalies: 0, lastDeployment: { id: 'dep-ok', status: 'pass', firstSeen: false } });
    // A service quiet in the range keeps its row; its last deployment is the first-seen version.
    expect(services[1]).toMatchObject({ deployments: 0, lastDeployment: { id: 'dep-first', version: 'v1', firstSeen: true } });
    expect(await get('/v1/deployments/timeline?since=1h')).toEqual([
      { id: 'dep-bad', service: 'payments', version: 'v2', deployedAtMs: DEPLOY, status: 'fail', strict: true },
      { id: 'dep-ok', service: 'checkout', version: 'v1.1', deployedAtMs: DEPLOY - 10 * MIN, status: 'pass', strict: false },
    ]);
    expect(await get('/v1/deployments/timeline?since=15m')).toEqual([]);
    expect(await get('/v1/rollbacks?service=payments')).toEqual([expect.objectContaining({ deploymentId: 'dep-bad', version: 'v2', result: 'succeeded' })]);
    expect(await get('/v1/rollbacks?service=checkout')).toEqual([]);
    expect(await get('/v1/ci/pipelines')).toEqual([{
      pipeline: 'build', runs: 2, failed: 1, failureRate: 0.5, lastRunMs: NOW - 2 * MIN, lastStatus: 'failed', lastPredictedFailureProbability: 0.42, lastReason: 'b failed last',
    }]);
    expect((await get('/v1/services?since=soon', 400)).error).toMatch(/since/);
  });
});
