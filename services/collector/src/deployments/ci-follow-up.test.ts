import { describe, expect, it, vi } from 'vitest';
import type { OutRecord } from '@vigil/bus';
import { DEPLOYMENT_MARKER, RECORD_KIND_HEADER } from '@vigil/records';
import type { DeploymentCiQuality } from '@vigil/records';
import { collectorMetrics } from '../collector-metrics.js';
import { quietTelemetry } from '../testing/harness.test-util.js';
import type { SendResult } from '../exporters/kafka/kafka-exporter.js';
import { DeploymentCiFollowUp } from './ci-follow-up.js';
import type { CiQualityLookup } from './ci-quality.js';
import { resourceDeployment } from './deployment-event.js';

const FLAKY: DeploymentCiQuality = { quality: 'flaky', tests: 10, failed: 0, flaky: 1, skipped: 0, buildRisk: 0.2, reasons: ['1 test failed and passed on abc123 (flaky): s :: t'] };

interface Call { commit: string; signal: AbortSignal; resolve: (q: DeploymentCiQuality) => void; reject: (e: Error) => void }

/** A lookup that answers only when the test says so (and ignores its abort signal). */
function heldLookup(): { calls: Call[]; lookup: CiQualityLookup } {
  const calls: Call[] = [];
  return { calls, lookup: (commit, signal) => new Promise((resolve, reject) => { calls.push({ commit, signal, resolve, reject }); }) };
}

function setup(lookup: CiQualityLookup, o: { maxPending?: number; timeoutMs?: number; send?: (r: OutRecord[]) => Promise<SendResult> } = {}) {
  const telemetry = quietTelemetry();
  const metrics = collectorMetrics(telemetry);
  const sent: OutRecord[][] = [];
  const warnings: Array<{ event: string; fields: Record<string, unknown> }> = [];
  const followUp = new DeploymentCiFollowUp({
    lookup, timeoutMs: o.timeoutMs ?? 5000, deploymentsTopic: 'deps', spansTopic: 'spans', maxPending: o.maxPending,
    send: async (records, onSettled) => {
      sent.push(records);
      try { return o.send ? await o.send(records) : { kind: 'acked', records: records.length }; } finally { onSettled(); }
    },
    metrics,
    warn: (event, fields) => warnings.push({ event, fields }),
  });
  const outcomes = async (): Promise<Record<string, number>> => {
    const m = await telemetry.registry.getSingleMetric('vigil_collector_deployment_ci_lookups_total')!.get();
    return Object.fromEntries(m.values.map((v) => [String(v.labels.outcome), v.value]));
  };
  const pendingGauge = async (): Promise<number> => (await telemetry.registry.getSingleMetric('vigil_collector_deployment_ci_lookups_pending')!.get()).values[0]?.value ?? 0;
  return { followUp, sent, warnings, outcomes, pendingGauge };
}

const dep = (version: string, commit = 'abc123') => resourceDeployment('shop/cart', version, 'prod', 1_700_000_000_000, commit);

