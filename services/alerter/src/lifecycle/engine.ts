// The alert lifecycle engine. Pure: no I/O, no clock (every call takes `now`), no randomness.
//
// Inputs: anomalies, verdicts, deployments, silences, delivery outcomes, timer ticks.
// Outputs (drained by the pipeline): changed state entries (→ the compacted state topic),
// AlertRecords (→ vigil_alerts), RollbackRecords (→ vigil_rollbacks), notification intents,
// change events and rollback requests.
//
// Lifecycle of one alert (one rule + one set of group labels):
//   pending ──for elapsed──▶ firing ──no anomaly for resolveAfter──▶ resolved
//   resolved ──anomaly within flapWindow of the resolution──▶ firing again, same incident,
//              flagged `flapping`: no new page until it stays firing for flapWindow (hysteresis)
//   resolved ──anomaly after flapWindow──▶ a new incident (incident number + 1, new dedup key)
// Notifications are reconciled per receiver, not fired on transitions: a receiver should hold
// an open alert exactly while the alert fires and is not muted (silence, inhibition, flap
// guard). `reconcile` compares that with what each receiver was last told and emits the
// difference (trigger, repeat every repeatInterval, refresh every resendInterval, resolve).
// Because the "told" state is persisted only after a delivery is confirmed, a restart re-sends
// at most the notifications whose outcome was not recorded, with the same dedup key (PagerDuty
// dedup_key, Opsgenie alias, Alertmanager labels collapse them: nobody is paged twice).
// A resolve is always sent to a receiver holding an open alert, even when muted, so no page is
// left dangling.
//
// Cost: an anomaly is O(rules + groupBy) plus O(silences + deployment alerts) when reconciled;
// a tick is O(alerts). Memory: one AlertState (~1-2 KB JSON) per alert group while active and
// for `retainResolvedMs` after resolution; nothing per series.
import type { AlertRecord, AnomalyRecord, DeploymentRecord, RollbackRecord, VerdictRecord } from '@vigil/records';
import { stableId } from '@vigil/records';
import {
  SEVERITY_RANK, alertId as makeAlertId, anomalyLabels, groupLabels, incidentId as makeIncidentId, matchRules,
} from '../rules/rules.js';
import type { Rule, Severity } from '../rules/rules.js';
import { silenceActive, silenceMatches } from './silences.js';
import type { Silence } from './silences.js';
import type {
  AlertState, ChangeIntent, DeliveryOutcome, DeploymentState, NotificationAction, NotificationIntent, ReceiverState,
  RollbackRequest, RollbackState, SilenceState, StateValue, VerdictState,
} from './types.js';

export const DEPLOYMENT_RULE = 'deployment-verdict';
const MAX_ANOMALY_IDS = 50;
const MAX_NOTIFICATIONS = 50;
const MAX_DEPLOYMENTS_PER_SERVICE = 20;
/** A failed resolve is retried this many notification series, then given up. */
const MAX_RESOLVE_FAILURES = 3;
/** After a failed notification series, wait this long (or the repeat interval, if shorter). */
const FAILED_RETRY_MS = 5 * 60_000;
const HOUR_MS = 3_600_000;

