import { describe, expect, test } from 'vitest';
import { decodeRecord, encodeRecord, RECORD_SCHEMAS, RecordDecodeError } from './codec.js';
import type { RecordSchema } from './codec.js';
import { exampleRecords } from './examples.js';
import { deploymentIdFor, stableId } from './ids.js';
import { DEPLOYMENT_MARKER, isDeploymentMarker, isVigilRecord, OTLP_KEYED_MARKER, RECORD_KIND_HEADER } from './records.js';
import type { VigilRecord } from './records.js';

const SAMPLES = exampleRecords();

/** `record` as JSON bytes with `field` replaced (undefined: removed). */
function withField(record: VigilRecord, field: string, value: unknown): Buffer {
  const copy: Record<string, unknown> = { ...record };
  if (value === undefined) delete copy[field];
  else copy[field] = value;
  return Buffer.from(JSON.stringify(copy), 'utf8');
}

describe('round trip', () => {
  test('the samples cover every schema', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...RECORD_SCHEMAS].sort());
  });

  test.each(RECORD_SCHEMAS)('%s: decode(encode(r)) equals r, and narrows to its schema', (schema) => {
    const record = SAMPLES[schema];
    const bytes = encodeRecord(record);
    expect(decodeRecord(bytes)).toEqual(record);
    expect(decodeRecord(bytes, schema)).toEqual(record);
    const other = RECORD_SCHEMAS.find((s) => s !== schema) as RecordSchema;
    expect(() => decodeRecord(bytes, other)).toThrow(`expected ${other}, got ${schema}`);
  });

  test('UTF-8 JSON on the wire: one object with its schema field', () => {
    const bytes = encodeRecord(SAMPLES['vigil.template/1']);
    expect(JSON.parse(bytes.toString('utf8'))).toMatchObject({ schema: 'vigil.template/1', template: 'payment <*> declined: <*>' });
  });

  test('header markers: in-band deployment on the spans topic, Vigil-keyed OTLP, foreign records', () => {
    const inBand = { [RECORD_KIND_HEADER]: DEPLOYMENT_MARKER };
    expect(isDeploymentMarker(inBand)).toBe(true);
    expect(isVigilRecord(inBand)).toBe(true);
    expect(decodeRecord(encodeRecord(SAMPLES['vigil.deployment/1']), 'vigil.deployment/1').id).toBe(SAMPLES['vigil.deployment/1'].id);
    const keyed = { [RECORD_KIND_HEADER]: OTLP_KEYED_MARKER };
    expect(isDeploymentMarker(keyed)).toBe(false);
    expect(isVigilRecord(keyed)).toBe(true);
    // An OpenTelemetry Collector's Kafka exporter writes no such header.
    const foreigns: Array<Record<string, string> | undefined> = [undefined, {}, { 'content-type': 'application/x-protobuf' }];
    for (const foreign of foreigns) {
      expect(isVigilRecord(foreign)).toBe(false);
      expect(isDeploymentMarker(foreign)).toBe(false);
    }
  });
});

describe('schema checks', () => {
  test('a record missing a required field is rejected, naming schema and field', () => {
    const bytes = withField(SAMPLES['vigil.anomaly/1'], 'seriesId', undefined);
    expect(() => decodeRecord(bytes)).toThrow(RecordDecodeError);
    expect(() => decodeRecord(bytes)).toThrow('vigil.anomaly/1: missing field "seriesId"');
    expect(() => decodeRecord(withField(SAMPLES['vigil.forecast/1'], 'points', undefined))).toThrow('vigil.forecast/1: missing field "points"');
  });

  test('a required field of the wrong type is rejected, quoting field, type and value', () => {
    expect(() => decodeRecord(withField(SAMPLES['vigil.deployment/1'], 'timeMs', '2025-12-05'))).toThrow(
      'vigil.deployment/1: field "timeMs" must be a number, got string "2025-12-05"',
    );
    expect(() => decodeRecord(withField(SAMPLES['vigil.alert/1'], 'service', 42))).toThrow('vigil.alert/1: field "service" must be a string, got number 42');
    expect(() => decodeRecord(withField(SAMPLES['vigil.incident/1'], 'fingerprint', ['x']))).toThrow('vigil.incident/1: field "fingerprint" must be an object, got array ["x"]');
    expect(() => decodeRecord(withField(SAMPLES['vigil.forecast/1'], 'points', {}))).toThrow('vigil.forecast/1: field "points" must be an array, got object {}');
    expect(() => decodeRecord(withField(SAMPLES['vigil.verdict/1'], 'status', null))).toThrow('vigil.verdict/1: field "status" must be a string, got null');
  });

  test('a non-finite measurement (written as null by JSON) is accepted where the writer stores it as 0', () => {
    const score = { ...SAMPLES['vigil.score/1'], value: Number.NaN };
    expect(decodeRecord(encodeRecord(score), 'vigil.score/1').value).toBeNull();
    expect(() => decodeRecord(withField(SAMPLES['vigil.score/1'], 'value', 'high'))).toThrow('field "value" must be a number, got string "high"');
  });

  test('unknown fields are kept (same version, added optional field); unknown schemas and versions are rejected', () => {
    const bytes = withField(SAMPLES['vigil.rollback/1'], 'addedLater', { x: 1 });
    expect(decodeRecord(bytes)).toEqual({ ...SAMPLES['vigil.rollback/1'], addedLater: { x: 1 } });
    expect(() => decodeRecord(withField(SAMPLES['vigil.rollback/1'], 'schema', 'vigil.rollback/2'))).toThrow('unknown schema "vigil.rollback/2"');
    expect(() => decodeRecord(withField(SAMPLES['vigil.rollback/1'], 'schema', undefined))).toThrow('unknown schema undefined');
    expect(() => decodeRecord(Buffer.from('{"schema":"toString"}'))).toThrow('unknown schema "toString"');
  });

  test('bytes that are not a JSON object are rejected with why', () => {
    expect(() => decodeRecord(null)).toThrow('empty record');
    expect(() => decodeRecord(Buffer.from('{"schema":'))).toThrow(/^not JSON: /);
    expect(() => decodeRecord(Buffer.from('[1,2]'))).toThrow('not an object (got array)');
    expect(() => decodeRecord(Buffer.from('"vigil.score/1"'))).toThrow('not an object (got string)');
    expect(() => decodeRecord(Buffer.from([0x0a, 0x02, 0xff, 0xfe]))).toThrow(RecordDecodeError);
  });
});

describe('ids', () => {
  // Golden values from Python's hashlib (an independent implementation):
  //   h = hashlib.sha256(); for p in parts: h.update(str(p).encode()); h.update(b'\0')
  //   h.hexdigest()[:16]
  test('stableId: first 16 hex digits of SHA-256 over the parts, each followed by NUL', () => {
    expect(deploymentIdFor('shop/cart', 'v1.4.2')).toBe('d38f1f20ea368382');
    expect(stableId('a', 1, undefined)).toBe('59014420fcd600de');
    expect(stableId('é')).toBe('6133f2d2dc6cad8d');
    expect(stableId('ab', 'c')).not.toBe(stableId('a', 'bc'));
  });
});
