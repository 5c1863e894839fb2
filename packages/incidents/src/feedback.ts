// Operator feedback that teaches the detectors: "this was not an anomaly" raises the effective
// threshold of a scope (the series, its operation, or its whole service) above the score level
// that was marked benign, by a margin, and the raise fades with a half-life. "real" marks a
// missed or doubted anomaly as real: it cancels earlier not_anomaly feedback it falls under and
// is kept for the evaluation record (false negatives).
//
// Scores are in [0, 1] with 1 = most anomalous, and the interesting ones crowd near 1 (0.99,
// 0.999), so levels are compared as surprise u(s) = −log10(1 − s) ("decades"): 0.99 → 2,
// 0.999 → 3. A not_anomaly entry for score s_b asks for
//      u(score) > level(t) = u_thr + (u(s_b) + margin − u_thr) · 2^(−age / halfLife)
// where u_thr is the threshold the score is compared with (0 when unknown). The adjusted score
// is the score shifted down by the raise, u' = u − (level − u_thr), so "adjusted ≤ threshold"
// is exactly "not above the level": a detector can keep its own comparison and use `score`.
// The same level, a different direction (latency down when up was benign) or a verdict that
// failed is not this feedback's business: direction must match when both are known.
//
// Pure: time is a parameter. Cost of adjust: O(entries of the service); memory ~300 B per entry.

export type FeedbackVerdict = 'not_anomaly' | 'real';
export type FeedbackScope = 'series' | 'operation' | 'service';

/** What the model needs from a feedback (a FeedbackRecord has these fields). */
export interface FeedbackInput {
  id: string;
  verdict: FeedbackVerdict;
  scope: FeedbackScope;
  service: string;
  operation?: string;
  metric?: string;
  seriesKey?: string;
  /** The score that was judged (not_anomaly: the benign level). */
  score?: number;
  /** The threshold the score was compared with when judged. */
  threshold?: number;
  direction?: 'up' | 'down';
  createdAtMs: number;
}

export interface FeedbackOptions {
  /** Half-life of a feedback's effect (default 7 days). */
  halfLifeMs: number;
  /** How far above the benign level a score must be, in decades of surprise (default 0.5 ≈ 3×). */
  marginDecades: number;
  /** Entries whose weight fell below this are dropped by prune (default 0.01: ~6.6 half-lives). */
  minWeight: number;
  /** At most this many entries (the oldest go first). */
  maxEntries: number;
}

export const DEFAULT_FEEDBACK_OPTIONS: Readonly<FeedbackOptions> = Object.freeze({
  halfLifeMs: 7 * 24 * 3_600_000,
  marginDecades: 0.5,
  minWeight: 0.01,
  maxEntries: 10_000,
});

export interface SeriesIdentity {
  service: string;
  operation?: string;
  metric?: string;
  seriesKey?: string;
  /** Direction of the deviation being scored (value above or below expected). */
  direction?: 'up' | 'down';
  /** The threshold the score is compared with (enables suppressedBy). */
  threshold?: number;
}

export interface Adjustment {
  /** The score after feedback (equal to the input when no feedback applies). */
  score: number;
  /** The feedback that turned an above-threshold score into a below-threshold one. */
  suppressedBy?: string;
  /** The feedback that raised the level most (even if the decision did not change). */
  raisedBy?: string;
  /** The score the input must exceed now to count (the level, as a score). */
  requiredScore?: number;
}

const MAX_SURPRISE = 12;
export const surprise = (s: number): number => (s >= 1 ? MAX_SURPRISE : s <= 0 ? 0 : Math.min(MAX_SURPRISE, -Math.log10(1 - s)));
export const fromSurprise = (u: number): number => (u <= 0 ? 0 : 1 - 10 ** -u);

/** Parse `service|operation|metric` (the detector's series key for RED series). */
export function parseSeriesKey(seriesKey: string): SeriesIdentity {
  const parts = seriesKey.split('|');
  if (parts.length >= 3) return { service: parts[0], operation: parts[1] || undefined, metric: parts[2], seriesKey };
  if (parts.length === 2) return { service: parts[0], metric: parts[1], seriesKey };
  return { service: parts[0], seriesKey };
}

function keyOf(x: { seriesKey?: string; service: string; operation?: string; metric?: string }): string {
  return x.seriesKey ?? `${x.service}|${x.operation ?? ''}|${x.metric ?? ''}`;
}

/** Does the identity fall in the feedback's scope? */
export function inScope(f: FeedbackInput, id: SeriesIdentity): boolean {
  if (f.service !== id.service) return false;
  if (f.scope === 'service') return true;
  if (f.scope === 'operation') return (f.operation ?? '') === (id.operation ?? '');
  return keyOf(f) === keyOf(id);
}

export function validateFeedbackOptions(o: FeedbackOptions): void {
  if (!(o.halfLifeMs > 0) || !Number.isFinite(o.halfLifeMs)) throw new Error(`feedback halfLifeMs must be > 0, got ${JSON.stringify(o.halfLifeMs)}`);
  if (!(o.marginDecades >= 0) || !Number.isFinite(o.marginDecades)) throw new Error(`feedback marginDecades must be >= 0, got ${JSON.stringify(o.marginDecades)}`);
  if (!(o.minWeight > 0 && o.minWeight < 1)) throw new Error(`feedback minWeight must be in (0, 1), got ${JSON.stringify(o.minWeight)}`);
  if (!Number.isInteger(o.maxEntries) || o.maxEntries < 1) throw new Error(`feedback maxEntries must be an integer >= 1, got ${JSON.stringify(o.maxEntries)}`);
}

