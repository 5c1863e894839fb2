#!/usr/bin/env node
// services/writer: load config, build, start, stop on SIGTERM.
import { createBus } from '@vigil/bus';
import { busOptions, loadConfig, topicDefinitions, writerConfigOf } from '@vigil/config';
import { createStore } from '@vigil/store';
import { createTelemetry, runMain, startTracing, startAdminServer } from '@vigil/telemetry';
import { createWriter } from './pipeline.js';

runMain({
  name: 'writer',
  async start() {
    const config = loadConfig();
    const telemetry = createTelemetry({ service: 'writer', logLevel: config.telemetry.logLevel });
    // Optional self-tracing (telemetry.tracing.enabled), off by default.
    const tracing = await startTracing({ ...config.telemetry.tracing, service: 'writer' });
    const store = await createStore(config.store);
    const migrations = await store.migrate();
    telemetry.event('migrations', { ...migrations });
    const bus = createBus(busOptions(config.bus));
    await bus.ensureTopics(topicDefinitions(config));
    const writer = createWriter({ config: writerConfigOf(config), bus, store, telemetry });
    await writer.start();
    // Its own /healthz, /readyz and /metrics only: the read APIs and the console are services/query's.
    const admin = await startAdminServer({ telemetry, listener: config.writer.api });
    telemetry.event('listening', { api: admin.port });
    return async (deadlineMs) => {
      await admin.close();
      await writer.shutdown(deadlineMs);
      await bus.shutdown();
      await store.close();
      await tracing.shutdown();
    };
  },
});
