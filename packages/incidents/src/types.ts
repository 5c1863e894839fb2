// Past incidents as the memory keeps them: the fingerprint, when, and what fixed it.
import type { Fingerprint } from './fingerprint.js';

export type ResolutionSource = 'api' | 'pagerduty' | 'rollback';

export interface Resolution {
  source: ResolutionSource;
  /** What fixed it, in a person's words ("raised the pool to 50", "rolled back 1.4.2"). */
  fixedBy?: string;
  links: Array<{ name: string; url: string }>;
  /** True when rolling back the deployment made it go away. */
  rollbackHelped?: boolean;
  /** Notes (PagerDuty annotations, API notes), oldest first, bounded. */
  notes: string[];
  /** Who attached it (API caller, PagerDuty agent). */
  by?: string;
  atMs: number;
}

export interface PastIncident {
  /** The alert's incident id (one per firing episode). */
  id: string;
  alertId: string;
  service: string;
  title: string;
  startedAtMs: number;
  resolvedAtMs: number;
  fingerprint: Fingerprint;
  resolution?: Resolution;
}

/** One retrieved incident: how similar, why, and what fixed it. */
export interface SimilarIncident {
  incidentId: string;
  alertId: string;
  service: string;
  title: string;
  /** In [0, 1], rounded to 3 decimals. */
  score: number;
  why: string[];
  startedAtMs: number;
  resolvedAtMs: number;
  resolution?: Resolution;
}
