/** Which part of a scorer produced (or vetoed) the score. */
export type ScoreComponent =
  /** Still in the documented warm-up: score 0, never an alarm. */
  | 'warmup'
  /** Nothing unusual. */
  | 'none'
  /** Likelihood of the smoothed residual against the level + seasonal baseline. */
  | 'residual'
  /** Value outside the range seen so far (running min/max). */
  | 'range'
  /** Value in a cell of the value grid the series has never visited. */
  | 'novelty'
  /** A score above the threshold was damped because an alarm fired recently. */
  | 'suppressed';

/** What a scorer returns for one point. Scores are in [0, 1], high = anomalous. */
export interface ScoreResult {
  /** Anomaly score in [0, 1]. */
  score: number;
  /** True when score ≥ the scorer's alert threshold (never during warm-up). */
  alarm: boolean;
  /** The value scored. */
  value: number;
  /** What the baseline expected at this time (NaN while nothing is known). */
  expected: number;
  /** Lower edge of the normal band (expected − k·scale). */
  lower: number;
  /** Upper edge of the normal band (expected + k·scale). */
  upper: number;
  /** The component that produced the score. */
  component: ScoreComponent;
  /** Points seen so far for this series, this one included. */
  count: number;
}

/** A per-series online scorer. */
export interface SeriesScorer {
  update(timestampMs: number, value: number): ScoreResult;
  toJSON(): unknown;
}
