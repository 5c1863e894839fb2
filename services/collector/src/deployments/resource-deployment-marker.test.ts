// A deployment seen in telemetry whose resource names its commit (vcs.ref.head.revision, else
// git.commit.sha) is written in band on the spans topic too, ahead of the request's records, so the
// detector can join the commit's CI quality before it meets the version's spans — on the direct
// path (a real collector, memory bus) and through the rekey stage (on the keyed spans topic).
// A resource without a commit gives the deployments-topic record only.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMemoryBus } from '@vigil/bus';
import type { InRecord } from '@vigil/bus';
import { parseConfig, topicDefinitions } from '@vigil/config';
import { encodeTraces, sampleTraces } from '@vigil/otlp';
import type { ExportTraceServiceRequest, KeyValue } from '@vigil/otlp';
import { deploymentIdFor, isDeploymentMarker } from '@vigil/records';
import { createTelemetry } from '@vigil/telemetry';
import { createRekeyStage } from '../rekey/rekey-stage.js';
import { readTopic, startHarness } from '../testing/harness.test-util.js';
import type { Harness } from '../testing/harness.test-util.js';

const str = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });

function traces(attrs: KeyValue[], seed: number): ExportTraceServiceRequest {
  const req = sampleTraces({ resources: 1, itemsPerResource: 2, seed });
  req.resourceSpans[0].resource = { attributes: attrs, droppedAttributesCount: 0, entityRefs: [] };
  return req;
}

const json = (r: InRecord): Record<string, unknown> => JSON.parse(r.value!.toString()) as Record<string, unknown>;
/** The records of `service` in log order: 'marker:<version>' or 'spans'. */
const shape = (records: InRecord[], service: string): string[] =>
  records.filter((r) => r.key?.toString() === service).map((r) => (isDeploymentMarker(r.headers) ? `marker:${String(json(r).version)}@${String(json(r).commit)}` : 'spans'));

describe('resource deployments with a commit, in band on the spans topic', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness(); });
  afterAll(async () => { await h.close(); });

  test('direct path: the marker precedes the version\'s spans; none without a commit', async () => {
    const send = async (req: ExportTraceServiceRequest): Promise<void> => {
      const res = await fetch(`${h.http}/v1/traces`, { method: 'POST', body: encodeTraces(req), headers: { 'content-type': 'application/x-protobuf' } });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    };
    await send(traces([str('service.name', 'cart'), str('service.version', 'v1'), str('vcs.ref.head.revision', 'aaa111')], 1));
    await send(traces([str('service.name', 'cart'), str('service.version', 'v2'), str('git.commit.sha', 'bbb222')], 2));
    await send(traces([str('service.name', 'cart'), str('service.version', 'v2'), str('git.commit.sha', 'bbb222')], 3));
    await send(traces([str('service.name', 'pay'), str('service.version', 'v1')], 4));
    const spans = await readTopic(h.bus, 'otlp_spans', 6);
    expect(shape(spans, 'cart')).toEqual(['marker:v1@aaa111', 'spans', 'marker:v2@bbb222', 'spans', 'spans']);
    expect(shape(spans, 'pay')).toEqual(['spans']);
    const marker = spans.find((r) => isDeploymentMarker(r.headers) && json(r).version === 'v2')!;
    expect(json(marker)).toMatchObject({ schema: 'vigil.deployment/1', id: deploymentIdFor('cart', 'v2'), service: 'cart', commit: 'bbb222', source: 'resource' });
    expect(json(marker).ci).toBeUndefined();
    expect(marker.headers?.['vigil-deployment-id']).toBe(deploymentIdFor('cart', 'v2'));
    const deployments = await readTopic(h.bus, 'vigil_deployments', 3);
    expect(deployments.map((r) => `${String(json(r).service)}:${String(json(r).version)}`).sort()).toEqual(['cart:v1', 'cart:v2', 'pay:v1']);
  });

  test('rekey path: the marker goes to the keyed spans topic ahead of the keyed records', async () => {
    const config = parseConfig({ rekey: { commitIntervalMs: 60_000 } });
    const t = config.topics;
    const bus = createMemoryBus({});
    await bus.ensureTopics(topicDefinitions(config));
    const producer = await bus.producer();
    // An OpenTelemetry Collector's kafka exporter: no key, no vigil-record header.
    await producer.send([{ topic: t.spans, partition: 0, key: null, value: encodeTraces(traces([str('service.name', 'cart'), str('service.version', 'v7'), str('vcs.ref.head.revision', 'ccc333')], 5)) }]);
    await producer.send([{ topic: t.spans, partition: 1, key: null, value: encodeTraces(traces([str('service.name', 'pay'), str('service.version', 'v1')], 6)) }]);
    await producer.close();
    const telemetry = createTelemetry({ service: 'rekey-test', destination: new Writable({ write: (_c, _e, cb) => cb() }), processMetrics: false });
    const stage = createRekeyStage({ config, bus, telemetry, now: () => 1_700_000_000_000 });
    await stage.start();
    const deadline = Date.now() + 10_000;
    while (stage.stats.records < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await stage.commitNow();
    await stage.shutdown();
    const keyed = await readTopic(bus, t.keyedSpans, 3);
    expect(shape(keyed, 'cart')).toEqual(['marker:v7@ccc333', 'spans']);
    expect(shape(keyed, 'pay')).toEqual(['spans']);
    await bus.shutdown();
  });
});
