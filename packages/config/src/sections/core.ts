import { z } from 'zod';
import { listenerSchema } from './common.js';
import { TOPIC_KEYS, TOPICS } from '../topics.js';
import type { TopicKey } from '../topics.js';

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
    /**
     * Broker-side timeout of an open transaction. Vigil's transactions last milliseconds (the
     * detector commits every commitIntervalMs): a short timeout means a killed replica's open
     * transaction, which hides everything after it from read-committed readers of that partition,
     * is aborted within seconds, not after Kafka's default minute. At most the broker's
     * transaction.max.timeout.ms (15 minutes by default).
     */
    transactionTimeoutMs: z.number().int().min(1_000).max(900_000).default(15_000),
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
        /** Partitions of a topic first used without being created (topics.partitions is used for Vigil's own). */
        autoCreatePartitions: z.number().int().positive().default(6),
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

/**
 * Topic names, one key per topic of the catalogue in ../topics.ts (which holds the defaults,
 * compaction, record types and the writer's tables), plus the partitions of topics Vigil creates.
 */
const topicNames = Object.fromEntries(TOPIC_KEYS.map((k) => [k, z.string().min(1).default(TOPICS[k].name)])) as {
  [K in TopicKey]: z.ZodDefault<z.ZodString>;
};
export const topicsSchema = z
  .object({
    ...topicNames,
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
