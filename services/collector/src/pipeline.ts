// The only place where the collector's stages are wired:
//   receivers (otlp-grpc, otlp-http) -> admission (in-flight bytes) -> ingest (validate, split
//   per resource, key, deployment events) -> exporters/kafka (producer, acks=all) -> answer.
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
import { OtlpHttpReceiver } from './receivers/otlp-http/otlp-http-receiver.js';
import type { DeploymentHandler } from './receivers/otlp-http/otlp-http-receiver.js';
import { OtlpGrpcReceiver } from './receivers/otlp-grpc/otlp-grpc-receiver.js';
import { apiDeployment, DeploymentInputError, deploymentRecords } from './deployments/deployment-event.js';
import { ANNOUNCEMENT_SHAPES, announcementOf, selfAuthenticating, shapeOf, verifySignature } from './deployments/announcements.js';
import { VersionTracker } from './deployments/version-tracker.js';
import { ciQualityOf, httpCiQualityLookup } from './deployments/ci-quality.js';
import { DeploymentCiFollowUp } from './deployments/ci-follow-up.js';
import type { CiQualityLookup } from './deployments/ci-quality.js';
import { junitHandler } from './ci/junit-ingest.js';
import { ciRecordsFromTraces } from './ci/otel-ci.js';

export interface Pipeline {
  http: OtlpHttpReceiver | null;
  grpc: OtlpGrpcReceiver | null;
  limiter: InflightLimiter;
  exporter: KafkaExporter;
  metrics: CollectorMetrics;
  /** CI lookups of resource deployments with a commit; null without a CI lookup. Closed at shutdown before the producer. */
  deploymentCi: DeploymentCiFollowUp | null;
}

export function buildPipeline(
  config: CollectorServiceConfig, producer: Producer, telemetry: Telemetry, now: () => number = Date.now, ciLookup?: CiQualityLookup,
): Pipeline {
  const c = config.collector;
  const ciq = c.deployments.ciQuality;
  const lookup = ciLookup ?? (ciq.url ? httpCiQualityLookup(ciq.url, ciq.token) : null);
  const metrics = collectorMetrics(telemetry);
  const limiter = new InflightLimiter(c.maxInflightBytes, (held) => metrics.inflightBytes.set(held));
  const exporter = new KafkaExporter(producer, {
    produceTimeoutMs: c.produceTimeoutMs,
    busDownHoldMs: c.busDownHoldMs,
    now,
    onProduceDuration: (s, ok) => metrics.produceSeconds.observe({ outcome: ok ? 'acked' : 'failed' }, s),
  });
  const deploymentCi = lookup
    ? new DeploymentCiFollowUp({
        lookup,
        timeoutMs: ciq.timeoutMs,
        deploymentsTopic: config.topics.deployments,
        spansTopic: config.topics.spans,
        send: (records, onSettled) => exporter.send(records, onSettled),
        metrics,
        warn: (event, fields) => telemetry.event(event, fields, 'warn'),
      })
    : null;
  const ingest = new Ingest({
    topics: { traces: config.topics.spans, metrics: config.topics.metrics, logs: config.topics.logs },
    deploymentsTopic: config.topics.deployments,
    maxRecordBytes: c.maxRecordBytes,
    validateUtf8: c.validateUtf8,
    retryAfterS: c.retryAfterS,
    versions: c.deployments.fromServiceVersion ? new VersionTracker(c.deployments.maxSeen) : null,
    exporter,
    limiter,
    metrics,
    now,
    ciSpans: (proto) => ciRecordsFromTraces(proto, config.topics.ciTestRuns),
    deploymentCi,
  });
  const junit = junitHandler({
    topic: config.topics.ciTestRuns, exporter, limiter, metrics, maxRecordBytes: c.maxRecordBytes, retryAfterS: c.retryAfterS, now,
  });
  const secrets = c.deployments.webhooks;
  const deployments: DeploymentHandler = async (req) => {
    const shape = shapeOf(req.subPath, req.headers);
    if (shape === null) {
      return { status: 404, body: { code: 5, message: `no deployment endpoint at /v1/deployments${req.subPath}; use /v1/deployments or /v1/deployments/{${ANNOUNCEMENT_SHAPES.filter((x) => x !== 'plain').join(',')}}` } };
    }
    const refused = verifySignature(shape, req.body, req.headers, secrets);
    if (refused !== null) {
      telemetry.event('deployment_webhook_refused', { shape, reason: refused }, 'warn');
      return { status: 401, body: { code: 16, message: refused } };
    }
    let event;
    try {
      let parsed: unknown;
      try {
        parsed = JSON.parse(req.body.toString('utf8'));
      } catch (e) {
        throw new DeploymentInputError(`invalid JSON: ${(e as Error).message}`);
      }
      const announced = announcementOf(shape, parsed, req.headers, req.query);
      if (announced.kind === 'ignored') {
        metrics.deploymentAnnouncements.inc({ shape, outcome: 'ignored' });
        return { status: 200, body: { ignored: announced.reason } };
      }
      event = apiDeployment(announced.deployment, now());
    } catch (e) {
      if (e instanceof DeploymentInputError) {
        metrics.deploymentAnnouncements.inc({ shape, outcome: 'invalid' });
        return { status: 400, body: { code: 3, message: e.message } };
      }
      throw e;
    }
    if (lookup && event.commit) {
      event.ci = await ciQualityOf(lookup, event.commit, ciq.timeoutMs);
      if (event.ci.quality === 'unknown' && event.ci.reasons.length > 0) {
        telemetry.event('deployment_ci_unknown', { service: event.service, version: event.version, reason: event.ci.reasons[0] }, 'warn');
      }
    }
    const sent = await exporter.send(deploymentRecords(event, { deployments: config.topics.deployments, spans: config.topics.spans }), () => {});
    if (sent.kind === 'acked') {
      metrics.deploymentAnnouncements.inc({ shape, outcome: 'recorded' });
      metrics.deployments.inc({ source: 'api' });
      metrics.records.inc({ topic: config.topics.deployments });
      telemetry.event('deployment_recorded', { service: event.service, version: event.version, id: event.id });
      return { status: 202, body: event };
    }
    if (sent.kind === 'permanent') return { status: 400, body: { code: 3, message: sent.reason } };
    return { status: 503, body: { code: 14, message: sent.reason }, retryAfterS: c.retryAfterS };
  };
  const http = c.http.enabled
    ? new OtlpHttpReceiver({
      config: c.http, consumer: ingest, limiter, metrics, telemetry, deployments, junit, retryAfterS: c.retryAfterS,
      deploymentSelfAuth: (subPath, headers) => {
        const shape = shapeOf(subPath, headers);
        return shape !== null && selfAuthenticating(shape, secrets);
      },
    })
    : null;
  const grpc = c.grpc.enabled
    ? new OtlpGrpcReceiver({ config: c.grpc, consumer: ingest, limiter, metrics, telemetry, retryAfterS: c.retryAfterS })
    : null;
  return { http, grpc, limiter, exporter, metrics, deploymentCi };
}

/** Topics the collector writes; created when missing (existing topics are left alone). */
export async function ensureCollectorTopics(bus: Bus, config: Pick<CollectorServiceConfig, 'topics'>): Promise<void> {
  await bus.ensureTopics(topicDefinitions(config, ['spans', 'metrics', 'logs', 'deployments', 'ciTestRuns']));
}
