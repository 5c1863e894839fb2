// One transactional consume-transform-produce loop (exactly once, read committed), for every
// stage that reads topics, derives records from them and must neither lose nor double any: the
// detector and the rekey stage use it; each brings only its per-partition transform.
//
// How it keeps exactly once (Kafka's read-process-write pattern, KIP-98; the Java client's
// `sendOffsetsToTransaction`): each owned input partition has a unit of work holding the records
// derived from it since the last commit and the next offset to read. Every `commitIntervalMs`
// (and whenever `maxPendingRecords` wait, and before partitions are revoked) ONE transaction
// carries the derived records of every changed partition, whatever `seal` adds for it (a state
// snapshot) and the consumed offsets of the group: all or nothing. When a transaction fails, the
// in-memory work is ahead of what committed, so it is dropped, the consumer is restarted and
// reads again from the committed offsets (batches handed over meanwhile are refused, so the bus
// delivers them again). A crashed process is the same case: the broker aborts its open
// transaction and the next owner of its partitions replays from the committed offsets.
import type { Bus, Consumer, InBatch, OutRecord, PartitionOffset, Producer, TopicPartitions, Transaction } from './types.js';

/** The loop's state for one owned input partition; `state` is the stage's own. */
export interface PartitionWork<S> {
  readonly topic: string;
  readonly partition: number;
  state: S;
  /** Records derived since the last commit, for the next transaction. */
  pending: OutRecord[];
  /** Next offset to read; null until a record was taken (or a restore said where to resume). */
  nextOffset: bigint | null;
  /** Offset the last commit of this partition carried (or the restored one). */
  committedOffset: bigint | null;
  /** Something changed since the last commit (records taken, state advanced). */
  dirty: boolean;
}

/** What a stage restores for a partition it starts to own. */
export interface OpenedPartition<S> {
  state: S;
  /** Where the restored state ends (the next offset it has not seen), or null for a fresh start. */
  nextOffset: bigint | null;
  /** Outputs owed right after the restore (e.g. a join catching up with its table); committed with the next transaction. */
  pending?: OutRecord[];
}

/** What one transaction carried, handed to `committed` / `aborted`. */
export interface SealedTransaction<S> {
  records: OutRecord[];
  offsets: PartitionOffset[];
  partitions: Array<PartitionWork<S>>;
}

export interface LoopEventLog {
  event(name: string, fields?: Record<string, unknown>, level?: 'debug' | 'info' | 'warn' | 'error'): void;
}

export interface TransactionalLoopOptions<S> {
  bus: Bus;
  /** Consumer group; its offsets commit inside the transactions. */
  groupId: string;
  topics: string[];
  /** Unique per process: a newer producer with the same id fences this one. */
  transactionalId: string;
  commitIntervalMs: number;
  /** Commit early once one partition holds this many pending records (bounds memory). Default 20 000. */
  maxPendingRecords?: number;
  /** `<prefix>: restarting after an aborted transaction` in refused batches. */
  name: string;
  log: LoopEventLog;
  /** Restore (or create) a partition's state when it is assigned or first seen. */
  open(topic: string, partition: number): Promise<OpenedPartition<S>> | OpenedPartition<S>;
  /**
   * Transform one batch: push derived records to `work.pending`, move `work.nextOffset` on and set
   * `work.dirty`. Throwing refuses the batch; the bus delivers it again from the committed offset.
   */
  process(batch: InBatch, work: PartitionWork<S>, loop: TransactionalLoop<S>): Promise<void> | void;
  /** Records that must commit with a partition's pending ones (a snapshot of its state); called as it is sealed. */
  seal?(work: PartitionWork<S>): OutRecord[];
  /** Before each timed commit (and `commitNow`): e.g. advance idle partitions' event time. */
  beforeCommit?(loop: TransactionalLoop<S>): void;
  committed?(txn: SealedTransaction<S>): void;
  /** The transaction failed; its records were not written and will be derived again. */
  aborted?(txn: SealedTransaction<S>, err: unknown): void;
  /** The number of owned partitions changed. */
  partitionsChanged?(count: number): void;
}

export interface TransactionalLoop<S> {
  /** Create the transactional producer, join the group, start the commit timer. */
  start(): Promise<void>;
  /** `beforeCommit`, then commit what is pending now. Commits never overlap. */
  commitNow(): Promise<void>;
  /** Commit what is pending, leave the group, close the producer (no deadline: race it yourself). Idempotent. */
  close(): Promise<void>;
  /** Die as a killed process would: leave the group and drop everything not committed. */
  abandon(): Promise<void>;
  /** Forget a partition's work (it is opened again on its next batch). */
  forget(topic: string, partition: number): void;
  /** The partitions owned now, with their work. */
  partitions(): IterableIterator<PartitionWork<S>>;
  /** True between a failed transaction and the restart that drops its work. */
  readonly poisoned: boolean;
  readonly stats: { commits: number; aborts: number };
}

