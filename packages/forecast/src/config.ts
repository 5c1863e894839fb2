/**
 * Forecaster configuration: one schema gives the type, the defaults and the validation.
 * Defaults are the constants chosen by cross-validation over VM folds (see README "How the
 * constants were chosen"); the same defaults serve the running detector and the evaluation.
 */
export interface ForecasterConfig {
  /** Width of a fine bin (short horizon), seconds. */
  fineStepSec: number;
  /** Width of a coarse bin (day-ahead horizon), seconds; a multiple of fineStepSec. */
  coarseStepSec: number;
  /** Daily period in coarse bins (24 for hourly bins); 0 disables. */
  dailyPeriod: number;
  /** Weekly period in coarse bins (168 for hourly bins); 0 disables. */
  weeklyPeriod: number;
  /** Short horizon: number of fine steps forecast (12 = the next hour in 5-minute steps). */
  shortHorizons: number;
  /** Long horizon: number of coarse steps forecast (24 = the next day in hours). */
  longHorizons: number;
  /** Coarse level smoothing (Holt-Winters alpha). */
  alpha: number;
  /** Coarse trend smoothing (statsmodels' beta: the trend takes beta of the level change); 0 = no trend. */
  beta: number;
  /** Trend damping per coarse step (Gardner & McKenzie 1985). */
  phi: number;
  /** Daily seasonal smoothing (gamma). */
  gammaDaily: number;
  /** Weekly seasonal smoothing, applied to what the daily profile leaves. */
  gammaWeekly: number;
  /** AR(1) coefficient of the coarse one-step error, added as rho^h * e to the forecast (Taylor 2003). */
  arCoarse: number;
  /** Fine level smoothing of the seasonally adjusted 5-minute values. */
  alphaFine: number;
  /** Persistence of the last fine deviation from the fine level: rho^h of it is kept at horizon h. */
  rhoFine: number;
  /** Weight of the coarse seasonal profile in the fine forecast (0: none, 1: full). */
  fineSeasonal: number;
  /**
   * Online forecast combination of the coarse model: an additive member (the Holt-Winters above)
   * and a multiplicative one (seasonal ratios; `alphaMul`, `gammaMulDaily`, `gammaMulWeekly`),
   * weighted per series by their recent h-step errors. false: the additive member alone.
   */
  combine: boolean;
  /** Level smoothing of the multiplicative member (slow: the additive member is the fast one). */
  alphaMul: number;
  /** Daily seasonal-ratio smoothing of the multiplicative member. */
  gammaMulDaily: number;
  /** Weekly seasonal-ratio smoothing of the multiplicative member (what the daily ratio leaves). */
  gammaMulWeekly: number;
  /**
   * A third member in the combination: seasonal naive (the same hour of the latest day, its value
   * Huber-clipped as the other members learn it), weighted like the others by its recent h-step error.
   */
  naiveMember: boolean;
  /** Combination weights are proportional to (recent mean absolute h-step error)^-combinePower. */
  combinePower: number;
  /**
   * When the long horizons outrun the daily period (M4's 48 hours): the horizons past one day get
   * their own member weights, from the members' errors at those horizons only. Past a day the
   * seasonal naive member repeats the day before yesterday, and the smoothed members lose less to
   * the longer reach than it does; one set of weights for all horizons gives it the weight it
   * earned at the short ones.
   */
  farWeights: boolean;
  /** Huber bound: errors beyond huberK running scales are clipped before they teach the model. */
  huberK: number;
  /** EWMA rate of the running error scales (mean absolute errors). */
  scaleRate: number;
  /** EWMA rate of the spread of fine samples around the day-ahead forecast (right-sizing). */
  spreadRate: number;
  /**
   * EWMA rate of the per-horizon error scales the intervals are read on. Slower than scaleRate:
   * errors at one horizon are correlated from bin to bin (neighbouring origins share their
   * surprises), so a short memory holds few independent errors and its scale is noisy, and a noisy
   * scale loses coverage (coverage is concave in the scale).
   */
  intervalRate: number;
  /**
   * Running-mean warm-up of the per-horizon interval scales (rate max(intervalRate, 4 / (n + 1)),
   * n the bins learnt): the warm-up's large first errors fade within days.
   */
  intervalWarmup: boolean;
  /**
   * Width multiplier of the day-ahead intervals (of the histogram's quantiles). The errors they
   * learn from are rebuilt in-sample: the combination's weights were chosen on them, so the next
   * day's errors are larger. Chosen by cross-validation (README).
   */
  intervalWidth: number;
  /**
   * Further width multiplier of the day-ahead 95 % bounds (on top of intervalWidth): the tails of
   * the rebuilt errors are the most optimistic part of them. Chosen by cross-validation (README).
   */
  intervalWidth95: number;
  /** Half-life of the error histograms, in updates. */
  histogramHalfLife: number;
  /**
   * What right-sizing reads the next day's samples from. 'forecast': the day-ahead forecast of
   * each hour plus the learnt spread of samples around it. 'recent': the distribution of the
   * series' own recent 5-minute values, forgetting with `recentHalfLife` (the VPA's decaying
   * histogram, on a finer grid). Chosen per resource kind by cross-validation (risk.ts); the
   * forecasts themselves do not depend on it. Both use the same 64-bucket slot of the state.
   */
  sizingBasis: 'forecast' | 'recent';
  /** Half-life of the recent-values distribution, in 5-minute bins (144: half a day; cross-validated with the basis, risk.ts). */
  recentHalfLife: number;
  /**
   * With the 'recent' basis: move the recent distribution to the level the forecast expects, i.e.
   * multiply its values by (mean of the day-ahead forecast) / (mean of the recent values), kept
   * within [1/2, 2] (RECENT_SCALE_LIMIT) so that a forecast gone astray cannot halve or more than
   * double a request. The shape comes from the recent values, the level from the forecast: a
   * service whose load is growing is sized for tomorrow's level, not yesterday's. Chosen with the
   * basis by cross-validation (risk.ts).
   */
  recentScaling: boolean;
  /** Clip forecasts and lower bounds at 0 (usage, rates). */
  nonNegative: boolean;
  /**
   * Running-mean gains while warming up (max(gain, 1/n)); false gives plain Holt-Winters from the
   * first value (what the statsmodels reference test compares with).
   */
  warmupGains: boolean;
}

