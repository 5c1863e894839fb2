// Slack incoming webhooks (api.slack.com/messaging/webhooks): POST the webhook URL with
// {text, blocks}; `text` is the notification fallback, blocks the readable message (Block Kit:
// header ≤ 150 chars of plain_text, section text ≤ 3000, fields ≤ 10 of ≤ 2000, actions with
// url buttons). Answered 200 "ok"; errors are 400/403/404 with a reason (permanent) or 429.
import type { AlerterConfig } from '@vigil/config';
import type { NotificationIntent } from '../../lifecycle/types.js';
import type { HttpRequestSpec } from '../delivery.js';
import { clip, evidenceLines, links, similarLines, title } from '../format.js';
import type { Links, Receiver } from '../types.js';
import { alertButtons } from '../../slack/alert-buttons.js';

type Config = Extract<AlerterConfig['receivers'][number], { type: 'slack' }>;

export function createSlackReceiver(cfg: Config, l: Links): Receiver {
  return {
    name: cfg.name,
    kind: 'slack',
    policy: { repeats: cfg.notifyRepeats, changes: false },
    build(intent: NotificationIntent, now: number): HttpRequestSpec | null {
      if (intent.action === 'refresh') return null;
      const a = intent.alert;
      const resolved = intent.action === 'resolve';
      const head = `${resolved ? ':white_check_mark:' : a.severity === 'critical' ? ':rotating_light:' : ':warning:'} ${title(a, resolved)}${intent.action === 'repeat' ? ' (still firing)' : ''}`;
      const lk = links(a, l, now);
      const fields = [
        { type: 'mrkdwn', text: `*Service*\n${a.service}` },
        { type: 'mrkdwn', text: `*Severity*\n${a.severity}` },
        { type: 'mrkdwn', text: `*Rule*\n${a.rule}` },
        { type: 'mrkdwn', text: `*Since*\n<!date^${Math.floor(a.startsAtMs / 1000)}^{date_short_pretty} {time}|${new Date(a.startsAtMs).toISOString()}>` },
      ];
      const blocks: unknown[] = [
        { type: 'header', text: { type: 'plain_text', text: clip(head.replace(/:[a-z_]+: /, ''), 150), emoji: true } },
        { type: 'section', text: { type: 'mrkdwn', text: clip(`*What is wrong:* ${a.summary}`, 3000) }, fields },
        { type: 'section', text: { type: 'mrkdwn', text: clip(`*Evidence*\n${evidenceLines(a).map((x) => `• ${x}`).join('\n')}`, 3000) } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: `alert \`${a.id}\` · incident \`${a.incidentId}\`${resolved ? ` · resolved ${new Date(a.endsAtMs ?? now).toISOString()}` : ''}` }] },
      ];
      const similar = resolved ? [] : similarLines(a);
      if (similar.length) {
        blocks.splice(3, 0, { type: 'section', text: { type: 'mrkdwn', text: clip(`*Similar past incidents*\n${similar.map((x) => `• ${x}`).join('\n')}`, 3000) } });
      }
      // With the Slack app configured, the message carries the action buttons (acknowledge, silence,
      // not an anomaly, similar incidents, resolution, roll back) instead of URL-only ones.
      if (l.slackInteractive && !resolved) blocks.push(alertButtons(a));
      if (lk.length) blocks.push({ type: 'actions', elements: lk.map((x) => ({ type: 'button', text: { type: 'plain_text', text: x.text }, url: x.href })) });
      const text = clip(`${head}: ${a.summary}${similar.length ? ` | ${similar[0]}` : ''}`, 3000);
      return { method: 'POST', url: cfg.webhookUrl, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text, blocks }) };
    },
    buildChange: () => null,
  };
}
