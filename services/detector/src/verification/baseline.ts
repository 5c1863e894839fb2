import { DDSketch } from '@vigil/stats';
import type { DDSketchJSON, SketchRanks } from '@vigil/stats';
import { TimeOfDayProfile } from './time-of-day.js';
import type { TimeOfDayProfileJSON } from './time-of-day.js';

/** One request as the baseline keeps it. */
export interface BaselineSpan {
  operation: string;
  version: string;
  isError: boolean;
  durationMs: number;
  timeMs: number;
  /** Template of the error message (see error-templates.ts), for error spans that carry one. */
  errorTemplate?: string;
}

export function newSketch(): DDSketch {
  return new DDSketch({ relativeAccuracy: 0.01, maxBins: 512 });
}

interface Epoch {
  sketch: DDSketch;
  errors: number;
  requests: number;
}

const emptyEpoch = (): Epoch => ({ sketch: newSketch(), errors: 0, requests: 0 });

/** Operations kept per service (the busiest are seen first). */
const MAX_OPERATIONS = 200;
/** Error templates remembered per service (the rarest are forgotten first). */
const MAX_TEMPLATES = 500;
/** Versions named per epoch in the verdict. */
const MAX_VERSIONS = 20;

/** Latency quantiles of one operation's baseline, computed at a given baseline size. */
export interface CachedQuantiles {
  key: string;
  n: number;
  q: Record<string, number>;
}

/** Quantiles are recomputed when the baseline grew by 5% (or rotated): a merge costs O(bins). */
export function quantileKey(epochMs: number, n: number): string {
  return `${epochMs}:${n <= 0 ? 0 : Math.floor(Math.log(n) / Math.log(1.05))}`;
}

/**
 * The service's verified-good history: requests of the versions that passed verification (and
 * of the first version seen), per operation, in two epochs of `halfLifeMs` that rotate with event
 * time — a step-shaped recency weighting that keeps the last one to two half-lives and forgets
 * what is older. A version that passed keeps feeding the same epochs, so a short-lived version
 * adds to the longer history of the versions before it instead of replacing it. An epoch rotates
 * only when the current one holds traffic: when the service goes quiet its last traffic stays the
 * baseline (the verdict says how old it is). Error templates are counted for the novelty test.
 * Memory: two sketches (≤ 512 bins) per operation, ≤ 500 templates, and the time-of-day profile
 * of time-of-day.ts (≤ 33 series of 14.6 KB).
 */
export class HistoryBaseline {
  epochStartMs = -1;
  prevStartMs = -1;
  lastMs = -1;
  ops = new Map<string, { cur: Epoch; prev: Epoch }>();
  versionsCur = new Map<string, number>();
  versionsPrev = new Map<string, number>();
  templates = new Map<string, number>();
  /** Error spans with a template (Good-Turing's N). */
  templateErrors = 0;
  /** The verified-good traffic by time of day (time-of-day.ts): the seasonal adjustment of before/after checks. */
  seasonal: TimeOfDayProfile;
  private cache = new Map<string, CachedQuantiles>();
  /** Rank tables per operation (not serialised: rebuilt from the sketches). */
  private rankCache = new Map<string, { key: string; ranks: SketchRanks }>();

  /** `weekOffsetMinutes`: the service's zone for the profile's weekdays and weekend (UTC + offset). */
  constructor(private readonly halfLifeMs: number, private readonly weekOffsetMinutes = 0) {
    this.seasonal = new TimeOfDayProfile(weekOffsetMinutes);
  }

  rotate(timeMs: number): void {
    if (this.epochStartMs < 0) this.epochStartMs = timeMs;
    if (timeMs - this.epochStartMs < this.halfLifeMs) return;
    let curRequests = 0;
    for (const op of this.ops.values()) curRequests += op.cur.requests;
    if (curRequests === 0) return;
    this.prevStartMs = this.epochStartMs;
    this.epochStartMs = timeMs;
    for (const op of this.ops.values()) {
      op.prev = op.cur;
      op.cur = emptyEpoch();
    }
    this.versionsPrev = this.versionsCur;
    this.versionsCur = new Map();
    this.cache.clear();
    this.rankCache.clear();
  }

