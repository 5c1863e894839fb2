#!/usr/bin/env node
// services/detector: load config, build, start, stop on SIGTERM.
import { createBus } from '@vigil/bus';
import { busOptions, detectorConfigOf, loadConfig, topicDefinitions } from '@vigil/config';
import { createTelemetry, runMain, startTracing, startAdminServer } from '@vigil/telemetry';
import { createDetector } from './pipeline.js';

runMain({
  name: 'detector',
  async start() {
    const config = loadConfig();
    const telemetry = createTelemetry({ service: 'detector', logLevel: config.telemetry.logLevel });
    // Optional self-tracing (telemetry.tracing.enabled), off by default.
    const tracing = await startTracing({ ...config.telemetry.tracing, service: 'detector' });
    const bus = createBus(busOptions(config.bus));
    await bus.ensureTopics(topicDefinitions(config));
    const detector = createDetector({ config: detectorConfigOf(config), bus, telemetry });
    await detector.start();
    const admin = await startAdminServer({ telemetry, listener: config.detector.api });
    telemetry.event('listening', { api: admin.port });
    return async (deadlineMs) => {
      await admin.close();
      await detector.shutdown(deadlineMs);
      await bus.shutdown();
      await tracing.shutdown();
    };
  },
});
