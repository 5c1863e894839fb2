import { asObject, num } from './errors.js';

/**
 * Mulberry32: a 32-bit seeded PRNG (Tommy Ettinger, 2017; public domain). Period 2^32, passes
 * gjrand/PractRand at the sizes we use (sampling, tie-breaking, test data). Not cryptographic.
 * Cost per draw: a handful of 32-bit integer operations. Memory: one 32-bit state word.
 * Same seed ⇒ same sequence, also across a JSON round trip.
 */
export class Mulberry32 {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Standard normal by Box–Muller (uses two uniforms per draw; no cached spare, so state stays one word). */
  nextGaussian(): number {
    const u = 1 - this.next(); // (0, 1]
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  toJSON(): { state: number } {
    return { state: this.state };
  }

  static fromJSON(json: unknown): Mulberry32 {
    const o = asObject(json, 'Mulberry32');
    const r = new Mulberry32(0);
    r.state = num(o, 'state', 'Mulberry32') >>> 0;
    return r;
  }
}

/** A plain `() => number` source of uniforms in [0, 1) from Mulberry32 (for generators and tests). */
export function seededUniform(seed: number): () => number {
  const rng = new Mulberry32(seed);
  return () => rng.next();
}

/**
 * A Poisson draw with the given mean from a uniform source: Knuth's multiplication method
 * (TAOCP vol. 2, 3.4.1): count uniforms until their product falls below e^-mean. O(mean) uniforms
 * per draw, so meant for small means (traffic per tick, extra items per generated case).
 */
export function poisson(uniform: () => number, mean: number): number {
  if (mean <= 0) return 0;
  const limit = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= uniform();
  } while (p > limit);
  return k - 1;
}
