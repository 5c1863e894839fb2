import type { VigilRecord } from './records.js';

export type RecordSchema = VigilRecord['schema'];

export class RecordDecodeError extends Error {
  readonly code = 'RECORD_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'RecordDecodeError';
  }
}

export function encodeRecord(record: VigilRecord): Buffer {
  return Buffer.from(JSON.stringify(record), 'utf8');
}

/**
 * JSON type of a required field. `number?` also takes null: JSON has no NaN or Infinity, and
 * JSON.stringify writes a non-finite measurement as null (the writer stores such values as 0).
 */
type FieldType = 'string' | 'number' | 'number?' | 'boolean' | 'object' | 'array';

/**
 * Required fields per schema with their JSON types, checked on decode: enough to route and store
 * safely. Unknown fields are accepted and kept (a producer may add optional fields within a
 * version; a change that breaks a reader gets a new version, e.g. vigil.anomaly/2).
 */
const REQUIRED: Record<RecordSchema, Readonly<Record<string, FieldType>>> = {
  'vigil.deployment/1': { id: 'string', service: 'string', version: 'string', timeMs: 'number' },
  'vigil.score/1': { seriesId: 'string', service: 'string', metric: 'string', windowStartMs: 'number', value: 'number?', score: 'number?' },
  'vigil.anomaly/1': { id: 'string', seriesId: 'string', service: 'string', metric: 'string', windowStartMs: 'number', score: 'number?' },
  'vigil.verdict/1': { id: 'string', deploymentId: 'string', service: 'string', version: 'string', status: 'string' },
  'vigil.template/1': { service: 'string', templateId: 'string', template: 'string', windowStartMs: 'number', count: 'number' },
  'vigil.alert/1': { id: 'string', rule: 'string', status: 'string', service: 'string', updatedAtMs: 'number' },
  'vigil.rollback/1': { id: 'string', deploymentId: 'string', service: 'string', result: 'string', atMs: 'number' },
  'vigil.dead_letter/1': { sourceTopic: 'string', reason: 'string', atMs: 'number' },
  'vigil.incident/1': { id: 'string', alertId: 'string', service: 'string', status: 'string', fingerprint: 'object', updatedAtMs: 'number' },
  'vigil.feedback/1': {
    id: 'string', status: 'string', verdict: 'string', scope: 'string', service: 'string', seriesKey: 'string', createdAtMs: 'number', updatedAtMs: 'number',
  },
  'vigil.test_run/1': { suite: 'string', testName: 'string', pipeline: 'string', runId: 'string', status: 'string', timeMs: 'number' },
  'vigil.pipeline_run/1': { pipeline: 'string', runId: 'string', status: 'string', timeMs: 'number' },
  'vigil.forecast/1': { id: 'string', service: 'string', metric: 'string', horizon: 'string', originMs: 'number', stepMs: 'number', points: 'array' },
  'vigil.ci_quality/1': {
    revision: 'string', suite: 'string', passed: 'number', failed: 'number', flaky: 'number', skipped: 'number', knownFlaky: 'number', asOfMs: 'number',
  },
};

/** Every schema Vigil reads and writes, with its version. */
export const RECORD_SCHEMAS = Object.keys(REQUIRED) as RecordSchema[];

const ARTICLE: Record<FieldType, string> = {
  string: 'a string', number: 'a number', 'number?': 'a number', boolean: 'a boolean', object: 'an object', array: 'an array',
};

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function hasType(v: unknown, t: FieldType): boolean {
  if (t === 'number?') return v === null || typeof v === 'number';
  return typeOf(v) === t;
}

/** Decode and check a record; `expected` narrows the accepted schema. Throws RecordDecodeError. */
export function decodeRecord<S extends RecordSchema>(
  bytes: Buffer | null,
  expected?: S,
): Extract<VigilRecord, { schema: S }> {
  if (!bytes) throw new RecordDecodeError('empty record');
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new RecordDecodeError(`not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RecordDecodeError(`not an object (got ${typeOf(value)})`);
  const schema = (value as { schema?: unknown }).schema;
  if (typeof schema !== 'string' || !Object.hasOwn(REQUIRED, schema)) {
    throw new RecordDecodeError(`unknown schema ${JSON.stringify(schema)}`);
  }
  if (expected && schema !== expected) throw new RecordDecodeError(`expected ${expected}, got ${schema}`);
  for (const [field, type] of Object.entries(REQUIRED[schema as RecordSchema])) {
    const v = (value as Record<string, unknown>)[field];
    if (v === undefined) throw new RecordDecodeError(`${schema}: missing field "${field}"`);
    if (!hasType(v, type)) {
      const shown = JSON.stringify(v);
      const got = v === null ? 'null' : `${typeOf(v)} ${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown}`;
      throw new RecordDecodeError(`${schema}: field "${field}" must be ${ARTICLE[type]}, got ${got}`);
    }
  }
  return value as Extract<VigilRecord, { schema: S }>;
}
