// Human-readable text shared by the receivers: what is wrong, the evidence, where to look.
import type { AlertState } from '../lifecycle/types.js';
import type { Links } from './types.js';

const fmt = (x: number): string => (Math.abs(x) >= 100 || Number.isInteger(x) ? String(Math.round(x * 100) / 100) : x.toPrecision(3));

export function title(a: AlertState, resolved = a.status === 'resolved'): string {
  const what = a.kind === 'deployment'
    ? `deployment ${a.labels.version ?? ''} failed verification`
    : `${a.evidence?.metric ?? a.labels.metric ?? 'anomaly'}${a.evidence?.operation ? ` ${a.evidence.operation}` : ''}`;
  return `${resolved ? 'RESOLVED' : a.severity.toUpperCase()}: ${a.service} ${what}`;
}

/** Evidence lines: value vs expected band, score, window, deployment. */
export function evidenceLines(a: AlertState): string[] {
  const lines: string[] = [];
  if (a.kind === 'deployment') {
    lines.push(`Verdict: ${a.verdictSummary ?? 'fail'}`);
    if (a.deployment) lines.push(`Deployment: ${a.deployment.id} (${a.deployment.version}) at ${new Date(a.deployment.deployedAtMs).toISOString()}`);
    return lines;
  }
  const e = a.evidence;
  if (e) {
    lines.push(`Value ${fmt(e.value)}, expected ${fmt(e.expected)} (band ${fmt(e.lower)} – ${fmt(e.upper)})`);
    lines.push(`Score ${e.score.toFixed(3)} (threshold ${e.threshold.toFixed(3)})${e.components.length ? `, detectors: ${e.components.join(', ')}` : ''}`);
    lines.push(`Window ${new Date(e.windowStartMs).toISOString()} – ${new Date(e.windowEndMs).toISOString()}`);
    lines.push(`Series: ${e.seriesKey}`);
  }
  if (a.deployment) lines.push(`Deployment in effect: ${a.deployment.id} (${a.deployment.version})`);
  lines.push(`Anomalies: ${a.anomalyCount}, since ${new Date(a.startsAtMs).toISOString()}`);
  return lines;
}

export function links(a: AlertState, l: Links, now: number): Array<{ href: string; text: string }> {
  const out: Array<{ href: string; text: string }> = [];
  if (l.grafanaUrl) {
    const u = new URL(l.grafanaUrl);
    u.searchParams.set('var-service', a.service);
    u.searchParams.set('from', String(a.startsAtMs - 15 * 60_000));
    u.searchParams.set('to', String(a.endsAtMs ?? now));
    out.push({ href: u.toString(), text: 'Grafana' });
  }
  if (l.apiUrl) out.push({ href: `${l.apiUrl.replace(/\/$/, '')}/v1/alerts/${a.id}`, text: 'Vigil API' });
  return out;
}

export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/**
 * Similar past incidents (incident memory), one line each: similarity, what it was, when, what
 * fixed it, and the strongest reasons. Empty when the alert has none.
 */
export function similarLines(a: AlertState, max = 3): string[] {
  return (a.similar ?? []).slice(0, max).map((s) => {
    const r = s.resolution;
    const fix = r?.fixedBy ?? (r?.rollbackHelped ? 'rollback' : r?.notes.length ? r.notes[r.notes.length - 1] : undefined);
    const why = s.why.slice(0, 2).map((w) => w.replace(/^\+\d+\.\d+ /, '')).join('; ');
    return clip(`${Math.round(s.score * 100)}% similar: ${s.title} (${new Date(s.startedAtMs).toISOString().slice(0, 16).replace('T', ' ')} UTC)` +
      ` — fix: ${fix ?? 'no resolution recorded'}${r?.rollbackHelped ? ' (rollback helped)' : ''} — why: ${why}`, 600);
  });
}

/** Similar incidents as structured data (PagerDuty custom_details, webhook body). */
export function similarDetails(a: AlertState): Array<Record<string, unknown>> {
  return (a.similar ?? []).map((s) => ({
    incident_id: s.incidentId, alert_id: s.alertId, service: s.service, title: s.title, score: s.score, why: s.why,
    started_at: new Date(s.startedAtMs).toISOString(), resolved_at: new Date(s.resolvedAtMs).toISOString(),
    fixed_by: s.resolution?.fixedBy ?? null, rollback_helped: s.resolution?.rollbackHelped ?? null,
    resolution_source: s.resolution?.source ?? null, links: s.resolution?.links ?? [], notes: s.resolution?.notes ?? [],
  }));
}
