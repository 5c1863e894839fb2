// Two CPU hot spots of kafkajs 2.2.4's produce path, replaced from outside. kafkajs is pinned
// (package.json, infra/kafka/README.md) and no longer released, so its internals do not move;
// every patch checks the exact version and leaves any other version alone.
//
// Measured with `node --cpu-prof` on the collector benchmark (services/collector/src/bench,
// real broker, acks=all idempotent), share of the collector's CPU before the patches:
// - recordBatch/crc32C: ~9%. The record batch v2 checksum (CRC-32C over every produced byte),
//   computed one byte per table lookup. Replaced by the slicing-by-8 `crc32c` (same values,
//   ~2x faster). Installed in the module cache before kafkajs first loads its record batch
//   encoder (lazily, on the first produce or fetch); if that already happened, kafkajs keeps its
//   own and `crc32c` reports false.
// - Encoder.ensureAvailable: ~10%. Growing an encoder allocates the new buffer with
//   Buffer.alloc, i.e. zero-filled, only to overwrite it: every produced byte is zeroed several
//   times (each nesting level of the request has its own growing encoder). Buffer.allocUnsafe is
//   safe here: an Encoder writes strictly sequentially from offset 0 and only ever exposes
//   `buf.slice(0, offset)` (kafkajs 2.2.4 src/protocol/encoder.js; the network layer sends
//   `encoder.buffer`), so uninitialised bytes past `offset` are never read or sent.
// - requests/produce/v3/request.js (v4-v7 wrap it): ~25% more in buffer copies and the garbage
//   collection of those buffers. kafkajs builds a Produce request as nested encoders (record,
//   batch body, batch, record set, partition, topic, request), each growing by doubling and then
//   copied whole into its parent: every produced byte is copied ~9 times. `encodeProduceV3`
//   computes every size first and writes the request once into one buffer of the exact size,
//   byte for byte what kafkajs writes (test: kafkajs-patches.test.ts compares both encoders).
//   It covers what the bus sends (no compression; key and value Buffer or null; string headers);
//   anything else goes to kafkajs' own encoder.
import { createRequire } from 'node:module';
import { crc32c } from './crc32c.js';

const PATCHED_VERSION = '2.2.4';

export interface KafkajsPatches {
  /** kafkajs version found. */
  version: string;
  /** The record batch checksum is `crc32c` (slicing-by-8). */
  crc32c: boolean;
  /** Encoder growth without zero-filling. */
  encoderAllocUnsafe: boolean;
  /** Produce requests are written by `encodeProduceV3` (single buffer). */
  produceEncoder: boolean;
}

interface EncoderLike {
  buf: Buffer;
  offset: number;
}
interface EncoderClass {
  prototype: { ensureAvailable(this: EncoderLike, length: number): void };
  nextPowerOfTwo(value: number): number;
}

let applied: KafkajsPatches | null = null;

