import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AnomalyLikelihood,
  DDSketch,
  Dspot,
  Ewma,
  HoltWinters,
  Mulberry32,
  Refractory,
  SeasonalProfile,
  Spot,
  StatsConfigError,
  Welford,
  erfc,
  fitGpdGrimshaw,
  fitGpdMoments,
  normalSf,
} from './index.js';

// Reference values from fixtures/make-fixtures.py (numpy/scipy), never from this code; the shape
// below is what that script writes.
interface GpdFit { gamma: number; sigma: number }
interface StatsFixtures {
  ewma: { alpha: number; x: number[]; mean: number[]; variance: number[] };
  welford: { x: number[]; mean: number[]; var: number[]; sampleVar: number[] };
  ddsketch: { relativeAccuracy: number; x: number[]; q: number[]; quantiles: number[]; median: number; mad: number; prefix: Record<string, number[]> };
  seasonal: { alpha: number; t: number[]; x: number[]; slotMean: number[]; slotVar: number[]; slotCount: number[] };
  holtWinters: { alpha: number; beta: number; gamma: number; seasonLength: number; y: number[]; forecast: Array<number | null> };
  gpd: { peaks: number[]; mle: GpdFit; moments: GpdFit; peaks2: number[]; mle2: GpdFit };
  spot: { q: number; initialLevel: number; calibrationSize: number; maxPeaks: number; x: number[]; t: number; thresholds: number[]; alarms: boolean[] };
  likelihood: { averagingWindow: number; learningPeriod: number; refitEvery: number; blend: number; minStd: number; raw: number[]; scores: number[] };
  normal: { x: number[]; erfc: number[]; sf: number[] };
  mulberry32: { seed: number; uint32: number[]; seed2: number; uint32b: number[] };
}
const F = JSON.parse(readFileSync(new URL('./fixtures/stats-fixtures.json', import.meta.url), 'utf8')) as StatsFixtures;

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));

describe('Ewma', () => {
  it('matches the direct exponentially weighted mean and variance after every update', () => {
    const e = new Ewma(F.ewma.alpha);
    F.ewma.x.forEach((x: number, i: number) => {
      e.update(x);
      expect(e.mean).toBeCloseTo(F.ewma.mean[i], 9);
      expect(Math.abs(e.variance - F.ewma.variance[i])).toBeLessThanOrEqual(1e-9 * (1 + F.ewma.variance[i]));
    });
  });
  it('round-trips through JSON exactly', () => {
    const e = new Ewma(0.3);
    [1, 5, 2].forEach((x) => e.update(x));
    const r = Ewma.fromJSON(JSON.parse(JSON.stringify(e)));
    r.update(7);
    e.update(7);
    expect(r.toJSON()).toEqual(e.toJSON());
  });
  it('rejects alpha outside (0, 1], quoting key and value', () => {
    expect(() => new Ewma(0)).toThrow(/alpha=0/);
    expect(() => new Ewma(1.5)).toThrow(StatsConfigError);
  });
});

describe('Welford', () => {
  it('matches numpy mean/var after every update (values offset by 1e6)', () => {
    const w = new Welford();
    F.welford.x.forEach((x: number, i: number) => {
      w.update(x);
      expect(rel(w.mean, F.welford.mean[i])).toBeLessThan(1e-12);
      expect(Math.abs(w.variance() - F.welford.var[i])).toBeLessThanOrEqual(1e-7 * (1 + F.welford.var[i]));
      expect(Math.abs(w.sampleVariance() - F.welford.sampleVar[i])).toBeLessThanOrEqual(1e-7 * (1 + F.welford.sampleVar[i]));
    });
  });
  it('merge of two parts equals the whole', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 0, maxLength: 60 }), fc.nat(60), (xs, cut) => {
        const k = Math.min(cut, xs.length);
        const a = new Welford();
        const b = new Welford();
        const all = new Welford();
        xs.forEach((x, i) => (i < k ? a : b).update(x));
        xs.forEach((x) => all.update(x));
        a.merge(b);
        expect(a.count).toBe(all.count);
        expect(Math.abs(a.mean - all.mean)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(all.mean)));
        expect(Math.abs(a.m2 - all.m2)).toBeLessThanOrEqual(1e-7 * (1 + all.m2));
      }),
    );
  });
});

