// Remembers which (service, version) pairs this process has seen, so a resource with a new
// service.version yields one deployment event. Bounded: beyond `maxSeen` pairs the least
// recently seen is forgotten (it would at worst re-emit an event with the same deterministic id).
// Cost: O(1) per lookup (Map insertion order as LRU); memory: one entry per pair and one per
// (service, environment).
//
// First contact: the first version of a (service, environment) this process sees is not a
// deployment Vigil watched happen — the service was running before Vigil met it (or before this
// collector restarted). Its event says `firstSeen`, so every consumer learns it as the baseline
// instead of judging it as a fresh deploy. Only a different version seen afterwards is a deployment.
// (No grace period here, unlike the detector's: this process has no event time, and a grace in
// processing time would misjudge history replayed fast. A rollout already under way when Vigil
// arrived is therefore announced as a deployment of its second version; the detector, which
// judges, still learns it as first seen.)
export type VersionObservation = 'known' | 'first-seen' | 'new-version';

export class VersionTracker {
  private readonly seen = new Map<string, true>();
  private readonly services = new Map<string, true>();

  constructor(private readonly maxSeen: number) {}

  /** 'first-seen' the first time the (service, environment) is met, 'new-version' for a later new version. */
  observe(service: string, version: string, environment: string): VersionObservation {
    const k = `${service}\u0000${version}\u0000${environment}`;
    if (this.seen.has(k)) {
      // delete + set moves the pair to the newest end (LRU order)
      this.seen.delete(k);
      this.seen.set(k, true);
      return 'known';
    }
    this.seen.set(k, true);
    if (this.seen.size > this.maxSeen) {
      const oldest = this.seen.keys().next().value as string;
      this.seen.delete(oldest);
    }
    const sk = `${service}\u0000${environment}`;
    if (this.services.has(sk)) {
      this.services.delete(sk);
      this.services.set(sk, true);
      return 'new-version';
    }
    this.services.set(sk, true);
    if (this.services.size > this.maxSeen) this.services.delete(this.services.keys().next().value as string);
    return 'first-seen';
  }

  /** Forgets a pair (its event was not acknowledged, so it must be emitted again). */
  forget(service: string, version: string, environment: string, firstSeen = false): void {
    this.seen.delete(`${service}\u0000${version}\u0000${environment}`);
    if (firstSeen) this.services.delete(`${service}\u0000${environment}`);
  }

  get size(): number {
    return this.seen.size;
  }
}
