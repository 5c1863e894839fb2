// services/detector: Kafka in → features → scorers and deployment verification → Kafka out, exactly once.
export { createDetector } from './pipeline.js';
export type { Detector, DetectorDeps } from './pipeline.js';
export { ServiceVerifier, DeploymentCheck } from './verification/verifier.js';
export type { VerifiedSpan, VerificationOptions } from './verification/verifier.js';
export { BernoulliSprt, wilsonUpper } from './verification/sprt.js';
export { createProcessor, SpansProcessor, MetricsProcessor, LogsProcessor } from './processors/processors.js';
export type { PartitionProcessor, ProcessorKind } from './processors/processors.js';
export { encodeSnapshot, decodeSnapshot } from './state/snapshot.js';
