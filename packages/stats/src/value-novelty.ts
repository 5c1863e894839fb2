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

const ZEROS: readonly number[] = new Array<number>(16 * 128).fill(0);
function zeros(n: number): number[] {
  return ZEROS.slice(0, n);
}

export class ValueNovelty {
  readonly options: Readonly<Required<ValueNoveltyOptions>>;
  /** Values seen (calibration included). */
  count = 0;
  /** Calibration minimum and maximum; after calibration, the grid origin and range. */
  lo = 0;
  hi = 0;
  /** Values binned since the grid was fixed. */
  binned = 0;
  /**
   * One plain array (a small typed array costs a few hundred bytes of V8 heap, more than its
   * payload): first the distinct cells seen per resolution (R numbers), then the seen-cell
   * bitmaps, resolution after resolution, bins/32 words each.
   */
  private readonly cells: number[];

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
    // Sliced from a zero array: an exact-length backing store (push would over-allocate).
    this.cells = zeros(o.resolutions.length * (1 + o.bins / 32));
  }

  /** True once the grid is fixed. */
  get calibrated(): boolean {
    return this.count >= this.options.calibrationPoints;
  }

  /** Feeds a finite value; returns its novelty in [0, 1] (0 during calibration or if seen). */
  update(x: number): number {
    const o = this.options;
    this.count++;
    if (this.count <= o.calibrationPoints) {
      if (this.count === 1 || x < this.lo) this.lo = x;
      if (this.count === 1 || x > this.hi) this.hi = x;
      // The calibration values themselves are not binned except the last one, which opens the
      // grid (the first cells seen are those the series visits right after calibration).
      if (this.count < o.calibrationPoints) return 0;
    }
    // A flat calibration still gets a grid: a relative width of 1e-9 (any change is novel).
    const range = this.hi - this.lo > 0 ? this.hi - this.lo : 1e-9 * (1 + Math.abs(this.lo));
    const u = (x - this.lo) / range;
    const p = this.binned + 2;
    let score = 0;
    const res = o.resolutions;
    const bins = o.bins;
    const cells = this.cells;
    const r = res.length;
    const words = bins >>> 5;
    for (let j = 0; j < r; j++) {
      let b = Math.floor(u * res[j]) + o.lowBins;
      if (b < 0) b = 0;
      else if (b >= bins) b = bins - 1;
      const w = r + j * words + (b >>> 5);
      const mask = 1 << (b & 31);
      if ((cells[w] & mask) === 0) {
        const s = Math.log10(p / (cells[j] + 1)) / o.decades;
        score += s >= 1 ? 1 : s;
        cells[w] = (cells[w] | mask) >>> 0;
        cells[j]++;
      }
    }
    this.binned++;
    return score / res.length;
  }

  toJSON(): ValueNoveltyJSON {
    // Bitmaps as hex words: shorter than decimal and exact.
    const r = this.options.resolutions.length;
    let hex = '';
    for (let i = r; i < this.cells.length; i++) hex += this.cells[i].toString(16).padStart(8, '0');
    return { options: { ...this.options, resolutions: [...this.options.resolutions] }, count: this.count, lo: this.lo, hi: this.hi, binned: this.binned, distinct: this.cells.slice(0, r), bits: hex };
  }

  static fromJSON(json: unknown): ValueNovelty {
    const o = asObject(json, 'ValueNovelty');
    const v = new ValueNovelty(asObject(o.options, 'ValueNovelty.options'));
    v.count = num(o, 'count', 'ValueNovelty');
    v.lo = num(o, 'lo', 'ValueNovelty');
    v.hi = num(o, 'hi', 'ValueNovelty');
    v.binned = num(o, 'binned', 'ValueNovelty');
    const r = v.options.resolutions.length;
    const d = numArray(o, 'distinct', 'ValueNovelty');
    if (d.length !== r) throw new StatsConfigError('ValueNovelty.distinct', d.length, `length must be ${r}`);
    for (let j = 0; j < r; j++) v.cells[j] = d[j];
    const words = v.cells.length - r;
    const hex = o.bits;
    if (typeof hex !== 'string' || hex.length !== 8 * words || !/^[0-9a-f]*$/.test(hex)) {
      throw new StatsConfigError('ValueNovelty.bits', hex, `must be ${8 * words} lowercase hex digits`);
    }
    for (let i = 0; i < words; i++) v.cells[r + i] = parseInt(hex.slice(8 * i, 8 * i + 8), 16);
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
