// Decode benchmark that chose the codec: hand-written decoders (src/decode.ts) versus the
// protobufjs static code generated from the same .proto files (generated/otlp-pbjs.js), on
// the collector benchmark's request shape (10 resources x 10 spans, ~350 bytes per span).
//   node packages/otlp/dist/bench/decode-bench.js
import { opentelemetry as pb } from '../../generated/otlp-pbjs.js';
import { decodeTraces, decodeMetrics, decodeLogs } from '../decode.js';
import { encodeLogs, encodeMetrics, encodeTraces } from '../encode.js';
import { splitRequest } from '../split.js';
import { sampleLogs, sampleMetrics, sampleTraces } from '../samples.js';

function cpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function rate(fn: (b: Buffer) => unknown, bodies: Buffer[], items: number): number {
  for (let i = 0; i < 300; i++) fn(bodies[i % bodies.length]);
  let n = 0;
  const c0 = cpu();
  const t0 = performance.now();
  while (performance.now() - t0 < 1500) { fn(bodies[n % bodies.length]); n++; }
  return (n * items) / (cpu() - c0);
}

const traces = Array.from({ length: 8 }, (_, s) => encodeTraces(sampleTraces({ resources: 10, itemsPerResource: 10, extraAttributes: 4, seed: s + 1 })));
const metrics = Array.from({ length: 8 }, () => encodeMetrics(sampleMetrics({ resources: 10 })));
const logs = Array.from({ length: 8 }, () => encodeLogs(sampleLogs({ resources: 10, itemsPerResource: 10 })));
const T = pb.proto.collector.trace.v1.ExportTraceServiceRequest;
const M = pb.proto.collector.metrics.v1.ExportMetricsServiceRequest;
const L = pb.proto.collector.logs.v1.ExportLogsServiceRequest;

const r = {
  traces_hand_spans_per_cpu_s: rate(decodeTraces, traces, 100),
  traces_pbjs_spans_per_cpu_s: rate((b) => T.decode(b), traces, 100),
  traces_split_spans_per_cpu_s: rate((b) => splitRequest('traces', b), traces, 100),
  metrics_hand_points_per_cpu_s: rate(decodeMetrics, metrics, 60),
  metrics_pbjs_points_per_cpu_s: rate((b) => M.decode(b), metrics, 60),
  logs_hand_records_per_cpu_s: rate(decodeLogs, logs, 100),
  logs_pbjs_records_per_cpu_s: rate((b) => L.decode(b), logs, 100),
};
const rows: Array<[string, number, number]> = [
  ['traces (spans/CPU-s)', r.traces_hand_spans_per_cpu_s, r.traces_pbjs_spans_per_cpu_s],
  ['metrics (points/CPU-s)', r.metrics_hand_points_per_cpu_s, r.metrics_pbjs_points_per_cpu_s],
  ['logs (records/CPU-s)', r.logs_hand_records_per_cpu_s, r.logs_pbjs_records_per_cpu_s],
];
console.log(`${'signal'.padEnd(24)}${'hand-written'.padStart(14)}${'protobufjs'.padStart(14)}${'ratio'.padStart(8)}`);
for (const [name, h, p] of rows) console.log(`${name.padEnd(24)}${h.toFixed(0).padStart(14)}${p.toFixed(0).padStart(14)}${(h / p).toFixed(2).padStart(8)}`);
console.log(`${'traces split only'.padEnd(24)}${r.traces_split_spans_per_cpu_s.toFixed(0).padStart(14)}`);
console.log(JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Math.round(v)]))));
