/**
 * Fitting a generalised Pareto distribution (GPD) to peaks over a threshold, for SPOT.
 * GPD with shape γ and scale σ: P(Y > y) = (1 + γy/σ)^(−1/γ) (γ ≠ 0), exp(−y/σ) (γ = 0).
 */
export interface GpdFit {
  gamma: number;
  sigma: number;
}

/** Method of moments (Hosking & Wallis 1987): γ = ½(1 − m²/s²), σ = ½m(m²/s² + 1). O(n). */
export function fitGpdMoments(peaks: ArrayLike<number>, n = peaks.length): GpdFit {
  if (n === 0) return { gamma: 0, sigma: 0 };
  let mean = 0;
  for (let i = 0; i < n; i++) mean += peaks[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (peaks[i] - mean) * (peaks[i] - mean);
  const variance = n > 1 ? ss / (n - 1) : 0;
  if (!(variance > 0)) return { gamma: 0, sigma: mean };
  const r = (mean * mean) / variance;
  return { gamma: 0.5 * (1 - r), sigma: 0.5 * mean * (r + 1) };
}

/** GPD log-likelihood of the peaks. */
export function gpdLogLikelihood(peaks: ArrayLike<number>, n: number, fit: GpdFit): number {
  const { gamma, sigma } = fit;
  if (!(sigma > 0)) return -Infinity;
  if (gamma === 0) {
    let s = 0;
    for (let i = 0; i < n; i++) s += peaks[i];
    return -n * Math.log(sigma) - s / sigma;
  }
  let s = 0;
  for (let i = 0; i < n; i++) {
    const z = 1 + (gamma * peaks[i]) / sigma;
    if (!(z > 0)) return -Infinity;
    s += Math.log(z);
  }
  return -n * Math.log(sigma) - (1 + 1 / gamma) * s;
}

/**
 * Maximum likelihood by Grimshaw's trick (S. D. Grimshaw, "Computing maximum likelihood
 * estimates for the generalized Pareto distribution", Technometrics 35(2), 1993), as used by
 * SPOT (Siffer et al., KDD 2017, §3.3): with x = γ/σ the likelihood equations reduce to one
 * equation w(x) = u(x)·v(x) − 1 = 0, u(x) = mean(1/(1 + xY)), v(x) = 1 + mean(log(1 + xY)),
 * whose non-trivial roots lie in (−1/Y_max, 0) and (0, 2(Ȳ − Y_min)/Y_min²). We scan both intervals on a
 * grid, refine sign changes by bisection, and keep the candidate (including the exponential
 * case γ = 0, σ = Ȳ) with the highest likelihood. Cost O(n·(grid + 40·roots)); n ≤ peaks kept.
 */
export function fitGpdGrimshaw(peaks: ArrayLike<number>, n = peaks.length, grid = 48): GpdFit {
  if (n === 0) return { gamma: 0, sigma: 0 };
  let yMin = Infinity;
  let yMax = -Infinity;
  let yMean = 0;
  for (let i = 0; i < n; i++) {
    const y = peaks[i];
    if (y < yMin) yMin = y;
    if (y > yMax) yMax = y;
    yMean += y;
  }
  yMean /= n;
  let best: GpdFit = { gamma: 0, sigma: yMean };
  let bestLl = gpdLogLikelihood(peaks, n, best);
  if (!(yMax > 0) || n < 2 || yMax === yMin) return best;

  const w = (x: number): number => {
    let u = 0;
    let v = 0;
    for (let i = 0; i < n; i++) {
      const z = 1 + x * peaks[i];
      u += 1 / z;
      v += Math.log(z);
    }
    return (u / n) * (1 + v / n) - 1;
  };
  const consider = (x: number): void => {
    let v = 0;
    for (let i = 0; i < n; i++) v += Math.log(1 + x * peaks[i]);
    const gamma = v / n;
    const sigma = gamma / x;
    const cand = { gamma, sigma };
    const ll = gpdLogLikelihood(peaks, n, cand);
    if (ll > bestLl) {
      bestLl = ll;
      best = cand;
    }
  };
  // w(0) = 0 always (the trivial root), so both intervals are scanned on grids that are
  // geometric from |x| = 1e-6/Ȳ (γ ≈ 1e-6, where the exponential candidate already fits) to
  // the interval's far edge (left edge kept just inside −1/Y_max).
  const scan = (edge: number): void => {
    const near = 1e-6 / yMean;
    const ratio = Math.abs(edge) / near;
    if (!(ratio > 1)) return;
    let xPrev = NaN;
    let wPrev = NaN;
    for (let k = 0; k <= grid; k++) {
      const x = k === grid ? edge * (1 - 1e-9) : Math.sign(edge) * near * Math.pow(ratio, k / grid);
      const wx = w(x);
      if (k > 0 && Number.isFinite(wPrev) && Number.isFinite(wx) && wPrev * wx <= 0) {
        let lo = xPrev;
        let hi = x;
        let wlo = wPrev;
        for (let it = 0; it < 60; it++) {
          const mid = 0.5 * (lo + hi);
          const wm = w(mid);
          if (wlo * wm <= 0) hi = mid;
          else {
            lo = mid;
            wlo = wm;
          }
        }
        consider(0.5 * (lo + hi));
      }
      xPrev = x;
      wPrev = wx;
    }
  };
  scan(-1 / yMax);
  scan(yMin > 0 ? (2 * (yMean - yMin)) / (yMin * yMin) : 2e3 / yMean);
  return best;
}
