import { asObject, num, requireNumber } from './errors.js';

/**
 * Exponentially weighted mean and variance, by the incremental recursion of T. Finch,
 * "Incremental calculation of weighted mean and variance" (2009), §9:
 *   diff = x − mean;  mean += α·diff;  var = (1 − α)·(var + α·diff²).
 * The first value initialises the mean (weight of the initial state decays as (1 − α)^n).
 * The effective memory is about 1/α values. Cost per update: O(1), no division.
 * Memory: 4 numbers. Not mergeable (the weights depend on arrival order).
 */
export class Ewma {
  readonly alpha: number;
  count = 0;
  mean = 0;
  variance = 0;

  constructor(alpha: number) {
    this.alpha = requireNumber('alpha', alpha, 0, 1, { minExclusive: true });
  }

  update(x: number): void {
    if (this.count === 0) {
      this.mean = x;
      this.variance = 0;
    } else {
      const diff = x - this.mean;
      const incr = this.alpha * diff;
      this.mean += incr;
      this.variance = (1 - this.alpha) * (this.variance + diff * incr);
    }
    this.count++;
  }

  std(): number {
    return Math.sqrt(this.variance);
  }

  toJSON(): { alpha: number; count: number; mean: number; variance: number } {
    return { alpha: this.alpha, count: this.count, mean: this.mean, variance: this.variance };
  }

  static fromJSON(json: unknown): Ewma {
    const o = asObject(json, 'Ewma');
    const e = new Ewma(num(o, 'alpha', 'Ewma'));
    e.count = num(o, 'count', 'Ewma');
    e.mean = num(o, 'mean', 'Ewma');
    e.variance = num(o, 'variance', 'Ewma');
    return e;
  }
}
