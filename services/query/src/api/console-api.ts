// Read endpoints the console's pages need beyond the query API (query-api.ts). JSON over HTTP,
// every value bound as a query parameter, every failure of input a 400 naming the parameter.
//
//   GET /v1/services[?since=24h]
//       → [{service, lastDeployment: {id, version, status, firstSeen, deployedAtMs} | null, deployments,
//           running, failed, anomalies, critical, lastAnomalyMs}]   one row per service seen
//   GET /v1/deployments/{id}/evidence[?beforeMs=900000&afterMs=900000]
//       → {deployment, verdicts, series, templates, rollbacks}: the deployment (as in
//         /v1/deployments, plus previousVersion and source), every verdict row stored (running,
//         then the decision; the sequential statistic and its bound are in evidence), the
//         service's RED series per operation from beforeMs before the deploy to afterMs after
//         the decision (each point with the version that served the window: baseline vs
//         candidate), the log templates first seen since the deploy (lines counted in every
//         window since the deploy), the rollback audit.
//   GET /v1/anomalies/{id}[?beforeMs=1800000&afterMs=600000]
//       → {anomaly, series}: the anomaly and its series' scored windows around it
//         (value, expected, lower, upper, score); for a new log template, its lines per window.
//   GET /v1/templates/series?service=S[&since=1h&buckets=60&limit=20]
//       → {bucketMs, buckets: [startMs], templates: [{templateId, template, firstSeenMs, isNew,
//          newSinceDeployment, total, counts: [n per bucket]}]}   the most frequent first
//   GET /v1/deployments/timeline[?since=24h]
//       → [{id, service, version, deployedAtMs, status, strict}] every deployment in the range,
//         latest first (at most 20,000): the overview's timeline, without the per-deployment
//         commit and CI join of /v1/deployments (one pass over `deployments`)
//   GET /v1/rollbacks[?since=7d&service=S]   → the rollback audit, latest first
//   GET /v1/ci/pipelines[?since=30d]
//       → [{pipeline, runs, failed, failureRate, lastRunMs, lastStatus,
//           lastPredictedFailureProbability}]   failure risk per pipeline
import type { Store } from '@vigil/store';
import { sendJson } from '@vigil/telemetry';
import type { RouteHandler } from '@vigil/telemetry';
import { parseDurationMs } from './query-api.js';

class ParamError extends Error {}

function intParam(url: URL, key: string, fallback: number, min: number, max: number): number {
  const raw = url.searchParams.get(key);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ParamError(`${key}: an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`);
  return n;
}

function sinceOf(url: URL, nowMs: number, fallbackMs: number): number {
  try {
    return nowMs - parseDurationMs(url.searchParams.get('since'), fallbackMs);
  } catch (err) {
    throw new ParamError((err as Error).message);
  }
}

const num = (v: unknown): number => Number(v);

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Metrics drawn on the deployment page (the RED series; rate is drawn too, for context). */
const EVIDENCE_METRICS = ['error_ratio', 'latency_p50', 'latency_p95', 'latency_p99', 'rate'];
const DAY_MS = 86_400_000;

