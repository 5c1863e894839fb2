import { describe, expect, it } from 'vitest';
import { CiHistory } from './history.js';
import { CiOptionsError, resolveOptions } from './options.js';
import type { TestRun, TestStatus } from './types.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

function run(testName: string, status: TestStatus, timeMs: number, extra: Partial<TestRun> = {}): TestRun {
  return { suite: 's', testName, pipeline: 'p', runId: `r${timeMs}`, status, durationMs: 100, timeMs, ...extra };
}

describe('CiHistory flakiness (CircleCI: passed and failed on the same revision within 14 days)', () => {
  it('flags a test that failed and passed on one revision', () => {
    const h = new CiHistory();
    h.ingest(run('t', 'failed', T0, { revision: 'a', runId: 'r1' }));
    h.ingest(run('t', 'passed', T0 + 1000, { revision: 'a', runId: 'r2' }));
    const s = h.summarize('s', 't')!;
    expect(s.flaky).toBe(true);
    expect(s.flakeRate).toBe(1);
    expect(h.flakyTests().map((x) => x.name)).toEqual(['t']);
  });

  it('does not flag a failure fixed by a new revision', () => {
    const h = new CiHistory();
    h.ingest(run('t', 'failed', T0, { revision: 'a' }));
    h.ingest(run('t', 'passed', T0 + 1000, { revision: 'b' }));
    expect(h.summarize('s', 't')!.flaky).toBe(false);
    expect(h.flakyTests()).toEqual([]);
  });

  it('forgets flaky revisions older than the window but keeps the lifetime count', () => {
    const h = new CiHistory();
    h.ingest(run('t', 'failed', T0, { revision: 'a' }));
    h.ingest(run('t', 'passed', T0 + 1000, { revision: 'a' }));
    h.ingest(run('t', 'passed', T0 + 20 * DAY, { revision: 'b' }));
    const s = h.summarize('s', 't')!;
    expect(s.flaky).toBe(false);
    expect(h.testState('s', 't')!.flakyRevisions).toBe(1);
    expect(h.summarize('s', 't', T0 + 13 * DAY)!.flaky).toBe(true);
  });

  it('treats a retry inside one pipeline run as the same revision when no revision is known', () => {
    const h = new CiHistory();
    h.ingest(run('t', 'failed', T0, { runId: 'r9' }));
    h.ingest(run('t', 'passed', T0 + 10, { runId: 'r9' }));
    h.ingest(run('u', 'failed', T0, { runId: 'r9' }));
    h.ingest(run('u', 'skipped', T0 + 10, { runId: 'r9' }));
    expect(h.summarize('s', 't')!.flaky).toBe(true);
    expect(h.summarize('s', 'u')!.flaky).toBe(false);
  });

  it('computes the flake rate over revisions in the window', () => {
    const h = new CiHistory();
    for (const [rev, statuses] of [['a', ['failed', 'passed']], ['b', ['passed']], ['c', ['passed', 'passed']], ['d', ['error', 'passed']]] as const) {
      for (const st of statuses) h.ingest(run('t', st, T0, { revision: rev }));
    }
    const s = h.summarize('s', 't')!;
    expect(s.flakyRevisionsInWindow).toBe(2);
    expect(s.flakeRate).toBeCloseTo(0.5, 12);
  });
});

