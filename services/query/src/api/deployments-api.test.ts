// GET /v1/deployments after ClickHouse merged a deployment's rows. `deployments` is
// ReplacingMergeTree(revision), where a verdict row (commit '') outranks the announcement: after
// a merge only the verdict row is left. Commit, environment and CI quality must survive that,
// from deployment_announcements (migration 0006). Records go through the writer's PartitionSink
// (one flush per record: one insert, one part, per table; test/support/read-side.ts), then both
// tables are merged with OPTIMIZE ... FINAL, the merge a server does on its own some time later;
// the query service (createQuery) answers over HTTP.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DeploymentCiQuality, DeploymentRecord, VerdictRecord, VigilRecord } from '@vigil/records';
import type { Store } from '@vigil/store';
import { insertRows, landThroughSink, migratedStore, startQuery } from '../../../../test/support/read-side.js';
import type { RunningQuery, TestStore } from '../../../../test/support/read-side.js';

const NOW = Date.now();
const MIN = 60_000;
const T0 = NOW - 60 * MIN;

const CI: DeploymentCiQuality = {
  quality: 'flaky', tests: 12, failed: 0, flaky: 2, skipped: 1, buildRisk: 0.25,
  reasons: ['2 tests failed and passed on c0ffee (flaky): shop :: a, shop :: b', '1 test skipped: shop :: c'],
};

function deployment(over: Partial<DeploymentRecord> & Pick<DeploymentRecord, 'id' | 'service' | 'version' | 'source' | 'timeMs'>): DeploymentRecord {
  return { schema: 'vigil.deployment/1', links: [], ...over };
}

function verdict(deploymentId: string, service: string, version: string, status: VerdictRecord['status'], deployedAtMs: number, atMs: number): VerdictRecord {
  // No environment on the verdict: after the merge, `deployments` knows none.
  return {
    schema: 'vigil.verdict/1', id: `${deploymentId}:${status}`, deploymentId, service, version, status, mode: 'before_after',
    deployedAtMs, decidedAtMs: atMs, evidence: [], summary: `${status} summary`,
  };
}

// d1: announced through the API with commit and CI, then seen in telemetry (resource: no commit,
//     another environment name, stamped and written LATER), then failed. The API row must win.
// d2: resource only (no commit, no CI), then passed.
// d3: seen in telemetry first, then announced through the API (commit, no CI: lookup not configured).
const deploymentsTopic: DeploymentRecord[] = [
  deployment({ id: 'd1', service: 'checkout', version: 'v2', source: 'api', timeMs: T0, environment: 'prod', commit: 'c0ffee', ci: CI, links: [{ name: 'ci', url: 'https://ci.example/1' }] }),
  deployment({ id: 'd1', service: 'checkout', version: 'v2', source: 'resource', timeMs: T0 + 2 * MIN, environment: 'production-eu', commit: '' }),
  deployment({ id: 'd2', service: 'search', version: 'v7', source: 'resource', timeMs: T0 + 10 * MIN, environment: 'prod' }),
  deployment({ id: 'd3', service: 'cart', version: 'v4', source: 'resource', timeMs: T0 + 20 * MIN, environment: 'staging', commit: '' }),
  deployment({ id: 'd3', service: 'cart', version: 'v4', source: 'api', timeMs: T0 + 19 * MIN, environment: 'staging', commit: 'beef01' }),
];
const verdictsTopic: VerdictRecord[] = [
  verdict('d1', 'checkout', 'v2', 'running', T0, T0 + 3 * MIN),
  verdict('d1', 'checkout', 'v2', 'fail', T0, T0 + 5 * MIN),
  verdict('d2', 'search', 'v7', 'pass', T0 + 10 * MIN, T0 + 15 * MIN),
  verdict('d3', 'cart', 'v4', 'pass', T0 + 19 * MIN, T0 + 25 * MIN),
];

/** Land every record through a fresh sink, one flush (offset range, insert per table) per record. */
const land = (store: Store, topic: string, records: VigilRecord[]) => landThroughSink(store, topic, records, NOW);

