// Alerter benchmark (run compiled: node services/alerter/dist/bench/alerter-bench.js [--samples N] [--anomalies N]).
// 1. Latency: one anomaly at a time, each a new alert group, through the in-process bus and the
//    whole alerter to a local HTTP receiver (webhook, 127.0.0.1): from the anomaly's batch
//    consumed to the notification sent (acknowledged by the receiver), and from the producer's
//    send to the receiver's arrival. Target p99 < 1 s.
// 2. Throughput: anomalies through rules, grouping and dedup (few groups, many anomalies),
//    in the pipeline (bus → engine → state writes) and in the engine alone.
// Prints a table, then one JSON line with every figure.
import { performance } from 'node:perf_hooks';
import { createMemoryBus } from '@vigil/bus';
import { parseConfig } from '@vigil/config';
import { encodeRecord } from '@vigil/records';
import type { AnomalyRecord } from '@vigil/records';
import { createTelemetry } from '@vigil/telemetry';
import { AlertEngine } from '../lifecycle/engine.js';
import { createAlerter } from '../pipeline.js';
import { compileRules } from '../rules/rules.js';
import { startRecorder } from '../testing/recorder.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

let seq = 0;
function anomaly(service: string, now: number, operation = 'GET /'): AnomalyRecord {
  seq++;
  return {
    schema: 'vigil.anomaly/1', id: `b${seq}`, seriesId: `${service}|${operation}`, seriesKey: `${service}|${operation}|error_ratio`, service,
    signal: 'traces', metric: 'error_ratio', operation, windowStartMs: now - 10_000, windowEndMs: now, value: 0.2, expected: 0.01,
    lower: 0, upper: 0.03, score: 0.99, threshold: 0.9, components: ['spot'], severity: 'critical', summary: `${service} errors`,
  };
}

async function latencyPhase(samples: number): Promise<{ consumedToSent: number[]; produceToReceived: number[] }> {
  const rec = await startRecorder(() => ({ status: 200, body: 'ok' }));
  const bus = createMemoryBus();
  const config = parseConfig({
    topics: { partitions: 6 },
    alerter: {
      api: { port: 0 },
      rules: [{ name: 'errors', receivers: ['hook'] }],
      receivers: [{ name: 'hook', type: 'webhook', url: `${rec.url}/hook`, signingSecret: 'bench-secret-0123456789', delivery: { ratePerSecond: 10_000, burst: 10_000 } }],
    },
  });
  const telemetry = createTelemetry({ service: 'alerter', logLevel: 'silent', processMetrics: false });
  const consumedToSent: number[] = [];
  const alerter = createAlerter({
    config, bus, telemetry, api: false,
    onNotification: (_i, _r, latencyMs) => {
      if (latencyMs !== undefined) consumedToSent.push(latencyMs);
    },
  });
  await alerter.start();
  const producer = await bus.producer();
  const produceToReceived: number[] = [];
  for (let i = 0; i < samples; i++) {
    const service = `svc-${i}`;
    const t0 = performance.now();
    const arrived = new Promise<void>((resolve) => {
      rec.onRequest = (r) => {
        if (r.body.includes(`"service":"${service}"`)) resolve();
      };
    });
    await producer.send([{ topic: config.topics.anomalies, key: service, value: encodeRecord(anomaly(service, Date.now())) }]);
    await arrived;
    produceToReceived.push(performance.now() - t0);
  }
  await alerter.idle();
  await alerter.shutdown(2000);
  await bus.shutdown();
  await rec.close();
  return { consumedToSent, produceToReceived };
}

