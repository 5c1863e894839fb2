import { createBus } from '@vigil/bus';
import type { Bus } from '@vigil/bus';
import { createAlerter } from '@vigil/alerter';
import type { Alerter } from '@vigil/alerter';
import { ciQualityFromApi, createCollector, createRekeyStage } from '@vigil/collector';
import type { Collector, RekeyStage } from '@vigil/collector';
import { alerterConfigOf, busOptions, collectorConfigOf, detectorConfigOf, rekeyConfigOf, topicDefinitions, writerConfigOf } from '@vigil/config';
import type { VigilConfig } from '@vigil/config';
import { createDetector } from '@vigil/detector';
import type { Detector } from '@vigil/detector';
import { createStore } from '@vigil/store';
import type { Store } from '@vigil/store';
import { createTelemetry, Registry, startAdminServer } from '@vigil/telemetry';
import type { RunningServer, Telemetry } from '@vigil/telemetry';
import { ciRoutes, consoleApiRoutes, createWriter, queryRoutes, revisionQuality, statusRoutes } from '@vigil/writer';
import { consoleMount } from '@vigil/console';
import type { Writer } from '@vigil/writer';

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
  readonly ports: { otlpHttp: number; otlpGrpc: number; api: number; alerterApi: number; writerApi: number };
  /** Each component is null when its section says `enabled: false` (ports then 0). */
  readonly collector: Collector | null;
  readonly detector: Detector | null;
  readonly alerter: Alerter | null;
  readonly writer: Writer | null;
  /** The rekey stage (foreign records on the otlp_* topics → keyed topics); null when rekey.enabled is false. */
  readonly rekey: RekeyStage | null;
  shutdown(deadlineMs?: number): Promise<void>;
}

/**
 * The whole pipeline in one process: collector, detector, alerter and writer around the
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
  // An announced deployment's commit is looked up in this process's CI insights (no HTTP hop),
  // unless a CI API url is configured.
  const ciQuality = config.collector.deployments.ciQuality.url
    ? undefined
    : async (commit: string) => ciQualityFromApi(await revisionQuality(store, commit));
  const collector = config.collector.enabled ? createCollector({ config: collectorConfigOf(config), bus, telemetry: make('collector'), ciQuality }) : null;
  const { httpPort, grpcPort } = collector ? await collector.start() : { httpPort: 0, grpcPort: 0 };
  // The console at / of the API port; its alerter pages reach this process's alerter through /alerter/.
  const alerterScheme = config.alerter.api.tls.enabled ? 'https' : 'http';
  const consoleRoutes = consoleMount({
    ...config.console,
    alerterUrl: config.console.alerterUrl || (alerter ? `${alerterScheme}://127.0.0.1:${alerter.apiPort}` : ''),
    alerterCaFile: config.console.alerterCaFile ?? config.alerter.api.tls.caFile,
  });
  const api: RunningServer = await startAdminServer({
    telemetry,
    listener: config.api,
    ready: () => (collector?.ready() ?? true) && (alerter?.ready() ?? true),
    routes: [consoleApiRoutes(store), queryRoutes(store), ciRoutes(store), statusRoutes(store), ...consoleRoutes.routes],
    openPaths: consoleRoutes.openPaths,
  });
  const ports = { otlpHttp: httpPort, otlpGrpc: grpcPort, api: api.port, alerterApi: alerter?.apiPort ?? 0, writerApi: api.port };
  const running = { collector: !!collector, rekey: !!rekey, detector: !!detector, alerter: !!alerter, writer: !!writer };
  telemetry.event('vigil_started', { ...ports, bus: bus.kind, store: store.kind, ...running });

  let stopping: Promise<void> | null = null;
  return {
    config, bus, store, telemetry, ports, collector, detector, alerter, writer, rekey,
    shutdown(deadlineMs = 15_000) {
      stopping ??= (async () => {
        await collector?.shutdown(deadlineMs);
        await rekey?.shutdown(deadlineMs);
        await detector?.shutdown(deadlineMs);
        await alerter?.shutdown(deadlineMs);
        await writer?.shutdown(deadlineMs);
        await api.close();
        if (!options.bus) await bus.shutdown();
        await store.close();
        telemetry.event('vigil_stopped', {});
      })();
      return stopping;
    },
  };
}