describe('DDSketch', () => {
  const alpha = F.ddsketch.relativeAccuracy;
  const within = (est: number, exact: number): void => {
    expect(Math.abs(est - exact)).toBeLessThanOrEqual(alpha * Math.abs(exact) + 1e-12);
  };
  it('quantiles of mixed-sign data with zeros are within α of numpy (method="lower")', () => {
    const s = new DDSketch({ relativeAccuracy: alpha });
    F.ddsketch.x.forEach((x: number, i: number) => {
      s.add(x);
      const key = String(i + 1);
      if (F.ddsketch.prefix[key] !== undefined) F.ddsketch.q.forEach((q: number, j: number) => within(s.quantile(q), F.ddsketch.prefix[key][j]));
    });
    F.ddsketch.q.forEach((q: number, j: number) => within(s.quantile(q), F.ddsketch.quantiles[j]));
    within(s.median(), F.ddsketch.median);
    // MAD error is bounded by α times the magnitudes involved (|median| + |median ± MAD|).
    expect(Math.abs(s.mad() - F.ddsketch.mad)).toBeLessThanOrEqual(alpha * (2 * Math.abs(F.ddsketch.median) + F.ddsketch.mad) + 1e-12);
  });
  it('merge of two halves answers like the whole, within the error bound (negatives included)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(0)), { minLength: 1, maxLength: 200 }),
        fc.nat(200),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (xs, cut, q) => {
          const k = Math.min(cut, xs.length);
          const a = new DDSketch();
          const b = new DDSketch();
          xs.forEach((x, i) => (i < k ? a : b).add(x));
          a.merge(b);
          const sorted = [...xs].sort((u, v) => u - v);
          const exact = sorted[Math.floor(q * (xs.length - 1))];
          const est = a.quantile(q);
          expect(a.count).toBe(xs.length);
          // |x| < minIndexable counts as zero: allow that absolute slack too.
          expect(Math.abs(est - exact)).toBeLessThanOrEqual(0.01 * Math.abs(exact) + 1e-9);
        },
      ),
    );
  });
  it('mid-ranks lie between the exact mid-ranks a relative accuracy below and above (negatives and zeros included)', () => {
    const exactMid = (xs: number[], y: number) => (xs.filter((v) => v < y).length + xs.filter((v) => v === y).length / 2) / xs.length;
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(0)), { minLength: 1, maxLength: 200 }),
        fc.double({ min: -2e6, max: 2e6, noNaN: true }),
        (xs, y) => {
          const s = new DDSketch();
          xs.forEach((x) => s.add(x));
          const r = s.ranks().midRank(y);
          const slack = 0.021 * Math.abs(y) + 1e-9;
          expect(r).toBeGreaterThanOrEqual(exactMid(xs, y - slack) - 1e-12);
          expect(r).toBeLessThanOrEqual(exactMid(xs, y + slack) + 1e-12);
        },
      ),
    );
    // Ties count half, so a value drawn from the sketch's own values ranks 1/2 on average.
    const s = new DDSketch();
    [5, 5, 5, 5].forEach((x) => s.add(x));
    expect(s.ranks().midRank(5)).toBe(0.5);
    const t = new DDSketch();
    const values = [1, 2, 2, 3, 10, 10, 10, 40];
    values.forEach((x) => t.add(x));
    const table = t.ranks();
    expect(values.reduce((a, x) => a + table.midRank(x), 0) / values.length).toBeCloseTo(0.5, 12);
    expect(table.midRank(0.5)).toBe(0);
    expect(table.midRank(41)).toBe(1);
    expect(Number.isNaN(new DDSketch().ranks().midRank(1))).toBe(true);
    // The table is the sketch as it was: later adds do not move it.
    t.add(0.1);
    expect(table.midRank(1)).toBeCloseTo(0.5 / 8, 12);
  });
  it('round-trips through JSON', () => {
    const s = new DDSketch();
    [-3, 0, 2, 5, 1e-12, 100].forEach((x) => s.add(x));
    const r = DDSketch.fromJSON(JSON.parse(JSON.stringify(s)));
    for (const q of [0, 0.2, 0.5, 0.9, 1]) expect(r.quantile(q)).toBe(s.quantile(q));
    expect(r.count).toBe(6);
  });
  it('keeps at most maxBins buckets and still answers high quantiles within α', () => {
    const s = new DDSketch({ maxBins: 50 });
    for (let i = 1; i <= 10_000; i++) s.add(i);
    const json = s.toJSON();
    expect(json.pos.counts.length).toBeLessThanOrEqual(50);
    expect(Math.abs(s.quantile(0.99) - 9900)).toBeLessThanOrEqual(0.01 * 9900 + 1);
  });
  it('rejects unknown options', () => {
    expect(() => new DDSketch({ relativeAcuracy: 0.1 } as never)).toThrow(/relativeAcuracy/);
  });
});

