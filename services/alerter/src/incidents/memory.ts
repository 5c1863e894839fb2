// The alerter's incident memory: fingerprints its incidents, attaches the most similar past
// incidents (with what fixed them) to every new alert, keeps resolutions, and applies operator
// feedback to incoming anomalies. Pure (time is a parameter, no I/O): the pipeline restores it
// from the state topic and drains its state entries and records into the same transaction as
// the engine's.
//
// State entries (compacted vigil_alerter_state): `incident:<incidentId>` (IncidentState),
// `feedback:<id>` ({type: 'feedback', record}). Records: IncidentRecord (→ incidents topic) when
// an incident resolves or gets a resolution; FeedbackRecord (→ feedback topic) when feedback is
// given or revoked.
//
// Cost: an anomaly is O(1) (ring buffer per service); a sync is O(alerts · related anomalies)
// plus one index query per alert whose fingerprint changed. Memory: ~1 KB per remembered
// incident (maxIncidents), 300 anomalies per service, 20,000 anomaly ids for feedback lookup.
import type { AlerterConfig, FeedbackConfig } from '@vigil/config';
import {
  FeedbackModel, IncidentIndex, buildFingerprint, directionOf, fingerprintSignature, mergeFingerprints,
} from '@vigil/incidents';
import type { AnomalyLike, Fingerprint, PastIncident, Resolution, SimilarIncident, VerdictKind } from '@vigil/incidents';
import type { AnomalyRecord, FeedbackRecord, IncidentRecord } from '@vigil/records';
import type { AlertEngine } from '../lifecycle/engine.js';
import type { AlertState } from '../lifecycle/types.js';
import { title as alertTitle } from '../receivers/format.js';

export type IncidentsConfig = AlerterConfig['incidents'];

export interface IncidentState {
  type: 'incident';
  id: string;
  alertId: string;
  service: string;
  title: string;
  status: 'open' | 'resolved';
  startedAtMs: number;
  resolvedAtMs?: number;
  fingerprint: Fingerprint;
  resolution?: Resolution;
  similar?: Array<{ incidentId: string; score: number }>;
  pagerdutyIncidentId?: string;
  updatedAtMs: number;
}

export interface FeedbackState {
  type: 'feedback';
  record: FeedbackRecord;
}

export type MemoryStateValue = IncidentState | FeedbackState;

export interface AnomalyLite extends AnomalyLike {
  id: string;
  threshold: number;
  windowEndMs: number;
  windowStartMs?: number;
  lower?: number;
  upper?: number;
  components?: string[];
  severity?: string;
  deploymentId?: string;
}

export interface ResolutionInput {
  fixedBy?: string;
  links?: Array<{ name: string; url: string }>;
  rollbackHelped?: boolean;
  note?: string;
  by?: string;
}

export interface FeedbackInputBody {
  verdict: 'not_anomaly' | 'real';
  scope: 'series' | 'operation' | 'service';
  note?: string;
  by?: string;
  /** Identity when the anomaly is not known here (a missed incident, an old anomaly). */
  seriesKey?: string;
  service?: string;
  operation?: string;
  metric?: string;
  score?: number;
  threshold?: number;
  direction?: 'up' | 'down';
}

export class MemoryError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const RECENT_PER_SERVICE = 300;
const KNOWN_ANOMALIES = 20_000;
const MAX_NOTES = 20;
const MAX_PENDING_PD = 1000;
const clip = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

export class IncidentMemory {
  readonly index: IncidentIndex;
  readonly feedback: FeedbackModel;
  private readonly incidents = new Map<string, IncidentState>();
  private readonly openByAlert = new Map<string, string>();
  private readonly signatures = new Map<string, string>();
  private readonly recent = new Map<string, AnomalyLite[]>();
  private readonly anomalies = new Map<string, AnomalyLite>();
  private readonly feedbackRecords = new Map<string, FeedbackRecord>();
  private readonly pdToIncident = new Map<string, string>();
  private readonly pendingPdNotes = new Map<string, Array<{ note: string; by?: string }>>();
  private readonly dirty = new Set<string>();
  private out: Array<IncidentRecord | FeedbackRecord> = [];

