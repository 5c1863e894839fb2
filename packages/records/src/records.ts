// Vigil's own messages. Encoding on the bus: UTF-8 JSON, one object per record, with a
// `schema` field naming the message and its version (e.g. "vigil.anomaly/1"), so a consumer
// can reject what it does not understand instead of misreading it. Times are ms since the epoch.
// Record keys: the service name (so one service's records stay on one partition, in order).

/** A deployment: announced through the API, or seen as a new service.version on a resource. */
export interface DeploymentRecord {
  schema: 'vigil.deployment/1';
  /** Stable id: the same deployment always gets the same id (dedup across restarts). */
  id: string;
  service: string;
  version: string;
  environment?: string;
  commit?: string;
  /** When the deployment happened (ms). */
  timeMs: number;
  source: 'api' | 'resource';
  previousVersion?: string;
  links?: DeploymentLink[];
  /**
   * CI quality of `commit`, joined by the detector from the vigil_ci_quality topic (it re-publishes
   * the deployment with `ci` once it knows the quality). Deployment verification is stricter
   * for a deploy whose tests failed, were flaky or were skipped, or whose build was risky.
   */
  ci?: DeploymentCiQuality;
  /**
   * First contact: the first version of the service Vigil met (it was running before Vigil, or
   * state was lost). No baseline and no deploy witnessed: consumers learn it, never judge or page
   * on it, and say "first seen, learning". Absent on deployments announced or seen changing.
   */
  firstSeen?: boolean;
}

/** A link announced with a deployment (CI run, change request); `name` is optional in announcements. */
export interface DeploymentLink {
  name?: string;
  url: string;
}

/** What CI said about the commit of a deployment. */
export interface DeploymentCiQuality {
  /** unknown: no CI data for the commit (or the lookup failed; see reasons). */
  quality: 'unknown' | 'clean' | 'flaky' | 'skipped' | 'failed';
  /** Distinct tests run on the commit, and how many failed only / were flaky / were only skipped. */
  tests: number;
  failed: number;
  flaky: number;
  skipped: number;
  /** Highest predicted build-failure probability among announced runs of the commit. */
  buildRisk: number | null;
  reasons: string[];
}

/**
 * Header that marks a deployment record written IN-BAND on the spans topic (value
 * DEPLOYMENT_MARKER), keyed by service like the service's spans: the detector meets the
 * announcement in order with the spans it verifies, so a replay reaches the same verdicts.
 * Consumers that decode the spans topic as OTLP skip records with this header.
 */
export const RECORD_KIND_HEADER = 'vigil-record';
export const DEPLOYMENT_MARKER = 'deployment';

/**
 * RECORD_KIND_HEADER value on every OTLP record keyed by Vigil: one resource per record, Kafka key
 * = its service. Vigil's collector and its rekey stage write it; a record on an otlp_* topic
 * without the header was written by someone else (an OpenTelemetry Collector's Kafka exporter:
 * no key or a trace-id key, many resources per record) and goes through the rekey stage first.
 */
export const OTLP_KEYED_MARKER = 'otlp';

/** Whether a record on an otlp_* topic was written by Vigil (any RECORD_KIND_HEADER value). */
export function isVigilRecord(headers: Readonly<Record<string, string>> | undefined): boolean {
  return headers?.[RECORD_KIND_HEADER] !== undefined;
}

/** Whether a record's headers mark an in-band deployment announcement (JSON, not OTLP). */
export function isDeploymentMarker(headers: Readonly<Record<string, string>> | undefined): boolean {
  return headers?.[RECORD_KIND_HEADER] === DEPLOYMENT_MARKER;
}

export type Signal = 'traces' | 'metrics' | 'logs';

/** What a scored window of a series carries, in a score and in an anomaly alike. */
interface ScoredWindow {
  /** Stable series id (hash of `seriesKey`). */
  seriesId: string;
  /** Human-readable identity, e.g. "checkout|POST /pay|error_ratio". */
  seriesKey: string;
  service: string;
  signal: Signal;
  /** What is measured: rate, error_ratio, latency_p50/p95/p99, a metric name, a template count. */
  metric: string;
  operation?: string;
  version?: string;
  windowStartMs: number;
  windowEndMs: number;
  value: number;
  expected: number;
  lower: number;
  upper: number;
  /** In [0, 1]; high means anomalous. */
  score: number;
  /** Components of the ensemble that fired. */
  components: string[];
}

/** One scored window of one series, with the expected band: the data behind every chart. */
export interface ScoreRecord extends ScoredWindow {
  schema: 'vigil.score/1';
  /** True while the series is warming up (no alarms). */
  warmingUp: boolean;
}

