// kafkajs client settings of the Kafka bus: bounded retries, TLS/SASL, and a log bridge that keeps
// routine group chatter and errors the caller sees anyway out of the operator's log.
import { logLevel as KafkaLogLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import type { BusLogLevel, BusLogger, ResolvedKafkaOptions } from './options.js';

const LEVELS: Record<BusLogLevel, KafkaLogLevel> = {
  nothing: KafkaLogLevel.NOTHING,
  error: KafkaLogLevel.ERROR,
  warn: KafkaLogLevel.WARN,
  info: KafkaLogLevel.INFO,
  debug: KafkaLogLevel.DEBUG,
};

// kafkajs reports normal group life (members joining, leaving, rebalancing) at WARN or ERROR;
// these become info so that a healthy rebalance prints nothing by default.
const ROUTINE = [
  'The group is rebalancing, re-joining',
  'The coordinator is not aware of this member, re-joining the group',
  'Restarting the consumer',
  'Consumer group received unsubscribed topics',
  // Deliberate: the idempotent producer gives up after the client's bounded retries so that
  // callers see BUS_UNAVAILABLE instead of a send that never settles (see README).
  'Limiting retries for the idempotent producer',
];

// Errors that reach the caller anyway (as a rejected promise mapped to a BusError) need no log
// line: kafkajs logs every error response ("Response Produce(...)") and producer failures.
function reachesCaller(namespace: string, message: string): boolean {
  return (namespace === 'Connection' && message.startsWith('Response ')) || namespace === 'Producer';
}

export const stderrLogger: BusLogger = {
  warn: (m, f) => console.warn(`[bus] ${m}${f && Object.keys(f).length ? ' ' + JSON.stringify(f) : ''}`),
  error: (m, f) => console.error(`[bus] ${m}${f && Object.keys(f).length ? ' ' + JSON.stringify(f) : ''}`),
};

function logCreator(logger: BusLogger) {
  return () =>
    ({ namespace, level, log }: LogEntry): void => {
      const { message, timestamp: _t, logger: _l, ...rest } = log as { message: string; timestamp: string; logger?: string };
      const fields = { namespace, ...rest };
      const routine = ROUTINE.some((r) => message.startsWith(r)) || reachesCaller(namespace, message);
      if (level === KafkaLogLevel.ERROR && !routine) logger.error(message, fields);
      else if (level === KafkaLogLevel.WARN && !routine) logger.warn(message, fields);
      else if (level === KafkaLogLevel.DEBUG) logger.debug?.(message, fields);
      else logger.info?.(message, fields);
    };
}

export function kafkaConfig(o: ResolvedKafkaOptions): KafkaConfig {
  const config: KafkaConfig = {
    clientId: o.clientId,
    brokers: o.brokers,
    connectionTimeout: o.connectionTimeoutMs,
    requestTimeout: o.requestTimeoutMs,
    logLevel: LEVELS[o.logLevel],
    logCreator: logCreator(o.logger ?? stderrLogger),
    // Bounded client-level retries: a down broker surfaces as BUS_UNAVAILABLE within ~10 s
    // instead of kafkajs retrying for minutes (callers own the retry policy).
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 3000 },
  };
  if (o.ssl !== undefined) config.ssl = o.ssl;
  if (o.sasl !== undefined) config.sasl = { ...o.sasl } as SASLOptions;
  return config;
}
