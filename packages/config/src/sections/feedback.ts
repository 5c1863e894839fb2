import { z } from 'zod';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * The feedback section of vigil.yaml: how operator feedback (vigil.feedback/1 on topics.feedback,
 * published by the alerter's API) acts on alarms. Shared by the detector (it applies feedback to
 * the alarms of its series) and the alerter (incident memory, alerter.incidents.feedback.apply):
 * both build the same @vigil/incidents FeedbackModel from it, so they judge a repeat alike.
 */
export const feedbackSchema = z
  .object({
    /** Half-life of a feedback's effect. */
    halfLifeMs: z.number().int().min(MINUTE).default(7 * DAY),
    /** How far above the benign score a repeat must be to page, in decades of −log10(1 − score). */
    marginDecades: z.number().min(0).max(6).default(0.5),
    /** Feedback entries kept (the least recently updated go first). */
    maxEntries: z.number().int().min(1).default(10_000),
  })
  .strict();

export type FeedbackConfig = z.infer<typeof feedbackSchema>;