  add(span: BaselineSpan): void {
    this.seasonal.add(span.operation, span.durationMs, span.isError, span.timeMs);
    let op = this.ops.get(span.operation);
    if (!op) {
      if (this.ops.size >= MAX_OPERATIONS) return;
      this.ops.set(span.operation, (op = { cur: emptyEpoch(), prev: emptyEpoch() }));
    }
    op.cur.sketch.add(span.durationMs);
    op.cur.requests++;
    if (span.isError) op.cur.errors++;
    this.lastMs = Math.max(this.lastMs, span.timeMs);
    if (this.versionsCur.has(span.version) || this.versionsCur.size < MAX_VERSIONS) {
      this.versionsCur.set(span.version, (this.versionsCur.get(span.version) ?? 0) + 1);
    }
    if (span.isError && span.errorTemplate !== undefined) this.addTemplate(span.errorTemplate);
  }

  /**
   * A version that passed verification joins the history with the requests it served while it
   * was checked (they are verified-good now): without them a version that lived 30 minutes and
   * needed 15 of them to pass would leave only its last minutes as the next deploy's baseline.
   * They join the current epoch (the recency weighting is by epoch, not by request).
   */
  absorb(version: string, ops: ReadonlyMap<string, { sketch: DDSketch; errors: number; requests: number }>, templates: ReadonlyMap<string, number>, lastMs: number): void {
    let total = 0;
    for (const [name, c] of ops) {
      let op = this.ops.get(name);
      if (!op) {
        if (this.ops.size >= MAX_OPERATIONS) continue;
        this.ops.set(name, (op = { cur: emptyEpoch(), prev: emptyEpoch() }));
      }
      op.cur.sketch.merge(c.sketch);
      op.cur.errors += c.errors;
      op.cur.requests += c.requests;
      total += c.requests;
    }
    if (total > 0 && (this.versionsCur.has(version) || this.versionsCur.size < MAX_VERSIONS)) this.versionsCur.set(version, (this.versionsCur.get(version) ?? 0) + total);
    for (const [t, n] of templates) for (let i = 0; i < n; i++) this.addTemplate(t);
    if (total > 0) this.lastMs = Math.max(this.lastMs, lastMs);
    this.cache.clear();
  }

  private addTemplate(t: string): void {
    this.templateErrors++;
    const c = this.templates.get(t);
    if (c !== undefined) {
      this.templates.set(t, c + 1);
      return;
    }
    if (this.templates.size >= MAX_TEMPLATES) {
      let rare: string | null = null;
      let min = Infinity;
      for (const [k, v] of this.templates) if (v < min) [rare, min] = [k, v];
      if (rare !== null) this.templates.delete(rare);
    }
    this.templates.set(t, 1);
  }

  /** Error and request counts, of one operation or of the service. */
  counts(operation?: string): { errors: number; requests: number } {
    let errors = 0;
    let requests = 0;
    const add = (o: { cur: Epoch; prev: Epoch }) => {
      errors += o.cur.errors + o.prev.errors;
      requests += o.cur.requests + o.prev.requests;
    };
    if (operation !== undefined) {
      const o = this.ops.get(operation);
      if (o) add(o);
    } else for (const o of this.ops.values()) add(o);
    return { errors, requests };
  }

  /** Operations by baseline traffic, busiest first (ties by name, so the order is deterministic). */
  busiest(): Array<{ operation: string; requests: number }> {
    return [...this.ops.keys()]
      .map((operation) => ({ operation, requests: this.counts(operation).requests }))
      .sort((a, b) => b.requests - a.requests || (a.operation < b.operation ? -1 : 1));
  }

  /** The q-quantile of an operation's baseline latency, or null with fewer than `minCount` requests. */
  quantile(operation: string, q: number, minCount: number): { value: number; n: number } | null {
    const op = this.ops.get(operation);
    if (!op) return null;
    const n = op.cur.requests + op.prev.requests;
    if (n < minCount) return null;
    const key = quantileKey(this.epochStartMs, n);
    let c = this.cache.get(operation);
    if (!c || c.key !== key) {
      c = { key, n, q: {} };
      this.cache.set(operation, c);
    }
    const qk = String(q);
    if (c.q[qk] === undefined) c.q[qk] = newSketch().merge(op.prev.sketch).merge(op.cur.sketch).quantile(q);
    return { value: c.q[qk], n: c.n };
  }

