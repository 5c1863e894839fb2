// The collector process while its Kafka broker goes away and comes back. The test runs a broker
// of its own (infra/kafka/broker.sh on free ports, its own data dir) so it can stop it:
//   under load -> broker stopped -> answers turn to 503/429 with Retry-After, the process lives,
//   its RSS stays bounded -> broker restarted (same data) -> 200 again -> every request answered
//   2xx (before, during, after) is found in Kafka.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';
import type { KafkaBus } from '@vigil/bus';
import { uniqueName } from '../../infra/test/kafka.js';
import { freePorts } from '../../infra/test/global-setup.js';
import { dumpLogs, killAll, ROOT, rssBytes, runEnv, runTopics, sleep, startService, until, waitHttpOk } from '../support/processes.js';
import type { ServiceProcess } from '../support/processes.js';
import { testBus } from '../support/kafka-io.js';
import { formatStatuses, idsInTopic, OtlpLoad } from '../support/otlp-load.js';

const execFileP = promisify(execFile);
const BROKER_SH = join(ROOT, 'infra/kafka/broker.sh');
const MiB = 1024 * 1024;
const MAX_INFLIGHT = 8 * MiB;

describe('collector: broker stopped and restarted under load', () => {
  const procs: ServiceProcess[] = [];
  let bus: KafkaBus | undefined;
  let brokerArgs: string[] = [];
  let dir = '';
  afterAll(async () => {
    await killAll();
    await bus?.shutdown();
    if (brokerArgs.length) await execFileP('bash', [BROKER_SH, 'stop', ...brokerArgs]).catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('503 + Retry-After while down, bounded RSS, 200 again after, no acknowledged request lost', async () => {
    const t0 = Date.now();
    const [port, controller, http, grpc, admin] = await freePorts(5);
    dir = mkdtempSync(join(tmpdir(), 'vigil-faults-broker-'));
    brokerArgs = ['--port', String(port), '--controller-port', String(controller), '--dir', dir];
    const startBroker = () => execFileP('bash', [BROKER_SH, 'start', ...brokerArgs, '--no-topics', '--parent-pid', String(process.pid)], { timeout: 120_000 });
    await startBroker();
    const brokers = `127.0.0.1:${port}`;
    bus = testBus([brokers], 'faults-broker');
    const run = uniqueName('faults-broker');
    const t = runTopics(run);
    const c = startService('collector', runEnv(run, brokers, {
      VIGIL_COLLECTOR__HTTP__PORT: String(http), VIGIL_COLLECTOR__GRPC__PORT: String(grpc), VIGIL_API__PORT: String(admin),
      VIGIL_COLLECTOR__MAX_INFLIGHT_BYTES: String(MAX_INFLIGHT), VIGIL_COLLECTOR__HTTP__MAX_BODY_BYTES: String(MiB),
      VIGIL_COLLECTOR__GRPC__MAX_MESSAGE_BYTES: String(MiB), VIGIL_COLLECTOR__PRODUCE_TIMEOUT_MS: '3000',
      VIGIL_COLLECTOR__BUS_DOWN_HOLD_MS: '300', VIGIL_COLLECTOR__RETRY_AFTER_S: '1',
    }), 'collector');
    procs.push(c);
    let rssMax = 0;
    let sampler: NodeJS.Timeout | undefined;
    try {
      await waitHttpOk(`http://127.0.0.1:${admin}/readyz`, c);
      const load = new OtlpLoad(`http://127.0.0.1:${http}/v1/traces`, { concurrency: 8, backoffMs: 50, timeoutMs: 30_000 }).start();
      await until('load acknowledged', () => load.stats.acked.size >= 300, 60_000, 20);
      const rssBefore = rssBytes(c.pid);
      sampler = setInterval(() => { rssMax = Math.max(rssMax, rssBytes(c.pid)); }, 100);

      // Broker down.
      const tStop = Date.now();
      await execFileP('bash', [BROKER_SH, 'stop', ...brokerArgs], { timeout: 60_000 });
      const refusedAtStop = load.stats.refused.size;
      await until('503/429 answers while the broker is down', () => load.stats.refused.size >= refusedAtStop + 30, 60_000, 50);
      // Stay down a while under load: memory would grow here if requests were held unbounded.
      await sleep(4000);
      const healthDown = (await fetch(`http://127.0.0.1:${admin}/healthz`)).status;
      const downMs = Date.now() - tStop;
      const ackedWhileDown = load.stats.acked.size;

      // Broker back (same data dir).
      await startBroker();
      const ackedAtRestart = load.stats.acked.size;
      await until('200 again after the restart', () => load.stats.acked.size >= ackedAtRestart + 300, 90_000, 50);
      const stats = await load.stop();
      clearInterval(sampler);
      expect(c.alive(), 'the collector lived through the outage').toBe(true);

      const found = await idsInTopic(bus, t.spans);
      const lost = [...stats.acked].filter((id) => !found.ids.has(id));
      console.log(`[faults] broker-restart: sent ${load.sent} | accepted ${stats.acked.size} | refused ${stats.refused.size} | no answer ${stats.failed.size} | statuses ${formatStatuses(stats.statuses)} | Retry-After ${JSON.stringify([...stats.retryAfter])} | broker down ${(downMs / 1000).toFixed(1)}s, /healthz while down ${healthDown} | RSS before ${(rssBefore / MiB).toFixed(0)} MiB, max ${(rssMax / MiB).toFixed(0)} MiB (maxInflightBytes ${MAX_INFLIGHT / MiB} MiB) | Kafka: ${found.ids.size} distinct ids | lost ${lost.length} | ${((Date.now() - t0) / 1000).toFixed(1)}s`);
      expect(ackedWhileDown).toBeGreaterThan(0);
      expect((stats.statuses.get(503) ?? 0) + (stats.statuses.get(429) ?? 0)).toBeGreaterThanOrEqual(30);
      expect([...stats.retryAfter.keys()]).toEqual(['1']);
      expect(healthDown).toBe(200);
      // Bounded memory: what the outage adds stays within a few in-flight budgets.
      expect(rssMax).toBeLessThan(rssBefore + 6 * MAX_INFLIGHT + 64 * MiB);
      expect(rssMax).toBeLessThan(512 * MiB);
      expect(lost.slice(0, 10)).toEqual([]);
    } catch (err) {
      dumpLogs(procs);
      throw err;
    } finally {
      if (sampler) clearInterval(sampler);
    }
  });
});
