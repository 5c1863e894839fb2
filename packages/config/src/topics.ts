import type { VigilConfig } from './schema.js';

export interface TopicDefinition {
  topic: string;
  partitions: number;
  compacted?: boolean;
}

/** Every topic Vigil uses, with its partition count; state topics are compacted. */
export function topicDefinitions(config: VigilConfig): TopicDefinition[] {
  const t = config.topics;
  const n = t.partitions;
  return [
    { topic: t.spans, partitions: n },
    { topic: t.metrics, partitions: n },
    { topic: t.logs, partitions: n },
    { topic: t.deployments, partitions: n },
    { topic: t.scores, partitions: n },
    { topic: t.anomalies, partitions: n },
    { topic: t.verdicts, partitions: n },
    { topic: t.templates, partitions: n },
    { topic: t.alerts, partitions: n },
    { topic: t.rollbacks, partitions: n },
    { topic: t.deadLetter, partitions: n },
    { topic: t.detectorState, partitions: n, compacted: true },
    { topic: t.alerterState, partitions: n, compacted: true },
    { topic: t.ciTestRuns, partitions: n },
    { topic: t.ciQuality, partitions: n, compacted: true },
    { topic: t.forecasts, partitions: n },
    // Foreign OTLP records re-keyed by service (the rekey stage).
    { topic: t.keyedSpans, partitions: n },
    { topic: t.keyedMetrics, partitions: n },
    { topic: t.keyedLogs, partitions: n },
    // Incident memory and operator feedback (named in the alerter section).
    { topic: config.alerter.incidents.topic, partitions: n },
    { topic: config.alerter.incidents.feedbackTopic, partitions: n },
  ];
}
