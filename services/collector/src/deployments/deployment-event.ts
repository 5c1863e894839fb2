// The record written to the vigil_deployments topic (JSON, UTF-8; Kafka key = `service`).
// Two sources: `POST /v1/deployments` (source "api") and telemetry whose resource carries a
// service.version not seen before for its service (source "resource").
//
// Deduplication: `id` is the canonical deployment id of (service, version) from
// @vigil/records (deploymentIdFor), the same id the detector's verdicts carry: restarting the
// collector, running several collectors, or announcing a deploy both through the API and
// through telemetry all name one deployment, and consumers deduplicate by id.
import type { OutRecord } from '@vigil/bus';
import { DEPLOYMENT_MARKER, deploymentIdFor, RECORD_KIND_HEADER } from '@vigil/records';
import type { DeploymentLink, DeploymentRecord } from '@vigil/records';
import { plainAnnouncement } from './announcements.js';
import type { AnnouncedDeployment } from './announcements.js';

export type { DeploymentLink };

/**
 * The collector's deployment event is the wire record (@vigil/records DeploymentRecord), with
 * `environment`, `commit` ('' when unknown) and `links` always set.
 */
export type DeploymentEvent = DeploymentRecord & Required<Pick<DeploymentRecord, 'environment' | 'commit' | 'links'>>;

/**
 * The records of a deployment event: on the deployments topic (alerter, writer) and, when
 * `spans` is given, again in-band on the spans topic under the service's key (header
 * RECORD_KIND_HEADER: DEPLOYMENT_MARKER), so the detector meets it in order with the spans it
 * verifies. Both carry the id in `vigil-deployment-id`.
 */
export function deploymentRecords(event: DeploymentEvent, topics: { deployments: string; spans?: string }): OutRecord[] {
  const value = Buffer.from(JSON.stringify(event));
  const out: OutRecord[] = [{ topic: topics.deployments, key: event.service, value, headers: { 'vigil-deployment-id': event.id } }];
  if (topics.spans !== undefined) {
    out.push({ topic: topics.spans, key: event.service, value, headers: { 'vigil-deployment-id': event.id, [RECORD_KIND_HEADER]: DEPLOYMENT_MARKER } });
  }
  return out;
}

/**
 * A deployment seen in telemetry. `commit` is the resource's vcs.ref.head.revision or
 * git.commit.sha ('' when it names none); it does not enter the id, so an API announcement and
 * telemetry of the same (service, version) stay one deployment.
 */
export function resourceDeployment(service: string, version: string, environment: string, timeMs: number, commit = '', firstSeen = false): DeploymentEvent {
  return {
    schema: 'vigil.deployment/1',
    // The canonical id of (service, version): the detector's verdicts name the same deployment.
    id: deploymentIdFor(service, version),
    service, version, environment, commit, timeMs, source: 'resource', links: [],
    ...(firstSeen ? { firstSeen: true as const } : {}),
  };
}

/** A malformed announcement (answered 400 with its message). */
export { AnnouncementError as DeploymentInputError } from './announcements.js';

/** The event of an announcement; `now` stamps one without a time. */
export function apiDeployment(d: AnnouncedDeployment, now: number): DeploymentEvent {
  return {
    schema: 'vigil.deployment/1',
    id: deploymentIdFor(d.service, d.version),
    service: d.service, version: d.version, environment: d.environment, commit: d.commit, timeMs: d.timeMs ?? now, source: 'api', links: d.links,
  };
}

/**
 * Validates a plain `POST /v1/deployments` body: the short keys
 * `{ service, namespace?, version, environment?, commit?, time? (ISO-8601 or ms), links?: [{name?, url}] }`
 * or the OpenTelemetry resource vocabulary (see announcements.ts). `now` stamps events without `time`.
 */
export function parseDeploymentRequest(value: unknown, now: number): DeploymentEvent {
  return apiDeployment(plainAnnouncement(value), now);
}
