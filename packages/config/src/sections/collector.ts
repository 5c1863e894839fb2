import { z } from 'zod';
import { listenerSchema } from './common.js';

const MiB = 1024 * 1024;

/**
 * The collector section of vigil.yaml. Owned by services/collector.
 * Defaults follow the OpenTelemetry Collector's OTLP receiver where it has one
 * (4317 gRPC / 4318 HTTP, 4 MiB gRPC max receive message size) and Kafka's defaults otherwise.
 */
export const collectorSchema = z
  .object({
    enabled: z.boolean().default(true),
    http: listenerSchema(4318)
      .extend({
        enabled: z.boolean().default(true),
        /** Largest request body, checked on the wire AND after decompression (413 above). */
        maxBodyBytes: z.number().int().positive().default(20 * MiB),
        /**
         * After an early answer (413 too large, 429, 401, …) the rest of the body is read and
         * dropped, up to these bounds, before the connection is closed: a client still sending
         * then reads the answer instead of a reset (EPIPE). See the receiver's drain().
         */
        lingerMaxBytes: z.number().int().nonnegative().default(128 * MiB),
        lingerMaxMs: z.number().int().nonnegative().max(120_000).default(5_000),
        /** CORS for browser senders: allowed origins ("*" allows any); empty disables CORS. */
        cors: z
          .object({
            allowedOrigins: z.array(z.string().min(1)).default([]),
            /** Extra request headers browsers may send (Content-Type and Authorization always are). */
            allowedHeaders: z.array(z.string().min(1)).default([]),
            maxAgeS: z.number().int().nonnegative().default(7200),
          })
          .strict()
          .default({}),
      })
      .strict()
      .default({}),
    grpc: listenerSchema(4317)
      .extend({
        enabled: z.boolean().default(true),
        /** Largest request message (decompressed), as grpc max_recv_msg_size. */
        maxMessageBytes: z.number().int().positive().default(4 * MiB),
      })
      .strict()
      .default({}),
    /** Bytes of requests held (being read or waiting for Kafka's ack); above it: 429 / UNAVAILABLE. */
    maxInflightBytes: z.number().int().positive().default(64 * MiB),
    /** Longest wait for Kafka's ack before answering 503 (the write may still land: at-least-once). */
    produceTimeoutMs: z.number().int().positive().default(10_000),
    /** Retry-After (seconds) sent with 429/503 and in gRPC RetryInfo. */
    retryAfterS: z.number().int().positive().default(5),
    /** After a retryable bus failure, refuse new requests this long before trying the bus again. */
    busDownHoldMs: z.number().int().nonnegative().default(1000),
    /** Largest Kafka record value; resources above it are cut by scope, then by item. */
    maxRecordBytes: z.number().int().positive().default(1 * MiB - 16 * 1024),
    /** Reject protobuf strings that are not valid UTF-8 (proto3 rule). */
    validateUtf8: z.boolean().default(true),
    deployments: z
      .object({
        /** A resource whose service.version was not seen before for its service yields a deployment event. */
        fromServiceVersion: z.boolean().default(true),
        /** Bound on remembered (service, version) pairs (least recently seen are forgotten). */
        maxSeen: z.number().int().positive().default(100_000),
        /**
         * Secrets of the CI/CD webhooks on POST /v1/deployments/{github,gitlab,flux} (see the
         * collector README). When set, the tool's signature is verified and authenticates the
         * request in place of a bearer token (the tools cannot send one); empty: not checked.
         */
        webhooks: z
          .object({
            /** GitHub webhook secret (X-Hub-Signature-256). */
            githubSecret: z.string().default(''),
            /** GitLab webhook secret token (X-Gitlab-Token). */
            gitlabToken: z.string().default(''),
            /** Flux Provider generic-hmac key (X-Signature). */
            fluxHmacKey: z.string().default(''),
          })
          .strict()
          .default({}),
      })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.maxInflightBytes < c.http.maxBodyBytes) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['maxInflightBytes'],
        message: `collector.maxInflightBytes (${c.maxInflightBytes}) must be >= collector.http.maxBodyBytes (${c.http.maxBodyBytes})`,
      });
    }
    if (c.maxInflightBytes < c.grpc.maxMessageBytes) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['maxInflightBytes'],
        message: `collector.maxInflightBytes (${c.maxInflightBytes}) must be >= collector.grpc.maxMessageBytes (${c.grpc.maxMessageBytes})`,
      });
    }
  });

export type CollectorConfig = z.infer<typeof collectorSchema>;
