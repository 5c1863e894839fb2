import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NAB_PROFILES, nabScoreAt, nabScoreSwept } from './nab-score.js';
import type { NabFile } from './nab-score.js';

// Reference from ../fixtures/make-fixtures.py: an independent Python implementation of the rules.
interface NabFixtures {
  files: Array<{ scores: number[]; windows: Array<[number, number]> }>;
  /** profile → threshold → score */
  at: Record<string, Record<string, number>>;
  /** profile → best score over the swept threshold */
  swept: Record<string, number>;
}
const F = JSON.parse(readFileSync(new URL('../fixtures/nab-fixtures.json', import.meta.url), 'utf8')) as NabFixtures;
const files: NabFile[] = F.files.map((f, i) => ({ name: `f${i}`, scores: f.scores, windows: f.windows }));

describe('NAB scorer', () => {
  for (const profile of Object.keys(NAB_PROFILES)) {
    it(`${profile}: fixed thresholds match the Python reference within 1e-9`, () => {
      for (const [thr, ref] of Object.entries(F.at[profile])) {
        expect(Math.abs(nabScoreAt(files, NAB_PROFILES[profile], Number(thr)).score - ref)).toBeLessThan(1e-9);
      }
    });
    it(`${profile}: swept threshold matches the Python reference`, () => {
      expect(Math.abs(nabScoreSwept(files, NAB_PROFILES[profile]).score - F.swept[profile])).toBeLessThan(1e-9);
    });
  }
  it('a detector that never fires scores 0 and a perfect one 100', () => {
    const f: NabFile = { name: 'x', scores: new Array(1000).fill(0), windows: [[400, 499]] };
    expect(nabScoreAt([f], NAB_PROFILES.standard, 0.5).score).toBeCloseTo(0, 12);
    const perfect = new Array(1000).fill(0);
    perfect[400] = 1;
    expect(nabScoreAt([{ ...f, scores: perfect }], NAB_PROFILES.standard, 0.5).score).toBeCloseTo(100, 9);
  });
});
