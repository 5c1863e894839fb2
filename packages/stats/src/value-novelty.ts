import { StatsConfigError, asObject, internOptions, num, numArray, rejectUnknownKeys, requireNumber } from './errors.js';

/**
 * Value novelty: "has this series ever been here before?", at several resolutions.
 *
 * The idea is the order-zero core of CAD OSE (M. Smirnov, Contextual Anomaly Detector, NAB
 * 2016): discretise each value and flag a value whose cell has never been visited. CAD OSE cuts
 * the whole file's [min, max] into 8 cells, which needs the future; here the grid is fixed once,
 * online, from the range of the first `calibrationPoints` values, and never moves afterwards, so
 * a cell keeps one meaning for the life of the series (a grid that followed the running range
 * would forget what it had seen at every rescale).
 *
 * Each resolution r cuts the calibration range into r cells; `bins` cells per resolution are
 * tracked, `lowBins` of them below the calibration minimum, the rest from it upwards. Values
 * beyond the tracked cells share the edge cell of their side ("far below" / "far above"), so a
 * heavy tail is novel once per side and resolution, not at every new extreme (the running
 * min/max already scores extremes by how far they go).
 *
 * Surprise: a never-seen cell is weighed by how unusual a new cell has become. With d cells seen
 * after m values, the chance that the next value opens a new cell is estimated as
 * (d + 1)/(m + 2) (Laplace's rule of succession over "new" vs "seen" events); a new cell counts
 * min(1, log10(1/p)/decades): 0 while the series is still exploring, 1 once new cells have become
 * rarer than 10^−decades. The score is the mean over resolutions, in [0, 1]: a value novel at the
 * coarse resolutions (far from anything seen) scores higher than one novel only at the finest.
 *
 * Cost per update: O(R) (R = resolutions, 4 by default): a division, a floor and a bit test each.
 * Memory: R·bins/32 words of bitmap + R + 6 numbers (defaults: 8 words; about 250 bytes of V8
 * heap with the object headers, 200 characters of JSON without the options).
 * Not mergeable (the grid is per series).
 */
export interface ValueNoveltyOptions {
  /** Values whose [min, max] fixes the grid; scores are 0 until the grid exists. Default 150. */
  calibrationPoints?: number;
  /** Cells per calibration range, one bitmap each, coarse to fine. Default [4, 8, 16, 32]. */
  resolutions?: number[];
  /** Cells tracked per resolution (multiple of 32). Default 64. */
  bins?: number;
  /** Of those, cells below the calibration minimum. Default 16. */
  lowBins?: number;
  /** A new cell counts fully once new cells are rarer than 10^−decades. Default 2. */
  decades?: number;
}

export const VALUE_NOVELTY_DEFAULTS: Readonly<Required<ValueNoveltyOptions>> = Object.freeze({
  calibrationPoints: 150,
  resolutions: Object.freeze([4, 8, 16, 32]) as unknown as number[],
  bins: 64,
  lowBins: 16,
  decades: 2,
});

export class ValueNovelty {
  readonly options: Readonly<Required<ValueNoveltyOptions>>;
  /** Values seen (calibration included). */
  count = 0;
  /** Calibration minimum and maximum; after calibration, the grid origin and range. */
  lo = 0;
  hi = 0;
  /** Values binned since the grid was fixed. */
  binned = 0;
  /** Distinct cells seen per resolution. */
  private readonly distinct: number[];
  /**
   * Seen-cell bitmaps, resolution after resolution, bins/32 words each. Plain arrays rather than
   * typed ones: a small typed array costs a few hundred bytes of V8 heap, more than its payload.
   */
  private readonly bits: number[];
  private readonly words: number;
  /** Hot copies of the options (plain fields: frozen objects are slower to read in V8). */
  private readonly res: number[];
  private readonly calib: number;
  private readonly nBins: number;
  private readonly low: number;
  private readonly invDecades: number;

