import { z } from 'zod';
import { listenerSchema } from './common.js';

/**
 * The query section of vigil.yaml: services/query, the read side. It answers every read API
 * (query, deployments, CI, forecasts and capacity, status) and serves the console (its options
 * stay in the `console` section) from ClickHouse; it never inserts. Embedded (`vigil start`) the
 * same routes are served on `api`, the process's one API port, and `query.api` is not opened.
 */
export const querySchema = z
  .object({
    enabled: z.boolean().default(true),
    /** The read API and the console (split deployment). 8083: where the writer served them before. */
    api: listenerSchema(8083).default({}),
    ci: z
      .object({
        /**
         * POST /v1/ci/pipelines/{p}/runs publishes the announcement to the CI topic (the writer
         * lands it) and then waits up to this long until it can read it back, so a client that
         * reads right after the answer sees its run. 0: answer once the bus acknowledged.
         */
        announceVisibleMs: z.number().int().min(0).max(60_000).default(10_000),
      })
      .strict()
      .default({}),
  })
  .strict();

export type QueryConfig = z.infer<typeof querySchema>;
