// One incident, one page, one resolve across alerter restarts, process level. A local webhook
// receiver records every request; anomaly records for one series keep arriving on the anomalies
// topic; the alerter pages (trigger), is stopped with SIGTERM and restarted, then SIGKILLed and
// restarted, while the incident keeps firing; then the anomalies stop and the incident resolves.
// The receiver must see exactly one trigger and one resolve, signed, with stable Idempotency-Keys.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { afterAll, describe, expect, test } from 'vitest';
import type { KafkaBus, Producer } from '@vigil/bus';
import { encodeRecord } from '@vigil/records';
import type { AnomalyRecord } from '@vigil/records';
import { testBrokers, uniqueName } from '../../infra/test/kafka.js';
import { freePorts } from '../../infra/test/global-setup.js';
import { dumpLogs, killAll, runEnv, runTopics, sleep, startService, stopGracefully, until, waitHttpOk } from '../support/processes.js';
import type { ServiceProcess } from '../support/processes.js';
import { testBus } from '../support/kafka-io.js';

const SECRET = 'faults-signing-secret-0123456789';
// Longer than a restart after SIGKILL (the dead member's 10 s session must expire before the new
// one gets the partitions), so the incident stays open across it; short enough for the test.
const RESOLVE_AFTER_MS = 16_000;

interface Hook { action: string; key: string; incidentId: string; status: string; signed: boolean; atMs: number }

