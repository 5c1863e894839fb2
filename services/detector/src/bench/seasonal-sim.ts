// A daily cycle for the verification simulator (`npm run bench:verification -- --daily-amplitude
// 0.5` and seasonal.test.ts): every request's latency is multiplied by 1 + amplitude·g(time of
// day), g rising from 0 to 1 over the hour before the daily peak (a raised cosine), 1 for the peak
// hour, falling over the hour after. The service has traffic on `earlierDays` earlier days around
// the peak, then on the deploy day v0 (20 minutes), v1 (its lifetime) and the candidate, deployed
// in the middle of the rising edge, where the latency climbs fastest (about 0.8 × amplitude per
// hour): a before/after check compares the candidate with the last 10–20 minutes, which were
// quieter.
//
// Earlier days carry traffic only from 90 min before the deploy's time of day to 45 min after it
// (the slots a check reads); a real service has traffic all day, which changes nothing for these
// slots and would cost 10 times the simulation time.
//
// A weekly shape (`weekend: 'flat'`, `--weekend flat`): Saturdays and Sundays (UTC) have no
// cycle, the weekdays have it, and the candidate is deployed on a Monday's rising edge after
// WEEKLY_EARLIER_DAYS days (Monday to Sunday) — the Monday morning a profile of all earlier days
// reads mostly from the flat weekend (Sunday weighs 1, Saturday 0.8, Friday 0.64, …).
import { Mulberry32 } from '@vigil/stats';
import { ServiceVerifier } from '../verification/verifier.js';
import { StepSeries } from './reference-judges.js';
import { arrivals, request, SIM_VERIFICATION } from './verification-sim.js';
import type { Effect, Prelude } from './verification-sim.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface DailyCycle {
  /** Latency at the peak is 1 + amplitude times the latency outside it. */
  amplitude: number;
  /** Earlier days with traffic before the deploy day. */
  earlierDays: number;
  /** UTC hour the peak hour starts. */
  peakHour: number;
  /** Deploy in the middle of the rising edge (default) or of the falling one. */
  edge?: 'rising' | 'falling';
  /**
   * The error ratio of the effect's operation on the deploy day (v0 and v1) relative to the
   * earlier days' (default 1): a service whose error rate moved since yesterday. A candidate as
   * good as today's versions then carries the same factor (`todayEffect`).
   */
  todayErrors?: number;
  /** 'flat': no cycle on Saturdays and Sundays (UTC), and the deploy on a Monday (default: every day alike, the deploy on day `earlierDays`). */
  weekend?: 'flat';
}

/** Earlier days of the weekly shape: one of each day of the week, so the deploy's Monday has the week behind it. */
export const WEEKLY_EARLIER_DAYS = 7;

/** The effect on a candidate of a cycle whose deploy day has `todayErrors`: errors multiply, a clean candidate is as today's versions. */
export function todayEffect(c: DailyCycle, e: Effect): Effect {
  const f = c.todayErrors ?? 1;
  if (f === 1) return e;
  if (e.kind === 'none') return { kind: 'errors', factor: f };
  if (e.kind === 'errors') return { kind: 'errors', factor: e.factor * f };
  throw new RangeError(`seasonal-sim: todayErrors applies to clean and error effects only, not "${e.kind}"`);
}

export const DEFAULT_CYCLE: DailyCycle = { amplitude: 0.5, earlierDays: 2, peakHour: 12 };

/** How long the latency takes to rise to the peak (and to fall after it). */
const RAMP_MS = HOUR_MS;
/** v0's traffic on the deploy day before v1 (as in the simulator without a cycle). */
const HISTORY_MS = 20 * 60_000;

/** Is `timeMs` on a Saturday or a Sunday (UTC; day 0, 1970-01-01, was a Thursday)? */
export function isWeekend(timeMs: number): boolean {
  const dayOfWeek = (((Math.floor(timeMs / DAY_MS) + 4) % 7) + 7) % 7;
  return dayOfWeek === 0 || dayOfWeek === 6;
}

/** The latency multiplier at `timeMs`. */
export function dailyMultiplier(c: DailyCycle, timeMs: number): number {
  if (c.weekend === 'flat' && isWeekend(timeMs)) return 1;
  const x = (((timeMs % DAY_MS) + DAY_MS) % DAY_MS) - c.peakHour * HOUR_MS;
  let g = 0;
  if (x >= -RAMP_MS && x < 0) g = 0.5 * (1 - Math.cos((Math.PI * (x + RAMP_MS)) / RAMP_MS));
  else if (x >= 0 && x < HOUR_MS) g = 1;
  else if (x >= HOUR_MS && x < HOUR_MS + RAMP_MS) g = 0.5 * (1 + Math.cos((Math.PI * (x - HOUR_MS)) / RAMP_MS));
  return 1 + c.amplitude * g;
}

/**
 * The deploy time: the middle of the rising (or falling) edge on the day after the earlier days —
 * with a flat weekend, on the first Monday from day `earlierDays` on (1970-01-05 was a Monday).
 */
export function deployTime(c: DailyCycle): number {
  const day = c.weekend === 'flat' ? 4 + 7 * Math.ceil((c.earlierDays - 4) / 7) : c.earlierDays;
  return day * DAY_MS + c.peakHour * HOUR_MS + (c.edge === 'falling' ? HOUR_MS + RAMP_MS / 2 : -RAMP_MS / 2);
}

/** Everything up to the candidate's deploy, with the daily cycle (the counterpart of simulatePrelude). */
export function simulateDailyPrelude(seed: number, rps: number, prevLifetimeMs: number, c: DailyCycle, options = SIM_VERIFICATION): Prelude {
  const rng = new Mulberry32(seed);
  const v = new ServiceVerifier('payments', options);
  const none: Effect = { kind: 'none' };
  const today = todayEffect(c, none);
  const shaped = (t: number, version: string, effect: Effect = none) => {
    const r = request(rng, t, version, effect);
    r.durationMs *= dailyMultiplier(c, t);
    return r;
  };
  const deployMs = deployTime(c);
  for (let d = c.earlierDays; d > 0; d--) {
    const at = deployMs - d * DAY_MS;
    for (const t of arrivals(rng, at - 90 * 60_000, at + 45 * 60_000, rps)) v.observe(shaped(t, 'v0'));
  }
  const v1Ms = deployMs - prevLifetimeMs;
  for (const t of arrivals(rng, v1Ms - HISTORY_MS, v1Ms, rps)) v.observe(shaped(t, 'v0', today));
  const steps = new StepSeries(10_000);
  for (const t of arrivals(rng, v1Ms, deployMs, rps)) {
    const r = shaped(t, 'v1', today);
    v.observe(r);
    steps.add(r);
  }
  const control = steps.values(Math.max(v1Ms, deployMs - 30 * 60_000), deployMs);
  return { rps, metricsIntervalMs: 0, prevLifetimeMs, deployMs, verifier: v.toJSON(), control: { ...control, cpu: [] } }; // a daily cycle runs without metrics
}
