// The time-of-day profile of a service's verified-good traffic, and the seasonal adjustment a
// before/after check takes from it. See the detector README ("Seasonality").
//
// Why not @vigil/stats' SeasonalProfile: that one keeps a per-value EWMA per slot, so the
// weight of a day depends on how busy it was, it cannot say how many days a slot has seen, and
// it cannot leave out today (whose slot just before the deploy IS the recent baseline). Here
// each slot keeps the finished days (exponentially weighted by day, Holt–Winters' seasonal
// smoothing, Winters 1960) apart from the day in progress — all of them pooled, and the weekdays
// and the weekend days of the service's calendar apart, so that a Monday morning is read from
// weekdays, not from the flat Sunday and Saturday before it.

/** Width of a slot: 15 minutes, so a peak that ramps up within an hour is still followed. */
export const SLOT_MS = 15 * 60_000;
export const SLOTS_PER_DAY = 96;
const DAY_MS = 86_400_000;
/**
 * Weight of a day relative to the day after it (1 − γ of Holt–Winters' seasonal update, per
 * day): the last day counts fully, the one before 0.8, a week ago 0.26 — a drifting daily shape
 * is followed within a few days.
 */
const DAY_DECAY = 0.8;
/** Operations profiled per service (the first seen; the service-wide series is always kept). */
export const MAX_PROFILED_OPERATIONS = 32;
/** Days a slot needs (earlier days, each with MIN_DAY_REQUESTS in it) before it is used. */
export const MIN_SEASONAL_DAYS = 2;
/** Requests of one day in one slot for that day to count. */
const MIN_DAY_REQUESTS = 20;
/** Requests (day-weighted) of a slot for its level to be used. */
const MIN_SLOT_REQUESTS = 60;
/** Latency durations below this (ms) are taken as this in the log level. */
const MIN_DURATION_MS = 1e-3;

// Per slot, FIELDS numbers: the finished days of all kinds (day-weighted requests, errors, sum of
// ln duration; the last day folded in; days that had MIN_DAY_REQUESTS), the day in progress (its
// day, requests, errors, sum of ln duration), then the same five numbers of the finished days for
// the weekdays alone (K_WEEKDAY) and for the weekend days alone (K_WEEKEND). The pooled numbers are
// kept as they were before day of week (not summed from the two classes): a check that falls back
// to them reads bit for bit what it read then, and a checkpoint of that time (9 numbers per slot)
// loads into them.
const FIELDS = 19;
/** The numbers per slot of a checkpoint written before day of week (pooled and day in progress). */
const POOLED_FIELDS = 9;
const P_N = 0, P_E = 1, P_L = 2, P_LAST = 3, P_DAYS = 4, C_DAY = 5, C_N = 6, C_E = 7, C_L = 8;
/** Offsets of a class's five numbers (laid out as P_N…P_DAYS) within a slot. */
const K_WEEKDAY = 9, K_WEEKEND = 14;

function newSeries(): Float64Array {
  const a = new Float64Array(SLOTS_PER_DAY * FIELDS);
  for (let s = 0; s < SLOTS_PER_DAY; s++) {
    a[s * FIELDS + P_LAST] = -1;
    a[s * FIELDS + C_DAY] = -1;
    a[s * FIELDS + K_WEEKDAY + P_LAST] = -1;
    a[s * FIELDS + K_WEEKEND + P_LAST] = -1;
  }
  return a;
}

export const dayOf = (timeMs: number): number => Math.floor(timeMs / DAY_MS);
export const slotOf = (timeMs: number): number => Math.floor((((timeMs % DAY_MS) + DAY_MS) % DAY_MS) / SLOT_MS);

/** The days a day-of-week profile keeps apart: Monday to Friday, and Saturday and Sunday. */
export type DayClass = 'weekday' | 'weekend';

/**
 * The weekend days d with 0 ≤ d + 4 < k, counted on j = d + 4: day 0 (1970-01-01) was a
 * Thursday, so j mod 7 is the day of week (0 Sunday … 6 Saturday). A counting function — for
 * any k1 ≤ k2 (negative too), weekendsBelow(k2) − weekendsBelow(k1) is the number of j in
 * [k1, k2) with j mod 7 ∈ {0, 6}.
 */
