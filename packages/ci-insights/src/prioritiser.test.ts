import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CiHistory } from './history.js';
import { assessBuildRisk, prioritise } from './prioritiser.js';
import { splitLongestFirst } from './split.js';
import type { TestStatus } from './types.js';

const T0 = Date.UTC(2024, 0, 1);

function historyOf(spec: Record<string, TestStatus[]>): CiHistory {
  const h = new CiHistory();
  let t = T0;
  for (const [name, statuses] of Object.entries(spec)) {
    for (const status of statuses) h.ingest({ suite: 's', testName: name, pipeline: 'p', runId: `r${t}`, revision: `v${t}`, status, durationMs: 1000, timeMs: t++ });
  }
  return h;
}

describe('prioritise', () => {
  it('ranks recent failures first, new tests by the suite rate, and explains why', () => {
    const h = historyOf({ stable: Array<TestStatus>(10).fill('passed'), broken: ['passed', 'failed', 'failed'], old: ['failed', ...Array<TestStatus>(8).fill('passed')] });
    const r = prioritise(h, { suite: 's', tests: [{ name: 'stable' }, { name: 'old' }, { name: 'fresh' }, { name: 'broken' }] });
    expect(r.ranked.map((t) => t.name)).toEqual(['broken', 'fresh', 'old', 'stable']);
    expect(r.ranked.map((t) => t.rank)).toEqual([1, 2, 3, 4]);
    expect(r.ranked[0].reason).toContain('failed its last run');
    expect(r.ranked[1].reason).toContain('new test');
    expect(r.ranked[3].reason).toContain('passed all 10 runs');
  });

  it('ranks every execution of a repeated test, keeping the request order among equals', () => {
    const h = historyOf({ a: ['failed'], b: ['passed'] });
    const r = prioritise(h, { suite: 's', tests: [{ id: '1', name: 'b' }, { id: '2', name: 'a' }, { id: '3', name: 'b' }, { id: '4', name: 'a' }] });
    expect(r.ranked.map((t) => t.id)).toEqual(['2', '4', '1', '3']);
  });

  it('boosts tests matching changed paths and tests that already failed on the revision', () => {
    const h = historyOf({ 'tests.test_invoice.test_total': ['passed', 'passed'], 'tests.test_cart.test_add': ['passed', 'passed'] });
    const tests = [{ name: 'tests.test_cart.test_add' }, { name: 'tests.test_invoice.test_total' }];
    const r = prioritise(h, { suite: 's', tests, changedPaths: ['billing/invoice.py'] });
    expect(r.ranked[0].name).toBe('tests.test_invoice.test_total');
    expect(r.ranked[0].reason).toContain('matches changed file billing/invoice.py');
    h.ingest({ suite: 's', testName: 'tests.test_cart.test_add', pipeline: 'p', runId: 'x', revision: 'rev9', status: 'failed', durationMs: 1, timeMs: T0 + 100 });
    h.ingest({ suite: 's', testName: 'tests.test_cart.test_add', pipeline: 'p', runId: 'y', revision: 'rev10', status: 'passed', durationMs: 1, timeMs: T0 + 101 });
    const r2 = prioritise(h, { suite: 's', tests, revision: 'rev9' });
    expect(r2.ranked[0].reason).toContain('already failed 1× on this revision');
  });

  it('per-second objective prefers cheap likely failures', () => {
    const h = historyOf({ slow: ['failed'], quick: ['failed', 'passed'] });
    const tests = [{ name: 'slow', durationMs: 60_000 }, { name: 'quick', durationMs: 100 }];
    expect(prioritise(h, { suite: 's', tests }).ranked[0].name).toBe('slow');
    expect(prioritise(h, { suite: 's', tests, objective: 'failures-per-second' }).ranked[0].name).toBe('quick');
  });

  it('respects a time budget and keeps the selection in rank order (property)', () => {
    const h = historyOf({ t0: ['failed'], t1: ['passed'], t2: ['failed', 'passed'], t3: ['passed', 'failed'] });
    fc.assert(fc.property(
      fc.array(fc.record({ name: fc.constantFrom('t0', 't1', 't2', 't3', 'n1', 'n2'), durationMs: fc.integer({ min: 0, max: 10_000 }) }), { maxLength: 40 }),
      fc.integer({ min: 0, max: 50_000 }),
      (tests, budget) => {
        const r = prioritise(h, { suite: 's', tests, timeBudgetMs: budget });
        const used = r.selected.reduce((s, t) => s + t.expectedDurationMs, 0);
        expect(used).toBeLessThanOrEqual(budget);
        expect(r.selectedDurationMs).toBe(used);
        expect(r.selected.length + r.deferred.length).toBe(tests.length);
        for (let i = 1; i < r.selected.length; i++) expect(r.selected[i].rank).toBeGreaterThan(r.selected[i - 1].rank);
        // Greedy never leaves out a test that would still fit.
        for (const d of r.deferred) expect(used + d.expectedDurationMs).toBeGreaterThan(budget);
      },
    ), { numRuns: 200 });
  });

  it('splits across K workers: every test once, LPT bounds hold (property)', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 60 }),
      fc.integer({ min: 1, max: 8 }),
      (durations, k) => {
        const items = durations.map((durationMs, i) => ({ durationMs, i }));
        const bins = splitLongestFirst(items, k);
        expect(bins).toHaveLength(k);
        expect(bins.flatMap((b) => b.items.map((x) => x.i)).sort((a, b) => a - b)).toEqual(items.map((x) => x.i));
        const total = durations.reduce((s, d) => s + d, 0);
        const makespan = Math.max(...bins.map((b) => b.totalDurationMs));
        expect(makespan).toBeLessThanOrEqual(total / k + Math.max(...durations) + 1e-9);
        for (const b of bins) expect(b.totalDurationMs).toBe(b.items.reduce((s, x) => s + x.durationMs, 0));
      },
    ), { numRuns: 300 });
  });

  it('LPT is within (4/3 − 1/(3K)) of the brute-force optimum (property, small instances)', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 8 }),
      fc.integer({ min: 2, max: 3 }),
      (durations, k) => {
        let opt = Infinity;
        const loads = new Array<number>(k).fill(0);
        const search = (i: number): void => {
          if (i === durations.length) {
            opt = Math.min(opt, Math.max(...loads));
            return;
          }
          for (let w = 0; w < k; w++) {
            loads[w] += durations[i];
            if (Math.max(...loads) < opt) search(i + 1);
            loads[w] -= durations[i];
          }
        };
        search(0);
        const makespan = Math.max(...splitLongestFirst(durations.map((durationMs) => ({ durationMs })), k).map((b) => b.totalDurationMs));
        expect(makespan).toBeGreaterThanOrEqual(opt);
        expect(makespan).toBeLessThanOrEqual((4 / 3 - 1 / (3 * k)) * opt + 1e-9);
      },
    ), { numRuns: 200 });
  });

  it('LPT matches the hand-computed textbook example', () => {
    // Jobs 7,6,5,4,3,2 on 2 machines: LPT puts 7,4,3 | 6,5,2 → makespans 14 and 13.
    const bins = splitLongestFirst([7, 6, 5, 4, 3, 2].map((durationMs) => ({ durationMs })), 2);
    expect(bins.map((b) => b.items.map((x) => x.durationMs))).toEqual([[7, 4, 3], [6, 5, 2]]);
  });

  it('returns shards in rank order inside each worker', () => {
    const h = historyOf({ a: ['failed'], b: ['passed'], c: ['failed', 'passed'] });
    const r = prioritise(h, { suite: 's', tests: [{ name: 'a', durationMs: 5 }, { name: 'b', durationMs: 9 }, { name: 'c', durationMs: 4 }, { name: 'd', durationMs: 1 }], workers: 2 });
    expect(r.shards).toHaveLength(2);
    for (const s of r.shards!) for (let i = 1; i < s.tests.length; i++) expect(s.tests[i].rank).toBeGreaterThan(s.tests[i - 1].rank);
    expect(r.shards!.map((s) => s.totalDurationMs).sort((x, y) => x - y)).toEqual([9, 10]);
  });

  it('rejects bad requests', () => {
    const h = new CiHistory();
    expect(() => prioritise(h, { suite: 's', tests: [], workers: 0 })).toThrow(/workers=0/);
    expect(() => prioritise(h, { suite: 's', tests: [], timeBudgetMs: -1 })).toThrow(/timeBudgetMs=-1/);
  });
});

