import { describe, expect, it } from 'vitest';
import type { AnomalyRecord, VerdictRecord } from '@vigil/records';
import { compileRules } from '../rules/rules.js';
import type { RuleConfig } from '../rules/rules.js';
import { AlertEngine } from './engine.js';
import type { EngineOptions } from './engine.js';
import type { NotificationIntent } from './types.js';

const MIN = 60_000;
const T0 = 1_700_000_000_000;

function rule(over: Partial<RuleConfig> & { name: string }): RuleConfig {
  return {
    match: { labels: {} }, minScore: 0, forMs: 0, groupBy: ['service', 'metric', 'operation'], receivers: ['pd'],
    action: 'notify', continue: false, ...over,
  };
}

function engine(rules: RuleConfig[], over: Partial<EngineOptions> = {}): AlertEngine {
  return new AlertEngine({
    rules: compileRules(rules, { repeatIntervalMs: 60 * MIN, resolveAfterMs: 5 * MIN, flapWindowMs: 15 * MIN }),
    receivers: { pd: { repeats: true, changes: true }, am: { repeats: false, changes: false, resendIntervalMs: MIN }, slack: { repeats: true, changes: false } },
    retainResolvedMs: 24 * 60 * MIN,
    defaults: { repeatIntervalMs: 60 * MIN, resolveAfterMs: 5 * MIN, flapWindowMs: 15 * MIN },
    deployments: { receivers: ['pd'], severity: 'critical', inhibitSlackMs: MIN, autoResolveMs: 24 * 60 * MIN },
    rollback: { enabled: true, onFailedVerdict: true, maxPerServicePerHour: 2, maxDeploymentAgeMs: 2 * 60 * MIN },
    ...over,
  });
}

let seq = 0;
function anomaly(now: number, over: Partial<AnomalyRecord> = {}): AnomalyRecord {
  seq++;
  return {
    schema: 'vigil.anomaly/1', id: `a${seq}`, seriesId: 's1', seriesKey: 'checkout|POST /pay|error_ratio', service: 'checkout',
    signal: 'traces', metric: 'error_ratio', operation: 'POST /pay', windowStartMs: now - 10_000, windowEndMs: now, value: 0.2,
    expected: 0.01, lower: 0, upper: 0.03, score: 0.99, threshold: 0.9, components: ['spot'], severity: 'critical',
    summary: 'error ratio of POST /pay is 20% (expected 1%)', ...over,
  };
}

function verdict(now: number, over: Partial<VerdictRecord> = {}): VerdictRecord {
  return {
    schema: 'vigil.verdict/1', id: 'v1:fail', deploymentId: 'd1', service: 'checkout', version: '1.2.0', baselineVersion: '1.1.0',
    status: 'fail', mode: 'canary', deployedAtMs: now - 5 * MIN, decidedAtMs: now, evidence: [], summary: 'error ratio 20× baseline', ...over,
  };
}

/** Deliver every intent successfully and return them. */
function deliverAll(e: AlertEngine, now: number): NotificationIntent[] {
  const intents = e.reconcile(now);
  for (const i of intents) e.onDelivery(i, { status: 'sent', attempts: 1 }, now);
  return intents;
}

const actions = (xs: NotificationIntent[]): string[] => xs.map((x) => `${x.receiver}:${x.action}`).sort();