  /** `feedbackModel`: the shared feedback section (the detector judges alarms with the same model). */
  constructor(
    private readonly cfg: IncidentsConfig,
    feedbackModel: FeedbackConfig,
  ) {
    this.index = new IncidentIndex({ maxIncidents: cfg.maxIncidents });
    this.feedback = new FeedbackModel({ halfLifeMs: feedbackModel.halfLifeMs, marginDecades: feedbackModel.marginDecades, maxEntries: feedbackModel.maxEntries });
  }

  // ---------------------------------------------------------------- state

  /** Take a state entry if it is ours (`incident:` or `feedback:`); false otherwise. */
  restore(key: string, value: unknown): boolean {
    if (key.startsWith('incident:')) {
      const id = key.slice('incident:'.length);
      if (value === null) this.incidents.delete(id);
      else this.incidents.set(id, value as IncidentState);
      return true;
    }
    if (key.startsWith('feedback:')) {
      const id = key.slice('feedback:'.length);
      if (value === null) this.feedbackRecords.delete(id);
      else this.feedbackRecords.set(id, (value as FeedbackState).record);
      return true;
    }
    return false;
  }

  /** Rebuild the index (resolved incidents, in resolution order) and the feedback model. */
  afterRestore(now: number): void {
    const resolved = [...this.incidents.values()].filter((s) => s.status === 'resolved').sort((a, b) => (a.resolvedAtMs ?? 0) - (b.resolvedAtMs ?? 0) || (a.id < b.id ? -1 : 1));
    for (const s of resolved) for (const gone of this.index.add(toPast(s))) this.forget(gone);
    for (const s of this.incidents.values()) {
      if (s.status === 'open') this.openByAlert.set(s.alertId, s.id);
      if (s.pagerdutyIncidentId) this.pdToIncident.set(s.pagerdutyIncidentId, s.id);
    }
    for (const r of [...this.feedbackRecords.values()].sort((a, b) => a.createdAtMs - b.createdAtMs)) {
      if (r.status === 'active') this.feedback.add(r, now);
    }
  }

  drainState(): Array<{ key: string; value: MemoryStateValue | null }> {
    const out: Array<{ key: string; value: MemoryStateValue | null }> = [];
    for (const key of this.dirty) {
      if (key.startsWith('incident:')) {
        const s = this.incidents.get(key.slice(9));
        out.push({ key, value: s ? structuredClone(s) : null });
      } else {
        const r = this.feedbackRecords.get(key.slice(9));
        out.push({ key, value: r ? { type: 'feedback', record: { ...r } } : null });
      }
    }
    this.dirty.clear();
    return out;
  }

  drainRecords(): Array<IncidentRecord | FeedbackRecord> {
    const out = this.out;
    this.out = [];
    return out;
  }

  getIncident(id: string): IncidentState | undefined {
    return this.incidents.get(id);
  }

  /** Recent anomalies of a service (newest last; read-only view for the Slack assistant). */
  recentAnomalies(service: string): ReadonlyArray<Readonly<AnomalyLite>> {
    return this.recent.get(service) ?? [];
  }

  /** A remembered anomaly by id (the last 20,000). */
  getAnomaly(id: string): Readonly<AnomalyLite> | undefined {
    return this.anomalies.get(id);
  }

  /** Services with remembered anomalies. */
  anomalyServices(): string[] {
    return [...this.recent.keys()];
  }

  // ---------------------------------------------------------------- anomalies and feedback

