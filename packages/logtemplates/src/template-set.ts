// The templates of one service and the online clustering that maintains them.
//
// Algorithm (online, one pass, one configuration for every source):
// 1. The tokenizer masks variables by shape, so most lines of one event already share the exact
//    same masked text: an exact lookup (hash map) finds their template in O(length).
// 2. Variables that have no recognisable shape (user names, program names, enum values) leave
//    lines of one event on different masked texts. Each template is indexed under every
//    "all but position p" key; when `generaliseAfterValues` templates differ only at p, they are
//    merged into one template with a wildcard at p (and into an existing template whose text
//    becomes identical). Later lines reach a generalised template by a scan over the generalised
//    templates of the same length, cached in a bounded alias map.
// 3. Memory is bounded: at most `maxTemplates` templates (least recently seen evicted) and
//    `maxAliases` cached lookups, each with at most `maxTokensPerLine` tokens.
//
// Cost per line: O(tokens) for the exact hit (the common case); on a miss O(tokens × generalised
// templates of that length) plus O(tokens) index updates when a template is created.
// Memory per template: its text, its tokens and one index entry per literal word (see the bench).

import { hash64Hex, hashStrings32 } from './hash.js';
import { WILDCARD, isDelimiterToken, templateText } from './tokenizer.js';

/** The clustering constants of one service's template set (see MinerOptions). */
export interface TemplateSetOptions {
  maxTemplates: number;
  maxAliases: number;
  generaliseAfterValues: number;
  minContextWords: number;
  maxSpanTokens: number;
}

const isOpenBracket = (t: string): boolean => t === '(' || t === '[' || t === '{';
const isCloseBracket = (t: string): boolean => t === ')' || t === ']' || t === '}';

/** Tokens [from, to) hold a word (not only punctuation) and balanced brackets. */
function wordyBalanced(tokens: readonly string[], from: number, to: number): boolean {
  let depth = 0;
  let word = false;
  for (let k = from; k < to; k++) {
    const x = tokens[k];
    if (isOpenBracket(x)) depth++;
    else if (isCloseBracket(x)) {
      if (--depth < 0) return false;
    } else if (!isDelimiterToken(x)) word = true;
  }
  return word && depth === 0;
}

function hasWildcard(tokens: readonly string[], from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (tokens[k] === WILDCARD) return true;
  return false;
}

function literalWords(tokens: readonly string[], from: number, to: number): number {
  let n = 0;
  for (let k = from; k < to; k++) if (tokens[k] !== WILDCARD && !isDelimiterToken(tokens[k])) n++;
  return n;
}

/**
 * A line and a template that are one event whose variable slot took a value of another shape:
 * equal except for one middle run on each side (`i` tokens of common prefix, `j` of common
 * suffix), where one side is a single token, the other at most `maxSpanTokens` tokens, and one
 * side is a recognised variable (a wildcard).
 */
interface SpanPartner {
  template: Template;
  prefix: number;
  suffix: number;
}

export interface Template {
  /** Stable id: a hash of the template text. */
  readonly id: string;
  readonly text: string;
  readonly tokens: string[];
  readonly glue: boolean[];
  count: number;
  firstSeenMs: number;
  lastSeenMs: number;
  /** Has wildcards that match any word (created by generalisation): matched by scan. */
  general: boolean;
  /** Set when this template was merged into another one (follow to the survivor). */
  mergedInto: Template | undefined;
  /** Evicted or merged: no longer in the set. */
  dead: boolean;
}

export interface MatchOutcome {
  template: Template;
  created: boolean;
  /** Templates absorbed by a generalisation or merge triggered by this line (ids). */
  mergedIds: string[] | undefined;
  /** The surviving template of that merge was created by it (a new, more general text). */
  survivorCreated?: boolean;
}

export interface TemplateSetJSON {
  /** Least recently seen first. */
  templates: Array<{ tokens: string[]; glue: string; count: number; firstSeenMs: number; lastSeenMs: number; general: boolean }>;
  evicted: number;
}

