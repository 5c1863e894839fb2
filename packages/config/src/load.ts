import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { ZodIssue } from 'zod';
import { vigilSchema } from './schema.js';
import type { VigilConfig } from './schema.js';

/** Thrown at startup for an invalid configuration; `issues` quote each key and value. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    message: string,
    readonly issues: string[],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** Path of vigil.yaml. Default: $VIGIL_CONFIG, else ./vigil.yaml when it exists, else none. */
  file?: string | null;
  /** Environment used for overrides. Default: process.env. */
  env?: Record<string, string | undefined>;
  /** Programmatic overrides, applied last (tests, the embedded runner). */
  overrides?: Record<string, unknown>;
  /** Told about each deprecated key in use (default: a Node DeprecationWarning). */
  warn?: (message: string) => void;
}

type Tree = Record<string, unknown>;
const isTree = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep merge; arrays and scalars from `b` replace those of `a`. */
export function deepMerge(a: Tree, b: Tree): Tree {
  const out: Tree = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] = isTree(v) && isTree(out[k]) ? deepMerge(out[k], v) : v;
  }
  return out;
}

function parseEnvValue(raw: string): unknown {
  const t = raw.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (t.startsWith('[') || t.startsWith('{')) {
    try {
      return JSON.parse(t);
    } catch {
      return raw;
    }
  }
  return raw;
}

function setPath(tree: Tree, path: string[], value: unknown): void {
  let node = tree;
  for (const key of path.slice(0, -1)) {
    if (!isTree(node[key])) node[key] = {};
    node = node[key] as Tree;
  }
  node[path[path.length - 1]] = value;
}

/**
 * Environment overrides.
 * - `VIGIL_SECTION__KEY__SUBKEY=value` sets `section.key.subKey` (matched case-insensitively
 *   against the schema's own key names, `_` ignored: `VIGIL_BUS__KAFKA__CLIENT_ID` → bus.kafka.clientId).
 *   Values parse as booleans, numbers or JSON where they look like one.
 * - Well-known variables: `KAFKA_BROKERS` (comma-separated) selects the Kafka bus;
 *   `CLICKHOUSE_URL` (+ `CLICKHOUSE_USER`, `CLICKHOUSE_PASSWORD`) selects a ClickHouse server.
 */
export function envOverrides(env: Record<string, string | undefined>): Tree {
  const tree: Tree = {};
  const shape = describeKeys(vigilSchema);
  // Deprecated keys still map from their variables (VIGIL_ALERTER__INCIDENTS__FEEDBACK_TOPIC), then move.
  for (const [from] of MOVED_KEYS) {
    let node = shape;
    for (const k of from.split('.')) {
      if (!node) break;
      node[k] ??= {};
      node = node[k];
    }
  }
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('VIGIL_') || raw === undefined || name === 'VIGIL_CONFIG') continue;
    const parts = name.slice('VIGIL_'.length).split('__');
    const path: string[] = [];
    let keys: KeyTree | undefined = shape;
    for (const part of parts) {
      const wanted = part.replace(/_/g, '').toLowerCase();
      const match: string | undefined = keys ? Object.keys(keys).find((k) => k.toLowerCase() === wanted) : undefined;
      path.push(match ?? part.toLowerCase());
      keys = match && keys ? keys[match] : undefined;
    }
    setPath(tree, path, parseEnvValue(raw));
  }
  if (env.KAFKA_BROKERS) {
    setPath(tree, ['bus', 'kind'], 'kafka');
    setPath(tree, ['bus', 'kafka', 'brokers'], env.KAFKA_BROKERS.split(',').map((s) => s.trim()).filter(Boolean));
  }
  if (env.CLICKHOUSE_URL) {
    setPath(tree, ['store', 'kind'], 'server');
    setPath(tree, ['store', 'server', 'url'], env.CLICKHOUSE_URL);
    if (env.CLICKHOUSE_USER) setPath(tree, ['store', 'server', 'username'], env.CLICKHOUSE_USER);
    if (env.CLICKHOUSE_PASSWORD) setPath(tree, ['store', 'server', 'password'], env.CLICKHOUSE_PASSWORD);
  }
  return tree;
}

interface KeyTree {
  [key: string]: KeyTree | undefined;
}

/** The schema's key names, nested, for matching environment variable names. */
function describeKeys(schema: unknown): KeyTree | undefined {
  let s = schema as { _def?: Record<string, unknown>; shape?: Record<string, unknown> };
  // Unwrap ZodDefault / ZodOptional / ZodEffects to reach the object.
  for (let i = 0; i < 8 && s?._def; i++) {
    const def = s._def as { innerType?: unknown; schema?: unknown; shape?: () => Record<string, unknown> };
    if (typeof def.shape === 'function') {
      const out: KeyTree = {};
      for (const [k, v] of Object.entries(def.shape())) out[k] = describeKeys(v);
      return out;
    }
    s = (def.innerType ?? def.schema) as typeof s;
  }
  return undefined;
}

function formatIssue(issue: ZodIssue, input: unknown): string {
  const key = issue.path.join('.') || '(root)';
  let value: unknown = input;
  for (const p of issue.path) value = isTree(value) || Array.isArray(value) ? (value as Tree)[p as string] : undefined;
  if (issue.code === 'unrecognized_keys') {
    const prefix = issue.path.length ? `${key}.` : '';
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${prefix}${k}"`).join(', ')}`;
  }
  const shown = value === undefined ? 'missing' : JSON.stringify(redactIfSecret(key, value));
  return `${key}: ${issue.message} (got ${shown})`;
}

