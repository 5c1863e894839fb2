import { describe, expect, it } from 'vitest';
import { absorb, advanceTimers, newAlert, reopen } from './alert-lifecycle.js';
import { MIN, T0, testAnomaly, testRule } from './unit-fixtures.test-util.js';

const timing = { resolveAfterMs: 5 * MIN, flapWindowMs: 15 * MIN, forMs: 2 * MIN };

describe('alert lifecycle state machine', () => {
  it('pending → firing once `for` elapsed → resolved after the quiet period; nothing happens to a resolved alert', () => {
    const rule = testRule();
    const alert = newAlert('al', 0, rule, { service: 'checkout' }, testAnomaly('a1', T0), T0);
    expect(alert.status).toBe('pending');
    expect(advanceTimers(alert, timing, T0 + MIN)).toEqual([]);
    alert.lastSeenMs = T0 + MIN;
    expect(advanceTimers(alert, timing, T0 + 2 * MIN)).toEqual(['fired']);
    expect(alert).toMatchObject({ status: 'firing', firingAtMs: T0 + 2 * MIN, everFired: true });
    expect(advanceTimers(alert, timing, T0 + 6 * MIN)).toEqual(['resolved']);
    expect(alert).toMatchObject({ status: 'resolved', endsAtMs: T0 + 6 * MIN });
    expect(advanceTimers(alert, timing, T0 + 60 * MIN)).toEqual([]);
  });

  it('reopen: a replay is ignored, a return within the flap window flaps, later is a new incident, a never-fired alert is pending again', () => {
    const rule = testRule();
    const fired = newAlert('al', 0, rule, { service: 'checkout' }, testAnomaly('a1', T0), T0);
    absorb(fired, rule, testAnomaly('a1', T0), T0);
    Object.assign(fired, { status: 'resolved', everFired: true, endsAtMs: T0 + 10 * MIN });
    expect(reopen(fired, 'a1', timing.flapWindowMs, T0 + 11 * MIN)).toBe('replayed');
    expect(reopen(fired, 'a2', timing.flapWindowMs, T0 + 40 * MIN)).toBe('new-incident');
    expect(fired.status).toBe('resolved');
    expect(reopen(fired, 'a2', timing.flapWindowMs, T0 + 20 * MIN)).toBe('flapping');
    expect(fired).toMatchObject({ status: 'firing', flapping: true, flapCount: 1, reopenedAtMs: T0 + 20 * MIN, endsAtMs: undefined });
    // Hysteresis: it stays firing a whole flap window, then it is steady again.
    fired.lastSeenMs = T0 + 34 * MIN;
    expect(advanceTimers(fired, timing, T0 + 35 * MIN)).toEqual(['steady-again']);
    expect(fired.flapping).toBe(false);

    const quiet = newAlert('al2', 0, rule, { service: 'checkout' }, testAnomaly('b1', T0), T0);
    Object.assign(quiet, { status: 'resolved', endsAtMs: T0 + MIN });
    expect(reopen(quiet, 'b2', timing.flapWindowMs, T0 + 2 * MIN)).toBe('pending');
    expect(quiet).toMatchObject({ status: 'pending', startsAtMs: T0 + 2 * MIN });
  });

  it('absorb keeps the highest severity unless the rule fixes it, and the newest 50 anomaly ids', () => {
    const rule = testRule();
    const alert = newAlert('al', 0, rule, { service: 'checkout' }, testAnomaly('a0', T0), T0);
    expect(alert.severity).toBe('warning');
    expect(absorb(alert, rule, testAnomaly('a0', T0), T0)).toBe(false);
    expect(absorb(alert, rule, testAnomaly('a1', T0, { severity: 'critical' }), T0)).toBe(true);
    expect(absorb(alert, rule, testAnomaly('a2', T0, { severity: 'warning' }), T0)).toBe(false);
    expect(alert.severity).toBe('critical');
    for (let i = 3; i < 60; i++) absorb(alert, rule, testAnomaly(`a${i}`, T0), T0);
    expect(alert.anomalyIds).toHaveLength(50);
    expect(alert.anomalyIds[0]).toBe('a10');
    expect(alert.anomalyCount).toBe(60);
    const fixed = testRule({ severity: 'info' } as never);
    expect(absorb(alert, fixed, testAnomaly('a99', T0, { severity: 'critical' }), T0)).toBe(true);
    expect(alert.severity).toBe('info');
  });
});
