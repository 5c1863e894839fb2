// The in-process Bus: the same contract as Kafka for the embedded single-process mode and for
// unit tests. Everything lives in this process's memory and is lost when it exits.
//
// Model (mirrors Kafka where it matters to callers):
// - A topic has N partitions; a partition is a log of records with increasing offsets (gaps
//   appear after compaction). Keys pick partitions with Kafka's murmur2 partitioner, so a key
//   lands on the same partition number here and on a Kafka topic with as many partitions.
// - Consumer groups: members subscribed to a topic share its partitions, co-partitioned as the
//   Kafka bus assigns them (assignment.ts: partition p of every topic to one member). A join or leave is an eager rebalance: every member's batch in
//   flight finishes, every member gets onRevoked(all it had), the partitions are re-split, every
//   member gets onAssigned(all it now has) and resumes at the committed offsets; so uncommitted
//   work is delivered again, as with Kafka.
// - Transactions buffer records and offsets in the producer and apply them together on commit
//   (nothing is visible before; abort discards). Kafka instead appends at send time and hides
//   the records from read-committed consumers until the commit marker; the visible outcome is
//   the same except that the records get their offsets at commit time here.
// - A newer producer with the same transactionalId fences the older one (BUS_FENCED).
// - Bounded memory: each partition keeps at most maxRecordsPerPartition records and
//   maxBytesPerPartition bytes; beyond that the oldest records are dropped (like Kafka's size
//   retention; a group whose position falls behind the log start continues at the log start).
//   Compacted topics keep the latest record per key, compacting after every
//   max(compactionMinRecords, live keys) appends (and before anything is dropped at the bound),
//   so a compacted partition holds O(keys) records; live state beyond the bound is still lost,
//   so size the bound for the state it must hold. Trimming ignores group commits on purpose:
//   state topics are read with readPartition, never committed, and must not lose live keys.
// - Topics are created by ensureTopics; producing to or consuming an unknown topic fails with
//   BUS_UNKNOWN_TOPIC unless `autoCreatePartitions` > 0 (then it is created on first use).
// Cost: send is O(records) plus amortised O(1) trimming; a consumer batch is O(log n + batch).
import { copartitionedPlan } from './assignment.js';
import { BusError, toBusError } from './errors.js';
import { groupPartitions, keyBytes, rebalanceCallback, recordSize, retryDelayMs, sleep, tpKey } from './common.js';
import { partitionForKey } from './murmur2.js';
import {
  CONSUMER_DEFAULTS, parseOffset, resolveMemoryOptions, validateConsumerOptions,
  type MemoryBusOptions, type ResolvedMemoryOptions,
} from './options.js';
import type {
  BatchHandler, Bus, Consumer, ConsumerOptions, InBatch, InRecord, OutRecord, PartitionOffset, Producer,
  ProducerOptions, RecordPosition, TopicPartitions, TopicSpec, Transaction,
} from './types.js';

interface StoredRecord {
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestampMs: number;
  size: number;
}

/** A stored record as a consumer or readPartition hands it out (headers copied). */
function inRecordOf(topic: string, partition: number, r: StoredRecord): InRecord {
  return { topic, partition, offset: String(r.offset), key: r.key, value: r.value, headers: { ...r.headers }, timestampMs: r.timestampMs };
}

class PartitionLog {
  records: StoredRecord[] = [];
  nextOffset = 0;
  bytes = 0;
  appendsSinceCompaction = 0;
  liveKeys = 0;

  startOffset(): number {
    return this.records.length > 0 ? this.records[0].offset : this.nextOffset;
  }

