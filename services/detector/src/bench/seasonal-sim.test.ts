// Seasonality-aware verification (issue 21, Build 1) on the seeded daily-cycle simulator: a
// clean deploy on the rising edge of a daily latency peak, a regression at the peak, a history too
// short for a profile, and the profile through the verifier's state. Generous bounds; the sharp
// figures are `npm run bench:verification -- --daily-amplitude 0.5`.
import { describe, expect, test } from 'vitest';
import { Mulberry32 } from '@vigil/stats';
import type { VerdictRecord } from '@vigil/records';
import { ServiceVerifier } from '../verification/verifier.js';
import { DEFAULT_CYCLE, dailyMultiplier, deployTime, isWeekend, simulateDailyPrelude, todayEffect, WEEKLY_EARLIER_DAYS } from './seasonal-sim.js';
import type { DailyCycle } from './seasonal-sim.js';
import { arrivals, request, SIM_VERIFICATION, simulateCandidate, simulatePrelude } from './verification-sim.js';
import type { DeployOutcome, Effect } from './verification-sim.js';

const DAY_MS = 86_400_000;
const NO_PROFILE = { ...SIM_VERIFICATION, seasonal: false };
const NO_EARLIER_DAYS = { ...SIM_VERIFICATION, earlierDays: false };
const NO_DAY_OF_WEEK = { ...SIM_VERIFICATION, dayOfWeek: false };

/** `deploys` seeded deploys at the rising edge; each candidate judged with the profile and without it (same requests). */
function deploysAtPeak(rps: number, effect: Effect, deploys: number, seed0: number, cycle: DailyCycle = DEFAULT_CYCLE): Array<{ with: DeployOutcome; without: DeployOutcome }> {
  const shape = (t: number) => dailyMultiplier(cycle, t);
  const out: Array<{ with: DeployOutcome; without: DeployOutcome }> = [];
  for (let d = 0; d < deploys; d++) {
    const seed = seed0 + 7919 * d;
    // Half after a 20 s previous version, half after a 30 min one.
    const prelude = simulateDailyPrelude(seed, rps, d % 2 === 0 ? 20_000 : 30 * 60_000, cycle);
    out.push({ with: simulateCandidate(prelude, effect, seed + 1, SIM_VERIFICATION, shape), without: simulateCandidate(prelude, effect, seed + 1, NO_PROFILE, shape) });
  }
  return out;
}
const fails = (os: DeployOutcome[]) => os.filter((o) => o.vigil.status === 'fail').length;

