// Features benchmark: template mining lines/s, spans → RED windows spans/s (one thread = one
// core), memory per template and per RED series. Inputs are generated with a seeded RNG.
// Usage: node packages/features/dist/bench/features-bench.js [--lines N] [--spans N]
// Prints a table, then one JSON object as the last line.

import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { TemplateMiner } from '@vigil/logtemplates';
import { Mulberry32 } from '@vigil/stats';
import { RedAggregator } from '../red.js';
import type { SpanInput } from '../red.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const rng = new Mulberry32(20240601);
const pick = <T>(a: readonly T[]): T => a[Math.floor(rng.next() * a.length)];
const ip = (): string => `10.${Math.floor(rng.next() * 256)}.${Math.floor(rng.next() * 256)}.${Math.floor(rng.next() * 256)}`;
const int = (n: number): number => Math.floor(rng.next() * n);
const users = ['root', 'alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace'];

/** 40 log shapes typical of services (HTTP access, DB, queues, JVM, auth, kernel). */
const shapes: Array<() => string> = [
  () => `GET /api/v1/orders/${int(1e6)} 200 ${int(900)}ms`,
  () => `POST /api/v1/payments returned 502 after ${int(3000)} ms`,
  () => `Connection from ${ip()}:${int(65535)} accepted`,
  () => `connection reset by peer ${ip()}:${int(65535)}`,
  () => `user ${pick(users)} logged in from ${ip()}`,
  () => `session closed for user ${pick(users)}`,
  () => `Received block blk_${int(1e9)} of size ${int(1e8)} from /${ip()}`,
  () => `PacketResponder ${int(3)} for block blk_-${int(1e9)} terminating`,
  () => `query took ${(rng.next() * 100).toFixed(2)}ms rows=${int(500)} table=orders`,
  () => `slow query: SELECT * FROM users WHERE id = ${int(1e5)} (${int(5000)} ms)`,
  () => `Kafka consumer group ${pick(['billing', 'search', 'mail'])} rebalanced, partitions=${int(64)}`,
  () => `committed offset ${int(1e9)} for partition ${int(32)}`,
  () => `GC pause (G1 Evacuation Pause) ${int(300)}ms, heap ${int(4096)}M->${int(4096)}M`,
  () => `Exception in thread "worker-${int(32)}" java.lang.IllegalStateException: order ${int(1e6)} not found`,
  () => `retrying request ${crypto.randomUUID()} attempt ${int(5)}/5`,
  () => `cache miss for key user:${int(1e6)}:profile`,
  () => `cache hit ratio ${rng.next().toFixed(3)} over ${int(10000)} requests`,
  () => `worker ${int(16)} finished job ${int(1e6)} in ${int(60)}s`,
  () => `scheduled job cleanup-${pick(['tmp', 'logs', 'cache'])} started`,
  () => `disk usage on /dev/sda${int(4)} at ${int(100)}%`,
  () => `TLS handshake failed with ${ip()}: certificate expired`,
  () => `rate limit exceeded for api key ${int(1e9).toString(16)}`,
  () => `upstream ${ip()}:8080 marked unhealthy after ${int(5)} failures`,
  () => `loaded configuration from /etc/app/config-${int(10)}.yaml`,
  () => `starting server on port ${int(65535)}`,
  () => `shutdown signal received, draining ${int(100)} connections`,
  () => `pod checkout-${int(1e5).toString(36)} restarted (exit code ${int(256)})`,
  () => `HTTP/1.1 GET /health 200 ${int(5)}ms`,
  () => `email sent to user ${int(1e6)} via smtp ${ip()}`,
  () => `payment ${int(1e9)} authorised amount=${(rng.next() * 1000).toFixed(2)} currency=EUR`,
  () => `payment ${int(1e9)} declined reason=${pick(['insufficient_funds', 'expired_card', 'fraud'])}`,
  () => `inventory updated sku=${int(1e6)} delta=${int(20) - 10}`,
  () => `websocket ${int(1e6)} closed code=${pick([1000, 1001, 1006])}`,
  () => `token refresh for client ${int(1e4)} succeeded`,
  () => `failed to parse message at offset ${int(1e9)}: unexpected token`,
  () => `lock acquired on resource order-${int(1e6)} by worker-${int(16)}`,
  () => `deadline exceeded calling inventory.Reserve after ${int(2000)}ms`,
  () => `memory usage ${int(16000)} MB of ${int(32000)} MB`,
  () => `replica ${ip()} lag ${int(5000)} ms`,
  () => `feature flag ${pick(['new-checkout', 'dark-mode', 'beta-search'])} evaluated to ${pick(['true', 'false'])}`,
];

function benchTemplates(n: number): { linesPerS: number; cpuLinesPerS: number; templates: number } {
  const lines = Array.from({ length: 200_000 }, () => pick(shapes)());
  const miner = new TemplateMiner();
  // Warm-up: learn the templates and let the JIT settle.
  for (let i = 0; i < 50_000; i++) miner.observe('svc', lines[i], 9, i);
  const t0 = performance.now();
  // CPU time as well: on a shared machine wall time counts other processes' turns.
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    miner.observe('svc', lines[i % lines.length], 9, 50_000 + i);
    if ((i & 0x3fff) === 0) miner.closeWindows();
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { linesPerS: n / (ms / 1000), cpuLinesPerS: n / ((cpu.user + cpu.system) / 1e6), templates: miner.stats().templates };
}