function newTemplate(tokens: string[], glue: boolean[], general: boolean, timeMs: number): Template {
  const text = templateText(tokens, glue);
  return { id: hash64Hex(text), text, tokens, glue, count: 0, firstSeenMs: timeMs, lastSeenMs: timeMs, general, mergedInto: undefined, dead: false };
}

/** Follow merges to the surviving template. */
export function resolveTemplate(t: Template): Template {
  let cur = t;
  while (cur.mergedInto !== undefined) cur = cur.mergedInto;
  return cur;
}

function sameExcept(a: Template, tokens: readonly string[], glue: readonly boolean[], p: number): boolean {
  if (a.tokens.length !== tokens.length) return false;
  for (let i = 0; i < tokens.length; i++) {
    if (a.glue[i] !== glue[i]) return false;
    if (i !== p && a.tokens[i] !== tokens[i]) return false;
  }
  return true;
}

function matchesGeneral(t: Template, tokens: readonly string[], glue: readonly boolean[]): boolean {
  const tt = t.tokens;
  if (tt.length !== tokens.length) return false;
  for (let i = 0; i < tt.length; i++) {
    if (t.glue[i] !== glue[i]) return false;
    const x = tt[i];
    if (x !== WILDCARD && x !== tokens[i]) return false;
    // A wildcard stands for a word, never for punctuation that structures the line.
    if (x === WILDCARD && tokens[i] !== WILDCARD && isDelimiterToken(tokens[i])) return false;
  }
  return true;
}

/** Positions that can be generalised: words (not punctuation). */
function wordPositions(tokens: readonly string[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < tokens.length; i++) if (!isDelimiterToken(tokens[i])) out.push(i);
  return out;
}

export class TemplateSet {
  /** Live templates by text, least recently seen first (Map insertion order is the LRU order). */
  private readonly byText = new Map<string, Template>();
  /** Cached masked-line text → template for lines that matched a generalised template. */
  private readonly aliases = new Map<string, Template>();
  /** Generalised templates by token count (scanned on an exact miss). */
  private readonly generalByLength = new Map<number, Template[]>();
  /** "All but position p" hash → templates (verified on use). */
  private readonly families = new Map<number, Template[]>();
  /** Every live template by token count (for length-tolerant matching on a miss). */
  private readonly byLength = new Map<number, Template[]>();
  private lastTouched: Template | undefined;
  private readonly maxTemplates: number;
  private readonly maxAliases: number;
  private readonly generaliseAfterValues: number;
  private readonly minContextWords: number;
  private readonly maxSpanTokens: number;
  evicted = 0;

  constructor(o: TemplateSetOptions) {
    this.maxTemplates = o.maxTemplates;
    this.maxAliases = o.maxAliases;
    this.generaliseAfterValues = o.generaliseAfterValues;
    this.minContextWords = o.minContextWords;
    this.maxSpanTokens = o.maxSpanTokens;
  }

  get size(): number {
    return this.byText.size;
  }

  templates(): IterableIterator<Template> {
    return this.byText.values();
  }

  /** Read-only lookup (no learning). */
  find(tokens: string[], glue: boolean[]): Template | undefined {
    const text = templateText(tokens, glue);
    const t = this.byText.get(text) ?? this.aliases.get(text);
    if (t !== undefined && !t.dead) return t;
    if (t !== undefined) {
      const r = resolveTemplate(t);
      if (!r.dead) return r;
    }
    const g = this.scan(tokens, glue);
    if (g !== undefined) return g;
    const sp = this.spanPartner(tokens, glue);
    return sp !== undefined && sp.template.tokens.length - sp.prefix - sp.suffix === 1 && sp.template.tokens[sp.prefix] === WILDCARD ? sp.template : undefined;
  }

