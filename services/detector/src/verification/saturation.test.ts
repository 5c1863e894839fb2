// Saturation tests of deployment verification (issue 21, build point 3): CPU and memory samples of
// the candidate against the verified-good history, in the same Holm family as the span tests.
// Seeded simulations with generous bounds; bench:verification holds the sharp figures.
import { describe, expect, test } from 'vitest';
import { Mulberry32 } from '@vigil/stats';
import type { VerdictRecord } from '@vigil/records';
import { arrivals, MetricsSim, request, SIM_VERIFICATION, simulateCandidate, simulatePrelude } from '../bench/verification-sim.js';
import type { Effect } from '../bench/verification-sim.js';
import { formatRatio, insertByTime, SATURATION_CHECK, saturationKindOf, SaturationHistory, saturationNull } from './saturation.js';
import type { SaturationSample } from './saturation.js';
import { ServiceVerifier } from './verifier.js';

const CLEAN: Effect = { kind: 'none' };
const roundTrip = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('saturation building blocks', () => {
  test('the recognised metrics: CPU and memory gauges by value, CPU-time counters by their rate', () => {
    expect(saturationKindOf('process.cpu.utilization', 'value')).toBe('cpu');
    expect(saturationKindOf('k8s.pod.cpu.usage', 'value')).toBe('cpu');
    expect(saturationKindOf('process.cpu.time', 'rate')).toBe('cpu');
    expect(saturationKindOf('process.cpu.time', 'value')).toBeNull();
    expect(saturationKindOf('process.memory.usage', 'value')).toBe('memory');
    expect(saturationKindOf('k8s.pod.memory.working_set', 'value')).toBe('memory');
    expect(saturationKindOf('http.server.request.duration', 'p99')).toBeNull();
  });

  test('the null share: (1 - q)(1 + tol) plus 1.28 baseline standard errors, shrinking with the baseline', () => {
    // By hand: 0.05 · 1.5 + 1.28 · sqrt(0.95 · 0.05 / 100) = 0.075 + 0.027897 = 0.102897
    expect(saturationNull(100)).toBeCloseTo(0.075 + 1.28 * Math.sqrt(0.0475 / 100), 12);
    expect(saturationNull(100)).toBeCloseTo(0.102897, 5);
    expect(saturationNull(10_000)).toBeLessThan(saturationNull(100));
    expect(saturationNull(10_000)).toBeGreaterThan(0.075);
  });

  test('history: quantiles over two epochs, the older forgotten after two half-lives, CPU tested before memory, JSON round trip', () => {
    const h = new SaturationHistory(60_000);
    for (let i = 0; i < 60; i++) h.add({ metric: 'process.memory.usage', timeMs: i * 1000, value: 100 + i });
    for (let i = 0; i < 40; i++) h.add({ metric: 'process.cpu.utilization', timeMs: i * 1000, value: 0.5 });
    expect(h.count('process.memory.usage')).toBe(60);
    expect(h.testable()).toEqual(['process.cpu.utilization', 'process.memory.usage']);
    const p95 = h.quantile('process.memory.usage', 0.95) as number;
    expect(Math.abs(p95 - 156) / 156).toBeLessThan(0.02);
    const r = SaturationHistory.fromJSON(roundTrip(h.toJSON()), 60_000);
    expect(r.quantile('process.memory.usage', 0.95)).toBe(p95);
    // Two rotations later only the newest samples remain.
    for (let i = 0; i < 10; i++) h.add({ metric: 'process.memory.usage', timeMs: 70_000 + i * 1000, value: 1000 });
    for (let i = 0; i < 10; i++) h.add({ metric: 'process.memory.usage', timeMs: 140_000 + i * 1000, value: 1000 });
    expect(h.count('process.memory.usage')).toBe(20);
    expect(h.count('process.cpu.utilization')).toBe(0);
    expect(h.testable()).toEqual([]);
  });

  test('samples are kept in event-time order, ties in arrival order', () => {
    const list: SaturationSample[] = [];
    const s = (timeMs: number, value: number): SaturationSample => ({ service: 's', version: 'v', metric: 'm', timeMs, value });
    for (const x of [s(3, 1), s(1, 2), s(2, 3), s(1, 4)]) insertByTime(list, x);
    expect(list.map((x) => x.value)).toEqual([2, 4, 3, 1]);
    expect(formatRatio(1.8)).toBe('1.8');
    expect(formatRatio(2)).toBe('2');
    expect(formatRatio(1.004)).toBe('1');
    expect(formatRatio(12.4)).toBe('12');
  });
});

