import type { IncomingMessage, ServerResponse } from 'node:http';
import { externalMetricValueList, kedaMetricsApiResponse, scalingSignal } from '@vigil/forecast';
import type { Band, Forecast, ForecastStep } from '@vigil/forecast';
import type { Store } from '@vigil/store';
import { sendJson } from '@vigil/telemetry';
import type { RouteHandler } from '@vigil/telemetry';

/**
 * Forecast and capacity routes over the `forecasts` table (0009_forecasts.sql), served by the
 * query API's listener (same bearer auth / TLS):
 * - GET /v1/forecasts?service=&metric=&horizon=&part=   latest forecast per series (service, metric, part, horizon);
 *   without `part` the service totals, `part=NAME` one operation (rate) or instance series (CPU,
 *   memory), `part=*` the totals and every part (0010_forecast_parts.sql)
 * - GET /v1/capacity?service=                     latest CPU / memory recommendation per service, with the load forecast
 * - GET /v1/forecasts/keda?service=&metric=&lead=&band=   KEDA metrics-api body (valueLocation `value`)
 * - GET /apis/external.metrics.k8s.io/v1beta1[/namespaces/{ns}/{metric}]   Kubernetes External Metrics API
 */

/** CPU and memory metrics in order of preference for the recommendation (pod level first). */
const CPU_PREFERENCE = ['k8s.pod.cpu.usage', 'container.cpu.usage', 'process.cpu.utilization'];
const MEMORY_PREFERENCE = ['k8s.pod.memory.working_set', 'process.memory.usage'];

/** External metric names served: `vigil-forecast-<rate|cpu|memory>`. */
export const EXTERNAL_METRICS = ['vigil-forecast-rate', 'vigil-forecast-cpu', 'vigil-forecast-memory'] as const;

class BadRequest extends Error {}

interface ForecastRow {
  service: string;
  metric: string;
  part: string;
  kind: string;
  horizon: string;
  originMs: number | string;
  stepMs: number | string;
  end_ms: Array<number | string>;
  mean: number[];
  lo80: number[];
  hi80: number[];
  lo95: number[];
  hi95: number[];
  has_recommendation: boolean | number;
  request: number;
  risk_short: number | null;
  expected_slack: number | null;
  expected_shortfall: number | null;
  peak: number;
  mean_load: number;
  replicas: number | string | null;
  why: string;
  learnt: number | string;
  withheld: number | string;
}

export interface ApiForecast {
  service: string;
  metric: string;
  /** The operation or instance series this forecast is of; absent for the service total. */
  part?: string;
  kind: string;
  horizon: string;
  originMs: number;
  stepMs: number;
  points: Array<{ endMs: number; mean: number; lo80: number; hi80: number; lo95: number; hi95: number }>;
  learnt: number;
  withheld: number;
}

function forecastOf(r: ForecastRow): ApiForecast {
  return {
    service: r.service, metric: r.metric, ...(r.part ? { part: r.part } : {}), kind: r.kind, horizon: r.horizon, originMs: Number(r.originMs), stepMs: Number(r.stepMs),
    points: r.end_ms.map((e, i) => ({ endMs: Number(e), mean: r.mean[i], lo80: r.lo80[i], hi80: r.hi80[i], lo95: r.lo95[i], hi95: r.hi95[i] })),
    learnt: Number(r.learnt), withheld: Number(r.withheld),
  };
}

function recommendationOf(r: ForecastRow) {
  return {
    metric: r.metric, originMs: Number(r.originMs), request: r.request, riskShort: r.risk_short, expectedSlack: r.expected_slack,
    expectedShortfall: r.expected_shortfall, peak: r.peak, mean: r.mean_load, replicas: r.replicas === null ? null : Number(r.replicas), why: r.why,
  };
}

function steps(f: ApiForecast | undefined): ForecastStep[] {
  return (f?.points ?? []).map((p) => ({ endSec: p.endMs / 1000, point: p.mean, lo80: p.lo80, hi80: p.hi80, lo95: p.lo95, hi95: p.hi95 }));
}

/** The short and long forecasts of a series as one @vigil/forecast Forecast (origin: the newest). */
function asForecast(short: ApiForecast | undefined, long: ApiForecast | undefined): Forecast | null {
  if (!short && !long) return null;
  return { originSec: Math.max(short?.originMs ?? 0, long?.originMs ?? 0) / 1000, short: steps(short), long: steps(long) };
}

function bandOf(raw: string | null): Band {
  const b = raw ?? 'hi80';
  if (b !== 'point' && b !== 'hi80' && b !== 'hi95') throw new BadRequest(`band: one of point, hi80, hi95 (got ${JSON.stringify(raw)})`);
  return b;
}

