import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { createMemoryBus } from '@vigil/bus';
import type { Bus, InRecord } from '@vigil/bus';
import { parseConfig, topicDefinitions } from '@vigil/config';
import { encodeMetrics, encodeTraces } from '@vigil/otlp';
import type { KeyValue, Span } from '@vigil/otlp';
import { decodeRecord, OTLP_KEYED_MARKER, RECORD_KIND_HEADER } from '@vigil/records';
import { Mulberry32 } from '@vigil/stats';
import { createTelemetry } from '@vigil/telemetry';
import { createDetector } from './pipeline.js';
import { decodeSnapshot } from './state/snapshot.js';

const silent = new Writable({ write: (_c, _e, cb) => cb() });
const telemetry = () => createTelemetry({ service: 'detector-test', destination: silent, processMetrics: false });
const str = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });
const T0 = 1_790_000_000_000;

/** One OTLP request per second of event time: `rps` SERVER spans of payments at `version`. */
function trafficRecords(seconds: number, startS: number, version: string, errorRatio: number, latencyFactor: number, seed: number): Buffer[] {
  const rng = new Mulberry32(seed);
  const out: Buffer[] = [];
  for (let s = 0; s < seconds; s++) {
    const spans: Span[] = [];
    for (let i = 0; i < 20; i++) {
      const start = BigInt(T0 + (startS + s) * 1000 + i * 50) * 1_000_000n;
      const dur = BigInt(Math.round(40_000_000 * Math.exp(0.3 * rng.nextGaussian()) * latencyFactor));
      spans.push({
        traceId: new Uint8Array(16).fill(1), spanId: new Uint8Array(8).fill(2), traceState: '', parentSpanId: new Uint8Array(0), flags: 0,
        name: i % 2 ? 'POST /pay' : 'GET /status', kind: 2, startTimeUnixNano: start, endTimeUnixNano: start + dur, attributes: [],
        droppedAttributesCount: 0, events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0,
        status: { code: rng.next() < errorRatio ? 2 : 0, message: '' },
      });
    }
    out.push(encodeTraces({ resourceSpans: [{ resource: { attributes: [str('service.name', 'payments'), str('service.version', version)], droppedAttributesCount: 0, entityRefs: [] }, scopeSpans: [{ scope: undefined, spans, schemaUrl: '' }], schemaUrl: '' }] }));
  }
  return out;
}

async function readAll(bus: Bus, topic: string, partitions: number): Promise<InRecord[]> {
  const all: InRecord[] = [];
  for (let p = 0; p < partitions; p++) all.push(...(await bus.readPartition(topic, p)));
  return all;
}

async function setup(records: Buffer[]) {
  const config = parseConfig({ detector: { commitIntervalMs: 60_000 } });
  const bus = createMemoryBus({});
  await bus.ensureTopics(topicDefinitions(config));
  const producer = await bus.producer();
  // As Vigil's collector writes them: keyed by service, marked (the direct path).
  for (const r of records) await producer.send([{ topic: config.topics.spans, key: 'payments', value: r, headers: { [RECORD_KIND_HEADER]: OTLP_KEYED_MARKER } }]);
  await producer.close();
  return { config, bus };
}

async function drain(bus: Bus, config: ReturnType<typeof parseConfig>, detector: ReturnType<typeof createDetector>, total: number) {
  // Until `total` records were processed, or nothing moved for a second (the rest was committed before).
  const end = Date.now() + 30_000;
  let last = -1;
  let still = 0;
  while (detector.stats.records < total && Date.now() < end && still < 50) {
    await new Promise((r) => setTimeout(r, 20));
    still = detector.stats.records === last ? still + 1 : 0;
    last = detector.stats.records;
  }
  void bus;
  void config;
  await detector.commitNow();
}

/** The reference: one detector that reads the whole input without interruption. */
async function uninterruptedRun(records: Buffer[]): Promise<Awaited<ReturnType<typeof setup>>> {
  const reference = await setup(records);
  const d0 = createDetector({ config: reference.config, bus: reference.bus, telemetry: telemetry() });
  await d0.start();
  await drain(reference.bus, reference.config, d0, records.length);
  await d0.shutdown();
  return reference;
}

