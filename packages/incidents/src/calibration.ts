// Calibration of the "show a similar past incident" cut: the least similarity at which the top
// match is shown at all. Below it the answer is "nothing similar" rather than a weak guess.
//
// Samples are alerts replayed through the index with their top score and whether a true past
// match existed (and was ranked first). A cut c shows the top match when score ≥ c. For a cut:
//   spurious rate  = shown / all, over alerts with NO true past match (nothing to find);
//   precision at 1 = right / shown, over alerts WITH a true past match;
//   coverage       = right and shown / all, over alerts with a true past match.
// `chooseCut` returns the smallest cut that meets both targets on the samples it is given (the
// smallest keeps the most right answers), or the cut with the lowest spurious rate if none does.
// It is meant to run inside a cross-validation (fit on some histories, score on held-out ones):
// the figure to report is the held-out one (see eval/incidents-eval.ts). Pure; O(n log n).

export interface CutSample {
  /** Top-1 similarity (0 when nothing shares a feature). */
  score: number;
  /** A past incident of the same cause existed when the alert was asked about. */
  hasMatch: boolean;
  /** The top-1 suggestion was of the same cause (only meaningful when hasMatch). */
  correct: boolean;
}

export interface CutTargets {
  /** Highest acceptable spurious rate (e.g. 0.2). */
  maxSpurious: number;
  /** Lowest acceptable precision at 1 (e.g. 0.85). */
  minPrecision: number;
}

export interface CutFigures {
  cut: number;
  spuriousRate: number;
  precisionAt1: number;
  coverage: number;
  noMatch: number;
  withMatch: number;
}

/** The figures of one cut on some samples. */
export function scoreCut(samples: readonly CutSample[], cut: number): CutFigures {
  let noMatch = 0, spurious = 0, withMatch = 0, shown = 0, right = 0;
  for (const s of samples) {
    const show = s.score > 0 && s.score >= cut;
    if (!s.hasMatch) {
      noMatch++;
      if (show) spurious++;
    } else {
      withMatch++;
      if (show) {
        shown++;
        if (s.correct) right++;
      }
    }
  }
  return {
    cut, spuriousRate: noMatch ? spurious / noMatch : 0, precisionAt1: shown ? right / shown : 1,
    coverage: withMatch ? right / withMatch : 0, noMatch, withMatch,
  };
}

/** The smallest cut (among the observed top scores) meeting both targets. */
export function chooseCut(samples: readonly CutSample[], targets: CutTargets): CutFigures & { met: boolean } {
  if (!(targets.maxSpurious >= 0 && targets.maxSpurious <= 1)) throw new Error(`maxSpurious must be in [0, 1], got ${targets.maxSpurious}`);
  if (!(targets.minPrecision >= 0 && targets.minPrecision <= 1)) throw new Error(`minPrecision must be in [0, 1], got ${targets.minPrecision}`);
  // Candidate cuts: the observed scores themselves (a cut between two observed scores behaves
  // like the upper one), ascending.
  const grid = [...new Set(samples.map((s) => s.score))].filter((c) => c > 0).sort((a, b) => a - b);
  let best: CutFigures | undefined;
  for (const c of grid) {
    const f = scoreCut(samples, c);
    if (f.spuriousRate <= targets.maxSpurious && f.precisionAt1 >= targets.minPrecision) return { ...f, met: true };
    if (!best || f.spuriousRate < best.spuriousRate) best = f;
  }
  return { ...(best ?? scoreCut(samples, 1)), met: false };
}
