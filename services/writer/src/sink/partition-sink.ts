import type { InRecord } from '@vigil/bus';
import type { Signal } from '@vigil/otlp';
import { decodeRecord, isDeploymentMarker, RecordDecodeError } from '@vigil/records';
import type { DeadLetterRecord, VigilRecord } from '@vigil/records';
import type { Store } from '@vigil/store';
import { StoreError } from '@vigil/store';
import { rowsFor } from '../mappers/rows.js';
import { rawRowsFor } from '../raw/otel-rows.js';

export interface OffsetRange {
  first: bigint;
  last: bigint;
}

export interface SinkDeps {
  store: Store;
  /** Commit `next` (last + 1) for this partition. */
  commit(topic: string, partition: number, next: bigint): Promise<void>;
  /** Send undecodable records to the dead-letter topic (acknowledged before we commit past them). */
  deadLetter(records: DeadLetterRecord[]): Promise<void>;
  deadLetterTopic: string;
  count(event: 'rows' | 'batches' | 'dead_letters' | 'retries' | 'dedup_replays', n: number, table?: string): void;
  nowMs(): number;
  /**
   * Set when this partition's topic is a raw otlp_* topic (writer.rawTelemetry): its records are
   * OTLP protobuf requests, landed in the otel_* tables instead of decoded as Vigil records.
   */
  rawSignal?: Signal;
}

/** The deduplication token of one table's rows from one offset range: the same range, the same token. */
export function dedupToken(topic: string, partition: number, range: OffsetRange, table: string): string {
  return `${topic}:${partition}:${range.first}-${range.last}:${table}`;
}

/**
 * One partition's path into ClickHouse. Records are buffered, then written as one insert per
 * table for an offset range; the range is recorded (writer_ranges) before the inserts and the
 * Kafka offset is committed only after ClickHouse acknowledged them all. A crash anywhere, or a
 * replay of the topic from offset 0, finds the recorded range for its first offset and cuts the
 * same batch again, with the same tokens, which ClickHouse deduplicates.
 */
