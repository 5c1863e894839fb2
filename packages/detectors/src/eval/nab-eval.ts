/**
 * NAB evaluation of the default scorer, strictly online, with cross-validation as the headline.
 *   npm run eval:nab -- --data NAB_DIR --out OUT_DIR [--reference score.mjs] [--ablation] [--robustness]
 * NAB_DIR is a NAB checkout as published (data/<category>/<file>.csv beside data/README.md,
 * labels/combined_windows.json, config/profiles.json optional; see ./nab-data.ts).
 *
 * 1. Leave-one-category-out: for each category, the selection procedure (./nab-cv.ts: the best
 *    of TUNING_GRID by NAB standard at the alert threshold) runs on the other categories only and
 *    the category is scored with its choice. The out-of-fold figure pools the out-of-fold score
 *    files of all folds and scores them together, at DEFAULT_ALERT_THRESHOLD and swept.
 * 2. In-sample: the same selection on every file, and the gap to the out-of-fold figure.
 * 3. Full half: DEFAULT_SCORER_CONFIG (the pipeline's configuration) on every file, which writes
 *    OUT_DIR/vigil/<category>/vigil_<file>.csv (NAB's results/ layout:
 *    timestamp,value,anomaly_score,label); the pooled out-of-fold scores go to OUT_DIR/vigil_cv/.
 * --reference runs the given reference scorer on both and prints the difference to ours.
 * --ablation: the cross-validation again with each component removed (out-of-fold table).
 * --robustness: the full half again under label-preserving transformations (../robustness.ts).
 * The last line is one JSON object with every figure.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_ALERT_THRESHOLD, DEFAULT_SCORER_CONFIG } from '../config.js';
import type { DefaultScorerConfigInput } from '../config.js';
import { ROBUSTNESS_TRANSFORMS } from '../robustness.js';
import { TUNING_GRID, gridCandidates, leaveOneGroupOut, sameConfig, scoreSeries, tunedValues } from './nab-cv.js';
import type { Candidate, CrossValidation, Grid, GridValue } from './nab-cv.js';
import { readNabCorpus } from './nab-data.js';
import type { NabSeries } from './nab-data.js';
import { NAB_PROFILES, nabScoreAt, nabScoreSwept } from './nab-score.js';
import type { CostMatrix, NabFile, NabResult } from './nab-score.js';

const FLAGS = new Set(['ablation', 'robustness']);

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${JSON.stringify(a)}`);
    const k = a.slice(2);
    if (FLAGS.has(k)) {
      out[k] = 'true';
      continue;
    }
    if (!['data', 'out', 'reference'].includes(k)) throw new Error(`unknown option ${a} (known: --data --out --reference --ablation --robustness)`);
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
    out[k] = v;
    i++;
  }
  return out;
}

const STANDARD: CostMatrix = NAB_PROFILES.standard;
const r2 = (x: number): number => Math.round(x * 100) / 100;
const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

interface CvRun {
  candidates: Candidate[];
  cv: CrossValidation;
  /** Pooled out-of-fold files (each category scored with its fold's choice). */
  oof: NabFile[];
  oofAt: NabResult;
  oofSwept: NabResult;
  inSampleAt: NabResult;
  inSampleSwept: NabResult;
  foldAt: NabResult[];
}

/** Scores every candidate on every file once, then runs the folds on the stored scores. */
function crossValidate(series: NabSeries[], base: DefaultScorerConfigInput, grid: Grid): CvRun {
  const candidates = gridCandidates(base, grid);
  const scores = candidates.map((c) => series.map((s) => scoreSeries(c.config, s.tsMs, s.values)));
  const filesOf = (c: number, idx: number[]): NabFile[] => idx.map((i) => ({ name: series[i].rel, scores: scores[c][i], windows: series[i].windows }));
  const evaluate = (c: number, idx: number[]): number => nabScoreAt(filesOf(c, idx), STANDARD, candidates[c].config.alertThreshold).score;
  const cv = leaveOneGroupOut(
    series.map((s) => s.category),
    candidates.length,
    evaluate,
  );
  const oof: NabFile[] = [];
  const foldAt: NabResult[] = [];
  for (const f of cv.folds) {
    const files = filesOf(f.chosen, f.files);
    oof.push(...files);
    foldAt.push(nabScoreAt(files, STANDARD, candidates[f.chosen].config.alertThreshold));
  }
  // Keep the file order of the corpus.
  oof.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const all = series.map((_, i) => i);
  const inFiles = filesOf(cv.inSample.chosen, all);
  return {
    candidates,
    cv,
    oof,
    oofAt: nabScoreAt(oof, STANDARD, DEFAULT_ALERT_THRESHOLD),
    oofSwept: nabScoreSwept(oof, STANDARD),
    inSampleAt: nabScoreAt(inFiles, STANDARD, DEFAULT_ALERT_THRESHOLD),
    inSampleSwept: nabScoreSwept(inFiles, STANDARD),
    foldAt,
  };
}