interface ApiDeployment {
  id: string;
  service: string;
  version: string;
  environment: string;
  commit: string;
  deployedAtMs: number | string;
  status: string;
  verdict: string;
  ci: DeploymentCiQuality | null;
  firstSeen: boolean;
}

describe('GET /v1/deployments keeps the announced commit, environment and CI across merges (chDB)', () => {
  let testStore: TestStore;
  let store: Store;
  let query: RunningQuery;
  let base: string;
  const count = async (table: string) => Number((await store.query<{ c: string }>(`SELECT count() AS c FROM ${store.table(table)}`))[0].c);
  const get = async (path: string): Promise<ApiDeployment[]> => {
    const res = await fetch(`${base}${path}`);
    expect(res.status).toBe(200);
    return (await res.json()) as ApiDeployment[];
  };

  beforeAll(async () => {
    testStore = await migratedStore('vigil_deploy_api');
    store = testStore.store;
    ({ query, base } = await startQuery(store, { nowMs: () => NOW }));
  });
  afterAll(async () => {
    await query?.shutdown();
    await testStore?.close();
  });

  test('migration 0006 creates deployment_announcements on a fresh store', async () => {
    const [t] = await store.query<{ engine: string; sorting_key: string }>(
      `SELECT engine, sorting_key FROM system.tables WHERE database = {db:String} AND name = 'deployment_announcements'`, { db: store.database });
    expect(t).toEqual({ engine: 'ReplacingMergeTree', sorting_key: 'service, id' });
    const [m] = await store.query<{ name: string }>(`SELECT name FROM ${store.table('schema_migrations')} WHERE version = 6`);
    expect(m?.name).toBe('0006_deployment_announcements');
  });

  test('the writer lands each announcement in both tables; a replay from offset 0 adds nothing', async () => {
    // No background merges until the next test forces one: counts are of rows as written.
    for (const table of ['deployments', 'deployment_announcements']) await store.command(`SYSTEM STOP MERGES ${store.table(table)}`);
    const first = await land(store, 'vigil_deployments', deploymentsTopic);
    expect(first).toEqual({ deployments: 5, deployment_announcements: 5 });
    expect(await land(store, 'vigil_verdicts', verdictsTopic)).toEqual({ deployments: 4, verdicts: 4 });
    expect(await count('deployment_announcements')).toBe(5);
    // A new sink (as after a restart) replays the same offset ranges: the tokens
    // (topic:partition:range:table) of both tables are known, ClickHouse drops the rows.
    await land(store, 'vigil_deployments', deploymentsTopic);
    expect(await count('deployment_announcements')).toBe(5);
    expect(await count('deployments')).toBe(9);
  });

  test('after OPTIMIZE ... FINAL the verdict row alone is left in deployments, and the API still has commit, environment and CI', async () => {
    for (const table of ['deployments', 'deployment_announcements']) {
      await store.command(`SYSTEM START MERGES ${store.table(table)}`);
      await store.command(`OPTIMIZE TABLE ${store.table(table)} FINAL`);
    }
    // The merge the bug is about did happen: one row per deployment, a verdict's, without commit.
    const merged = await store.query<{ id: string; source: string; commit: string; environment: string }>(
      `SELECT id, source, commit, environment FROM ${store.table('deployments')} ORDER BY id`);
    expect(merged).toEqual([
      { id: 'd1', source: 'verdict', commit: '', environment: '' },
      { id: 'd2', source: 'verdict', commit: '', environment: '' },
      { id: 'd3', source: 'verdict', commit: '', environment: '' },
    ]);
    expect(await count('deployment_announcements')).toBe(3);

    const rows = await get('/v1/deployments?since=1d');
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(rows.map((r) => r.id).sort()).toEqual(['d1', 'd2', 'd3']);
    // The fields the response always had keep their names.
    for (const r of rows) expect(Object.keys(r).sort()).toEqual(['ci', 'commit', 'deployedAtMs', 'environment', 'firstSeen', 'id', 'service', 'status', 'verdict', 'version']);
    const d1 = byId.get('d1')!;
    expect({ service: d1.service, version: d1.version, status: d1.status, verdict: d1.verdict, commit: d1.commit, environment: d1.environment })
      .toEqual({ service: 'checkout', version: 'v2', status: 'fail', verdict: 'fail summary', commit: 'c0ffee', environment: 'prod' });
    expect(Number(d1.deployedAtMs)).toBe(T0);
    expect(d1.ci).toEqual(CI);
    // Resource only: no commit, no CI; the environment it was seen with.
    const d2 = byId.get('d2')!;
    expect({ status: d2.status, commit: d2.commit, environment: d2.environment, ci: d2.ci })
      .toEqual({ status: 'pass', commit: '', environment: 'prod', ci: null });
    // The API announcement wins over an earlier-written, later-stamped resource one.
    const d3 = byId.get('d3')!;
    expect({ commit: d3.commit, environment: d3.environment, ci: d3.ci }).toEqual({ commit: 'beef01', environment: 'staging', ci: null });
    // Newest deployment first, as before.
    expect(rows.map((r) => r.id)).toEqual(['d3', 'd2', 'd1']);
    expect(rows.map((r) => r.firstSeen)).toEqual([false, false, false]);
    expect((await get('/v1/deployments?since=1d&service=checkout')).map((r) => r.id)).toEqual(['d1']);
  });

  test('a deployment written before deployment_announcements existed falls back to deployments', async () => {
    // Rows as an older writer wrote them: only `deployments`, not merged yet.
    const at = T0 + 30 * MIN;
    await insertRows(store, 'deployments', [{
      id: 'd0', service: 'legacy', version: 'v1', environment: 'prod', commit: 'abc', source: 'api', previous_version: '', deployed_at: at,
      status: 'deployed', mode: '', verdict_summary: '', evidence: '[]', updated_at: at, revision: at,
      // An explicit token: on chDB the previous insert's token stays set in the session, and a
      // token-less insert into the same table would be dropped as its duplicate.
    }], { dedupToken: 'legacy-writer:d0' });
    expect(await count('deployments')).toBe(4);
    const [d0] = await get('/v1/deployments?since=1d&service=legacy');
    expect({ id: d0.id, commit: d0.commit, environment: d0.environment, status: d0.status, ci: d0.ci })
      .toEqual({ id: 'd0', commit: 'abc', environment: 'prod', status: 'deployed', ci: null });
  });
});

