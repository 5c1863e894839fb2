// GET /v1/status: what `vigil doctor` (and an operator) needs to tell whether telemetry arrives
// and whether its clocks agree with this one. Read from the store: the newest scored window per
// service (every signal is scored: RED windows of spans, metric series, log error counts), in the
// telemetry's own event time, against this process's clock.
//
// skewMs = newest window end (event time) − now. A healthy service sits a little below zero (a
// window is scored once it closed: window length plus allowed lateness). Clearly above zero: the
// sender's clock runs ahead (its windows are stamped in the future). Far below: its clock runs
// behind, its exporter is backed up, or it stopped sending.
import type { Store } from '@vigil/store';
import { sendJson } from '@vigil/telemetry';
import type { RouteHandler } from '@vigil/telemetry';

export interface ServiceClock {
  service: string;
  newestEventMs: number;
  skewMs: number;
}

export interface StatusAnswer {
  nowMs: number;
  store: { ok: boolean; error?: string };
  /** Services scored in the last `windowMs` (or stamped in the future), newest first. */
  telemetry: { windowMs: number; services: ServiceClock[] };
}

const LOOKBACK_MS = 60 * 60_000;

export function statusRoutes(store: Store, nowMs: () => number = Date.now): RouteHandler {
  return async (req, res, url) => {
    if (url.pathname !== '/v1/status' || req.method !== 'GET') return false;
    const now = nowMs();
    const answer: StatusAnswer = { nowMs: now, store: { ok: true }, telemetry: { windowMs: LOOKBACK_MS, services: [] } };
    try {
      const rows = await store.query<{ service: string; newest: number | string }>(
        `SELECT service, toUnixTimestamp64Milli(max(window_end)) AS newest FROM ${store.table('scores')}
         WHERE window_start >= fromUnixTimestamp64Milli({since:Int64}) GROUP BY service ORDER BY newest DESC LIMIT 1000`,
        { since: now - LOOKBACK_MS },
      );
      answer.telemetry.services = rows.map((r) => ({ service: r.service, newestEventMs: Number(r.newest), skewMs: Number(r.newest) - now }));
    } catch (e) {
      answer.store = { ok: false, error: (e as Error).message };
    }
    sendJson(res, answer.store.ok ? 200 : 503, answer);
    return true;
  };
}
