import type { OutRecord } from '@vigil/bus';
import type { DetectorConfig, TopicsConfig } from '@vigil/config';
import { isErrorSpan, LogTemplateFeatures, MetricSeries, RedAggregator } from '@vigil/features';
import type { MetricSeriesJSON, RedAggregatorJSON, RedWindow, SpanInput } from '@vigil/features';
import type { TemplateMinerJSON } from '@vigil/logtemplates';
import type { FeedbackModel } from '@vigil/incidents';
import { decodeRecord, encodeRecord, isDeploymentMarker } from '@vigil/records';
import type { TemplateRecord, VerdictRecord, VigilRecord } from '@vigil/records';
import { logsFromRecord, metricPointsFromRecord, spansFromRecord } from '../mapping/otlp-inputs.js';
import { errorTemplate } from '../verification/error-templates.js';
import { ServiceVerifier } from '../verification/verifier.js';
import { saturationKindOf } from '../verification/saturation.js';
import type { SaturationSample } from '../verification/saturation.js';
import type { ServiceVerifierJSON, VerificationOptions } from '../verification/verifier.js';
import { SeriesScorers, seriesKeyOf } from './series-scorers.js';
import { TemplateIdAliases } from './template-aliases.js';
import type { SeriesPoint } from './series-scorers.js';
import { VersionTracker } from './version-tracker.js';
import { ForecastFeed, forecastKindOf } from './forecast-feed.js';
import type { ForecastFeedJSON, ForecastFeedOptions } from './forecast-feed.js';

export type ProcessorKind = 'spans' | 'metrics' | 'logs';

/** Turns one input partition's records into output records; deterministic; state as JSON. */
export interface PartitionProcessor {
  readonly kind: ProcessorKind;
  /**
   * Process one record's bytes (and headers: a RECORD_KIND_HEADER marks an in-band deployment
   * announcement on the spans topic). Throws on undecodable input (the caller dead-letters it).
   */
  process(value: Uint8Array, headers?: Readonly<Record<string, string>>): OutRecord[];
  toJSON(): unknown;
  /** Apply operator feedback to this processor's alarms. */
  useFeedback(model: FeedbackModel | null): void;
  /** Series held, for metrics and memory accounting. */
  readonly seriesCount: number;
  /**
   * The partition has had no records for `idleMs` of processing time: move its event time on by
   * as much (idle watermark) so that checks waiting for their deadline end. Returns null when
   * nothing waits (no state change), else the outputs (maybe none) of a state that changed.
   */
  advanceIdle?(idleMs: number): OutRecord[] | null;
  /**
   * A verification verdict from a spans processor of the same detector (see
   * ProcessorContext.verdicts). Returns null when it changed nothing, else the outputs (maybe none).
   */
  observeVerdict?(verdict: VerdictRecord): OutRecord[] | null;
  /**
   * A CPU or memory sample of a service version from a metrics processor of the same detector
   * (see ProcessorContext.saturation). Returns null when it changed nothing, else the outputs (maybe none).
   */
  observeSaturation?(sample: SaturationSample): OutRecord[] | null;
}

export interface ProcessorContext {
  detector: DetectorConfig;
  topics: TopicsConfig;
  /** Operator feedback shared by every processor of this detector (may be absent). */
  feedback?: FeedbackModel;
  /**
   * Where the spans processors hand their verification verdicts to the other processors of this
   * detector (the metrics processor holds, then learns or withholds, a deploy's CPU and memory
   * steps as the spans processor does its request rate). Absent: verdicts stay with the spans processor.
   */
  verdicts?: (verdict: VerdictRecord) => void;
  /**
   * Where the metrics processors hand the CPU and memory samples of versioned resources to the
   * spans processors of this detector, whose verifiers test them (verification/saturation.ts) —
   * the reverse of `verdicts`, in the same transaction. Absent: no saturation tests.
   */
  saturation?: (sample: SaturationSample) => void;
}