const SECRET_KEY = /(password|token|secret|key|routingkey|apikey)/i;
function redactIfSecret(key: string, value: unknown): unknown {
  return SECRET_KEY.test(key.split('.').pop() ?? '') ? '[redacted]' : value;
}

/**
 * Keys that moved, old path → new path. The old key is still accepted: its value moves to the new
 * key and a deprecation warning names both (setting both is an error).
 */
export const MOVED_KEYS: ReadonlyArray<readonly [from: string, to: string]> = [
  // Topic names live in the topics section, with every other topic (several services use them).
  ['alerter.incidents.topic', 'topics.incidents'],
  ['alerter.incidents.feedbackTopic', 'topics.feedback'],
  // The feedback model is shared by the detector and the alerter.
  ['alerter.incidents.feedback.halfLifeMs', 'feedback.halfLifeMs'],
  ['alerter.incidents.feedback.marginDecades', 'feedback.marginDecades'],
  ['alerter.incidents.feedback.maxEntries', 'feedback.maxEntries'],
];

/**
 * Moves deprecated keys to their new place (MOVED_KEYS). Pure: returns a new tree, the warnings
 * and the conflicts (old and new key both set), each quoting the keys and the value.
 */
export function migrateMovedKeys(raw: unknown): { tree: unknown; warnings: string[]; conflicts: string[] } {
  const warnings: string[] = [];
  const conflicts: string[] = [];
  if (!isTree(raw)) return { tree: raw, warnings, conflicts };
  let tree: Tree = raw;
  for (const [from, to] of MOVED_KEYS) {
    const fromPath = from.split('.');
    const value = getPath(tree, fromPath);
    if (value === undefined) continue;
    tree = withoutPath(tree, fromPath);
    if (getPath(tree, to.split('.')) !== undefined) {
      conflicts.push(`${from}: deprecated, and ${to} is set too; keep only ${to} (got ${JSON.stringify(redactIfSecret(from, value))})`);
      continue;
    }
    tree = deepMerge(tree, to.split('.').reduceRight<Tree>((acc, k) => ({ [k]: acc }), value as Tree));
    warnings.push(`${from} is deprecated: it moved to ${to} (got ${JSON.stringify(redactIfSecret(from, value))}); write ${to} instead`);
  }
  return { tree, warnings, conflicts };
}

function getPath(tree: Tree, path: string[]): unknown {
  let node: unknown = tree;
  for (const k of path) node = isTree(node) ? node[k] : undefined;
  return node;
}

/** A copy of `tree` without the key at `path` (parents left empty stay, as {}). */
function withoutPath(tree: Tree, path: string[]): Tree {
  const [head, ...rest] = path;
  const out: Tree = { ...tree };
  if (rest.length === 0) delete out[head];
  else if (isTree(out[head])) out[head] = withoutPath(out[head], rest);
  return out;
}

/** Default destination of deprecation warnings: Node's process warnings (stderr unless --no-warnings). */
function emitDeprecation(message: string): void {
  process.emitWarning(message, { type: 'DeprecationWarning', code: 'VIGIL_CONFIG_DEPRECATED' });
}

/**
 * Validate a raw tree against the schema; returns the frozen config or throws ConfigError.
 * Deprecated keys (MOVED_KEYS) are moved first, each reported to `warn`.
 */
export function parseConfig(raw: unknown, source = 'configuration', warn: (message: string) => void = emitDeprecation): VigilConfig {
  const migrated = migrateMovedKeys(raw ?? {});
  if (migrated.conflicts.length > 0) {
    throw new ConfigError(`invalid ${source}:\n  - ${migrated.conflicts.join('\n  - ')}`, migrated.conflicts);
  }
  const result = vigilSchema.safeParse(migrated.tree);
  if (!result.success) {
    const issues = result.error.issues.map((i) => formatIssue(i, migrated.tree));
    throw new ConfigError(`invalid ${source}:\n  - ${issues.join('\n  - ')}`, issues);
  }
  for (const w of migrated.warnings) warn(`${source}: ${w}`);
  return deepFreeze(result.data);
}

/** Load vigil.yaml (if any), apply environment and programmatic overrides, validate once, freeze. */
export function loadConfig(options: LoadConfigOptions = {}): VigilConfig {
  const env = options.env ?? process.env;
  const file = options.file === undefined ? (env.VIGIL_CONFIG ?? defaultFile()) : options.file;
  let tree: Tree = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read config file "${file}": ${(err as Error).message}`, []);
    }
    let parsed: unknown;
    try {
      parsed = parseYaml(text);
    } catch (err) {
      throw new ConfigError(`config file "${file}" is not valid YAML: ${(err as Error).message}`, []);
    }
    if (parsed !== null && parsed !== undefined && !isTree(parsed)) {
      throw new ConfigError(`config file "${file}" must hold a mapping at the top level`, []);
    }
    tree = (parsed as Tree | null) ?? {};
  }
  tree = deepMerge(tree, envOverrides(env));
  if (options.overrides) tree = deepMerge(tree, options.overrides);
  return parseConfig(tree, file ? `config (file "${file}" with environment overrides)` : 'config (environment)', options.warn);
}

function defaultFile(): string | null {
  try {
    readFileSync('vigil.yaml');
    return 'vigil.yaml';
  } catch {
    return null;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
