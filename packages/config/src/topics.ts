// The one list of Vigil's Kafka topics. Everything else derives from it: the `topics` section of
// vigil.yaml (one name per key, defaulting to `name` below), the topics every process creates
// (topicDefinitions), the topics the writer lands and in which tables (writerTopics), and
// infra/kafka/topics.json (kept equal by test/unit/compose.test.ts). To add a topic, add it here.
import type { TopicSpec as TopicDefinition } from '@vigil/bus';
import type { RecordSchema } from '@vigil/records';
import type { TopicsConfig } from './sections/core.js';

/** A topic to create: @vigil/bus's TopicSpec (configured name, partitions, compaction). */
export type { TopicDefinition };

export interface TopicEntry {
  /** Default name; `topics.<key>` in vigil.yaml renames it. */
  readonly name: string;
  /**
   * What a record holds: `otlp`, OTLP protobuf (one resource per record when Vigil wrote it; an
   * in-band vigil.deployment/1 marked by the `vigil-record` header); `state`, a service's own
   * checkpoint entries (not a wire contract); else the @vigil/records schemas it carries.
   */
  readonly records: 'otlp' | 'state' | readonly RecordSchema[];
  /** Compacted: the latest value per key is kept (state and current-value topics). */
  readonly compacted: boolean;
  /**
   * ClickHouse tables the writer lands the topic in. `raw`: only with writer.rawTelemetry (the
   * OpenTelemetry Collector ClickHouse exporter's otel_* tables); none: not landed.
   */
  readonly tables: readonly string[] | 'raw';
  /** Who writes it, who reads it. */
  readonly doc: string;
}

const otelTables = 'raw' as const;

/** Every topic, by its key in the `topics` section. Defaults of otlp_* follow the OpenTelemetry Collector Kafka exporter's. */
export const TOPICS = {
  spans: { name: 'otlp_spans', records: 'otlp', compacted: false, tables: otelTables, doc: 'collector → detector (+ in-band deployment markers)' },
  metrics: { name: 'otlp_metrics', records: 'otlp', compacted: false, tables: otelTables, doc: 'collector → detector' },
  logs: { name: 'otlp_logs', records: 'otlp', compacted: false, tables: otelTables, doc: 'collector → detector' },
  deployments: {
    name: 'vigil_deployments', records: ['vigil.deployment/1'], compacted: false, tables: ['deployments', 'deployment_announcements'],
    doc: 'collector, rekey → alerter, writer',
  },
  scores: { name: 'vigil_scores', records: ['vigil.score/1'], compacted: false, tables: ['scores'], doc: 'detector → writer' },
  anomalies: { name: 'vigil_anomalies', records: ['vigil.anomaly/1'], compacted: false, tables: ['anomalies'], doc: 'detector → alerter, writer' },
  verdicts: { name: 'vigil_verdicts', records: ['vigil.verdict/1'], compacted: false, tables: ['verdicts', 'deployments'], doc: 'detector → alerter, writer' },
  templates: { name: 'vigil_templates', records: ['vigil.template/1'], compacted: false, tables: ['log_templates'], doc: 'detector → writer' },
  alerts: { name: 'vigil_alerts', records: ['vigil.alert/1'], compacted: false, tables: ['alerts'], doc: 'alerter → writer' },
  rollbacks: { name: 'vigil_rollbacks', records: ['vigil.rollback/1'], compacted: false, tables: ['rollbacks'], doc: 'alerter → writer' },
  deadLetter: { name: 'vigil_dead_letter', records: ['vigil.dead_letter/1'], compacted: false, tables: ['dead_letters'], doc: 'detector, rekey, writer → writer' },
  detectorState: { name: 'vigil_detector_state', records: 'state', compacted: true, tables: [], doc: 'detector checkpoints (per input partition)' },
  alerterState: { name: 'vigil_alerter_state', records: 'state', compacted: true, tables: [], doc: 'alerter state (alerts, silences, incidents)' },
  ciTestRuns: {
    name: 'ci_test_runs', records: ['vigil.test_run/1', 'vigil.pipeline_run/1'], compacted: false, tables: ['ci_test_runs', 'ci_pipeline_runs'],
    doc: 'collector (JUnit, CI spans), query (announced pipeline runs) → writer, detector (CI-quality stage)',
  },
  ciQuality: {
    name: 'vigil_ci_quality', records: ['vigil.ci_quality/1'], compacted: true, tables: [],
    doc: 'detector (CI-quality stage, from ci_test_runs) → detector (joined with deployments); keyed by revision and suite',
  },
  forecasts: { name: 'vigil_forecasts', records: ['vigil.forecast/1'], compacted: false, tables: ['forecasts'], doc: 'detector → writer' },
  // Foreign OTLP records (an OpenTelemetry Collector's Kafka exporter) split per resource and keyed by service (rekey stage).
  keyedSpans: { name: 'vigil_keyed_spans', records: 'otlp', compacted: false, tables: [], doc: 'rekey → detector' },
  keyedMetrics: { name: 'vigil_keyed_metrics', records: 'otlp', compacted: false, tables: [], doc: 'rekey → detector' },
  keyedLogs: { name: 'vigil_keyed_logs', records: 'otlp', compacted: false, tables: [], doc: 'rekey → detector' },
  incidents: { name: 'vigil_incidents', records: ['vigil.incident/1'], compacted: false, tables: ['incident_resolutions'], doc: 'alerter (incident memory) → writer' },
  feedback: { name: 'vigil_feedback', records: ['vigil.feedback/1'], compacted: false, tables: ['feedback'], doc: 'alerter (operator feedback) → detector, writer' },
} as const satisfies Record<string, TopicEntry>;

export type TopicKey = keyof typeof TOPICS;
export const TOPIC_KEYS = Object.keys(TOPICS) as TopicKey[];

/**
 * The topics to create, with their configured names and `topics.partitions`; every topic, or the
 * keys given (a service creates those it writes when they are missing).
 */
export function topicDefinitions(config: { topics: TopicsConfig }, keys: readonly TopicKey[] = TOPIC_KEYS): TopicDefinition[] {
  const t = config.topics;
  return keys.map((k) => (TOPICS[k].compacted ? { topic: t[k], partitions: t.partitions, compacted: true } : { topic: t[k], partitions: t.partitions }));
}

/**
 * The topics the writer lands in ClickHouse (configured names): every topic with tables, and the
 * raw otlp_* topics too when `rawTelemetry`.
 */
export function writerTopics(topics: TopicsConfig, rawTelemetry: boolean): string[] {
  return TOPIC_KEYS.filter((k) => {
    const tables: readonly string[] | 'raw' = TOPICS[k].tables;
    return tables === 'raw' ? rawTelemetry : tables.length > 0;
  }).map((k) => topics[k]);
}