describe('AlertEngine lifecycle', () => {
  it('fires at once without `for`, pages once, repeats after repeatInterval, resolves after the quiet period', () => {
    const e = engine([rule({ name: 'errors' })]);
    e.onAnomaly(anomaly(T0), T0);
    const first = deliverAll(e, T0);
    expect(actions(first)).toEqual(['pd:trigger']);
    const alert = e.listAlerts()[0];
    expect(alert.status).toBe('firing');
    expect(first[0].alert.incidentId).toBe(alert.id);
    // More anomalies of the same group: same alert, no new page.
    for (let i = 1; i <= 4; i++) {
      e.onAnomaly(anomaly(T0 + i * 30_000), T0 + i * 30_000);
      expect(deliverAll(e, T0 + i * 30_000)).toEqual([]);
    }
    expect(e.listAlerts()).toHaveLength(1);
    expect(e.listAlerts()[0].anomalyCount).toBe(5);
    // Repeat: an hour after the trigger, still firing.
    e.onAnomaly(anomaly(T0 + 60 * MIN), T0 + 60 * MIN);
    expect(actions(deliverAll(e, T0 + 60 * MIN))).toEqual(['pd:repeat']);
    // Quiet: 5 minutes without anomaly → resolved, resolve sent.
    e.tick(T0 + 64 * MIN);
    expect(e.listAlerts()[0].status).toBe('firing');
    e.tick(T0 + 65 * MIN);
    expect(e.listAlerts()[0].status).toBe('resolved');
    expect(actions(deliverAll(e, T0 + 65 * MIN))).toEqual(['pd:resolve']);
    e.tick(T0 + 66 * MIN);
    expect(deliverAll(e, T0 + 66 * MIN)).toEqual([]);
  });

  it('`for` keeps the alert pending until the condition held long enough; a blip never pages', () => {
    const e = engine([rule({ name: 'errors', forMs: 2 * MIN })]);
    e.onAnomaly(anomaly(T0), T0);
    expect(deliverAll(e, T0)).toEqual([]);
    expect(e.listAlerts()[0].status).toBe('pending');
    e.onAnomaly(anomaly(T0 + MIN), T0 + MIN);
    e.tick(T0 + MIN + 59_000);
    expect(deliverAll(e, T0 + MIN + 59_000)).toEqual([]);
    e.tick(T0 + 2 * MIN);
    expect(e.listAlerts()[0].status).toBe('firing');
    expect(actions(deliverAll(e, T0 + 2 * MIN))).toEqual(['pd:trigger']);

    const blip = engine([rule({ name: 'errors', forMs: 10 * MIN })]);
    blip.onAnomaly(anomaly(T0), T0);
    blip.tick(T0 + 5 * MIN); // quiet for resolveAfter before `for` elapsed
    expect(blip.listAlerts()[0].status).toBe('resolved');
    expect(deliverAll(blip, T0 + 5 * MIN)).toEqual([]);
    expect(blip.listAlerts()[0].everFired).toBe(false);
  });

  it('group_by: one alert per group; labels outside groupBy are merged', () => {
    const e = engine([rule({ name: 'svc', groupBy: ['service'] })]);
    e.onAnomaly(anomaly(T0, { operation: 'POST /pay' }), T0);
    e.onAnomaly(anomaly(T0, { operation: 'GET /cart', metric: 'latency_p99' }), T0);
    e.onAnomaly(anomaly(T0, { service: 'search', operation: 'GET /q' }), T0);
    const alerts = e.listAlerts();
    expect(alerts.map((a) => a.service).sort()).toEqual(['checkout', 'search']);
    expect(alerts.find((a) => a.service === 'checkout')?.labels).toEqual({ alertname: 'svc', service: 'checkout' });
    expect(actions(deliverAll(e, T0))).toEqual(['pd:trigger', 'pd:trigger']);
  });

  it('matches on service, signal, severity, labels and minimum score; first match wins unless continue', () => {
    const e = engine([
      rule({ name: 'pay-errors', match: { service: ['checkout'], signal: 'traces', severity: 'critical', labels: { metric: 'error_ratio', operation: '*' } }, minScore: 0.95, receivers: ['pd'] }),
      rule({ name: 'catch-all', receivers: ['slack'] }),
    ]);
    e.onAnomaly(anomaly(T0, { score: 0.97 }), T0);
    e.onAnomaly(anomaly(T0, { score: 0.91, metric: 'latency_p99' }), T0);
    e.onAnomaly(anomaly(T0, { severity: 'warning', operation: 'GET /x' }), T0);
    e.onAnomaly(anomaly(T0, { operation: undefined, metric: 'error_ratio', seriesKey: 'x', score: 0.99 }), T0); // no operation: '*' needs one
    const rules = e.listAlerts().map((a) => `${a.rule}:${a.labels.metric}:${a.labels.operation}`).sort();
    expect(rules).toEqual(['catch-all:error_ratio:', 'catch-all:error_ratio:GET /x', 'catch-all:latency_p99:POST /pay', 'pay-errors:error_ratio:POST /pay']);

    const both = engine([rule({ name: 'a', continue: true, receivers: ['pd'] }), rule({ name: 'b', receivers: ['slack'] })]);
    both.onAnomaly(anomaly(T0), T0);
    expect(both.listAlerts().map((a) => a.rule).sort()).toEqual(['a', 'b']);
  });

  it('ignores anomalies older than the quiet period (a backlog does not page)', () => {
    const e = engine([rule({ name: 'errors' })]);
    e.onAnomaly(anomaly(T0 - 10 * MIN), T0);
    expect(e.listAlerts()).toHaveLength(0);
    expect(e.counters.anomaliesStale).toBe(1);
  });

  it('flap guard: re-firing within the flap window re-opens the same incident without a page', () => {
    const e = engine([rule({ name: 'errors' })]);
    e.onAnomaly(anomaly(T0), T0);
    expect(actions(deliverAll(e, T0))).toEqual(['pd:trigger']);
    e.tick(T0 + 5 * MIN);
    expect(actions(deliverAll(e, T0 + 5 * MIN))).toEqual(['pd:resolve']);
    const incident = e.listAlerts()[0].incidentId;
    // Flapping: fires again 3 minutes after resolution, several times.
    for (let k = 0; k < 3; k++) {
      const t = T0 + 8 * MIN + k * 6 * MIN;
      e.onAnomaly(anomaly(t), t);
      expect(deliverAll(e, t)).toEqual([]);
      const a = e.listAlerts()[0];
      expect(a.status).toBe('firing');
      expect(a.incidentId).toBe(incident);
      expect(a.flapping).toBe(true);
      e.tick(t + 5 * MIN);
      expect(e.listAlerts()[0].status).toBe('resolved');
      expect(deliverAll(e, t + 5 * MIN)).toEqual([]); // nothing open at the receiver: no resolve either
    }
    const a = e.listAlerts()[0];
    expect(a.flapCount).toBe(3);
    expect(a.notifications.some((n) => n.status === 'suppressed' && /flap guard/.test(n.error ?? ''))).toBe(true);
  });

  it('flap guard hysteresis: a re-opened alert that stays firing a whole flap window pages again', () => {
    const e = engine([rule({ name: 'errors' })]);
    e.onAnomaly(anomaly(T0), T0);
    deliverAll(e, T0);
    e.tick(T0 + 5 * MIN);
    deliverAll(e, T0 + 5 * MIN);
    let t = T0 + 6 * MIN;
    e.onAnomaly(anomaly(t), t);
    expect(deliverAll(e, t)).toEqual([]);
    for (t = T0 + 7 * MIN; t < T0 + 21 * MIN; t += MIN) {
      e.onAnomaly(anomaly(t), t);
      e.tick(t);
      expect(deliverAll(e, t)).toEqual([]);
    }
    t = T0 + 21 * MIN;
    e.onAnomaly(anomaly(t), t);
    e.tick(t);
    expect(actions(deliverAll(e, t))).toEqual(['pd:trigger']);
    expect(e.listAlerts()[0].flapping).toBe(false);
  });

  it('a new incident after the flap window gets a new incident id (new dedup key)', () => {
    const e = engine([rule({ name: 'errors' })]);
    e.onAnomaly(anomaly(T0), T0);
    const [first] = deliverAll(e, T0);
    e.tick(T0 + 5 * MIN);
    deliverAll(e, T0 + 5 * MIN);
    e.drainAlertRecords();
    const t = T0 + 30 * MIN;
    e.onAnomaly(anomaly(t), t);
    const [second] = deliverAll(e, t);
    expect(second.action).toBe('trigger');
    expect(second.alert.id).toBe(first.alert.id);
    expect(second.alert.incidentId).not.toBe(first.alert.incidentId);
    expect(second.alert.incidentNumber).toBe(1);
  });

  it('silences mute new pages until they expire; the page then goes out; a resolve is never withheld', () => {
    const e = engine([rule({ name: 'errors' })]);
    e.addSilence({ id: 's1', matchers: [{ name: 'service', value: 'check.*', isRegex: true }], startsAtMs: T0, endsAtMs: T0 + 10 * MIN, createdBy: 't', comment: '', createdAtMs: T0 });
    e.onAnomaly(anomaly(T0), T0);
    expect(deliverAll(e, T0)).toEqual([]);
    expect(e.listAlerts()[0].notifications.at(-1)).toMatchObject({ status: 'suppressed', error: 'silenced by s1' });
    for (let t = T0 + MIN; t < T0 + 10 * MIN; t += MIN) {
      e.onAnomaly(anomaly(t), t);
      e.tick(t);
      expect(deliverAll(e, t)).toEqual([]);
    }
    const t = T0 + 10 * MIN;
    e.tick(t);
    expect(actions(deliverAll(e, t))).toEqual(['pd:trigger']);
    // A silence created after the page: the resolve still goes out.
    e.addSilence({ id: 's2', matchers: [{ name: 'alertname', value: 'errors' }], startsAtMs: t, endsAtMs: t + 60 * MIN, createdBy: 't', comment: '', createdAtMs: t });
    e.tick(t + 20 * MIN);
    expect(actions(deliverAll(e, t + 20 * MIN))).toEqual(['pd:resolve']);
    expect(e.listSilences(t + 20 * MIN).map((s) => s.state)).toEqual(['expired', 'active']);
    expect(e.expireSilence('s2', t + 21 * MIN)).toBe(true);
    expect(e.listSilences(t + 21 * MIN).map((s) => s.state)).toEqual(['expired', 'expired']);
  });

  it('inhibition: a failed verdict sends one deployment alert and mutes the service symptoms it explains', () => {
    const e = engine([rule({ name: 'errors', receivers: ['pd'] })]);
    const deployedAt = T0 - 2 * MIN;
    e.onVerdict(verdict(T0, { deployedAtMs: deployedAt }), T0);
    e.onAnomaly(anomaly(T0), T0);
    e.onAnomaly(anomaly(T0, { operation: 'GET /cart' }), T0);
    e.onAnomaly(anomaly(T0, { service: 'search', operation: 'GET /q' }), T0); // another service: not inhibited
    const sent = deliverAll(e, T0);
    expect(sent.map((s) => `${s.alert.rule}:${s.alert.service}`).sort()).toEqual(['deployment-verdict:checkout', 'errors:search']);
    const deploymentAlert = e.listAlerts().find((a) => a.kind === 'deployment');
    expect(deploymentAlert?.labels).toMatchObject({ service: 'checkout', version: '1.2.0', deployment: 'd1' });
    const inhibited = e.listAlerts().filter((a) => a.rule === 'errors' && a.service === 'checkout');
    expect(inhibited).toHaveLength(2);
    for (const a of inhibited) expect(a.notifications[0]).toMatchObject({ status: 'suppressed' });
    expect(inhibited[0].notifications[0].error).toMatch(/inhibited by deployment alert/);
    // A newer deployment (the rollback) resolves the deployment alert; the symptoms are no longer inhibited.
    const t = T0 + MIN;
    e.onDeployment({ schema: 'vigil.deployment/1', id: 'd2', service: 'checkout', version: '1.1.0', timeMs: t, source: 'api' }, t);
    e.onAnomaly(anomaly(t), t);
    expect(actions(deliverAll(e, t))).toEqual(['pd:resolve', 'pd:trigger', 'pd:trigger']);
  });

  it('a symptom that started well before the deploy is not inhibited (not explained by it)', () => {
    const e = engine([rule({ name: 'errors' })]);
    e.onAnomaly(anomaly(T0), T0);
    deliverAll(e, T0);
    const t = T0 + 3 * MIN;
    e.onAnomaly(anomaly(t), t);
    e.onVerdict(verdict(t, { deployedAtMs: T0 + 2 * MIN }), t);
    e.tick(t);
    expect(actions(deliverAll(e, t))).toEqual(['pd:trigger']); // only the deployment alert; the symptom stays open
    expect(e.listAlerts().find((a) => a.rule === 'errors')?.receiverState.pd.open).toBe(true);
  });

  it('Alertmanager-style receivers are refreshed every resendInterval while firing', () => {
    const e = engine([rule({ name: 'errors', receivers: ['am'] })]);
    e.onAnomaly(anomaly(T0), T0);
    expect(actions(deliverAll(e, T0))).toEqual(['am:trigger']);
    e.tick(T0 + 30_000);
    expect(deliverAll(e, T0 + 30_000)).toEqual([]);
    e.onAnomaly(anomaly(T0 + MIN), T0 + MIN);
    e.tick(T0 + MIN);
    expect(actions(deliverAll(e, T0 + MIN))).toEqual(['am:refresh']);
  });

  it('one notification in flight per receiver; a failed series is recorded and retried after a backoff window', () => {
    const e = engine([rule({ name: 'errors' })]);
    e.onAnomaly(anomaly(T0), T0);
    const [intent] = e.reconcile(T0);
    e.tick(T0 + 1000);
    expect(e.reconcile(T0 + 1000)).toEqual([]); // still in flight
    e.onDelivery(intent, { status: 'failed', attempts: 6, error: 'HTTP 503' }, T0 + 2000);
    const a = e.listAlerts()[0];
    expect(a.notifications.at(-1)).toMatchObject({ receiver: 'pd', kind: 'trigger', status: 'failed', attempts: 6, error: 'HTTP 503' });
    e.onAnomaly(anomaly(T0 + MIN), T0 + MIN);
    expect(e.reconcile(T0 + MIN)).toEqual([]);
    e.onAnomaly(anomaly(T0 + 5 * MIN), T0 + 5 * MIN);
    const retry = e.reconcile(T0 + 5 * MIN + 2000);
    expect(actions(retry)).toEqual(['pd:trigger']);
    expect(retry[0].id).toBe(intent.id); // same idempotency key: nothing new was delivered
  });

  it('state round-trips through JSON: a rebuilt engine neither pages again nor forgets to resolve', () => {
    const e = engine([rule({ name: 'errors' })]);
    e.onAnomaly(anomaly(T0), T0);
    deliverAll(e, T0);
    const saved = JSON.parse(JSON.stringify(e.drainState())) as Array<{ key: string; value: never }>;
    const f = engine([rule({ name: 'errors' })]);
    for (const { key, value } of saved) f.restore(key, value);
    f.afterRestore(T0 + MIN);
    f.onAnomaly(anomaly(T0 + MIN), T0 + MIN);
    expect(deliverAll(f, T0 + MIN)).toEqual([]);
    f.tick(T0 + 6 * MIN);
    expect(actions(deliverAll(f, T0 + 6 * MIN))).toEqual(['pd:resolve']);
  });

  it('alert records carry status transitions and delivery outcomes', () => {
    const e = engine([rule({ name: 'errors', forMs: MIN })]);
    e.onAnomaly(anomaly(T0), T0);
    expect(e.drainAlertRecords().map((r) => r.status)).toEqual(['pending']);
    e.tick(T0 + MIN);
    deliverAll(e, T0 + MIN);
    const recs = e.drainAlertRecords();
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ status: 'firing', rule: 'errors', service: 'checkout', severity: 'critical' });
    expect(recs[0].notifications).toEqual([{ receiver: 'pd', kind: 'trigger', status: 'sent', attempts: 1, atMs: T0 + MIN }]);
  });
});

