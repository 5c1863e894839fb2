// The wire form of an alert (vigil_alerts) and the text bound every summary obeys.
import type { AlertRecord } from '@vigil/records';
import type { AlertState } from './types.js';

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

export function toAlertRecord(a: AlertState): AlertRecord {
  return {
    schema: 'vigil.alert/1',
    id: a.id,
    incidentId: a.incidentId,
    rule: a.rule,
    status: a.status,
    severity: a.severity,
    service: a.service,
    labels: { ...a.labels },
    summary: a.summary,
    startsAtMs: a.startsAtMs,
    ...(a.endsAtMs !== undefined ? { endsAtMs: a.endsAtMs } : {}),
    updatedAtMs: a.updatedAtMs,
    anomalyIds: [...a.anomalyIds],
    ...(a.verdictId ? { verdictId: a.verdictId } : {}),
    notifications: a.notifications.map((n) => ({ ...n })),
  };
}