async function pipelineThroughput(n: number, groups: number): Promise<number> {
  const bus = createMemoryBus({ maxRecordsPerPartition: n + 10 });
  const config = parseConfig({ topics: { partitions: 6 }, alerter: { api: { port: 0 }, rules: [{ name: 'errors', receivers: [] }] } });
  const telemetry = createTelemetry({ service: 'alerter', logLevel: 'silent', processMetrics: false });
  const producer = await bus.producer();
  await bus.ensureTopics([{ topic: config.topics.anomalies, partitions: 6 }]);
  const now = Date.now();
  const batch = [];
  for (let i = 0; i < n; i++) {
    const service = `svc-${i % groups}`;
    batch.push({ topic: config.topics.anomalies, key: service, value: encodeRecord(anomaly(service, now)) });
    if (batch.length === 1000) await producer.send(batch.splice(0));
  }
  if (batch.length) await producer.send(batch);
  const alerter = createAlerter({ config, bus, telemetry, api: false, now: () => now });
  const t0 = performance.now();
  await alerter.start();
  while (alerter.engine.counters.anomalies < n) await new Promise((r) => setTimeout(r, 5));
  await alerter.idle();
  const seconds = (performance.now() - t0) / 1000;
  await alerter.shutdown(2000);
  await bus.shutdown();
  return n / seconds;
}

function engineThroughput(n: number, groups: number): number {
  const e = new AlertEngine({
    rules: compileRules(parseConfig({ alerter: { rules: [{ name: 'errors', receivers: [] }] } }).alerter.rules, { repeatIntervalMs: 3_600_000, resolveAfterMs: 300_000, flapWindowMs: 900_000 }),
    receivers: {},
    retainResolvedMs: 86_400_000,
    defaults: { repeatIntervalMs: 3_600_000, resolveAfterMs: 300_000, flapWindowMs: 900_000 },
    deployments: { receivers: [], severity: 'critical', inhibitSlackMs: 60_000, autoResolveMs: 86_400_000 },
    rollback: { enabled: false, onFailedVerdict: false, maxPerServicePerHour: 0, maxDeploymentAgeMs: 0 },
  });
  const now = Date.now();
  const inputs = Array.from({ length: n }, (_, i) => anomaly(`svc-${i % groups}`, now));
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    e.onAnomaly(inputs[i], now);
    if (i % 1000 === 999) {
      e.reconcile(now);
      e.drainState();
      e.drainAlertRecords();
    }
  }
  return n / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const samples = arg('samples', 300);
  const n = arg('anomalies', 50_000);
  const groups = arg('groups', 500);
  const lat = await latencyPhase(samples);
  const pipe = await pipelineThroughput(n, groups);
  const eng = engineThroughput(n, groups);
  const r = (x: number): number => Math.round(x * 1000) / 1000;
  const result = {
    latency_samples: lat.consumedToSent.length,
    consumed_to_sent_p50_ms: r(quantile(lat.consumedToSent, 0.5)),
    consumed_to_sent_p99_ms: r(quantile(lat.consumedToSent, 0.99)),
    consumed_to_sent_max_ms: r(Math.max(...lat.consumedToSent)),
    produce_to_received_p50_ms: r(quantile(lat.produceToReceived, 0.5)),
    produce_to_received_p99_ms: r(quantile(lat.produceToReceived, 0.99)),
    p99_under_1s: quantile(lat.consumedToSent, 0.99) < 1000,
    pipeline_anomalies_per_s: Math.round(pipe),
    engine_anomalies_per_s: Math.round(eng),
    anomalies: n,
    alert_groups: groups,
  };
  const rows: Array<[string, string]> = [
    ['latency samples (new alert each)', String(result.latency_samples)],
    ['consumed → sent p50 (ms)', String(result.consumed_to_sent_p50_ms)],
    ['consumed → sent p99 (ms)', String(result.consumed_to_sent_p99_ms)],
    ['consumed → sent max (ms)', String(result.consumed_to_sent_max_ms)],
    ['produced → received p50 (ms)', String(result.produce_to_received_p50_ms)],
    ['produced → received p99 (ms)', String(result.produce_to_received_p99_ms)],
    [`pipeline anomalies/s (${n} into ${groups} alerts)`, String(result.pipeline_anomalies_per_s)],
    [`engine alone anomalies/s`, String(result.engine_anomalies_per_s)],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  console.log('Alerter benchmark (memory bus, local HTTP webhook receiver)');
  for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
  console.log(JSON.stringify(result));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
