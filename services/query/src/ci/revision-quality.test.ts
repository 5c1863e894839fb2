// GET /v1/ci/revisions/{revision} and revisionQuality() over chDB: a constructed history whose
// expected counts, names and verdicts follow from its construction (comments below), not from
// the code under test.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mergeSummaries, RevisionLedger, revisionVerdict } from '@vigil/ci-insights';
import type { PipelineRunRecord, TestRunRecord } from '@vigil/records';
import type { Store } from '@vigil/store';
import { insertMapped, migratedStore, startQuery } from '../../../../test/support/read-side.js';
import type { RunningQuery, TestStore } from '../../../../test/support/read-side.js';
import { revisionQuality, RevisionQualityError } from './revision-quality.js';
import type { RevisionQuality } from './revision-quality.js';

const NOW = Date.now();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SHA = '0123456789abcdef0123456789abcdef01234567';

type Status = TestRunRecord['status'];
const runs: TestRunRecord[] = [];
let seq = 0;
function run(revision: string, suite: string, testName: string, status: Status, agoMs: number, attempt?: number): void {
  runs.push({
    schema: 'vigil.test_run/1', suite, testName, pipeline: `${suite}-ci`, runId: `run-${revision}-${seq++}`, revision, status,
    durationMs: 100, timeMs: NOW - agoMs, source: 'junit', ...(attempt !== undefined ? { attempt } : {}),
  });
}

// Revision abc123 (suites shop and api):
//   shop :: flaky-one    failed (attempt 1) then passed (attempt 2)  → flaky
//   shop :: skipped-one  skipped                                      → skipped
//   shop :: passes       passed twice                                 → passed
//   shop :: broken       failed, then error in another run           → failed
//   shop :: known-flaky  passed; failed AND passed on "other" 3 days ago → passed + known flaky
//   shop :: old-flaky    passed; failed AND passed on "old" 20 days ago  → passed (outside 14 days)
//   api  :: api-pass     passed                                       → passed
run('abc123', 'shop', 'flaky-one', 'failed', 2 * HOUR, 1);
run('abc123', 'shop', 'flaky-one', 'passed', 2 * HOUR - 1000, 2);
run('abc123', 'shop', 'skipped-one', 'skipped', 2 * HOUR);
run('abc123', 'shop', 'passes', 'passed', 2 * HOUR);
run('abc123', 'shop', 'passes', 'passed', HOUR);
run('abc123', 'shop', 'broken', 'failed', 2 * HOUR);
run('abc123', 'shop', 'broken', 'error', HOUR);
run('abc123', 'shop', 'known-flaky', 'passed', 2 * HOUR);
run('other', 'shop', 'known-flaky', 'failed', 3 * DAY);
run('other', 'shop', 'known-flaky', 'passed', 3 * DAY - HOUR);
run('abc123', 'shop', 'old-flaky', 'passed', 2 * HOUR);
run('old', 'shop', 'old-flaky', 'failed', 20 * DAY);
run('old', 'shop', 'old-flaky', 'passed', 20 * DAY - HOUR);
run('abc123', 'api', 'api-pass', 'passed', 2 * HOUR);
// Revision SHA (a full commit id): passes passed then skipped in a later run, old-flaky passed → clean.
run(SHA, 'shop', 'passes', 'passed', 5 * HOUR);
run(SHA, 'shop', 'passes', 'skipped', 4 * HOUR);
run(SHA, 'shop', 'old-flaky', 'passed', 5 * HOUR);
// Revision c0ffee: two tests flaky on it (failed/passed, error/passed), known-flaky passed → flaky, no failure.
run('c0ffee', 'shop', 'flaky-one', 'failed', 6 * HOUR);
run('c0ffee', 'shop', 'flaky-one', 'passed', 6 * HOUR - 1000);
run('c0ffee', 'shop', 'flaky-two', 'error', 6 * HOUR);
run('c0ffee', 'shop', 'flaky-two', 'passed', 5 * HOUR);
run('c0ffee', 'shop', 'known-flaky', 'passed', 6 * HOUR);
// Revision "beef": known-flaky passed, passes passed → clean (known flakiness elsewhere is a reason only).
run('beef', 'shop', 'known-flaky', 'passed', 9 * HOUR);
run('beef', 'shop', 'passes', 'passed', 9 * HOUR);
// Revision "release/2024.1" (a slash): one test, skipped → skipped.
run('release/2024.1', 'shop', 'passes', 'skipped', 7 * HOUR);
// Revision "many": 25 skipped tests → the names are capped at 20.
for (let i = 0; i < 25; i++) run('many', 'bulk', `t${String(i).padStart(2, '0')}`, 'skipped', 8 * HOUR);

