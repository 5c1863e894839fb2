// The transactional loop's suite, run against every Bus implementation like the Bus contract
// (memory: src/transactional-loop.test.ts in the unit project; Kafka: test/transactional-loop.test.ts
// in the integration project). The transform under test upper-cases each input value into an
// output topic and keeps a per-partition count as its state, sealed into a state topic with
// every commit, so exactly once is visible as: every input's output exactly once, and the last
// sealed count of each partition equal to the inputs that partition had.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoopEventLog, PartitionWork, TransactionalLoop, TransactionalLoopOptions } from '../src/transactional-loop.js';
import { createTransactionalLoop } from '../src/transactional-loop.js';
import type { Bus, InRecord } from '../src/types.js';
import { waitFor } from './contract.js';

export interface LoopContractOptions {
  name: (prefix: string) => string;
  /** How long to wait for something that should happen (not a timing assertion). */
  waitMs?: number;
}

interface Count {
  seen: number;
}

const quiet: LoopEventLog = { event: () => undefined };

export function runTransactionalLoopContract(label: string, makeBus: () => Bus | Promise<Bus>, opts: LoopContractOptions): void {
  const waitMs = opts.waitMs ?? 30_000;
  describe(`transactional loop: ${label}`, () => {
    let bus: Bus;
    beforeAll(async () => {
      bus = await makeBus();
    });
    afterAll(async () => {
      await bus?.shutdown();
    });

    interface Fixture {
      input: string;
      output: string;
      state: string;
      group: string;
      txnId: string;
    }

    async function fixture(): Promise<Fixture> {
      const f = { input: opts.name('loop-in'), output: opts.name('loop-out'), state: opts.name('loop-state'), group: opts.name('loop-group'), txnId: opts.name('loop-txn') };
      await bus.ensureTopics([{ topic: f.input, partitions: 2 }, { topic: f.output, partitions: 2 }, { topic: f.state, partitions: 2, compacted: true }]);
      return f;
    }

    /** A loop running the upper-case transform; `extra` overrides options (hooks, bounds). */
    function upperCaser(f: Fixture, extra: Partial<TransactionalLoopOptions<Count>> = {}): TransactionalLoop<Count> {
      return createTransactionalLoop<Count>({
        bus, groupId: f.group, topics: [f.input], transactionalId: f.txnId, commitIntervalMs: 3_600_000, name: 'upper', log: quiet,
        // Restore the count from the latest sealed one (the state topic is compacted by partition key).
        async open(topic, partition) {
          const records = await bus.readPartition(f.state, partition);
          const last = records.filter((r) => r.key?.toString() === `${topic}|${partition}`).at(-1);
          if (!last?.value) return { state: { seen: 0 }, nextOffset: null };
          const s = JSON.parse(last.value.toString()) as { seen: number; next: string };
          return { state: { seen: s.seen }, nextOffset: BigInt(s.next) };
        },
        process(batch, w: PartitionWork<Count>) {
          for (const rec of batch.records) {
            if (w.nextOffset !== null && BigInt(rec.offset) < w.nextOffset) continue;
            w.pending.push({ topic: f.output, key: rec.key, value: Buffer.from(rec.value!.toString().toUpperCase()) });
            w.state.seen++;
            w.nextOffset = BigInt(rec.offset) + 1n;
            w.dirty = true;
          }
        },
        seal: (w) => [{ topic: f.state, partition: w.partition, key: `${w.topic}|${w.partition}`, value: Buffer.from(JSON.stringify({ seen: w.state.seen, next: String(w.nextOffset) })) }],
        ...extra,
      });
    }

    async function produce(topic: string, values: string[]): Promise<void> {
      const p = await bus.producer();
      await p.send(values.map((v) => ({ topic, key: v, value: Buffer.from(v) })));
      await p.close();
    }

    async function readAll(topic: string): Promise<InRecord[]> {
      const parts = await Promise.all([0, 1].map((p) => bus.readPartition(topic, p)));
      return parts.flat();
    }

    /** Output values, once the expected number is visible to read-committed readers. */
    async function outputs(f: Fixture, expected: number): Promise<string[]> {
      let seen: InRecord[] = [];
      const deadline = Date.now() + waitMs;
      while (seen.length < expected && Date.now() < deadline) {
        seen = await readAll(f.output);
        if (seen.length < expected) await new Promise((r) => setTimeout(r, 100));
      }
      return seen.map((r) => r.value!.toString()).sort();
    }

    /** The last sealed count per input partition. */
    async function sealedCounts(f: Fixture): Promise<number[]> {
      const counts = [0, 0];
      for (const r of await readAll(f.state)) counts[r.partition] = (JSON.parse(r.value!.toString()) as { seen: number }).seen;
      return counts;
    }

    const values = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
    /** Inputs a loop has taken into its state so far (restored counts included). */
    const taken = (l: TransactionalLoop<Count>): number => [...l.partitions()].reduce((n, w) => n + w.state.seen, 0);

    it('commits outputs, sealed state and offsets together; a crash before the next commit replays exactly once', async () => {
      const f = await fixture();
      const first = values('a', 20);
      await produce(f.input, first);
      const a = upperCaser(f);
      await a.start();
      await waitFor('first inputs taken', () => taken(a) === first.length, waitMs);
      await a.commitNow();
      expect(a.stats).toEqual({ commits: 1, aborts: 0 });
      expect(await outputs(f, first.length)).toEqual(first.map((v) => v.toUpperCase()).sort());

      // Taken but never committed: a killed process. The next owner restores the sealed state.
      const second = values('b', 15);
      await produce(f.input, second);
      await waitFor('second inputs taken', () => taken(a) === first.length + second.length, waitMs);
      await a.abandon();

      const b = upperCaser(f);
      await b.start();
      await waitFor('replayed inputs taken', () => taken(b) === first.length + second.length, waitMs);
      await b.commitNow();
      const all = [...first, ...second].map((v) => v.toUpperCase()).sort();
      expect(await outputs(f, all.length)).toEqual(all);
      const counts = await sealedCounts(f);
      expect(counts[0] + counts[1]).toBe(all.length);
      await b.close();
    });

    it('a failed transaction drops the work taken since the last commit and re-reads it, writing each output once', async () => {
      const f = await fixture();
      const input = values('c', 12);
      await produce(f.input, input);
      let failures = 0;
      const aborted: number[] = [];
      const loop = upperCaser(f, {
        // The first seal points at a topic that does not exist: the whole transaction must fail.
        seal(w) {
          const ok = { topic: f.state, partition: w.partition, key: `${w.topic}|${w.partition}`, value: Buffer.from(JSON.stringify({ seen: w.state.seen, next: String(w.nextOffset) })) };
          if (failures++ === 0) return [ok, { topic: opts.name('loop-missing'), value: Buffer.from('x') }];
          return [ok];
        },
        aborted: (txn) => aborted.push(txn.records.length),
      });
      await loop.start();
      await waitFor('inputs taken', () => taken(loop) === input.length, waitMs);
      await expect(loop.commitNow()).rejects.toMatchObject({ code: 'BUS_UNKNOWN_TOPIC' });
      expect(loop.stats.aborts).toBe(1);
      expect(aborted).toHaveLength(1);
      // After the restart the same inputs are taken again, from the committed (empty) state.
      await waitFor('inputs re-read', () => !loop.poisoned && taken(loop) === input.length, waitMs);
      await loop.commitNow();
      expect(await outputs(f, input.length)).toEqual(input.map((v) => v.toUpperCase()).sort());
      await loop.close();
    });

    it('commits on its own once a partition holds maxPendingRecords, and on close', async () => {
      const f = await fixture();
      const committed: number[] = [];
      const loop = upperCaser(f, { maxPendingRecords: 5, committed: (txn) => committed.push(txn.offsets.length) });
      await loop.start();
      // One key: every record on one partition, so that partition passes the bound.
      const p = await bus.producer();
      await p.send(Array.from({ length: 8 }, (_, i) => ({ topic: f.input, key: 'k', value: Buffer.from(`d-${i}`) })));
      await p.close();
      await waitFor('a commit without commitNow', () => committed.length > 0, waitMs);
      await loop.close();
      expect(await outputs(f, 8)).toEqual(Array.from({ length: 8 }, (_, i) => `D-${i}`).sort());
      await loop.close(); // idempotent
    });

    it('a second member takes partitions over; each output is written once', async () => {
      const f = await fixture();
      const before = values('e', 30);
      await produce(f.input, before);
      const a = upperCaser(f);
      await a.start();
      await waitFor('inputs taken', () => taken(a) === before.length, waitMs);
      await a.commitNow();
      // Wait until the commit is visible before the group changes: a kafkajs member fetches the
      // group's offsets without KIP-447's stable-offset wait, so a rebalance in the milliseconds
      // while commit markers are written can resume from the previous commit (see README).
      expect(await outputs(f, before.length)).toHaveLength(before.length);
      const b = upperCaser(f, { transactionalId: `${f.txnId}-b` });
      await b.start();
      await waitFor('partitions split', () => [...a.partitions()].length === 1 && [...b.partitions()].length === 1, waitMs);
      const after = values('g', 30);
      await produce(f.input, after);
      await waitFor('new inputs taken by both', () => taken(a) + taken(b) === before.length + after.length, waitMs);
      await a.commitNow();
      await b.commitNow();
      const all = [...before, ...after].map((v) => v.toUpperCase()).sort();
      expect(await outputs(f, all.length)).toEqual(all);
      await a.close();
      await b.close();
    });
  });
}
