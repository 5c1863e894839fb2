// No acknowledged request lost when the collector process dies: 16 concurrent clients post
// OTLP/HTTP protobuf requests, each with a unique id (a span attribute), to a collector process;
// it is SIGKILLed under load. Every request answered 2xx must be in Kafka (otlp_spans read back
// committed and decoded); requests without an answer may or may not be there (unknown outcome).
// A restarted collector serves again and its acknowledged requests land too.
import { afterAll, describe, expect, test } from 'vitest';
import type { KafkaBus } from '@vigil/bus';
import { testBrokers, uniqueName } from '../../infra/test/kafka.js';
import { freePorts } from '../../infra/test/global-setup.js';
import { dumpLogs, killAll, runEnv, runTopics, sleep, startService, until, waitHttpOk } from '../support/processes.js';
import type { ServiceProcess } from '../support/processes.js';
import { testBus } from '../support/kafka-io.js';
import { formatStatuses, idsInTopic, OtlpLoad } from '../support/otlp-load.js';

describe('collector: SIGKILL under load', () => {
  const procs: ServiceProcess[] = [];
  let bus: KafkaBus | undefined;
  afterAll(async () => {
    await killAll();
    await bus?.shutdown();
  });

  test('every 2xx request is in Kafka (lost = 0)', async () => {
    const t0 = Date.now();
    const brokers = testBrokers();
    bus = testBus(brokers, 'faults-collector');
    const run = uniqueName('faults-coll');
    const t = runTopics(run);
    const [http1, grpc1, admin1, http2, grpc2, admin2] = await freePorts(6);
    const env = (http: number, grpc: number, admin: number) => runEnv(run, brokers.join(','), {
      VIGIL_COLLECTOR__HTTP__PORT: String(http), VIGIL_COLLECTOR__GRPC__PORT: String(grpc), VIGIL_API__PORT: String(admin),
    });
    try {
      const c1 = startService('collector', env(http1, grpc1, admin1), 'collector 1 (killed)');
      procs.push(c1);
      await waitHttpOk(`http://127.0.0.1:${admin1}/readyz`, c1);
      const load = new OtlpLoad(`http://127.0.0.1:${http1}/v1/traces`, { concurrency: 16, backoffMs: 20 }).start();
      await until('load to be acknowledged', () => load.stats.acked.size >= 1500, 60_000, 20);
      const ackedBeforeKill = load.stats.acked.size;
      await c1.kill('SIGKILL');
      // Clients keep trying against the dead port for a moment (connection refused).
      await sleep(300);
      const first = await load.stop();

      // A new collector on another port: it serves, and what it acknowledges lands too.
      const c2 = startService('collector', env(http2, grpc2, admin2), 'collector 2 (restarted)');
      procs.push(c2);
      await waitHttpOk(`http://127.0.0.1:${admin2}/readyz`, c2);
      // Ids of the second load must not collide with the first.
      const load2 = new OtlpLoad(`http://127.0.0.1:${http2}/v1/traces`, { concurrency: 16, firstId: 10_000_000 }).start();
      await until('the restarted collector to acknowledge requests', () => load2.stats.acked.size >= 200, 60_000, 20);
      const second = await load2.stop();

      const found = await idsInTopic(bus, t.spans);
      const acked = [...first.acked, ...second.acked];
      const lost = acked.filter((id) => !found.ids.has(id));
      const inDoubtLanded = [...first.failed].filter((id) => found.ids.has(id)).length;
      const refused = first.refused.size + second.refused.size;
      console.log(`[faults] collector-kill: sent ${first.acked.size + first.refused.size + first.failed.size} + ${second.acked.size + second.refused.size + second.failed.size} (after restart) | accepted ${acked.length} (${ackedBeforeKill} before the kill) | refused ${refused} | no answer ${first.failed.size + second.failed.size} (of which in Kafka: ${inDoubtLanded}) | statuses ${formatStatuses(first.statuses)} / ${formatStatuses(second.statuses)} | Kafka: ${found.records} records, ${found.ids.size} distinct ids, ${found.copies} copies | lost ${lost.length} | ${((Date.now() - t0) / 1000).toFixed(1)}s`);
      expect(first.acked.size).toBeGreaterThanOrEqual(1500);
      expect(first.failed.size, 'the kill happened under load').toBeGreaterThan(0);
      expect(lost.slice(0, 10)).toEqual([]);
      expect(lost.length).toBe(0);
      // Ids found in Kafka come from requests that were sent (no stray ids).
      for (const id of found.ids) expect(first.acked.has(id) || first.failed.has(id) || first.refused.has(id) || second.acked.has(id) || second.failed.has(id) || second.refused.has(id)).toBe(true);
    } catch (err) {
      dumpLogs(procs);
      throw err;
    }
  });
});
