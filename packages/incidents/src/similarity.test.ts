import { describe, expect, it } from 'vitest';
import type { Fingerprint } from './fingerprint.js';
import { DEFAULT_WEIGHTS, similarity } from './similarity.js';

const fp = (over: Partial<Fingerprint>): Fingerprint => ({
  service: 'checkout', signal: 'traces', metric: 'latency_p99', operation: 'POST /pay', templates: [], deviations: [],
  deployChange: 'none', verdict: 'none', ...over,
});

describe('similarity', () => {
  it('weights each feature as documented (hand-computed)', () => {
    const a = fp({ templates: ['a', 'b'], deviations: ['latency_p99:up'] });
    const b = fp({ templates: ['b', 'c'], deviations: ['latency_p99:up'] });
    // templates: |{b}| / |{a,b,c}| = 1/3 → 0.35/3; deviations 1/1 → 0.2; operation 0.15; metric 0.1; service 0.1.
    const want = 0.35 / 3 + 0.2 + 0.15 + 0.1 + 0.1;
    const s = similarity(a, b);
    expect(s.score).toBeCloseTo(want, 12);
    expect(s.why).toEqual([
      '+0.20 deviating metrics 1/1 shared: latency_p99:up',
      '+0.15 same operation "POST /pay"',
      '+0.12 log templates 1/3 shared: "b"',
      '+0.10 same signal and metric traces/latency_p99',
      '+0.10 same service checkout',
    ]);
    expect(similarity(b, a).score).toBeCloseTo(s.score, 15);
  });
  it('counts deploy change and verdict only when both have one', () => {
    const a = fp({ service: 'x', operation: '', metric: '', deployChange: 'config', verdict: 'fail' });
    const b = fp({ service: 'y', operation: '', metric: '', deployChange: 'config', verdict: 'fail' });
    expect(similarity(a, b).score).toBeCloseTo(DEFAULT_WEIGHTS.deployChange + DEFAULT_WEIGHTS.verdict, 12);
    const none = fp({ service: 'x', operation: '', metric: '' });
    const none2 = fp({ service: 'y', operation: '', metric: '' });
    expect(similarity(none, none2)).toEqual({ score: 0, why: [] });
  });
  it('an identical fingerprint with every feature scores 1', () => {
    const a = fp({ templates: ['t'], deviations: ['d:up'], deployChange: 'patch', verdict: 'fail' });
    expect(similarity(a, { ...a }).score).toBeCloseTo(1, 12);
  });
});
