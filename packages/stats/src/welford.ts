import { asObject, num } from './errors.js';

/**
 * Welford's running mean and variance (B. P. Welford, Technometrics 4(3), 1962), with the
 * pairwise merge of Chan, Golub & LeVeque (1979). Numerically stable, exact in the count.
 * Cost per update: O(1), 1 division. Memory: 3 numbers (count, mean, m2).
 */
export class Welford {
  count = 0;
  mean = 0;
  /** Sum of squared deviations from the mean. */
  m2 = 0;

  update(x: number): void {
    this.count++;
    const d = x - this.mean;
    this.mean += d / this.count;
    this.m2 += d * (x - this.mean);
  }

  /** Population variance (divide by n); 0 before two values. */
  variance(): number {
    return this.count > 1 ? this.m2 / this.count : 0;
  }

  /** Sample variance (divide by n − 1); 0 before two values. */
  sampleVariance(): number {
    return this.count > 1 ? this.m2 / (this.count - 1) : 0;
  }

  std(): number {
    return Math.sqrt(this.variance());
  }

  /** Adds other's values into this one (Chan et al.); equals the sequential update up to rounding. */
  merge(other: Welford): this {
    if (other.count === 0) return this;
    if (this.count === 0) {
      this.count = other.count;
      this.mean = other.mean;
      this.m2 = other.m2;
      return this;
    }
    const n = this.count + other.count;
    const d = other.mean - this.mean;
    this.mean += (d * other.count) / n;
    this.m2 += other.m2 + (d * d * this.count * other.count) / n;
    this.count = n;
    return this;
  }

  reset(): void {
    this.count = 0;
    this.mean = 0;
    this.m2 = 0;
  }

  toJSON(): { count: number; mean: number; m2: number } {
    return { count: this.count, mean: this.mean, m2: this.m2 };
  }

  static fromJSON(json: unknown): Welford {
    const o = asObject(json, 'Welford');
    const w = new Welford();
    w.count = num(o, 'count', 'Welford');
    w.mean = num(o, 'mean', 'Welford');
    w.m2 = num(o, 'm2', 'Welford');
    return w;
  }
}
