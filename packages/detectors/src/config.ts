/**
 * Configuration of the default scorer: one typed object, defaults in one place, unknown keys
 * rejected, validate() messages quoting key and value. The detector service and the NAB
 * evaluation use DEFAULT_SCORER_CONFIG unchanged (one configuration for every series).
 */
export interface DefaultScorerConfig {
  /** Points before any score or alarm (documented cold start). */
  warmupPoints: number;
  /** Score at or above which a point is an alarm; the pipeline pages on the same value. */
  alertThreshold: number;
  /** EWMA weight of the short-term level (≈ 1/α points of memory). */
  levelAlpha: number;
  /** EWMA weight of the residual scale (variance of the residual). */
  scaleAlpha: number;
  /** Width of the normal band in scale units (expected ± bandWidth·scale). */
  bandWidth: number;
  /** Residual (in scale units) at which the raw score saturates at 1; raw = min(1, z/rawScale). */
  rawScale: number;
  /**
   * How the residual against the baselines enters the score: 'likelihood' (HTM-style tail
   * probability of the smoothed raw score), 'raw' (the raw score itself; ablation only) or 'off'
   * (the baselines still give expected value and band, but the score comes from the range and
   * novelty layers only). Chosen by the selection procedure (eval/nab-cv.ts TUNING_GRID).
   */
  residual: 'likelihood' | 'raw' | 'off';
  /** Hour-of-day seasonal baseline. */
  seasonal: {
    enabled: boolean;
    /** EWMA weight of a new value in its hour slot. */
    alpha: number;
    /** Values a slot needs before the seasonal baseline is trusted. */
    minSlotCount: number;
  };
  /** HTM-style likelihood of the smoothed raw score (see @vigil/stats AnomalyLikelihood). */
  likelihood: {
    averagingWindow: number;
    refitEvery: number;
    blend: number;
    minStd: number;
  };
  /** Range awareness: a value beyond the running [min, max] by more than tolerance·range. */
  range: {
    enabled: boolean;
    tolerance: number;
  };
  /**
   * Value novelty (see @vigil/stats ValueNovelty): a value in a cell of a fixed grid (set from the
   * first `calibrationPoints` values) that the series has never visited. Scored
   * floor + (1 − floor)·novelty, so a value novel at one resolution only stays below 0.5.
   */
  novelty: {
    enabled: boolean;
    calibrationPoints: number;
    floor: number;
  };
  /** Refractory suppression after an alarm (0 minutes: off). */
  refractory: {
    /** Event time after an alarm during which scores are damped below the threshold. */
    periodMinutes: number;
    /** Factor on scores during the period. */
    damping: number;
  };
}

export const DEFAULT_ALERT_THRESHOLD = 0.5;

export const DEFAULT_SCORER_CONFIG: Readonly<DefaultScorerConfig> = deepFreeze({
  warmupPoints: 200,
  alertThreshold: DEFAULT_ALERT_THRESHOLD,
  levelAlpha: 0.1,
  scaleAlpha: 0.01,
  bandWidth: 3,
  rawScale: 3,
  residual: 'off',
  seasonal: { enabled: true, alpha: 0.1, minSlotCount: 24 },
  likelihood: { averagingWindow: 10, refitEvery: 100, blend: 0.0116, minStd: 0.0173 },
  range: { enabled: true, tolerance: 0.1 },
  novelty: { enabled: true, calibrationPoints: 150, floor: 0.2 },
  refractory: { periodMinutes: 600, damping: 0.5 },
});

export type DefaultScorerConfigInput = {
  [K in keyof DefaultScorerConfig]?: DefaultScorerConfig[K] extends object ? Partial<DefaultScorerConfig[K]> : DefaultScorerConfig[K];
};

export class ScorerConfigError extends Error {
  constructor(key: string, value: unknown, rule: string) {
    super(`detectors config ${key}=${JSON.stringify(value)}: ${rule}`);
    this.name = 'ScorerConfigError';
  }
}

function deepFreeze<T extends object>(o: T): T {
  for (const v of Object.values(o)) if (typeof v === 'object' && v !== null) deepFreeze(v as object);
  return Object.freeze(o);
}

