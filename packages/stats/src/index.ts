// Pure streaming statistics: no I/O, no clock, no global randomness. Every structure documents
// its cost per update and memory, and serialises to/from JSON (toJSON / static fromJSON).
export { StatsConfigError } from './errors.js';
export { Mulberry32, poisson, seededUniform } from './rng.js';
export { erfc, normalSf } from './normal.js';
export { Welford } from './welford.js';
export { Ewma } from './ewma.js';
export { DDSketch, DDSKETCH_DEFAULTS, SketchRanks } from './ddsketch.js';
export type { DDSketchOptions, DDSketchJSON } from './ddsketch.js';
export { SeasonalProfile, SEASONAL_PROFILE_DEFAULTS, HOUR_OF_DAY, DAY_OF_WEEK } from './seasonal-profile.js';
export type { SeasonalProfileOptions } from './seasonal-profile.js';
export { HoltWinters, HOLT_WINTERS_DEFAULTS } from './holt-winters.js';
export type { HoltWintersOptions } from './holt-winters.js';
export { fitGpdGrimshaw, fitGpdMoments, gpdLogLikelihood } from './gpd.js';
export type { GpdFit } from './gpd.js';
export { Spot, Dspot, SPOT_DEFAULTS, spotThreshold } from './spot.js';
export type { SpotOptions, DspotOptions, SpotStep, SpotJSON } from './spot.js';
export { AnomalyLikelihood, ANOMALY_LIKELIHOOD_DEFAULTS, logLikelihoodScore } from './anomaly-likelihood.js';
export type { AnomalyLikelihoodOptions, AnomalyLikelihoodJSON } from './anomaly-likelihood.js';
export { Refractory, REFRACTORY_DEFAULTS } from './refractory.js';
export type { RefractoryOptions, RefractoryStep } from './refractory.js';
export { ValueNovelty, VALUE_NOVELTY_DEFAULTS } from './value-novelty.js';
export type { ValueNoveltyOptions, ValueNoveltyJSON } from './value-novelty.js';
export { binomialSf, binomialLogPmf, logGamma } from './binomial.js';
export { MixtureSprt, MIXTURE_ODDS_RATIOS, oddsShift, holmRejections, RateRatioSprt, rateRatioLogMixture, rateBelowLogMixture, RATE_BELOW_FRACTIONS, logMeanExp, BoundedMeanSprt, BOUNDED_MEAN_BETS } from './sequential.js';
export type { MixtureSprtJSON, RateRatioSprtJSON, BoundedMeanSprtJSON } from './sequential.js';
