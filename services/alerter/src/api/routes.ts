// The alerter's own API: silences (create, list, expire) and alerts (list, get).
//  POST   /v1/silences       {matchers:[{name,value,isRegex?,isEqual?}], startsAt?, endsAt | durationMs, createdBy?, comment?}
//  GET    /v1/silences
//  DELETE /v1/silences/{id}  (expires it now)
//  GET    /v1/alerts[?status=firing]   GET /v1/alerts/{id}
import { randomUUID } from 'node:crypto';
import { sendJson } from '@vigil/telemetry';
import type { RouteHandler } from '@vigil/telemetry';
import type { AlertEngine } from '../lifecycle/engine.js';
import { toAlertRecord } from '../lifecycle/engine.js';
import { SilenceError, parseSilence } from '../lifecycle/silences.js';
import { HttpError, readJson } from './http.js';

export interface ApiContext {
  engine: AlertEngine;
  now(): number;
  /** Persist the engine's changes (silences go to the state topic before the answer). */
  persist(): Promise<void>;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function apiRoutes(ctx: ApiContext): RouteHandler[] {
  const silences: RouteHandler = async (req, res, url) => {
    if (url.pathname === '/v1/silences') {
      if (req.method === 'GET') {
        sendJson(res, 200, ctx.engine.listSilences(ctx.now()).map(({ type: _t, ...s }) => ({ ...s, startsAt: iso(s.startsAtMs), endsAt: iso(s.endsAtMs) })));
        return true;
      }
      if (req.method === 'POST') {
        try {
          const silence = parseSilence(await readJson(req), randomUUID(), ctx.now());
          ctx.engine.addSilence(silence);
          await ctx.persist();
          sendJson(res, 201, { silenceId: silence.id, ...silence, startsAt: iso(silence.startsAtMs), endsAt: iso(silence.endsAtMs) });
        } catch (err) {
          if (err instanceof SilenceError || err instanceof HttpError) sendJson(res, err instanceof HttpError ? err.status : 400, { error: err.message });
          else throw err;
        }
        return true;
      }
      sendJson(res, 405, { error: 'GET or POST' });
      return true;
    }
    const m = /^\/v1\/silences\/([^/]+)$/.exec(url.pathname);
    if (!m) return false;
    const id = decodeURIComponent(m[1]);
    if (req.method === 'DELETE') {
      if (!ctx.engine.expireSilence(id, ctx.now())) {
        sendJson(res, 404, { error: `no silence ${id}` });
        return true;
      }
      await ctx.persist();
      sendJson(res, 200, { silenceId: id, status: 'expired' });
      return true;
    }
    if (req.method === 'GET') {
      const s = ctx.engine.listSilences(ctx.now()).find((x) => x.id === id);
      if (s) sendJson(res, 200, s);
      else sendJson(res, 404, { error: `no silence ${id}` });
      return true;
    }
    return false;
  };
  const alerts: RouteHandler = (req, res, url) => {
    if (req.method !== 'GET') return false;
    if (url.pathname === '/v1/alerts') {
      const status = url.searchParams.get('status');
      const list = ctx.engine.listAlerts().filter((a) => !status || a.status === status).map(toAlertRecord);
      sendJson(res, 200, list);
      return true;
    }
    const m = /^\/v1\/alerts\/([^/]+)$/.exec(url.pathname);
    if (!m) return false;
    const a = ctx.engine.getAlert(decodeURIComponent(m[1]));
    if (!a) sendJson(res, 404, { error: 'no such alert' });
    else sendJson(res, 200, { ...toAlertRecord(a), evidence: a.evidence ?? null, deployment: a.deployment ?? null, flapping: a.flapping, receivers: a.receiverState });
    return true;
  };
  return [silences, alerts];
}