function weekendsBelow(k: number): number {
  const r = ((k % 7) + 7) % 7;
  return 2 * Math.floor(k / 7) + (r >= 1 ? 1 : 0);
}
/** Days of class `c` among the days d with from < d ≤ to (j = d + 4 in [from + 5, to + 5)). */
function classDaysBetween(c: DayClass, from: number, to: number): number {
  const weekend = weekendsBelow(to + 5) - weekendsBelow(from + 5);
  return c === 'weekend' ? weekend : to - from - weekend;
}
/** The class of the local calendar day `localDay` (days since 1970-01-01 in the service's zone). */
export function dayClassOf(localDay: number): DayClass {
  const dayOfWeek = (((localDay + 4) % 7) + 7) % 7;
  return dayOfWeek === 0 || dayOfWeek === 6 ? 'weekend' : 'weekday';
}
const classOffset = (c: DayClass): number => (c === 'weekday' ? K_WEEKDAY : K_WEEKEND);

/**
 * Fold the day in progress of a slot (its numbers at `b`) into its finished days: the pooled
 * ones and those of its day's class. `shift` is the slot's local day minus its UTC day (shiftOf):
 * offsets are whole quarter-hours, so a UTC quarter-hour lies within one local day.
 * A class's days are weighted by days of that class — a Monday's weekdays are Friday (1),
 * Thursday (0.8) … and last Friday (0.33), not 0.8 per calendar day, under which the weekend
 * before the last would weigh 0.21 and 0.17 of the last Sunday: a weekend level of about two days, noisy.
 */
function fold(a: Float64Array, b: number, shift: number): void {
  const n = a[b + C_N];
  if (n === 0) return;
  foldInto(a, b, b, undefined, shift);
  const c = dayClassOf(a[b + C_DAY] + shift);
  foldInto(a, b, b + classOffset(c), c, shift);
  a[b + C_N] = a[b + C_E] = a[b + C_L] = 0;
}

/**
 * The weight of the finished days at `k` (pooled: class undefined; else one class's) on the day
 * `day`: DAY_DECAY per calendar day since the last one folded in, or per day of the class.
 */
function decayTo(a: Float64Array, k: number, day: number, c: DayClass | undefined, shift: number): number {
  if (a[k + P_LAST] < 0) return 0;
  return DAY_DECAY ** (c === undefined ? day - a[k + P_LAST] : classDaysBetween(c, a[k + P_LAST] + shift, day + shift));
}

/** Add the day in progress of the slot at `b` to the finished days at `k`, decayed to its day. */
function foldInto(a: Float64Array, b: number, k: number, c: DayClass | undefined, shift: number): void {
  const w = decayTo(a, k, a[b + C_DAY], c, shift);
  a[k + P_N] = a[k + P_N] * w + a[b + C_N];
  a[k + P_E] = a[k + P_E] * w + a[b + C_E];
  a[k + P_L] = a[k + P_L] * w + a[b + C_L];
  a[k + P_LAST] = a[b + C_DAY];
  if (a[b + C_N] >= MIN_DAY_REQUESTS) a[k + P_DAYS]++;
}

/** Local day minus UTC day of every instant in slot `s`, for a zone at UTC + `offsetMs` (−1, 0 or 1). */
const shiftOf = (s: number, offsetMs: number): number => Math.floor((s * SLOT_MS + offsetMs) / DAY_MS);

function record(a: Float64Array, timeMs: number, logMs: number, isError: boolean, offsetMs: number): void {
  const s = slotOf(timeMs);
  const b = s * FIELDS;
  const day = dayOf(timeMs);
  // A span of a later day closes the slot's day in progress; one of an earlier day (late data)
  // joins the day in progress, so the profile never rewrites a finished day.
  if (day > a[b + C_DAY]) {
    fold(a, b, shiftOf(s, offsetMs));
    a[b + C_DAY] = day;
  }
  a[b + C_N]++;
  if (isError) a[b + C_E]++;
  a[b + C_L] += logMs;
}

/** One slot as seen from day `day`: its earlier days only (the day in progress counts if it is earlier). */
interface SlotView {
  n: number;
  errors: number;
  sumLog: number;
  days: number;
}

/** The pooled days of slot `s` (class undefined) or those of one class, as seen from UTC day `day`. */
function view(a: Float64Array, s: number, day: number, c: DayClass | undefined, offsetMs: number): SlotView {
  const b = s * FIELDS;
  const k = c === undefined ? b : b + classOffset(c);
  let n = a[k + P_N];
  let errors = a[k + P_E];
  let sumLog = a[k + P_L];
  let days = a[k + P_DAYS];
  const shift = shiftOf(s, offsetMs);
  if (a[b + C_N] > 0 && a[b + C_DAY] < day && (c === undefined || dayClassOf(a[b + C_DAY] + shift) === c)) {
    const w = decayTo(a, k, a[b + C_DAY], c, shift);
    n = n * w + a[b + C_N];
    errors = errors * w + a[b + C_E];
    sumLog = sumLog * w + a[b + C_L];
    if (a[b + C_N] >= MIN_DAY_REQUESTS) days++;
  }
  return { n, errors, sumLog, days };
}

