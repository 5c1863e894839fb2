// writer.rawTelemetry end to end on the memory bus and chDB: otlp_* records land in the otel_*
// tables exactly once (also across a replay from offset 0), poison is dead-lettered, and the
// tables answer the queries Grafana's ClickHouse plugin issues in OpenTelemetry mode.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMemoryBus } from '@vigil/bus';
import type { Bus } from '@vigil/bus';
import { parseConfig, topicDefinitions } from '@vigil/config';
import { encodeLogs, encodeMetrics, encodeTraces, sampleLogs, sampleMetrics, sampleTraces } from '@vigil/otlp';
import { createStore } from '@vigil/store';
import type { Store } from '@vigil/store';
import { createTelemetry } from '@vigil/telemetry';
import { createWriter, writerTopics } from '../pipeline.js';
import { rawRowsFor } from './otel-rows.js';
import { waitUntil } from '../wait-until.test-util.js';

const silent = new Writable({ write: (_c, _e, cb) => cb() });
const telemetry = () => createTelemetry({ service: 'writer-raw-test', destination: silent, processMetrics: false });

/** Move every non-zero *UnixNano time by `delta` (the samples are from 2023; the tables' TTL would drop them). */
function shiftTimes<T>(value: T, delta: bigint): T {
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return;
    if (Array.isArray(v)) { v.forEach(walk); return; }
    const o = v as Record<string, unknown>;
    for (const [k, x] of Object.entries(o)) {
      if (k.endsWith('UnixNano') && typeof x === 'bigint' && x !== 0n) o[k] = x + delta;
      else walk(x);
    }
  };
  walk(value);
  return value;
}

const SAMPLE_BASE_NS = 1_700_000_000_000_000_000n;

