import { AnomalyLikelihood, Ewma, HOUR_OF_DAY, SeasonalProfile, ValueNovelty } from '@vigil/stats';
import { DEFAULT_SCORER_CONFIG, ScorerConfigError, resolveScorerConfig } from './config.js';
import type { DefaultScorerConfig, DefaultScorerConfigInput } from './config.js';
import type { ScoreComponent, ScoreResult, SeriesScorer } from './types.js';

/**
 * The default per-series scorer: the layering of DETECTION.md, every layer O(1).
 *  1. Baselines: a short EWMA level and an hour-of-day seasonal profile (@vigil/stats), each with
 *     an EWMA scale of its own one-step residual. The baseline whose recent residual scale is the
 *     smaller (the better predictor of this series lately) gives the expected value and z.
 *  2. Raw score: min(1, z/rawScale), |residual| in scale units, saturating.
 *  3. Likelihood: HTM-style tail probability of the short moving average of the raw score,
 *     log-transformed (@vigil/stats AnomalyLikelihood).
 *  4. Range awareness: a value beyond the running [min, max] seen so far by more than
 *     `range.tolerance` of the range scores at least the alert threshold.
 *  5. Value novelty: a value in a never-visited cell of a grid fixed from the first values
 *     (@vigil/stats ValueNovelty, CAD OSE's order-zero idea without its look-ahead); scores
 *     floor + (1 − floor)·novelty. It finds level shifts and gaps inside the seen range.
 *  6. Refractory suppression: for `refractory.periodMinutes` of event time after an alarm, scores
 *     are damped and kept below the threshold (a duration, not a number of points: the same
 *     setting means the same thing at any sampling interval).
 * The score is the largest of layers 3–5 (each already on the likelihood's scale: only clearly
 * improbable points reach the threshold), so `component` names the layer that decided.
 *
 * Cold start: the first `warmupPoints` points score 0 with component 'warmup' and never alarm.
 * Cost per update: O(1) (two exp, one log, one erfc, four cell look-ups, a few divisions).
 * Memory per series: ~150 numbers (seasonal profile 72, novelty 36, likelihood ring 10); see the
 * bench (≈1.95 KB of heap).
 */
/** "No alarm yet": the earliest time a Date can hold, so any real timestamp is far past a period. */
const NEVER = -8.64e15;

export class DefaultScorer implements SeriesScorer {
  readonly config: Readonly<DefaultScorerConfig>;
  private n = 0;
  private min = 0;
  private max = 0;
  private level: Ewma;
  private levelScale: Ewma;
  private seasonal: SeasonalProfile;
  private seasonalScale: Ewma;
  private likelihood: AnomalyLikelihood;
  /** Event time of the last alarm (NEVER: none yet). */
  private lastAlarmMs = NEVER;
  private novelty: ValueNovelty;

  constructor(config: DefaultScorerConfigInput | Readonly<DefaultScorerConfig> = DEFAULT_SCORER_CONFIG) {
    // The shipped default is kept as the very object the evaluation scores (one configuration).
    this.config = config === DEFAULT_SCORER_CONFIG ? DEFAULT_SCORER_CONFIG : resolveScorerConfig(config);
    const c = this.config;
    this.level = new Ewma(c.levelAlpha);
    this.levelScale = new Ewma(c.scaleAlpha);
    this.seasonal = new SeasonalProfile({ ...HOUR_OF_DAY, alpha: c.seasonal.alpha });
    this.seasonalScale = new Ewma(c.scaleAlpha);
    this.likelihood = new AnomalyLikelihood({ ...c.likelihood, learningPeriod: c.warmupPoints });
    this.novelty = new ValueNovelty({ calibrationPoints: c.novelty.calibrationPoints });
  }

  /** Points seen. */
  get count(): number {
    return this.n;
  }

