// The project's selection procedure for the miner's tunable constants, and leave-one-dataset-out
// cross-validation of that procedure. Pure: the caller supplies GA per (configuration, dataset).
//
// Procedure: a small grid over the constants no principle fixes; the configuration with the
// highest mean GA over the training datasets wins, ties (SELECTION_TIE_GA) going to the earlier
// grid entry (the grid lists every axis from the most conservative value up: more evidence before
// generalising, more context, shorter spans).
// Cross-validation: for each dataset, the procedure runs on the other datasets only and the
// left-out dataset is scored with what it chose, so no configuration is ever chosen with the
// dataset that judges it.

import type { MinerOptions } from '../options.js';

/** The constants the procedure chooses (everything else is fixed by a principle, see README). */
export type TunedOptions = Pick<MinerOptions, 'generaliseAfterValues' | 'minContextWords' | 'maxSpanTokens' | 'maskQualifiedNames'>;

/** Grid axes, most conservative value first. */
export const MINER_GRID: { readonly [K in keyof TunedOptions]: ReadonlyArray<TunedOptions[K]> } = Object.freeze({
  generaliseAfterValues: [5, 4, 3, 2],
  minContextWords: [3, 2, 1],
  maxSpanTokens: [0, 1, 2, 4, 8],
  maskQualifiedNames: [false, true],
});

/** Every grid point, in grid order. */
export function gridConfigs(grid = MINER_GRID): TunedOptions[] {
  const out: TunedOptions[] = [];
  for (const generaliseAfterValues of grid.generaliseAfterValues) {
    for (const minContextWords of grid.minContextWords) {
      for (const maxSpanTokens of grid.maxSpanTokens) {
        for (const maskQualifiedNames of grid.maskQualifiedNames) out.push({ generaliseAfterValues, minContextWords, maxSpanTokens, maskQualifiedNames });
      }
    }
  }
  return out;
}

export function describeConfig(c: TunedOptions): string {
  return `after=${c.generaliseAfterValues} ctx=${c.minContextWords} span=${c.maxSpanTokens} qnames=${c.maskQualifiedNames ? 'y' : 'n'}`;
}

/**
 * Differences of mean GA below this are ties: GA moves in steps of one line in 2,000 (0.0005)
 * per dataset, and a difference of one or two lines per dataset is below what Loghub-2k's hand
 * labels resolve (their published corrections change more lines than that). Among tied
 * configurations the earliest in grid order, i.e. the most conservative, wins (parsimony, as in
 * the one-standard-error rule).
 */
export const SELECTION_TIE_GA = 0.001;

/**
 * The procedure: index of the configuration with the highest mean score over `train` (dataset
 * indices), ties (within SELECTION_TIE_GA) keeping the earliest configuration.
 * `scores[c][d]` = GA of configuration c on dataset d.
 */
export function selectConfig(scores: ReadonlyArray<ReadonlyArray<number>>, train: readonly number[]): number {
  if (train.length === 0) throw new Error('selectConfig: no training datasets');
  if (scores.length === 0) throw new Error('selectConfig: no configurations');
  const means = scores.map((row, c) => {
    let s = 0;
    for (const d of train) {
      const v = row[d];
      if (!Number.isFinite(v)) throw new Error(`selectConfig: score of configuration ${c} on dataset ${d} is ${v}`);
      s += v;
    }
    return s / train.length;
  });
  const best = Math.max(...means);
  return means.findIndex((m) => m >= best - SELECTION_TIE_GA);
}

export interface Fold {
  /** The left-out dataset (index). */
  heldOut: number;
  /** Configuration chosen on the other datasets. */
  chosen: number;
  /** Score of the left-out dataset under the chosen configuration. */
  score: number;
}

export interface CrossValidation {
  folds: Fold[];
  /** Mean of the out-of-fold scores: the headline figure. */
  meanOutOfFold: number;
  minOutOfFold: number;
  /** Configuration the procedure chooses on every dataset (the shipped default). */
  chosenOnAll: number;
  /** Mean score of chosenOnAll over every dataset (in-sample). */
  meanInSample: number;
  /** In-sample minus out-of-fold. */
  gap: number;
}

/** Leave-one-dataset-out cross-validation of selectConfig over `datasets` dataset columns. */
export function leaveOneDatasetOut(scores: ReadonlyArray<ReadonlyArray<number>>, datasets: number): CrossValidation {
  if (datasets < 2) throw new Error('leaveOneDatasetOut: needs at least 2 datasets');
  const all = Array.from({ length: datasets }, (_, d) => d);
  const folds: Fold[] = all.map((heldOut) => {
    const chosen = selectConfig(scores, all.filter((d) => d !== heldOut));
    return { heldOut, chosen, score: scores[chosen][heldOut] };
  });
  const meanOutOfFold = folds.reduce((s, f) => s + f.score, 0) / datasets;
  const chosenOnAll = selectConfig(scores, all);
  const meanInSample = all.reduce((s, d) => s + scores[chosenOnAll][d], 0) / datasets;
  return {
    folds,
    meanOutOfFold,
    minOutOfFold: Math.min(...folds.map((f) => f.score)),
    chosenOnAll,
    meanInSample,
    gap: meanInSample - meanOutOfFold,
  };
}