export interface FeedbackModelJSON {
  version: 1;
  options: FeedbackOptions;
  entries: FeedbackInput[];
}

export class FeedbackModel {
  readonly options: FeedbackOptions;
  private readonly entries = new Map<string, FeedbackInput>();
  private readonly byService = new Map<string, Set<string>>();

  constructor(options: Partial<FeedbackOptions> = {}) {
    this.options = { ...DEFAULT_FEEDBACK_OPTIONS, ...options };
    validateFeedbackOptions(this.options);
  }

  get size(): number {
    return this.entries.size;
  }

  list(): FeedbackInput[] {
    return [...this.entries.values()];
  }

  get(id: string): FeedbackInput | undefined {
    return this.entries.get(id);
  }

  /** Add (or replace) a feedback; expired entries are pruned at `nowMs`. */
  add(feedback: FeedbackInput, nowMs: number): void {
    if (feedback.verdict !== 'not_anomaly' && feedback.verdict !== 'real') throw new Error(`feedback verdict must be not_anomaly or real, got ${JSON.stringify(feedback.verdict)}`);
    if (feedback.scope !== 'series' && feedback.scope !== 'operation' && feedback.scope !== 'service') throw new Error(`feedback scope must be series, operation or service, got ${JSON.stringify(feedback.scope)}`);
    this.remove(feedback.id);
    const f: FeedbackInput = { ...feedback };
    if (f.seriesKey === undefined && f.scope === 'series') f.seriesKey = keyOf(f);
    this.entries.set(f.id, f);
    let set = this.byService.get(f.service);
    if (!set) this.byService.set(f.service, (set = new Set()));
    set.add(f.id);
    this.prune(nowMs);
  }

  /** Undo a feedback (its effect disappears at once). */
  remove(id: string): boolean {
    const f = this.entries.get(id);
    if (!f) return false;
    this.entries.delete(id);
    const set = this.byService.get(f.service);
    set?.delete(id);
    if (set && set.size === 0) this.byService.delete(f.service);
    return true;
  }

  /** Weight of a feedback at `nowMs`: 1 when given, halving every halfLifeMs. */
  weight(f: FeedbackInput, nowMs: number): number {
    const age = Math.max(0, nowMs - f.createdAtMs);
    return 2 ** (-age / this.options.halfLifeMs);
  }

  /** Drop entries that no longer matter (weight below minWeight), and the oldest beyond maxEntries. */
  prune(nowMs: number): string[] {
    const dropped: string[] = [];
    for (const f of [...this.entries.values()]) {
      if (this.weight(f, nowMs) < this.options.minWeight && this.remove(f.id)) dropped.push(f.id);
    }
    if (this.entries.size > this.options.maxEntries) {
      const old = [...this.entries.values()].sort((a, b) => a.createdAtMs - b.createdAtMs || (a.id < b.id ? -1 : 1));
      for (const f of old.slice(0, this.entries.size - this.options.maxEntries)) if (this.remove(f.id)) dropped.push(f.id);
    }
    return dropped;
  }

  /**
   * The score after feedback for a series (a seriesKey, or its identity), at `nowMs`.
   * Not anomaly feedback cancelled by a later `real` feedback in its scope does not apply.
   */
  adjust(target: string | SeriesIdentity, score: number, nowMs: number): Adjustment {
    const id = typeof target === 'string' ? parseSeriesKey(target) : target;
    const ids = this.byService.get(id.service);
    if (!ids || ids.size === 0) return { score };
    const uThr = id.threshold !== undefined ? surprise(id.threshold) : 0;
    const matching: FeedbackInput[] = [];
    for (const fid of ids) {
      const f = this.entries.get(fid)!;
      if (inScope(f, id)) matching.push(f);
    }
    let bestRaise = 0;
    let best: FeedbackInput | undefined;
    for (const f of matching) {
      if (f.verdict !== 'not_anomaly') continue;
      if (f.direction && id.direction && f.direction !== id.direction) continue;
      // A later "real" on this series (or anything inside f's scope) overrides f.
      if (matching.some((g) => g.verdict === 'real' && g.createdAtMs >= f.createdAtMs)) continue;
      const level = surprise(f.score ?? 1) + this.options.marginDecades;
      const raise = Math.max(0, level - uThr) * this.weight(f, nowMs);
      if (raise > bestRaise || (raise === bestRaise && best && raise > 0 && f.id < best.id)) {
        bestRaise = raise;
        best = f;
      }
    }
    if (!best || bestRaise <= 0) return { score };
    const u = surprise(score);
    const adjusted = fromSurprise(u - bestRaise);
    const out: Adjustment = { score: adjusted, raisedBy: best.id, requiredScore: fromSurprise(uThr + bestRaise) };
    const suppressed = id.threshold !== undefined ? score > id.threshold && adjusted <= id.threshold : u <= bestRaise;
    if (suppressed) out.suppressedBy = best.id;
    return out;
  }

  toJSON(): FeedbackModelJSON {
    return { version: 1, options: { ...this.options }, entries: this.list().map((f) => ({ ...f })) };
  }

  static fromJSON(json: FeedbackModelJSON, nowMs?: number): FeedbackModel {
    if (!json || json.version !== 1 || !Array.isArray(json.entries)) throw new Error('FeedbackModel.fromJSON: expected {version: 1, options, entries: [...]}');
    const m = new FeedbackModel(json.options);
    for (const f of json.entries) m.add(f, nowMs ?? f.createdAtMs);
    return m;
  }
}
