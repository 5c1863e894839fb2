import fc from 'fast-check';
import { Mulberry32 } from '@vigil/stats';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_THRESHOLD, DEFAULT_SCORER_CONFIG, DefaultScorer, createDefaultScorer, resolveScorerConfig } from './index.js';

const T0 = Date.UTC(2024, 0, 1);
const STEP = 300_000; // 5 minutes

function signal(seed: number, n: number): number[] {
  const r = new Mulberry32(seed);
  return Array.from({ length: n }, (_, i) => 50 + 10 * Math.sin((2 * Math.PI * i) / 288) + r.nextGaussian());
}

describe('DefaultScorer', () => {
  it('never alarms and scores 0 during the documented warm-up', () => {
    const s = createDefaultScorer();
    const xs = signal(1, DEFAULT_SCORER_CONFIG.warmupPoints);
    xs[50] = 1e6; // even an absurd value
    xs.forEach((x, i) => {
      const r = s.update(T0 + i * STEP, x);
      expect(r.alarm).toBe(false);
      expect(r.score).toBe(0);
      expect(r.component).toBe('warmup');
    });
  });
  it('after warm-up, a large spike alarms, explains itself, and repeats are suppressed', () => {
    const s = createDefaultScorer();
    const xs = signal(2, 2000);
    let alarmsBefore = 0;
    for (let i = 0; i < 1500; i++) if (s.update(T0 + i * STEP, xs[i]).alarm) alarmsBefore++;
    // Gaussian tails visit a few never-seen value cells over 1,300 scored points (novelty layer).
    expect(alarmsBefore).toBeLessThanOrEqual(6);
    const r = s.update(T0 + 1500 * STEP, 200);
    expect(r.alarm).toBe(true);
    expect(r.score).toBeGreaterThanOrEqual(DEFAULT_ALERT_THRESHOLD);
    expect(r.score).toBeLessThanOrEqual(1);
    expect(r.value).toBe(200);
    expect(r.upper).toBeLessThan(200);
    expect(r.lower).toBeLessThan(r.expected);
    expect(r.expected).toBeGreaterThan(30);
    expect(r.expected).toBeLessThan(70);
    expect(['range', 'residual']).toContain(r.component);
    const next = s.update(T0 + 1501 * STEP, 210);
    expect(next.alarm).toBe(false); // refractory
    expect(next.score).toBeLessThan(DEFAULT_ALERT_THRESHOLD);
  });
  it('scores are in [0, 1] and non-finite input is ignored', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.constant(Number.NaN), fc.constant(Infinity)), { minLength: 1, maxLength: 400 }), (xs) => {
        const s = new DefaultScorer({ warmupPoints: 30, novelty: { calibrationPoints: 20 } });
        xs.forEach((x, i) => {
          const r = s.update(T0 + i * STEP, x);
          expect(r.score).toBeGreaterThanOrEqual(0);
          expect(r.score).toBeLessThanOrEqual(1);
        });
      }),
      { numRuns: 50 },
    );
  });
  it('JSON round trip preserves every later score exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 700 }), (seed, cut) => {
        const xs = signal(seed, 800);
        xs[600] += 40;
        const a = createDefaultScorer();
        for (let i = 0; i < cut; i++) a.update(T0 + i * STEP, xs[i]);
        const b = DefaultScorer.fromJSON(JSON.parse(JSON.stringify(a)), DEFAULT_SCORER_CONFIG);
        for (let i = cut; i < xs.length; i++) expect(b.update(T0 + i * STEP, xs[i])).toEqual(a.update(T0 + i * STEP, xs[i]));
      }),
      { numRuns: 15 },
    );
  });
  it('same seed, same output', () => {
    const run = (seed: number): number[] => {
      const s = createDefaultScorer();
      return signal(seed, 700).map((x, i) => s.update(T0 + i * STEP, x).score);
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });
  it('serialised state stays within 2 KB per series after a full daily cycle', () => {
    const s = createDefaultScorer();
    signal(3, 24 * 12 * 3).forEach((x, i) => s.update(T0 + i * STEP, x));
    expect(Buffer.byteLength(JSON.stringify(s))).toBeLessThanOrEqual(2048);
  });
});

