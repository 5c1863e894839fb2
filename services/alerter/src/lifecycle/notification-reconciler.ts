// Notification dispatch by reconciliation, per receiver, not fired on transitions: a receiver
// should hold an open alert exactly while the alert fires and is not muted (silence, inhibition,
// flap guard, operator feedback). `reconcile` compares that with what each receiver was last
// told and emits the difference (trigger, repeat every repeatInterval, refresh every
// resendInterval, resolve). The "told" state is persisted only after a delivery is confirmed
// (`delivered`), so a restart re-sends at most the notifications whose outcome was not recorded,
// with the same dedup key. A resolve is always sent to a receiver holding an open alert, even
// when muted, so no page is left dangling. At most one notification per receiver and alert is
// in flight.
import { stableId } from '@vigil/records';
import type { Rule } from '../rules/rules.js';
import { truncate } from './alert-record.js';
import type { EngineOutbox } from './engine-outbox.js';
import type { EngineState } from './engine-state.js';
import { silenceActive, silenceMatches } from './silences.js';
import type { AlertState, DeliveryOutcome, NotificationAction, NotificationIntent, ReceiverState } from './types.js';

const MAX_NOTIFICATIONS = 50;
/** A failed resolve is retried this many notification series, then given up. */
const MAX_RESOLVE_FAILURES = 3;
/** After a failed notification series, wait this long (or the repeat interval, if shorter). */
const FAILED_RETRY_MS = 5 * 60_000;

export interface ReceiverPolicy {
  /** Re-send while firing (Alertmanager). */
  resendIntervalMs?: number;
  /** Send repeats (reminders) at the rule's repeat interval. */
  repeats: boolean;
  /** Takes change events (PagerDuty). */
  changes: boolean;
}

export interface ReconcilerOptions {
  receivers: Record<string, ReceiverPolicy>;
  /** For alerts whose rule is gone from the configuration. */
  defaultRepeatIntervalMs: number;
  /** A symptom that started this long before a failed deployment is still explained by it. */
  inhibitSlackMs: number;
}

export class NotificationReconciler {
  /** (alertId \0 receiver) with a notification under way. */
  private readonly inflight = new Set<string>();
  /** Alerts to reconcile at the next `reconcile` call. */
  private readonly touched = new Set<string>();

  constructor(
    private readonly state: EngineState,
    private readonly outbox: EngineOutbox,
    private readonly rules: ReadonlyMap<string, Rule>,
    private readonly options: ReconcilerOptions,
  ) {}

  /** Reconcile this alert at the next call. */
  touch(id: string): void {
    this.touched.add(id);
  }

  /** Reconcile every alert at the next call (silences changed, a restore). */
  touchAll(): void {
    for (const id of this.state.alerts.keys()) this.touched.add(id);
  }

  /** Notifications due now for the alerts touched since the last call. */
  reconcile(now: number): NotificationIntent[] {
    const out: NotificationIntent[] = [];
    for (const id of this.touched) {
      const alert = this.state.alerts.get(id);
      if (alert) this.reconcileAlert(alert, now, out);
    }
    this.touched.clear();
    return out;
  }

  /** Record a delivery outcome; the alert is reconciled again at the next `reconcile`. */
  delivered(intent: NotificationIntent, outcome: DeliveryOutcome, now: number): void {
    this.inflight.delete(`${intent.alert.id}\0${intent.receiver}`);
    const alert = this.state.alerts.get(intent.alert.id);
    if (!alert) return;
    if (alert.incidentId !== intent.alert.incidentId) {
      // A newer incident replaced it while this was in flight: reconcile the new one (it was skipped).
      this.touched.add(alert.id);
      return;
    }
    const rs = receiverState(alert, intent.receiver);
    if (outcome.status === 'sent') {
      rs.open = intent.action !== 'resolve';
      rs.sends++;
      rs.lastSentMs = now;
      rs.lastFailedMs = undefined;
      rs.failures = 0;
    } else {
      rs.lastFailedMs = now;
      rs.failures++;
      if (intent.action === 'resolve' && rs.failures >= MAX_RESOLVE_FAILURES) rs.open = false;
    }
    pushNotification(alert, {
      receiver: intent.receiver, kind: intent.action, status: outcome.status, attempts: outcome.attempts, atMs: now,
      ...(outcome.error ? { error: truncate(outcome.error, 300) } : {}),
    });
    alert.updatedAtMs = now;
    this.state.mark('alert', alert.id);
    this.outbox.markRecord(alert);
    this.touched.add(alert.id);
  }

