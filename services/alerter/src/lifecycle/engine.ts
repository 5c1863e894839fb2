// The alert lifecycle engine. Pure: no I/O, no clock (every call takes `now`), no randomness.
//
// Inputs: anomalies, verdicts, deployments, silences, delivery outcomes, timer ticks.
// Outputs (drained by the pipeline): changed state entries (→ the compacted state topic),
// AlertRecords (→ vigil_alerts), RollbackRecords (→ vigil_rollbacks), notification intents,
// change events and rollback requests.
//
// This file routes inputs (grouping of anomalies into alerts by rule and group labels, dedup of
// replays, verdicts, deployments, silences, operator actions) to the units that own each job:
//   alert-lifecycle.ts          the state machine of one alert (pending → firing → resolved, flap guard)
//   notification-reconciler.ts  what each receiver must be told, and delivery outcomes
//   rollback-decider.ts         one rollback decision per deployment, with guard rails
//   engine-state.ts             the state entries and their checkpointing (changed keys)
//   engine-outbox.ts            the output queues the pipeline drains
// Restarts re-send at most the notifications whose outcome was not recorded, with the same dedup
// key (PagerDuty dedup_key, Opsgenie alias, Alertmanager labels collapse them: nobody is paged twice).
//
// Cost: an anomaly is O(rules + groupBy) plus O(silences + deployment alerts) when reconciled;
// a tick is O(alerts). Memory: one AlertState (~1-2 KB JSON) per alert group while active and
// for `retainResolvedMs` after resolution; nothing per series.
import type { AlertRecord, AnomalyRecord, DeploymentRecord, RollbackRecord, VerdictRecord } from '@vigil/records';
import { stableId } from '@vigil/records';
import { alertId as makeAlertId, anomalyLabels, groupLabels, matchRules } from '../rules/rules.js';
import type { Rule, Severity } from '../rules/rules.js';
import { truncate } from './alert-record.js';
import { absorb, advanceTimers, newAlert, reopen } from './alert-lifecycle.js';
import type { AlertTiming } from './alert-lifecycle.js';
import { EngineOutbox } from './engine-outbox.js';
import { EngineState } from './engine-state.js';
import { NotificationReconciler, hasOpenReceiver, pushNotification } from './notification-reconciler.js';
import type { ReceiverPolicy } from './notification-reconciler.js';
import { RollbackDecider } from './rollback-decider.js';
import type { RollbackResult } from './rollback-decider.js';
import { silenceActive } from './silences.js';
import type { Silence } from './silences.js';
import type {
  AlertState, ChangeIntent, DeliveryOutcome, DeploymentState, NotificationIntent, RollbackState, SilenceState, StateValue, VerdictState,
} from './types.js';

export { toAlertRecord, truncate } from './alert-record.js';
export type { ReceiverPolicy } from './notification-reconciler.js';

export const DEPLOYMENT_RULE = 'deployment-verdict';
const MAX_DEPLOYMENTS_PER_SERVICE = 20;
const HOUR_MS = 3_600_000;

export interface EngineOptions {
  rules: Rule[];
  receivers: Record<string, ReceiverPolicy>;
  retainResolvedMs: number;
  /** Used for alerts whose rule is gone from the configuration. */
  defaults: { repeatIntervalMs: number; resolveAfterMs: number; flapWindowMs: number };
  deployments: { receivers: string[]; severity: Severity; inhibitSlackMs: number; autoResolveMs: number };
  rollback: { enabled: boolean; onFailedVerdict: boolean; maxPerServicePerHour: number; maxDeploymentAgeMs: number };
}

export interface EngineCounters {
  anomalies: number;
  anomaliesStale: number;
  anomaliesUnmatched: number;
  verdicts: number;
  deployments: number;
}

export class AlertEngine {
  private readonly state = new EngineState();
  private readonly outbox = new EngineOutbox();
  private readonly rules = new Map<string, Rule>();
  private readonly notifications: NotificationReconciler;
  private readonly rollbackDecider: RollbackDecider;
  readonly counters: EngineCounters = { anomalies: 0, anomaliesStale: 0, anomaliesUnmatched: 0, verdicts: 0, deployments: 0 };

  constructor(private readonly options: EngineOptions) {
    for (const r of options.rules) this.rules.set(r.name, r);
    this.notifications = new NotificationReconciler(this.state, this.outbox, this.rules, {
      receivers: options.receivers, defaultRepeatIntervalMs: options.defaults.repeatIntervalMs, inhibitSlackMs: options.deployments.inhibitSlackMs,
    });
    this.rollbackDecider = new RollbackDecider(this.state, this.outbox, options.rollback);
  }

