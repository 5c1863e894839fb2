import { ErrorHistogram } from './error-histogram.js';
import { RECENT_GROWTH } from './forecaster.js';
import type { Forecast, SeasonalForecaster } from './forecaster.js';

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
  /** Smallest accepted share of samples above the request: the request never exceeds this quantile. */
  risk: number;
  /** Capacity the usage is measured against (node, limit, VM size), for cost-based sizing. */
  capacity?: number;
  /**
   * Cost of a sample running short, in capacity units of slack. With `capacity`, the request
   * minimises E[(R - X)+] / capacity + shortCost * P(X > R); without, it is the `risk` quantile.
   */
  shortCost?: number;
  /** Per-replica capacity in the series' unit, for a replica count (optional). */
  replicaCapacity?: number;
  /** Target utilisation of each replica, in (0, 1]. */
  targetUtilisation?: number;
}

/** One candidate request and what the forecast distribution says it costs. */
export interface SizingPoint {
  request: number;
  /** P(X > request) under the forecast mixture. */
  risk: number;
  /** E[(request - X)+] (unconditional). */
  over: number;
  /** E[(X - request)+] (unconditional). */
  short: number;
  /** P(X <= request). */
  below: number;
}

export interface SizingCurve {
  points: SizingPoint[];
  peakPoint: number;
  meanPoint: number;
  /** Largest per-bin spread scale of the horizon (0 while the spread is not learnt, and with the 'recent' basis). */
  spread: number;
  /** What the distribution was read from (the forecaster's sizingBasis). */
  basis: 'forecast' | 'recent';
  /** With the 'recent' basis and recentScaling: the factor that moved the recent values to the forecast's level. */
  scale?: number;
}

/** The bounds of recentScaling's factor: [1 / RECENT_SCALE_LIMIT, RECENT_SCALE_LIMIT]. */
export const RECENT_SCALE_LIMIT = 2;

// The day-ahead forecast's mean over the recent values' mean (mass-weighted, each bucket at its
// geometric middle, not its upper edge), within the limit; 1 while either is not positive.
function levelScale(values: readonly number[], mass: readonly number[], meanPoint: number): number {
  let m = 0, t = 0;
  for (let i = 0; i < values.length; i++) { m += values[i] * mass[i]; t += mass[i]; }
  m /= Math.sqrt(RECENT_GROWTH);
  if (!(t > 0 && m > 0 && meanPoint > 0)) return 1;
  return Math.min(RECENT_SCALE_LIMIT, Math.max(1 / RECENT_SCALE_LIMIT, meanPoint / (m / t)));
}

const CURVE_STEP = 1.25;
const CURVE_MAX_RISK = 0.5;

/**
 * The distribution of the fine samples of the next `longHorizons` coarse bins, as the forecaster's
 * `sizingBasis` says:
 * - 'forecast': the mixture over bins j of point_j + scale_j * Z, Z the forecaster's empirical
 *   distribution of (fine sample - day-ahead forecast of its bin) / scale, scale_j the spread learnt
 *   for bin j's position in the day (each histogram bucket at its midpoint: longHorizons x 64
 *   support points);
 * - 'recent': the series' recent 5-minute values, forgetting with a half-life (each bucket at its
 *   upper edge: at most 64 points).
 * Sorted once, it gives for risks riskFloor * 1.25^i up to 50 % the request (the support point with
 * at most that mass above it) and its expected slack and shortfall from running sums. Cost: one
 * sort of at most 1536 points per call (about 0.1 ms). Null without a forecast; no points while
 * the distribution is warming up.
 */
export function sizingCurve(forecaster: SeasonalForecaster, forecast: Forecast, riskFloor: number): SizingCurve | null {
  if (!(riskFloor > 0 && riskFloor < CURVE_MAX_RISK)) throw new RangeError(`sizing: "risk" must be in (0, ${CURVE_MAX_RISK}), got ${JSON.stringify(riskFloor)}`);
  const pts = forecast.long.map((s) => s.point);
  if (!pts.length) return null;
  const peakPoint = Math.max(...pts);
  const meanPoint = pts.reduce((a, b) => a + b, 0) / pts.length;
  const basis = forecaster.config.sizingBasis;
  if (basis === 'recent') {
    const { values, mass } = forecaster.recentValues();
    const scale = forecaster.config.recentScaling ? levelScale(values, mass, meanPoint) : undefined;
    const xs = scale === undefined ? values : values.map((v) => v * scale);
    return { points: xs.length ? curvePoints(xs, mass, riskFloor) : [], peakPoint, meanPoint, spread: 0, basis, scale };
  }
  const { scaleAt, histogram } = forecaster.sampleSpread();
  const step = forecaster.config.coarseStepSec;
  const scales = forecast.long.map((s) => scaleAt(Math.round(s.endSec / step)));
  const spread = Math.max(...scales);
  if (!(spread > 0) || !(histogram.total > 0)) return { points: [], peakPoint, meanPoint, spread: 0, basis };
  const nonNegative = forecaster.config.nonNegative;
  const w = histogram.weights;
  const n = w.length;
  const xs: number[] = [];
  const ms: number[] = [];
  for (let b = 0; b < n; b++) {
    if (!(w[b] > 0)) continue;
    const z = Math.sinh((Math.asinh(ErrorHistogram.edge(b, n)) + Math.asinh(ErrorHistogram.edge(b + 1, n))) / 2);
    const m = w[b] / histogram.total / pts.length;
    for (let j = 0; j < pts.length; j++) {
      const x = pts[j] + scales[j] * z;
      xs.push(nonNegative && x < 0 ? 0 : x);
      ms.push(m);
    }
  }
  return { points: curvePoints(xs, ms, riskFloor), peakPoint, meanPoint, spread, basis };
}

