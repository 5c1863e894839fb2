// The collector's self-telemetry on /metrics (prom-client via @vigil/telemetry).
import type { Telemetry } from '@vigil/telemetry';

export function collectorMetrics(t: Telemetry) {
  return {
    requests: t.counter('vigil_collector_requests_total', 'OTLP requests by transport, signal and answer (HTTP status or gRPC code name)', ['transport', 'signal', 'code']),
    items: t.counter('vigil_collector_items_total',
      'Spans / data points / log records: accepted (acknowledged by Kafka), refused (backpressure, bus down), failed (send failed), rejected (partial success)',
      ['signal', 'outcome']),
    bytes: t.counter('vigil_collector_received_bytes_total', 'Request body bytes, on the wire and decompressed', ['transport', 'signal', 'stage']),
    records: t.counter('vigil_collector_records_total', 'Kafka records acknowledged, by topic', ['topic']),
    requestSeconds: t.histogram('vigil_collector_request_duration_seconds', 'Time from request start to answer', ['transport', 'signal']),
    produceSeconds: t.histogram('vigil_collector_produce_duration_seconds', 'Time from producer.send to acknowledgement (or failure)', ['outcome']),
    inflightBytes: t.gauge('vigil_collector_inflight_bytes', 'Bytes held: bodies being read plus records waiting for acknowledgement'),
    deployments: t.counter('vigil_collector_deployment_events_total', 'Deployment events written, by source', ['source']),
    lingerClosed: t.counter('vigil_collector_http_linger_closed_total',
      'Connections closed after an early answer (413, 429, …) because the rest of the body passed collector.http.lingerMaxBytes or lingerMaxMs'),
    deploymentAnnouncements: t.counter('vigil_collector_deployment_announcements_total',
      'POST /v1/deployments[/tool] by shape (plain, github, gitlab, argocd, flux) and outcome (recorded, ignored, invalid)', ['shape', 'outcome']),
  };
}

export type CollectorMetrics = ReturnType<typeof collectorMetrics>;
