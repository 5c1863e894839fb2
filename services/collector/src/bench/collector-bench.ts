// Collector benchmark: OTLP/HTTP protobuf load from concurrent clients (a separate process, so
// its CPU is not counted) into the collector (this process) and a real Kafka broker.
//
//   node services/collector/dist/bench/collector-bench.js [--memory] [--seconds 10] [--concurrency 32] [--latency-rate R]
//
// Broker: KAFKA_BROKERS when set, else one started with infra/kafka/broker.sh on a free port
// (stopped at the end); --memory uses the in-process bus instead (printed). Prints spans acked
// per collector CPU-second at max load, p50/p99 request latency at half of max load (or at
// --latency-rate requests/s, to compare runs whose max differ at one rate), peak RSS,
// the cost of protobuf decode alone as a floor (ratio), and OTELCOL_BIN's figures when set.
// Last line: one JSON object with every figure.
import { fork, spawn } from 'node:child_process';
import { request, Agent } from 'node:http';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { createKafkaBus, createMemoryBus } from '@vigil/bus';
import type { Bus } from '@vigil/bus';
import { vigilSchema } from '@vigil/config';
import { createTelemetry, Registry } from '@vigil/telemetry';
import { decodeTraces, encodeTraces, sampleTraces, splitRequest } from '@vigil/otlp';
import { createCollector } from '../collector.js';
import { arg, cpuSeconds, pct, startBenchBroker } from './bench-tools.js';

const SPANS_PER_REQUEST = 100;
const RESOURCES = 10;


/** 16 distinct payloads of 10 resources x 10 spans, ~300 bytes per span. */
export function payloads(): Buffer[] {
  return Array.from({ length: 16 }, (_, seed) =>
    encodeTraces(sampleTraces({ resources: RESOURCES, itemsPerResource: SPANS_PER_REQUEST / RESOURCES, extraAttributes: 4, seed: seed * 1000 + 1 })));
}

// ------------------------------------------------------------------ load generator (child)
interface LoadJob { url: string; seconds: number; concurrency: number; ratePerS: number }
interface LoadResult { ok: number; refused: number; failed: number; latenciesMs: number[]; seconds: number }

async function runLoad(job: LoadJob): Promise<LoadResult> {
  const bodies = payloads();
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const u = new URL(job.url);
  const result: LoadResult = { ok: 0, refused: 0, failed: 0, latenciesMs: [], seconds: 0 };
  const started = performance.now();
  const end = started + job.seconds * 1000;
  let n = 0;
  const one = (body: Buffer): Promise<number> => new Promise((resolve) => {
    const req = request({ host: u.hostname, port: u.port, path: '/v1/traces', method: 'POST', agent,
      headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
  const interval = job.ratePerS > 0 ? (1000 * job.concurrency) / job.ratePerS : 0;
  const worker = async (w: number): Promise<void> => {
    let next = started + (interval * w) / job.concurrency;
    while (performance.now() < end) {
      if (interval > 0) {
        const wait = next - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        next += interval;
      }
      const t0 = performance.now();
      const status = await one(bodies[n++ % bodies.length]);
      const ms = performance.now() - t0;
      if (status === 200) { result.ok++; result.latenciesMs.push(ms); }
      else if (status === 429 || status === 503) result.refused++;
      else result.failed++;
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, (_, w) => worker(w)));
  result.seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return result;
}

if (process.argv.includes('--load-child')) {
  process.on('message', (job: LoadJob) => {
    void runLoad(job).then((r) => { process.send!(r, () => process.exit(0)); });
  });
}

function loadInChild(job: LoadJob): Promise<LoadResult> {
  const child = fork(fileURLToPath(import.meta.url), ['--load-child'], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as LoadResult));
    child.once('error', reject);
    child.once('exit', (code) => { if (code !== 0) reject(new Error(`load generator exited ${code}`)); });
    child.send(job);
  });
}

// ------------------------------------------------------------------ helpers

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}


/** Protobuf decode alone (the floor any collector pays), and the splitter alone, in spans per CPU-second. */
function decodeFloor(bodies: Buffer[]): { decodeSpansPerS: number; splitSpansPerS: number } {
  const measure = (fn: (b: Buffer) => unknown): number => {
    for (let i = 0; i < 200; i++) fn(bodies[i % bodies.length]);
    let iters = 0;
    const c0 = cpuSeconds();
    const t0 = performance.now();
    while (performance.now() - t0 < 1500) { fn(bodies[iters % bodies.length]); iters++; }
    return (iters * SPANS_PER_REQUEST) / (cpuSeconds() - c0);
  };
  return { decodeSpansPerS: measure(decodeTraces), splitSpansPerS: measure((b) => splitRequest('traces', b)) };
}



