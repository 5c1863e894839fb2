// Bus errors: one closed list of codes, each with a fixed `retryable` flag, so callers decide
// "try again" vs "give up / dead-letter" without knowing which implementation is behind the Bus.

/** Every code a Bus operation can fail with. */
export const BUS_ERROR_CODES = {
  /** Broker or cluster unreachable, leader moving, coordinator loading. Try again later. */
  BUS_UNAVAILABLE: true,
  /** A request timed out; the outcome may be unknown (an idempotent producer may resend). */
  BUS_TIMEOUT: true,
  /** A record (or batch) exceeds the broker's or the bus's size limit. Never fits. */
  BUS_RECORD_TOO_LARGE: false,
  /** The topic does not exist (topics are not auto-created; call ensureTopics). */
  BUS_UNKNOWN_TOPIC: false,
  /** A newer producer with the same transactionalId took over; this one must stop. */
  BUS_FENCED: false,
  /** Commit for partitions this member no longer owns; the new owner gets them again. */
  BUS_REBALANCED: false,
  /** Authentication or authorisation failed (SASL, TLS, ACLs). */
  BUS_AUTH: false,
  /** The producer, consumer or bus was closed. */
  BUS_CLOSED: false,
  /** Invalid argument or call order (e.g. transaction() without transactionalId). A bug. */
  BUS_INVALID: false,
  /** Anything not recognised. Treated as transient. */
  BUS_UNKNOWN: true,
} as const satisfies Record<string, boolean>;

export type BusErrorCode = keyof typeof BUS_ERROR_CODES;

export class BusError extends Error {
  readonly code: BusErrorCode;
  /** True when the same operation may succeed if tried again later. */
  readonly retryable: boolean;

  constructor(code: BusErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BusError';
    this.code = code;
    this.retryable = BUS_ERROR_CODES[code];
  }
}

// Kafka protocol error names (kafkajs `err.type`) by Bus code. Source: the Kafka protocol
// error table, https://kafka.apache.org/protocol#protocol_error_codes
const PROTOCOL_TYPES: Record<string, BusErrorCode> = {
  MESSAGE_TOO_LARGE: 'BUS_RECORD_TOO_LARGE',
  RECORD_LIST_TOO_LARGE: 'BUS_RECORD_TOO_LARGE',
  INVALID_RECORD: 'BUS_INVALID',
  CORRUPT_MESSAGE: 'BUS_INVALID',
  INVALID_TOPIC_EXCEPTION: 'BUS_INVALID',
  INVALID_PARTITIONS: 'BUS_INVALID',
  INVALID_TRANSACTION_TIMEOUT: 'BUS_INVALID',
  INVALID_TXN_STATE: 'BUS_INVALID',
  UNKNOWN_TOPIC_OR_PARTITION: 'BUS_UNKNOWN_TOPIC',
  UNKNOWN_TOPIC_ID: 'BUS_UNKNOWN_TOPIC',
  PRODUCER_FENCED: 'BUS_FENCED',
  INVALID_PRODUCER_EPOCH: 'BUS_FENCED',
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 'BUS_AUTH',
  TOPIC_AUTHORIZATION_FAILED: 'BUS_AUTH',
  GROUP_AUTHORIZATION_FAILED: 'BUS_AUTH',
  CLUSTER_AUTHORIZATION_FAILED: 'BUS_AUTH',
  SASL_AUTHENTICATION_FAILED: 'BUS_AUTH',
  ILLEGAL_SASL_STATE: 'BUS_AUTH',
  UNSUPPORTED_SASL_MECHANISM: 'BUS_AUTH',
  REBALANCE_IN_PROGRESS: 'BUS_REBALANCED',
  ILLEGAL_GENERATION: 'BUS_REBALANCED',
  UNKNOWN_MEMBER_ID: 'BUS_REBALANCED',
  FENCED_INSTANCE_ID: 'BUS_REBALANCED',
  REQUEST_TIMED_OUT: 'BUS_TIMEOUT',
  NOT_ENOUGH_REPLICAS: 'BUS_UNAVAILABLE',
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 'BUS_UNAVAILABLE',
  LEADER_NOT_AVAILABLE: 'BUS_UNAVAILABLE',
  NOT_LEADER_FOR_PARTITION: 'BUS_UNAVAILABLE',
  NOT_LEADER_OR_FOLLOWER: 'BUS_UNAVAILABLE',
  NETWORK_EXCEPTION: 'BUS_UNAVAILABLE',
  COORDINATOR_NOT_AVAILABLE: 'BUS_UNAVAILABLE',
  GROUP_COORDINATOR_NOT_AVAILABLE: 'BUS_UNAVAILABLE',
  NOT_COORDINATOR: 'BUS_UNAVAILABLE',
  NOT_COORDINATOR_FOR_GROUP: 'BUS_UNAVAILABLE',
  COORDINATOR_LOAD_IN_PROGRESS: 'BUS_UNAVAILABLE',
  GROUP_LOAD_IN_PROGRESS: 'BUS_UNAVAILABLE',
  CONCURRENT_TRANSACTIONS: 'BUS_UNAVAILABLE',
  KAFKA_STORAGE_ERROR: 'BUS_UNAVAILABLE',
};

