// Vigil configuration: one YAML file plus environment overrides, validated once at startup.
export { vigilSchema } from './schema.js';
export type { VigilConfig, VigilConfigInput } from './schema.js';
export { loadConfig, parseConfig, envOverrides, deepMerge, ConfigError } from './load.js';
export type { LoadConfigOptions } from './load.js';
export { tlsSchema, authSchema, listenerSchema } from './sections/common.js';
export type { TlsConfig, AuthConfig, ListenerConfig } from './sections/common.js';
export { busSchema, kafkaSchema, storeSchema, topicsSchema, telemetrySchema, apiSchema } from './sections/core.js';
export type { BusConfig, KafkaConfig, StoreConfig, TopicsConfig, TelemetryConfig, ApiConfig } from './sections/core.js';
export { collectorSchema } from './sections/collector.js';
export type { CollectorConfig } from './sections/collector.js';
export { detectorSchema } from './sections/detector.js';
export type { DetectorConfig } from './sections/detector.js';
export { alerterSchema } from './sections/alerter.js';
export type { AlerterConfig } from './sections/alerter.js';
export { writerSchema } from './sections/writer.js';
export type { WriterConfig } from './sections/writer.js';
export { topicDefinitions } from './topics.js';
export type { TopicDefinition } from './topics.js';