  private get alerts(): Map<string, AlertState> {
    return this.state.alerts;
  }

  // ---------------------------------------------------------------- state (de)serialisation

  /** Load one entry of the state topic (key → value; null = deleted). Used to rebuild on start. */
  restore(key: string, value: StateValue | null): void {
    this.state.restore(key, value);
  }

  /**
   * After restoring: rollbacks that were requested but never finished (the process stopped while
   * the hook ran) are closed as failed, never re-run (at most once). Everything is reconciled.
   */
  afterRestore(now: number): void {
    this.rollbackDecider.closeInterrupted(now);
    this.notifications.touchAll();
  }

  /** Every state entry as [key, value]: for tests and the admin API. */
  snapshot(): Array<[string, StateValue]> {
    return this.state.snapshot();
  }

  /** Changed state entries since the last drain (value null = delete the key). */
  drainState(): Array<{ key: string; value: StateValue | null }> {
    return this.state.drain();
  }

  drainAlertRecords(): AlertRecord[] {
    return this.outbox.drainAlertRecords(this.alerts);
  }

  drainRollbackRecords(): RollbackRecord[] {
    return this.outbox.drainRollbackRecords();
  }

  drainChanges(): ChangeIntent[] {
    return this.outbox.drainChanges();
  }

  drainRollbackRequests(): ReturnType<EngineOutbox['drainRollbackRequests']> {
    return this.outbox.drainRollbackRequests();
  }

  hasPendingOutput(): boolean {
    return this.state.changed || this.outbox.hasRecords;
  }

  // ---------------------------------------------------------------- queries

  getAlert(id: string): AlertState | undefined {
    return this.alerts.get(id);
  }

  listAlerts(): AlertState[] {
    return [...this.alerts.values()];
  }

  listSilences(now: number): Array<SilenceState & { state: 'active' | 'pending' | 'expired' }> {
    return [...this.state.silences.values()].map((s) => ({
      ...s,
      state: silenceActive(s, now) ? 'active' : s.startsAtMs > now ? 'pending' : 'expired',
    }));
  }

  getRollback(deploymentId: string): RollbackState | undefined {
    return this.state.rollbacks.get(deploymentId);
  }

  /** The latest verdict for service + version (the newest deployment of that version). */
  verdictFor(service: string, version: string): VerdictState | undefined {
    let best: VerdictState | undefined;
    for (const v of this.state.verdicts.values()) {
      if (v.service !== service || v.version !== version) continue;
      if (!best || v.deployedAtMs > best.deployedAtMs || (v.deployedAtMs === best.deployedAtMs && v.updatedAtMs > best.updatedAtMs)) best = v;
    }
    return best;
  }

  /** The latest deployment of a service Vigil watched (a first-seen version is no deployment). */
  latestDeployment(service: string): DeploymentState | undefined {
    let best: DeploymentState | undefined;
    for (const d of this.state.deployments.values()) if (d.service === service && !d.firstSeen && (!best || d.timeMs > best.timeMs)) best = d;
    return best;
  }

  deploymentsOf(service: string, version?: string): DeploymentState[] {
    return [...this.state.deployments.values()].filter((d) => d.service === service && (version === undefined || d.version === version));
  }

  /**
   * Attach the similar past incidents (incident memory) to an alert's current incident. Kept in
   * the alert's state so that notifications, re-sends after a restart and the API show them.
   */
  annotateSimilar(alertId: string, incidentId: string, similar: AlertState['similar']): boolean {
    const alert = this.alerts.get(alertId);
    if (!alert || alert.incidentId !== incidentId) return false;
    alert.similar = similar;
    this.markState(alert);
    return true;
  }

  // ---------------------------------------------------------------- operator actions (Slack, API)

  /**
   * Audit an operator action in the alert's history: a notifications entry with kind
   * "action:<name>", who and what (it reaches vigil_alerts and the alerts table like every
   * delivery outcome).
   */
  recordAction(alertId: string, name: string, by: string, detail: string, now: number): boolean {
    const alert = this.alerts.get(alertId);
    if (!alert) return false;
    pushNotification(alert, { receiver: 'operator', kind: `action:${name}`, status: 'sent', attempts: 0, atMs: now, by: truncate(by, 200), detail: truncate(detail, 500) });
    alert.updatedAtMs = now;
    this.markState(alert);
    this.markRecord(alert);
    return true;
  }

