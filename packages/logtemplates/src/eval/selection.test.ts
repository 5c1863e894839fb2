import { describe, expect, it } from 'vitest';
import { DEFAULT_MINER_OPTIONS } from '../options.js';
import { MINER_GRID, SELECTION_TIE_GA, gridConfigs, leaveOneDatasetOut, selectConfig } from './selection.js';

describe('selection procedure and leave-one-dataset-out', () => {
  it('never chooses a fold\'s configuration with the fold itself', () => {
    // Configuration 1 is best on dataset 2 only (by far); configuration 0 on every other dataset.
    const scores = [
      [0.9, 0.9, 0.4, 0.9],
      [0.5, 0.5, 1.0, 0.5],
    ];
    const cv = leaveOneDatasetOut(scores, 4);
    // Dataset 2 left out: chosen on 0, 1, 3 → configuration 0, so its out-of-fold score is 0.4,
    // although configuration 1 would have scored 1.0 there.
    expect(cv.folds[2]).toEqual({ heldOut: 2, chosen: 0, score: 0.4 });
    expect(cv.folds.map((f) => f.chosen)).toEqual([0, 0, 0, 0]);
    expect(cv.meanOutOfFold).toBeCloseTo((0.9 + 0.9 + 0.4 + 0.9) / 4, 12);
    expect(cv.minOutOfFold).toBe(0.4);
    // In-sample: the procedure on all four still picks 0 (mean 0.775 vs 0.625).
    expect(cv.chosenOnAll).toBe(0);
    expect(cv.gap).toBeCloseTo(0, 12);
  });

  it('the out-of-fold choice changes when a fold carries the decision', () => {
    // Configuration 1 wins overall only thanks to dataset 0: without it, configuration 0 wins.
    const scores = [
      [0.2, 0.8, 0.8],
      [1.0, 0.7, 0.7],
    ];
    const cv = leaveOneDatasetOut(scores, 3);
    expect(cv.chosenOnAll).toBe(1);
    expect(cv.folds[0].chosen).toBe(0);
    expect(cv.folds[0].score).toBe(0.2);
    expect(cv.folds[1].chosen).toBe(1);
    expect(cv.meanInSample).toBeCloseTo(0.8, 12);
    expect(cv.meanOutOfFold).toBeCloseTo((0.2 + 0.7 + 0.7) / 3, 12);
    expect(cv.gap).toBeCloseTo(0.8 - 1.6 / 3, 12);
  });

  it('treats differences below the tie margin as ties and keeps the earlier configuration', () => {
    const scores = [[0.95], [0.95 + SELECTION_TIE_GA / 2], [0.95 + 2 * SELECTION_TIE_GA]];
    expect(selectConfig(scores.slice(0, 2), [0])).toBe(0);
    expect(selectConfig(scores, [0])).toBe(2);
    expect(() => selectConfig([[Number.NaN]], [0])).toThrow(/NaN/);
    expect(() => leaveOneDatasetOut([[1]], 1)).toThrow(/at least 2/);
  });

  it('the grid is the cross product of its axes and holds the shipped default', () => {
    const configs = gridConfigs();
    expect(configs.length).toBe(MINER_GRID.generaliseAfterValues.length * MINER_GRID.minContextWords.length * MINER_GRID.maxSpanTokens.length * MINER_GRID.maskQualifiedNames.length);
    const d = DEFAULT_MINER_OPTIONS;
    expect(configs.some((c) => c.generaliseAfterValues === d.generaliseAfterValues && c.minContextWords === d.minContextWords && c.maxSpanTokens === d.maxSpanTokens && c.maskQualifiedNames === d.maskQualifiedNames)).toBe(true);
  });
});
