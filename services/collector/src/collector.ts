// createCollector: the collector as a component, for main.ts and the embedded runner.
import type { Bus, Producer } from '@vigil/bus';
import type { CollectorServiceConfig } from '@vigil/config';
import type { Telemetry } from '@vigil/telemetry';
import { buildPipeline, ensureCollectorTopics } from './pipeline.js';
import type { Pipeline } from './pipeline.js';
import type { CiQualityLookup } from './deployments/ci-quality.js';

export interface CollectorOptions {
  /** The collector section and topics (collectorConfigOf). */
  config: CollectorServiceConfig;
  bus: Bus;
  telemetry: Telemetry;
  /** Clock for deployment event times (tests). */
  now?: () => number;
  /** CI quality of an announced deployment's commit, in-process (embedded runner); else collector.deployments.ciQuality.url. */
  ciQuality?: CiQualityLookup;
}

export interface Collector {
  /** Creates topics if missing, opens the producer, then listens. Ports are 0 for a disabled receiver. */
  start(): Promise<{ httpPort: number; grpcPort: number }>;
  /** True once started and while the bus is not known to be down. */
  ready(): boolean;
  /** Bytes currently held (bodies being read + records waiting for acks). */
  inflightBytes(): number;
  /**
   * Stops receivers (no new requests), waits for in-flight ones, gives pending CI lookups of
   * resource deployments the rest of the deadline (then abandons them), closes the producer.
   * Idempotent.
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
      pipeline = buildPipeline(config, producer, telemetry, options.now, options.ciQuality);
      const grpcPort = pipeline.grpc ? await pipeline.grpc.start() : 0;
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
        const startedAt = Date.now();
        if (p) {
          const graceful = Promise.all([p.http?.stop(), p.grpc?.stop()]);
          let timer: NodeJS.Timeout | undefined;
          const timedOut = await Promise.race([
            graceful.then(() => false),
            new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(true), deadlineMs); }),
          ]);
          clearTimeout(timer);
          if (timedOut) {
            log.event('collector_shutdown_deadline', { deadlineMs, inflightBytes: p.limiter.heldBytes }, 'warn');
            p.http?.destroy();
            p.grpc?.destroy();
          }
          // No request can find a new deployment any more: let pending CI lookups finish and send
          // within what is left of the deadline; the rest write nothing and hold nothing open.
          const pendingCi = p.deploymentCi?.pendingCount ?? 0;
          await p.deploymentCi?.close(Math.max(0, deadlineMs - (Date.now() - startedAt)));
          if (pendingCi > 0) log.event('collector_ci_lookups_closed', { pendingAtStop: pendingCi, unfinishedAtDeadline: p.deploymentCi?.pendingCount ?? 0 });
        }
        await producer?.close().catch((e: unknown) => log.event('producer_close_failed', { err: (e as Error).message }, 'warn'));
        log.event('collector_stopped', {});
      })();
      return stopping;
    },
  };
}