/**
 * The expected level of one series through the day, frozen when a check starts: per slot the
 * mean ln latency and the ln of the (shrunk) error rate of the earlier days, null where the slot
 * has fewer than MIN_SEASONAL_DAYS days or too few requests.
 */
export interface SeasonalTable {
  level: Array<number | null>;
  rate: Array<number | null>;
  days: number[];
  /**
   * The earlier days' error counts over the usable slots (day-weighted), when their error rate is
   * flat through the day (Pearson's χ² below its 99% quantile: the seasonal error factor is then
   * exactly 1, so the day's rate stands for any slot) — the long-run evidence an error-ratio
   * baseline may pool with its recent history (EarlierDaysPrior in verifier.ts). Absent otherwise.
   */
  prior?: { errors: number; requests: number };
  /** The days the table was read from: one class of days (day-of-week profile), or absent: all earlier days pooled. */
  dayClass?: DayClass;
}

/** Value of a table's series at `timeMs`: linear between slot centres (the slot itself must be known). */
function at(series: Array<number | null>, timeMs: number): number | null {
  const x = (((timeMs % DAY_MS) + DAY_MS) % DAY_MS) / SLOT_MS - 0.5;
  const i = Math.floor(x);
  const w = x - i;
  const lo = series[(i + SLOTS_PER_DAY) % SLOTS_PER_DAY];
  const hi = series[(i + 1) % SLOTS_PER_DAY];
  const own = w < 0.5 ? lo : hi;
  if (own === null) return null;
  if (lo === null || hi === null) return own;
  return lo + w * (hi - lo);
}

/**
 * The multiplicative seasonal factor of a table between the baseline's time `refMs` and `timeMs`
 * (1 where either is unknown): what the same minutes of earlier days say the level moves by.
 */
export function seasonalFactor(t: SeasonalTable | undefined, kind: 'level' | 'rate', refMs: number, timeMs: number): number {
  if (!t) return 1;
  const a = at(t[kind], timeMs);
  const b = at(t[kind], refMs);
  return a === null || b === null ? 1 : Math.exp(a - b);
}

/** Days behind the slot of `timeMs` (0 when unknown). */
export function seasonalDays(t: SeasonalTable, timeMs: number): number {
  return t.level[slotOf(timeMs)] === null ? 0 : t.days[slotOf(timeMs)];
}

/**
 * ln of each usable slot's error rate, shrunk toward the rate of the whole day by empirical Bayes
 * (method of moments, Efron & Morris 1975): the spread of the slots' rates beyond what binomial
 * noise explains is the spread of their true rates, τ²; each slot keeps the share τ²/(τ² + noise)
 * of its own deviation. When the slots' rates do not differ significantly, every slot gets the day's rate and the
 * seasonal error factor is exactly 1 — a quiet hour with 2 errors instead of 4 does not lower
 * the null. No error at all on the earlier days: no factor (it would be 0/0).
 */
function shrunkRates(slots: SlotView[], usable: (v: SlotView) => boolean): { rate: Array<number | null>; prior?: { errors: number; requests: number } } {
  const known = slots.filter(usable);
  let errors = 0;
  let requests = 0;
  for (const v of known) {
    errors += v.errors;
    requests += v.n;
  }
  if (errors === 0 || requests === 0) return { rate: slots.map(() => null) };
  const p = errors / requests;
  const noise = (v: { n: number }) => (p * (1 - p)) / v.n;
  let excess = 0;
  let chi2 = 0;
  for (const v of known) {
    excess += (v.errors / v.n - p) ** 2 - noise(v);
    chi2 += (v.errors / v.n - p) ** 2 / noise(v);
  }
  // The moment estimate is positive half the time when the slots do not differ at all; a
  // homogeneity test first (Pearson's χ² over the slots against its 99% quantile, by the
  // Wilson–Hilferty approximation) keeps a flat error rate flat.
  const df = known.length - 1;
  const q99 = df > 0 ? df * (1 - 2 / (9 * df) + 2.326 * Math.sqrt(2 / (9 * df))) ** 3 : Infinity;
  const tau2 = chi2 > q99 ? Math.max(0, excess / known.length) : 0;
  const rate = slots.map((v) => {
    if (!usable(v)) return null;
    const b = tau2 / (tau2 + noise(v));
    return Math.log(Math.max(p * 1e-3, p + b * (v.errors / v.n - p)));
  });
  return tau2 === 0 ? { rate, prior: { errors, requests } } : { rate };
}