const out = (topic: string, key: string, record: VigilRecord): OutRecord => ({ topic, key, value: encodeRecord(record) });

/**
 * What the three processors share: the series scorers (with operator feedback), the versions in
 * effect per service, and the way a scored point becomes a score record and maybe an anomaly.
 */
abstract class ScoringProcessor {
  constructor(
    protected readonly ctx: ProcessorContext,
    protected scorers: SeriesScorers,
    protected versions: VersionTracker,
  ) {}

  get seriesCount(): number {
    return this.scorers.size;
  }

  useFeedback(model: FeedbackModel | null): void {
    this.scorers.feedback = model;
  }

  /** Score one point of a series; push its score record and, past the threshold, its anomaly (returns whether it was one). */
  protected scoreInto(outs: OutRecord[], point: SeriesPoint): boolean {
    // A first-seen version is no deployment: its anomalies name none (and so trigger no rollback).
    const scored = this.scorers.score(point, this.versions.deployed(point.service));
    if (!scored) return false;
    outs.push(out(this.ctx.topics.scores, point.service, scored.score));
    if (scored.anomaly) outs.push(out(this.ctx.topics.anomalies, point.service, scored.anomaly));
    return scored.anomaly !== null;
  }

  /** Publish forecast records (topics.forecasts, keyed by service). */
  protected forecastsInto(outs: OutRecord[], records: VigilRecord[]): void {
    for (const r of records) outs.push(out(this.ctx.topics.forecasts, (r as { service: string }).service, r));
  }
}

const RED_METRICS = ['rate', 'error_ratio', 'latency_p50', 'latency_p95', 'latency_p99'] as const;
function redValue(w: RedWindow, metric: (typeof RED_METRICS)[number]): number {
  switch (metric) {
    case 'rate': return w.requestRatePerS;
    case 'error_ratio': return w.errorRatio;
    case 'latency_p50': return w.latencyMs.p50;
    case 'latency_p95': return w.latencyMs.p95;
    case 'latency_p99': return w.latencyMs.p99;
  }
}

function verificationOptions(d: DetectorConfig): VerificationOptions {
  return { ...d.verification };
}

/**
 * A verdict on a forecast feed: `running` holds the service's steps; `pass` / `inconclusive`
 * learn them; `fail` withholds them and, while the failed version runs, its later steps.
 */
function applyVerdict(f: ForecastFeed, verdict: VerdictRecord): VigilRecord[] {
  if (verdict.status === 'running') {
    f.hold(verdict.service);
    return [];
  }
  if (verdict.status === 'fail') f.markFailed(verdict.service, verdict.version);
  return f.release(verdict.service, verdict.status !== 'fail');
}

/** The forecast feed of a processor, or null when detector.forecast.enabled is false. */
function forecastFeed(ctx: ProcessorContext, state?: ForecastFeedJSON): ForecastFeed | null {
  const f = ctx.detector.forecast;
  if (f && !f.enabled) return null;
  const o: ForecastFeedOptions = { maxSeries: f?.maxSeries ?? 500, maxParts: f?.maxParts ?? 20, maxHeldSteps: f?.maxHeldSteps ?? 36, replicaCpu: f?.replicaCpu ?? 1, targetUtilisation: f?.targetUtilisation ?? 0.7 };
  return state ? ForecastFeed.fromJSON(state, o) : new ForecastFeed(o);
}

interface SpansState {
  kind: 'spans';
  red: RedAggregatorJSON;
  scorers: ReturnType<SeriesScorers['toJSON']>;
  verifiers: ServiceVerifierJSON[];
  versions: ReturnType<VersionTracker['toJSON']>;
  /** Newest span start seen on this partition (event time), for the idle watermark. */
  maxEventMs?: number;
  /** Forecasters of request rate (absent in checkpoints written before forecasting). */
  forecast?: ForecastFeedJSON;
}

