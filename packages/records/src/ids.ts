import { createHash } from 'node:crypto';

/** A short stable id: the first 16 hex digits of SHA-256 over the parts joined by NUL. */
export function stableId(...parts: Array<string | number | undefined>): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(String(p ?? '')).update('\0');
  return h.digest('hex').slice(0, 16);
}

/**
 * The id of the deployment of `version` of `service`, the same in every part of Vigil: the
 * collector (API and service.version changes), the detector's verification and the alerter.
 * One (service, version) is one deployment; announcing it twice (API and resource) merges.
 */
export function deploymentIdFor(service: string, version: string): string {
  return stableId('deployment', service, version);
}