function leadOf(raw: string | null): number {
  if (raw === null) return 900;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > 86_400) throw new BadRequest(`lead: seconds in (0, 86400] (got ${JSON.stringify(raw)})`);
  return n;
}

/** `service=a`, `service in (a,b)`, or a comma-separated list of such terms; only `service` is understood. */
export function servicesOfSelector(selector: string | null): string[] | null {
  if (!selector) return null;
  const out: string[] = [];
  const terms = selector.match(/[^,(]+(\([^)]*\))?/g) ?? [];
  for (const raw of terms) {
    const term = raw.trim();
    if (!term) continue;
    let m = /^service\s*==?\s*([A-Za-z0-9._/-]+)$/.exec(term);
    if (m) { out.push(m[1]); continue; }
    m = /^service\s+in\s*\(([^)]*)\)$/.exec(term);
    if (m) { out.push(...m[1].split(',').map((s) => s.trim()).filter(Boolean)); continue; }
    throw new BadRequest(`labelSelector: only "service=NAME" or "service in (A,B)" is supported (got ${JSON.stringify(term)})`);
  }
  return out;
}

export function forecastRoutes(store: Store): RouteHandler {
  const t = store.table('forecasts');

  /** The latest row per (service, metric, part, horizon), optionally filtered; the service totals (part '') unless `part` says otherwise ('*': all). */
  async function latest(filter: { service?: string | null; services?: string[] | null; metric?: string | null; horizon?: string | null; recommended?: boolean; part?: string | null }): Promise<ForecastRow[]> {
    const where: string[] = [];
    const part = filter.part ?? '';
    if (part !== '*') where.push('part = {part:String}');
    if (filter.service) where.push('service = {service:String}');
    if (filter.metric) where.push('metric = {metric:String}');
    if (filter.horizon) where.push('horizon = {horizon:String}');
    if (filter.recommended) where.push('has_recommendation');
    return store.query<ForecastRow>(
      `SELECT service, metric, part, horizon, argMax(kind, origin) AS kind, toUnixTimestamp64Milli(max(origin)) AS originMs,
              argMax(step_ms, origin) AS stepMs, argMax(end_ms, origin) AS end_ms, argMax(mean, origin) AS mean,
              argMax(lo80, origin) AS lo80, argMax(hi80, origin) AS hi80, argMax(lo95, origin) AS lo95, argMax(hi95, origin) AS hi95,
              argMax(has_recommendation, origin) AS has_recommendation, argMax(request, origin) AS request,
              argMax(risk_short, origin) AS risk_short, argMax(expected_slack, origin) AS expected_slack,
              argMax(expected_shortfall, origin) AS expected_shortfall, argMax(peak, origin) AS peak, argMax(mean_load, origin) AS mean_load,
              argMax(replicas, origin) AS replicas, argMax(why, origin) AS why, argMax(learnt, origin) AS learnt, argMax(withheld, origin) AS withheld
       FROM ${t} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       GROUP BY service, metric, part, horizon ORDER BY service, metric, part, horizon LIMIT 10000`,
      { service: filter.service ?? null, metric: filter.metric ?? null, horizon: filter.horizon ?? null, part },
    ).then((rows) => (filter.services ? rows.filter((r) => filter.services!.includes(r.service)) : rows));
  }

  /** Forecast of a series by API metric: `rate`, `cpu` / `memory` (the preferred metric present), or an exact metric name. */
  async function seriesForecasts(services: string[] | null, metric: string): Promise<Map<string, { metric: string; forecast: Forecast }>> {
    const preference = metric === 'cpu' ? CPU_PREFERENCE : metric === 'memory' ? MEMORY_PREFERENCE : [metric];
    const rows = (await latest({ services })).filter((r) => preference.includes(r.metric));
    const out = new Map<string, { metric: string; forecast: Forecast }>();
    const byService = new Map<string, ForecastRow[]>();
    for (const r of rows) byService.set(r.service, [...(byService.get(r.service) ?? []), r]);
    for (const [service, rs] of byService) {
      const m = preference.find((p) => rs.some((r) => r.metric === p))!;
      const pick = (h: string) => { const r = rs.find((x) => x.metric === m && x.horizon === h); return r ? forecastOf(r) : undefined; };
      const f = asForecast(pick('short'), pick('long'));
      if (f) out.set(service, { metric: m, forecast: f });
    }
    return out;
  }

  const routes: Array<[RegExp, (url: URL, m: RegExpMatchArray) => Promise<unknown>]> = [
    [/^\/v1\/forecasts$/, async (url) => {
      const horizon = url.searchParams.get('horizon');
      if (horizon !== null && horizon !== 'short' && horizon !== 'long') throw new BadRequest(`horizon: short or long (got ${JSON.stringify(horizon)})`);
      const rows = await latest({ service: url.searchParams.get('service'), metric: url.searchParams.get('metric'), horizon, part: url.searchParams.get('part') });
      return rows.map(forecastOf);
    }],
    [/^\/v1\/capacity$/, async (url) => {
      const service = url.searchParams.get('service');
      const rows = await latest({ service });
      const services = [...new Set(rows.map((r) => r.service))].sort();
      return services.map((s) => {
        const rs = rows.filter((r) => r.service === s);
        const rec = (pref: string[]) => {
          for (const m of pref) { const r = rs.find((x) => x.metric === m && x.horizon === 'long' && Boolean(Number(x.has_recommendation))); if (r) return recommendationOf(r); }
          return null;
        };
        const cpu = rec(CPU_PREFERENCE);
        const memory = rec(MEMORY_PREFERENCE);
        const rateShort = rs.find((r) => r.metric === 'rate' && r.horizon === 'short');
        const rateLong = rs.find((r) => r.metric === 'rate' && r.horizon === 'long');
        const peakOf = (r: ForecastRow | undefined) => (r && r.mean.length ? { mean: Math.max(...r.mean), hi95: Math.max(...r.hi95) } : null);
        const why = [cpu ? `cpu: ${cpu.why}` : 'cpu: no forecast yet (no CPU metric or less than an hour of it)', memory ? `memory: ${memory.why}` : 'memory: no forecast yet'];
        return {
          service: s, cpu, memory, replicas: cpu?.replicas ?? null,
          expectedWaste: { cpu: cpu?.expectedSlack ?? null, memory: memory?.expectedSlack ?? null },
          shortfallRisk: { cpu: cpu?.riskShort ?? null, memory: memory?.riskShort ?? null },
          load: rateShort || rateLong ? { metric: 'rate', nextHourPeak: peakOf(rateShort), nextDayPeak: peakOf(rateLong), originMs: Number((rateShort ?? rateLong)!.originMs) } : null,
          why: why.join('; '),
        };
      });
    }],
    [/^\/v1\/forecasts\/keda$/, async (url) => {
      const service = url.searchParams.get('service');
      if (!service) throw new BadRequest('service: required');
      const metric = url.searchParams.get('metric') ?? 'rate';
      const lead = leadOf(url.searchParams.get('lead'));
      const band = bandOf(url.searchParams.get('band'));
      const f = (await seriesForecasts([service], metric)).get(service);
      if (!f) return { status: 404, body: { error: `no forecast of ${metric} for service ${JSON.stringify(service)} yet` } };
      return kedaMetricsApiResponse(service, f.metric, f.forecast, lead, band);
    }],
    // Discovery of the aggregated API (what the API server asks an APIService for).
    [/^\/apis\/external\.metrics\.k8s\.io\/v1beta1\/?$/, async () => ({
      kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'external.metrics.k8s.io/v1beta1',
      resources: EXTERNAL_METRICS.map((name) => ({ name, singularName: '', namespaced: true, kind: 'ExternalMetricValueList', verbs: ['get'] })),
    })],
    [/^\/apis\/external\.metrics\.k8s\.io\/v1beta1\/namespaces\/([^/]+)\/([^/]+)$/, async (url, m) => {
      const name = decodeURIComponent(m[2]);
      if (!(EXTERNAL_METRICS as readonly string[]).includes(name)) return { status: 404, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: `external metric ${JSON.stringify(name)} not served; one of ${EXTERNAL_METRICS.join(', ')}` } };
      const services = servicesOfSelector(url.searchParams.get('labelSelector'));
      const lead = leadOf(url.searchParams.get('lead'));
      const band = bandOf(url.searchParams.get('band'));
      const fs = await seriesForecasts(services, name.slice('vigil-forecast-'.length));
      const values = [...fs].sort(([a], [b]) => a.localeCompare(b)).map(([service, f]) => ({ labels: { service, metric: f.metric }, value: scalingSignal(f.forecast, lead, band) }));
      const at = Math.max(0, ...[...fs.values()].map((f) => f.forecast.originSec));
      return externalMetricValueList(name, at, values);
    }],
  ];

  return async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.method !== 'GET') return false;
    for (const [pattern, run] of routes) {
      const m = url.pathname.match(pattern);
      if (!m) continue;
      try {
        const body = await run(url, m);
        if (body && typeof body === 'object' && 'status' in body && 'body' in body && typeof (body as { status: unknown }).status === 'number') {
          sendJson(res, (body as { status: number }).status, (body as { body: unknown }).body);
        } else sendJson(res, 200, body);
      } catch (err) {
        if (err instanceof BadRequest || err instanceof RangeError) sendJson(res, 400, { error: err.message });
        else throw err;
      }
      return true;
    }
    return false;
  };
}
