import { pino } from 'pino';
import type { Logger, LevelWithSilent } from 'pino';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Keys whose values never reach a log line. pino's redaction runs on every line, so secrets
 * held in config objects or request headers are replaced even when logged by accident.
 */
export const REDACTED_PATHS = [
  'password', '*.password', '*.*.password', '*.*.*.password',
  'token', '*.token', '*.*.token', '*.*.*.token', '*.*.*.*.token', 'secret', '*.secret', '*.*.secret',
  'bearerTokens', '*.bearerTokens', '*.*.bearerTokens', '*.*.*.bearerTokens',
  'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization',
  'routingKey', '*.routingKey', '*.*.routingKey', 'apiKey', '*.apiKey', '*.*.apiKey',
  'signingSecret', '*.signingSecret', '*.*.signingSecret',
  'botToken', '*.botToken', '*.*.botToken', 'queryApiToken', '*.queryApiToken', '*.*.queryApiToken',
  // Webhook URLs carry their token in the path (Slack): never log them.
  'webhookUrl', '*.webhookUrl', '*.*.webhookUrl', '*.*.*.webhookUrl',
];

export interface TelemetryOptions {
  /** Service name: every log line and metric carries it. */
  service: string;
  logLevel?: LevelWithSilent;
  /** Where log lines go; default stdout. Tests pass a stream to read them back. */
  destination?: NodeJS.WritableStream;
  /** Registry to share between services of one process (the embedded runner). */
  registry?: Registry;
  /** Collect Node.js process metrics (CPU, memory, event loop lag). Default true. */
  processMetrics?: boolean;
}

export type EventLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * One object per service for logs and metrics. Named events log once (structured) and count
 * (`vigil_events_total{service,event}`), so hot paths call `count` and never log per record.
 */
export interface Telemetry {
  readonly service: string;
  readonly logger: Logger;
  readonly registry: Registry;
  /** Log a named event and count it. */
  event(name: string, fields?: Record<string, unknown>, level?: EventLevel): void;
  /** Get-or-create a counter on the registry (idempotent per name). */
  counter<L extends string>(name: string, help: string, labelNames?: readonly L[]): Counter<L>;
  gauge<L extends string>(name: string, help: string, labelNames?: readonly L[]): Gauge<L>;
  histogram<L extends string>(name: string, help: string, labelNames?: readonly L[], buckets?: number[]): Histogram<L>;
  /** A child for a component: same registry, logger bound to `component`. */
  child(component: string): Telemetry;
}

/** Latency buckets in seconds, from 0.5 ms to 10 s. */
export const LATENCY_BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const processMetricsRegistered = new WeakSet<Registry>();

export function createTelemetry(options: TelemetryOptions): Telemetry {
  const registry = options.registry ?? new Registry();
  if (options.processMetrics !== false && !processMetricsRegistered.has(registry)) {
    processMetricsRegistered.add(registry);
    collectDefaultMetrics({ register: registry, prefix: 'vigil_' });
  }
  const logger = pino(
    {
      level: options.logLevel ?? 'info',
      base: { service: options.service },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? process.stdout,
  );
  return build(options.service, logger, registry);
}

function build(service: string, logger: Logger, registry: Registry): Telemetry {
  const get = <T>(name: string, make: () => T): T => (registry.getSingleMetric(name) as T | undefined) ?? make();
  const events = get<Counter<'service' | 'event'>>(
    'vigil_events_total',
    () => new Counter({ name: 'vigil_events_total', help: 'Named events by service', labelNames: ['service', 'event'], registers: [registry] }),
  );
  const t: Telemetry = {
    service,
    logger,
    registry,
    event(name, fields = {}, level = 'info') {
      events.inc({ service, event: name });
      logger[level]({ event: name, ...fields }, name);
    },
    counter(name, help, labelNames = []) {
      return get(name, () => new Counter({ name, help, labelNames: [...labelNames], registers: [registry] }));
    },
    gauge(name, help, labelNames = []) {
      return get(name, () => new Gauge({ name, help, labelNames: [...labelNames], registers: [registry] }));
    },
    histogram(name, help, labelNames = [], buckets = LATENCY_BUCKETS_S) {
      return get(name, () => new Histogram({ name, help, labelNames: [...labelNames], buckets, registers: [registry] }));
    },
    child(component) {
      return build(service, logger.child({ component }), registry);
    },
  };
  return t;
}