  /** Index of the first record with offset >= `offset` (binary search; offsets increase). */
  indexOf(offset: number): number {
    let lo = 0;
    let hi = this.records.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.records[mid].offset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

class TopicState {
  readonly logs: PartitionLog[];
  /** Consumers to wake when records are appended. */
  readonly subscribers = new Set<{ kick(): void }>();
  constructor(readonly spec: TopicSpec) {
    this.logs = Array.from({ length: spec.partitions }, () => new PartitionLog());
  }
  notify(): void {
    for (const s of this.subscribers) s.kick();
  }
}

class GroupState {
  committed = new Map<string, number>();
  members: MemoryConsumer[] = [];
  /** Serialises rebalances of this group. */
  lock: Promise<void> = Promise.resolve();
  nextMemberId = 0;
}

interface PendingTxn {
  records: OutRecord[];
  offsets: Array<{ groupId: string; offsets: PartitionOffset[] }>;
}

export class MemoryBus implements Bus {
  readonly kind = 'memory' as const;
  readonly options: ResolvedMemoryOptions;
  private readonly topics = new Map<string, TopicState>();
  private readonly groups = new Map<string, GroupState>();
  private readonly producers = new Set<MemoryProducer>();
  private readonly consumers = new Set<MemoryConsumer>();
  private readonly txnEpochs = new Map<string, number>();
  private closed = false;

  constructor(options: MemoryBusOptions = {}) {
    this.options = resolveMemoryOptions(options);
  }

  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    this.assertOpen();
    for (const spec of specs) {
      if (typeof spec.topic !== 'string' || !/^[a-zA-Z0-9._-]{1,249}$/.test(spec.topic)) {
        throw new BusError('BUS_INVALID', `ensureTopics: invalid topic name ${JSON.stringify(spec.topic)}`);
      }
      if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
        throw new BusError('BUS_INVALID', `ensureTopics: 'partitions' of ${spec.topic} must be a positive integer, got ${spec.partitions}`);
      }
      if (!this.topics.has(spec.topic)) this.topics.set(spec.topic, new TopicState({ ...spec }));
    }
  }

  async producer(options: ProducerOptions = {}): Promise<Producer> {
    this.assertOpen();
    let epoch = 0;
    if (options.transactionalId !== undefined) {
      if (typeof options.transactionalId !== 'string' || options.transactionalId === '') {
        throw new BusError('BUS_INVALID', `producer: 'transactionalId' must be a non-empty string, got ${JSON.stringify(options.transactionalId)}`);
      }
      // Like InitProducerId: a new epoch fences every older producer with this id.
      epoch = (this.txnEpochs.get(options.transactionalId) ?? 0) + 1;
      this.txnEpochs.set(options.transactionalId, epoch);
    }
    const p = new MemoryProducer(this, options.transactionalId, epoch);
    this.producers.add(p);
    return p;
  }

  consumer(options: ConsumerOptions): Consumer {
    this.assertOpen();
    validateConsumerOptions(options);
    const c = new MemoryConsumer(this, options);
    this.consumers.add(c);
    return c;
  }

