import { describe, expect, test } from 'vitest';
import { Mulberry32 } from '@vigil/stats';
import type { CheckSeasonJSON, TimeOfDayProfileJSON } from './time-of-day.js';
import { checkSeason, checkSeasonFromJSON, checkSeasonToJSON, MAX_PROFILED_OPERATIONS, seasonalFactor, seasonSummary, SLOT_MS, TimeOfDayProfile } from './time-of-day.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** `n` requests of `op` spread over the slot starting at `startMs`, all `ms` long, `errors` of them errors. */
function fill(p: TimeOfDayProfile, op: string, startMs: number, n: number, ms: number, errors = 0): void {
  for (let i = 0; i < n; i++) p.add(op, ms, i < errors, startMs + (i * SLOT_MS) / n);
}

describe('time-of-day profile', () => {
  test('two earlier days at 10 ms at 09:00 and 20 ms at 10:00: the factor between the slots is 2, and today is left out', () => {
    const p = new TimeOfDayProfile();
    for (const d of [0, 1]) {
      fill(p, 'GET /a', d * DAY + 9 * HOUR, 100, 10);
      fill(p, 'GET /a', d * DAY + 10 * HOUR, 100, 20);
    }
    // Today 09:00 is much slower: it is the recent baseline, not the profile.
    fill(p, 'GET /a', 2 * DAY + 9 * HOUR, 100, 50);
    const t = p.table('GET /a', 2);
    expect(t).not.toBeNull();
    const centre = (h: number) => 2 * DAY + h * HOUR + SLOT_MS / 2;
    expect(seasonalFactor(t ?? undefined, 'level', centre(9), centre(10))).toBeCloseTo(2, 12);
    expect(seasonalFactor(t ?? undefined, 'level', centre(10), centre(9))).toBeCloseTo(0.5, 12);
    // Half way between two known slot centres: linear in ln latency (√2); beside an unknown slot, the slot's own level.
    expect(seasonalFactor(t ?? undefined, 'level', centre(9), centre(9) + SLOT_MS / 2)).toBeCloseTo(1, 12);
    // No errors on the earlier days: no error factor.
    expect(seasonalFactor(t ?? undefined, 'rate', centre(9), centre(10))).toBe(1);
  });

  test('one earlier day is not enough (no table), nor two days with too few requests in the slot', () => {
    const p = new TimeOfDayProfile();
    fill(p, 'op', 9 * HOUR, 100, 10);
    expect(p.table('op', 1)).toBeNull();
    expect(p.table(undefined, 1)).toBeNull();
    const q = new TimeOfDayProfile();
    fill(q, 'op', 9 * HOUR, 10, 10);
    fill(q, 'op', DAY + 9 * HOUR, 10, 10);
    expect(q.table('op', 2)).toBeNull();
  });

  test('later days weigh more (0.8 per day): the level follows a drifting daily shape', () => {
    const p = new TimeOfDayProfile();
    fill(p, 'op', 9 * HOUR, 100, 10);
    fill(p, 'op', DAY + 9 * HOUR, 100, 40);
    fill(p, 'op', 10 * HOUR, 100, 10);
    fill(p, 'op', DAY + 10 * HOUR, 100, 10);
    const t = p.table('op', 5);
    const level9 = t?.level[36] as number;
    // (0.8·100·ln 10 + 100·ln 40) / 180
    expect(level9).toBeCloseTo((80 * Math.log(10) + 100 * Math.log(40)) / 180, 12);
  });

  test('error rates: when the slots differ by binomial noise only, the factor is exactly 1 (nearly always); a real peak of errors shows', () => {
    const build = (seed: number, peak: number) => {
      const rng = new Mulberry32(seed);
      const p = new TimeOfDayProfile();
      for (const d of [0, 1, 2]) {
        for (let s = 0; s < 16; s++) {
          const start = d * DAY + 8 * HOUR + s * SLOT_MS;
          for (let i = 0; i < 400; i++) p.add('op', 10, rng.next() < (s >= 8 ? 0.01 * peak : 0.01), start + (i * SLOT_MS) / 400);
        }
      }
      return p.table('op', 3) ?? undefined;
    };
    const centre = (s: number) => 3 * DAY + 8 * HOUR + s * SLOT_MS + SLOT_MS / 2;
    let exact = 0;
    for (let seed = 1; seed <= 50; seed++) if (seasonalFactor(build(seed, 1), 'rate', centre(2), centre(12)) === 1) exact++;
    // The homogeneity pretest is at 1%: about 49 of 50 flat profiles give exactly 1.
    expect(exact).toBeGreaterThanOrEqual(45);
    const k = seasonalFactor(build(7, 4), 'rate', centre(2), centre(12));
    expect(k).toBeGreaterThan(2.5);
    expect(k).toBeLessThan(5);
  });

  test("earlier days' error counts: the day-weighted totals of the usable slots when the rate is flat through the day, none when it is not", () => {
    // Three earlier days, 8 quarter-hours of 400 requests each; 4 errors per slot (flat), or 40 in
    // the last four slots (a peak of errors).
    const build = (peak: boolean) => {
      const p = new TimeOfDayProfile();
      for (const d of [0, 1, 2]) for (let s = 0; s < 8; s++) fill(p, 'op', d * DAY + 8 * HOUR + s * SLOT_MS, 400, 10, peak && s >= 4 ? 40 : 4);
      return p;
    };
    const flat = build(false).table('op', 3);
    // Day weights 0.8² + 0.8 + 1 = 2.44 (the day before the deploy's counts fully).
    expect(flat?.prior?.errors).toBeCloseTo(8 * 4 * 2.44, 9);
    expect(flat?.prior?.requests).toBeCloseTo(8 * 400 * 2.44, 9);
    expect(build(true).table('op', 3)?.prior).toBeUndefined();
    // Today's slots are not in it: the recent history holds them.
    const p = build(false);
    fill(p, 'op', 3 * DAY + 8 * HOUR, 400, 10, 200);
    expect(p.table('op', 3)?.prior).toEqual(flat?.prior);
    // A check's season keeps them, through JSON; a season saved before they were kept has none.
    const s = checkSeason(p, 3 * DAY + 8.5 * HOUR, 3 * DAY + 9 * HOUR, 3 * DAY + 9.25 * HOUR);
    expect(s?.ops.get('op')?.prior).toEqual(flat?.prior);
    const j = JSON.parse(JSON.stringify(checkSeasonToJSON(s!))) as CheckSeasonJSON;
    expect(checkSeasonFromJSON(j).ops.get('op')?.prior).toEqual(flat?.prior);
    delete j.priors;
    expect(checkSeasonFromJSON(j).ops.get('op')?.prior).toBeUndefined();
    expect(checkSeasonFromJSON(j).service.prior).toBeUndefined();
  });

  test('operations beyond the cap are not profiled; the service series still counts them', () => {
    const p = new TimeOfDayProfile();
    for (let i = 0; i < MAX_PROFILED_OPERATIONS + 5; i++) p.add(`op${i}`, 10, false, 1000);
    expect(p.ops.size).toBe(MAX_PROFILED_OPERATIONS);
    p.add('x', Number.NaN, false, 2000);
    p.add('y', 5, false, Number.POSITIVE_INFINITY);
    expect(p.ops.has('x')).toBe(false);
    const s = checkSeason(p, 0, 1000, 2000);
    expect(s).toBeNull();
  });

  test('state round trip (through JSON text): the same tables, the same future, and a check season survives as well', () => {
    const rng = new Mulberry32(11);
    const a = new TimeOfDayProfile();
    const feed = (p: TimeOfDayProfile, from: number, to: number, r: Mulberry32) => {
      for (let t = from; t < to; t += 2000) p.add(r.next() < 0.5 ? 'GET /x' : 'POST /y', 10 + 90 * r.next(), r.next() < 0.02, t);
    };
    feed(a, 8 * HOUR, 12 * HOUR, rng);
    feed(a, DAY + 8 * HOUR, DAY + 12 * HOUR, rng);
    feed(a, 2 * DAY + 8 * HOUR, 2 * DAY + 9 * HOUR, rng);
    const b = TimeOfDayProfile.fromJSON(JSON.parse(JSON.stringify(a.toJSON())) as TimeOfDayProfileJSON);
    expect(b.toJSON()).toEqual(a.toJSON());
    // Both go on identically.
    const r1 = new Mulberry32(5);
    const r2 = new Mulberry32(5);
    feed(a, 2 * DAY + 9 * HOUR, 2 * DAY + 11 * HOUR, r1);
    feed(b, 2 * DAY + 9 * HOUR, 2 * DAY + 11 * HOUR, r2);
    expect(b.toJSON()).toEqual(a.toJSON());
    expect(b.table('POST /y', 2)).toEqual(a.table('POST /y', 2));
    const s = checkSeason(a, 2 * DAY + 9.5 * HOUR, 2 * DAY + 10 * HOUR, 2 * DAY + 10.25 * HOUR);
    expect(s).not.toBeNull();
    if (!s) return;
    const back = checkSeasonFromJSON(JSON.parse(JSON.stringify(checkSeasonToJSON(s))) as CheckSeasonJSON);
    expect(back).toEqual(s);
    expect(seasonSummary(back)).toEqual(seasonSummary(s));
    // Only the slots from the baseline's time to the deadline, one on each side: 09:15–10:30.
    expect(s.service.level.flatMap((v, i) => (v === null ? [] : [i]))).toEqual([37, 38, 39, 40, 41, 42]);
    expect(seasonSummary(s).days).toBe(2);
    expect(seasonalFactor(back.ops.get('GET /x'), 'level', back.refMs, 2 * DAY + 10.3 * HOUR)).toBe(seasonalFactor(s.ops.get('GET /x'), 'level', s.refMs, 2 * DAY + 10.3 * HOUR));
  });
});