function writeResults(outDir: string, detector: string, series: NabSeries[], scores: Map<string, ArrayLike<number>>): void {
  for (const s of series) {
    const sc = scores.get(s.rel);
    if (sc === undefined) throw new Error(`no scores for ${s.rel}`);
    const label = new Uint8Array(s.values.length);
    for (const [l, r] of s.windows) label.fill(1, l, r + 1);
    const dir = join(outDir, detector, s.category);
    mkdirSync(dir, { recursive: true });
    const csv = ['timestamp,value,anomaly_score,label'];
    for (let i = 0; i < s.values.length; i++) csv.push(`${s.timestamps[i]},${s.rawValues[i]},${sc[i]},${label[i]}`);
    writeFileSync(join(dir, `${detector}_${s.file}`), csv.join('\n') + '\n');
  }
}

function runReference(reference: string, data: string, outDir: string, detector: string, log: (line: string) => void): Record<string, number> {
  const ref = spawnSync(process.execPath, [reference, '--nab', data, '--results', join(outDir, detector), '--detector', detector], { encoding: 'utf8' });
  if (ref.status !== 0) throw new Error(`reference scorer ${reference} failed: ${ref.stderr}`);
  for (const line of ref.stdout.trimEnd().split('\n')) log(line);
  const out: Record<string, number> = {};
  for (const line of ref.stdout.split('\n')) {
    const m = / (\S+) thr=\S+ score=(-?[\d.]+)/.exec(line);
    if (m !== null) out[m[1]] = Number(m[2]);
  }
  return out;
}

/**
 * Runs the evaluation for command-line `argv`, printing through `log`; returns the figures
 * (also printed as the last line, one JSON object).
 */