/** A score past the alert threshold, with its explanation. */
export interface AnomalyRecord extends ScoredWindow {
  schema: 'vigil.anomaly/1';
  /** Stable id: seriesId + window start, so a replay yields the same id. */
  id: string;
  threshold: number;
  severity: 'info' | 'warning' | 'critical';
  /** The deployment in effect for this service when the anomaly started. */
  deployment?: { id: string; version: string; ageMs: number };
  /** One sentence a person can read. */
  summary: string;
}

export interface VerdictEvidence {
  /** Which comparison: error_ratio, latency_p99, new_log_template, ... */
  check: string;
  operation?: string;
  baseline: number;
  candidate: number;
  /** Effect size, e.g. ratio candidate/baseline or difference. */
  effect: number;
  /** The test statistic (e.g. log-likelihood ratio of the mixture SPRT) and its bound. */
  statistic: number;
  bound: number;
  decided: 'pass' | 'fail' | 'undecided';
  detail?: string;
}

/** The result of verifying a deployment: running until decided, then pass, fail or inconclusive. */
export interface VerdictRecord {
  schema: 'vigil.verdict/1';
  /** Stable id: deploymentId + status. */
  id: string;
  deploymentId: string;
  service: string;
  version: string;
  baselineVersion?: string;
  environment?: string;
  status: 'running' | 'pass' | 'fail' | 'inconclusive';
  /** canary: old version's concurrent traffic; before_after: the service before the deploy. */
  mode: 'canary' | 'before_after';
  deployedAtMs: number;
  decidedAtMs: number;
  evidence: VerdictEvidence[];
  summary: string;
  /** strict: the deployment's CI was not clean (see DeploymentRecord.ci), so smaller regressions fail and a pass needs positive evidence. */
  policy?: 'standard' | 'strict';
  /** Why the policy is strict. */
  policyReason?: string;
  /** Which baseline the candidate was compared with and how much evidence it held. */
  baseline?: VerdictBaseline;
}

/** The baseline of a verdict: concurrent traffic of the old version, or the verified-good history. */
export interface VerdictBaseline {
  /** canary: the old version's concurrent requests; history: recent requests of versions that passed verification. */
  source: 'canary' | 'history' | 'none';
  /** Versions whose requests the baseline holds, most first. */
  versions: Array<{ version: string; requests: number }>;
  requests: number;
  errors: number;
  /** Operations with enough baseline traffic for per-operation tests. */
  operationsTested: number;
  /** Event time the baseline reaches back to, and its newest request. */
  fromMs: number;
  toMs: number;
  /** Number of tests in the family whose false-fail budget is `alpha` (Holm). */
  tests: number;
  alpha: number;
  /**
   * A history baseline adjusted by the service's time of day: the thresholds and error-rate nulls
   * moved by how the same quarter-hours of `days` earlier days moved between the baseline's time
   * (`fromHour`, UTC) and the deploy's (`hour`); ratios of the service at the deploy. `dayClass`:
   * which earlier days — the weekdays or the weekend days (the deploy's kind, day-of-week
   * profile), or all of them (absent in verdicts written before day of week). Absent: not adjusted.
   */
  seasonal?: { days: number; dayClass?: 'weekday' | 'weekend' | 'all'; hour: number; fromHour: number; slotMinutes: number; latencyRatio: number; errorRatio: number };
  /**
   * The earlier days' verified-good error counts (the time-of-day profile's, day-weighted) added to
   * the history's service-level error baseline, because the error rate is flat through the day and
   * the minutes before the deploy agree with it. Absent: the history alone.
   */
  earlierDays?: { errors: number; requests: number };
}

/** A log template seen in a window (counts), or first seen (isNew). */
export interface TemplateRecord {
  schema: 'vigil.template/1';
  service: string;
  templateId: string;
  template: string;
  windowStartMs: number;
  windowEndMs: number;
  count: number;
  /** Counts by severity text (ERROR, WARN, ...). */
  severities: Record<string, number>;
  firstSeenMs: number;
  isNew: boolean;
  /** First seen after a deployment of this service: the deployment id. */
  newSinceDeployment?: string;
  version?: string;
}

/** What the alerter publishes about an alert's lifecycle (the writer lands it in `alerts`). */
export interface AlertRecord {
  schema: 'vigil.alert/1';
  /** Stable across restarts and replays: hash of rule + group labels. */
  id: string;
  /** Same as id unless a new incident opens on the same group after resolution. */
  incidentId: string;
  rule: string;
  status: 'pending' | 'firing' | 'resolved';
  severity: 'info' | 'warning' | 'critical';
  service: string;
  labels: Record<string, string>;
  summary: string;
  startsAtMs: number;
  endsAtMs?: number;
  updatedAtMs: number;
  /** Anomaly and verdict ids behind this alert. */
  anomalyIds: string[];
  verdictId?: string;
  /** Delivery outcomes, one per receiver attempt series, and operator actions (receiver "operator", kind "action:<name>", by, detail). */
  notifications: Array<{ receiver: string; kind: string; status: 'sent' | 'failed' | 'suppressed'; attempts: number; atMs: number; error?: string; by?: string; detail?: string }>;
}