// ------------------------------------------------------------------ OpenTelemetry Collector (optional)
async function runOtelcol(bin: string, brokers: string | null, seconds: number, concurrency: number) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-otelcol-'));
  const exporter = brokers
    // wait_for_result: answer only after Kafka acknowledged (acks=all), as Vigil does; the default
    // queue answers 200 first and refuses requests when full, which is a different promise.
    ? `kafka:\n    brokers: [${brokers.split(',').map((b) => `"${b}"`).join(', ')}]\n    traces:\n      topic: otlp_spans\n      encoding: otlp_proto\n    sending_queue:\n      wait_for_result: true\n    producer:\n      required_acks: -1\n`
    : 'nop:\n';
  const cfg = `receivers:\n  otlp:\n    protocols:\n      http:\n        endpoint: 127.0.0.1:${port}\nexporters:\n  ${exporter}service:\n  telemetry:\n    metrics:\n      level: none\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [${brokers ? 'kafka' : 'nop'}]\n`;
  writeFileSync(join(dir, 'config.yaml'), cfg);
  const child = spawn(bin, ['--config', join(dir, 'config.yaml')], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 3000));
  // The same 2 s warm-up load Vigil's collector gets (connections to Kafka are made here).
  await loadInChild({ url: `http://127.0.0.1:${port}`, seconds: 2, concurrency, ratePerS: 0 });
  const ticks = (): number => {
    const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, USER_HZ = 100
  };
  const c0 = ticks();
  const load = await loadInChild({ url: `http://127.0.0.1:${port}`, seconds, concurrency, ratePerS: 0 });
  const cpu = ticks() - c0;
  child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  return {
    spansPerCpuS: (load.ok * SPANS_PER_REQUEST) / cpu, spansPerS: (load.ok * SPANS_PER_REQUEST) / load.seconds, p99Ms: pct(load.latenciesMs, 99),
    ok: load.ok, refused: load.refused, failed: load.failed,
  };
}

