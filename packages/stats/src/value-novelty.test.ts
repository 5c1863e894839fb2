import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StatsConfigError, ValueNovelty } from './index.js';

// Reference from fixtures/make-value-novelty-fixture.py (plain Python from the documented
// definition), never from this code.
const F = JSON.parse(readFileSync(new URL('./fixtures/value-novelty-fixture.json', import.meta.url), 'utf8')) as {
  calibrationPoints: number;
  values: number[];
  scores: number[];
};

describe('ValueNovelty', () => {
  it('matches the Python reference at every point', () => {
    const v = new ValueNovelty({ calibrationPoints: F.calibrationPoints });
    F.values.forEach((x, i) => expect(v.update(x)).toBeCloseTo(F.scores[i], 12));
  });
  it('a far value is novel once per side; the reference marks the planted ones', () => {
    // The planted 60 and 80 (rows 300, 320) both lie beyond the tracked cells of the finest
    // resolutions, so the second shares the first's edge cell there and scores lower.
    expect(F.scores[300]).toBeGreaterThan(0.4);
    expect(F.scores[320]).toBeLessThan(F.scores[300]);
    expect(F.scores[360]).toBeGreaterThan(0.4);
  });
  it('a flat calibration still yields a grid (any change is novel)', () => {
    const v = new ValueNovelty({ calibrationPoints: 10 });
    const first: number[] = [];
    for (let i = 0; i < 500; i++) first.push(v.update(3));
    expect(first.filter((s) => s > 0).length).toBe(1); // only the first binned value opens a cell
    expect(v.update(3.001)).toBeGreaterThan(0.9);
  });
  it('JSON round trip restores exactly', () => {
    const a = new ValueNovelty({ calibrationPoints: F.calibrationPoints });
    for (let i = 0; i < 200; i++) a.update(F.values[i]);
    const b = ValueNovelty.fromJSON(JSON.parse(JSON.stringify(a)));
    for (let i = 200; i < F.values.length; i++) expect(b.update(F.values[i])).toBe(a.update(F.values[i]));
  });
  it('rejects bad options and corrupt state, quoting key and value', () => {
    expect(() => new ValueNovelty({ bins: 48 })).toThrow(/bins=48/);
    expect(() => new ValueNovelty({ resolutions: [] })).toThrow(StatsConfigError);
    expect(() => new ValueNovelty({ foo: 1 } as never)).toThrow(/ValueNovelty\.foo=1: unknown key/);
    const s = JSON.parse(JSON.stringify(new ValueNovelty())) as Record<string, unknown>;
    expect(() => ValueNovelty.fromJSON({ ...s, bits: 'zz' })).toThrow(/ValueNovelty\.bits/);
  });
});