  /** Acknowledge the alert's current incident: once (no more reminders for it); audited. */
  acknowledge(alertId: string, by: string, now: number): { outcome: 'done' | 'already' | 'unknown'; by?: string } {
    const alert = this.alerts.get(alertId);
    if (!alert) return { outcome: 'unknown' };
    if (alert.acknowledgedAtMs !== undefined) return { outcome: 'already', by: alert.acknowledgedBy };
    alert.acknowledgedAtMs = now;
    alert.acknowledgedBy = by;
    this.recordAction(alertId, 'acknowledge', by, `incident ${alert.incidentId} acknowledged`, now);
    this.notifications.touch(alertId);
    return { outcome: 'done', by };
  }

  /**
   * Roll back the deployment behind an alert now, through the same decision as an automatic
   * rollback: once per deployment, maxPerServicePerHour, maxDeploymentAgeMs, dry run (the hook
   * runs after the pipeline persisted the decision). Audited on the alert and as a RollbackRecord.
   */
  rollbackNow(alertId: string, by: string, now: number): { outcome: 'requested' | 'already' | 'no_deployment' | 'disabled' | 'unknown'; rollback?: RollbackState } {
    const alert = this.alerts.get(alertId);
    if (!alert) return { outcome: 'unknown' };
    const dep = alert.deployment;
    if (!dep) return { outcome: 'no_deployment' };
    const existing = this.state.rollbacks.get(dep.id);
    if (existing) return { outcome: 'already', rollback: existing };
    if (!this.options.rollback.enabled) return { outcome: 'disabled' };
    this.rollbackDecider.request({
      deploymentId: dep.id, service: alert.service, version: dep.version, reason: `rollback asked by ${by}: ${alert.summary}`,
      alertId, deployedAtMs: dep.deployedAtMs, ...(alert.verdictId ? { verdictId: alert.verdictId } : {}),
    }, now);
    this.recordAction(alertId, 'rollback', by, `rollback of ${alert.service} ${dep.version} (${dep.id}) requested`, now);
    return { outcome: 'requested', rollback: this.state.rollbacks.get(dep.id) };
  }

  // ---------------------------------------------------------------- inputs

  /**
   * Apply one anomaly: grouped into one alert per matching rule and group labels; a replayed
   * anomaly does not reopen. `suppressedBy`: operator feedback judged this pattern benign
   * (incident memory); it still joins its alert (evidence, lifecycle) but an alert made only of
   * such anomalies is muted, and the mute is recorded in its notifications as suppressed.
   */
  onAnomaly(a: AnomalyRecord, now: number, suppressedBy?: string): void {
    this.counters.anomalies++;
    const labels = anomalyLabels(a);
    const rules = matchRules(this.options.rules, a, labels);
    if (rules.length === 0) {
      this.counters.anomaliesUnmatched++;
      return;
    }
    for (const rule of rules) {
      // An anomaly older than the quiet period cannot hold an alert open: it would resolve at once.
      if (now - a.windowEndMs > rule.resolveAfterMs) {
        this.counters.anomaliesStale++;
        continue;
      }
      const group = groupLabels(rule, labels);
      const id = makeAlertId(rule.name, group);
      let alert = this.alerts.get(id);
      if (!alert) {
        alert = newAlert(id, 0, rule, group, a, now);
        this.alerts.set(id, alert);
        this.markRecord(alert);
      } else if (alert.status === 'resolved') {
        const step = reopen(alert, a.id, rule.flapWindowMs, now);
        if (step === 'replayed') continue;
        if (step === 'new-incident') {
          const next = newAlert(id, alert.incidentNumber + 1, rule, group, a, now);
          this.outbox.closeIncident(alert); // the old incident's last word
          this.alerts.set(id, next);
          alert = next;
        }
        this.markRecord(alert);
      }
      if (absorb(alert, rule, a, now)) this.markRecord(alert);
      if (suppressedBy === undefined) {
        alert.unsuppressedAnomalies = (alert.unsuppressedAnomalies ?? 0) + 1;
        alert.feedbackSuppressedBy = undefined;
      } else if (!alert.unsuppressedAnomalies) {
        alert.feedbackSuppressedBy = suppressedBy;
      }
      this.evaluate(alert, now);
      this.markState(alert);
      this.notifications.touch(id);
    }
  }

