// The receiver contract: a pure request builder per protocol. I/O (retries, rate limits) is the
// Deliverer's job; a receiver only knows its wire format.
import type { ChangeIntent, NotificationIntent } from '../lifecycle/types.js';
import type { ReceiverPolicy } from '../lifecycle/engine.js';
import type { HttpRequestSpec } from './delivery.js';

export interface Links {
  grafanaUrl?: string;
  apiUrl?: string;
  /** The "Ask Vigil" Slack app is configured: Slack messages get action buttons. */
  slackInteractive?: boolean;
}

export interface Receiver {
  readonly name: string;
  readonly kind: 'pagerduty' | 'opsgenie' | 'jsm' | 'slack' | 'webhook' | 'alertmanager';
  readonly policy: ReceiverPolicy;
  /** The request for one notification at time `now`; null: nothing to send for this action. */
  build(intent: NotificationIntent, now: number): HttpRequestSpec | null;
  /** The request for a change event; null when the receiver keeps no change timeline. */
  buildChange(change: ChangeIntent, now: number): HttpRequestSpec | null;
}
