// Weighted similarity of two fingerprints, in [0, 1], with the reasons ("why") it is what it is.
//
//   score = wT·Jaccard(templates) + wD·Jaccard(deviations) + wO·[same operation]
//         + wM·[same signal and metric] + wS·[same service] + wC·[same kind of deploy change]
//         + wV·[same verdict]
//
// Jaccard |A∩B| / |A∪B| (Jaccard 1901) over sets; an empty pair contributes 0 (nothing shared is
// no evidence). "none" deploy changes and verdicts never match: two incidents without a deploy
// have nothing in common on that feature. The weights sum to 1; templates weigh most because a
// log statement names the failing mechanism (pool exhausted, OOM, upstream unavailable) while a
// metric only names the symptom.
//
// Every term is a sum over shared features, so an inverted index over the features can compute
// the exact score of every incident that shares at least one (see IncidentIndex); incidents that
// share none score 0.
import type { Fingerprint } from './fingerprint.js';

export interface SimilarityWeights {
  templates: number;
  deviations: number;
  operation: number;
  metric: number;
  service: number;
  deployChange: number;
  verdict: number;
}

export const DEFAULT_WEIGHTS: Readonly<SimilarityWeights> = Object.freeze({
  templates: 0.35,
  deviations: 0.2,
  operation: 0.15,
  metric: 0.1,
  service: 0.1,
  deployChange: 0.07,
  verdict: 0.03,
});

/** Binary features, one bit each (the index accumulates a mask, so sums happen in one order). */
export const BIT_OPERATION = 1;
export const BIT_METRIC = 2;
export const BIT_SERVICE = 4;
export const BIT_CHANGE = 8;
export const BIT_VERDICT = 16;

export function validateWeights(w: SimilarityWeights): void {
  let sum = 0;
  for (const [k, v] of Object.entries(w)) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`similarity weight ${k} must be a finite number >= 0, got ${JSON.stringify(v)}`);
    sum += v;
  }
  if (sum <= 0) throw new Error(`similarity weights must not all be 0, got ${JSON.stringify(w)}`);
}

export function jaccard(inter: number, a: number, b: number): number {
  const union = a + b - inter;
  return union > 0 ? inter / union : 0;
}

/** The score from the shared counts and the binary mask; the one formula index and brute force share. */
export function combine(w: SimilarityWeights, tInter: number, tA: number, tB: number, dInter: number, dA: number, dB: number, mask: number): number {
  let s = w.templates * jaccard(tInter, tA, tB) + w.deviations * jaccard(dInter, dA, dB);
  if (mask & BIT_OPERATION) s += w.operation;
  if (mask & BIT_METRIC) s += w.metric;
  if (mask & BIT_SERVICE) s += w.service;
  if (mask & BIT_CHANGE) s += w.deployChange;
  if (mask & BIT_VERDICT) s += w.verdict;
  return s;
}

export function binaryMask(a: Fingerprint, b: Fingerprint): number {
  let m = 0;
  if (a.operation !== '' && a.operation === b.operation) m |= BIT_OPERATION;
  if (a.metric !== '' && a.signal === b.signal && a.metric === b.metric) m |= BIT_METRIC;
  if (a.service === b.service) m |= BIT_SERVICE;
  if (a.deployChange !== 'none' && a.deployChange === b.deployChange) m |= BIT_CHANGE;
  if (a.verdict !== 'none' && a.verdict === b.verdict) m |= BIT_VERDICT;
  return m;
}

function intersect(a: readonly string[], b: readonly string[]): string[] {
  const set = new Set(b);
  return [...new Set(a)].filter((x) => set.has(x));
}

export interface Similarity {
  score: number;
  /** One line per feature that contributed, largest contribution first: "+0.23 ...". */
  why: string[];
}

const pts = (x: number): string => `+${x.toFixed(2)}`;

/** Similarity of a (the new alert) to b (a past incident), explained. O(|templates| + |deviations|). */
export function similarity(a: Fingerprint, b: Fingerprint, w: SimilarityWeights = DEFAULT_WEIGHTS): Similarity {
  const tShared = intersect(a.templates, b.templates);
  const dShared = intersect(a.deviations, b.deviations);
  const ta = new Set(a.templates).size;
  const tb = new Set(b.templates).size;
  const da = new Set(a.deviations).size;
  const db = new Set(b.deviations).size;
  const mask = binaryMask(a, b);
  const score = combine(w, tShared.length, ta, tb, dShared.length, da, db, mask);
  const parts: Array<[number, string]> = [];
  if (tShared.length) {
    const c = w.templates * jaccard(tShared.length, ta, tb);
    const names = tShared.slice(0, 3).map((t) => `"${t}"`).join(', ');
    parts.push([c, `${pts(c)} log templates ${tShared.length}/${ta + tb - tShared.length} shared: ${names}${tShared.length > 3 ? ', …' : ''}`]);
  }
  if (dShared.length) {
    const c = w.deviations * jaccard(dShared.length, da, db);
    parts.push([c, `${pts(c)} deviating metrics ${dShared.length}/${da + db - dShared.length} shared: ${dShared.join(', ')}`]);
  }
  if (mask & BIT_OPERATION) parts.push([w.operation, `${pts(w.operation)} same operation "${a.operation}"`]);
  if (mask & BIT_METRIC) parts.push([w.metric, `${pts(w.metric)} same signal and metric ${a.signal}/${a.metric}`]);
  if (mask & BIT_SERVICE) parts.push([w.service, `${pts(w.service)} same service ${a.service}`]);
  if (mask & BIT_CHANGE) parts.push([w.deployChange, `${pts(w.deployChange)} same kind of deploy change: ${a.deployChange}`]);
  if (mask & BIT_VERDICT) parts.push([w.verdict, `${pts(w.verdict)} same deployment verdict: ${a.verdict}`]);
  parts.sort((x, y) => y[0] - x[0]);
  return { score, why: parts.filter(([c]) => c > 0).map(([, s]) => s) };
}