  /** Remember an anomaly: context for fingerprints, lookup for feedback. O(1) amortised. */
  observe(a: AnomalyRecord): void {
    if (!this.cfg.enabled) return;
    const lite: AnomalyLite = {
      id: a.id, service: a.service, signal: a.signal, metric: a.metric, operation: a.operation, seriesKey: a.seriesKey, value: a.value,
      expected: a.expected, score: a.score, threshold: a.threshold, summary: a.summary, windowEndMs: a.windowEndMs,
      windowStartMs: a.windowStartMs, lower: a.lower, upper: a.upper, components: a.components, severity: a.severity, deploymentId: a.deployment?.id,
    };
    let ring = this.recent.get(a.service);
    if (!ring) this.recent.set(a.service, (ring = []));
    ring.push(lite);
    if (ring.length > RECENT_PER_SERVICE) ring.splice(0, ring.length - RECENT_PER_SERVICE);
    this.anomalies.delete(a.id);
    this.anomalies.set(a.id, lite);
    if (this.anomalies.size > KNOWN_ANOMALIES) this.anomalies.delete(this.anomalies.keys().next().value as string);
  }

  /**
   * The feedback that makes this anomaly benign, if any. A failed verdict of the anomaly's
   * deployment overrides feedback: that is new evidence, not the pattern judged benign.
   */
  screen(a: AnomalyRecord, now: number, engine: AlertEngine): string | undefined {
    if (!this.cfg.enabled || !this.cfg.feedback.apply || this.feedback.size === 0) return undefined;
    if (a.deployment && engine.verdictFor(a.service, a.deployment.version)?.status === 'fail') return undefined;
    const adj = this.feedback.adjust(
      { service: a.service, operation: a.operation, metric: a.metric, seriesKey: a.seriesKey, direction: directionOf(a), threshold: a.threshold },
      a.score,
      now,
    );
    return adj.suppressedBy;
  }

  addFeedback(anomalyId: string, body: FeedbackInputBody, id: string, now: number, engine: AlertEngine): { record: FeedbackRecord; effect: ReturnType<FeedbackModel['adjust']> } {
    if (body.verdict !== 'not_anomaly' && body.verdict !== 'real') throw new MemoryError(400, `verdict must be "not_anomaly" or "real", got ${JSON.stringify(body.verdict)}`);
    if (body.scope !== 'series' && body.scope !== 'operation' && body.scope !== 'service') throw new MemoryError(400, `scope must be "series", "operation" or "service", got ${JSON.stringify(body.scope)}`);
    const known = this.anomalies.get(anomalyId) ?? this.fromAlerts(anomalyId, engine);
    const seriesKey = known?.seriesKey ?? body.seriesKey;
    const parts = seriesKey?.split('|') ?? [];
    const service = known?.service ?? body.service ?? parts[0];
    if (!seriesKey || !service) throw new MemoryError(404, `anomaly ${anomalyId} is not known here; send seriesKey (service|operation|metric) with the feedback`);
    const score = known?.score ?? body.score;
    if (body.verdict === 'not_anomaly' && (typeof score !== 'number' || !Number.isFinite(score))) {
      throw new MemoryError(400, `not_anomaly needs the judged score: anomaly ${anomalyId} is not known here and body.score is ${JSON.stringify(body.score)}`);
    }
    const alerted = engine.listAlerts().some((a) => a.everFired && a.anomalyIds.includes(anomalyId));
    const operation = known ? known.operation : body.operation ?? (parts.length >= 3 ? parts[1] || undefined : undefined);
    const metric = known?.metric ?? body.metric ?? parts[parts.length - 1];
    const threshold = known?.threshold ?? body.threshold;
    const direction = known ? directionOf(known) : body.direction;
    const record: FeedbackRecord = {
      schema: 'vigil.feedback/1', id, status: 'active', verdict: body.verdict, scope: body.scope, anomalyId, seriesKey, service,
      ...(operation ? { operation } : {}), ...(metric ? { metric } : {}), ...(typeof score === 'number' ? { score } : {}),
      ...(typeof threshold === 'number' ? { threshold } : {}), ...(direction ? { direction } : {}),
      falseNegative: body.verdict === 'real' && !alerted,
      ...(body.note ? { note: clip(String(body.note), 2000) } : {}), ...(body.by ? { by: clip(String(body.by), 200) } : {}),
      createdAtMs: now, updatedAtMs: now,
    };
    this.feedback.add(record, now);
    this.feedbackRecords.set(id, record);
    this.dirty.add(`feedback:${id}`);
    this.out.push(record);
    const effect = this.feedback.adjust({ service, operation, metric, seriesKey, direction, threshold }, typeof score === 'number' ? score : 1, now);
    return { record, effect };
  }