describe('detector on the in-process bus', () => {
  const input = [
    ...trafficRecords(400, 0, 'v1', 0.005, 1, 1),
    ...trafficRecords(60, 400, 'v2', 0.05, 1, 2),
  ];

  test('scores RED windows and fails the regressed deployment from its spans', async () => {
    const { config, bus } = await setup(input);
    const detector = createDetector({ config, bus, telemetry: telemetry() });
    await detector.start();
    await drain(bus, config, detector, input.length);
    await detector.shutdown();
    const verdicts = (await readAll(bus, config.topics.verdicts, 6)).map((r) => decodeRecord(r.value, 'vigil.verdict/1'));
    const fail = verdicts.find((v) => v.status === 'fail');
    expect(verdicts[0].status).toBe('running');
    expect(fail?.version).toBe('v2');
    expect(fail!.decidedAtMs - fail!.deployedAtMs).toBeLessThan(30_000);
    const scores = (await readAll(bus, config.topics.scores, 6)).map((r) => decodeRecord(r.value, 'vigil.score/1'));
    // 460 s of traffic in 10 s windows, two operations, five RED metrics each (the last windows stay open).
    expect(scores.length).toBeGreaterThanOrEqual(44 * 2 * 5);
    expect(new Set(scores.map((s) => s.metric))).toEqual(new Set(['rate', 'error_ratio', 'latency_p50', 'latency_p95', 'latency_p99']));
    await bus.shutdown();
  });

  test('the verdicts reach the metrics processor: the failed version is withheld from its CPU forecasts too', async () => {
    const { config, bus } = await setup(input);
    // payments' CPU (one pod, once per 10 s) on the metrics topic, keyed by service as the collector
    // writes it: v1 before the deploy, then v2.
    const producer = await bus.producer();
    for (let s = 0; s < 460; s += 10) {
      const value = encodeMetrics({ resourceMetrics: [{
        resource: { attributes: [str('service.name', 'payments'), str('service.version', s < 400 ? 'v1' : 'v2')], droppedAttributesCount: 0, entityRefs: [] },
        scopeMetrics: [{ scope: undefined, schemaUrl: '', metrics: [{ name: 'k8s.pod.cpu.usage', description: '', unit: '1', metadata: [], gauge: {
          dataPoints: [{ attributes: [str('k8s.pod.name', 'payments-0')], startTimeUnixNano: 0n, timeUnixNano: BigInt(T0 + s * 1000) * 1_000_000n, asDouble: 0.5, flags: 0, exemplars: [] }] } }] }],
        schemaUrl: '' }] });
      await producer.send([{ topic: config.topics.metrics, key: 'payments', value, headers: { [RECORD_KIND_HEADER]: OTLP_KEYED_MARKER } }]);
    }
    await producer.close();
    const detector = createDetector({ config, bus, telemetry: telemetry() });
    await detector.start();
    await drain(bus, config, detector, input.length + 46);
    await detector.shutdown();
    // The metrics processor's committed state: it saw the spans processor's fail verdict.
    const state = await bus.readPartition(config.topics.detectorState, 0).then(async (first) => {
      const all = [...first];
      for (let p = 1; p < config.topics.partitions; p++) all.push(...(await bus.readPartition(config.topics.detectorState, p)));
      return all;
    });
    let failed: Array<[string, string]> | undefined;
    for (let p = 0; p < config.topics.partitions; p++) {
      const snap = decodeSnapshot(state, config.topics.metrics, p);
      const f = (snap?.state as { forecast?: { failed?: Array<[string, string]> } } | undefined)?.forecast?.failed;
      if (f?.length) failed = f;
    }
    expect(failed).toEqual([['payments', 'v2']]);
    await bus.shutdown();
  });

  test('a detector killed mid-stream loses nothing and doubles nothing: outputs equal an uninterrupted run', async () => {
    const reference = await uninterruptedRun(input);

    const { config, bus } = await setup(input);
    const d1 = createDetector({ config, bus, telemetry: telemetry() });
    await d1.start();
    const end = Date.now() + 30_000;
    while (d1.stats.records < 150 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    await d1.commitNow(); // a checkpoint part-way
    while (d1.stats.records < 300 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    await d1.abandon(); // killed: work since the checkpoint is lost, nothing committed
    const d2 = createDetector({ config, bus, telemetry: telemetry() });
    await d2.start();
    const restoredFrom = d1.stats.records;
    await drain(bus, config, d2, input.length - 150);
    await d2.shutdown();
    expect(restoredFrom).toBeGreaterThanOrEqual(300);

    for (const topic of [config.topics.scores, config.topics.verdicts, config.topics.anomalies]) {
      const want = (await readAll(reference.bus, topic, 6)).map((r) => r.value?.toString('hex'));
      const got = (await readAll(bus, topic, 6)).map((r) => r.value?.toString('hex'));
      expect(got.length).toBe(want.length);
      expect(got).toEqual(want);
    }
    await bus.shutdown();
    await reference.bus.shutdown();
  });

  test('an aborted transaction loses and doubles nothing: the detector restarts from the committed point', async () => {
    const reference = await uninterruptedRun(input);

    const { config, bus } = await setup(input);
    // The broker refuses the first transaction's commit (e.g. a fenced or timed-out transaction).
    let commits = 0;
    const realProducer = bus.producer.bind(bus);
    const flaky: Bus = {
      kind: bus.kind, ensureTopics: bus.ensureTopics.bind(bus), consumer: bus.consumer.bind(bus), readPartition: bus.readPartition.bind(bus), shutdown: bus.shutdown.bind(bus),
      producer: async (o) => {
        const p = await realProducer(o);
        return { ...p, send: p.send.bind(p), close: p.close.bind(p), transaction: async () => {
          const t = await p.transaction();
          return { send: t.send.bind(t), sendOffsets: t.sendOffsets.bind(t), abort: t.abort.bind(t), commit: async () => {
            commits++;
            if (commits === 1) { await t.abort(); throw new Error('injected: transaction commit refused'); }
            await t.commit();
          } };
        } };
      },
    };
    const d = createDetector({ config, bus: flaky, telemetry: telemetry() });
    await d.start();
    const end = Date.now() + 30_000;
    while (d.stats.records < 200 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    await d.commitNow().catch(() => undefined); // the refused one
    // After the restart everything since the last commit (here: the beginning) is processed again.
    await drain(bus, config, d, d.stats.records + input.length);
    await d.shutdown();
    expect({ commits, aborts: d.stats.aborts }).toMatchObject({ aborts: 1 });
    expect(commits).toBeGreaterThan(1);
    for (const topic of [config.topics.scores, config.topics.verdicts, config.topics.anomalies]) {
      const want = (await readAll(reference.bus, topic, 6)).map((r) => r.value?.toString('hex'));
      const got = (await readAll(bus, topic, 6)).map((r) => r.value?.toString('hex'));
      expect(got).toEqual(want);
    }
    await bus.shutdown();
    await reference.bus.shutdown();
  });
});

describe('idle watermark: a check whose traffic stops still ends, the same way on every replay', () => {
  // v1 for 300 s, then v2 for 5 s (100 requests, fewer than minSamples) and silence.
  const input = [...trafficRecords(300, 0, 'v1', 0.005, 1, 3), ...trafficRecords(5, 300, 'v2', 0.005, 1, 4)];
  const verdictsOf = async (bus: Bus, topic: string) => (await readAll(bus, topic, 6)).map((r) => decodeRecord(r.value, 'vigil.verdict/1'));
  const hex = async (bus: Bus, topic: string) => (await readAll(bus, topic, 6)).map((r) => r.value?.toString('hex'));

  /** Process everything, then let `idleMs` of processing time pass without records, `ticks` times. */
  async function run(idleSteps: number[], kill?: 'before-tick' | 'after-tick') {
    const { config, bus } = await setup(input);
    let clock = 1_000_000;
    const nowMs = () => clock;
    let d = createDetector({ config, bus, telemetry: telemetry(), nowMs });
    await d.start();
    await drain(bus, config, d, input.length);
    if (kill === 'after-tick') {
      clock += 16 * 60_000;
      await d.commitNow();
    }
    if (kill) {
      // The partition moves to another replica (its state restored from the committed snapshot).
      await d.abandon();
      d = createDetector({ config: { ...config, detector: { ...config.detector, instanceId: 'replica-2' } }, bus, telemetry: telemetry(), nowMs });
      await d.start();
      const end = Date.now() + 10_000;
      while (d.stats.partitions === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    }
    for (const step of idleSteps) {
      clock += step;
      await d.commitNow();
    }
    await d.shutdown();
    return { config, bus };
  }

  test('no spans after the deploy: the verdict comes from the idle watermark, stamped with the deadline', async () => {
    const { config, bus } = await run([30_000, 61_000, 16 * 60_000]);
    const verdicts = (await verdictsOf(bus, config.topics.verdicts)).filter((v) => v.version === 'v2');
    expect(verdicts.map((v) => v.status)).toEqual(['running', 'inconclusive']);
    const final = verdicts[1];
    expect(final.decidedAtMs - final.deployedAtMs).toBe(config.detector.verification.maxDurationMs);
    expect(final.summary).toMatch(/only 100 requests within 900 s/);
    expect(final.baseline?.source).toBe('history');
    expect(final.baseline?.versions[0]?.version).toBe('v1');
    await bus.shutdown();
  });

  test('replays, other tick timings and a partition reassigned before or after the tick reach the same verdicts', async () => {
    const reference = await run([16 * 60_000]);
    const want = await hex(reference.bus, reference.config.topics.verdicts);
    expect(want.length).toBe(2);
    for (const variant of [
      { steps: [16 * 60_000] },
      { steps: [5_000, 70_000, 200_000, 40 * 60_000] },
      { steps: [20 * 60_000], kill: 'before-tick' as const },
      { steps: [60_000, 20 * 60_000], kill: 'after-tick' as const },
    ]) {
      const r = await run(variant.steps, variant.kill);
      expect(await hex(r.bus, r.config.topics.verdicts)).toEqual(want);
      await r.bus.shutdown();
    }
    await reference.bus.shutdown();
  });
});
