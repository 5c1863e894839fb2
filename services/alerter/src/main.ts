// The alerter as its own process: load config, build, start, stop on SIGTERM/SIGINT.
import { createBus } from '@vigil/bus';
import { loadConfig } from '@vigil/config';
import { createTelemetry } from '@vigil/telemetry';
import { createAlerter } from './pipeline.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const telemetry = createTelemetry({ service: 'alerter', logLevel: config.telemetry.logLevel });
  const bus = config.bus.kind === 'kafka'
    ? createBus({ kind: 'kafka', brokers: [...config.bus.kafka.brokers], clientId: config.bus.kafka.clientId })
    : createBus({ kind: 'memory', maxRecordsPerPartition: config.bus.memory.maxRecordsPerPartition });
  const alerter = createAlerter({ config, bus, telemetry });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    telemetry.event('alerter_signal', { signal });
    alerter
      .shutdown(10_000)
      .then(() => bus.shutdown())
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  await alerter.start();
}

main().catch((err: unknown) => {
  console.error(`alerter failed to start: ${(err as Error).message}`);
  process.exit(1);
});