function bytesPerTemplate(): number {
  const n = 2_000;
  const before = heapUsed();
  const miner = new TemplateMiner({ maxTemplatesPerService: n });
  for (let i = 0; i < n; i++) {
    // distinct constant words ⇒ distinct templates of typical length (10 words, values masked)
    const w = i.toString(36).replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)]);
    miner.observe('svc', `event ${w} handled request ${int(1e6)} for tenant ${int(1e6)} in ${int(100)} ms status ${w}`, 9, i);
  }
  miner.flush();
  const after = heapUsed();
  const templates = miner.stats().templates;
  if (templates < n / 10) throw new Error(`expected about ${n} templates, got ${templates}`);
  return (after - before) / templates;
}

function makeSpans(n: number): SpanInput[] {
  const ops = Array.from({ length: 50 }, (_, i) => `GET /api/r${i}`);
  const t0 = 1_700_000_000_000_000_000n;
  const out: SpanInput[] = [];
  for (let i = 0; i < n; i++) {
    const end = t0 + BigInt(i) * 100_000n + BigInt(int(1_000_000_000)); // ~10 k spans/s, ≤1 s jitter
    const dur = BigInt(Math.round(Math.exp(rng.nextGaussian() * 0.7 + 16))); // ~9 ms median
    out.push({
      service: `svc-${i % 10}`,
      serviceVersion: i % 7 === 0 ? '2.0.1' : '2.0.0',
      name: ops[i % ops.length],
      kind: i % 5 === 0 ? 5 : 2,
      startTimeUnixNano: end - dur,
      endTimeUnixNano: end,
      statusCode: rng.next() < 0.01 ? 2 : 0,
      attributes: { 'http.response.status_code': rng.next() < 0.02 ? 503 : 200, 'http.route': ops[i % ops.length] },
    });
  }
  return out;
}

function benchRed(n: number): { spansPerS: number; windows: number } {
  const spans = makeSpans(n);
  const warm = new RedAggregator();
  for (let i = 0; i < Math.min(100_000, n); i++) warm.add(spans[i]);
  warm.flush();
  const red = new RedAggregator();
  let windows = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    red.add(spans[i]);
    if ((i & 0x3fff) === 0) windows += red.closeWindows().length;
  }
  windows += red.flush().length;
  const ms = performance.now() - t0;
  return { spansPerS: n / (ms / 1000), windows };
}

function bytesPerRedSeries(): number {
  const services = 20;
  const opsPerService = 100;
  const before = heapUsed();
  const red = new RedAggregator();
  const base = 1_700_000_000_000_000_000n;
  for (let s = 0; s < services; s++) {
    for (let o = 0; o < opsPerService; o++) {
      for (let k = 0; k < 50; k++) {
        const end = base + BigInt(k) * 1_000_000n;
        const dur = BigInt(Math.round(Math.exp(rng.nextGaussian() + 15)));
        red.add({ service: `s${s}`, name: `op${o}`, kind: 2, startTimeUnixNano: end - dur, endTimeUnixNano: end, statusCode: 0 });
      }
    }
  }
  const after = heapUsed();
  if (red.stats().openWindows !== services * opsPerService) throw new Error('unexpected window count');
  return (after - before) / (services * opsPerService);
}

function main(): void {
  const nLines = arg('lines', 1_000_000);
  const nSpans = arg('spans', 1_000_000);
  const tpl = benchTemplates(nLines);
  const red = benchRed(nSpans);
  const bTpl = bytesPerTemplate();
  const bRed = bytesPerRedSeries();
  const rows: Array<[string, string, string]> = [
    ['template mining (40 shapes, warm)', `${Math.round(tpl.linesPerS).toLocaleString('en-US')} lines/s/core`, 'target ≥ 200,000'],
    ['template mining, CPU time', `${Math.round(tpl.cpuLinesPerS).toLocaleString('en-US')} lines/CPU-s`, 'same run, per CPU second'],
    ['spans → RED windows (10 svc × 50 ops, 2 versions)', `${Math.round(red.spansPerS).toLocaleString('en-US')} spans/s/core`, 'target ≥ 500,000'],
    ['memory per template', `${Math.round(bTpl)} bytes`, 'template set + indexes'],
    ['memory per open RED series window', `${Math.round(bRed)} bytes`, '50 latencies, α = 1%'],
  ];
  console.log('measure'.padEnd(52) + 'value'.padEnd(28) + 'note');
  for (const [a, b, c] of rows) console.log(a.padEnd(52) + b.padEnd(28) + c);
  console.log(
    JSON.stringify({
      template_lines_per_core_s: Math.round(tpl.linesPerS),
      template_lines_per_cpu_s: Math.round(tpl.cpuLinesPerS),
      templates_learned: tpl.templates,
      red_spans_per_core_s: Math.round(red.spansPerS),
      red_windows_emitted: red.windows,
      bytes_per_template: Math.round(bTpl),
      bytes_per_red_series_window: Math.round(bRed),
      lines: nLines,
      spans: nSpans,
    }),
  );
}

main();