  async readPartition(topic: string, partition: number): Promise<InRecord[]> {
    this.assertOpen();
    const log = this.topic(topic).logs[partition];
    if (!log) throw new BusError('BUS_INVALID', `readPartition: ${topic} has no partition ${partition}`);
    await Promise.resolve();
    return log.records.map((r) => inRecordOf(topic, partition, r));
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.consumers].map((c) => c.close()));
    await Promise.all([...this.producers].map((p) => p.close()));
    this.closed = true;
  }

  // --- internals used by producers and consumers ------------------------------------------

  assertOpen(): void {
    if (this.closed) throw new BusError('BUS_CLOSED', 'the bus was shut down');
  }

  /** Number of records a partition holds now (tests and stats). */
  partitionSize(topic: string, partition: number): { records: number; bytes: number; startOffset: string; endOffset: string } {
    const log = this.topic(topic).logs[partition];
    if (!log) throw new BusError('BUS_INVALID', `${topic} has no partition ${partition}`);
    return { records: log.records.length, bytes: log.bytes, startOffset: String(log.startOffset()), endOffset: String(log.nextOffset) };
  }

  /** The committed offset of a group for a partition, or null (tests and stats). */
  committedOffset(groupId: string, topic: string, partition: number): string | null {
    const v = this.groups.get(groupId)?.committed.get(tpKey(topic, partition));
    return v === undefined ? null : String(v);
  }

  topic(name: string): TopicState {
    let t = this.topics.get(name);
    if (!t) {
      if (this.options.autoCreatePartitions > 0 && /^[a-zA-Z0-9._-]{1,249}$/.test(name)) {
        t = new TopicState({ topic: name, partitions: this.options.autoCreatePartitions });
        this.topics.set(name, t);
      } else {
        throw new BusError('BUS_UNKNOWN_TOPIC', `unknown topic '${name}' (create it with ensureTopics)`);
      }
    }
    return t;
  }

  group(groupId: string): GroupState {
    let g = this.groups.get(groupId);
    if (!g) {
      g = new GroupState();
      this.groups.set(groupId, g);
    }
    return g;
  }

  isCurrentEpoch(transactionalId: string, epoch: number): boolean {
    return this.txnEpochs.get(transactionalId) === epoch;
  }

  forgetProducer(p: MemoryProducer): void {
    this.producers.delete(p);
  }

  forgetConsumer(c: MemoryConsumer): void {
    this.consumers.delete(c);
  }

  /** Check every record first so that a batch is appended entirely or not at all. */
  validate(records: OutRecord[]): Array<{ topic: TopicState; partition: number; key: Buffer | null; size: number }> {
    if (!Array.isArray(records)) throw new BusError('BUS_INVALID', 'send: records must be an array');
    return records.map((r, i) => {
      const topic = this.topic(r.topic);
      const key = keyBytes(r.key);
      if (r.value !== null && !Buffer.isBuffer(r.value)) {
        throw new BusError('BUS_INVALID', `send: record ${i} of ${r.topic}: value must be a Buffer or null`);
      }
      const size = recordSize(key, r.value, r.headers);
      if (size > this.options.maxRecordBytes) {
        throw new BusError('BUS_RECORD_TOO_LARGE', `send: record ${i} of ${r.topic} is ${size} bytes, the limit is ${this.options.maxRecordBytes}`);
      }
      let partition: number;
      if (r.partition !== undefined) {
        if (!Number.isInteger(r.partition) || r.partition < 0 || r.partition >= topic.spec.partitions) {
          throw new BusError('BUS_INVALID', `send: ${r.topic} has no partition ${r.partition} (it has ${topic.spec.partitions})`);
        }
        partition = r.partition;
      } else if (key !== null) {
        partition = partitionForKey(key, topic.spec.partitions);
      } else {
        partition = -1; // chosen by the producer (round-robin)
      }
      return { topic, partition, key, size };
    });
  }

  append(topic: TopicState, partition: number, r: OutRecord, key: Buffer | null, size: number): number {
    const log = topic.logs[partition];
    const offset = log.nextOffset++;
    log.records.push({
      offset,
      key,
      value: r.value,
      headers: { ...(r.headers ?? {}) },
      timestampMs: r.timestampMs ?? this.options.now(),
      size,
    });
    log.bytes += size;
    if (topic.spec.compacted) {
      log.appendsSinceCompaction += 1;
      if (log.appendsSinceCompaction >= Math.max(this.options.compactionMinRecords, log.liveKeys)) compact(log);
    }
    this.retain(log, topic.spec.compacted === true);
    return offset;
  }

  private retain(log: PartitionLog, compacted: boolean): void {
    const { maxRecordsPerPartition: maxN, maxBytesPerPartition: maxB } = this.options;
    if (log.records.length <= maxN && log.bytes <= maxB) return;
    // A compacted (state) topic first drops superseded values; only live state beyond the bound
    // is lost, which the bound's documentation warns about.
    if (compacted) {
      compact(log);
      if (log.records.length <= maxN && log.bytes <= maxB) return;
    }
    // Trim to 90% of the bound so the O(n) splice is amortised over many appends.
    const targetN = Math.floor(maxN * 0.9);
    const targetB = Math.floor(maxB * 0.9);
    let drop = 0;
    let bytes = log.bytes;
    while (drop < log.records.length && (log.records.length - drop > targetN || bytes > targetB)) {
      bytes -= log.records[drop].size;
      drop += 1;
    }
    log.records.splice(0, drop);
    log.bytes = bytes;
  }
}

/** Keep the latest record per key (records without a key are kept). O(n) time and memory. */
function compact(log: PartitionLog): void {
  const seen = new Set<string>();
  const kept: StoredRecord[] = [];
  for (let i = log.records.length - 1; i >= 0; i--) {
    const r = log.records[i];
    if (r.key !== null) {
      const k = r.key.toString('latin1');
      if (seen.has(k)) continue;
      seen.add(k);
    }
    kept.push(r);
  }
  kept.reverse();
  log.records = kept;
  log.bytes = kept.reduce((s, r) => s + r.size, 0);
  log.appendsSinceCompaction = 0;
  log.liveKeys = seen.size;
}

