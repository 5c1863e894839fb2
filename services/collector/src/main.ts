// The collector process: load config, build, start, stop on SIGTERM (upstream first).
import { createBus } from '@vigil/bus';
import type { Bus } from '@vigil/bus';
import { busOptions, collectorConfigOf, loadConfig, rekeyConfigOf } from '@vigil/config';
import type { VigilConfig } from '@vigil/config';
import { createTelemetry, runMain, startTracing, startAdminServer } from '@vigil/telemetry';
import { createCollector } from './collector.js';
import { createRekeyStage } from './rekey/rekey-stage.js';

/** vigil.yaml's bus section -> the Bus (the collector names itself to the brokers). */
export function busFromConfig(config: Pick<VigilConfig, 'bus'>): Bus {
  const options = busOptions(config.bus);
  return createBus(options.kind === 'kafka' ? { ...options, clientId: `${options.clientId}-collector` } : options);
}

runMain({
  name: 'collector',
  async start() {
    const config = loadConfig();
    const telemetry = createTelemetry({ service: 'collector', logLevel: config.telemetry.logLevel });
    // Optional self-tracing (telemetry.tracing.enabled), off by default.
    const tracing = await startTracing({ ...config.telemetry.tracing, service: 'collector' });
    const bus = busFromConfig(config);
    // The rekey stage (foreign records on the otlp_* topics → keyed topics) runs in the collector
    // process: it is the collector's split-and-key step with a Kafka source instead of OTLP.
    const rekey = config.rekey.enabled ? createRekeyStage({ config: rekeyConfigOf(config), bus, telemetry }) : null;
    await rekey?.start();
    const collector = createCollector({ config: collectorConfigOf(config), bus, telemetry });
    if (config.collector.enabled) await collector.start();
    const admin = await startAdminServer({ telemetry, listener: config.api, ready: () => !config.collector.enabled || collector.ready() });
    return async (deadlineMs) => {
      if (config.collector.enabled) await collector.shutdown(deadlineMs);
      await rekey?.shutdown(deadlineMs);
      await admin.close();
      await bus.shutdown();
      await tracing.shutdown();
    };
  },
});
