import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey } from './murmur2.js';

interface GoldenCase {
  keyHex: string;
  murmur2: number;
  partitions: Record<string, number>;
}
// Made by the real kafka-clients 3.9.1 jar: see test/fixtures/Murmur2Golden.java.
const golden = JSON.parse(
  readFileSync(new URL('../test/fixtures/murmur2-golden.json', import.meta.url), 'utf8'),
) as { cases: GoldenCase[] };

describe('murmur2 / partitionForKey (Kafka default partitioner)', () => {
  it('has golden cases', () => {
    expect(golden.cases.length).toBeGreaterThan(10);
  });
  for (const c of golden.cases) {
    const key = Buffer.from(c.keyHex, 'hex');
    it(`matches kafka-clients for key "${key.toString('utf8')}"`, () => {
      expect(murmur2(key)).toBe(c.murmur2);
      for (const [n, p] of Object.entries(c.partitions)) {
        expect(partitionForKey(key, Number(n))).toBe(p);
        expect(partitionForKey(key.toString('utf8'), Number(n))).toBe(p);
      }
    });
  }
  it('rejects a non-positive partition count', () => {
    expect(() => partitionForKey('a', 0)).toThrow(/numPartitions/);
  });
});
