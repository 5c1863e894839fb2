#!/usr/bin/env node
// services/writer: load config, build, start, stop on SIGTERM.
import { createBus } from '@vigil/bus';
import { busOptions, loadConfig, topicDefinitions, writerConfigOf } from '@vigil/config';
import { createStore } from '@vigil/store';
import { createTelemetry, runMain, startTracing, startAdminServer } from '@vigil/telemetry';
import { createWriter } from './pipeline.js';
import { queryRoutes } from './api/query-api.js';
import { statusRoutes } from './api/status-routes.js';
import { ciRoutes } from './ci/ci-routes.js';
import { consoleApiRoutes } from './api/console-api.js';
import { consoleMount } from '@vigil/console';

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
    // The console (web UI) beside the query API; its alerter pages go to console.alerterUrl.
    const web = consoleMount(config.console);
    const admin = await startAdminServer({
      telemetry, listener: config.writer.api, openPaths: web.openPaths,
      routes: [consoleApiRoutes(store), queryRoutes(store), ciRoutes(store), statusRoutes(store), ...web.routes],
    });
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