  private muteReason(alert: AlertState, now: number): string | undefined {
    if (alert.flapping) return `flap guard: re-opened ${alert.flapCount}× within the flap window`;
    if (alert.feedbackSuppressedBy) return `suppressed by feedback ${alert.feedbackSuppressedBy} (judged not an anomaly)`;
    for (const s of this.state.silences.values()) {
      if (silenceActive(s, now) && silenceMatches(s, alert.labels)) return `silenced by ${s.id}`;
    }
    if (alert.kind === 'symptom') {
      for (const d of this.state.alerts.values()) {
        if (d.kind !== 'deployment' || d.status !== 'firing' || d.service !== alert.service || !d.deployment) continue;
        const explained = alert.deployment?.id === d.deployment.id || alert.startsAtMs >= d.deployment.deployedAtMs - this.options.inhibitSlackMs;
        if (explained) return `inhibited by deployment alert ${d.id} (${d.deployment.version})`;
      }
    }
    return undefined;
  }

  private reconcileAlert(alert: AlertState, now: number, out: NotificationIntent[]): void {
    if (alert.receivers.length === 0 && !hasOpenReceiver(alert)) return;
    const mute = alert.status === 'firing' ? this.muteReason(alert, now) : undefined;
    const wantOpen = alert.status === 'firing' && mute === undefined;
    const rule = this.rules.get(alert.rule);
    const repeatMs = rule?.repeatIntervalMs ?? this.options.defaultRepeatIntervalMs;
    const names = new Set([...alert.receivers, ...Object.keys(alert.receiverState).filter((r) => alert.receiverState[r].open)]);
    for (const name of names) {
      const key = `${alert.id}\0${name}`;
      if (this.inflight.has(key)) continue;
      const policy = this.options.receivers[name];
      if (!policy) continue; // receiver removed from the configuration
      const rs = receiverState(alert, name);
      let action: NotificationAction | undefined;
      if (wantOpen) {
        if (rs.suppressed) {
          rs.suppressed = undefined;
          this.state.mark('alert', alert.id);
        }
        const backoff = rs.lastFailedMs !== undefined && now - rs.lastFailedMs < Math.min(FAILED_RETRY_MS, repeatMs);
        if (!rs.open) action = backoff ? undefined : 'trigger';
        else if (backoff) action = undefined;
        else if (policy.repeats && alert.acknowledgedAtMs === undefined && now - (rs.lastSentMs ?? 0) >= repeatMs) action = 'repeat';
        else if (policy.resendIntervalMs !== undefined && now - (rs.lastSentMs ?? 0) >= policy.resendIntervalMs) action = 'refresh';
      } else if (alert.status === 'resolved' && rs.open) {
        const backoff = rs.lastFailedMs !== undefined && now - rs.lastFailedMs < Math.min(FAILED_RETRY_MS, repeatMs);
        if (!backoff) action = 'resolve';
      } else if (alert.status === 'firing' && mute && !rs.open && rs.suppressed !== mute) {
        rs.suppressed = mute;
        pushNotification(alert, { receiver: name, kind: 'trigger', status: 'suppressed', attempts: 0, atMs: now, error: mute });
        this.state.mark('alert', alert.id);
        this.outbox.markRecord(alert);
      }
      if (!action) continue;
      this.inflight.add(key);
      out.push({
        id: stableId('notification', alert.incidentId, name, rs.sends, action),
        receiver: name, action, alert: structuredClone(alert), atMs: now,
      });
    }
  }
}

export function hasOpenReceiver(alert: AlertState): boolean {
  return Object.values(alert.receiverState).some((r) => r.open);
}

/** Append to the alert's notification history, keeping the newest MAX_NOTIFICATIONS. */
export function pushNotification(alert: AlertState, n: AlertState['notifications'][number]): void {
  alert.notifications.push(n);
  if (alert.notifications.length > MAX_NOTIFICATIONS) alert.notifications.shift();
}

function receiverState(alert: AlertState, name: string): ReceiverState {
  let rs = alert.receiverState[name];
  if (!rs) {
    rs = { open: false, sends: 0, failures: 0 };
    alert.receiverState[name] = rs;
  }
  return rs;
}