/**
 * Per operation (and for the whole service), 96 quarter-hour slots of the day; each keeps the
 * earlier days' requests, errors and sum of ln latency, weighted by day — all days pooled, and
 * the weekdays and the weekend days apart — and the day in progress.
 * Memory: 19 numbers per slot (9 before day of week), 14.6 KB per series (Float64Array:
 * 96 × 19 × 8 bytes = 14,592 B), at most 33 series per service (482 KB; was 228 KB). Fed with the
 * stable version's requests only (the verified-good traffic); pure and ordered by the input, so a
 * replay rebuilds the same profile.
 */
export class TimeOfDayProfile {
  service = newSeries();
  ops = new Map<string, Float64Array>();
  private readonly offsetMs: number;

  /**
   * @param weekOffsetMinutes the zone whose calendar days are the service's (local = UTC + offset;
   *   a whole number of quarter-hours, as every zone's is): it says where a weekend begins and ends.
   */
  constructor(readonly weekOffsetMinutes = 0) {
    this.offsetMs = weekOffsetMinutes * 60_000;
  }

  add(operation: string, durationMs: number, isError: boolean, timeMs: number): void {
    if (!Number.isFinite(timeMs) || !Number.isFinite(durationMs)) return;
    const logMs = Math.log(Math.max(MIN_DURATION_MS, durationMs));
    record(this.service, timeMs, logMs, isError, this.offsetMs);
    let a = this.ops.get(operation);
    if (!a) {
      if (this.ops.size >= MAX_PROFILED_OPERATIONS) return;
      this.ops.set(operation, (a = newSeries()));
    }
    record(a, timeMs, logMs, isError, this.offsetMs);
  }

  /** The class of the service's local calendar day at `timeMs`. */
  dayClassAt(timeMs: number): DayClass {
    return dayClassOf(dayOf(timeMs + this.offsetMs));
  }

  /**
   * The table of one series as seen on UTC day `day` (earlier days only) — of the days of class
   * `dayClass`, or of all of them when absent — or null when no slot is usable.
   */
  table(operation: string | undefined, day: number, dayClass?: DayClass): SeasonalTable | null {
    const a = operation === undefined ? this.service : this.ops.get(operation);
    if (!a) return null;
    const slots = Array.from({ length: SLOTS_PER_DAY }, (_, s) => view(a, s, day, dayClass, this.offsetMs));
    const usable = (v: SlotView) => v.days >= MIN_SEASONAL_DAYS && v.n >= MIN_SLOT_REQUESTS;
    if (!slots.some(usable)) return null;
    // The earlier days' error prior comes from the same days as the table (the class's): it is
    // offered only when the χ² test of those days says their rate is flat, and it stands for the
    // rate of the days the check is compared with — a weekday's errors are better told by the
    // weekdays than by a weekend with other clients. It holds fewer requests than the pooled
    // days' (about 3.4 day-weights of weekdays on a Monday against 4.3 for the last 9 days), a
    // small loss of power; the agreement gate (EARLIER_DAYS_AGREE) then tests like against like.
    const { rate, prior } = shrunkRates(slots, usable);
    return {
      level: slots.map((v) => (usable(v) ? v.sumLog / v.n : null)),
      rate,
      days: slots.map((v) => v.days),
      ...(prior ? { prior } : {}),
      ...(dayClass ? { dayClass } : {}),
    };
  }

  /** Only the slots that saw traffic, each as [slot, its 19 numbers] (a service quiet at night stores less). */
  toJSON(): TimeOfDayProfileJSON {
    const sparse = (a: Float64Array) => {
      const out: number[][] = [];
      for (let s = 0; s < SLOTS_PER_DAY; s++) {
        const b = s * FIELDS;
        if (a[b + P_LAST] >= 0 || a[b + C_DAY] >= 0) out.push([s, ...a.subarray(b, b + FIELDS)]);
      }
      return out;
    };
    return { weekOffsetMinutes: this.weekOffsetMinutes, service: sparse(this.service), ops: [...this.ops].map(([k, a]) => [k, sparse(a)]) };
  }

