/**
 * Label-preserving transformations of a labelled series, and a seeded generator of NAB-shaped
 * labelled series: the robustness suite (robustness.test.ts) and `eval:nab --robustness` use
 * them to check that the default scorer's detections are a property of the series' shape, not of
 * its units, offset, noise floor, sampling or gaps. Pure; randomness comes from a seeded
 * Mulberry32.
 */
import { Mulberry32 } from '@vigil/stats';

/** A labelled series: timestamps (ms), values, anomaly windows as row ranges [start, end]. */
export interface LabelledSeries {
  name: string;
  tsMs: Float64Array;
  values: Float64Array;
  windows: Array<[number, number]>;
}

export interface Transform {
  name: string;
  apply(s: LabelledSeries, seed: number): LabelledSeries;
}

function span(v: Float64Array): { lo: number; hi: number; range: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return { lo, hi, range: hi - lo > 0 ? hi - lo : 1 };
}

/** Keeps or repeats rows (`count[i]` copies of row i) and moves each window onto the rows kept. */
function resample(s: LabelledSeries, count: Uint8Array, suffix: string): LabelledSeries {
  const newIndex = new Int32Array(s.values.length + 1);
  let n = 0;
  for (let i = 0; i < count.length; i++) {
    newIndex[i] = n;
    n += count[i];
  }
  newIndex[count.length] = n;
  const tsMs = new Float64Array(n);
  const values = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < count.length; i++)
    for (let c = 0; c < count[i]; c++) {
      tsMs[k] = s.tsMs[i];
      values[k++] = s.values[i];
    }
  const windows: Array<[number, number]> = [];
  for (const [l, r] of s.windows) {
    const a = newIndex[l];
    const b = newIndex[r + 1] - 1;
    if (b >= a) windows.push([a, b]);
  }
  return { name: `${s.name}${suffix}`, tsMs, values, windows };
}

export const scaleBy = (factor: number): Transform => ({
  name: `scale x${factor}`,
  apply: (s) => ({ ...s, name: `${s.name}*${factor}`, values: s.values.map((x) => x * factor) }),
});

/** Adds `ranges` times the series' range (a shift far from zero). */
export const offsetBy = (ranges: number): Transform => ({
  name: `offset +${ranges}x range`,
  apply: (s) => {
    const { range } = span(s.values);
    return { ...s, name: `${s.name}+off`, values: s.values.map((x) => x + ranges * range) };
  },
});

/** Gaussian noise with standard deviation `fraction` of the series' range. */
export const addNoise = (fraction: number): Transform => ({
  name: `noise ${Math.round(fraction * 100)}% of range`,
  apply: (s, seed) => {
    const r = new Mulberry32(seed);
    const sd = fraction * span(s.values).range;
    return { ...s, name: `${s.name}~${fraction}`, values: s.values.map((x) => x + sd * r.nextGaussian()) };
  },
});

/** Drops each row with probability `fraction` (windows keep their remaining rows). */
export const dropPoints = (fraction: number): Transform => ({
  name: `missing ${Math.round(fraction * 100)}% of points`,
  apply: (s, seed) => {
    const r = new Mulberry32(seed);
    const count = Uint8Array.from(s.values, () => (r.next() < fraction ? 0 : 1));
    return resample(s, count, `-${fraction}`);
  },
});

/** Each row repeated (same timestamp, same value) with probability `fraction`. */
export const duplicateTimestamps = (fraction: number): Transform => ({
  name: `duplicated timestamps ${Math.round(fraction * 100)}%`,
  apply: (s, seed) => {
    const r = new Mulberry32(seed);
    const count = Uint8Array.from(s.values, () => (r.next() < fraction ? 2 : 1));
    return resample(s, count, `+dup${fraction}`);
  },
});

/** Rows whose timestamps fall inside each original window (windows are time intervals). */
function windowsByTime(s: LabelledSeries, tsMs: Float64Array): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [l, r] of s.windows) {
    const a = tsMs.findIndex((t) => t >= s.tsMs[l]);
    let b = -1;
    for (let i = tsMs.length - 1; i >= 0; i--)
      if (tsMs[i] <= s.tsMs[r]) {
        b = i;
        break;
      }
    if (a >= 0 && b >= a) out.push([a, b]);
  }
  return out;
}

