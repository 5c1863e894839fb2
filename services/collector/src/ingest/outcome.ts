// What one OTLP request came to. Receivers map it to their protocol:
//   ok       -> HTTP 200 / gRPC OK (partial success when rejected > 0)
//   invalid  -> HTTP 400 / gRPC INVALID_ARGUMENT (permanent: the client must not retry)
//   retry    -> HTTP 429 or 503 + Retry-After / gRPC UNAVAILABLE + RetryInfo (retryable)
// (OTLP specification, "OTLP/HTTP Response" and "OTLP/gRPC Response" sections.)
import type { Signal } from '@vigil/otlp';

export type IngestOutcome =
  | { kind: 'ok'; accepted: number; rejected: number; message: string }
  | { kind: 'invalid'; message: string }
  | { kind: 'retry'; status: 429 | 503; retryAfterS: number; message: string };

export type Format = 'protobuf' | 'json';

/** Stage interface between receivers and the pipeline: once called, the bytes belong to the callee. */
export interface OtlpConsumer {
  /**
   * Consume one request body (decompressed). `reservedBytes` were already counted against the
   * in-flight bound by the receiver; the consumer releases them when the data is settled.
   */
  consume(signal: Signal, body: Buffer, format: Format, reservedBytes: number): Promise<IngestOutcome>;
}

export const REJECTED_KEY: Record<Signal, string> = {
  traces: 'rejectedSpans',
  metrics: 'rejectedDataPoints',
  logs: 'rejectedLogRecords',
};