// Pipeline runs of abc123: an announced run of suite shop (0.72) and its outcome, an announced
// run of suite api (0.9, the highest), an older announced shop run (0.31); one on another revision.
const pipelineRuns: PipelineRunRecord[] = [
  { schema: 'vigil.pipeline_run/1', pipeline: 'shop-ci', runId: 'p1', revision: 'abc123', status: 'announced', timeMs: NOW - 3 * HOUR, source: 'api', suite: 'shop', predictedFailureProbability: 0.72, riskFeatures: [0, 0, 0, 0], reason: 'r' },
  { schema: 'vigil.pipeline_run/1', pipeline: 'shop-ci', runId: 'p1', revision: 'abc123', status: 'failed', timeMs: NOW - 2 * HOUR, durationMs: 60_000, source: 'otel' },
  { schema: 'vigil.pipeline_run/1', pipeline: 'api-ci', runId: 'p2', revision: 'abc123', status: 'announced', timeMs: NOW - 4 * HOUR, source: 'api', suite: 'api', predictedFailureProbability: 0.9, riskFeatures: [0, 0, 0, 0], reason: 'r' },
  { schema: 'vigil.pipeline_run/1', pipeline: 'shop-ci', runId: 'p0', revision: 'abc123', status: 'announced', timeMs: NOW - 5 * HOUR, source: 'api', suite: 'shop', predictedFailureProbability: 0.31, riskFeatures: [0, 0, 0, 0], reason: 'r' },
  { schema: 'vigil.pipeline_run/1', pipeline: 'shop-ci', runId: 'p9', revision: SHA, status: 'passed', timeMs: NOW - 4 * HOUR, durationMs: 50_000, source: 'otel' },
];

