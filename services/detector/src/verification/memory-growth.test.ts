// The memory-growth (leak) test of deployment verification (memory-growth.ts): its building
// blocks by hand, its error rates on synthetic block means, and seeded simulated deploys with a
// GC sawtooth, a warm-up and a leak. Generous bounds; bench:verification holds the sharp figures.
import { describe, expect, test } from 'vitest';
import { Mulberry32 } from '@vigil/stats';
import type { VerdictRecord } from '@vigil/records';
import { arrivals, GC_SAWTOOTH, MetricsSim, request, SIM_VERIFICATION as SIM_DEFAULTS, simulateCandidate, simulatePrelude } from '../bench/verification-sim.js';
import type { Effect, MemoryShape } from '../bench/verification-sim.js';
import { formatBytes, growthRates, HistoryBlocks, MEMORY_GROWTH, MemoryGrowthTest } from './memory-growth.js';
import type { GrowthBaseline } from './memory-growth.js';
import { SaturationHistory } from './saturation.js';
import type { SaturationSample } from './saturation.js';
import { BernoulliSprt } from './sprt.js';
import { ServiceVerifier } from './verifier.js';
import type { ServiceVerifierJSON } from './verifier.js';

// The growth test is switched on (detector.verification.memoryGrowth; off by default).
const SIM_VERIFICATION = { ...SIM_DEFAULTS, memoryGrowth: true };

const roundTrip = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const CLEAN: Effect = { kind: 'none' };
const LEAK: Effect = { kind: 'leak', perMin: 0.01 };
const MEMORY = 'process.memory.usage';