describe('writer: raw otlp_* topics into otel_* tables exactly once (memory bus, chDB)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-writer-raw-'));
  let store: Store;
  let bus: Bus;
  // One hour ago, whole seconds, so the expected timestamps are easy to state.
  const baseNs = BigInt(Math.floor(Date.now() / 1000) - 3600) * 1_000_000_000n;
  const delta = baseNs - SAMPLE_BASE_NS;
  const config = parseConfig({ writer: { rawTelemetry: true, maxBatchRows: 3, flushIntervalMs: 50 } });
  const TRACE_RECORDS = 5;
  const METRIC_RECORDS = 3;
  const LOG_RECORDS = 4;

  beforeAll(async () => {
    store = await createStore({ kind: 'chdb', chdb: { path: dir }, database: 'vigil_raw', server: { url: '', username: '', password: '', database: '' } });
    await store.migrate();
    bus = createMemoryBus({});
    await bus.ensureTopics(topicDefinitions(config));
    const producer = await bus.producer();
    // Seeds 10 apart: every record's spans have their own trace and span ids.
    for (let i = 0; i < TRACE_RECORDS; i++) {
      await producer.send([{ topic: config.topics.spans, key: `svc-${i % 2}`, value: encodeTraces(shiftTimes(sampleTraces({ seed: 1 + 10 * i }), delta)) }]);
    }
    for (let i = 0; i < METRIC_RECORDS; i++) {
      await producer.send([{ topic: config.topics.metrics, key: `svc-${i % 2}`, value: encodeMetrics(shiftTimes(sampleMetrics(), delta + BigInt(i) * 1_000_000n)) }]);
    }
    for (let i = 0; i < LOG_RECORDS; i++) {
      await producer.send([{ topic: config.topics.logs, key: `svc-${i % 2}`, value: encodeLogs(shiftTimes(sampleLogs(), delta + BigInt(i) * 1_000_000n)) }]);
    }
    // Poison: a length-delimited field that runs past the end of the buffer.
    await producer.send([{ topic: config.topics.spans, key: 'svc-0', value: Buffer.from([0x0a, 0xff, 0x01, 0x00]) }]);
    await producer.close();
  });
  afterAll(async () => {
    await bus.shutdown();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const count = async (table: string, final = false) =>
    Number((await store.query<{ c: string }>(`SELECT count() AS c FROM ${store.table(table)}${final ? ' FINAL' : ''}`))[0].c);
  const counts = async () => {
    const out: Record<string, number> = {};
    for (const t of ['otel_traces', 'otel_traces_trace_id_ts', 'otel_logs', 'otel_metrics_gauge', 'otel_metrics_sum', 'otel_metrics_histogram',
      'otel_metrics_exponential_histogram', 'otel_metrics_summary']) out[t] = await count(t, t === 'otel_traces_trace_id_ts');
    return out;
  };
  const waitFor = waitUntil;

  // sampleTraces: 2 resources × 3 spans per request; sampleLogs: 2 × 3 records; sampleMetrics per
  // resource: 1 sum, 2 gauge, 1 histogram, 1 exponential histogram, 1 summary point.
  const expected = {
    otel_traces: TRACE_RECORDS * 6,
    otel_logs: LOG_RECORDS * 6,
    otel_metrics_gauge: METRIC_RECORDS * 4,
    otel_metrics_sum: METRIC_RECORDS * 2,
    otel_metrics_histogram: METRIC_RECORDS * 2,
    otel_metrics_exponential_histogram: METRIC_RECORDS * 2,
    otel_metrics_summary: METRIC_RECORDS * 2,
  };

  test('writerTopics includes the otlp topics only with rawTelemetry', () => {
    expect(writerTopics(config)).toEqual(expect.arrayContaining(['otlp_spans', 'otlp_metrics', 'otlp_logs']));
    const off = writerTopics(parseConfig({}));
    for (const t of ['otlp_spans', 'otlp_metrics', 'otlp_logs']) expect(off).not.toContain(t);
  });

  test('every raw record lands once; the poison one is dead-lettered', async () => {
    const w = createWriter({ config, bus, store, telemetry: telemetry() });
    await w.start();
    await waitFor(async () => {
      const c = await counts();
      return Object.entries(expected).every(([t, n]) => c[t] === n);
    });
    await waitFor(async () => (await count('dead_letters')) === 1);
    await w.flushAll();
    await w.shutdown();
    const c = await counts();
    expect(c).toMatchObject(expected);
    // One lookup row per trace id and insert; every trace of the spans is in it.
    const traces = Number((await store.query<{ c: string }>(`SELECT uniqExact(TraceId) AS c FROM ${store.table('otel_traces')}`))[0].c);
    const looked = Number((await store.query<{ c: string }>(`SELECT uniqExact(TraceId) AS c FROM ${store.table('otel_traces_trace_id_ts')}`))[0].c);
    expect(looked).toBe(traces);
    const dead = await store.query<{ reason: string; source_topic: string }>(`SELECT reason, source_topic FROM ${store.table('dead_letters')}`);
    expect(dead[0].source_topic).toBe('otlp_spans');
    expect(dead[0].reason).toMatch(/^traces: /);
    expect(w.stats.otel_traces).toBe(expected.otel_traces);
  });

  test('a replay of the otlp topics from offset 0 (new group) writes nothing twice', async () => {
    const before = await counts();
    const replayConfig = parseConfig({ writer: { rawTelemetry: true, groupId: 'raw-replay-from-zero', maxBatchRows: 3, flushIntervalMs: 50 } });
    const w = createWriter({ config: replayConfig, bus, store, telemetry: telemetry() });
    await w.start();
    // Every range is found in writer_ranges and re-inserted with its tokens: ClickHouse drops them.
    // The trace-id lookup (filled by a view) gets identical rows again, which FINAL collapses.
    await new Promise((r) => setTimeout(r, 1500));
    await w.flushAll();
    await w.shutdown();
    // The replay did send every row again (counted per insert), and ClickHouse dropped them all.
    expect(w.stats.otel_traces).toBe(expected.otel_traces);
    expect(await counts()).toEqual(before);
    // (The poison record is dead-lettered again by the replay: the dead-letter topic is at least once.)
    const dups = await store.query<{ c: string }>(
      `SELECT count() AS c FROM (SELECT TraceId, SpanId, count() n FROM ${store.table('otel_traces')} GROUP BY 1, 2 HAVING n > 1)`,
    );
    expect(Number(dups[0].c)).toBe(0);
  });

  test('column types are the exporter\'s', async () => {
    const rows = await store.query<{ name: string; type: string }>(
      `SELECT name, type FROM system.columns WHERE database = {db:String} AND table = 'otel_traces' AND name IN ('Timestamp', 'TraceId', 'Duration', 'SpanAttributes', 'Events.Timestamp', 'Links.TraceId')`,
      { db: store.database },
    );
    expect(Object.fromEntries(rows.map((r) => [r.name, r.type]))).toEqual({
      Timestamp: 'DateTime64(9)', TraceId: 'String', Duration: 'UInt64', SpanAttributes: 'Map(LowCardinality(String), String)',
      'Events.Timestamp': 'Array(DateTime64(9))', 'Links.TraceId': 'Array(String)',
    });
  });

  test('Grafana OTel mode: trace search by service, then the trace view by id', async () => {
    // Trace search (the plugin's query builder in OTel mode selects these columns by name).
    const fromS = Number(baseNs / 1_000_000_000n) - 60;
    const search = await store.query<{ TraceId: string; SpanName: string; Duration: string; startNs: string }>(
      `SELECT TraceId, SpanName, toString(Duration) AS Duration, toString(toUnixTimestamp64Nano(Timestamp)) AS startNs
       FROM ${store.table('otel_traces')}
       WHERE ServiceName = {svc:String} AND Timestamp >= toDateTime({from:UInt32}) AND Timestamp <= now()
       ORDER BY Timestamp, TraceId, SpanName`,
      { svc: 'svc-0', from: fromS },
    );
    expect(search).toHaveLength(TRACE_RECORDS * 3);
    for (const r of search) {
      expect(r.TraceId).toMatch(/^[0-9a-f]{32}$/);
      expect(r.Duration).toBe('777777');
    }
    // Span n=1 of each request starts 1_000_123 ns after the base.
    expect(search.filter((r) => r.startNs === (baseNs + 1_000_123n).toString())).toHaveLength(TRACE_RECORDS);

    // Trace view: the plugin narrows by otel_traces_trace_id_ts, then reads the spans with their
    // tags, events and links (same shape as its OTel-mode trace-id query).
    const traceId = search.find((r) => r.SpanName === 'GET /api/items/0')!.TraceId;
    const spans = await store.query<{
      traceID: string; spanID: string; parentSpanID: string; serviceName: string; operationName: string; startTime: number; duration: number;
      tags: Array<{ key: string; value: string }>; logs: Array<{ timestamp: number; fields: Array<{ key: string; value: string }> }>;
      references: Array<{ traceID: string; spanID: string }>; statusCode: string; kind: string;
    }>(
      `WITH {id:String} AS trace_id,
         (SELECT min(Start) FROM ${store.table('otel_traces_trace_id_ts')} WHERE TraceId = trace_id) AS trace_start,
         (SELECT max(End) + 1 FROM ${store.table('otel_traces_trace_id_ts')} WHERE TraceId = trace_id) AS trace_end
       SELECT TraceId AS traceID, SpanId AS spanID, ParentSpanId AS parentSpanID, ServiceName AS serviceName, SpanName AS operationName,
         multiply(toUnixTimestamp64Nano(Timestamp), 0.000001) AS startTime, multiply(Duration, 0.000001) AS duration,
         arrayMap(key -> map('key', key, 'value', SpanAttributes[key]), mapKeys(SpanAttributes)) AS tags,
         arrayMap((name, timestamp, attributes) -> tuple(multiply(toUnixTimestamp64Nano(timestamp), 0.000001),
           arrayConcat(arrayMap(key -> map('key', key, 'value', attributes[key]), mapKeys(attributes)), [map('key', 'message', 'value', name)]))::Tuple(timestamp Float64, fields Array(Map(String, String))),
           Events.Name, Events.Timestamp, Events.Attributes) AS logs,
         arrayMap((tid, sid) -> map('traceID', tid, 'spanID', sid), Links.TraceId, Links.SpanId) AS references,
         StatusCode AS statusCode, SpanKind AS kind
       FROM ${store.table('otel_traces')}
       WHERE traceID = trace_id AND Timestamp >= trace_start AND Timestamp <= trace_end
       ORDER BY startTime`,
      { id: traceId },
    );
    // Spans 0..2 of one request share trace id (id(seed, n >> 3)): one service's three spans.
    expect(spans).toHaveLength(3);
    const root = spans[0];
    expect(root).toMatchObject({ traceID: traceId, parentSpanID: '', serviceName: 'svc-0', operationName: 'GET /api/items/0', statusCode: 'Error', kind: 'Server' });
    expect(root.duration).toBeCloseTo(0.777777, 9);
    expect(root.tags).toEqual(expect.arrayContaining([{ key: 'http.response.status_code', value: '200' }]));
    expect(root.logs).toHaveLength(1);
    expect(root.logs[0].fields).toEqual(expect.arrayContaining([{ key: 'exception.type', value: 'Error' }, { key: 'message', value: 'exception' }]));
    expect(root.references).toHaveLength(1);
    expect(root.references[0].traceID).toMatch(/^[0-9a-f]{32}$/);
    expect(spans[1].parentSpanID).toMatch(/^[0-9a-f]{16}$/);
  });

  test('logs and metrics read back with their types', async () => {
    const logs = await store.query<{ Body: string; SeverityNumber: number; TimestampTime: string }>(
      `SELECT Body, SeverityNumber, toString(TimestampTime) AS TimestampTime FROM ${store.table('otel_logs')} WHERE ServiceName = 'svc-1' AND LogAttributes['log.file'] = 'a.log' ORDER BY Timestamp LIMIT 2`,
    );
    expect(logs[0]).toMatchObject({ Body: 'user 0 logged in — ✓', SeverityNumber: 9 });
    expect(logs[1].Body).toBe('{"msg":"structured","nested":[-1,"AP8="]}');
    const hist = await store.query<{ c: string; buckets: string[]; bounds: number[] }>(
      `SELECT toString(Count) AS c, arrayMap(x -> toString(x), BucketCounts) AS buckets, ExplicitBounds AS bounds FROM ${store.table('otel_metrics_histogram')} WHERE MetricName = 'latency' LIMIT 1`,
    );
    expect(hist[0]).toEqual({ c: '6', buckets: ['1', '2', '3'], bounds: [1, 5] });
    const q = await store.query<{ q: number[]; v: number[] }>(
      `SELECT ValueAtQuantiles.Quantile AS q, ValueAtQuantiles.Value AS v FROM ${store.table('otel_metrics_summary')} LIMIT 1`,
    );
    expect(q[0]).toEqual({ q: [0, 0.99], v: [1, 2.5] });
    const sum = await store.query<{ v: number; mono: boolean }>(`SELECT Value AS v, IsMonotonic AS mono FROM ${store.table('otel_metrics_sum')} LIMIT 1`);
    expect(sum[0]).toEqual({ v: -42, mono: true });
  });

  test('non-finite gauge values (Prometheus staleness NaN, ±Inf) land as such', async () => {
    const req = shiftTimes(sampleMetrics({ resources: 1 }), delta);
    const points = req.resourceMetrics[0].scopeMetrics[0].metrics.find((m) => m.gauge)!.gauge!.dataPoints;
    points[0].asDouble = Number.NaN;
    points[1].asDouble = Number.NEGATIVE_INFINITY;
    for (const p of points) p.attributes = [{ key: 'case', value: { stringValue: 'non-finite' } }];
    const rows = rawRowsFor('metrics', encodeMetrics(req)).filter((r) => r.table === 'otel_metrics_gauge').map((r) => r.row);
    await store.insert('otel_metrics_gauge', rows);
    const got = await store.query<{ nan: number; neginf: number }>(
      `SELECT countIf(isNaN(Value)) AS nan, countIf(isInfinite(Value) AND Value < 0) AS neginf FROM ${store.table('otel_metrics_gauge')} WHERE Attributes['case'] = 'non-finite'`,
    );
    expect(got[0]).toEqual({ nan: 1, neginf: 1 });
  });
});
