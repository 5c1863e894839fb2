// Valid, large requests for one service, sent concurrently: the collector coalesces concurrent
// requests into one producer call, and all of one service's records go to one partition. Each
// request (~0.65 MB, one resource, under maxRecordBytes) is valid on its own; together they must
// still be accepted (2xx) and land in Kafka. Kafka's broker limit (message.max.bytes, default
// 1 MiB) applies to a record batch, so a producer call must not put more than that into one
// partition's batch.
import { afterAll, describe, expect, test } from 'vitest';
import type { KafkaBus } from '@vigil/bus';
import { testBrokers, uniqueName } from '../../infra/test/kafka.js';
import { freePorts } from '../../infra/test/global-setup.js';
import { dumpLogs, killAll, runEnv, runTopics, startService, waitHttpOk } from '../support/processes.js';
import type { ServiceProcess } from '../support/processes.js';
import { testBus } from '../support/kafka-io.js';
import { formatStatuses, idRequest, idsInTopic } from '../support/otlp-load.js';

const CLIENTS = 12;
const PER_CLIENT = 4;
const SPANS = 3000;

describe('collector: concurrent large requests for one service', () => {
  const procs: ServiceProcess[] = [];
  let bus: KafkaBus | undefined;
  afterAll(async () => {
    await killAll();
    await bus?.shutdown();
  });

  test('all accepted and all in Kafka', async () => {
    const t0 = Date.now();
    const brokers = testBrokers();
    bus = testBus(brokers, 'faults-batch');
    const run = uniqueName('faults-batch');
    const t = runTopics(run);
    const [http, grpc, admin] = await freePorts(3);
    const c = startService('collector', runEnv(run, brokers.join(','), {
      VIGIL_COLLECTOR__HTTP__PORT: String(http), VIGIL_COLLECTOR__GRPC__PORT: String(grpc), VIGIL_API__PORT: String(admin),
    }), 'collector');
    procs.push(c);
    try {
      await waitHttpOk(`http://127.0.0.1:${admin}/readyz`, c);
      const statuses = new Map<number, number>();
      const messages = new Set<string>();
      const acked = new Set<number>();
      let bytes = 0;
      await Promise.all(Array.from({ length: CLIENTS }, async (_, w) => {
        for (let i = 0; i < PER_CLIENT; i++) {
          const id = w * 100 + i;
          const body = idRequest(id, 1, SPANS); // one service: one partition
          bytes = body.length;
          const res = await fetch(`http://127.0.0.1:${http}/v1/traces`, { method: 'POST', body, headers: { 'content-type': 'application/x-protobuf' }, signal: AbortSignal.timeout(30_000) });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const text = Buffer.from(await res.arrayBuffer()).toString('latin1');
          if (res.status === 200) acked.add(id);
          else messages.add(text.replace(/[^\x20-\x7e]/g, '').slice(0, 160));
        }
      }));
      const found = await idsInTopic(bus, t.spans);
      const lost = [...acked].filter((id) => !found.ids.has(id));
      console.log(`[faults] collector-batch-size: ${CLIENTS * PER_CLIENT} valid requests of ${(bytes / 1e6).toFixed(2)} MB (one service), ${CLIENTS} concurrent | statuses ${formatStatuses(statuses)} | refusals ${JSON.stringify([...messages])} | in Kafka ${found.ids.size}, lost ${lost.length} | ${((Date.now() - t0) / 1000).toFixed(1)}s`);
      expect(lost).toEqual([]);
      expect(Object.fromEntries(statuses), `refusals: ${[...messages].join(' | ')}`).toEqual({ 200: CLIENTS * PER_CLIENT });
    } catch (err) {
      dumpLogs(procs);
      throw err;
    }
  });
});
