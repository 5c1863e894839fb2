// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of Kafka's record batch v2
// (KIP-98; Java: org.apache.kafka.common.utils.Crc32C). Slicing-by-8 (Intel, "A Systematic
// Approach to Building High Performance Software-based CRC Generators", 2006): eight table
// lookups per 8 input bytes instead of one per byte, about 3-4x faster than the byte-at-a-time
// table loop kafkajs ships (its recordBatch/crc32C), which was ~9% of the collector's CPU.
// Cost: O(n) with 8 lookups per 8 bytes; memory: 8 KiB of tables, built once.

const POLY = 0x82f63b78;

/** T[k][b]: CRC of byte b followed by k zero bytes. */
const T: Int32Array[] = (() => {
  const t0 = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t0[n] = c;
  }
  const tables = [t0];
  for (let k = 1; k < 8; k++) {
    const prev = tables[k - 1];
    const t = new Int32Array(256);
    for (let n = 0; n < 256; n++) t[n] = (prev[n] >>> 8) ^ t0[prev[n] & 0xff];
    tables.push(t);
  }
  return tables;
})();

/** CRC-32C of `buf` as an unsigned 32-bit integer. */
export function crc32c(buf: Uint8Array): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = T as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array];
  let crc = ~0;
  let i = 0;
  const n = buf.length;
  const end8 = n - (n & 7);
  while (i < end8) {
    const a = crc ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24));
    crc =
      t7[a & 0xff] ^ t6[(a >>> 8) & 0xff] ^ t5[(a >>> 16) & 0xff] ^ t4[a >>> 24] ^
      t3[buf[i + 4]] ^ t2[buf[i + 5]] ^ t1[buf[i + 6]] ^ t0[buf[i + 7]];
    i += 8;
  }
  while (i < n) crc = t0[(crc ^ buf[i++]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}
