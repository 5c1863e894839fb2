// Exactly once across a detector crash, process level, against the real broker.
// The same OTLP span records (12 services, event times backdated, interleaved in time) go to
// fresh 6-partition topics twice:
//   A: one detector consumes everything -> its committed outputs are the reference multiset.
//   B: two detectors share the group; one is SIGKILLed while records still stream in; the
//      survivor takes its partitions (state restored from the state topic) and finishes.
// B's committed outputs (scores, verdicts, anomalies, dead letters) must equal A's as multisets:
// no duplicate, no gap. Then a writer lands each run into its own chDB and the ClickHouse row
// sets (queried through the writer API) must be equal too, without duplicate rows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { partitionForKey } from '@vigil/bus';
import type { KafkaBus, OutRecord } from '@vigil/bus';
import { encodeTraces, tracesFromJson } from '@vigil/otlp';
import { OTLP_KEYED_MARKER, RECORD_KIND_HEADER } from '@vigil/records';
import { testBrokers, uniqueName } from '../../infra/test/kafka.js';
import { freePorts } from '../../infra/test/global-setup.js';
import { otlpJsonTraffic } from '../support/traffic.js';
import {
  dumpLogs, killAll, multiset, multisetDiff, readThroughQuery, runEnv, runTopics, scrape, sleep, startService, stopGracefully, until, waitHttpOk,
} from '../support/processes.js';
import type { ServiceProcess } from '../support/processes.js';
import { groupLag, groupMembers, readTopics, testBus } from '../support/kafka-io.js';

const SERVICES = ['cart', 'checkout', 'payments', 'search', 'catalog', 'shipping', 'users', 'auth', 'ads', 'email', 'quotes', 'currency'];
// 10 s windows (the default): 36 windows per series, so the outputs of a whole backlog stay well
// under 1 MiB per output partition (see the backlog test below for what happens above that).
// The scorers' warm-up is 200 points, so this run yields scores and verdicts, no anomalies; they
// travel in the same transactions as the scores.
const OPS = ['GET /cart', 'POST /pay', 'GET /status'];
const DETECTOR_ENV: Record<string, string> = {};
// Recent event times, so every row is inside the tables' TTL and the API's `since=1d`.
const T0 = Date.now() - 30 * 60_000;

/** The input: per service 240 s of v1 then 120 s of v1 (or a bad v2 for four of them), 25 spans a record, interleaved in time. */
function inputRecords(topic: string): OutRecord[] {
  const perService = SERVICES.map((service, i) => {
    const deploys = i < 4;
    const bodies = [
      ...otlpJsonTraffic({ service, version: 'v1', startMs: T0, seconds: 240, rps: 10, errorRatio: 0.005, seed: 100 + i, operations: OPS }, 25),
      ...otlpJsonTraffic({ service, version: deploys ? 'v2' : 'v1', startMs: T0 + 240_000, seconds: 120, rps: 10, errorRatio: deploys ? 0.12 : 0.005, latencyFactor: deploys ? 1.5 : 1, seed: 200 + i, operations: OPS }, 25),
    ];
    return bodies.map((b) => encodeTraces(tracesFromJson(JSON.parse(b))));
  });
  const out: OutRecord[] = [];
  const n = Math.max(...perService.map((b) => b.length));
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < SERVICES.length; i++) {
      const v = perService[i][j];
      // As Vigil's collector writes them: keyed by service, marked (the direct path).
      if (v) out.push({ topic, key: SERVICES[i], value: v, headers: { [RECORD_KIND_HEADER]: OTLP_KEYED_MARKER } });
    }
  }
  return out;
}

async function produce(bus: KafkaBus, records: OutRecord[], chunk = 200): Promise<void> {
  const producer = await bus.producer();
  try {
    for (let i = 0; i < records.length; i += chunk) await producer.send(records.slice(i, i + chunk));
  } finally {
    await producer.close();
  }
}