describe('SeasonalProfile', () => {
  it('per-slot EWMA mean/variance match direct weighted sums; counts match', () => {
    const p = new SeasonalProfile({ slots: 24, slotMs: 3_600_000, alpha: F.seasonal.alpha, interpolate: false });
    F.seasonal.t.forEach((t: number, i: number) => p.update(t, F.seasonal.x[i]));
    for (let h = 0; h < 24; h++) {
      const t = h * 3_600_000 + 1;
      expect(p.countAt(t)).toBe(F.seasonal.slotCount[h]);
      expect(p.expected(t)).toBeCloseTo(F.seasonal.slotMean[h], 9);
      expect(p.std(t) ** 2).toBeCloseTo(F.seasonal.slotVar[h], 9);
    }
  });
  it('interpolates linearly between slot centres', () => {
    const p = new SeasonalProfile({ slots: 24, slotMs: 3_600_000 });
    p.update(0, 10); // slot 0
    p.update(3_600_000, 20); // slot 1
    expect(p.expected(1_800_000)).toBe(10); // centre of slot 0
    expect(p.expected(3_600_000)).toBeCloseTo(15, 12); // boundary: halfway
    expect(p.expected(2_700_000)).toBeCloseTo(12.5, 12);
  });
  it('day-of-week slot 0 is Monday (2024-01-01 was a Monday)', () => {
    const p = new SeasonalProfile({ slots: 7, slotMs: 86_400_000, offsetMs: 3 * 86_400_000 });
    expect(p.slotOf(Date.UTC(2024, 0, 1, 12))).toBe(0);
    expect(p.slotOf(Date.UTC(2024, 0, 7, 23))).toBe(6);
  });
  it('round-trips through JSON exactly', () => {
    const p = new SeasonalProfile();
    F.seasonal.t.slice(0, 50).forEach((t: number, i: number) => p.update(t, F.seasonal.x[i]));
    const r = SeasonalProfile.fromJSON(JSON.parse(JSON.stringify(p)));
    expect(r.expected(F.seasonal.t[10])).toBe(p.expected(F.seasonal.t[10]));
  });
});

describe('HoltWinters', () => {
  it('one-step forecasts match the textbook recursion after every update', () => {
    const h = new HoltWinters({ alpha: F.holtWinters.alpha, beta: F.holtWinters.beta, gamma: F.holtWinters.gamma, seasonLength: F.holtWinters.seasonLength });
    F.holtWinters.y.forEach((y: number, i: number) => {
      const expected = F.holtWinters.forecast[i];
      if (expected === null) expect(h.forecast()).toBeNaN();
      else expect(h.forecast()).toBeCloseTo(expected, 9);
      h.update(y);
    });
    // The last reference forecast is a number (null only in the warm-up); NaN would fail here.
    expect(h.forecast()).toBeCloseTo(F.holtWinters.forecast[F.holtWinters.y.length] ?? NaN, 9);
  });
  it('round-trips through JSON exactly', () => {
    const h = new HoltWinters({ seasonLength: 4 });
    [1, 2, 3, 4, 5, 6].forEach((y) => h.update(y));
    const r = HoltWinters.fromJSON(JSON.parse(JSON.stringify(h)));
    r.update(9);
    h.update(9);
    expect(r.forecast()).toBe(h.forecast());
  });
});

describe('GPD fits', () => {
  it('Grimshaw agrees with scipy maximum likelihood (γ > 0 and γ < 0)', () => {
    const a = fitGpdGrimshaw(F.gpd.peaks);
    expect(Math.abs(a.gamma - F.gpd.mle.gamma)).toBeLessThan(2e-3);
    expect(rel(a.sigma, F.gpd.mle.sigma)).toBeLessThan(2e-3);
    const b = fitGpdGrimshaw(F.gpd.peaks2);
    expect(Math.abs(b.gamma - F.gpd.mle2.gamma)).toBeLessThan(2e-3);
    expect(rel(b.sigma, F.gpd.mle2.sigma)).toBeLessThan(2e-3);
  });
  it('method of moments matches the closed form', () => {
    const m = fitGpdMoments(F.gpd.peaks);
    expect(m.gamma).toBeCloseTo(F.gpd.moments.gamma, 10);
    expect(m.sigma).toBeCloseTo(F.gpd.moments.sigma, 10);
  });
});

