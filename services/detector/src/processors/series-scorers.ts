import { DEFAULT_SCORER_CONFIG, DefaultScorer, resolveScorerConfig } from '@vigil/detectors';
import type { FeedbackModel } from '@vigil/incidents';
import type { DefaultScorerConfig, DefaultScorerState, ScoreResult } from '@vigil/detectors';
import { stableId } from '@vigil/records';
import type { AnomalyRecord, ScoreRecord, Signal } from '@vigil/records';

export interface SeriesPoint {
  service: string;
  signal: Signal;
  metric: string;
  operation?: string;
  version?: string;
  seriesKey: string;
  windowStartMs: number;
  windowEndMs: number;
  value: number;
}

export interface DeploymentInEffect {
  id: string;
  version: string;
  sinceMs: number;
  /**
   * The first version of the service this state ever saw (first contact, or state lost / a new
   * partition assigned): there is no baseline, so it is learned, never judged as a deployment.
   */
  firstSeen?: boolean;
}

export interface ScoredPoint {
  score: ScoreRecord;
  anomaly: AnomalyRecord | null;
}

/**
 * One default scorer per series, with a cardinality guard per service: past `maxSeriesPerService`
 * a new series is counted and dropped, never allowed to exhaust memory.
 * Memory: one DefaultScorer (≤ 2 KB) per series.
 */
export class SeriesScorers {
  private scorers = new Map<string, DefaultScorer>();
  private perService = new Map<string, number>();
  dropped = 0;

  /** Operator feedback (not_anomaly raises a scope's threshold); shared by the detector's processors. */
  feedback: FeedbackModel | null = null;

  /**
   * The configuration of every series: DEFAULT_SCORER_CONFIG itself (the object `eval:nab`
   * evaluates) unless the operator sets detector.alertThreshold.
   */
  readonly scorerConfig: Readonly<DefaultScorerConfig>;

  constructor(
    private readonly maxSeriesPerService: number,
    threshold: number | undefined,
  ) {
    this.scorerConfig = threshold === undefined ? DEFAULT_SCORER_CONFIG : resolveScorerConfig({ alertThreshold: threshold });
  }

  /** The scorer of a series, if it has one. */
  scorerOf(seriesKey: string): DefaultScorer | undefined {
    return this.scorers.get(seriesKey);
  }

  get size(): number {
    return this.scorers.size;
  }

  score(p: SeriesPoint, deployment: DeploymentInEffect | undefined): ScoredPoint | null {
    let scorer = this.scorers.get(p.seriesKey);
    if (!scorer) {
      const n = this.perService.get(p.service) ?? 0;
      if (n >= this.maxSeriesPerService) {
        this.dropped++;
        return null;
      }
      this.perService.set(p.service, n + 1);
      scorer = new DefaultScorer(this.scorerConfig);
      this.scorers.set(p.seriesKey, scorer);
    }
    const r = scorer.update(p.windowStartMs, p.value);
    const seriesId = stableId('series', p.seriesKey);
    const score: ScoreRecord = {
      schema: 'vigil.score/1', seriesId, seriesKey: p.seriesKey, service: p.service, signal: p.signal, metric: p.metric,
      operation: p.operation, version: p.version, windowStartMs: p.windowStartMs, windowEndMs: p.windowEndMs,
      value: p.value, expected: finiteOr(r.expected, p.value), lower: finiteOr(r.lower, p.value), upper: finiteOr(r.upper, p.value),
      score: r.score, components: r.component === 'none' ? [] : [r.component], warmingUp: r.component === 'warmup',
    };
    let alarm = r.alarm;
    if (alarm && this.feedback) {
      // Feedback decays in event time, so a replay of the same data with the same feedback agrees.
      const adj = this.feedback.adjust({
        service: p.service, operation: p.operation, metric: p.metric, seriesKey: p.seriesKey,
        direction: p.value >= score.expected ? 'up' : 'down', threshold: scorer.config.alertThreshold,
      }, r.score, p.windowStartMs);
      if (adj.suppressedBy) {
        alarm = false;
        score.components = [...score.components, `feedback:${adj.suppressedBy}`];
      }
    }
    return { score, anomaly: alarm ? anomalyOf(score, r, scorer.config.alertThreshold, deployment) : null };
  }

  toJSON(): Array<[string, string, DefaultScorerState]> {
    return [...this.scorers].map(([key, s]) => [key, serviceOfKey(key), s.toJSON()]);
  }

  static fromJSON(entries: Array<[string, string, DefaultScorerState]>, maxSeriesPerService: number, threshold: number | undefined): SeriesScorers {
    const out = new SeriesScorers(maxSeriesPerService, threshold);
    for (const [key, service, state] of entries) {
      out.scorers.set(key, DefaultScorer.fromJSON(state, out.scorerConfig));
      out.perService.set(service, (out.perService.get(service) ?? 0) + 1);
    }
    return out;
  }
}

/** Series keys start with the service, then `|`. */
export function seriesKeyOf(service: string, ...parts: string[]): string {
  return [service, ...parts].join('|');
}
function serviceOfKey(key: string): string {
  return key.slice(0, key.indexOf('|'));
}

function finiteOr(v: number, fallback: number): number {
  return Number.isFinite(v) ? v : fallback;
}

function anomalyOf(s: ScoreRecord, r: ScoreResult, threshold: number, deployment: DeploymentInEffect | undefined): AnomalyRecord {
  const above = s.value > s.expected;
  const worse = s.metric === 'error_ratio' || s.metric.startsWith('latency') || s.metric === 'log_error_count' ? above : true;
  const severity: AnomalyRecord['severity'] = worse && r.score >= 0.9 ? 'critical' : worse ? 'warning' : 'info';
  const where = s.operation ? ` ${s.operation}` : '';
  return {
    schema: 'vigil.anomaly/1', id: stableId('anomaly', s.seriesId, s.windowStartMs), seriesId: s.seriesId, seriesKey: s.seriesKey,
    service: s.service, signal: s.signal, metric: s.metric, operation: s.operation, version: s.version,
    windowStartMs: s.windowStartMs, windowEndMs: s.windowEndMs, value: s.value, expected: s.expected, lower: s.lower, upper: s.upper,
    score: s.score, threshold, components: s.components, severity,
    deployment: deployment ? { id: deployment.id, version: deployment.version, ageMs: Math.max(0, s.windowStartMs - deployment.sinceMs) } : undefined,
    summary: `${s.service}${where}: ${s.metric} ${fmt(s.value)} ${above ? 'above' : 'below'} the expected ${fmt(s.expected)} (band ${fmt(s.lower)}–${fmt(s.upper)}), score ${s.score.toFixed(2)}`,
  };
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
}
