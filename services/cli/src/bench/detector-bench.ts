#!/usr/bin/env node
// npm run bench:detector — the detector service end to end.
//   1. throughput: OTLP span records already in the bus → detector (features, scorers,
//      verification, transactions with state snapshots) → writer → ClickHouse; spans per
//      CPU-second of the process, against a baseline in the same run: decoding the same records
//      alone (the floor any detector pays).
//   2. latency: live OTLP/HTTP traffic with real-time event times at half the measured maximum;
//      from the moment a window can close (its end + allowed lateness: the first span past it
//      closes it) to its score row in ClickHouse, p50/p99.
//   3. verification: a regressed version (error ratio 0.5% → 5%) starts serving; time from its
//      first request to the fail verdict in ClickHouse.
//   4. the foreign-record path: the same spans as phase 1, written as an OpenTelemetry
//      Collector's kafka exporter writes them (one record per request holding all ten services'
//      resources, no key, no Vigil header) → rekey stage → keyed topics → detector; CPU per span
//      beside the direct path's (Vigil's own records), alternating rounds in the same process.
// Bus: in-process by default; KAFKA_BROKERS=host:port runs phases 1-3 over that Kafka.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createBus, createMemoryBus } from '@vigil/bus';
import type { Bus, OutRecord } from '@vigil/bus';
import { busOptions, detectorConfigOf, loadConfig, parseConfig, rekeyConfigOf, topicDefinitions, writerConfigOf } from '@vigil/config';
import type { VigilConfig } from '@vigil/config';
import { createRekeyStage } from '@vigil/collector';
import { createDetector } from '@vigil/detector';
import { decodeTraces, encodeTraces } from '@vigil/otlp';
import { OTLP_KEYED_MARKER, RECORD_KIND_HEADER } from '@vigil/records';
import type { KeyValue, Span } from '@vigil/otlp';
import { createStore } from '@vigil/store';
import { createTelemetry } from '@vigil/telemetry';
import { createWriter } from '@vigil/writer';
import { startEmbedded } from '../embedded.js';

const silent = new Writable({ write: (_c, _e, cb) => cb() });
const tel = (s: string) => createTelemetry({ service: s, destination: silent, processMetrics: false });
const str = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};

let seed = 12345;
const rand = () => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed / 4294967296;
};

function request(service: string, version: string, startMs: number, n: number, spacingMs: number, errorRatio: number): Buffer {
  const spans: Span[] = [];
  for (let i = 0; i < n; i++) {
    const start = BigInt(Math.round(startMs + i * spacingMs)) * 1_000_000n;
    const dur = BigInt(Math.round(20e6 * Math.exp(0.4 * (rand() + rand() + rand() - 1.5))));
    spans.push({
      traceId: new Uint8Array(16).fill(i % 251 + 1), spanId: new Uint8Array(8).fill(i % 251 + 1), traceState: '', parentSpanId: new Uint8Array(0),
      flags: 0, name: `op-${i % 8}`, kind: 2, startTimeUnixNano: start, endTimeUnixNano: start + dur,
      attributes: [str('http.request.method', 'GET'), str('url.path', `/api/v1/items/${i % 8}`)],
      droppedAttributesCount: 0, events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0,
      status: { code: rand() < errorRatio ? 2 : 0, message: '' },
    });
  }
  return encodeTraces({ resourceSpans: [{ resource: { attributes: [str('service.name', service), str('service.version', version)], droppedAttributesCount: 0, entityRefs: [] }, scopeSpans: [{ scope: undefined, spans, schemaUrl: '' }], schemaUrl: '' }] });
}

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

function runConfig(dir: string, extra: Record<string, unknown> = {}): VigilConfig {
  const base = loadConfig({ file: null });
  const run = `bench${Date.now().toString(36)}`;
  const topics = Object.fromEntries(Object.entries(base.topics).filter(([k]) => k !== 'partitions').map(([k, v]) => [k, `${v}_${run}`]));
  return parseConfig({
    bus: structuredClone(base.bus),
    topics: base.bus.kind === 'kafka' ? topics : {},
    store: { chdb: { path: join(dir, 'chdb') } },
    detector: { commitIntervalMs: 200, groupId: `det-${run}` },
    writer: { flushIntervalMs: 200, groupId: `wri-${run}` },
    alerter: { groupId: `ale-${run}` },
    api: { port: 0 }, collector: { http: { port: 0 }, grpc: { port: 0 } },
    ...extra,
  });
}

