// @vigil/collector: OTLP gRPC/HTTP receivers into Kafka.
export { createCollector } from './collector.js';
export type { Collector, CollectorOptions } from './collector.js';
export { parseDeploymentRequest, resourceDeployment, DeploymentInputError } from './deployments/deployment-event.js';
export type { DeploymentEvent, DeploymentLink } from './deployments/deployment-event.js';
export { GRPC_METHODS } from './receivers/otlp-grpc/otlp-grpc-receiver.js';
export { DEPLOYMENTS_PATH } from './receivers/deployments/deployments-receiver.js';
export { RECEIVER_FACTORIES } from './receivers/factories.js';
export type { Receiver, ReceiverFactory, ReceiverHost, ReceiverType } from './receivers/receiver.js';
export { createHttpListener, HttpListener } from './receivers/http-listener/http-listener.js';
export type { HttpExchange, HttpRoute } from './receivers/http-listener/http-listener.js';
export { createRekeyStage } from './rekey/rekey-stage.js';
export type { RekeyStage, RekeyStageOptions } from './rekey/rekey-stage.js';
export { rekeyRecord } from './rekey/rekey.js';
