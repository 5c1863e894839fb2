// The detector side of forecasting (issue 20, point 6): RED windows and resource metrics become
// 5-minute steps of one forecaster per series; forecast records are published at most once per
// series and step; steps of a deployment that failed verification never teach the forecaster.
import { describe, expect, test } from 'vitest';
import { parseConfig } from '@vigil/config';
import { SeasonalForecaster } from '@vigil/forecast';
import { encodeMetrics, encodeTraces } from '@vigil/otlp';
import type { KeyValue, Span } from '@vigil/otlp';
import { decodeRecord } from '@vigil/records';
import type { ForecastRecord, VerdictRecord } from '@vigil/records';
import { ForecastFeed, FORECAST_STEP_MS } from './forecast-feed.js';
import { createProcessor } from './processors.js';
import type { PartitionProcessor } from './processors.js';

const OPTS = { maxSeries: 10, maxHeldSteps: 36, replicaCpu: 1, targetUtilisation: 0.7 };
const T0 = 1_790_000_400_000 - (1_790_000_400_000 % 3_600_000); // on the hour
const STEP = FORECAST_STEP_MS;

/** CPU of `checkout` (two pods), one sample per pod per minute: a daily wave plus `extra`. */
function feedCpu(feed: ForecastFeed, fromMin: number, toMin: number, extra: (min: number) => number = () => 0, flagged = false): ForecastRecord[] {
  const out: ForecastRecord[] = [];
  for (let m = fromMin; m < toMin; m++) {
    const base = 1 + 0.5 * Math.sin((2 * Math.PI * m) / 1440);
    for (const pod of ['a', 'b']) out.push(...feed.add('checkout', 'k8s.pod.cpu.usage', 'cpu', pod, T0 + m * 60_000 + 1, base / 2 + extra(m), flagged));
  }
  return out;
}

