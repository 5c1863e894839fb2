import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createClient } from '@clickhouse/client';
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { applyMigrations } from './migrations.js';
import type { MigrationResult } from './migrations.js';

export interface StoreOptions {
  kind: 'chdb' | 'server';
  chdb: { path: string };
  server: { url: string; username: string; password: string; database: string };
  database: string;
}

export type StoreErrorCode = 'STORE_BAD_DATA' | 'STORE_UNAVAILABLE' | 'STORE_QUERY' | 'STORE_CLOSED';

/**
 * Two kinds, as the style guide asks: permanent (bad data: ClickHouse will refuse the same rows
 * again, e.g. Code 117 INCORRECT_DATA, 27 CANNOT_PARSE_INPUT_ASSERTION_FAILED, 53 TYPE_MISMATCH)
 * and retryable (everything else, including unknown errors).
 */
export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly retryable: boolean,
    readonly clickhouseCode?: number,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

// ClickHouse error codes that mean the data itself is bad: retrying cannot help.
const BAD_DATA_CODES = new Set([6, 26, 27, 38, 41, 53, 62, 69, 70, 72, 117, 130, 131, 241]);

export function classifyError(err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const e = err as { message?: string; code?: string | number; clickhouseCode?: number };
  const message = e?.message ?? String(err);
  const code = Number(e?.clickhouseCode ?? (typeof e?.code === 'string' && /^\d+$/.test(e.code) ? e.code : NaN));
  const fromText = /Code: (\d+)/.exec(message);
  const chCode = Number.isFinite(code) ? code : fromText ? Number(fromText[1]) : undefined;
  if (chCode !== undefined && BAD_DATA_CODES.has(chCode)) {
    return new StoreError('STORE_BAD_DATA', message, false, chCode);
  }
  return new StoreError('STORE_UNAVAILABLE', message, true, chCode);
}

export interface InsertOptions {
  /**
   * Deduplication token: the same token inserted twice writes once (within
   * non_replicated_deduplication_window inserts on plain MergeTree). The writer builds it from
   * topic, partition and offset range, so a replayed batch is a no-op.
   */
  dedupToken?: string;
}

/** ClickHouse through @clickhouse/client: a server over HTTP(S), or chDB in-process. */
export interface Store {
  readonly kind: 'chdb' | 'server';
  readonly database: string;
  readonly client: ClickHouseClient;
  migrate(): Promise<MigrationResult>;
  insert(table: string, rows: object[], options?: InsertOptions): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>): Promise<T[]>;
  command(sql: string, params?: Record<string, unknown>): Promise<void>;
  /** `db.table`, quoted. */
  table(name: string): string;
  close(): Promise<void>;
}

export async function createStore(options: StoreOptions): Promise<Store> {
  const database = options.kind === 'server' ? options.server.database : options.database;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) {
    throw new StoreError('STORE_QUERY', `store.database: not a valid database name (got ${JSON.stringify(database)})`, false);
  }
  let client: ClickHouseClient;
  if (options.kind === 'chdb') {
    const path = resolve(options.chdb.path);
    mkdirSync(path, { recursive: true });
    // Loaded lazily: the native engine is only needed in embedded mode.
    const { createChdbConnection } = await import('chdb/connection');
    client = createClient({ connection: createChdbConnection({ path }) } as Parameters<typeof createClient>[0]);
  } else {
    client = createClient({
      url: options.server.url,
      username: options.server.username,
      password: options.server.password,
      request_timeout: 30_000,
      compression: { request: true, response: true },
    });
  }
  let closed = false;
  const guard = () => {
    if (closed) throw new StoreError('STORE_CLOSED', 'store is closed', false);
  };
  const store: Store = {
    kind: options.kind,
    database,
    client,
    async migrate() {
      guard();
      await store.command(`CREATE DATABASE IF NOT EXISTS ${database}`);
      return applyMigrations(store);
    },
    async insert(table, rows, insertOptions = {}) {
      guard();
      if (rows.length === 0) return;
      const clickhouse_settings: ClickHouseSettings = {
        date_time_input_format: 'best_effort',
        input_format_skip_unknown_fields: 1,
      };
      // Always sent, empty without a token: chDB keeps settings in its session, so a token left
      // from the previous insert would otherwise apply to this one and drop it as a duplicate.
      clickhouse_settings.insert_deduplicate = 1;
      clickhouse_settings.insert_deduplication_token = insertOptions.dedupToken ?? '';
      try {
        await client.insert({ table: store.table(table), values: rows, format: 'JSONEachRow', clickhouse_settings });
      } catch (err) {
        throw classifyError(err);
      }
    },
    async query<T>(sql: string, params?: Record<string, unknown>) {
      guard();
      try {
        const rs = await client.query({ query: sql, format: 'JSONEachRow', query_params: params });
        return await rs.json<T>();
      } catch (err) {
        throw classifyError(err);
      }
    },
    async command(sql, params) {
      guard();
      try {
        await client.command({ query: sql, query_params: params });
      } catch (err) {
        throw classifyError(err);
      }
    },
    table(name) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new StoreError('STORE_QUERY', `bad table name ${JSON.stringify(name)}`, false);
      return `${database}.${name}`;
    },
    async close() {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
  return store;
}
