import { z } from 'zod';
import { listenerSchema } from './common.js';

/** The detector section of vigil.yaml. Owned by services/detector. */
export const detectorSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Consumer group shared by every detector replica. */
    groupId: z.string().default('vigil-detector'),
    /** Unique per replica: names its transactional producer (fencing) and its logs. */
    instanceId: z.string().default('detector-1'),
    /**
     * How often outputs, state snapshots and consumed offsets commit together in one Kafka
     * transaction. Lower means fresher results, higher means fewer, larger transactions.
     */
    commitIntervalMs: z.number().int().min(10).max(60_000).default(500),
    /** RED window length (event time). */
    windowMs: z.number().int().min(1_000).max(3_600_000).default(10_000),
    /** How late (event time) a span may arrive and still count in its window. */
    allowedLatenessMs: z.number().int().min(0).max(600_000).default(2_000),
    /** Alert threshold on the score in [0, 1]; undefined uses the default scorer's. */
    alertThreshold: z.number().min(0).max(1).optional(),
    /** Cardinality guard: series per service past which new series are counted and dropped. */
    maxSeriesPerService: z.number().int().min(1).default(2_000),
    /** Templates kept per service (least recently seen evicted). */
    maxTemplatesPerService: z.number().int().min(1).default(1_000),
    verification: z
      .object({
        /** Overall false-fail probability per deployment, shared by its tests (Holm). */
        alpha: z.number().gt(0).lt(0.5).default(0.01),
        /** Probability of missing a real regression of the size below. */
        beta: z.number().gt(0).lt(0.5).default(0.1),
        /** A regression worth failing: candidate error ratio at least this multiple of baseline (a doubling). */
        errorRatioFactor: z.number().gt(1).default(2),
        /** Smallest error-ratio rise that counts, absolute (keeps tiny baselines from failing on one error). */
        minErrorRatioIncrease: z.number().min(0).max(1).default(0.01),
        /** Candidate traffic before a pass may be declared. */
        minSamples: z.number().int().min(1).default(300),
        /** Verification gives up (inconclusive, or pass when enough traffic) after this long. */
        maxDurationMs: z.number().int().min(1_000).default(15 * 60_000),
        /** How far back the before/after baseline reaches (exponential decay half-life). */
        baselineHalfLifeMs: z.number().int().min(1_000).default(10 * 60_000),
        /** Adjust a before/after baseline by the service's time-of-day profile once it covers 2 earlier days (detector README, "Seasonality"). */
        seasonal: z.boolean().default(true),
        /**
         * Add the earlier days' verified-good error counts (the time-of-day profile's) to a
         * before/after error baseline when the error rate is flat through the day and the minutes
         * before the deploy agree with them (detector README, "Earlier days").
         */
        earlierDays: z.boolean().default(true),
        /**
         * Read the time-of-day profile from the earlier days of the deploy's kind — weekdays
         * (Monday to Friday) or weekend days — once that kind has 2 days of traffic at the
         * deploy's time; until then from all earlier days (detector README, "Seasonality").
         */
        dayOfWeek: z.boolean().default(true),
        /**
         * The services' zone for their weekdays and weekend, in minutes east of UTC (UTC+2: 120,
         * New York in winter: -300, Kathmandu: 345). Every zone's offset is a whole number of
         * quarter-hours, and the profile's slots are quarter-hours of UTC. Fixed: no daylight saving.
         */
        weekOffsetMinutes: z
          .number()
          .int()
          .min(-720, { message: 'must be at least -720 (UTC-12:00)' })
          .max(840, { message: 'must be at most 840 (UTC+14:00)' })
          .multipleOf(15, { message: 'must be a multiple of 15 minutes (UTC+5:45 is 345)' })
          .default(0),
        /**
         * Also test the CPU and memory metrics a service reports with service.version against its
         * history (detector verification/saturation.ts); a pass then waits for them. false: spans only.
         */
        saturation: z.boolean().default(true),
        /**
         * Also test each memory metric for growth after the warm-up (a leak; detector
         * verification/memory-growth.ts). Off by default: a pass then waits until growth is ruled
         * out, which on a busy service with noisy memory takes most of the window.
         */
        memoryGrowth: z.boolean().default(false),
        /**
         * Strict policy for a deployment whose commit's CI was not clean (the deployment record's
         * `ci`, looked up by the collector): smaller regressions fail, a pass needs more traffic,
         * and running out of time is inconclusive instead of a pass.
         */
        strict: z
          .object({
            enabled: z.boolean().default(true),
            /** CI qualities of the commit that make the verification strict. */
            onQuality: z.array(z.enum(['unknown', 'clean', 'flaky', 'skipped', 'failed'])).default(['failed', 'flaky', 'skipped']),
            /** ...or a predicted build-failure probability at least this. */
            buildRiskAbove: z.number().gt(0).max(1).default(0.5),
            /** Overall false-fail probability of a strict check (larger than `alpha`: more willing to fail). */
            alpha: z.number().gt(0).lt(0.5).default(0.02),
            /** A regression worth failing under the strict policy (smaller than `errorRatioFactor`). */
            errorRatioFactor: z.number().gt(1).default(1.5),
            minErrorRatioIncrease: z.number().min(0).max(1).default(0.005),
            /** `minSamples` is multiplied by this before a strict check may pass. */
            minSamplesFactor: z.number().min(1).default(2),
          })
          .strict()
          .default({}),
      })
      .strict()
      .default({}),
    /** Online forecasts of request rate, CPU and memory per service (@vigil/forecast), on topics.forecasts. */
    forecast: z
      .object({
        enabled: z.boolean().default(true),
        /** Series forecast per input partition (a series is ~3 KB of state); further series are counted and dropped. */
        maxSeries: z.number().int().min(1).max(100_000).default(500),
        /**
         * Parts forecast on their own per service and metric besides the total: the operations of
         * the request rate, the instances of CPU and memory (once a second one is seen); 0: totals only.
         */
        maxParts: z.number().int().min(0).max(1_000).default(20),
        /** Steps held per service while a deployment is being verified (5-minute steps; past it they are learnt). */
        maxHeldSteps: z.number().int().min(0).max(288).default(36),
        /** CPU one replica has (in the CPU metric's unit), for the replica count. */
        replicaCpu: z.number().gt(0).default(1),
        /** Target utilisation of each replica, in (0, 1]. */
        targetUtilisation: z.number().gt(0).max(1).default(0.7),
      })
      .strict()
      .default({}),
    api: listenerSchema(8081).default({}),
  })
  .strict();

export type DetectorConfig = z.infer<typeof detectorSchema>;
