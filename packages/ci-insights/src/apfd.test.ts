import { describe, expect, it } from 'vitest';
import { apfd, meanApfd } from './apfd.js';

// Hand-computed from APFD = 1 − ΣTF/(n·m) + 1/(2n).
describe('apfd', () => {
  it('matches hand-computed values', () => {
    // n=6, failures at positions 1 and 3: 1 − 4/12 + 1/12 = 0.75
    expect(apfd([true, false, true, false, false, false])).toBeCloseTo(0.75, 12);
    // n=4, one failure last: 1 − 4/4 + 1/8 = 0.125
    expect(apfd([false, false, false, true])).toBeCloseTo(0.125, 12);
    // n=5, all fail: 1 − 15/25 + 1/10 = 0.5
    expect(apfd([true, true, true, true, true])).toBeCloseTo(0.5, 12);
    // n=10, failure at position 2: 1 − 2/10 + 1/20 = 0.85
    expect(apfd([false, true, false, false, false, false, false, false, false, false])).toBeCloseTo(0.85, 12);
  });

  it('is undefined without failures', () => {
    expect(apfd([false, false])).toBeNull();
    expect(apfd([])).toBeNull();
  });

  it('averages only cycles with n ≥ 6 and m ≥ 1', () => {
    const r = meanApfd([
      [true, false, true, false, false, false], // 0.75
      [false, true, false, false, false, false, false, false, false, false], // 0.85
      [false, false, false, true], // n < 6: skipped
      [false, false, false, false, false, false], // m = 0: skipped
    ]);
    expect(r.cycles).toBe(2);
    expect(r.mean).toBeCloseTo(0.8, 12);
  });
});