  /** Find or create the template of a masked line and count it. */
  observe(tokens: string[], glue: boolean[], timeMs: number): MatchOutcome {
    const text = templateText(tokens, glue);
    let t = this.byText.get(text);
    if (t === undefined) {
      const a = this.aliases.get(text);
      if (a !== undefined) {
        const r = resolveTemplate(a);
        if (r.dead) this.aliases.delete(text);
        else {
          t = r;
          if (r !== a) this.aliases.set(text, r);
        }
      }
    }
    if (t === undefined) {
      t = this.scan(tokens, glue);
      if (t !== undefined) this.remember(text, t);
    }
    if (t !== undefined) {
      this.count(t, timeMs);
      return { template: t, created: false, mergedIds: undefined };
    }
    const sp = this.spanPartner(tokens, glue);
    if (sp !== undefined) return this.joinSpan(sp, text, timeMs);
    const created = newTemplate(tokens, glue, false, timeMs);
    this.insert(created);
    this.count(created, timeMs);
    const g = this.tryGeneralise(created, timeMs);
    if (g !== undefined) {
      this.remember(text, g.template);
      return { template: g.template, created: false, mergedIds: g.mergedIds, survivorCreated: g.survivorCreated };
    }
    this.evictOverflow();
    return { template: created, created: true, mergedIds: undefined };
  }

  private count(t: Template, timeMs: number): void {
    t.count++;
    if (timeMs > t.lastSeenMs) t.lastSeenMs = timeMs;
    if (timeMs < t.firstSeenMs) t.firstSeenMs = timeMs;
    if (this.lastTouched !== t) {
      // LRU: move to the most recent end.
      this.byText.delete(t.text);
      this.byText.set(t.text, t);
      this.lastTouched = t;
    }
  }

  /**
   * The general template with this text, made general (and live) if it exists, created if not:
   * the survivor that a generalisation merges into.
   */
  private generalTemplate(tokens: string[], glue: boolean[], text: string, timeMs: number): { target: Template; created: boolean } {
    const existing = this.byText.get(text);
    if (existing === undefined || existing.dead) {
      const target = newTemplate(tokens, glue, true, timeMs);
      this.insert(target);
      return { target, created: true };
    }
    if (!existing.general) {
      this.remove(existing);
      existing.dead = false;
      existing.general = true;
      this.insert(existing);
    }
    return { target: existing, created: false };
  }

  private remember(text: string, t: Template): void {
    this.aliases.delete(text);
    this.aliases.set(text, t);
    if (this.aliases.size > this.maxAliases) {
      const oldest = this.aliases.keys().next().value as string;
      this.aliases.delete(oldest);
    }
  }

  private scan(tokens: readonly string[], glue: readonly boolean[]): Template | undefined {
    const list = this.generalByLength.get(tokens.length);
    if (list === undefined) return undefined;
    for (let i = 0; i < list.length; i++) if (matchesGeneral(list[i], tokens, glue)) return list[i];
    return undefined;
  }

  /**
   * Length-tolerant matching (on a miss only): the live template that is this line except for one
   * variable slot holding a value of another shape, the one with the most context words.
   */
  private spanPartner(tokens: readonly string[], glue: readonly boolean[]): SpanPartner | undefined {
    const maxSpan = this.maxSpanTokens;
    if (maxSpan === 0) return undefined;
    const n = tokens.length;
    let best: SpanPartner | undefined;
    let bestContext = -1;
    // Same length: the slot is one position p, found through the "all but p" index in O(words).
    const allLiterals = literalWords(tokens, 0, n);
    for (let p = 0; p < n; p++) {
      const x = tokens[p];
      if (isDelimiterToken(x)) continue;
      const context = allLiterals - (x === WILDCARD ? 0 : 1);
      if (context < this.minContextWords || context <= bestContext) continue;
      const fam = this.families.get(this.familyKey(tokens, p));
      if (fam === undefined) continue;
      for (const t of fam) {
        const y = t.tokens[p];
        if (t.dead || y === x || (y !== WILDCARD && x !== WILDCARD) || isDelimiterToken(y) || !sameExcept(t, tokens, glue, p)) continue;
        best = { template: t, prefix: p, suffix: n - p - 1 };
        bestContext = context;
        break;
      }
    }
    // Other lengths: a scan over the templates up to maxSpanTokens - 1 tokens shorter or longer.
    for (let m = Math.max(1, n - maxSpan + 1); m <= n + maxSpan - 1; m++) {
      if (m === n) continue;
      const list = this.byLength.get(m);
      if (list === undefined) continue;
      const lim = Math.min(n, m);
      for (let k = 0; k < list.length; k++) {
        const t = list[k];
        const tt = t.tokens;
        const tg = t.glue;
        let i = 0;
        while (i < lim && tt[i] === tokens[i] && tg[i] === glue[i]) i++;
        // One line extends the other (`rhost=<*>` and `rhost=<*> user=root`): optional words
        // make another event, not a slot of another shape.
        if (i === lim) continue;
        let j = 0;
        while (j < lim - i && tt[m - 1 - j] === tokens[n - 1 - j] && tg[m - 1 - j] === glue[n - 1 - j]) j++;
        const xl = m - i - j;
        const yl = n - i - j;
        if (xl < 1 || yl < 1 || (xl !== 1 && yl !== 1)) continue;
        // One side is one token; it or the other side must be a recognised variable.
        const single = xl === 1 ? tt[i] : tokens[i];
        const evidence = single === WILDCARD || (xl === 1 ? hasWildcard(tokens, i, n - j) : hasWildcard(tt, i, m - j));
        if (!evidence) continue;
        if (!wordyBalanced(tt, i, m - j) || !wordyBalanced(tokens, i, n - j)) continue;
        const context = literalWords(tokens, 0, i) + literalWords(tokens, n - j, n);
        if (context < this.minContextWords || context <= bestContext) continue;
        best = { template: t, prefix: i, suffix: j };
        bestContext = context;
      }
    }
    return best;
  }