export interface ReceiverPolicy {
  /** Re-send while firing (Alertmanager). */
  resendIntervalMs?: number;
  /** Send repeats (reminders) at the rule's repeat interval. */
  repeats: boolean;
  /** Takes change events (PagerDuty). */
  changes: boolean;
}

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
  private readonly alerts = new Map<string, AlertState>();
  private readonly silences = new Map<string, SilenceState>();
  private readonly deployments = new Map<string, DeploymentState>();
  private readonly verdicts = new Map<string, VerdictState>();
  private readonly rollbacks = new Map<string, RollbackState>();
  private readonly rules = new Map<string, Rule>();
  /** (alertId \0 receiver) with a notification under way: at most one per receiver and alert. */
  private readonly inflight = new Set<string>();
  private readonly dirtyKeys = new Set<string>();
  private readonly recordIds = new Set<string>();
  private alertRecords: AlertRecord[] = [];
  private rollbackRecords: RollbackRecord[] = [];
  private changes: ChangeIntent[] = [];
  private rollbackRequests: RollbackRequest[] = [];
  /** Alerts to reconcile at the next `reconcile` call (all of them on a tick). */
  private readonly touched = new Set<string>();
  readonly counters: EngineCounters = { anomalies: 0, anomaliesStale: 0, anomaliesUnmatched: 0, verdicts: 0, deployments: 0 };

  constructor(private readonly options: EngineOptions) {
    for (const r of options.rules) this.rules.set(r.name, r);
  }

  // ---------------------------------------------------------------- state (de)serialisation

  /** Load one entry of the state topic (key → value; null = deleted). Used to rebuild on start. */
  restore(key: string, value: StateValue | null): void {
    const [kind, ...rest] = key.split(':');
    const id = rest.join(':');
    const maps: Record<string, Map<string, StateValue>> = {
      alert: this.alerts as Map<string, StateValue>,
      silence: this.silences as Map<string, StateValue>,
      deployment: this.deployments as Map<string, StateValue>,
      verdict: this.verdicts as Map<string, StateValue>,
      rollback: this.rollbacks as Map<string, StateValue>,
    };
    const map = maps[kind];
    if (!map) return;
    if (value === null) map.delete(id);
    else map.set(id, value);
  }

  /**
   * After restoring: rollbacks that were requested but never finished (the process stopped while
   * the hook ran) are closed as failed, never re-run (at most once). Everything is reconciled.
   */
  afterRestore(now: number): void {
    for (const rb of this.rollbacks.values()) {
      if (rb.phase === 'requested') {
        this.finishRollback(rb.deploymentId, { result: 'failed', hook: 'none', dryRun: false, detail: 'interrupted by a restart while running; not re-run (at most once per deployment)' }, now);
      }
    }
    for (const id of this.alerts.keys()) this.touched.add(id);
  }

  /** Every state entry as [key, value]: for tests and the admin API. */
  snapshot(): Array<[string, StateValue]> {
    const out: Array<[string, StateValue]> = [];
    for (const [id, v] of this.alerts) out.push([`alert:${id}`, v]);
    for (const [id, v] of this.silences) out.push([`silence:${id}`, v]);
    for (const [id, v] of this.deployments) out.push([`deployment:${id}`, v]);
    for (const [id, v] of this.verdicts) out.push([`verdict:${id}`, v]);
    for (const [id, v] of this.rollbacks) out.push([`rollback:${id}`, v]);
    return out;
  }

  /** Changed state entries since the last drain (value null = delete the key). */
  drainState(): Array<{ key: string; value: StateValue | null }> {
    const out: Array<{ key: string; value: StateValue | null }> = [];
    for (const key of this.dirtyKeys) {
      const [kind, ...rest] = key.split(':');
      const id = rest.join(':');
      const value =
        kind === 'alert' ? this.alerts.get(id) :
        kind === 'silence' ? this.silences.get(id) :
        kind === 'deployment' ? this.deployments.get(id) :
        kind === 'verdict' ? this.verdicts.get(id) :
        this.rollbacks.get(id);
      out.push({ key, value: value ? structuredClone(value) : null });
    }
    this.dirtyKeys.clear();
    return out;
  }

  drainAlertRecords(): AlertRecord[] {
    const out: AlertRecord[] = [];
    for (const id of this.recordIds) {
      const a = this.alerts.get(id);
      if (a) out.push(toAlertRecord(a));
    }
    this.recordIds.clear();
    const extra = this.alertRecords;
    this.alertRecords = [];
    return [...extra, ...out];
  }

  drainRollbackRecords(): RollbackRecord[] {
    const out = this.rollbackRecords;
    this.rollbackRecords = [];
    return out;
  }

  drainChanges(): ChangeIntent[] {
    const out = this.changes;
    this.changes = [];
    return out;
  }

  drainRollbackRequests(): RollbackRequest[] {
    const out = this.rollbackRequests;
    this.rollbackRequests = [];
    return out;
  }

  hasPendingOutput(): boolean {
    return this.dirtyKeys.size > 0 || this.recordIds.size > 0 || this.alertRecords.length > 0 || this.rollbackRecords.length > 0;
  }

  // ---------------------------------------------------------------- queries

  getAlert(id: string): AlertState | undefined {
    return this.alerts.get(id);
  }

  listAlerts(): AlertState[] {
    return [...this.alerts.values()];
  }

  listSilences(now: number): Array<SilenceState & { state: 'active' | 'pending' | 'expired' }> {
    return [...this.silences.values()].map((s) => ({
      ...s,
      state: silenceActive(s, now) ? 'active' : s.startsAtMs > now ? 'pending' : 'expired',
    }));
  }

  getRollback(deploymentId: string): RollbackState | undefined {
    return this.rollbacks.get(deploymentId);
  }

  /** The latest verdict for service + version (the newest deployment of that version). */
  verdictFor(service: string, version: string): VerdictState | undefined {
    let best: VerdictState | undefined;
    for (const v of this.verdicts.values()) {
      if (v.service !== service || v.version !== version) continue;
      if (!best || v.deployedAtMs > best.deployedAtMs || (v.deployedAtMs === best.deployedAtMs && v.updatedAtMs > best.updatedAtMs)) best = v;
    }
    return best;
  }

  /** The latest deployment of a service Vigil watched (a first-seen version is no deployment). */
  latestDeployment(service: string): DeploymentState | undefined {
    let best: DeploymentState | undefined;
    for (const d of this.deployments.values()) if (d.service === service && !d.firstSeen && (!best || d.timeMs > best.timeMs)) best = d;
    return best;
  }

  deploymentsOf(service: string, version?: string): DeploymentState[] {
    return [...this.deployments.values()].filter((d) => d.service === service && (version === undefined || d.version === version));
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
    this.pushNotification(alert, { receiver: 'operator', kind: `action:${name}`, status: 'sent', attempts: 0, atMs: now, by: truncate(by, 200), detail: truncate(detail, 500) });
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
    this.touched.add(alertId);
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
    const existing = this.rollbacks.get(dep.id);
    if (existing) return { outcome: 'already', rollback: existing };
    if (!this.options.rollback.enabled) return { outcome: 'disabled' };
    this.requestRollback({
      deploymentId: dep.id, service: alert.service, version: dep.version, reason: `rollback asked by ${by}: ${alert.summary}`,
      alertId, deployedAtMs: dep.deployedAtMs, ...(alert.verdictId ? { verdictId: alert.verdictId } : {}),
    }, now);
    this.recordAction(alertId, 'rollback', by, `rollback of ${alert.service} ${dep.version} (${dep.id}) requested`, now);
    return { outcome: 'requested', rollback: this.rollbacks.get(dep.id) };
  }

  // ---------------------------------------------------------------- inputs

  /**
   * Apply one anomaly. `suppressedBy`: operator feedback judged this pattern benign (incident
   * memory); it still joins its alert (evidence, lifecycle) but an alert made only of such
   * anomalies is muted, and the mute is recorded in its notifications as suppressed.
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
        alert = this.newAlert(id, 0, rule, group, a, now);
        this.alerts.set(id, alert);
        this.markRecord(alert);
      } else if (alert.status === 'resolved') {
        if (alert.anomalyIds.includes(a.id)) continue; // a replayed anomaly does not reopen
        const sinceEnd = now - (alert.endsAtMs ?? now);
        if (alert.everFired && sinceEnd <= rule.flapWindowMs) {
          // Flap guard: same incident, firing again, but no new page (see header).
          alert.status = 'firing';
          alert.flapping = true;
          alert.flapCount++;
          alert.reopenedAtMs = now;
          alert.endsAtMs = undefined;
        } else if (!alert.everFired) {
          // A pending alert that went quiet and came back: the same (never notified) incident.
          alert.status = 'pending';
          alert.startsAtMs = now;
          alert.endsAtMs = undefined;
        } else {
          const next = this.newAlert(id, alert.incidentNumber + 1, rule, group, a, now);
          if (this.recordIds.delete(id)) this.alertRecords.push(toAlertRecord(alert)); // the old incident's last word
          this.alerts.set(id, next);
          alert = next;
        }
        this.markRecord(alert);
      }
      this.absorb(alert, rule, a, now);
      if (suppressedBy === undefined) {
        alert.unsuppressedAnomalies = (alert.unsuppressedAnomalies ?? 0) + 1;
        alert.feedbackSuppressedBy = undefined;
      } else if (!alert.unsuppressedAnomalies) {
        alert.feedbackSuppressedBy = suppressedBy;
      }
      this.evaluate(alert, now);
      this.markState(alert);
      this.touched.add(id);
    }
  }

  onVerdict(v: VerdictRecord, now: number): void {
    this.counters.verdicts++;
    const prev = this.verdicts.get(v.deploymentId);
    // Keep the newest status of a deployment: a replayed 'running' does not undo a decision.
    const decided = (s: string): boolean => s === 'pass' || s === 'fail' || s === 'inconclusive';
    if (!prev || !(decided(prev.status) && !decided(v.status))) {
      this.verdicts.set(v.deploymentId, {
        type: 'verdict', deploymentId: v.deploymentId, id: v.id, service: v.service, version: v.version,
        baselineVersion: v.baselineVersion, status: v.status, mode: v.mode, deployedAtMs: v.deployedAtMs,
        decidedAtMs: v.decidedAtMs, summary: v.summary, evidence: v.evidence, updatedAtMs: now,
        ...(v.policy ? { policy: v.policy } : {}), ...(v.policyReason ? { policyReason: v.policyReason } : {}), ...(v.baseline ? { baseline: v.baseline } : {}),
      });
      this.dirtyKeys.add(`verdict:${v.deploymentId}`);
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
      this.touched.add(id);
      // Inhibition: the symptom alerts of this service are now explained by the deployment.
      for (const other of this.alerts.values()) if (other.kind === 'symptom' && other.service === v.service) this.touched.add(other.id);
    }
    if (this.options.rollback.enabled && this.options.rollback.onFailedVerdict) {
      this.requestRollback({
        deploymentId: v.deploymentId, service: v.service, version: v.version, reason: `verdict fail: ${v.summary}`,
        verdictId: v.id, alertId: id, deployedAtMs: v.deployedAtMs,
      }, now);
    }
  }

  onDeployment(d: DeploymentRecord, now: number): void {
    this.counters.deployments++;
    const known = this.deployments.has(d.id);
    this.deployments.set(d.id, {
      type: 'deployment', id: d.id, service: d.service, version: d.version, environment: d.environment, commit: d.commit,
      previousVersion: d.previousVersion, timeMs: d.timeMs, links: d.links, ...(d.firstSeen === true ? { firstSeen: true } : {}),
    });
    this.dirtyKeys.add(`deployment:${d.id}`);
    this.pruneDeployments(d.service);
    if (known) return;
    // First contact (record.firstSeen): the service was running before Vigil met it. Nothing was
    // deployed, so no deployment alert is resolved by it and its change event says so: learning.
    const firstSeen = d.firstSeen === true;
    if (!firstSeen) this.resolveDeploymentAlerts(d.service, d.timeMs, d.id, now);
    const where = d.environment ? ` in ${d.environment}` : '';
    this.changes.push({
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
    this.silences.set(s.id, { type: 'silence', ...s });
    this.dirtyKeys.add(`silence:${s.id}`);
    for (const id of this.alerts.keys()) this.touched.add(id);
  }

  /** Expire a silence now (Alertmanager semantics: it stays listed as expired until pruned). */
  expireSilence(id: string, now: number): boolean {
    const s = this.silences.get(id);
    if (!s) return false;
    if (s.endsAtMs > now) s.endsAtMs = now;
    if (s.startsAtMs > now) s.startsAtMs = now;
    this.dirtyKeys.add(`silence:${id}`);
    for (const aid of this.alerts.keys()) this.touched.add(aid);
    return true;
  }

  /** Timers: for, resolve, flap hysteresis, repeat/resend, silence and retention expiry. */
  tick(now: number): void {
    for (const alert of this.alerts.values()) {
      const before = alert.status;
      this.evaluate(alert, now);
      if (alert.status !== before) this.markState(alert);
      if (alert.status === 'resolved' && alert.endsAtMs !== undefined && now - alert.endsAtMs > this.options.retainResolvedMs && !this.hasOpenReceiver(alert)) {
        this.alerts.delete(alert.id);
        this.dirtyKeys.add(`alert:${alert.id}`);
        this.recordIds.delete(alert.id);
        continue;
      }
      this.touched.add(alert.id);
    }
    for (const s of this.silences.values()) {
      // Expired silences stay listed for a day, as Alertmanager keeps them for inspection.
      if (s.endsAtMs + 24 * HOUR_MS < now) {
        this.silences.delete(s.id);
        this.dirtyKeys.add(`silence:${s.id}`);
      }
    }
    for (const [id, v] of this.verdicts) {
      if (now - v.updatedAtMs > this.options.retainResolvedMs) {
        this.verdicts.delete(id);
        this.dirtyKeys.add(`verdict:${id}`);
      }
    }
    for (const [id, r] of this.rollbacks) {
      if (r.phase === 'done' && now - (r.doneAtMs ?? r.requestedAtMs) > this.options.retainResolvedMs) {
        this.rollbacks.delete(id);
        this.dirtyKeys.add(`rollback:${id}`);
      }
    }
  }

  // ---------------------------------------------------------------- notifications

  /** Notifications due now for the alerts touched since the last call (all, after a tick). */
  reconcile(now: number): NotificationIntent[] {
    const out: NotificationIntent[] = [];
    for (const id of this.touched) {
      const alert = this.alerts.get(id);
      if (alert) this.reconcileAlert(alert, now, out);
    }
    this.touched.clear();
    return out;
  }

  /** Record a delivery outcome; the alert is reconciled again at the next `reconcile`. */
  onDelivery(intent: NotificationIntent, outcome: DeliveryOutcome, now: number): void {
    this.inflight.delete(`${intent.alert.id}\0${intent.receiver}`);
    const alert = this.alerts.get(intent.alert.id);
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
    this.pushNotification(alert, {
      receiver: intent.receiver, kind: intent.action, status: outcome.status, attempts: outcome.attempts, atMs: now,
      ...(outcome.error ? { error: truncate(outcome.error, 300) } : {}),
    });
    alert.updatedAtMs = now;
    this.markState(alert);
    this.markRecord(alert);
    this.touched.add(alert.id);
  }

  // ---------------------------------------------------------------- rollbacks

  /** The pipeline calls this when a rollback hook finished (or was skipped / dry-run). */
  finishRollback(
    deploymentId: string,
    r: { result: 'succeeded' | 'failed' | 'skipped'; hook: 'webhook' | 'command' | 'none'; dryRun: boolean; detail?: string },
    now: number,
  ): void {
    const rb = this.rollbacks.get(deploymentId);
    if (!rb || rb.phase === 'done') return;
    Object.assign(rb, { phase: 'done', result: r.result, hook: r.hook, dryRun: r.dryRun, detail: r.detail, doneAtMs: now });
    this.dirtyKeys.add(`rollback:${deploymentId}`);
    this.rollbackRecords.push(rollbackRecord(rb, now));
    this.changes.push({
      id: stableId('change', 'rollback', deploymentId), kind: 'rollback', service: rb.service, version: rb.version,
      summary: truncate(`Rollback of ${rb.service} ${rb.version} ${r.dryRun ? '(dry run) ' : ''}${r.result}: ${rb.reason}`, 1024),
      atMs: now, details: { deploymentId, result: r.result, hook: r.hook, dryRun: r.dryRun, detail: r.detail, reason: rb.reason },
    });
  }

  /** Decide once per deployment; guard rails (age, rate) produce a skipped record, never a run. */
  private requestRollback(req: RollbackRequest, now: number): void {
    if (this.rollbacks.has(req.deploymentId)) return; // exactly once per deployment
    const dep = this.deployments.get(req.deploymentId);
    const full: RollbackRequest = {
      ...req,
      previousVersion: req.previousVersion ?? dep?.previousVersion,
      environment: req.environment ?? dep?.environment,
      commit: req.commit ?? dep?.commit,
      deployedAtMs: req.deployedAtMs ?? dep?.timeMs,
    };
    const rb: RollbackState = {
      type: 'rollback', deploymentId: req.deploymentId, service: req.service, version: req.version,
      previousVersion: full.previousVersion, environment: full.environment, reason: truncate(req.reason, 1000),
      verdictId: req.verdictId, alertId: req.alertId, phase: 'requested', requestedAtMs: now,
    };
    this.rollbacks.set(req.deploymentId, rb);
    this.dirtyKeys.add(`rollback:${req.deploymentId}`);
    const g = this.options.rollback;
    if (full.deployedAtMs !== undefined && now - full.deployedAtMs > g.maxDeploymentAgeMs) {
      this.finishRollback(req.deploymentId, { result: 'skipped', hook: 'none', dryRun: false, detail: `deployment is ${Math.round((now - full.deployedAtMs) / 60_000)} min old, older than maxDeploymentAgeMs (${g.maxDeploymentAgeMs} ms)` }, now);
      return;
    }
    let recent = 0;
    for (const other of this.rollbacks.values()) {
      if (other.service === req.service && other.deploymentId !== req.deploymentId && now - other.requestedAtMs < HOUR_MS && other.result !== 'skipped') recent++;
    }
    if (recent >= g.maxPerServicePerHour) {
      this.finishRollback(req.deploymentId, { result: 'skipped', hook: 'none', dryRun: false, detail: `${recent} rollback(s) of ${req.service} in the last hour: maxPerServicePerHour (${g.maxPerServicePerHour}) reached` }, now);
      return;
    }
    this.rollbackRequests.push(full);
  }

  // ---------------------------------------------------------------- internals

  private newAlert(id: string, incidentNumber: number, rule: Rule, group: Record<string, string>, a: AnomalyRecord, now: number): AlertState {
    return {
      type: 'alert', id, incidentId: makeIncidentId(id, incidentNumber), incidentNumber, rule: rule.name, kind: 'symptom',
      status: 'pending', severity: rule.config.severity ?? a.severity, service: a.service,
      labels: { alertname: rule.name, ...group }, summary: '', startsAtMs: now, lastSeenMs: now, updatedAtMs: now,
      everFired: false, flapping: false, flapCount: 0, anomalyIds: [], anomalyCount: 0, receivers: [...rule.receivers],
      receiverState: {}, notifications: [], action: rule.action,
    };
  }

  private absorb(alert: AlertState, rule: Rule, a: AnomalyRecord, now: number): void {
    alert.lastSeenMs = Math.max(alert.lastSeenMs, now);
    alert.updatedAtMs = now;
    if (!alert.anomalyIds.includes(a.id)) {
      alert.anomalyIds.push(a.id);
      if (alert.anomalyIds.length > MAX_ANOMALY_IDS) alert.anomalyIds.shift();
      alert.anomalyCount++;
    }
    const sev = rule.config.severity ?? (SEVERITY_RANK[a.severity] > SEVERITY_RANK[alert.severity] ? a.severity : alert.severity);
    if (sev !== alert.severity) {
      alert.severity = sev;
      this.markRecord(alert);
    }
    alert.receivers = [...rule.receivers];
    alert.action = rule.action;
    if (a.deployment) alert.deployment = { id: a.deployment.id, version: a.deployment.version, deployedAtMs: now - a.deployment.ageMs };
    alert.evidence = {
      anomalyId: a.id, seriesKey: a.seriesKey, signal: a.signal, metric: a.metric, operation: a.operation, value: a.value,
      expected: a.expected, lower: a.lower, upper: a.upper, score: a.score, threshold: a.threshold, components: a.components,
      windowStartMs: a.windowStartMs, windowEndMs: a.windowEndMs, summary: a.summary,
    };
    alert.summary = truncate(a.summary || `${a.service} ${a.metric}${a.operation ? ` ${a.operation}` : ''} is anomalous (score ${a.score.toFixed(2)})`, 1024);
  }

  /** Time-driven transitions of one alert. */
  private evaluate(alert: AlertState, now: number): void {
    const rule = this.rules.get(alert.rule);
    const resolveAfter = alert.kind === 'deployment' ? this.options.deployments.autoResolveMs : (rule?.resolveAfterMs ?? this.options.defaults.resolveAfterMs);
    const flapWindow = rule?.flapWindowMs ?? this.options.defaults.flapWindowMs;
    const forMs = rule?.forMs ?? 0;
    if (alert.status === 'resolved') return;
    if (now - alert.lastSeenMs >= resolveAfter) {
      alert.status = 'resolved';
      alert.endsAtMs = now;
      alert.updatedAtMs = now;
      this.markRecord(alert);
      this.markState(alert);
      return;
    }
    if (alert.status === 'pending' && now - alert.startsAtMs >= forMs) {
      alert.status = 'firing';
      alert.firingAtMs = now;
      alert.everFired = true;
      alert.updatedAtMs = now;
      this.markRecord(alert);
      this.markState(alert);
      if (alert.action === 'rollback' && alert.deployment && this.options.rollback.enabled) {
        this.requestRollback({
          deploymentId: alert.deployment.id, service: alert.service, version: alert.deployment.version,
          reason: `rule ${alert.rule} fired: ${alert.summary}`, alertId: alert.id, deployedAtMs: alert.deployment.deployedAtMs,
        }, now);
      }
    }
    if (alert.flapping && alert.reopenedAtMs !== undefined && now - alert.reopenedAtMs >= flapWindow) {
      // Hysteresis: it stayed firing a whole flap window; it is a real problem again.
      alert.flapping = false;
      this.markRecord(alert);
      this.markState(alert);
    }
  }

  private muteReason(alert: AlertState, now: number): string | undefined {
    if (alert.flapping) return `flap guard: re-opened ${alert.flapCount}× within the flap window`;
    if (alert.feedbackSuppressedBy) return `suppressed by feedback ${alert.feedbackSuppressedBy} (judged not an anomaly)`;
    for (const s of this.silences.values()) {
      if (silenceActive(s, now) && silenceMatches(s, alert.labels)) return `silenced by ${s.id}`;
    }
    if (alert.kind === 'symptom') {
      for (const d of this.alerts.values()) {
        if (d.kind !== 'deployment' || d.status !== 'firing' || d.service !== alert.service || !d.deployment) continue;
        const explained = alert.deployment?.id === d.deployment.id || alert.startsAtMs >= d.deployment.deployedAtMs - this.options.deployments.inhibitSlackMs;
        if (explained) return `inhibited by deployment alert ${d.id} (${d.deployment.version})`;
      }
    }
    return undefined;
  }

  private hasOpenReceiver(alert: AlertState): boolean {
    return Object.values(alert.receiverState).some((r) => r.open);
  }

  private reconcileAlert(alert: AlertState, now: number, out: NotificationIntent[]): void {
    if (alert.receivers.length === 0 && !this.hasOpenReceiver(alert)) return;
    const mute = alert.status === 'firing' ? this.muteReason(alert, now) : undefined;
    const wantOpen = alert.status === 'firing' && mute === undefined;
    const rule = this.rules.get(alert.rule);
    const repeatMs = rule?.repeatIntervalMs ?? this.options.defaults.repeatIntervalMs;
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
          this.markState(alert);
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
        this.pushNotification(alert, { receiver: name, kind: 'trigger', status: 'suppressed', attempts: 0, atMs: now, error: mute });
        this.markState(alert);
        this.markRecord(alert);
      }
      if (!action) continue;
      this.inflight.add(key);
      out.push({
        id: stableId('notification', alert.incidentId, name, rs.sends, action),
        receiver: name, action, alert: structuredClone(alert), atMs: now,
      });
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
      this.touched.add(a.id);
      for (const other of this.alerts.values()) if (other.service === service) this.touched.add(other.id);
    }
  }

  private pruneDeployments(service: string): void {
    const list = this.deploymentsOf(service).sort((x, y) => y.timeMs - x.timeMs);
    for (const d of list.slice(MAX_DEPLOYMENTS_PER_SERVICE)) {
      this.deployments.delete(d.id);
      this.dirtyKeys.add(`deployment:${d.id}`);
    }
  }

  private pushNotification(alert: AlertState, n: AlertState['notifications'][number]): void {
    alert.notifications.push(n);
    if (alert.notifications.length > MAX_NOTIFICATIONS) alert.notifications.shift();
  }

  private markState(alert: AlertState): void {
    this.dirtyKeys.add(`alert:${alert.id}`);
  }

  private markRecord(alert: AlertState): void {
    this.recordIds.add(alert.id);
  }
}

