// A real Prometheus Alertmanager receives Vigil's alerts over API v2: firing, then resolved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBus } from '@vigil/bus';
import { parseConfig } from '@vigil/config';
import { encodeRecord } from '@vigil/records';
import type { AnomalyRecord } from '@vigil/records';
import { createTelemetry } from '@vigil/telemetry';
import { createAlerter } from '@vigil/alerter';
import type { Alerter } from '@vigil/alerter';
import { useAlertmanager } from './alertmanager-helper.js';
import type { RunningAlertmanager } from './alertmanager-helper.js';

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  status: { state: string };
}

let am: RunningAlertmanager;
beforeAll(async () => {
  am = await useAlertmanager();
});
afterAll(async () => {
  await am?.stop();
});

async function amAlerts(filter = ''): Promise<AmAlert[]> {
  const res = await fetch(`${am.url}/api/v2/alerts${filter}`);
  expect(res.status).toBe(200);
  return (await res.json()) as AmAlert[];
}

async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('Alertmanager receiver against a real Alertmanager', () => {
  it('shows the alert firing, then resolved', async () => {
    const bus = createMemoryBus();
    const config = parseConfig({
      topics: { partitions: 1 },
      alerter: {
        api: { port: 0 },
        tickIntervalMs: 200,
        defaults: { resolveAfterMs: 2000 },
        rules: [{ name: 'vigil_it_errors', receivers: ['am'] }],
        receivers: [{ name: 'am', type: 'alertmanager', url: am.url, resendIntervalMs: 1000, labels: { cluster: 'it' } }],
      },
    });
    const telemetry = createTelemetry({ service: 'alerter', logLevel: 'silent', processMetrics: false });
    const alerter: Alerter = createAlerter({ config, bus, telemetry });
    await alerter.start();
    try {
      const now = Date.now();
      const service = `it-${now}`;
      const anomaly: AnomalyRecord = {
        schema: 'vigil.anomaly/1', id: `it-${now}`, seriesId: 's', seriesKey: `${service}|GET /|error_ratio`, service, signal: 'traces',
        metric: 'error_ratio', operation: 'GET /', windowStartMs: now - 10_000, windowEndMs: now, value: 0.3, expected: 0.01, lower: 0,
        upper: 0.02, score: 0.99, threshold: 0.9, components: ['spot'], severity: 'critical', summary: `error ratio of ${service} is 30%`,
      };
      const producer = await bus.producer();
      await producer.send([{ topic: 'vigil_anomalies', key: service, value: encodeRecord(anomaly) }]);

      const firing = await until('the alert to fire in Alertmanager', async () =>
        (await amAlerts()).find((a) => a.labels.service === service && a.status.state === 'active'));
      expect(firing.labels).toMatchObject({ alertname: 'vigil_it_errors', service, metric: 'error_ratio', operation: 'GET /', severity: 'critical', cluster: 'it' });
      expect(firing.annotations.summary).toBe(`error ratio of ${service} is 30%`);
      expect(Date.parse(firing.endsAt)).toBeGreaterThan(Date.now());

      // No more anomalies: resolved after 2 s of quiet; Alertmanager drops it from the active list
      // and keeps it as resolved (endsAt in the past) when asked for everything.
      await until('the alert to resolve in Alertmanager', async () => {
        const list = await amAlerts();
        const mine = list.find((a) => a.labels.service === service);
        return mine === undefined || Date.parse(mine.endsAt) <= Date.now() ? true : undefined;
      });
      const rec = alerter.engine.listAlerts().find((a) => a.service === service);
      expect(rec?.status).toBe('resolved');
      expect(rec?.notifications.filter((n) => n.kind === 'resolve' && n.status === 'sent')).toHaveLength(1);
      const active = await amAlerts('?active=true&silenced=true&inhibited=true&unprocessed=true');
      expect(active.find((a) => a.labels.service === service)).toBeUndefined();
    } finally {
      await alerter.shutdown(2000);
      await bus.shutdown();
    }
  });
});
