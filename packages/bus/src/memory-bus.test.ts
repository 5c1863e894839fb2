import { describe, expect, it } from 'vitest';
import { runBusContract, waitFor } from '../test/contract.js';
import { createBus } from './create-bus.js';
import { BusError, toBusError } from './errors.js';
import { createMemoryBus } from './memory-bus.js';
import type { InRecord } from './types.js';

let n = 0;
runBusContract('memory', () => createMemoryBus(), { name: (p) => `${p}-${++n}`, waitMs: 5000 });

const buf = (s: string): Buffer => Buffer.from(s);

describe('memory bus specifics', () => {
  it('bounds a partition: the oldest records are dropped beyond maxRecordsPerPartition', async () => {
    const bus = createMemoryBus({ maxRecordsPerPartition: 100 });
    await bus.ensureTopics([{ topic: 't', partitions: 1 }]);
    const p = await bus.producer();
    for (let i = 0; i < 1000; i++) await p.send([{ topic: 't', value: buf(`v${i}`) }]);
    const size = bus.partitionSize('t', 0);
    expect(size.records).toBeLessThanOrEqual(100);
    expect(size.endOffset).toBe('1000');
    expect(Number(size.startOffset)).toBe(1000 - size.records);
    // A new group starts at the log start and sees the newest records in order.
    const seen: InRecord[] = [];
    const c = bus.consumer({ groupId: 'g', topics: ['t'] });
    await c.run(async (b) => {
      seen.push(...b.records);
    });
    await waitFor('all retained', () => seen.length === size.records, 5000);
    expect(seen.at(-1)!.value!.toString()).toBe('v999');
    await bus.shutdown();
  });

  it('bounds bytes per partition', async () => {
    const bus = createMemoryBus({ maxBytesPerPartition: 10_000 });
    await bus.ensureTopics([{ topic: 't', partitions: 1 }]);
    const p = await bus.producer();
    for (let i = 0; i < 100; i++) await p.send([{ topic: 't', value: Buffer.alloc(1000) }]);
    expect(bus.partitionSize('t', 0).bytes).toBeLessThanOrEqual(10_000);
    await bus.shutdown();
  });

  it('compacts compacted topics to the latest value per key', async () => {
    const bus = createMemoryBus({ compactionMinRecords: 10 });
    await bus.ensureTopics([{ topic: 'state', partitions: 1, compacted: true }]);
    const p = await bus.producer();
    for (let i = 0; i < 500; i++) await p.send([{ topic: 'state', key: `k${i % 5}`, value: buf(String(i)) }]);
    const size = bus.partitionSize('state', 0);
    expect(size.records).toBeLessThanOrEqual(5 + 10);
    const latest = new Map<string, string>();
    for (const r of await bus.readPartition('state', 0)) latest.set(r.key!.toString(), r.value!.toString());
    expect(Object.fromEntries(latest)).toEqual({ k0: '495', k1: '496', k2: '497', k3: '498', k4: '499' });
    await bus.shutdown();
  });

  it('compacts a compacted topic before dropping anything at the bound', async () => {
    const bus = createMemoryBus({ maxRecordsPerPartition: 50, compactionMinRecords: 1000 });
    await bus.ensureTopics([{ topic: 'state', partitions: 1, compacted: true }]);
    const p = await bus.producer();
    for (let i = 0; i < 40; i++) await p.send([{ topic: 'state', key: `k${i}`, value: buf(String(i)) }]);
    for (let i = 0; i < 400; i++) await p.send([{ topic: 'state', key: 'k0', value: buf(String(i)) }]);
    const keys = new Set((await bus.readPartition('state', 0)).map((r) => r.key!.toString()));
    expect(keys.size).toBe(40); // all 40 live keys survive a 50-record bound
    await bus.shutdown();
  });

  it('fences an older producer with the same transactionalId', async () => {
    const bus = createMemoryBus();
    await bus.ensureTopics([{ topic: 't', partitions: 1 }]);
    const old = await bus.producer({ transactionalId: 'x' });
    const txn = await old.transaction();
    await txn.send([{ topic: 't', value: buf('zombie') }]);
    const fresh = await bus.producer({ transactionalId: 'x' });
    await expect(txn.commit()).rejects.toMatchObject({ code: 'BUS_FENCED', retryable: false });
    const t2 = await fresh.transaction();
    await t2.send([{ topic: 't', value: buf('ok') }]);
    await t2.commit();
    expect((await bus.readPartition('t', 0)).map((r) => r.value!.toString())).toEqual(['ok']);
    await bus.shutdown();
  });

  it('rejects records over maxRecordBytes and unknown options', async () => {
    const bus = createMemoryBus({ maxRecordBytes: 100 });
    await bus.ensureTopics([{ topic: 't', partitions: 1 }]);
    const p = await bus.producer();
    await expect(p.send([{ topic: 't', value: Buffer.alloc(101) }])).rejects.toMatchObject({ code: 'BUS_RECORD_TOO_LARGE', retryable: false });
    expect(() => createMemoryBus({ maxRecordBytes: 0 })).toThrow(/'maxRecordBytes' must be an integer >= 1, got 0/);
    expect(() => createMemoryBus({ bogus: 1 } as never)).toThrow(/unknown option 'bogus'/);
    expect(() => bus.consumer({ groupId: 'g', topics: ['t'], sesionTimeoutMs: 5 } as never)).toThrow(/unknown option 'sesionTimeoutMs'/);
    await bus.shutdown();
  });

  it('auto-creates topics only when asked to', async () => {
    const bus = createMemoryBus({ autoCreatePartitions: 3 });
    const p = await bus.producer();
    const [pos] = await p.send([{ topic: 'fresh', key: 'a', value: buf('1') }]);
    expect(pos.topic).toBe('fresh');
    expect(bus.partitionSize('fresh', 2).endOffset).toBeDefined();
    await bus.shutdown();
  });

  it('createBus picks the implementation by kind and validates it', () => {
    expect(createBus({ kind: 'memory' }).kind).toBe('memory');
    expect(createBus({ kind: 'kafka', brokers: ['127.0.0.1:1'] }).kind).toBe('kafka');
    expect(() => createBus({ kind: 'kafka', brokers: ['nohost'] })).toThrow(/'brokers' must be a non-empty list of "host:port", got \["nohost"\]/);
    expect(() => createBus({ kind: 'redis' } as never)).toThrow(/'kind' must be 'kafka' or 'memory', got "redis"/);
  });
});