  constructor(options: ValueNoveltyOptions = {}) {
    rejectUnknownKeys(options, Object.keys(VALUE_NOVELTY_DEFAULTS), 'ValueNovelty');
    const o = { ...VALUE_NOVELTY_DEFAULTS, ...options };
    requireNumber('calibrationPoints', o.calibrationPoints, 1, 1e9, { integer: true });
    if (!Array.isArray(o.resolutions) || o.resolutions.length < 1 || o.resolutions.length > 16) {
      throw new StatsConfigError('resolutions', o.resolutions, 'must be an array of 1 to 16 resolutions');
    }
    o.resolutions.forEach((r, i) => requireNumber(`resolutions[${i}]`, r, 1, 1e6, { integer: true }));
    requireNumber('bins', o.bins, 32, 4096, { integer: true });
    if (o.bins % 32 !== 0) throw new StatsConfigError('bins', o.bins, 'must be a multiple of 32');
    requireNumber('lowBins', o.lowBins, 0, o.bins - 1, { integer: true });
    requireNumber('decades', o.decades, 0, 100, { minExclusive: true });
    this.options = internOptions('ValueNovelty', { ...o, resolutions: Object.freeze([...o.resolutions]) as unknown as number[] });
    this.words = o.bins / 32;
    this.res = this.options.resolutions;
    this.calib = o.calibrationPoints;
    this.nBins = o.bins;
    this.low = o.lowBins;
    this.invDecades = 1 / o.decades;
    this.distinct = [];
    for (let j = 0; j < o.resolutions.length; j++) this.distinct.push(0);
    this.bits = [];
    for (let j = 0; j < this.words * o.resolutions.length; j++) this.bits.push(0);
  }

  /** True once the grid is fixed. */
  get calibrated(): boolean {
    return this.count >= this.options.calibrationPoints;
  }

  /** Feeds a finite value; returns its novelty in [0, 1] (0 during calibration or if seen). */
  update(x: number): number {
    this.count++;
    if (this.count <= this.calib) {
      if (this.count === 1 || x < this.lo) this.lo = x;
      if (this.count === 1 || x > this.hi) this.hi = x;
      // The calibration values themselves are not binned except the last one, which opens the
      // grid (the first cells seen are those the series visits right after calibration).
      if (this.count < this.calib) return 0;
    }
    // A flat calibration still gets a grid: a relative width of 1e-9 (any change is novel).
    const range = this.hi - this.lo > 0 ? this.hi - this.lo : 1e-9 * (1 + Math.abs(this.lo));
    const u = (x - this.lo) / range;
    const p = this.binned + 2;
    let score = 0;
    const res = this.res;
    const bins = this.nBins;
    for (let j = 0; j < res.length; j++) {
      let b = Math.floor(u * res[j]) + this.low;
      if (b < 0) b = 0;
      else if (b >= bins) b = bins - 1;
      const w = j * this.words + (b >>> 5);
      const mask = 1 << (b & 31);
      if ((this.bits[w] & mask) === 0) {
        const s = Math.log10(p / (this.distinct[j] + 1)) * this.invDecades;
        score += s >= 1 ? 1 : s;
        this.bits[w] = (this.bits[w] | mask) >>> 0;
        this.distinct[j]++;
      }
    }
    this.binned++;
    return score / res.length;
  }

  toJSON(): ValueNoveltyJSON {
    // Bitmaps as hex words: shorter than decimal and exact.
    let hex = '';
    for (const w of this.bits) hex += w.toString(16).padStart(8, '0');
    return { options: { ...this.options, resolutions: [...this.options.resolutions] }, count: this.count, lo: this.lo, hi: this.hi, binned: this.binned, distinct: [...this.distinct], bits: hex };
  }

  static fromJSON(json: unknown): ValueNovelty {
    const o = asObject(json, 'ValueNovelty');
    const v = new ValueNovelty(asObject(o.options, 'ValueNovelty.options') as ValueNoveltyOptions);
    v.count = num(o, 'count', 'ValueNovelty');
    v.lo = num(o, 'lo', 'ValueNovelty');
    v.hi = num(o, 'hi', 'ValueNovelty');
    v.binned = num(o, 'binned', 'ValueNovelty');
    const d = numArray(o, 'distinct', 'ValueNovelty');
    if (d.length !== v.distinct.length) throw new StatsConfigError('ValueNovelty.distinct', d.length, `length must be ${v.distinct.length}`);
    for (let j = 0; j < d.length; j++) v.distinct[j] = d[j];
    const hex = o.bits;
    if (typeof hex !== 'string' || hex.length !== 8 * v.bits.length || !/^[0-9a-f]*$/.test(hex)) {
      throw new StatsConfigError('ValueNovelty.bits', hex, `must be ${8 * v.bits.length} lowercase hex digits`);
    }
    for (let i = 0; i < v.bits.length; i++) v.bits[i] = parseInt(hex.slice(8 * i, 8 * i + 8), 16);
    return v;
  }
}

export interface ValueNoveltyJSON {
  options: Required<ValueNoveltyOptions>;
  count: number;
  lo: number;
  hi: number;
  binned: number;
  distinct: number[];
  bits: string;
}
