// @vigil/collector: OTLP gRPC/HTTP receivers into Kafka.
export { createCollector } from './collector.js';
export type { Collector, CollectorOptions } from './collector.js';
export { parseDeploymentRequest, resourceDeployment, DeploymentInputError } from './deployments/deployment-event.js';
export type { DeploymentEvent, DeploymentLink } from './deployments/deployment-event.js';
export { GRPC_METHODS } from './receivers/otlp-grpc/otlp-grpc-receiver.js';
export { DEPLOYMENTS_PATH } from './receivers/otlp-http/otlp-http-receiver.js';
export { ciQualityFromApi, ciQualityOf, httpCiQualityLookup } from './deployments/ci-quality.js';
export type { CiQualityLookup } from './deployments/ci-quality.js';
export { createRekeyStage } from './rekey/rekey-stage.js';
export type { RekeyStage, RekeyStageOptions } from './rekey/rekey-stage.js';
export { rekeyRecord } from './rekey/rekey.js';
