import { describe, expect, it } from 'vitest';
import { poisson, seededUniform } from './rng.js';

describe('poisson (Knuth)', () => {
  it('has mean and variance equal to its mean, and P(0) = e^-mean, on 50,000 seeded draws', () => {
    for (const mean of [0.3, 2.2, 7]) {
      const u = seededUniform(17);
      const n = 50_000;
      let sum = 0;
      let sumSq = 0;
      let zeros = 0;
      for (let i = 0; i < n; i++) {
        const k = poisson(u, mean);
        expect(Number.isInteger(k) && k >= 0).toBe(true);
        sum += k;
        sumSq += k * k;
        if (k === 0) zeros++;
      }
      const m = sum / n;
      const v = sumSq / n - m * m;
      // Standard error of the mean: sqrt(mean / n); 5 of them is far beyond chance.
      expect(Math.abs(m - mean)).toBeLessThan(5 * Math.sqrt(mean / n));
      expect(Math.abs(v - mean) / mean).toBeLessThan(0.05);
      const p0 = Math.exp(-mean);
      expect(Math.abs(zeros / n - p0)).toBeLessThan(5 * Math.sqrt((p0 * (1 - p0)) / n));
    }
  });

  it('is 0 for a mean of 0 or less without drawing', () => {
    let draws = 0;
    const counting = () => {
      draws++;
      return 0.5;
    };
    expect(poisson(counting, 0)).toBe(0);
    expect(poisson(counting, -1)).toBe(0);
    expect(draws).toBe(0);
  });
});