// kafkajs error class names (err.name) by Bus code, for errors that carry no protocol type.
const KAFKAJS_NAMES: Record<string, BusErrorCode> = {
  KafkaJSConnectionError: 'BUS_UNAVAILABLE',
  KafkaJSConnectionClosedError: 'BUS_UNAVAILABLE',
  KafkaJSBrokerNotFound: 'BUS_UNAVAILABLE',
  KafkaJSNoBrokerAvailableError: 'BUS_UNAVAILABLE',
  KafkaJSGroupCoordinatorNotFound: 'BUS_UNAVAILABLE',
  KafkaJSMetadataNotLoaded: 'BUS_UNAVAILABLE',
  KafkaJSTopicMetadataNotLoaded: 'BUS_UNAVAILABLE',
  KafkaJSStaleTopicMetadataAssignment: 'BUS_UNAVAILABLE',
  KafkaJSRequestTimeoutError: 'BUS_TIMEOUT',
  KafkaJSTimeout: 'BUS_TIMEOUT',
  KafkaJSLockTimeout: 'BUS_TIMEOUT',
  KafkaJSSASLAuthenticationError: 'BUS_AUTH',
  KafkaJSServerDoesNotSupportApiKey: 'BUS_INVALID',
  KafkaJSNotImplemented: 'BUS_INVALID',
  KafkaJSInvalidProducerEpoch: 'BUS_FENCED',
};

interface ErrorLike {
  name?: unknown;
  type?: unknown;
  message?: unknown;
  cause?: unknown;
  originalError?: unknown;
  errors?: unknown;
}

function codeOf(err: unknown, depth: number): BusErrorCode | null {
  if (err === null || typeof err !== 'object' || depth > 5) return null;
  if (err instanceof BusError) return err.code;
  const e = err as ErrorLike;
  if (typeof e.type === 'string' && e.type in PROTOCOL_TYPES) return PROTOCOL_TYPES[e.type];
  // Wrappers first look at what they wrap: retries-exceeded and non-retriable errors carry the
  // real cause in `originalError` / `cause`; aggregate errors in `errors`.
  for (const inner of [e.originalError, e.cause]) {
    const c = codeOf(inner, depth + 1);
    if (c !== null) return c;
  }
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const c = codeOf(inner, depth + 1);
      if (c !== null && c !== 'BUS_UNKNOWN') return c;
    }
  }
  if (typeof e.name === 'string' && e.name in KAFKAJS_NAMES) return KAFKAJS_NAMES[e.name];
  // kafkajs gives up after its retries with this wrapper; what it retried was transient.
  if (e.name === 'KafkaJSNumberOfRetriesExceeded') return 'BUS_UNAVAILABLE';
  return null;
}

/**
 * Map any error (kafkajs or not) to a BusError. Unknown errors become BUS_UNKNOWN, retryable:
 * wrongly retrying costs time, wrongly giving up loses data.
 */
export function toBusError(err: unknown, context?: string): BusError {
  if (err instanceof BusError) return err;
  const code = codeOf(err, 0) ?? 'BUS_UNKNOWN';
  const message = err instanceof Error ? err.message : String(err);
  return new BusError(code, context ? `${context}: ${message}` : message, { cause: err });
}