describe('GET /v1/deployments marks a first-seen version (first contact) and keeps a watched deploy one (chDB)', () => {
  let testStore: TestStore;
  let store: Store;
  let query: RunningQuery;
  let base: string;
  beforeAll(async () => {
    testStore = await migratedStore('vigil_deploy_first');
    store = testStore.store;
    ({ query, base } = await startQuery(store, { nowMs: () => NOW }));
  });
  afterAll(async () => {
    await query?.shutdown();
    await testStore?.close();
  });

  test('first seen stays first seen; a deploy witnessed before a collector restart is not relabelled, merged or not', async () => {
    await land(store, 'vigil_deployments', [
      // f1: met running (first contact), seen again after a collector restart: still first seen.
      deployment({ id: 'f1', service: 'inventory', version: 'v1', source: 'resource', timeMs: T0, firstSeen: true }),
      deployment({ id: 'f1', service: 'inventory', version: 'v1', source: 'resource', timeMs: T0 + MIN, firstSeen: true }),
      // f2: deployed while Vigil watched; after a restart the collector meets it as first seen, stamped later.
      deployment({ id: 'f2', service: 'inventory', version: 'v2', source: 'resource', timeMs: T0 + 10 * MIN }),
      deployment({ id: 'f2', service: 'inventory', version: 'v2', source: 'resource', timeMs: T0 + 20 * MIN, firstSeen: true }),
    ]);
    const read = async () => {
      const res = await fetch(`${base}/v1/deployments?since=1d&service=inventory`);
      expect(res.status).toBe(200);
      return new Map(((await res.json()) as ApiDeployment[]).map((r) => [r.id, r.firstSeen]));
    };
    expect(await read()).toEqual(new Map([['f2', false], ['f1', true]]));
    await store.command(`OPTIMIZE TABLE ${store.table('deployment_announcements')} FINAL`);
    expect(await read()).toEqual(new Map([['f2', false], ['f1', true]]));
  });
});
