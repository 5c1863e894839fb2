// createCollector: the collector as a component, for main.ts and the embedded runner.
import type { Bus, Producer } from '@vigil/bus';
import type { CollectorServiceConfig } from '@vigil/config';
import type { Telemetry } from '@vigil/telemetry';
import { buildPipeline, ensureCollectorTopics } from './pipeline.js';
import type { Pipeline } from './pipeline.js';

export interface CollectorOptions {
  /** The collector section and topics (collectorConfigOf). */
  config: CollectorServiceConfig;
  bus: Bus;
  telemetry: Telemetry;
  /** Clock for deployment event times (tests). */
  now?: () => number;
}

export interface Collector {
  /** Creates topics if missing, opens the producer, then listens. Ports are 0 for a disabled receiver. */
  start(): Promise<{ httpPort: number; grpcPort: number }>;
  /** True once started and while the bus is not known to be down. */
  ready(): boolean;
  /** Bytes currently held (bodies being read + records waiting for acks). */
  inflightBytes(): number;
  /**
   * Stops receivers (no new requests), waits for in-flight ones, closes the producer. Idempotent.
   */
  shutdown(deadlineMs?: number): Promise<void>;
}

export function createCollector(options: CollectorOptions): Collector {
  const { config, bus, telemetry } = options;
  const log = telemetry.child('collector');
  let pipeline: Pipeline | null = null;
  let producer: Producer | null = null;
  let started = false;
  let stopping: Promise<void> | null = null;

  return {
    async start() {
      if (stopping) throw new Error('collector: start after shutdown');
      if (started) throw new Error('collector: already started');
      started = true;
      await ensureCollectorTopics(bus, config);
      producer = await bus.producer();
      pipeline = buildPipeline(config, producer, telemetry, options.now);
      // Receivers with a server of their own (gRPC) answer with its port; those registered on the
      // shared HTTP listener start with it.
      let grpcPort = 0;
      for (const r of pipeline.receivers) {
        const port = await r.start();
        if (r.type === 'otlp_grpc') grpcPort = port;
      }
      const httpPort = pipeline.http ? await pipeline.http.start() : 0;
      log.event('collector_started', { httpPort, grpcPort, http: config.collector.http.host, grpc: config.collector.grpc.host });
      return { httpPort, grpcPort };
    },
    ready() {
      return pipeline !== null && stopping === null && !pipeline.exporter.isDown();
    },
    inflightBytes() {
      return pipeline?.limiter.heldBytes ?? 0;
    },
    shutdown(deadlineMs = 10_000) {
      stopping ??= (async () => {
        const p = pipeline;
        if (p) {
          const graceful = Promise.all([p.http?.stop(), ...p.receivers.map((r) => r.stop())]);
          let timer: NodeJS.Timeout | undefined;
          const timedOut = await Promise.race([
            graceful.then(() => false),
            new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(true), deadlineMs); }),
          ]);
          clearTimeout(timer);
          if (timedOut) {
            log.event('collector_shutdown_deadline', { deadlineMs, inflightBytes: p.limiter.heldBytes }, 'warn');
            p.http?.destroy();
            for (const r of p.receivers) r.destroy();
          }
        }
        await producer?.close().catch((e: unknown) => log.event('producer_close_failed', { err: (e as Error).message }, 'warn'));
        log.event('collector_stopped', {});
      })();
      return stopping;
    },
  };
}
