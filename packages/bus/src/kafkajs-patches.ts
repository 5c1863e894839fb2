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
  applied = { version, crc32c: false, encoderAllocUnsafe: false };
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

  const Encoder = require(`${dir}src/protocol/encoder.js`) as EncoderClass;
  Encoder.prototype.ensureAvailable = function ensureAvailable(this: EncoderLike, length: number): void {
    if (this.offset + length > this.buf.length) {
      const grown = Buffer.allocUnsafe(Encoder.nextPowerOfTwo(this.offset + length));
      this.buf.copy(grown, 0, 0, this.offset);
      this.buf = grown;
    }
  };
  applied.encoderAllocUnsafe = true;
  return applied;
}
