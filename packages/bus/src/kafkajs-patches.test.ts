import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyKafkajsPatches, encodeProduceV3, originalProduceV3 } from './kafkajs-patches.js';

// The reference is kafkajs' own Produce v3 encoder (an independent implementation of the same
// wire format): the single-buffer writer must produce the very same bytes.
const patches = applyKafkajsPatches();

interface Msg { key?: Buffer | null; value: Buffer | null; partition: number; headers?: Record<string, string>; timestamp?: string }

function args(messagesByPartition: Msg[][], extra: { transactionalId?: string; producerId?: number; producerEpoch?: number; topics?: number } = {}) {
  const topics = extra.topics ?? 1;
  return {
    acks: -1,
    timeout: 30_000,
    ...(extra.transactionalId !== undefined ? { transactionalId: extra.transactionalId } : {}),
    producerId: extra.producerId ?? 4242,
    producerEpoch: extra.producerEpoch ?? 3,
    topicData: Array.from({ length: topics }, (_, t) => ({
      topic: `otlp_spans_é${t}`,
      partitions: messagesByPartition.map((messages, p) => ({ partition: p * 2 + 1, firstSequence: 17 * p, messages })),
    })),
  };
}

async function bytes(encoded: unknown): Promise<Buffer> {
  return Buffer.from((encoded as { buffer: Buffer }).buffer);
}

let seed = 11;
const rnd = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24));

describe('kafkajs patches (kafkajs 2.2.4)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('are all active', () => {
    expect(patches).toEqual({ version: '2.2.4', crc32c: true, encoderAllocUnsafe: true, produceEncoder: true });
  });

  const cases: Array<[string, () => Parameters<typeof args>]> = [
    ['keyed records without timestamps', () => [[[{ key: Buffer.from('svc/a'), value: rnd(3000), partition: 1 }, { key: Buffer.from('svc/a'), value: rnd(10), partition: 1 }]]]],
    ['null key, null and empty values, several partitions and topics', () => [[
      [{ key: null, value: null, partition: 1 }, { value: Buffer.alloc(0), partition: 1 }],
      [{ key: Buffer.alloc(0), value: rnd(200), partition: 3 }],
    ], { topics: 2 }]],
    ['headers and explicit timestamps (out of order)', () => [[[
      { key: Buffer.from('k'), value: rnd(70), partition: 1, headers: { 'vigil-deployment-id': 'abc', ü: 'ñ' }, timestamp: '1700000000500' },
      { key: Buffer.from('k'), value: rnd(70), partition: 1, timestamp: '1700000000000' },
      { key: Buffer.from('k'), value: rnd(70), partition: 1, headers: {} },
    ]]]],
    ['a timestamp far from now (varlong beyond 32 bits)', () => [[[{ key: null, value: rnd(5), partition: 1, timestamp: '1000' }, { key: null, value: rnd(5), partition: 1 }]]]],
    ['transactional, large producer id, 300 records', () => [[Array.from({ length: 300 }, (_, i) => ({ key: rnd(i % 40), value: rnd((i * 37) % 900), partition: 1 }))], { transactionalId: 'tx-1', producerId: 2 ** 40 + 5, producerEpoch: 7 }]],
  ];
  for (const [name, make] of cases) {
    it(`writes the bytes kafkajs writes: ${name}`, async () => {
      vi.spyOn(Date, 'now').mockReturnValue(1_700_000_123_456);
      const a = args(...make());
      const original = originalProduceV3()!;
      const want = await bytes(await original(a).encode());
      const fast = encodeProduceV3(a);
      expect(fast).not.toBeNull();
      expect((await bytes(fast)).equals(want)).toBe(true);
    });
  }

  it('leaves what it does not cover to kafkajs (compression, string values)', async () => {
    expect(encodeProduceV3({ ...args([[{ value: rnd(5), partition: 1 }]]), compression: 1 })).toBeNull();
    const strings = args([[{ value: 'text' as unknown as Buffer, partition: 1 }]]);
    expect(encodeProduceV3(strings)).toBeNull();
    // The factory kafkajs now loads falls back to its own encoder for such requests.
    vi.spyOn(Date, 'now').mockReturnValue(1_700_000_123_456);
    const require = createRequire(import.meta.url);
    const dir = require.resolve('kafkajs').replace(/index\.js$/, '');
    const patched = require(`${dir}src/protocol/requests/produce/v3/request.js`) as typeof originalProduceV3 extends () => infer F ? NonNullable<F> : never;
    expect(patched).not.toBe(originalProduceV3());
    const want = await bytes(await originalProduceV3()!(strings).encode());
    expect((await bytes(await patched(strings).encode())).equals(want)).toBe(true);
  });
});
