import type { DeploymentRecord, ForecastRecord, VigilRecord } from '@vigil/records';

/** A row bound for one table. */
export interface TableRow {
  table: string;
  row: Record<string, unknown>;
}

/** Topic record schema → ClickHouse rows. Pure: the same record always gives the same rows. */
export function rowsFor(record: VigilRecord): TableRow[] {
  switch (record.schema) {
    case 'vigil.score/1':
      return [{ table: 'scores', row: {
        window_start: ms(record.windowStartMs), window_end: ms(record.windowEndMs), service: record.service,
        signal: record.signal, metric: record.metric, operation: record.operation ?? '', version: record.version ?? '',
        series_id: record.seriesId, series_key: record.seriesKey, value: finite(record.value), expected: finite(record.expected),
        lower: finite(record.lower), upper: finite(record.upper), score: finite(record.score), components: record.components ?? [],
        warming_up: Boolean(record.warmingUp),
      } }];
    case 'vigil.anomaly/1':
      return [{ table: 'anomalies', row: {
        id: record.id, window_start: ms(record.windowStartMs), window_end: ms(record.windowEndMs), service: record.service,
        signal: record.signal, metric: record.metric, operation: record.operation ?? '', version: record.version ?? '',
        series_id: record.seriesId, series_key: record.seriesKey, value: finite(record.value), expected: finite(record.expected),
        lower: finite(record.lower), upper: finite(record.upper), score: finite(record.score), threshold: finite(record.threshold),
        components: record.components ?? [], severity: record.severity, deployment_id: record.deployment?.id ?? '',
        deployment_version: record.deployment?.version ?? '', summary: record.summary ?? '',
      } }];
    case 'vigil.deployment/1':
      return [
        { table: 'deployments', row: {
          id: record.id, service: record.service, version: record.version, environment: record.environment ?? '',
          commit: record.commit ?? '', source: record.source, previous_version: record.previousVersion ?? '',
          deployed_at: ms(record.timeMs), status: 'deployed', mode: '', verdict_summary: '', evidence: '[]', updated_at: ms(record.timeMs),
          revision: deploymentRevision('deployed', ms(record.timeMs)),
        } },
        // What it was announced with, in a table no verdict row can replace (0006_deployment_announcements.sql).
        { table: 'deployment_announcements', row: announcementRow(record) },
      ];
    case 'vigil.verdict/1': {
      const evidence = JSON.stringify(record.evidence ?? []);
      return [
        { table: 'verdicts', row: {
          id: record.id, deployment_id: record.deploymentId, service: record.service, version: record.version,
          baseline_version: record.baselineVersion ?? '', environment: record.environment ?? '', status: record.status,
          mode: record.mode, deployed_at: ms(record.deployedAtMs), decided_at: ms(record.decidedAtMs), summary: record.summary ?? '', evidence,
        } },
        // The deployment's current state: the latest row per id wins (ReplacingMergeTree(updated_at)).
        { table: 'deployments', row: {
          id: record.deploymentId, service: record.service, version: record.version, environment: record.environment ?? '',
          commit: '', source: 'verdict', previous_version: record.baselineVersion ?? '', deployed_at: ms(record.deployedAtMs),
          status: record.status, mode: record.mode, verdict_summary: record.summary ?? '', evidence, updated_at: ms(record.decidedAtMs),
          revision: deploymentRevision(record.status, ms(record.decidedAtMs)),
        } },
      ];
    }
    case 'vigil.template/1':
      return [{ table: 'log_templates', row: {
        window_start: ms(record.windowStartMs), window_end: ms(record.windowEndMs), service: record.service, template_id: record.templateId,
        template: record.template, count: record.count, severities: record.severities ?? {}, first_seen: ms(record.firstSeenMs),
        is_new: Boolean(record.isNew), new_since_deployment: record.newSinceDeployment ?? '', version: record.version ?? '',
      } }];
    case 'vigil.alert/1':
      return [{ table: 'alerts', row: {
        id: record.id, incident_id: record.incidentId ?? record.id, rule: record.rule, status: record.status,
        severity: record.severity, service: record.service, labels: record.labels ?? {}, summary: record.summary ?? '',
        starts_at: ms(record.startsAtMs), ends_at: record.endsAtMs === undefined ? null : ms(record.endsAtMs), updated_at: ms(record.updatedAtMs),
        anomaly_ids: record.anomalyIds ?? [], verdict_id: record.verdictId ?? '', notifications: JSON.stringify(record.notifications ?? []),
      } }];
    case 'vigil.rollback/1':
      return [{ table: 'rollbacks', row: {
        id: record.id, deployment_id: record.deploymentId, service: record.service, version: record.version ?? '',
        reason: record.reason ?? '', verdict_id: record.verdictId ?? '', alert_id: record.alertId ?? '', hook: record.hook,
        dry_run: Boolean(record.dryRun), result: record.result, detail: record.detail ?? '', at: ms(record.atMs),
      } }];
    case 'vigil.dead_letter/1':
      return [{ table: 'dead_letters', row: {
        at: ms(record.atMs), source_topic: record.sourceTopic, source_partition: record.sourcePartition ?? 0,
        source_offset: record.sourceOffset ?? '', reason: record.reason, payload: record.payload ?? '',
      } }];
    case 'vigil.test_run/1':
      return [{ table: 'ci_test_runs', row: {
        time: ms(record.timeMs), suite: record.suite, test_name: record.testName, pipeline: record.pipeline, run_id: record.runId,
        revision: record.revision ?? '', status: record.status, duration_ms: finite(record.durationMs),
        attempt: Number.isInteger(record.attempt) && record.attempt! > 0 && record.attempt! < 65_536 ? record.attempt : 0,
        source: record.source ?? '',
      } }];
    case 'vigil.pipeline_run/1':
      return [{ table: 'ci_pipeline_runs', row: {
        time: ms(record.timeMs), pipeline: record.pipeline, run_id: record.runId, revision: record.revision ?? '', status: record.status,
        duration_ms: typeof record.durationMs === 'number' && Number.isFinite(record.durationMs) ? Math.round(record.durationMs) : null,
        predicted_failure_probability: typeof record.predictedFailureProbability === 'number' && Number.isFinite(record.predictedFailureProbability)
          ? record.predictedFailureProbability : null,
        suite: record.suite ?? '', risk_features: (record.riskFeatures ?? []).map(finite), reason: record.reason ?? '', source: record.source ?? '',
      } }];
    case 'vigil.incident/1': {
      const fp = record.fingerprint;
      const res = record.resolution;
      return [{ table: 'incident_resolutions', row: {
        id: record.id, alert_id: record.alertId, service: record.service, title: record.title ?? '', status: record.status,
        starts_at: ms(record.startsAtMs), resolved_at: record.resolvedAtMs === undefined || record.resolvedAtMs === null ? null : ms(record.resolvedAtMs), updated_at: ms(record.updatedAtMs),
        signal: fp?.signal ?? '', metric: fp?.metric ?? '', operation: fp?.operation ?? '', templates: fp?.templates ?? [],
        deviations: fp?.deviations ?? [], deploy_change: fp?.deployChange ?? '', deployment_id: fp?.deployment?.id ?? '',
        deployment_version: fp?.deployment?.version ?? '', verdict: fp?.verdict ?? '', fingerprint: JSON.stringify(fp ?? {}),
        resolution_source: res?.source ?? '', fixed_by: res?.fixedBy ?? '', rollback_helped: res?.rollbackHelped ?? null,
        resolution_links: JSON.stringify(res?.links ?? []), resolution_notes: res?.notes ?? [], resolved_by: res?.by ?? '',
        similar: JSON.stringify(record.similar ?? []),
      } }];
    }
    case 'vigil.feedback/1':
      return [{ table: 'feedback', row: {
        id: record.id, status: record.status, verdict: record.verdict, scope: record.scope, anomaly_id: record.anomalyId ?? '',
        series_key: record.seriesKey, service: record.service, operation: record.operation ?? '', metric: record.metric ?? '',
        score: typeof record.score === 'number' && Number.isFinite(record.score) ? record.score : null,
        threshold: typeof record.threshold === 'number' && Number.isFinite(record.threshold) ? record.threshold : null,
        direction: record.direction ?? '', false_negative: Boolean(record.falseNegative), note: record.note ?? '', created_by: record.by ?? '',
        created_at: ms(record.createdAtMs), updated_at: ms(record.updatedAtMs), revoked_at: record.revokedAtMs === undefined ? null : ms(record.revokedAtMs),
      } }];
    case 'vigil.forecast/1':
      return [{ table: 'forecasts', row: forecastRow(record) }];
    case 'vigil.ci_quality/1':
      return []; // derived from ci_test_runs, which the store keeps whole
  }
}

