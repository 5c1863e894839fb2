import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeRecord } from './codec.js';
import { deadLetterFor, rejectionReason } from './dead-letter.js';

describe('deadLetterFor', () => {
  it('keeps where the record came from and its original bytes, and round-trips through the codec', () => {
    const value = Buffer.from([0, 1, 2, 250, 255]);
    const dl = deadLetterFor({ topic: 'otlp_spans', partition: 3, offset: '42', value }, 'bad', 1_700_000_000_000);
    expect(dl).toEqual({
      schema: 'vigil.dead_letter/1', sourceTopic: 'otlp_spans', sourcePartition: 3, sourceOffset: '42', reason: 'bad', atMs: 1_700_000_000_000,
      payload: value.toString('base64'),
    });
    expect(Buffer.from(decodeRecord(encodeRecord(dl), 'vigil.dead_letter/1').payload, 'base64')).toEqual(value);
  });

  it('writes an empty payload for a record without a value', () => {
    expect(deadLetterFor({ topic: 't', partition: 0, offset: '0', value: null }, 'empty record', 0).payload).toBe('');
  });

  it('bounds the reason to 300 characters', () => {
    expect(rejectionReason(new Error('x'.repeat(1000)))).toHaveLength(300);
    expect(rejectionReason(new Error('short'))).toBe('short');
  });
});
