// Splitting tests across K parallel workers by expected duration: greedy
// longest-processing-time-first (Graham 1969): sort jobs by duration, longest first, and give
// each to the currently least-loaded worker. Makespan ≤ (4/3 − 1/(3K))·optimal, and always
// ≤ total/K + longest job. Cost O(n log n + n log K) with a binary heap of workers.

export interface SplitItem {
  durationMs: number;
}

export interface Bin<T> {
  worker: number;
  totalDurationMs: number;
  items: T[];
}

/** Returns K bins (some may be empty); items keep their relative input order inside a bin. */
export function splitLongestFirst<T extends SplitItem>(items: readonly T[], workers: number): Array<Bin<T>> {
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers=${String(workers)} must be a positive integer`);
  const order = items.map((_, i) => i).sort((a, b) => items[b].durationMs - items[a].durationMs || a - b);
  const load = new Array<number>(workers).fill(0);
  const assigned: number[][] = Array.from({ length: workers }, () => []);
  // Min-heap of worker ids keyed by (load, id) so ties go to the lowest worker id.
  const heap = Array.from({ length: workers }, (_, i) => i);
  const less = (a: number, b: number): boolean => load[a] < load[b] || (load[a] === load[b] && a < b);
  const siftDown = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l], heap[m])) m = l;
      if (r < heap.length && less(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (const idx of order) {
    const w = heap[0];
    assigned[w].push(idx);
    load[w] += Math.max(0, items[idx].durationMs);
    siftDown(0);
  }
  return assigned.map((idxs, worker) => ({
    worker,
    totalDurationMs: load[worker],
    items: idxs.sort((a, b) => a - b).map((i) => items[i]),
  }));
}
