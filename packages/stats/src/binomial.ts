/**
 * Exact binomial tails, for fixed-sample tests on counts (the final look of a sequential check).
 *
 * `logGamma` is Lanczos' approximation (Lanczos 1964, "A precision approximation of the gamma
 * function"; the g = 7, n = 9 coefficients as tabulated by Godfrey / Numerical Recipes §6.1),
 * relative error below 1e-13 for x > 0.5, with the reflection formula below that.
 * `binomialSf(k, n, p)` = P(X ≥ k) for X ~ Binomial(n, p), summed term by term from k in log
 * space (each term from the previous by the ratio (n−j)/(j+1) · p/(1−p)); past the mode the terms
 * fall geometrically, so the sum stops when they no longer change it. When k lies below the mean
 * it returns 1 − P(X ≤ k − 1), summed downwards the same way, so both tails are accurate.
 * Cost O(terms summed): about the standard deviation times a few, O(1) memory.
 */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** log P(X = k) for X ~ Binomial(n, p). */
export function binomialLogPmf(k: number, n: number, p: number): number {
  if (k < 0 || k > n) return -Infinity;
  if (p <= 0) return k === 0 ? 0 : -Infinity;
  if (p >= 1) return k === n ? 0 : -Infinity;
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p);
}

/** Sum of P(X = j) for j from k stepping by `dir` (+1 or −1) until the terms stop mattering. */
function tailSum(k: number, n: number, p: number, dir: 1 | -1): number {
  const odds = p / (1 - p);
  let term = Math.exp(binomialLogPmf(k, n, p));
  let sum = 0;
  for (let j = k; j >= 0 && j <= n; j += dir) {
    sum += term;
    // Next term: P(j+1)/P(j) = (n−j)/(j+1)·odds, P(j−1)/P(j) = j/((n−j+1)·odds).
    const ratio = dir === 1 ? ((n - j) / (j + 1)) * odds : j / ((n - j + 1) * odds);
    term *= ratio;
    if (ratio < 1 && term <= sum * 1e-17) break;
  }
  return sum;
}

/** P(X ≥ k) for X ~ Binomial(n, p): the exact upper-tail p-value of k or more events in n trials. */
export function binomialSf(k: number, n: number, p: number): number {
  if (!Number.isInteger(k) || !Number.isInteger(n) || n < 0) throw new RangeError(`binomialSf: k and n must be integers, n ≥ 0 (k=${k}, n=${n})`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomialSf: p must lie in [0, 1], got ${p}`);
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p === 0) return 0;
  if (p === 1) return 1;
  if (k > n * p) return Math.min(1, tailSum(k, n, p, 1));
  return Math.max(0, 1 - tailSum(k - 1, n, p, -1));
}