describe('CI quality of a revision (GET /v1/ci/revisions/{revision}, chDB)', () => {
  let testStore: TestStore;
  let store: Store;
  let query: RunningQuery;
  let base: string;

  beforeAll(async () => {
    testStore = await migratedStore('vigil_revq');
    store = testStore.store;
    // The writer's own mapping, as the pipeline lands records.
    for (const records of [runs, pipelineRuns]) await insertMapped(store, records);
    ({ query, base } = await startQuery(store, { nowMs: () => NOW }));
  });
  afterAll(async () => {
    await query?.shutdown();
    await testStore?.close();
  });

  const get = async (path: string): Promise<{ status: number; json: RevisionQuality & { error?: string } }> => {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, json: (await res.json()) as RevisionQuality & { error?: string } };
  };

  test('a revision with a flaky, a skipped, a failing, passing and known-flaky tests', async () => {
    const { status, json: q } = await get('/v1/ci/revisions/abc123');
    expect(status).toBe(200);
    expect(q.revision).toBe('abc123');
    expect({ tests: q.tests, passed: q.passed, failed: q.failed, flaky: q.flaky, skipped: q.skipped, knownFlaky: q.knownFlaky })
      .toEqual({ tests: 7, passed: 4, failed: 1, flaky: 1, skipped: 1, knownFlaky: 1 });
    expect(q.flakyTests).toEqual(['shop :: flaky-one', 'shop :: known-flaky']);
    expect(q.failedTests).toEqual(['shop :: broken']);
    expect(q.skippedTests).toEqual(['shop :: skipped-one']);
    expect(q.quality).toBe('failed');
    expect(q.buildRisk).toBe(0.9);
    expect(q.reasons).toEqual([
      '1 test failed on abc123: shop :: broken',
      '1 test failed and passed on abc123 (flaky): shop :: flaky-one',
      '1 test known flaky (failed and passed on one revision within 14 days): shop :: known-flaky',
      '1 test skipped: shop :: skipped-one',
      'build risk 90% predicted',
    ]);
    // Newest first; the other revision's run is not among them.
    expect(q.pipelineRuns).toEqual([
      { pipeline: 'shop-ci', runId: 'p1', status: 'failed', predictedFailureProbability: null, timeMs: NOW - 2 * HOUR },
      { pipeline: 'shop-ci', runId: 'p1', status: 'announced', predictedFailureProbability: 0.72, timeMs: NOW - 3 * HOUR },
      { pipeline: 'api-ci', runId: 'p2', status: 'announced', predictedFailureProbability: 0.9, timeMs: NOW - 4 * HOUR },
      { pipeline: 'shop-ci', runId: 'p0', status: 'announced', predictedFailureProbability: 0.31, timeMs: NOW - 5 * HOUR },
    ]);
  });

  test('the known-flaky rule agrees with the ci_tests view', async () => {
    const rows = await store.query<{ test_name: string; flaky: number | string }>(
      `SELECT test_name, flaky FROM ${store.table('ci_tests')} WHERE suite = 'shop' AND test_name IN ('known-flaky', 'old-flaky') ORDER BY test_name`);
    expect(rows.map((r) => [r.test_name, Number(r.flaky)])).toEqual([['known-flaky', 1], ['old-flaky', 0]]);
  });

  test('suite filter: tests of that suite, announced runs that assessed it', async () => {
    const { json: shop } = await get('/v1/ci/revisions/abc123?suite=shop');
    expect({ tests: shop.tests, passed: shop.passed, failed: shop.failed, flaky: shop.flaky, skipped: shop.skipped, knownFlaky: shop.knownFlaky })
      .toEqual({ tests: 6, passed: 3, failed: 1, flaky: 1, skipped: 1, knownFlaky: 1 });
    expect(shop.buildRisk).toBe(0.72);
    expect(shop.reasons.at(-1)).toBe('build risk 72% predicted');
    expect(shop.pipelineRuns.map((r) => r.runId)).toEqual(['p1', 'p1', 'p0']);
    const { json: api } = await get('/v1/ci/revisions/abc123?suite=api');
    expect({ tests: api.tests, passed: api.passed, quality: api.quality, buildRisk: api.buildRisk }).toEqual({ tests: 1, passed: 1, quality: 'clean', buildRisk: 0.9 });
    expect(api.flakyTests).toEqual([]);
  });

  test('a clean revision; a full commit id is shortened in reasons only', async () => {
    const q = await revisionQuality(store, SHA, { nowMs: NOW });
    expect({ tests: q.tests, passed: q.passed, failed: q.failed, flaky: q.flaky, skipped: q.skipped, knownFlaky: q.knownFlaky })
      .toEqual({ tests: 2, passed: 2, failed: 0, flaky: 0, skipped: 0, knownFlaky: 0 });
    expect(q.revision).toBe(SHA);
    expect(q.quality).toBe('clean');
    expect(q.buildRisk).toBeNull();
    expect(q.reasons).toEqual(['all 2 tests passed on 0123456789ab']);
    expect(q.pipelineRuns).toEqual([{ pipeline: 'shop-ci', runId: 'p9', status: 'passed', predictedFailureProbability: null, timeMs: NOW - 4 * HOUR }]);
  });

  test('flaky without failures: tests flaky on the revision and a known-flaky one', async () => {
    const q = await revisionQuality(store, 'c0ffee', { nowMs: NOW });
    expect({ tests: q.tests, passed: q.passed, failed: q.failed, flaky: q.flaky, knownFlaky: q.knownFlaky }).toEqual({ tests: 3, passed: 1, failed: 0, flaky: 2, knownFlaky: 1 });
    expect(q.quality).toBe('flaky');
    expect(q.flakyTests).toEqual(['shop :: flaky-one', 'shop :: flaky-two', 'shop :: known-flaky']);
    expect(q.reasons).toEqual([
      '2 tests failed and passed on c0ffee (flaky): shop :: flaky-one, shop :: flaky-two',
      '1 test known flaky (failed and passed on one revision within 14 days): shop :: known-flaky',
    ]);
  });

  test('a known-flaky test that passed does not make the revision flaky: reported, quality clean', async () => {
    const q = await revisionQuality(store, 'beef', { nowMs: NOW });
    expect({ tests: q.tests, passed: q.passed, flaky: q.flaky, knownFlaky: q.knownFlaky, quality: q.quality })
      .toEqual({ tests: 2, passed: 2, flaky: 0, knownFlaky: 1, quality: 'clean' });
    expect(q.flakyTests).toEqual(['shop :: known-flaky']);
    expect(q.reasons).toContain('1 test known flaky (failed and passed on one revision within 14 days): shop :: known-flaky');
  });

  test('the 14-day window follows nowMs', async () => {
    // 12 days later, "other" (3 days before NOW) is 15 days old: known-flaky is no longer flaky.
    const later = await revisionQuality(store, 'c0ffee', { nowMs: NOW + 12 * DAY });
    expect(later.knownFlaky).toBe(0);
    // 19 days earlier, "old" (20 days before NOW) was a day old: old-flaky was known flaky, and
    // "other" (in that clock's future) does not count.
    const earlier = await revisionQuality(store, 'abc123', { nowMs: NOW - 19 * DAY });
    expect(earlier.knownFlaky).toBe(1);
    expect(earlier.flakyTests).toEqual(['shop :: flaky-one', 'shop :: old-flaky']);
  });

  test('URL-encoded revision with a slash (and an unencoded one)', async () => {
    for (const path of ['/v1/ci/revisions/release%2F2024.1', '/v1/ci/revisions/release/2024.1']) {
      const { status, json: q } = await get(path);
      expect(status).toBe(200);
      expect(q.revision).toBe('release/2024.1');
      expect({ tests: q.tests, skipped: q.skipped, quality: q.quality, skippedTests: q.skippedTests })
        .toEqual({ tests: 1, skipped: 1, quality: 'skipped', skippedTests: ['shop :: passes'] });
      expect(q.reasons).toEqual(['1 test skipped: shop :: passes']);
    }
  });

  test('names are capped at 20, counts are not', async () => {
    const q = await revisionQuality(store, 'many', { nowMs: NOW });
    expect(q.skipped).toBe(25);
    expect(q.skippedTests).toEqual(Array.from({ length: 20 }, (_, i) => `bulk :: t${String(i).padStart(2, '0')}`));
    expect(q.reasons).toEqual(['25 tests skipped: bulk :: t00, bulk :: t01, bulk :: t02, bulk :: t03, bulk :: t04 and 20 more']);
  });

  test('an unknown revision answers 200 with quality unknown; quotes are data, not SQL', async () => {
    for (const rev of ['nope', "abc123' OR 1=1 --"]) {
      const { status, json: q } = await get(`/v1/ci/revisions/${encodeURIComponent(rev)}`);
      expect(status).toBe(200);
      expect(q).toMatchObject({ revision: rev, tests: 0, passed: 0, failed: 0, flaky: 0, skipped: 0, knownFlaky: 0, quality: 'unknown', buildRisk: null, pipelineRuns: [] });
      expect(q.reasons).toEqual([`no test executions recorded for ${rev}`]);
    }
  });

  test('the streaming ledger (the detector\'s CI-quality stage) agrees with this SQL on every revision', async () => {
    // The same executions in time order, one ledger per suite as the ci_test_runs partitions hold them.
    const ledgers = new Map<string, RevisionLedger>();
    for (const r of [...runs].sort((a, b) => a.timeMs - b.timeMs)) {
      let l = ledgers.get(r.suite);
      if (!l) ledgers.set(r.suite, (l = new RevisionLedger()));
      l.add(r);
    }
    const asOf = Math.max(...runs.map((r) => r.timeMs));
    for (const revision of ['abc123', SHA, 'c0ffee', 'beef', 'release/2024.1', 'many']) {
      const merged = mergeSummaries(revision, [...ledgers].map(([suite, l]) => l.summary(revision, suite)));
      const v = revisionVerdict(merged);
      const sql = await revisionQuality(store, revision, { nowMs: asOf });
      expect({ revision, tests: v.tests, ...merged.counts, knownFlaky: merged.knownFlaky, quality: v.quality })
        .toEqual({ revision, tests: sql.tests, passed: sql.passed, failed: sql.failed, flaky: sql.flaky, skipped: sql.skipped, knownFlaky: sql.knownFlaky, quality: sql.quality });
      expect([...merged.names.flaky, ...merged.knownFlakyNames].slice(0, 20)).toEqual(sql.flakyTests);
      expect(merged.names.failed).toEqual(sql.failedTests);
      expect(merged.names.skipped).toEqual(sql.skippedTests);
      // Announced build risks reach the store only (the writer's API inserts them), not the stream.
      expect(v.reasons).toEqual(sql.reasons.filter((r) => !r.startsWith('build risk')));
    }
  });

  test('empty or badly encoded revision → 400', async () => {
    for (const path of ['/v1/ci/revisions/', '/v1/ci/revisions', '/v1/ci/revisions/%E0%A4%A']) {
      const { status, json } = await get(path);
      expect(status).toBe(400);
      expect(json.error).toMatch(/^revision: /);
    }
    await expect(revisionQuality(store, '')).rejects.toBeInstanceOf(RevisionQualityError);
  });
});
