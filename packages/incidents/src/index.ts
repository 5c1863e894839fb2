// Incident memory: fingerprints of alerts, similar past incidents with their fixes, and the
// operator-feedback model that raises thresholds of benign patterns. Pure: no I/O, no clock.
export {
  buildFingerprint, classifyChange, directionOf, fingerprintSignature, mergeFingerprints, normaliseTemplate, templateOf,
  MAX_DEVIATIONS, MAX_TEMPLATES, TEMPLATE_METRIC,
} from './fingerprint.js';
export type { AnomalyLike, DeployChange, Fingerprint, FingerprintInput, VerdictKind } from './fingerprint.js';
export { DEFAULT_WEIGHTS, combine, jaccard, similarity, validateWeights } from './similarity.js';
export type { Similarity, SimilarityWeights } from './similarity.js';
export { IncidentIndex } from './incident-index.js';
export type { IndexOptions, QueryOptions } from './incident-index.js';
export {
  DEFAULT_FEEDBACK_OPTIONS, FeedbackModel, fromSurprise, inScope, parseSeriesKey, surprise, validateFeedbackOptions,
} from './feedback.js';
export type {
  Adjustment, FeedbackInput, FeedbackModelJSON, FeedbackOptions, FeedbackScope, FeedbackVerdict, SeriesIdentity,
} from './feedback.js';
export type { PastIncident, Resolution, ResolutionSource, SimilarIncident } from './types.js';