/** Vigil's verdict on one seeded deploy at `rps` with metrics every 10 s. */
function verdictOf(seed: number, rps: number, effect: Effect, metricsIntervalMs = 10_000, prevLifetimeMs = 20_000): VerdictRecord {
  const prelude = simulatePrelude(seed, rps, prevLifetimeMs, SIM_VERIFICATION, metricsIntervalMs);
  return simulateCandidate(prelude, effect, seed ^ 0x5bd1e995, SIM_VERIFICATION).vigil.verdict;
}

describe('saturation tests on simulated deploys (seeded)', () => {
  test('clean CPU and memory: no fail over 150 seeded deploys; CPU ×2: failed in at least 90 %, naming CPU and its effect', () => {
    let cleanFails = 0;
    for (let d = 0; d < 150; d++) if (verdictOf(7_001 * (d + 1), 2, CLEAN).status === 'fail') cleanFails++;
    // α = 0.01 over the whole family: 150 clean deploys expect at most ~1.5 false fails (generous: 4).
    expect(cleanFails).toBeLessThanOrEqual(4);
    let caught = 0;
    const n = 40;
    for (let d = 0; d < n; d++) {
      const v = verdictOf(9_001 * (d + 1), 2, { kind: 'cpu', factor: 2 });
      if (v.status !== 'fail') continue;
      caught++;
      expect(v.summary).toMatch(/cpu ×[12]\.\d+ \(process\.cpu\.utilization, cpu_p95_exceedance\)/);
      const ev = v.evidence.find((e) => e.check === 'cpu_p95_exceedance');
      expect(ev?.decided).toBe('fail');
      expect(ev?.effect).toBeGreaterThan(1.5);
      expect(ev?.detail).toMatch(/process\.cpu\.utilization: median ×/);
      // The span tests were clean: only saturation tests failed.
      expect(v.evidence.filter((e) => e.decided === 'fail').every((e) => e.check.endsWith('_p95_exceedance') && !e.check.startsWith('latency'))).toBe(true);
    }
    expect(caught / n).toBeGreaterThanOrEqual(0.9);
  });

  test('a memory regression (×2 from the deploy) fails naming memory', () => {
    const prelude = simulatePrelude(4242, 10, 20_000, SIM_VERIFICATION, 10_000);
    const v = ServiceVerifier.fromJSON(prelude.verifier, SIM_VERIFICATION);
    const rng = new Mulberry32(77);
    const out: VerdictRecord[] = [];
    let t0 = -1;
    for (const t of arrivals(rng, prelude.deployMs, prelude.deployMs + 600_000, 10)) {
      if (t0 < 0) t0 = t;
      const tick = Math.floor(t / 10_000) * 10_000;
      if (t - tick < 100) {
        // One sample per tick (the first request after it): memory doubled, CPU as before.
        out.push(...v.observeSaturation({ service: 'payments', version: 'v2', metric: 'process.memory.usage', timeMs: tick, value: 600e6 * (1 + 0.02 * rng.nextGaussian()) }));
        out.push(...v.observeSaturation({ service: 'payments', version: 'v2', metric: 'process.cpu.utilization', timeMs: tick, value: 0.09 * (1 + 0.05 * rng.nextGaussian()) }));
      }
      out.push(...v.observe(request(rng, t, 'v2', CLEAN)));
    }
    const fail = out.find((r) => r.version === 'v2' && r.status === 'fail');
    expect(fail).toBeDefined();
    expect(fail!.summary).toMatch(/memory ×(1\.[89]\d*|2(\.\d+)?) \(process\.memory\.usage, memory_p95_exceedance\)/);
    // Not before the warm-up ended plus a few samples.
    expect(fail!.decidedAtMs - t0).toBeGreaterThanOrEqual(SATURATION_CHECK.warmupMs);
  });

  test('no metrics: no saturation tests, and the same verdicts as the spans-only family', () => {
    for (const seed of [11, 12, 13]) {
      const v = verdictOf(seed, 10, CLEAN, 0);
      expect(v.evidence.some((e) => e.check.endsWith('p95_exceedance') && !e.check.startsWith('latency'))).toBe(false);
      const withMetrics = verdictOf(seed, 10, CLEAN, 10_000);
      // CPU and memory add two tests to the family (their requests are the same: metrics draw from
      // their own generator); with detector.verification.memoryGrowth memory's growth test a third.
      expect(withMetrics.baseline!.tests).toBe(v.baseline!.tests + 2);
      expect(withMetrics.evidence.filter((e) => e.check === 'cpu_p95_exceedance' || e.check === 'memory_p95_exceedance')).toHaveLength(2);
      expect(withMetrics.evidence.filter((e) => e.check === 'memory_growth')).toHaveLength(0);
      const growthOn = { ...SIM_VERIFICATION, memoryGrowth: true };
      const withGrowth = simulateCandidate(simulatePrelude(seed, 10, 20_000, growthOn, 10_000), CLEAN, seed ^ 0x5bd1e995, growthOn).vigil.verdict;
      expect(withGrowth.baseline!.tests).toBe(v.baseline!.tests + 3);
      expect(withGrowth.evidence.filter((e) => e.check === 'memory_growth')).toHaveLength(1);
    }
    // Switched off (detector.verification.saturation: false): metrics or not, the spans-only family.
    const off = { ...SIM_VERIFICATION, saturation: false };
    const prelude = simulatePrelude(11, 10, 20_000, off, 10_000);
    const v = simulateCandidate(prelude, { kind: 'cpu', factor: 3 }, 11 ^ 0x5bd1e995, off).vigil.verdict;
    expect(v.baseline!.tests).toBe(verdictOf(11, 10, CLEAN, 0).baseline!.tests);
    expect(v.status).not.toBe('fail');
  });

  test('a pass waits for the saturation tests; the warm-up spike of a fresh process is not tested', () => {
    const prelude = simulatePrelude(5151, 40, 20_000, SIM_VERIFICATION, 10_000);
    const v = ServiceVerifier.fromJSON(prelude.verifier, SIM_VERIFICATION);
    const rng = new Mulberry32(5);
    const metrics = new MetricsSim(new Mulberry32(6), 10_000, prelude.deployMs);
    const out: VerdictRecord[] = [];
    let t0 = -1;
    for (const t of arrivals(rng, prelude.deployMs, prelude.deployMs + 900_000, 40)) {
      if (t0 < 0) t0 = t;
      // CPU three times as high during the first 20 s of the new process, then as before.
      metrics.before(t, 'v2', CLEAN, (s) => {
        const spike = s.metric === 'process.cpu.utilization' && s.timeMs < t0 + 20_000 ? 3 : 1;
        out.push(...v.observeSaturation({ ...s, value: s.value * spike }));
      });
      out.push(...v.observe(request(rng, t, 'v2', CLEAN)));
      if (out.some((r) => r.version === 'v2' && r.status !== 'running')) break;
    }
    const verdict = out.find((r) => r.version === 'v2' && r.status !== 'running')!;
    expect(verdict.status).toBe('pass');
    // Spans alone pass this deploy within seconds at 40 requests/s; the CPU and memory tests need
    // the warm-up and a few samples each.
    expect(verdict.decidedAtMs - t0).toBeGreaterThan(SATURATION_CHECK.warmupMs);
    for (const e of verdict.evidence.filter((x) => x.check === 'cpu_p95_exceedance' || x.check === 'memory_p95_exceedance')) expect(e.decided).toBe('pass');
  });

  test('event-time order: samples read ahead of the spans, or interleaved, or across a snapshot, reach the same verdict', () => {
    const prelude = simulatePrelude(6262, 2, 20_000, SIM_VERIFICATION, 10_000);
    // The candidate's traffic and samples (CPU ×2), generated once.
    const rng = new Mulberry32(8);
    const metrics = new MetricsSim(new Mulberry32(9), 10_000, prelude.deployMs);
    const events: Array<{ span?: ReturnType<typeof request>; sample?: SaturationSample }> = [];
    for (const t of arrivals(rng, prelude.deployMs, prelude.deployMs + 900_000, 2)) {
      metrics.before(t, 'v2', { kind: 'cpu', factor: 2 }, (s) => events.push({ sample: s }));
      events.push({ span: request(rng, t, 'v2', CLEAN) });
    }
    const run = (order: 'interleaved' | 'samples-first' | 'snapshot'): VerdictRecord[] => {
      let v = ServiceVerifier.fromJSON(roundTrip(prelude.verifier), SIM_VERIFICATION);
      const out: VerdictRecord[] = [];
      const spans = events.filter((e) => e.span);
      const samples = events.filter((e) => e.sample);
      if (order === 'samples-first') for (const e of samples) out.push(...v.observeSaturation(e.sample!));
      const seq = order === 'samples-first' ? spans : events;
      seq.forEach((e, i) => {
        if (order === 'snapshot' && i === Math.floor(seq.length / 10)) v = ServiceVerifier.fromJSON(roundTrip(v.toJSON()), SIM_VERIFICATION);
        out.push(...(e.span ? v.observe(e.span) : v.observeSaturation(e.sample!)));
      });
      out.push(...v.advance(prelude.deployMs + 2_000_000));
      return out.filter((r) => r.version === 'v2').map((r) => ({ ...r, evidence: r.evidence.map((e) => ({ ...e })) }));
    };
    const a = run('interleaved');
    expect(a.map((r) => r.status)).toEqual(['running', 'fail']);
    expect(a[1].summary).toMatch(/cpu ×/);
    expect(run('samples-first')).toEqual(a);
    expect(run('snapshot')).toEqual(a);
  });
});
