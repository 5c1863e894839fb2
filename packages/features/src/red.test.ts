import { Mulberry32 } from '@vigil/stats';
import { describe, expect, it } from 'vitest';
import { RedAggregator, isErrorSpan } from './red.js';
import type { RedWindow, SpanInput } from './red.js';

const MS = 1_000_000n;
const T0 = 1_700_000_000_000n; // ms

function span(endMs: number, durMs: number, extra: Partial<SpanInput> = {}): SpanInput {
  const end = (T0 + BigInt(Math.round(endMs))) * MS;
  const start = end - BigInt(Math.round(durMs * 1e6));
  return { service: 'checkout', name: 'POST /pay', kind: 2, startTimeUnixNano: start, endTimeUnixNano: end, statusCode: 0, attributes: {}, ...extra };
}

/** numpy.quantile(method="lower"): the element of rank floor(q·(n−1)) — DDSketch's convention. */
function lowerQuantile(sorted: number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))];
}

describe('isErrorSpan', () => {
  it('follows status and the HTTP/gRPC semantic conventions for server spans', () => {
    expect(isErrorSpan(span(0, 1, { statusCode: 2 }))).toBe(true);
    expect(isErrorSpan(span(0, 1, { attributes: { 'http.response.status_code': 503 } }))).toBe(true);
    expect(isErrorSpan(span(0, 1, { attributes: { 'http.status_code': '500' } }))).toBe(true);
    expect(isErrorSpan(span(0, 1, { attributes: { 'http.response.status_code': 404 } }))).toBe(false);
    expect(isErrorSpan(span(0, 1, { attributes: { 'rpc.grpc.status_code': 14 } }))).toBe(true); // UNAVAILABLE
    expect(isErrorSpan(span(0, 1, { attributes: { 'rpc.grpc.status_code': 5 } }))).toBe(false); // NOT_FOUND
    expect(isErrorSpan(span(0, 1, { attributes: { 'rpc.grpc.status_code': 3 } }))).toBe(false); // INVALID_ARGUMENT
    // HTTP 5xx marks only server spans as errors.
    expect(isErrorSpan(span(0, 1, { kind: 5, attributes: { 'http.response.status_code': 503 } }))).toBe(false);
    expect(isErrorSpan(span(0, 1, { kind: 5, statusCode: 2 }))).toBe(true);
  });
});

