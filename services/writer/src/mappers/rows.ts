import type { VigilRecord } from '@vigil/records';

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
        window_start: record.windowStartMs, window_end: record.windowEndMs, service: record.service,
        signal: record.signal, metric: record.metric, operation: record.operation ?? '', version: record.version ?? '',
        series_id: record.seriesId, series_key: record.seriesKey, value: finite(record.value), expected: finite(record.expected),
        lower: finite(record.lower), upper: finite(record.upper), score: finite(record.score), components: record.components ?? [],
        warming_up: Boolean(record.warmingUp),
      } }];
    case 'vigil.anomaly/1':
      return [{ table: 'anomalies', row: {
        id: record.id, window_start: record.windowStartMs, window_end: record.windowEndMs, service: record.service,
        signal: record.signal, metric: record.metric, operation: record.operation ?? '', version: record.version ?? '',
        series_id: record.seriesId, series_key: record.seriesKey, value: finite(record.value), expected: finite(record.expected),
        lower: finite(record.lower), upper: finite(record.upper), score: finite(record.score), threshold: finite(record.threshold),
        components: record.components ?? [], severity: record.severity, deployment_id: record.deployment?.id ?? '',
        deployment_version: record.deployment?.version ?? '', summary: record.summary ?? '',
      } }];
    case 'vigil.deployment/1':
      return [{ table: 'deployments', row: {
        id: record.id, service: record.service, version: record.version, environment: record.environment ?? '',
        commit: record.commit ?? '', source: record.source, previous_version: record.previousVersion ?? '',
        deployed_at: record.timeMs, status: 'deployed', mode: '', verdict_summary: '', evidence: '[]', updated_at: record.timeMs,
      } }];
    case 'vigil.verdict/1': {
      const evidence = JSON.stringify(record.evidence ?? []);
      return [
        { table: 'verdicts', row: {
          id: record.id, deployment_id: record.deploymentId, service: record.service, version: record.version,
          baseline_version: record.baselineVersion ?? '', environment: record.environment ?? '', status: record.status,
          mode: record.mode, deployed_at: record.deployedAtMs, decided_at: record.decidedAtMs, summary: record.summary ?? '', evidence,
        } },
        // The deployment's current state: the latest row per id wins (ReplacingMergeTree(updated_at)).
        { table: 'deployments', row: {
          id: record.deploymentId, service: record.service, version: record.version, environment: record.environment ?? '',
          commit: '', source: 'verdict', previous_version: record.baselineVersion ?? '', deployed_at: record.deployedAtMs,
          status: record.status, mode: record.mode, verdict_summary: record.summary ?? '', evidence, updated_at: record.decidedAtMs,
        } },
      ];
    }
    case 'vigil.template/1':
      return [{ table: 'log_templates', row: {
        window_start: record.windowStartMs, window_end: record.windowEndMs, service: record.service, template_id: record.templateId,
        template: record.template, count: record.count, severities: record.severities ?? {}, first_seen: record.firstSeenMs,
        is_new: Boolean(record.isNew), new_since_deployment: record.newSinceDeployment ?? '', version: record.version ?? '',
      } }];
    case 'vigil.alert/1':
      return [{ table: 'alerts', row: {
        id: record.id, incident_id: record.incidentId ?? record.id, rule: record.rule, status: record.status,
        severity: record.severity, service: record.service, labels: record.labels ?? {}, summary: record.summary ?? '',
        starts_at: record.startsAtMs, ends_at: record.endsAtMs ?? null, updated_at: record.updatedAtMs,
        anomaly_ids: record.anomalyIds ?? [], verdict_id: record.verdictId ?? '', notifications: JSON.stringify(record.notifications ?? []),
      } }];
    case 'vigil.rollback/1':
      return [{ table: 'rollbacks', row: {
        id: record.id, deployment_id: record.deploymentId, service: record.service, version: record.version ?? '',
        reason: record.reason ?? '', verdict_id: record.verdictId ?? '', alert_id: record.alertId ?? '', hook: record.hook,
        dry_run: Boolean(record.dryRun), result: record.result, detail: record.detail ?? '', at: record.atMs,
      } }];
    case 'vigil.dead_letter/1':
      return [{ table: 'dead_letters', row: {
        at: record.atMs, source_topic: record.sourceTopic, source_partition: record.sourcePartition ?? 0,
        source_offset: record.sourceOffset ?? '', reason: record.reason, payload: record.payload ?? '',
      } }];
  }
}

/** ClickHouse Float64 has no JSON spelling for NaN/Infinity: store 0 instead of failing the batch. */
function finite(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