async function ensureRunTopics(bus: KafkaBus, run: string): Promise<ReturnType<typeof runTopics>> {
  const t = runTopics(run);
  await bus.ensureTopics([
    { topic: t.spans, partitions: 6 }, { topic: t.metrics, partitions: 6 }, { topic: t.logs, partitions: 6 },
    { topic: t.scores, partitions: 6 }, { topic: t.anomalies, partitions: 6 }, { topic: t.verdicts, partitions: 6 },
    { topic: t.templates, partitions: 6 }, { topic: t.deadLetter, partitions: 6 }, { topic: t.feedback, partitions: 6 },
    { topic: t.detectorState, partitions: 6, compacted: true },
  ]);
  return t;
}

/** The committed outputs of a run: "kind|key|value" strings (value bytes are canonical JSON). */
async function outputs(bus: KafkaBus, t: ReturnType<typeof runTopics>): Promise<{ all: string[]; byKind: Record<string, number> }> {
  const kinds = new Map([[t.scores, 'score'], [t.verdicts, 'verdict'], [t.anomalies, 'anomaly'], [t.deadLetter, 'dead_letter'], [t.templates, 'template']]);
  const recs = await readTopics(bus, [...kinds.keys()]);
  const byKind: Record<string, number> = { score: 0, verdict: 0, anomaly: 0, dead_letter: 0, template: 0 };
  const all = recs.map((r) => {
    const kind = kinds.get(r.topic)!;
    byKind[kind]++;
    return `${kind}|${r.key?.toString('utf8') ?? ''}|${r.value?.toString('utf8') ?? ''}`;
  });
  return { all, byKind };
}

interface Row { [k: string]: unknown }
async function getRows(url: string): Promise<Row[]> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as Row[];
}
const canon = (r: Row) => JSON.stringify(Object.keys(r).sort().map((k) => [k, r[k]]));

/** ClickHouse rows of a run through the query API: every score (per service, under the 10k limit), anomaly and deployment. */
async function storeRows(api: string): Promise<{ scores: string[]; anomalies: string[]; deployments: string[] }> {
  const scores: string[] = [];
  for (const s of SERVICES) for (const r of await getRows(`${api}/v1/scores?since=1d&service=${s}&limit=10000`)) scores.push(canon(r));
  const anomalies = (await getRows(`${api}/v1/anomalies?since=1d&limit=10000`)).map(canon);
  const deployments = (await getRows(`${api}/v1/deployments?since=1d&limit=10000`)).map(canon);
  return { scores, anomalies, deployments };
}