/** Applies the patches once (idempotent) and tells which are active. */
export function applyKafkajsPatches(): KafkajsPatches {
  if (applied) return applied;
  const require = createRequire(import.meta.url);
  const main = require.resolve('kafkajs');
  const dir = main.slice(0, main.length - 'index.js'.length);
  const version = (require(`${dir}package.json`) as { version: string }).version;
  applied = { version, crc32c: false, encoderAllocUnsafe: false, produceEncoder: false };
  if (version !== PATCHED_VERSION || !main.endsWith('index.js')) return applied;

  // recordBatch/v0/index.js does `const crc32C = require('../crc32C')` (crc32C/index.js, which
  // returns the CRC as unsigned, as `crc32c` does): seed that module before it is first loaded.
  const crcIndex = require.resolve(`${dir}src/protocol/recordBatch/crc32C/index.js`);
  const batchEncoder = require.resolve(`${dir}src/protocol/recordBatch/v0/index.js`);
  if (require.cache[batchEncoder] === undefined) {
    const cached = require.cache[crcIndex];
    if (cached === undefined) {
      const ModuleCtor = (require('node:module') as { Module: new (id: string) => NodeJS.Module }).Module;
      const m = new ModuleCtor(crcIndex);
      m.filename = crcIndex;
      m.exports = crc32c;
      m.loaded = true;
      require.cache[crcIndex] = m;
      applied.crc32c = true;
    } else {
      applied.crc32c = cached.exports === crc32c;
    }
  }

  const Encoder = require(`${dir}src/protocol/encoder.js`) as EncoderClass & (new (size?: number) => EncoderLike);
  Encoder.prototype.ensureAvailable = function ensureAvailable(this: EncoderLike, length: number): void {
    if (this.offset + length > this.buf.length) {
      const grown = Buffer.allocUnsafe(Encoder.nextPowerOfTwo(this.offset + length));
      this.buf.copy(grown, 0, 0, this.offset);
      this.buf = grown;
    }
  };
  applied.encoderAllocUnsafe = true;

  // The Produce v3 request (v4-v7 require it when they first load, lazily on the first produce).
  const v3 = require.resolve(`${dir}src/protocol/requests/produce/v3/request.js`);
  const v4 = require.resolve(`${dir}src/protocol/requests/produce/v4/request.js`);
  if (require.cache[v4] === undefined) {
    const original = require(v3) as ProduceRequestFactory;
    const Long = require(`${dir}src/utils/long.js`) as LongClass;
    kafkajs = { Encoder, Long, original };
    const fast: ProduceRequestFactory = (args) => {
      const request = original(args);
      return { ...request, encode: async () => encodeProduceV3(args) ?? request.encode() };
    };
    require.cache[v3]!.exports = fast;
    applied.produceEncoder = true;
  }
  return applied;
}

// ------------------------------------------------------------------ Produce v3 in one buffer

interface LongLike { getHighBits(): number; getLowBits(): number }
interface LongClass { fromValue(v: unknown): LongLike }

interface ProduceMessage {
  key?: unknown;
  value?: unknown;
  headers?: unknown;
  timestamp?: string | number | null;
}
interface ProduceArgs {
  acks: number;
  timeout: number;
  transactionalId?: string | null;
  producerId?: unknown;
  producerEpoch?: number;
  compression?: number;
  topicData: Array<{ topic: string; partitions: Array<{ partition: number; firstSequence?: number; messages: ProduceMessage[] }> }>;
}
interface ProduceRequest { apiKey: number; apiVersion: number; apiName: string; expectResponse(): boolean; encode(): Promise<unknown> }
type ProduceRequestFactory = (args: ProduceArgs) => ProduceRequest;

let kafkajs: { Encoder: new (size?: number) => EncoderLike; Long: LongClass; original: ProduceRequestFactory } | null = null;

/** kafkajs' own Produce v3 factory, for tests (null when the patch is not active). */
export function originalProduceV3(): ProduceRequestFactory | null {
  return kafkajs?.original ?? null;
}

const zigzag = (v: number): number => ((v << 1) ^ (v >> 31)) >>> 0;
const uvarintSize = (u: number): number => (u < 0x80 ? 1 : u < 0x4000 ? 2 : u < 0x200000 ? 3 : u < 0x10000000 ? 4 : 5);
const varintSize = (v: number): number => uvarintSize(zigzag(v));
const INT32_LIMIT = 2 ** 31;

function zigzag64(v: number): bigint {
  const b = BigInt(v);
  return b >= 0n ? b << 1n : ((-b) << 1n) - 1n;
}
function varlongSize(v: number): number {
  if (v > -INT32_LIMIT && v < INT32_LIMIT) return varintSize(v);
  let u = zigzag64(v);
  let n = 1;
  while (u >= 0x80n) { u >>= 7n; n++; }
  return n;
}