describe('seasonality-aware verification (seeded daily cycle, latency ×1.5 at the peak hour)', () => {
  test('(a) clean deploys on the rising edge: false fails without the profile, at most 1 in 100 with it', () => {
    const os = deploysAtPeak(2, { kind: 'none' }, 100, 1_000);
    const without = fails(os.map((o) => o.without));
    const withProfile = fails(os.map((o) => o.with));
    // Without the profile the candidate's peak-bound latency is compared with the quieter minutes
    // before it (about 40% false fails in this simulation).
    expect(without).toBeGreaterThanOrEqual(20);
    expect(withProfile).toBeLessThanOrEqual(1);
    // Every verdict names the adjustment: 2 earlier days, deployed at 11:30 UTC.
    for (const o of os) {
      const b = o.with.vigil.verdict.baseline;
      expect(b?.source).toBe('history');
      expect(b?.seasonal?.days).toBe(2);
      expect(b?.seasonal?.hour).toBe(11.5);
      expect(b?.seasonal?.latencyRatio).toBeGreaterThan(1);
      expect(o.without.vigil.verdict.baseline?.seasonal).toBeUndefined();
    }
  }, 240_000);

  test('(b) a real regression at the peak is still found: p99 ×2 on one operation at 2 requests/s, error ratio ×10 at 10 requests/s', () => {
    const slow = deploysAtPeak(2, { kind: 'latency', factor: 2 }, 20, 5_000);
    expect(fails(slow.map((o) => o.with))).toBeGreaterThanOrEqual(17);
    const failed = slow.map((o) => o.with.vigil.verdict).filter((v) => v.status === 'fail');
    for (const v of failed) expect(v.summary).toMatch(/seasonal: same 15 min of 2 earlier days/);
    const errors = deploysAtPeak(10, { kind: 'errors', factor: 10 }, 10, 6_000);
    expect(fails(errors.map((o) => o.with))).toBeGreaterThanOrEqual(9);
  }, 240_000);

  test('(b′) the other way round: on the falling edge a p99 ×1.3 regression hides behind the falling load without the profile, and is found with it', () => {
    const falling: DailyCycle = { ...DEFAULT_CYCLE, edge: 'falling' };
    const os = deploysAtPeak(2, { kind: 'latency', factor: 1.3 }, 20, 7_000, falling);
    // 40 seeded deploys in development (seeds 1000…, 20 s and 30 min previous versions): 36 found with the profile, 0 without.
    expect(fails(os.map((o) => o.with))).toBeGreaterThanOrEqual(14);
    expect(fails(os.map((o) => o.without))).toBeLessThanOrEqual(4);
    const clean = deploysAtPeak(2, { kind: 'none' }, 20, 8_000, falling);
    expect(fails(clean.map((o) => o.with))).toBeLessThanOrEqual(1);
  }, 240_000);

  test('(c) with less than 2 earlier days the verdicts are exactly those without a profile', () => {
    const oneDay: DailyCycle = { ...DEFAULT_CYCLE, earlierDays: 1 };
    for (const effect of [{ kind: 'none' }, { kind: 'latency', factor: 2 }] as Effect[]) {
      for (const o of deploysAtPeak(2, effect, 10, 9_000, oneDay)) {
        expect(o.with.vigil.verdict.baseline?.seasonal).toBeUndefined();
        expect(o.with.vigil.verdict).toEqual(o.without.vigil.verdict);
      }
    }
    // And the simulator without a cycle (20 minutes of history), as the verifier ran before.
    for (let d = 0; d < 10; d++) {
      const prelude = simulatePrelude(300 + d, 10, 20_000);
      const a = simulateCandidate(prelude, { kind: 'errors', factor: 3 }, 400 + d);
      const b = simulateCandidate(prelude, { kind: 'errors', factor: 3 }, 400 + d, NO_PROFILE);
      expect(a.vigil.verdict).toEqual(b.vigil.verdict);
    }
  }, 240_000);

  test("(e) earlier days in the error baseline: errors ×3 on one operation at 2 requests/s found several times as often; clean deploys still pass; the verdict names the counts", () => {
    const flat: DailyCycle = { ...DEFAULT_CYCLE, amplitude: 0 };
    const judged = (effect: Effect, deploys: number, seed0: number) => {
      const out: Array<{ with: DeployOutcome; without: DeployOutcome }> = [];
      for (let d = 0; d < deploys; d++) {
        const seed = seed0 + 7919 * d;
        const prelude = simulateDailyPrelude(seed, 2, d % 2 === 0 ? 20_000 : 30 * 60_000, flat);
        out.push({ with: simulateCandidate(prelude, effect, seed + 1), without: simulateCandidate(prelude, effect, seed + 1, NO_EARLIER_DAYS) });
      }
      return out;
    };
    // bench:verification -- --daily-amplitude 0 --rates 2: 38–43% with the earlier days, 7–9% without (100 deploys per cell).
    const errors = judged({ kind: 'errors', factor: 3 }, 40, 21_000);
    const withEarlier = fails(errors.map((o) => o.with));
    expect(withEarlier).toBeGreaterThanOrEqual(8);
    expect(withEarlier).toBeGreaterThanOrEqual(2 * Math.max(1, fails(errors.map((o) => o.without))));
    // Most checks pooled (the minutes before the deploy agree with the earlier days), and say so.
    const pooled = errors.filter((x) => x.with.vigil.verdict.baseline?.earlierDays !== undefined);
    expect(pooled.length).toBeGreaterThanOrEqual(30);
    for (const o of pooled) {
      const v = o.with.vigil.verdict;
      expect(v.baseline?.earlierDays?.requests).toBeGreaterThan(20_000);
      if (v.status === 'fail') expect(v.summary).toMatch(/error ratio with earlier days: \d+ errors in \d+ requests/);
    }
    const clean = judged({ kind: 'none' }, 40, 22_000);
    expect(fails(clean.map((o) => o.with))).toBeLessThanOrEqual(1);
    expect(clean.every((o) => o.without.vigil.verdict.baseline?.earlierDays === undefined)).toBe(true);
  }, 240_000);

  test("(f) today's error rate has moved (×2 the earlier days'): a candidate as good as today's versions is not failed on the earlier days' rate", () => {
    const drift: DailyCycle = { ...DEFAULT_CYCLE, amplitude: 0, todayErrors: 2 };
    let failed = 0, pooled = 0;
    const deploys = 60;
    for (let d = 0; d < deploys; d++) {
      const seed = 23_000 + 7919 * d;
      const rps = d % 3 === 0 ? 2 : d % 3 === 1 ? 10 : 40;
      const prelude = simulateDailyPrelude(seed, rps, d % 2 === 0 ? 20_000 : 30 * 60_000, drift);
      const o = simulateCandidate(prelude, todayEffect(drift, { kind: 'none' }), seed + 1);
      if (o.vigil.status === 'fail') failed++;
      if (o.vigil.verdict.baseline?.earlierDays) pooled++;
    }
    // The history of the minutes before the deploy disagrees with the earlier days more often the
    // busier the service (at 40 requests/s nearly always), and where it does not the candidate's
    // own window has as little power to tell ×2 from ×1.
    expect(failed).toBeLessThanOrEqual(2);
    expect(pooled).toBeLessThan(deploys);
  }, 240_000);

  test('(d) the profile and a running seasonal check survive a state round trip: the same verdicts as without one', () => {
    for (const [seed, effect] of [[11, { kind: 'none' }], [12, { kind: 'latency', factor: 2 }], [13, { kind: 'errors', factor: 10 }]] as Array<[number, Effect]>) {
      const prelude = simulateDailyPrelude(seed, 4, 30 * 60_000, DEFAULT_CYCLE);
      const run = (snapshotAt: number | null): VerdictRecord[] => {
        const rng = new Mulberry32(seed + 100);
        let v = ServiceVerifier.fromJSON(prelude.verifier, SIM_VERIFICATION);
        const out: VerdictRecord[] = [];
        let i = 0;
        for (const t of arrivals(rng, prelude.deployMs, prelude.deployMs + 16 * 60_000, 4)) {
          if (i++ === snapshotAt) v = ServiceVerifier.fromJSON(JSON.parse(JSON.stringify(v.toJSON())) as ReturnType<ServiceVerifier['toJSON']>, SIM_VERIFICATION);
          const r = request(rng, t, 'v2', effect);
          r.durationMs *= dailyMultiplier(DEFAULT_CYCLE, t);
          out.push(...v.observe(r));
        }
        return out;
      };
      const straight = run(null);
      expect(straight[0].status).toBe('running');
      expect(straight[0].baseline?.seasonal?.days).toBe(2);
      expect(straight.length).toBeGreaterThanOrEqual(2);
      for (const at of [1, 150]) expect(run(at)).toEqual(straight);
    }
    // The profile itself is in the verifier's state.
    const restored = ServiceVerifier.fromJSON(JSON.parse(JSON.stringify(simulateDailyPrelude(1, 2, 20_000, DEFAULT_CYCLE).verifier)) as ReturnType<ServiceVerifier['toJSON']>, SIM_VERIFICATION);
    expect(restored.history.seasonal.ops.size).toBe(3);
    expect(restored.history.seasonal.table('POST /pay', 2)).not.toBeNull();
  }, 240_000);

  test('(g) a weekday cycle and a flat weekend: clean deploys on a Monday\'s rising edge pass with the day-of-week profile, and fail clearly more often with all earlier days pooled; p99 ×2 is still found', () => {
    // Latency ×2 at the peak hour on weekdays, flat on Saturdays and Sundays; 7 earlier days
    // (Monday to Sunday) and the deploy on the Monday after them.
    const weekly: DailyCycle = { ...DEFAULT_CYCLE, amplitude: 1, weekend: 'flat', earlierDays: WEEKLY_EARLIER_DAYS };
    const deployMs = deployTime(weekly);
    expect(new Date(deployMs).toISOString()).toBe('1970-01-12T11:30:00.000Z');
    expect(new Date(deployMs).getUTCDay()).toBe(1);
    expect([isWeekend(deployMs - DAY_MS), isWeekend(deployMs - 2 * DAY_MS), isWeekend(deployMs - 3 * DAY_MS), isWeekend(deployMs)]).toEqual([true, true, false, false]);
    expect(dailyMultiplier(weekly, deployMs - DAY_MS + 30 * 60_000)).toBe(1);
    expect(dailyMultiplier(weekly, deployMs - 3 * DAY_MS + 30 * 60_000)).toBe(2);
    const judged = (effect: Effect, deploys: number, seed0: number) => {
      const shape = (t: number) => dailyMultiplier(weekly, t);
      const out: Array<{ with: DeployOutcome; without: DeployOutcome }> = [];
      for (let d = 0; d < deploys; d++) {
        const seed = seed0 + 7919 * d;
        const prelude = simulateDailyPrelude(seed, 2, d % 2 === 0 ? 20_000 : 30 * 60_000, weekly);
        out.push({ with: simulateCandidate(prelude, effect, seed + 1, SIM_VERIFICATION, shape), without: simulateCandidate(prelude, effect, seed + 1, NO_DAY_OF_WEEK, shape) });
      }
      return out;
    };
    const clean = judged({ kind: 'none' }, 60, 31_000);
    const withDays = fails(clean.map((o) => o.with));
    const pooled = fails(clean.map((o) => o.without));
    // Seeds 31000…: 0 of 60 with the day-of-week profile, 12 pooled (bench:verification -- --daily-amplitude 1 --weekend flat).
    expect(withDays).toBeLessThanOrEqual(2);
    expect(pooled).toBeGreaterThanOrEqual(withDays + 6);
    for (const o of clean) {
      expect(o.with.vigil.verdict.baseline?.seasonal).toMatchObject({ days: 5, dayClass: 'weekday', hour: 11.5 });
      expect(o.without.vigil.verdict.baseline?.seasonal).toMatchObject({ days: 7, dayClass: 'all' });
    }
    const slow = judged({ kind: 'latency', factor: 2 }, 20, 32_000);
    expect(fails(slow.map((o) => o.with))).toBeGreaterThanOrEqual(17);
    for (const v of slow.map((o) => o.with.vigil.verdict).filter((v) => v.status === 'fail')) expect(v.summary).toMatch(/seasonal: same 15 min of 5 earlier weekdays/);
  }, 240_000);
});