describe('CiHistory statistics', () => {
  it('computes the recency-weighted failure probability by hand', () => {
    // alpha 0.3, runs F,P,F: decayed failures 1 → 0.7 → 1.49, runs 1 → 1.7 → 2.19;
    // prior 0.25/1: p = (1.49 + 0.25)/(2.19 + 1) = 174/319 = 6/11.
    const h = new CiHistory();
    h.ingest(run('t', 'failed', T0));
    h.ingest(run('t', 'passed', T0 + 1));
    h.ingest(run('t', 'failed', T0 + 2));
    expect(h.failureProbability('s', 't')).toBeCloseTo(6 / 11, 12);
    const s = h.summarize('s', 't')!;
    expect([s.runs, s.failures, s.lastFailureMs, s.firstSeenMs, s.runsSinceFailure]).toEqual([3, 2, T0 + 2, T0, 0]);
  });

  it('learns the new-test failure rate of a suite', () => {
    // init 0.5, alpha 0.1: after a new test fails its first run 0.5 + 0.1·(1 − 0.5) = 0.55.
    const h = new CiHistory();
    expect(h.failureProbability('s', 'never-seen')).toBe(0.5);
    h.ingest(run('t', 'failed', T0));
    h.ingest(run('t', 'passed', T0 + 1)); // not a first run: no change
    expect(h.newTestFailureRate('s')).toBeCloseTo(0.55, 12);
  });

  it('keeps duration mean and nearest-rank p95 over the window', () => {
    const h = new CiHistory({ durationWindow: 20 });
    for (let i = 1; i <= 20; i++) h.ingest(run('t', 'passed', T0 + i, { durationMs: i * 10 }));
    let s = h.summarize('s', 't')!;
    expect(s.durationMeanMs).toBeCloseTo(105, 9); // mean of 10..200
    expect(s.durationP95Ms).toBe(190); // ceil(0.95·20) = 19th of 20 sorted
    h.ingest(run('t', 'passed', T0 + 21, { durationMs: 5 })); // overwrites the oldest (10)
    s = h.summarize('s', 't')!;
    expect(s.durationP95Ms).toBe(190);
    expect(h.testState('s', 't')!.durationsMs).toHaveLength(20);
  });

  it('bounds the tests it holds, evicting the least recently seen', () => {
    const h = new CiHistory({ maxTests: 3 });
    for (const name of ['a', 'b', 'c']) h.ingest(run(name, 'passed', T0));
    h.ingest(run('a', 'passed', T0 + 1)); // a is now most recent
    h.ingest(run('d', 'passed', T0 + 2));
    expect(h.testCount).toBe(3);
    expect(h.testState('s', 'b')).toBeUndefined();
    expect(h.testState('s', 'a')).toBeDefined();
  });

  it('tracks pipelines: failure rate, duration and most failing tests', () => {
    const h = new CiHistory({ topFailingPerPipeline: 2 });
    for (let i = 0; i < 5; i++) h.ingest(run('x', 'failed', T0 + i));
    for (let i = 0; i < 3; i++) h.ingest(run('y', 'failed', T0 + i));
    h.ingest(run('z', 'failed', T0));
    h.recordPipelineRun({ pipeline: 'p', runId: 'a', status: 'failed', durationMs: 100, timeMs: T0 });
    h.recordPipelineRun({ pipeline: 'p', runId: 'b', status: 'passed', durationMs: 300, timeMs: T0 + 1 });
    const p = h.pipeline('p')!;
    expect([p.runs, p.failures, p.failureRate, p.durationMeanMs]).toEqual([2, 1, 0.5, 200]);
    expect(p.topFailingTests.map((t) => [t.test, t.count])).toEqual([['s :: x', 5], ['s :: y', 3]]);
  });

  it('round-trips through JSON and keeps learning identically', () => {
    const a = new CiHistory();
    for (let i = 0; i < 30; i++) a.ingest(run(`t${i % 7}`, i % 5 === 0 ? 'failed' : 'passed', T0 + i * 1000, { revision: `r${i % 4}` }));
    a.recordPipelineRun({ pipeline: 'p', runId: 'x', status: 'failed', timeMs: T0 });
    const b = CiHistory.fromJSON(JSON.parse(JSON.stringify(a.toJSON())) as ReturnType<typeof a.toJSON>);
    const next = run('t3', 'failed', T0 + 99_000, { revision: 'r1' });
    a.ingest(next);
    b.ingest(next);
    expect(b.toJSON()).toEqual(a.toJSON());
    expect(b.summarize('s', 't3')).toEqual(a.summarize('s', 't3'));
  });

  it('rejects bad records without touching state', () => {
    const h = new CiHistory();
    expect(h.ingest(run('', 'failed', T0)).ok).toBe(false);
    expect(h.ingest(run('t', 'failed', Number.NaN)).ok).toBe(false);
    expect(h.testCount).toBe(0);
  });
});

