// Stable 64-bit string hashes (no I/O, no randomness): the same text gives the same id in every
// process and after every restart, which is what makes template ids stable across checkpoints.

/**
 * FNV-1a over UTF-16 code units in two independent 32-bit lanes (offset bases of FNV-1a 32 and a
 * second basis), rendered as 16 hex characters. FNV constants: http://www.isthe.com/chongo/tech/comp/fnv/
 * Collisions between two templates of one service are possible in principle (about n²/2^65) and
 * are harmless: ids are labels, not keys of the miner's own state.
 */
export function hash64Hex(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  // Final avalanche (murmur3 fmix32) so that short texts spread over all bits.
  a = fmix32(a);
  b = fmix32(b ^ text.length);
  return hex8(a) + hex8(b);
}

/** 32-bit hash of a sequence of strings, used as a bucket key (verified by comparison on use). */
export function hashStrings32(parts: readonly string[], skip: number, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < parts.length; i++) {
    if (i === skip) {
      h = Math.imul(h ^ 0x1f, 0x01000193);
      continue;
    }
    const p = parts[i];
    for (let j = 0; j < p.length; j++) h = Math.imul(h ^ p.charCodeAt(j), 0x01000193);
    h = Math.imul(h ^ 0x1e, 0x01000193);
  }
  return fmix32(h) >>> 0;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const HEX_BYTE: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex8(x: number): string {
  return HEX_BYTE[(x >>> 24) & 255] + HEX_BYTE[(x >>> 16) & 255] + HEX_BYTE[(x >>> 8) & 255] + HEX_BYTE[x & 255];
}
