import { z } from 'zod';

/**
 * The rekey section of vigil.yaml. Owned by services/collector (src/rekey/).
 *
 * An OpenTelemetry Collector's Kafka exporter writes whole export requests (many resources) to
 * otlp_spans / otlp_metrics / otlp_logs with no key (its default), or keyed by trace id or by a
 * hash of the resource attributes, so one service's data lands on every partition. The rekey
 * stage reads those records (it leaves Vigil's own, marked by the `vigil-record` header, to the
 * detector's direct path), splits them per resource, keys them by service and writes them to the
 * topics.keyed* topics in Kafka transactions, with its consumed offsets: exactly once. Telemetry
 * whose service.version was not seen before is announced on the deployments topic as Vigil's
 * collector does.
 *
 * When enabled, the detector reads only Vigil's records from the otlp_* topics and everything on
 * the keyed topics. When disabled, the detector reads every record on the otlp_* topics itself
 * (per-service state is then only complete when every record holds one service and is keyed by it).
 */
export const rekeySchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Consumer group shared by every rekey replica. */
    groupId: z.string().default('vigil-rekey'),
    /** Unique per replica: names its transactional producer (fencing). */
    instanceId: z.string().default('rekey-1'),
    /**
     * How often re-keyed records and consumed offsets commit in one transaction. The detector
     * reads committed records only, so this adds up to this much latency to the foreign path.
     */
    commitIntervalMs: z.number().int().min(10).max(60_000).default(100),
    /** Largest output record value; a resource above it is cut by scope, then by item (as the collector). */
    maxRecordBytes: z.number().int().positive().default(1024 * 1024 - 16 * 1024),
    /** Reject protobuf strings that are not valid UTF-8 (proto3 rule); such records are dead-lettered. */
    validateUtf8: z.boolean().default(true),
    deployments: z
      .object({
        /** A resource whose service.version was not seen before for its service yields a deployment event. */
        fromServiceVersion: z.boolean().default(true),
        /** Bound on remembered (service, version) pairs (least recently seen are forgotten). */
        maxSeen: z.number().int().positive().default(100_000),
      })
      .strict()
      .default({}),
  })
  .strict();

export type RekeyConfig = z.infer<typeof rekeySchema>;