  revokeFeedback(id: string, now: number): FeedbackRecord | undefined {
    const r = this.feedbackRecords.get(id);
    if (!r) return undefined;
    this.feedback.remove(id);
    this.feedbackRecords.delete(id);
    this.dirty.add(`feedback:${id}`);
    const revoked: FeedbackRecord = { ...r, status: 'revoked', revokedAtMs: now, updatedAtMs: now };
    this.out.push(revoked);
    return revoked;
  }

  listFeedback(): FeedbackRecord[] {
    return [...this.feedbackRecords.values()];
  }

  // ---------------------------------------------------------------- incidents

  /**
   * Bring the memory up to date with the engine: fingerprint every incident that fired, attach
   * similar past incidents while it is open, and file it (with any resolution) when it resolves.
   */
  sync(engine: AlertEngine, now: number): void {
    if (!this.cfg.enabled) return;
    for (const alert of engine.listAlerts()) {
      if (!alert.everFired) continue;
      let st = this.incidents.get(alert.incidentId);
      if (st && st.status === 'resolved') {
        if (alert.status === 'resolved') continue;
        // Re-opened (flap guard keeps the incident): take it out of the memory until it resolves again.
        this.index.remove(st.id);
        st.status = 'open';
        st.resolvedAtMs = undefined;
        this.openByAlert.set(alert.id, st.id);
      }
      const fp = this.fingerprintOf(alert, engine);
      if (!st) {
        st = {
          type: 'incident', id: alert.incidentId, alertId: alert.id, service: alert.service, title: clip(alertTitle(alert, false), 300),
          status: 'open', startedAtMs: alert.firingAtMs ?? alert.startsAtMs, fingerprint: fp, updatedAtMs: now,
        };
        this.incidents.set(st.id, st);
        this.openByAlert.set(alert.id, st.id);
        this.dirty.add(`incident:${st.id}`);
      } else {
        st.fingerprint = mergeFingerprints(st.fingerprint, fp);
      }
      const sig = fingerprintSignature(st.fingerprint);
      if (sig !== this.signatures.get(st.id)) {
        this.signatures.set(st.id, sig);
        st.updatedAtMs = now;
        this.dirty.add(`incident:${st.id}`);
        if (alert.status !== 'resolved' && this.cfg.topK > 0) {
          const similar = this.query(st.fingerprint, st.id);
          st.similar = similar.map((s) => ({ incidentId: s.incidentId, score: s.score }));
          engine.annotateSimilar(alert.id, alert.incidentId, similar);
        }
      }
      if (alert.status === 'resolved') this.file(st, alert.endsAtMs ?? now, engine, now);
    }
    // Open incidents whose alert is gone or moved on to a newer incident: resolved by then.
    for (const [alertId, incidentId] of [...this.openByAlert]) {
      const a = engine.getAlert(alertId);
      if (a && a.incidentId === incidentId) continue;
      const st = this.incidents.get(incidentId);
      if (st && st.status === 'open') this.file(st, st.updatedAtMs, engine, now);
      this.openByAlert.delete(alertId);
    }
    for (const id of this.feedback.prune(now)) {
      this.feedbackRecords.delete(id);
      this.dirty.add(`feedback:${id}`);
    }
  }

