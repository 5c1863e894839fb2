import { describe, expect, test } from 'vitest';
import { earlierDaysAgreement } from './verifier.js';

// Golden values from SciPy (an independent implementation of the binomial tails), recipe:
//   from scipy.stats import binom
//   k = round(e); t = k + round(E); pi = n / (n + N)
//   p = min(1, 2 * min(binom.sf(k - 1, t, pi), binom.cdf(k, t, pi)))
const GOLDEN: Array<[number, number, number, number, number]> = [
  [2, 2000, 30, 20000, 0.8676799144441323],
  [7, 2000, 30, 20000, 0.09326532076943796],
  [0, 1800, 29.3, 10800, 0.022886168777001125],
  [12, 9000, 90.4, 54000, 0.5732848928613995],
  [3, 2485, 31.6, 10800, 0.1711639414599227],
  [25, 8000, 40, 30000, 0.0020403522419833037],
];

describe("the earlier days' agreement test (error baseline pooling)", () => {
  test('two-sided conditional binomial p-values match SciPy', () => {
    for (const [e, n, E, N, p] of GOLDEN) expect(earlierDaysAgreement(e, n, E, N)).toBeCloseTo(p, 9);
  });

  test('no error anywhere, or no requests on either side: nothing to disagree about', () => {
    expect(earlierDaysAgreement(0, 1000, 0, 50000)).toBe(1);
    expect(earlierDaysAgreement(3, 0, 10, 50000)).toBe(1);
    expect(earlierDaysAgreement(3, 1000, 10, 0)).toBe(1);
  });
});
