import { Mulberry32 } from '@vigil/stats';
import { describe, expect, it } from 'vitest';
import { SeasonalForecaster } from './forecaster.js';
import { pickByCost, recommend, sizingCurve } from './recommender.js';
import { VpaCpu, VpaMemory } from './vpa.js';

const T0 = 1_700_000_000 - (1_700_000_000 % 86400);

// Usage with a daily cycle and gamma-distributed bursts, one sample per 5 minutes; seeded.
function usage(days: number, seed: number): { t: number[]; x: number[] } {
  const rng = new Mulberry32(seed);
  const t: number[] = [];
  const x: number[] = [];
  for (let i = 0; i < days * 288; i++) {
    const ts = T0 + 300 * (i + 1) - 11;
    const base = 2 + Math.sin((2 * Math.PI * (ts % 86400)) / 86400);
    t.push(ts);
    x.push(base + Math.abs(rng.nextGaussian()) * 0.3);
  }
  return { t, x };
}

describe('recommend', () => {
  const { t, x } = usage(28, 5);
  const split = 21 * 288;
  const f = new SeasonalForecaster();
  for (let i = 0; i < split; i++) f.update(t[i], x[i]);
  const origin = t[split - 1] - (t[split - 1] % 3600);
  const fc = f.forecast(origin);
  const next = x.slice(split, split + 288);

  it('sizes to the requested risk: the share of the next day above the request is near it', () => {
    for (const risk of [0.01, 0.05]) {
      const rec = recommend(f, fc, { risk })!;
      const above = next.filter((v) => v > rec.request).length / next.length;
      expect(Math.abs(above - risk)).toBeLessThan(0.04);
      expect(Math.abs(rec.riskShort - risk)).toBeLessThan(0.01);
      expect(rec.request).toBeGreaterThan(rec.peakPoint * 0.9);
      expect(rec.why).toMatch(/day-ahead forecast peaks at/);
    }
  });

  it('a higher shortfall cost never lowers the request; the expected slack follows it', () => {
    const curve = sizingCurve(f, fc, 0.001)!;
    const reqs = [0.5, 2, 8, 32].map((c) => pickByCost(curve, 4, c)!);
    for (let i = 1; i < reqs.length; i++) {
      expect(reqs[i].request).toBeGreaterThanOrEqual(reqs[i - 1].request);
      expect(reqs[i].risk).toBeLessThanOrEqual(reqs[i - 1].risk);
      expect(reqs[i].over).toBeGreaterThanOrEqual(reqs[i - 1].over);
    }
  });

  it('gives replicas for a target utilisation and rejects bad options', () => {
    const rec = recommend(f, fc, { risk: 0.02, replicaCapacity: 1, targetUtilisation: 0.7 })!;
    expect(rec.replicas).toBe(Math.ceil(rec.request / 0.7));
    expect(() => recommend(f, fc, { risk: 0 })).toThrow(/"risk" must be in/);
    expect(() => recommend(f, fc, { risk: 0.02, replicaCapacity: 1, targetUtilisation: 2 })).toThrow(/targetUtilisation/);
  });
});

describe('VPA baseline', () => {
  it('CPU: the 90th percentile bucket end times 1.15 (constant usage of 1 core)', () => {
    const v = new VpaCpu();
    for (let i = 0; i < 100; i++) v.add(T0 + 300 * i, 1, 1);
    // 1 core falls in bucket floor(log(1 * 0.05 / 0.01 + 1) / log 1.05) = 36, which ends at
    // 0.01 * (1.05^37 - 1) / 0.05 cores (VPA's exponential buckets, first 0.01, growth 5 %).
    expect(v.targetCores()).toBeCloseTo(((0.01 * (1.05 ** 37 - 1)) / 0.05) * 1.15, 10);
  });

  it('CPU: at least 25 millicores', () => {
    const v = new VpaCpu();
    v.add(T0, 0, 1);
    expect(v.targetCores()).toBe(0.025);
  });

  it('memory: daily peaks, the older ones weighing half per day, at least 250 MiB', () => {
    const v = new VpaMemory();
    // Day 1 (older) peaks at 8 GB, day 2 (newer) at 1 GB: weights 1/2 and 1; p90 lands on 8 GB's bucket.
    v.add(T0 + 3600, 8e9);
    v.add(T0 + 86400 + 3600, 1e9);
    const target = v.targetBytes(T0 + 2 * 86400);
    expect(target).toBeGreaterThan(8e9 * 1.15);
    expect(target).toBeLessThan(8e9 * 1.05 * 1.15 + 1);
    expect(new VpaMemory().targetBytes(T0)).toBe(250 * 1024 * 1024);
  });
});