  /** Similar past incidents for an alert (its current incident) or an incident id, fresh. */
  similarFor(id: string, engine: AlertEngine, k?: number): { alertId: string; incidentId: string; fingerprint: Fingerprint; similar: SimilarIncident[] } | undefined {
    const alert = engine.getAlert(id);
    const st = alert ? this.incidents.get(alert.incidentId) : this.incidents.get(id);
    const fp = st?.fingerprint ?? (alert ? this.fingerprintOf(alert, engine) : undefined);
    if (!fp) return undefined;
    const incidentId = st?.id ?? alert!.incidentId;
    return { alertId: alert?.id ?? st!.alertId, incidentId, fingerprint: fp, similar: this.query(fp, incidentId, k) };
  }

  /** Attach (or amend) the resolution of an alert's incident (alert id or incident id). */
  attachResolution(id: string, input: ResolutionInput, source: Resolution['source'], now: number, engine: AlertEngine): IncidentState | undefined {
    const alert = engine.getAlert(id);
    const st = this.incidents.get(id) ?? (alert ? this.incidents.get(alert.incidentId) : undefined);
    if (!st) return undefined;
    const prev = st.resolution;
    const links = [...(prev?.links ?? [])];
    for (const l of input.links ?? []) if (!links.some((x) => x.url === l.url)) links.push({ name: clip(l.name, 100), url: clip(l.url, 2000) });
    const notes = [...(prev?.notes ?? []), ...(input.note ? [clip(input.note, 2000)] : [])].slice(-MAX_NOTES);
    const res: Resolution = { source: prev && prev.source !== 'rollback' && source === 'pagerduty' ? prev.source : source, links, notes, atMs: now };
    const fixedBy = input.fixedBy ?? prev?.fixedBy;
    if (fixedBy) res.fixedBy = clip(fixedBy, 1000);
    const rb = input.rollbackHelped ?? prev?.rollbackHelped;
    if (rb !== undefined) res.rollbackHelped = rb;
    const by = input.by ?? prev?.by;
    if (by) res.by = clip(by, 200);
    st.resolution = res;
    st.updatedAtMs = now;
    this.dirty.add(`incident:${st.id}`);
    if (st.status === 'resolved') {
      this.index.setResolution(st.id, res);
      this.out.push(toRecord(st));
    }
    return st;
  }

  /**
   * A PagerDuty V3 webhook event (already authenticated). incident.* events that carry
   * `incident_key` (our dedup_key = incident id) map PagerDuty's incident id to ours;
   * incident.resolved attaches a PagerDuty resolution (who, resolve reason); incident.annotated
   * adds the note (a note that starts "Resolution:", "Resolution note:", "Fixed by:" or "Root
   * cause:" becomes the fix). Notes for incidents not yet mapped wait (bounded).
   */
  onPagerDuty(event: PagerDutyEvent, now: number, engine: AlertEngine): { handled: boolean; incidentId?: string; detail: string } {
    const type = event.event_type;
    const agent = typeof event.agent?.summary === 'string' ? event.agent.summary : undefined;
    const data = event.data ?? {};
    if (data.type === 'incident' && typeof data.id === 'string' && typeof data.incident_key === 'string') {
      const st = this.incidents.get(data.incident_key);
      if (st && st.pagerdutyIncidentId !== data.id) {
        st.pagerdutyIncidentId = data.id;
        this.dirty.add(`incident:${st.id}`);
      }
      if (st) this.pdToIncident.set(data.id, st.id);
      const waiting = this.pendingPdNotes.get(data.id);
      if (st && waiting) {
        this.pendingPdNotes.delete(data.id);
        for (const w of waiting) this.attachNote(st.id, w.note, w.by, now, engine);
      }
    }
    if (type === 'incident.resolved') {
      const key = typeof data.incident_key === 'string' ? data.incident_key : undefined;
      const st = key ? this.incidents.get(key) : undefined;
      if (!st) return { handled: false, detail: `no Vigil incident for incident_key ${JSON.stringify(key)}` };
      const reason = typeof data.resolve_reason === 'string' ? data.resolve_reason : typeof data.resolve_reason?.summary === 'string' ? data.resolve_reason.summary : undefined;
      const links = typeof data.html_url === 'string' ? [{ name: 'PagerDuty', url: data.html_url }] : [];
      this.attachResolution(st.id, { by: agent, links, ...(reason ? { note: `resolve reason: ${reason}` } : {}) }, 'pagerduty', now, engine);
      return { handled: true, incidentId: st.id, detail: 'resolution attached' };
    }
    if (type === 'incident.annotated') {
      const pdId = typeof data.incident?.id === 'string' ? data.incident.id : undefined;
      const content = typeof data.content === 'string' ? data.content : undefined;
      if (!pdId || !content) return { handled: false, detail: 'annotated event without data.incident.id or data.content' };
      const ours = this.pdToIncident.get(pdId);
      if (!ours) {
        const list = this.pendingPdNotes.get(pdId) ?? [];
        list.push({ note: content, by: agent });
        this.pendingPdNotes.set(pdId, list.slice(-MAX_NOTES));
        if (this.pendingPdNotes.size > MAX_PENDING_PD) this.pendingPdNotes.delete(this.pendingPdNotes.keys().next().value as string);
        return { handled: false, detail: `PagerDuty incident ${pdId} not mapped yet; note kept until it is` };
      }
      this.attachNote(ours, content, agent, now, engine);
      return { handled: true, incidentId: ours, detail: 'note attached' };
    }
    return { handled: false, detail: `event ${JSON.stringify(type)} ignored` };
  }

