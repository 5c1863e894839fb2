import { describe, expect, test } from 'vitest';
import { decodeRecord, encodeRecord, RECORD_SCHEMAS, RecordDecodeError } from './codec.js';
import type { RecordSchema } from './codec.js';
import { deploymentIdFor, stableId } from './ids.js';
import { DEPLOYMENT_MARKER, isDeploymentMarker, isVigilRecord, OTLP_KEYED_MARKER, RECORD_KIND_HEADER } from './records.js';
import type { VigilRecord } from './records.js';

const T = 1_764_900_000_000;

/** One realistic record of every schema, optional fields set, so a round trip covers them too. */
const SAMPLES: { [S in RecordSchema]: Extract<VigilRecord, { schema: S }> } = {
  'vigil.deployment/1': {
    schema: 'vigil.deployment/1', id: deploymentIdFor('shop/cart', 'v1.4.2'), service: 'shop/cart', version: 'v1.4.2', environment: 'prod',
    commit: '9fceb02d0ae598e95dc970b74767f19372d61af8', timeMs: T, source: 'api', previousVersion: 'v1.4.1',
    links: [{ name: 'CI run', url: 'https://ci.example.com/r/1' }, { url: 'https://ci.example.com/r/2' }],
    ci: { quality: 'flaky', tests: 120, failed: 0, flaky: 2, skipped: 1, buildRisk: null, reasons: ['2 flaky tests'] },
  },
  'vigil.score/1': {
    schema: 'vigil.score/1', seriesId: 'a1b2c3d4e5f60718', seriesKey: 'shop/cart|POST /pay|error_ratio', service: 'shop/cart', signal: 'traces',
    metric: 'error_ratio', operation: 'POST /pay', version: 'v1.4.2', windowStartMs: T, windowEndMs: T + 10_000, value: 0.25, expected: 0.01,
    lower: 0, upper: 0.05, score: 0.999, components: ['spot', 'ewma'], warmingUp: false,
  },
  'vigil.anomaly/1': {
    schema: 'vigil.anomaly/1', id: stableId('a1b2c3d4e5f60718', T), seriesId: 'a1b2c3d4e5f60718', seriesKey: 'shop/cart|POST /pay|error_ratio',
    service: 'shop/cart', signal: 'traces', metric: 'error_ratio', windowStartMs: T, windowEndMs: T + 10_000, value: 0.25, expected: 0.01, lower: 0,
    upper: 0.05, score: 0.999, components: ['spot'], threshold: 0.99, severity: 'critical',
    deployment: { id: deploymentIdFor('shop/cart', 'v1.4.2'), version: 'v1.4.2', ageMs: 60_000 }, summary: 'error ratio 25 % (expected 1 %)',
  },
  'vigil.verdict/1': {
    schema: 'vigil.verdict/1', id: stableId(deploymentIdFor('shop/cart', 'v1.4.2'), 'fail'), deploymentId: deploymentIdFor('shop/cart', 'v1.4.2'),
    service: 'shop/cart', version: 'v1.4.2', baselineVersion: 'v1.4.1', environment: 'prod', status: 'fail', mode: 'canary', deployedAtMs: T,
    decidedAtMs: T + 90_000, summary: 'error ratio 4.0× baseline',
    evidence: [{ check: 'error_ratio', operation: 'POST /pay', baseline: 0.01, candidate: 0.04, effect: 4, statistic: 12.1, bound: 4.6, decided: 'fail' }],
    policy: 'strict', policyReason: 'flaky tests on 9fceb02d0ae5',
    baseline: { source: 'canary', versions: [{ version: 'v1.4.1', requests: 900 }], requests: 900, errors: 9, operationsTested: 3, fromMs: T - 600_000, toMs: T, tests: 4, alpha: 0.02 },
  },
  'vigil.template/1': {
    schema: 'vigil.template/1', service: 'shop/cart', templateId: 't-42', template: 'payment <*> declined: <*>', windowStartMs: T, windowEndMs: T + 10_000,
    count: 17, severities: { ERROR: 17 }, firstSeenMs: T + 1_000, isNew: true, newSinceDeployment: deploymentIdFor('shop/cart', 'v1.4.2'), version: 'v1.4.2',
  },
  'vigil.alert/1': {
    schema: 'vigil.alert/1', id: 'al-1', incidentId: 'al-1#2', rule: 'default', status: 'firing', severity: 'critical', service: 'shop/cart',
    labels: { service: 'shop/cart', metric: 'error_ratio' }, summary: 'error ratio 25 %', startsAtMs: T, updatedAtMs: T + 5_000, anomalyIds: ['x'],
    verdictId: 'v-1', notifications: [{ receiver: 'pd', kind: 'trigger', status: 'sent', attempts: 1, atMs: T + 5_000 }],
  },
  'vigil.rollback/1': {
    schema: 'vigil.rollback/1', id: deploymentIdFor('shop/cart', 'v1.4.2'), deploymentId: deploymentIdFor('shop/cart', 'v1.4.2'), service: 'shop/cart',
    version: 'v1.4.2', reason: 'verdict fail', verdictId: 'v-1', hook: 'webhook', dryRun: false, result: 'succeeded', detail: 'HTTP 200', atMs: T + 95_000,
  },
  'vigil.dead_letter/1': {
    schema: 'vigil.dead_letter/1', sourceTopic: 'otlp_spans', sourcePartition: 3, sourceOffset: '1234', reason: 'protobuf: truncated', atMs: T,
    payload: Buffer.from([0x0a, 0xff]).toString('base64'),
  },
  'vigil.incident/1': {
    schema: 'vigil.incident/1', id: 'al-1#2', alertId: 'al-1', service: 'shop/cart', title: 'error ratio of POST /pay', status: 'resolved', startsAtMs: T,
    resolvedAtMs: T + 600_000,
    fingerprint: {
      service: 'shop/cart', signal: 'traces', metric: 'error_ratio', operation: 'POST /pay', templates: ['payment <*> declined'], deviations: ['error_ratio:up'],
      deployChange: 'patch', deployment: { id: deploymentIdFor('shop/cart', 'v1.4.2'), version: 'v1.4.2', previousVersion: 'v1.4.1' }, verdict: 'fail',
    },
    resolution: { source: 'rollback', fixedBy: 'rolled back v1.4.2', links: [], rollbackHelped: true, notes: ['auto'], atMs: T + 600_000 },
    similar: [{ incidentId: 'al-0#1', score: 0.8 }], updatedAtMs: T + 600_000,
  },
  'vigil.feedback/1': {
    schema: 'vigil.feedback/1', id: 'fb-1', status: 'active', verdict: 'not_anomaly', scope: 'series', anomalyId: 'x', seriesKey: 'shop/cart|POST /pay|error_ratio',
    service: 'shop/cart', operation: 'POST /pay', metric: 'error_ratio', score: 0.995, threshold: 0.99, direction: 'up', falseNegative: false, note: 'batch job',
    by: 'ana', createdAtMs: T, updatedAtMs: T,
  },
  'vigil.test_run/1': {
    schema: 'vigil.test_run/1', suite: 'shop', testName: 'CartTest.pays', pipeline: 'build', runId: '77', revision: '9fceb02', status: 'failed', durationMs: 420,
    timeMs: T, attempt: 2, source: 'junit',
  },
  'vigil.pipeline_run/1': {
    schema: 'vigil.pipeline_run/1', pipeline: 'build', runId: '78', revision: '9fceb02', status: 'announced', timeMs: T, source: 'api', suite: 'shop',
    predictedFailureProbability: 0.31, riskFeatures: [0.1, 2, 0], reason: 'recent failures of touched tests',
  },
  'vigil.forecast/1': {
    schema: 'vigil.forecast/1', id: 'fc-1', service: 'shop/cart', metric: 'process.cpu.utilization', kind: 'cpu', horizon: 'long', originMs: T, stepMs: 3_600_000,
    points: [{ endMs: T + 3_600_000, mean: 1.5, lo80: 1.2, hi80: 1.8, lo95: 1, hi95: 2.1 }],
    recommendation: { request: 2.2, riskShort: 0.01, expectedSlack: 0.6, expectedShortfall: null, peak: 2.1, mean: 1.5, replicas: 4, why: 'p99 of the day ahead' },
    learnt: 300, withheld: 12,
  },
};

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
    for (const foreign of [undefined, {}, { 'content-type': 'application/x-protobuf' }]) {
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