export function consoleApiRoutes(store: Store, nowMs: () => number = Date.now): RouteHandler {
  const t = (name: string) => store.table(name);

  const services = async (url: URL) => {
    const since = sinceOf(url, nowMs(), DAY_MS);
    // One pass over each table: counts within `since` are conditional, the last deployment is
    // the service's latest whatever its age (a service quiet in the range still gets its row).
    const [deps, anomalies] = await Promise.all([
      store.query<Record<string, unknown>>(
        `SELECT service, countIf(deployed_ms >= {since:Int64}) AS deployments, countIf(status = 'running') AS running,
                countIf(status = 'fail' AND deployed_ms >= {since:Int64}) AS failed,
                argMax(id, deployed_ms) AS lastId, argMax(version, deployed_ms) AS lastVersion, argMax(status, deployed_ms) AS lastStatus,
                argMax(first_seen, deployed_ms) AS lastFirstSeen, max(deployed_ms) AS lastDeployedAtMs
         FROM (SELECT id, any(service) AS service, any(version) AS version, argMax(status, revision) AS status,
                      id IN (SELECT id FROM ${t('deployment_announcements')} WHERE first_seen) AS first_seen,
                      toUnixTimestamp64Milli(min(deployed_at)) AS deployed_ms
               FROM ${t('deployments')} GROUP BY id)
         GROUP BY service`,
        { since },
      ),
      store.query<Record<string, unknown>>(
        `SELECT service, count() AS anomalies, countIf(severity = 'critical') AS critical, toUnixTimestamp64Milli(max(window_start)) AS lastAnomalyMs
         FROM ${t('anomalies')} WHERE window_start >= fromUnixTimestamp64Milli({since:Int64}) GROUP BY service`,
        { since },
      ),
    ]);
    const out = new Map<string, Record<string, unknown>>();
    const row = (service: string) => {
      let r = out.get(service);
      if (!r) {
        r = { service, lastDeployment: null, deployments: 0, running: 0, failed: 0, anomalies: 0, critical: 0, lastAnomalyMs: null };
        out.set(service, r);
      }
      return r;
    };
    for (const d of deps) {
      Object.assign(row(String(d.service)), {
        deployments: num(d.deployments), running: num(d.running), failed: num(d.failed),
        lastDeployment: { id: d.lastId, version: d.lastVersion, status: d.lastStatus, firstSeen: d.lastFirstSeen === true || d.lastFirstSeen === 1, deployedAtMs: num(d.lastDeployedAtMs) },
      });
    }
    for (const a of anomalies) {
      Object.assign(row(String(a.service)), { anomalies: num(a.anomalies), critical: num(a.critical), lastAnomalyMs: num(a.lastAnomalyMs) });
    }
    return [...out.values()].sort((a, b) => String(a.service).localeCompare(String(b.service)));
  };

  const timeline = async (url: URL) => {
    const since = sinceOf(url, nowMs(), DAY_MS);
    const rows = await store.query<Record<string, unknown>>(
      `SELECT id, any(service) AS service, any(version) AS version, toUnixTimestamp64Milli(min(deployed_at)) AS deployedAtMs,
              argMax(status, revision) AS status, position(argMax(verdict_summary, revision), '(strict: ') > 0 AS strict
       FROM ${t('deployments')} WHERE deployed_at >= fromUnixTimestamp64Milli({since:Int64})
       GROUP BY id ORDER BY deployedAtMs DESC LIMIT 20000`,
      { since },
    );
    return rows.map((r) => ({ ...r, deployedAtMs: num(r.deployedAtMs), strict: Boolean(r.strict) }));
  };

  const evidence = async (url: URL, id: string) => {
    const beforeMs = intParam(url, 'beforeMs', 15 * 60_000, 0, 7 * DAY_MS);
    const afterMs = intParam(url, 'afterMs', 15 * 60_000, 0, 7 * DAY_MS);
    const [d] = await store.query<Record<string, unknown>>(
      `SELECT id, any(service) AS service, any(version) AS version, argMaxIf(environment, revision, environment != '') AS environment,
              argMaxIf(commit, revision, commit != '') AS commit, argMaxIf(previous_version, revision, previous_version != '') AS previousVersion,
              argMaxIf(source, revision, source != '') AS source, toUnixTimestamp64Milli(min(deployed_at)) AS deployedAtMs,
              argMax(status, revision) AS status, argMax(mode, revision) AS mode, argMax(verdict_summary, revision) AS verdict
       FROM ${t('deployments')} WHERE id = {id:String} GROUP BY id`,
      { id },
    );
    if (!d) return null;
    const service = String(d.service);
    const deployedAtMs = num(d.deployedAtMs);
    const [verdicts, ann, templates, rollbacks] = await Promise.all([
      // Every stored verdict row (no FINAL): each carries the sequential statistic at its time.
      store.query<Record<string, unknown>>(
        `SELECT DISTINCT id, status, mode, baseline_version AS baselineVersion, toUnixTimestamp64Milli(decided_at) AS decidedAtMs, summary, evidence
         FROM ${t('verdicts')} WHERE deployment_id = {id:String} ORDER BY decidedAtMs, status`,
        { id },
      ),
      store.query<Record<string, unknown>>(
        `SELECT ci_quality AS quality, ci_tests AS tests, ci_failed AS failed, ci_flaky AS flaky, ci_skipped AS skipped,
                ci_build_risk AS buildRisk, ci_reasons AS reasons
         FROM ${t('deployment_announcements')} WHERE id = {id:String} ORDER BY precedence DESC, ingested_at DESC LIMIT 1`,
        { id },
      ),
      store.query<Record<string, unknown>>(
        `SELECT template_id AS templateId, any(template) AS template, sum(count) AS count, toUnixTimestamp64Milli(min(first_seen)) AS firstSeenMs,
                sumMap(severities) AS severities, any(version) AS version
         FROM ${t('log_templates')}
         WHERE service = {service:String} AND window_end > fromUnixTimestamp64Milli({deployedAtMs:Int64})
           AND template_id IN (SELECT template_id FROM ${t('log_templates')} WHERE service = {service:String} AND new_since_deployment = {id:String})
         GROUP BY template_id ORDER BY count DESC LIMIT 50`,
        { service, id, deployedAtMs },
      ),
      store.query<Record<string, unknown>>(
        `SELECT id, version, reason, verdict_id AS verdictId, alert_id AS alertId, hook, dry_run AS dryRun, result, detail,
                toUnixTimestamp64Milli(at) AS atMs
         FROM ${t('rollbacks')} FINAL WHERE service = {service:String} AND deployment_id = {id:String} ORDER BY at`,
        { service, id },
      ),
    ]);
    const decidedAtMs = verdicts.filter((v) => v.status !== 'running').reduce((m, v) => Math.max(m, num(v.decidedAtMs)), 0);
    const fromMs = deployedAtMs - beforeMs;
    const toMs = Math.max(decidedAtMs || deployedAtMs, deployedAtMs) + afterMs;
    const points = await store.query<Record<string, unknown>>(
      `SELECT operation, metric, toUnixTimestamp64Milli(window_start) AS t, version, value, expected, lower, upper, score
       FROM ${t('scores')}
       WHERE service = {service:String} AND metric IN {metrics:Array(String)} AND signal = 'traces'
         AND window_start >= fromUnixTimestamp64Milli({fromMs:Int64}) AND window_start <= fromUnixTimestamp64Milli({toMs:Int64})
       ORDER BY operation, metric, t LIMIT 20000`,
      { service, metrics: EVIDENCE_METRICS, fromMs, toMs },
    );
    const series = new Map<string, { operation: string; metric: string; points: unknown[] }>();
    for (const p of points) {
      const key = `${String(p.operation)}\u0000${String(p.metric)}`;
      let s = series.get(key);
      if (!s) series.set(key, (s = { operation: String(p.operation), metric: String(p.metric), points: [] }));
      s.points.push({ t: num(p.t), version: p.version, value: num(p.value), expected: num(p.expected), lower: num(p.lower), upper: num(p.upper), score: num(p.score) });
    }
    const ci = ann[0] && ann[0].quality !== '' ? { ...ann[0], tests: num(ann[0].tests), failed: num(ann[0].failed), flaky: num(ann[0].flaky), skipped: num(ann[0].skipped), buildRisk: ann[0].buildRisk === null ? null : num(ann[0].buildRisk) } : null;
    const parsedVerdicts: Array<Record<string, unknown>> = verdicts.map((v) => ({ ...v, decidedAtMs: num(v.decidedAtMs), evidence: safeJson(String(v.evidence)) }));
    // The strict policy shows in the verdict's summary ("(strict: reason)", the detector's wording).
    const strict = parsedVerdicts.find((v) => /\(strict: /.test(String(v.summary)));
    return {
      deployment: {
        ...d, deployedAtMs, decidedAtMs: decidedAtMs || null, ci,
        policy: strict ? 'strict' : 'standard', policyReason: strict ? /\(strict: (.*)\)$/.exec(String(strict.summary))?.[1] ?? null : null,
      },
      window: { fromMs, toMs },
      verdicts: parsedVerdicts,
      series: [...series.values()],
      templates: templates.map((r) => ({ ...r, count: num(r.count), firstSeenMs: num(r.firstSeenMs) })),
      rollbacks: rollbacks.map((r) => ({ ...r, atMs: num(r.atMs) })),
    };
  };

  const anomaly = async (url: URL, id: string) => {
    const beforeMs = intParam(url, 'beforeMs', 30 * 60_000, 0, 7 * DAY_MS);
    const afterMs = intParam(url, 'afterMs', 10 * 60_000, 0, 7 * DAY_MS);
    const [a] = await store.query<Record<string, unknown>>(
      `SELECT id, toUnixTimestamp64Milli(window_start) AS windowStartMs, toUnixTimestamp64Milli(window_end) AS windowEndMs, service, signal, metric,
              operation, version, series_id AS seriesId, series_key AS seriesKey, value, expected, lower, upper, score, threshold, components,
              severity, deployment_id AS deploymentId, deployment_version AS deploymentVersion, summary
       FROM ${t('anomalies')} FINAL WHERE id = {id:String} LIMIT 1`,
      { id },
    );
    if (!a) return null;
    const at = num(a.windowStartMs);
    // A new log template's anomaly (the detector's new_log_template: seriesId is the template id)
    // has no scored series: its series is the template's lines per window, expected 0.
    const series = a.metric === 'new_log_template' ? await store.query<Record<string, unknown>>(
      `SELECT toUnixTimestamp64Milli(window_start) AS t, any(version) AS version, sum(count) AS value, 0 AS expected, 0 AS lower, 0 AS upper, 1 AS score
       FROM ${t('log_templates')}
       WHERE service = {service:String} AND template_id = {seriesId:String} AND count > 0
         AND window_start >= fromUnixTimestamp64Milli({fromMs:Int64}) AND window_start <= fromUnixTimestamp64Milli({toMs:Int64})
       GROUP BY window_start ORDER BY t LIMIT 5000`,
      { service: a.service, seriesId: a.seriesId, fromMs: at - beforeMs, toMs: at + afterMs },
    ) : await store.query<Record<string, unknown>>(
      `SELECT toUnixTimestamp64Milli(window_start) AS t, version, value, expected, lower, upper, score
       FROM ${t('scores')}
       WHERE service = {service:String} AND metric = {metric:String} AND series_id = {seriesId:String}
         AND window_start >= fromUnixTimestamp64Milli({fromMs:Int64}) AND window_start <= fromUnixTimestamp64Milli({toMs:Int64})
       ORDER BY t LIMIT 5000`,
      { service: a.service, metric: a.metric, seriesId: a.seriesId, fromMs: at - beforeMs, toMs: at + afterMs },
    );
    return {
      anomaly: { ...a, windowStartMs: at, windowEndMs: num(a.windowEndMs) },
      series: series.map((p) => ({ t: num(p.t), version: p.version, value: num(p.value), expected: num(p.expected), lower: num(p.lower), upper: num(p.upper), score: num(p.score) })),
    };
  };

  const templateSeries = async (url: URL) => {
    const service = url.searchParams.get('service');
    if (!service) throw new ParamError('service: required (a service name)');
    const now = nowMs();
    const since = sinceOf(url, now, 3600e3);
    const nBuckets = intParam(url, 'buckets', 60, 1, 500);
    const limit = intParam(url, 'limit', 20, 1, 500);
    const bucketMs = Math.max(1000, Math.ceil((now - since) / nBuckets / 1000) * 1000);
    const start = Math.floor(since / bucketMs) * bucketMs;
    const rows = await store.query<Record<string, unknown>>(
      `SELECT template_id AS templateId, any(template) AS template, toUnixTimestamp64Milli(min(first_seen)) AS firstSeenMs, max(is_new) AS isNew,
              max(new_since_deployment) AS newSinceDeployment, sum(count) AS total,
              groupArray((intDiv(toUnixTimestamp64Milli(window_start) - {start:Int64}, {bucketMs:Int64}), cnt)) AS pairs
       FROM (SELECT template_id, template, first_seen, is_new, new_since_deployment, window_start, count, count AS cnt
             FROM ${t('log_templates')}
             WHERE service = {service:String} AND window_start >= fromUnixTimestamp64Milli({start:Int64}))
       GROUP BY template_id ORDER BY total DESC LIMIT {limit:UInt32}`,
      { service, start, bucketMs, limit },
    );
    const n = Math.ceil((now - start) / bucketMs);
    return {
      bucketMs,
      buckets: Array.from({ length: n }, (_, i) => start + i * bucketMs),
      templates: rows.map((r) => {
        const counts = new Array<number>(n).fill(0);
        for (const [i, c] of r.pairs as Array<[number | string, number | string]>) {
          const k = num(i);
          if (k >= 0 && k < n) counts[k] += num(c);
        }
        return {
          templateId: r.templateId, template: r.template, firstSeenMs: num(r.firstSeenMs), isNew: Boolean(r.isNew),
          newSinceDeployment: r.newSinceDeployment || null, total: num(r.total), counts,
        };
      }),
    };
  };

  const rollbacks = async (url: URL) => {
    const since = sinceOf(url, nowMs(), 7 * DAY_MS);
    const service = url.searchParams.get('service');
    const rows = await store.query<Record<string, unknown>>(
      `SELECT id, deployment_id AS deploymentId, service, version, reason, verdict_id AS verdictId, alert_id AS alertId, hook,
              dry_run AS dryRun, result, detail, toUnixTimestamp64Milli(at) AS atMs
       FROM ${t('rollbacks')} FINAL WHERE at >= fromUnixTimestamp64Milli({since:Int64}) ${service ? 'AND service = {service:String}' : ''}
       ORDER BY at DESC LIMIT {limit:UInt32}`,
      { since, service, limit: intParam(url, 'limit', 500, 1, 10_000) },
    );
    return rows.map((r) => ({ ...r, atMs: num(r.atMs) }));
  };

  const pipelines = async (url: URL) => {
    const since = sinceOf(url, nowMs(), 30 * DAY_MS);
    const rows = await store.query<Record<string, unknown>>(
      `SELECT pipeline, countIf(status != 'announced') AS runs, countIf(status = 'failed') AS failed,
              toUnixTimestamp64Milli(maxIf(time, status != 'announced')) AS lastRunMs,
              argMaxIf(status, time, status != 'announced') AS lastStatus,
              argMaxIf(predicted_failure_probability, time, status = 'announced') AS lastPredictedFailureProbability,
              argMaxIf(reason, time, status = 'announced') AS lastReason
       FROM ${t('ci_pipeline_runs')} WHERE time >= fromUnixTimestamp64Milli({since:Int64})
       GROUP BY pipeline ORDER BY pipeline`,
      { since },
    );
    return rows.map((r) => ({
      pipeline: r.pipeline, runs: num(r.runs), failed: num(r.failed), failureRate: num(r.runs) > 0 ? num(r.failed) / num(r.runs) : null,
      lastRunMs: num(r.runs) > 0 ? num(r.lastRunMs) : null, lastStatus: r.lastStatus || null,
      lastPredictedFailureProbability: r.lastPredictedFailureProbability === null ? null : num(r.lastPredictedFailureProbability),
      lastReason: r.lastReason || null,
    }));
  };

  return async (req, res, url) => {
    if (req.method !== 'GET') return false;
    const path = url.pathname;
    const run = async (f: () => Promise<unknown>, missing?: string) => {
      try {
        const body = await f();
        if (body === null && missing) sendJson(res, 404, { error: missing });
        else sendJson(res, 200, body);
      } catch (err) {
        if (err instanceof ParamError) sendJson(res, 400, { error: err.message });
        else throw err;
      }
      return true;
    };
    if (path === '/v1/services') return run(() => services(url));
    if (path === '/v1/rollbacks') return run(() => rollbacks(url));
    if (path === '/v1/deployments/timeline') return run(() => timeline(url));
    if (path === '/v1/templates/series') return run(() => templateSeries(url));
    if (path === '/v1/ci/pipelines') return run(() => pipelines(url));
    let m = /^\/v1\/deployments\/([^/]+)\/evidence$/.exec(path);
    if (m) {
      const id = decodeURIComponent(m[1]);
      return run(() => evidence(url, id), `no deployment ${id}`);
    }
    m = /^\/v1\/anomalies\/([^/]+)$/.exec(path);
    if (m) {
      const id = decodeURIComponent(m[1]);
      return run(() => anomaly(url, id), `no anomaly ${id}`);
    }
    return false;
  };
}