class MemoryProducer implements Producer {
  private closed = false;
  private txn: PendingTxn | null = null;
  private readonly roundRobin = new Map<string, number>();

  constructor(
    private readonly bus: MemoryBus,
    private readonly transactionalId: string | undefined,
    private readonly epoch: number,
  ) {}

  async send(records: OutRecord[]): Promise<RecordPosition[]> {
    this.assertUsable();
    const positions = this.appendAll(records);
    // Resolve asynchronously, like an acknowledgement from a broker.
    await Promise.resolve();
    return positions;
  }

  private appendAll(records: OutRecord[]): RecordPosition[] {
    const checked = this.bus.validate(records);
    const touched = new Set<TopicState>();
    const positions = checked.map((c, i) => {
      let partition = c.partition;
      if (partition < 0) {
        const n = this.roundRobin.get(c.topic.spec.topic) ?? 0;
        this.roundRobin.set(c.topic.spec.topic, n + 1);
        partition = n % c.topic.spec.partitions;
      }
      const offset = this.bus.append(c.topic, partition, records[i], c.key, c.size);
      touched.add(c.topic);
      return { topic: c.topic.spec.topic, partition, offset: String(offset) };
    });
    for (const t of touched) t.notify();
    return positions;
  }

  async transaction(): Promise<Transaction> {
    this.assertUsable();
    if (this.transactionalId === undefined) {
      throw new BusError('BUS_INVALID', 'transaction() needs a producer created with a transactionalId');
    }
    if (this.txn !== null) throw new BusError('BUS_INVALID', 'a transaction is already open on this producer');
    const txn: PendingTxn = { records: [], offsets: [] };
    this.txn = txn;
    let done = false;
    const check = (): void => {
      this.assertUsable();
      if (done || this.txn !== txn) throw new BusError('BUS_INVALID', 'the transaction is already committed or aborted');
    };
    return {
      send: async (records) => {
        check();
        this.bus.validate(records); // fail early, like Kafka would at send time
        txn.records.push(...records);
      },
      sendOffsets: async (groupId, offsets) => {
        check();
        for (const o of offsets) {
          parseOffset('sendOffsets', o.offset);
          this.bus.topic(o.topic);
        }
        txn.offsets.push({ groupId, offsets: offsets.map((o) => ({ ...o })) });
      },
      commit: async () => {
        check();
        done = true;
        this.txn = null;
        // Records and offsets become visible in the same synchronous step: no consumer can
        // observe one without the other.
        this.appendAll(txn.records);
        for (const { groupId, offsets } of txn.offsets) {
          const g = this.bus.group(groupId);
          for (const o of offsets) g.committed.set(tpKey(o.topic, o.partition), parseOffset('sendOffsets', o.offset));
        }
        await Promise.resolve();
      },
      abort: async () => {
        if (done) throw new BusError('BUS_INVALID', 'the transaction is already committed or aborted');
        done = true;
        if (this.txn === txn) this.txn = null;
        await Promise.resolve();
      },
    };
  }

  private assertUsable(): void {
    if (this.closed) throw new BusError('BUS_CLOSED', 'the producer was closed');
    this.bus.assertOpen();
    if (this.transactionalId !== undefined && !this.bus.isCurrentEpoch(this.transactionalId, this.epoch)) {
      this.txn = null;
      throw new BusError('BUS_FENCED', `producer '${this.transactionalId}' was fenced by a newer producer with the same transactionalId`);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.txn = null; // an open transaction is aborted
    this.bus.forgetProducer(this);
  }
}

class MemoryConsumer implements Consumer {
  readonly memberId: string;
  private readonly group: GroupState;
  private readonly opts: Required<Pick<ConsumerOptions, 'fromBeginning' | 'maxBatchRecords' | 'retryBackoffMs'>>;
  private handler: BatchHandler | null = null;
  private owned: TopicPartitions[] = [];
  private positions = new Map<string, number>();
  /** Where delivery started at assignment: the fallback when the group has committed nothing. */
  private initial = new Map<string, number>();
  private failures = new Map<string, number>();
  private paused = true;
  private closed = false;
  private closing: Promise<void> | null = null;
  private inFlight: Promise<void> | null = null;
  private kickers = new Set<() => void>();
  /** Set by kick(): something changed since the loop last looked, so it must not sleep. */
  private wakePending = false;
  private rotation = 0;

