import { StatsConfigError, asObject, num, numArray, rejectUnknownKeys, requireNumber } from './errors.js';

/**
 * A mergeable quantile sketch with a relative-error guarantee, after DDSketch (Masson, Rim &
 * Lee, "DDSketch: a fast and fully-mergeable quantile sketch with relative-error guarantees",
 * VLDB 2019). Values are bucketed by ⌈log_γ |x|⌉ with γ = (1 + α)/(1 − α); a bucket's
 * representative 2γ^i/(γ + 1) is within relative error α of every value in it. Negative values
 * go to a mirrored store, |x| below `minIndexable` to a zero count.
 *
 * Guarantee: while no bucket has been collapsed, quantile(q) is within α·|x_q| of x_q, the
 * element of rank ⌊q·(n − 1)⌋ (numpy `method="lower"`). When a store would exceed `maxBins`,
 * its lowest buckets are collapsed into one (DDSketch's collapsing-lowest store); only the
 * quantiles that fall into collapsed buckets lose the guarantee.
 *
 * Cost per update: one log, O(1) amortised (the dense store grows rarely). Quantile: O(bins).
 * Memory: at most 2·maxBins counts + 6 numbers. Merge: bucket-wise sum, exact (merge of two
 * halves gives the same counts as one sketch of the whole, barring collapse).
 */
export interface DDSketchOptions {
  /** Relative accuracy α in (0, 1). Default 0.01. */
  relativeAccuracy?: number;
  /** Maximum buckets per sign. Default 2048 (covers ratios up to γ^2048 ≈ 5·10^17 at α = 0.01). */
  maxBins?: number;
  /** |x| below this counts as zero. Default 1e-9. */
  minIndexable?: number;
}

export const DDSKETCH_DEFAULTS: Required<DDSketchOptions> = Object.freeze({ relativeAccuracy: 0.01, maxBins: 2048, minIndexable: 1e-9 });

/** Dense bucket counts for one sign, indexed from `offset`. */
class Store {
  counts: number[] = [];
  offset = 0;
  total = 0;

  add(index: number, weight: number, maxBins: number): void {
    if (this.counts.length === 0) {
      this.counts.push(weight);
      this.offset = index;
      this.total += weight;
      return;
    }
    if (index < this.offset) {
      const grow = this.offset - index;
      if (this.counts.length + grow > maxBins) {
        // Below the collapsed floor: count it in the lowest bucket.
        const room = maxBins - this.counts.length;
        if (room > 0) {
          this.counts.unshift(...new Array<number>(room).fill(0));
          this.offset -= room;
        }
        this.counts[0] += weight;
        this.total += weight;
        return;
      }
      this.counts.unshift(...new Array<number>(grow).fill(0));
      this.offset = index;
    } else if (index >= this.offset + this.counts.length) {
      const need = index - this.offset + 1;
      if (need > maxBins) this.collapseBelow(index - maxBins + 1);
      while (this.counts.length < index - this.offset + 1) this.counts.push(0);
    }
    this.counts[index - this.offset] += weight;
    this.total += weight;
  }

  /** Folds every bucket below index `newOffset` into the bucket at `newOffset`. */
  private collapseBelow(newOffset: number): void {
    const k = newOffset - this.offset; // buckets to drop from the front (k > 0)
    let sum = 0;
    for (let i = 0; i < Math.min(k, this.counts.length); i++) sum += this.counts[i];
    this.counts = k >= this.counts.length ? [] : this.counts.slice(k);
    if (this.counts.length === 0) this.counts.push(0);
    this.counts[0] += sum;
    this.offset = newOffset;
  }
}

export class DDSketch {
  readonly relativeAccuracy: number;
  readonly maxBins: number;
  readonly minIndexable: number;
  private readonly gamma: number;
  private readonly lnGamma: number;
  private pos = new Store();
  private neg = new Store();
  private zero = 0;
  private minValue = 0;
  private maxValue = 0;
  private sumValue = 0;

  constructor(options: DDSketchOptions = {}) {
    rejectUnknownKeys(options, Object.keys(DDSKETCH_DEFAULTS), 'DDSketch');
    const o = { ...DDSKETCH_DEFAULTS, ...options };
    this.relativeAccuracy = requireNumber('relativeAccuracy', o.relativeAccuracy, 0, 1, { minExclusive: true });
    if (this.relativeAccuracy >= 1) throw new StatsConfigError('relativeAccuracy', o.relativeAccuracy, 'must be < 1');
    this.maxBins = requireNumber('maxBins', o.maxBins, 1, 1e6, { integer: true });
    this.minIndexable = requireNumber('minIndexable', o.minIndexable, 0, 1, { minExclusive: true });
    this.gamma = (1 + this.relativeAccuracy) / (1 - this.relativeAccuracy);
    this.lnGamma = Math.log(this.gamma);
  }