/** The forecasts row of a forecast record (0009_forecasts.sql, 0010_forecast_parts.sql): steps as parallel arrays. */
export function forecastRow(record: ForecastRecord): Record<string, unknown> {
  const points = Array.isArray(record.points) ? record.points : [];
  const rec = record.recommendation;
  const orNull = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    id: record.id, service: record.service, metric: record.metric, part: typeof record.part === 'string' ? record.part : '', kind: record.kind ?? '', horizon: record.horizon, origin: ms(record.originMs),
    step_ms: Math.max(0, Math.round(finite(record.stepMs))), end_ms: points.map((p) => Math.round(finite(p.endMs))),
    mean: points.map((p) => finite(p.mean)), lo80: points.map((p) => finite(p.lo80)), hi80: points.map((p) => finite(p.hi80)),
    lo95: points.map((p) => finite(p.lo95)), hi95: points.map((p) => finite(p.hi95)),
    has_recommendation: rec !== undefined && rec !== null, request: finite(rec?.request ?? 0), risk_short: orNull(rec?.riskShort),
    expected_slack: orNull(rec?.expectedSlack), expected_shortfall: orNull(rec?.expectedShortfall), peak: finite(rec?.peak ?? 0),
    mean_load: finite(rec?.mean ?? 0), replicas: Number.isInteger(rec?.replicas) && rec!.replicas! >= 0 ? rec!.replicas : null, why: rec?.why ?? '',
    learnt: Math.max(0, Math.round(finite(record.learnt ?? 0))), withheld: Math.max(0, Math.round(finite(record.withheld ?? 0))),
  };
}