class Writer {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  int8(v: number): void { this.buf[this.pos++] = v & 0xff; }
  int16(v: number): void { this.buf.writeInt16BE(v, this.pos); this.pos += 2; }
  int32(v: number): void { this.buf.writeInt32BE(v | 0, this.pos); this.pos += 4; }
  int64(v: LongLike): void { this.int32(v.getHighBits()); this.int32(v.getLowBits()); }
  uvarint(u: number): void {
    while (u >= 0x80) { this.buf[this.pos++] = (u & 0x7f) | 0x80; u >>>= 7; }
    this.buf[this.pos++] = u;
  }
  varint(v: number): void { this.uvarint(zigzag(v)); }
  varlong(v: number): void {
    if (v > -INT32_LIMIT && v < INT32_LIMIT) { this.varint(v); return; }
    let u = zigzag64(v);
    while (u >= 0x80n) { this.buf[this.pos++] = Number(u & 0x7fn) | 0x80; u >>= 7n; }
    this.buf[this.pos++] = Number(u);
  }
  bytes(b: Uint8Array): void { this.buf.set(b, this.pos); this.pos += b.length; }
  string16(s: string, len: number): void { this.int16(len); this.pos += this.buf.write(s, this.pos, len, 'utf8'); }
}

interface PartitionPlan {
  partition: number;
  firstSequence: number;
  messages: ProduceMessage[];
  firstTimestamp: string | number;
  maxTimestamp: string | number;
  deltas: number[];
  /** Per message: record body size (without its own length varint). */
  bodies: number[];
  headers: Array<Array<[string, string, number, number]> | null>;
  recordsBytes: number;
}

/**
 * The Produce v3 request body (what kafkajs' v3 `encode()` returns) as one exactly sized buffer,
 * wrapped in a kafkajs Encoder; null when the request has something this writer does not cover.
 * Layout: Kafka protocol Produce v3 and RecordBatch v2 (magic 2), as kafkajs 2.2.4 writes them
 * (src/protocol/requests/produce/v3/request.js, recordBatch/v0, recordBatch/record/v0).
 */
