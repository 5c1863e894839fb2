// Per service: the version in effect and since when (event time), from the stream itself, and
// whether it was deployed while Vigil watched.
//
// First contact: the first version this state meets of a service (Vigil met it running, the
// state was lost, or the partition is new to this detector) is `firstSeen`: learned as the
// baseline, never a deployment. So is a version first met within FIRST_CONTACT_GRACE_MS of event
// time after that (a canary or a rollout already under way when Vigil arrived). A version met
// later is a deployment. Traffic moving back to a version already known (canary traffic
// interleaving, a rollback) keeps that version's entry: it is no new deployment.
// Memory: per service at most MAX_VERSIONS_PER_SERVICE entries (least recently in effect dropped).
import { deploymentIdFor } from '@vigil/records';
import type { DeploymentInEffect } from './series-scorers.js';

/** Versions met this soon after a service's first contact were already running: first seen too. */
export const FIRST_CONTACT_GRACE_MS = 60_000;
const MAX_VERSIONS_PER_SERVICE = 16;

interface ServiceVersions {
  current: string;
  /** Event time the service was first met. */
  firstMs: number;
  /** By version, least recently in effect first. */
  known: Map<string, DeploymentInEffect>;
}

type ServiceVersionsJSON = { current: string; firstMs: number; known: Array<[string, DeploymentInEffect]> };
/** The checkpoint: per service its versions; a snapshot written before first contact existed holds one DeploymentInEffect per service. */
export type VersionTrackerJSON = Array<[string, ServiceVersionsJSON | DeploymentInEffect]>;

export class VersionTracker {
  private services = new Map<string, ServiceVersions>();

  /** Returns true when `version` is a deployment of `service` in the stream (a new version, not first seen). */
  see(service: string, version: string | undefined, timeMs: number): boolean {
    if (!version) return false;
    const s = this.services.get(service);
    if (!s) {
      this.services.set(service, { current: version, firstMs: timeMs, known: new Map([[version, { id: deploymentIdFor(service, version), version, sinceMs: timeMs, firstSeen: true }]]) });
      return false;
    }
    if (s.current === version) return false;
    s.current = version;
    const known = s.known.get(version);
    s.known.delete(version);
    if (known) {
      s.known.set(version, known);
      return false;
    }
    const firstSeen = timeMs - s.firstMs < FIRST_CONTACT_GRACE_MS;
    s.known.set(version, { id: deploymentIdFor(service, version), version, sinceMs: timeMs, ...(firstSeen ? { firstSeen: true } : {}) });
    if (s.known.size > MAX_VERSIONS_PER_SERVICE) s.known.delete(s.known.keys().next().value as string);
    return !firstSeen;
  }

  /** The version in effect. */
  get(service: string): DeploymentInEffect | undefined {
    const s = this.services.get(service);
    return s ? s.known.get(s.current) : undefined;
  }

  /** The version in effect when it was deployed while Vigil watched; undefined when first seen. */
  deployed(service: string): DeploymentInEffect | undefined {
    const d = this.get(service);
    return d && !d.firstSeen ? d : undefined;
  }

  toJSON(): VersionTrackerJSON {
    return [...this.services].map(([service, s]) => [service, { current: s.current, firstMs: s.firstMs, known: [...s.known] }]);
  }

  static fromJSON(j: VersionTrackerJSON): VersionTracker {
    const t = new VersionTracker();
    for (const [service, v] of j) {
      if ('known' in v) t.services.set(service, { current: v.current, firstMs: v.firstMs, known: new Map(v.known) });
      // An older snapshot: the version in effect, as it was recorded (deployed unless marked first
      // seen); the service was met before it, so its first-contact grace is long over (firstMs 0).
      else t.services.set(service, { current: v.version, firstMs: 0, known: new Map([[v.version, v]]) });
    }
    return t;
  }
}
