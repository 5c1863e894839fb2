import { ErrorHistogram } from './error-histogram.js';
import type { Forecast } from './forecaster.js';
import type { SeasonalForecaster } from './forecaster.js';

/** A request recommendation for the next day, with what it is expected to cost and risk, and why. */
export interface Recommendation {
  /** Request to hold for the whole horizon (the series' unit: cores, MHz, bytes, …). */
  request: number;
  /** Expected share of the horizon's samples above the request (the risk of running short). */
  riskShort: number;
  /** Expected mean of (request - usage) over the horizon's samples at or below it (the waste). */
  expectedSlack: number;
  /** Expected mean of (usage - request) over the samples above it. */
  expectedShortfall: number;
  /** The forecast behind it: the peak and mean of the day-ahead points. */
  peakPoint: number;
  meanPoint: number;
  /** Replicas for `targetUtilisation` when a per-replica capacity is given. */
  replicas?: number;
  why: string;
}

export interface RecommendOptions {
  /** Accepted share of samples above the request (e.g. 0.03). */
  risk: number;
  /** Per-replica capacity in the series' unit, for a replica count (optional). */
  replicaCapacity?: number;
  /** Target utilisation of each replica, in (0, 1]. */
  targetUtilisation?: number;
}

/**
 * Request for the next `longHorizons` coarse bins as a quantile of the forecast distribution of
 * the fine samples in them: the mixture over the day-ahead bins j of point_j + scale * Z, Z the
 * forecaster's own empirical distribution of (fine sample - day-ahead forecast of its bin) / scale.
 * The request R solves mean_j P(point_j + scale * Z > R) = risk (bisection, 60 steps).
 * Before the spread has been learnt it falls back to the 95 % upper bound of the peak hour.
 * Cost: O(longHorizons * 64 * 60) per call (once per recommendation, not per sample).
 */
export function recommend(forecaster: SeasonalForecaster, forecast: Forecast, opts: RecommendOptions): Recommendation | null {
  if (!(opts.risk > 0 && opts.risk < 1)) throw new RangeError(`recommend: "risk" must be in (0, 1), got ${JSON.stringify(opts.risk)}`);
  const pts = forecast.long.map((s) => s.point);
  if (!pts.length) return null;
  const peakPoint = Math.max(...pts);
  const meanPoint = pts.reduce((a, b) => a + b, 0) / pts.length;
  const { scale, histogram } = forecaster.sampleSpread();
  const nonNegative = forecaster.config.nonNegative;
  let request: number;
  let riskShort: number;
  let expectedSlack = 0;
  let expectedShortfall = 0;
  let why: string;
  if (!(scale > 0) || !(histogram.total > 0)) {
    request = Math.max(...forecast.long.map((s) => s.hi95));
    riskShort = NaN;
    why = `warming up: the day-ahead forecast peaks at ${fmt(peakPoint)}; request = its 95 % upper bound ${fmt(request)}`;
  } else {
    const cdf = histogram.cdfFunction();
    const exceed = (R: number): number => {
      let s = 0;
      for (const p of pts) s += 1 - cdf((R - p) / scale);
      return s / pts.length;
    };
    let lo = Math.min(...pts) + scale * histogram.quantile(0);
    let hi = peakPoint + scale * histogram.quantile(1);
    if (nonNegative) lo = Math.max(0, lo);
    if (hi < lo) hi = lo;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (exceed(mid) > opts.risk) lo = mid;
      else hi = mid;
    }
    request = hi;
    riskShort = exceed(request);
    // Expected slack and shortfall under the same mixture, bucket by bucket.
    const w = histogram.weights;
    const n = w.length;
    let slackW = 0;
    let shortW = 0;
    for (const p of pts) {
      for (let b = 0; b < n; b++) {
        if (!(w[b] > 0)) continue;
        const z = Math.sinh((Math.asinh(ErrorHistogram.edge(b, n)) + Math.asinh(ErrorHistogram.edge(b + 1, n))) / 2);
        let x = p + scale * z;
        if (nonNegative) x = Math.max(0, x);
        const m = w[b] / histogram.total;
        if (x <= request) { expectedSlack += m * (request - x); slackW += m; } else { expectedShortfall += m * (x - request); shortW += m; }
      }
    }
    expectedSlack = slackW > 0 ? expectedSlack / slackW : 0;
    expectedShortfall = shortW > 0 ? expectedShortfall / shortW : 0;
    why = `day-ahead forecast peaks at ${fmt(peakPoint)} (mean ${fmt(meanPoint)}); samples spread ${fmt(scale)} around it; ` +
      `request ${fmt(request)} leaves an expected ${(100 * riskShort).toFixed(2)} % of samples above it (target ${(100 * opts.risk).toFixed(2)} %)`;
  }
  const rec: Recommendation = { request, riskShort, expectedSlack, expectedShortfall, peakPoint, meanPoint, why };
  if (opts.replicaCapacity !== undefined) {
    const u = opts.targetUtilisation ?? 1;
    if (!(opts.replicaCapacity > 0) || !(u > 0 && u <= 1)) throw new RangeError(`recommend: "replicaCapacity" must be > 0 and "targetUtilisation" in (0, 1], got ${opts.replicaCapacity}, ${u}`);
    rec.replicas = Math.max(1, Math.ceil(request / (opts.replicaCapacity * u)));
    rec.why += `; ${rec.replicas} replica(s) of ${fmt(opts.replicaCapacity)} at ${(100 * u).toFixed(0)} % target utilisation`;
  }
  return rec;
}

function fmt(x: number): string {
  return Number.isFinite(x) ? (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3)) : String(x);
}
