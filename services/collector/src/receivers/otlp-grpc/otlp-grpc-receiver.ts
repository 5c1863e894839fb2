// OTLP/gRPC receiver (OTLP specification, "OTLP/gRPC"): the Export method of the trace,
// metrics and logs services. Messages are handled as raw Buffers (identity (de)serializers),
// so the splitter cuts them without a full decode. grpc-js enforces maxMessageBytes on the
// decompressed message while decompressing (the CVE-2024-37168 fix, grpc-js >= 1.10.9).
// Answers: OK with Export*ServiceResponse (partial_success when items were rejected);
// INVALID_ARGUMENT for malformed data; UNAVAILABLE with google.rpc.RetryInfo in
// grpc-status-details-bin when the data cannot be written now; UNAUTHENTICATED without a
// valid bearer token.
import { Metadata, Server, ServerCredentials, status as GrpcStatus } from '@grpc/grpc-js';
import type { ServerUnaryCall, sendUnaryData, ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { checkBearer, readTlsFiles } from '@vigil/telemetry';
import type { Telemetry } from '@vigil/telemetry';
import type { CollectorConfig } from '@vigil/config';
import { RETRY_INFO_TYPE_URL, encodeExportResponse, encodeRetryInfo, encodeRpcStatus } from '@vigil/otlp';
import type { Signal } from '@vigil/otlp';
import type { InflightLimiter } from '../../processors/admission/inflight-limiter.js';
import type { CollectorMetrics } from '../../collector-metrics.js';
import type { OtlpConsumer } from '../../ingest/outcome.js';
import type { Receiver, ReceiverHost } from '../receiver.js';

/** Fully-qualified gRPC method paths, from the collector/*\/v1 service definitions in proto/. */
export const GRPC_METHODS: Record<Signal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

const identity = (b: Buffer): Buffer => b;

function serviceFor(signal: Signal): ServiceDefinition {
  return {
    Export: {
      path: GRPC_METHODS[signal],
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  };
}

export interface OtlpGrpcReceiverOptions {
  config: CollectorConfig['grpc'];
  consumer: OtlpConsumer;
  limiter: InflightLimiter;
  metrics: CollectorMetrics;
  telemetry: Telemetry;
  retryAfterS: number;
}

export class OtlpGrpcReceiver {
  private server: Server | null = null;

  constructor(private readonly o: OtlpGrpcReceiverOptions) {}

  async start(): Promise<number> {
    const c = this.o.config;
    const server = new Server({
      'grpc.max_receive_message_length': c.maxMessageBytes,
      'grpc.max_send_message_length': 1024 * 1024,
      // Bound concurrent streams per connection, so one client cannot open unbounded calls.
      'grpc.max_concurrent_streams': 100,
    });
    for (const signal of ['traces', 'metrics', 'logs'] as const) {
      const impl: UntypedServiceImplementation = {
        Export: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
          this.export(signal, call, callback).catch((err: unknown) => {
            this.o.telemetry.event('grpc_receiver_error', { err: (err as Error).message }, 'error');
            callback({ code: GrpcStatus.INTERNAL, details: 'internal error' });
          });
        },
      };
      server.addService(serviceFor(signal), impl);
    }
    let creds = ServerCredentials.createInsecure();
    if (c.tls.enabled) {
      // readTlsFiles insists on caFile with requireClientCert: grpc-js would otherwise verify
      // client certificates against the public roots (any publicly issued certificate passes).
      const { cert, key, ca } = readTlsFiles(c.tls);
      creds = ServerCredentials.createSsl(ca ?? null, [{ cert_chain: cert, private_key: key }], c.tls.requireClientCert);
    }
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${c.host.includes(':') ? `[${c.host}]` : c.host}:${c.port}`, creds, (err, p) => (err ? reject(err) : resolve(p)));
    });
    this.server = server;
    return port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  }

  destroy(): void {
    this.server?.forceShutdown();
  }

  private async export(signal: Signal, call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>): Promise<void> {
    const started = performance.now();
    const { metrics } = this.o;
    const done = (code: number): void => {
      metrics.requests.inc({ transport: 'grpc', signal, code: GrpcStatus[code] ?? String(code) });
      metrics.requestSeconds.observe({ transport: 'grpc', signal }, (performance.now() - started) / 1000);
    };
    const auth = call.metadata.get('authorization')[0];
    if (!checkBearer(typeof auth === 'string' ? auth : undefined, this.o.config.auth.bearerTokens)) {
      callback({ code: GrpcStatus.UNAUTHENTICATED, details: 'missing or invalid bearer token' });
      return done(GrpcStatus.UNAUTHENTICATED);
    }
    const body = call.request;
    metrics.bytes.inc({ transport: 'grpc', signal, stage: 'decompressed' }, body.length);
    if (!this.o.limiter.tryAcquire(body.length)) {
      callback(this.unavailable('collector is at its in-flight bytes limit', this.o.retryAfterS));
      return done(GrpcStatus.UNAVAILABLE);
    }
    const outcome = await this.o.consumer.consume(signal, body, 'protobuf', body.length);
    if (outcome.kind === 'ok') {
      const res = outcome.rejected > 0
        ? { partialSuccess: { rejected: BigInt(outcome.rejected), errorMessage: outcome.message } }
        : { partialSuccess: undefined };
      callback(null, encodeExportResponse(res));
      return done(GrpcStatus.OK);
    }
    if (outcome.kind === 'invalid') {
      callback({ code: GrpcStatus.INVALID_ARGUMENT, details: outcome.message });
      return done(GrpcStatus.INVALID_ARGUMENT);
    }
    callback(this.unavailable(outcome.message, outcome.retryAfterS));
    return done(GrpcStatus.UNAVAILABLE);
  }

  /** UNAVAILABLE + google.rpc.Status{details: [RetryInfo]} in grpc-status-details-bin (OTLP throttling). */
  private unavailable(message: string, retryAfterS: number) {
    const metadata = new Metadata();
    metadata.set('grpc-status-details-bin', encodeRpcStatus({
      code: GrpcStatus.UNAVAILABLE,
      message,
      details: [{ typeUrl: RETRY_INFO_TYPE_URL, value: encodeRetryInfo(retryAfterS * 1000) }],
    }));
    return { code: GrpcStatus.UNAVAILABLE, details: message, metadata };
  }
}

/** The OTLP/gRPC receiver component: its own server (collector.grpc), feeding `next` (the ingest stage). */
export function createOtlpGrpcReceiver(config: CollectorConfig['grpc'], next: OtlpConsumer, host: ReceiverHost): Receiver {
  const r = new OtlpGrpcReceiver({ config, consumer: next, limiter: host.limiter, metrics: host.metrics, telemetry: host.telemetry, retryAfterS: host.retryAfterS });
  return { type: 'otlp_grpc', start: () => r.start(), stop: () => r.stop(), destroy: () => r.destroy() };
}