  get count(): number {
    return this.pos.total + this.neg.total + this.zero;
  }
  get min(): number {
    return this.minValue;
  }
  get max(): number {
    return this.maxValue;
  }
  get sum(): number {
    return this.sumValue;
  }

  private index(absX: number): number {
    return Math.ceil(Math.log(absX) / this.lnGamma);
  }

  private valueOf(index: number): number {
    return (2 * Math.pow(this.gamma, index)) / (this.gamma + 1);
  }

  /** Adds `x` with `weight` (default 1). Non-finite values are ignored (counted nowhere). */
  add(x: number, weight = 1): void {
    if (!Number.isFinite(x) || !(weight > 0)) return;
    if (this.count === 0) {
      this.minValue = x;
      this.maxValue = x;
    } else {
      if (x < this.minValue) this.minValue = x;
      if (x > this.maxValue) this.maxValue = x;
    }
    this.sumValue += x * weight;
    if (x > this.minIndexable) this.pos.add(this.index(x), weight, this.maxBins);
    else if (x < -this.minIndexable) this.neg.add(this.index(-x), weight, this.maxBins);
    else this.zero += weight;
  }

  /** The q-quantile (q in [0,1]); NaN when empty. Exact min/max at q = 0 and q = 1. */
  quantile(q: number): number {
    const n = this.count;
    if (n === 0 || !(q >= 0 && q <= 1)) return NaN;
    if (q === 0) return this.minValue;
    if (q === 1) return this.maxValue;
    const rank = q * (n - 1);
    let seen = 0;
    const neg = this.neg.counts;
    for (let i = neg.length - 1; i >= 0; i--) {
      seen += neg[i];
      if (seen > rank) return this.clamp(-this.valueOf(i + this.neg.offset));
    }
    seen += this.zero;
    if (seen > rank) return 0;
    const pos = this.pos.counts;
    for (let i = 0; i < pos.length; i++) {
      seen += pos[i];
      if (seen > rank) return this.clamp(this.valueOf(i + this.pos.offset));
    }
    return this.maxValue;
  }

  private clamp(v: number): number {
    return v < this.minValue ? this.minValue : v > this.maxValue ? this.maxValue : v;
  }

  median(): number {
    return this.quantile(0.5);
  }

  /**
   * Median absolute deviation from the median, computed from the buckets: each bucket's
   * representative stands for its values. Error: at most about α·(|median| + |x|) for the
   * values around the MAD, i.e. relative to the magnitudes of the data, not to the MAD itself.
   * Cost O(bins·log bins).
   */
  mad(): number {
    const n = this.count;
    if (n === 0) return NaN;
    const m = this.median();
    const devs: Array<[number, number]> = [];
    for (let i = 0; i < this.neg.counts.length; i++) {
      const c = this.neg.counts[i];
      if (c > 0) devs.push([Math.abs(this.clamp(-this.valueOf(i + this.neg.offset)) - m), c]);
    }
    if (this.zero > 0) devs.push([Math.abs(m), this.zero]);
    for (let i = 0; i < this.pos.counts.length; i++) {
      const c = this.pos.counts[i];
      if (c > 0) devs.push([Math.abs(this.clamp(this.valueOf(i + this.pos.offset)) - m), c]);
    }
    devs.sort((a, b) => a[0] - b[0]);
    const rank = 0.5 * (n - 1);
    let seen = 0;
    for (const [d, c] of devs) {
      seen += c;
      if (seen > rank) return d;
    }
    return devs[devs.length - 1][0];
  }

  /**
   * A rank table of the sketch as it is now (later adds do not change it): `midRank(x)` is the
   * share of the sketch's values below x plus half the share in x's bucket — the mid-rank, so for
   * a value drawn from the same distribution its mean is exactly 1/2 whatever the ties. Exact 0
   * below the minimum and 1 above the maximum. Cost O(bins) to build, O(1) per lookup.
   */
  ranks(): SketchRanks {
    return new SketchRanks(this.count, this.minValue, this.maxValue, this.minIndexable, this.lnGamma, this.pos, this.neg, this.zero);
  }

  /** Adds `other` into this sketch. Both must share relativeAccuracy (same bucket boundaries). */
  merge(other: DDSketch): this {
    if (other.relativeAccuracy !== this.relativeAccuracy) {
      throw new StatsConfigError('relativeAccuracy', other.relativeAccuracy, `cannot merge sketches with different accuracy (this one has ${this.relativeAccuracy})`);
    }
    if (other.count === 0) return this;
    const wasEmpty = this.count === 0;
    for (let i = 0; i < other.pos.counts.length; i++) if (other.pos.counts[i] > 0) this.pos.add(i + other.pos.offset, other.pos.counts[i], this.maxBins);
    for (let i = 0; i < other.neg.counts.length; i++) if (other.neg.counts[i] > 0) this.neg.add(i + other.neg.offset, other.neg.counts[i], this.maxBins);
    this.zero += other.zero;
    this.sumValue += other.sumValue;
    this.minValue = wasEmpty ? other.minValue : Math.min(this.minValue, other.minValue);
    this.maxValue = wasEmpty ? other.maxValue : Math.max(this.maxValue, other.maxValue);
    return this;
  }

