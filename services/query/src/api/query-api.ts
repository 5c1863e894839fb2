import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Store } from '@vigil/store';
import { sendJson } from '@vigil/telemetry';
import type { RouteHandler } from '@vigil/telemetry';
import { forecastRoutes } from './forecast-routes.js';

/** Parse "15m", "2h", "7d", "30s" or plain milliseconds. */
export function parseDurationMs(text: string | null, fallbackMs: number): number {
  if (!text) return fallbackMs;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new QueryError(`since: not a duration (got ${JSON.stringify(text)}); use e.g. 30s, 15m, 2h, 7d`);
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }[(m[2] ?? 'ms') as 'ms'];
  return n * unit;
}

class QueryError extends Error {}

function limitOf(url: URL): number {
  const raw = url.searchParams.get('limit');
  if (raw === null) return 100;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new QueryError(`limit: an integer from 1 to 10000 (got ${JSON.stringify(raw)})`);
  return n;
}

/**
 * The query API for the embedded mode (no Grafana needed): JSON over HTTP. Served by the
 * process that owns the store. Every value reaches SQL as a bound parameter.
 */
export function queryRoutes(store: Store, nowMs: () => number = Date.now): RouteHandler {
  const t = (name: string) => store.table(name);
  const routes: Array<[RegExp, (url: URL, m: RegExpMatchArray) => Promise<unknown>]> = [
    [/^\/v1\/anomalies$/, async (url) => {
      const since = nowMs() - parseDurationMs(url.searchParams.get('since'), 3600e3);
      const service = url.searchParams.get('service');
      return store.query(
        `SELECT id, toUnixTimestamp64Milli(window_start) AS windowStartMs, service, signal, metric, operation, version, series_key AS seriesKey,
                value, expected, lower, upper, score, threshold, components, severity, deployment_id AS deploymentId, summary
         FROM ${t('anomalies')} FINAL
         WHERE window_start >= fromUnixTimestamp64Milli({since:Int64}) ${service ? 'AND service = {service:String}' : ''}
         ORDER BY window_start DESC LIMIT {limit:UInt32}`,
        { since, service, limit: limitOf(url) },
      );
    }],
    [/^\/v1\/alerts$/, async (url) => {
      const since = nowMs() - parseDurationMs(url.searchParams.get('since'), 86400e3);
      const status = url.searchParams.get('status');
      const rows = await store.query(
        `SELECT id, argMax(incident_id, updated_at) AS incidentId, argMax(rule, updated_at) AS rule, argMax(status, updated_at) AS status,
                argMax(severity, updated_at) AS severity, any(service) AS service, argMax(summary, updated_at) AS summary,
                toUnixTimestamp64Milli(min(starts_at)) AS startsAtMs, toUnixTimestamp64Milli(max(updated_at)) AS updatedAtMs,
                argMax(notifications, updated_at) AS notifications
         FROM ${t('alerts')} WHERE starts_at >= fromUnixTimestamp64Milli({since:Int64})
         GROUP BY id ${status ? 'HAVING status = {status:String}' : ''} ORDER BY updatedAtMs DESC LIMIT {limit:UInt32}`,
        { since, status, limit: limitOf(url) },
      );
      return rows.map((r) => ({ ...r, notifications: safeJson((r as { notifications: string }).notifications) }));
    }],
    [/^\/v1\/deployments$/, async (url) => {
      const since = nowMs() - parseDurationMs(url.searchParams.get('since'), 7 * 86400e3);
      const service = url.searchParams.get('service');
      const serviceFilter = service ? 'AND service = {service:String}' : '';
      // Status and verdict come from `deployments` (the highest revision). Commit, environment
      // and CI quality come from deployment_announcements, where no verdict row can replace the
      // announcement at a merge: its winning row per id (highest precedence, ties to the latest
      // insert, so every field comes from one row, merged or not). The argMaxIf over
      // `deployments` remains the fallback for deployments announced before that table existed
      // (right only until their parts merge) and for announcements without environment.
      // Aggregates get d_* names: an alias equal to a column name (any(service) AS service)
      // would be what `service` in WHERE means, and ClickHouse refuses an aggregate in WHERE.
      const rows = await store.query<DeploymentRow>(
        `SELECT d.id AS id, d.d_service AS service, d.d_version AS version,
                if(a.a_environment != '', a.a_environment, d.d_environment) AS environment,
                if(a.a_commit != '', a.a_commit, d.d_commit) AS commit,
                d.d_deployed_at_ms AS deployedAtMs, d.d_status AS status, d.d_verdict AS verdict,
                a.ci_quality AS ciQuality, a.ci_tests AS ciTests, a.ci_failed AS ciFailed, a.ci_flaky AS ciFlaky,
                a.ci_skipped AS ciSkipped, a.ci_build_risk AS ciBuildRisk, a.ci_reasons AS ciReasons, a.first_seen AS firstSeen
         FROM
         (
           SELECT id, any(service) AS d_service, any(version) AS d_version, argMaxIf(environment, revision, environment != '') AS d_environment,
                  argMaxIf(commit, revision, commit != '') AS d_commit, toUnixTimestamp64Milli(min(deployed_at)) AS d_deployed_at_ms,
                  argMax(status, revision) AS d_status, argMax(verdict_summary, revision) AS d_verdict
           FROM ${t('deployments')} WHERE deployed_at >= fromUnixTimestamp64Milli({since:Int64}) ${serviceFilter}
           GROUP BY id ORDER BY d_deployed_at_ms DESC LIMIT {limit:UInt32}
         ) AS d
         LEFT JOIN
         (
           SELECT id, environment AS a_environment, commit AS a_commit, ci_quality, ci_tests, ci_failed, ci_flaky, ci_skipped,
                  ci_build_risk, ci_reasons, first_seen
           FROM ${t('deployment_announcements')}
           WHERE id IN (SELECT id FROM ${t('deployments')} WHERE deployed_at >= fromUnixTimestamp64Milli({since:Int64}) ${serviceFilter})
           ORDER BY id, precedence DESC, ingested_at DESC LIMIT 1 BY id
         ) AS a ON a.id = d.id
         ORDER BY deployedAtMs DESC`,
        { since, service, limit: limitOf(url) },
      );
      return rows.map(deploymentOf);
    }],
    [/^\/v1\/deployments\/([^/]+)\/verdicts$/, async (_url, m) => {
      const rows = await store.query(
        `SELECT id, status, mode, toUnixTimestamp64Milli(decided_at) AS decidedAtMs, summary, evidence
         FROM ${t('verdicts')} FINAL WHERE deployment_id = {id:String} ORDER BY decided_at`,
        { id: decodeURIComponent(m[1]) },
      );
      return rows.map((r) => ({ ...r, evidence: safeJson((r as { evidence: string }).evidence) }));
    }],
    [/^\/v1\/templates$/, async (url) => {
      const since = nowMs() - parseDurationMs(url.searchParams.get('since'), 3600e3);
      const service = url.searchParams.get('service');
      const onlyNew = url.searchParams.get('new') === 'true';
      return store.query(
        `SELECT service, template_id AS templateId, any(template) AS template, sum(count) AS count,
                toUnixTimestamp64Milli(min(first_seen)) AS firstSeenMs, max(is_new) AS isNew, max(new_since_deployment) AS newSinceDeployment
         FROM ${t('log_templates')} WHERE window_start >= fromUnixTimestamp64Milli({since:Int64}) ${service ? 'AND service = {service:String}' : ''}
         GROUP BY service, template_id ${onlyNew ? 'HAVING isNew' : ''} ORDER BY count DESC LIMIT {limit:UInt32}`,
        { since, service, limit: limitOf(url) },
      );
    }],
    [/^\/v1\/scores$/, async (url) => {
      const since = nowMs() - parseDurationMs(url.searchParams.get('since'), 3600e3);
      const series = url.searchParams.get('series');
      const service = url.searchParams.get('service');
      return store.query(
        `SELECT toUnixTimestamp64Milli(window_start) AS windowStartMs, service, metric, operation, series_key AS seriesKey, value, expected, lower, upper, score
         FROM ${t('scores')} WHERE window_start >= fromUnixTimestamp64Milli({since:Int64})
         ${series ? 'AND series_key = {series:String}' : ''} ${service ? 'AND service = {service:String}' : ''}
         ORDER BY window_start DESC LIMIT {limit:UInt32}`,
        { since, series, service, limit: limitOf(url) },
      );
    }],
  ];
  // Forecasts, capacity, KEDA and External Metrics routes (forecast-routes.ts): same listener, same auth.
  const forecasts = forecastRoutes(store);
  return async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.method !== 'GET') return false;
    if (await forecasts(req, res, url)) return true;
    for (const [pattern, run] of routes) {
      const m = url.pathname.match(pattern);
      if (!m) continue;
      try {
        sendJson(res, 200, await run(url, m));
      } catch (err) {
        if (err instanceof QueryError) sendJson(res, 400, { error: err.message });
        else throw err;
      }
      return true;
    }
    return false;
  };
}