describe('toBusError (kafkajs error mapping)', () => {
  const kjs = (name: string, extra: Record<string, unknown> = {}): Error => Object.assign(new Error(name), { name, ...extra });
  it.each([
    [kjs('KafkaJSConnectionError'), 'BUS_UNAVAILABLE', true],
    [kjs('KafkaJSRequestTimeoutError'), 'BUS_TIMEOUT', true],
    [kjs('KafkaJSNumberOfRetriesExceeded', { originalError: kjs('KafkaJSConnectionError') }), 'BUS_UNAVAILABLE', true],
    [kjs('KafkaJSNumberOfRetriesExceeded'), 'BUS_UNAVAILABLE', true],
    [kjs('KafkaJSProtocolError', { type: 'MESSAGE_TOO_LARGE' }), 'BUS_RECORD_TOO_LARGE', false],
    [kjs('KafkaJSNonRetriableError', { cause: kjs('KafkaJSProtocolError', { type: 'UNKNOWN_TOPIC_OR_PARTITION' }) }), 'BUS_UNKNOWN_TOPIC', false],
    [kjs('KafkaJSProtocolError', { type: 'PRODUCER_FENCED' }), 'BUS_FENCED', false],
    [kjs('KafkaJSProtocolError', { type: 'ILLEGAL_GENERATION' }), 'BUS_REBALANCED', false],
    [kjs('KafkaJSSASLAuthenticationError'), 'BUS_AUTH', false],
    [kjs('KafkaJSAggregateError', { errors: [kjs('KafkaJSProtocolError', { type: 'RECORD_LIST_TOO_LARGE' })] }), 'BUS_RECORD_TOO_LARGE', false],
    [new Error('something else'), 'BUS_UNKNOWN', true],
    ['a string', 'BUS_UNKNOWN', true],
  ])('maps %s', (err, code, retryable) => {
    const e = toBusError(err, 'ctx');
    expect(e).toBeInstanceOf(BusError);
    expect(e.code).toBe(code);
    expect(e.retryable).toBe(retryable);
    expect(e.message.startsWith('ctx: ')).toBe(true);
  });
  it('keeps a BusError as it is', () => {
    const e = new BusError('BUS_FENCED', 'x');
    expect(toBusError(e)).toBe(e);
  });
});
