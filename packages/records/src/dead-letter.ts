// One builder for the dead letter of a consumed record, so every stage that rejects input
// (detector, rekey, writer) writes the same shape.
import type { DeadLetterRecord } from './records.js';

/** What a dead letter needs of the consumed record (structurally a bus InRecord). */
export interface RejectedRecord {
  topic: string;
  partition: number;
  offset: string;
  value: Buffer | null;
}

/** The dead letter of `rec`, rejected for `reason` at `atMs`; the payload keeps the original bytes. */
export function deadLetterFor(rec: RejectedRecord, reason: string, atMs: number): DeadLetterRecord {
  return {
    schema: 'vigil.dead_letter/1', sourceTopic: rec.topic, sourcePartition: rec.partition, sourceOffset: rec.offset,
    reason, atMs, payload: (rec.value ?? Buffer.alloc(0)).toString('base64'),
  };
}

/** An error's message as a dead letter's reason, bounded (a decoder may quote the whole input). */
export function rejectionReason(err: unknown): string {
  return (err as Error).message?.slice(0, 300) ?? String(err);
}
