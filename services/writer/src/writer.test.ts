import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMemoryBus } from '@vigil/bus';
import type { Bus } from '@vigil/bus';
import { parseConfig, topicDefinitions } from '@vigil/config';
import { encodeRecord } from '@vigil/records';
import type { AnomalyRecord, ScoreRecord, VerdictRecord } from '@vigil/records';
import { createStore } from '@vigil/store';
import type { Store } from '@vigil/store';
import { createTelemetry } from '@vigil/telemetry';
import { createWriter } from './pipeline.js';
import { waitUntil } from './wait-until.test-util.js';

const silent = new Writable({ write: (_c, _e, cb) => cb() });
const telemetry = () => createTelemetry({ service: 'writer-test', destination: silent, processMetrics: false });

function score(i: number, now: number): ScoreRecord {
  return {
    schema: 'vigil.score/1', seriesId: `s${i % 7}`, seriesKey: `svc|op${i % 7}|rate`, service: `svc${i % 3}`, signal: 'traces',
    metric: 'rate', operation: `op${i % 7}`, windowStartMs: now + i * 10_000, windowEndMs: now + (i + 1) * 10_000,
    value: i, expected: i, lower: i - 1, upper: i + 1, score: 0.1, components: [], warmingUp: false,
  };
}

describe('writer: vigil_* topics into ClickHouse exactly once (memory bus, chDB)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-writer-'));
  let store: Store;
  let bus: Bus;
  const now = Date.now() - 3_600_000;
  const config = parseConfig({ writer: { maxBatchRows: 37, flushIntervalMs: 50 } });

  beforeAll(async () => {
    store = await createStore({ kind: 'chdb', chdb: { path: dir }, database: 'vigil_w', server: { url: '', username: '', password: '', database: '' } });
    await store.migrate();
    bus = createMemoryBus({});
    await bus.ensureTopics(topicDefinitions(config));
    const producer = await bus.producer();
    await producer.send(Array.from({ length: 500 }, (_, i) => ({ topic: config.topics.scores, key: `svc${i % 3}`, value: encodeRecord(score(i, now)) })));
    const anomaly: AnomalyRecord = {
      schema: 'vigil.anomaly/1', id: 'a1', seriesId: 's1', seriesKey: 'k', service: 'svc1', signal: 'traces', metric: 'error_ratio',
      windowStartMs: now, windowEndMs: now + 10_000, value: 0.2, expected: 0.01, lower: 0, upper: 0.02, score: 0.97, threshold: 0.5,
      components: ['residual'], severity: 'critical', summary: 'x',
    };
    const verdict: VerdictRecord = {
      schema: 'vigil.verdict/1', id: 'v1-fail', deploymentId: 'd1', service: 'svc1', version: 'v2', status: 'fail', mode: 'canary',
      deployedAtMs: now, decidedAtMs: now + 5000, evidence: [], summary: 'regressed',
    };
    await producer.send([
      { topic: config.topics.anomalies, key: 'svc1', value: encodeRecord(anomaly) },
      { topic: config.topics.verdicts, key: 'svc1', value: encodeRecord(verdict) },
      // Poison: not JSON at all. It must be dead-lettered, not block the partition.
      { topic: config.topics.anomalies, key: 'svc1', value: Buffer.from('\u0000not json') },
    ]);
    await producer.close();
  });
  afterAll(async () => {
    await bus.shutdown();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const count = async (table: string) => Number((await store.query<{ c: string }>(`SELECT count() AS c FROM ${store.table(table)}`))[0].c);
  const rowSet = async () => (await store.query<{ k: string }>(`SELECT concat(series_id, '@', toString(window_start)) AS k FROM ${store.table('scores')} ORDER BY k`)).map((r) => r.k);
  const waitFor = waitUntil;

  test('lands every record once, dead-letters the poison one', async () => {
    const w = createWriter({ config, bus, store, telemetry: telemetry() });
    await w.start();
    await waitFor(async () => (await count('scores')) === 500 && (await count('anomalies')) === 1);
    await waitFor(async () => (await count('dead_letters')) === 1);
    await w.shutdown();
    expect(await count('scores')).toBe(500);
    expect(await count('verdicts')).toBe(1);
    expect(await count('deployments')).toBe(1);
    const dead = await store.query<{ reason: string }>(`SELECT reason FROM ${store.table('dead_letters')}`);
    expect(dead[0].reason).toMatch(/not JSON/);
  });

  test('a replay of the topics from offset 0 (new group) changes no row set', async () => {
    const before = await rowSet();
    const replayConfig = parseConfig({ writer: { groupId: 'replay-from-zero', maxBatchRows: 37, flushIntervalMs: 50 } });
    const w = createWriter({ config: replayConfig, bus, store, telemetry: telemetry() });
    await w.start();
    // Every range is found in writer_ranges and re-inserted with its token: ClickHouse drops them.
    await new Promise((r) => setTimeout(r, 1500));
    await w.flushAll();
    await w.shutdown();
    expect(await rowSet()).toEqual(before);
    expect(await count('anomalies')).toBe(1);
  });

  test('a writer that inserted but died before committing is replayed without duplicates', async () => {
    // Produce more, run a writer whose commits are lost (as if killed after the insert), then a healthy one.
    const producer = await bus.producer();
    await producer.send(Array.from({ length: 200 }, (_, i) => ({ topic: config.topics.scores, key: `svc${i % 3}`, value: encodeRecord(score(1000 + i, now)) })));
    await producer.close();
    const crashing = createWriter({ config, bus, store, telemetry: telemetry() });
    const realConsumer = bus.consumer.bind(bus);
    // Wrap the bus so this writer's commits never reach the group (its process "died" right after inserting).
    const noCommitBus: Bus = { ...bus, kind: bus.kind, ensureTopics: bus.ensureTopics.bind(bus), producer: bus.producer.bind(bus), readPartition: bus.readPartition.bind(bus), shutdown: async () => {},
      consumer: (o) => { const c = realConsumer(o); return { run: c.run.bind(c), close: c.close.bind(c), commit: async () => {} }; } };
    const w1 = createWriter({ config, bus: noCommitBus, store, telemetry: telemetry() });
    void crashing;
    await w1.start();
    await waitFor(async () => (await count('scores')) === 700);
    await w1.shutdown();
    const w2 = createWriter({ config, bus, store, telemetry: telemetry() });
    await w2.start();
    await new Promise((r) => setTimeout(r, 1500));
    await w2.flushAll();
    await w2.shutdown();
    expect(await count('scores')).toBe(700);
    const dups = await store.query<{ c: string }>(`SELECT count() AS c FROM (SELECT series_id, window_start, count() n FROM ${store.table('scores')} GROUP BY 1, 2 HAVING n > 1)`);
    expect(Number(dups[0].c)).toBe(0);
  });
});