describe('ForecastFeed', () => {
  test('5-minute steps of the service total; short forecasts every step, day-ahead with a recommendation on the hour', () => {
    const feed = new ForecastFeed(OPTS);
    const recs = feedCpu(feed, 0, 2 * 1440 + 1);
    const short = recs.filter((r) => r.horizon === 'short');
    const long = recs.filter((r) => r.horizon === 'long');
    // 576 steps closed (the 577th is open); forecasts start once the forecaster is ready.
    expect(short.length).toBeGreaterThan(550);
    expect(short.length).toBeLessThanOrEqual(576);
    expect(new Set(short.map((r) => r.originMs)).size).toBe(short.length);
    for (const r of short) expect([(r.originMs - T0) % STEP, r.points.length, r.stepMs]).toEqual([0, 12, STEP]);
    // One day-ahead record per hour once ready, each on the hour.
    expect(long.map((r) => (r.originMs - T0) / 3_600_000)).toEqual(Array.from({ length: long.length }, (_, i) => 48 - long.length + 1 + i));
    expect(long.length).toBeGreaterThan(44);
    const last = long.at(-1)!;
    expect(last.points).toHaveLength(24);
    for (const p of last.points) expect(p.lo95 <= p.lo80 && p.lo80 <= p.mean && p.mean <= p.hi80 && p.hi80 <= p.hi95).toBe(true);
    // Two pods of ~0.5 cores each: the service total over the next hour is ~1.06 cores (the daily wave rising).
    expect(last.points[0].mean).toBeGreaterThan(0.9);
    expect(last.points[0].mean).toBeLessThan(1.25);
    expect(last.recommendation?.request).toBeGreaterThan(last.points[0].mean * 0.9);
    expect(last.recommendation?.replicas).toBe(Math.max(1, Math.ceil(last.recommendation!.request / 0.7)));
    expect(last.recommendation?.why).toMatch(/replica/);
    // CPU is sized from its recent 5-minute values (SIZING): the 96.5 % point of the last
    // days' wave of 1 ± 0.5 cores is 1.49, read at the upper edge of its 10 % bucket.
    expect(last.recommendation?.why).toMatch(/distribution of recent 5-minute values/);
    expect(last.recommendation?.request).toBeGreaterThan(1.45);
    expect(last.recommendation?.request).toBeLessThan(1.5 * 1.1);
    expect(last.learnt).toBe(576);
    expect(last.withheld).toBe(0);
  });

  test('per instance: each pod of a service with two has its own CPU forecast and recommendation (maxParts), and keeps it across a checkpoint', () => {
    const feed = new ForecastFeed({ ...OPTS, maxParts: 20 });
    const recs = feedCpu(feed, 0, 2 * 1440 + 1);
    const longOf = (part: string | undefined) => recs.filter((r) => r.horizon === 'long' && r.part === part);
    // The total: two pods of ~0.5 cores; each pod: ~0.5 cores, sized on its own.
    expect(longOf(undefined).at(-1)!.points[0].mean).toBeGreaterThan(0.9);
    for (const pod of ['a', 'b']) {
      const last = longOf(pod).at(-1)!;
      expect(last.points[0].mean).toBeGreaterThan(0.45);
      expect(last.points[0].mean).toBeLessThan(0.625);
      expect(last.recommendation?.request).toBeGreaterThan(0.7);
      expect(last.recommendation?.request).toBeLessThan(0.75 * 1.1);
    }
    expect(feed.size).toBe(3);
    // A checkpoint keeps the parts: the restored feed continues them.
    const back = ForecastFeed.fromJSON(JSON.parse(JSON.stringify(feed.toJSON())) as ReturnType<ForecastFeed['toJSON']>, { ...OPTS, maxParts: 20 });
    const more = feedCpu(back, 2 * 1440 + 1, 2 * 1440 + 121);
    expect(new Set(more.map((r) => r.part ?? ''))).toEqual(new Set(['', 'a', 'b']));
    expect(back.size).toBe(3);
    // One pod alone is the total: no part series; maxParts bounds the parts of a series.
    const one = new ForecastFeed({ ...OPTS, maxParts: 20 });
    for (let m = 0; m < 600; m++) one.add('solo', 'k8s.pod.cpu.usage', 'cpu', 'only-pod', T0 + m * 60_000 + 1, 0.5, false);
    expect(one.size).toBe(1);
    const capped = new ForecastFeed({ ...OPTS, maxParts: 2 });
    for (let m = 0; m < 30; m++) for (const pod of ['a', 'b', 'c']) capped.add('many', 'k8s.pod.cpu.usage', 'cpu', pod, T0 + m * 60_000 + 1, 0.5, false);
    expect(capped.size).toBe(3); // the total, a and b
  });

  test('less than a day learnt: the recommendation is the day-ahead 95 % upper bound, claiming no risk', () => {
    const feed = new ForecastFeed(OPTS);
    const last = feedCpu(feed, 0, 3 * 60 + 1).filter((r) => r.horizon === 'long').at(-1)!;
    const rec = last.recommendation!;
    expect(rec.request).toBe(Math.max(...last.points.map((p) => p.hi95)));
    expect(rec.request).toBeGreaterThanOrEqual(Math.max(...last.points.map((p) => p.mean)));
    expect([rec.riskShort, rec.expectedSlack, rec.expectedShortfall]).toEqual([null, null, null]);
    expect(rec.replicas).toBe(Math.max(1, Math.ceil(rec.request / 0.7)));
    expect(rec.why).toMatch(/^warming up \(3\.0 h learnt, a day needed\)/);
  });

  test('a failed verification: the held steps are fed with learn=false, exactly as if never learnt; a pass learns them', () => {
    // The verification runs over minutes 1440-1469; the spike (+10 cores) over 1440-1464. Step 288
    // (minutes 1435-1439) is still open when the verification starts: it is held too; step 294
    // (1465-1469) is still open at the verdict: it is learnt.
    const spike = (m: number) => (m >= 1440 && m < 1465 ? 5 : 0);
    const run = (verdict: 'fail' | 'pass') => {
      const feed = new ForecastFeed(OPTS);
      feedCpu(feed, 0, 1440);
      feed.hold('checkout');
      // During the verification no forecast is published (its steps are held).
      const during = feedCpu(feed, 1440, 1470, spike);
      expect(during).toEqual([]);
      const released = feed.release('checkout', verdict === 'pass');
      const after = feedCpu(feed, 1470, 1501);
      return { feed, released, after };
    };
    const failed = run('fail');
    const passed = run('pass');
    // One forecast per series at the release, from the newest released step.
    expect(failed.released.map((r) => r.horizon)).toEqual(['short']);
    expect(failed.released[0].withheld).toBe(6);
    expect(passed.released[0].withheld).toBe(0);
    const lastLong = (r: ForecastRecord[]) => r.filter((x) => x.horizon === 'long').at(-1)!;
    expect(lastLong(failed.after).withheld).toBe(6);
    // The same forecast as a forecaster that only ever learnt the other steps (the spike withheld).
    // Forecasts are asked at the same origins as the feed asks them (after each step, not while held).
    const ref = new SeasonalForecaster();
    let f = ref.forecast(T0 / 1000);
    for (let k = 1; k <= 300; k++) {
      const ts = (T0 + k * STEP) / 1000;
      if (k >= 288 && k <= 293) ref.update(ts - 150, 0, false);
      else {
        let v = 0;
        for (let m = (k - 1) * 5; m < k * 5; m++) v += (1 + 0.5 * Math.sin((2 * Math.PI * m) / 1440)) / 2;
        ref.update(ts - 150, 2 * (v / 5));
      }
      if (k < 288 || k >= 293) f = ref.forecast(ts);
    }
    lastLong(failed.after).points.forEach((p, i) => expect(p.mean).toBeCloseTo(f.long[i].point, 9));
    // A pass learns the spike: the day-ahead forecast moves.
    expect(lastLong(passed.after).points[0].mean).not.toBeCloseTo(lastLong(failed.after).points[0].mean, 3);
  });

  test('state round-trips through JSON (held steps, failed versions) and continues identically', () => {
    const a = new ForecastFeed(OPTS);
    feedCpu(a, 0, 100);
    a.hold('checkout');
    a.markFailed('checkout', 'v2');
    feedCpu(a, 100, 130);
    const b = ForecastFeed.fromJSON(JSON.parse(JSON.stringify(a.toJSON())) as ReturnType<typeof a.toJSON>, OPTS);
    expect(b.isFailed('checkout', 'v2')).toBe(true);
    expect(b.release('checkout', false)).toEqual(a.release('checkout', false));
    expect(feedCpu(b, 130, 200)).toEqual(feedCpu(a, 130, 200));
  });

  test('bounded: series past maxSeries are counted and dropped; late samples are counted', () => {
    const feed = new ForecastFeed({ ...OPTS, maxSeries: 1 });
    feed.add('a', 'rate', 'load', 'GET /', T0 + 1, 10, false);
    feed.add('b', 'rate', 'load', 'GET /', T0 + 1, 10, false);
    expect(feed.size).toBe(1);
    expect(feed.dropped).toBe(1);
    feed.add('a', 'rate', 'load', 'GET /', T0 + 2 * STEP, 10, false);
    feed.add('a', 'rate', 'load', 'GET /', T0 + 1, 10, false);
    expect(feed.late).toBe(1);
  });

  test('a verification whose verdict never comes stops holding after maxHeldSteps: steps learnt, forecasts published again', () => {
    const feed = new ForecastFeed({ ...OPTS, maxHeldSteps: 6 });
    feedCpu(feed, 0, 120);
    feed.hold('checkout');
    const recs = feedCpu(feed, 120, 200);
    // Step 24 (open at hold) and 25..30 held: the 7th held step releases them, then one forecast per step.
    const short = recs.filter((r) => r.horizon === 'short');
    expect(short[0].originMs).toBe(T0 + 30 * STEP);
    expect(short.map((r) => r.originMs)).toEqual(Array.from({ length: short.length }, (_, i) => T0 + (30 + i) * STEP));
    expect(short.at(-1)!.withheld).toBe(0);
    expect(short.at(-1)!.learnt).toBe(39);
  });
});

