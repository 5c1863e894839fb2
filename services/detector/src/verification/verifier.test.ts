import { describe, expect, test } from 'vitest';
import { Mulberry32 } from '@vigil/stats';
import { ServiceVerifier } from './verifier.js';
import type { VerificationOptions, VerifiedSpan } from './verifier.js';
import { BernoulliSprt, wilsonUpper } from './sprt.js';

const OPTIONS: VerificationOptions = {
  alpha: 0.01, beta: 0.1, errorRatioFactor: 3, minErrorRatioIncrease: 0.01, minSamples: 300,
  maxDurationMs: 15 * 60_000, baselineHalfLifeMs: 10 * 60_000,
};

interface Traffic { errorRatio: number; latencyFactor: number }

/** Log-normal latencies (median 50 ms) on three operations at `rps` requests per second. */
function* traffic(rng: Mulberry32, startMs: number, seconds: number, rps: number, version: string, t: Traffic): Generator<VerifiedSpan> {
  const ops = ['GET /cart', 'POST /pay', 'GET /status'];
  for (let i = 0; i < seconds * rps; i++) {
    const u1 = Math.max(rng.next(), 1e-12);
    const u2 = rng.next();
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    yield {
      operation: ops[i % 3], version, isError: rng.next() < t.errorRatio,
      durationMs: 50 * Math.exp(0.4 * z) * t.latencyFactor * (1 + (i % 3) * 0.5), timeMs: startMs + (i * 1000) / rps,
    };
  }
}

/** Deploy `candidate` after 5 minutes of baseline; returns the final verdict and when it came. */
function runDeploy(seed: number, candidate: Traffic) {
  const rng = new Mulberry32(seed);
  const v = new ServiceVerifier('payments', OPTIONS);
  for (const s of traffic(rng, 0, 300, 20, 'v1', { errorRatio: 0.005, latencyFactor: 1 })) v.observe(s);
  const deployAt = 300_000;
  for (const s of traffic(rng, deployAt, 600, 20, 'v2', candidate)) {
    for (const verdict of v.observe(s)) {
      if (verdict.status !== 'running') return { status: verdict.status, afterMs: verdict.decidedAtMs - deployAt, verdict };
    }
  }
  return { status: 'running', afterMs: Infinity, verdict: null };
}

describe('SPRT', () => {
  test('Wald bounds from α and β', () => {
    const s = new BernoulliSprt(0.01, 0.1);
    expect(s.upper).toBeCloseTo(Math.log(0.9 / 0.01), 12);
    expect(s.lower).toBeCloseTo(Math.log(0.1 / 0.99), 12);
  });
  test('Wilson upper bound matches the closed form (z = 1.96, 10 of 100: 0.1740)', () => {
    // Reference: Wilson (1927) interval for 10/100 at 95%: [0.0552, 0.1744] (Newcombe 1998, table I, method 3).
    expect(wilsonUpper(10, 100, 1.96)).toBeCloseTo(0.1744, 3);
  });
});

describe('deployment verification', () => {
  test('error ratio 0.5% → 5% fails within 30 s of traffic', () => {
    const r = runDeploy(1, { errorRatio: 0.05, latencyFactor: 1 });
    expect(r.status).toBe('fail');
    expect(r.afterMs).toBeLessThan(30_000);
    expect(r.verdict?.evidence.find((e) => e.check === 'error_ratio')?.decided).toBe('fail');
  });

  test('latency ×3 fails within 30 s of traffic', () => {
    const r = runDeploy(2, { errorRatio: 0.005, latencyFactor: 3 });
    expect(r.status).toBe('fail');
    expect(r.afterMs).toBeLessThan(30_000);
  });

  test('100 clean deploys with the same noise yield at most 1 fail', () => {
    let fails = 0;
    let passes = 0;
    for (let seed = 100; seed < 200; seed++) {
      const r = runDeploy(seed, { errorRatio: 0.005, latencyFactor: 1 });
      if (r.status === 'fail') fails++;
      if (r.status === 'pass') passes++;
    }
    expect(fails).toBeLessThanOrEqual(1);
    expect(passes).toBeGreaterThanOrEqual(95);
  });

  test('state survives a JSON round trip mid-check and reaches the same verdict', () => {
    const rng1 = new Mulberry32(7);
    const spans = [...traffic(rng1, 0, 300, 20, 'v1', { errorRatio: 0.005, latencyFactor: 1 }), ...traffic(rng1, 300_000, 60, 20, 'v2', { errorRatio: 0.05, latencyFactor: 1 })];
    const a = new ServiceVerifier('s', OPTIONS);
    let b = new ServiceVerifier('s', OPTIONS);
    const outA: string[] = [];
    const outB: string[] = [];
    spans.forEach((s, i) => {
      outA.push(...a.observe(s).map((v) => `${v.status}@${v.decidedAtMs}`));
      if (i === 6100) b = ServiceVerifier.fromJSON(JSON.parse(JSON.stringify(b.toJSON())), OPTIONS);
      outB.push(...b.observe(s).map((v) => `${v.status}@${v.decidedAtMs}`));
    });
    expect(outA).toContain(outA.find((x) => x.startsWith('fail')));
    expect(outB).toEqual(outA);
  });
});
