// RevisionLedger and the revision-quality rules on constructed histories: each expected count,
// name and verdict follows from the construction in the comments (the same history, through
// ClickHouse, is cross-checked against the writer's SQL in services/writer/src/ci/revision-quality.test.ts).
import { describe, expect, test } from 'vitest';
import { RevisionLedger } from './revision-ledger.js';
import { emptySummary, mergeSummaries, revisionVerdict, testCategory } from './revision-quality.js';
import type { TestStatus } from './types.js';

const DAY = 86_400_000;
const T0 = 1_790_000_000_000;
let seq = 0;
const exec = (l: RevisionLedger, revision: string | undefined, suite: string, testName: string, status: TestStatus, timeMs: number, runId = `run-${seq++}`): void =>
  l.add({ suite, testName, runId, status, timeMs, ...(revision !== undefined ? { revision } : {}) });

describe('testCategory and revisionVerdict', () => {
  test('a test\'s category from its counts (CircleCI: passed and failed on one commit = flaky)', () => {
    expect(testCategory(1, 1, 0)).toBe('flaky');
    expect(testCategory(0, 2, 1)).toBe('failed');
    expect(testCategory(3, 0, 1)).toBe('passed');
    expect(testCategory(0, 0, 1)).toBe('skipped');
    expect(testCategory(0, 0, 0)).toBeNull();
  });

  test('quality order: unknown, failed, flaky, skipped, clean; reasons name the tests', () => {
    const s = emptySummary('c1');
    expect(revisionVerdict(s)).toEqual({ quality: 'unknown', tests: 0, reasons: ['no test executions recorded for c1'] });
    s.counts.passed = 2;
    expect(revisionVerdict(s)).toEqual({ quality: 'clean', tests: 2, reasons: ['all 2 tests passed on c1'] });
    s.counts.skipped = 1;
    s.names.skipped = ['a :: s'];
    expect(revisionVerdict(s).quality).toBe('skipped');
    s.counts.flaky = 1;
    s.names.flaky = ['a :: f'];
    expect(revisionVerdict(s).quality).toBe('flaky');
    s.counts.failed = 7;
    s.names.failed = ['a :: 1', 'a :: 2', 'a :: 3', 'a :: 4', 'a :: 5', 'a :: 6', 'a :: 7'];
    expect(revisionVerdict(s)).toEqual({
      quality: 'failed', tests: 11, reasons: [
        '7 tests failed on c1: a :: 1, a :: 2, a :: 3, a :: 4, a :: 5 and 2 more',
        '1 test failed and passed on c1 (flaky): a :: f',
        '1 test skipped: a :: s',
      ],
    });
  });

  test('a 40-hex commit is shortened to 12 characters in reasons', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    const s = emptySummary(sha);
    s.counts.passed = 1;
    expect(revisionVerdict(s).reasons).toEqual(['the only test passed on 0123456789ab']);
  });

  test('mergeSummaries adds counts of disjoint suites and merges names sorted', () => {
    const a = emptySummary('r', 'shop');
    a.counts.flaky = 1;
    a.names.flaky = ['shop :: z'];
    const b = emptySummary('r', 'api');
    b.counts.flaky = 1;
    b.names.flaky = ['api :: a'];
    b.knownFlaky = 1;
    b.knownFlakyNames = ['api :: k'];
    const m = mergeSummaries('r', [a, b]);
    expect(m.counts).toEqual({ flaky: 2, failed: 0, passed: 0, skipped: 0 });
    expect(m.names.flaky).toEqual(['api :: a', 'shop :: z']);
    expect(m.knownFlakyNames).toEqual(['api :: k']);
    expect(m.suite).toBeUndefined();
  });
});