// ------------------------------------------------------------------ main
async function main(): Promise<void> {
  const seconds = Number(arg('seconds', '10'));
  const concurrency = Number(arg('concurrency', '32'));
  const useMemory = process.argv.includes('--memory');
  const broker = useMemory ? null : startBenchBroker();
  const busLabel = useMemory ? 'memory (in-process bus, --memory)' : `kafka (${broker!.source}, acks=all, idempotent)`;
  console.log(`collector bench: bus = ${busLabel}; ${concurrency} clients; ${SPANS_PER_REQUEST} spans/request, ${RESOURCES} resources/request`);
  const bodies = payloads();
  const bytesPerSpan = bodies[0].length / SPANS_PER_REQUEST;

  let bus: Bus;
  if (useMemory) bus = createMemoryBus({ maxRecordsPerPartition: 10_000 });
  else bus = createKafkaBus({ brokers: broker!.brokers.split(','), clientId: 'collector-bench', logLevel: 'error' });
  const telemetry = createTelemetry({
    service: 'collector', logLevel: 'warn', registry: new Registry(), processMetrics: false,
    destination: new Writable({ write(_c, _e, cb) { cb(); } }),
  });
  const suffix = `bench_${Date.now().toString(36)}`;
  const config = vigilSchema.parse({
    topics: { spans: `otlp_spans_${suffix}`, metrics: `otlp_metrics_${suffix}`, logs: `otlp_logs_${suffix}`, deployments: `vigil_deployments_${suffix}`, partitions: 6 },
    collector: { http: { port: 0 }, grpc: { port: 0 } },
  });
  const collector = createCollector({ config, bus, telemetry });
  try {
    const { httpPort } = await collector.start();
    const url = `http://127.0.0.1:${httpPort}`;
    // Warm-up (JIT, producer connections, topic metadata).
    await loadInChild({ url, seconds: 2, concurrency, ratePerS: 0 });

    const c0 = cpuSeconds();
    const max = await loadInChild({ url, seconds, concurrency, ratePerS: 0 });
    const cpu = cpuSeconds() - c0;
    const spansAcked = max.ok * SPANS_PER_REQUEST;
    const spansPerCpuS = spansAcked / cpu;
    const maxSpansPerS = spansAcked / max.seconds;

    const fixedRate = Number(arg('latency-rate', '0'));
    const halfRate = fixedRate > 0 ? fixedRate : Math.max(1, (max.ok / max.seconds) / 2);
    const half = await loadInChild({ url, seconds, concurrency, ratePerS: halfRate });
    const floor = decodeFloor(bodies);
    const rssMb = process.resourceUsage().maxRSS / 1024;

    let otel: Awaited<ReturnType<typeof runOtelcol>> | null = null;
    const bin = process.env.OTELCOL_BIN;
    if (bin) otel = await runOtelcol(bin, broker?.brokers ?? null, seconds, concurrency);

    const rows: Array<[string, string]> = [
      ['bus', busLabel],
      ['bytes per span (protobuf)', bytesPerSpan.toFixed(0)],
      ['max load: requests ok / refused / failed', `${max.ok} / ${max.refused} / ${max.failed}`],
      ['max load: spans acked per second (wall)', maxSpansPerS.toFixed(0)],
      ['max load: collector CPU seconds', cpu.toFixed(2)],
      ['spans acked per collector CPU-second', spansPerCpuS.toFixed(0)],
      ['max load: p50 / p99 latency ms', `${pct(max.latenciesMs, 50).toFixed(1)} / ${pct(max.latenciesMs, 99).toFixed(1)}`],
      [`${fixedRate > 0 ? 'fixed' : 'half'} load (${halfRate.toFixed(0)} req/s): p50 / p99 latency ms`, `${pct(half.latenciesMs, 50).toFixed(1)} / ${pct(half.latenciesMs, 99).toFixed(1)}`],
      ['half load: ok / refused / failed', `${half.ok} / ${half.refused} / ${half.failed}`],
      ['floor: full protobuf decode, spans per CPU-second', floor.decodeSpansPerS.toFixed(0)],
      ['splitter alone (validate + split), spans per CPU-second', floor.splitSpansPerS.toFixed(0)],
      ['collector / decode-alone ratio', (spansPerCpuS / floor.decodeSpansPerS).toFixed(3)],
      ['peak RSS MB (collector process)', rssMb.toFixed(0)],
      ['OpenTelemetry Collector', otel ? `${otel.spansPerCpuS.toFixed(0)} spans/CPU-s, ${otel.spansPerS.toFixed(0)} spans/s, p99 ${otel.p99Ms.toFixed(1)} ms, ok/refused/failed ${otel.ok}/${otel.refused}/${otel.failed}` : 'skipped: set OTELCOL_BIN to an otelcol(-contrib) binary to compare (infra/otelcol/build.sh builds one)'],
    ];
    if (otel) rows.push(['Vigil / OpenTelemetry Collector (spans per CPU-second)', (spansPerCpuS / otel.spansPerCpuS).toFixed(2)]);
    const w = Math.max(...rows.map((r) => r[0].length));
    for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
    console.log(JSON.stringify({
      bus: useMemory ? 'memory' : 'kafka',
      bytes_per_span: Math.round(bytesPerSpan),
      spans_per_request: SPANS_PER_REQUEST,
      resources_per_request: RESOURCES,
      concurrency,
      max_requests_ok: max.ok, max_requests_refused: max.refused, max_requests_failed: max.failed,
      max_spans_per_s: Math.round(maxSpansPerS),
      collector_cpu_s: Number(cpu.toFixed(3)),
      spans_per_collector_cpu_s: Math.round(spansPerCpuS),
      max_p50_ms: Number(pct(max.latenciesMs, 50).toFixed(2)), max_p99_ms: Number(pct(max.latenciesMs, 99).toFixed(2)),
      half_load_req_per_s: Number(halfRate.toFixed(1)),
      latency_rate_fixed: fixedRate > 0,
      half_p50_ms: Number(pct(half.latenciesMs, 50).toFixed(2)), half_p99_ms: Number(pct(half.latenciesMs, 99).toFixed(2)),
      half_requests_refused: half.refused, half_requests_failed: half.failed,
      decode_spans_per_cpu_s: Math.round(floor.decodeSpansPerS),
      split_spans_per_cpu_s: Math.round(floor.splitSpansPerS),
      collector_to_decode_ratio: Number((spansPerCpuS / floor.decodeSpansPerS).toFixed(4)),
      peak_rss_mb: Math.round(rssMb),
      otelcol_spans_per_cpu_s: otel ? Math.round(otel.spansPerCpuS) : null,
      otelcol_spans_per_s: otel ? Math.round(otel.spansPerS) : null,
      otelcol_p99_ms: otel ? Number(otel.p99Ms.toFixed(2)) : null,
      otelcol_requests_ok: otel ? otel.ok : null, otelcol_requests_refused: otel ? otel.refused : null, otelcol_requests_failed: otel ? otel.failed : null,
      vigil_to_otelcol_ratio: otel ? Number((spansPerCpuS / otel.spansPerCpuS).toFixed(3)) : null,
    }));
  } finally {
    await collector.shutdown(5000);
    await bus.shutdown();
    broker?.stop();
  }
}

if (!process.argv.includes('--load-child')) {
  main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
}
