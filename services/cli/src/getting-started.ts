// What `vigil start` prints once everything listens: where to point exporters, how to announce
// a deploy, where the API and console are. Pure: built from the configuration and the bound
// ports, so it names what really runs (TLS, tokens, ports chosen by the OS).
import type { VigilConfig } from '@vigil/config';

export interface StartedPorts {
  otlpHttp: number;
  otlpGrpc: number;
  api: number;
  alerterApi: number;
}

/** A host a client on this machine can dial: wildcard binds are reached through loopback. */
function dialHost(host: string): string {
  if (host === '0.0.0.0' || host === '' || host === '::') return '127.0.0.1';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function base(listener: { host: string; tls: { enabled: boolean } }, port: number): string {
  return `${listener.tls.enabled ? 'https' : 'http'}://${dialHost(listener.host)}:${port}`;
}

export function gettingStarted(config: VigilConfig, ports: StartedPorts): string {
  const c = config.collector;
  const otlpHttp = base(c.http, ports.otlpHttp);
  const otlpGrpc = base(c.grpc, ports.otlpGrpc);
  const api = base(config.api, ports.api);
  const token = c.http.auth.bearerTokens.length > 0;
  const auth = token ? ` -H 'authorization: Bearer <token>'` : '';
  const lines = [
    '',
    'Next steps',
    '',
    '1. Point your OpenTelemetry SDKs at Vigil (any language; standard SDK environment variables):',
    `     export OTEL_EXPORTER_OTLP_ENDPOINT=${otlpHttp}`,
    '     export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf',
    `     # or gRPC: OTEL_EXPORTER_OTLP_PROTOCOL=grpc OTEL_EXPORTER_OTLP_ENDPOINT=${otlpGrpc}`,
    '     export OTEL_SERVICE_NAME=checkout',
    '     export OTEL_RESOURCE_ATTRIBUTES=service.namespace=shop,service.version=1.4.2,deployment.environment.name=prod',
    ...(token ? ['     export OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer <token>"   # a token of collector.http.auth.bearerTokens'] : []),
    '   service.version is what Vigil verifies: a new value is a deployment.',
    '',
    '   Or from an OpenTelemetry Collector, add an exporter and use it in its pipelines:',
    '     exporters:',
    '       otlphttp/vigil:',
    `         endpoint: ${otlpHttp}`,
    ...(token ? ['         headers: { authorization: "Bearer <token>" }'] : []),
    '     service:',
    '       pipelines:',
    '         traces:  { receivers: [otlp], exporters: [otlphttp/vigil] }',
    '         metrics: { receivers: [otlp], exporters: [otlphttp/vigil] }',
    '         logs:    { receivers: [otlp], exporters: [otlphttp/vigil] }',
    '',
    '2. Announce deploys from your pipeline (GitHub, GitLab, Argo CD and Flux webhooks: see services/collector/README.md):',
    `     curl -sS -X POST ${otlpHttp}/v1/deployments -H 'content-type: application/json'${auth} \\`,
    `       -d '{"service.name":"checkout","service.namespace":"shop","service.version":"1.4.3","deployment.environment.name":"prod"}'`,
    '',
    '3. See what Vigil sees:',
    `     console  ${api}/`,
    `     API      ${api}/v1/deployments  (also /v1/anomalies, /v1/alerts, /v1/templates, /v1/status, /healthz, /metrics)`,
    '     CLI      npx vigil deployments | npx vigil anomalies --since 15m | npx vigil doctor',
    '',
    'The first version of a service Vigil meets is "first seen": learned as the baseline, never judged',
    'or paged on. Every version deployed after that is verified against it.',
    '',
  ];
  return lines.join('\n');
}
