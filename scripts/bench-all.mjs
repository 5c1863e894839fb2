#!/usr/bin/env node
// npm run bench — every benchmark in one run, one markdown table: throughput per core, latency
// percentiles, memory, each beside its baseline or target. Each benchmark runs as its own
// process (its own CPU accounting); a Kafka broker is started for the ones that need one unless
// KAFKA_BROKERS is set. The last line is one JSON object with every figure.
import { execFileSync, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

const freePort = () => new Promise((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});

const BENCHES = [
  { name: 'collector', script: 'services/collector/dist/bench/collector-bench.js', args: ['--seconds', '6'], kafka: true, rows: [
    ['spans_per_collector_cpu_s', 'spans per collector CPU-second (Kafka acked)', '≥ 150,000; OTel Collector testbed 70k–160k'],
    ['half_p99_ms', 'request p99 at half max load (ms)', '< 50'],
    ['peak_rss_mb', 'collector peak RSS (MB)', '< 300'],
    ['collector_to_decode_ratio', 'collector / decode-alone ratio', 'baseline: decode alone'],
    ['vigil_to_otelcol_ratio', 'Vigil / OpenTelemetry Collector, spans per CPU-second (same load and broker, both ack after Kafka)', 'baseline: OTELCOL_BIN (npm run build:otelcol)'],
  ] },
  { name: 'detectors', script: 'packages/detectors/dist/bench/detectors-bench.js', args: [], rows: [
    ['default_scorer_updates_per_core_s', 'default scorer updates per core-second', '≥ 1,000,000'],
    ['heap_bytes_per_series', 'heap bytes per series (100,000 series)', '≤ 2,048'],
  ] },
  { name: 'features', script: 'packages/features/dist/bench/features-bench.js', args: [], rows: [
    ['template_lines_per_core_s', 'log template mining lines per core-second', '≥ 200,000'],
    ['red_spans_per_core_s', 'spans into RED windows per core-second', '≥ 500,000'],
    ['bytes_per_template', 'bytes per template', ''],
  ] },
  { name: 'detector', script: 'services/cli/dist/bench/detector-bench.js', args: ['--records', '2000', '--live-seconds', '40'], rows: [
    ['detector_spans_per_cpu_s', 'detector spans per CPU-second', '≥ 100,000'],
    ['detector_to_decode_ratio', 'detector / decode-alone ratio', 'baseline: decode alone'],
    ['score_latency_p99_ms', 'window closable → score row in ClickHouse p99 (ms)', '≤ 2,000'],
    ['fail_verdict_s', 'regression first traffic → fail verdict (s)', '≤ 30'],
  ] },
  { name: 'alerter', script: 'services/alerter/dist/bench/alerter-bench.js', args: [], rows: [
    ['consumed_to_sent_p50_ms', 'anomaly consumed → notification sent p50 (ms)', ''],
    ['consumed_to_sent_p99_ms', 'anomaly consumed → notification sent p99 (ms)', '< 1,000'],
    ['pipeline_anomalies_per_s', 'anomalies per second through rules and dedup', ''],
  ] },
  { name: 'ci', script: 'packages/ci-insights/dist/bench/ci-bench.js', args: [], rows: [
    ['prioritise_p99_ms', 'prioritise 2,000 tests p99 (ms)', '< 50'],
    ['ingest_per_core_s', 'test results ingested per core-second', '≥ 10,000'],
  ] },
];

function lastJson(text) {
  const lines = text.trim().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    try { return JSON.parse(lines[i]); } catch { /* not JSON */ }
  }
  return null;
}

async function main() {
  let brokers = process.env.KAFKA_BROKERS;
  let stopBroker = null;
  if (!brokers) {
    const port = await freePort();
    const controller = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-kafka-'));
    execFileSync('bash', [join(ROOT, 'infra/kafka/broker.sh'), 'start', '--port', String(port), '--controller-port', String(controller), '--dir', dir], { stdio: 'inherit' });
    brokers = `127.0.0.1:${port}`;
    stopBroker = () => {
      spawnSync('bash', [join(ROOT, 'infra/kafka/broker.sh'), 'stop', '--port', String(port), '--dir', dir], { stdio: 'inherit' });
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const results = {};
  try {
    for (const b of BENCHES) {
      process.stderr.write(`[bench] ${b.name} ...\n`);
      const env = { ...process.env };
      if (b.kafka) env.KAFKA_BROKERS = brokers; else delete env.KAFKA_BROKERS;
      const r = spawnSync(process.execPath, [join(ROOT, b.script), ...b.args], { env, encoding: 'utf8', maxBuffer: 64 * 2 ** 20, timeout: 600_000 });
      results[b.name] = lastJson(r.stdout ?? '') ?? { error: (r.stderr || r.stdout || `exit ${r.status}`).slice(-500) };
    }
  } finally {
    stopBroker?.();
  }
  const fmt = (v) => (typeof v === 'number' ? (Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : String(Math.round(v * 1000) / 1000)) : v === undefined ? 'n/a' : String(v));
  const out = ['| benchmark | figure | measured | baseline or target |', '| --- | --- | --- | --- |'];
  const flat = {};
  for (const b of BENCHES) {
    const r = results[b.name];
    if (r.error) out.push(`| ${b.name} | failed | ${String(r.error).replace(/\n/g, ' ').slice(0, 120)} | |`);
    for (const [key, label, target] of b.rows) out.push(`| ${b.name} | ${label} | ${fmt(r[key])} | ${target} |`);
    for (const [k, v] of Object.entries(r)) if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') flat[`${b.name}_${k}`] = v;
  }
  console.log(out.join('\n'));
  console.log(JSON.stringify(flat));
}

main().catch((err) => { console.error(err); process.exit(1); });