async function throughput(dir: string, records: number, spansPerRecord: number) {
  const config = runConfig(dir);
  const bus: Bus = config.bus.kind === 'kafka' ? createBus(busOptions(config.bus)) : createMemoryBus({ maxRecordsPerPartition: 1_000_000 });
  await bus.ensureTopics(topicDefinitions(config));
  const producer = await bus.producer();
  const t0 = 1_790_000_000_000;
  const batch = [];
  const bodies: Buffer[] = [];
  for (let r = 0; r < records; r++) {
    const service = `svc-${r % 10}`;
    // Each service sends one record per simulated second: event time advances so windows close.
    const body = request(service, '1.0.0', t0 + Math.floor(r / 10) * 1000, spansPerRecord, 1000 / spansPerRecord, 0.01);
    bodies.push(body);
    // As Vigil's collector writes them: keyed by service and marked (the detector's direct path).
    batch.push({ topic: config.topics.spans, key: service, value: body, headers: { [RECORD_KIND_HEADER]: OTLP_KEYED_MARKER } });
    if (batch.length === 500) await producer.send(batch.splice(0));
  }
  if (batch.length) await producer.send(batch.splice(0));
  await producer.close();

  // Baseline, same run: decode alone.
  let c0 = process.cpuUsage();
  let decoded = 0;
  for (const b of bodies) decoded += decodeTraces(b).resourceSpans[0].scopeSpans[0].spans.length;
  let c1 = process.cpuUsage(c0);
  const decodeCpuS = (c1.user + c1.system) / 1e6;

  const store = await createStore(config.store);
  await store.migrate();
  const detector = createDetector({ config: detectorConfigOf(config), bus, telemetry: tel('detector') });
  const writer = createWriter({ config: writerConfigOf(config), bus, store, telemetry: tel('writer') });
  const total = records * spansPerRecord;
  const m0 = process.memoryUsage().rss;
  c0 = process.cpuUsage();
  const w0 = performance.now();
  await writer.start();
  await detector.start();
  while (detector.stats.records < records) await new Promise((r) => setTimeout(r, 20));
  await detector.commitNow();
  const detectorWallS = (performance.now() - w0) / 1000;
  const detectorCpu = process.cpuUsage(c0);
  // Until the writer landed every score the detector committed.
  const expectScores = detector.stats.outputs;
  let landed = 0;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    landed = Number((await store.query<{ c: string }>(`SELECT count() AS c FROM ${store.table('scores')}`))[0].c);
    if (landed >= expectScores * 0.95) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  c1 = process.cpuUsage(c0);
  const wallS = (performance.now() - w0) / 1000;
  const rssMb = Math.max(process.memoryUsage().rss, m0) / 2 ** 20;
  await detector.shutdown();
  await writer.shutdown();
  await bus.shutdown();
  await store.close();
  return {
    spans: total, decoded,
    detector_spans_per_cpu_s: total / ((detectorCpu.user + detectorCpu.system) / 1e6),
    detector_wall_s: detectorWallS,
    e2e_spans_per_cpu_s: total / ((c1.user + c1.system) / 1e6),
    e2e_wall_s: wallS,
    decode_spans_per_cpu_s: decoded / decodeCpuS,
    scores_landed: landed,
    rss_mb: rssMb,
  };
}

/**
 * Phase 4: CPU per span of the detector's two input paths, nothing else running (no writer): the
 * same spans as Vigil's own records (keyed, marked: the direct path) or as an OpenTelemetry
 * Collector's kafka exporter writes them (one record per request holding all ten services'
 * resources, no key, spread over the partitions) through the rekey stage. Rounds alternate
 * direct, foreign, direct, foreign…; the best round of each counts (least disturbed by others).
 */