describe('CiHistory prior verdicts (RETECS LastResults, or a store of earlier results)', () => {
  it('seeds an unknown test from its verdicts, most recent first', () => {
    // Prior [F, P, F] most recent first = runs F, P, F oldest first: the same recurrences as the
    // hand computation above give p = (1.49 + 0.25)/(2.19 + 1) = 6/11.
    const h = new CiHistory();
    expect(h.seedPriorVerdicts('s', 't', [true, false, true], T0)).toBe(true);
    expect(h.failureProbability('s', 't')).toBeCloseTo(6 / 11, 12);
    const s = h.summarize('s', 't')!;
    expect([s.runs, s.failures, s.runsSinceFailure, s.lastFailureMs, s.durationMeanMs, s.firstSeenMs]).toEqual([3, 2, 0, null, null, T0]);
  });

  it('reads the order: a failure two runs back', () => {
    // Prior [P, P, F]: oldest F, then P, P. Decayed failures 1 → 0.7 → 0.49, runs 1 → 1.7 → 2.19;
    // p = (0.49 + 0.25)/(2.19 + 1) = 0.74/3.19 = 74/319.
    const h = new CiHistory();
    h.seedPriorVerdicts('s', 't', [false, false, true], T0);
    expect(h.failureProbability('s', 't')).toBeCloseTo(74 / 319, 12);
    expect(h.testState('s', 't')!.runsSinceFailure).toBe(2);
  });

  it('replaces the verdict counts of a known test only when the prior is longer, keeping durations', () => {
    // Known: one passed run. Prior [P, F] (longer) replaces it: oldest F then P gives decayed
    // failures 0.7, runs 1.7; p = (0.7 + 0.25)/(1.7 + 1) = 0.95/2.7 = 19/54.
    const h = new CiHistory();
    h.ingest(run('t', 'passed', T0, { durationMs: 300 }));
    expect(h.seedPriorVerdicts('s', 't', [false], T0 + 1)).toBe(false); // not longer: Vigil's own history stands
    expect(h.failureProbability('s', 't')).toBeCloseTo(0.25 / 2, 12);
    expect(h.seedPriorVerdicts('s', 't', [false, true], T0 + 1)).toBe(true);
    expect(h.failureProbability('s', 't')).toBeCloseTo(19 / 54, 12);
    const s = h.summarize('s', 't')!;
    expect([s.runs, s.failures, s.runsSinceFailure, s.durationMeanMs]).toEqual([2, 1, 1, 300]);
  });

  it('ignores an empty prior and leaves the suite new-test rate alone', () => {
    const h = new CiHistory();
    expect(h.seedPriorVerdicts('s', 'u', [], T0)).toBe(false);
    expect(h.testState('s', 'u')).toBeUndefined();
    h.seedPriorVerdicts('s', 't', [true], T0);
    h.ingest(run('t', 'failed', T0 + 1)); // a seeded test is not new: its run is not a first run
    expect(h.newTestFailureRate('s')).toBe(0.5);
    expect(h.testState('s', 't')!.runs).toBe(2);
  });
});

describe('options', () => {
  it('rejects unknown keys and bad values, quoting them', () => {
    expect(() => resolveOptions({ nope: 1 } as never)).toThrow(/"nope" is unknown/);
    expect(() => resolveOptions({ recencyAlpha: 2 })).toThrow(CiOptionsError);
    expect(() => resolveOptions({ recencyAlpha: 2 })).toThrow(/"recencyAlpha" = 2/);
    expect(() => resolveOptions({ objective: 'speed' as never })).toThrow(/"objective" = "speed"/);
    expect(resolveOptions().flakyWindowMs).toBe(14 * DAY);
  });
});