export class PartitionSink {
  private buffer: InRecord[] = [];
  private bufferSinceMs = 0;
  /** A range whose write failed part-way: the retry must use exactly it. */
  private pendingIntent: OffsetRange | null = null;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly deps: SinkDeps,
    private readonly maxBatchRows: number,
  ) {}

  /**
   * The highest offset any run recorded for this partition, read once per assignment. Past it
   * nothing can have been recorded before (this sink records every range it writes and raises
   * it), so the steady state asks ClickHouse nothing per flush; only a replay looks ranges up.
   */
  private recordedUpTo: bigint | null = null;

  /** The range an earlier run recorded starting at `first`, if any (a replay must reuse it). */
  private async recordedRange(first: bigint): Promise<OffsetRange | null> {
    if (this.pendingIntent && this.pendingIntent.first === first) return this.pendingIntent;
    if (this.recordedUpTo === null) {
      const top = await this.deps.store.query<{ last: string; n: string }>(
        `SELECT max(last_offset) AS last, count() AS n FROM ${this.deps.store.table('writer_ranges')} WHERE topic = {t:String} AND partition = {p:UInt32}`,
        { t: this.topic, p: this.partition },
      );
      this.recordedUpTo = top.length && Number(top[0].n) > 0 ? BigInt(top[0].last) : -1n;
    }
    if (first > this.recordedUpTo) return null;
    const rows = await this.deps.store.query<{ last_offset: string }>(
      `SELECT last_offset FROM ${this.deps.store.table('writer_ranges')} WHERE topic = {t:String} AND partition = {p:UInt32} AND first_offset = {f:UInt64} LIMIT 1`,
      { t: this.topic, p: this.partition, f: first.toString() },
    );
    return rows.length ? { first, last: BigInt(rows[0].last_offset) } : null;
  }

  get buffered(): number {
    return this.buffer.length;
  }

  get ageMs(): number {
    return this.buffer.length ? this.deps.nowMs() - this.bufferSinceMs : 0;
  }

  add(records: InRecord[]): void {
    if (records.length === 0) return;
    if (this.buffer.length === 0) this.bufferSinceMs = this.deps.nowMs();
    for (const r of records) this.buffer.push(r);
  }

  /** Flush what is buffered, one range at a time; serialised per partition. */
  flush(): Promise<void> {
    const next = this.chain.then(() => this.flushNow());
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Drop the buffer without writing (partition revoked: the next owner reads it again). */
  close(): void {
    this.closed = true;
    this.buffer = [];
  }

  private async flushNow(): Promise<void> {
    while (!this.closed && this.buffer.length > 0) {
      const first = BigInt(this.buffer[0].offset);
      const recorded = await this.recordedRange(first);
      let range: OffsetRange;
      if (recorded) {
        // Replay (after a crash, a retry, or from offset 0): cut exactly where the first run did.
        if (BigInt(this.buffer[this.buffer.length - 1].offset) < recorded.last) return; // wait for the rest
        range = recorded;
      } else {
        const n = Math.min(this.buffer.length, this.maxBatchRows);
        range = { first, last: BigInt(this.buffer[n - 1].offset) };
      }
      const take = this.buffer.filter((r) => BigInt(r.offset) <= range.last);
      try {
        await this.writeRange(range, take, recorded !== null);
      } catch (err) {
        // Some tables of this range may have landed: retry exactly this range, same tokens.
        this.pendingIntent = range;
        throw err;
      }
      this.pendingIntent = null;
      this.buffer = this.buffer.slice(take.length);
      if (this.buffer.length) this.bufferSinceMs = this.deps.nowMs();
      await this.deps.commit(this.topic, this.partition, range.last + 1n);
    }
  }

  private async writeRange(range: OffsetRange, records: InRecord[], replay: boolean): Promise<void> {
    const { store } = this.deps;
    if (replay) this.deps.count('dedup_replays', 1);
    else {
      await store.insert('writer_ranges', [
        { topic: this.topic, partition: this.partition, first_offset: range.first.toString(), last_offset: range.last.toString() },
      ]);
      if (this.recordedUpTo === null || range.last > this.recordedUpTo) this.recordedUpTo = range.last;
    }
    const byTable = new Map<string, Array<Record<string, unknown>>>();
    const dead: DeadLetterRecord[] = [];
    const rawSignal = this.deps.rawSignal;
    for (const rec of records) {
      let tableRows: Array<{ table: string; row: Record<string, unknown> }>;
      if (rawSignal) {
        // A deployment announced in-band on the spans topic is for the detector; the deployment
        // itself lands from the deployments topic.
        if (isDeploymentMarker(rec.headers)) continue;
        try {
          tableRows = rawRowsFor(rawSignal, rec.value);
        } catch (err) {
          dead.push(this.deadLetterFor(rec, `${rawSignal}: ${(err as Error).message ?? String(err)}`));
          continue;
        }
      } else {
        let decoded: VigilRecord;
        try {
          decoded = decodeRecord(rec.value);
        } catch (err) {
          dead.push(this.deadLetterFor(rec, err instanceof RecordDecodeError ? err.message : String(err)));
          continue;
        }
        tableRows = rowsFor(decoded);
      }
      for (const { table, row } of tableRows) {
        let rows = byTable.get(table);
        if (!rows) byTable.set(table, (rows = []));
        rows.push(row);
      }
    }
    for (const table of [...byTable.keys()].sort()) {
      const rows = byTable.get(table) as Array<Record<string, unknown>>;
      const token = dedupToken(this.topic, this.partition, range, table);
      try {
        await store.insert(table, rows, { dedupToken: token });
      } catch (err) {
        if (!(err instanceof StoreError) || err.retryable) throw err;
        // Bad data: find the bad rows one by one; the good ones land, the bad ones are dead-lettered.
        for (let i = 0; i < rows.length; i++) {
          try {
            await store.insert(table, [rows[i]], { dedupToken: `${token}:${i}` });
          } catch (rowErr) {
            if (!(rowErr instanceof StoreError) || rowErr.retryable) throw rowErr;
            dead.push({
              schema: 'vigil.dead_letter/1', sourceTopic: this.topic, sourcePartition: this.partition,
              sourceOffset: `${range.first}-${range.last}#${i}`, reason: `${table}: ${rowErr.message.slice(0, 500)}`,
              atMs: this.deps.nowMs(), payload: Buffer.from(JSON.stringify(rows[i])).toString('base64'),
            });
          }
        }
      }
      this.deps.count('rows', rows.length, table);
    }
    if (dead.length) {
      this.deps.count('dead_letters', dead.length);
      // A poison record on the dead-letter topic itself is only counted: no loop.
      if (this.topic !== this.deps.deadLetterTopic) await this.deps.deadLetter(dead);
    }
    this.deps.count('batches', 1);
  }

  private deadLetterFor(rec: InRecord, reason: string): DeadLetterRecord {
    return {
      schema: 'vigil.dead_letter/1', sourceTopic: rec.topic, sourcePartition: rec.partition, sourceOffset: rec.offset,
      reason, atMs: this.deps.nowMs(), payload: (rec.value ?? Buffer.alloc(0)).toString('base64'),
    };
  }
}
