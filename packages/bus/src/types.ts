// The Bus contract. Two implementations honour it: Kafka (kafkajs) and in-process (memory).
// Semantics every caller may rely on, whichever implementation is behind it:
// - produce: `send` resolves only once every record is acknowledged (Kafka: acks=all, idempotent).
//   Records with the same key land on the same partition, in send order.
// - consume: a consumer is a member of a group; partitions are split among the members.
//   The handler sees one partition's batch at a time, in offset order. Nothing is committed
//   unless the caller commits it (`commit`, or `Transaction.sendOffsets` + `commit`).
//   A batch whose handler throws is delivered again from the last committed offset.
//   After a restart (or a rebalance) delivery resumes at the committed offset: what was not
//   committed is delivered again.
// - transactions: records sent in a transaction and the offsets added to it become visible
//   together on `commit`, or not at all on `abort` (consumers read committed only).

/** A record to write. `key` decides the partition unless `partition` is given. */
export interface OutRecord {
  topic: string;
  key?: string | Buffer | null;
  value: Buffer | null;
  headers?: Record<string, string>;
  /** Explicit partition; overrides the key hash. */
  partition?: number;
  /** Event time in ms since the epoch; defaults to the time of sending. */
  timestampMs?: number;
}

/** Where an acknowledged record landed. */
export interface RecordPosition {
  topic: string;
  partition: number;
  /** Offset as a decimal string (64-bit). */
  offset: string;
}

/** A consumed record. */
export interface InRecord {
  topic: string;
  partition: number;
  /** Offset as a decimal string (64-bit). */
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestampMs: number;
}

/** One partition's slice of records, in offset order. */
export interface InBatch {
  topic: string;
  partition: number;
  records: InRecord[];
  /** Offset of the next record the log will hold (end of log), decimal string. */
  highWatermark: string;
}

/** Next offset to read for a partition (Kafka convention: last processed + 1). */
export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

export interface TopicSpec {
  topic: string;
  partitions: number;
  /** Log compaction (keep the latest value per key), for state and checkpoint topics. */
  compacted?: boolean;
  /** Retention in ms; undefined means the broker default. */
  retentionMs?: number;
}

export interface ProducerOptions {
  /** Set to produce in transactions (exactly-once read-process-write). Unique per process. */
  transactionalId?: string;
}

export interface Transaction {
  send(records: OutRecord[]): Promise<void>;
  /** Add consumed offsets of `groupId` to the transaction; they commit with the records. */
  sendOffsets(groupId: string, offsets: PartitionOffset[]): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface Producer {
  /** Resolves once every record is acknowledged; rejects with a BusError otherwise. */
  send(records: OutRecord[]): Promise<RecordPosition[]>;
  /** Begin a transaction (requires `transactionalId`). One at a time per producer. */
  transaction(): Promise<Transaction>;
  close(): Promise<void>;
}

export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  /** Where a group with no committed offset starts. Default: true (earliest). */
  fromBeginning?: boolean;
  /** Called after partitions are assigned to this member, before their first batch. */
  onAssigned?: (assigned: TopicPartitions[]) => Promise<void> | void;
  /** Called when partitions are taken away (rebalance, close), after their last batch. */
  onRevoked?: (revoked: TopicPartitions[]) => Promise<void> | void;
  /** Upper bound on records per batch handed to the handler. Default 1000. */
  maxBatchRecords?: number;
  /** Session timeout for group membership (Kafka). Default 10000. */
  sessionTimeoutMs?: number;
  /**
   * Added: delay before a batch whose handler threw is delivered again; doubles on each
   * consecutive failure of the same partition, up to 30x this value. Default 200.
   */
  retryBackoffMs?: number;
  /** Added: told about every handler failure (the batch is then delivered again). */
  onError?: (error: unknown, batch: InBatch) => void;
}

export type BatchHandler = (batch: InBatch) => Promise<void>;

export interface Consumer {
  /** Start consuming; returns once the member joined its group. Batches go to `handler`. */
  run(handler: BatchHandler): Promise<void>;
  /** Commit the next offsets to read, for partitions this member owns. */
  commit(offsets: PartitionOffset[]): Promise<void>;
  /** Leave the group. Uncommitted work is delivered again to whoever takes the partition. */
  close(): Promise<void>;
  /** Added: the partitions this member owns now (empty before `run` and after `close`). */
  assignment(): TopicPartitions[];
}

export interface Bus {
  readonly kind: 'kafka' | 'memory';
  /** Create topics that do not exist yet (existing ones are left alone). */
  ensureTopics(specs: TopicSpec[]): Promise<void>;
  producer(options?: ProducerOptions): Promise<Producer>;
  consumer(options: ConsumerOptions): Consumer;
  /**
   * Read one partition from its beginning to its end as of the call, outside any group, read
   * committed (added by the lead for state restore: the detector reads its compacted state
   * topic partition on assignment). Kafka: a throwaway consumer assigned just that partition,
   * stopping at the high watermark (an empty partition returns at once). Memory: a copy.
   * Kafka detail: the end is the last stable offset when called, so records of a transaction
   * whose commit markers are still being written (milliseconds after `commit()` resolved) can
   * be missed; its consumer offsets are not yet visible either, so state and offsets agree.
   */
  readPartition(topic: string, partition: number): Promise<InRecord[]>;
  /** Close every producer and consumer this bus made. Idempotent. */
  shutdown(): Promise<void>;
}
