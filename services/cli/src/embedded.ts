import { createBus } from '@vigil/bus';
import type { Bus } from '@vigil/bus';
import { createAlerter } from '@vigil/alerter';
import type { Alerter } from '@vigil/alerter';
import { createCollector, createRekeyStage } from '@vigil/collector';
import type { Collector, RekeyStage } from '@vigil/collector';
import { alerterConfigOf, busOptions, collectorConfigOf, detectorConfigOf, rekeyConfigOf, topicDefinitions, writerConfigOf } from '@vigil/config';
import type { VigilConfig } from '@vigil/config';
import { createDetector } from '@vigil/detector';
import type { Detector } from '@vigil/detector';
import { createStore } from '@vigil/store';
import type { Store } from '@vigil/store';
import { createTelemetry, Registry, startAdminServer } from '@vigil/telemetry';
import type { RunningServer, Telemetry } from '@vigil/telemetry';
import { createWriter } from '@vigil/writer';
import type { Writer } from '@vigil/writer';
import { createQuery } from '@vigil/query';
import type { Query } from '@vigil/query';

export interface EmbeddedOptions {
  config: VigilConfig;
  /** Where log lines go (default stdout). */
  destination?: NodeJS.WritableStream;
  /** A bus to use instead of the configured one (tests). */
  bus?: Bus;
}

export interface Embedded {
  readonly config: VigilConfig;
  readonly bus: Bus;
  readonly store: Store;
  readonly telemetry: Telemetry;
  /** queryApi: where the read API and the console answer (embedded: the API port, `api`). */
  readonly ports: { otlpHttp: number; otlpGrpc: number; api: number; alerterApi: number; queryApi: number };
  /** Each component is null when its section says `enabled: false` (ports then 0). */
  readonly collector: Collector | null;
  readonly detector: Detector | null;
  readonly alerter: Alerter | null;
  readonly writer: Writer | null;
  /** The read side (read APIs and console on the API port); null when query.enabled is false. */
  readonly query: Query | null;
  /** The rekey stage (foreign records on the otlp_* topics → keyed topics); null when rekey.enabled is false. */
  readonly rekey: RekeyStage | null;
  shutdown(deadlineMs?: number): Promise<void>;
}

/**
 * The whole pipeline in one process: collector, detector, alerter, writer and query around the
 * in-process bus (or the configured Kafka), with chDB (or the configured ClickHouse server).
 * Started downstream first (writer, alerter, detector, rekey, collector), stopped upstream first.
 * Each component can be switched off (`enabled: false` in its section): e.g. detector, alerter and
 * writer alone behind an OpenTelemetry Collector that writes to Kafka (collector.enabled: false).
 */
export async function startEmbedded(options: EmbeddedOptions): Promise<Embedded> {
  const { config } = options;
  const registry = new Registry();
  const make = (service: string) => createTelemetry({ service, logLevel: config.telemetry.logLevel, registry, destination: options.destination });
  const telemetry = make('vigil');
  const bus = options.bus ?? createBus(busOptions(config.bus));
  await bus.ensureTopics(topicDefinitions(config));
  const store = await createStore(config.store);
  const migrations = await store.migrate();
  telemetry.event('migrations', { applied: migrations.applied, store: store.kind });

  const writer = config.writer.enabled ? createWriter({ config: writerConfigOf(config), bus, store, telemetry: make('writer') }) : null;
  await writer?.start();
  const alerter = config.alerter.enabled ? createAlerter({ config: alerterConfigOf(config), bus, telemetry: make('alerter') }) : null;
  await alerter?.start();
  const detector = config.detector.enabled ? createDetector({ config: detectorConfigOf(config), bus, telemetry: make('detector') }) : null;
  await detector?.start();
  const rekey = config.rekey.enabled ? createRekeyStage({ config: rekeyConfigOf(config), bus, telemetry: make('rekey') }) : null;
  await rekey?.start();
  const collector = config.collector.enabled ? createCollector({ config: collectorConfigOf(config), bus, telemetry: make('collector') }) : null;
  const { httpPort, grpcPort } = collector ? await collector.start() : { httpPort: 0, grpcPort: 0 };
  // The read side on the API port (the process's one API listener, `api`, not query.api): read
  // APIs and the console at /, whose alerter pages reach this process's alerter through /alerter/.
  const alerterScheme = config.alerter.api.tls.enabled ? 'https' : 'http';
  const ready = () => (collector?.ready() ?? true) && (alerter?.ready() ?? true);
  const query = config.query.enabled
    ? createQuery({
      section: config.query, topics: config.topics, store, bus, telemetry, listener: config.api, ready,
      console: {
        ...config.console,
        alerterUrl: config.console.alerterUrl || (alerter ? `${alerterScheme}://127.0.0.1:${alerter.apiPort}` : ''),
        alerterCaFile: config.console.alerterCaFile ?? config.alerter.api.tls.caFile,
      },
    })
    : null;
  // With the read side off, the API port still answers /healthz, /readyz and /metrics.
  const api: RunningServer | null = query ? null : await startAdminServer({ telemetry, listener: config.api, ready });
  const apiPort = api ? api.port : (await query?.start())?.port ?? 0;
  const ports = { otlpHttp: httpPort, otlpGrpc: grpcPort, api: apiPort, alerterApi: alerter?.apiPort ?? 0, queryApi: query ? apiPort : 0 };
  const running = { collector: !!collector, rekey: !!rekey, detector: !!detector, alerter: !!alerter, writer: !!writer, query: !!query };
  telemetry.event('vigil_started', { ...ports, bus: bus.kind, store: store.kind, ...running });

  let stopping: Promise<void> | null = null;
  return {
    config, bus, store, telemetry, ports, collector, detector, alerter, writer, query, rekey,
    shutdown(deadlineMs = 15_000) {
      stopping ??= (async () => {
        await collector?.shutdown(deadlineMs);
        await rekey?.shutdown(deadlineMs);
        await detector?.shutdown(deadlineMs);
        await alerter?.shutdown(deadlineMs);
        await writer?.shutdown(deadlineMs);
        await query?.shutdown();
        await api?.close();
        if (!options.bus) await bus.shutdown();
        await store.close();
        telemetry.event('vigil_stopped', {});
      })();
      return stopping;
    },
  };
}
