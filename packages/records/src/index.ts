// Vigil's own messages on the vigil_* topics.
export type {
  DeploymentRecord, DeploymentLink, ScoreRecord, AnomalyRecord, VerdictRecord, VerdictEvidence, VerdictBaseline, TemplateRecord,
  AlertRecord, RollbackRecord, DeadLetterRecord, VigilRecord, Signal,
  TestRunRecord, PipelineRunRecord, DeploymentCiQuality,
  IncidentRecord, IncidentFingerprint, IncidentResolution, ResolutionSource, DeployChange, VerdictKind, FeedbackRecord,
  ForecastRecord, ForecastPoint, ForecastRecommendation,
  CiQualityRecord,
} from './records.js';
export { encodeRecord, decodeRecord, RecordDecodeError, RECORD_SCHEMAS } from './codec.js';
export type { RecordSchema } from './codec.js';
export { stableId, deploymentIdFor } from './ids.js';
export { RECORD_KIND_HEADER, DEPLOYMENT_MARKER, isDeploymentMarker } from './records.js';
export { OTLP_KEYED_MARKER, isVigilRecord } from './records.js';
export { exampleRecords } from './examples.js';
export type { RecordExamples } from './examples.js';
export { deadLetterFor, rejectionReason } from './dead-letter.js';
export type { RejectedRecord } from './dead-letter.js';
