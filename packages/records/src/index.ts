// Vigil's own messages on the vigil_* topics.
export type {
  DeploymentRecord, ScoreRecord, AnomalyRecord, VerdictRecord, VerdictEvidence, TemplateRecord,
  AlertRecord, RollbackRecord, DeadLetterRecord, VigilRecord, Signal,
  TestRunRecord, PipelineRunRecord,
  IncidentRecord, FeedbackRecord,
} from './records.js';
export { encodeRecord, decodeRecord, RecordDecodeError } from './codec.js';
export type { RecordSchema } from './codec.js';
export { stableId, deploymentIdFor } from './ids.js';
