import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_THRESHOLD, DEFAULT_SCORER_CONFIG } from './config.js';
import { nabScoreAt, NAB_PROFILES } from './eval/nab-score.js';
import type { NabResult } from './eval/nab-score.js';
import { scoreSeries } from './eval/nab-cv.js';
import { ROBUSTNESS_TRANSFORMS, addNoise, dropPoints, duplicateTimestamps, nabShapedSeries, offsetBy, resampleInterval, scaleBy } from './robustness.js';
import type { LabelledSeries, Transform } from './robustness.js';

// Self-generated NAB-shaped labelled series (seeded), so the suite needs no benchmark files.
const SERIES = Array.from({ length: 30 }, (_, i) => nabShapedSeries(i + 1));

function nab(series: LabelledSeries[]): NabResult {
  return nabScoreAt(
    series.map((s) => ({ name: s.name, scores: scoreSeries(DEFAULT_SCORER_CONFIG, s.tsMs, s.values), windows: s.windows })),
    NAB_PROFILES.standard,
    DEFAULT_ALERT_THRESHOLD,
  );
}
const transformed = (t: Transform, k: number): LabelledSeries[] => SERIES.map((s, i) => t.apply(s, 7919 * (k + 1) + i));

/**
 * Tolerances, in NAB standard points at the default alert threshold (one window ≈ 1.7 points on
 * this set of 30 series, one false positive ≈ 0.2):
 * - a change of unit or an offset carries no information: 0.5;
 * - sampling at half or twice the interval, 1 % noise, 10 % missing points, 10 % duplicated
 *   timestamps perturb without hiding any anomaly: 3 (about two windows' worth of early or late
 *   detections, or a dozen false positives);
 * - 5 % noise changes the signal-to-noise ratio of the anomalies themselves: 6.
 */
const CASES: Array<[Transform, number]> = [
  [scaleBy(1e-3), 0.5],
  [scaleBy(1e4), 0.5],
  [offsetBy(100), 0.5],
  [resampleInterval(0.5), 3],
  [resampleInterval(2), 3],
  [addNoise(0.01), 3],
  [dropPoints(0.1), 3],
  [duplicateTimestamps(0.1), 3],
  [addNoise(0.05), 6],
];

describe('robustness of the default scorer to label-preserving transformations', () => {
  const base = nab(SERIES);
  it('the untransformed run detects most windows (the suite is not vacuous)', () => {
    expect(base.score).toBeGreaterThan(50);
    expect(base.tp).toBeGreaterThan(base.fn);
  });
  it('covers every transformation the eval prints', () => {
    expect(CASES.map(([t]) => t.name).sort()).toEqual(ROBUSTNESS_TRANSFORMS.map((t) => t.name).sort());
  });
  CASES.forEach(([t, tol], k) => {
    it(`${t.name}: NAB standard within ${tol} of the untransformed run`, () => {
      const r = nab(transformed(t, k));
      expect(Math.abs(r.score - base.score)).toBeLessThanOrEqual(tol);
    });
  });
  it('a change of unit or offset leaves every alarm where it was', () => {
    const s = SERIES[0];
    const alarms = (v: Float64Array): number[] => Array.from(scoreSeries(DEFAULT_SCORER_CONFIG, s.tsMs, v)).flatMap((x, i) => (x >= DEFAULT_ALERT_THRESHOLD ? [i] : []));
    const a = alarms(s.values);
    expect(a.length).toBeGreaterThan(0);
    for (const t of [scaleBy(1e-3), scaleBy(1e4), offsetBy(100)]) expect(alarms(t.apply(s, 1).values)).toEqual(a);
  });
  it('transformations keep the labels on the rows they describe', () => {
    const s = SERIES[1];
    for (const t of [dropPoints(0.1), duplicateTimestamps(0.1), resampleInterval(2), resampleInterval(0.5)]) {
      const x = t.apply(s, 3);
      expect(x.windows.length).toBe(s.windows.length);
      x.windows.forEach(([l, r], j) => {
        // The window's first and last rows keep timestamps inside the original window.
        expect(x.tsMs[l]).toBeGreaterThanOrEqual(s.tsMs[s.windows[j][0]]);
        expect(x.tsMs[r]).toBeLessThanOrEqual(s.tsMs[s.windows[j][1]]);
      });
    }
  });
});
