// Pure per-series anomaly scorers and the default ensemble
export { DefaultScorer, createDefaultScorer } from './default-scorer.js';
export type { DefaultScorerState } from './default-scorer.js';
export { DEFAULT_ALERT_THRESHOLD, DEFAULT_SCORER_CONFIG, ScorerConfigError, resolveScorerConfig, validateScorerConfig } from './config.js';
export type { DefaultScorerConfig, DefaultScorerConfigInput } from './config.js';
export type { ScoreComponent, ScoreResult, SeriesScorer } from './types.js';