  onVerdict(v: VerdictRecord, now: number): void {
    this.counters.verdicts++;
    const prev = this.state.verdicts.get(v.deploymentId);
    // Keep the newest status of a deployment: a replayed 'running' does not undo a decision.
    const decided = (s: string): boolean => s === 'pass' || s === 'fail' || s === 'inconclusive';
    if (!prev || !(decided(prev.status) && !decided(v.status))) {
      this.state.verdicts.set(v.deploymentId, {
        type: 'verdict', deploymentId: v.deploymentId, id: v.id, service: v.service, version: v.version,
        baselineVersion: v.baselineVersion, status: v.status, mode: v.mode, deployedAtMs: v.deployedAtMs,
        decidedAtMs: v.decidedAtMs, summary: v.summary, evidence: v.evidence, updatedAtMs: now,
        ...(v.policy ? { policy: v.policy } : {}), ...(v.policyReason ? { policyReason: v.policyReason } : {}), ...(v.baseline ? { baseline: v.baseline } : {}),
      });
      this.state.mark('verdict', v.deploymentId);
    }
    if (v.status === 'pass') this.resolveDeploymentAlerts(v.service, v.deployedAtMs, v.deploymentId, now);
    if (v.status !== 'fail') return;

    const id = stableId('deployment-alert', v.deploymentId);
    const existing = this.alerts.get(id);
    if (!existing) {
      const group = { service: v.service, version: v.version, deployment: v.deploymentId };
      const alert: AlertState = {
        type: 'alert', id, incidentId: id, incidentNumber: 0, rule: DEPLOYMENT_RULE, kind: 'deployment',
        status: 'firing', severity: this.options.deployments.severity, service: v.service,
        labels: { alertname: DEPLOYMENT_RULE, ...group }, summary: truncate(`Deployment ${v.service} ${v.version} failed verification: ${v.summary}`, 1024),
        startsAtMs: now, firingAtMs: now, lastSeenMs: now, updatedAtMs: now, everFired: true, flapping: false, flapCount: 0,
        anomalyIds: [], anomalyCount: 0, verdictId: v.id,
        deployment: { id: v.deploymentId, version: v.version, deployedAtMs: v.deployedAtMs },
        verdictSummary: v.summary, receivers: [...this.options.deployments.receivers], receiverState: {}, notifications: [],
        action: 'notify',
      };
      this.alerts.set(id, alert);
      this.markState(alert);
      this.markRecord(alert);
      this.notifications.touch(id);
      // Inhibition: the symptom alerts of this service are now explained by the deployment.
      for (const other of this.alerts.values()) if (other.kind === 'symptom' && other.service === v.service) this.notifications.touch(other.id);
    }
    if (this.options.rollback.enabled && this.options.rollback.onFailedVerdict) {
      this.rollbackDecider.request({
        deploymentId: v.deploymentId, service: v.service, version: v.version, reason: `verdict fail: ${v.summary}`,
        verdictId: v.id, alertId: id, deployedAtMs: v.deployedAtMs,
      }, now);
    }
  }

  onDeployment(d: DeploymentRecord, now: number): void {
    this.counters.deployments++;
    const known = this.state.deployments.has(d.id);
    this.state.deployments.set(d.id, {
      type: 'deployment', id: d.id, service: d.service, version: d.version, environment: d.environment, commit: d.commit,
      previousVersion: d.previousVersion, timeMs: d.timeMs, links: d.links, ...(d.firstSeen === true ? { firstSeen: true } : {}),
    });
    this.state.mark('deployment', d.id);
    this.pruneDeployments(d.service);
    if (known) return;
    // First contact (record.firstSeen): the service was running before Vigil met it. Nothing was
    // deployed, so no deployment alert is resolved by it and its change event says so: learning.
    const firstSeen = d.firstSeen === true;
    if (!firstSeen) this.resolveDeploymentAlerts(d.service, d.timeMs, d.id, now);
    const where = d.environment ? ` in ${d.environment}` : '';
    this.outbox.pushChange({
      id: stableId('change', 'deployment', d.id), kind: 'deployment', service: d.service, version: d.version,
      summary: truncate(firstSeen
        ? `First seen ${d.service} ${d.version}${where}: no baseline yet, learning (not judged as a deployment)`
        : `Deployed ${d.service} ${d.version}${d.previousVersion ? ` (was ${d.previousVersion})` : ''}${d.environment ? ` to ${d.environment}` : ''}`, 1024),
      atMs: d.timeMs,
      details: {
        deploymentId: d.id, service: d.service, version: d.version, previousVersion: d.previousVersion, environment: d.environment, commit: d.commit, source: d.source,
        ...(firstSeen ? { firstSeen: true } : {}),
      },
      links: d.links,
    });
  }

  addSilence(s: Silence): void {
    this.state.silences.set(s.id, { type: 'silence', ...s });
    this.state.mark('silence', s.id);
    this.notifications.touchAll();
  }

  /** Expire a silence now (Alertmanager semantics: it stays listed as expired until pruned). */
  expireSilence(id: string, now: number): boolean {
    const s = this.state.silences.get(id);
    if (!s) return false;
    if (s.endsAtMs > now) s.endsAtMs = now;
    if (s.startsAtMs > now) s.startsAtMs = now;
    this.state.mark('silence', id);
    this.notifications.touchAll();
    return true;
  }

