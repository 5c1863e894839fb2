// The deployments that one split request reveals: each resource whose (service, version,
// environment) the tracker has not seen yet. One function for both of the collector's paths, the
// OTLP receivers (ingest.ts) and the rekey stage (rekey/rekey-stage.ts), so whatever decides
// "this is a deployment" (the VersionTracker) decides it the same way for both.
import type { ResourceRecord } from '@vigil/otlp';
import { resourceDeployment } from './deployment-event.js';
import type { DeploymentEvent } from './deployment-event.js';
import type { VersionTracker } from './version-tracker.js';

export function resourceDeploymentsOf(records: readonly ResourceRecord[], versions: VersionTracker, nowMs: number): DeploymentEvent[] {
  const out: DeploymentEvent[] = [];
  for (const r of records) {
    if (r.serviceVersion === '') continue;
    // The first version seen of a service is marked first seen: learned, never judged.
    const seen = versions.observe(r.key, r.serviceVersion, r.deploymentEnvironment);
    if (seen !== 'known') {
      out.push(resourceDeployment(r.key, r.serviceVersion, r.deploymentEnvironment, nowMs, r.commit, seen === 'first-seen'));
    }
  }
  return out;
}
