// mulberry32 (Tommy Ettinger's 32-bit generator, public domain): small, fast, seedable; used by
// the evaluation generator and tests, never by the algorithms themselves.
import { seededUniform } from '@vigil/stats';

export type Rng = () => number;

export function mulberry32(seed: number): Rng {
  return seededUniform(seed);
}

export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
