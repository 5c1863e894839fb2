// The receiver factories, by type: the only way the pipeline makes a receiver. A factory takes
// the receiver's own configuration, the next stage it feeds and the host (shared listener,
// limiter, metrics, telemetry), like the OpenTelemetry Collector's receiver.Factory
// (NewFactory(type, createDefaultConfig, WithTraces(create…))); the default configuration lives
// in @vigil/config (collector section), the one place of defaults.
import type { CollectorConfig } from '@vigil/config';
import type { JUnitHandler } from '../ci/junit-ingest.js';
import type { OtlpConsumer } from '../ingest/outcome.js';
import { createDeploymentsReceiver } from './deployments/deployments-receiver.js';
import type { DeploymentSink, DeploymentsReceiverConfig } from './deployments/deployments-receiver.js';
import { createJUnitReceiver } from './junit/junit-receiver.js';
import { createOtlpGrpcReceiver } from './otlp-grpc/otlp-grpc-receiver.js';
import { createOtlpHttpReceiver } from './otlp-http/otlp-http-receiver.js';
import type { ReceiverFactory } from './receiver.js';

export const otlpGrpcReceiverFactory: ReceiverFactory<CollectorConfig['grpc'], OtlpConsumer> = { type: 'otlp_grpc', create: createOtlpGrpcReceiver };
export const otlpHttpReceiverFactory: ReceiverFactory<CollectorConfig['http'], OtlpConsumer> = { type: 'otlp_http', create: createOtlpHttpReceiver };
export const deploymentsReceiverFactory: ReceiverFactory<DeploymentsReceiverConfig, DeploymentSink> = { type: 'deployments', create: createDeploymentsReceiver };
export const junitReceiverFactory: ReceiverFactory<CollectorConfig['http'], JUnitHandler> = { type: 'ci_junit', create: createJUnitReceiver };

/** Every receiver type the collector knows, by type. */
export const RECEIVER_FACTORIES = {
  otlp_grpc: otlpGrpcReceiverFactory,
  otlp_http: otlpHttpReceiverFactory,
  deployments: deploymentsReceiverFactory,
  ci_junit: junitReceiverFactory,
} as const;