  update(timestampMs: number, value: number): ScoreResult {
    const c = this.config;
    if (!Number.isFinite(value) || !Number.isFinite(timestampMs)) {
      // Bad input never crashes nor poisons the state: scored 0, not learnt.
      return { score: 0, alarm: false, value, expected: NaN, lower: NaN, upper: NaN, component: 'none', count: this.n };
    }
    const first = this.n === 0;
    // --- 1. residuals against the baselines, using only the past ---
    let expected = first ? value : this.level.mean;
    const rL = value - this.level.mean;
    let scale = Math.sqrt(this.levelScale.variance);
    // Guards the division on a flat series, relative to the range seen (so unchanged by a change
    // of unit or an offset); Number.MIN_VALUE keeps 0/0 out while the range is still 0.
    const tiny = 1e-9 * (this.max - this.min) + Number.MIN_VALUE;
    let z = first ? 0 : Math.abs(rL) / (scale + tiny);
    let rS = NaN;
    if (c.seasonal.enabled && this.seasonal.countAt(timestampMs) >= c.seasonal.minSlotCount) {
      const e = this.seasonal.expected(timestampMs);
      rS = value - e;
      const s = Math.sqrt(this.seasonalScale.variance);
      const zS = Math.abs(rS) / (s + tiny);
      // Model selection: the baseline with the smaller recent residual scale predicts better.
      if (s < scale) {
        z = zS;
        expected = e;
        scale = s;
      }
    }
    // --- 2. raw score ---
    const zz = z / c.rawScale;
    const raw = zz >= 1 ? 1 : zz;
    // --- 3. likelihood ---
    let score = c.residual === 'likelihood' ? this.likelihood.update(raw) : c.residual === 'raw' && this.n >= c.warmupPoints ? raw : 0;
    let component: ScoreComponent = score > 0 ? 'residual' : 'none';
    // --- 4. range awareness ---
    if (c.range.enabled && this.n >= c.warmupPoints) {
      const span = this.max - this.min;
      const tol = c.range.tolerance * span;
      const out = value > this.max + tol ? value - this.max : value < this.min - tol ? this.min - value : 0;
      if (out > 0) {
        const rangeScore = c.alertThreshold + (1 - c.alertThreshold) * (out / (out + span + tiny));
        if (rangeScore > score) {
          score = rangeScore;
          component = 'range';
        }
      }
    }
    // --- 5. value novelty ---
    if (c.novelty.enabled) {
      const nov = this.novelty.update(value);
      if (nov > 0 && this.n >= c.warmupPoints) {
        const novScore = c.novelty.floor + (1 - c.novelty.floor) * nov;
        if (novScore > score) {
          score = novScore;
          component = 'novelty';
        }
      }
    }
    // --- learn ---
    if (!first) {
      this.levelScale.update(rL);
      if (!Number.isNaN(rS)) this.seasonalScale.update(rS);
    }
    this.level.update(value);
    this.seasonal.update(timestampMs, value);
    if (first || value < this.min) this.min = value;
    if (first || value > this.max) this.max = value;
    this.n++;
    // --- cold start, 5. refractory ---
    if (this.n <= c.warmupPoints) {
      return { score: 0, alarm: false, value, expected, lower: expected - c.bandWidth * scale, upper: expected + c.bandWidth * scale, component: 'warmup', count: this.n };
    }
    let out = score;
    let alarm = false;
    if (timestampMs - this.lastAlarmMs < c.refractory.periodMinutes * 60_000) {
      // Out-of-order or duplicated timestamps (negative or zero elapsed time) stay suppressed.
      const damped = score * c.refractory.damping;
      out = damped < c.alertThreshold ? damped : c.alertThreshold * (1 - 1e-9);
      if (score >= c.alertThreshold) component = 'suppressed';
    } else if (score >= c.alertThreshold) {
      alarm = true;
      this.lastAlarmMs = timestampMs;
    }
    return {
      score: out,
      alarm,
      value,
      expected,
      lower: expected - c.bandWidth * scale,
      upper: expected + c.bandWidth * scale,
      component,
      count: this.n,
    };
  }

