// Receivers as components, in the OpenTelemetry Collector's manner: each kind has a factory
// (receivers/factories.ts) whose `create(config, next, host)` builds one from its own config
// section and the next stage it feeds; the host lends what receivers share (the HTTP listener
// they register their paths on, the in-flight limiter, metrics, telemetry). A receiver that
// registers on the shared listener has no server of its own: the listener starts and stops it.
import type { Telemetry } from '@vigil/telemetry';
import type { CollectorMetrics } from '../collector-metrics.js';
import type { InflightLimiter } from '../processors/admission/inflight-limiter.js';
import type { HttpListener } from './http-listener/http-listener.js';

export type ReceiverType = 'otlp_grpc' | 'otlp_http' | 'deployments' | 'ci_junit';

export interface Receiver {
  readonly type: ReceiverType;
  /** Opens the receiver's own server and resolves to its port; 0 for one registered on the shared listener. */
  start(): Promise<number>;
  /** Stops taking requests and waits for the running ones. */
  stop(): Promise<void>;
  /** Drops what is still open (after the shutdown deadline). */
  destroy(): void;
}

export interface ReceiverHost {
  /** The shared HTTP listener (collector.http); throws when HTTP is disabled. */
  httpListener(): HttpListener;
  limiter: InflightLimiter;
  metrics: CollectorMetrics;
  telemetry: Telemetry;
  /** Retry-After seconds of 429 / UNAVAILABLE answers. */
  retryAfterS: number;
  /** Clock (event times of announcements without one). */
  now: () => number;
}

export interface ReceiverFactory<C, N> {
  readonly type: ReceiverType;
  create(config: C, next: N, host: ReceiverHost): Receiver;
}