describe('memory growth building blocks', () => {
  test('history blocks: weighted spread and adjacent correlation of one-minute block means, without each version\'s warm-up', () => {
    const h = new HistoryBlocks();
    // Version a: a warm-up sample (skipped), then block means 10, 12, 11, 13; version b: a warm-up
    // sample, then 20, 22 (and one more block left open). Pairs: (10,12) (12,11) (11,13) (20,22).
    const samples: Array<[number, number, string]> = [
      [0, 999, 'a'], [60_000, 10, 'a'], [120_000, 12, 'a'], [180_000, 11, 'a'], [240_000, 13, 'a'],
      [300_000, 999, 'b'], [360_000, 20, 'b'], [420_000, 22, 'b'], [480_000, 99, 'b'],
    ];
    for (const [t, v, version] of samples) h.add(t, v, version);
    // The same figures from the definitions: weight λ^(age in blocks), λ = 2^(−1/60); the
    // weighted mean, the weighted variance × n/(n − 1) for n = (Σw)² / Σw², and the weighted
    // mean of the pairs' centred products over that variance.
    const means = [10, 12, 11, 13, 20, 22];
    const lambda = 2 ** (-1 / MEMORY_GROWTH.historyHalfLifeBlocks);
    const w = means.map((_, i) => lambda ** (means.length - 1 - i));
    const sw = w.reduce((a, b) => a + b, 0);
    const mean = means.reduce((a, m, i) => a + w[i] * m, 0) / sw;
    const nEff = sw ** 2 / w.reduce((a, b) => a + b * b, 0);
    const variance = (means.reduce((a, m, i) => a + w[i] * (m - mean) ** 2, 0) / sw) * (nEff / (nEff - 1));
    const pairs = [1, 2, 3, 5];
    const cov = pairs.reduce((a, i) => a + w[i] * (means[i - 1] - mean) * (means[i] - mean), 0) / pairs.reduce((a, i) => a + w[i], 0);
    const st = h.stats()!;
    expect(st.df).toBeCloseTo(nEff - 1, 9);
    expect(st.sd).toBeCloseTo(Math.sqrt(variance), 9);
    expect(st.rho).toBeCloseTo(cov / variance, 9);
    // Unweighted, by hand: mean 14.667, variance 127.33 / 5 = 25.47, sd 5.05 — the weights barely
    // matter over six blocks, and a version's level shift counts as spread.
    expect(st.sd).toBeGreaterThan(4.9);
    expect(st.sd).toBeLessThan(5.2);
    // A JSON round trip continues identically.
    const r = HistoryBlocks.fromJSON(roundTrip(h.toJSON()));
    for (const x of [h, r]) {
      x.add(540_000, 98, 'b');
      x.add(600_000, 97, 'b');
    }
    expect(r.stats()).toEqual(h.stats());
  });

  test('the fit: a noiseless line gives its slope and level; the rates: the gap to margin × p95 over 1 h and over 20 min', () => {
    const g = new MemoryGrowthTest(0);
    const wald = new BernoulliSprt(0.0025, 0.1);
    const base = (): GrowthBaseline => ({ p50: 300e6, p95: 315e6, threshold: 346.5e6, blockSd: 3e6, rho: 0, blocks: 20 });
    // 3 MB/min from 300 MB, one sample every 10 s for 10 minutes.
    for (let t = 0; t < 600_000; t += 10_000) g.observe(t, 300e6 + 50 * t, base, wald);
    const f = g.fit(true)!;
    expect(f.k).toBe(10);
    expect(f.slope).toBeCloseTo(50, 9);
    // The last block's mean time is 565 s: 300 MB + 50 B/ms × 565 000 ms.
    expect(f.level).toBeCloseTo(300e6 + 50 * 565_000, 0);
    expect(f.residSd).toBeCloseTo(0, 3);
    const { b0, b1 } = growthRates(base());
    expect(b0 * 3_600_000).toBeCloseTo(46.5e6, 0);
    expect(b1 / b0).toBeCloseTo(3, 12);
    expect(formatBytes(612.4e6)).toBe('612 MB');
    expect(formatBytes(1.434e9)).toBe('1.43 GB');
    expect(formatBytes(47.25e6)).toBe('47.3 MB');
  });

  // Synthetic block means: one sample per one-minute block, N(level + b·t, σ²) independent, and a
  // baseline whose block noise is exactly σ (ρ 0): the model the martingale assumes. (The
  // projection gate only removes rejections; at b0 it is open about half the time.)
  function synthetic(slopeOfB0: number, seed: number, blocks = 30): { test: MemoryGrowthTest; wald: BernoulliSprt } {
    const rng = new Mulberry32(seed);
    // Threshold under the level: the projection gate stays open, so the statistic alone decides.
    // b0: 10 (margin × p95 − p50) per hour, b0 / its standard error over 30 blocks ≈ 8.
    const base: GrowthBaseline = { p50: 100, p95: 100, threshold: 110, blockSd: 1, rho: 0, blocks: 50 };
    const b = slopeOfB0 * growthRates(base).b0;
    const test = new MemoryGrowthTest(0);
    const wald = new BernoulliSprt(0.01, 0.1);
    for (let k = 0; k <= blocks; k++) test.observe(k * 60_000 + 30_000, 100 + b * k * 60_000 + rng.nextGaussian(), () => base, wald);
    return { test, wald };
  }

  test('Ville: at the null boundary b = b0 the chance of ever rejecting stays under α, looking after every block', () => {
    const alpha = 0.05;
    let rejected = 0;
    const n = 2000;
    for (let i = 0; i < n; i++) if (synthetic(1, 1000 + i).test.maxLog >= Math.log(1 / alpha)) rejected++;
    // Ville's bound is α; the sample's standard error at n = 2000 is about 0.005.
    expect(rejected / n).toBeLessThanOrEqual(alpha + 0.01);
    // ...and it has power: twice b0 over the same 30 blocks is rejected almost always.
    let found = 0;
    for (let i = 0; i < 200; i++) if (synthetic(2, 5000 + i).test.maxLog >= Math.log(1 / alpha)) found++;
    expect(found / 200).toBeGreaterThanOrEqual(0.9);
  });

  test('Wald: growth of the size worth failing (b1) passes in at most about β; no growth passes', () => {
    let passed = 0;
    const n = 1000;
    for (let i = 0; i < n; i++) {
      const { test, wald } = synthetic(3, 9000 + i);
      if (test.passes(wald)) passed++;
    }
    expect(passed / n).toBeLessThanOrEqual(0.1 + 0.03);
    let clean = 0;
    for (let i = 0; i < 200; i++) {
      const { test, wald } = synthetic(0, 20_000 + i);
      if (test.passes(wald)) clean++;
    }
    expect(clean / 200).toBeGreaterThanOrEqual(0.9);
  });
});

/** Vigil's verdict on one seeded deploy at `rps`, metrics every 10 s, memory shaped by `memory`. */
function verdictOf(seed: number, rps: number, effect: Effect, memory?: MemoryShape): { verdict: VerdictRecord; afterMs: number } {
  const prelude = simulatePrelude(seed, rps, 20_000, SIM_VERIFICATION, 10_000, memory);
  const o = simulateCandidate(prelude, effect, seed ^ 0x5bd1e995, SIM_VERIFICATION).vigil;
  return { verdict: o.verdict, afterMs: o.afterMs };
}

