import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Store } from './store.js';

/** Migrations live in infra/clickhouse/migrations as NNNN_name.sql; `{{db}}` is the database. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../infra/clickhouse/migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  statements: string[];
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  skipped: string[];
}

/** Split a migration into statements: comments dropped, `;` at the end of a line ends one. */
export function splitStatements(sql: string): string[] {
  const body = sql
    .split('\n')
    .map((line) => line.replace(/^\s*--.*$/, ''))
    .join('\n');
  return body
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const text = readFileSync(`${dir}/${file}`, 'utf8');
      return {
        version: Number(file.slice(0, 4)),
        name: file.replace(/\.sql$/, ''),
        statements: splitStatements(text),
        checksum: createHash('sha256').update(text).digest('hex').slice(0, 16),
      };
    });
}

/**
 * Apply what is not applied yet, in order. Each statement is idempotent (IF NOT EXISTS), so a
 * crash halfway through a migration is repaired by running it again; the version is recorded
 * only after all its statements succeeded.
 */
export async function applyMigrations(store: Store, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  const db = store.database;
  await store.command(
    `CREATE TABLE IF NOT EXISTS ${db}.schema_migrations (version UInt32, name String, checksum String, applied_at DateTime64(3) DEFAULT now64(3)) ENGINE = ReplacingMergeTree ORDER BY version`,
  );
  const done = new Set(
    (await store.query<{ version: number }>(`SELECT version FROM ${db}.schema_migrations`)).map((r) => Number(r.version)),
  );
  const result: MigrationResult = { applied: [], skipped: [] };
  for (const m of readMigrations(dir)) {
    if (done.has(m.version)) {
      result.skipped.push(m.name);
      continue;
    }
    for (const statement of m.statements) await store.command(statement.replaceAll('{{db}}', db));
    await store.insert('schema_migrations', [{ version: m.version, name: m.name, checksum: m.checksum }]);
    result.applied.push(m.name);
  }
  return result;
}
