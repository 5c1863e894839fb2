// The Bus contract suite: one set of tests that every Bus implementation must pass
// (memory: src/memory-bus.test.ts in the unit project; Kafka: test/kafka-bus.test.ts in the
// integration project). Each test uses fresh topic and group names from `name()`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus, Consumer, ConsumerOptions, InBatch, InRecord, TopicPartitions } from '../src/types.js';
import { partitionForKey } from '../src/murmur2.js';

export interface ContractOptions {
  /** A fresh, unused name for a topic or a group. */
  name: (prefix: string) => string;
  /** Consumer settings every test consumer gets (e.g. a short session timeout for Kafka). */
  consumerDefaults?: Partial<ConsumerOptions>;
  /** How long to wait for something that should happen (not a timing assertion). */
  waitMs?: number;
}

const buf = (s: string): Buffer => Buffer.from(s, 'utf8');
const str = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'));

export async function waitFor(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A consumer that records every batch it is handed; `fail` decides whether a batch throws. */
interface Recorder {
  consumer: Consumer;
  batches: InBatch[];
  records: InRecord[];
  assigned: TopicPartitions[][];
  revoked: TopicPartitions[][];
  errors: unknown[];
}

export function runBusContract(label: string, makeBus: () => Bus | Promise<Bus>, opts: ContractOptions): void {
  const waitMs = opts.waitMs ?? 30_000;
  describe(`Bus contract: ${label}`, () => {
    let bus: Bus;
    beforeAll(async () => {
      bus = await makeBus();
    });
    afterAll(async () => {
      await bus?.shutdown();
    });

    async function topic(prefix: string, partitions: number): Promise<string> {
      const t = opts.name(prefix);
      await bus.ensureTopics([{ topic: t, partitions }]);
      return t;
    }

    async function start(
      groupId: string,
      topics: string[],
      onBatch?: (b: InBatch, c: Consumer) => Promise<void> | void,
      extra: Partial<ConsumerOptions> = {},
    ): Promise<Recorder> {
      const rec: Recorder = { consumer: undefined as unknown as Consumer, batches: [], records: [], assigned: [], revoked: [], errors: [] };
      rec.consumer = bus.consumer({
        ...opts.consumerDefaults,
        retryBackoffMs: 50,
        ...extra,
        groupId,
        topics,
        onAssigned: (a) => {
          rec.assigned.push(a);
        },
        onRevoked: (r) => {
          rec.revoked.push(r);
        },
        onError: (err) => {
          rec.errors.push(err);
        },
      });
      await rec.consumer.run(async (b) => {
        await onBatch?.(b, rec.consumer);
        rec.batches.push(b);
        rec.records.push(...b.records);
      });
      return rec;
    }

    it('send resolves with positions; a consumer receives the records as sent', async () => {
      const t = await topic('basic', 3);
      const producer = await bus.producer();
      const positions = await producer.send([
        { topic: t, key: 'a', value: buf('one'), headers: { h: 'x' }, timestampMs: 1_700_000_000_000 },
        { topic: t, key: 'b', value: buf('two') },
        { topic: t, key: null, value: null, partition: 2 },
      ]);
      expect(positions).toHaveLength(3);
      expect(positions[0].partition).toBe(partitionForKey('a', 3));
      expect(positions[1].partition).toBe(partitionForKey('b', 3));
      expect(positions[2].partition).toBe(2);
      const c = await start(opts.name('g-basic'), [t]);
      await waitFor('3 records', () => c.records.length >= 3, waitMs);
      const one = c.records.find((r) => str(r.value) === 'one')!;
      expect(one.headers).toEqual({ h: 'x' });
      expect(str(one.key)).toBe('a');
      expect(one.timestampMs).toBe(1_700_000_000_000);
      expect({ partition: one.partition, offset: one.offset }).toEqual({ partition: positions[0].partition, offset: positions[0].offset });
      const nul = c.records.find((r) => r.partition === 2 && r.value === null)!;
      expect(nul.offset).toBe(positions[2].offset);
      expect(c.assigned[0].flatMap((a) => a.partitions).sort()).toEqual([0, 1, 2]);
      for (const b of c.batches) {
        expect(b.records.every((r) => r.partition === b.partition && r.topic === b.topic)).toBe(true);
        expect(BigInt(b.highWatermark)).toBeGreaterThan(BigInt(b.records.at(-1)!.offset));
      }
      await c.consumer.close();
      await producer.close();
    });

    it('keeps per-key order and puts each key on its murmur2 partition', async () => {
      const t = await topic('order', 4);
      const producer = await bus.producer();
      const keys = ['k0', 'k1', 'k2', 'k3', 'k4'];
      for (let round = 0; round < 4; round++) {
        await producer.send(Array.from({ length: 10 }, (_, i) => ({ topic: t, key: keys[i % 5], value: buf(String(round * 10 + i)) })));
      }
      const c = await start(opts.name('g-order'), [t], undefined, { maxBatchRecords: 3 });
      await waitFor('40 records', () => c.records.length >= 40, waitMs);
      expect(c.batches.every((b) => b.records.length <= 3)).toBe(true);
      for (const k of keys) {
        const mine = c.records.filter((r) => str(r.key) === k);
        expect(mine).toHaveLength(8);
        expect(new Set(mine.map((r) => r.partition))).toEqual(new Set([partitionForKey(k, 4)]));
        const seq = mine.map((r) => Number(str(r.value)));
        expect(seq).toEqual([...seq].sort((a, b) => a - b));
        const offs = mine.map((r) => BigInt(r.offset));
        expect(offs.every((o, i) => i === 0 || o > offs[i - 1])).toBe(true);
      }
      await c.consumer.close();
      await producer.close();
    });

    it('splits partitions between two members of a group and hands them back on leave', async () => {
      const t = await topic('split', 4);
      const g = opts.name('g-split');
      const a = await start(g, [t]);
      const b = await start(g, [t]);
      const parts = (c: Recorder): number[] => c.consumer.assignment().flatMap((x) => x.partitions);
      await waitFor('both members own partitions', () => parts(a).length > 0 && parts(b).length > 0 && parts(a).length + parts(b).length === 4, waitMs);
      expect([...parts(a), ...parts(b)].sort()).toEqual([0, 1, 2, 3]);
      expect(parts(a).filter((p) => parts(b).includes(p))).toEqual([]);
      expect(a.revoked.length).toBeGreaterThan(0); // the first member gave its partitions up to rebalance
      const producer = await bus.producer();
      await producer.send([0, 1, 2, 3].map((p) => ({ topic: t, partition: p, value: buf(`p${p}`) })));
      await waitFor('each member gets its partitions', () => a.records.length + b.records.length >= 4, waitMs);
      expect(new Set(a.records.map((r) => r.partition))).toEqual(new Set(parts(a)));
      expect(new Set(b.records.map((r) => r.partition))).toEqual(new Set(parts(b)));
      await b.consumer.close();
      expect(b.revoked.at(-1)!.flatMap((x) => x.partitions).length).toBeGreaterThan(0);
      expect(b.consumer.assignment()).toEqual([]);
      await waitFor('a owns all 4 after b left', () => parts(a).length === 4, waitMs);
      await a.consumer.close();
      await producer.close();
    });

    it('co-partitions: partition p of every topic a group reads goes to one member', async () => {
      // Two topics keyed alike (a service's spans and metrics) meet in one member whatever the
      // number of members; a round-robin deal over the topic-partitions puts them apart.
      const t1 = await topic('copart-a', 3);
      const t2 = await topic('copart-b', 3);
      const g = opts.name('g-copart');
      const a = await start(g, [t1, t2]);
      const b = await start(g, [t1, t2]);
      const of = (c: Recorder, t: string): number[] => c.consumer.assignment().filter((x) => x.topic === t).flatMap((x) => x.partitions).sort();
      const owned = (c: Recorder): number => of(c, t1).length + of(c, t2).length;
      await waitFor('both members own partitions of both topics', () => owned(a) > 0 && owned(b) > 0 && owned(a) + owned(b) === 6, waitMs);
      for (const c of [a, b]) expect(of(c, t1)).toEqual(of(c, t2));
      expect([...of(a, t1), ...of(b, t1)].sort()).toEqual([0, 1, 2]);
      // The same key lands on the same partition number of both topics, so in the same member.
      const producer = await bus.producer();
      const keys = Array.from({ length: 12 }, (_, i) => `service-${i}`);
      await producer.send(keys.flatMap((k) => [{ topic: t1, key: k, value: buf('span') }, { topic: t2, key: k, value: buf('metric') }]));
      await waitFor('every record read', () => a.records.length + b.records.length >= 24, waitMs);
      for (const c of [a, b]) {
        const k1 = new Set(c.records.filter((r) => r.topic === t1).map((r) => str(r.key)));
        const k2 = new Set(c.records.filter((r) => r.topic === t2).map((r) => str(r.key)));
        expect(k2).toEqual(k1);
      }
      await b.consumer.close();
      await a.consumer.close();
      await producer.close();
    });

    it('resumes after the committed offset when a member restarts', async () => {
      const t = await topic('commit', 1);
      const g = opts.name('g-commit');
      const producer = await bus.producer();
      await producer.send(Array.from({ length: 5 }, (_, i) => ({ topic: t, value: buf(`r${i}`) })));
      const a = await start(g, [t]);
      await waitFor('5 records', () => a.records.length >= 5, waitMs);
      await a.consumer.commit([{ topic: t, partition: 0, offset: String(BigInt(a.records[2].offset) + 1n) }]);
      await a.consumer.close();
      await producer.send([{ topic: t, value: buf('r5') }]);
      const b = await start(g, [t]);
      await waitFor('records after the commit', () => b.records.length >= 3, waitMs);
      expect(b.records.map((r) => str(r.value))).toEqual(['r3', 'r4', 'r5']);
      await b.consumer.close();
      await producer.close();
    });

    it('delivers uncommitted records again after a restart', async () => {
      const t = await topic('redeliver', 2);
      const g = opts.name('g-redeliver');
      const producer = await bus.producer();
      await producer.send(Array.from({ length: 6 }, (_, i) => ({ topic: t, key: `k${i}`, value: buf(`r${i}`) })));
      const a = await start(g, [t]);
      await waitFor('6 records', () => a.records.length >= 6, waitMs);
      await a.consumer.close(); // no commit
      const b = await start(g, [t]);
      await waitFor('6 records again', () => b.records.length >= 6, waitMs);
      const ids = (rs: InRecord[]): string[] => rs.map((r) => `${r.partition}/${r.offset}`).sort();
      expect(ids(b.records)).toEqual(ids(a.records));
      await b.consumer.close();
      await producer.close();
    });

    it('redelivers a batch whose handler threw, from the last committed offset', async () => {
      const t = await topic('throw', 1);
      const g = opts.name('g-throw');
      const producer = await bus.producer();
      await producer.send([0, 1, 2].map((i) => ({ topic: t, value: buf(`r${i}`) })));
      let threw = false;
      const deliveries: string[][] = [];
      const c = await start(g, [t], async (b, consumer) => {
        deliveries.push(b.records.map((r) => str(r.value)!));
        if (b.records.some((r) => str(r.value) === 'r4') && !threw) {
          threw = true;
          throw new Error('boom');
        }
        // commit only what came before r3
        const last = b.records.filter((r) => Number(str(r.value)!.slice(1)) < 3).at(-1);
        if (last) await consumer.commit([{ topic: t, partition: 0, offset: String(BigInt(last.offset) + 1n) }]);
      });
      await waitFor('first three', () => c.records.length >= 3, waitMs);
      await producer.send([3, 4].map((i) => ({ topic: t, value: buf(`r${i}`) })));
      await waitFor('r4 handled after the failure', () => threw && c.records.some((r) => str(r.value) === 'r4'), waitMs);
      expect(c.errors).toHaveLength(1);
      expect((c.errors[0] as Error).message).toBe('boom');
      // The failed delivery contained r4; the next delivery restarts at the committed offset (r3).
      const failedAt = deliveries.findIndex((d) => d.includes('r4'));
      expect(deliveries[failedAt + 1][0]).toBe('r3');
      await c.consumer.close();
      await producer.close();
    });

    it('commits a transaction: records and consumed offsets become visible together', async () => {
      const input = await topic('tx-in', 1);
      const output = await topic('tx-out', 2);
      const g = opts.name('g-tx');
      const plain = await bus.producer();
      await plain.send([0, 1, 2].map((i) => ({ topic: input, value: buf(`in${i}`) })));
      const tx = await bus.producer({ transactionalId: opts.name('txid') });
      const txn = await tx.transaction();
      await txn.send([{ topic: output, key: 'x', value: buf('out-x') }, { topic: output, key: 'y', value: buf('out-y') }]);
      await txn.sendOffsets(g, [{ topic: input, partition: 0, offset: '2' }]);
      // Not visible before commit: a read-committed read of the output finds nothing.
      for (const p of [0, 1]) expect(await bus.readPartition(output, p)).toEqual([]);
      await txn.commit();
      const reader = await start(opts.name('g-tx-reader'), [output]);
      await waitFor('2 output records', () => reader.records.length >= 2, waitMs);
      expect(reader.records.map((r) => str(r.value)).sort()).toEqual(['out-x', 'out-y']);
      // Once a read-committed consumer saw them, readPartition does too.
      const all = [...(await bus.readPartition(output, 0)), ...(await bus.readPartition(output, 1))];
      expect(all.map((r) => str(r.value)).sort()).toEqual(['out-x', 'out-y']);
      // The group resumes after the offsets committed with the transaction.
      const member = await start(g, [input]);
      await waitFor('input after offset 2', () => member.records.length >= 1, waitMs);
      expect(member.records.map((r) => str(r.value))).toEqual(['in2']);
      await Promise.all([reader.consumer.close(), member.consumer.close(), tx.close(), plain.close()]);
    });

    it('aborts a transaction: nothing visible to read-committed consumers, offsets not committed', async () => {
      const input = await topic('abort-in', 1);
      const output = await topic('abort-out', 1);
      const g = opts.name('g-abort');
      const plain = await bus.producer();
      await plain.send([0, 1].map((i) => ({ topic: input, value: buf(`in${i}`) })));
      const tx = await bus.producer({ transactionalId: opts.name('txid-abort') });
      const txn = await tx.transaction();
      await txn.send([{ topic: output, value: buf('aborted-1') }, { topic: output, value: buf('aborted-2') }]);
      await txn.sendOffsets(g, [{ topic: input, partition: 0, offset: '2' }]);
      await txn.abort();
      // A later transaction on the same producer works and is the only thing visible.
      const txn2 = await tx.transaction();
      await txn2.send([{ topic: output, value: buf('committed') }]);
      await txn2.commit();
      const reader = await start(opts.name('g-abort-reader'), [output]);
      await waitFor('the committed record', () => reader.records.some((r) => str(r.value) === 'committed'), waitMs);
      expect(reader.records.map((r) => str(r.value))).toEqual(['committed']);
      expect((await bus.readPartition(output, 0)).map((r) => str(r.value))).toEqual(['committed']);
      // The aborted offsets were not committed: the group starts from the beginning.
      const member = await start(g, [input]);
      await waitFor('both input records', () => member.records.length >= 2, waitMs);
      expect(member.records.map((r) => str(r.value))).toEqual(['in0', 'in1']);
      await Promise.all([reader.consumer.close(), member.consumer.close(), tx.close(), plain.close()]);
    });

    it('rejects commits for partitions the member does not own and use after close', async () => {
      const t = await topic('owned', 1);
      const t2 = await topic('not-owned', 1);
      const c = await start(opts.name('g-owned'), [t]);
      await expect(c.consumer.commit([{ topic: t2, partition: 0, offset: '0' }])).rejects.toMatchObject({ code: 'BUS_REBALANCED', retryable: false });
      await c.consumer.close();
      await expect(c.consumer.commit([{ topic: t, partition: 0, offset: '0' }])).rejects.toMatchObject({ code: 'BUS_CLOSED' });
      const producer = await bus.producer();
      await expect(producer.transaction()).rejects.toMatchObject({ code: 'BUS_INVALID' });
      await producer.close();
      await expect(producer.send([{ topic: t, value: null }])).rejects.toMatchObject({ code: 'BUS_CLOSED' });
    });

    it('fails fast on unknown topics', async () => {
      const producer = await bus.producer();
      await expect(producer.send([{ topic: opts.name('missing'), value: buf('x') }])).rejects.toMatchObject({ code: 'BUS_UNKNOWN_TOPIC', retryable: false });
      await producer.close();
    });
  });
}