const DEFAULTS: Readonly<ForecasterConfig> = Object.freeze({
  fineStepSec: 300,
  coarseStepSec: 3600,
  dailyPeriod: 24,
  weeklyPeriod: 168,
  shortHorizons: 12,
  longHorizons: 24,
  alpha: 0.15,
  beta: 0,
  phi: 0.98,
  gammaDaily: 0.05,
  gammaWeekly: 0.05,
  arCoarse: 0.6,
  alphaFine: 0.2,
  rhoFine: 0.9,
  fineSeasonal: 0,
  combine: true,
  alphaMul: 0.005,
  gammaMulDaily: 0.1,
  gammaMulWeekly: 0.05,
  naiveMember: true,
  combinePower: 8,
  farWeights: true,
  huberK: 3,
  scaleRate: 0.02,
  // One day of 5-minute samples: the request holds for a day, so its spread is a day's.
  spreadRate: 1 / 288,
  intervalRate: 0.005,
  intervalWarmup: true,
  intervalWidth: 1.1,
  intervalWidth95: 1.2,
  histogramHalfLife: 2000,
  sizingBasis: 'forecast',
  recentHalfLife: 144,
  recentScaling: false,
  nonNegative: true,
  warmupGains: true,
});

export class ForecastConfigError extends Error {
  readonly code = 'FORECAST_CONFIG_INVALID';
}

const UNIT = ['alpha', 'beta', 'phi', 'gammaDaily', 'gammaWeekly', 'arCoarse', 'alphaFine', 'rhoFine', 'fineSeasonal', 'scaleRate', 'spreadRate', 'intervalRate',
  'alphaMul', 'gammaMulDaily', 'gammaMulWeekly'] as const;
const POSITIVE_INT = ['fineStepSec', 'coarseStepSec', 'shortHorizons', 'longHorizons'] as const;

// Configurations already validated (frozen): passed again, they are shared, not copied, so a
// million series with one configuration hold one configuration object.
const VALIDATED = new WeakSet<object>();

