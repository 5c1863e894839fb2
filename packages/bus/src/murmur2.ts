// Kafka's default key partitioner: partition = toPositive(murmur2(keyBytes)) % numPartitions.
// This is exactly what the Java client does (Utils.murmur2 and BuiltInPartitioner.partitionForKey
// in kafka-clients) and what kafkajs' DefaultPartitioner does; other clients agree when they use
// Kafka-compatible murmur2 key hashing (franz-go's default, librdkafka's "murmur2_random"), so
// records with the same key land on the same partition whichever of them produced them. (Sarama's
// default is FNV-1a, not murmur2: a Sarama producer must be configured for murmur2 to agree.)
// Golden values: test/fixtures/murmur2-golden.json, made by the real kafka-clients jar
// (recipe: test/fixtures/Murmur2Golden.java).
// Cost: O(key length) per call, no allocation beyond the UTF-8 encoding of string keys.

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** MurmurHash2 (32-bit, Kafka's seed), as a signed 32-bit integer like Java's int. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = (data[i4] & 0xff) | ((data[i4 + 1] & 0xff) << 8) | ((data[i4 + 2] & 0xff) << 16) | ((data[i4 + 3] & 0xff) << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  // The 1-3 trailing bytes (Java uses a fall-through switch; same result).
  const tail = length & ~3;
  const rest = length % 4;
  if (rest === 3) h ^= (data[tail + 2] & 0xff) << 16;
  if (rest >= 2) h ^= (data[tail + 1] & 0xff) << 8;
  if (rest >= 1) {
    h ^= data[tail] & 0xff;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition Kafka's default partitioner picks for `key` among `numPartitions`. */
export function partitionForKey(key: string | Uint8Array, numPartitions: number): number {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw new RangeError(`numPartitions must be a positive integer, got ${numPartitions}`);
  }
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  // Java's Utils.toPositive: clear the sign bit (not Math.abs, which differs for MIN_VALUE).
  return (murmur2(bytes) & 0x7fffffff) % numPartitions;
}