describe('assessBuildRisk', () => {
  it('learns that a pipeline which keeps failing is risky, and one that passes is not', () => {
    const h = new CiHistory();
    for (let i = 0; i < 40; i++) {
      const bad = assessBuildRisk(h, { pipeline: 'bad', runId: `b${i}` });
      const good = assessBuildRisk(h, { pipeline: 'good', runId: `g${i}` });
      expect(bad.probability).toBeGreaterThan(0);
      expect(good.probability).toBeLessThan(1);
      h.recordPipelineRun({ pipeline: 'bad', runId: `b${i}`, status: 'failed', timeMs: T0 + i });
      h.recordPipelineRun({ pipeline: 'good', runId: `g${i}`, status: 'passed', timeMs: T0 + i });
    }
    const bad = assessBuildRisk(h, { pipeline: 'bad', runId: 'bx' });
    const good = assessBuildRisk(h, { pipeline: 'good', runId: 'gx' });
    expect(bad.probability).toBeGreaterThan(0.8);
    expect(good.probability).toBeLessThan(0.2);
    expect(h.risk.trained).toBe(80);
  });

  it('names the riskiest test of the run', () => {
    const h = historyOf({ a: ['failed', 'failed'], b: ['passed'] });
    const r = assessBuildRisk(h, { pipeline: 'p', runId: 'z', suite: 's', tests: [{ name: 'a' }, { name: 'b' }] });
    expect(r.riskiestTest?.name).toBe('a');
    expect(r.likelyFailingTests).toBe(1);
    expect(r.reason).toContain('riskiest test a');
  });
});
