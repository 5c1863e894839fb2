// Structured logs (pino), Prometheus metrics (prom-client), health endpoints, optional OTel self-tracing.
export { createTelemetry, LATENCY_BUCKETS_S, REDACTED_PATHS } from './telemetry.js';
export type { Telemetry, TelemetryOptions, EventLevel } from './telemetry.js';
export { startAdminServer, createListenerServer, listen, readTlsFiles, sendJson } from './admin-server.js';
export type { AdminServerOptions, ListenerOptions, ListenerTlsOptions, RouteHandler, RunningServer, TlsMaterial } from './admin-server.js';
export { checkBearer } from './auth.js';
export { startTracing } from './tracing.js';
export type { TracingOptions } from './tracing.js';
export { Registry } from 'prom-client';
export { runMain } from './run-main.js';
export type { MainOptions } from './run-main.js';
