// Kafka export path alone: the collector's KafkaExporter (coalescing, in-flight bound) on the
// Kafka bus producer (acks=all, idempotent), fed with the records the collector bench's requests
// split into (10 resources x 10 spans per request, one record per resource), without HTTP or
// protobuf work. It isolates what the Kafka path costs per span, which the full collector bench
// mixes with receiving and splitting; on a shared machine it is also less noisy.
//
//   node services/collector/dist/bench/kafka-export-bench.js [--memory] [--seconds 8] [--concurrency 32]
//
// Broker: KAFKA_BROKERS when set, else infra/kafka/broker.sh on a free port (stopped at the end);
// --memory uses the in-process bus (the exporter's own cost). CPU is this process's user+system
// time during the measured window (after a 2 s warm-up). Last line: one JSON object.
import { createKafkaBus, createMemoryBus } from '@vigil/bus';
import type { Bus, OutRecord } from '@vigil/bus';
import { encodeTraces, sampleTraces, splitRequest } from '@vigil/otlp';
import { KafkaExporter } from '../exporters/kafka/kafka-exporter.js';
import { arg, cpuSeconds, pct, startBenchBroker } from './bench-tools.js';

const SPANS_PER_REQUEST = 100;
const RESOURCES = 10;





/** The records of 16 distinct requests, as the ingest stage hands them to the exporter. */
function requests(topic: string): OutRecord[][] {
  return Array.from({ length: 16 }, (_, seed) => {
    const body = encodeTraces(sampleTraces({ resources: RESOURCES, itemsPerResource: SPANS_PER_REQUEST / RESOURCES, extraAttributes: 4, seed: seed * 1000 + 1 }));
    return splitRequest('traces', body).records.map((r) => ({ topic, key: r.key, value: r.value }));
  });
}

interface Window { ok: number; failed: number; latenciesMs: number[]; seconds: number; cpu: number }

async function drive(exporter: KafkaExporter, reqs: OutRecord[][], seconds: number, concurrency: number): Promise<Window> {
  const w: Window = { ok: 0, failed: 0, latenciesMs: [], seconds: 0, cpu: 0 };
  const c0 = cpuSeconds();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let n = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const records = reqs[n++ % reqs.length];
      const started = performance.now();
      const r = await exporter.send(records, () => {});
      if (r.kind === 'acked') { w.ok++; w.latenciesMs.push(performance.now() - started); }
      else w.failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  w.seconds = (performance.now() - t0) / 1000;
  w.cpu = cpuSeconds() - c0;
  return w;
}

async function main(): Promise<void> {
  const seconds = Number(arg('seconds', '8'));
  const concurrency = Number(arg('concurrency', '32'));
  const useMemory = process.argv.includes('--memory');
  const broker = useMemory ? null : startBenchBroker(false);
  const busLabel = useMemory ? 'memory (in-process bus, --memory)' : `kafka (${broker!.source}, acks=all, idempotent)`;
  const topic = `otlp_spans_exportbench_${Date.now().toString(36)}`;
  const bus: Bus = useMemory
    ? createMemoryBus({ maxRecordsPerPartition: 10_000 })
    : createKafkaBus({ brokers: broker!.brokers.split(','), clientId: 'export-bench', logLevel: 'error' });
  try {
    await bus.ensureTopics([{ topic, partitions: 6 }]);
    const producer = await bus.producer();
    const exporter = new KafkaExporter(producer, { produceTimeoutMs: 10_000, busDownHoldMs: 1000 });
    const reqs = requests(topic);
    const bytesPerRequest = reqs[0].reduce((s, r) => s + (r.value?.length ?? 0), 0);
    const patches = 'kafkajsPatches' in bus ? JSON.stringify((bus as { kafkajsPatches: unknown }).kafkajsPatches) : 'n/a';
    console.log(`kafka export bench: bus = ${busLabel}; ${concurrency} concurrent requests of ${reqs[0].length} records (${bytesPerRequest} value bytes); kafkajs patches ${patches}`);
    await drive(exporter, reqs, 2, concurrency); // warm-up: JIT, connections, metadata
    const w = await drive(exporter, reqs, seconds, concurrency);
    const half = await drive(exporter, reqs, Math.min(seconds, 4), Math.max(1, concurrency / 4));
    await producer.close();
    const spans = w.ok * SPANS_PER_REQUEST;
    const spansPerCpuS = spans / w.cpu;
    const rssMb = process.resourceUsage().maxRSS / 1024;
    const rows: Array<[string, string]> = [
      ['bus', busLabel],
      ['requests acked / failed', `${w.ok} / ${w.failed}`],
      ['spans acked per second (wall)', (spans / w.seconds).toFixed(0)],
      ['CPU seconds (this process)', w.cpu.toFixed(2)],
      ['spans acked per CPU-second (export path only)', spansPerCpuS.toFixed(0)],
      ['CPU microseconds per span (export path only)', (1e6 / spansPerCpuS).toFixed(2)],
      [`send latency p50 / p99 ms (${concurrency} concurrent)`, `${pct(w.latenciesMs, 50).toFixed(1)} / ${pct(w.latenciesMs, 99).toFixed(1)}`],
      [`send latency p50 / p99 ms (${Math.max(1, concurrency / 4)} concurrent)`, `${pct(half.latenciesMs, 50).toFixed(1)} / ${pct(half.latenciesMs, 99).toFixed(1)}`],
      ['peak RSS MB', rssMb.toFixed(0)],
    ];
    const width = Math.max(...rows.map((r) => r[0].length));
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
    console.log(JSON.stringify({
      bus: useMemory ? 'memory' : 'kafka',
      concurrency,
      records_per_request: reqs[0].length,
      value_bytes_per_request: bytesPerRequest,
      requests_ok: w.ok, requests_failed: w.failed,
      spans_per_s: Math.round(spans / w.seconds),
      cpu_s: Number(w.cpu.toFixed(3)),
      spans_per_cpu_s: Math.round(spansPerCpuS),
      cpu_us_per_span: Number((1e6 / spansPerCpuS).toFixed(3)),
      p50_ms: Number(pct(w.latenciesMs, 50).toFixed(2)), p99_ms: Number(pct(w.latenciesMs, 99).toFixed(2)),
      quarter_concurrency_p50_ms: Number(pct(half.latenciesMs, 50).toFixed(2)),
      quarter_concurrency_p99_ms: Number(pct(half.latenciesMs, 99).toFixed(2)),
      peak_rss_mb: Math.round(rssMb),
    }));
  } finally {
    await bus.shutdown();
    broker?.stop();
  }
}

main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
