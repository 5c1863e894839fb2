// Exactly once through the rekey stage across a SIGKILL, process level, against the real broker.
// The input is what an OpenTelemetry Collector's kafka exporter writes with its defaults: one
// record per export request holding six services' resources, no key. Its sticky partitioner puts
// a batch on one partition; so does this test (partition 0), so the order in which each service's
// data reaches its keyed partition is the input's order in both runs.
//   R: one rekey stage (a collector process with collector.enabled: false) and one detector.
//   K: two rekey stages in one group; the one that owns the input partition is SIGKILLed while
//      records stream in; the survivor takes the partition over from the committed offsets.
// K's keyed records must be R's, once each; K's committed detector outputs (scores, verdicts,
// anomalies: every score row the writer would land) must equal R's as multisets.
import { afterAll, describe, expect, test } from 'vitest';
import type { KafkaBus, OutRecord } from '@vigil/bus';
import { encodeTraces, tracesFromJson } from '@vigil/otlp';
import type { ExportTraceServiceRequest } from '@vigil/otlp';
import { testBrokers, uniqueName } from '../../infra/test/kafka.js';
import { freePorts } from '../../infra/test/global-setup.js';
import { otlpJsonTraffic } from '../support/traffic.js';
import {
  dumpLogs, killAll, multiset, multisetDiff, runEnv, runTopics, scrape, sleep, startService, stopGracefully, until, waitHttpOk,
} from '../support/processes.js';
import type { ServiceProcess } from '../support/processes.js';
import { groupLag, groupMembers, readTopics, testBus } from '../support/kafka-io.js';

const SERVICES = ['cart', 'checkout', 'payments', 'search', 'catalog', 'shipping'];
const OPS = ['GET /cart', 'POST /pay', 'GET /status'];
const T0 = Date.now() - 30 * 60_000;

/** Export requests of all six services' spans (25 per service per request), in event-time order. */
function inputRecords(topic: string): { records: OutRecord[]; resources: number } {
  const perService = SERVICES.map((service, i) => {
    const bad = i < 2;
    return [
      ...otlpJsonTraffic({ service, version: 'v1', startMs: T0, seconds: 240, rps: 10, errorRatio: 0.005, seed: 300 + i, operations: OPS }, 25),
      ...otlpJsonTraffic({ service, version: bad ? 'v2' : 'v1', startMs: T0 + 240_000, seconds: 120, rps: 10, errorRatio: bad ? 0.12 : 0.005, latencyFactor: bad ? 1.5 : 1, seed: 400 + i, operations: OPS }, 25),
    ].map((b) => tracesFromJson(JSON.parse(b)));
  });
  const records: OutRecord[] = [];
  let resources = 0;
  const n = Math.max(...perService.map((b) => b.length));
  for (let j = 0; j < n; j++) {
    const req: ExportTraceServiceRequest = { resourceSpans: [] };
    for (const bodies of perService) if (bodies[j]) req.resourceSpans.push(...bodies[j].resourceSpans);
    resources += req.resourceSpans.length;
    records.push({ topic, partition: 0, key: null, value: encodeTraces(req) });
  }
  return { records, resources };
}

async function ensureRunTopics(bus: KafkaBus, run: string): Promise<ReturnType<typeof runTopics>> {
  const t = runTopics(run);
  await bus.ensureTopics([
    ...[t.spans, t.metrics, t.logs, t.keyedSpans, t.keyedMetrics, t.keyedLogs, t.deployments, t.scores, t.anomalies, t.verdicts, t.templates, t.deadLetter, t.feedback]
      .map((topic) => ({ topic, partitions: 6 })),
    { topic: t.detectorState, partitions: 6, compacted: true },
  ]);
  return t;
}

async function produce(bus: KafkaBus, records: OutRecord[], chunk = 10, pauseMs = 0): Promise<void> {
  const producer = await bus.producer();
  try {
    for (let i = 0; i < records.length; i += chunk) {
      await producer.send(records.slice(i, i + chunk));
      if (pauseMs > 0) await sleep(pauseMs);
    }
  } finally {
    await producer.close();
  }
}

/** Committed records of the keyed spans topic ("key|bytes" per record) and the detector outputs. */
async function outputs(bus: KafkaBus, t: ReturnType<typeof runTopics>): Promise<{ keyed: string[]; all: string[]; byKind: Record<string, number> }> {
  const keyed = (await readTopics(bus, [t.keyedSpans])).map((r) => `${r.key?.toString('utf8') ?? ''}|${r.value?.toString('base64') ?? ''}`);
  const kinds = new Map([[t.scores, 'score'], [t.verdicts, 'verdict'], [t.anomalies, 'anomaly'], [t.deadLetter, 'dead_letter']]);
  const byKind: Record<string, number> = { score: 0, verdict: 0, anomaly: 0, dead_letter: 0 };
  const all = (await readTopics(bus, [...kinds.keys()])).map((r) => {
    const kind = kinds.get(r.topic)!;
    byKind[kind]++;
    return `${kind}|${r.key?.toString('utf8') ?? ''}|${r.value?.toString('utf8') ?? ''}`;
  });
  return { keyed, all, byKind };
}

