// Deployment announcements in the shapes CI/CD tools already send, mapped to one deployment
// (service, version, environment, commit, time, links). Pure: no I/O, the clock is a parameter.
//
// Shape by path (or, at /v1/deployments, by the tool's event header):
//   POST /v1/deployments           plain JSON: the short keys or the OpenTelemetry resource
//                                  vocabulary (service.name, service.namespace, service.version,
//                                  deployment.environment.name, vcs.ref.head.revision, …)
//   POST /v1/deployments/github    a GitHub `deployment_status` webhook (or X-GitHub-Event set)
//   POST /v1/deployments/gitlab    a GitLab deployment event (or X-Gitlab-Event: Deployment Hook)
//   POST /v1/deployments/argocd    an Argo CD notification with Vigil's webhook template (README)
//   POST /v1/deployments/flux      a Flux notification-controller event (Provider type generic
//                                  or generic-hmac)
// For a tool's payload the query may name the service as the telemetry does when the tool names it
// otherwise: ?service=inventory&namespace=shop&environment=prod.
// A payload that is no finished deployment (GitHub ping, a status still queued or in progress, a
// failed sync, an error event) is answered 200 with {"ignored": reason}: what the tools expect.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { serviceKey } from '@vigil/otlp';

export type AnnouncementShape = 'plain' | 'github' | 'gitlab' | 'argocd' | 'flux';
export const ANNOUNCEMENT_SHAPES: readonly AnnouncementShape[] = ['plain', 'github', 'gitlab', 'argocd', 'flux'];

export class AnnouncementError extends Error {}

export interface AnnouncedDeployment {
  service: string;
  version: string;
  environment: string;
  commit: string;
  /** ms since the epoch; undefined: stamp with the receipt time. */
  timeMs: number | undefined;
  links: Array<{ name: string; url: string }>;
}

export type Announcement = { kind: 'deployment'; deployment: AnnouncedDeployment } | { kind: 'ignored'; reason: string };

const MAX_FIELD = 512;

