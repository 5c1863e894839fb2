// Options of both Bus implementations: types, defaults in one place, validation that rejects
// unknown keys and quotes the offending key and value.
import { BusError } from './errors.js';

/** Where the Kafka implementation sends kafkajs' log lines (WARN and above by default). */
export interface BusLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
  debug?(message: string, fields?: Record<string, unknown>): void;
}

export type BusLogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

export interface KafkaTlsOptions {
  /** PEM CA certificate(s) to trust; default: the system store. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** PEM client certificate and key for mutual TLS. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Default true. Only turn off against a throwaway test cluster. */
  rejectUnauthorized?: boolean;
}

export interface KafkaSaslOptions {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

export interface KafkaBusOptions {
  /** Bootstrap servers, "host:port". */
  brokers: string[];
  /** Client id shown in broker logs and quotas. Default 'vigil'. */
  clientId?: string;
  /** TLS: true for the system CAs, or explicit material. Default off. */
  ssl?: boolean | KafkaTlsOptions;
  sasl?: KafkaSaslOptions;
  /** TCP connect timeout. Default 3000. */
  connectionTimeoutMs?: number;
  /** Per-request timeout (and produce ack timeout). Default 30000. */
  requestTimeoutMs?: number;
  /** Broker-side timeout of an open transaction. Default 60000. */
  transactionTimeoutMs?: number;
  /** Longest a fetch waits for data; bounds how fast an idle member notices a rebalance. Default 500. */
  fetchMaxWaitMs?: number;
  /** kafkajs log level forwarded to `logger`. Default 'warn'. */
  logLevel?: BusLogLevel;
  /** Default: WARN/ERROR lines on stderr, prefixed "[bus]". */
  logger?: BusLogger;
}

export interface MemoryBusOptions {
  /** Partitions of a topic created on first use; 0 (default) means unknown topics are an error. */
  autoCreatePartitions?: number;
  /** Bound per partition: the oldest records are dropped beyond it (like retention.bytes). Default 100000. */
  maxRecordsPerPartition?: number;
  /** Bound per partition in bytes (keys + values + headers). Default 64 MiB. */
  maxBytesPerPartition?: number;
  /** Largest record accepted, like the broker's message.max.bytes. Default 1048588 (Kafka's default). */
  maxRecordBytes?: number;
  /** A compacted partition is compacted after this many appends (at least). Default 1000. */
  compactionMinRecords?: number;
  /** Clock for default record timestamps. Default Date.now. */
  now?: () => number;
}

export type BusConfig = ({ kind: 'kafka' } & KafkaBusOptions) | ({ kind: 'memory' } & MemoryBusOptions);

export const KAFKA_DEFAULTS = {
  clientId: 'vigil',
  connectionTimeoutMs: 3000,
  requestTimeoutMs: 30_000,
  transactionTimeoutMs: 60_000,
  fetchMaxWaitMs: 500,
  logLevel: 'warn' as BusLogLevel,
};

export const MEMORY_DEFAULTS = {
  autoCreatePartitions: 0,
  maxRecordsPerPartition: 100_000,
  maxBytesPerPartition: 64 * 1024 * 1024,
  maxRecordBytes: 1_048_588,
  compactionMinRecords: 1000,
};

export const CONSUMER_DEFAULTS = {
  fromBeginning: true,
  maxBatchRecords: 1000,
  sessionTimeoutMs: 10_000,
  retryBackoffMs: 200,
};

const q = (v: unknown): string => {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
};

function invalid(message: string): BusError {
  return new BusError('BUS_INVALID', message);
}

export function rejectUnknownKeys(where: string, obj: object, allowed: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw invalid(`${where}: unknown option '${key}' (allowed: ${allowed.join(', ')})`);
    }
  }
}

export function checkInt(where: string, key: string, value: unknown, min: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw invalid(`${where}: '${key}' must be an integer >= ${min}, got ${q(value)}`);
  }
}

const KAFKA_KEYS = ['brokers', 'clientId', 'ssl', 'sasl', 'connectionTimeoutMs', 'requestTimeoutMs',
  'transactionTimeoutMs', 'fetchMaxWaitMs', 'logLevel', 'logger'] as const;

export type ResolvedKafkaOptions = Required<Omit<KafkaBusOptions, 'ssl' | 'sasl' | 'logger'>> &
  Pick<KafkaBusOptions, 'ssl' | 'sasl' | 'logger'>;

