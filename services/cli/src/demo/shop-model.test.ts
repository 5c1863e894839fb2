import { describe, expect, test } from 'vitest';
import { cycleFactor, DEFAULT_SHAPE, PAYMENTS, planBrowse, planCheckout, poisson, seededRng } from './shop-model.js';
import type { PaymentsBehaviour } from './shop-model.js';

// Reference values are closed-form, not printed by the code: a log-normal's q-quantile is
// median·exp(σ·z_q) with z_0.99 = 2.3263 (standard normal table); the timeouts of v2 are
// uniform on [250, 310] ms and hold the top 4.5 % of its distribution.

function paymentsSample(b: PaymentsBehaviour, n: number, seed: number) {
  const r = seededRng(seed);
  const lat: number[] = [];
  let errors = 0;
  for (let i = 0; i < n; i++) {
    const plan = planCheckout(r, b);
    const pay = plan.spans.find((s) => s.service === 'payments') as (typeof plan.spans)[number];
    lat.push(pay.endMs - pay.startMs);
    if (pay.status >= 500) errors++;
  }
  lat.sort((a, b2) => a - b2);
  return { p99: lat[Math.floor(0.99 * n)], errorRatio: errors / n };
}

describe('shop model', () => {
  test('payments v1: p99 ≈ 40·e^(0.35·2.3263) = 90.3 ms, 0.5 % server errors', () => {
    const s = paymentsSample(PAYMENTS.v1, 40_000, 7);
    expect(s.p99).toBeGreaterThan(90.3 * 0.95);
    expect(s.p99).toBeLessThan(90.3 * 1.05);
    expect(s.errorRatio).toBeGreaterThan(0.0035);
    expect(s.errorRatio).toBeLessThan(0.0065);
  });

  test('payments v2: 5 % server errors and p99 about 3× v1 (inside the 250–310 ms timeouts)', () => {
    const v1 = paymentsSample(PAYMENTS.v1, 40_000, 7);
    const v2 = paymentsSample(PAYMENTS.v2, 40_000, 8);
    expect(v2.errorRatio).toBeGreaterThan(0.045);
    expect(v2.errorRatio).toBeLessThan(0.055);
    // The 99th percentile is the timeouts' (1 - 0.01/0.045) = 77.8th percentile: 250 + 0.778·60 ≈ 297 ms.
    expect(v2.p99).toBeGreaterThan(290);
    expect(v2.p99).toBeLessThan(304);
    expect(v2.p99 / v1.p99).toBeGreaterThan(2.9);
  });

  test('a checkout is a chain of five spans, each child inside its parent', () => {
    const plan = planCheckout(seededRng(3), PAYMENTS.v1);
    expect(plan.spans.map((s) => `${s.service}:${s.kind}`)).toEqual(['frontend:server', 'frontend:client', 'checkout:server', 'checkout:client', 'payments:server']);
    for (const s of plan.spans.slice(1)) {
      const parent = plan.spans[s.parent];
      expect(s.startMs).toBeGreaterThanOrEqual(parent.startMs);
      expect(s.endMs).toBeLessThanOrEqual(parent.endMs);
    }
    expect(plan.durationMs).toBe(plan.spans[0].endMs);
  });

  test('a payment server error fails checkout and frontend; a decline (402) fails neither', () => {
    const r = seededRng(11);
    let sawError = false;
    let sawDecline = false;
    for (let i = 0; i < 5_000 && !(sawError && sawDecline); i++) {
      const plan = planCheckout(r, PAYMENTS.v2);
      const status = plan.spans.map((s) => s.status);
      if (status[4] >= 500) {
        sawError = true;
        expect(status[0]).toBe(502);
        expect(status[2]).toBe(502);
      }
      if (status[4] === 402) {
        sawDecline = true;
        expect(status[0]).toBe(402);
      }
    }
    expect(sawError && sawDecline).toBe(true);
  });

  test('only v2 logs the provider timeout', () => {
    const bodies = (b: PaymentsBehaviour) => {
      const r = seededRng(5);
      const out = new Set<string>();
      for (let i = 0; i < 3_000; i++) for (const l of planCheckout(r, b).logs) out.add(l.body.replace(/\d+/g, '<n>'));
      return out;
    };
    const tpl = 'payment provider timeout after <n> ms, order ord-<n>';
    expect(bodies(PAYMENTS.v1).has(tpl)).toBe(false);
    expect(bodies(PAYMENTS.v2).has(tpl)).toBe(true);
  });

  test('browse requests are one frontend server span', () => {
    const plan = planBrowse(seededRng(2));
    expect(plan.spans).toHaveLength(1);
    expect(plan.spans[0].service).toBe('frontend');
  });

  test('poisson mean and the daily cycle', () => {
    const r = seededRng(9);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += poisson(r, 2.2);
    expect(sum / 20_000).toBeGreaterThan(2.15);
    expect(sum / 20_000).toBeLessThan(2.25);
    expect(cycleFactor(DEFAULT_SHAPE, DEFAULT_SHAPE.cycleMs / 4)).toBeCloseTo(1 + DEFAULT_SHAPE.amplitude, 9);
    expect(cycleFactor(DEFAULT_SHAPE, (3 * DEFAULT_SHAPE.cycleMs) / 4)).toBeCloseTo(1 - DEFAULT_SHAPE.amplitude, 9);
  });
});
