// The CI-quality stage and its join with deployments, on the real processors (no bus): test runs
// → vigil.ci_quality/1 records → table → the spans partition's deployment of the commit. The
// constructed CI history (suite shop, revision c2: refunds failed then passed → flaky; suite api,
// revision c2: ping passed; revision c1: everything passed) fixes every expected value.
import { describe, expect, test } from 'vitest';
import type { OutRecord } from '@vigil/bus';
import { parseConfig } from '@vigil/config';
import { decodeRecord, deploymentIdFor, encodeRecord } from '@vigil/records';
import type { CiQualityRecord, DeploymentRecord, TestRunRecord } from '@vigil/records';
import { deploymentMarker, spans, testRun as run } from './ci-quality.test-util.js';
import { CiQualityTable } from './ci-quality-table.js';
import { createStageProcessor } from './stage-processor.js';
import type { StageContext, StageProcessor } from './stage-processor.js';

const config = parseConfig({});
const T0 = 1_790_000_000_000;
const testRun = (revision: string, suite: string, testName: string, status: TestRunRecord['status'], runId: string, timeMs: number): Buffer => run(revision, suite, testName, status, runId, timeMs);
const deployment = (service: string, version: string, commit: string): { value: Buffer; headers: Record<string, string> } => deploymentMarker(service, version, commit, T0);

/** The CI-quality stage fed the constructed history; its output records. */
function ciStage(ctx: StageContext): OutRecord[] {
  const p = createStageProcessor('ci', ctx);
  const runs = [
    testRun('c2', 'shop', 'refunds', 'failed', 'r2', T0 - 9_000),
    testRun('c2', 'shop', 'refunds', 'passed', 'r3', T0 - 8_000),
    testRun('c2', 'shop', 'pays', 'passed', 'r2', T0 - 9_000),
    testRun('c2', 'api', 'ping', 'passed', 'r2', T0 - 9_000),
    testRun('c1', 'shop', 'refunds', 'passed', 'r1', T0 - 10_000),
    testRun('c1', 'shop', 'pays', 'passed', 'r1', T0 - 10_000),
  ];
  for (const r of runs) expect(p.process(r)).toEqual([]);
  return p.flush!();
}

function newContext(): StageContext {
  return { detector: config.detector, topics: config.topics, ciQuality: new CiQualityTable() };
}

interface SpansState { kind: 'spans+ci'; spans: { verifiers: Array<{ service: string; policies?: Array<[string, string]>; check: { version: string; strict?: string | null } | null }> } }
const stateOf = (p: StageProcessor): SpansState => JSON.parse(JSON.stringify(p.toJSON())) as SpansState;
const deploymentsOut = (outs: OutRecord[]): DeploymentRecord[] =>
  outs.filter((o) => o.topic === config.topics.deployments).map((o) => decodeRecord(Buffer.from(o.value!), 'vigil.deployment/1'));

