// createQuery: the read side as it runs. One listener carries every read route (query, console,
// CI, status) behind the listener's bearer tokens and TLS; an announced pipeline run is published
// on the bus, landed by the writer's own sink (test/support/read-side.ts, as the writer service
// does) and only then answered; the service itself never inserts a row.
import { afterEach, describe, expect, test } from 'vitest';
import { createMemoryBus } from '@vigil/bus';
import type { InRecord } from '@vigil/bus';
import { parseConfig } from '@vigil/config';
import { decodeRecord } from '@vigil/records';
import type { TestRunRecord } from '@vigil/records';
import { insertMapped, landThroughSink, migratedStore, quietTelemetry, startQuery } from '../../../test/support/read-side.js';
import type { TestStore } from '../../../test/support/read-side.js';
import { makeTestPki, tlsGet } from '../../../test/support/tls-certs.js';
import { createQuery } from './pipeline.js';

const NOW = 1_790_000_000_000;
const TOKEN = 'query-test-token-0123456789';
const HOUR = 3_600_000;

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

async function store(name: string): Promise<TestStore> {
  const s = await migratedStore(name);
  cleanup.push(() => s.close());
  return s;
}

const pipelineRows = async (s: TestStore, runId: string) =>
  s.store.query<{ status: string; suite: string; p: number | null }>(
    `SELECT status, suite, predicted_failure_probability AS p FROM ${s.store.table('ci_pipeline_runs')} WHERE run_id = {runId:String}`, { runId });

/** Test history of suite shop: `pays` failed in 3 of 6 runs, `totals` never. */
function history(): TestRunRecord[] {
  const out: TestRunRecord[] = [];
  for (let r = 0; r < 6; r++) {
    for (const [name, failed] of [['pays', r % 2 === 0], ['totals', false]] as const) {
      out.push({
        schema: 'vigil.test_run/1', suite: 'shop', testName: name, pipeline: 'shop-ci', runId: `r${r}`, revision: `c${r}`,
        status: failed ? 'failed' : 'passed', durationMs: 100, timeMs: NOW - (6 - r) * HOUR, source: 'junit',
      });
    }
  }
  return out;
}

