// Incident memory and feedback API.
//  GET    /v1/alerts/{id}/similar[?k=5]         similar past incidents (score, why, resolution)
//  POST   /v1/alerts/{id}/resolution            {fixedBy | what, links?: [{name, url}] | [url], rollbackHelped?, note?, by?}
//  GET    /v1/incidents/{id}                    one remembered incident (fingerprint, resolution)
//  POST   /v1/integrations/pagerduty            PagerDuty V3 webhook (incident.resolved / incident.annotated),
//                                               authenticated by X-PagerDuty-Signature, not by bearer token
//  POST   /v1/anomalies/{id}/feedback           {verdict: not_anomaly | real, scope: series | operation | service, note?, by?,
//                                                seriesKey?, score?, threshold?, direction?} (identity only for unknown anomalies)
//  GET    /v1/feedback                          active feedback (audit)
//  DELETE /v1/feedback/{id}                     revoke (its effect disappears at once; audited as revoked)
import { randomUUID } from 'node:crypto';
import { sendJson } from '@vigil/telemetry';
import type { RouteHandler } from '@vigil/telemetry';
import type { AlertEngine } from '../lifecycle/engine.js';
import { MemoryError } from '../incidents/memory.js';
import type { FeedbackInputBody, IncidentMemory, PagerDutyEvent, ResolutionInput } from '../incidents/memory.js';
import { PAGERDUTY_SIGNATURE_HEADER, verifyPagerDuty } from '../incidents/pagerduty-signature.js';
import { HttpError, readJson, readText } from './http.js';

export const PAGERDUTY_WEBHOOK_PATH = '/v1/integrations/pagerduty';

export interface IncidentApiContext {
  engine: AlertEngine;
  memory: IncidentMemory;
  now(): number;
  persist(): Promise<void>;
  /** PagerDuty V3 webhook secret; the endpoint answers 404 without one. */
  pagerdutySecret?: string;
}

const str = (v: unknown, key: string, max = 2000): string | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new HttpError(400, `${key} must be a string, got ${JSON.stringify(v)}`);
  return v.slice(0, max);
};

function parseResolution(body: unknown): ResolutionInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'body must be a JSON object');
  const b = body as Record<string, unknown>;
  const known = new Set(['fixedBy', 'what', 'links', 'rollbackHelped', 'note', 'by']);
  for (const k of Object.keys(b)) if (!known.has(k)) throw new HttpError(400, `unknown key "${k}" (allowed: ${[...known].join(', ')})`);
  const links: Array<{ name: string; url: string }> = [];
  if (b.links !== undefined) {
    if (!Array.isArray(b.links)) throw new HttpError(400, `links must be an array, got ${JSON.stringify(b.links)}`);
    for (const l of b.links) {
      if (typeof l === 'string') links.push({ name: 'link', url: l });
      else if (l && typeof l === 'object' && typeof (l as { url?: unknown }).url === 'string') {
        links.push({ name: typeof (l as { name?: unknown }).name === 'string' ? (l as { name: string }).name : 'link', url: (l as { url: string }).url });
      } else throw new HttpError(400, `links entries must be a URL or {name, url}, got ${JSON.stringify(l)}`);
    }
  }
  if (b.rollbackHelped !== undefined && typeof b.rollbackHelped !== 'boolean') throw new HttpError(400, `rollbackHelped must be a boolean, got ${JSON.stringify(b.rollbackHelped)}`);
  const fixedBy = str(b.fixedBy, 'fixedBy') ?? str(b.what, 'what');
  const note = str(b.note, 'note');
  if (!fixedBy && !note && links.length === 0 && b.rollbackHelped === undefined) throw new HttpError(400, 'a resolution needs at least one of fixedBy (or what), note, links, rollbackHelped');
  return {
    ...(fixedBy ? { fixedBy } : {}), links, ...(typeof b.rollbackHelped === 'boolean' ? { rollbackHelped: b.rollbackHelped } : {}),
    ...(note ? { note } : {}), ...(str(b.by, 'by', 200) ? { by: str(b.by, 'by', 200) } : {}),
  };
}

function parseFeedback(body: unknown): FeedbackInputBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'body must be a JSON object');
  const b = body as Record<string, unknown>;
  const known = new Set(['verdict', 'scope', 'note', 'by', 'seriesKey', 'service', 'operation', 'metric', 'score', 'threshold', 'direction']);
  for (const k of Object.keys(b)) if (!known.has(k)) throw new HttpError(400, `unknown key "${k}" (allowed: ${[...known].join(', ')})`);
  for (const k of ['score', 'threshold']) {
    if (b[k] !== undefined && (typeof b[k] !== 'number' || !Number.isFinite(b[k]) || (b[k]) < 0 || (b[k]) > 1)) throw new HttpError(400, `${k} must be a number in [0, 1], got ${JSON.stringify(b[k])}`);
  }
  if (b.direction !== undefined && b.direction !== 'up' && b.direction !== 'down') throw new HttpError(400, `direction must be "up" or "down", got ${JSON.stringify(b.direction)}`);
  return {
    verdict: b.verdict as FeedbackInputBody['verdict'],
    scope: (b.scope ?? 'series') as FeedbackInputBody['scope'],
    note: str(b.note, 'note'), by: str(b.by, 'by', 200), seriesKey: str(b.seriesKey, 'seriesKey', 1000), service: str(b.service, 'service', 200),
    operation: str(b.operation, 'operation', 500), metric: str(b.metric, 'metric', 200),
    score: b.score as number | undefined, threshold: b.threshold as number | undefined, direction: b.direction,
  };
}

