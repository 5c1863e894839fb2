import { StatsConfigError, asObject, num, numArray, rejectUnknownKeys, requireNumber } from './errors.js';

/**
 * Additive Holt-Winters (triple exponential smoothing), in the error-free recursive form of
 * Hyndman & Athanasopoulos, "Forecasting: Principles and Practice", 3rd ed., §8.3:
 *   ℓ_t = α(y_t − s_{t−m}) + (1 − α)(ℓ_{t−1} + b_{t−1})
 *   b_t = β(ℓ_t − ℓ_{t−1}) + (1 − β)b_{t−1}
 *   s_t = γ(y_t − ℓ_{t−1} − b_{t−1}) + (1 − γ)s_{t−m}
 *   ŷ_{t+1} = ℓ_t + b_t + s_{t+1−m}
 * Initialisation (classical): the first m values are buffered in the season array; then
 * ℓ = their mean, b = 0, s_i = y_i − ℓ. Points are assumed evenly spaced (one per step).
 *
 * Cost per update: O(1). Memory: m + 6 numbers (m = seasonLength).
 * Not mergeable.
 */
export interface HoltWintersOptions {
  alpha?: number;
  beta?: number;
  gamma?: number;
  /** Season length m in steps. Default 24. */
  seasonLength?: number;
}

export const HOLT_WINTERS_DEFAULTS: Required<HoltWintersOptions> = Object.freeze({ alpha: 0.3, beta: 0.01, gamma: 0.1, seasonLength: 24 });

export class HoltWinters {
  readonly options: Readonly<Required<HoltWintersOptions>>;
  count = 0;
  level = 0;
  trend = 0;
  private season: Float64Array;

  constructor(options: HoltWintersOptions = {}) {
    rejectUnknownKeys(options, Object.keys(HOLT_WINTERS_DEFAULTS), 'HoltWinters');
    const o = { ...HOLT_WINTERS_DEFAULTS, ...options };
    requireNumber('alpha', o.alpha, 0, 1);
    requireNumber('beta', o.beta, 0, 1);
    requireNumber('gamma', o.gamma, 0, 1);
    requireNumber('seasonLength', o.seasonLength, 1, 100_000, { integer: true });
    this.options = Object.freeze(o);
    this.season = new Float64Array(o.seasonLength);
  }

  /** True once the first season has been seen and forecasts are defined. */
  get ready(): boolean {
    return this.count >= this.options.seasonLength;
  }

  /** One-step-ahead forecast for the next value; NaN before the first full season. */
  forecast(): number {
    if (!this.ready) return NaN;
    return this.level + this.trend + this.season[this.count % this.options.seasonLength];
  }

  update(y: number): void {
    const { alpha, beta, gamma, seasonLength: m } = this.options;
    const k = this.count % m;
    if (this.count < m) {
      this.season[k] = y;
      this.count++;
      if (this.count === m) {
        let sum = 0;
        for (let i = 0; i < m; i++) sum += this.season[i];
        this.level = sum / m;
        this.trend = 0;
        for (let i = 0; i < m; i++) this.season[i] -= this.level;
      }
      return;
    }
    const sPrev = this.season[k];
    const lPrev = this.level;
    const bPrev = this.trend;
    this.level = alpha * (y - sPrev) + (1 - alpha) * (lPrev + bPrev);
    this.trend = beta * (this.level - lPrev) + (1 - beta) * bPrev;
    this.season[k] = gamma * (y - lPrev - bPrev) + (1 - gamma) * sPrev;
    this.count++;
  }

  toJSON(): { options: Required<HoltWintersOptions>; count: number; level: number; trend: number; season: number[] } {
    return { options: { ...this.options }, count: this.count, level: this.level, trend: this.trend, season: Array.from(this.season) };
  }

  static fromJSON(json: unknown): HoltWinters {
    const o = asObject(json, 'HoltWinters');
    const h = new HoltWinters(asObject(o.options, 'HoltWinters.options'));
    h.count = num(o, 'count', 'HoltWinters');
    h.level = num(o, 'level', 'HoltWinters');
    h.trend = num(o, 'trend', 'HoltWinters');
    const s = numArray(o, 'season', 'HoltWinters');
    if (s.length !== h.season.length) throw new StatsConfigError('HoltWinters.season', s.length, `length must be ${h.season.length}`);
    h.season.set(s);
    return h;
  }
}
