// Test support for the read side (services/query): a chDB store with the schema, and records
// landed in it the way the pipeline lands them, through the writer's own code (its sink and its
// record → row mapping). services/query never imports the writer; its tests get their data the way
// production gets it, from here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Bus, InRecord } from '@vigil/bus';
import { querySchema } from '@vigil/config';
import { createQuery } from '@vigil/query';
import { encodeRecord } from '@vigil/records';
import type { VigilRecord } from '@vigil/records';
import { createStore } from '@vigil/store';
import type { Store } from '@vigil/store';
import { createTelemetry } from '@vigil/telemetry';
import type { Telemetry } from '@vigil/telemetry';
import { PartitionSink, rowsFor } from '@vigil/writer';

export interface TestStore {
  store: Store;
  /** Close the store and delete its folder. */
  close(): Promise<void>;
}

/** A fresh chDB store in a temp folder, migrated (the writer migrates at start). */
export async function migratedStore(database: string): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), `${database}-`));
  const store = await createStore({ kind: 'chdb', chdb: { path: dir }, database, server: { url: '', username: '', password: '', database: '' } });
  await store.migrate();
  return {
    store,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Telemetry that writes nowhere. */
export function quietTelemetry(service: string): Telemetry {
  return createTelemetry({ service, destination: new Writable({ write: (_c, _e, cb) => cb() }), processMetrics: false });
}

/** Records of one topic partition as the bus delivers them (offsets from 0). */
export function inRecords(topic: string, records: VigilRecord[], timestampMs: number): InRecord[] {
  return records.map((r, i) => ({ topic, partition: 0, offset: String(i), key: null, value: encodeRecord(r), headers: {}, timestampMs }));
}

/**
 * Lands records through the writer's PartitionSink (offset ranges, deduplication tokens, one
 * insert per table per flush), in flushes of `perFlush` records; returns the rows per table.
 * Landing the same records again is a replay from offset 0.
 */
export async function landThroughSink(store: Store, topic: string, records: VigilRecord[], nowMs: number, perFlush = 1): Promise<Record<string, number>> {
  const rows: Record<string, number> = {};
  const sink = new PartitionSink(topic, 0, {
    store, deadLetterTopic: 'vigil_dead_letter', nowMs: () => nowMs,
    commit: async () => {},
    deadLetter: async (dead) => {
      throw new Error(`unexpected dead letters: ${JSON.stringify(dead.map((r) => r.reason))}`);
    },
    count: (event, n, table) => {
      if (event === 'rows' && table) rows[table] = (rows[table] ?? 0) + n;
    },
  }, 1000);
  const all = inRecords(topic, records, nowMs);
  for (let i = 0; i < all.length; i += perFlush) {
    sink.add(all.slice(i, i + perFlush));
    await sink.flush();
  }
  return rows;
}

/** Inserts records mapped by the writer's own mapping (rowsFor), one insert per table. */
export async function insertMapped(store: Store, records: VigilRecord[]): Promise<void> {
  const byTable = new Map<string, object[]>();
  for (const r of records) for (const { table, row } of rowsFor(r)) byTable.set(table, [...(byTable.get(table) ?? []), row]);
  for (const [table, rows] of byTable) await store.insert(table, rows);
}

/** Inserts table rows as they are (rows no record maps to, e.g. pipeline outcomes of a CI system). */
export async function insertRows(store: Store, table: string, rows: object[], options?: { dedupToken?: string }): Promise<void> {
  await store.insert(table, rows, options);
}

export interface StartQueryOptions {
  nowMs?: () => number;
  /** Bearer tokens of its listener (default none: open). */
  bearerTokens?: string[];
  /** For POST /v1/ci/pipelines/{p}/runs (published to ci_test_runs). */
  bus?: Bus;
  announceVisibleMs?: number;
}

/** The query service as it runs (createQuery), on 127.0.0.1 and a free port, console off. */
/** What a test does with the running query service: its port and its shutdown. */
export interface RunningQuery {
  readonly port: number;
  shutdown(): Promise<void>;
}

export async function startQuery(store: Store, options: StartQueryOptions = {}): Promise<{ query: RunningQuery; base: string }> {
  const section = querySchema.parse({
    api: { host: '127.0.0.1', port: 0, auth: { bearerTokens: options.bearerTokens ?? [] } },
    ...(options.announceVisibleMs !== undefined ? { ci: { announceVisibleMs: options.announceVisibleMs } } : {}),
  });
  const query = createQuery({
    section, console: { enabled: false, alerterUrl: '' }, topics: { ciTestRuns: 'ci_test_runs' }, store, telemetry: quietTelemetry('query-test'),
    ...(options.bus ? { bus: options.bus } : {}), ...(options.nowMs ? { nowMs: options.nowMs } : {}),
  });
  const { port } = await query.start();
  return { query, base: `http://127.0.0.1:${port}` };
}
