// Operator actions on the engine (what the Slack app calls): acknowledge and roll back now,
// with the same guard rails as automatic rollbacks.
import { describe, expect, it } from 'vitest';
import type { AnomalyRecord } from '@vigil/records';
import { compileRules } from '../rules/rules.js';
import type { RuleConfig } from '../rules/rules.js';
import { AlertEngine } from './engine.js';

const MIN = 60_000;
const T0 = 1_700_000_000_000;

function engine(rollback: Partial<{ enabled: boolean; maxPerServicePerHour: number; maxDeploymentAgeMs: number }> = {}): AlertEngine {
  const rules = [{ name: 'errors', match: { labels: {} }, minScore: 0, forMs: 0, groupBy: ['service', 'metric', 'operation'], receivers: ['pd'], action: 'notify', continue: false } as RuleConfig];
  return new AlertEngine({
    rules: compileRules(rules, { repeatIntervalMs: 60 * MIN, resolveAfterMs: 5 * MIN, flapWindowMs: 15 * MIN }),
    receivers: { pd: { repeats: true, changes: false } },
    retainResolvedMs: 24 * 60 * MIN,
    defaults: { repeatIntervalMs: 60 * MIN, resolveAfterMs: 5 * MIN, flapWindowMs: 15 * MIN },
    deployments: { receivers: [], severity: 'critical', inhibitSlackMs: MIN, autoResolveMs: 24 * 60 * MIN },
    rollback: { enabled: true, onFailedVerdict: false, maxPerServicePerHour: 2, maxDeploymentAgeMs: 2 * 60 * MIN, ...rollback },
  });
}

let seq = 0;
const anomaly = (now: number, dep: { id: string; version: string; ageMs: number }, service = 'checkout'): AnomalyRecord => ({
  schema: 'vigil.anomaly/1', id: `a${++seq}`, seriesId: 's1', seriesKey: `${service}|POST /pay|error_ratio`, service, signal: 'traces', metric: 'error_ratio',
  operation: 'POST /pay', windowStartMs: now - 10_000, windowEndMs: now, value: 0.2, expected: 0.01, lower: 0, upper: 0.03, score: 0.99, threshold: 0.9,
  components: ['spot'], severity: 'critical', summary: 'errors', deployment: dep,
});

describe('operator actions', () => {
  it('acknowledge: once, audited, and no reminders for the incident afterwards', () => {
    const e = engine();
    e.onAnomaly(anomaly(T0, { id: 'd1', version: '2', ageMs: MIN }), T0);
    const [first] = e.reconcile(T0);
    e.onDelivery(first, { status: 'sent', attempts: 1 }, T0);
    const id = e.listAlerts()[0].id;
    expect(e.acknowledge(id, 'slack:U1', T0 + MIN)).toEqual({ outcome: 'done', by: 'slack:U1' });
    expect(e.acknowledge(id, 'slack:U2', T0 + 2 * MIN)).toEqual({ outcome: 'already', by: 'slack:U1' });
    expect(e.acknowledge('nope', 'slack:U2', T0)).toEqual({ outcome: 'unknown' });
    // Keep it firing past the repeat interval: without the acknowledgement it would repeat.
    e.onAnomaly(anomaly(T0 + 61 * MIN, { id: 'd1', version: '2', ageMs: 62 * MIN }), T0 + 61 * MIN);
    e.tick(T0 + 61 * MIN);
    expect(e.reconcile(T0 + 61 * MIN)).toEqual([]);
    const audit = e.getAlert(id)!.notifications.filter((n) => n.kind.startsWith('action:'));
    expect(audit).toEqual([{ receiver: 'operator', kind: 'action:acknowledge', status: 'sent', attempts: 0, atMs: T0 + MIN, by: 'slack:U1', detail: `incident ${id} acknowledged` }]);
  });

  it('roll back now: once per deployment; age limit and rate limit answer skipped, never a run; disabled and no deployment refused', () => {
    const e = engine();
    e.onAnomaly(anomaly(T0, { id: 'd1', version: '2', ageMs: MIN }), T0);
    const id = e.listAlerts()[0].id;
    expect(e.rollbackNow(id, 'slack:U1', T0).outcome).toBe('requested');
    expect(e.drainRollbackRequests().map((r) => r.deploymentId)).toEqual(['d1']);
    expect(e.rollbackNow(id, 'slack:U1', T0 + 1000).outcome).toBe('already');
    expect(e.drainRollbackRequests()).toEqual([]);

    const old = engine();
    old.onAnomaly(anomaly(T0, { id: 'd-old', version: '2', ageMs: 3 * 60 * MIN }), T0);
    const r = old.rollbackNow(old.listAlerts()[0].id, 'slack:U1', T0);
    expect(r.rollback).toMatchObject({ phase: 'done', result: 'skipped', detail: expect.stringMatching(/older than maxDeploymentAgeMs/) as unknown });
    expect(old.drainRollbackRequests()).toEqual([]);

    const rated = engine({ maxPerServicePerHour: 1 });
    rated.onAnomaly(anomaly(T0, { id: 'da', version: '2', ageMs: MIN }), T0);
    rated.rollbackNow(rated.listAlerts()[0].id, 'slack:U1', T0);
    rated.finishRollback('da', { result: 'succeeded', hook: 'webhook', dryRun: false }, T0);
    // A second deployment of the same service within the hour: the rate limit skips it.
    rated.onAnomaly({ ...anomaly(T0 + MIN, { id: 'db', version: '3', ageMs: MIN }), operation: 'GET /cart', seriesKey: 'checkout|GET /cart|error_ratio' }, T0 + MIN);
    const second = rated.listAlerts().find((a) => a.deployment?.id === 'db')!;
    expect(rated.rollbackNow(second.id, 'slack:U1', T0 + MIN).rollback).toMatchObject({ result: 'skipped', detail: expect.stringMatching(/maxPerServicePerHour/) as unknown });

    const off = engine({ enabled: false });
    off.onAnomaly(anomaly(T0, { id: 'd1', version: '2', ageMs: MIN }), T0);
    expect(off.rollbackNow(off.listAlerts()[0].id, 'slack:U1', T0).outcome).toBe('disabled');
    expect(off.rollbackNow('nope', 'slack:U1', T0).outcome).toBe('unknown');
  });
});
