#!/usr/bin/env node
// services/query: load config, build, start, stop on SIGTERM.
import { createBus } from '@vigil/bus';
import { busOptions, loadConfig, topicDefinitions } from '@vigil/config';
import { createStore } from '@vigil/store';
import { createTelemetry, runMain, startTracing } from '@vigil/telemetry';
import { createQuery } from './pipeline.js';

runMain({
  name: 'query',
  async start() {
    const config = loadConfig();
    const telemetry = createTelemetry({ service: 'query', logLevel: config.telemetry.logLevel });
    // Optional self-tracing (telemetry.tracing.enabled), off by default.
    const tracing = await startTracing({ ...config.telemetry.tracing, service: 'query' });
    // No migrations here: the schema is the writer's (it migrates at start); this service only reads.
    const store = await createStore(config.store);
    const bus = createBus(busOptions(config.bus));
    await bus.ensureTopics(topicDefinitions(config));
    const query = createQuery({ section: config.query, console: config.console, topics: config.topics, store, bus, telemetry });
    const { port } = await query.start();
    telemetry.event('listening', { api: port });
    return async () => {
      await query.shutdown();
      await bus.shutdown();
      await store.close();
      await tracing.shutdown();
    };
  },
});
