// The incident memory: past incidents, retrievable by similarity to a new alert's fingerprint.
//
// An inverted index maps each fingerprint feature (template, deviation, operation, metric,
// service, deploy change, verdict) to the incidents that have it. A query walks the posting lists
// of its own features and accumulates, per incident touched, the shared template and deviation
// counts and a bit mask of shared binary features; that is everything `combine` needs, so every
// touched incident gets its exact score (the same number `similarity` gives) and untouched ones
// score 0. Only the top k are explained (the "why" list).
//
// Cost of a query: O(Σ posting lengths of the query's features + touched · log k); the lists of
// very common features (a service with most incidents) bound it by about 7·N in the worst case.
// Adding: O(features); removing: O(Σ lengths of its posting lists). Memory: the incident
// (fingerprint + resolution, ~0.5-1 KB) plus ~10 posting entries; accumulators 5 bytes per slot.
import type { Fingerprint } from './fingerprint.js';
import { BIT_CHANGE, BIT_METRIC, BIT_OPERATION, BIT_SERVICE, BIT_VERDICT, DEFAULT_WEIGHTS, binaryMask, combine, similarity, validateWeights } from './similarity.js';
import type { SimilarityWeights } from './similarity.js';
import type { PastIncident, Resolution, SimilarIncident } from './types.js';

export interface IndexOptions {
  weights?: SimilarityWeights;
  /** Keep at most this many incidents; the oldest added go first. Default 100,000. */
  maxIncidents?: number;
}

export interface QueryOptions {
  /** How many to return (default 3). */
  k?: number;
  /** Smallest score returned (default 0.2; must be > 0: incidents sharing nothing score 0). */
  minScore?: number;
  /** Leave these out (e.g. the alert's own earlier incidents, or anything not yet resolved). */
  exclude?: (incident: PastIncident) => boolean;
}

interface Features {
  templates: string[];
  deviations: string[];
  binary: Array<[string, number]>;
}

function featuresOf(fp: Fingerprint): Features {
  const binary: Array<[string, number]> = [[`s\u0000${fp.service}`, BIT_SERVICE]];
  if (fp.operation !== '') binary.push([`o\u0000${fp.operation}`, BIT_OPERATION]);
  if (fp.metric !== '') binary.push([`m\u0000${fp.signal}\u0000${fp.metric}`, BIT_METRIC]);
  if (fp.deployChange !== 'none') binary.push([`c\u0000${fp.deployChange}`, BIT_CHANGE]);
  if (fp.verdict !== 'none') binary.push([`v\u0000${fp.verdict}`, BIT_VERDICT]);
  return {
    templates: [...new Set(fp.templates)].map((t) => `t\u0000${t}`),
    deviations: [...new Set(fp.deviations)].map((d) => `d\u0000${d}`),
    binary,
  };
}

interface Ranked {
  slot: number;
  score: number;
}

export class IncidentIndex {
  readonly weights: SimilarityWeights;
  readonly maxIncidents: number;
  private readonly slots: Array<PastIncident | undefined> = [];
  private readonly tLen: number[] = [];
  private readonly dLen: number[] = [];
  private readonly free: number[] = [];
  private readonly bySlotId = new Map<string, number>();
  private readonly postings = new Map<string, number[]>();
  /** Ids in the order added (lazy: stale entries are skipped at eviction). */
  private order: Array<[string, number]> = [];
  private orderHead = 0;
  private readonly addSeq = new Map<string, number>();
  private seq = 0;
  private accT = new Uint16Array(0);
  private accD = new Uint16Array(0);
  private accMask = new Uint8Array(0);
  private seen = new Uint8Array(0);

  constructor(options: IndexOptions = {}) {
    this.weights = { ...DEFAULT_WEIGHTS, ...options.weights };
    validateWeights(this.weights);
    this.maxIncidents = options.maxIncidents ?? 100_000;
    if (!Number.isInteger(this.maxIncidents) || this.maxIncidents < 1) throw new Error(`maxIncidents must be an integer >= 1, got ${JSON.stringify(options.maxIncidents)}`);
  }

  get size(): number {
    return this.bySlotId.size;
  }

