// Remembers which (service, version) pairs this process has seen, so a resource with a new
// service.version yields one deployment event. Bounded: beyond `maxSeen` pairs the least
// recently seen is forgotten (it would at worst re-emit an event with the same deterministic id).
// Cost: O(1) per lookup (Map insertion order as LRU); memory: one entry per pair.
export class VersionTracker {
  private readonly seen = new Map<string, true>();

  constructor(private readonly maxSeen: number) {}

  /** True the first time (service, version, environment) is seen. */
  observe(service: string, version: string, environment: string): boolean {
    const k = `${service}\u0000${version}\u0000${environment}`;
    if (this.seen.has(k)) {
      // delete + set moves the pair to the newest end (LRU order)
      this.seen.delete(k);
      this.seen.set(k, true);
      return false;
    }
    this.seen.set(k, true);
    if (this.seen.size > this.maxSeen) {
      const oldest = this.seen.keys().next().value as string;
      this.seen.delete(oldest);
    }
    return true;
  }

  /** Forgets a pair (its event was not acknowledged, so it must be emitted again). */
  forget(service: string, version: string, environment: string): void {
    this.seen.delete(`${service}\u0000${version}\u0000${environment}`);
  }

  get size(): number {
    return this.seen.size;
  }
}