describe("the recent-values basis (sizingBasis 'recent')", () => {
  // Bursty usage: an idle level with rare, short bursts (most of the VMs' CPU in eval:forecast).
  function bursty(days: number, seed: number): { t: number[]; x: number[] } {
    const rng = new Mulberry32(seed);
    const t: number[] = [];
    const x: number[] = [];
    for (let i = 0; i < days * 288; i++) {
      t.push(T0 + 300 * (i + 1) - 7);
      x.push(rng.next() < 0.05 ? 40 + 60 * rng.next() : 3 + rng.next());
    }
    return { t, x };
  }
  // The direct definition: the weighted (1 - risk) quantile of the 5-minute values, weights
  // 2^(n / halfLife) for the n-th value learnt.
  function weightedQuantile(x: number[], halfLife: number, p: number): number {
    const w = x.map((_, i) => 2 ** (i / halfLife));
    const order = x.map((_, i) => i).sort((a, b) => x[a] - x[b]);
    const total = w.reduce((a, b) => a + b, 0);
    let cum = 0;
    for (const i of order) { cum += w[i]; if (cum >= p * total) return x[i]; }
    return x[order[order.length - 1]];
  }

  const { t, x } = bursty(6, 11);
  const recent = new SeasonalForecaster({ sizingBasis: 'recent' });
  const spread = new SeasonalForecaster();
  for (let i = 0; i < t.length; i++) { recent.update(t[i], x[i]); spread.update(t[i], x[i]); }
  const origin = t[t.length - 1] - (t[t.length - 1] % 3600);

  it('sizes at the decayed quantile of the recent values, within one 10 % bucket', () => {
    // The forecaster learns each 5-minute value once its bin closes, from the second bin on.
    const learnt = x.slice(1, -1);
    for (const risk of [0.01, 0.03, 0.1]) {
      const rec = recommend(recent, recent.forecast(origin), { risk })!;
      const q = weightedQuantile(learnt, 144, 1 - risk);
      expect(rec.request).toBeGreaterThanOrEqual(q * 0.999);
      expect(rec.request).toBeLessThanOrEqual(q * 1.1 * 1.001);
      expect(rec.riskShort).toBeLessThanOrEqual(risk);
      expect(rec.why).toMatch(/distribution of recent 5-minute values \(half-life 12.0 h\)/);
    }
  });

  it('leaves the forecasts unchanged and holds the same state size as the forecast basis', () => {
    expect(recent.forecast(origin)).toEqual(spread.forecast(origin));
    expect(recent.stateBytes()).toBe(spread.stateBytes());
  });

  it('follows a load that rises 100-fold and falls back (the window slides both ways)', () => {
    const f = new SeasonalForecaster({ sizingBasis: 'recent' });
    let ts = T0;
    const feed = (v: number, n: number): void => { for (let i = 0; i < n; i++) f.update((ts += 300), v); };
    feed(2, 288);
    feed(200, 288 * 4);
    let rec = recommend(f, f.forecast(ts - (ts % 3600)), { risk: 0.05 })!;
    expect(rec.request).toBeGreaterThanOrEqual(200);
    expect(rec.request).toBeLessThan(220);
    feed(2, 288 * 3); // six half-lives: the high values weigh under 2 %
    rec = recommend(f, f.forecast(ts - (ts % 3600)), { risk: 0.05 })!;
    expect(rec.request).toBeGreaterThanOrEqual(2);
    expect(rec.request).toBeLessThan(2.2);
  });

  it('round-trips through JSON with its window; an older state (no window yet) restores', () => {
    const j = recent.toJSON();
    const back = SeasonalForecaster.fromJSON(JSON.parse(JSON.stringify(j)) as typeof j);
    const fc = recent.forecast(origin);
    expect(recommend(back, fc, { risk: 0.02 })).toEqual(recommend(recent, fc, { risk: 0.02 }));
    const older = JSON.parse(JSON.stringify(j)) as typeof j;
    delete (older.scalars as Record<string, unknown>).recentTop;
    expect(() => SeasonalForecaster.fromJSON(older)).not.toThrow();
  });

  it('a flagged spike (a deploy rolled back) does not enter the recent values', () => {
    const a = new SeasonalForecaster({ sizingBasis: 'recent' });
    const b = new SeasonalForecaster({ sizingBasis: 'recent' });
    for (let i = 0; i < t.length; i++) {
      a.update(t[i], x[i]);
      const spike = i >= 1000 && i < 1012;
      b.update(t[i], spike ? 500 : x[i], !spike);
    }
    expect(b.recentValues().values).toEqual(a.recentValues().values);
    expect(b.recentValues().values.at(-1)).toBeLessThan(110);
  });

  it("recentScaling: the recent values' shape at the forecast's level, within [1/2, 2]", () => {
    // Steady usage: the forecast's level is the recent values' level, so the request hardly moves.
    const scaled = new SeasonalForecaster({ sizingBasis: 'recent', recentScaling: true });
    const plain = new SeasonalForecaster({ sizingBasis: 'recent' });
    const rng = new Mulberry32(5);
    let ts = T0;
    const feed = (level: number, n: number): void => {
      for (let i = 0; i < n; i++) {
        const v = level * (1 + 0.1 * rng.nextGaussian());
        ts += 300;
        scaled.update(ts, v);
        plain.update(ts, v);
      }
    };
    feed(10, 288 * 4);
    const at = (): { s: ReturnType<typeof recommend>; p: ReturnType<typeof recommend>; k: number } => {
      const fs = scaled.forecast(ts - (ts % 3600));
      const s = recommend(scaled, fs, { risk: 0.02 })!;
      const p = recommend(plain, plain.forecast(ts - (ts % 3600)), { risk: 0.02 })!;
      const curve = sizingCurve(scaled, fs, 0.02)!;
      return { s, p, k: curve.scale! };
    };
    let r = at();
    expect(r.k).toBeGreaterThan(0.95);
    expect(r.k).toBeLessThan(1.05);
    expect(r.s.request).toBeCloseTo(r.p.request * r.k, 9);
    expect(r.s.why).toMatch(/moved to the forecast's level \(×/);
    expect(r.p.why).not.toMatch(/forecast's level/);
    // After a step (the load doubled for the last 8 hours) the factor is, by definition, the
    // day-ahead forecast's mean over the recent values' mean (each 10 % bucket at its geometric
    // middle), within [1/2, 2], and the request moves by it.
    feed(20, 96);
    r = at();
    const { values, mass } = scaled.recentValues();
    const recentMean = values.reduce((a, v, i) => a + (v / Math.sqrt(1.1)) * mass[i], 0) / mass.reduce((a, m) => a + m, 0);
    expect(r.k).toBeCloseTo(Math.min(2, Math.max(0.5, r.s.meanPoint / recentMean)), 9);
    expect(r.s.request).toBeCloseTo(r.p.request * r.k, 9);
    expect(() => new SeasonalForecaster({ recentScaling: 'yes' as unknown as boolean })).toThrow(/"recentScaling" must be a boolean, got "yes"/);
  });

  it('sizes all-zero usage at zero and rejects a bad basis', () => {
    const f = new SeasonalForecaster({ sizingBasis: 'recent' });
    for (let i = 0; i < 600; i++) f.update(T0 + 300 * (i + 1), 0);
    expect(recommend(f, f.forecast(T0 + 300 * 600), { risk: 0.02 })!.request).toBe(0);
    expect(() => new SeasonalForecaster({ sizingBasis: 'median' as 'recent' })).toThrow(/"sizingBasis" must be "forecast" or "recent", got "median"/);
  });
});