export function resolveKafkaOptions(options: KafkaBusOptions): ResolvedKafkaOptions {
  const where = 'kafka bus';
  rejectUnknownKeys(where, options, KAFKA_KEYS);
  if (!Array.isArray(options.brokers) || options.brokers.length === 0 ||
      !options.brokers.every((b) => typeof b === 'string' && /^[^\s:]+:\d+$/.test(b))) {
    throw invalid(`${where}: 'brokers' must be a non-empty list of "host:port", got ${q(options.brokers)}`);
  }
  if (options.clientId !== undefined && (typeof options.clientId !== 'string' || options.clientId === '')) {
    throw invalid(`${where}: 'clientId' must be a non-empty string, got ${q(options.clientId)}`);
  }
  for (const k of ['connectionTimeoutMs', 'requestTimeoutMs', 'transactionTimeoutMs'] as const) checkInt(where, k, options[k], 1);
  checkInt(where, 'fetchMaxWaitMs', options.fetchMaxWaitMs, 0);
  if (options.logLevel !== undefined && !['nothing', 'error', 'warn', 'info', 'debug'].includes(options.logLevel)) {
    throw invalid(`${where}: 'logLevel' must be one of nothing|error|warn|info|debug, got ${q(options.logLevel)}`);
  }
  if (options.ssl !== undefined && typeof options.ssl !== 'boolean') {
    rejectUnknownKeys(`${where} ssl`, options.ssl, ['ca', 'cert', 'key', 'rejectUnauthorized']);
  }
  if (options.sasl !== undefined) {
    rejectUnknownKeys(`${where} sasl`, options.sasl, ['mechanism', 'username', 'password']);
    if (!['plain', 'scram-sha-256', 'scram-sha-512'].includes(options.sasl.mechanism)) {
      throw invalid(`${where}: 'sasl.mechanism' must be plain|scram-sha-256|scram-sha-512, got ${q(options.sasl.mechanism)}`);
    }
    if (typeof options.sasl.username !== 'string' || typeof options.sasl.password !== 'string') {
      throw invalid(`${where}: 'sasl.username' and 'sasl.password' must be strings`);
    }
  }
  return { ...KAFKA_DEFAULTS, ...stripUndefined(options) } as ResolvedKafkaOptions;
}

const MEMORY_KEYS = ['autoCreatePartitions', 'maxRecordsPerPartition', 'maxBytesPerPartition',
  'maxRecordBytes', 'compactionMinRecords', 'now'] as const;

export type ResolvedMemoryOptions = Required<MemoryBusOptions>;

export function resolveMemoryOptions(options: MemoryBusOptions): ResolvedMemoryOptions {
  const where = 'memory bus';
  rejectUnknownKeys(where, options, MEMORY_KEYS);
  checkInt(where, 'autoCreatePartitions', options.autoCreatePartitions, 0);
  checkInt(where, 'maxRecordsPerPartition', options.maxRecordsPerPartition, 1);
  checkInt(where, 'maxBytesPerPartition', options.maxBytesPerPartition, 1);
  checkInt(where, 'maxRecordBytes', options.maxRecordBytes, 1);
  checkInt(where, 'compactionMinRecords', options.compactionMinRecords, 1);
  if (options.now !== undefined && typeof options.now !== 'function') {
    throw invalid(`${where}: 'now' must be a function, got ${q(options.now)}`);
  }
  return { ...MEMORY_DEFAULTS, now: Date.now, ...stripUndefined(options) };
}

const CONSUMER_KEYS = ['groupId', 'topics', 'fromBeginning', 'onAssigned', 'onRevoked', 'maxBatchRecords',
  'sessionTimeoutMs', 'retryBackoffMs', 'onError'] as const;

export function validateConsumerOptions(o: { groupId: string; topics: string[] } & object): void {
  const where = 'consumer';
  rejectUnknownKeys(where, o, CONSUMER_KEYS);
  if (typeof o.groupId !== 'string' || o.groupId === '') {
    throw invalid(`${where}: 'groupId' must be a non-empty string, got ${q(o.groupId)}`);
  }
  if (!Array.isArray(o.topics) || o.topics.length === 0 || !o.topics.every((t) => typeof t === 'string' && t !== '')) {
    throw invalid(`${where}: 'topics' must be a non-empty list of topic names, got ${q(o.topics)}`);
  }
  const r = o as Record<string, unknown>;
  checkInt(where, 'maxBatchRecords', r.maxBatchRecords, 1);
  checkInt(where, 'sessionTimeoutMs', r.sessionTimeoutMs, 1);
  checkInt(where, 'retryBackoffMs', r.retryBackoffMs, 0);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** Parse a decimal offset string (or number) into a safe non-negative integer. */
export function parseOffset(where: string, offset: unknown): number {
  const n = typeof offset === 'number' ? offset : typeof offset === 'string' && /^\d+$/.test(offset) ? Number(offset) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw invalid(`${where}: offset must be a non-negative integer, got ${q(offset)}`);
  return n;
}