/** Spans → RED windows → scores and anomalies; spans → deployment verification → verdicts. */
export class SpansProcessor extends ScoringProcessor implements PartitionProcessor {
  readonly kind = 'spans';
  private verifiers = new Map<string, ServiceVerifier>();
  private maxEventMs = -Infinity;
  private forecasts: ForecastFeed | null;

  constructor(
    ctx: ProcessorContext,
    private red = new RedAggregator({ windowMs: ctx.detector.windowMs, allowedLatenessMs: ctx.detector.allowedLatenessMs, maxOperationsPerService: ctx.detector.maxSeriesPerService }),
    scorers = new SeriesScorers(ctx.detector.maxSeriesPerService, ctx.detector.alertThreshold),
    versions = new VersionTracker(),
    forecasts?: ForecastFeed | null,
  ) {
    super(ctx, scorers, versions);
    this.forecasts = forecasts === undefined ? forecastFeed(ctx) : forecasts;
  }

  /** A verdict: holds the service's forecast steps while it runs, releases them when decided. */
  private onVerdict(outs: OutRecord[], verdict: VerdictRecord): void {
    outs.push(out(this.ctx.topics.verdicts, verdict.service, verdict));
    this.ctx.verdicts?.(verdict);
    const f = this.forecasts;
    if (f) this.forecastsInto(outs, applyVerdict(f, verdict));
  }

  process(value: Uint8Array, headers?: Readonly<Record<string, string>>): OutRecord[] {
    const outs: OutRecord[] = [];
    if (isDeploymentMarker(headers)) {
      // A deployment announced in-band, in order with this service's spans (see @vigil/records).
      const d = decodeRecord(Buffer.from(value.buffer, value.byteOffset, value.byteLength), 'vigil.deployment/1');
      this.verifierFor(d.service, d.environment || undefined).announce(d);
      return outs;
    }
    for (const { identity, spans } of spansFromRecord(value)) {
      for (const span of spans) {
        const kind = span.kind;
        const startMs = Number(BigInt(span.startTimeUnixNano) / 1_000_000n);
        if (this.red.add(span) !== 'counted') continue;
        if (startMs > this.maxEventMs) this.maxEventMs = startMs;
        this.versions.see(identity.service, identity.version, startMs);
        if (kind !== 2 && kind !== 5) continue;
        const verifier = this.verifierFor(identity.service, identity.environment);
        for (const verdict of verifier.observe({
          operation: span.name, version: identity.version ?? '', isError: isErrorSpan(span), durationMs: durationMs(span),
          timeMs: startMs, ...(span.errorMessage !== undefined ? { errorTemplate: errorTemplate(span.errorMessage) } : {}),
        })) {
          this.onVerdict(outs, verdict);
        }
      }
    }
    for (const w of this.red.closeWindows()) {
      if (w.serviceVersion !== null) continue; // per-version windows feed verification, not alerts
      let flagged = false;
      for (const metric of RED_METRICS) {
        const anomalous = this.scoreInto(outs, {
          service: w.service, signal: 'traces', metric, operation: w.operation, seriesKey: seriesKeyOf(w.service, w.operation, metric),
          windowStartMs: w.windowStartMs, windowEndMs: w.windowEndMs, value: redValue(w, metric),
        });
        if (metric === 'rate') flagged = anomalous;
      }
      // The service's request rate (all operations), learnt unless anomalous or of a failed version.
      const f = this.forecasts;
      if (f) this.forecastsInto(outs, f.add(w.service, 'rate', 'load', w.operation, w.windowEndMs, w.requests, flagged || f.isFailed(w.service, this.versions.get(w.service)?.version)));
    }
    return outs;
  }

  /** A CPU / memory sample for the verifier of its service, if this partition holds one. */
  observeSaturation(sample: SaturationSample): OutRecord[] | null {
    const verifier = this.verifiers.get(sample.service);
    if (!verifier || this.ctx.detector.verification.saturation === false) return null;
    const outs: OutRecord[] = [];
    for (const verdict of verifier.observeSaturation(sample)) this.onVerdict(outs, verdict);
    return outs;
  }