const str = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });
/** One OTLP request: `n` SERVER spans of `service` in the second starting at `ms`. */
function spans(service: string, version: string, ms: number, n: number, errorEvery = 0): Uint8Array {
  const list: Span[] = [];
  for (let i = 0; i < n; i++) {
    const start = BigInt(ms + Math.floor((i * 1000) / n)) * 1_000_000n;
    list.push({
      traceId: new Uint8Array(16).fill(1), spanId: new Uint8Array(8).fill(2), traceState: '', parentSpanId: new Uint8Array(0), flags: 0,
      name: i % 2 ? 'POST /pay' : 'GET /status', kind: 2, startTimeUnixNano: start, endTimeUnixNano: start + 20_000_000n, attributes: [],
      droppedAttributesCount: 0, events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0, status: { code: errorEvery && i % errorEvery === 0 ? 2 : 0, message: '' },
    });
  }
  return encodeTraces({ resourceSpans: [{ resource: { attributes: [str('service.name', service), str('service.version', version)], droppedAttributesCount: 0, entityRefs: [] }, scopeSpans: [{ scope: undefined, spans: list, schemaUrl: '' }], schemaUrl: '' }] });
}

describe('spans processor feeds the request rate', () => {
  const config = parseConfig({});
  const ctx = { detector: config.detector, topics: config.topics };

  test('forecast records of the service rate on topics.forecasts; a checkpoint without forecasts (older format) restores', () => {
    const p = createProcessor('spans', ctx);
    const forecasts: ForecastRecord[] = [];
    const drive = (proc: typeof p, fromS: number, toS: number) => {
      for (let s = fromS; s < toS; s += 5) {
        for (const r of proc.process(spans('payments', 'v1', T0 + s * 1000, 10))) if (r.topic === config.topics.forecasts) forecasts.push(decodeRecord(r.value, 'vigil.forecast/1'));
      }
    };
    drive(p, 0, 7200 + 60);
    const short = forecasts.filter((r) => r.horizon === 'short' && r.part === undefined);
    expect(short.length).toBeGreaterThanOrEqual(11);
    expect(new Set(short.map((r) => r.originMs)).size).toBe(short.length);
    expect(short.every((r) => r.service === 'payments' && r.metric === 'rate' && r.kind === 'load')).toBe(true);
    // 10 requests every 5 s = 2 requests per second for the service (both operations together).
    expect(short.at(-1)!.points[0].mean).toBeCloseTo(2, 1);
    expect(forecasts.filter((r) => r.horizon === 'long').map((r) => r.originMs)).toContain(T0 + 7_200_000);
    // Each operation is forecast on its own too (detector.forecast.maxParts): 1 request/s each,
    // with ids of their own (a part's rows never replace the total's).
    for (const op of ['POST /pay', 'GET /status']) {
      const own = forecasts.filter((r) => r.horizon === 'short' && r.part === op);
      expect(own.length).toBeGreaterThanOrEqual(10);
      expect(own.every((r) => r.service === 'payments' && r.metric === 'rate' && r.kind === 'load')).toBe(true);
      expect(own.at(-1)!.points[0].mean).toBeCloseTo(1, 1);
      const same = short.find((r) => r.originMs === own.at(-1)!.originMs)!;
      expect(own.at(-1)!.id).not.toBe(same.id);
    }
    expect(new Set(forecasts.map((r) => r.part ?? '')).size).toBe(3);

    // An older checkpoint (no `forecast` field) still restores, and forecasting starts afresh.
    const old = JSON.parse(JSON.stringify(p.toJSON())) as ReturnType<typeof p.toJSON> as Record<string, unknown>;
    delete old.forecast;
    const restored = createProcessor('spans', ctx, old);
    forecasts.length = 0;
    drive(restored, 7260, 7260 + 7200);
    expect(forecasts.length).toBeGreaterThan(0);
    expect(forecasts[0].learnt).toBeLessThan(24);
    expect(forecasts.at(-1)!.learnt).toBeLessThan(short.at(-1)!.learnt + 24);
    // The current format carries it.
    expect((restored.toJSON() as { forecast?: unknown }).forecast).toBeDefined();
  });

  test('a deploy that fails verification: its 5x traffic is held, then withheld; after the rollback learning resumes', () => {
    const p = createProcessor('spans', ctx);
    const verdicts: string[] = [];
    const got: Array<{ atS: number; r: ForecastRecord }> = [];
    const drive = (fromS: number, toS: number, version: string, n: number, errorEvery = 0) => {
      for (let s = fromS; s < toS; s += 5) {
        for (const r of p.process(spans('payments', version, T0 + s * 1000, n, errorEvery))) {
          if (r.topic === config.topics.verdicts) verdicts.push(decodeRecord(r.value, 'vigil.verdict/1').status);
          if (r.topic === config.topics.forecasts) got.push({ atS: s, r: decodeRecord(r.value, 'vigil.forecast/1') });
        }
      }
    };
    drive(0, 7200, 'v1', 10); // 2 requests/s for two hours
    const totals = () => got.filter((g) => g.r.horizon === 'short' && g.r.part === undefined);
    const before = totals().at(-1)!.r;
    expect(before.withheld).toBe(0);
    // v2: five times the traffic, every other request failing, until the verdict; then 10 more minutes.
    drive(7200, 7200 + 900, 'v2', 50, 2);
    expect(verdicts[0]).toBe('running');
    expect(verdicts).toContain('fail');
    // Rolled back: v1 again.
    drive(8100, 8100 + 1800, 'v1', 10);
    const after = totals().at(-1)!.r;
    // Every 5-minute step of v2 (held, then withheld on the fail, then withheld as a failed version)
    // was not learnt: 3 steps, plus at most the step still open when the verification started (held
    // with it) and the first step after the rollback (its rate drop may be flagged as an anomaly).
    expect(after.withheld).toBeGreaterThanOrEqual(3);
    expect(after.withheld).toBeLessThanOrEqual(5);
    expect(after.withheld + after.learnt).toBe(before.learnt + before.withheld + (8100 + 1800 - 7200) / 300);
    expect(after.learnt).toBeGreaterThan(before.learnt);
    // The 10 requests/s of v2 did not teach the forecaster: the next hour stays at ~2 requests/s.
    for (const pt of after.points) expect(pt.mean).toBeLessThan(3);
  });
});

