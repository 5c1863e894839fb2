// Miner configuration: one place for the defaults, unknown keys rejected, messages quote key and value.
// There is ONE default configuration for every log source (no per-source regexes or thresholds).

export interface MinerOptions {
  /** Tumbling window for per-template counts, in ms of event time. */
  windowMs: number;
  /** A window closes when the largest event time seen passes its end by this much. */
  allowedLatenessMs: number;
  /** Templates kept per service; past it the least recently seen template is evicted. */
  maxTemplatesPerService: number;
  /** Services tracked; lines of further services are counted and dropped. */
  maxServices: number;
  /**
   * A word position becomes a variable when this many templates differ only there (distinct
   * values seen at one position with everything else equal). Three or more distinct words in one
   * slot with an identical context is the signature of a parameter, while pairs (`true`/`false`,
   * `begin`/`end`) are usually distinct events.
   */
  generaliseAfterValues: number;
  /**
   * Constant words (besides the varying slot) a template needs before one of its slots may
   * generalise or absorb a value of another shape: a one- or two-word line is its own event,
   * whatever varies. Chosen by the leave-one-dataset-out selection (see the README).
   */
  minContextWords: number;
  /**
   * Length-tolerant matching: a variable slot absorbs a value of another shape spanning up to
   * this many tokens (`LOCAL(0)` where an address stands, a word where a number stands, a
   * bracketed value). 0 turns the rule off. Chosen by the leave-one-dataset-out selection.
   */
  maxSpanTokens: number;
  /**
   * Quoted text holding spaces (`"disk is full"`, `'a b c'`) is one variable. Chosen by the
   * leave-one-dataset-out selection.
   */
  maskQuotedText: boolean;
  /**
   * Qualified names (three or more dotted labels: `com.tencent.mm`, `org.apache.x.Job`) are
   * variables. Chosen by the leave-one-dataset-out selection.
   */
  maskQualifiedNames: boolean;
  /** Tokens read per line; the rest of a longer line is one trailing variable. */
  maxTokensPerLine: number;
  /** Cached line-shape → template lookups per service (a bounded LRU). */
  maxAliasesPerService: number;
  /** A new template counts as "after deploy" when it appears within this long of a deployment. */
  newTemplateAfterDeployMs: number;
}

export const DEFAULT_MINER_OPTIONS: Readonly<MinerOptions> = Object.freeze({
  windowMs: 10_000,
  allowedLatenessMs: 5_000,
  maxTemplatesPerService: 2_000,
  maxServices: 10_000,
  generaliseAfterValues: 4,
  minContextWords: 3,
  maxSpanTokens: 1,
  maskQuotedText: true,
  maskQualifiedNames: false,
  maxTokensPerLine: 128,
  maxAliasesPerService: 8_000,
  newTemplateAfterDeployMs: 3_600_000,
});

const POSITIVE_INTEGER_KEYS: ReadonlyArray<keyof MinerOptions> = [
  'windowMs',
  'maxTemplatesPerService',
  'maxServices',
  'generaliseAfterValues',
  'maxTokensPerLine',
  'maxAliasesPerService',
];

/** Fill defaults, reject unknown keys, validate; the result is frozen. */
export function resolveMinerOptions(input: Partial<MinerOptions> = {}): Readonly<MinerOptions> {
  for (const key of Object.keys(input)) {
    if (!(key in DEFAULT_MINER_OPTIONS)) throw new Error(`logtemplates: unknown option "${key}"`);
  }
  const o: MinerOptions = { ...DEFAULT_MINER_OPTIONS, ...input };
  for (const key of POSITIVE_INTEGER_KEYS) {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`logtemplates: "${key}" must be a positive integer, got ${JSON.stringify(v)}`);
  }
  if (!Number.isInteger(o.minContextWords) || o.minContextWords < 0) {
    throw new Error(`logtemplates: "minContextWords" must be an integer >= 0, got ${JSON.stringify(o.minContextWords)}`);
  }
  if (!Number.isInteger(o.maxSpanTokens) || o.maxSpanTokens < 0 || o.maxSpanTokens > 32) {
    throw new Error(`logtemplates: "maxSpanTokens" must be an integer in [0, 32], got ${JSON.stringify(o.maxSpanTokens)}`);
  }
  for (const key of ['maskQuotedText', 'maskQualifiedNames'] as const) {
    if (typeof o[key] !== 'boolean') throw new Error(`logtemplates: "${key}" must be a boolean, got ${JSON.stringify(o[key])}`);
  }
  for (const key of ['allowedLatenessMs', 'newTemplateAfterDeployMs'] as const) {
    const v = o[key];
    if (!Number.isFinite(v) || v < 0) throw new Error(`logtemplates: "${key}" must be a finite number >= 0, got ${JSON.stringify(v)}`);
  }
  if (o.generaliseAfterValues < 2) {
    throw new Error(`logtemplates: "generaliseAfterValues" must be >= 2, got ${o.generaliseAfterValues}`);
  }
  return Object.freeze(o);
}
