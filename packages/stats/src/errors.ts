/** Thrown when an option or a serialised state is invalid. The message quotes key and value. */
export class StatsConfigError extends Error {
  constructor(key: string, value: unknown, rule: string) {
    super(`${key}=${JSON.stringify(value)}: ${rule}`);
    this.name = 'StatsConfigError';
  }
}

/** Rejects keys of `given` that are not in `allowed` (typos must not silently fall back to defaults). */
export function rejectUnknownKeys(given: object | undefined, allowed: readonly string[], where: string): void {
  if (given === undefined) return;
  for (const k of Object.keys(given)) {
    if (!allowed.includes(k)) throw new StatsConfigError(`${where}.${k}`, (given as Record<string, unknown>)[k], 'unknown key');
  }
}

export function requireNumber(key: string, v: unknown, min: number, max: number, opts: { minExclusive?: boolean; integer?: boolean } = {}): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new StatsConfigError(key, v, 'must be a finite number');
  if (opts.integer === true && !Number.isInteger(v)) throw new StatsConfigError(key, v, 'must be an integer');
  if (opts.minExclusive === true ? v <= min : v < min) throw new StatsConfigError(key, v, `must be ${opts.minExclusive === true ? '>' : '>='} ${min}`);
  if (v > max) throw new StatsConfigError(key, v, `must be <= ${max}`);
  return v;
}

/** Reads a numeric field of a serialised state, failing loudly on corrupt checkpoints. */
export function num(o: Record<string, unknown>, key: string, where: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new StatsConfigError(`${where}.${key}`, v, 'state field must be a finite number');
  return v;
}

export function numArray(o: Record<string, unknown>, key: string, where: string): number[] {
  const v = o[key];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
    throw new StatsConfigError(`${where}.${key}`, v, 'state field must be an array of finite numbers');
  }
  return v as number[];
}

export function asObject(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new StatsConfigError(where, v, 'state must be an object');
  return v as Record<string, unknown>;
}

const interned = new Map<string, object>();
/**
 * Returns one shared frozen copy per distinct resolved options object. A per-instance options
 * object built by spreading defaults costs a few hundred bytes of V8 heap per series (measured
 * with the detectors bench), more than the statistics themselves; series of one configuration
 * share one. The table is bounded (configurations are few; beyond 64 it stops interning).
 */
export function internOptions<T extends object>(where: string, o: T): Readonly<T> {
  const key = `${where}:${JSON.stringify(o)}`;
  const hit = interned.get(key);
  if (hit !== undefined) return hit as Readonly<T>;
  const frozen = Object.freeze(o);
  if (interned.size < 64) interned.set(key, frozen);
  return frozen;
}
