import { z } from 'zod';
import { listenerSchema } from './common.js';

/** The writer section of vigil.yaml: vigil_* topics into ClickHouse, exactly once. */
export const writerSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Consumer group of the writers; scale out by adding members. */
    groupId: z.string().default('vigil-writer'),
    /** Rows buffered per partition before an insert (ClickHouse prefers few large inserts). */
    maxBatchRows: z.number().int().min(1).max(1_000_000).default(5_000),
    /** Longest a row waits in the buffer before its insert. */
    flushIntervalMs: z.number().int().min(10).max(600_000).default(1_000),
    /** Delay before retrying a failed insert (retryable errors only); doubles up to 30 s. */
    retryBackoffMs: z.number().int().min(10).default(500),
    /** Also land raw otlp_* telemetry in the OpenTelemetry Collector ClickHouse exporter's tables. */
    rawTelemetry: z.boolean().default(false),
    /** The writer's own /healthz, /readyz and /metrics (the read API is services/query's, query.api). */
    api: listenerSchema(8084).default({}),
  })
  .strict()
  .refine((w) => w.flushIntervalMs <= 600_000, { message: 'flushIntervalMs too large' });

export type WriterConfig = z.infer<typeof writerSchema>;