export function createTransactionalLoop<S>(options: TransactionalLoopOptions<S>): TransactionalLoop<S> {
  const { bus, log } = options;
  const maxPending = options.maxPendingRecords ?? 20_000;
  const work = new Map<string, PartitionWork<S>>();
  const key = (topic: string, partition: number): string => `${topic}#${partition}`;
  const stats = { commits: 0, aborts: 0 };
  let consumer: Consumer | null = null;
  let producer: Producer | null = null;
  let timer: NodeJS.Timeout | null = null;
  let committing: Promise<void> = Promise.resolve();
  let closing: Promise<void> | null = null;
  let stopped = false;
  let restarting = false;
  let poisoned = false;

  const changed = (): void => options.partitionsChanged?.(work.size);

  async function open(topic: string, partition: number): Promise<PartitionWork<S>> {
    const opened = await options.open(topic, partition);
    const w: PartitionWork<S> = {
      topic, partition, state: opened.state, pending: opened.pending ?? [], nextOffset: opened.nextOffset, committedOffset: opened.nextOffset,
      dirty: (opened.pending?.length ?? 0) > 0,
    };
    work.set(key(topic, partition), w);
    changed();
    return w;
  }

  const onAssigned = async (assigned: TopicPartitions[]): Promise<void> => {
    for (const { topic, partitions } of assigned) {
      for (const p of partitions) if (!work.has(key(topic, p))) await open(topic, p);
    }
  };

  const onRevoked = async (revoked: TopicPartitions[]): Promise<void> => {
    // Commit what was read from them first, so the next owner starts where we stopped.
    await commit().catch(() => undefined);
    for (const { topic, partitions } of revoked) for (const p of partitions) work.delete(key(topic, p));
    changed();
  };

  const handle = async (batch: InBatch): Promise<void> => {
    // Refuse work on state that ran ahead of the last commit; the bus delivers it again from
    // the committed offsets once the consumer has restarted.
    if (poisoned) throw new Error(`${options.name}: restarting after an aborted transaction`);
    const w = work.get(key(batch.topic, batch.partition)) ?? (await open(batch.topic, batch.partition));
    await options.process(batch, w, loop);
    if (w.pending.length >= maxPending) await commit();
  };

  function commit(): Promise<void> {
    const next = committing.then(commitOnce);
    committing = next.catch(() => undefined);
    return next;
  }

  async function commitOnce(): Promise<void> {
    if (!producer || poisoned) return;
    const dirty = [...work.values()].filter((w) => w.dirty && w.nextOffset !== null);
    if (dirty.length === 0) return;
    // Take everything synchronously: state, outputs and offsets describe the same instant.
    const txn: SealedTransaction<S> = { records: [], offsets: [], partitions: dirty };
    for (const w of dirty) {
      for (const o of w.pending) txn.records.push(o);
      if (options.seal) for (const o of options.seal(w)) txn.records.push(o);
      txn.offsets.push({ topic: w.topic, partition: w.partition, offset: (w.nextOffset as bigint).toString() });
      w.pending = [];
      w.dirty = false;
    }
    let t: Transaction | null = null;
    try {
      // Inside the try: the work is already taken, so a transaction that cannot even begin
      // must be handled as an aborted one (re-read), or its records would be lost.
      t = await producer.transaction();
      if (txn.records.length > 0) await t.send(txn.records);
      await t.sendOffsets(options.groupId, txn.offsets);
      await t.commit();
    } catch (err) {
      await t?.abort().catch(() => undefined);
      stats.aborts++;
      log.event('transaction_aborted', { err: (err as Error).message, partitions: txn.offsets.length }, 'warn');
      options.aborted?.(txn, err);
      // The in-memory work ran ahead of what committed: drop it and re-read from the committed
      // point. The restart is not awaited here: this may run inside a rebalance callback of the
      // very consumer it closes.
      poisoned = true;
      work.clear();
      setImmediate(() => {
        restart().catch((e: unknown) => log.event('restart_failed', { err: (e as Error).message }, 'error'));
      });
      throw err;
    }
    for (const w of dirty) w.committedOffset = w.nextOffset;
    stats.commits++;
    options.committed?.(txn);
  }

  async function startConsumer(): Promise<void> {
    consumer = bus.consumer({ groupId: options.groupId, topics: options.topics, fromBeginning: true, onAssigned, onRevoked });
    await consumer.run(handle);
  }

  async function restart(): Promise<void> {
    if (restarting || stopped) return;
    restarting = true;
    try {
      const old = consumer;
      consumer = null;
      work.clear();
      await old?.close().catch(() => undefined);
      work.clear();
      changed();
      poisoned = false;
      await startConsumer();
    } finally {
      restarting = false;
    }
  }

  const loop: TransactionalLoop<S> = {
    stats,
    get poisoned() {
      return poisoned;
    },
    async start() {
      producer = await bus.producer({ transactionalId: options.transactionalId });
      await startConsumer();
      timer = setInterval(() => {
        if (!poisoned) options.beforeCommit?.(loop);
        commit().catch(() => undefined);
      }, options.commitIntervalMs);
      timer.unref();
    },
    commitNow() {
      if (!poisoned) options.beforeCommit?.(loop);
      return commit();
    },
    close() {
      closing ??= (async () => {
        stopped = true;
        if (timer) clearInterval(timer);
        await commit().catch(() => undefined);
        await consumer?.close();
        await producer?.close();
      })();
      return closing;
    },
    async abandon() {
      stopped = true;
      if (timer) clearInterval(timer);
      const c = consumer;
      consumer = null;
      producer = null;
      work.clear();
      await c?.close().catch(() => undefined);
    },
    forget(topic, partition) {
      work.delete(key(topic, partition));
      changed();
    },
    partitions() {
      return work.values();
    },
  };
  return loop;
}

/** Resolve when `work` settles or after `deadlineMs`, whichever is first (a shutdown bound). */
export async function withDeadline(work: Promise<unknown>, deadlineMs: number): Promise<void> {
  let t: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((r) => {
    t = setTimeout(r, deadlineMs);
    t.unref();
  });
  try {
    await Promise.race([work.then(() => undefined), deadline]);
  } finally {
    clearTimeout(t);
  }
}