/** Merges `input` over the defaults, rejects unknown keys and bad values (messages quote key and value). */
export function forecasterConfig(input: Partial<ForecasterConfig> = {}): Readonly<ForecasterConfig> {
  if (VALIDATED.has(input)) return input as Readonly<ForecasterConfig>;
  const out: Record<string, unknown> = { ...DEFAULTS };
  for (const [k, v] of Object.entries(input)) {
    if (!(k in DEFAULTS)) throw new ForecastConfigError(`forecast: unknown key "${k}"`);
    if (v !== undefined) out[k] = v;
  }
  const c = out as unknown as ForecasterConfig;
  for (const k of UNIT) {
    const v = c[k];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new ForecastConfigError(`forecast: "${k}" must be a number in [0, 1], got ${JSON.stringify(v)}`);
  }
  for (const k of POSITIVE_INT) {
    const v = c[k];
    if (!Number.isInteger(v) || v <= 0) throw new ForecastConfigError(`forecast: "${k}" must be a positive integer, got ${JSON.stringify(v)}`);
  }
  for (const k of ['dailyPeriod', 'weeklyPeriod'] as const) {
    const v = c[k];
    if (!Number.isInteger(v) || v < 0 || v === 1) throw new ForecastConfigError(`forecast: "${k}" must be 0 (off) or an integer >= 2, got ${JSON.stringify(v)}`);
  }
  if (c.coarseStepSec % c.fineStepSec !== 0) {
    throw new ForecastConfigError(`forecast: "coarseStepSec" (${c.coarseStepSec}) must be a multiple of "fineStepSec" (${c.fineStepSec})`);
  }
  if (c.weeklyPeriod && c.dailyPeriod && c.weeklyPeriod % c.dailyPeriod !== 0) {
    throw new ForecastConfigError(`forecast: "weeklyPeriod" (${c.weeklyPeriod}) must be a multiple of "dailyPeriod" (${c.dailyPeriod})`);
  }
  if (!(c.huberK > 0)) throw new ForecastConfigError(`forecast: "huberK" must be > 0 (Infinity disables clipping), got ${JSON.stringify(c.huberK)}`);
  if (!(c.histogramHalfLife > 0)) throw new ForecastConfigError(`forecast: "histogramHalfLife" must be > 0, got ${JSON.stringify(c.histogramHalfLife)}`);
  if (!(c.combinePower > 0 && Number.isFinite(c.combinePower))) throw new ForecastConfigError(`forecast: "combinePower" must be a finite number > 0, got ${JSON.stringify(c.combinePower)}`);
  if (typeof c.intervalWarmup !== 'boolean') throw new ForecastConfigError(`forecast: "intervalWarmup" must be a boolean, got ${JSON.stringify(c.intervalWarmup)}`);
  if (!(typeof c.intervalWidth === 'number' && c.intervalWidth > 0 && c.intervalWidth <= 4)) throw new ForecastConfigError(`forecast: "intervalWidth" must be a number in (0, 4], got ${JSON.stringify(c.intervalWidth)}`);
  if (c.sizingBasis !== 'forecast' && c.sizingBasis !== 'recent') throw new ForecastConfigError(`forecast: "sizingBasis" must be "forecast" or "recent", got ${JSON.stringify(c.sizingBasis)}`);
  if (!(c.recentHalfLife > 0)) throw new ForecastConfigError(`forecast: "recentHalfLife" must be > 0, got ${JSON.stringify(c.recentHalfLife)}`);
  if (!(typeof c.intervalWidth95 === 'number' && c.intervalWidth95 >= 1 && c.intervalWidth95 <= 4)) throw new ForecastConfigError(`forecast: "intervalWidth95" must be a number in [1, 4], got ${JSON.stringify(c.intervalWidth95)}`);
  if (typeof c.farWeights !== 'boolean') throw new ForecastConfigError(`forecast: "farWeights" must be a boolean, got ${JSON.stringify(c.farWeights)}`);
  if (typeof c.naiveMember !== 'boolean') throw new ForecastConfigError(`forecast: "naiveMember" must be a boolean, got ${JSON.stringify(c.naiveMember)}`);
  if (typeof c.combine !== 'boolean') throw new ForecastConfigError(`forecast: "combine" must be a boolean, got ${JSON.stringify(c.combine)}`);
  if (typeof c.warmupGains !== 'boolean') throw new ForecastConfigError(`forecast: "warmupGains" must be a boolean, got ${JSON.stringify(c.warmupGains)}`);
  if (typeof c.nonNegative !== 'boolean') throw new ForecastConfigError(`forecast: "nonNegative" must be a boolean, got ${JSON.stringify(c.nonNegative)}`);
  if (typeof c.recentScaling !== 'boolean') throw new ForecastConfigError(`forecast: "recentScaling" must be a boolean, got ${JSON.stringify(c.recentScaling)}`);
  const frozen = Object.freeze(c);
  VALIDATED.add(frozen);
  return frozen;
}

/** The defaults, validated once and shared by every forecaster that does not override them. */
export const DEFAULT_FORECASTER_CONFIG: Readonly<ForecasterConfig> = forecasterConfig();
