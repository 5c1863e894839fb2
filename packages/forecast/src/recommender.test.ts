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