describe('detector: SIGKILL of one of two replicas', () => {
  const dirs: string[] = [];
  const procs: ServiceProcess[] = [];
  let bus: KafkaBus | undefined;
  afterAll(async () => {
    await killAll();
    await bus?.shutdown();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('the survivor finishes with outputs identical to a single uninterrupted run, and ClickHouse agrees', async () => {
    const t0 = Date.now();
    const brokers = testBrokers();
    bus = testBus(brokers, 'faults-detector');
    const runA = uniqueName('faults-detA');
    const runB = uniqueName('faults-detB');
    const [tA, tB] = await Promise.all([ensureRunTopics(bus, runA), ensureRunTopics(bus, runB)]);
    const inputA = inputRecords(tA.spans);
    const inputB = inputA.map((r) => ({ ...r, topic: tB.spans }));
    // Every input partition holds data, so any split between two members gives both work.
    const spanPartitions = new Set(SERVICES.map((s) => partitionForKey(Buffer.from(s), 6))).size;
    expect(spanPartitions).toBe(6);
    try {
      // ---- A: one detector, no fault.
      const [apiA, apiB1, apiB2, wApiA, wApiB, qApiA, qApiB] = await freePorts(7);
      await produce(bus, inputA);
      const detA = startService('detector', runEnv(runA, brokers.join(','), { ...DETECTOR_ENV, VIGIL_DETECTOR__INSTANCE_ID: `${runA}-d0`, VIGIL_DETECTOR__API__PORT: String(apiA) }), 'detector A');
      procs.push(detA);
      await waitHttpOk(`http://127.0.0.1:${apiA}/healthz`, detA);
      await until('run A to commit every input record', async () => (await groupLag(bus!, `${runA}-detector`, tA.spans)) === 0, 60_000, 250);
      const recordsA = await scrape(`http://127.0.0.1:${apiA}`, 'vigil_detector_records_total');
      await stopGracefully(detA);
      const outA = await outputs(bus, tA);
      const tA1 = Date.now();

      // ---- B: two detectors in one group; SIGKILL one while records stream in.
      const envB = (id: string, port: number) => runEnv(runB, brokers.join(','), { ...DETECTOR_ENV, VIGIL_DETECTOR__INSTANCE_ID: `${runB}-${id}`, VIGIL_DETECTOR__API__PORT: String(port) });
      const d1 = startService('detector', envB('d1', apiB1), 'detector B1 (killed)');
      const d2 = startService('detector', envB('d2', apiB2), 'detector B2 (survivor)');
      procs.push(d1, d2);
      await Promise.all([waitHttpOk(`http://127.0.0.1:${apiB1}/healthz`, d1), waitHttpOk(`http://127.0.0.1:${apiB2}/healthz`, d2)]);
      await until('both detectors in a stable group', async () => {
        const g = await groupMembers(bus!, `${runB}-detector`);
        return g.members === 2 && g.state === 'Stable';
      }, 60_000, 250);
      // Phase 1: a third of the input; both must take part.
      const split = Math.floor(inputB.length / 3);
      await produce(bus, inputB.slice(0, split));
      await until('both detectors to process records', async () =>
        (await scrape(`http://127.0.0.1:${apiB1}`, 'vigil_detector_records_total')) > 0 &&
        (await scrape(`http://127.0.0.1:${apiB2}`, 'vigil_detector_records_total')) > 0, 30_000, 200);
      await until('phase 1 committed', async () => (await groupLag(bus!, `${runB}-detector`, tB.spans)) === 0, 30_000, 200);
      const d1Phase1 = await scrape(`http://127.0.0.1:${apiB1}`, 'vigil_detector_records_total');
      const d2Phase1 = await scrape(`http://127.0.0.1:${apiB2}`, 'vigil_detector_records_total');
      // Phase 2: the rest, paced, and the kill in the middle of it (after B1 processed more).
      const rest = inputB.slice(split);
      const producer = await bus.producer();
      let sent = 0;
      const streaming = (async () => {
        for (; sent < rest.length; sent += 25) {
          await producer.send(rest.slice(sent, sent + 25));
          await sleep(40);
        }
      })();
      let d1AtKill = 0;
      try {
        await until('B1 to process phase-2 records', async () => (d1AtKill = await scrape(`http://127.0.0.1:${apiB1}`, 'vigil_detector_records_total')) > d1Phase1, 30_000, 50);
        await sleep(300);
        d1AtKill = await scrape(`http://127.0.0.1:${apiB1}`, 'vigil_detector_records_total');
      } finally {
        await d1.kill('SIGKILL');
      }
      const sentAtKill = split + Math.min(sent, rest.length);
      await streaming;
      await producer.close();
      // The survivor: its session sees B1 leave after the session timeout, takes all partitions.
      await until('run B to commit every input record', async () => {
        if (!d2.alive()) throw new Error('the survivor died');
        return (await groupLag(bus!, `${runB}-detector`, tB.spans)) === 0;
      }, 150_000, 500);
      const d2Total = await scrape(`http://127.0.0.1:${apiB2}`, 'vigil_detector_records_total');
      await stopGracefully(d2);
      // If B1 died inside a transaction, that transaction stays open until the broker's timeout
      // (60 s) and read-committed readers stop before it. Claiming B1's transactional id (as a
      // restarted B1 would) aborts it now, so the reads below see everything committed.
      await (await bus.producer({ transactionalId: `vigil-detector-${runB}-d1` })).close();
      const outB = await outputs(bus, tB);
      const restored = (d2.logs().match(/"state_restored"|state_restored/g) ?? []).length;
      const tB1 = Date.now();

      const diff = multisetDiff(multiset(outA.all), multiset(outB.all));
      const dupB = [...multiset(outB.all).values()].filter((n) => n > 1).length;
      console.log(`[faults] detector-kill: input ${inputA.length} records (${SERVICES.length} services on ${spanPartitions} partitions) | A: ${recordsA} processed, outputs ${JSON.stringify(outA.byKind)} in ${((tA1 - t0) / 1000).toFixed(1)}s | B: phase1 B1=${d1Phase1} B2=${d2Phase1}, B1 killed at ${d1AtKill} processed (${sentAtKill}/${inputB.length} sent), survivor processed ${d2Total} (state_restored x${restored}), outputs ${JSON.stringify(outB.byKind)} in ${((tB1 - tA1) / 1000).toFixed(1)}s | missing ${diff.missing.length}, extra ${diff.extra.length}, duplicate keys ${dupB}`);
      expect(outA.byKind.score).toBeGreaterThan(1000);
      expect(outA.byKind.verdict).toBeGreaterThan(0);
      expect(d1Phase1).toBeGreaterThan(0);
      expect(d2Phase1).toBeGreaterThan(0);
      expect(d1AtKill).toBeLessThan(inputB.length);
      expect(sentAtKill, 'the kill happened before the end of the input').toBeLessThan(inputB.length);
      expect(diff.missing.slice(0, 5), `${diff.missing.length} output records of A missing from B`).toEqual([]);
      expect(diff.extra.slice(0, 5), `${diff.extra.length} output records in B not in A (duplicates or divergence)`).toEqual([]);
      expect(outB.all.length).toBe(outA.all.length);

      // ---- Both runs through a writer into their own chDB; the ClickHouse row sets must match.
      const dirA = mkdtempSync(join(tmpdir(), 'vigil-faults-chA-'));
      const dirB = mkdtempSync(join(tmpdir(), 'vigil-faults-chB-'));
      dirs.push(dirA, dirB);
      const storeEnvA = runEnv(runA, brokers.join(','), { VIGIL_STORE__CHDB__PATH: join(dirA, 'chdb'), VIGIL_WRITER__API__PORT: String(wApiA) });
      const storeEnvB = runEnv(runB, brokers.join(','), { VIGIL_STORE__CHDB__PATH: join(dirB, 'chdb'), VIGIL_WRITER__API__PORT: String(wApiB) });
      const wA = startService('writer', storeEnvA, 'writer A');
      const wB = startService('writer', storeEnvB, 'writer B');
      procs.push(wA, wB);
      await Promise.all([waitHttpOk(`http://127.0.0.1:${wApiA}/healthz`, wA, 90_000), waitHttpOk(`http://127.0.0.1:${wApiB}/healthz`, wB, 90_000)]);
      const landed = async (api: number, want: Record<string, number>) => {
        const base = `http://127.0.0.1:${api}`;
        return (await scrape(base, 'vigil_writer_rows_total', { table: 'scores' })) >= want.score &&
          (await scrape(base, 'vigil_writer_rows_total', { table: 'anomalies' })) >= want.anomaly &&
          (await scrape(base, 'vigil_writer_rows_total', { table: 'verdicts' })) >= want.verdict;
      };
      await until('both writers to land every output', async () => (await landed(wApiA, outA.byKind)) && (await landed(wApiB, outB.byKind)), 90_000, 300);
      // Read back through the read side (services/query) once each writer stopped (one process per chDB folder).
      await Promise.all([stopGracefully(wA), stopGracefully(wB)]);
      const [rowsA, rowsB] = await Promise.all([
        readThroughQuery(storeEnvA, qApiA, 'query A', storeRows), readThroughQuery(storeEnvB, qApiB, 'query B', storeRows),
      ]);
      const distinctScoresB = new Set(rowsB.scores.map((s) => {
        const r = Object.fromEntries(JSON.parse(s) as Array<[string, unknown]>);
        return `${String(r.seriesKey)}@${String(r.windowStartMs)}`;
      })).size;
      const sd = multisetDiff(multiset(rowsA.scores), multiset(rowsB.scores));
      console.log(`[faults] detector-kill ClickHouse: A scores ${rowsA.scores.length}, anomalies ${rowsA.anomalies.length}, deployments ${rowsA.deployments.length} | B scores ${rowsB.scores.length} (distinct series/window ${distinctScoresB}), anomalies ${rowsB.anomalies.length}, deployments ${rowsB.deployments.length} | score rows missing ${sd.missing.length}, extra ${sd.extra.length} | total ${((Date.now() - t0) / 1000).toFixed(1)}s`);
      expect(rowsA.scores.length).toBe(outA.byKind.score);
      expect(rowsB.scores.length).toBe(distinctScoresB);
      expect(sd.missing.slice(0, 3)).toEqual([]);
      expect(sd.extra.slice(0, 3)).toEqual([]);
      expect(rowsB.anomalies.sort()).toEqual(rowsA.anomalies.sort());
      expect(rowsB.deployments.sort()).toEqual(rowsA.deployments.sort());
    } catch (err) {
      dumpLogs(procs);
      throw err;
    }
  });
});

describe('detector: a backlog whose outputs exceed 1 MiB on one output partition', () => {
  let bus: KafkaBus | undefined;
  const procs: ServiceProcess[] = [];
  afterAll(async () => {
    await killAll();
    await bus?.shutdown();
  });

  // One service, 1 s windows, 10 minutes of event time already waiting: ~3000 score records
  // (~1.4 MB) for one scores partition in the first transaction. Kafka's broker limit
  // (message.max.bytes, default 1 MiB) applies to a record batch, and one send puts all of a
  // partition's records into one batch. A catching-up detector (after downtime, or a survivor
  // taking over a dead replica's partitions) meets exactly this.
  test('the detector commits the whole backlog (no endless abort/replay loop)', async () => {
    const brokers = testBrokers();
    bus = testBus(brokers, 'faults-backlog');
    const run = uniqueName('faults-backlog');
    const t = await ensureRunTopics(bus, run);
    const bodies = otlpJsonTraffic({ service: 'backlog', version: 'v1', startMs: T0, seconds: 600, rps: 10, errorRatio: 0.01, seed: 7, operations: ['POST /pay'] }, 25);
    await produce(bus, bodies.map((b) => ({ topic: t.spans, key: 'backlog', value: encodeTraces(tracesFromJson(JSON.parse(b))), headers: { [RECORD_KIND_HEADER]: OTLP_KEYED_MARKER } })));
    const [api] = await freePorts(1);
    const det = startService('detector', runEnv(run, brokers.join(','), {
      VIGIL_DETECTOR__WINDOW_MS: '1000', VIGIL_DETECTOR__ALLOWED_LATENESS_MS: '1000', VIGIL_DETECTOR__INSTANCE_ID: `${run}-d0`, VIGIL_DETECTOR__API__PORT: String(api),
    }), 'detector (backlog)');
    procs.push(det);
    try {
      await waitHttpOk(`http://127.0.0.1:${api}/healthz`, det);
      let aborts = 0;
      const outcome = await until('the backlog to commit, or a transaction to abort on a too large batch', async () => {
        aborts = (det.logs().match(/"transaction_aborted"/g) ?? []).length;
        if (/larger than the max message size/.test(det.logs()) && aborts >= 2) return 'aborted';
        return (await groupLag(bus!, `${run}-detector`, t.spans)) === 0 ? 'committed' : null;
      }, 40_000, 250);
      const lag = await groupLag(bus, `${run}-detector`, t.spans);
      const abortLine = /"event":"transaction_aborted".*?"err":"([^"]*)"/.exec(det.logs())?.[1] ?? '';
      console.log(`[faults] detector backlog: ${bodies.length} input records (6000 spans, 1 s windows) -> ${outcome}; transactions aborted ${aborts}${abortLine ? ` ("${abortLine}")` : ''}; records not committed ${lag}`);
      expect(abortLine, 'a transaction of the backlog was refused by the broker').toBe('');
      expect(outcome).toBe('committed');
      await stopGracefully(det);
      const out = await outputs(bus, t);
      expect(out.byKind.score).toBeGreaterThan(2500);
    } catch (err) {
      dumpLogs(procs, 2000);
      throw err;
    }
  });
});