async function pathCost(dir: string, records: number, spansPerRecord: number, path: 'direct' | 'foreign') {
  const config = runConfig(dir);
  const bus: Bus = config.bus.kind === 'kafka' ? createBus(busOptions(config.bus)) : createMemoryBus({ maxRecordsPerPartition: 1_000_000 });
  await bus.ensureTopics(topicDefinitions(config));
  const producer = await bus.producer();
  const t0 = 1_790_000_000_000;
  const bodies: Buffer[] = [];
  for (let r = 0; r < records; r++) bodies.push(request(`svc-${r % 10}`, '1.0.0', t0 + Math.floor(r / 10) * 1000, spansPerRecord, 1000 / spansPerRecord, 0.01));
  const out: OutRecord[] = [];
  if (path === 'direct') {
    for (const [r, body] of bodies.entries()) out.push({ topic: config.topics.spans, key: `svc-${r % 10}`, value: body, headers: { [RECORD_KIND_HEADER]: OTLP_KEYED_MARKER } });
  } else {
    for (let r = 0; r < records; r += 10) {
      const resourceSpans = bodies.slice(r, r + 10).flatMap((b) => decodeTraces(b).resourceSpans);
      out.push({ topic: config.topics.spans, key: null, value: encodeTraces({ resourceSpans }), partition: (r / 10) % config.topics.partitions });
    }
  }
  for (let i = 0; i < out.length; i += 200) await producer.send(out.slice(i, i + 200));
  await producer.close();
  const detector = createDetector({ config: detectorConfigOf(config), bus, telemetry: tel('detector') });
  const rekey = path === 'foreign' ? createRekeyStage({ config: rekeyConfigOf(config), bus, telemetry: tel('rekey') }) : null;
  const c0 = process.cpuUsage();
  await detector.start();
  await rekey?.start();
  // The detector counts the records it processed: Vigil's own, or the keyed ones (one per service per request).
  while (detector.stats.records < records) await new Promise((r) => setTimeout(r, 10));
  await rekey?.commitNow();
  await detector.commitNow();
  const c1 = process.cpuUsage(c0);
  const outputs = detector.stats.outputs;
  await rekey?.shutdown();
  await detector.shutdown();
  await bus.shutdown();
  return { cpuUsPerSpan: (c1.user + c1.system) / (records * spansPerRecord), outputs };
}

