// Generic webhook: POST JSON {schema: "vigil.notification/1", id, action, alert, evidence, links,
// similar (past incidents: incident_id, score, why, fixed_by, rollback_helped, ...)}
// with `Idempotency-Key: <notification id>` (stable across retries and restarts: a receiver
// drops duplicates) and, with a signing secret, `X-Vigil-Signature: t=<unix>,v1=<hex>`.
import type { AlerterConfig } from '@vigil/config';
import type { ChangeIntent, NotificationIntent } from '../../lifecycle/types.js';
import { toAlertRecord } from '../../lifecycle/engine.js';
import type { HttpRequestSpec } from '../delivery.js';
import { evidenceLines, links, similarDetails } from '../format.js';
import type { Links, Receiver } from '../types.js';
import { SIGNATURE_HEADER, sign } from './signature.js';

type Config = Extract<AlerterConfig['receivers'][number], { type: 'webhook' }>;

export function createWebhookReceiver(cfg: Config, l: Links): Receiver {
  const request = (id: string, payload: unknown, now: number): HttpRequestSpec => {
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = { ...cfg.headers, 'content-type': 'application/json', 'idempotency-key': id };
    if (cfg.signingSecret) headers[SIGNATURE_HEADER] = sign(cfg.signingSecret, body, now);
    return { method: 'POST', url: cfg.url, headers, body };
  };
  return {
    name: cfg.name,
    kind: 'webhook',
    policy: { repeats: true, changes: true },
    build(intent: NotificationIntent, now: number): HttpRequestSpec | null {
      if (intent.action === 'refresh') return null;
      const a = intent.alert;
      return request(intent.id, {
        schema: 'vigil.notification/1', id: intent.id, action: intent.action, alert: toAlertRecord(a),
        evidence: { lines: evidenceLines(a), detail: a.evidence ?? null, deployment: a.deployment ?? null }, links: links(a, l, now),
        similar: similarDetails(a),
      }, now);
    },
    buildChange(c: ChangeIntent, now: number): HttpRequestSpec {
      return request(c.id, { schema: 'vigil.change/1', id: c.id, kind: c.kind, service: c.service, version: c.version, summary: c.summary, atMs: c.atMs, details: c.details }, now);
    },
  };
}