interface DeploymentRow {
  id: string;
  service: string;
  version: string;
  environment: string;
  commit: string;
  deployedAtMs: string | number;
  status: string;
  verdict: string;
  /** '' when the announcement carried no CI quality, or there is no announcement row (LEFT JOIN default). */
  ciQuality: string;
  ciTests: number | string;
  ciFailed: number | string;
  ciFlaky: number | string;
  ciSkipped: number | string;
  ciBuildRisk: number | null;
  ciReasons: string[];
  firstSeen: boolean | number | null;
}

/** A deployment of GET /v1/deployments: the fields it always had, plus `ci` (null when unknown). */
function deploymentOf(r: DeploymentRow) {
  const { ciQuality, ciTests, ciFailed, ciFlaky, ciSkipped, ciBuildRisk, ciReasons, firstSeen, ...rest } = r;
  const ci = ciQuality === ''
    ? null
    : {
      quality: ciQuality, tests: Number(ciTests), failed: Number(ciFailed), flaky: Number(ciFlaky), skipped: Number(ciSkipped),
      buildRisk: ciBuildRisk === null ? null : Number(ciBuildRisk), reasons: ciReasons,
    };
  // firstSeen: the first version Vigil met of a running service (no baseline: learned, not judged).
  return { ...rest, ci, firstSeen: firstSeen === true || firstSeen === 1 };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