describe('CI-quality stage', () => {
  test('one record per changed (revision, suite) per batch; the table merges a revision\'s suites', () => {
    const ctx = newContext();
    const out = ciStage(ctx);
    expect(out.map((o) => o.key)).toEqual(['c2\u0000shop', 'c2\u0000api', 'c1\u0000shop']);
    expect(out.every((o) => o.topic === 'vigil_ci_quality')).toBe(true);
    const shop = decodeRecord(Buffer.from(out[0].value!), 'vigil.ci_quality/1');
    expect(shop).toMatchObject({ revision: 'c2', suite: 'shop', flaky: 1, passed: 1, failed: 0, flakyTests: ['shop :: refunds'], asOfMs: T0 - 8_000 });
    for (const o of out) ctx.ciQuality.apply(decodeRecord(Buffer.from(o.value!), 'vigil.ci_quality/1'));
    // c2 over both suites: refunds flaky, pays and ping passed → 3 tests, flaky.
    expect(ctx.ciQuality.quality('c2')).toMatchObject({ quality: 'flaky', tests: 3, flaky: 1, failed: 0, skipped: 0 });
    expect(ctx.ciQuality.quality('c2')!.reasons[0]).toBe('1 test failed and passed on c2 (flaky): shop :: refunds');
    expect(ctx.ciQuality.quality('c1')).toMatchObject({ quality: 'clean', tests: 2 });
    expect(ctx.ciQuality.quality('never-built')).toBeNull();
  });

  test('undecodable input throws (the loop dead-letters it); pipeline runs are skipped', () => {
    const p = createStageProcessor('ci', newContext());
    expect(() => p.process(Buffer.from('not json'))).toThrow(/not JSON/);
    expect(p.process(encodeRecord({ schema: 'vigil.pipeline_run/1', pipeline: 'shop-ci', runId: 'r1', status: 'passed', timeMs: T0, source: 'otel' }))).toEqual([]);
    expect(p.flush!()).toEqual([]);
  });

  test('the stage\'s state restores: the same batch after a restore gives the same records', () => {
    const ctx = newContext();
    const p = createStageProcessor('ci', ctx);
    p.process(testRun('c2', 'shop', 'refunds', 'failed', 'r2', T0));
    p.flush!();
    const restored = createStageProcessor('ci', ctx, JSON.parse(JSON.stringify(p.toJSON())));
    const next = testRun('c2', 'shop', 'refunds', 'passed', 'r3', T0 + 1);
    p.process(next);
    restored.process(next);
    const a = p.flush!();
    expect(a).toHaveLength(1);
    expect(decodeRecord(Buffer.from(a[0].value!), 'vigil.ci_quality/1')).toMatchObject({ flaky: 1 } satisfies Partial<CiQualityRecord>);
    expect(restored.flush!()).toEqual(a);
  });
});

