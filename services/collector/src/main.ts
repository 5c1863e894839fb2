// The collector process: load config, build, start, stop on SIGTERM (upstream first).
import { readFileSync } from 'node:fs';
import { createBus } from '@vigil/bus';
import type { Bus } from '@vigil/bus';
import { loadConfig } from '@vigil/config';
import type { VigilConfig } from '@vigil/config';
import { createTelemetry, runMain, startAdminServer } from '@vigil/telemetry';
import { createCollector } from './collector.js';

/** vigil.yaml's bus section -> the Bus factory's options. */
export function busFromConfig(config: VigilConfig): Bus {
  const b = config.bus;
  if (b.kind === 'memory') return createBus({ kind: 'memory', maxRecordsPerPartition: b.memory.maxRecordsPerPartition });
  const k = b.kafka;
  return createBus({
    kind: 'kafka',
    brokers: k.brokers,
    clientId: `${k.clientId}-collector`,
    ssl: k.ssl.enabled
      ? {
          ca: k.ssl.caFile ? readFileSync(k.ssl.caFile) : undefined,
          cert: k.ssl.certFile ? readFileSync(k.ssl.certFile) : undefined,
          key: k.ssl.keyFile ? readFileSync(k.ssl.keyFile) : undefined,
          rejectUnauthorized: k.ssl.rejectUnauthorized,
        }
      : undefined,
    sasl: k.sasl,
  });
}

runMain({
  name: 'collector',
  async start() {
    const config = loadConfig();
    const telemetry = createTelemetry({ service: 'collector', logLevel: config.telemetry.logLevel });
    const bus = busFromConfig(config);
    const collector = createCollector({ config, bus, telemetry });
    await collector.start();
    const admin = await startAdminServer({ telemetry, listener: config.api, ready: () => collector.ready() });
    return async (deadlineMs) => {
      await collector.shutdown(deadlineMs);
      await admin.close();
      await bus.shutdown();
    };
  },
});
