// ClickHouse store: a server over HTTP(S) or chDB in-process, one client API, versioned migrations.
export { createStore, classifyError, StoreError } from './store.js';
export type { Store, StoreOptions, InsertOptions, StoreErrorCode } from './store.js';
export { applyMigrations, readMigrations, splitStatements, MIGRATIONS_DIR } from './migrations.js';
export type { Migration, MigrationResult } from './migrations.js';