/** One OTLP metrics request: the CPU (cores) of `service`'s pod at `ms`, as a k8s.pod.cpu.usage gauge. */
function cpuMetric(service: string, version: string, ms: number, cores: number): Uint8Array {
  return encodeMetrics({ resourceMetrics: [{
    resource: { attributes: [str('service.name', service), str('service.version', version)], droppedAttributesCount: 0, entityRefs: [] },
    scopeMetrics: [{ scope: undefined, schemaUrl: '', metrics: [{ name: 'k8s.pod.cpu.usage', description: '', unit: '1', metadata: [], gauge: {
      dataPoints: [{ attributes: [str('k8s.pod.name', 'payments-0')], startTimeUnixNano: 0n, timeUnixNano: BigInt(ms) * 1_000_000n, asDouble: cores, flags: 0, exemplars: [] }] } }] }],
    schemaUrl: '' }] });
}

describe('metrics processor: a failed deploy\'s CPU is withheld like its request rate', () => {
  const config = parseConfig({});

  // Spans and CPU of `payments` side by side: v1 for two hours (1 core), v2 for 15 minutes (5x the
  // traffic, half of it failing, 4 cores), then v1 again for 30 minutes. `route` hands the spans
  // processor's verdicts to the metrics processor as the detector does (pipeline.ts), or not.
  const run = (route: boolean) => {
    let metrics: PartitionProcessor | null = null;
    const seen: VerdictRecord[] = [];
    const ctx = {
      detector: config.detector, topics: config.topics,
      ...(route ? { verdicts: (v: VerdictRecord) => { seen.push(v); metrics!.observeVerdict!(v); } } : {}),
    };
    const sp = createProcessor('spans', ctx);
    metrics = createProcessor('metrics', ctx);
    const cpu: ForecastRecord[] = [];
    const drive = (fromS: number, toS: number, version: string, n: number, errorEvery: number, cores: number) => {
      for (let s = fromS; s < toS; s += 5) {
        sp.process(spans('payments', version, T0 + s * 1000, n, errorEvery));
        if (s % 60 === 0) {
          for (const r of metrics.process(cpuMetric('payments', version, T0 + s * 1000 + 1, cores))) {
            if (r.topic === config.topics.forecasts) cpu.push(decodeRecord(r.value, 'vigil.forecast/1'));
          }
        }
      }
    };
    drive(0, 7200, 'v1', 10, 0, 1);
    const before = cpu.filter((r) => r.horizon === 'short').at(-1)!;
    drive(7200, 7200 + 900, 'v2', 50, 2, 4);
    drive(8100, 8100 + 1800, 'v1', 10, 0, 1);
    return { before, after: cpu.filter((r) => r.horizon === 'short').at(-1)!, seen };
  };

  test('routed verdicts: the v2 steps are held, then withheld on the fail; the CPU forecast stays at v1\'s level', () => {
    const { before, after, seen } = run(true);
    expect(seen.map((v) => v.status)).toEqual(['running', 'fail']);
    expect(before.metric).toBe('k8s.pod.cpu.usage');
    // The 3 steps of v2, at most the one open when the verification started (held with it), and at
    // most the first after the rollback (the drop back may be flagged as an anomaly).
    expect(after.withheld).toBeGreaterThanOrEqual(3);
    expect(after.withheld).toBeLessThanOrEqual(5);
    expect(after.withheld + after.learnt).toBe(before.learnt + before.withheld + (8100 + 1800 - 7200) / 300);
    for (const pt of after.points) expect(pt.mean).toBeLessThan(1.5);
  });

  test('without the verdicts (the previous behaviour) fewer v2 steps are withheld: only where an anomaly flags them', () => {
    const routed = run(true).after;
    const alone = run(false).after;
    expect(alone.withheld).toBeLessThan(routed.withheld);
  });
});
