import { StatsConfigError, asObject, numArray, rejectUnknownKeys, requireNumber, internOptions } from './errors.js';

/**
 * Fixed-memory seasonal profile: the cycle (a day, a week) is cut into `slots` slots of
 * `slotMs`; each slot keeps an exponentially weighted mean and variance (Finch 2009 recursion)
 * of the values that fell in it. `expected(t)` interpolates linearly between the centres of
 * neighbouring slots, so a 24-slot daily profile still follows a smooth daily curve.
 * Time is UTC milliseconds, passed in (no clock). Slot = ⌊(t + offsetMs)/slotMs⌋ mod slots.
 *
 * Cost per update: O(1) (a division, a modulo). Memory: 3·slots numbers (24 slots: 72 numbers,
 * 576 bytes in a Float64Array). Not mergeable (exponential weights depend on order).
 */
export interface SeasonalProfileOptions {
  /** Number of slots in one cycle. Default 24. */
  slots?: number;
  /** Width of a slot in ms. Default 3,600,000 (one hour). */
  slotMs?: number;
  /** Shift added to the timestamp before slotting, ms. Default 0 (UTC midnight starts slot 0). */
  offsetMs?: number;
  /** EWMA weight of a new value in its slot. Default 0.1. */
  alpha?: number;
  /** Interpolate between slot centres. Default true. */
  interpolate?: boolean;
}

export const SEASONAL_PROFILE_DEFAULTS: Required<SeasonalProfileOptions> = Object.freeze({
  slots: 24,
  slotMs: 3_600_000,
  offsetMs: 0,
  alpha: 0.1,
  interpolate: true,
});

/** Hour-of-day profile (24 one-hour slots, UTC). */
export const HOUR_OF_DAY: SeasonalProfileOptions = Object.freeze({ slots: 24, slotMs: 3_600_000 });
/**
 * Day-of-week profile (7 one-day slots, slot 0 = Monday UTC): 1970-01-01 was a Thursday,
 * so shifting by three days puts Monday at slot 0.
 */
export const DAY_OF_WEEK: SeasonalProfileOptions = Object.freeze({ slots: 7, slotMs: 86_400_000, offsetMs: 3 * 86_400_000 });

export class SeasonalProfile {
  readonly options: Readonly<Required<SeasonalProfileOptions>>;
  /** Per slot: [count, mean, variance] interleaved. */
  private readonly data: Float64Array;

  constructor(options: SeasonalProfileOptions = {}) {
    rejectUnknownKeys(options, Object.keys(SEASONAL_PROFILE_DEFAULTS), 'SeasonalProfile');
    const o = { ...SEASONAL_PROFILE_DEFAULTS, ...options };
    requireNumber('slots', o.slots, 1, 10_000, { integer: true });
    requireNumber('slotMs', o.slotMs, 1, Number.MAX_SAFE_INTEGER);
    requireNumber('offsetMs', o.offsetMs, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    requireNumber('alpha', o.alpha, 0, 1, { minExclusive: true });
    if (typeof o.interpolate !== 'boolean') throw new StatsConfigError('interpolate', o.interpolate, 'must be a boolean');
    this.options = internOptions('SeasonalProfile', o);
    this.data = new Float64Array(3 * o.slots);
  }

  /** Slot index of a timestamp. */
  slotOf(timestampMs: number): number {
    const s = Math.floor((timestampMs + this.options.offsetMs) / this.options.slotMs) % this.options.slots;
    return s < 0 ? s + this.options.slots : s;
  }

  update(timestampMs: number, x: number): void {
    const i = 3 * this.slotOf(timestampMs);
    const d = this.data;
    if (d[i] === 0) {
      d[i + 1] = x;
      d[i + 2] = 0;
    } else {
      const a = this.options.alpha;
      const diff = x - d[i + 1];
      const incr = a * diff;
      d[i + 1] += incr;
      d[i + 2] = (1 - a) * (d[i + 2] + diff * incr);
    }
    d[i]++;
  }

  /** Values seen in the slot of `timestampMs`. */
  countAt(timestampMs: number): number {
    return this.data[3 * this.slotOf(timestampMs)];
  }

  /** Expected value at `timestampMs`; NaN if the slot (and its interpolation partner) is empty. */
  expected(timestampMs: number): number {
    return this.interp(timestampMs, 1);
  }

  /** Standard deviation at `timestampMs` (interpolated like the mean); NaN if empty. */
  std(timestampMs: number): number {
    return Math.sqrt(this.interp(timestampMs, 2));
  }

  private interp(timestampMs: number, field: 1 | 2): number {
    const { slots, slotMs, offsetMs, interpolate } = this.options;
    const d = this.data;
    const s = this.slotOf(timestampMs);
    if (!interpolate || slots === 1) return d[3 * s] > 0 ? d[3 * s + field] : NaN;
    // Position relative to the slot centre, in slots: in [-0.5, 0.5).
    const pos = (timestampMs + offsetMs) / slotMs;
    const frac = pos - Math.floor(pos) - 0.5;
    const other = frac >= 0 ? (s + 1) % slots : (s - 1 + slots) % slots;
    const w = Math.abs(frac);
    const has = d[3 * s] > 0;
    const hasOther = d[3 * other] > 0;
    if (has && hasOther) return (1 - w) * d[3 * s + field] + w * d[3 * other + field];
    if (has) return d[3 * s + field];
    return NaN;
  }

  toJSON(): { options: Required<SeasonalProfileOptions>; data: number[] } {
    return { options: { ...this.options }, data: Array.from(this.data) };
  }

  static fromJSON(json: unknown): SeasonalProfile {
    const o = asObject(json, 'SeasonalProfile');
    const p = new SeasonalProfile(asObject(o.options, 'SeasonalProfile.options'));
    const data = numArray(o, 'data', 'SeasonalProfile');
    if (data.length !== p.data.length) throw new StatsConfigError('SeasonalProfile.data', data.length, `length must be ${p.data.length}`);
    p.data.set(data);
    return p;
  }
}