  get(id: string): PastIncident | undefined {
    const slot = this.bySlotId.get(id);
    return slot === undefined ? undefined : this.slots[slot];
  }

  has(id: string): boolean {
    return this.bySlotId.has(id);
  }

  *all(): IterableIterator<PastIncident> {
    for (const entry of this.order.slice(this.orderHead)) {
      if (this.current(entry)) yield this.get(entry[0])!;
    }
  }

  /** Add (or replace) an incident; returns the ids evicted to stay within maxIncidents. */
  add(incident: PastIncident): string[] {
    if (this.bySlotId.has(incident.id)) this.remove(incident.id);
    const slot = this.free.pop() ?? this.slots.length;
    if (slot === this.slots.length) {
      this.slots.push(undefined);
      this.tLen.push(0);
      this.dLen.push(0);
      this.grow(this.slots.length);
    }
    const f = featuresOf(incident.fingerprint);
    this.slots[slot] = incident;
    this.tLen[slot] = f.templates.length;
    this.dLen[slot] = f.deviations.length;
    this.bySlotId.set(incident.id, slot);
    for (const key of [...f.templates, ...f.deviations, ...f.binary.map(([k]) => k)]) {
      let list = this.postings.get(key);
      if (!list) this.postings.set(key, (list = []));
      list.push(slot);
    }
    const seq = ++this.seq;
    this.addSeq.set(incident.id, seq);
    this.order.push([incident.id, seq]);
    const evicted: string[] = [];
    while (this.bySlotId.size > this.maxIncidents && this.orderHead < this.order.length) {
      const entry = this.order[this.orderHead++];
      if (this.current(entry) && this.remove(entry[0])) evicted.push(entry[0]);
    }
    if (this.orderHead > 1024 && this.orderHead * 2 > this.order.length) {
      this.order = this.order.slice(this.orderHead).filter((e) => this.current(e));
      this.orderHead = 0;
    }
    return evicted;
  }

  remove(id: string): boolean {
    const slot = this.bySlotId.get(id);
    if (slot === undefined) return false;
    const inc = this.slots[slot]!;
    const f = featuresOf(inc.fingerprint);
    for (const key of [...f.templates, ...f.deviations, ...f.binary.map(([k]) => k)]) {
      const list = this.postings.get(key);
      if (!list) continue;
      const i = list.lastIndexOf(slot);
      if (i >= 0) {
        list[i] = list[list.length - 1];
        list.pop();
      }
      if (list.length === 0) this.postings.delete(key);
    }
    this.slots[slot] = undefined;
    this.bySlotId.delete(id);
    this.addSeq.delete(id);
    this.free.push(slot);
    return true;
  }

  /** Attach or replace the resolution of a stored incident (features unchanged). */
  setResolution(id: string, resolution: Resolution | undefined): boolean {
    const inc = this.get(id);
    if (!inc) return false;
    if (resolution) inc.resolution = resolution;
    else delete inc.resolution;
    return true;
  }

  /** The k most similar stored incidents, best first, with reasons. */
  query(fp: Fingerprint, options: QueryOptions = {}): SimilarIncident[] {
    const k = options.k ?? 3;
    const minScore = options.minScore ?? 0.2;
    if (k <= 0) return [];
    const f = featuresOf(fp);
    const touched: number[] = [];
    const touch = (slot: number): void => {
      if (this.seen[slot] === 0) {
        this.seen[slot] = 1;
        touched.push(slot);
      }
    };
    for (const key of f.templates) for (const slot of this.postings.get(key) ?? []) { touch(slot); this.accT[slot]++; }
    for (const key of f.deviations) for (const slot of this.postings.get(key) ?? []) { touch(slot); this.accD[slot]++; }
    for (const [key, bit] of f.binary) for (const slot of this.postings.get(key) ?? []) { touch(slot); this.accMask[slot] |= bit; }
    const top: Ranked[] = [];
    const qT = f.templates.length;
    const qD = f.deviations.length;
    for (const slot of touched) {
      const score = combine(this.weights, this.accT[slot], qT, this.tLen[slot], this.accD[slot], qD, this.dLen[slot], this.accMask[slot]);
      this.accT[slot] = 0;
      this.accD[slot] = 0;
      this.accMask[slot] = 0;
      this.seen[slot] = 0;
      if (score < minScore || score <= 0) continue;
      if (top.length === k && !this.better(slot, score, top[k - 1])) continue;
      const inc = this.slots[slot]!;
      if (options.exclude?.(inc)) continue;
      this.insertRanked(top, { slot, score }, k);
    }
    return top.map((r) => this.present(fp, r));
  }

