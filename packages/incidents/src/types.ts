// Past incidents as the memory keeps them: the fingerprint, when, and what fixed it. The
// resolution is the wire type of vigil.incident/1 (@vigil/records), defined once there.
import type { IncidentResolution as Resolution, ResolutionSource } from '@vigil/records';
import type { Fingerprint } from './fingerprint.js';

export type { Resolution, ResolutionSource };

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
