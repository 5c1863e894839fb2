// APFD, Average Percentage of Faults Detected (Rothermel et al., TSE 2001), in the per-execution
// form the RETECS studies use: for n executions of which m fail, with TF_i the 1-based position
// of the i-th failing execution in the order, APFD = 1 − ΣTF_i/(n·m) + 1/(2n).

/** APFD of one ordered cycle (true = that execution failed); null when n = 0 or m = 0. */
export function apfd(failedInOrder: readonly boolean[]): number | null {
  const n = failedInOrder.length;
  let m = 0;
  let tf = 0;
  for (let i = 0; i < n; i++) {
    if (failedInOrder[i]) {
      m++;
      tf += i + 1;
    }
  }
  if (n === 0 || m === 0) return null;
  return 1 - tf / (n * m) + 1 / (2 * n);
}

/**
 * Mean APFD over cycles, counting only cycles with at least `minExecutions` executions and one
 * failure (the published per-cycle protocol uses n ≥ 6, m ≥ 1).
 */
export function meanApfd(cycles: ReadonlyArray<readonly boolean[]>, minExecutions = 6): { mean: number; cycles: number } {
  let sum = 0;
  let k = 0;
  for (const c of cycles) {
    if (c.length < minExecutions) continue;
    const a = apfd(c);
    if (a === null) continue;
    sum += a;
    k++;
  }
  return { mean: k === 0 ? Number.NaN : sum / k, cycles: k };
}