  advanceIdle(idleMs: number): OutRecord[] | null {
    if (!Number.isFinite(this.maxEventMs) || ![...this.verifiers.values()].some((v) => v.pendingDeadlineMs !== null)) return null;
    const outs: OutRecord[] = [];
    for (const v of this.verifiers.values()) {
      for (const verdict of v.advance(this.maxEventMs + Math.max(0, idleMs))) this.onVerdict(outs, verdict);
    }
    return outs;
  }

  private verifierFor(service: string, environment: string | undefined): ServiceVerifier {
    let verifier = this.verifiers.get(service);
    if (!verifier) {
      verifier = new ServiceVerifier(service, { ...verificationOptions(this.ctx.detector), environment });
      this.verifiers.set(service, verifier);
    }
    return verifier;
  }

  toJSON(): SpansState {
    return { kind: 'spans', red: this.red.toJSON(), scorers: this.scorers.toJSON(), verifiers: [...this.verifiers.values()].map((v) => v.toJSON()), versions: this.versions.toJSON(), ...(Number.isFinite(this.maxEventMs) ? { maxEventMs: this.maxEventMs } : {}), ...(this.forecasts ? { forecast: this.forecasts.toJSON() } : {}) };
  }

  static fromJSON(j: SpansState, ctx: ProcessorContext): SpansProcessor {
    const p = new SpansProcessor(ctx, RedAggregator.fromJSON(j.red), SeriesScorers.fromJSON(j.scorers, ctx.detector.maxSeriesPerService, ctx.detector.alertThreshold), VersionTracker.fromJSON(j.versions), forecastFeed(ctx, j.forecast));
    for (const v of j.verifiers) p.verifiers.set(v.service, ServiceVerifier.fromJSON(v, verificationOptions(ctx.detector)));
    p.maxEventMs = j.maxEventMs ?? -Infinity;
    return p;
  }
}

/** Duration in ms from the nanosecond times (one subtraction; a negative duration counts as 0). */
function durationMs(span: SpanInput): number {
  const d = BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano);
  return d > 0n ? Number(d) / 1e6 : 0;
}

interface MetricsState {
  kind: 'metrics';
  series: MetricSeriesJSON;
  scorers: ReturnType<SeriesScorers['toJSON']>;
  versions: ReturnType<VersionTracker['toJSON']>;
  /** Forecasters of CPU and memory (absent in checkpoints written before forecasting). */
  forecast?: ForecastFeedJSON;
}

/** Metric points → normalised samples (rates, quantiles) → scores and anomalies. */
export class MetricsProcessor extends ScoringProcessor implements PartitionProcessor {
  readonly kind = 'metrics';
  private forecasts: ForecastFeed | null;
  constructor(
    ctx: ProcessorContext,
    private series = new MetricSeries({ maxSeriesPerService: ctx.detector.maxSeriesPerService }),
    scorers = new SeriesScorers(ctx.detector.maxSeriesPerService, ctx.detector.alertThreshold),
    versions = new VersionTracker(),
    forecasts?: ForecastFeed | null,
  ) {
    super(ctx, scorers, versions);
    this.forecasts = forecasts === undefined ? forecastFeed(ctx) : forecasts;
  }

  process(value: Uint8Array): OutRecord[] {
    const outs: OutRecord[] = [];
    for (const { identity, points } of metricPointsFromRecord(value)) {
      for (const point of points) {
        for (const s of this.series.add(point)) {
          this.versions.see(identity.service, identity.version, s.timeMs);
          const anomalous = this.scoreInto(outs, {
            service: s.service, signal: 'metrics', metric: `${s.metric}:${s.field}`, seriesKey: seriesKeyOf(s.service, s.seriesKey, s.field),
            windowStartMs: Math.floor(s.timeMs), windowEndMs: Math.floor(s.timeMs), value: s.value,
          });
          const kind = s.field === 'value' ? forecastKindOf(s.metric) : null;
          // Learnt unless anomalous or measured on a version that failed verification.
          const f = this.forecasts;
          if (kind && f) this.forecastsInto(outs, f.add(s.service, s.metric, kind, s.seriesKey, s.timeMs, s.value, anomalous || f.isFailed(s.service, identity.version)));
          // A versioned CPU / memory sample goes to the service's deployment verification.
          if (identity.version && this.ctx.saturation && saturationKindOf(s.metric, s.field) !== null) {
            this.ctx.saturation({ service: s.service, version: identity.version, metric: s.metric, timeMs: s.timeMs, value: s.value });
          }
        }
      }
    }
    return outs;
  }