  toJSON(): DDSketchJSON {
    return {
      relativeAccuracy: this.relativeAccuracy,
      maxBins: this.maxBins,
      minIndexable: this.minIndexable,
      pos: { offset: this.pos.offset, counts: this.pos.counts.slice() },
      neg: { offset: this.neg.offset, counts: this.neg.counts.slice() },
      zero: this.zero,
      min: this.minValue,
      max: this.maxValue,
      sum: this.sumValue,
    };
  }

  static fromJSON(json: unknown): DDSketch {
    const o = asObject(json, 'DDSketch');
    const s = new DDSketch({
      relativeAccuracy: num(o, 'relativeAccuracy', 'DDSketch'),
      maxBins: num(o, 'maxBins', 'DDSketch'),
      minIndexable: num(o, 'minIndexable', 'DDSketch'),
    });
    for (const key of ['pos', 'neg'] as const) {
      const st = asObject(o[key], `DDSketch.${key}`);
      const store = key === 'pos' ? s.pos : s.neg;
      store.offset = num(st, 'offset', `DDSketch.${key}`);
      store.counts = numArray(st, 'counts', `DDSketch.${key}`).slice();
      store.total = store.counts.reduce((a, b) => a + b, 0);
    }
    s.zero = num(o, 'zero', 'DDSketch');
    s.minValue = num(o, 'min', 'DDSketch');
    s.maxValue = num(o, 'max', 'DDSketch');
    s.sumValue = num(o, 'sum', 'DDSketch');
    return s;
  }
}

export interface DDSketchJSON {
  relativeAccuracy: number;
  maxBins: number;
  minIndexable: number;
  pos: { offset: number; counts: number[] };
  neg: { offset: number; counts: number[] };
  zero: number;
  min: number;
  max: number;
  sum: number;
}

/**
 * Mid-ranks of values among a sketch's (DDSketch.ranks). Values in the same bucket as x (within
 * the sketch's relative accuracy of it) count half, so the table's resolution is the sketch's.
 */
export class SketchRanks {
  /** Cumulative counts before each bucket, per sign (neg: from the largest magnitude down). */
  private readonly posBefore: Float64Array;
  private readonly negBefore: Float64Array;
  private readonly posCounts: readonly number[];
  private readonly negCounts: readonly number[];
  private readonly posOffset: number;
  private readonly negOffset: number;
  private readonly negTotal: number;

  /** @internal built by DDSketch.ranks() */
  constructor(
    readonly count: number,
    private readonly minValue: number,
    private readonly maxValue: number,
    private readonly minIndexable: number,
    private readonly lnGamma: number,
    pos: { counts: number[]; offset: number; total: number },
    neg: { counts: number[]; offset: number; total: number },
    private readonly zero: number,
  ) {
    this.posCounts = pos.counts.slice();
    this.negCounts = neg.counts.slice();
    this.posOffset = pos.offset;
    this.negOffset = neg.offset;
    this.negTotal = neg.total;
    this.posBefore = new Float64Array(this.posCounts.length);
    let acc = 0;
    for (let i = 0; i < this.posCounts.length; i++) {
      this.posBefore[i] = acc;
      acc += this.posCounts[i];
    }
    // Negative values: a larger magnitude (a higher index) is a smaller value.
    this.negBefore = new Float64Array(this.negCounts.length);
    acc = 0;
    for (let i = this.negCounts.length - 1; i >= 0; i--) {
      this.negBefore[i] = acc;
      acc += this.negCounts[i];
    }
  }

  /** The mid-rank of x in [0, 1]; NaN for an empty sketch or a non-finite x. */
  midRank(x: number): number {
    const n = this.count;
    if (n === 0 || !Number.isFinite(x)) return NaN;
    if (x < this.minValue) return 0;
    if (x > this.maxValue) return 1;
    let below: number;
    let at: number;
    if (x > this.minIndexable) {
      const i = Math.ceil(Math.log(x) / this.lnGamma) - this.posOffset;
      const base = this.negTotal + this.zero;
      if (i < 0) [below, at] = [base, 0];
      else if (i >= this.posCounts.length) [below, at] = [n, 0];
      else [below, at] = [base + this.posBefore[i], this.posCounts[i]];
    } else if (x < -this.minIndexable) {
      const i = Math.ceil(Math.log(-x) / this.lnGamma) - this.negOffset;
      if (i >= this.negCounts.length) [below, at] = [0, 0];
      else if (i < 0) [below, at] = [this.negTotal, 0];
      else [below, at] = [this.negBefore[i], this.negCounts[i]];
    } else {
      [below, at] = [this.negTotal, this.zero];
    }
    return (below + at / 2) / n;
  }
}