  /** The line joins its span partner; when the partner's slot is not yet a wildcard it becomes one. */
  private joinSpan(sp: SpanPartner, text: string, timeMs: number): MatchOutcome {
    const t = sp.template;
    const m = t.tokens.length;
    if (m - sp.prefix - sp.suffix === 1 && t.tokens[sp.prefix] === WILDCARD) {
      this.remember(text, t);
      this.count(t, timeMs);
      return { template: t, created: false, mergedIds: undefined };
    }
    const tokens = [...t.tokens.slice(0, sp.prefix), WILDCARD, ...t.tokens.slice(m - sp.suffix)];
    const glue = [...t.glue.slice(0, sp.prefix), t.glue[sp.prefix], ...t.glue.slice(m - sp.suffix)];
    const gText = templateText(tokens, glue);
    const { target, created: survivorCreated } = this.generalTemplate(tokens, glue, gText, timeMs);
    this.absorb(target, t);
    this.remember(t.text, target);
    this.remember(text, target);
    const mergedIds = [t.id];
    this.absorbMatching(target, mergedIds);
    this.count(target, timeMs);
    this.evictOverflow();
    return { template: target, created: false, mergedIds, survivorCreated };
  }

  private familyKey(tokens: readonly string[], p: number): number {
    return hashStrings32(tokens, p, tokens.length * 0x9e3779b1);
  }

  private insert(t: Template): void {
    this.byText.set(t.text, t);
    this.lastTouched = t;
    const same = this.byLength.get(t.tokens.length);
    if (same === undefined) this.byLength.set(t.tokens.length, [t]);
    else same.push(t);
    for (const p of wordPositions(t.tokens)) {
      const k = this.familyKey(t.tokens, p);
      const fam = this.families.get(k);
      if (fam === undefined) this.families.set(k, [t]);
      else fam.push(t);
    }
    if (t.general) {
      const list = this.generalByLength.get(t.tokens.length);
      if (list === undefined) this.generalByLength.set(t.tokens.length, [t]);
      else list.push(t);
    }
  }

  private remove(t: Template): void {
    t.dead = true;
    this.byText.delete(t.text);
    if (this.lastTouched === t) this.lastTouched = undefined;
    const same = this.byLength.get(t.tokens.length);
    if (same !== undefined) {
      const i = same.indexOf(t);
      if (i >= 0) same.splice(i, 1);
      if (same.length === 0) this.byLength.delete(t.tokens.length);
    }
    for (const p of wordPositions(t.tokens)) {
      const k = this.familyKey(t.tokens, p);
      const fam = this.families.get(k);
      if (fam === undefined) continue;
      const i = fam.indexOf(t);
      if (i >= 0) fam.splice(i, 1);
      if (fam.length === 0) this.families.delete(k);
    }
    if (t.general) {
      const list = this.generalByLength.get(t.tokens.length);
      if (list !== undefined) {
        const i = list.indexOf(t);
        if (i >= 0) list.splice(i, 1);
        if (list.length === 0) this.generalByLength.delete(t.tokens.length);
      }
    }
  }

