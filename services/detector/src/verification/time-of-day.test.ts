import { describe, expect, test } from 'vitest';
import { Mulberry32 } from '@vigil/stats';
import type { CheckSeasonJSON, TimeOfDayProfileJSON } from './time-of-day.js';
import { checkSeason, checkSeasonFromJSON, checkSeasonToJSON, dayClassOf, MAX_PROFILED_OPERATIONS, seasonalFactor, seasonSummary, SLOT_MS, TimeOfDayProfile } from './time-of-day.js';

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

// 1970-01-05 (day 4) was a Monday: days 4–8 Monday to Friday, 9 and 10 the weekend, 11 Monday.
const MON = 4, SAT = 9, SUN = 10, NEXT_MON = 11;

describe('time-of-day profile by day of week', () => {
  /** A week of `op`: weekdays 10 ms at 09:00 and 20 ms at 10:00 (a morning rise), the weekend 10 ms at both. */
  const week = (p: TimeOfDayProfile, days: number[], op = 'op') => {
    for (const d of days) {
      const weekend = dayClassOf(d) === 'weekend';
      fill(p, op, d * DAY + 9 * HOUR, 100, 10);
      fill(p, op, d * DAY + 10 * HOUR, 100, weekend ? 10 : 20);
    }
  };
  const centre = (day: number, h: number) => day * DAY + h * HOUR + SLOT_MS / 2;
  const rise = (t: ReturnType<TimeOfDayProfile['table']>, day: number) => seasonalFactor(t ?? undefined, 'level', centre(day, 9), centre(day, 10));

  test('the calendar: 1970-01-01 a Thursday, the 3rd and 4th a weekend, the 5th a Monday', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, -1, -4].map(dayClassOf)).toEqual([
      'weekday', 'weekday', 'weekend', 'weekend', 'weekday', 'weekday', 'weekday', 'weekday', 'weekday', 'weekend', 'weekend', 'weekday', 'weekday', 'weekend',
    ]);
  });

  test("a Monday's table of weekdays ignores the weekend; pooled it is the day-weighted mix; a Sunday's table reads the weekend", () => {
    const p = new TimeOfDayProfile();
    week(p, [MON, MON + 1, MON + 2, MON + 3, MON + 4, SAT, SUN]);
    // Every weekday rose ×2, no weekend day did.
    expect(rise(p.table('op', NEXT_MON, 'weekday'), NEXT_MON)).toBeCloseTo(2, 12);
    expect(p.table('op', NEXT_MON, 'weekday')?.dayClass).toBe('weekday');
    expect(p.table('op', NEXT_MON, 'weekday')?.days[36]).toBe(5);
    expect(rise(p.table('op', NEXT_MON, 'weekend'), NEXT_MON)).toBeCloseTo(1, 12);
    // Pooled (0.8 per calendar day back from Sunday): the weekdays weigh 0.8² … 0.8⁶ of the 10:00 level.
    const w = [2, 3, 4, 5, 6].reduce((a, k) => a + 0.8 ** k, 0);
    const pooled10 = (w * Math.log(20) + 1.8 * Math.log(10)) / (w + 1.8);
    expect(p.table('op', NEXT_MON)?.dayClass).toBeUndefined();
    expect(rise(p.table('op', NEXT_MON), NEXT_MON)).toBeCloseTo(Math.exp(pooled10 - Math.log(10)), 12);
    // The check of a Monday 10:00 deploy against 09:00: weekdays with day of week, pooled without.
    const dow = checkSeason(p, centre(NEXT_MON, 9), centre(NEXT_MON, 10), centre(NEXT_MON, 10.25));
    expect(dow?.service.dayClass).toBe('weekday');
    expect(seasonSummary(dow!)).toMatchObject({ days: 5, dayClass: 'weekday', latencyRatio: 2 });
    expect(dow?.ops.get('op')?.dayClass).toBe('weekday');
    const all = checkSeason(p, centre(NEXT_MON, 9), centre(NEXT_MON, 10), centre(NEXT_MON, 10.25), false);
    expect(seasonSummary(all!)).toMatchObject({ days: 7, dayClass: 'all', latencyRatio: Math.round(Math.exp(pooled10 - Math.log(10)) * 1000) / 1000 });
    // A Sunday deploy (after Saturday and a weekend a week before) reads the weekend days.
    const q = new TimeOfDayProfile();
    week(q, [SAT - 7, SUN - 7, MON, MON + 1, MON + 2, MON + 3, MON + 4, SAT]);
    const sunday = checkSeason(q, centre(SUN, 9), centre(SUN, 10), centre(SUN, 10.25));
    expect(seasonSummary(sunday!)).toMatchObject({ days: 3, dayClass: 'weekend', latencyRatio: 1 });
  });

  test("a class's days are weighted by days of that class: Friday is a Tuesday's day before Monday (0.8), not three days back", () => {
    const p = new TimeOfDayProfile();
    fill(p, 'op', (MON + 4) * DAY + 9 * HOUR, 100, 10); // Friday
    fill(p, 'op', SAT * DAY + 9 * HOUR, 100, 1000); // the weekend, left out of the weekdays
    fill(p, 'op', NEXT_MON * DAY + 9 * HOUR, 100, 40); // Monday
    const t = p.table('op', NEXT_MON + 1, 'weekday');
    expect(t?.level[36]).toBeCloseTo((80 * Math.log(10) + 100 * Math.log(40)) / 180, 12);
    expect(t?.days[36]).toBe(2);
    // Pooled, Friday is three calendar days back (0.8³), Saturday two.
    const pooled = p.table('op', NEXT_MON + 1);
    expect(pooled?.level[36]).toBeCloseTo((51.2 * Math.log(10) + 64 * Math.log(1000) + 100 * Math.log(40)) / 215.2, 12);
  });

  test('a class with fewer than 2 days in the slots falls back to all earlier days pooled, as without day of week', () => {
    const p = new TimeOfDayProfile();
    week(p, [MON + 4, SAT, SUN]); // one weekday, two weekend days
    expect(p.table('op', NEXT_MON, 'weekday')).toBeNull();
    const dow = checkSeason(p, centre(NEXT_MON, 9), centre(NEXT_MON, 10), centre(NEXT_MON, 10.25));
    const all = checkSeason(p, centre(NEXT_MON, 9), centre(NEXT_MON, 10), centre(NEXT_MON, 10.25), false);
    expect(dow).toEqual(all);
    expect(dow?.service.dayClass).toBeUndefined();
    expect(seasonSummary(dow!)).toMatchObject({ days: 3, dayClass: 'all' });
    // A class that knows the deploy's quarter-hour but not the baseline's is not used either.
    const q = new TimeOfDayProfile();
    week(q, [MON, MON + 1, SAT, SUN]);
    for (const d of [MON + 2, MON + 3]) fill(q, 'op', d * DAY + 10 * HOUR, 100, 20);
    expect(rise(q.table('op', NEXT_MON, 'weekday'), NEXT_MON)).toBeCloseTo(2, 12);
    expect(checkSeason(q, centre(NEXT_MON, 9), centre(NEXT_MON, 10), centre(NEXT_MON, 10.25))?.service.dayClass).toBe('weekday');
    const r = new TimeOfDayProfile();
    week(r, [MON, SAT, SUN]);
    for (const d of [MON + 2, MON + 3]) fill(r, 'op', d * DAY + 10 * HOUR, 100, 20);
    expect(checkSeason(r, centre(NEXT_MON, 9), centre(NEXT_MON, 10), centre(NEXT_MON, 10.25))?.service.dayClass).toBeUndefined();
  });

  test("the zone's offset moves the weekend: Monday 02:00 UTC is Sunday evening in New York (UTC-5)", () => {
    const utc = new TimeOfDayProfile();
    const ny = new TimeOfDayProfile(-300);
    const monday2 = NEXT_MON * DAY + 2 * HOUR;
    expect([utc.dayClassAt(monday2), ny.dayClassAt(monday2), ny.dayClassAt(monday2 + 3 * HOUR)]).toEqual(['weekday', 'weekend', 'weekday']);
    // Saturday 23:00 UTC is Sunday in UTC+2 and still Saturday in UTC: weekend either way; Friday 23:00 UTC is Saturday in UTC+2.
    const plus2 = new TimeOfDayProfile(120);
    expect([utc.dayClassAt((MON + 4) * DAY + 23 * HOUR), plus2.dayClassAt((MON + 4) * DAY + 23 * HOUR)]).toEqual(['weekday', 'weekend']);
    // Two Mondays' 02:00 UTC quarter-hours: weekdays in UTC, weekend days in New York.
    for (const p of [utc, ny]) for (const d of [MON, NEXT_MON]) fill(p, 'op', d * DAY + 2 * HOUR, 100, 10);
    const days = (p: TimeOfDayProfile, c: 'weekday' | 'weekend') => p.table('op', NEXT_MON + 1, c)?.days[8] ?? 0;
    expect([days(utc, 'weekday'), days(utc, 'weekend'), days(ny, 'weekday'), days(ny, 'weekend')]).toEqual([2, 0, 0, 2]);
  });

  test('state: the classes survive a JSON round trip; a profile saved before day of week loads its days as pooled; another offset drops the classes', () => {
    const p = new TimeOfDayProfile(60);
    week(p, [MON, MON + 1, MON + 2, MON + 3, MON + 4, SAT, SUN]);
    week(p, [NEXT_MON], 'other');
    const j = JSON.parse(JSON.stringify(p.toJSON())) as TimeOfDayProfileJSON;
    expect(j.weekOffsetMinutes).toBe(60);
    const back = TimeOfDayProfile.fromJSON(j, 60);
    expect(back.toJSON()).toEqual(p.toJSON());
    for (const c of ['weekday', 'weekend', undefined] as const) expect(back.table('op', NEXT_MON, c)).toEqual(p.table('op', NEXT_MON, c));
    // Both go on identically (the day in progress folds into its class).
    for (const q of [p, back]) week(q, [NEXT_MON + 1]);
    expect(back.toJSON()).toEqual(p.toJSON());
    expect(back.table('op', NEXT_MON + 2, 'weekday')?.days[40]).toBe(6);

    // The format before day of week: 9 numbers per slot (pooled days, day in progress), no offset.
    const old: TimeOfDayProfileJSON = { service: j.service.map((r) => r.slice(0, 10)), ops: j.ops.map(([k, rows]) => [k, rows.map((r) => r.slice(0, 10))]) };
    expect(old.service[0]).toHaveLength(10);
    const loaded = TimeOfDayProfile.fromJSON(old, 60);
    expect(loaded.table('op', NEXT_MON)).toEqual(p.table('op', NEXT_MON));
    expect(loaded.table('op', NEXT_MON, 'weekday')).toBeNull();
    expect(loaded.table('op', NEXT_MON, 'weekend')).toBeNull();
    const s = checkSeason(loaded, centre(NEXT_MON, 9), centre(NEXT_MON, 10), centre(NEXT_MON, 10.25));
    expect(seasonSummary(s!)).toMatchObject({ days: 7, dayClass: 'all' });
    // It learns the classes from then on: two more weekdays and their slots have a weekday class.
    week(loaded, [NEXT_MON, NEXT_MON + 1, NEXT_MON + 2]);
    expect(loaded.table('op', NEXT_MON + 2, 'weekday')?.days[40]).toBe(2);
    // Saved under another zone: the days were classed by another calendar; pooled only.
    const moved = TimeOfDayProfile.fromJSON(j, 0);
    expect(moved.table('op', NEXT_MON)).toEqual(p.table('op', NEXT_MON));
    expect(moved.table('op', NEXT_MON, 'weekday')).toBeNull();
  });

  test("a check's classes survive its JSON; a check saved before day of week reads as all earlier days", () => {
    const p = new TimeOfDayProfile();
    week(p, [MON, MON + 1, MON + 2, MON + 3, MON + 4, SAT, SUN]);
    week(p, [MON + 4, SAT, SUN], 'weekend-heavy');
    const s = checkSeason(p, centre(NEXT_MON, 9), centre(NEXT_MON, 10), centre(NEXT_MON, 10.25))!;
    expect([s.service.dayClass, s.ops.get('op')?.dayClass, s.ops.get('weekend-heavy')?.dayClass]).toEqual(['weekday', 'weekday', undefined]);
    const j = JSON.parse(JSON.stringify(checkSeasonToJSON(s))) as CheckSeasonJSON;
    expect(checkSeasonFromJSON(j)).toEqual(s);
    delete j.classes;
    const old = checkSeasonFromJSON(j);
    expect(old.service.dayClass).toBeUndefined();
    expect(seasonSummary(old).dayClass).toBe('all');
    expect(seasonSummary(old).latencyRatio).toBe(seasonSummary(s).latencyRatio);
  });
});