// The candidates of a discrete distribution (support xs, masses ms summing to 1).
function curvePoints(xs: number[], ms: number[], riskFloor: number): SizingPoint[] {
  const order = Array.from(xs.keys()).sort((a, b) => xs[b] - xs[a]); // descending
  let totalMX = 0;
  for (let i = 0; i < xs.length; i++) totalMX += ms[i] * xs[i];
  const points: SizingPoint[] = [];
  let i = 0;
  let above = 0; // mass strictly above order[i]
  let aboveMX = 0;
  for (let r = riskFloor; r <= CURVE_MAX_RISK; r *= CURVE_STEP) {
    // advance while the mass above the next point would still be within r
    while (i + 1 < order.length && above + ms[order[i]] <= r) {
      above += ms[order[i]];
      aboveMX += ms[order[i]] * xs[order[i]];
      i++;
    }
    const R = xs[order[i]];
    // ties: everything equal to R is at or below it
    let a = above, amx = aboveMX;
    for (let k = i - 1; k >= 0 && xs[order[k]] === R; k--) { a -= ms[order[k]]; amx -= ms[order[k]] * R; }
    points.push({ request: R, risk: a, over: R * (1 - a) - (totalMX - amx), short: amx - R * a, below: 1 - a });
  }
  return points;
}

/** The candidate minimising over / capacity + shortCost * risk (the first one on ties). */
export function pickByCost(curve: SizingCurve, capacity: number, shortCost: number): SizingPoint | null {
  if (!(capacity > 0) || !(shortCost > 0)) throw new RangeError(`sizing: "capacity" and "shortCost" must be > 0, got ${capacity}, ${shortCost}`);
  let best: SizingPoint | null = null;
  let bestCost = Infinity;
  for (const p of curve.points) {
    const cost = p.over / capacity + shortCost * p.risk;
    if (cost < bestCost) { bestCost = cost; best = p; }
  }
  return best;
}

/**
 * Request for the next day from the forecast distribution (not from the past alone): the `risk`
 * quantile of the sample mixture, or with `capacity` and `shortCost` the cheapest candidate, which
 * spends the shortfall budget where it saves the most capacity (the Lagrangian of "least slack for
 * a given share of samples running short"). While warming up: the peak hour's 95 % upper bound.
 */
export function recommend(forecaster: SeasonalForecaster, forecast: Forecast, opts: RecommendOptions): Recommendation | null {
  const curve = sizingCurve(forecaster, forecast, opts.risk);
  if (!curve) return null;
  let rec: Recommendation;
  if (!curve.points.length) {
    const request = Math.max(...forecast.long.map((s) => s.hi95));
    rec = { request, riskShort: NaN, expectedSlack: NaN, expectedShortfall: NaN, peakPoint: curve.peakPoint, meanPoint: curve.meanPoint,
      why: `warming up: the day-ahead forecast peaks at ${fmt(curve.peakPoint)}; request = its 95 % upper bound ${fmt(request)}` };
  } else {
    const p = opts.capacity !== undefined && opts.shortCost !== undefined ? pickByCost(curve, opts.capacity, opts.shortCost)! : curve.points[0];
    rec = {
      request: p.request,
      riskShort: p.risk,
      expectedSlack: p.below > 0 ? p.over / p.below : 0,
      expectedShortfall: p.below < 1 ? p.short / (1 - p.below) : 0,
      peakPoint: curve.peakPoint,
      meanPoint: curve.meanPoint,
      why: (curve.basis === 'recent'
        ? `day-ahead forecast peaks at ${fmt(curve.peakPoint)} (mean ${fmt(curve.meanPoint)}); read from the distribution of recent 5-minute values (half-life ${fmt(forecaster.config.recentHalfLife * forecaster.config.fineStepSec / 3600)} h)` +
          (curve.scale !== undefined ? ` moved to the forecast's level (×${fmt(curve.scale)})` : '') + ', ' +
          'which sizes this kind with less waste than the forecast spread in cross-validation; '
        : `day-ahead forecast peaks at ${fmt(curve.peakPoint)} (mean ${fmt(curve.meanPoint)}), samples spread up to ${fmt(curve.spread)} around it; `) +
        `request ${fmt(p.request)} leaves an expected ${(100 * p.risk).toFixed(2)} % of samples above it` +
        (opts.shortCost !== undefined ? ` (cheapest at a shortfall cost of ${opts.shortCost} capacity units)` : ` (target ${(100 * opts.risk).toFixed(2)} %)`),
    };
  }
  if (opts.replicaCapacity !== undefined) {
    const u = opts.targetUtilisation ?? 1;
    if (!(opts.replicaCapacity > 0) || !(u > 0 && u <= 1)) throw new RangeError(`recommend: "replicaCapacity" must be > 0 and "targetUtilisation" in (0, 1], got ${opts.replicaCapacity}, ${u}`);
    rec.replicas = Math.max(1, Math.ceil(rec.request / (opts.replicaCapacity * u)));
    rec.why += `; ${rec.replicas} replica(s) of ${fmt(opts.replicaCapacity)} at ${(100 * u).toFixed(0)} % target utilisation`;
  }
  return rec;
}

function fmt(x: number): string {
  return Number.isFinite(x) ? (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3)) : String(x);
}