  // ---------------------------------------------------------------- internals

  private attachNote(incidentId: string, note: string, by: string | undefined, now: number, engine: AlertEngine): void {
    const m = /^\s*(resolution(?:\s+note)?|fix(?:ed)?(?:\s+by)?|root\s+cause)\s*[:-]\s*(.+)$/is.exec(note);
    this.attachResolution(incidentId, { note, by, ...(m ? { fixedBy: m[2].trim() } : {}) }, 'pagerduty', now, engine);
  }

  private query(fp: Fingerprint, selfId: string, k = this.cfg.topK): SimilarIncident[] {
    return this.index.query(fp, { k, minScore: this.cfg.minSimilarity, exclude: (x) => x.id === selfId });
  }

  private file(st: IncidentState, resolvedAtMs: number, engine: AlertEngine, now: number): void {
    st.status = 'resolved';
    st.resolvedAtMs = resolvedAtMs;
    st.updatedAtMs = now;
    this.openByAlert.delete(st.alertId);
    // Resolved after a succeeded rollback of its deployment: the rollback fixed it.
    const depId = st.fingerprint.deployment?.id;
    const rb = depId ? engine.getRollback(depId) : undefined;
    if (rb && rb.result === 'succeeded' && !rb.dryRun && (rb.doneAtMs ?? rb.requestedAtMs) <= resolvedAtMs) {
      const auto = { fixedBy: `rollback of ${rb.service} ${rb.version}${rb.previousVersion ? ` to ${rb.previousVersion}` : ''}`, rollbackHelped: true };
      if (!st.resolution) st.resolution = { source: 'rollback', ...auto, links: [], notes: rb.detail ? [clip(rb.detail, 500)] : [], atMs: resolvedAtMs };
      else if (st.resolution.rollbackHelped === undefined) st.resolution.rollbackHelped = true;
    }
    this.dirty.add(`incident:${st.id}`);
    for (const gone of this.index.add(toPast(st))) this.forget(gone);
    this.out.push(toRecord(st));
  }

  private forget(id: string): void {
    const st = this.incidents.get(id);
    if (st?.pagerdutyIncidentId) this.pdToIncident.delete(st.pagerdutyIncidentId);
    this.incidents.delete(id);
    this.signatures.delete(id);
    this.dirty.add(`incident:${id}`);
  }

  private fromAlerts(anomalyId: string, engine: AlertEngine): AnomalyLite | undefined {
    for (const a of engine.listAlerts()) {
      const e = a.evidence;
      if (e && e.anomalyId === anomalyId) {
        return { id: e.anomalyId, service: a.service, signal: e.signal, metric: e.metric, operation: e.operation, seriesKey: e.seriesKey, value: e.value, expected: e.expected, score: e.score, threshold: e.threshold, summary: e.summary, windowEndMs: e.windowEndMs };
      }
    }
    return undefined;
  }

