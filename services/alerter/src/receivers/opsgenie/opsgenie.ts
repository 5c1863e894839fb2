// Opsgenie Alert API (docs.opsgenie.com, "Alert API"): POST {base}/v2/alerts with
// {message ≤ 130, alias ≤ 512 (the dedup key: a create with the alias of an open alert only
// increments its count), description ≤ 15000, responders, tags, details, entity, source,
// priority P1..P5}; close with POST {base}/v2/alerts/{alias}/close?identifierType=alias.
// Header `Authorization: GenieKey <apiKey>`. Answered 202 (processed asynchronously).
// Jira Service Management operations (Opsgenie's successor; Opsgenie stops on 2027-04-05): the
// integration-events API takes the same alert body at
// {https://api.atlassian.com}/jsm/ops/integration/v2/alerts and closes with
// .../v2/alerts/{alias}/close?identifierType=alias, authenticated with the integration's API
// key as `GenieKey <key>` (Atlassian's "JSM Operations API" Postman collection, Integration events).
import type { AlerterConfig } from '@vigil/config';
import type { NotificationIntent } from '../../lifecycle/types.js';
import type { HttpRequestSpec } from '../delivery.js';
import { clip, evidenceLines, links, title } from '../format.js';
import type { Links, Receiver } from '../types.js';

type Config = Extract<AlerterConfig['receivers'][number], { type: 'opsgenie' | 'jsm' }>;

const OPSGENIE_DEFAULT_URL = 'https://api.opsgenie.com';
const JSM_DEFAULT_URL = 'https://api.atlassian.com';

export function createOpsgenieReceiver(cfg: Config, l: Links): Receiver {
  const base = (cfg.url ?? (cfg.type === 'jsm' ? JSM_DEFAULT_URL : OPSGENIE_DEFAULT_URL)).replace(/\/$/, '');
  const alertsPath = cfg.type === 'jsm' ? `${base}/jsm/ops/integration/v2/alerts` : `${base}/v2/alerts`;
  const headers = { 'content-type': 'application/json', authorization: `GenieKey ${cfg.apiKey}` };
  return {
    name: cfg.name,
    kind: cfg.type,
    policy: { repeats: false, changes: false },
    build(intent: NotificationIntent, now: number): HttpRequestSpec | null {
      const a = intent.alert;
      if (intent.action === 'refresh') return null;
      if (intent.action === 'resolve') {
        return {
          method: 'POST',
          url: `${alertsPath}/${encodeURIComponent(a.incidentId)}/close?identifierType=alias`,
          headers,
          body: JSON.stringify({ source: 'Vigil', user: 'Vigil', note: clip(`Resolved: no anomaly since ${new Date(a.lastSeenMs).toISOString()}`, 25000) }),
        };
      }
      const lk = links(a, l, now);
      const details: Record<string, string> = { alert_id: a.id, incident_id: a.incidentId, rule: a.rule, severity: a.severity };
      for (const [k, v] of Object.entries(a.labels)) if (v) details[`label_${k}`] = clip(v, 500);
      if (a.evidence) Object.assign(details, { value: String(a.evidence.value), expected: String(a.evidence.expected), score: String(a.evidence.score) });
      for (const x of lk) details[`link_${x.text.toLowerCase().replace(/\W+/g, '_')}`] = x.href;
      const body = {
        message: clip(title(a, false), 130),
        alias: a.incidentId,
        description: clip([a.summary, '', ...evidenceLines(a), ...lk.map((x) => `${x.text}: ${x.href}`)].join('\n'), 15000),
        ...(cfg.responders.length ? { responders: cfg.responders } : {}),
        tags: [...new Set(['vigil', `service:${a.service}`, `severity:${a.severity}`, ...cfg.tags])].map((t) => clip(t, 50)).slice(0, 20),
        details,
        entity: clip(a.service, 512),
        source: 'Vigil',
        priority: cfg.priorities[a.severity] ?? 'P3',
      };
      return { method: 'POST', url: alertsPath, headers, body: JSON.stringify(body) };
    },
    buildChange: () => null,
  };
}
