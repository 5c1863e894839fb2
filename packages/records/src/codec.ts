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

/** Required fields per schema, checked on decode: enough to route and store safely. */
const REQUIRED: Record<RecordSchema, string[]> = {
  'vigil.deployment/1': ['id', 'service', 'version', 'timeMs'],
  'vigil.score/1': ['seriesId', 'service', 'metric', 'windowStartMs', 'value', 'score'],
  'vigil.anomaly/1': ['id', 'seriesId', 'service', 'metric', 'windowStartMs', 'score'],
  'vigil.verdict/1': ['id', 'deploymentId', 'service', 'version', 'status'],
  'vigil.template/1': ['service', 'templateId', 'template', 'windowStartMs', 'count'],
  'vigil.alert/1': ['id', 'rule', 'status', 'service', 'updatedAtMs'],
  'vigil.rollback/1': ['id', 'deploymentId', 'service', 'result', 'atMs'],
  'vigil.dead_letter/1': ['sourceTopic', 'reason', 'atMs'],
  'vigil.incident/1': ['id', 'alertId', 'service', 'status', 'fingerprint', 'updatedAtMs'],
  'vigil.feedback/1': ['id', 'status', 'verdict', 'scope', 'service', 'seriesKey', 'createdAtMs', 'updatedAtMs'],
  'vigil.test_run/1': ['suite', 'testName', 'pipeline', 'runId', 'status', 'timeMs'],
  'vigil.pipeline_run/1': ['pipeline', 'runId', 'status', 'timeMs'],
  'vigil.forecast/1': ['id', 'service', 'metric', 'horizon', 'originMs', 'stepMs', 'points'],
  'vigil.ci_quality/1': ['revision', 'suite', 'passed', 'failed', 'flaky', 'skipped', 'knownFlaky', 'asOfMs'],
};

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
  if (typeof value !== 'object' || value === null) throw new RecordDecodeError('not an object');
  const schema = (value as { schema?: unknown }).schema;
  if (typeof schema !== 'string' || !(schema in REQUIRED)) {
    throw new RecordDecodeError(`unknown schema ${JSON.stringify(schema)}`);
  }
  if (expected && schema !== expected) throw new RecordDecodeError(`expected ${expected}, got ${schema}`);
  for (const field of REQUIRED[schema as RecordSchema]) {
    if ((value as Record<string, unknown>)[field] === undefined) {
      throw new RecordDecodeError(`${schema}: missing field "${field}"`);
    }
  }
  return value as Extract<VigilRecord, { schema: S }>;
}