  /** A verdict of this detector's spans processors: the service's CPU and memory steps follow it. */
  observeVerdict(verdict: VerdictRecord): OutRecord[] | null {
    const f = this.forecasts;
    if (!f) return null;
    const outs: OutRecord[] = [];
    this.forecastsInto(outs, applyVerdict(f, verdict));
    return outs;
  }

  toJSON(): MetricsState {
    return { kind: 'metrics', series: this.series.toJSON(), scorers: this.scorers.toJSON(), versions: this.versions.toJSON(), ...(this.forecasts ? { forecast: this.forecasts.toJSON() } : {}) };
  }

  static fromJSON(j: MetricsState, ctx: ProcessorContext): MetricsProcessor {
    return new MetricsProcessor(ctx, MetricSeries.fromJSON(j.series), SeriesScorers.fromJSON(j.scorers, ctx.detector.maxSeriesPerService, ctx.detector.alertThreshold), VersionTracker.fromJSON(j.versions), forecastFeed(ctx, j.forecast));
  }
}

interface LogsState {
  kind: 'logs';
  miner: TemplateMinerJSON;
  scorers: ReturnType<SeriesScorers['toJSON']>;
  versions: ReturnType<VersionTracker['toJSON']>;
  /** Stable template ids (absent in checkpoints written before aliasing). */
  aliases?: Array<[string, string]>;
}

const ERROR_SEVERITY_NUMBER = 17; // OTel logs data model: 17-20 ERROR, 21-24 FATAL

/** Log records → templates (counts per window, new templates) → template records, error-count scores, anomalies. */
export class LogsProcessor extends ScoringProcessor implements PartitionProcessor {
  readonly kind = 'logs';
  constructor(
    ctx: ProcessorContext,
    private features = new LogTemplateFeatures({ windowMs: ctx.detector.windowMs, maxTemplatesPerService: ctx.detector.maxTemplatesPerService }),
    scorers = new SeriesScorers(ctx.detector.maxSeriesPerService, ctx.detector.alertThreshold),
    versions = new VersionTracker(),
    private aliases = new TemplateIdAliases(),
  ) {
    super(ctx, scorers, versions);
  }

  /** The miner's options (the evaluated default, but for the window and the template cap). */
  get minerOptions(): LogTemplateFeatures['miner']['options'] {
    return this.features.miner.options;
  }

