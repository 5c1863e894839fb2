import { describe, expect, it } from 'vitest';
import { MetricSeries, explicitHistogramQuantile, exponentialHistogramQuantile, metricSeriesKey } from './metrics.js';
import type { MetricPointInput, MetricSample } from './metrics.js';

const S = 1_000_000_000n; // ns per second
const T = 1_700_000_000n; // s

const at = (sec: number): bigint => (T + BigInt(sec)) * S;
const field = (out: MetricSample[], f: string): number | undefined => out.find((s) => s.field === f)?.value;

function counter(sec: number, value: number, startSec?: number): MetricPointInput {
  return { type: 'sum', service: 'api', metric: 'http.requests', attributes: { route: '/a', method: 'GET' }, timeUnixNano: at(sec), startTimeUnixNano: startSec === undefined ? undefined : at(startSec), value, monotonic: true, temporality: 'cumulative' };
}

describe('series identity', () => {
  it('sorts attributes and escapes values', () => {
    expect(metricSeriesKey('api', 'm', { b: 'x"y', a: 1 })).toBe('api/m{a="1",b="x\\"y"}');
    expect(metricSeriesKey('api', 'm', { a: 1, b: 'x"y' })).toBe(metricSeriesKey('api', 'm', { b: 'x"y', a: 1 }));
    const m = new MetricSeries();
    const [s] = m.add({ type: 'gauge', service: 'api', metric: 'mem', attributes: { z: 1, a: 2 }, timeUnixNano: at(0), value: 5 });
    const [t] = new MetricSeries().add({ type: 'gauge', service: 'api', metric: 'mem', attributes: { a: 2, z: 1 }, timeUnixNano: at(9), value: 6 });
    expect(s.seriesHash).toBe(t.seriesHash);
    expect(s.seriesHash).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('cumulative counters', () => {
  it('turns increases into rates and handles resets by drop and by start-time change', () => {
    const m = new MetricSeries();
    expect(m.add(counter(0, 100))).toEqual([]); // no start time: nothing to difference yet
    expect(field(m.add(counter(10, 150)), 'rate')).toBeCloseTo(5, 12); // 50 / 10 s
    // value drop = reset: the new value counts since the reset, over the gap since the last point
    expect(field(m.add(counter(20, 30)), 'rate')).toBeCloseTo(3, 12);
    expect(field(m.add(counter(30, 60, 25)), 'rate')).toBeCloseTo(3, 12); // first start time seen: plain difference
    // start time changes while the value still grows: a reset, the increase is 80 over 40−38 s
    expect(field(m.add(counter(40, 80, 38)), 'rate')).toBeCloseTo(40, 12);
    expect(m.stats().resets).toBe(2);
  });

  it('uses the start time of a first point, drops out-of-order and duplicate points', () => {
    const m = new MetricSeries();
    expect(field(m.add(counter(10, 40, 0)), 'rate')).toBeCloseTo(4, 12);
    expect(m.add(counter(5, 20, 0))).toEqual([]);
    expect(m.add(counter(10, 40, 0))).toEqual([]);
    expect(m.stats().outOfOrder).toBe(2);
    expect(field(m.add(counter(20, 60, 0)), 'rate')).toBeCloseTo(2, 12);
  });
});

describe('delta sums, gauges, up-down counters', () => {
  it('emits value/delta and rates over the interval', () => {
    const m = new MetricSeries();
    const d = m.add({ type: 'sum', service: 's', metric: 'bytes', timeUnixNano: at(10), startTimeUnixNano: at(5), value: 50, monotonic: true, temporality: 'delta' });
    expect(field(d, 'delta')).toBe(50);
    expect(field(d, 'rate')).toBeCloseTo(10, 12);
    // missing start time: the gap since the previous point
    expect(field(m.add({ type: 'sum', service: 's', metric: 'bytes', timeUnixNano: at(20), value: 30, monotonic: true, temporality: 'delta' }), 'rate')).toBeCloseTo(3, 12);
    expect(field(m.add({ type: 'sum', service: 's', metric: 'conns', timeUnixNano: at(1), value: -2, monotonic: false, temporality: 'cumulative' }), 'value')).toBe(-2);
    expect(field(m.add({ type: 'gauge', service: 's', metric: 'cpu', timeUnixNano: at(1), value: 0.25 }), 'value')).toBe(0.25);
  });
});

describe('histograms', () => {
  it('interpolates explicit-bucket quantiles (Prometheus rule)', () => {
    // buckets (−∞,1] (1,2] (2,4] (4,∞): counts 10, 20, 10, 0. rank 0.5·40 = 20 → 10 into (1,2] of 20 → 1.5
    expect(explicitHistogramQuantile(0.5, [10, 20, 10, 0], [1, 2, 4], 0, 4)).toBeCloseTo(1.5, 12);
    // rank 0.95·40 = 38 → 8 into (2,4] of 10 → 2 + 2·0.8 = 3.6
    expect(explicitHistogramQuantile(0.95, [10, 20, 10, 0], [1, 2, 4], 0, 4)).toBeCloseTo(3.6, 12);
  });

  it('differences cumulative histograms and resets on a count drop', () => {
    const m = new MetricSeries();
    const h = (sec: number, counts: number[], sum: number): MetricPointInput => ({
      type: 'histogram', service: 's', metric: 'lat', timeUnixNano: at(sec), temporality: 'cumulative', count: counts.reduce((a, b) => a + b, 0), sum, bucketCounts: counts, explicitBounds: [1, 2, 4],
    });
    expect(m.add(h(0, [5, 5, 0, 0], 10))).toEqual([]);
    const out = m.add(h(10, [15, 25, 10, 0], 70)); // interval: [10, 20, 10, 0], sum 60
    expect(field(out, 'count_rate')).toBeCloseTo(4, 12);
    expect(field(out, 'mean')).toBeCloseTo(1.5, 12);
    expect(field(out, 'p50')).toBeCloseTo(1.5, 12);
    expect(field(out, 'p95')).toBeCloseTo(3.6, 12);
    const reset = m.add(h(20, [2, 0, 0, 0], 1)); // count drop: the point is the interval since the reset
    expect(field(reset, 'count_rate')).toBeCloseTo(0.2, 12);
    expect(m.stats().resets).toBe(1);
  });

  it('computes exponential histogram quantiles within the bucket error', () => {
    // scale 0: base 2, bucket i covers (2^i, 2^(i+1)]. 100 values in (4, 8] (index 2), 100 in (8, 16].
    const q = exponentialHistogramQuantile(0.25, 0, 0, { offset: 2, bucketCounts: [100, 100] }, undefined);
    expect(q).toBeGreaterThan(4);
    expect(q).toBeLessThanOrEqual(8);
    expect(exponentialHistogramQuantile(0.75, 0, 0, { offset: 2, bucketCounts: [100, 100] }, undefined)).toBeGreaterThan(8);
    const m = new MetricSeries();
    const e = (sec: number, scale: number, offset: number, counts: number[]): MetricPointInput => ({
      type: 'exponentialHistogram', service: 's', metric: 'lat', timeUnixNano: at(sec), temporality: 'cumulative', count: counts.reduce((a, b) => a + b, 0), sum: 0, scale, zeroCount: 0, positive: { offset, bucketCounts: counts },
    });
    m.add(e(0, 1, 4, [10, 10])); // scale 1 buckets 4,5 → scale 0 bucket 2
    const out = m.add(e(10, 0, 2, [30, 40])); // downscaled: interval = [10, 40] at scale 0
    expect(field(out, 'count_rate')).toBeCloseTo(5, 12);
    const p50 = field(out, 'p50') as number; // rank 25 of 50 → in (8, 16]
    expect(p50).toBeGreaterThan(8);
    expect(p50).toBeLessThanOrEqual(16);
  });

  it('turns summaries into count and sum rates plus the reported quantiles', () => {
    const m = new MetricSeries();
    const sm = (sec: number, count: number, sum: number): MetricPointInput => ({ type: 'summary', service: 's', metric: 'rpc', timeUnixNano: at(sec), count, sum, quantiles: [{ quantile: 0.99, value: 7 }] });
    expect(field(m.add(sm(0, 10, 5)), 'p99')).toBe(7);
    const out = m.add(sm(10, 30, 25));
    expect(field(out, 'count_rate')).toBeCloseTo(2, 12);
    expect(field(out, 'sum_rate')).toBeCloseTo(2, 12);
  });
});

describe('cardinality guard and checkpoints', () => {
  it('counts and drops series past the per-service cap', () => {
    const m = new MetricSeries({ maxSeriesPerService: 5 });
    for (let i = 0; i < 12; i++) m.add({ type: 'gauge', service: 'a', metric: 'g', attributes: { id: i }, timeUnixNano: at(i), value: i });
    m.add({ type: 'gauge', service: 'b', metric: 'g', timeUnixNano: at(0), value: 1 });
    expect(m.stats().seriesLimitDropped).toBe(7);
    expect(m.stats().series).toBe(6);
    expect(m.expireIdle(Number(at(100) / 1_000_000n))).toBe(0); // within seriesIdleMs
    expect(m.expireIdle(Number(at(100_000) / 1_000_000n))).toBe(6);
  });

  it('continues counters identically after a JSON round trip', () => {
    const a = new MetricSeries();
    a.add(counter(0, 100));
    const b = MetricSeries.fromJSON(JSON.parse(JSON.stringify(a.toJSON())) as ReturnType<typeof a.toJSON>);
    expect(b.add(counter(10, 150))).toEqual(a.add(counter(10, 150)));
    expect(field(b.add(counter(20, 10)), 'rate')).toBeCloseTo(1, 12);
  });
});