async function live(dir: string, spansPerS: number, seconds: number) {
  const config = runConfig(dir, { detector: { commitIntervalMs: 200, windowMs: 10_000, allowedLatenessMs: 1_000, verification: { minSamples: 300 } } });
  const vigil = await startEmbedded({ config, destination: silent });
  const url = `http://127.0.0.1:${vigil.ports.otlpHttp}/v1/traces`;
  const seen = new Map<number, number>(); // window start → first time its score row was seen
  const stop = { v: false };
  const poll = (async () => {
    while (!stop.v) {
      const rows = await vigil.store.query<{ w: string }>(`SELECT DISTINCT toUnixTimestamp64Milli(window_start) AS w FROM ${vigil.store.table('scores')} WHERE service = 'live'`);
      const now = Date.now();
      for (const r of rows) if (!seen.has(Number(r.w))) seen.set(Number(r.w), now);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const send = async (version: string, errorRatio: number, durationS: number, rate: number) => {
    const perTick = Math.max(1, Math.round(rate / 10));
    const end = Date.now() + durationS * 1000;
    let first = 0;
    while (Date.now() < end) {
      const t = Date.now();
      const body = request('live', version, t, perTick, 100 / perTick, errorRatio);
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
      if (res.status !== 200) throw new Error(`collector answered ${res.status}`);
      if (!first) first = t;
      const wait = 100 - (Date.now() - t);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    return first;
  };
  await send('1.0.0', 0.005, seconds, spansPerS);
  const latencies: number[] = [];
  for (const [w, at] of seen) {
    const closable = w + config.detector.windowMs + config.detector.allowedLatenessMs;
    if (at > closable) latencies.push(at - closable);
  }
  // Phase 3: a regressed version.
  const firstBad = Date.now();
  const verdictAt = (async () => {
    const end = Date.now() + 120_000;
    while (Date.now() < end) {
      const r = await vigil.store.query<{ c: string }>(`SELECT count() AS c FROM ${vigil.store.table('verdicts')} WHERE service = 'live' AND status = 'fail'`);
      if (Number(r[0].c) > 0) return Date.now();
      await new Promise((res) => setTimeout(res, 100));
    }
    return NaN;
  })();
  const sending = send('2.0.0', 0.05, 60, spansPerS);
  const at = await verdictAt;
  await sending.catch(() => undefined);
  stop.v = true;
  await poll;
  await vigil.shutdown();
  return { latencies, verdictS: (at - firstBad) / 1000 };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-detector-'));
  try {
    const records = arg('records', 3000);
    const spansPerRecord = arg('spans-per-record', 100);
    const tp = await throughput(join(dir, 'tp'), records, spansPerRecord);
    const rounds = arg('path-rounds', 3);
    const cost = { direct: [] as number[], foreign: [] as number[] };
    const outputsOf = { direct: 0, foreign: 0 };
    for (let i = 0; i < rounds; i++) {
      for (const path of ['direct', 'foreign'] as const) {
        const c = await pathCost(join(dir, `${path}-${i}`), records, spansPerRecord, path);
        cost[path].push(c.cpuUsPerSpan);
        outputsOf[path] = c.outputs;
      }
    }
    const direct = Math.min(...cost.direct);
    const foreign = Math.min(...cost.foreign);
    const liveRate = Math.min(arg('live-rate', 2000), Math.round(tp.e2e_spans_per_cpu_s / 2));
    const lv = await live(join(dir, 'live'), liveRate, arg('live-seconds', 45));
    const bus = process.env.KAFKA_BROKERS ? 'kafka' : 'memory';
    const rows: Array<[string, string, string]> = [
      ['bus', bus, ''],
      ['spans through the detector', String(tp.spans), ''],
      ['detector spans per CPU-second', tp.detector_spans_per_cpu_s.toFixed(0), 'target ≥ 100,000'],
      ['end to end (detector + writer → ClickHouse) spans per CPU-second', tp.e2e_spans_per_cpu_s.toFixed(0), ''],
      ['baseline: protobuf decode alone, spans per CPU-second', tp.decode_spans_per_cpu_s.toFixed(0), ''],
      ['ratio detector / decode alone', (tp.detector_spans_per_cpu_s / tp.decode_spans_per_cpu_s).toFixed(3), ''],
      ['peak RSS (MB)', tp.rss_mb.toFixed(0), ''],
      [`live load (spans/s)`, String(liveRate), 'half the measured maximum, capped'],
      ['window closable → score row in ClickHouse p50 (ms)', pct(lv.latencies, 0.5).toFixed(0), ''],
      ['window closable → score row in ClickHouse p99 (ms)', pct(lv.latencies, 0.99).toFixed(0), 'target ≤ 2,000'],
      ['regressed version first traffic → fail verdict in ClickHouse (s)', lv.verdictS.toFixed(1), 'target ≤ 30'],
      ['direct path (Vigil\'s own records): detector CPU µs per span', direct.toFixed(3), `best of ${rounds} rounds, no writer`],
      ['foreign path (OTel Collector kafka exporter records): rekey + detector CPU µs per span', foreign.toFixed(3), '10 resources per record, no key'],
      ['ratio foreign / direct (CPU per span)', (foreign / direct).toFixed(3), ''],
      ['detector outputs direct / foreign (same spans)', `${outputsOf.direct} / ${outputsOf.foreign}`, ''],
    ];
    const w = Math.max(...rows.map((r) => r[0].length));
    for (const [k, v, note] of rows) console.log(`${k.padEnd(w)}  ${v.padStart(10)}  ${note}`);
    console.log(JSON.stringify({
      bus, spans: tp.spans, detector_spans_per_cpu_s: Math.round(tp.detector_spans_per_cpu_s), e2e_spans_per_cpu_s: Math.round(tp.e2e_spans_per_cpu_s),
      decode_spans_per_cpu_s: Math.round(tp.decode_spans_per_cpu_s), detector_to_decode_ratio: Number((tp.detector_spans_per_cpu_s / tp.decode_spans_per_cpu_s).toFixed(3)),
      peak_rss_mb: Math.round(tp.rss_mb), live_spans_per_s: liveRate, score_latency_p50_ms: Math.round(pct(lv.latencies, 0.5)),
      score_latency_p99_ms: Math.round(pct(lv.latencies, 0.99)), windows_measured: lv.latencies.length, fail_verdict_s: Number(lv.verdictS.toFixed(1)),
      direct_cpu_us_per_span: Number(direct.toFixed(3)), foreign_cpu_us_per_span: Number(foreign.toFixed(3)),
      foreign_to_direct_cpu_ratio: Number((foreign / direct).toFixed(3)), path_rounds: rounds,
      direct_cpu_us_per_span_rounds: cost.direct.map((x) => Number(x.toFixed(3))), foreign_cpu_us_per_span_rounds: cost.foreign.map((x) => Number(x.toFixed(3))),
      direct_outputs: outputsOf.direct, foreign_outputs: outputsOf.foreign,
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