  /** The same answer as `query`, by scoring every stored incident (tests, evaluation). O(N). */
  bruteForce(fp: Fingerprint, options: QueryOptions = {}): SimilarIncident[] {
    const k = options.k ?? 3;
    const minScore = options.minScore ?? 0.2;
    if (k <= 0) return [];
    const qt = new Set(fp.templates);
    const qd = new Set(fp.deviations);
    const top: Ranked[] = [];
    for (let slot = 0; slot < this.slots.length; slot++) {
      const inc = this.slots[slot];
      if (!inc) continue;
      const bt = new Set(inc.fingerprint.templates);
      const bd = new Set(inc.fingerprint.deviations);
      let ti = 0;
      for (const t of bt) if (qt.has(t)) ti++;
      let di = 0;
      for (const d of bd) if (qd.has(d)) di++;
      const score = combine(this.weights, ti, qt.size, bt.size, di, qd.size, bd.size, binaryMask(fp, inc.fingerprint));
      if (score < minScore || score <= 0) continue;
      if (options.exclude?.(inc)) continue;
      this.insertRanked(top, { slot, score }, k);
    }
    return top.map((r) => this.present(fp, r));
  }

  toJSON(): { version: 1; incidents: PastIncident[] } {
    return { version: 1, incidents: [...this.all()] };
  }

  static fromJSON(json: { version: 1; incidents: PastIncident[] }, options: IndexOptions = {}): IncidentIndex {
    if (!json || json.version !== 1 || !Array.isArray(json.incidents)) throw new Error('IncidentIndex.fromJSON: expected {version: 1, incidents: [...]}');
    const index = new IncidentIndex(options);
    for (const inc of json.incidents) index.add(inc);
    return index;
  }

  private current(entry: [string, number]): boolean {
    return this.addSeq.get(entry[0]) === entry[1];
  }

  /** Ties: the more recent resolution first, then the smaller id (deterministic). */
  private better(slot: number, score: number, than: Ranked): boolean {
    if (score !== than.score) return score > than.score;
    const a = this.slots[slot]!;
    const b = this.slots[than.slot]!;
    if (a.resolvedAtMs !== b.resolvedAtMs) return a.resolvedAtMs > b.resolvedAtMs;
    return a.id < b.id;
  }

  private insertRanked(top: Ranked[], r: Ranked, k: number): void {
    let i = top.length;
    while (i > 0 && this.better(r.slot, r.score, top[i - 1])) i--;
    if (i >= k) return;
    top.splice(i, 0, r);
    if (top.length > k) top.pop();
  }

  private present(fp: Fingerprint, r: Ranked): SimilarIncident {
    const inc = this.slots[r.slot]!;
    const out: SimilarIncident = {
      incidentId: inc.id, alertId: inc.alertId, service: inc.service, title: inc.title,
      score: Math.round(r.score * 1000) / 1000, why: similarity(fp, inc.fingerprint, this.weights).why,
      startedAtMs: inc.startedAtMs, resolvedAtMs: inc.resolvedAtMs,
    };
    if (inc.resolution) out.resolution = inc.resolution;
    return out;
  }

  private grow(n: number): void {
    if (n <= this.seen.length) return;
    const cap = Math.max(1024, this.seen.length * 2, n);
    const t = new Uint16Array(cap); t.set(this.accT); this.accT = t;
    const d = new Uint16Array(cap); d.set(this.accD); this.accD = d;
    const m = new Uint8Array(cap); m.set(this.accMask); this.accMask = m;
    const s = new Uint8Array(cap); s.set(this.seen); this.seen = s;
  }
}
