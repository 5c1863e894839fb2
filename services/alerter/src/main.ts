#!/usr/bin/env node
// The alerter as its own process: load config, build, start, stop on SIGTERM/SIGINT.
import { createBus } from '@vigil/bus';
import { alerterConfigOf, busOptions, loadConfig, topicDefinitions } from '@vigil/config';
import { createTelemetry, runMain, startTracing } from '@vigil/telemetry';
import { createAlerter } from './pipeline.js';

runMain({
  name: 'alerter',
  async start() {
    const config = loadConfig();
    const telemetry = createTelemetry({ service: 'alerter', logLevel: config.telemetry.logLevel });
    // Optional self-tracing (telemetry.tracing.enabled), off by default.
    const tracing = await startTracing({ ...config.telemetry.tracing, service: 'alerter' });
    const bus = createBus(busOptions(config.bus));
    await bus.ensureTopics(topicDefinitions(config));
    const alerter = createAlerter({ config: alerterConfigOf(config), bus, telemetry });
    await alerter.start();
    return async (deadlineMs) => {
      await alerter.shutdown(deadlineMs);
      await bus.shutdown();
      await tracing.shutdown();
    };
  },
});
