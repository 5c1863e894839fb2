// A real collector (memory bus, ephemeral ports) with an in-process CI lookup: deployments seen
// only in telemetry get their commit's CI quality like API announcements, without the OTLP
// answer waiting for the lookup.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { InRecord } from '@vigil/bus';
import { encodeTraces, sampleTraces, tracesToJson } from '@vigil/otlp';
import type { ExportTraceServiceRequest, KeyValue } from '@vigil/otlp';
import { deploymentIdFor, isDeploymentMarker } from '@vigil/records';
import type { DeploymentCiQuality } from '@vigil/records';
import { readTopic, startHarness } from '../testing/harness.test-util.js';
import type { Harness } from '../testing/harness.test-util.js';
import type { CiQualityLookup } from './ci-quality.js';
import { DEFAULT_MAX_PENDING_CI_LOOKUPS } from './ci-follow-up.js';

const DEPLOYMENTS = 'vigil_deployments';
const SPANS = 'otlp_spans';
const FLAKY: DeploymentCiQuality = { quality: 'flaky', tests: 12, failed: 0, flaky: 1, skipped: 0, buildRisk: 0.3, reasons: ['1 test failed and passed on abc123 (flaky): shop :: refunds'] };

interface Call { commit: string; signal: AbortSignal; resolve: (q: DeploymentCiQuality) => void; reject: (e: Error) => void }

/** A CI lookup that answers only when the test releases it. */
function heldLookup(): { calls: Call[]; lookup: CiQualityLookup } {
  const calls: Call[] = [];
  return { calls, lookup: (commit, signal) => new Promise((resolve, reject) => { calls.push({ commit, signal, resolve, reject }); }) };
}

const str = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });

/** One resource per entry, two spans each. */
function traces(resources: KeyValue[][], seed: number): ExportTraceServiceRequest {
  const req = sampleTraces({ resources: resources.length, itemsPerResource: 2, seed });
  req.resourceSpans.forEach((rs, i) => { rs.resource = { attributes: resources[i], droppedAttributesCount: 0, entityRefs: [] }; });
  return req;
}

async function post(url: string, body: Uint8Array | string, contentType: string): Promise<number> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': contentType } });
  await res.arrayBuffer();
  return res.status;
}

const json = (r: InRecord): Record<string, unknown> => JSON.parse(r.value!.toString()) as Record<string, unknown>;
const ofService = (records: InRecord[], service: string): InRecord[] => records.filter((r) => r.key?.toString() === service);
const isMarker = (r: InRecord): boolean => isDeploymentMarker(r.headers);

async function outcomes(h: Harness): Promise<Record<string, number>> {
  const m = await h.telemetry.registry.getSingleMetric('vigil_collector_deployment_ci_lookups_total')!.get();
  return Object.fromEntries(m.values.map((v) => [String(v.labels.outcome), v.value]));
}

