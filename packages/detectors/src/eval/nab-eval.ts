/**
 * NAB evaluation of the default scorer, strictly online.
 *   node packages/detectors/dist/eval/nab-eval.js --data NAB_DIR --out OUT_DIR [--reference score.mjs]
 * NAB_DIR holds data/<category>/<file>.csv, labels/combined_windows.json and (optionally)
 * config/profiles.json. Every series is scored by a fresh DEFAULT scorer (DEFAULT_SCORER_CONFIG,
 * the pipeline's configuration), row by row, each row seeing only itself and earlier rows.
 * Writes OUT_DIR/vigil/<category>/vigil_<file>.csv (timestamp,value,anomaly_score,label) and
 * prints the NAB score per profile, swept and at DEFAULT_ALERT_THRESHOLD, computed by
 * ./nab-score.ts. With --reference, also runs the given reference scorer on the written results
 * and prints its figures beside ours. The last line is one JSON object with every figure.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_ALERT_THRESHOLD, DEFAULT_SCORER_CONFIG } from '../config.js';
import { DefaultScorer } from '../default-scorer.js';
import { NAB_PROFILES, nabScoreAt, nabScoreSwept } from './nab-score.js';
import type { CostMatrix, NabFile } from './nab-score.js';

const DETECTOR = 'vigil';

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
      out[a.slice(2)] = v;
      i++;
    }
  }
  return out;
}

/** "YYYY-MM-DD HH:MM:SS[.ffffff]" as UTC milliseconds (NAB timestamps carry no zone). */
export function parseNabTimestamp(ts: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?/.exec(ts.trim());
  if (m === null) throw new Error(`bad timestamp ${JSON.stringify(ts)}`);
  const frac = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) + Math.round(frac);
}

const normTs = (t: string): string => t.trim().replace(/\.0+$/, '');

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const data = args.data;
  const outDir = args.out;
  if (data === undefined || outDir === undefined) {
    console.error('usage: nab-eval --data NAB_DIR --out OUT_DIR [--reference score.mjs]');
    process.exit(2);
  }
  const labels = JSON.parse(readFileSync(join(data, 'labels', 'combined_windows.json'), 'utf8')) as Record<string, Array<[string, string]>>;
  const profilesPath = join(data, 'config', 'profiles.json');
  const profiles: Record<string, CostMatrix> = existsSync(profilesPath)
    ? Object.fromEntries(
        Object.entries(JSON.parse(readFileSync(profilesPath, 'utf8')) as Record<string, { CostMatrix: CostMatrix }>).map(([k, v]) => [k, v.CostMatrix]),
      )
    : { ...NAB_PROFILES };

  const files: NabFile[] = [];
  const perFile: Array<{ file: string; rows: number; windows: number; alarms: number; hits: number }> = [];
  let rowsTotal = 0;
  const t0 = process.hrtime.bigint();
  for (const category of readdirSync(join(data, 'data')).sort()) {
    const dir = join(data, 'data', category);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.csv')).sort()) {
      const rel = `${category}/${file}`;
      const lines = readFileSync(join(dir, file), 'utf8').trim().split('\n').slice(1);
      const ts = lines.map((l) => l.slice(0, l.indexOf(',')));
      const values = lines.map((l) => Number(l.slice(l.indexOf(',') + 1)));
      const index = new Map(ts.map((t, i) => [normTs(t), i]));
      const windows: Array<[number, number]> = (labels[rel] ?? []).map(([a, b]) => {
        const l = index.get(normTs(a));
        const r = index.get(normTs(b));
        if (l === undefined || r === undefined) throw new Error(`${rel}: window ${a}..${b} not on a row`);
        return [l, r];
      });
      // Strictly online: one fresh scorer, rows in order, each score computed before the next row is read.
      const scorer = new DefaultScorer(DEFAULT_SCORER_CONFIG);
      const scores = new Float64Array(values.length);
      let alarms = 0;
      for (let i = 0; i < values.length; i++) {
        const r = scorer.update(parseNabTimestamp(ts[i]), values[i]);
        scores[i] = r.score;
        if (r.alarm) alarms++;
      }
      const label = new Uint8Array(values.length);
      let hits = 0;
      for (const [l, r] of windows) {
        label.fill(1, l, r + 1);
        for (let i = l; i <= r; i++)
          if (scores[i] >= DEFAULT_ALERT_THRESHOLD) {
            hits++;
            break;
          }
      }
      const outCat = join(outDir, DETECTOR, category);
      mkdirSync(outCat, { recursive: true });
      const csv = ['timestamp,value,anomaly_score,label'];
      for (let i = 0; i < values.length; i++) csv.push(`${ts[i]},${lines[i].slice(lines[i].indexOf(',') + 1)},${scores[i]},${label[i]}`);
      writeFileSync(join(outCat, `${DETECTOR}_${file}`), csv.join('\n') + '\n');
      files.push({ name: rel, scores, windows });
      perFile.push({ file: rel, rows: values.length, windows: windows.length, alarms, hits });
      rowsTotal += values.length;
    }
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;

  console.log(`file                                                    rows  windows  hits@default  alarms@default`);
  for (const p of perFile) console.log(`${p.file.padEnd(55)} ${String(p.rows).padStart(6)} ${String(p.windows).padStart(8)} ${String(p.hits).padStart(13)} ${String(p.alarms).padStart(15)}`);

  const result: Record<string, number | string> = { files: files.length, rows: rowsTotal, default_threshold: DEFAULT_ALERT_THRESHOLD };
  console.log('');
  console.log(`profile               swept   thr        TP  FP   FN | default(thr=${DEFAULT_ALERT_THRESHOLD})   TP  FP   FN`);
  for (const [name, cm] of Object.entries(profiles)) {
    const s = nabScoreSwept(files, cm);
    const d = nabScoreAt(files, cm, DEFAULT_ALERT_THRESHOLD);
    console.log(
      `${name.padEnd(20)} ${s.score.toFixed(2).padStart(6)}   ${s.threshold.toFixed(4).padStart(7)} ${String(s.tp).padStart(4)} ${String(s.fp).padStart(3)} ${String(s.fn).padStart(4)} | ${d.score.toFixed(2).padStart(17)} ${String(d.tp).padStart(4)} ${String(d.fp).padStart(3)} ${String(d.fn).padStart(4)}`,
    );
    result[`${name}_swept`] = round2(s.score);
    result[`${name}_swept_threshold`] = s.threshold;
    result[`${name}_at_default`] = round2(d.score);
  }
  if (args.reference !== undefined) {
    const ref = spawnSync(process.execPath, [args.reference, '--nab', data, '--results', join(outDir, DETECTOR), '--detector', DETECTOR], { encoding: 'utf8' });
    if (ref.status !== 0) throw new Error(`reference scorer failed: ${ref.stderr}`);
    console.log('\nreference scorer:');
    process.stdout.write(ref.stdout);
    for (const line of ref.stdout.split('\n')) {
      const m = / (\S+) thr=\S+ score=(-?[\d.]+)/.exec(line);
      if (m !== null) {
        result[`${m[1]}_reference`] = Number(m[2]);
        const ours = result[`${m[1]}_swept`];
        if (typeof ours === 'number') result[`${m[1]}_reference_diff`] = round2(Math.abs(ours - Number(m[2])));
      }
    }
  }
  result.rows_per_s = Math.round(rowsTotal / seconds);
  console.log(JSON.stringify(result));
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

main();