describe('Spot', () => {
  it('calibration threshold and the streaming z_q match the scipy-fitted reference after every update', () => {
    const S = F.spot;
    const s = new Spot({ q: S.q, initialLevel: S.initialLevel, calibrationSize: S.calibrationSize, maxPeaks: S.maxPeaks });
    S.x.forEach((x: number, i: number) => {
      const step = s.update(x);
      if (i < S.calibrationSize) return;
      const j = i - S.calibrationSize;
      expect(rel(step.threshold, S.thresholds[j])).toBeLessThan(5e-3);
      expect(step.alarm).toBe(S.alarms[j]);
    });
    expect(s.t).toBe(S.t);
  });
  it('tail probability is N_t/n at t and decreases above it', () => {
    const s = new Spot({ calibrationSize: 1000, q: 1e-3 });
    F.spot.x.slice(0, 1000).forEach((x: number) => s.update(x));
    expect(s.tailProbability(s.t)).toBeCloseTo(s.nPeaks / s.n, 12);
    expect(s.tailProbability(s.t + 1)).toBeLessThan(s.tailProbability(s.t));
    // At the threshold the tail is the risk q (by construction of z_q).
    expect(s.tailProbability(s.threshold())).toBeCloseTo(1e-3, 6);
  });
  it('JSON round trip preserves thresholds exactly; DSPOT follows drift', () => {
    const s = new Spot({ calibrationSize: 200, maxPeaks: 16 });
    const r0 = new Mulberry32(3);
    for (let i = 0; i < 300; i++) s.update(r0.nextGaussian());
    const r = Spot.fromJSON(JSON.parse(JSON.stringify(s)));
    expect(r.threshold()).toBe(s.threshold());
    const d = new Dspot({ calibrationSize: 200, depth: 10 });
    const g = new Mulberry32(4);
    let alarms = 0;
    for (let i = 0; i < 2000; i++) if (d.update(i * 0.5 + g.nextGaussian()).alarm) alarms++;
    expect(alarms).toBeLessThan(10); // a steady trend is not an anomaly for DSPOT
    expect(d.update(2000 * 0.5 + 50).alarm).toBe(true);
    const dr = Dspot.fromJSON(JSON.parse(JSON.stringify(d)));
    expect(dr.update(2001 * 0.5).threshold).toBe(d.update(2001 * 0.5).threshold);
  });
});

describe('AnomalyLikelihood', () => {
  it('matches the scipy reference after every update', () => {
    const L = F.likelihood;
    const a = new AnomalyLikelihood({ averagingWindow: L.averagingWindow, learningPeriod: L.learningPeriod, refitEvery: L.refitEvery, blend: L.blend, minStd: L.minStd });
    L.raw.forEach((r: number, i: number) => {
      expect(Math.abs(a.update(r) - L.scores[i])).toBeLessThan(1e-6);
    });
    expect(Math.max(...L.scores.slice(400, 420))).toBeGreaterThan(0.5); // the burst is seen
  });
  it('round-trips through JSON exactly', () => {
    const a = new AnomalyLikelihood({ learningPeriod: 20, refitEvery: 10 });
    const g = new Mulberry32(9);
    for (let i = 0; i < 57; i++) a.update(g.next());
    const b = AnomalyLikelihood.fromJSON(JSON.parse(JSON.stringify(a)));
    for (let i = 0; i < 30; i++) {
      const x = g.next();
      expect(b.update(x)).toBe(a.update(x));
    }
  });
});

describe('Refractory', () => {
  it('damps scores after an alarm, below the threshold, for periodPoints', () => {
    const r = new Refractory({ threshold: 0.5, periodPoints: 3, damping: 0.9 });
    expect(r.update(0.9).alarm).toBe(true);
    for (let i = 0; i < 3; i++) {
      const s = r.update(1);
      expect(s.alarm).toBe(false);
      expect(s.score).toBeLessThan(0.5);
    }
    expect(r.update(0.7).alarm).toBe(true);
    expect(Refractory.fromJSON(JSON.parse(JSON.stringify(r))).remaining).toBe(3);
  });
});

describe('normal tail and RNG', () => {
  it('erfc and the normal tail match scipy within 1.2e-7 relative', () => {
    F.normal.x.forEach((x: number, i: number) => {
      expect(rel(erfc(x), F.normal.erfc[i])).toBeLessThan(1.2e-7);
      expect(rel(normalSf(x), F.normal.sf[i])).toBeLessThan(1.2e-7);
    });
  });
  it('Mulberry32 matches the reference sequence; same seed, same output, also after JSON', () => {
    const r = new Mulberry32(F.mulberry32.seed);
    expect(Array.from({ length: 10 }, () => r.nextUint32())).toEqual(F.mulberry32.uint32);
    const r2 = new Mulberry32(F.mulberry32.seed2);
    expect(Array.from({ length: 10 }, () => r2.nextUint32())).toEqual(F.mulberry32.uint32b);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.nat(20), (seed, skip) => {
        const a = new Mulberry32(seed);
        const b = new Mulberry32(seed);
        for (let i = 0; i < skip; i++) a.next();
        for (let i = 0; i < skip; i++) b.next();
        const c = Mulberry32.fromJSON(JSON.parse(JSON.stringify(b)));
        for (let i = 0; i < 5; i++) {
          const x = a.next();
          expect(b.next()).toBe(x);
          expect(c.next()).toBe(x);
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThan(1);
        }
      }),
    );
  });
});