  /** Timers: for, resolve, flap hysteresis, repeat/resend, silence and retention expiry. */
  tick(now: number): void {
    for (const alert of this.alerts.values()) {
      const before = alert.status;
      this.evaluate(alert, now);
      if (alert.status !== before) this.markState(alert);
      if (alert.status === 'resolved' && alert.endsAtMs !== undefined && now - alert.endsAtMs > this.options.retainResolvedMs && !hasOpenReceiver(alert)) {
        this.alerts.delete(alert.id);
        this.state.mark('alert', alert.id);
        this.outbox.forgetRecord(alert.id);
        continue;
      }
      this.notifications.touch(alert.id);
    }
    for (const s of this.state.silences.values()) {
      // Expired silences stay listed for a day, as Alertmanager keeps them for inspection.
      if (s.endsAtMs + 24 * HOUR_MS < now) {
        this.state.silences.delete(s.id);
        this.state.mark('silence', s.id);
      }
    }
    for (const [id, v] of this.state.verdicts) {
      if (now - v.updatedAtMs > this.options.retainResolvedMs) {
        this.state.verdicts.delete(id);
        this.state.mark('verdict', id);
      }
    }
    this.rollbackDecider.prune(this.options.retainResolvedMs, now);
  }

  // ---------------------------------------------------------------- notifications

  /** Notifications due now for the alerts touched since the last call (all, after a tick). */
  reconcile(now: number): NotificationIntent[] {
    return this.notifications.reconcile(now);
  }

  /** Record a delivery outcome; the alert is reconciled again at the next `reconcile`. */
  onDelivery(intent: NotificationIntent, outcome: DeliveryOutcome, now: number): void {
    this.notifications.delivered(intent, outcome, now);
  }

  // ---------------------------------------------------------------- rollbacks

  /** The pipeline calls this when a rollback hook finished (or was skipped / dry-run). */
  finishRollback(deploymentId: string, r: RollbackResult, now: number): void {
    this.rollbackDecider.finish(deploymentId, r, now);
  }

  // ---------------------------------------------------------------- internals

  private timingOf(alert: AlertState): AlertTiming {
    const rule = this.rules.get(alert.rule);
    return {
      resolveAfterMs: alert.kind === 'deployment' ? this.options.deployments.autoResolveMs : (rule?.resolveAfterMs ?? this.options.defaults.resolveAfterMs),
      flapWindowMs: rule?.flapWindowMs ?? this.options.defaults.flapWindowMs,
      forMs: rule?.forMs ?? 0,
    };
  }

  /** Time-driven transitions of one alert; a rule with action: rollback asks for it when it fires. */
  private evaluate(alert: AlertState, now: number): void {
    for (const step of advanceTimers(alert, this.timingOf(alert), now)) {
      this.markRecord(alert);
      this.markState(alert);
      if (step === 'fired' && alert.action === 'rollback' && alert.deployment && this.options.rollback.enabled) {
        this.rollbackDecider.request({
          deploymentId: alert.deployment.id, service: alert.service, version: alert.deployment.version,
          reason: `rule ${alert.rule} fired: ${alert.summary}`, alertId: alert.id, deployedAtMs: alert.deployment.deployedAtMs,
        }, now);
      }
    }
  }

  private resolveDeploymentAlerts(service: string, newerThanMs: number, exceptDeploymentId: string, now: number): void {
    for (const a of this.alerts.values()) {
      if (a.kind !== 'deployment' || a.status === 'resolved' || a.service !== service || !a.deployment) continue;
      if (a.deployment.id === exceptDeploymentId || a.deployment.deployedAtMs >= newerThanMs) continue;
      a.status = 'resolved';
      a.endsAtMs = now;
      a.updatedAtMs = now;
      this.markState(a);
      this.markRecord(a);
      this.notifications.touch(a.id);
      for (const other of this.alerts.values()) if (other.service === service) this.notifications.touch(other.id);
    }
  }

  private pruneDeployments(service: string): void {
    const list = this.deploymentsOf(service).sort((x, y) => y.timeMs - x.timeMs);
    for (const d of list.slice(MAX_DEPLOYMENTS_PER_SERVICE)) {
      this.state.deployments.delete(d.id);
      this.state.mark('deployment', d.id);
    }
  }

  private markState(alert: AlertState): void {
    this.state.mark('alert', alert.id);
  }

  private markRecord(alert: AlertState): void {
    this.outbox.markRecord(alert);
  }
}
