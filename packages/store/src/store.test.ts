import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createStore, readMigrations, splitStatements } from './index.js';
import type { Store, StoreOptions } from './index.js';

// The contract runs on chDB always, and on a ClickHouse server too when CLICKHOUSE_URL is set.
const targets: Array<[string, () => StoreOptions]> = [
  ['chdb', () => ({ kind: 'chdb', chdb: { path: mkdtempSync(join(tmpdir(), 'vigil-chdb-')) }, server: { url: '', username: '', password: '', database: '' }, database: `vigil_test` })],
];
if (process.env.CLICKHOUSE_URL) {
  targets.push(['server', () => ({
    kind: 'server', chdb: { path: '' }, database: '',
    server: { url: process.env.CLICKHOUSE_URL as string, username: process.env.CLICKHOUSE_USER ?? 'default', password: process.env.CLICKHOUSE_PASSWORD ?? '', database: `vigil_test_${process.pid}` },
  })]);
}

test('splitStatements drops comments and splits on trailing semicolons', () => {
  expect(splitStatements('-- a; comment\nCREATE TABLE a (x UInt8);\n\n-- b\nSELECT 1;\n')).toEqual(['CREATE TABLE a (x UInt8)', 'SELECT 1']);
});

test('every migration file parses into statements', () => {
  const ms = readMigrations();
  expect(ms.length).toBeGreaterThan(0);
  for (const m of ms) expect(m.statements.length).toBeGreaterThan(0);
});

describe.each(targets)('store contract on %s', (_name, makeOptions) => {
  let store: Store;
  let options: StoreOptions;
  beforeAll(async () => {
    options = makeOptions();
    store = await createStore(options);
  });
  afterAll(async () => {
    await store.close();
    if (options.kind === 'chdb') rmSync(options.chdb.path, { recursive: true, force: true });
  });

  test('migrations apply once and are idempotent', async () => {
    const first = await store.migrate();
    expect(first.applied.length).toBe(readMigrations().length);
    const second = await store.migrate();
    expect(second.applied).toEqual([]);
    const tables = await store.query<{ name: string }>(`SELECT name FROM system.tables WHERE database = {db:String}`, { db: store.database });
    const names = tables.map((t) => t.name);
    for (const t of ['scores', 'anomalies', 'deployments', 'log_templates', 'alerts', 'rollbacks']) expect(names).toContain(t);
    // 0007: the revision lookups of the CI quality API have a skip index on both CI tables.
    const indices = await store.query<{ table: string; name: string }>(
      `SELECT table, name FROM system.data_skipping_indices WHERE database = {db:String} AND name = 'revision_idx' ORDER BY table`, { db: store.database });
    expect(indices.map((i) => i.table)).toEqual(['ci_pipeline_runs', 'ci_test_runs']);
  });

  test('an insert with the same deduplication token lands once', async () => {
    // Recent times: rows older than the table's TTL are dropped at the next merge.
    const now = Date.now();
    const row = { window_start: now, window_end: now + 10_000, service: 's', signal: 'traces', metric: 'rate', operation: 'op', version: '1', series_id: 'x', series_key: 'k', value: 1, expected: 1, lower: 0, upper: 2, score: 0.1, components: [], warming_up: false };
    await store.insert('scores', [row, { ...row, series_id: 'y' }], { dedupToken: 'otlp_spans:0:0-1' });
    await store.insert('scores', [row, { ...row, series_id: 'y' }], { dedupToken: 'otlp_spans:0:0-1' });
    await store.insert('scores', [{ ...row, series_id: 'z' }], { dedupToken: 'otlp_spans:0:2-2' });
    const [{ c }] = await store.query<{ c: string }>(`SELECT count() AS c FROM ${store.table('scores')}`);
    expect(Number(c)).toBe(3);
  });

  test('an insert without a token after one with a token is not taken for a duplicate of it', async () => {
    // chDB keeps settings in its session: a token left over from the previous insert must not
    // apply to the next one (it would be dropped silently as a duplicate).
    const now = Date.now();
    const row = { window_start: now, window_end: now + 10_000, service: 't', signal: 'traces', metric: 'rate', operation: 'op', version: '1', series_id: 'a', series_key: 'k', value: 1, expected: 1, lower: 0, upper: 2, score: 0.1, components: [], warming_up: false };
    await store.insert('scores', [row], { dedupToken: 'otlp_spans:1:0-0' });
    await store.insert('scores', [{ ...row, series_id: 'b' }]);
    await store.insert('scores', [{ ...row, series_id: 'c' }]);
    const [{ c }] = await store.query<{ c: string }>(`SELECT count() AS c FROM ${store.table('scores')} WHERE service = 't'`);
    expect(Number(c)).toBe(3);
  });

  test('bad data is a permanent error, not retryable', async () => {
    await expect(store.insert('scores', [{ window_start: 'not a time', value: 'abc' }])).rejects.toMatchObject({ retryable: false });
  });

  test('query parameters bind safely', async () => {
    const rows = await store.query<{ s: string }>(`SELECT {v:String} AS s`, { v: "x'; DROP TABLE y; --" });
    expect(rows[0].s).toBe("x'; DROP TABLE y; --");
  });
});