export function runNabEval(argv: string[], log: (line: string) => void = (line) => console.log(line)): Record<string, number | string | boolean> {
  const args = parseArgs(argv);
  const { data, out: outDir } = args;
  if (data === undefined || outDir === undefined) throw new Error('usage: nab-eval --data NAB_DIR --out OUT_DIR [--reference score.mjs] [--ablation] [--robustness]');
  const corpus = readNabCorpus(data);
  const { series, profiles } = corpus;
  const result: Record<string, number | string | boolean> = {
    files: series.length,
    rows: series.reduce((a, s) => a + s.values.length, 0),
    categories: new Set(series.map((s) => s.category)).size,
    default_threshold: DEFAULT_ALERT_THRESHOLD,
  };

  // --- 1, 2: cross-validation (headline) and in-sample ---
  const t0 = process.hrtime.bigint();
  const run = crossValidate(series, {}, TUNING_GRID);
  const cvSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const { candidates, cv } = run;
  log(`Leave-one-category-out cross-validation (NAB standard; selection = best of ${candidates.length} grid candidates by NAB standard at the alert threshold on the other categories)`);
  log(`held-out category       files windows | chosen (${Object.keys(TUNING_GRID).join(', ')}) | train@0.5 | fold@0.5   TP  FP  FN`);
  cv.folds.forEach((f, k) => {
    const fr = run.foldAt[k];
    const w = f.files.reduce((a, i) => a + series[i].windows.length, 0);
    const chosen = Object.values(tunedValues(candidates[f.chosen].config)).join(', ');
    log(`${f.heldOut.padEnd(22)} ${String(f.files.length).padStart(6)} ${String(w).padStart(7)} | ${chosen.padEnd(40)} | ${f2(f.trainScore).padStart(9)} | ${(w === 0 ? 'n/a' : f2(fr.score)).padStart(8)} ${String(fr.tp).padStart(4)} ${String(fr.fp).padStart(3)} ${String(fr.fn).padStart(3)}`);
    result[`fold_${f.heldOut}_standard_at_default`] = w === 0 ? 'n/a' : r2(fr.score);
    result[`fold_${f.heldOut}_fp_at_default`] = fr.fp;
    result[`fold_${f.heldOut}_chosen`] = candidates[f.chosen].name;
  });
  const foldScores = cv.folds.map((f, k) => (f.files.some((i) => series[i].windows.length > 0) ? run.foldAt[k].score : NaN)).filter(Number.isFinite);
  const foldMean = foldScores.reduce((a, b) => a + b, 0) / foldScores.length;
  const inCfg = candidates[cv.inSample.chosen].config;
  log('');
  log('NAB standard                                        @0.5 (default)   swept (thr)        TP  FP  FN @0.5');
  const row = (name: string, at: NabResult, sw: NabResult): void =>
    log(`${name.padEnd(50)} ${f2(at.score).padStart(10)}   ${f2(sw.score).padStart(8)} (${sw.threshold.toFixed(3)})  ${String(at.tp).padStart(6)} ${String(at.fp).padStart(3)} ${String(at.fn).padStart(3)}`);
  row('out-of-fold, pooled (all folds scored together)', run.oofAt, run.oofSwept);
  log(`${'out-of-fold, mean of folds with windows'.padEnd(50)} ${f2(foldMean).padStart(10)}`);
  row(`in-sample (selection on all ${series.length} files)`, run.inSampleAt, run.inSampleSwept);
  log(`${'gap in-sample - out-of-fold'.padEnd(50)} ${f2(run.inSampleAt.score - run.oofAt.score).padStart(10)}   ${f2(run.inSampleSwept.score - run.oofSwept.score).padStart(8)}`);
  log(`in-sample choice: ${candidates[cv.inSample.chosen].name}; shipped DEFAULT_SCORER_CONFIG ${sameConfig(inCfg) ? 'is' : 'is NOT'} that choice`);
  result.cv_standard_oof_at_default = r2(run.oofAt.score);
  result.cv_standard_oof_swept = r2(run.oofSwept.score);
  result.cv_standard_oof_swept_threshold = run.oofSwept.threshold;
  result.cv_standard_fold_mean_at_default = r2(foldMean);
  result.cv_standard_in_sample_at_default = r2(run.inSampleAt.score);
  result.cv_standard_in_sample_swept = r2(run.inSampleSwept.score);
  result.cv_gap_at_default = r2(run.inSampleAt.score - run.oofAt.score);
  result.cv_gap_swept = r2(run.inSampleSwept.score - run.oofSwept.score);
  result.cv_candidates = candidates.length;
  result.cv_default_is_in_sample_choice = sameConfig(inCfg);
  result.cv_seconds = r2(cvSeconds);

  // --- 3: the full half with the shipped default configuration (the pipeline's) ---
  const t1 = process.hrtime.bigint();
  const full = new Map(series.map((s) => [s.rel, scoreSeries(DEFAULT_SCORER_CONFIG, s.tsMs, s.values)] as const));
  const scoreSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
  const fullFiles: NabFile[] = series.map((s) => ({ name: s.rel, scores: full.get(s.rel) as Float64Array, windows: s.windows }));
  log('');
  log(`Full half, DEFAULT_SCORER_CONFIG on all ${series.length} files`);
  log(`profile               swept   thr        TP  FP   FN | default(thr=${DEFAULT_ALERT_THRESHOLD})   TP  FP   FN`);
  for (const [name, cm] of Object.entries(profiles)) {
    const s = nabScoreSwept(fullFiles, cm);
    const d = nabScoreAt(fullFiles, cm, DEFAULT_ALERT_THRESHOLD);
    log(`${name.padEnd(20)} ${s.score.toFixed(2).padStart(6)}   ${s.threshold.toFixed(4).padStart(7)} ${String(s.tp).padStart(4)} ${String(s.fp).padStart(3)} ${String(s.fn).padStart(4)} | ${d.score.toFixed(2).padStart(17)} ${String(d.tp).padStart(4)} ${String(d.fp).padStart(3)} ${String(d.fn).padStart(4)}`);
    result[`${name}_swept`] = r2(s.score);
    result[`${name}_swept_threshold`] = s.threshold;
    result[`${name}_at_default`] = r2(d.score);
  }
  writeResults(outDir, 'vigil', series, full);
  writeResults(outDir, 'vigil_cv', series, new Map(run.oof.map((f) => [f.name, f.scores])));
  if (args.reference !== undefined) {
    log('\nreference scorer, full half (OUT/vigil):');
    for (const [p, v] of Object.entries(runReference(args.reference, data, outDir, 'vigil', log))) {
      result[`${p}_reference`] = v;
      if (typeof result[`${p}_swept`] === 'number') result[`${p}_reference_diff`] = r2(Math.abs((result[`${p}_swept`] as number) - v));
    }
    log('reference scorer, pooled out-of-fold (OUT/vigil_cv):');
    const refCv = runReference(args.reference, data, outDir, 'vigil_cv', log);
    if (refCv.standard !== undefined) {
      result.cv_standard_oof_swept_reference = refCv.standard;
      result.cv_standard_oof_swept_reference_diff = r2(Math.abs(refCv.standard - run.oofSwept.score));
    }
  }

  // --- ablation: the whole cross-validation with one component removed ---
  if (args.ablation !== undefined) {
    const without = (drop: string[]): Record<string, readonly GridValue[]> => Object.fromEntries(Object.entries(TUNING_GRID).filter(([k]) => !drop.includes(k)));
    const variants: Array<{ key: string; name: string; base: DefaultScorerConfigInput; grid: Grid }> = [
      { key: 'full', name: 'full default ensemble', base: {}, grid: { ...TUNING_GRID } },
      { key: 'no_seasonal', name: '- hour-of-day seasonal baseline', base: { seasonal: { enabled: false } }, grid: { ...TUNING_GRID } },
      { key: 'residual_likelihood', name: 'residual layer always on (likelihood)', base: { residual: 'likelihood' }, grid: without(['residual']) },
      { key: 'residual_off', name: 'residual layer always off', base: { residual: 'off' }, grid: without(['residual']) },
      { key: 'residual_raw', name: 'residual layer on, raw score (no likelihood)', base: { residual: 'raw' }, grid: without(['residual']) },
      { key: 'no_range', name: '- range awareness', base: { range: { enabled: false } }, grid: without(['range.tolerance']) },
      { key: 'no_novelty', name: '- value novelty', base: { novelty: { enabled: false } }, grid: without(['novelty.floor']) },
      { key: 'no_refractory', name: '- refractory suppression', base: { refractory: { periodMinutes: 0 } }, grid: without(['refractory.periodMinutes']) },
    ];
    log('\nAblation (each row: the whole leave-one-category-out procedure with one component removed; NAB standard)');
    log('variant                                      OOF@0.5  OOF swept  in-sample@0.5  gap   delta OOF@0.5 vs full');
    let fullOof = NaN;
    for (const v of variants) {
      const r = v.key === 'full' ? run : crossValidate(series, v.base, v.grid);
      if (v.key === 'full') fullOof = r.oofAt.score;
      log(`${v.name.padEnd(44)} ${f2(r.oofAt.score).padStart(7)} ${f2(r.oofSwept.score).padStart(10)} ${f2(r.inSampleAt.score).padStart(14)} ${f2(r.inSampleAt.score - r.oofAt.score).padStart(5)} ${f2(r.oofAt.score - fullOof).padStart(10)}`);
      result[`ablation_${v.key}_oof_at_default`] = r2(r.oofAt.score);
      result[`ablation_${v.key}_oof_swept`] = r2(r.oofSwept.score);
      result[`ablation_${v.key}_in_sample_at_default`] = r2(r.inSampleAt.score);
    }
  }

  // --- robustness: label-preserving transformations of every file, default configuration ---
  if (args.robustness !== undefined) {
    const base = { at: nabScoreAt(fullFiles, STANDARD, DEFAULT_ALERT_THRESHOLD), swept: nabScoreSwept(fullFiles, STANDARD) };
    log('\nRobustness (full half, DEFAULT_SCORER_CONFIG, each file transformed without changing its labels; NAB standard)');
    log('transformation                     @0.5   delta  swept   delta    TP  FP  FN');
    log(`${'none'.padEnd(32)} ${f2(base.at.score).padStart(6)} ${''.padStart(7)} ${f2(base.swept.score).padStart(6)} ${''.padStart(7)}  ${String(base.at.tp).padStart(4)} ${String(base.at.fp).padStart(3)} ${String(base.at.fn).padStart(3)}`);
    ROBUSTNESS_TRANSFORMS.forEach((t, k) => {
      const files: NabFile[] = series.map((s, i) => {
        const x = t.apply({ name: s.rel, tsMs: s.tsMs, values: s.values, windows: s.windows }, 1000 * k + i + 1);
        return { name: x.name, scores: scoreSeries(DEFAULT_SCORER_CONFIG, x.tsMs, x.values), windows: x.windows };
      });
      const at = nabScoreAt(files, STANDARD, DEFAULT_ALERT_THRESHOLD);
      const sw = nabScoreSwept(files, STANDARD);
      log(`${t.name.padEnd(32)} ${f2(at.score).padStart(6)} ${f2(at.score - base.at.score).padStart(7)} ${f2(sw.score).padStart(6)} ${f2(sw.score - base.swept.score).padStart(7)}  ${String(at.tp).padStart(4)} ${String(at.fp).padStart(3)} ${String(at.fn).padStart(3)}`);
      const key = t.name.replace(/[^a-z0-9]+/gi, '_').replace(/_+$/, '').toLowerCase();
      result[`robustness_${key}_at_default`] = r2(at.score);
      result[`robustness_${key}_delta_at_default`] = r2(at.score - base.at.score);
    });
  }

  result.rows_per_s = Math.round((result.rows as number) / scoreSeconds);
  log(JSON.stringify(result));
  return result;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    runNabEval(process.argv.slice(2));
  } catch (e) {
    console.error(`eval:nab: ${(e as Error).message}`);
    process.exit(2);
  }
}