  constructor(private readonly bus: MemoryBus, private readonly options: ConsumerOptions) {
    this.group = bus.group(options.groupId);
    this.memberId = `${options.groupId}-${this.group.nextMemberId++}`;
    this.opts = {
      fromBeginning: options.fromBeginning ?? CONSUMER_DEFAULTS.fromBeginning,
      maxBatchRecords: options.maxBatchRecords ?? CONSUMER_DEFAULTS.maxBatchRecords,
      retryBackoffMs: options.retryBackoffMs ?? CONSUMER_DEFAULTS.retryBackoffMs,
    };
  }

  assignment(): TopicPartitions[] {
    return this.owned.map((tp) => ({ topic: tp.topic, partitions: [...tp.partitions] }));
  }

  get topics(): string[] {
    return this.options.topics;
  }

  async run(handler: BatchHandler): Promise<void> {
    if (this.closed || this.closing) throw new BusError('BUS_CLOSED', 'the consumer was closed');
    if (this.handler !== null) throw new BusError('BUS_INVALID', 'run() was already called on this consumer');
    for (const t of this.options.topics) this.bus.topic(t); // BUS_UNKNOWN_TOPIC early
    this.handler = handler;
    for (const t of this.options.topics) this.bus.topic(t).subscribers.add(this);
    this.group.members.push(this);
    void this.loop();
    await rebalance(this.bus, this.group, []);
  }

  async commit(offsets: PartitionOffset[]): Promise<void> {
    if (this.closed) throw new BusError('BUS_CLOSED', 'the consumer was closed');
    const parsed = offsets.map((o) => {
      const owns = this.owned.some((tp) => tp.topic === o.topic && tp.partitions.includes(o.partition));
      if (!owns) {
        throw new BusError('BUS_REBALANCED', `commit: ${o.topic}/${o.partition} is not owned by this member (rebalanced)`);
      }
      return { key: tpKey(o.topic, o.partition), offset: parseOffset('commit', o.offset) };
    });
    for (const p of parsed) this.group.committed.set(p.key, p.offset);
    await Promise.resolve();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      const idx = this.group.members.indexOf(this);
      if (idx >= 0) {
        this.group.members.splice(idx, 1);
        await rebalance(this.bus, this.group, [this]);
      }
      this.closed = true;
      this.kick();
      for (const t of this.options.topics) {
        try {
          this.bus.topic(t).subscribers.delete(this);
        } catch {
          // topic never existed
        }
      }
      this.bus.forgetConsumer(this);
    })();
    return this.closing;
  }

  // --- used by rebalance ---------------------------------------------------------------------

  /** Stop starting batches and wait for the one in flight. */
  async pause(): Promise<void> {
    this.paused = true;
    this.kick();
    while (this.inFlight) await this.inFlight;
  }

  async revoke(): Promise<void> {
    const had = this.owned;
    this.owned = [];
    this.positions.clear();
    this.initial.clear();
    if (had.length > 0) await this.callback('onRevoked', had);
  }

  async assign(assigned: TopicPartitions[]): Promise<void> {
    this.owned = assigned;
    this.failures.clear();
    for (const { topic, partitions } of assigned) {
      const t = this.bus.topic(topic);
      for (const p of partitions) {
        const log = t.logs[p];
        const committed = this.group.committed.get(tpKey(topic, p));
        const start = committed ?? (this.opts.fromBeginning ? log.startOffset() : log.nextOffset);
        this.positions.set(tpKey(topic, p), start);
        this.initial.set(tpKey(topic, p), start);
      }
    }
    await this.callback('onAssigned', assigned);
  }

  resume(): void {
    if (this.closed) return;
    this.paused = false;
    this.kick();
  }

  private callback(name: 'onAssigned' | 'onRevoked', tps: TopicPartitions[]): Promise<void> {
    return rebalanceCallback(this.options, name, tps);
  }

  // --- delivery --------------------------------------------------------------------------------

  /** New data in a subscribed topic, a rebalance or close: wake the delivery loop. */
  kick(): void {
    this.wakePending = true;
    const k = this.kickers;
    this.kickers = new Set();
    for (const f of k) f();
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      this.wakePending = false;
      let delivered = false;
      if (!this.paused) {
        const tps = this.owned.flatMap(({ topic, partitions }) => partitions.map((partition) => ({ topic, partition })));
        for (let i = 0; i < tps.length && !this.paused && !this.closed; i++) {
          const { topic, partition } = tps[(this.rotation + i) % tps.length];
          const work = this.deliver(topic, partition);
          if (work === null) continue;
          this.inFlight = work;
          try {
            await work;
          } finally {
            this.inFlight = null;
          }
          delivered = true;
        }
        this.rotation += 1;
      }
      if (!delivered && !this.wakePending && !this.closed) {
        await new Promise<void>((resolve) => this.kickers.add(resolve));
      }
    }
  }

  /** Deliver one batch of a partition, or return null when there is nothing to deliver. */
  private deliver(topic: string, partition: number): Promise<void> | null {
    const key = tpKey(topic, partition);
    const log = this.bus.topic(topic).logs[partition];
    let pos = this.positions.get(key)!;
    if (pos < log.startOffset()) pos = log.startOffset(); // trimmed by retention
    const from = log.indexOf(pos);
    if (from >= log.records.length) return null;
    const slice = log.records.slice(from, from + this.opts.maxBatchRecords);
    const records: InRecord[] = slice.map((r) => inRecordOf(topic, partition, r));
    const batch: InBatch = { topic, partition, records, highWatermark: String(log.nextOffset) };
    const handler = this.handler!;
    return (async () => {
      try {
        await handler(batch);
        this.positions.set(key, slice[slice.length - 1].offset + 1);
        this.failures.delete(key);
      } catch (err) {
        const n = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, n);
        try {
          this.options.onError?.(err, batch);
        } catch {
          // the error hook must not break delivery
        }
        await sleep(retryDelayMs(this.opts.retryBackoffMs, n));
        // Redeliver from the last committed offset (or where this assignment started).
        if (this.positions.has(key)) {
          this.positions.set(key, this.group.committed.get(key) ?? this.initial.get(key)!);
        }
      }
    })();
  }
}

