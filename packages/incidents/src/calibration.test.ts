import { describe, expect, test } from 'vitest';
import { chooseCut, scoreCut } from './calibration.js';
import type { CutSample } from './calibration.js';

// Hand-countable samples: 4 alerts without a true match (scores 0.2, 0.3, 0.4, 0.6) and 4 with
// one (0.5 right, 0.55 right, 0.7 right, 0.45 wrong).
const S: CutSample[] = [
  { score: 0.2, hasMatch: false, correct: false }, { score: 0.3, hasMatch: false, correct: false },
  { score: 0.4, hasMatch: false, correct: false }, { score: 0.6, hasMatch: false, correct: false },
  { score: 0.5, hasMatch: true, correct: true }, { score: 0.55, hasMatch: true, correct: true },
  { score: 0.7, hasMatch: true, correct: true }, { score: 0.45, hasMatch: true, correct: false },
];

describe('cut calibration', () => {
  test('figures of a cut, counted by hand', () => {
    const f = scoreCut(S, 0.45);
    // no-match shown: 0.6 → 1/4; with-match shown: 0.5, 0.55, 0.7, 0.45 → 3 right of 4.
    expect(f.spuriousRate).toBe(0.25);
    expect(f.precisionAt1).toBe(0.75);
    expect(f.coverage).toBe(0.75);
  });
  test('the smallest cut meeting both targets', () => {
    // 0.5 and 0.6: spurious 1/4 > 0.2; 0.7: spurious 0/4, precision 1/1.
    const c = chooseCut(S, { maxSpurious: 0.2, minPrecision: 0.85 });
    expect(c.met).toBe(true);
    expect(c.cut).toBe(0.7);
    expect(chooseCut(S, { maxSpurious: 0.25, minPrecision: 0.85 }).cut).toBe(0.5);
  });
  test('unreachable targets: the least spurious cut, flagged', () => {
    const c = chooseCut([{ score: 0.9, hasMatch: false, correct: false }, { score: 0.8, hasMatch: true, correct: false }], { maxSpurious: 0, minPrecision: 1 });
    expect(c.met).toBe(false);
    expect(() => chooseCut(S, { maxSpurious: 2, minPrecision: 0.5 })).toThrow(/maxSpurious/);
  });
});
