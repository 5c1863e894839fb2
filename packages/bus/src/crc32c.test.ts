import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { crc32c } from './crc32c.js';

// Check values: RFC 3720 (iSCSI) appendix B.4 (the CRC as a number; the RFC lists its bytes
// little-endian) and the CRC catalogue's check value for "123456789" (CRC-32/ISCSI).
const RFC3720: Array<[string, Buffer, number]> = [
  ['32 bytes of zeroes', Buffer.alloc(32, 0), 0x8a9136aa],
  ['32 bytes of 0xff', Buffer.alloc(32, 0xff), 0x62a8ab43],
  ['32 incrementing bytes', Buffer.from(Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e],
  ['32 decrementing bytes', Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c],
  ['"123456789"', Buffer.from('123456789'), 0xe3069283],
  ['empty', Buffer.alloc(0), 0],
];

describe('crc32c', () => {
  for (const [name, buf, want] of RFC3720) {
    it(`matches the published value for ${name}`, () => expect(crc32c(buf)).toBe(want));
  }

  it("agrees with kafkajs' byte-at-a-time implementation at every length and offset", () => {
    const require = createRequire(import.meta.url);
    const kafkajsDir = require.resolve('kafkajs').replace(/index\.js$/, '');
    const reference = require(`${kafkajsDir}src/protocol/recordBatch/crc32C/crc32C.js`) as (b: Buffer) => number;
    let seed = 7;
    const big = Buffer.from(Array.from({ length: 4099 }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24));
    for (let len = 0; len < 70; len++) {
      for (const off of [0, 1, 3]) {
        const b = big.subarray(off, off + len);
        expect(crc32c(b)).toBe(reference(b));
      }
    }
    expect(crc32c(big)).toBe(reference(big));
  });
});