describe('resource deployments with a commit get CI quality', () => {
  let h: Harness;
  const held = heldLookup();
  // Reject lookups of commits named "broken-*" at once; hold every other one.
  const lookup: CiQualityLookup = (commit, signal) => commit.startsWith('broken-') ? Promise.reject(new Error('HTTP 502 from the CI API')) : held.lookup(commit, signal);
  beforeAll(async () => { h = await startHarness({ deployments: { ciQuality: { timeoutMs: 30_000 } } }, undefined, { ciQuality: lookup }); });
  afterAll(async () => {
    for (const c of held.calls) c.resolve(FLAKY);
    await h.close();
  });

  it('OTLP/HTTP JSON with vcs.ref.head.revision: answered 200 and announced at once, the CI-annotated record follows the lookup', async () => {
    const req = traces([[str('service.name', 'checkout'), str('service.namespace', 'shop'), str('service.version', 'v2'), str('deployment.environment.name', 'prod'), str('vcs.ref.head.revision', 'abc123')]], 1);
    // The lookup is still held: the answer must not wait for it.
    expect(await post(`${h.http}/v1/traces`, JSON.stringify(tracesToJson(req)), 'application/json')).toBe(200);
    await vi.waitFor(() => expect(held.calls.map((c) => c.commit)).toContain('abc123'));
    const id = deploymentIdFor('shop/checkout', 'v2');
    const first = ofService(await readTopic(h.bus, DEPLOYMENTS, 1), 'shop/checkout');
    expect(first).toHaveLength(1);
    expect(json(first[0])).toEqual({
      schema: 'vigil.deployment/1', id, service: 'shop/checkout', version: 'v2', environment: 'prod', commit: 'abc123',
      // The first version this collector met of shop/checkout: first contact, no deployment watched.
      timeMs: 1_700_000_000_000, source: 'resource', links: [], firstSeen: true,
    });
    expect(ofService(await readTopic(h.bus, SPANS, 1), 'shop/checkout').filter(isMarker)).toEqual([]);

    held.calls.find((c) => c.commit === 'abc123')!.resolve(FLAKY);
    await vi.waitFor(async () => expect(ofService(await readTopic(h.bus, DEPLOYMENTS, 2, 200), 'shop/checkout')).toHaveLength(2));
    const deps = ofService(await readTopic(h.bus, DEPLOYMENTS, 2), 'shop/checkout');
    expect(json(deps[1])).toEqual({ ...json(deps[0]), ci: FLAKY });
    expect(deps[1].headers?.['vigil-deployment-id']).toBe(id);
    const markers = ofService(await readTopic(h.bus, SPANS, 2), 'shop/checkout').filter(isMarker);
    expect(markers).toHaveLength(1);
    expect(markers[0].headers?.['vigil-deployment-id']).toBe(id);
    expect(json(markers[0])).toEqual(json(deps[1]));
  });

  it('protobuf with git.commit.sha only: the same, with that commit', async () => {
    const sha = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
    const req = traces([[str('service.name', 'billing'), str('service.version', '7.1'), str('git.commit.sha', sha)]], 2);
    expect(await post(`${h.http}/v1/traces`, encodeTraces(req), 'application/x-protobuf')).toBe(200);
    await vi.waitFor(() => expect(held.calls.map((c) => c.commit)).toContain(sha));
    held.calls.find((c) => c.commit === sha)!.resolve({ ...FLAKY, quality: 'failed', failed: 2, flaky: 0 });
    await vi.waitFor(async () => expect(ofService(await readTopic(h.bus, SPANS, 1, 200), 'billing').filter(isMarker)).toHaveLength(1));
    const deps = ofService(await readTopic(h.bus, DEPLOYMENTS, 2), 'billing').map(json);
    expect(deps.map((d) => [d.commit, (d.ci as DeploymentCiQuality | undefined)?.quality])).toEqual([[sha, undefined], [sha, 'failed']]);
  });

  it('no commit attribute: the deployment is announced and nothing is looked up', async () => {
    const before = held.calls.length;
    const req = traces([[str('service.name', 'search'), str('service.version', '3.0')]], 3);
    expect(await post(`${h.http}/v1/traces`, encodeTraces(req), 'application/x-protobuf')).toBe(200);
    const deps = ofService(await readTopic(h.bus, DEPLOYMENTS, 1), 'search').map(json);
    expect(deps).toEqual([expect.objectContaining({ version: '3.0', commit: '' })]);
    // The lookup would have started on the turn after the answer; the read above took longer.
    expect(held.calls.length).toBe(before);
    expect(ofService(await readTopic(h.bus, SPANS, 1), 'search').filter(isMarker)).toEqual([]);
  });

  it('a failing lookup writes nothing more and is counted unknown', async () => {
    const req = traces([[str('service.name', 'ledger'), str('service.version', '2.2'), str('vcs.ref.head.revision', 'broken-1')]], 4);
    expect(await post(`${h.http}/v1/traces`, encodeTraces(req), 'application/x-protobuf')).toBe(200);
    await vi.waitFor(async () => expect((await outcomes(h)).unknown).toBe(1));
    expect(ofService(await readTopic(h.bus, DEPLOYMENTS, 1), 'ledger').map(json)).toEqual([expect.objectContaining({ commit: 'broken-1' })]);
    expect(ofService(await readTopic(h.bus, SPANS, 1), 'ledger').filter(isMarker)).toEqual([]);
  });
});

describe('resource deployment CI lookups are bounded and end at shutdown', () => {
  it(`many new versions at once: ${DEFAULT_MAX_PENDING_CI_LOOKUPS} lookups pending, the rest dropped; shutdown abandons the pending ones`, async () => {
    const held = heldLookup();
    const h = await startHarness({ deployments: { ciQuality: { timeoutMs: 30_000 } } }, undefined, { ciQuality: held.lookup });
    try {
      const n = DEFAULT_MAX_PENDING_CI_LOOKUPS + 6;
      const req = traces(Array.from({ length: n }, (_, i) => [str('service.name', `svc-${i}`), str('service.version', '1.0'), str('git.commit.sha', `c${i}`)]), 5);
      expect(await post(`${h.http}/v1/traces`, encodeTraces(req), 'application/x-protobuf')).toBe(200);
      await vi.waitFor(() => expect(held.calls).toHaveLength(DEFAULT_MAX_PENDING_CI_LOOKUPS));
      expect(await outcomes(h)).toEqual({ dropped: 6 });
      expect(await readTopic(h.bus, DEPLOYMENTS, n)).toHaveLength(n); // every deployment is still announced
      await h.collector.shutdown(50);
      expect(held.calls.every((c) => c.signal.aborted)).toBe(true);
      await vi.waitFor(async () => expect(await outcomes(h)).toEqual({ dropped: 6, abandoned: DEFAULT_MAX_PENDING_CI_LOOKUPS }));
      expect((await readTopic(h.bus, SPANS, n)).filter(isMarker)).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
