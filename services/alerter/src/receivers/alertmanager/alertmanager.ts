// Prometheus Alertmanager API v2: POST {url}/api/v2/alerts with an array of
// {labels, annotations, startsAt, endsAt, generatorURL}. Alertmanager identifies an alert by its
// label set, so re-sending is idempotent. Clients must re-send firing alerts (Prometheus does so
// every minute, its default resend delay) with endsAt in the future: Prometheus sets
// endsAt = now + 4 × resend delay so that an alert whose source died resolves on its own.
// Resolving: send the alert with endsAt = the resolution time (≤ now).
import type { AlerterConfig } from '@vigil/config';
import type { NotificationIntent } from '../../lifecycle/types.js';
import type { HttpRequestSpec } from '../delivery.js';
import { clip, evidenceLines, links } from '../format.js';
import type { Links, Receiver } from '../types.js';

type Config = Extract<AlerterConfig['receivers'][number], { type: 'alertmanager' }>;

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const labelName = (k: string): string => (LABEL_NAME.test(k) ? k : `_${k.replace(/[^a-zA-Z0-9_]/g, '_')}`);

export function createAlertmanagerReceiver(cfg: Config, l: Links): Receiver {
  const url = `${cfg.url.replace(/\/$/, '')}/api/v2/alerts`;
  return {
    name: cfg.name,
    kind: 'alertmanager',
    policy: { repeats: false, changes: false, resendIntervalMs: cfg.resendIntervalMs },
    build(intent: NotificationIntent, now: number): HttpRequestSpec {
      const a = intent.alert;
      const labels: Record<string, string> = { ...cfg.labels };
      // Empty label values mean "absent" in Prometheus' model: leave them out.
      for (const [k, v] of Object.entries(a.labels)) if (v !== '') labels[labelName(k)] = v;
      labels.severity = a.severity;
      labels.vigil_incident = a.incidentId;
      const endsAt = intent.action === 'resolve' ? Math.min(a.endsAtMs ?? now, now) : now + 4 * cfg.resendIntervalMs;
      const lk = links(a, l, now);
      const alert = {
        labels,
        annotations: {
          summary: clip(a.summary, 1024),
          description: clip(evidenceLines(a).join('\n'), 4000),
          vigil_alert_id: a.id,
        },
        startsAt: new Date(a.firingAtMs ?? a.startsAtMs).toISOString(),
        endsAt: new Date(endsAt).toISOString(),
        ...(lk.length ? { generatorURL: lk[lk.length - 1].href } : {}),
      };
      return { method: 'POST', url, headers: { 'content-type': 'application/json' }, body: JSON.stringify([alert]) };
    },
    buildChange: () => null,
  };
}
