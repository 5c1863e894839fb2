// Receiver factory: configuration → request builders.
import type { AlerterConfig } from '@vigil/config';
import { createAlertmanagerReceiver } from './alertmanager/alertmanager.js';
import { createOpsgenieReceiver } from './opsgenie/opsgenie.js';
import { createPagerDutyReceiver } from './pagerduty/pagerduty.js';
import { createSlackReceiver } from './slack/slack.js';
import { createWebhookReceiver } from './webhook/webhook.js';
import type { Links, Receiver } from './types.js';

export function createReceiver(cfg: AlerterConfig['receivers'][number], links: Links): Receiver {
  switch (cfg.type) {
    case 'pagerduty':
      return createPagerDutyReceiver(cfg, links);
    case 'opsgenie':
    case 'jsm':
      return createOpsgenieReceiver(cfg, links);
    case 'slack':
      return createSlackReceiver(cfg, links);
    case 'webhook':
      return createWebhookReceiver(cfg, links);
    case 'alertmanager':
      return createAlertmanagerReceiver(cfg, links);
  }
}