describe('join of deployments with CI quality', () => {
  function withQuality(): StageContext {
    const ctx = newContext();
    for (const o of ciStage(ctx)) ctx.ciQuality.apply(decodeRecord(Buffer.from(o.value!), 'vigil.ci_quality/1'));
    return ctx;
  }

  test('quality known before the deployment: the check of the commit runs strict from its start', () => {
    const ctx = withQuality();
    const p = createStageProcessor('spans', ctx);
    p.process(spans('ledger', 'v1', T0, 50));
    const m = deployment('ledger', 'v2', 'c2');
    const outs = p.process(m.value, m.headers);
    // Re-published with the joined quality, same id, keyed by service.
    const [published] = deploymentsOut(outs);
    expect(published).toMatchObject({ id: deploymentIdFor('ledger', 'v2'), commit: 'c2', ci: { quality: 'flaky', flaky: 1, tests: 3 } });
    expect(outs.find((o) => o.topic === config.topics.deployments)!.key).toBe('ledger');
    p.process(spans('ledger', 'v2', T0 + 10_000, 20));
    const v = stateOf(p).spans.verifiers.find((x) => x.service === 'ledger')!;
    expect(v.check?.version).toBe('v2');
    expect(v.check?.strict).toMatch(/^CI flaky on c2: 1 test failed and passed on c2 \(flaky\): shop :: refunds/);
  });

  test('a clean commit is joined but stays standard', () => {
    const ctx = withQuality();
    const p = createStageProcessor('spans', ctx);
    p.process(spans('cart', 'v1', T0, 50));
    const m = deployment('cart', 'v2', 'c1');
    expect(deploymentsOut(p.process(m.value, m.headers))[0].ci).toMatchObject({ quality: 'clean' });
    p.process(spans('cart', 'v2', T0 + 10_000, 20));
    expect(stateOf(p).spans.verifiers[0].check).toMatchObject({ version: 'v2', strict: null });
  });

  test('quality arriving while the check runs turns it strict from then on, once', () => {
    const ctx = newContext();
    const p = createStageProcessor('spans', ctx);
    p.process(spans('ledger', 'v1', T0, 50));
    const m = deployment('ledger', 'v2', 'c2');
    expect(deploymentsOut(p.process(m.value, m.headers))).toEqual([]);
    p.process(spans('ledger', 'v2', T0 + 10_000, 20));
    expect(stateOf(p).spans.verifiers[0].check).toMatchObject({ version: 'v2', strict: null });
    expect(p.ciQualityArrived!('c2')).toBeNull(); // the table knows nothing yet
    for (const o of ciStage(ctx)) ctx.ciQuality.apply(decodeRecord(Buffer.from(o.value!), 'vigil.ci_quality/1'));
    const outs = p.ciQualityArrived!('c2')!;
    expect(deploymentsOut(outs)).toHaveLength(1);
    expect(stateOf(p).spans.verifiers[0].check?.strict).toMatch(/^CI flaky on c2/);
    expect(p.ciQualityArrived!('c2')).toBeNull(); // same quality again: nothing new
    expect(p.ciQualityArrived!('c1')).toBeNull(); // no deployment of c1 here
  });

  test('replay: a restored partition joins what arrived after its snapshot, and nothing twice', () => {
    const ctx = newContext();
    const p = createStageProcessor('spans', ctx);
    p.process(spans('ledger', 'v1', T0, 50));
    const m = deployment('ledger', 'v2', 'c2');
    p.process(m.value, m.headers);
    const snapshot = JSON.parse(JSON.stringify(p.toJSON())) as unknown;
    // The quality arrives; the process dies before the next commit (the snapshot above stays the committed one).
    for (const o of ciStage(ctx)) ctx.ciQuality.apply(decodeRecord(Buffer.from(o.value!), 'vigil.ci_quality/1'));
    const restored = createStageProcessor('spans', ctx, snapshot);
    const owed = restored.rejoin!();
    expect(deploymentsOut(owed!)).toHaveLength(1);
    restored.process(spans('ledger', 'v2', T0 + 10_000, 20));
    expect(stateOf(restored).spans.verifiers[0].check?.strict).toMatch(/^CI flaky on c2/);
    // Restored from a snapshot taken after the join: nothing is owed.
    const again = createStageProcessor('spans', ctx, JSON.parse(JSON.stringify(restored.toJSON())));
    expect(again.rejoin!()).toBeNull();
  });

  test('in order and deterministic: the same inputs give the same outputs and state', () => {
    const run = (): { outs: string[]; state: string } => {
      const ctx = withQuality();
      const p = createStageProcessor('spans', ctx);
      const outs: OutRecord[] = [];
      outs.push(...p.process(spans('ledger', 'v1', T0, 300, 50)));
      const m = deployment('ledger', 'v2', 'c2');
      outs.push(...p.process(m.value, m.headers));
      for (let k = 0; k < 10; k++) outs.push(...p.process(spans('ledger', 'v2', T0 + 40_000 + k * 5_000, 40, 4)));
      return { outs: outs.map((o) => `${o.topic}|${String(o.key)}|${o.value === null ? '' : Buffer.from(o.value).toString()}`), state: JSON.stringify(p.toJSON()) };
    };
    const a = run();
    expect(a.outs.some((o) => o.includes('"status":"fail"') && o.includes('(strict: CI flaky on c2'))).toBe(true);
    expect(run()).toEqual(a);
  });

  test('a spans snapshot written before the join restores (no CI state)', () => {
    const ctx = newContext();
    const bare = createStageProcessor('spans', ctx);
    bare.process(spans('ledger', 'v1', T0, 10));
    const old = (bare.toJSON() as { spans: unknown }).spans; // the plain spans state of older checkpoints
    const p = createStageProcessor('spans', ctx, JSON.parse(JSON.stringify(old)));
    expect(stateOf(p).spans.verifiers[0].service).toBe('ledger');
    expect(p.rejoin!()).toBeNull();
  });
});