  private fingerprintOf(alert: AlertState, engine: AlertEngine): Fingerprint {
    const from = alert.startsAtMs - this.cfg.correlationWindowMs;
    const related = (this.recent.get(alert.service) ?? []).filter((x) => x.windowEndMs >= from && x.id !== alert.evidence?.anomalyId);
    const dep = alert.deployment ? engine.deploymentsOf(alert.service).find((d) => d.id === alert.deployment!.id) : engine.latestDeployment(alert.service);
    const depTime = alert.deployment?.deployedAtMs ?? dep?.timeMs;
    const recentDeploy = depTime !== undefined && depTime <= alert.startsAtMs + this.cfg.correlationWindowMs && alert.startsAtMs - depTime <= this.cfg.recentDeployMs;
    const version = alert.deployment?.version ?? dep?.version;
    const deployment = recentDeploy && version !== undefined
      ? { id: alert.deployment?.id ?? dep!.id, version, ...(dep?.previousVersion ? { previousVersion: dep.previousVersion } : {}), ...(dep?.commit ? { commit: dep.commit } : {}) }
      : undefined;
    const verdictState = deployment ? engine.verdictFor(alert.service, deployment.version) : undefined;
    const verdict: VerdictKind = alert.kind === 'deployment' ? 'fail' : verdictState?.status ?? 'none';
    const checks: Array<{ metric: string }> = [];
    const templates: string[] = [];
    if (alert.kind === 'deployment') {
      for (const ev of (verdictState?.evidence ?? []) as Array<{ check?: unknown; decided?: unknown; detail?: unknown }>) {
        if (ev.decided !== 'fail' || typeof ev.check !== 'string') continue;
        if (ev.check === 'new_log_template' && typeof ev.detail === 'string') templates.push(ev.detail);
        else checks.push({ metric: ev.check });
      }
    }
    const e = alert.evidence;
    return buildFingerprint({
      service: alert.service,
      ...(e ? { primary: { ...e, service: alert.service } } : { signal: 'deployment', metric: '' }),
      related,
      checks,
      templates,
      ...(deployment ? { deployment } : {}),
      verdict,
    });
  }
}

/** The subset of a PagerDuty V3 webhook event this memory reads (developer.pagerduty.com, "V3 Webhooks"). */
export interface PagerDutyEvent {
  id?: string;
  event_type?: string;
  resource_type?: string;
  occurred_at?: string;
  agent?: { summary?: unknown } | null;
  data?: {
    id?: unknown;
    type?: unknown;
    incident_key?: unknown;
    html_url?: unknown;
    resolve_reason?: { summary?: unknown } | string | null;
    incident?: { id?: unknown } | null;
    content?: unknown;
  } | null;
}

function toPast(st: IncidentState): PastIncident {
  const p: PastIncident = {
    id: st.id, alertId: st.alertId, service: st.service, title: st.title, startedAtMs: st.startedAtMs,
    resolvedAtMs: st.resolvedAtMs ?? st.updatedAtMs, fingerprint: st.fingerprint,
  };
  if (st.resolution) p.resolution = st.resolution;
  return p;
}

function toRecord(st: IncidentState): IncidentRecord {
  return {
    schema: 'vigil.incident/1', id: st.id, alertId: st.alertId, service: st.service, title: st.title, status: st.status,
    startsAtMs: st.startedAtMs, ...(st.resolvedAtMs !== undefined ? { resolvedAtMs: st.resolvedAtMs } : {}),
    fingerprint: structuredClone(st.fingerprint), ...(st.resolution ? { resolution: structuredClone(st.resolution) } : {}),
    ...(st.similar ? { similar: st.similar.map((s) => ({ ...s })) } : {}), updatedAtMs: st.updatedAtMs,
  };
}