describe('AlertEngine rollbacks', () => {
  it('requests exactly one rollback per deployment on a failed verdict, also when the verdict is replayed', () => {
    const e = engine([rule({ name: 'errors' })]);
    e.onDeployment({ schema: 'vigil.deployment/1', id: 'd1', service: 'checkout', version: '1.2.0', previousVersion: '1.1.0', timeMs: T0 - 5 * MIN, source: 'api' }, T0 - 5 * MIN);
    e.onVerdict(verdict(T0), T0);
    e.onVerdict(verdict(T0), T0);
    const reqs = e.drainRollbackRequests();
    expect(reqs).toHaveLength(1);
    expect(reqs[0]).toMatchObject({ deploymentId: 'd1', service: 'checkout', version: '1.2.0', previousVersion: '1.1.0' });
    e.finishRollback('d1', { result: 'succeeded', hook: 'command', dryRun: false, detail: 'exit 0' }, T0 + 1000);
    e.onVerdict(verdict(T0 + 2000), T0 + 2000);
    expect(e.drainRollbackRequests()).toEqual([]);
    const recs = e.drainRollbackRecords();
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ deploymentId: 'd1', hook: 'command', result: 'succeeded', dryRun: false });
  });

  it('guard rails: too old a deployment and too many rollbacks per hour are skipped and audited', () => {
    const e = engine([rule({ name: 'errors' })], {
      rollback: { enabled: true, onFailedVerdict: true, maxPerServicePerHour: 1, maxDeploymentAgeMs: 30 * MIN },
    });
    e.onVerdict(verdict(T0, { deploymentId: 'old', id: 'vo', deployedAtMs: T0 - 40 * MIN }), T0);
    expect(e.drainRollbackRequests()).toEqual([]);
    expect(e.drainRollbackRecords()[0]).toMatchObject({ deploymentId: 'old', result: 'skipped' });
    e.onVerdict(verdict(T0, { deploymentId: 'a', id: 'va' }), T0);
    expect(e.drainRollbackRequests()).toHaveLength(1);
    e.finishRollback('a', { result: 'succeeded', hook: 'command', dryRun: false }, T0);
    e.onVerdict(verdict(T0 + MIN, { deploymentId: 'b', id: 'vb' }), T0 + MIN);
    expect(e.drainRollbackRequests()).toEqual([]);
    expect(e.drainRollbackRecords().at(-1)).toMatchObject({ deploymentId: 'b', result: 'skipped' });
  });

  it('a rule with action: rollback requests the rollback of the deployment behind the anomaly when it fires', () => {
    const e = engine([rule({ name: 'rb', action: 'rollback', forMs: MIN })]);
    e.onAnomaly(anomaly(T0, { deployment: { id: 'd9', version: '2.0.0', ageMs: 3 * MIN } }), T0);
    expect(e.drainRollbackRequests()).toEqual([]);
    e.tick(T0 + MIN);
    expect(e.drainRollbackRequests()).toEqual([expect.objectContaining({ deploymentId: 'd9', version: '2.0.0', alertId: e.listAlerts()[0].id })]);
  });

  it('a rollback interrupted by a restart is closed as failed and never re-run', () => {
    const e = engine([rule({ name: 'errors' })]);
    e.onVerdict(verdict(T0), T0);
    expect(e.drainRollbackRequests()).toHaveLength(1);
    const saved = e.drainState();
    const f = engine([rule({ name: 'errors' })]);
    for (const { key, value } of saved) f.restore(key, value);
    f.afterRestore(T0 + MIN);
    expect(f.drainRollbackRequests()).toEqual([]);
    expect(f.drainRollbackRecords()[0]).toMatchObject({ deploymentId: 'd1', result: 'failed' });
    f.onVerdict(verdict(T0 + 2 * MIN), T0 + 2 * MIN);
    expect(f.drainRollbackRequests()).toEqual([]);
  });
});