describe('scorer config', () => {
  it('rejects unknown keys and bad values, quoting key and value', () => {
    expect(() => resolveScorerConfig({ warmupPoint: 5 } as never)).toThrow(/warmupPoint=5: unknown key/);
    expect(() => resolveScorerConfig({ refractory: { period: 3 } } as never)).toThrow(/refractory\.period=3/);
    expect(() => resolveScorerConfig({ alertThreshold: 2 })).toThrow(/alertThreshold=2/);
    expect(() => resolveScorerConfig({ warmupPoints: 100 })).toThrow(/novelty\.calibrationPoints=150/);
    expect(resolveScorerConfig({}).alertThreshold).toBe(DEFAULT_ALERT_THRESHOLD);
    expect(Object.isFrozen(DEFAULT_SCORER_CONFIG)).toBe(true);
  });
  it('rejects a corrupt state', () => {
    expect(() => DefaultScorer.fromJSON({ v: 99 })).toThrow(/state\.v=99/);
    const s = JSON.parse(JSON.stringify(createDefaultScorer())) as Record<string, unknown>;
    expect(() => DefaultScorer.fromJSON({ ...s, novelty: null })).toThrow(/state\.novelty/);
  });
  it('a never-seen level inside nothing the range check flags is a novelty alarm', () => {
    // Two alternating levels 0 and 10 for the warm-up and beyond, then 5: inside [min, max],
    // so the range layer is silent, but no value ever fell in that part of the grid.
    const s = createDefaultScorer();
    for (let i = 0; i < 1000; i++) s.update(T0 + i * STEP, i % 2 === 0 ? 0 : 10);
    const r = s.update(T0 + 1000 * STEP, 5);
    expect(r.component).toBe('novelty');
    expect(r.alarm).toBe(true);
  });
});

describe('refractory period in event time', () => {
  const spikeAfter = (step: number): { first: boolean; repeatInside: boolean; afterPeriod: boolean } => {
    const s = createDefaultScorer();
    const r = new Mulberry32(11);
    const n = 1200;
    for (let i = 0; i < n; i++) s.update(T0 + i * step, 50 + r.nextGaussian());
    const period = DEFAULT_SCORER_CONFIG.refractory.periodMinutes * 60_000;
    const t1 = T0 + n * step;
    const first = s.update(t1, 500).alarm;
    // Another far-out value inside the period (half of it later) is a repeat; one after it is news.
    let t = t1 + step;
    for (; t < t1 + period / 2; t += step) s.update(t, 50 + r.nextGaussian());
    const repeatInside = s.update(t, 900).alarm;
    for (t += step; t < t1 + period + step; t += step) s.update(t, 50 + r.nextGaussian());
    const afterPeriod = s.update(t, 5000).alarm;
    return { first, repeatInside, afterPeriod };
  };
  it('suppresses repeats for the same duration at any sampling interval', () => {
    for (const step of [60_000, 300_000, 3_600_000]) expect(spikeAfter(step)).toEqual({ first: true, repeatInside: false, afterPeriod: true });
  });
  it('keeps out-of-order and duplicated timestamps suppressed, and ignores non-finite timestamps', () => {
    const s = createDefaultScorer();
    for (let i = 0; i < 600; i++) s.update(T0 + i * STEP, 50 + (i % 5));
    expect(s.update(T0 + 600 * STEP, 1e4).alarm).toBe(true);
    expect(s.update(T0 + 600 * STEP, 2e4).alarm).toBe(false); // same timestamp
    expect(s.update(T0 - 1e9, 3e4).alarm).toBe(false); // from the past
    const before = JSON.stringify(s);
    expect(s.update(Number.NaN, 4e4)).toMatchObject({ score: 0, alarm: false });
    expect(JSON.stringify(s)).toBe(before);
  });
  it('restores a version-2 checkpoint (refractory counted in points) with its period ended', () => {
    const s = createDefaultScorer();
    for (let i = 0; i < 400; i++) s.update(T0 + i * STEP, 50 + (i % 7));
    const v3 = JSON.parse(JSON.stringify(s)) as Record<string, unknown>;
    const v2 = { ...v3, v: 2, refractory: [12, 3] };
    const d = DefaultScorer.fromJSON(v2);
    expect(d.update(T0 + 400 * STEP, 1e5).alarm).toBe(true);
    expect(() => DefaultScorer.fromJSON({ ...v3, refractory: [1, 2] })).toThrow(/state\.refractory/);
  });
});