/** The shape of a request from its path under /v1/deployments and its headers; null: unknown path. */
export function shapeOf(subPath: string, headers: Readonly<Record<string, string | string[] | undefined>>): AnnouncementShape | null {
  if (subPath === '' || subPath === '/') {
    if (headers['x-github-event'] !== undefined) return 'github';
    if (headers['x-gitlab-event'] !== undefined) return 'gitlab';
    return 'plain';
  }
  const name = subPath.replace(/^\//, '');
  return (ANNOUNCEMENT_SHAPES as readonly string[]).includes(name) && name !== 'plain' ? (name as AnnouncementShape) : null;
}

export interface WebhookSecrets {
  /** GitHub webhook secret: X-Hub-Signature-256 = sha256=HMAC-SHA256(secret, body). */
  githubSecret: string;
  /** GitLab secret token: sent verbatim in X-Gitlab-Token. */
  gitlabToken: string;
  /** Flux Provider `generic-hmac` key: X-Signature = sha256=HMAC-SHA256(key, body). */
  fluxHmacKey: string;
}

/** True when the shape authenticates itself (its secret is configured), in place of a bearer token. */
export function selfAuthenticating(shape: AnnouncementShape, s: WebhookSecrets): boolean {
  return (shape === 'github' && s.githubSecret !== '') || (shape === 'gitlab' && s.gitlabToken !== '') || (shape === 'flux' && s.fluxHmacKey !== '');
}

function header(headers: Readonly<Record<string, string | string[] | undefined>>, name: string): string {
  const v = headers[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

function sameBytes(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function hmacMatches(key: string, body: Buffer, got: string): boolean {
  const want = `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
  return sameBytes(want, got.trim().toLowerCase());
}

/**
 * Checks the tool's signature when its secret is configured: null when fine (or nothing is
 * configured for the shape), else the reason for a 401. GitHub: "Validating webhook deliveries"
 * (X-Hub-Signature-256, HMAC-SHA256 of the raw body, hex, prefixed sha256=). GitLab: "Webhooks",
 * secret token in X-Gitlab-Token. Flux: Provider type generic-hmac (X-Signature: sha256=<hex>).
 */
export function verifySignature(shape: AnnouncementShape, body: Buffer, headers: Readonly<Record<string, string | string[] | undefined>>, s: WebhookSecrets): string | null {
  if (shape === 'github' && s.githubSecret !== '') {
    const got = header(headers, 'x-hub-signature-256');
    if (got === '') return 'missing X-Hub-Signature-256 (collector.deployments.webhooks.githubSecret is set)';
    return hmacMatches(s.githubSecret, body, got) ? null : 'X-Hub-Signature-256 does not match the body and the configured secret';
  }
  if (shape === 'gitlab' && s.gitlabToken !== '') {
    const got = header(headers, 'x-gitlab-token');
    return got !== '' && sameBytes(got, s.gitlabToken) ? null : 'missing or wrong X-Gitlab-Token';
  }
  if (shape === 'flux' && s.fluxHmacKey !== '') {
    const got = header(headers, 'x-signature');
    if (got === '') return 'missing X-Signature (collector.deployments.webhooks.fluxHmacKey is set)';
    return hmacMatches(s.fluxHmacKey, body, got) ? null : 'X-Signature does not match the body and the configured key';
  }
  return null;
}

// ---------------------------------------------------------------- plain (short keys, OTel vocabulary)

/** Each accepted key and the field it fills (OpenTelemetry semantic conventions for resources and VCS). */
const PLAIN_KEYS: Record<string, 'service' | 'namespace' | 'version' | 'environment' | 'commit' | 'time' | 'links' | 'repository' | 'ignored'> = {
  service: 'service', 'service.name': 'service',
  namespace: 'namespace', 'service.namespace': 'namespace',
  version: 'version', 'service.version': 'version',
  environment: 'environment', 'deployment.environment.name': 'environment', 'deployment.environment': 'environment',
  commit: 'commit', 'vcs.ref.head.revision': 'commit', 'git.commit.sha': 'commit',
  time: 'time',
  links: 'links',
  'vcs.repository.url.full': 'repository',
  // Accepted for senders that pass their whole resource; not stored.
  'vcs.ref.head.name': 'ignored', 'vcs.repository.name': 'ignored', 'deployment.id': 'ignored', 'deployment.name': 'ignored',
  'deployment.status': 'ignored', 'service.instance.id': 'ignored',
};
export const ACCEPTED_KEYS = Object.keys(PLAIN_KEYS);

function text(v: unknown, key: string, required: boolean): string {
  if (v === undefined || v === null) {
    if (required) throw new AnnouncementError(`"${key}" is required`);
    return '';
  }
  if (typeof v !== 'string') throw new AnnouncementError(`"${key}" must be a string, got ${JSON.stringify(v)}`);
  if (required && v.length === 0) throw new AnnouncementError(`"${key}" must not be empty`);
  if (v.length > MAX_FIELD) throw new AnnouncementError(`"${key}" is longer than ${MAX_FIELD} characters`);
  return v;
}

function timeOf(t: unknown, key: string): number | undefined {
  if (t === undefined || t === null || t === '') return undefined;
  if (typeof t === 'number' && Number.isFinite(t) && t > 0) return Math.round(t);
  if (typeof t === 'string') {
    const parsed = Date.parse(t);
    if (Number.isNaN(parsed)) throw new AnnouncementError(`"${key}" is not an ISO-8601 date: ${JSON.stringify(t)}`);
    return parsed;
  }
  throw new AnnouncementError(`"${key}" must be an ISO-8601 string or ms, got ${JSON.stringify(t)}`);
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new AnnouncementError(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

function link(name: string, url: unknown): Array<{ name: string; url: string }> {
  return typeof url === 'string' && /^https?:\/\//.test(url) && url.length <= 2048 ? [{ name, url }] : [];
}

/**
 * `POST /v1/deployments`: `{ service, namespace?, version, environment?, commit?, time?, links? }`
 * or the same in the OpenTelemetry vocabulary. `namespace` names the service `namespace/name`,
 * as the collector keys telemetry whose resource has service.namespace. Two keys for one field
 * must agree. An unknown key is refused with the list of accepted ones.
 */
export function plainAnnouncement(value: unknown): AnnouncedDeployment {
  const body = object(value, 'body');
  const fields: Partial<Record<string, { key: string; value: unknown }>> = {};
  for (const [k, v] of Object.entries(body)) {
    const field = PLAIN_KEYS[k];
    if (field === undefined) throw new AnnouncementError(`unknown key "${k}"; accepted keys: ${ACCEPTED_KEYS.join(', ')}`);
    if (field === 'ignored') continue;
    const prior = fields[field];
    if (prior && JSON.stringify(prior.value) !== JSON.stringify(v)) {
      throw new AnnouncementError(`"${prior.key}" and "${k}" disagree: ${JSON.stringify(prior.value)} vs ${JSON.stringify(v)}`);
    }
    fields[field] = { key: k, value: v };
  }
  const get = (f: string, required: boolean): string => text(fields[f]?.value, fields[f]?.key ?? (f === 'service' ? 'service (or service.name)' : f === 'version' ? 'version (or service.version)' : f), required);
  const name = get('service', true);
  const namespace = get('namespace', false);
  const links: Array<{ name: string; url: string }> = [];
  const rawLinks = fields.links?.value;
  if (rawLinks !== undefined && rawLinks !== null) {
    if (!Array.isArray(rawLinks) || rawLinks.length > 20) throw new AnnouncementError('"links" must be an array of at most 20 {name?, url}');
    for (const l of rawLinks as unknown[]) {
      const lo = object(l, 'each link');
      const url = text(lo.url, 'url', true);
      const ln = text(lo.name, 'name', false);
      links.push({ name: ln || url, url });
    }
  }
  const repo = text(fields.repository?.value, fields.repository?.key ?? 'vcs.repository.url.full', false);
  if (repo) links.push({ name: 'repository', url: repo });
  return {
    service: namespace ? serviceKey({ serviceName: name, serviceNamespace: namespace }) : name,
    version: get('version', true),
    environment: get('environment', false),
    commit: get('commit', false),
    timeMs: timeOf(fields.time?.value, fields.time?.key ?? 'time'),
    links,
  };
}

// ---------------------------------------------------------------- tools

/** Query overrides on the tool paths: the service as the telemetry names it. */
function named(query: URLSearchParams, fallbackName: string, environment: string): { service: string; environment: string } {
  const name = query.get('service') || fallbackName;
  if (!name) throw new AnnouncementError('no service name in the payload; add ?service=<service.name> to the webhook URL');
  const namespace = query.get('namespace') ?? '';
  return {
    service: text(namespace ? serviceKey({ serviceName: name, serviceNamespace: namespace }) : name, 'service', true),
    environment: text(query.get('environment') ?? environment, 'environment', false),
  };
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/**
 * GitHub `deployment_status` (GitHub docs, "Webhook events and payloads", deployment_status).
 * Deployed when deployment_status.state is `success`; queued, pending, in_progress, failure,
 * error and inactive are no finished deployment (ignored). Service: deployment.payload's
 * service.name / service (+ service.namespace / namespace) as the workflow set it, else ?service=
 * (+ ?namespace=), else the repository's name.
 * Version: deployment.payload's service.version / version, else the deployed commit (sha).
 */
export function githubAnnouncement(event: string, value: unknown, query: URLSearchParams): Announcement {
  if (event === 'ping') return { kind: 'ignored', reason: 'ping: webhook reachable' };
  if (event !== '' && event !== 'deployment_status') return { kind: 'ignored', reason: `GitHub event "${event}" is not a deployment_status` };
  const body = object(value, 'body');
  const status = object(body.deployment_status, '"deployment_status"');
  const deployment = object(body.deployment, '"deployment"');
  const state = str(status.state);
  if (state !== 'success') return { kind: 'ignored', reason: `deployment_status state "${state}" is not a finished deployment` };
  const payload = deployment.payload !== null && typeof deployment.payload === 'object' ? (deployment.payload as Record<string, unknown>) : {};
  const repository = body.repository !== null && typeof body.repository === 'object' ? (body.repository as Record<string, unknown>) : {};
  const sha = text(deployment.sha, 'deployment.sha', false);
  // What the workflow put in the deployment's payload is the most specific: it wins over the query.
  const q = new URLSearchParams(query);
  const fromPayload = str(payload['service.name']) || str(payload.service);
  const ns = str(payload['service.namespace']) || str(payload.namespace);
  if (fromPayload) q.set('service', fromPayload);
  if (fromPayload || ns) q.set('namespace', ns);
  const who = named(q, str(repository.name), str(status.environment) || str(deployment.environment));
  const version = str(payload['service.version']) || str(payload.version) || sha;
  return {
    kind: 'deployment',
    deployment: {
      ...who, version: text(version, 'version (deployment.payload.version or deployment.sha)', true), commit: sha,
      timeMs: timeOf(status.created_at, 'deployment_status.created_at'),
      links: [...link('log', status.log_url || status.target_url), ...link('environment', status.environment_url), ...link('repository', repository.html_url)],
    },
  };
}

/**
 * GitLab deployment event (GitLab docs, "Webhook events", Deployment events; X-Gitlab-Event:
 * Deployment Hook). Deployed when status is `success`; running, failed and canceled are ignored.
 * Service: ?service=, else the project's name. Version: the commit (the full sha at the end of
 * commit_url, else short_sha); ?version=ref takes the deployed ref (a tag) instead.
 */
export function gitlabAnnouncement(event: string, value: unknown, query: URLSearchParams): Announcement {
  if (event !== '' && event !== 'Deployment Hook') return { kind: 'ignored', reason: `GitLab event "${event}" is not a Deployment Hook` };
  const body = object(value, 'body');
  if (body.object_kind !== 'deployment') return { kind: 'ignored', reason: `object_kind ${JSON.stringify(body.object_kind)} is not a deployment` };
  const status = str(body.status);
  if (status !== 'success') return { kind: 'ignored', reason: `deployment status "${status}" is not a finished deployment` };
  const project = body.project !== null && typeof body.project === 'object' ? (body.project as Record<string, unknown>) : {};
  const commitUrl = str(body.commit_url);
  const full = /\/commit\/([0-9a-f]{7,64})$/i.exec(commitUrl)?.[1] ?? '';
  const commit = full || str(body.short_sha);
  const version = query.get('version') === 'ref' ? str(body.ref) : commit;
  return {
    kind: 'deployment',
    deployment: {
      ...named(query, str(project.name), str(body.environment)),
      version: text(version, query.get('version') === 'ref' ? 'ref' : 'commit (commit_url or short_sha)', true), commit,
      timeMs: timeOf(body.status_changed_at, 'status_changed_at'),
      links: [...link('job', body.deployable_url), ...link('environment', body.environment_external_url), ...link('commit', commitUrl)],
    },
  };
}

/**
 * Argo CD notification through its webhook service with Vigil's template (collector README):
 * `{ app, revision, phase, finishedAt, repoURL, url }` from {{.app.metadata.name}},
 * {{.app.status.sync.revision}}, {{.app.status.operationState.phase}}, … Deployed when phase is
 * `Succeeded`. Service: ?service=, else the application's name. Version: the synced revision.
 */
export function argocdAnnouncement(value: unknown, query: URLSearchParams): Announcement {
  const body = object(value, 'body');
  const phase = str(body.phase);
  if (phase !== '' && phase !== 'Succeeded') return { kind: 'ignored', reason: `sync phase "${phase}" is not a finished deployment` };
  const revision = text(body.revision, 'revision', true);
  return {
    kind: 'deployment',
    deployment: {
      ...named(query, str(body.app), str(body.environment)), version: revision, commit: /^[0-9a-f]{7,64}$/i.test(revision) ? revision : '',
      timeMs: timeOf(body.finishedAt, 'finishedAt'),
      links: [...link('argocd', body.url), ...link('repository', body.repoURL)],
    },
  };
}

const FLUX_SUCCESS = new Set(['ReconciliationSucceeded', 'InstallSucceeded', 'UpgradeSucceeded']);

/**
 * Flux notification-controller event (Flux docs, "Events": the Event of the generic provider):
 * `{ involvedObject: {kind, name, namespace}, severity, reason, message, metadata: {<group>/revision}, timestamp }`.
 * Deployed on an info event whose reason is a successful reconcile (ReconciliationSucceeded,
 * InstallSucceeded, UpgradeSucceeded); error events and other reasons are ignored. Service:
 * ?service=, else the object's name. Version: the revision's commit ("main@sha1:<sha>" or
 * "main/<sha>"), or the revision itself (a chart version).
 */
export function fluxAnnouncement(value: unknown, query: URLSearchParams): Announcement {
  const body = object(value, 'body');
  const obj = object(body.involvedObject, '"involvedObject"');
  const severity = str(body.severity);
  const reason = str(body.reason);
  if (severity !== 'info') return { kind: 'ignored', reason: `${severity || 'unknown'} event ${reason}: not a deployment` };
  if (!FLUX_SUCCESS.has(reason)) return { kind: 'ignored', reason: `event reason "${reason}" is not a finished reconciliation` };
  const metadata = body.metadata !== null && typeof body.metadata === 'object' ? (body.metadata as Record<string, unknown>) : {};
  // The controller's key (kustomize.toolkit.fluxcd.io/revision), or `revision` as the notification
  // controller forwards it to generic providers without the API group prefix.
  const revisionKey = Object.keys(metadata).find((k) => k === 'revision' || k.endsWith('/revision'));
  const revision = revisionKey ? str(metadata[revisionKey]) : '';
  if (!revision) return { kind: 'ignored', reason: 'event carries no revision' };
  const sha = /(?:@sha1:|@sha256:|\/)([0-9a-f]{7,64})$/i.exec(revision)?.[1] ?? '';
  return {
    kind: 'deployment',
    deployment: {
      ...named(query, str(obj.name), ''), version: text(sha || revision, 'revision', true), commit: sha,
      timeMs: timeOf(body.timestamp, 'timestamp'), links: [],
    },
  };
}

/** Maps a parsed body of `shape`. Throws AnnouncementError on a malformed payload. */
export function announcementOf(shape: AnnouncementShape, value: unknown, headers: Readonly<Record<string, string | string[] | undefined>>, query: URLSearchParams): Announcement {
  switch (shape) {
    case 'plain': return { kind: 'deployment', deployment: plainAnnouncement(value) };
    case 'github': return githubAnnouncement(header(headers, 'x-github-event'), value, query);
    case 'gitlab': return gitlabAnnouncement(header(headers, 'x-gitlab-event'), value, query);
    case 'argocd': return argocdAnnouncement(value, query);
    case 'flux': return fluxAnnouncement(value, query);
  }
}
