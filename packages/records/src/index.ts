// Vigil's own messages on the vigil_* topics.
export type {
  DeploymentRecord, ScoreRecord, AnomalyRecord, VerdictRecord, VerdictEvidence, VerdictBaseline, TemplateRecord,
  AlertRecord, RollbackRecord, DeadLetterRecord, VigilRecord, Signal,
  TestRunRecord, PipelineRunRecord, DeploymentCiQuality,
  IncidentRecord, FeedbackRecord,
  ForecastRecord, ForecastPoint, ForecastRecommendation,
} from './records.js';
export { encodeRecord, decodeRecord, RecordDecodeError } from './codec.js';
export type { RecordSchema } from './codec.js';
export { stableId, deploymentIdFor } from './ids.js';
export { RECORD_KIND_HEADER, DEPLOYMENT_MARKER, isDeploymentMarker } from './records.js';
export { OTLP_KEYED_MARKER, isVigilRecord } from './records.js';
export { deadLetterFor, rejectionReason } from './dead-letter.js';
export type { RejectedRecord } from './dead-letter.js';