describe('RevisionLedger', () => {
  test('per test over all runs and attempts of a revision', () => {
    const l = new RevisionLedger();
    // c1, suite shop: flaky (failed then passed), broken (failed, error), ok (passed twice), skip (skipped).
    exec(l, 'c1', 'shop', 'flaky', 'failed', T0);
    exec(l, 'c1', 'shop', 'flaky', 'passed', T0 + 1);
    exec(l, 'c1', 'shop', 'broken', 'failed', T0);
    exec(l, 'c1', 'shop', 'broken', 'error', T0 + 2);
    exec(l, 'c1', 'shop', 'ok', 'passed', T0);
    exec(l, 'c1', 'shop', 'ok', 'passed', T0 + 3);
    exec(l, 'c1', 'shop', 'skip', 'skipped', T0);
    const s = l.summary('c1', 'shop');
    expect(s.counts).toEqual({ flaky: 1, failed: 1, passed: 1, skipped: 1 });
    expect(s.names).toEqual({ flaky: ['shop :: flaky'], failed: ['shop :: broken'], passed: ['shop :: ok'], skipped: ['shop :: skip'] });
    expect(l.summary('c1', 'api')).toEqual(emptySummary('c1', 'api'));
    expect(l.takeTouched()).toEqual([{ revision: 'c1', suite: 'shop' }]);
    expect(l.takeTouched()).toEqual([]);
  });

  test('known flaky: flaky on another revision (or run without revision) within 14 days of the newest execution', () => {
    const l = new RevisionLedger();
    // t1 flaky on c0 at T0; t2 flaky within one run without revision at T0; t3 flaky on c-old 20 days before.
    exec(l, 'c-old', 'shop', 't3', 'failed', T0 - 20 * DAY);
    exec(l, 'c-old', 'shop', 't3', 'passed', T0 - 20 * DAY);
    exec(l, 'c0', 'shop', 't1', 'failed', T0);
    exec(l, 'c0', 'shop', 't1', 'passed', T0);
    exec(l, undefined, 'shop', 't2', 'failed', T0, 'run-x');
    exec(l, undefined, 'shop', 't2', 'passed', T0, 'run-x');
    // c1 a day later: all three passed → clean, t1 and t2 known flaky, t3 too old.
    for (const t of ['t1', 't2', 't3']) exec(l, 'c1', 'shop', t, 'passed', T0 + DAY);
    const s = l.summary('c1', 'shop');
    expect(s.knownFlaky).toBe(2);
    expect(s.knownFlakyNames).toEqual(['shop :: t1', 'shop :: t2']);
    expect(revisionVerdict(s).quality).toBe('clean');
    // 15 days later (the clock is the newest execution), c0's flakiness is out of the window.
    exec(l, 'c2', 'shop', 't1', 'passed', T0 + 15 * DAY);
    expect(l.summary('c2', 'shop').knownFlaky).toBe(0);
    expect(l.summary('c1', 'shop').knownFlaky).toBe(0);
    // A revision-less run has no quality of its own.
    expect(l.takeTouched().map((x) => x.revision)).toEqual(['c-old', 'c0', 'c1', 'c2']);
  });

  test('bounded: the least recently updated revisions are forgotten', () => {
    const l = new RevisionLedger({ maxRevisions: 3, maxTallies: 100, maxFlakyPerTest: 2 });
    for (const r of ['a', 'b', 'c']) exec(l, r, 's', 't', 'passed', T0);
    exec(l, 'a', 's', 't', 'passed', T0 + 1); // a is now the most recent
    exec(l, 'd', 's', 't', 'passed', T0 + 2); // b goes
    expect(l.size).toBe(3);
    expect(l.summary('b', 's').counts.passed).toBe(0);
    expect(l.summary('a', 's').counts.passed).toBe(1);
  });

  test('bounded by size: past maxTallies the oldest revisions go, never the one being updated', () => {
    const l = new RevisionLedger({ maxRevisions: 100, maxTallies: 5, maxFlakyPerTest: 2 });
    for (const t of ['a', 'b', 'c']) exec(l, 'r1', 's', t, 'passed', T0);
    for (const t of ['a', 'b']) exec(l, 'r2', 's', t, 'passed', T0 + 1); // 5 tallies: both kept
    expect(l.size).toBe(2);
    exec(l, 'r2', 's', 'c', 'passed', T0 + 2); // 6 > 5: r1 (3 tallies) goes
    expect(l.size).toBe(1);
    expect(l.summary('r1', 's').counts.passed).toBe(0);
    for (const t of ['d', 'e', 'f', 'g']) exec(l, 'r2', 's', t, 'passed', T0 + 3); // alone past the cap: kept whole
    expect(l.summary('r2', 's').counts.passed).toBe(7);
    const back = RevisionLedger.fromJSON(l.toJSON(), { maxRevisions: 100, maxTallies: 8, maxFlakyPerTest: 2 });
    exec(back, 'r3', 's', 'a', 'passed', T0 + 4); // 7 + 1 = 8: both kept; one more and r2 goes
    expect(back.size).toBe(2);
    exec(back, 'r3', 's', 'b', 'passed', T0 + 5);
    expect(back.size).toBe(1);
  });

  test('JSON round trip keeps every count, flaky sighting and the clock', () => {
    const l = new RevisionLedger();
    exec(l, 'c0', 'shop', 't1', 'failed', T0);
    exec(l, 'c0', 'shop', 't1', 'passed', T0);
    exec(l, 'c1', 'shop', 't1', 'passed', T0 + DAY);
    const back = RevisionLedger.fromJSON(JSON.parse(JSON.stringify(l.toJSON())) as ReturnType<RevisionLedger['toJSON']>);
    expect(back.toJSON()).toEqual(l.toJSON());
    expect(back.summary('c1', 'shop')).toEqual(l.summary('c1', 'shop'));
    expect(back.asOfMs).toBe(T0 + DAY);
  });
});
