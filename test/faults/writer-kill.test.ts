// Exactly once into ClickHouse across a writer crash, process level: vigil_scores records wait in
// Kafka; a writer lands them into chDB and is SIGKILLed part-way; a restarted writer (same group)
// finishes; then a writer with a NEW group id replays the topic from offset 0 into the same chDB
// folder. Every step must leave exactly one row per record: count = distinct (series, window) = N.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { KafkaBus, OutRecord } from '@vigil/bus';
import { encodeRecord } from '@vigil/records';
import type { ScoreRecord } from '@vigil/records';
import { testBrokers, uniqueName } from '../../infra/test/kafka.js';
import { freePorts } from '../../infra/test/global-setup.js';
import { dumpLogs, killAll, readThroughQuery, runEnv, runTopics, scrape, sleep, startService, stopGracefully, until, waitHttpOk } from '../support/processes.js';
import type { ServiceProcess } from '../support/processes.js';
import { groupLag, testBus } from '../support/kafka-io.js';

const SERVICES = Array.from({ length: 24 }, (_, i) => `svc-${i.toString().padStart(2, '0')}`);
const PER_SERVICE = 1250;
const N = SERVICES.length * PER_SERVICE;
const T0 = Date.now() - 3 * 3600_000;

function scoreRecords(topic: string): OutRecord[] {
  const out: OutRecord[] = [];
  for (let j = 0; j < PER_SERVICE; j++) {
    for (const service of SERVICES) {
      const metric = ['rate', 'error_ratio', 'latency_p99'][j % 3];
      const rec: ScoreRecord = {
        schema: 'vigil.score/1', seriesId: `${service}|${metric}`, seriesKey: `${service}|POST /pay|${metric}`, service, signal: 'traces', metric,
        operation: 'POST /pay', windowStartMs: T0 + j * 5000, windowEndMs: T0 + j * 5000 + 5000, value: j % 17, expected: 8, lower: 1, upper: 15,
        score: (j % 100) / 100, components: [], warmingUp: false,
      };
      out.push({ topic, key: service, value: encodeRecord(rec) });
    }
  }
  return out;
}

interface Counts { rows: number; distinct: number }
/** Rows of the scores table through the writer API (per service, each under the 10k limit). */
async function storeCounts(api: string): Promise<Counts> {
  let rows = 0;
  const keys = new Set<string>();
  for (const s of SERVICES) {
    const res = await fetch(`${api}/v1/scores?since=1d&service=${s}&limit=10000`, { signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`${api}/v1/scores: HTTP ${res.status}`);
    const got = (await res.json()) as Array<{ seriesKey: string; windowStartMs: number }>;
    rows += got.length;
    for (const r of got) keys.add(`${r.seriesKey}@${r.windowStartMs}`);
  }
  return { rows, distinct: keys.size };
}

describe('writer: SIGKILL mid-stream, restart, replay from offset 0', () => {
  const procs: ServiceProcess[] = [];
  const dirs: string[] = [];
  let bus: KafkaBus | undefined;
  afterAll(async () => {
    await killAll();
    await bus?.shutdown();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('every record lands exactly once', async () => {
    const t0 = Date.now();
    const brokers = testBrokers();
    bus = testBus(brokers, 'faults-writer');
    const run = uniqueName('faults-writer');
    const t = runTopics(run);
    await bus.ensureTopics([{ topic: t.scores, partitions: 6 }]);
    const producer = await bus.producer();
    const records = scoreRecords(t.scores);
    for (let i = 0; i < records.length; i += 2000) await producer.send(records.slice(i, i + 2000));
    await producer.close();
    const dir = mkdtempSync(join(tmpdir(), 'vigil-faults-writer-'));
    dirs.push(dir);
    const [api1, api2, api3, queryApi] = await freePorts(4);
    // Small batches: many offset ranges (and many inserts in flight when the kill comes).
    const env = (port: number, extra: Record<string, string> = {}) => runEnv(run, brokers.join(','), {
      VIGIL_STORE__CHDB__PATH: join(dir, 'chdb'), VIGIL_WRITER__API__PORT: String(port), VIGIL_WRITER__MAX_BATCH_ROWS: '400', ...extra,
    });
    try {
      // 1. Land part of it, then SIGKILL.
      const w1 = startService('writer', env(api1), 'writer 1 (killed)');
      procs.push(w1);
      await waitHttpOk(`http://127.0.0.1:${api1}/healthz`, w1, 90_000);
      let atKill = 0;
      await until('some rows to land', async () => (atKill = await scrape(`http://127.0.0.1:${api1}`, 'vigil_writer_rows_total', { table: 'scores' })) >= 4000, 60_000, 20);
      await w1.kill('SIGKILL');
      const lagAtKill = await groupLag(bus, `${run}-writer`, t.scores);

      // 2. Restart in the same group: it finishes from the committed offsets.
      const w2 = startService('writer', env(api2), 'writer 2 (restarted)');
      procs.push(w2);
      await waitHttpOk(`http://127.0.0.1:${api2}/healthz`, w2, 90_000);
      await until('the restarted writer to commit everything', async () => (await groupLag(bus!, `${run}-writer`, t.scores)) === 0, 90_000, 250);
      const replays2 = await scrape(`http://127.0.0.1:${api2}`, 'vigil_writer_events_total', { event: 'dedup_replays' });
      await stopGracefully(w2);
      // Read back through the read side (services/query), on the folder the writer left.
      const afterRestart = await readThroughQuery(env(api2), queryApi, 'query (after restart)', storeCounts);

      // 3. A writer with a new group id: it reads the topic from offset 0 into the same folder.
      const group3 = `${run}-writer-replay`;
      const w3 = startService('writer', env(api3, { VIGIL_WRITER__GROUP_ID: group3 }), 'writer 3 (replay from 0)');
      procs.push(w3);
      await waitHttpOk(`http://127.0.0.1:${api3}/healthz`, w3, 90_000);
      await until('the replaying writer to commit everything', async () => (await groupLag(bus!, group3, t.scores)) === 0, 90_000, 250);
      await sleep(500);
      const replays3 = await scrape(`http://127.0.0.1:${api3}`, 'vigil_writer_events_total', { event: 'dedup_replays' });
      const rows3 = await scrape(`http://127.0.0.1:${api3}`, 'vigil_writer_rows_total', { table: 'scores' });
      await stopGracefully(w3);
      const afterReplay = await readThroughQuery(env(api3), queryApi, 'query (after replay)', storeCounts);

      console.log(`[faults] writer-kill: ${N} records | writer 1 SIGKILLed after ${atKill} rows (uncommitted then: ${lagAtKill}) | after restart: rows ${afterRestart.rows}, distinct ${afterRestart.distinct}, replayed ranges ${replays2} | after replay from 0 (new group): rows ${afterReplay.rows}, distinct ${afterReplay.distinct}, ranges replayed ${replays3}, rows re-sent ${rows3} | ${((Date.now() - t0) / 1000).toFixed(1)}s`);
      expect(atKill).toBeLessThan(N);
      expect(lagAtKill).toBeGreaterThan(0);
      expect(afterRestart).toEqual({ rows: N, distinct: N });
      expect(afterReplay).toEqual({ rows: N, distinct: N });
      // The replay re-sent every row (so the check above is about deduplication, not skipping).
      expect(rows3).toBe(N);
    } catch (err) {
      dumpLogs(procs);
      throw err;
    }
  });
});
