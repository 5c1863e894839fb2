import { NodeSDK } from '@opentelemetry/sdk-node';

export interface TracingOptions {
  enabled: boolean;
  /** OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:4318/v1/traces. */
  endpoint: string;
  service: string;
}

/**
 * Optional self-tracing with the OpenTelemetry SDK. Off by default: a pipeline that traces
 * itself into its own collector must not amplify its own load.
 */
export async function startTracing(options: TracingOptions): Promise<{ shutdown(): Promise<void> }> {
  if (!options.enabled) return { shutdown: async () => {} };
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': `vigil-${options.service}` }),
    traceExporter: new OTLPTraceExporter({ url: options.endpoint }),
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