describe('memory growth on simulated deploys (seeded)', () => {
  test('a leak of +1 %/min under a GC sawtooth: failed on memory_growth within the deadline in at least 90 %, naming the slope and the projection', () => {
    let caught = 0;
    let level = 0;
    const n = 40;
    for (let d = 0; d < n; d++) {
      const { verdict: v, afterMs } = verdictOf(3_001 * (d + 1), 2, LEAK, GC_SAWTOOTH);
      const ev = v.evidence.find((e) => e.check === 'memory_growth');
      if (v.status !== 'fail' || ev?.decided !== 'fail') continue;
      caught++;
      expect(afterMs).toBeLessThanOrEqual(SIM_VERIFICATION.maxDurationMs + 1);
      expect(v.summary).toMatch(/memory \+[01]\.\d %\/min \(process\.memory\.usage, memory_growth\)/);
      expect(ev.detail).toMatch(/^process\.memory\.usage: \+[01]\.\d %\/min of the baseline median over \d+ one-minute blocks after the warm-up, \d+ MB projected in 1 h vs baseline p95 3\d\d MB \(× 1\.1 = 3\d\d MB\); always-valid p = /);
      // The projection is past margin × p95 (effect: projected / p95 > 1.1), the level is not yet.
      expect(ev.effect).toBeGreaterThan(1.1);
      if (v.evidence.find((e) => e.check === 'memory_p95_exceedance')?.decided === 'fail') level++;
    }
    expect(caught / n).toBeGreaterThanOrEqual(0.9);
    // The level test alone would have missed most of them: +1 %/min crosses 1.1 × p95 at the deadline.
    expect(level).toBeLessThanOrEqual(n / 4);
  });

  test('clean deploys with a GC sawtooth: no more false fails than the clean-deploy bound (4 in 150), none on memory_growth', () => {
    let fails = 0;
    let growth = 0;
    for (let d = 0; d < 150; d++) {
      const { verdict: v } = verdictOf(5_003 * (d + 1), 2, CLEAN, GC_SAWTOOTH);
      if (v.status === 'fail') fails++;
      if (v.evidence.some((e) => e.check === 'memory_growth' && e.decided === 'fail')) growth++;
    }
    expect(fails).toBeLessThanOrEqual(4);
    expect(growth).toBeLessThanOrEqual(1);
  });

  test('a process whose memory rises during its warm-up and then flattens is not failed; the same samples without the warm-up would be', () => {
    // 50 % below its level at the start, approaching it with a 20 s time constant (2 % below at 60 s).
    const rising: MemoryShape = { ...GC_SAWTOOTH, warmupRise: 0.5, warmupTauMs: 20_000 };
    const n = 30;
    let fails = 0;
    let withoutWarmup = 0;
    for (let d = 0; d < n; d++) {
      const seed = 8_009 * (d + 1);
      const prelude = simulatePrelude(seed, 10, 20_000, SIM_VERIFICATION, 10_000, rising);
      const v = simulateCandidate(prelude, CLEAN, seed ^ 0x5bd1e995, SIM_VERIFICATION).vigil.verdict;
      if (v.status === 'fail' || v.evidence.some((e) => e.check === 'memory_growth' && e.decided === 'fail')) fails++;
      // The same process's samples through a growth test that starts at the deploy.
      const base = SaturationHistory.fromJSON(prelude.verifier.saturation!, SIM_VERIFICATION.baselineHalfLifeMs).growthBaseline(MEMORY);
      const g = new MemoryGrowthTest(prelude.deployMs);
      const wald = new BernoulliSprt(0.0025, 0.1);
      const metrics = new MetricsSim(new Mulberry32(seed), 10_000, prelude.deployMs, rising);
      for (let t = prelude.deployMs; t < prelude.deployMs + 10 * 60_000; t += 1_000) {
        metrics.before(t, 'v2', CLEAN, (s) => {
          if (s.metric === MEMORY) g.observe(s.timeMs, s.value, () => base, wald);
        });
      }
      if (g.maxLog >= Math.log(v.baseline!.tests / (SIM_VERIFICATION.alpha / 2))) withoutWarmup++;
    }
    expect(fails).toBe(0);
    expect(withoutWarmup / n).toBeGreaterThanOrEqual(0.5);
  });

  test('replay: samples interleaved, read ahead of the spans, or across a snapshot (early, or with blocks open) reach the same leak verdict', () => {
    const prelude = simulatePrelude(6262, 2, 20_000, SIM_VERIFICATION, 10_000, GC_SAWTOOTH);
    const rng = new Mulberry32(8);
    const metrics = new MetricsSim(new Mulberry32(9), 10_000, prelude.deployMs, GC_SAWTOOTH);
    const events: Array<{ span?: ReturnType<typeof request>; sample?: SaturationSample }> = [];
    for (const t of arrivals(rng, prelude.deployMs, prelude.deployMs + 900_000, 2)) {
      metrics.before(t, 'v2', { kind: 'leak', perMin: 0.015 }, (s) => events.push({ sample: s }));
      events.push({ span: request(rng, t, 'v2', CLEAN) });
    }
    const run = (order: 'interleaved' | 'samples-first' | 'snapshot', at = 0.1): VerdictRecord[] => {
      let v = ServiceVerifier.fromJSON(roundTrip(prelude.verifier), SIM_VERIFICATION);
      const out: VerdictRecord[] = [];
      const spans = events.filter((e) => e.span);
      if (order === 'samples-first') for (const e of events.filter((x) => x.sample)) out.push(...v.observeSaturation(e.sample!));
      const seq = order === 'samples-first' ? spans : events;
      seq.forEach((e, i) => {
        if (order === 'snapshot' && i === Math.floor(seq.length * at)) v = ServiceVerifier.fromJSON(roundTrip(v.toJSON()), SIM_VERIFICATION);
        out.push(...(e.span ? v.observe(e.span) : v.observeSaturation(e.sample!)));
      });
      out.push(...v.advance(prelude.deployMs + 2_000_000));
      return out.filter((r) => r.version === 'v2');
    };
    const a = run('interleaved');
    expect(a.map((r) => r.status)).toEqual(['running', 'fail']);
    expect(a[1].summary).toMatch(/memory \+\d\.\d %\/min \(process\.memory\.usage, memory_growth\)/);
    expect(run('samples-first')).toEqual(a);
    expect(run('snapshot', 0.1)).toEqual(a);
    expect(run('snapshot', 0.4)).toEqual(a);
  });

  test('checkpoints from before the growth test load: a history without block means, a running check without growth slots', () => {
    const seed = 4_321;
    const prelude = simulatePrelude(seed, 2, 20_000, SIM_VERIFICATION, 10_000, GC_SAWTOOTH);
    // (a) A history written before: no block means. The next check still gets its growth test,
    // on the marginal spread until ten blocks of the stable version have been seen.
    const old = roundTrip<ServiceVerifierJSON>(prelude.verifier);
    old.saturation!.metrics = old.saturation!.metrics.map(([k, c, p]) => [k, c, p]);
    const restored = ServiceVerifier.fromJSON(old, SIM_VERIFICATION);
    expect(restored.saturation.growthBaseline(MEMORY)?.blocks).toBe(0);
    expect(restored.saturation.growthBaseline(MEMORY)?.rho).toBe(MEMORY_GROWTH.fallbackRho);
    const v = simulateCandidate({ ...prelude, verifier: old }, CLEAN, seed ^ 0x5bd1e995, SIM_VERIFICATION).vigil.verdict;
    expect(v.status).toBe('pass');
    expect(v.evidence.filter((e) => e.check === 'memory_growth')).toHaveLength(1);
    // (b) A running check written before: its slots have no growth test; it continues without one.
    const live = ServiceVerifier.fromJSON(roundTrip(prelude.verifier), SIM_VERIFICATION);
    const rng = new Mulberry32(3);
    const out: VerdictRecord[] = [];
    const metrics = new MetricsSim(new Mulberry32(4), 10_000, prelude.deployMs, GC_SAWTOOTH);
    const events: Array<{ span?: ReturnType<typeof request>; sample?: SaturationSample }> = [];
    for (const t of arrivals(rng, prelude.deployMs, prelude.deployMs + 900_000, 2)) {
      metrics.before(t, 'v2', LEAK, (s) => events.push({ sample: s }));
      events.push({ span: request(rng, t, 'v2', CLEAN) });
    }
    for (const e of events.slice(0, 200)) out.push(...(e.span ? live.observe(e.span) : live.observeSaturation(e.sample!)));
    const before = roundTrip(live.toJSON());
    expect(before.check!.slots.filter((s) => s.kind === 'growth')).toHaveLength(1);
    before.check!.slots = before.check!.slots.filter((s) => s.kind !== 'growth');
    const resumed = ServiceVerifier.fromJSON(before, SIM_VERIFICATION);
    const rest: VerdictRecord[] = [];
    for (const e of events.slice(200)) rest.push(...(e.span ? resumed.observe(e.span) : resumed.observeSaturation(e.sample!)));
    rest.push(...resumed.advance(prelude.deployMs + 2_000_000));
    const verdict = rest.find((r) => r.version === 'v2' && r.status !== 'running')!;
    expect(verdict.evidence.some((e) => e.check === 'memory_growth')).toBe(false);
    expect(verdict.baseline!.tests).toBe(out.find((r) => r.version === 'v2')!.baseline!.tests - 1);
  });
});
