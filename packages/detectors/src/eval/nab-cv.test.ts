import { describe, expect, it } from 'vitest';
import { DEFAULT_SCORER_CONFIG } from '../config.js';
import { TUNING_GRID, gridCandidates, leaveOneGroupOut, sameConfig, scoreSeries, selectCandidate } from './nab-cv.js';

describe('leave-one-group-out selection', () => {
  const groups = ['b', 'a', 'a', 'c', 'b', 'c', 'c'];

  it('no fold ever looks at its own files while choosing', () => {
    const calls: number[][] = [];
    const cv = leaveOneGroupOut(groups, 3, (c, files) => {
      calls.push([...files]);
      return c;
    });
    expect(cv.folds.map((f) => f.heldOut)).toEqual(['a', 'b', 'c']);
    // Folds run in order, each evaluating the 3 candidates on its training files; then the
    // in-sample selection sees every file.
    expect(calls.length).toBe(3 * 3 + 3);
    cv.folds.forEach((f, k) => {
      expect(f.files.every((i) => groups[i] === f.heldOut)).toBe(true);
      expect(f.files.length).toBe(groups.filter((g) => g === f.heldOut).length);
      for (const files of calls.slice(3 * k, 3 * k + 3)) {
        expect(files.some((i) => groups[i] === f.heldOut)).toBe(false);
        expect(files.length).toBe(groups.length - f.files.length);
      }
    });
    expect(calls.slice(9).every((files) => files.length === groups.length)).toBe(true);
  });

  it('a candidate that is only good on the held-out group is not chosen for it', () => {
    // Candidate 1 is excellent on group "a" only; candidate 0 is decent everywhere.
    const evaluate = (c: number, files: number[]): number => files.reduce((acc, i) => acc + (c === 1 ? (groups[i] === 'a' ? 10 : 0) : 1), 0) / files.length;
    const cv = leaveOneGroupOut(groups, 2, evaluate);
    const foldA = cv.folds.find((f) => f.heldOut === 'a');
    expect(foldA?.chosen).toBe(0);
    // With every file visible, the in-sample choice takes candidate 1 (it fits group "a").
    expect(cv.inSample.chosen).toBe(1);
  });

  it('ties keep the earlier candidate (the shipped default is listed first)', () => {
    expect(selectCandidate(4, [0, 1], () => 5).chosen).toBe(0);
    expect(selectCandidate(4, [0, 1], (c) => (c >= 2 ? 5 : 1)).chosen).toBe(2);
  });

  it('refuses fewer than two groups', () => {
    expect(() => leaveOneGroupOut(['a', 'a'], 2, () => 0)).toThrow(/two groups/);
  });
});

describe('tuning grid', () => {
  it('lists every combination once, the shipped default first', () => {
    const c = gridCandidates();
    const size = Object.values(TUNING_GRID).reduce((a, g) => a * g.length, 1);
    expect(c.length).toBe(size);
    expect(new Set(c.map((x) => x.name)).size).toBe(size);
    expect(c[0].config).toEqual(DEFAULT_SCORER_CONFIG);
    expect(sameConfig(c[0].config)).toBe(true);
    expect(sameConfig(c[1].config)).toBe(false);
  });
  it('a base override applies to every candidate', () => {
    for (const x of gridCandidates({ seasonal: { enabled: false } })) expect(x.config.seasonal.enabled).toBe(false);
  });
  it('scoreSeries is the scorer run strictly online: a prefix scores the same as the whole', () => {
    const ts = Float64Array.from({ length: 600 }, (_, i) => i * 60_000);
    const xs = Float64Array.from({ length: 600 }, (_, i) => Math.sin(i / 10) + (i === 500 ? 9 : 0));
    const whole = scoreSeries(DEFAULT_SCORER_CONFIG, ts, xs);
    const prefix = scoreSeries(DEFAULT_SCORER_CONFIG, ts.subarray(0, 501), xs.subarray(0, 501));
    expect(Array.from(prefix)).toEqual(Array.from(whole.subarray(0, 501)));
    expect(whole[500]).toBeGreaterThanOrEqual(DEFAULT_SCORER_CONFIG.alertThreshold);
  });
});
