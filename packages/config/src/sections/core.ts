import { z } from 'zod';
import { listenerSchema } from './common.js';

export const kafkaSchema = z
  .object({
    brokers: z.array(z.string()).min(1).default(['127.0.0.1:9092']),
    clientId: z.string().default('vigil'),
    ssl: z
      .object({
        enabled: z.boolean().default(false),
        caFile: z.string().optional(),
        certFile: z.string().optional(),
        keyFile: z.string().optional(),
        rejectUnauthorized: z.boolean().default(true),
      })
      .strict()
      .default({}),
    sasl: z
      .object({
        mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
        username: z.string(),
        password: z.string(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const busSchema = z
  .object({
    /** memory: the in-process bus of the embedded default; kafka: a Kafka cluster. */
    kind: z.enum(['memory', 'kafka']).default('memory'),
    kafka: kafkaSchema.default({}),
    memory: z
      .object({
        /** Records kept per partition once every group has read them (bounded memory). */
        maxRecordsPerPartition: z.number().int().positive().default(100_000),
      })
      .strict()
      .default({}),
  })
  .strict();

export const storeSchema = z
  .object({
    /** chdb: the ClickHouse engine in-process; server: a ClickHouse server over HTTP(S). */
    kind: z.enum(['chdb', 'server']).default('chdb'),
    chdb: z.object({ path: z.string().default('./data/chdb') }).strict().default({}),
    server: z
      .object({
        url: z.string().default('http://127.0.0.1:8123'),
        username: z.string().default('default'),
        password: z.string().default(''),
        database: z.string().default('vigil'),
      })
      .strict()
      .default({}),
    /** Database used by chDB (the server section has its own). */
    database: z.string().default('vigil'),
  })
  .strict();

/** Topic names. The otlp_* defaults match the OpenTelemetry Collector Kafka exporter's. */
export const topicsSchema = z
  .object({
    spans: z.string().default('otlp_spans'),
    metrics: z.string().default('otlp_metrics'),
    logs: z.string().default('otlp_logs'),
    deployments: z.string().default('vigil_deployments'),
    scores: z.string().default('vigil_scores'),
    anomalies: z.string().default('vigil_anomalies'),
    verdicts: z.string().default('vigil_verdicts'),
    templates: z.string().default('vigil_templates'),
    alerts: z.string().default('vigil_alerts'),
    rollbacks: z.string().default('vigil_rollbacks'),
    deadLetter: z.string().default('vigil_dead_letter'),
    detectorState: z.string().default('vigil_detector_state'),
    alerterState: z.string().default('vigil_alerter_state'),
    ciTestRuns: z.string().default('ci_test_runs'),
    /** CI quality per (revision, suite) (vigil.ci_quality/1), compacted; from the detector's CI-quality stage. */
    ciQuality: z.string().default('vigil_ci_quality'),
    /**
     * Records of other writers on the otlp_* topics (an OpenTelemetry Collector's Kafka exporter),
     * split per resource and keyed by service by the rekey stage (see the rekey section).
     */
    keyedSpans: z.string().default('vigil_keyed_spans'),
    keyedMetrics: z.string().default('vigil_keyed_metrics'),
    keyedLogs: z.string().default('vigil_keyed_logs'),
    /** Forecasts and right-sizing recommendations (vigil.forecast/1), from the detector. */
    forecasts: z.string().default('vigil_forecasts'),
    /** Partitions for topics Vigil creates itself. */
    partitions: z.number().int().positive().default(6),
  })
  .strict();

export const telemetrySchema = z
  .object({
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    /** Self-tracing with the OpenTelemetry SDK, exported over OTLP/HTTP. */
    tracing: z
      .object({
        enabled: z.boolean().default(false),
        endpoint: z.string().default('http://127.0.0.1:4318/v1/traces'),
      })
      .strict()
      .default({}),
  })
  .strict();

/** The HTTP API (health, metrics, queries, deployment gate) of each service. */
export const apiSchema = listenerSchema(8080);

export type BusConfig = z.infer<typeof busSchema>;
export type KafkaConfig = z.infer<typeof kafkaSchema>;
export type StoreConfig = z.infer<typeof storeSchema>;
export type TopicsConfig = z.infer<typeof topicsSchema>;
export type TelemetryConfig = z.infer<typeof telemetrySchema>;
export type ApiConfig = z.infer<typeof apiSchema>;
