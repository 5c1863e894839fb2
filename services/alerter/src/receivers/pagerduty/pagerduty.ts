// PagerDuty Events API v2 (developer.pagerduty.com, "Send an Alert Event" / "Send a Change Event"):
// POST {routing_key, event_action: trigger|acknowledge|resolve, dedup_key, payload{summary ≤ 1024,
// source, severity critical|error|warning|info, timestamp, component, group, class,
// custom_details}, links, client, client_url}; answered 202. A trigger with the dedup_key of an
// open alert is merged into it (no new page), which makes re-sends after a restart harmless.
// dedup_key is at most 255 characters; ours is a 16-hex-digit incident id.
// Change events: POST /v2/change/enqueue {routing_key, payload{summary, timestamp, source,
// custom_details}, links}.
import type { AlerterConfig } from '@vigil/config';
import type { ChangeIntent, NotificationIntent } from '../../lifecycle/types.js';
import type { HttpRequestSpec } from '../delivery.js';
import { clip, evidenceLines, links, similarDetails, title } from '../format.js';
import type { Links, Receiver } from '../types.js';

type Config = Extract<AlerterConfig['receivers'][number], { type: 'pagerduty' }>;

const SEVERITY: Record<string, 'critical' | 'error' | 'warning' | 'info'> = { critical: 'critical', warning: 'warning', info: 'info' };

export function createPagerDutyReceiver(cfg: Config, l: Links): Receiver {
  const headers = { 'content-type': 'application/json' };
  return {
    name: cfg.name,
    kind: 'pagerduty',
    policy: { repeats: false, changes: cfg.changeEvents },
    build(intent: NotificationIntent, now: number): HttpRequestSpec | null {
      const a = intent.alert;
      if (intent.action === 'refresh') return null;
      if (intent.action === 'resolve') {
        return { method: 'POST', url: cfg.url, headers, body: JSON.stringify({ routing_key: cfg.routingKey, event_action: 'resolve', dedup_key: a.incidentId }) };
      }
      const body = {
        routing_key: cfg.routingKey,
        event_action: 'trigger',
        dedup_key: a.incidentId,
        payload: {
          summary: clip(`${title(a, false)}: ${a.summary}`, 1024),
          source: a.service,
          severity: SEVERITY[a.severity] ?? 'error',
          timestamp: new Date(a.firingAtMs ?? a.startsAtMs).toISOString(),
          component: a.kind === 'deployment' ? (a.labels.version ?? a.service) : [a.evidence?.metric, a.evidence?.operation].filter(Boolean).join(' '),
          group: a.service,
          class: a.rule,
          custom_details: {
            alert_id: a.id,
            incident_id: a.incidentId,
            labels: a.labels,
            evidence: evidenceLines(a),
            anomaly_ids: a.anomalyIds.slice(-10),
            ...(a.evidence ? { value: a.evidence.value, expected: a.evidence.expected, lower: a.evidence.lower, upper: a.evidence.upper, score: a.evidence.score } : {}),
            ...(a.deployment ? { deployment: a.deployment } : {}),
            ...(a.similar?.length ? { similar_incidents: similarDetails(a) } : {}),
          },
        },
        links: links(a, l, now),
        client: cfg.client,
        ...(cfg.clientUrl ? { client_url: cfg.clientUrl } : {}),
      };
      return { method: 'POST', url: cfg.url, headers, body: JSON.stringify(body) };
    },
    buildChange(c: ChangeIntent): HttpRequestSpec | null {
      if (!cfg.changeEvents) return null;
      const body = {
        routing_key: cfg.routingKey,
        payload: { summary: clip(c.summary, 1024), timestamp: new Date(c.atMs).toISOString(), source: c.service, custom_details: c.details },
        links: (c.links ?? []).map((x) => ({ href: x.url, text: x.name })),
      };
      return { method: 'POST', url: cfg.changeUrl, headers, body: JSON.stringify(body) };
    },
  };
}
