import { z } from 'zod';
import { apiSchema, busSchema, storeSchema, telemetrySchema, topicsSchema } from './sections/core.js';
import { collectorSchema } from './sections/collector.js';
import { detectorSchema } from './sections/detector.js';
import { alerterSchema } from './sections/alerter.js';
import { writerSchema } from './sections/writer.js';
import { rekeySchema } from './sections/rekey.js';
import { consoleSchema } from './sections/console.js';
import { querySchema } from './sections/query.js';
import { feedbackSchema } from './sections/feedback.js';

/** The whole of vigil.yaml: types, defaults and validation in one schema. */
export const vigilSchema = z
  .object({
    bus: busSchema.default({}),
    store: storeSchema.default({}),
    topics: topicsSchema.default({}),
    telemetry: telemetrySchema.default({}),
    /** Operator feedback, shared by the detector and the alerter. */
    feedback: feedbackSchema.default({}),
    api: apiSchema.default({}),
    collector: collectorSchema.default({}),
    detector: detectorSchema.default({}),
    alerter: alerterSchema.default({}),
    writer: writerSchema.default({}),
    rekey: rekeySchema.default({}),
    console: consoleSchema.default({}),
    query: querySchema.default({}),
  })
  .strict();

export type VigilConfig = z.infer<typeof vigilSchema>;
/** What a user may write: every key optional. */
export type VigilConfigInput = z.input<typeof vigilSchema>;
