// The lifecycle state machine of one alert (one rule + one set of group labels), pure: every
// function takes `now` and changes only the alert it is given; the engine records what changed.
//
//   pending ──for elapsed──▶ firing ──no anomaly for resolveAfter──▶ resolved
//   resolved ──anomaly within flapWindow of the resolution──▶ firing again, same incident,
//              flagged `flapping`: no new page until it stays firing for flapWindow (hysteresis)
//   resolved ──anomaly after flapWindow──▶ a new incident (incident number + 1, new dedup key)
import type { AnomalyRecord } from '@vigil/records';
import { SEVERITY_RANK, incidentId as makeIncidentId } from '../rules/rules.js';
import type { Rule } from '../rules/rules.js';
import { truncate } from './alert-record.js';
import type { AlertState } from './types.js';

const MAX_ANOMALY_IDS = 50;

/** The timers of one alert, from its rule (or the defaults, or the deployment policy). */
export interface AlertTiming {
  resolveAfterMs: number;
  flapWindowMs: number;
  forMs: number;
}

export function newAlert(id: string, incidentNumber: number, rule: Rule, group: Record<string, string>, a: AnomalyRecord, now: number): AlertState {
  return {
    type: 'alert', id, incidentId: makeIncidentId(id, incidentNumber), incidentNumber, rule: rule.name, kind: 'symptom',
    status: 'pending', severity: rule.config.severity ?? a.severity, service: a.service,
    labels: { alertname: rule.name, ...group }, summary: '', startsAtMs: now, lastSeenMs: now, updatedAtMs: now,
    everFired: false, flapping: false, flapCount: 0, anomalyIds: [], anomalyCount: 0, receivers: [...rule.receivers],
    receiverState: {}, notifications: [], action: rule.action,
  };
}

/**
 * What an anomaly does to a resolved alert: `replayed` (already part of it: nothing), `flapping`
 * (same incident, firing again, no new page), `pending` (a never-fired alert came back: same
 * incident), or `new-incident` (the caller replaces the alert). Applies the first three.
 */
export function reopen(alert: AlertState, anomalyId: string, flapWindowMs: number, now: number): 'replayed' | 'flapping' | 'pending' | 'new-incident' {
  if (alert.anomalyIds.includes(anomalyId)) return 'replayed';
  const sinceEnd = now - (alert.endsAtMs ?? now);
  if (alert.everFired && sinceEnd <= flapWindowMs) {
    alert.status = 'firing';
    alert.flapping = true;
    alert.flapCount++;
    alert.reopenedAtMs = now;
    alert.endsAtMs = undefined;
    return 'flapping';
  }
  if (!alert.everFired) {
    alert.status = 'pending';
    alert.startsAtMs = now;
    alert.endsAtMs = undefined;
    return 'pending';
  }
  return 'new-incident';
}

/** Take an anomaly into its alert (evidence, severity, receivers). True when the severity changed. */
export function absorb(alert: AlertState, rule: Rule, a: AnomalyRecord, now: number): boolean {
  alert.lastSeenMs = Math.max(alert.lastSeenMs, now);
  alert.updatedAtMs = now;
  if (!alert.anomalyIds.includes(a.id)) {
    alert.anomalyIds.push(a.id);
    if (alert.anomalyIds.length > MAX_ANOMALY_IDS) alert.anomalyIds.shift();
    alert.anomalyCount++;
  }
  const sev = rule.config.severity ?? (SEVERITY_RANK[a.severity] > SEVERITY_RANK[alert.severity] ? a.severity : alert.severity);
  const severityChanged = sev !== alert.severity;
  alert.severity = sev;
  alert.receivers = [...rule.receivers];
  alert.action = rule.action;
  if (a.deployment) alert.deployment = { id: a.deployment.id, version: a.deployment.version, deployedAtMs: now - a.deployment.ageMs };
  alert.evidence = {
    anomalyId: a.id, seriesKey: a.seriesKey, signal: a.signal, metric: a.metric, operation: a.operation, value: a.value,
    expected: a.expected, lower: a.lower, upper: a.upper, score: a.score, threshold: a.threshold, components: a.components,
    windowStartMs: a.windowStartMs, windowEndMs: a.windowEndMs, summary: a.summary,
  };
  alert.summary = truncate(a.summary || `${a.service} ${a.metric}${a.operation ? ` ${a.operation}` : ''} is anomalous (score ${a.score.toFixed(2)})`, 1024);
  return severityChanged;
}

/** What the timers did to an alert: each step changes its state and its record. */
export type TimerStep = 'resolved' | 'fired' | 'steady-again';

/** Time-driven transitions of one alert, in order (resolve, fire, end of flapping). */
export function advanceTimers(alert: AlertState, timing: AlertTiming, now: number): TimerStep[] {
  const steps: TimerStep[] = [];
  if (alert.status === 'resolved') return steps;
  if (now - alert.lastSeenMs >= timing.resolveAfterMs) {
    alert.status = 'resolved';
    alert.endsAtMs = now;
    alert.updatedAtMs = now;
    steps.push('resolved');
    return steps;
  }
  if (alert.status === 'pending' && now - alert.startsAtMs >= timing.forMs) {
    alert.status = 'firing';
    alert.firingAtMs = now;
    alert.everFired = true;
    alert.updatedAtMs = now;
    steps.push('fired');
  }
  if (alert.flapping && alert.reopenedAtMs !== undefined && now - alert.reopenedAtMs >= timing.flapWindowMs) {
    // Hysteresis: it stayed firing a whole flap window; it is a real problem again.
    alert.flapping = false;
    steps.push('steady-again');
  }
  return steps;
}
