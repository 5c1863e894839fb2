// The CI-quality stage and its join through the detector, against the real broker (Kafka
// transactions, two partitions): test executions on ci_test_runs (keyed by suite, so the suites of
// revision c2 land on different partitions) become vigil.ci_quality/1 records on the compacted
// topic; a deployment of c2 announced in band on the spans topic is re-published with the merged
// quality of both suites, and its check runs under the strict policy: the regression fails with
// the flaky test named in the verdict.
import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { parseConfig, topicDefinitions } from '@vigil/config';
import { decodeRecord, OTLP_KEYED_MARKER, RECORD_KIND_HEADER } from '@vigil/records';
import type { CiQualityRecord } from '@vigil/records';
import { createTelemetry } from '@vigil/telemetry';
import { readTopics, suiteBus } from '../../../test/support/kafka-io.js';
import { runTopics, until as untilWithin } from '../../../test/support/processes.js';
import type { ReadRecord } from '../../../test/support/kafka-io.js';
import { createDetector } from '../src/pipeline.js';
import { deploymentMarker, spans, testRun } from '../src/ci-quality/ci-quality.test-util.js';

const T0 = Date.now() - 3_600_000;
const { brokers, run, bus } = suiteBus('ci-quality');

// The shared poll of test/support, with this suite's patience.
const until = <T>(what: string, read: () => Promise<T | null>): Promise<T> => untilWithin(what, read, 90_000, 500);

describe('CI quality as a stream, joined by the detector (real broker)', () => {
  test('test runs → vigil_ci_quality; a deploy of the flaky commit is re-published with ci and fails strictly', async () => {
    const topics = runTopics(run);
    const config = parseConfig({
      bus: { kind: 'kafka', kafka: { brokers } },
      topics: { ...topics, partitions: 2 },
      rekey: { enabled: false },
      detector: { groupId: `${run}-detector`, commitIntervalMs: 200 },
    });
    await bus.ensureTopics(topicDefinitions(config));
    const t = config.topics;
    const producer = await bus.producer();
    // c2: shop/refunds failed then passed (flaky), shop/pays passed; api/ping passed. Keys: suites.
    await producer.send([
      { topic: t.ciTestRuns, key: 'shop', value: testRun('c2', 'shop', 'refunds', 'failed', 'r2', T0 - 9_000) },
      { topic: t.ciTestRuns, key: 'shop', value: testRun('c2', 'shop', 'refunds', 'passed', 'r3', T0 - 8_000) },
      { topic: t.ciTestRuns, key: 'shop', value: testRun('c2', 'shop', 'pays', 'passed', 'r2', T0 - 9_000) },
      { topic: t.ciTestRuns, key: 'api', value: testRun('c2', 'api', 'ping', 'passed', 'r2', T0 - 9_000) },
    ]);

    const silent = new Writable({ write: (_c, _e, cb) => cb() });
    const detector = createDetector({ config, bus, telemetry: createTelemetry({ service: 'detector-test', destination: silent, processMetrics: false }) });
    await detector.start();
    try {
      const decoded = (recs: ReadRecord[], topic: string) => recs.filter((r) => r.topic === topic && r.value);
      const quality = await until('both suites of c2 on vigil_ci_quality', async () => {
        const q = decoded(await readTopics(bus, [t.ciQuality]), t.ciQuality).map((r) => decodeRecord(r.value as Buffer, 'vigil.ci_quality/1'));
        return q.length >= 2 ? q : null;
      });
      const bySuite = new Map<string, CiQualityRecord>(quality.map((q) => [q.suite, q]));
      expect(bySuite.get('shop')).toMatchObject({ revision: 'c2', flaky: 1, passed: 1, failed: 0, flakyTests: ['shop :: refunds'] });
      expect(bySuite.get('api')).toMatchObject({ revision: 'c2', flaky: 0, passed: 1 });

      // The deployment, in band, before any traffic of v2: the join answers with the table's quality.
      const marker = deploymentMarker('ledger', 'v2', 'c2', T0);
      await producer.send([{ topic: t.spans, key: 'ledger', value: marker.value, headers: marker.headers }]);
      const joined = await until('ledger v2 re-published with ci', async () => {
        const d = decoded(await readTopics(bus, [t.deployments]), t.deployments).map((r) => decodeRecord(r.value as Buffer, 'vigil.deployment/1'));
        return d.find((x) => x.service === 'ledger' && x.version === 'v2' && x.ci) ?? null;
      });
      expect(joined).toMatchObject({ commit: 'c2', ci: { quality: 'flaky', tests: 3, flaky: 1, failed: 0, buildRisk: null } });

      // v1 then v2 with five times the errors.
      const marked = { [RECORD_KIND_HEADER]: OTLP_KEYED_MARKER };
      const traffic = [{ topic: t.spans, key: 'ledger', value: Buffer.from(spans('ledger', 'v1', T0, 300, 50)), headers: marked }];
      for (let k = 0; k < 10; k++) traffic.push({ topic: t.spans, key: 'ledger', value: Buffer.from(spans('ledger', 'v2', T0 + 40_000 + k * 5_000, 40, 4)), headers: marked });
      await producer.send(traffic);
      const verdict = await until('the fail verdict of ledger v2', async () => {
        const v = decoded(await readTopics(bus, [t.verdicts]), t.verdicts).map((r) => decodeRecord(r.value as Buffer, 'vigil.verdict/1'));
        return v.find((x) => x.version === 'v2' && x.status === 'fail') ?? null;
      });
      expect(verdict.summary).toMatch(/\(strict: CI flaky on c2: 1 test failed and passed on c2 \(flaky\): shop :: refunds/);
      expect(detector.stats.deadLetters).toBe(0);
    } finally {
      await producer.close();
      await detector.shutdown();
    }
  });
});