/** Every rollback action, audited. */
export interface RollbackRecord {
  schema: 'vigil.rollback/1';
  /** One rollback per deployment: the deployment id is the key of exactly-once. */
  id: string;
  deploymentId: string;
  service: string;
  version: string;
  reason: string;
  verdictId?: string;
  alertId?: string;
  hook: 'webhook' | 'command' | 'none';
  dryRun: boolean;
  result: 'succeeded' | 'failed' | 'skipped';
  detail?: string;
  atMs: number;
}

/** A record that could not be processed, with why. */
export interface DeadLetterRecord {
  schema: 'vigil.dead_letter/1';
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  reason: string;
  atMs: number;
  /** The original bytes, base64. */
  payload: string;
}

/**
 * One execution of one test case (JUnit report or OTel CI span), on the ci_test_runs topic,
 * keyed by suite. Same fields as @vigil/ci-insights' TestRun, plus where it came from.
 */
export interface TestRunRecord {
  schema: 'vigil.test_run/1';
  suite: string;
  testName: string;
  pipeline: string;
  runId: string;
  /** Commit under test; flakiness falls back to the run id without it. */
  revision?: string;
  status: 'passed' | 'failed' | 'skipped' | 'error';
  durationMs: number;
  /** Start of the execution (ms). */
  timeMs: number;
  /** 1-based attempt when a runner re-ran the test. */
  attempt?: number;
  source: 'junit' | 'otel';
}

/**
 * A CI pipeline run: its outcome (from a root `cicd.pipeline.*` span), or its announcement with
 * the predicted failure probability (from the writer's CI API). Keyed by pipeline.
 */
export interface PipelineRunRecord {
  schema: 'vigil.pipeline_run/1';
  pipeline: string;
  runId: string;
  revision?: string;
  /** announced: the run was announced and a failure probability predicted; no outcome yet. */
  status: 'passed' | 'failed' | 'announced';
  durationMs?: number;
  timeMs: number;
  source: 'otel' | 'api';
  /** For announced runs: the suite whose tests were assessed. */
  suite?: string;
  /** For announced runs: the predicted failure probability, its features and why. */
  predictedFailureProbability?: number;
  riskFeatures?: number[];
  reason?: string;
}

/**
 * An incident as the incident memory keeps it (services/alerter → vigil_incidents → table
 * incident_resolutions): the alert's fingerprint and, once known, what fixed it. Published when
 * the incident resolves and again whenever a resolution is attached; the latest per id wins.
 */
export interface IncidentRecord {
  schema: 'vigil.incident/1';
  /** The alert's incident id. */
  id: string;
  alertId: string;
  service: string;
  title: string;
  status: 'open' | 'resolved';
  startsAtMs: number;
  resolvedAtMs?: number;
  fingerprint: IncidentFingerprint;
  resolution?: IncidentResolution;
  /** The similar past incidents shown when it fired (ids and scores). */
  similar?: Array<{ incidentId: string; score: number }>;
  updatedAtMs: number;
}

/** The kind of change in effect when an incident started (packages/incidents classifyChange). */
export type DeployChange = 'none' | 'config' | 'patch' | 'minor' | 'major' | 'rollback' | 'build' | 'version';
/** The deployment verdict in effect when an incident started. */
export type VerdictKind = 'none' | 'running' | 'pass' | 'fail' | 'inconclusive';

/**
 * What an alert looked like, reduced to a few comparable features (built by packages/incidents
 * buildFingerprint, compared by its similarity).
 */
export interface IncidentFingerprint {
  service: string;
  signal: string;
  metric: string;
  /** Operation of the primary series (empty when none). */
  operation: string;
  /** Normalised templates, sorted, unique (at most MAX_TEMPLATES of packages/incidents). */
  templates: string[];
  /** `metric:up|down`, sorted, unique, the most deviating first chosen (at most MAX_DEVIATIONS). */
  deviations: string[];
  deployChange: DeployChange;
  deployment?: { id: string; version: string; previousVersion?: string; commit?: string };
  verdict: VerdictKind;
}

export type ResolutionSource = 'api' | 'pagerduty' | 'rollback';

/** What fixed an incident. */
export interface IncidentResolution {
  source: ResolutionSource;
  /** What fixed it, in a person's words ("raised the pool to 50", "rolled back 1.4.2"). */
  fixedBy?: string;
  links: Array<{ name: string; url: string }>;
  /** True when rolling back the deployment made it go away. */
  rollbackHelped?: boolean;
  /** Notes (PagerDuty annotations, API notes), oldest first, bounded. */
  notes: string[];
  /** Who attached it (API caller, PagerDuty agent). */
  by?: string;
  atMs: number;
}