/**
 * Eager rebalance of a group: pause every member (and the leaving ones), wait for their batches
 * in flight, revoke everything, split the partitions again, assign, resume. Serialised per group.
 */
function rebalance(bus: MemoryBus, group: GroupState, leaving: MemoryConsumer[]): Promise<void> {
  const run = async (): Promise<void> => {
    const members = [...group.members];
    const everyone = [...members, ...leaving];
    await Promise.all(everyone.map((m) => m.pause()));
    for (const m of everyone) await m.revoke();
    const plan = assign(bus, members);
    for (const m of members) await m.assign(plan.get(m) ?? []);
    for (const m of members) m.resume();
  };
  const next = group.lock.then(run, run);
  group.lock = next.catch(() => {});
  return next.catch((err) => {
    throw toBusError(err, 'rebalance');
  });
}

/** Co-partitioned, as the Kafka bus assigns (kafka-assigner.ts): partition p of every topic to one member. */
function assign(bus: MemoryBus, members: MemoryConsumer[]): Map<MemoryConsumer, TopicPartitions[]> {
  const byId = new Map(members.map((m) => [m.memberId, m]));
  const plan = copartitionedPlan(members.map((m) => ({ memberId: m.memberId, topics: m.topics })), (topic) => Array.from({ length: bus.topic(topic).spec.partitions }, (_, p) => p));
  const out = new Map<MemoryConsumer, TopicPartitions[]>();
  for (const [id, assignment] of plan) {
    const list = Object.entries(assignment).flatMap(([topic, partitions]) => partitions.map((partition) => ({ topic, partition })));
    if (list.length) out.set(byId.get(id)!, groupPartitions(list));
  }
  return out;
}

/** An in-process Bus (see the top of this file for its semantics). */
export function createMemoryBus(options: MemoryBusOptions = {}): MemoryBus {
  return new MemoryBus(options);
}