describe('first contact (deployment record firstSeen)', () => {
  it('a first-seen version is a change event that says "first seen, learning", pages nobody and resolves no deployment alert', () => {
    const e = engine([rule({ name: 'errors' })]);
    // A failed deploy of checkout is firing; then a collector restart meets the running version as first seen.
    e.onVerdict(verdict(T0), T0);
    deliverAll(e, T0);
    e.drainChanges();
    e.onDeployment({ schema: 'vigil.deployment/1', id: 'd9', service: 'checkout', version: '1.2.0', timeMs: T0 + MIN, source: 'resource', firstSeen: true }, T0 + MIN);
    const changes = e.drainChanges();
    expect(changes).toHaveLength(1);
    // Incident memory asks for the latest deployment of a service: a first-seen version is none.
    expect(e.latestDeployment('checkout')).toBeUndefined();
    expect(changes[0].summary).toBe('First seen checkout 1.2.0: no baseline yet, learning (not judged as a deployment)');
    expect(changes[0].details.firstSeen).toBe(true);
    e.tick(T0 + MIN);
    // Nothing paged for it; the failed deploy's alert is still firing.
    expect(deliverAll(e, T0 + MIN).filter((i) => i.action === 'trigger')).toEqual([]);
    expect(e.listAlerts().filter((a) => a.kind === 'deployment').map((a) => a.status)).toEqual(['firing']);
    // A deploy watched after it resolves the failed one, as before.
    e.onDeployment({ schema: 'vigil.deployment/1', id: 'd10', service: 'checkout', version: '1.3.0', timeMs: T0 + 2 * MIN, source: 'resource' }, T0 + 2 * MIN);
    expect(e.drainChanges()[0].summary).toBe('Deployed checkout 1.3.0');
    expect(e.latestDeployment('checkout')?.id).toBe('d10');
    // A newer first-seen record (a restarted collector meeting another version) is still no deployment.
    e.onDeployment({ schema: 'vigil.deployment/1', id: 'd11', service: 'checkout', version: '1.3.1', timeMs: T0 + 3 * MIN, source: 'resource', firstSeen: true }, T0 + 3 * MIN);
    expect(e.latestDeployment('checkout')?.id).toBe('d10');
  });
});