describe('createQuery', () => {
  test('every read route on one listener, behind its bearer tokens; probes and console files open', async () => {
    const s = await store('vigil_query_routes');
    await insertMapped(s.store, history());
    const { query, base } = await startQuery(s.store, { nowMs: () => NOW, bearerTokens: [TOKEN] });
    cleanup.push(() => query.shutdown());
    const auth = { authorization: `Bearer ${TOKEN}` };
    for (const path of ['/v1/anomalies', '/v1/deployments', '/v1/services', '/v1/ci/tests?suite=shop', '/v1/forecasts', '/v1/status', '/metrics']) {
      expect((await fetch(`${base}${path}`)).status, path).toBe(401);
      expect((await fetch(`${base}${path}`, { headers: auth })).status, path).toBe(200);
    }
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const tests = (await (await fetch(`${base}/v1/ci/tests?suite=shop`, { headers: auth })).json()) as Array<{ name: string; runs: number; failures: number }>;
    expect(tests.map((t) => [t.name, t.runs, t.failures])).toEqual([['pays', 6, 3], ['totals', 6, 0]]);
    const status = (await (await fetch(`${base}/v1/status`, { headers: auth })).json()) as { nowMs: number; store: { ok: boolean } };
    expect(status).toMatchObject({ nowMs: NOW, store: { ok: true } });
  });

  test('an announced pipeline run is published, landed by the writer, then answered; the service inserts nothing', async () => {
    const s = await store('vigil_query_announce');
    await insertMapped(s.store, history());
    const bus = createMemoryBus();
    cleanup.push(() => bus.shutdown());
    await bus.ensureTopics([{ topic: 'ci_test_runs', partitions: 1 }]);
    // The writer's part: consume the CI topic and land what arrives through the writer's sink.
    const seen: Array<{ record: InRecord; rowsBefore: number }> = [];
    const consumer = bus.consumer({ groupId: 'writer-stand-in', topics: ['ci_test_runs'], fromBeginning: true });
    await consumer.run(async (batch) => {
      for (const record of batch.records) {
        seen.push({ record, rowsBefore: (await pipelineRows(s, 'run-9')).length });
        await landThroughSink(s.store, 'ci_test_runs', [decodeRecord(record.value)], NOW);
      }
    });
    cleanup.push(() => consumer.close());
    const { query, base } = await startQuery(s.store, { nowMs: () => NOW, bus, announceVisibleMs: 30_000 });
    cleanup.push(() => query.shutdown());

    const res = await fetch(`${base}/v1/ci/pipelines/shop-ci/runs`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ runId: 'run-9', revision: 'c9', suite: 'shop', tests: ['pays', 'totals'] }),
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { failureProbability: number };
    expect(answer.failureProbability).toBeGreaterThan(0);
    expect(answer.failureProbability).toBeLessThan(1);
    // One record on the CI topic, keyed by pipeline, and no row before the writer landed it.
    expect(seen).toHaveLength(1);
    expect(seen[0].rowsBefore).toBe(0);
    expect(seen[0].record.key?.toString()).toBe('shop-ci');
    expect(decodeRecord(seen[0].record.value)).toMatchObject({
      schema: 'vigil.pipeline_run/1', pipeline: 'shop-ci', runId: 'run-9', revision: 'c9', status: 'announced', suite: 'shop', source: 'api', timeMs: NOW,
    });
    // Answered after the row reads back (read-your-writes for the announcing client).
    const rows = await pipelineRows(s, 'run-9');
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe('announced');
    expect(rows[0].p).toBeCloseTo(answer.failureProbability, 9);
  });

  test('with no writer running the answer still comes (announceVisibleMs 0) and the store stays untouched', async () => {
    const s = await store('vigil_query_nowriter');
    const bus = createMemoryBus();
    cleanup.push(() => bus.shutdown());
    await bus.ensureTopics([{ topic: 'ci_test_runs', partitions: 1 }]);
    const { query, base } = await startQuery(s.store, { nowMs: () => NOW, bus, announceVisibleMs: 0 });
    cleanup.push(() => query.shutdown());
    const res = await fetch(`${base}/v1/ci/pipelines/build/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ runId: 'lonely' }) });
    expect(res.status).toBe(200);
    expect(await pipelineRows(s, 'lonely')).toEqual([]);
    // The record is on the topic, for the writer whenever it comes.
    const published = await bus.readPartition('ci_test_runs', 0);
    expect(published.map((r) => decodeRecord(r.value))).toEqual([expect.objectContaining({ pipeline: 'build', runId: 'lonely', status: 'announced' })]);
  });

  test('without a bus, announcing answers 503 and reads still work', async () => {
    const s = await store('vigil_query_nobus');
    const { query, base } = await startQuery(s.store, { nowMs: () => NOW });
    cleanup.push(() => query.shutdown());
    const res = await fetch(`${base}/v1/ci/pipelines/build/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ runId: 'r1' }) });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toMatch(/not recorded/);
    expect((await fetch(`${base}/v1/deployments`)).status).toBe(200);
  });

  test('TLS with client certificates from query.api.tls', async () => {
    const s = await store('vigil_query_tls');
    const pki = makeTestPki();
    cleanup.push(() => pki.cleanup());
    const config = parseConfig({
      query: {
        api: {
          host: '127.0.0.1', port: 0, auth: { bearerTokens: [TOKEN] },
          tls: { enabled: true, certFile: pki.server.certFile, keyFile: pki.server.keyFile, caFile: pki.ca.certFile, requireClientCert: true },
        },
      },
    });
    const query = createQuery({
      section: config.query, console: config.console, topics: config.topics, store: s.store, telemetry: quietTelemetry('query-tls'), nowMs: () => NOW,
    });
    const { port } = await query.start();
    cleanup.push(() => query.shutdown());
    const client = { ca: pki.ca.cert, cert: pki.client.cert, key: pki.client.key };
    expect(await tlsGet(port, '/healthz', client)).toBe('200 {"status":"ok","service":"query-tls"}');
    expect(await tlsGet(port, '/v1/deployments', client)).toMatch(/^401 /);
    expect(await tlsGet(port, '/v1/deployments', { ...client, headers: { authorization: `Bearer ${TOKEN}` } })).toBe('200 []');
    expect(await tlsGet(port, '/healthz', { ca: pki.ca.cert })).toMatch(/^error: .*certificate required/);
    expect(await tlsGet(port, '/healthz', { ...client, plain: true })).toMatch(/^error: /);
  });
});
