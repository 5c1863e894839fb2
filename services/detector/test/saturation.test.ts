// Saturation metrics in deployment verification, through the detector against the real broker
// (issue 21, build point 3): `payments` sends spans and its pod's CPU (k8s.pod.cpu.usage, with
// service.version on the resource) on the spans and metrics topics. Version v2's spans are as
// clean as v1's, but its CPU doubles: the metrics processor hands the samples to the spans
// processor's verifier in the same transaction, and the verdict fails naming CPU.
import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { parseConfig, topicDefinitions } from '@vigil/config';
import { decodeRecord, OTLP_KEYED_MARKER, RECORD_KIND_HEADER } from '@vigil/records';
import type { VerdictRecord } from '@vigil/records';
import { Mulberry32 } from '@vigil/stats';
import { createTelemetry } from '@vigil/telemetry';
import { readTopics, suiteBus } from '../../../test/support/kafka-io.js';
import { runTopics, until as untilWithin } from '../../../test/support/processes.js';
import { createDetector } from '../src/pipeline.js';
import { paymentsSpans, podCpu } from '../src/processors/saturation.test-util.js';

const T0 = Date.now() - 3_600_000;
const { brokers, run, bus } = suiteBus('saturation');

// The shared poll of test/support, with this suite's patience.
const until = <T>(what: string, read: () => Promise<T | null>): Promise<T> => untilWithin(what, read, 90_000, 500);

describe('saturation tests through the detector (real broker)', () => {
  // v1: 20 minutes, 10 requests/s (one record per second), CPU ~1 core sampled every 10 s; then v2
  // for 10 minutes with the same traffic and ~2 cores. `replicas` detectors share the group;
  // `partitions` per topic.
  async function scenario(name: string, replicas: number, partitions: number): Promise<void> {
    const topics = runTopics(`${run}-${name}`);
    const config = parseConfig({
      bus: { kind: 'kafka', kafka: { brokers } },
      topics: { ...topics, partitions },
      detector: { groupId: `${run}-${name}-detector`, commitIntervalMs: 200 },
    });
    const t = config.topics;
    await bus.ensureTopics(topicDefinitions(config));
    const producer = await bus.producer();
    // Records as Vigil's collector writes them (one resource, keyed by service, marked).
    const headers = { [RECORD_KIND_HEADER]: OTLP_KEYED_MARKER };
    const rng = new Mulberry32(2112);
    const spansOf = (fromS: number, toS: number) => {
      const out = [];
      for (let s = fromS; s < toS; s++) out.push({ topic: t.spans, key: 'payments', value: Buffer.from(paymentsSpans(rng, s < 1200 ? 'v1' : 'v2', T0 + s * 1000)), headers });
      return out;
    };
    const cpuOf = (fromS: number, toS: number) => {
      const out = [];
      for (let s = fromS; s < toS; s++) {
        if (s % 10 !== 9) continue;
        const v2 = s >= 1200;
        out.push({ topic: t.metrics, key: 'payments', value: Buffer.from(podCpu(v2 ? 'v2' : 'v1', T0 + s * 1000 + 999, (v2 ? 2 : 1) * (1 + 0.05 * rng.nextGaussian()))), headers });
      }
      return out;
    };
    // The service's first spans, so the detector knows it before any of its samples arrive.
    await producer.send(spansOf(0, 10));
    const silent = new Writable({ write: (_c, _e, cb) => cb() });
    const detectors = Array.from({ length: replicas }, (_, i) => createDetector({
      config: { ...config, detector: { ...config.detector, instanceId: `replica-${i + 1}` } }, bus,
      telemetry: createTelemetry({ service: 'detector-test', destination: silent, processMetrics: false }),
    }));
    const records = (): number => detectors.reduce((a, d) => a + d.stats.records, 0);
    try {
      for (const d of detectors) await d.start();
      // Every replica holds its share before the history is sent (a rebalance later would only delay it).
      await until('every replica owns partitions', async () => (detectors.every((d) => d.stats.partitions > 0) ? true : null));
      await until('the first spans processed', async () => (records() >= 10 ? true : null));
      // v1's history, then v2 at once: within each, the detector reads the two topics in whatever
      // order its fetches return, and the verifier applies each sample when the spans' event time
      // reaches it. (The history must hold CPU samples when v2's check starts, as it does live:
      // the family of tests is fixed then. A burst replay of both topics could start it before.)
      const history = [...cpuOf(0, 1200), ...spansOf(10, 1200)];
      await producer.send(history);
      await until('v1\'s history processed', async () => (records() >= 10 + history.length ? true : null));
      await producer.send([...cpuOf(1200, 1800), ...spansOf(1200, 1800)]);
      const verdicts = await until('the final verdict of payments v2', async () => {
        const vs = (await readTopics(bus, [t.verdicts])).filter((r) => r.value).map((r) => decodeRecord(r.value as Buffer, 'vigil.verdict/1'));
        const v2 = vs.filter((v) => v.version === 'v2');
        return v2.some((v) => v.status !== 'running') ? v2 : null;
      }, 120_000);
      const final = verdicts.find((v) => v.status !== 'running') as VerdictRecord;
      expect(verdicts[0].status).toBe('running');
      expect(final.status).toBe('fail');
      expect(final.summary).toMatch(/^v2 regressed against v1 .*: cpu ×(1\.[89]\d*|2(\.\d+)?) \(k8s\.pod\.cpu\.usage, cpu_p95_exceedance\)/);
      const cpu = final.evidence.find((e) => e.check === 'cpu_p95_exceedance');
      expect(cpu?.decided).toBe('fail');
      expect(cpu?.detail).toMatch(/^k8s\.pod\.cpu\.usage: median ×/);
      // The span tests found nothing: CPU alone failed the deploy.
      expect(final.evidence.filter((e) => e.decided === 'fail').map((e) => e.check)).toEqual(['cpu_p95_exceedance']);
      expect(final.baseline?.tests).toBe(final.evidence.length);
      // Decided on event time: after the warm-up and a few samples, long before v2's traffic ended.
      expect(final.decidedAtMs - (T0 + 1_200_000)).toBeGreaterThanOrEqual(30_000);
      expect(final.decidedAtMs).toBeLessThan(T0 + 1_800_000);
      for (const d of detectors) expect(d.stats.deadLetters).toBe(0);
    } finally {
      await producer.close();
      for (const d of detectors) await d.shutdown();
    }
  }

  test('v2 with clean spans and twice the CPU fails, the verdict naming CPU; the spans and metrics topics are read independently', async () => {
    await scenario('one', 1, 1);
  });

  test('two replicas, three partitions per topic: the group co-partitions, so the replica verifying payments holds its metrics too', async () => {
    // A round-robin deal of the topic-partitions over two members puts partition p of the metrics
    // topic on the other member for three partitions (the samples were then lost: no CPU test).
    await scenario('two', 2, 3);
  });
});