  /**
   * A profile saved before day of week (9 numbers per slot) loads its days as pooled ones: the
   * classes start empty, and a check reads the pooled days until a class has MIN_SEASONAL_DAYS
   * of its own. So do the classes of a profile saved under another weekOffsetMinutes (its days
   * were classed by another calendar).
   */
  static fromJSON(j: TimeOfDayProfileJSON, weekOffsetMinutes = 0): TimeOfDayProfile {
    const p = new TimeOfDayProfile(weekOffsetMinutes);
    const classed = j.weekOffsetMinutes === weekOffsetMinutes;
    const series = (rows: number[][]) => {
      const a = newSeries();
      for (const [s, ...xs] of rows) {
        if (!Number.isInteger(s) || s < 0 || s >= SLOTS_PER_DAY) continue;
        if (xs.length === FIELDS && classed) a.set(xs, s * FIELDS);
        else if (xs.length === FIELDS || xs.length === POOLED_FIELDS) a.set(xs.slice(0, POOLED_FIELDS), s * FIELDS);
      }
      return a;
    };
    p.service = series(j.service);
    for (const [k, rows] of j.ops) p.ops.set(k, series(rows));
    return p;
  }
}

export interface TimeOfDayProfileJSON {
  /** The zone the days were classed in (absent: saved before day of week, no classes). */
  weekOffsetMinutes?: number;
  service: number[][];
  ops: Array<[string, number[][]]>;
}

/**
 * A check's seasonal adjustment, frozen when it starts (the profile keeps learning from a canary's
 * old version meanwhile; a restored check must go on with the same numbers): the tables of the
 * service and of its profiled operations, and the time the history baseline stands for.
 */
export interface CheckSeason {
  /** The middle of the history baseline's window: the time its levels are taken at. */
  refMs: number;
  deployMs: number;
  service: SeasonalTable;
  ops: Map<string, SeasonalTable>;
}

/** One known slot of a check's table: [slot, level, rate, days]. */
export type SeasonalRow = [number, number | null, number | null, number];

export interface CheckSeasonJSON {
  refMs: number;
  deployMs: number;
  service: SeasonalRow[];
  ops: Array<[string, SeasonalRow[]]>;
  /** The tables' earlier-day error counts, as [operation ('' for the service), errors, requests]. */
  priors?: Array<[string, number, number]>;
  /** The tables read from one class of days, as [operation ('' for the service), class]; the others pooled. */
  classes?: Array<[string, DayClass]>;
}

/**
 * The season of a check deployed at `deployMs` against a history whose middle is `refMs`, or
 * null — no adjustment at all, the check runs exactly as without a profile — unless the
 * service's profile knows both times from at least MIN_SEASONAL_DAYS earlier days.
 *
 * With `dayOfWeek`, each series (the service, each operation) is read from the earlier days of
 * the deploy's class — weekdays for a deploy on a weekday, weekend days on a weekend, in the
 * service's zone — when those know both times (MIN_SEASONAL_DAYS days of that class with the
 * request minimums in the deploy's and in the baseline's quarter-hour), else from all earlier
 * days pooled, as without it. One class per series, that of the deploy: a baseline across the
 * weekend's edge (a deploy at 00:05 on Monday against Sunday 23:50) is read from weekdays too, so
 * the ratio is of one set of days, never weekdays over a pooled or a weekend level.
 */
export function checkSeason(profile: TimeOfDayProfile, refMs: number, deployMs: number, untilMs: number, dayOfWeek = true): CheckSeason | null {
  if (!(refMs >= 0) || !(deployMs >= 0)) return null;
  const day = dayOf(deployMs);
  const knows = (t: SeasonalTable | null): t is SeasonalTable => t !== null && at(t.level, deployMs) !== null && at(t.level, refMs) !== null;
  const dayClass = dayOfWeek ? profile.dayClassAt(deployMs) : undefined;
  const read = (operation: string | undefined): SeasonalTable | null => {
    const own = dayClass ? profile.table(operation, day, dayClass) : null;
    return knows(own) ? own : profile.table(operation, day);
  };
  const service = read(undefined);
  if (!knows(service)) return null;
  // Only the slots from the baseline's time to the deadline (and one on each side, for the
  // interpolation) are ever read: the rest are dropped, so a running check's state stays small.
  const first = Math.floor(Math.min(refMs, deployMs) / SLOT_MS) - 1;
  const last = Math.floor(Math.max(untilMs, deployMs) / SLOT_MS) + 1;
  const keep = new Set<number>();
  for (let k = first; k <= last && keep.size < SLOTS_PER_DAY; k++) keep.add(((k % SLOTS_PER_DAY) + SLOTS_PER_DAY) % SLOTS_PER_DAY);
  const trim = (t: SeasonalTable): SeasonalTable => ({
    level: t.level.map((v, i) => (keep.has(i) ? v : null)),
    rate: t.rate.map((v, i) => (keep.has(i) ? v : null)),
    days: t.days.map((v, i) => (keep.has(i) ? v : 0)),
    ...(t.prior ? { prior: t.prior } : {}),
    ...(t.dayClass ? { dayClass: t.dayClass } : {}),
  });
  const ops = new Map<string, SeasonalTable>();
  for (const op of profile.ops.keys()) {
    const t = read(op);
    if (t) ops.set(op, trim(t));
  }
  return { refMs, deployMs, service: trim(service), ops };
}

