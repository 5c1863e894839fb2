// services/query: the read side. One listener (bearer auth and TLS options like every listener)
// answers every read API from the store and serves the console; the only thing it sends anywhere
// is an announced pipeline run, published to the CI topic for the writer to land (ci/announce.ts).
// It never inserts into the store and imports no other service.
import type { Bus, Producer } from '@vigil/bus';
import type { ConsoleConfig, ListenerConfig, QueryConfig, TopicsConfig } from '@vigil/config';
import { consoleMount } from '@vigil/console';
import type { Store } from '@vigil/store';
import { startAdminServer } from '@vigil/telemetry';
import type { RouteHandler, RunningServer, Telemetry } from '@vigil/telemetry';
import { consoleApiRoutes } from './api/console-api.js';
import { queryRoutes } from './api/query-api.js';
import { statusRoutes } from './api/status-routes.js';
import { pipelineRunAnnouncer } from './ci/announce.js';
import { CiApi } from './ci/ci-routes.js';

export interface QueryDeps {
  /** Its own section (query.*). */
  section: QueryConfig;
  /** The console's options (the `console` section), alerterUrl resolved by the caller when embedded. */
  console: ConsoleConfig;
  /** The topic names it publishes to (only the CI records topic). */
  topics: Pick<TopicsConfig, 'ciTestRuns'>;
  store: Store;
  /** For announced pipeline runs; without it, POST /v1/ci/pipelines/{p}/runs answers 503. */
  bus?: Bus;
  telemetry: Telemetry;
  /** Listener instead of section.api (embedded: the process's one API port, `api`). */
  listener?: ListenerConfig;
  /** Readiness of /readyz (embedded: the whole process's); default: always ready. */
  ready?: () => boolean;
  /** Clock, for tests. */
  nowMs?: () => number;
  /** Folder of the console bundle (tests); default the built packages/console. */
  consoleWebRoot?: string;
}

export interface Query {
  /** Opens the listener; resolves with its port. */
  start(): Promise<{ port: number }>;
  /** The bound port (0 before start). */
  readonly port: number;
  /** The CI API (its per-suite histories), for benches and tests. */
  readonly ci: CiApi;
  shutdown(): Promise<void>;
}

export function createQuery(deps: QueryDeps): Query {
  const { section, store, bus, telemetry } = deps;
  const nowMs = deps.nowMs ?? Date.now;
  const log = telemetry.child('query');
  let producer: Promise<Producer> | null = null;
  const announce = bus
    ? pipelineRunAnnouncer({
      producer: () => (producer ??= bus.producer()),
      topic: deps.topics.ciTestRuns, store, visibleMs: section.ci.announceVisibleMs, nowMs,
    })
    : undefined;
  const ci = new CiApi(store, { nowMs, ...(announce ? { record: announce } : {}) });
  const web = consoleMount({ ...deps.console, ...(deps.consoleWebRoot ? { webRoot: deps.consoleWebRoot } : {}) });
  // The console's routes last: they serve files, the API routes answer data.
  const routes: RouteHandler[] = [consoleApiRoutes(store, nowMs), queryRoutes(store, nowMs), ci.routes, statusRoutes(store, nowMs), ...web.routes];
  let server: RunningServer | null = null;

  return {
    ci,
    get port() {
      return server?.port ?? 0;
    },
    async start() {
      server = await startAdminServer({
        telemetry, listener: deps.listener ?? section.api, routes, openPaths: web.openPaths,
        ...(deps.ready ? { ready: deps.ready } : {}),
      });
      log.event('query_started', { port: server.port, store: store.kind, console: web.built });
      return { port: server.port };
    },
    async shutdown() {
      await server?.close();
      server = null;
      if (producer) await (await producer).close();
      producer = null;
      log.event('query_stopped', {});
    },
  };
}
