import { describe, expect, it } from 'vitest';
import { EngineOutbox } from './engine-outbox.js';
import { EngineState } from './engine-state.js';
import { RollbackDecider } from './rollback-decider.js';
import { MIN, T0 } from './unit-fixtures.test-util.js';

function decider(maxPerServicePerHour = 1) {
  const state = new EngineState();
  const outbox = new EngineOutbox();
  const d = new RollbackDecider(state, outbox, { enabled: true, onFailedVerdict: true, maxPerServicePerHour, maxDeploymentAgeMs: 60 * MIN });
  return { state, outbox, d };
}

const req = (deploymentId: string, deployedAtMs: number) => ({ deploymentId, service: 'checkout', version: '2', reason: 'fail', deployedAtMs });

describe('rollback decisions', () => {
  it('one decision per deployment: the request reaches the hook queue once, the decision is state', () => {
    const { state, outbox, d } = decider();
    d.request(req('d1', T0), T0 + MIN);
    d.request(req('d1', T0), T0 + 2 * MIN);
    expect(outbox.drainRollbackRequests().map((r) => r.deploymentId)).toEqual(['d1']);
    expect(state.drain().map((e) => e.key)).toEqual(['rollback:d1']);
    d.finish('d1', { result: 'succeeded', hook: 'webhook', dryRun: false }, T0 + 3 * MIN);
    d.finish('d1', { result: 'failed', hook: 'webhook', dryRun: false }, T0 + 4 * MIN); // already done: ignored
    expect(outbox.drainRollbackRecords().map((r) => [r.result, r.atMs])).toEqual([['succeeded', T0 + 3 * MIN]]);
    expect(outbox.drainChanges()).toHaveLength(1);
  });

  it('guard rails skip (audited, never queued): too old a deployment, too many per service per hour', () => {
    const { outbox, d } = decider(1);
    d.request(req('old', T0), T0 + 61 * MIN);
    d.request(req('d1', T0 + 60 * MIN), T0 + 61 * MIN);
    d.request(req('d2', T0 + 60 * MIN), T0 + 62 * MIN);
    expect(outbox.drainRollbackRequests().map((r) => r.deploymentId)).toEqual(['d1']);
    const skipped = outbox.drainRollbackRecords();
    expect(skipped.map((r) => [r.deploymentId, r.result])).toEqual([['old', 'skipped'], ['d2', 'skipped']]);
    expect(skipped[0].detail).toContain('older than maxDeploymentAgeMs');
    expect(skipped[1].detail).toContain('maxPerServicePerHour (1)');
  });

  it('a decision interrupted by a restart is closed as failed, and done decisions leave the state after the retention', () => {
    const { state, outbox, d } = decider();
    d.request(req('d1', T0), T0);
    d.closeInterrupted(T0 + MIN);
    expect(state.rollbacks.get('d1')).toMatchObject({ phase: 'done', result: 'failed' });
    expect(outbox.drainRollbackRecords()[0].detail).toContain('not re-run');
    state.drain();
    d.prune(10 * MIN, T0 + 5 * MIN);
    expect(state.rollbacks.has('d1')).toBe(true);
    d.prune(10 * MIN, T0 + 12 * MIN);
    expect(state.rollbacks.has('d1')).toBe(false);
    expect(state.drain()).toEqual([{ key: 'rollback:d1', value: null }]);
  });
});