  process(value: Uint8Array): OutRecord[] {
    const { topics } = this.ctx;
    const aliases = this.aliases;
    const outs: OutRecord[] = [];
    for (const { identity, records } of logsFromRecord(value)) {
      for (const rec of records) {
        const timeMs = Number(BigInt((rec.timeUnixNano || rec.observedTimeUnixNano || 0n)) / 1_000_000n);
        this.versions.see(identity.service, identity.version, timeMs);
        // Only a version deployed while Vigil watched makes templates "new after deploying" it;
        // at first contact every template is new and is learned, not judged.
        const dep = this.versions.deployed(identity.service);
        const r = this.features.add(rec, dep ? Math.max(0, timeMs - dep.sinceMs) : undefined);
        // A generalised template keeps the id it was published under: a merge is never "new".
        if (r.ok && r.merged) aliases.merge(r.merged);
        if (!r.ok || !r.newTemplate || aliases.isAlias(r.newTemplate.service, r.newTemplate.templateId)) continue;
        const nt = r.newTemplate;
        const isErrorLine = (rec.severityNumber ?? 0) >= ERROR_SEVERITY_NUMBER || /^(error|fatal|critical)/i.test(rec.severityText ?? '');
        const tr: TemplateRecord = {
          schema: 'vigil.template/1', service: nt.service, templateId: nt.templateId, template: nt.template, windowStartMs: timeMs,
          windowEndMs: timeMs, count: 0, severities: {}, firstSeenMs: nt.firstSeenMs, isNew: true,
          newSinceDeployment: nt.afterDeploy && dep ? dep.id : undefined, version: this.versions.get(identity.service)?.version,
        };
        outs.push(out(topics.templates, nt.service, tr));
        if (nt.afterDeploy && dep && isErrorLine) {
          const seriesKey = seriesKeyOf(nt.service, 'new_log_template', nt.templateId);
          outs.push(out(topics.anomalies, nt.service, {
            schema: 'vigil.anomaly/1', id: `tpl-${nt.templateId}-${dep.id}`, seriesId: nt.templateId, seriesKey, service: nt.service,
            signal: 'logs', metric: 'new_log_template', version: dep.version, windowStartMs: timeMs, windowEndMs: timeMs,
            value: 1, expected: 0, lower: 0, upper: 0, score: 1, threshold: 0, components: ['new_template'], severity: 'warning',
            deployment: { id: dep.id, version: dep.version, ageMs: Math.max(0, timeMs - dep.sinceMs) },
            summary: `${nt.service}: new error log template after deploying ${dep.version}: "${nt.template.slice(0, 200)}"`,
          }));
        }
      }
    }
    for (const w of this.features.closeWindows()) {
      for (const t of w.templates) {
        outs.push(out(topics.templates, w.service, {
          schema: 'vigil.template/1', service: w.service, templateId: aliases.publish(w.service, t.templateId), template: t.template, windowStartMs: w.windowStartMs,
          windowEndMs: w.windowEndMs, count: t.count, severities: nonZero(t.severity), firstSeenMs: w.windowStartMs, isNew: false,
          version: this.versions.get(w.service)?.version,
        }));
      }
      const errorCount = w.severity.error + w.severity.fatal;
      this.scoreInto(outs, {
        service: w.service, signal: 'logs', metric: 'log_error_count', seriesKey: seriesKeyOf(w.service, 'log_error_count'),
        windowStartMs: w.windowStartMs, windowEndMs: w.windowEndMs, value: Number.isFinite(errorCount) ? errorCount : 0,
      });
    }
    return outs;
  }

  toJSON(): LogsState {
    return { kind: 'logs', miner: this.features.toJSON(), scorers: this.scorers.toJSON(), versions: this.versions.toJSON(), aliases: this.aliases.toJSON() };
  }

  static fromJSON(j: LogsState, ctx: ProcessorContext): LogsProcessor {
    return new LogsProcessor(ctx, LogTemplateFeatures.fromJSON(j.miner), SeriesScorers.fromJSON(j.scorers, ctx.detector.maxSeriesPerService, ctx.detector.alertThreshold), VersionTracker.fromJSON(j.versions), new TemplateIdAliases(j.aliases ?? []));
  }
}

function nonZero(counts: Record<string, number>): Record<string, number> {
  const o: Record<string, number> = {};
  for (const [k, v] of Object.entries(counts)) if (v > 0) o[k] = v;
  return o;
}

export function createProcessor(kind: ProcessorKind, ctx: ProcessorContext, state?: unknown): PartitionProcessor {
  const p = kind === 'spans'
    ? (state ? SpansProcessor.fromJSON(state as SpansState, ctx) : new SpansProcessor(ctx))
    : kind === 'metrics'
      ? (state ? MetricsProcessor.fromJSON(state as MetricsState, ctx) : new MetricsProcessor(ctx))
      : (state ? LogsProcessor.fromJSON(state as LogsState, ctx) : new LogsProcessor(ctx));
  p.useFeedback(ctx.feedback ?? null);
  return p;
}
