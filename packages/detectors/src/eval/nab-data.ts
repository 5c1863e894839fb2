/**
 * Reading a NAB corpus as upstream publishes it (github.com/numenta/NAB): `data/<category>/*.csv`
 * (`timestamp,value`), `labels/combined_windows.json`, `config/profiles.json` (optional). A plain
 * checkout keeps a README file inside `data/` and may hold `results/` beside it: only folders of
 * `data/` are categories and only their `.csv` files are series; everything else is ignored.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NAB_PROFILES } from './nab-score.js';
import type { CostMatrix } from './nab-score.js';

/** One labelled NAB series, held in memory. */
export interface NabSeries {
  category: string;
  file: string;
  /** `category/file.csv`, the key of the labels file. */
  rel: string;
  /** Timestamps as written (for the result files) and as UTC milliseconds. */
  timestamps: string[];
  tsMs: Float64Array;
  /** Values as written (for the result files) and parsed. */
  rawValues: string[];
  values: Float64Array;
  /** Anomaly windows as row index ranges [start, end]. */
  windows: Array<[number, number]>;
}

export interface NabCorpus {
  series: NabSeries[];
  profiles: Record<string, CostMatrix>;
}

/** "YYYY-MM-DD HH:MM:SS[.ffffff]" as UTC milliseconds (NAB timestamps carry no zone). */
export function parseNabTimestamp(ts: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?/.exec(ts.trim());
  if (m === null) throw new Error(`bad timestamp ${JSON.stringify(ts)}`);
  const frac = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) + Math.round(frac);
}

const normTs = (t: string): string => t.trim().replace(/\.0+$/, '');

/** Category folders of `data/` and their `.csv` files, sorted; README and other files skipped. */
export function listNabFiles(dataDir: string): Array<{ category: string; file: string }> {
  const root = join(dataDir, 'data');
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`${root}: not a folder (expected a NAB checkout with data/<category>/<file>.csv)`);
  const out: Array<{ category: string; file: string }> = [];
  for (const category of readdirSync(root).sort()) {
    if (category.startsWith('.') || !statSync(join(root, category)).isDirectory()) continue;
    for (const file of readdirSync(join(root, category)).sort()) {
      if (file.endsWith('.csv') && statSync(join(root, category, file)).isFile()) out.push({ category, file });
    }
  }
  if (out.length === 0) throw new Error(`${root}: no data/<category>/<file>.csv series found`);
  return out;
}

/** Reads the cost profiles (NAB's config/profiles.json) or falls back to NAB v1.1's three. */
function readNabProfiles(dataDir: string): Record<string, CostMatrix> {
  const path = join(dataDir, 'config', 'profiles.json');
  if (!existsSync(path)) return { ...NAB_PROFILES };
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, { CostMatrix?: CostMatrix }>;
  const out: Record<string, CostMatrix> = {};
  for (const [name, p] of Object.entries(raw)) {
    const cm = p.CostMatrix;
    if (cm === undefined || ![cm.tpWeight, cm.fnWeight, cm.fpWeight].every((x) => typeof x === 'number')) throw new Error(`${path}: profile ${JSON.stringify(name)} has no CostMatrix with tpWeight/fnWeight/fpWeight`);
    out[name] = { tpWeight: cm.tpWeight, fnWeight: cm.fnWeight, fpWeight: cm.fpWeight };
  }
  return out;
}

/** Reads every series with its windows. */
export function readNabCorpus(dataDir: string): NabCorpus {
  const labelsPath = join(dataDir, 'labels', 'combined_windows.json');
  if (!existsSync(labelsPath)) throw new Error(`${labelsPath}: missing (expected a NAB checkout with labels/combined_windows.json)`);
  const labels = JSON.parse(readFileSync(labelsPath, 'utf8')) as Record<string, Array<[string, string]>>;
  const series: NabSeries[] = [];
  for (const { category, file } of listNabFiles(dataDir)) {
    const rel = `${category}/${file}`;
    const lines = readFileSync(join(dataDir, 'data', category, file), 'utf8').split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.length > 0);
    const body = lines.slice(1);
    const timestamps = body.map((l) => l.slice(0, l.indexOf(',')));
    const rawValues = body.map((l) => l.slice(l.indexOf(',') + 1));
    const values = Float64Array.from(rawValues, Number);
    const tsMs = Float64Array.from(timestamps, parseNabTimestamp);
    const index = new Map(timestamps.map((t, i) => [normTs(t), i]));
    const windows: Array<[number, number]> = (labels[rel] ?? []).map(([a, b]) => {
      const l = index.get(normTs(a));
      const r = index.get(normTs(b));
      if (l === undefined || r === undefined) throw new Error(`${rel}: window ${a}..${b} not on a row`);
      return [l, r];
    });
    series.push({ category, file, rel, timestamps, tsMs, rawValues, values, windows });
  }
  return { series, profiles: readNabProfiles(dataDir) };
}