describe('CI lookups of resource deployments', () => {
  it('looks the commit up off the caller\'s turn, then writes the deployment with ci to both topics', async () => {
    const { calls, lookup } = heldLookup();
    const s = setup(lookup);
    s.followUp.submit(dep('v2'));
    expect(calls).toHaveLength(0); // submit only schedules: the request's answer is not delayed
    expect(s.followUp.pendingCount).toBe(1);
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0].commit).toBe('abc123');
    expect(await s.pendingGauge()).toBe(1);
    calls[0].resolve(FLAKY);
    await vi.waitFor(() => expect(s.followUp.pendingCount).toBe(0));
    expect(s.sent).toHaveLength(1);
    const [onDeployments, onSpans] = s.sent[0];
    const id = dep('v2').id;
    expect(onDeployments).toMatchObject({ topic: 'deps', key: 'shop/cart', headers: { 'vigil-deployment-id': id } });
    expect(onDeployments.headers?.[RECORD_KIND_HEADER]).toBeUndefined();
    expect(onSpans).toMatchObject({ topic: 'spans', key: 'shop/cart', headers: { 'vigil-deployment-id': id, [RECORD_KIND_HEADER]: DEPLOYMENT_MARKER } });
    expect(onSpans.value).toBe(onDeployments.value);
    expect(JSON.parse(onDeployments.value!.toString())).toEqual({ ...dep('v2'), ci: FLAKY });
    expect(await s.outcomes()).toEqual({ attached: 1 });
    expect(await s.pendingGauge()).toBe(0);
    expect(s.warnings).toEqual([]);
  });

  it('no commit: no lookup, nothing counted', async () => {
    const lookup = vi.fn<CiQualityLookup>(async () => FLAKY);
    const s = setup(lookup);
    s.followUp.submit(dep('v2', ''));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(lookup).not.toHaveBeenCalled();
    expect(s.followUp.pendingCount).toBe(0);
    expect(await s.outcomes()).toEqual({});
  });

  it('unknown quality writes nothing; a failed lookup warns once, the CI API answering unknown does not warn', async () => {
    let n = 0;
    const s = setup(async (commit) => {
      n++;
      if (commit === 'nodata') return { ...FLAKY, quality: 'unknown', reasons: ['no test results for nodata'] };
      if (commit === 'sync') throw new Error('thrown before any promise');
      throw new Error('HTTP 503 from the CI API');
    });
    s.followUp.submit(dep('v1', 'nodata'));
    s.followUp.submit(dep('v2', 'c2'));
    s.followUp.submit(dep('v3', 'c3'));
    s.followUp.submit(dep('v4', 'sync'));
    await vi.waitFor(() => expect(s.followUp.pendingCount).toBe(0));
    expect(n).toBe(4);
    expect(s.sent).toEqual([]);
    expect(await s.outcomes()).toEqual({ unknown: 4 });
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0].event).toBe('deployment_ci_lookup_unknown');
    expect(s.warnings[0].fields).toMatchObject({ service: 'shop/cart', version: 'v2', commit: 'c2' });
    expect(String(s.warnings[0].fields.reason)).toMatch(/CI lookup failed: HTTP 503/);
  });

  it('a lookup that does not answer within timeoutMs is aborted and counted unknown', async () => {
    const { calls, lookup } = heldLookup();
    const s = setup(lookup, { timeoutMs: 50 });
    s.followUp.submit(dep('v2'));
    await vi.waitFor(() => expect(s.followUp.pendingCount).toBe(0));
    expect(calls[0].signal.aborted).toBe(true);
    expect(s.sent).toEqual([]);
    expect(await s.outcomes()).toEqual({ unknown: 1 });
    expect(String(s.warnings[0].fields.reason)).toMatch(/no answer within 50 ms/);
  });

  it('at most maxPending lookups; the rest are dropped, counted, and warned about once', async () => {
    const { calls, lookup } = heldLookup();
    const s = setup(lookup, { maxPending: 3 });
    for (let i = 0; i < 8; i++) s.followUp.submit(dep(`v${i}`));
    expect(s.followUp.pendingCount).toBe(3);
    await vi.waitFor(() => expect(calls).toHaveLength(3));
    expect(calls.map((c) => c.commit)).toEqual(['abc123', 'abc123', 'abc123']);
    expect(await s.outcomes()).toEqual({ dropped: 5 });
    expect(s.warnings.map((w) => w.event)).toEqual(['deployment_ci_lookup_dropped']);
    // A slot frees when a lookup finishes.
    calls[0].resolve(FLAKY);
    await vi.waitFor(() => expect(s.followUp.pendingCount).toBe(2));
    s.followUp.submit(dep('v9'));
    expect(s.followUp.pendingCount).toBe(3);
    for (const c of calls.slice(1)) c.resolve(FLAKY);
    await vi.waitFor(() => expect(calls).toHaveLength(4));
    calls[3].resolve(FLAKY);
    await vi.waitFor(() => expect(s.followUp.pendingCount).toBe(0));
    expect(await s.outcomes()).toEqual({ dropped: 5, attached: 4 });
  });

  it('a send that is refused or throws is counted send_failed, warned once, and rejects nothing', async () => {
    let k = 0;
    const s = setup(async () => FLAKY, {
      send: async () => {
        if (++k === 1) return { kind: 'retry', reason: 'bus unavailable' };
        throw new Error('producer exploded');
      },
    });
    s.followUp.submit(dep('v1'));
    s.followUp.submit(dep('v2'));
    await vi.waitFor(() => expect(s.followUp.pendingCount).toBe(0));
    expect(await s.outcomes()).toEqual({ send_failed: 2 });
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]).toMatchObject({ event: 'deployment_ci_lookup_send_failed', fields: { reason: 'bus unavailable' } });
  });

  it('close: lookups that answer within the deadline still send; the rest are aborted and write nothing', async () => {
    const { calls, lookup } = heldLookup();
    const s = setup(lookup);
    s.followUp.submit(dep('v1'));
    s.followUp.submit(dep('v2'));
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    setTimeout(() => calls[0].resolve(FLAKY), 10);
    await s.followUp.close(200); // v2 never answers: close gives up at the deadline
    expect(calls[1].signal.aborted).toBe(true);
    s.followUp.submit(dep('v3')); // after close: not looked up
    await vi.waitFor(() => expect(s.followUp.pendingCount).toBe(0));
    calls[1].resolve(FLAKY); // a late answer changes nothing
    await new Promise((r) => setImmediate(r));
    expect(calls).toHaveLength(2);
    expect(s.sent).toHaveLength(1);
    expect((JSON.parse(s.sent[0][0].value!.toString()) as { version: string }).version).toBe('v1');
    expect(await s.outcomes()).toEqual({ attached: 1, abandoned: 2 });
  });

  it('close with nothing pending returns at once', async () => {
    const s = setup(async () => FLAKY);
    let closed = false;
    void s.followUp.close(60_000).then(() => { closed = true; });
    for (let i = 0; i < 3; i++) await Promise.resolve(); // microtasks only: no timer was waited for
    expect(closed).toBe(true);
  });
});
