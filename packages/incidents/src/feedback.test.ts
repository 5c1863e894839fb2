import { describe, expect, it } from 'vitest';
import { FeedbackModel, parseSeriesKey } from './feedback.js';
import type { FeedbackInput } from './feedback.js';

const DAY = 86_400_000;
const T0 = 1_700_000_000_000;
const benign = (over: Partial<FeedbackInput> = {}): FeedbackInput => ({
  id: 'f1', verdict: 'not_anomaly', scope: 'series', service: 'checkout', operation: 'POST /pay', metric: 'latency_p99',
  seriesKey: 'checkout|POST /pay|latency_p99', score: 0.99, threshold: 0.9, direction: 'up', createdAtMs: T0, ...over,
});
const series = (over = {}) => ({ ...parseSeriesKey('checkout|POST /pay|latency_p99'), direction: 'up' as const, threshold: 0.9, ...over });

describe('FeedbackModel', () => {
  // Reference values: u(s) = -log10(1-s). Benign 0.99 → u=2, margin 0.5 → level 2.5; threshold
  // 0.9 → u=1; raise = 1.5 at t0. score 0.99: u' = 0.5 → 1-10^-0.5 = 0.683772; score 0.999: u' =
  // 1.5 → 0.968377; required 1-10^-2.5 = 0.996838.
  it('raises the threshold above the benign level by the margin', () => {
    const m = new FeedbackModel();
    m.add(benign(), T0);
    const same = m.adjust(series(), 0.99, T0);
    expect(same.score).toBeCloseTo(0.683772, 6);
    expect(same.suppressedBy).toBe('f1');
    expect(same.requiredScore).toBeCloseTo(0.996838, 6);
    const higher = m.adjust(series(), 0.999, T0);
    expect(higher.score).toBeCloseTo(0.968377, 6);
    expect(higher.suppressedBy).toBeUndefined();
    expect(higher.raisedBy).toBe('f1');
  });

  it('decays with the half-life', () => {
    const m = new FeedbackModel({ halfLifeMs: 7 * DAY });
    m.add(benign(), T0);
    // After 3.5 days: raise 1.5·2^-0.5 = 1.06066 → required u 2.06066 → 0.99 still suppressed.
    const mid = m.adjust(series(), 0.99, T0 + 3.5 * DAY);
    expect(mid.suppressedBy).toBe('f1');
    expect(mid.requiredScore).toBeCloseTo(1 - 10 ** -2.0606602, 6);
    // After 7 days: raise 0.75 → required u 1.75 (0.982217) → 0.99 pages again.
    const week = m.adjust(series(), 0.99, T0 + 7 * DAY);
    expect(week.suppressedBy).toBeUndefined();
    expect(week.requiredScore).toBeCloseTo(0.982217, 6);
    // Long after: pruned away entirely.
    m.prune(T0 + 70 * DAY);
    expect(m.size).toBe(0);
  });

  it('matches scope: series, operation, service', () => {
    const m = new FeedbackModel();
    m.add(benign({ id: 's', scope: 'series' }), T0);
    expect(m.adjust(series({ metric: 'error_ratio', seriesKey: 'checkout|POST /pay|error_ratio' }), 0.99, T0).suppressedBy).toBeUndefined();
    m.add(benign({ id: 'o', scope: 'operation', seriesKey: undefined }), T0);
    expect(m.adjust(series({ metric: 'error_ratio', seriesKey: 'checkout|POST /pay|error_ratio' }), 0.99, T0).suppressedBy).toBe('o');
    expect(m.adjust(series({ operation: 'GET /', seriesKey: 'checkout|GET /|latency_p99' }), 0.99, T0).suppressedBy).toBeUndefined();
    m.add(benign({ id: 'v', scope: 'service', seriesKey: undefined, operation: undefined }), T0);
    expect(m.adjust(series({ operation: 'GET /', seriesKey: 'checkout|GET /|latency_p99' }), 0.99, T0).suppressedBy).toBe('v');
    expect(m.adjust(series({ service: 'payments', seriesKey: 'payments|POST /pay|latency_p99' }), 0.99, T0)).toEqual({ score: 0.99 });
    // The string form parses service|operation|metric (no direction, no threshold).
    expect(m.adjust('checkout|POST /pay|latency_p99', 0.99, T0).suppressedBy).toBe('o');
  });

  it('ignores the other direction, is reversible, and a later "real" overrides it', () => {
    const m = new FeedbackModel();
    m.add(benign(), T0);
    expect(m.adjust(series({ direction: 'down' }), 0.99, T0)).toEqual({ score: 0.99 });
    expect(m.remove('f1')).toBe(true);
    expect(m.adjust(series(), 0.99, T0)).toEqual({ score: 0.99 });
    m.add(benign({ id: 'svc', scope: 'service' }), T0);
    m.add(benign({ id: 'r', verdict: 'real', createdAtMs: T0 + 1000 }), T0 + 1000);
    expect(m.adjust(series(), 0.99, T0 + 2000).suppressedBy).toBeUndefined();
    expect(m.adjust(series({ seriesKey: 'checkout|POST /pay|rate', metric: 'rate' }), 0.99, T0 + 2000).suppressedBy).toBe('svc');
  });

  it('round-trips through JSON with the same effect', () => {
    const m = new FeedbackModel({ halfLifeMs: 2 * DAY, marginDecades: 1 });
    m.add(benign(), T0);
    m.add(benign({ id: 'f2', scope: 'service', score: 0.9999, createdAtMs: T0 + DAY }), T0 + DAY);
    const copy = FeedbackModel.fromJSON(JSON.parse(JSON.stringify(m.toJSON())) as ReturnType<typeof m.toJSON>);
    for (const s of [0.9, 0.99, 0.999, 0.99999]) expect(copy.adjust(series(), s, T0 + 2 * DAY)).toEqual(m.adjust(series(), s, T0 + 2 * DAY));
    expect(copy.options.halfLifeMs).toBe(2 * DAY);
  });

  it('rejects bad options and feedback with messages that quote the value', () => {
    expect(() => new FeedbackModel({ halfLifeMs: 0 })).toThrow(/halfLifeMs must be > 0, got 0/);
    expect(() => new FeedbackModel().add(benign({ verdict: 'maybe' as never }), T0)).toThrow(/"maybe"/);
  });
});