  /**
   * When `generaliseAfterValues` templates (this one included) differ only at one word position,
   * replace them by one template with a wildcard there; merge into an existing template whose
   * text is the same.
   */
  private tryGeneralise(t: Template, timeMs: number): { template: Template; mergedIds: string[]; survivorCreated: boolean } | undefined {
    // A slot is only a parameter when enough constant words around it fix the event: a one- or
    // two-word line (`cancelAutohide`, `closeQs`) is its own event, whatever varies.
    let literals = 0;
    for (const x of t.tokens) if (x !== WILDCARD && !isDelimiterToken(x)) literals++;
    if (literals - 1 < this.minContextWords) return undefined;
    for (const p of wordPositions(t.tokens)) {
      const fam = this.families.get(this.familyKey(t.tokens, p));
      if (fam === undefined || fam.length < this.generaliseAfterValues) continue;
      const members: Template[] = [];
      for (const m of fam) if (!m.dead && sameExcept(m, t.tokens, t.glue, p)) members.push(m);
      if (members.length < this.generaliseAfterValues) continue;
      const tokens = t.tokens.slice();
      tokens[p] = WILDCARD;
      const glue = t.glue.slice();
      const text = templateText(tokens, glue);
      const { target, created: survivorCreated } = this.generalTemplate(tokens, glue, text, timeMs);
      const mergedIds: string[] = [];
      for (const m of members) {
        if (m === target) continue;
        this.absorb(target, m);
        // The template created by this very line was never reported: not an alias to announce.
        if (m !== t) mergedIds.push(m.id);
      }
      this.absorbMatching(target, mergedIds);
      this.byText.delete(target.text);
      this.byText.set(target.text, target);
      this.lastTouched = target;
      this.evictOverflow();
      return { template: target, mergedIds, survivorCreated };
    }
    return undefined;
  }

  /**
   * A template that just became general also takes the live templates it now matches (lines that
   * arrived before it differed from it in more than one slot): they would otherwise keep
   * attracting their exact lines.
   */
  private absorbMatching(g: Template, mergedIds: string[]): void {
    const same = this.byLength.get(g.tokens.length);
    if (same === undefined) return;
    for (const t of same.slice()) {
      if (t === g || t.dead || !matchesGeneral(g, t.tokens, t.glue)) continue;
      this.absorb(g, t);
      this.remember(t.text, g);
      mergedIds.push(t.id);
    }
  }

  private absorb(into: Template, m: Template): void {
    this.remove(m);
    m.mergedInto = into;
    into.count += m.count;
    if (m.firstSeenMs < into.firstSeenMs) into.firstSeenMs = m.firstSeenMs;
    if (m.lastSeenMs > into.lastSeenMs) into.lastSeenMs = m.lastSeenMs;
  }

  private evictOverflow(): void {
    while (this.byText.size > this.maxTemplates) {
      const oldest = this.byText.values().next().value as Template;
      this.remove(oldest);
      this.evicted++;
    }
  }

  toJSON(): TemplateSetJSON {
    const templates: TemplateSetJSON['templates'] = [];
    for (const t of this.byText.values()) {
      templates.push({
        tokens: t.tokens,
        glue: t.glue.map((g) => (g ? '1' : '0')).join(''),
        count: t.count,
        firstSeenMs: t.firstSeenMs,
        lastSeenMs: t.lastSeenMs,
        general: t.general,
      });
    }
    return { templates, evicted: this.evicted };
  }

  static fromJSON(json: TemplateSetJSON, options: TemplateSetOptions): TemplateSet {
    const set = new TemplateSet(options);
    for (const j of json.templates) {
      const glue = Array.from(j.glue, (c) => c === '1');
      const t = newTemplate(j.tokens.slice(), glue, j.general, j.firstSeenMs);
      t.count = j.count;
      t.lastSeenMs = j.lastSeenMs;
      set.insert(t);
    }
    set.evicted = json.evicted;
    set.evictOverflow();
    return set;
  }
}
