// Example records of every schema (see exampleRecords).
import type { RecordSchema } from './codec.js';
import { deploymentIdFor, stableId } from './ids.js';
import type { VigilRecord } from './records.js';

export type RecordExamples = { [S in RecordSchema]: Extract<VigilRecord, { schema: S }> };

const T = 1_764_900_000_000;

/**
 * One realistic record of every schema, optional fields set: the examples of the README, and what
 * consumers' tests feed their mappers (the writer checks that each lands in the tables the topic
 * catalogue of @vigil/config names). A fresh copy on every call.
 */
export function exampleRecords(): RecordExamples {
  return {
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
    'vigil.ci_quality/1': {
      schema: 'vigil.ci_quality/1', revision: 'c2', suite: 'shop', passed: 41, failed: 0, flaky: 1, skipped: 2, knownFlaky: 0,
      flakyTests: ['shop :: refunds'], failedTests: [], skippedTests: ['shop :: legacy', 'shop :: slow'], knownFlakyTests: [], asOfMs: T,
    },
  };
}