function fail(res: Parameters<RouteHandler>[1], err: unknown): void {
  if (err instanceof HttpError || err instanceof MemoryError) sendJson(res, err.status, { error: err.message });
  else throw err;
}

export function incidentRoutes(ctx: IncidentApiContext): RouteHandler[] {
  const alerts: RouteHandler = async (req, res, url) => {
    const m = /^\/v1\/alerts\/([^/]+)\/(similar|resolution)$/.exec(url.pathname);
    if (!m) return false;
    const id = decodeURIComponent(m[1]);
    if (m[2] === 'similar') {
      if (req.method !== 'GET') return sendJson(res, 405, { error: 'GET' }), true;
      const kParam = url.searchParams.get('k');
      const k = kParam === null ? undefined : Number(kParam);
      if (k !== undefined && (!Number.isInteger(k) || k < 1 || k > 50)) return sendJson(res, 400, { error: `k must be an integer in [1, 50], got ${JSON.stringify(kParam)}` }), true;
      const answer = ctx.memory.similarFor(id, ctx.engine, k);
      if (!answer) sendJson(res, 404, { error: `no alert or incident ${id}` });
      else sendJson(res, 200, answer);
      return true;
    }
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST' }), true;
    try {
      const input = parseResolution(await readJson(req));
      const st = ctx.memory.attachResolution(id, input, 'api', ctx.now(), ctx.engine);
      if (!st) return sendJson(res, 404, { error: `no incident for ${id} (an alert that fired, or an incident id)` }), true;
      await ctx.persist();
      sendJson(res, 200, { incidentId: st.id, alertId: st.alertId, status: st.status, resolution: st.resolution });
    } catch (err) {
      fail(res, err);
    }
    return true;
  };

  const incidents: RouteHandler = (req, res, url) => {
    const m = /^\/v1\/incidents\/([^/]+)$/.exec(url.pathname);
    if (!m || req.method !== 'GET') return false;
    const st = ctx.memory.getIncident(decodeURIComponent(m[1]));
    if (!st) sendJson(res, 404, { error: 'no such incident' });
    else sendJson(res, 200, st);
    return true;
  };

  const pagerduty: RouteHandler = async (req, res, url) => {
    if (url.pathname !== PAGERDUTY_WEBHOOK_PATH) return false;
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST' }), true;
    if (!ctx.pagerdutySecret) return sendJson(res, 404, { error: 'the PagerDuty integration is not configured (alerter.incidents.pagerduty.signingSecret)' }), true;
    try {
      const raw = await readText(req);
      const header = req.headers[PAGERDUTY_SIGNATURE_HEADER];
      if (!verifyPagerDuty(ctx.pagerdutySecret, raw, Array.isArray(header) ? header.join(',') : header)) {
        return sendJson(res, 401, { error: 'bad or missing X-PagerDuty-Signature' }), true;
      }
      let body: { event?: PagerDutyEvent };
      try {
        body = JSON.parse(raw) as { event?: PagerDutyEvent };
      } catch {
        throw new HttpError(400, 'body is not valid JSON');
      }
      if (!body || typeof body !== 'object' || !body.event || typeof body.event !== 'object') throw new HttpError(400, 'expected a V3 webhook payload {event: {...}}');
      const result = ctx.memory.onPagerDuty(body.event, ctx.now(), ctx.engine);
      if (result.handled) await ctx.persist();
      // 2xx even when ignored: PagerDuty retries non-2xx deliveries, and an unknown incident will not become known by retrying.
      sendJson(res, 200, result);
    } catch (err) {
      fail(res, err);
    }
    return true;
  };

  const feedback: RouteHandler = async (req, res, url) => {
    const m = /^\/v1\/anomalies\/([^/]+)\/feedback$/.exec(url.pathname);
    if (m) {
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST' }), true;
      try {
        const body = parseFeedback(await readJson(req));
        const { record, effect } = ctx.memory.addFeedback(decodeURIComponent(m[1]), body, randomUUID(), ctx.now(), ctx.engine);
        await ctx.persist();
        sendJson(res, 201, { feedbackId: record.id, feedback: record, effect });
      } catch (err) {
        fail(res, err);
      }
      return true;
    }
    if (url.pathname === '/v1/feedback' && req.method === 'GET') {
      sendJson(res, 200, ctx.memory.listFeedback());
      return true;
    }
    const d = /^\/v1\/feedback\/([^/]+)$/.exec(url.pathname);
    if (!d) return false;
    if (req.method !== 'DELETE') return sendJson(res, 405, { error: 'DELETE' }), true;
    const revoked = ctx.memory.revokeFeedback(decodeURIComponent(d[1]), ctx.now());
    if (!revoked) return sendJson(res, 404, { error: `no active feedback ${d[1]}` }), true;
    await ctx.persist();
    sendJson(res, 200, { feedbackId: revoked.id, status: 'revoked', feedback: revoked });
    return true;
  };

  return [alerts, incidents, pagerduty, feedback];
}