function receiverState(alert: AlertState, name: string): ReceiverState {
  let rs = alert.receiverState[name];
  if (!rs) {
    rs = { open: false, sends: 0, failures: 0 };
    alert.receiverState[name] = rs;
  }
  return rs;
}

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

export function toAlertRecord(a: AlertState): AlertRecord {
  return {
    schema: 'vigil.alert/1',
    id: a.id,
    incidentId: a.incidentId,
    rule: a.rule,
    status: a.status,
    severity: a.severity,
    service: a.service,
    labels: { ...a.labels },
    summary: a.summary,
    startsAtMs: a.startsAtMs,
    ...(a.endsAtMs !== undefined ? { endsAtMs: a.endsAtMs } : {}),
    updatedAtMs: a.updatedAtMs,
    anomalyIds: [...a.anomalyIds],
    ...(a.verdictId ? { verdictId: a.verdictId } : {}),
    notifications: a.notifications.map((n) => ({ ...n })),
  };
}

function rollbackRecord(rb: RollbackState, now: number): RollbackRecord {
  return {
    schema: 'vigil.rollback/1',
    id: stableId('rollback', rb.deploymentId),
    deploymentId: rb.deploymentId,
    service: rb.service,
    version: rb.version,
    reason: rb.reason,
    ...(rb.verdictId ? { verdictId: rb.verdictId } : {}),
    ...(rb.alertId ? { alertId: rb.alertId } : {}),
    hook: rb.hook ?? 'none',
    dryRun: rb.dryRun ?? false,
    result: rb.result ?? 'failed',
    ...(rb.detail ? { detail: rb.detail } : {}),
    atMs: now,
  };
}