/** What a verdict says about the season (VerdictBaseline.seasonal); `dayClass` 'all': the service's table pooled every earlier day. */
export function seasonSummary(s: CheckSeason): { days: number; dayClass: DayClass | 'all'; hour: number; fromHour: number; slotMinutes: number; latencyRatio: number; errorRatio: number } {
  const hour = (t: number) => (slotOf(t) * SLOT_MS) / 3_600_000;
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return {
    days: Math.min(seasonalDays(s.service, s.deployMs), seasonalDays(s.service, s.refMs)),
    dayClass: s.service.dayClass ?? 'all',
    hour: hour(s.deployMs), fromHour: hour(s.refMs), slotMinutes: SLOT_MS / 60_000,
    latencyRatio: r(seasonalFactor(s.service, 'level', s.refMs, s.deployMs)),
    errorRatio: r(seasonalFactor(s.service, 'rate', s.refMs, s.deployMs)),
  };
}

/** Sparse: per table, the slots it knows, as [slot, level, rate, days]. */
export function checkSeasonToJSON(s: CheckSeason): CheckSeasonJSON {
  const rows = (t: SeasonalTable): SeasonalRow[] => {
    const out: SeasonalRow[] = [];
    t.level.forEach((v, i) => {
      if (v !== null || t.rate[i] !== null || t.days[i] !== 0) out.push([i, v, t.rate[i], t.days[i]]);
    });
    return out;
  };
  const priors: NonNullable<CheckSeasonJSON['priors']> = [];
  if (s.service.prior) priors.push(['', s.service.prior.errors, s.service.prior.requests]);
  for (const [k, t] of s.ops) if (t.prior) priors.push([k, t.prior.errors, t.prior.requests]);
  const classes: NonNullable<CheckSeasonJSON['classes']> = [];
  if (s.service.dayClass) classes.push(['', s.service.dayClass]);
  for (const [k, t] of s.ops) if (t.dayClass) classes.push([k, t.dayClass]);
  return {
    refMs: s.refMs, deployMs: s.deployMs, service: rows(s.service), ops: [...s.ops].map(([k, t]) => [k, rows(t)]),
    ...(priors.length ? { priors } : {}), ...(classes.length ? { classes } : {}),
  };
}

export function checkSeasonFromJSON(j: CheckSeasonJSON): CheckSeason {
  const table = (rows: SeasonalRow[]): SeasonalTable => {
    const t: SeasonalTable = { level: new Array<number | null>(SLOTS_PER_DAY).fill(null), rate: new Array<number | null>(SLOTS_PER_DAY).fill(null), days: new Array<number>(SLOTS_PER_DAY).fill(0) };
    for (const [i, level, rate, days] of rows) {
      if (!Number.isInteger(i) || i < 0 || i >= SLOTS_PER_DAY) continue;
      t.level[i] = level;
      t.rate[i] = rate;
      t.days[i] = days;
    }
    return t;
  };
  const out: CheckSeason = { refMs: j.refMs, deployMs: j.deployMs, service: table(j.service), ops: new Map(j.ops.map(([k, rows]) => [k, table(rows)])) };
  // Written before the earlier days' error counts were kept: no prior, the check goes on as it was.
  for (const [k, errors, requests] of j.priors ?? []) {
    const t = k === '' ? out.service : out.ops.get(k);
    if (t && errors >= 0 && requests > 0) t.prior = { errors, requests };
  }
  // Written before day of week: every table pooled all earlier days (the verdict says so).
  for (const [k, c] of j.classes ?? []) {
    const t = k === '' ? out.service : out.ops.get(k);
    if (t && (c === 'weekday' || c === 'weekend')) t.dayClass = c;
  }
  return out;
}
