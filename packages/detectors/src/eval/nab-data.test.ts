import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listNabFiles, parseNabTimestamp, readNabCorpus } from './nab-data.js';

/** A NAB checkout in miniature, laid out as upstream publishes it. */
function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nab-layout-'));
  mkdirSync(join(dir, 'data', 'realX'), { recursive: true });
  mkdirSync(join(dir, 'data', 'artificialY'), { recursive: true });
  mkdirSync(join(dir, 'labels'), { recursive: true });
  mkdirSync(join(dir, 'config'), { recursive: true });
  mkdirSync(join(dir, 'results', 'numenta', 'realX'), { recursive: true });
  writeFileSync(join(dir, 'data', 'README.md'), '# NAB data\n');
  writeFileSync(join(dir, 'data', 'realX', 'notes.txt'), 'not a series\n');
  const rows = (n: number): string => ['timestamp,value', ...Array.from({ length: n }, (_, i) => `2014-04-01 ${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00,${i % 7}`)].join('\r\n') + '\r\n';
  writeFileSync(join(dir, 'data', 'realX', 'a.csv'), rows(120));
  writeFileSync(join(dir, 'data', 'artificialY', 'b.csv'), rows(90));
  writeFileSync(join(dir, 'results', 'numenta', 'realX', 'numenta_a.csv'), 'timestamp,value,anomaly_score,label\n');
  writeFileSync(join(dir, 'labels', 'combined_windows.json'), JSON.stringify({ 'realX/a.csv': [['2014-04-01 00:10:00.000000', '2014-04-01 00:20:00.000000']], 'artificialY/b.csv': [] }));
  // NAB's own profiles file carries tnWeight too.
  writeFileSync(join(dir, 'config', 'profiles.json'), JSON.stringify({ standard: { CostMatrix: { tpWeight: 1, fnWeight: 1, fpWeight: 0.11, tnWeight: 1 } } }));
  return dir;
}

describe('reading a NAB checkout', () => {
  const dir = checkout();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes only the category folders of data/ and their .csv files (README and results/ ignored)', () => {
    expect(listNabFiles(dir)).toEqual([
      { category: 'artificialY', file: 'b.csv' },
      { category: 'realX', file: 'a.csv' },
    ]);
  });
  it('reads series, CRLF lines, windows on rows and NAB profiles', () => {
    const { series, profiles } = readNabCorpus(dir);
    expect(series.map((s) => s.rel)).toEqual(['artificialY/b.csv', 'realX/a.csv']);
    const a = series[1];
    expect(a.values.length).toBe(120);
    expect(a.values[8]).toBe(1);
    expect(a.windows).toEqual([[10, 20]]);
    expect(a.tsMs[1] - a.tsMs[0]).toBe(60_000);
    expect(profiles).toEqual({ standard: { tpWeight: 1, fnWeight: 1, fpWeight: 0.11 } });
  });
  it('says what is missing', () => {
    const empty = mkdtempSync(join(tmpdir(), 'nab-empty-'));
    try {
      expect(() => readNabCorpus(empty)).toThrow(/labels[/\\]combined_windows\.json: missing/);
      expect(() => listNabFiles(empty)).toThrow(/data: not a folder/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
  it('parses NAB timestamps as UTC, with or without fractions', () => {
    expect(parseNabTimestamp('2014-04-01 00:10:00')).toBe(Date.UTC(2014, 3, 1, 0, 10));
    expect(parseNabTimestamp('2014-04-01 00:10:00.500000')).toBe(Date.UTC(2014, 3, 1, 0, 10) + 500);
    expect(() => parseNabTimestamp('yesterday')).toThrow(/bad timestamp/);
  });
});