describe('rekey stage: SIGKILL of the replica that owns the input', () => {
  const procs: ServiceProcess[] = [];
  let bus: KafkaBus | undefined;
  afterAll(async () => {
    await killAll();
    await bus?.shutdown();
  });

  test('the survivor finishes; keyed records once each and detector outputs identical to an uninterrupted run', async () => {
    const brokers = testBrokers().join(',');
    bus = testBus(testBrokers(), 'faults-rekey');
    const runR = uniqueName('faults-rekeyR');
    const runK = uniqueName('faults-rekeyK');
    const [tR, tK] = await Promise.all([ensureRunTopics(bus, runR), ensureRunTopics(bus, runK)]);
    const { records: inputR, resources } = inputRecords(tR.spans);
    const inputK = inputR.map((r) => ({ ...r, topic: tK.spans }));
    const [rR, dR, rK1, rK2, dK] = await freePorts(5);
    // A process that runs only the rekey stage: the collector's process with its receivers off.
    const rekeyEnv = (run: string, id: string, port: number) =>
      runEnv(run, brokers, { VIGIL_COLLECTOR__ENABLED: 'false', VIGIL_REKEY__INSTANCE_ID: `${run}-${id}`, VIGIL_API__PORT: String(port) });
    const detectorEnv = (run: string, port: number) => runEnv(run, brokers, { VIGIL_DETECTOR__INSTANCE_ID: `${run}-d`, VIGIL_DETECTOR__API__PORT: String(port) });
    const detectorDone = async (api: string) => (await scrape(api, 'vigil_detector_records_total')) >= resources;
    try {
      // ---- R: no fault.
      await produce(bus, inputR, 50);
      const rekeyR = startService('collector', rekeyEnv(runR, 'r', rR), 'rekey R');
      const detR = startService('detector', detectorEnv(runR, dR), 'detector R');
      procs.push(rekeyR, detR);
      await Promise.all([waitHttpOk(`http://127.0.0.1:${rR}/healthz`, rekeyR), waitHttpOk(`http://127.0.0.1:${dR}/healthz`, detR)]);
      await until('R: the rekey stage to commit every input record', async () => (await groupLag(bus!, `${runR}-rekey`, tR.spans)) === 0, 90_000, 250);
      await until('R: the detector to process every keyed record', () => detectorDone(`http://127.0.0.1:${dR}`), 90_000, 250);
      await stopGracefully(rekeyR);
      await stopGracefully(detR);
      const outR = await outputs(bus, tR);

      // ---- K: two rekey replicas; SIGKILL the one that owns input partition 0, mid-stream.
      const k1 = startService('collector', rekeyEnv(runK, 'k1', rK1), 'rekey K1');
      const k2 = startService('collector', rekeyEnv(runK, 'k2', rK2), 'rekey K2');
      const detK = startService('detector', detectorEnv(runK, dK), 'detector K');
      procs.push(k1, k2, detK);
      await Promise.all([waitHttpOk(`http://127.0.0.1:${rK1}/healthz`, k1), waitHttpOk(`http://127.0.0.1:${rK2}/healthz`, k2), waitHttpOk(`http://127.0.0.1:${dK}/healthz`, detK)]);
      await until('both rekey replicas in a stable group', async () => {
        const g = await groupMembers(bus!, `${runK}-rekey`);
        return g.members === 2 && g.state === 'Stable';
      }, 60_000, 250);
      const split = Math.floor(inputK.length / 3);
      await produce(bus, inputK.slice(0, split), 10);
      const foreign = (port: number) => scrape(`http://127.0.0.1:${port}`, 'vigil_rekey_records_total', { kind: 'foreign' });
      const owner = await until('one replica to re-key phase 1', async () => {
        const [a, b] = await Promise.all([foreign(rK1), foreign(rK2)]);
        return a > 0 ? { victim: k1, port: rK1, id: 'k1', survivor: k2 } : b > 0 ? { victim: k2, port: rK2, id: 'k2', survivor: k1 } : null;
      }, 30_000, 100);
      const streaming = produce(bus, inputK.slice(split), 2, 60);
      const atStart = await foreign(owner.port);
      let killedAfter = atStart;
      try {
        await until('the owner to re-key phase-2 records', async () => (killedAfter = await foreign(owner.port)) > atStart + 4, 30_000, 20);
      } finally {
        await owner.victim.kill('SIGKILL');
      }
      await streaming;
      // A restarted replica claims its transactional id, which aborts the killed one's open
      // transaction at once (else the broker does, after the transaction timeout).
      await (await bus.producer({ transactionalId: `vigil-rekey-${runK}-${owner.id}` })).close();
      await until('K: the survivor to commit every input record', async () => {
        if (!owner.survivor.alive()) throw new Error('the surviving rekey replica died');
        return (await groupLag(bus!, `${runK}-rekey`, tK.spans)) === 0;
      }, 150_000, 500);
      await until('K: the detector to process every keyed record', () => detectorDone(`http://127.0.0.1:${dK}`), 90_000, 250);
      await stopGracefully(owner.survivor);
      await stopGracefully(detK);
      const outK = await outputs(bus, tK);

      console.log(`[faults] rekey: ${inputR.length} foreign records (${resources} resources); killed the owner after it re-keyed ${killedAfter} of them; keyed records R ${outR.keyed.length}, K ${outK.keyed.length}; outputs R ${JSON.stringify(outR.byKind)}, K ${JSON.stringify(outK.byKind)}`);
      // Every resource once, byte for byte what the uninterrupted run wrote.
      expect(outR.keyed).toHaveLength(resources);
      const keyedDiff = multisetDiff(multiset(outR.keyed), multiset(outK.keyed));
      expect(keyedDiff).toEqual({ missing: [], extra: [] });
      // The detector saw the same per-service streams: the same scores, verdicts and anomalies.
      expect(outR.byKind.score).toBeGreaterThan(0);
      expect(outR.byKind.verdict).toBeGreaterThan(0);
      const diff = multisetDiff(multiset(outR.all), multiset(outK.all));
      expect(diff).toEqual({ missing: [], extra: [] });
    } catch (err) {
      dumpLogs(procs);
      throw err;
    }
  }, 420_000);
});
