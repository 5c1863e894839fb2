// The rekey stage on the in-process bus: foreign records (no key, several resources, any
// partition) come out one per resource, keyed by service, on the partition of that key; Vigil's
// own records are left alone; new versions are announced once; bad input is dead-lettered; a
// second run of the group re-reads nothing (offsets committed with the output).
import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { createMemoryBus, partitionForKey } from '@vigil/bus';
import type { Bus, InRecord } from '@vigil/bus';
import { parseConfig, topicDefinitions } from '@vigil/config';
import { decodeLogs, decodeMetrics, decodeTraces, encodeLogs, encodeMetrics, encodeTraces, sampleLogs, sampleMetrics, sampleTraces } from '@vigil/otlp';
import { decodeRecord, OTLP_KEYED_MARKER, RECORD_KIND_HEADER } from '@vigil/records';
import { createTelemetry } from '@vigil/telemetry';
import { createRekeyStage } from './rekey-stage.js';

const silent = new Writable({ write: (_c, _e, cb) => cb() });
const telemetry = () => createTelemetry({ service: 'rekey-test', logLevel: 'silent', destination: silent, processMetrics: false });

async function readAll(bus: Bus, topic: string, partitions: number): Promise<InRecord[]> {
  const all: InRecord[] = [];
  for (let p = 0; p < partitions; p++) all.push(...(await bus.readPartition(topic, p)));
  return all;
}

async function until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const serviceOf = (attrs: { key: string; value?: { stringValue?: string } }[] | undefined) => {
  const get = (k: string) => attrs?.find((a) => a.key === k)?.value?.stringValue ?? '';
  return `${get('service.namespace')}/${get('service.name')}`;
};

describe('rekey stage', () => {
  test('splits foreign records per resource, keys them by service, skips Vigil\'s, announces versions once, exactly once across runs', async () => {
    const config = parseConfig({ rekey: { commitIntervalMs: 60_000 } });
    const t = config.topics;
    const n = t.partitions;
    const bus = createMemoryBus({});
    await bus.ensureTopics(topicDefinitions(config));
    const producer = await bus.producer();
    // Six exporter requests of 3 resources × 4 spans, no key, one on each partition (round robin).
    const traces = Array.from({ length: 6 }, (_, i) => encodeTraces(sampleTraces({ resources: 3, itemsPerResource: 4, seed: 10 + i })));
    for (const [i, v] of traces.entries()) await producer.send([{ topic: t.spans, partition: i % n, key: null, value: v }]);
    // Two metrics and two logs requests of 2 resources each, keyed by a trace-id-like key.
    const metrics = [1, 2].map((seed) => encodeMetrics(sampleMetrics({ resources: 2, itemsPerResource: 2, seed })));
    const logs = [1, 2].map((seed) => encodeLogs(sampleLogs({ resources: 2, itemsPerResource: 3, seed })));
    for (const v of metrics) await producer.send([{ topic: t.metrics, key: Buffer.from('0123456789abcdef'), value: v }]);
    for (const v of logs) await producer.send([{ topic: t.logs, key: null, value: v }]);
    // One of Vigil's own (already keyed) records and one that is not OTLP at all.
    const own = encodeTraces(sampleTraces({ resources: 1, itemsPerResource: 2, seed: 99 }));
    await producer.send([{ topic: t.spans, key: 'shop/svc-0', value: own, headers: { [RECORD_KIND_HEADER]: OTLP_KEYED_MARKER } }]);
    await producer.send([{ topic: t.spans, partition: 2, key: null, value: Buffer.from([0x0a, 0xff, 0xff]) }]);
    await producer.close();
    const total = traces.length + metrics.length + logs.length + 2;

    const stage = createRekeyStage({ config, bus, telemetry: telemetry(), now: () => 1_700_000_000_000 });
    await stage.start();
    await until(() => stage.stats.records === total, 'every input record');
    await stage.commitNow();
    await stage.shutdown();
    expect(stage.stats.own).toBe(1);
    expect(stage.stats.foreign).toBe(total - 1);
    expect(stage.stats.deadLetters).toBe(1);

    const keyedSpans = await readAll(bus, t.keyedSpans, n);
    // 6 requests × 3 resources: one record each, holding one resource and its 4 spans.
    expect(keyedSpans).toHaveLength(18);
    for (const r of keyedSpans) {
      const req = decodeTraces(r.value as Buffer);
      expect(req.resourceSpans).toHaveLength(1);
      const key = r.key?.toString('utf8') ?? '';
      expect(key).toBe(serviceOf(req.resourceSpans[0].resource?.attributes));
      expect(r.partition).toBe(partitionForKey(key, n));
      expect(r.headers[RECORD_KIND_HEADER]).toBe(OTLP_KEYED_MARKER);
      expect(req.resourceSpans[0].scopeSpans[0].spans).toHaveLength(4);
    }
    expect(new Set(keyedSpans.map((r) => r.key?.toString()))).toEqual(new Set(['shop/svc-0', 'shop/svc-1', 'shop/svc-2']));
    // Every span of svc-1 (the second resource of each request) is there once. (Across input
    // partitions there is no order to keep: the exporter spread them without one.)
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    const svc1 = keyedSpans.filter((r) => r.key?.toString() === 'shop/svc-1').flatMap((r) => decodeTraces(r.value as Buffer).resourceSpans[0].scopeSpans[0].spans.map((s) => hex(s.spanId)));
    const expected1 = traces.flatMap((v) => decodeTraces(v).resourceSpans[1].scopeSpans[0].spans.map((s) => hex(s.spanId)));
    expect(svc1.sort()).toEqual(expected1.sort());

    const keyedMetrics = await readAll(bus, t.keyedMetrics, n);
    expect(keyedMetrics).toHaveLength(4);
    for (const r of keyedMetrics) expect(decodeMetrics(r.value as Buffer).resourceMetrics).toHaveLength(1);
    const keyedLogs = await readAll(bus, t.keyedLogs, n);
    expect(keyedLogs).toHaveLength(4);
    for (const r of keyedLogs) expect(decodeLogs(r.value as Buffer).resourceLogs[0].scopeLogs[0].logRecords).toHaveLength(3);

    // sampleResource(i) serves version 1.i.0 in prod: three services, three deployments, once each.
    const deployments = (await readAll(bus, t.deployments, n)).map((r) => decodeRecord(r.value as Buffer, 'vigil.deployment/1'));
    expect(deployments.map((d) => `${d.service}@${d.version}`).sort()).toEqual(['shop/svc-0@1.0.0', 'shop/svc-1@1.1.0', 'shop/svc-2@1.2.0']);
    expect(deployments.every((d) => d.source === 'resource' && d.environment === 'prod' && d.timeMs === 1_700_000_000_000)).toBe(true);

    const dead = await readAll(bus, t.deadLetter, n);
    expect(dead).toHaveLength(1);
    expect(decodeRecord(dead[0].value as Buffer, 'vigil.dead_letter/1').sourcePartition).toBe(2);

    // A second member of the group starts at the committed offsets: it re-keys nothing again.
    const again = createRekeyStage({ config, bus, telemetry: telemetry() });
    await again.start();
    await new Promise((r) => setTimeout(r, 300));
    await again.commitNow();
    await again.shutdown();
    expect(again.stats.records).toBe(0);
    expect(await readAll(bus, t.keyedSpans, n)).toHaveLength(18);
    await bus.shutdown();
  });
});
