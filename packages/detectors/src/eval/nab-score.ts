/**
 * NAB v1.1 scoring (Lavin & Ahmad, "Evaluating real-time anomaly detection algorithms — the
 * Numenta Anomaly Benchmark", ICMLA 2015; rules as summarised in the eval README), written for
 * Vigil. Pure: the caller reads the files.
 *
 * - Probation: the first min(⌊0.15·n⌋, 750) rows of a file are not scored.
 * - A row at or above the threshold is a detection. In a window [l, r] (width w = r − l + 1)
 *   only the earliest detection counts: tpWeight·σ̃(−(r − i + 1)/w)/σ̃(−1), σ̃(y) = 2/(1+e^{5y}) − 1
 *   (σ̃(y) = −1 for y > 3). A window without detection costs −fnWeight.
 * - A detection outside every window costs fpWeight·σ̃(|i − r_prev|/(w_prev − 1)) after a window,
 *   −fpWeight before the first one.
 * - Normalised: 100·(S − S_null)/(S_perfect − S_null), S_null = −fnWeight·windows,
 *   S_perfect = tpWeight·windows. The swept threshold is the best over every distinct score.
 */
export interface CostMatrix {
  tpWeight: number;
  fnWeight: number;
  fpWeight: number;
}

export const NAB_PROFILES: Readonly<Record<string, CostMatrix>> = Object.freeze({
  standard: { tpWeight: 1, fnWeight: 1, fpWeight: 0.11 },
  reward_low_FP_rate: { tpWeight: 1, fnWeight: 1, fpWeight: 0.22 },
  reward_low_FN_rate: { tpWeight: 1, fnWeight: 2, fpWeight: 0.11 },
});

/** One scored file: anomaly scores and the row index ranges [start, end] of its windows. */
export interface NabFile {
  name: string;
  scores: ArrayLike<number>;
  windows: Array<[number, number]>;
}

function scaledSigmoid(y: number): number {
  if (y > 3) return -1;
  return 2 / (1 + Math.exp(5 * y)) - 1;
}

/** A scored row: its score, its weight if detected, and its window (−1 none, −2 probation). */
interface Row {
  score: number;
  weight: number;
  window: number;
}

function rowsOf(files: NabFile[], cm: CostMatrix): { rows: Row[]; windows: number } {
  const rows: Row[] = [];
  const maxTp = scaledSigmoid(-1);
  let windowId = 0;
  for (const f of files) {
    const n = f.scores.length;
    const probation = Math.min(Math.floor(0.15 * n), 750);
    const wins = [...f.windows].sort((a, b) => a[0] - b[0]);
    let w = 0;
    let prevEnd = -1;
    let prevWidth = 0;
    for (let i = 0; i < n; i++) {
      while (w < wins.length && wins[w][1] < i) {
        prevEnd = wins[w][1];
        prevWidth = wins[w][1] - wins[w][0] + 1;
        w++;
      }
      const inWin = w < wins.length && i >= wins[w][0] && i <= wins[w][1];
      let weight: number;
      if (inWin) {
        const [l, r] = wins[w];
        weight = (cm.tpWeight * scaledSigmoid(-(r - i + 1) / (r - l + 1))) / maxTp;
      } else if (prevEnd < 0) weight = -cm.fpWeight;
      else weight = cm.fpWeight * scaledSigmoid(Math.abs(i - prevEnd) / (prevWidth - 1));
      const window = i < probation ? -2 : inWin ? windowId + w : -1;
      rows.push({ score: f.scores[i], weight, window });
    }
    windowId += wins.length;
  }
  return { rows, windows: windowId };
}

export interface NabResult {
  /** Normalised score, 0 = never fires, 100 = perfect. */
  score: number;
  threshold: number;
  tp: number;
  fp: number;
  fn: number;
}

/** Scores `files` at a fixed threshold (a row with score ≥ threshold is a detection). */
export function nabScoreAt(files: NabFile[], cm: CostMatrix, threshold: number): NabResult {
  const { rows, windows } = rowsOf(files, cm);
  const best = new Map<number, number>();
  let fpSum = 0;
  let fp = 0;
  for (const r of rows) {
    if (r.window === -2 || !(r.score >= threshold)) continue;
    if (r.window === -1) {
      fpSum += r.weight;
      fp++;
    } else if (!best.has(r.window) || r.weight > (best.get(r.window) as number)) best.set(r.window, r.weight);
  }
  const scored = new Set(rows.filter((r) => r.window >= 0).map((r) => r.window));
  let raw = fpSum;
  for (const id of scored) raw += best.has(id) ? (best.get(id) as number) : -cm.fnWeight;
  return { score: normalise(raw, cm, windows), threshold, tp: best.size, fp, fn: scored.size - best.size };
}

/** Sweeps every distinct score as threshold and returns the best. */
export function nabScoreSwept(files: NabFile[], cm: CostMatrix): NabResult {
  const { rows, windows } = rowsOf(files, cm);
  const live = rows.filter((r) => r.window !== -2).sort((a, b) => b.score - a.score);
  const winBest = new Map<number, number>();
  for (const r of live) if (r.window >= 0) winBest.set(r.window, -cm.fnWeight);
  const nScored = winBest.size;
  let winSum = -cm.fnWeight * nScored;
  let fpSum = 0;
  let fp = 0;
  let tp = 0;
  // Threshold above every score: nothing detected.
  let best: NabResult = { score: winSum, threshold: Infinity, tp: 0, fp: 0, fn: nScored };
  let i = 0;
  while (i < live.length) {
    const thr = live[i].score;
    // Admit every row with this exact score, then evaluate.
    while (i < live.length && live[i].score === thr) {
      const r = live[i];
      if (r.window === -1) {
        fpSum += r.weight;
        fp++;
      } else {
        const old = winBest.get(r.window) as number;
        if (old === -cm.fnWeight && r.weight >= old) tp++;
        if (r.weight > old) {
          winSum += r.weight - old;
          winBest.set(r.window, r.weight);
        }
      }
      i++;
    }
    const total = fpSum + winSum;
    if (total > best.score) best = { score: total, threshold: thr, tp, fp, fn: nScored - tp };
  }
  return { ...best, score: normalise(best.score, cm, windows) };
}

function normalise(raw: number, cm: CostMatrix, windows: number): number {
  const nul = -cm.fnWeight * windows;
  const perfect = cm.tpWeight * windows;
  return (100 * (raw - nul)) / (perfect - nul);
}
