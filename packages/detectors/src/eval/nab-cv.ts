/**
 * Leave-one-group-out cross-validation of the scorer's selection procedure (pure, no I/O).
 *
 * The selection procedure is the project's own: among a small grid of candidate configurations
 * (TUNING_GRID, the few constants that a procedure chooses), take the one with the best NAB
 * standard score at its own alert threshold on the files it may look at; ties go to the earlier
 * candidate (the grid lists the shipped default first). In fold k the procedure looks only at
 * the files outside group k, and group k is then scored with what it chose. `evaluate` is the
 * only way the procedure sees data, so a test can check that no fold ever looks at its own files.
 */
import { DEFAULT_SCORER_CONFIG, resolveScorerConfig } from '../config.js';
import type { DefaultScorerConfig, DefaultScorerConfigInput } from '../config.js';
import { DefaultScorer } from '../default-scorer.js';

/** One fold: the held-out group, the candidate chosen without it and its training score. */
export interface FoldChoice {
  heldOut: string;
  /** Indices (into the file list) of the held-out files. */
  files: number[];
  chosen: number;
  trainScore: number;
}

export interface CrossValidation {
  folds: FoldChoice[];
  /** Selection with every file visible (the in-sample choice). */
  inSample: { chosen: number; score: number };
}

/** Best candidate on `files` by `evaluate`; ties keep the earlier candidate. */
export function selectCandidate(candidates: number, files: number[], evaluate: (candidate: number, files: number[]) => number): { chosen: number; score: number } {
  let chosen = 0;
  let score = -Infinity;
  for (let c = 0; c < candidates; c++) {
    const s = evaluate(c, files);
    if (s > score) {
      score = s;
      chosen = c;
    }
  }
  return { chosen, score };
}

/**
 * Leave-one-group-out: for each distinct group (in sorted order), selection on every other file,
 * then the held-out files get the chosen candidate. Groups are e.g. NAB categories.
 */
export function leaveOneGroupOut(groups: string[], candidates: number, evaluate: (candidate: number, files: number[]) => number): CrossValidation {
  if (candidates < 1) throw new Error('leaveOneGroupOut: at least one candidate is needed');
  const names = [...new Set(groups)].sort();
  if (names.length < 2) throw new Error(`leaveOneGroupOut: at least two groups are needed, got ${JSON.stringify(names)}`);
  const all = groups.map((_, i) => i);
  const folds = names.map((heldOut) => {
    const train = all.filter((i) => groups[i] !== heldOut);
    const files = all.filter((i) => groups[i] === heldOut);
    const { chosen, score } = selectCandidate(candidates, train, evaluate);
    return { heldOut, files, chosen, trainScore: score };
  });
  return { folds, inSample: selectCandidate(candidates, all, evaluate) };
}

/**
 * The constants that the selection procedure chooses, with their grids. Everything else in
 * DefaultScorerConfig is fixed by a principle (packages/detectors/README.md, "Constants").
 * The shipped value of each is the in-sample choice on the development half (the eval checks it).
 */
export type GridValue = number | string | boolean;
export type Grid = Readonly<Record<string, readonly GridValue[]>>;

export const TUNING_GRID: Grid = Object.freeze({
  residual: Object.freeze(['likelihood', 'off']),
  'refractory.periodMinutes': Object.freeze([150, 300, 600, 1200]),
  'novelty.floor': Object.freeze([0.2, 0.3, 0.4]),
  'range.tolerance': Object.freeze([0.02, 0.05, 0.1]),
});

/** A named candidate configuration. */
export interface Candidate {
  name: string;
  config: Readonly<DefaultScorerConfig>;
}

function setPath(input: Record<string, Record<string, GridValue> | GridValue>, path: string, v: GridValue): void {
  const [a, b] = path.split('.');
  if (b === undefined) input[a] = v;
  else {
    const section = input[a];
    input[a] = { ...(typeof section === 'object' ? section : {}), [b]: v };
  }
}

function getPath(c: Readonly<DefaultScorerConfig>, path: string): GridValue {
  const [a, b] = path.split('.');
  const v = (c as unknown as Record<string, unknown>)[a];
  return (b === undefined ? v : (v as Record<string, unknown>)[b]) as GridValue;
}

/**
 * Every combination of TUNING_GRID over `base` (default: DEFAULT_SCORER_CONFIG), the base's own
 * values first, so that ties keep the shipped configuration.
 */
export function gridCandidates(base: DefaultScorerConfigInput = {}, grid: Grid = TUNING_GRID): Candidate[] {
  const baseCfg = resolveScorerConfig(base);
  const keys = Object.keys(grid);
  // Each axis: the base value first, then the others in grid order.
  const axes = keys.map((k) => {
    const v0 = getPath(baseCfg, k);
    return [v0, ...grid[k].filter((v) => v !== v0)];
  });
  const out: Candidate[] = [];
  const idx = new Array<number>(keys.length).fill(0);
  for (;;) {
    const input = JSON.parse(JSON.stringify(base)) as Record<string, Record<string, GridValue> | GridValue>;
    keys.forEach((k, j) => setPath(input, k, axes[j][idx[j]]));
    out.push({ name: keys.map((k, j) => `${k}=${axes[j][idx[j]]}`).join(' '), config: resolveScorerConfig(input) });
    let j = keys.length - 1;
    while (j >= 0 && ++idx[j] === axes[j].length) idx[j--] = 0;
    if (j < 0) break;
  }
  return out;
}

/** The tuned constants of a configuration, as `key=value` pairs. */
export function tunedValues(c: Readonly<DefaultScorerConfig>, grid: Grid = TUNING_GRID): Record<string, GridValue> {
  return Object.fromEntries(Object.keys(grid).map((k) => [k, getPath(c, k)]));
}

/** True when two configurations are equal in every field. */
export function sameConfig(a: Readonly<DefaultScorerConfig>, b: Readonly<DefaultScorerConfig> = DEFAULT_SCORER_CONFIG): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Scores one series strictly online with a fresh scorer: row i sees rows 0..i only. */
export function scoreSeries(config: Readonly<DefaultScorerConfig>, tsMs: ArrayLike<number>, values: ArrayLike<number>): Float64Array {
  const scorer = new DefaultScorer(config);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = scorer.update(tsMs[i], values[i]).score;
  return out;
}
