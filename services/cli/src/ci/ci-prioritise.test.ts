import { describe, expect, it } from 'vitest';
import { ciMain, ciPrioritise, parseBudgetMs, parseTestList } from './ci-prioritise.js';
import type { CiIo } from './ci-prioritise.js';

function io(stdin: string, answer: unknown, status = 200) {
  const out: string[] = [];
  const calls: Array<{ url: string; body: Record<string, unknown>; headers: Record<string, string> }> = [];
  const fake = (async (url: URL, init: RequestInit) => {
    calls.push({ url: String(url), body: JSON.parse(typeof init.body === 'string' ? init.body : '') as Record<string, unknown>, headers: init.headers as Record<string, string> });
    return new Response(JSON.stringify(answer), { status, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;
  const x: CiIo = { stdin: [stdin], stdout: { write: (s: string) => out.push(s) }, env: { VIGIL_API_URL: 'http://api:1', VIGIL_API_TOKEN: 't0k' }, fetch: fake };
  return { x, out, calls };
}

const ANSWER = {
  ranked: [
    { rank: 1, name: 'b', failureProbability: 0.6, expectedDurationMs: 2000, flaky: true, reason: 'failed its last run' },
    { rank: 2, name: 'a', failureProbability: 0.1, expectedDurationMs: 1000, flaky: false, reason: 'passed all 3 runs' },
  ],
  selected: ['b', 'a'], deferred: [], selectedDurationMs: 3000, expectedFailuresSelected: 0.7,
  shards: [{ worker: 0, totalDurationMs: 2000, tests: ['b'] }, { worker: 1, totalDurationMs: 1000, tests: ['a'] }],
};

describe('vigil ci prioritise', () => {
  it('parses durations and test lists', () => {
    expect(parseBudgetMs('10m')).toBe(600_000);
    expect(parseBudgetMs('1.5h')).toBe(5_400_000);
    expect(parseBudgetMs('250')).toBe(250);
    expect(() => parseBudgetMs('ten minutes')).toThrow(/--budget/);
    expect(parseTestList('a\n\n# comment\nb\t1500\r\nc d\n')).toEqual([{ name: 'a' }, { name: 'b', durationMs: 1500 }, { name: 'c d' }]);
    expect(() => parseTestList('a\tsoon')).toThrow(/line 1/);
  });

  it('posts the request with the token and prints one section per worker', async () => {
    const { x, out, calls } = io('a\t1000\nb\n', ANSWER);
    await ciPrioritise(['--suite', 'shop', '--budget', '10m', '--workers', '2', '--changed', 'src/b.ts', '--revision', 'c1'], x);
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe('http://api:1/v1/ci/prioritise');
    expect(calls[0].headers.authorization).toBe('Bearer t0k');
    expect(calls[0].body).toEqual({
      suite: 'shop', tests: [{ name: 'a', durationMs: 1000 }, { name: 'b' }], budgetMs: 600_000, workers: 2, revision: 'c1', changedPaths: ['src/b.ts'],
    });
    const text = out.join('');
    expect(text).toMatch(/worker 0: 1 tests, 2\.0s/);
    expect(text).toMatch(/worker 1: 1 tests, 1\.0s/);
    expect(text.indexOf('failed its last run')).toBeLessThan(text.indexOf('passed all 3 runs'));
    expect(text).toMatch(/2 of 2 tests selected, 3\.0s, 0\.70 failures expected/);
  });

  it('--names prints names only; --json the answer; errors are messages', async () => {
    const names = io('a\nb\n', { ...ANSWER, shards: null });
    await ciPrioritise(['--suite', 's', '--names'], names.x);
    expect(names.out.join('')).toBe('b\na\n');
    const json = io('a\n', ANSWER);
    await ciPrioritise(['--suite', 's', '--json'], json.x);
    expect(JSON.parse(json.out.join(''))).toEqual(ANSWER);
    await expect(ciPrioritise(['--budget', '1m'], io('a\n', ANSWER).x)).rejects.toThrow(/--suite/);
    await expect(ciPrioritise(['--suite', 's'], io('\n', ANSWER).x)).rejects.toThrow(/no tests/);
    await expect(ciPrioritise(['--suite', 's'], io('a\n', { error: 'tests: bad' }, 400).x)).rejects.toThrow(/HTTP 400: .*tests: bad/);
    await expect(ciMain(['nope'], io('', {}).x)).rejects.toThrow(/unknown command/);
  });
});