/**
 * Order of a deployment's rows: announcement < running verdict < final verdict, then time.
 * rank · 2^42 + ms (2^42 ms is 139 years), exact in a double.
 */
export function deploymentRevision(status: string, atMs: number): number {
  const rank = status === 'deployed' ? 0 : status === 'running' ? 1 : 2;
  return rank * 2 ** 42 + Math.max(0, Math.min(atMs, 2 ** 42 - 1));
}

/** The deployment_announcements row of an announcement; `ci_quality` '' when it carried no CI quality. */
function announcementRow(record: DeploymentRecord): Record<string, unknown> {
  const commit = typeof record.commit === 'string' ? record.commit : '';
  const ci = record.ci !== null && typeof record.ci === 'object' ? record.ci : undefined;
  return {
    id: record.id, service: record.service, version: record.version, environment: record.environment ?? '', commit,
    source: record.source, links: JSON.stringify(Array.isArray(record.links) ? record.links : []), announced_at: ms(record.timeMs),
    ci_quality: typeof ci?.quality === 'string' ? ci.quality : '',
    ci_tests: count(ci?.tests), ci_failed: count(ci?.failed), ci_flaky: count(ci?.flaky), ci_skipped: count(ci?.skipped),
    ci_build_risk: typeof ci?.buildRisk === 'number' && Number.isFinite(ci.buildRisk) ? ci.buildRisk : null,
    ci_reasons: Array.isArray(ci?.reasons) ? ci.reasons.filter((r): r is string => typeof r === 'string') : [],
    first_seen: record.firstSeen === true,
    precedence: deploymentAnnouncementPrecedence(record.source, commit !== '', ms(record.timeMs), typeof ci?.quality === 'string', record.firstSeen === true),
  };
}

/**
 * Which announcement of one deployment wins in deployment_announcements (its ReplacingMergeTree
 * version): an API announcement over a resource one, then one with a commit over one without,
 * then one carrying CI quality over one without (the collector re-sends a telemetry-seen
 * deployment with its commit's CI quality once looked up, with the same time), then the latest.
 * (8 · !firstSeen + 4 · api + 2 · hasCommit + hasCi) · 2^42 + ms, as deploymentRevision: 2^42 ms
 * is 139 years, and 16 · 2^42 is exact in a double.
 */
export function deploymentAnnouncementPrecedence(source: string, hasCommit: boolean, atMs: number, hasCi = false, firstSeen = false): number {
  // First-seen announcements rank below every other (8 · 2^42 below): a deploy Vigil watched stays one.
  const rank = 8 + 4 * (source === 'api' ? 1 : 0) + 2 * (hasCommit ? 1 : 0) + (hasCi ? 1 : 0) - (firstSeen ? 8 : 0);
  return rank * 2 ** 42 + Math.max(0, Math.min(atMs, 2 ** 42 - 1));
}

/** A UInt32 count from a record field: a non-negative integer, else 0 (a bad count must not fail the batch). */
function count(v: unknown): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** 32 ? v : 0;
}

/**
 * Whole milliseconds for DateTime64(3) columns: OpenTelemetry SDK times carry fractions of a
 * millisecond (1795709686654.0002), which ClickHouse refuses to parse as DateTime64(3).
 */
function ms(v: number): number {
  // Accepts what JSON gave us; a non-number becomes NaN and the row is refused as bad data.
  return Math.floor(Number(v));
}

/** ClickHouse Float64 has no JSON spelling for NaN/Infinity: store 0 instead of failing the batch. */
function finite(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