  /**
   * Mid-ranks among an operation's baseline latencies (SketchRanks), or null with fewer than
   * `minCount` requests. Rebuilt whenever the baseline changed (a pure function of its state, so a
   * replay from a snapshot reads the same ranks); a history does not move during a before/after check.
   */
  ranks(operation: string, minCount: number): { ranks: SketchRanks; n: number } | null {
    const op = this.ops.get(operation);
    if (!op) return null;
    const n = op.cur.requests + op.prev.requests;
    if (n < minCount) return null;
    const key = `${this.epochStartMs}:${n}`;
    let c = this.rankCache.get(operation);
    if (!c || c.key !== key) this.rankCache.set(operation, (c = { key, ranks: newSketch().merge(op.prev.sketch).merge(op.cur.sketch).ranks() }));
    return { ranks: c.ranks, n };
  }

  /** Good-Turing estimate of the share of errors whose template was never seen, as (N1 + 1) / (N + 2). */
  unseenTemplateShare(): { singletons: number; errors: number } {
    let singletons = 0;
    for (const v of this.templates.values()) if (v === 1) singletons++;
    return { singletons, errors: this.templateErrors };
  }

  /** Versions whose requests the baseline holds, most requests first. */
  versions(): Array<{ version: string; requests: number }> {
    const m = new Map(this.versionsPrev);
    for (const [k, v] of this.versionsCur) m.set(k, (m.get(k) ?? 0) + v);
    return [...m].map(([version, requests]) => ({ version, requests })).sort((a, b) => b.requests - a.requests || (a.version < b.version ? -1 : 1));
  }

  /** Event time the baseline reaches back to. */
  get fromMs(): number {
    return this.prevStartMs >= 0 ? this.prevStartMs : this.epochStartMs;
  }

  toJSON(): HistoryBaselineJSON {
    return {
      epochStartMs: this.epochStartMs, prevStartMs: this.prevStartMs, lastMs: this.lastMs,
      ops: [...this.ops].map(([k, v]) => [k, v.cur.sketch.toJSON(), v.cur.errors, v.cur.requests, v.prev.sketch.toJSON(), v.prev.errors, v.prev.requests]),
      versionsCur: [...this.versionsCur], versionsPrev: [...this.versionsPrev], templates: [...this.templates], templateErrors: this.templateErrors,
      cache: [...this.cache], seasonal: this.seasonal.toJSON(),
    };
  }

  static fromJSON(j: HistoryBaselineJSON, halfLifeMs: number, weekOffsetMinutes = 0): HistoryBaseline {
    const b = new HistoryBaseline(halfLifeMs, weekOffsetMinutes);
    b.epochStartMs = j.epochStartMs;
    b.prevStartMs = j.prevStartMs;
    b.lastMs = j.lastMs;
    for (const [k, cs, ce, cr, ps, pe, pr] of j.ops) {
      b.ops.set(k, { cur: { sketch: DDSketch.fromJSON(cs), errors: ce, requests: cr }, prev: { sketch: DDSketch.fromJSON(ps), errors: pe, requests: pr } });
    }
    b.versionsCur = new Map(j.versionsCur);
    b.versionsPrev = new Map(j.versionsPrev);
    b.templates = new Map(j.templates);
    b.templateErrors = j.templateErrors;
    b.cache = new Map(j.cache);
    // State written before the profile existed starts an empty one (seasonal adjustment after 2 days).
    if (j.seasonal) b.seasonal = TimeOfDayProfile.fromJSON(j.seasonal, weekOffsetMinutes);
    return b;
  }
}

export interface HistoryBaselineJSON {
  epochStartMs: number;
  prevStartMs: number;
  lastMs: number;
  ops: Array<[string, DDSketchJSON, number, number, DDSketchJSON, number, number]>;
  versionsCur: Array<[string, number]>;
  versionsPrev: Array<[string, number]>;
  templates: Array<[string, number]>;
  templateErrors: number;
  cache: Array<[string, CachedQuantiles]>;
  seasonal?: TimeOfDayProfileJSON;
}