/**
 * The same process sampled at `factor` times the interval: factor k ≥ 2 keeps every k-th row
 * (coarser sampling); factor 1/k inserts k − 1 linearly interpolated rows between neighbours
 * (finer sampling). Windows stay the same time intervals (NAB labels are times), so the rows
 * an anomaly spans change with the interval while its duration does not.
 */
export const resampleInterval = (factor: number): Transform => ({
  name: `sampling interval x${factor}`,
  apply: (s) => {
    const n = s.values.length;
    let tsMs: Float64Array;
    let values: Float64Array;
    if (factor >= 1) {
      const k = Math.round(factor);
      const m = Math.ceil(n / k);
      tsMs = new Float64Array(m);
      values = new Float64Array(m);
      for (let i = 0; i < m; i++) {
        tsMs[i] = s.tsMs[i * k];
        values[i] = s.values[i * k];
      }
    } else {
      const k = Math.round(1 / factor);
      const m = (n - 1) * k + 1;
      tsMs = new Float64Array(m);
      values = new Float64Array(m);
      for (let i = 0; i < n - 1; i++)
        for (let j = 0; j < k; j++) {
          tsMs[i * k + j] = s.tsMs[i] + Math.round(((s.tsMs[i + 1] - s.tsMs[i]) * j) / k);
          values[i * k + j] = s.values[i] + ((s.values[i + 1] - s.values[i]) * j) / k;
        }
      tsMs[m - 1] = s.tsMs[n - 1];
      values[m - 1] = s.values[n - 1];
    }
    return { name: `${s.name}@${factor}`, tsMs, values, windows: windowsByTime(s, tsMs) };
  },
});

/** The suite, in the order the eval prints it. */
export const ROBUSTNESS_TRANSFORMS: readonly Transform[] = Object.freeze([
  scaleBy(1e-3),
  scaleBy(1e4),
  offsetBy(100),
  addNoise(0.01),
  addNoise(0.05),
  dropPoints(0.1),
  resampleInterval(0.5),
  resampleInterval(2),
  duplicateTimestamps(0.1),
]);

/**
 * A NAB-shaped labelled series: 5-minute samples, a daily cycle on a level with Gaussian noise,
 * and anomalies of NAB's kinds (a short spike, a level shift, a flat stretch, a burst of variance) after
 * the first 15 %. Windows follow NAB's rule: total width 10 % of the series shared among the
 * anomalies, centred on each.
 */
export function nabShapedSeries(seed: number, n = 4000): LabelledSeries {
  const r = new Mulberry32(seed);
  const level = 10 + 90 * r.next();
  const amp = level * (0.05 + 0.3 * r.next());
  const noise = level * (0.01 + 0.04 * r.next());
  const t0 = Date.UTC(2024, 0, 1) + Math.floor(r.next() * 288) * 300_000;
  const tsMs = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    tsMs[i] = t0 + i * 300_000;
    values[i] = level + amp * Math.sin((2 * Math.PI * i) / 288) + noise * r.nextGaussian();
  }
  const kinds = 1 + Math.floor(r.next() * 3);
  const half = Math.floor((0.1 * n) / kinds / 2);
  const windows: Array<[number, number]> = [];
  const slot = Math.floor((0.8 * n) / kinds);
  for (let k = 0; k < kinds; k++) {
    const at = Math.floor(0.18 * n + k * slot + r.next() * (slot - 2 * half));
    const kind = Math.floor(r.next() * 4);
    if (kind === 0) {
      // A spike lasting 3 samples (15 minutes), so that sampling at twice the interval still sees it.
      const jump = (4 + 4 * r.next()) * (amp + 3 * noise) * (r.next() < 0.5 ? -1 : 1);
      for (let i = at; i < Math.min(n, at + 3); i++) values[i] += jump;
    }
    else if (kind === 1) for (let i = at; i < Math.min(n, at + half); i++) values[i] += 3 * (amp + noise);
    else if (kind === 2) for (let i = at; i < Math.min(n, at + half); i++) values[i] = values[at - 1];
    else for (let i = at; i < Math.min(n, at + half); i++) values[i] += 8 * noise * r.nextGaussian();
    windows.push([Math.max(0, at - half), Math.min(n - 1, at + half)]);
  }
  return { name: `synthetic-${seed}`, tsMs, values, windows };
}