describe('RedAggregator', () => {
  it('matches exact counts, error ratios and quantiles (within the sketch bound) per window and version', () => {
    const rng = new Mulberry32(7);
    const red = new RedAggregator({ windowMs: 10_000, allowedLatenessMs: 2_000 });
    const exact = new Map<string, { n: number; err: number; lat: number[] }>();
    for (let i = 0; i < 6000; i++) {
      const endMs = i * 5 + rng.next() * 4; // in order within 5 ms, 30 s total
      const v1 = rng.next() < 0.5;
      const dur = Math.exp(rng.nextGaussian() * 0.8 + 3); // log-normal ms
      const err = rng.next() < (v1 ? 0.02 : 0.1);
      const s = span(endMs, dur, { serviceVersion: v1 ? '1.0' : '1.1', attributes: err ? { 'http.response.status_code': 502 } : { 'http.response.status_code': 200 } });
      expect(red.add(s)).toBe('counted');
      const w = Math.floor(Number(T0 + BigInt(Math.round(endMs))) / 10_000) * 10_000;
      const durMs = Number((BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano))) / 1e6;
      for (const k of [`${w}|`, `${w}|${v1 ? '1.0' : '1.1'}`]) {
        const e = exact.get(k) ?? { n: 0, err: 0, lat: [] };
        e.n++;
        if (err) e.err++;
        e.lat.push(durMs);
        exact.set(k, e);
      }
    }
    const out: RedWindow[] = [...red.closeWindows(), ...red.flush()];
    expect(out.length).toBe(exact.size);
    for (const w of out) {
      const e = exact.get(`${w.windowStartMs}|${w.serviceVersion ?? ''}`);
      expect(e).toBeDefined();
      if (e === undefined) continue;
      expect(w.requests).toBe(e.n);
      expect(w.errors).toBe(e.err);
      expect(w.errorRatio).toBeCloseTo(e.err / e.n, 12);
      expect(w.requestRatePerS).toBeCloseTo(e.n / 10, 12);
      const sorted = e.lat.slice().sort((a, b) => a - b);
      for (const [q, got] of [[0.5, w.latencyMs.p50], [0.95, w.latencyMs.p95], [0.99, w.latencyMs.p99]] as const) {
        const want = lowerQuantile(sorted, q);
        expect(Math.abs(got - want)).toBeLessThanOrEqual(0.01 * want + 1e-9);
      }
      expect(w.latencyMs.max).toBeCloseTo(sorted[sorted.length - 1], 9);
    }
    // Keys: one all-versions series and one per version.
    expect(new Set(out.map((w) => w.seriesKey))).toEqual(new Set(['checkout/POST \\/pay', 'checkout/POST \\/pay@1.0', 'checkout/POST \\/pay@1.1']));
  });

  it('ignores non-entry spans, closes windows by watermark and drops data later than the lateness', () => {
    const red = new RedAggregator({ windowMs: 10_000, allowedLatenessMs: 3_000 });
    expect(red.add(span(1_000, 5, { kind: 3 }))).toBe('ignored-kind');
    expect(red.add(span(1_000, 5))).toBe('counted');
    expect(red.add(span(12_000, 5))).toBe('counted'); // watermark 9 000: window [0,10s) still open
    expect(red.closeWindows()).toEqual([]);
    expect(red.add(span(9_500, 5))).toBe('counted'); // late but within lateness
    expect(red.add(span(13_500, 5))).toBe('counted'); // watermark 10 500 ⇒ window 0 closes
    const closed = red.closeWindows();
    const base = Number(T0 / 10_000n) * 10_000;
    expect(closed.map((w) => [w.windowStartMs - base, w.requests])).toEqual([[0, 2]]);
    expect(red.add(span(2_000, 5))).toBe('late');
    expect(red.stats().lateDropped).toBe(1);
    expect(red.stats().ignoredKind).toBe(1);
    expect(red.flush().map((w) => w.requests)).toEqual([2]);
  });

  it('guards cardinality per service', () => {
    const red = new RedAggregator({ maxOperationsPerService: 3 });
    for (let i = 0; i < 10; i++) red.add(span(i, 1, { name: `GET /item/${i}` }));
    red.add(span(11, 1, { name: 'GET /item/0' }));
    expect(red.stats().operationLimitDropped).toBe(7);
    expect(red.flush().filter((w) => w.serviceVersion === null).map((w) => [w.operation, w.requests])).toEqual([
      ['GET /item/0', 2],
      ['GET /item/1', 1],
      ['GET /item/2', 1],
    ]);
  });

  it('gives the same windows after a JSON checkpoint round trip', () => {
    const rng = new Mulberry32(3);
    const spans = Array.from({ length: 3000 }, (_, i) => span(i * 20 + rng.next() * 8000, 1 + rng.next() * 100, { statusCode: rng.next() < 0.1 ? 2 : 0, serviceVersion: i % 3 === 0 ? 'b' : 'a' }));
    const a = new RedAggregator();
    const b0 = new RedAggregator();
    const outA: RedWindow[] = [];
    const outB: RedWindow[] = [];
    spans.slice(0, 1500).forEach((s, i) => {
      a.add(s);
      b0.add(s);
      if (i % 100 === 99) {
        outA.push(...a.closeWindows());
        outB.push(...b0.closeWindows());
      }
    });
    const b = RedAggregator.fromJSON(JSON.parse(JSON.stringify(b0.toJSON())) as ReturnType<typeof b0.toJSON>);
    spans.slice(1500).forEach((s, i) => {
      a.add(s);
      b.add(s);
      if (i % 100 === 99) {
        outA.push(...a.closeWindows());
        outB.push(...b.closeWindows());
      }
    });
    outA.push(...a.flush());
    outB.push(...b.flush());
    expect(outB).toEqual(outA);
    expect(b.stats().lateDropped).toBe(a.stats().lateDropped);
    expect(a.stats().lateDropped).toBeGreaterThan(0);
  });

  it('rejects unknown options with the key quoted', () => {
    expect(() => new RedAggregator({ windowMS: 1 } as never)).toThrow(/"windowMS"/);
    expect(() => new RedAggregator({ windowMs: 0 })).toThrow(/"windowMs".*0/);
  });
});