  toJSON(): DefaultScorerState {
    return {
      v: 3,
      n: this.n,
      min: this.min,
      max: this.max,
      level: [this.level.count, this.level.mean, this.level.variance],
      levelScale: [this.levelScale.count, this.levelScale.mean, this.levelScale.variance],
      seasonal: this.seasonal.toJSON().data,
      seasonalScale: [this.seasonalScale.count, this.seasonalScale.mean, this.seasonalScale.variance],
      likelihood: stripOptions(this.likelihood.toJSON()),
      refractory: [this.lastAlarmMs],
      novelty: stripOptions(this.novelty.toJSON()),
    };
  }

  /** Restores a scorer from toJSON() output; `config` must be the one it was created with. */
  static fromJSON(state: unknown, config: DefaultScorerConfigInput | Readonly<DefaultScorerConfig> = DEFAULT_SCORER_CONFIG): DefaultScorer {
    const s = state as DefaultScorerState;
    if (typeof s !== 'object' || s === null || (s.v !== 1 && s.v !== 2 && s.v !== 3)) throw new ScorerConfigError('state.v', (s as { v?: unknown } | null)?.v, 'unsupported state version');
    const finite = (key: string, v: unknown, len?: number): void => {
      const ok = Array.isArray(v) ? (len === undefined || v.length === len) && v.every((x) => typeof x === 'number' && Number.isFinite(x)) : typeof v === 'number' && Number.isFinite(v);
      if (!ok) throw new ScorerConfigError(`state.${key}`, v, 'corrupt state field');
    };
    finite('n', s.n);
    finite('min', s.min);
    finite('max', s.max);
    finite('level', s.level, 3);
    finite('levelScale', s.levelScale, 3);
    finite('seasonalScale', s.seasonalScale, 3);
    finite('refractory', s.refractory, s.v === 3 ? 1 : 2);
    const d = new DefaultScorer(config);
    d.n = s.n;
    d.min = s.min;
    d.max = s.max;
    const setEwma = (e: Ewma, a: number[]): void => {
      e.count = a[0];
      e.mean = a[1];
      e.variance = a[2];
    };
    setEwma(d.level, s.level);
    setEwma(d.levelScale, s.levelScale);
    setEwma(d.seasonalScale, s.seasonalScale);
    d.seasonal = SeasonalProfile.fromJSON({ options: d.seasonal.options, data: s.seasonal });
    d.likelihood = AnomalyLikelihood.fromJSON({ ...s.likelihood, options: d.likelihood.options });
    // A version-1 checkpoint predates the novelty layer: it starts calibrating afresh.
    if (s.v >= 2) {
      if (typeof s.novelty !== 'object' || s.novelty === null) throw new ScorerConfigError('state.novelty', s.novelty, 'corrupt state field');
      d.novelty = ValueNovelty.fromJSON({ ...s.novelty, options: d.novelty.options });
    }
    // Before v3 the period was counted in points ([remaining, alarms]); such a period ends at restore.
    d.lastAlarmMs = s.v === 3 ? s.refractory[0] : NEVER;
    return d;
  }
}

/** Serialised per-series state of DefaultScorer (config is not included: it is global). */
export interface DefaultScorerState {
  /** 3 (2: refractory counted in points, 1: before the novelty layer; both still restorable). */
  v: 1 | 2 | 3;
  n: number;
  min: number;
  max: number;
  level: number[];
  levelScale: number[];
  seasonal: number[];
  seasonalScale: number[];
  likelihood: Omit<ReturnType<AnomalyLikelihood['toJSON']>, 'options'> & { options?: unknown };
  refractory: number[];
  novelty?: Omit<ReturnType<ValueNovelty['toJSON']>, 'options'> & { options?: unknown };
}

function stripOptions<T extends { options: unknown }>(o: T): Omit<T, 'options'> {
  const { options: _options, ...rest } = o;
  return rest;
}

/** A scorer with DEFAULT_SCORER_CONFIG itself (the evaluated configuration), or validated overrides. */
export function createDefaultScorer(config?: DefaultScorerConfigInput): DefaultScorer {
  return new DefaultScorer(config ?? DEFAULT_SCORER_CONFIG);
}
