import { describe, expect, test } from 'vitest';
import { binomialSf, logGamma } from './binomial.js';

// Golden values from SciPy 1.17 (an independent implementation), recipe:
//   from scipy.stats import binom; from scipy.special import gammaln
//   binom.sf(k - 1, n, p)   # P(X >= k)
//   gammaln(x)
const SF: Array<[number, number, number, number]> = [
  [16, 540, 0.0099, 0.00013237594065350312],
  [12, 540, 0.01, 0.009272966613477197],
  [3, 10, 0.1, 0.0701908264],
  [0, 5, 0.3, 1.0],
  [1, 5, 0.3, 0.83193],
  [5, 5, 0.3, 0.0024299999999999994],
  [6, 5, 0.3, 0.0],
  [400, 1000, 0.5, 0.9999999999099158],
  [520, 1000, 0.5, 0.10872414660207075],
  [60, 36000, 0.001, 0.00015656257272262034],
  [30, 36000, 0.001, 0.8622370979816738],
  [16, 21, 0.6226, 0.13640704587389785],
  [9000, 36000, 0.25, 0.5020232291959709],
  [9200, 36000, 0.25, 0.0076894440791494285],
];
const LGAMMA: Array<[number, number]> = [
  [0.3, 1.0957979948180756], [1, 0], [2.5, 0.2846828704729192], [10, 12.801827480081469], [100.5, 361.43554046777757], [1e5, 1051287.7089736569],
];

describe('binomial tails', () => {
  test('logGamma matches SciPy gammaln', () => {
    for (const [x, want] of LGAMMA) expect(logGamma(x)).toBeCloseTo(want, 9);
  });

  test('binomialSf matches SciPy binom.sf to 1e-9 relative (or 1e-13 absolute)', () => {
    for (const [k, n, p, want] of SF) {
      const got = binomialSf(k, n, p);
      expect(Math.abs(got - want)).toBeLessThanOrEqual(Math.max(1e-13, 1e-9 * want));
    }
  });

  test('edge cases and bad input', () => {
    expect(binomialSf(1, 10, 0)).toBe(0);
    expect(binomialSf(10, 10, 1)).toBe(1);
    expect(() => binomialSf(1.5, 10, 0.1)).toThrow(/integers/);
    expect(() => binomialSf(1, 10, 1.5)).toThrow(/p must lie/);
  });
});