describe('detector: a rebalance while a dead replica\'s transaction is still open', () => {
  let bus: KafkaBus | undefined;
  const procs: ServiceProcess[] = [];
  afterAll(async () => {
    await killAll();
    await bus?.shutdown();
  });

  // A replica SIGKILLed inside a transaction leaves it open until the broker times it out
  // (transaction timeout: 15 s as Vigil sets it): until then the last stable offset of each state partition it
  // wrote stays before that transaction, and read-committed readers see nothing after it, not
  // even snapshots committed later by the replica that took over. The test opens such a
  // transaction itself (a producer that begins one on every state partition and never ends it;
  // the state a SIGKILL at the wrong millisecond leaves), then: detector 1 processes phase 2 and
  // commits (snapshots after the open transaction, offsets in __consumer_offsets); it stops;
  // detector 2 takes over and restores. Its restored state must match its committed offsets, so
  // the outputs must equal an uninterrupted run's.
  test('state restored after the takeover matches the committed offsets', async () => {
    const t0 = Date.now();
    const brokers = testBrokers();
    bus = testBus(brokers, 'faults-zombie');
    const runRef = uniqueName('faults-zref');
    const runZ = uniqueName('faults-zombie');
    const [tRef, tZ] = await Promise.all([ensureRunTopics(bus, runRef), ensureRunTopics(bus, runZ)]);
    const input = inputRecords(tRef.spans);
    const inputZ = input.map((r) => ({ ...r, topic: tZ.spans }));
    const third = Math.floor(input.length / 3);
    const [apiRef, api1, api2] = await freePorts(3);
    let zombie: Awaited<ReturnType<KafkaBus['producer']>> | undefined;
    let zombieTx: Awaited<ReturnType<Awaited<ReturnType<KafkaBus['producer']>>['transaction']>> | undefined;
    try {
      // Reference: one detector, everything.
      await produce(bus, input);
      const ref = startService('detector', runEnv(runRef, brokers.join(','), { VIGIL_DETECTOR__INSTANCE_ID: `${runRef}-d0`, VIGIL_DETECTOR__API__PORT: String(apiRef) }), 'detector (reference)');
      procs.push(ref);
      await waitHttpOk(`http://127.0.0.1:${apiRef}/healthz`, ref);
      await until('the reference run to commit everything', async () => (await groupLag(bus!, `${runRef}-detector`, tRef.spans)) === 0, 60_000, 250);
      await stopGracefully(ref);
      const outRef = await outputs(bus, tRef);

      // Phase 1 by detector 1.
      const envZ = (id: string, port: number) => runEnv(runZ, brokers.join(','), { VIGIL_DETECTOR__INSTANCE_ID: `${runZ}-${id}`, VIGIL_DETECTOR__API__PORT: String(port) });
      await produce(bus, inputZ.slice(0, third));
      const d1 = startService('detector', envZ('d1', api1), 'detector 1');
      procs.push(d1);
      await waitHttpOk(`http://127.0.0.1:${api1}/healthz`, d1);
      await until('phase 1 committed', async () => (await groupLag(bus!, `${runZ}-detector`, tZ.spans)) === 0, 60_000, 200);
      // The dead replica's transaction: open on every state partition, never ended.
      zombie = await bus.producer({ transactionalId: `${runZ}-dead-replica` });
      zombieTx = await zombie.transaction();
      await zombieTx.send([0, 1, 2, 3, 4, 5].map((partition) => ({ topic: tZ.detectorState, partition, key: 'dead-replica', value: Buffer.from('{}') })));
      // Phase 2 by detector 1: snapshots and offsets committed after the open transaction.
      await produce(bus, inputZ.slice(third, 2 * third));
      await until('phase 2 committed', async () => (await groupLag(bus!, `${runZ}-detector`, tZ.spans)) === 0, 60_000, 200);
      await stopGracefully(d1);
      const [committed] = await (await bus.admin()).fetchOffsets({ groupId: `${runZ}-detector`, topics: [tZ.spans] });
      const committedAt = committed.partitions.map((p) => `${p.partition}@${p.offset}`).sort();
      // Detector 2 takes over (the open transaction is still within its timeout), then phase 3.
      const d2 = startService('detector', envZ('d2', api2), 'detector 2');
      procs.push(d2);
      await waitHttpOk(`http://127.0.0.1:${api2}/healthz`, d2);
      await produce(bus, inputZ.slice(2 * third));
      // Detector 2 waits for the open transaction to be aborted (15 s timeout) before it restores.
      await until('phase 3 committed', async () => (await groupLag(bus!, `${runZ}-detector`, tZ.spans)) === 0, 90_000, 200);
      const restored = [...d2.logs().matchAll(/"event":"state_restored"[^\n]*?"partition":(\d+)[^\n]*?"nextOffset":"(\d+)"/g)].map((m) => `${m[1]}@${m[2]}`);
      await stopGracefully(d2);
      const outZ = await outputs(bus, tZ);
      const diff = multisetDiff(multiset(outRef.all), multiset(outZ.all));
      console.log(`[faults] detector open-transaction takeover: input ${input.length} records in 3 phases (phase-2 end offsets committed by detector 1 after a foreign open transaction) | group offsets when detector 2 started ${committedAt.join(', ')}; detector 2 restored snapshots at ${[...restored].sort().join(', ') || '(none)'} | reference outputs ${JSON.stringify(outRef.byKind)}, takeover outputs ${JSON.stringify(outZ.byKind)} | missing ${diff.missing.length}, extra ${diff.extra.length} | ${((Date.now() - t0) / 1000).toFixed(1)}s`);
      // A snapshot hidden behind the open transaction is seen as behind the committed offset and
      // read again until the broker aborts that transaction: the LAST restore of each partition is
      // the one detector 2 worked from, and it must equal the committed offset.
      const lastRestore = new Map<string, string>();
      for (const r of restored) lastRestore.set(r.split('@')[0], r);
      expect(lastRestore.size, 'detector 2 restored the partitions detector 1 had committed').toBe(6);
      expect([...lastRestore.values()].sort(), 'restored snapshots = committed offsets').toEqual(committedAt);
      expect(diff.missing.slice(0, 3), `${diff.missing.length} reference outputs missing after the takeover`).toEqual([]);
      expect(diff.extra.slice(0, 3), `${diff.extra.length} outputs not in the reference`).toEqual([]);
    } catch (err) {
      dumpLogs(procs, 2000);
      throw err;
    } finally {
      // Abort the dangling transaction (it would otherwise hold the state partitions for 60 s).
      await zombieTx?.abort().catch(() => undefined);
      await zombie?.close().catch(() => undefined);
    }
  });
});
