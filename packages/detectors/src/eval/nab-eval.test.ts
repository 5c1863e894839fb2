import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nabShapedSeries } from '../robustness.js';
import { runNabEval } from './nab-eval.js';

const pad = (n: number): string => String(n).padStart(2, '0');
const nabTs = (ms: number): string => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
};

/** A NAB checkout of generated series: 3 categories × 2 files, with NAB's README in data/. */
function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nab-eval-'));
  mkdirSync(join(dir, 'labels'), { recursive: true });
  writeFileSync(join(dir, 'README.md'), 'NAB\n');
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, 'data', 'README.md'), 'data\n');
  const labels: Record<string, Array<[string, string]>> = {};
  let seed = 100;
  for (const category of ['catA', 'catB', 'catC']) {
    mkdirSync(join(dir, 'data', category));
    for (const file of ['one.csv', 'two.csv']) {
      const s = nabShapedSeries(seed++, 1500);
      const rows = Array.from(s.values, (v, i) => `${nabTs(s.tsMs[i])},${v}`);
      writeFileSync(join(dir, 'data', category, file), ['timestamp,value', ...rows].join('\n') + '\n');
      labels[`${category}/${file}`] = s.windows.map(([l, r]) => [`${nabTs(s.tsMs[l])}.000000`, `${nabTs(s.tsMs[r])}.000000`]);
    }
  }
  writeFileSync(join(dir, 'labels', 'combined_windows.json'), JSON.stringify(labels));
  return dir;
}

describe('eval:nab on a NAB checkout', () => {
  const dir = checkout();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints folds, out-of-fold, in-sample and gap, writes both result sets, last line JSON', () => {
    const lines: string[] = [];
    const result = runNabEval(['--data', dir, '--out', join(dir, 'out'), '--robustness'], (l) => lines.push(l));
    const last = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
    expect(last).toEqual(result);
    expect(last.files).toBe(6);
    expect(last.categories).toBe(3);
    for (const c of ['catA', 'catB', 'catC']) {
      expect(lines.some((l) => l.startsWith(c))).toBe(true);
      expect(typeof last[`fold_${c}_standard_at_default`]).toBe('number');
    }
    for (const k of ['cv_standard_oof_at_default', 'cv_standard_oof_swept', 'cv_standard_in_sample_at_default', 'cv_gap_at_default', 'standard_at_default', 'standard_swept', 'robustness_scale_x0_001_delta_at_default']) {
      expect(typeof last[k]).toBe('number');
    }
    expect(last.cv_gap_at_default).toBeCloseTo((last.cv_standard_in_sample_at_default as number) - (last.cv_standard_oof_at_default as number), 1);
    for (const det of ['vigil', 'vigil_cv']) {
      const f = join(dir, 'out', det, 'catA', `${det}_one.csv`);
      expect(existsSync(f)).toBe(true);
      const rows = readFileSync(f, 'utf8').trim().split('\n');
      expect(rows[0]).toBe('timestamp,value,anomaly_score,label');
      expect(rows.length).toBe(1501);
    }
  });
  it('refuses unknown options with the list of known ones', () => {
    expect(() => runNabEval(['--data', dir, '--out', join(dir, 'o'), '--folds', '3'])).toThrow(/unknown option --folds/);
  });
});