export function encodeProduceV3(args: ProduceArgs): EncoderLike | null {
  if (!kafkajs || (args.compression ?? 0) !== 0) return null;
  const { Encoder, Long } = kafkajs;
  const transactionalId = args.transactionalId ?? null;
  const producerId = Long.fromValue(args.producerId ?? -1);
  const producerEpoch = args.producerEpoch ?? 0;
  const txLen = transactionalId === null ? -1 : Buffer.byteLength(transactionalId, 'utf8');
  let total = 2 + Math.max(0, txLen) + 2 + 4 + 4;
  const topics: Array<{ topic: string; len: number; partitions: PartitionPlan[] }> = [];
  for (const t of args.topicData) {
    const len = Buffer.byteLength(t.topic, 'utf8');
    total += 2 + len + 4;
    const partitions: PartitionPlan[] = [];
    for (const p of t.partitions) {
      const dateNow = Date.now();
      // As kafkajs: the given timestamps sorted with the default (string) order; none -> now.
      const stamps = p.messages.map((m) => m.timestamp).filter((x): x is string | number => x != null).sort();
      const firstTimestamp = stamps.length === 0 ? dateNow : stamps[0];
      const maxTimestamp = stamps.length === 0 ? dateNow : stamps[stamps.length - 1];
      const deltas: number[] = [];
      const bodies: number[] = [];
      const headers: PartitionPlan['headers'] = [];
      let recordsBytes = 0;
      for (let i = 0; i < p.messages.length; i++) {
        const m = p.messages[i];
        const key = m.key ?? null;
        const value = m.value ?? null;
        if ((key !== null && !Buffer.isBuffer(key)) || (value !== null && !Buffer.isBuffer(value))) return null;
        const delta = Number(m.timestamp || dateNow) - Number(firstTimestamp);
        if (!Number.isSafeInteger(delta)) return null;
        let h: Array<[string, string, number, number]> | null = null;
        let headerBytes = 1; // count varint (0)
        if (m.headers !== undefined && m.headers !== null) {
          if (typeof m.headers !== 'object') return null;
          const keys = Object.keys(m.headers);
          if (keys.length > 0) {
            h = [];
            headerBytes = varintSize(keys.length);
            for (const k of keys) {
              const v = (m.headers as Record<string, unknown>)[k];
              if (typeof v !== 'string') return null;
              const kl = Buffer.byteLength(k, 'utf8');
              const vl = Buffer.byteLength(v, 'utf8');
              h.push([k, v, kl, vl]);
              headerBytes += varintSize(kl) + kl + varintSize(vl) + vl;
            }
          }
        }
        const body = 1 + varlongSize(delta) + varintSize(i)
          + (key === null ? 1 : varintSize(key.length) + key.length)
          + (value === null ? 1 : varintSize(value.length) + value.length)
          + headerBytes;
        deltas.push(delta);
        bodies.push(body);
        headers.push(h);
        recordsBytes += varintSize(body) + body;
      }
      partitions.push({
        partition: p.partition, firstSequence: p.firstSequence ?? 0, messages: p.messages,
        firstTimestamp, maxTimestamp, deltas, bodies, headers, recordsBytes,
      });
      // partition, record set size, base offset, batch length, leader epoch, magic, crc,
      // attributes .. first sequence (36), record count, records.
      total += 4 + 4 + 8 + 4 + 4 + 1 + 4 + 36 + 4 + recordsBytes;
    }
    topics.push({ topic: t.topic, len, partitions });
  }

  const w = new Writer(Buffer.allocUnsafe(total));
  if (transactionalId === null) w.int16(-1);
  else w.string16(transactionalId, txLen);
  w.int16(args.acks);
  w.int32(args.timeout);
  w.int32(topics.length);
  for (const t of topics) {
    w.string16(t.topic, t.len);
    w.int32(t.partitions.length);
    for (const p of t.partitions) {
      const bodyLen = 36 + 4 + p.recordsBytes;
      const batchLen = 4 + 1 + 4 + bodyLen;
      w.int32(p.partition);
      w.int32(8 + 4 + batchLen); // record set size
      w.int32(0); w.int32(0); // base offset (int64 0)
      w.int32(batchLen);
      w.int32(0); // partition leader epoch
      w.int8(2); // magic
      const crcAt = w.pos;
      w.pos += 4;
      const bodyStart = w.pos;
      w.int16(transactionalId ? 16 : 0); // attributes: no compression, CreateTime, transactional bit
      w.int32(p.messages.length - 1); // last offset delta
      w.int64(Long.fromValue(p.firstTimestamp));
      w.int64(Long.fromValue(p.maxTimestamp));
      w.int64(producerId);
      w.int16(producerEpoch);
      w.int32(p.firstSequence);
      w.int32(p.messages.length);
      for (let i = 0; i < p.messages.length; i++) {
        const m = p.messages[i];
        const key = (m.key ?? null) as Buffer | null;
        const value = (m.value ?? null) as Buffer | null;
        w.varint(p.bodies[i]);
        w.int8(0); // record attributes
        w.varlong(p.deltas[i]);
        w.varint(i); // offset delta
        if (key === null) w.varint(-1); else { w.varint(key.length); w.bytes(key); }
        if (value === null) w.varint(-1); else { w.varint(value.length); w.bytes(value); }
        const h = p.headers[i];
        if (h === null || h === undefined) w.varint(0);
        else {
          w.varint(h.length);
          for (const [k, v, kl, vl] of h) {
            w.varint(kl); w.pos += w.buf.write(k, w.pos, kl, 'utf8');
            w.varint(vl); w.pos += w.buf.write(v, w.pos, vl, 'utf8');
          }
        }
      }
      w.buf.writeUInt32BE(crc32c(w.buf.subarray(bodyStart, w.pos)), crcAt);
    }
  }
  if (w.pos !== total) throw new Error(`encodeProduceV3: wrote ${w.pos} bytes, planned ${total}`);
  const encoder = new Encoder(0);
  encoder.buf = w.buf;
  encoder.offset = total;
  return encoder;
}
