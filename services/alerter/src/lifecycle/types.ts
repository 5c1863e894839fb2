// Types of the alert lifecycle engine: persisted state (JSON in vigil_alerter_state) and the
// intents the engine hands to the I/O side (notifications, change events, rollbacks).
import type { SimilarIncident } from '@vigil/incidents';
import type { AlertRecord, DeploymentLink, VerdictBaseline } from '@vigil/records';
import type { Severity } from '../rules/rules.js';
import type { Silence } from './silences.js';

export type AlertStatus = 'pending' | 'firing' | 'resolved';
export type NotificationAction = 'trigger' | 'repeat' | 'refresh' | 'resolve';
export type NotificationEntry = AlertRecord['notifications'][number];

/** Per receiver: what it was last told about the current incident. */
export interface ReceiverState {
  /** The receiver holds an open (triggered, not resolved) alert for this incident. */
  open: boolean;
  /** Notifications delivered for this incident (the sequence number of the next one). */
  sends: number;
  lastSentMs?: number;
  /** The last notification series failed at this time (retried after the backoff window). */
  lastFailedMs?: number;
  failures: number;
  /** Why a trigger is being withheld (recorded once per reason). */
  suppressed?: string;
}

/** What the alert was last seen about: the evidence shown to people. */
export interface Evidence {
  anomalyId: string;
  seriesKey: string;
  signal: string;
  metric: string;
  operation?: string;
  value: number;
  expected: number;
  lower: number;
  upper: number;
  score: number;
  threshold: number;
  components: string[];
  windowStartMs: number;
  windowEndMs: number;
  summary: string;
}

export interface AlertState {
  type: 'alert';
  id: string;
  incidentId: string;
  incidentNumber: number;
  rule: string;
  kind: 'symptom' | 'deployment';
  status: AlertStatus;
  severity: Severity;
  service: string;
  labels: Record<string, string>;
  summary: string;
  startsAtMs: number;
  firingAtMs?: number;
  lastSeenMs: number;
  endsAtMs?: number;
  updatedAtMs: number;
  /** This incident fired (someone may have been told). */
  everFired: boolean;
  flapping: boolean;
  flapCount: number;
  reopenedAtMs?: number;
  /** Most recent anomaly ids (bounded). */
  anomalyIds: string[];
  anomalyCount: number;
  verdictId?: string;
  /** The deployment behind the alert (anomaly.deployment, or the failed verdict's). */
  deployment?: { id: string; version: string; deployedAtMs: number };
  evidence?: Evidence;
  /** Verdict evidence for deployment alerts. */
  verdictSummary?: string;
  receivers: string[];
  receiverState: Record<string, ReceiverState>;
  /** Delivery outcomes of this incident (bounded, newest last). */
  notifications: NotificationEntry[];
  /** Rule action: rollback runs the hook when the alert fires. */
  action: 'notify' | 'rollback';
  /** Similar past incidents with their fixes (incident memory), shown in notifications. */
  similar?: SimilarView[];
  /** Every anomaly of this incident so far was judged benign by this feedback: no page. */
  feedbackSuppressedBy?: string;
  /** Anomalies of this incident that no feedback suppressed (one is enough to page). */
  unsuppressedAnomalies?: number;
  /** Acknowledged by an operator (Slack): no more reminders for this incident. */
  acknowledgedAtMs?: number;
  acknowledgedBy?: string;
}

/** A similar past incident as notifications show it: @vigil/incidents' SimilarIncident. */
export type SimilarView = SimilarIncident;

export interface SilenceState extends Silence {
  type: 'silence';
}

export interface DeploymentState {
  type: 'deployment';
  id: string;
  service: string;
  version: string;
  environment?: string;
  commit?: string;
  previousVersion?: string;
  timeMs: number;
  links?: DeploymentLink[];
  /** First contact (record firstSeen): the version Vigil met running, not a deploy it watched. */
  firstSeen?: boolean;
}

export interface VerdictState {
  type: 'verdict';
  /** Key: deployment id (the latest verdict of a deployment wins). */
  deploymentId: string;
  id: string;
  service: string;
  version: string;
  baselineVersion?: string;
  status: 'running' | 'pass' | 'fail' | 'inconclusive';
  mode: 'canary' | 'before_after';
  deployedAtMs: number;
  decidedAtMs: number;
  summary: string;
  evidence: unknown[];
  updatedAtMs: number;
  /** strict: the deployment's CI was not clean (failed, flaky or skipped tests, or a risky build). */
  policy?: 'standard' | 'strict';
  policyReason?: string;
  /** The verdict's baseline (VerdictRecord.baseline): which one, how much evidence. */
  baseline?: VerdictBaseline;
}

export interface RollbackState {
  type: 'rollback';
  deploymentId: string;
  service: string;
  version: string;
  previousVersion?: string;
  environment?: string;
  reason: string;
  verdictId?: string;
  alertId?: string;
  /** requested: decided and persisted, the hook not yet finished (at most once: never re-run). */
  phase: 'requested' | 'done';
  requestedAtMs: number;
  result?: 'succeeded' | 'failed' | 'skipped';
  hook?: 'webhook' | 'command' | 'none';
  dryRun?: boolean;
  detail?: string;
  doneAtMs?: number;
}

export type StateValue = AlertState | SilenceState | DeploymentState | VerdictState | RollbackState;

/** A notification to deliver. `id` is stable (idempotency key): incident + receiver + sequence. */
export interface NotificationIntent {
  id: string;
  receiver: string;
  action: NotificationAction;
  alert: AlertState;
  atMs: number;
}

/** A change event (deployment, rollback) for receivers that keep a change timeline. */
export interface ChangeIntent {
  id: string;
  kind: 'deployment' | 'rollback';
  service: string;
  version: string;
  summary: string;
  atMs: number;
  details: Record<string, unknown>;
  links?: DeploymentLink[];
}

export interface RollbackRequest {
  deploymentId: string;
  service: string;
  version: string;
  previousVersion?: string;
  environment?: string;
  commit?: string;
  reason: string;
  verdictId?: string;
  alertId?: string;
  deployedAtMs?: number;
}

export interface DeliveryOutcome {
  status: 'sent' | 'failed';
  attempts: number;
  error?: string;
}