function startReceiver(port: number, got: Hook[]): Promise<Server> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += String(c); });
    req.on('end', () => {
      const sig = String(req.headers['x-vigil-signature'] ?? '');
      const m = /^t=(\d+),v1=([0-9a-f]+)$/.exec(sig);
      const signed = !!m && createHmac('sha256', SECRET).update(`${m[1]}.${body}`).digest('hex') === m[2];
      try {
        const j = JSON.parse(body) as { action?: string; kind?: string; alert?: { incidentId?: string; status?: string } };
        got.push({ action: j.action ?? `change:${j.kind}`, key: String(req.headers['idempotency-key'] ?? ''), incidentId: j.alert?.incidentId ?? '', status: j.alert?.status ?? '', signed, atMs: Date.now() });
      } catch {
        got.push({ action: 'unparsable', key: '', incidentId: '', status: '', signed, atMs: Date.now() });
      }
      res.writeHead(202, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

function anomaly(n: number, nowMs: number): AnomalyRecord {
  const windowStartMs = nowMs - 1000;
  return {
    schema: 'vigil.anomaly/1', id: `faults-anomaly-${n}`, seriesId: 'faults-series', seriesKey: 'faults-svc|POST /pay|error_ratio',
    service: 'faults-svc', signal: 'traces', metric: 'error_ratio', operation: 'POST /pay', windowStartMs, windowEndMs: nowMs,
    value: 0.3, expected: 0.01, lower: 0, upper: 0.03, score: 0.999, threshold: 0.99, components: ['range'], severity: 'critical',
    summary: 'faults-svc POST /pay error_ratio 0.30, expected 0.01',
  };
}

describe('alerter: restarts in the middle of an incident', () => {
  const procs: ServiceProcess[] = [];
  let bus: KafkaBus | undefined;
  let server: Server | undefined;
  afterAll(async () => {
    await killAll();
    await bus?.shutdown();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
  });

  test('exactly one trigger and one resolve', async () => {
    const t0 = Date.now();
    const brokers = testBrokers();
    bus = testBus(brokers, 'faults-alerter');
    const run = uniqueName('faults-alerter');
    const t = runTopics(run);
    const [hookPort, api1, api2, api3] = await freePorts(4);
    const got: Hook[] = [];
    server = await startReceiver(hookPort, got);
    const env = (port: number) => runEnv(run, brokers.join(','), {
      VIGIL_ALERTER__API__PORT: String(port),
      VIGIL_ALERTER__TICK_INTERVAL_MS: '200',
      VIGIL_ALERTER__RECEIVERS: JSON.stringify([{ name: 'hook', type: 'webhook', url: `http://127.0.0.1:${hookPort}/hook`, signingSecret: SECRET }]),
      VIGIL_ALERTER__RULES: JSON.stringify([{ name: 'faults', match: { service: 'faults-svc' }, receivers: ['hook'], resolveAfterMs: RESOLVE_AFTER_MS }]),
      VIGIL_ALERTER__ROLLBACK__ENABLED: 'false',
    });
    let producer: Producer | undefined;
    let publishing = true;
    let published = 0;
    let publisher: Promise<void> = Promise.resolve();
    try {
      await bus.ensureTopics([{ topic: t.anomalies, partitions: 6 }]);
      const a1 = startService('alerter', env(api1), 'alerter 1 (SIGTERM)');
      procs.push(a1);
      await waitHttpOk(`http://127.0.0.1:${api1}/healthz`, a1);
      producer = await bus.producer();
      const p = producer;
      publisher = (async () => {
        while (publishing) {
          await p.send([{ topic: t.anomalies, key: 'faults-svc', value: encodeRecord(anomaly(published++, Date.now())) }]);
          await sleep(500);
        }
      })();
      await until('the trigger', () => got.some((h) => h.action === 'trigger'), 60_000, 50);
      // Let the delivery outcome be persisted before stopping.
      await sleep(1000);

      // Restart 1: SIGTERM (graceful), anomalies keep coming.
      await stopGracefully(a1);
      const a2 = startService('alerter', env(api2), 'alerter 2 (SIGKILL)');
      procs.push(a2);
      await waitHttpOk(`http://127.0.0.1:${api2}/healthz`, a2);
      const consumed2 = published;
      await until('alerter 2 to consume new anomalies', async () => {
        const r = await fetch(`http://127.0.0.1:${api2}/metrics`);
        return /vigil_alerter_inputs_total\{[^}]*result="ok"[^}]*\} [1-9]/.test(await r.text());
      }, 60_000, 200);
      await sleep(1000);

      // Restart 2: SIGKILL mid-incident.
      await a2.kill('SIGKILL');
      const killedAt = Date.now();
      const a3 = startService('alerter', env(api3), 'alerter 3 (resolves)');
      procs.push(a3);
      await waitHttpOk(`http://127.0.0.1:${api3}/healthz`, a3);
      await until('alerter 3 to consume anomalies (after the dead member left the group)', async () => {
        const r = await fetch(`http://127.0.0.1:${api3}/metrics`);
        return /vigil_alerter_inputs_total\{[^}]*result="ok"[^}]*\} [1-9]/.test(await r.text());
      }, 60_000, 200);
      const resumedAfterMs = Date.now() - killedAt;
      await sleep(1500);

      // The anomalies stop: the incident resolves after RESOLVE_AFTER_MS of quiet.
      publishing = false;
      await publisher;
      const stoppedAt = Date.now();
      await until('the resolve', () => got.some((h) => h.action === 'resolve'), RESOLVE_AFTER_MS + 30_000, 100);
      const resolvedAfterMs = Date.now() - stoppedAt;
      await sleep(1500); // a duplicate resolve would arrive now
      await stopGracefully(a3);

      const triggers = got.filter((h) => h.action === 'trigger');
      const resolves = got.filter((h) => h.action === 'resolve');
      const incidents = new Set(got.filter((h) => h.incidentId).map((h) => h.incidentId));
      console.log(`[faults] alerter-restart: ${published} anomalies published (${consumed2} when alerter 2 started) | webhook requests ${got.length}: ${JSON.stringify(Object.fromEntries([...new Set(got.map((h) => h.action))].map((a) => [a, got.filter((h) => h.action === a).length])))} | triggers ${triggers.length} (keys ${new Set(triggers.map((h) => h.key)).size}), resolves ${resolves.length} (keys ${new Set(resolves.map((h) => h.key)).size}) | incidents ${incidents.size} | all signed ${got.every((h) => h.signed)} | consuming again ${(resumedAfterMs / 1000).toFixed(1)}s after SIGKILL | resolved ${(resolvedAfterMs / 1000).toFixed(1)}s after the last anomaly | ${((Date.now() - t0) / 1000).toFixed(1)}s`);
      expect(new Set(triggers.map((h) => h.key)).size, 'one page (distinct Idempotency-Key)').toBe(1);
      expect(triggers.length, 'the page was not re-sent after a restart').toBe(1);
      expect(resolves.length).toBe(1);
      expect(resolves[0].incidentId).toBe(triggers[0].incidentId);
      expect(incidents.size).toBe(1);
      expect(got.every((h) => h.signed)).toBe(true);
      expect(resolvedAfterMs).toBeGreaterThanOrEqual(RESOLVE_AFTER_MS - 2000);
    } catch (err) {
      dumpLogs(procs);
      throw err;
    } finally {
      publishing = false;
      await publisher.catch(() => undefined);
      await producer?.close().catch(() => undefined);
    }
  });
});