/** Merges `input` over the defaults, rejecting unknown keys, and validates the result. */
export function resolveScorerConfig(input: DefaultScorerConfigInput = {}): Readonly<DefaultScorerConfig> {
  const base = DEFAULT_SCORER_CONFIG as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(input)) if (!(k in base)) throw new ScorerConfigError(k, (input as Record<string, unknown>)[k], 'unknown key');
  for (const [k, def] of Object.entries(base)) {
    const given = (input as Record<string, unknown>)[k];
    if (typeof def === 'object' && def !== null) {
      if (given !== undefined && (typeof given !== 'object' || given === null)) throw new ScorerConfigError(k, given, 'must be an object');
      const g = (given ?? {}) as Record<string, unknown>;
      for (const kk of Object.keys(g)) if (!(kk in def)) throw new ScorerConfigError(`${k}.${kk}`, g[kk], 'unknown key');
      out[k] = { ...(def), ...g };
    } else out[k] = given === undefined ? def : given;
  }
  const cfg = out as unknown as DefaultScorerConfig;
  validateScorerConfig(cfg);
  return deepFreeze(cfg);
}

export function validateScorerConfig(c: DefaultScorerConfig): void {
  const n = (key: string, v: unknown, lo: number, hi: number, integer = false, loExclusive = false): void => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ScorerConfigError(key, v, 'must be a finite number');
    if (integer && !Number.isInteger(v)) throw new ScorerConfigError(key, v, 'must be an integer');
    if (loExclusive ? v <= lo : v < lo) throw new ScorerConfigError(key, v, `must be ${loExclusive ? '>' : '>='} ${lo}`);
    if (v > hi) throw new ScorerConfigError(key, v, `must be <= ${hi}`);
  };
  const b = (key: string, v: unknown): void => {
    if (typeof v !== 'boolean') throw new ScorerConfigError(key, v, 'must be a boolean');
  };
  n('warmupPoints', c.warmupPoints, 2, 1e7, true);
  n('alertThreshold', c.alertThreshold, 0, 1, false, true);
  n('levelAlpha', c.levelAlpha, 0, 1, false, true);
  n('scaleAlpha', c.scaleAlpha, 0, 1, false, true);
  n('bandWidth', c.bandWidth, 0, 100, false, true);
  n('rawScale', c.rawScale, 0, 1000, false, true);
  if (!['likelihood', 'raw', 'off'].includes(c.residual)) throw new ScorerConfigError('residual', c.residual, "must be 'likelihood', 'raw' or 'off'");
  b('seasonal.enabled', c.seasonal.enabled);
  n('seasonal.alpha', c.seasonal.alpha, 0, 1, false, true);
  n('seasonal.minSlotCount', c.seasonal.minSlotCount, 1, 1e6, true);
  n('likelihood.averagingWindow', c.likelihood.averagingWindow, 1, 1000, true);
  n('likelihood.refitEvery', c.likelihood.refitEvery, 2, 1e6, true);
  n('likelihood.blend', c.likelihood.blend, 0, 1, false, true);
  n('likelihood.minStd', c.likelihood.minStd, 0, 1, false, true);
  b('range.enabled', c.range.enabled);
  n('range.tolerance', c.range.tolerance, 0, 10);
  b('novelty.enabled', c.novelty.enabled);
  n('novelty.calibrationPoints', c.novelty.calibrationPoints, 1, 1e7, true);
  n('novelty.floor', c.novelty.floor, 0, 1);
  n('refractory.periodMinutes', c.refractory.periodMinutes, 0, 525_600);
  n('refractory.damping', c.refractory.damping, 0, 1);
  if (c.novelty.calibrationPoints > c.warmupPoints) {
    throw new ScorerConfigError('novelty.calibrationPoints', c.novelty.calibrationPoints, `must be at most warmupPoints (${c.warmupPoints})`);
  }
  if (c.warmupPoints < 2 * c.likelihood.averagingWindow) {
    throw new ScorerConfigError('warmupPoints', c.warmupPoints, `must be at least twice likelihood.averagingWindow (${c.likelihood.averagingWindow})`);
  }
}
