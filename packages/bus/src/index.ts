// The Bus interface with Kafka and in-process implementations.
export type {
  BatchHandler, Bus, Consumer, ConsumerOptions, InBatch, InRecord, OutRecord, PartitionOffset, Producer,
  ProducerOptions, RecordPosition, TopicPartitions, TopicSpec, Transaction,
} from './types.js';
export { BusError, BUS_ERROR_CODES, toBusError } from './errors.js';
export type { BusErrorCode } from './errors.js';
export type {
  BusConfig, BusLogger, BusLogLevel, KafkaBusOptions, KafkaSaslOptions, KafkaTlsOptions, MemoryBusOptions,
} from './options.js';
export { CONSUMER_DEFAULTS, KAFKA_DEFAULTS, MEMORY_DEFAULTS } from './options.js';
export { murmur2, partitionForKey } from './murmur2.js';
export { createKafkaBus, KafkaBus } from './kafka-bus.js';
export { createMemoryBus, MemoryBus } from './memory-bus.js';
export { createBus } from './create-bus.js';
export { createTransactionalLoop, withDeadline } from './transactional-loop.js';
export type {
  LoopEventLog, OpenedPartition, PartitionWork, SealedTransaction, TransactionalLoop, TransactionalLoopOptions,
} from './transactional-loop.js';