/**
 * Operator feedback on an anomaly (services/alerter API → vigil_feedback → table feedback; the
 * detector consumes it). not_anomaly raises the threshold of its scope (packages/incidents
 * FeedbackModel); real marks a missed or doubted anomaly as real (falseNegative when it never
 * alerted). Revoking publishes the same id with status revoked.
 */
export interface FeedbackRecord {
  schema: 'vigil.feedback/1';
  id: string;
  status: 'active' | 'revoked';
  verdict: 'not_anomaly' | 'real';
  scope: 'series' | 'operation' | 'service';
  anomalyId?: string;
  seriesKey: string;
  service: string;
  operation?: string;
  metric?: string;
  /** The judged score and the threshold it was compared with. */
  score?: number;
  threshold?: number;
  direction?: 'up' | 'down';
  falseNegative: boolean;
  note?: string;
  by?: string;
  createdAtMs: number;
  updatedAtMs: number;
  revokedAtMs?: number;
}

export type VigilRecord =
  | DeploymentRecord
  | ScoreRecord
  | AnomalyRecord
  | VerdictRecord
  | TemplateRecord
  | AlertRecord
  | RollbackRecord
  | DeadLetterRecord
  | TestRunRecord
  | PipelineRunRecord
  | IncidentRecord
  | FeedbackRecord
  | ForecastRecord
  | CiQualityRecord;

/**
 * The CI quality of one revision's tests in one suite, on the compacted vigil_ci_quality topic
 * (key `revision` + NUL + `suite`, latest wins), computed by the detector's CI-quality stage from
 * ci_test_runs (keyed by suite, so each suite is counted whole by one owner). A revision's quality
 * is the merge of its suites' records (@vigil/ci-insights mergeSummaries + revisionVerdict).
 */
export interface CiQualityRecord {
  schema: 'vigil.ci_quality/1';
  revision: string;
  suite: string;
  /** Tests whose executions on this revision passed (at least one pass, no failure). */
  passed: number;
  /** Tests that failed (failed | error) and never passed on this revision. */
  failed: number;
  /** Tests that both failed and passed on this revision. */
  flaky: number;
  /** Tests only skipped on this revision. */
  skipped: number;
  /** Tests with a verdict on this revision, not flaky on it, flaky elsewhere within 14 days. */
  knownFlaky: number;
  /** "suite :: test" names, at most 20 each (categories as in @vigil/ci-insights revision-quality.ts). */
  flakyTests: string[];
  failedTests: string[];
  skippedTests: string[];
  knownFlakyTests: string[];
  /** Newest execution time counted (ms). */
  asOfMs: number;
}

/**
 * A forecast of one series of a service (request rate, CPU, memory), made online by the detector
 * (@vigil/forecast) at the end of a 5-minute step. `horizon` short: the next hour in 5-minute
 * steps, published every step; long: the next 24 hours in hourly steps with the right-sizing
 * recommendation, published once an hour. At most one record per series, horizon and origin.
 */
export interface ForecastRecord {
  schema: 'vigil.forecast/1';
  /** Stable id: service, metric, horizon and origin (dedup across replays). */
  id: string;
  service: string;
  /** `rate` (requests per second, all operations) or the OpenTelemetry metric name (CPU, memory). */
  metric: string;
  /**
   * Absent for the service total; else the part forecast on its own: the operation (`rate`) or the
   * instance's metric series (`service/metric{attributes}`, CPU and memory).
   */
  part?: string;
  /** What the metric measures, for the recommendation: load, cpu (cores or utilisation) or memory (bytes). */
  kind: 'load' | 'cpu' | 'memory';
  horizon: 'short' | 'long';
  originMs: number;
  stepMs: number;
  /** Each step's end time, point forecast (`mean`) and central 80 % and 95 % intervals. */
  points: ForecastPoint[];
  /** Day-ahead right-sizing (long horizon, cpu and memory only). */
  recommendation?: ForecastRecommendation;
  /** Steps learnt from and steps withheld (anomalous, or traffic of a version that failed verification). */
  learnt: number;
  withheld: number;
}

export interface ForecastPoint {
  endMs: number;
  mean: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
}

export interface ForecastRecommendation {
  /** Request for the whole service over the next day, in the metric's unit. */
  request: number;
  /** Expected share of the next day's samples above the request (risk of running short). */
  riskShort: number | null;
  /** Expected mean (request - usage) over the samples at or below it (waste). */
  expectedSlack: number | null;
  /** Expected mean (usage - request) over the samples above it. */
  expectedShortfall: number | null;
  peak: number;
  mean: number;
  /** Replicas for the configured per-replica capacity and target utilisation (cpu only). */
  replicas?: number;
  why: string;
}
