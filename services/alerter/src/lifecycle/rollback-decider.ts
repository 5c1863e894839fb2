// Rollback decisions: at most one per deployment, ever; guard rails (deployment age, rollbacks
// per service per hour) turn a request into an audited skip, never a run. A decision is state
// (rollback:<deploymentId>) before the hook runs, so a replay or a restart never runs it twice.
import type { RollbackRecord } from '@vigil/records';
import { stableId } from '@vigil/records';
import { truncate } from './alert-record.js';
import type { EngineOutbox } from './engine-outbox.js';
import type { EngineState } from './engine-state.js';
import type { RollbackRequest, RollbackState } from './types.js';

const HOUR_MS = 3_600_000;

export interface RollbackGuards {
  enabled: boolean;
  onFailedVerdict: boolean;
  maxPerServicePerHour: number;
  maxDeploymentAgeMs: number;
}

export interface RollbackResult {
  result: 'succeeded' | 'failed' | 'skipped';
  hook: 'webhook' | 'command' | 'none';
  dryRun: boolean;
  detail?: string;
}

export class RollbackDecider {
  constructor(private readonly state: EngineState, private readonly outbox: EngineOutbox, private readonly guards: RollbackGuards) {}

  /** Decide once per deployment; a request that passes the guard rails goes to the hook queue. */
  request(req: RollbackRequest, now: number): void {
    const rollbacks = this.state.rollbacks;
    if (rollbacks.has(req.deploymentId)) return; // exactly once per deployment
    const dep = this.state.deployments.get(req.deploymentId);
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
    rollbacks.set(req.deploymentId, rb);
    this.state.mark('rollback', req.deploymentId);
    const g = this.guards;
    if (full.deployedAtMs !== undefined && now - full.deployedAtMs > g.maxDeploymentAgeMs) {
      this.finish(req.deploymentId, { result: 'skipped', hook: 'none', dryRun: false, detail: `deployment is ${Math.round((now - full.deployedAtMs) / 60_000)} min old, older than maxDeploymentAgeMs (${g.maxDeploymentAgeMs} ms)` }, now);
      return;
    }
    let recent = 0;
    for (const other of rollbacks.values()) {
      if (other.service === req.service && other.deploymentId !== req.deploymentId && now - other.requestedAtMs < HOUR_MS && other.result !== 'skipped') recent++;
    }
    if (recent >= g.maxPerServicePerHour) {
      this.finish(req.deploymentId, { result: 'skipped', hook: 'none', dryRun: false, detail: `${recent} rollback(s) of ${req.service} in the last hour: maxPerServicePerHour (${g.maxPerServicePerHour}) reached` }, now);
      return;
    }
    this.outbox.pushRollbackRequest(full);
  }

  /** A hook finished (or was skipped / dry-run): audited as a RollbackRecord and a change event. */
  finish(deploymentId: string, r: RollbackResult, now: number): void {
    const rb = this.state.rollbacks.get(deploymentId);
    if (!rb || rb.phase === 'done') return;
    Object.assign(rb, { phase: 'done', result: r.result, hook: r.hook, dryRun: r.dryRun, detail: r.detail, doneAtMs: now });
    this.state.mark('rollback', deploymentId);
    this.outbox.pushRollbackRecord(rollbackRecord(rb, now));
    this.outbox.pushChange({
      id: stableId('change', 'rollback', deploymentId), kind: 'rollback', service: rb.service, version: rb.version,
      summary: truncate(`Rollback of ${rb.service} ${rb.version} ${r.dryRun ? '(dry run) ' : ''}${r.result}: ${rb.reason}`, 1024),
      atMs: now, details: { deploymentId, result: r.result, hook: r.hook, dryRun: r.dryRun, detail: r.detail, reason: rb.reason },
    });
  }

  /** After a restore: rollbacks requested but never finished are closed as failed, never re-run (at most once). */
  closeInterrupted(now: number): void {
    for (const rb of this.state.rollbacks.values()) {
      if (rb.phase === 'requested') {
        this.finish(rb.deploymentId, { result: 'failed', hook: 'none', dryRun: false, detail: 'interrupted by a restart while running; not re-run (at most once per deployment)' }, now);
      }
    }
  }

  /** Done decisions older than `retainMs` leave the state. */
  prune(retainMs: number, now: number): void {
    for (const [id, r] of this.state.rollbacks) {
      if (r.phase === 'done' && now - (r.doneAtMs ?? r.requestedAtMs) > retainMs) {
        this.state.rollbacks.delete(id);
        this.state.mark('rollback', id);
      }
    }
  }
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
