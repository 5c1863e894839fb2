// The only place where the collector's stages are wired:
//   receivers (made by their factories: otlp_grpc, otlp_http, deployments, ci_junit; the HTTP ones
//   registered on one shared listener) -> admission (in-flight bytes) -> ingest (validate, split
//   per resource, key, deployment events) / CI ingest / deployment sink -> exporters/kafka
//   (producer, acks=all) -> answer.
// Start downstream first (producer), then receivers; stop upstream first (receivers), then the
// producer once every in-flight request has been answered.
import type { Bus, Producer } from '@vigil/bus';
import { topicDefinitions } from '@vigil/config';
import type { CollectorServiceConfig } from '@vigil/config';
import type { Telemetry } from '@vigil/telemetry';
import { collectorMetrics } from './collector-metrics.js';
import type { CollectorMetrics } from './collector-metrics.js';
import { InflightLimiter } from './processors/admission/inflight-limiter.js';
import { KafkaExporter } from './exporters/kafka/kafka-exporter.js';
import { Ingest } from './ingest/ingest.js';
import { deploymentRecords } from './deployments/deployment-event.js';
import { VersionTracker } from './deployments/version-tracker.js';
import { junitHandler } from './ci/junit-ingest.js';
import { ciRecordsFromTraces } from './ci/otel-ci.js';
import { createHttpListener } from './receivers/http-listener/http-listener.js';
import type { HttpListener } from './receivers/http-listener/http-listener.js';
import { RECEIVER_FACTORIES } from './receivers/factories.js';
import type { DeploymentSink } from './receivers/deployments/deployments-receiver.js';
import type { Receiver, ReceiverHost } from './receivers/receiver.js';

export interface Pipeline {
  /** The shared HTTP listener (collector.http), null when disabled; its receivers are in `receivers`. */
  http: HttpListener | null;
  /** The OTLP/gRPC receiver (its own server), null when disabled. */
  grpc: Receiver | null;
  /** Every receiver made, by its factory. */
  receivers: Receiver[];
  limiter: InflightLimiter;
  exporter: KafkaExporter;
  metrics: CollectorMetrics;
}

export function buildPipeline(
  config: CollectorServiceConfig, producer: Producer, telemetry: Telemetry, now: () => number = Date.now,
): Pipeline {
  const c = config.collector;
  const t = config.topics;
  const metrics = collectorMetrics(telemetry);
  const limiter = new InflightLimiter(c.maxInflightBytes, (held) => metrics.inflightBytes.set(held));
  const exporter = new KafkaExporter(producer, {
    produceTimeoutMs: c.produceTimeoutMs,
    busDownHoldMs: c.busDownHoldMs,
    now,
    onProduceDuration: (s, ok) => metrics.produceSeconds.observe({ outcome: ok ? 'acked' : 'failed' }, s),
  });
  const ingest = new Ingest({
    topics: { traces: t.spans, metrics: t.metrics, logs: t.logs },
    deploymentsTopic: t.deployments,
    maxRecordBytes: c.maxRecordBytes,
    validateUtf8: c.validateUtf8,
    retryAfterS: c.retryAfterS,
    versions: c.deployments.fromServiceVersion ? new VersionTracker(c.deployments.maxSeen) : null,
    exporter,
    limiter,
    metrics,
    now,
    ciSpans: (proto) => ciRecordsFromTraces(proto, t.ciTestRuns),
  });
  const junit = junitHandler({
    topic: t.ciTestRuns, exporter, limiter, metrics, maxRecordBytes: c.maxRecordBytes, retryAfterS: c.retryAfterS, now,
  });
  // An announcement goes to the deployments topic and in band on the spans topic, where the
  // detector meets it in order with the spans it verifies (and joins its commit's CI quality).
  const deploymentSink: DeploymentSink = async (event) => {
    const sent = await exporter.send(deploymentRecords(event, { deployments: t.deployments, spans: t.spans }), () => {});
    if (sent.kind === 'acked') metrics.records.inc({ topic: t.deployments });
    return sent;
  };

  const http = c.http.enabled ? createHttpListener({ config: c.http, metrics, telemetry }) : null;
  const host: ReceiverHost = {
    httpListener: () => {
      if (!http) throw new Error('collector: an HTTP receiver needs collector.http.enabled');
      return http;
    },
    limiter, metrics, telemetry, retryAfterS: c.retryAfterS, now,
  };
  const grpc = c.grpc.enabled ? RECEIVER_FACTORIES.otlp_grpc.create(c.grpc, ingest, host) : null;
  const receivers: Receiver[] = grpc ? [grpc] : [];
  if (http) {
    receivers.push(
      RECEIVER_FACTORIES.otlp_http.create(c.http, ingest, host),
      RECEIVER_FACTORIES.deployments.create({ webhooks: c.deployments.webhooks }, deploymentSink, host),
      RECEIVER_FACTORIES.ci_junit.create(c.http, junit, host),
    );
  }
  return { http, grpc, receivers, limiter, exporter, metrics };
}

/** Topics the collector writes; created when missing (existing topics are left alone). */
export async function ensureCollectorTopics(bus: Bus, config: Pick<CollectorServiceConfig, 'topics'>): Promise<void> {
  await bus.ensureTopics(topicDefinitions(config, ['spans', 'metrics', 'logs', 'deployments', 'ciTestRuns']));
}
