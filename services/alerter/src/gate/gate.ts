// Deployment gate.
//  GET  /v1/deployments/{service}/{version}/verdict — for Argo Rollouts' Web metric provider:
//       200 with {status, pass, fail, decided, ...}; an AnalysisTemplate judges it with
//       successCondition/failureCondition (infra/argo/analysis-template.yaml).
//  POST /v1/gate/flagger — Flagger webhooks: body {name, namespace, phase, metadata}. Flagger
//       advances on 2xx and counts a failed check on anything else (Flagger docs, "Webhooks").
//       metadata.service (default: name), metadata.version (default: the service's latest
//       deployment), metadata.require: "not-failed" (default: running/unknown proceed, fail
//       halts) or "pass" (confirm-promotion: only a pass proceeds), metadata.hook: "rollback"
//       (a rollback-type hook: Flagger rolls back on 2xx, so 200 means "failed, roll back").
//       Flagger cannot send an Authorization header on every hook type, so the token may also come
//       as metadata.token (checked like a bearer token).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkBearer, sendJson } from '@vigil/telemetry';
import type { RouteHandler } from '@vigil/telemetry';
import type { AlertEngine } from '../lifecycle/engine.js';
import { readJson } from '../api/http.js';
import type { HttpError } from '../api/http.js';

export interface GateContext {
  engine: AlertEngine;
  bearerTokens: readonly string[];
  now(): number;
}

export interface GateAnswer {
  service: string;
  version: string;
  deploymentId: string | null;
  status: 'pass' | 'fail' | 'running' | 'inconclusive' | 'unknown';
  pass: boolean;
  fail: boolean;
  decided: boolean;
  mode: string | null;
  /** strict when the deployment's CI was not clean; null before any verdict. */
  policy: 'standard' | 'strict' | null;
  policyReason: string | null;
  summary: string;
  deployedAt: string | null;
  decidedAt: string | null;
  evidence: unknown[];
  /** Which baseline the verdict compared against and how much evidence it held (null before a verdict). */
  baseline: unknown;
  rollback: { result: string | null; dryRun: boolean; detail: string | null } | null;
  firingAlerts: number;
}

export function gateAnswer(engine: AlertEngine, service: string, version: string): GateAnswer {
  const v = engine.verdictFor(service, version);
  const status = v?.status ?? 'unknown';
  const rb = v ? engine.getRollback(v.deploymentId) : undefined;
  const firing = engine.listAlerts().filter((a) => a.service === service && a.status === 'firing').length;
  return {
    service,
    version,
    deploymentId: v?.deploymentId ?? null,
    status,
    pass: status === 'pass',
    fail: status === 'fail',
    decided: status === 'pass' || status === 'fail' || status === 'inconclusive',
    mode: v?.mode ?? null,
    policy: v ? (v.policy ?? 'standard') : null,
    policyReason: v?.policyReason ?? null,
    summary: v?.summary ?? `no verdict yet for ${service} ${version}`,
    deployedAt: v ? new Date(v.deployedAtMs).toISOString() : null,
    decidedAt: v && status !== 'running' ? new Date(v.decidedAtMs).toISOString() : null,
    evidence: v?.evidence ?? [],
    baseline: v?.baseline ?? null,
    rollback: rb ? { result: rb.result ?? null, dryRun: rb.dryRun ?? false, detail: rb.detail ?? null } : null,
    firingAlerts: firing,
  };
}

const VERDICT_PATH = /^\/v1\/deployments\/([^/]+)\/([^/]+)\/verdict$/;

export function gateRoutes(ctx: GateContext): RouteHandler[] {
  const verdict: RouteHandler = (req, res, url) => {
    const m = VERDICT_PATH.exec(url.pathname);
    if (!m || req.method !== 'GET') return false;
    sendJson(res, 200, gateAnswer(ctx.engine, decodeURIComponent(m[1]), decodeURIComponent(m[2])));
    return true;
  };
  const flagger: RouteHandler = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (url.pathname !== '/v1/gate/flagger') return false;
    if (req.method !== 'POST') {
      sendJson(res, 405, { error: 'POST only' });
      return true;
    }
    let body: Record<string, unknown>;
    try {
      body = (await readJson(req)) as Record<string, unknown>;
    } catch (err) {
      const e = err as HttpError;
      sendJson(res, e.status ?? 400, { error: e.message });
      return true;
    }
    const meta = (typeof body.metadata === 'object' && body.metadata !== null ? body.metadata : {}) as Record<string, string>;
    const header = req.headers.authorization ?? (meta.token ? `Bearer ${meta.token}` : undefined);
    if (!checkBearer(header, ctx.bearerTokens)) {
      sendJson(res, 401, { error: 'unauthorized' });
      return true;
    }
    const service = meta.service ?? (typeof body.name === 'string' ? body.name : undefined);
    if (!service) {
      sendJson(res, 400, { error: 'need "name" or metadata.service' });
      return true;
    }
    const version = meta.version ?? ctx.engine.latestDeployment(service)?.version;
    const answer = version ? gateAnswer(ctx.engine, service, version) : null;
    const status = answer?.status ?? 'unknown';
    let proceed: boolean;
    if (meta.hook === 'rollback') proceed = status === 'fail';
    else if (meta.require === 'pass') proceed = status === 'pass';
    else proceed = status !== 'fail';
    sendJson(res, proceed ? 200 : 403, {
      proceed,
      phase: body.phase ?? null,
      canary: `${typeof body.namespace === 'string' ? body.namespace : ''}/${typeof body.name === 'string' ? body.name : ''}`,
      ...(answer ?? { service, version: null, status, summary: `no deployment known for ${service}` }),
    });
    return true;
  };
  return [verdict, flagger];
}
