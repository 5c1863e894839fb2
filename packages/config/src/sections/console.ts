import { z } from 'zod';

/**
 * The console (web UI) served at `/` of the query API's listener (`api` embedded, `query.api`
 * split). Its pages read that listener's API and the alerter's API, which the listener proxies
 * under `/alerter/` so the browser talks to one origin with one token.
 */
export const consoleSchema = z
  .object({
    enabled: z.boolean().default(true),
    /**
     * Base URL of the alerter's API (http or https), e.g. http://alerter:8082. Embedded: empty
     * means this process's alerter. Split: empty means the alerter pages answer 503.
     */
    alerterUrl: z.string().default('').refine((u) => u === '' || /^https?:\/\/[^/]+/.test(u), { message: 'alerterUrl must be an http:// or https:// URL' }),
    /** CA bundle (PEM file) that the alerter's certificate chains to, for an https alerterUrl with a private CA. */
    alerterCaFile: z.string().optional(),
  })
  .strict();

export type ConsoleConfig = z.infer<typeof consoleSchema>;
