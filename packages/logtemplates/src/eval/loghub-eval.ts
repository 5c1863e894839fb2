// Loghub-2k evaluation of the template miner.
//
// Usage: node packages/logtemplates/dist/eval/loghub-eval.js --data LOGHUB_DIR --out OUT_DIR [--robustness]
//
// Headline: leave-one-dataset-out cross-validation of the project's selection procedure
// (selection.ts): for each dataset, the grid of tunable constants is scored on the OTHER datasets,
// the best configuration is chosen there and the left-out dataset is scored with it. Second row:
// the shipped default configuration (the procedure run on every dataset) scored in-sample, per
// dataset, with OUT_DIR/<Dataset>.csv (`LineId,EventId`) written for ../shared's ga.mjs, which is
// run here when present (LOGHUB_DIR/ga.mjs) and must agree.
// `--robustness`: the values at the ground-truth variable slots of every line are rewritten in
// another shape (slot-shapes.ts) and the default configuration is scored again.
// Last line: one JSON object with every figure.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseCsv } from '../csv.js';
import { groupingAccuracy } from '../grouping-accuracy.js';
import { TemplateMiner } from '../miner.js';
import { DEFAULT_MINER_OPTIONS } from '../options.js';
import type { MinerOptions } from '../options.js';
import { MINER_GRID, describeConfig, gridConfigs, leaveOneDatasetOut } from './selection.js';
import type { TunedOptions } from './selection.js';
import { reshapeLine, seededRandom } from './slot-shapes.js';

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) continue;
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out[argv[i].slice(2)] = 'true';
    else {
      out[argv[i].slice(2)] = next;
      i++;
    }
  }
  return out;
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

interface Dataset {
  name: string;
  lineIds: string[];
  contents: string[];
  events: string[];
  templates: string[];
  truth: Map<string, string>;
}

function load(dir: string, name: string): Dataset {
  const file = join(dir, name, `${name}_2k.log_structured.csv`);
  const rows = parseCsv(readFileSync(file, 'utf8'));
  const header = rows[0].map((h) => h.trim());
  const li = header.indexOf('LineId');
  const ci = header.indexOf('Content');
  const ei = header.indexOf('EventId');
  const ti = header.indexOf('EventTemplate');
  if (li < 0 || ci < 0 || ei < 0) throw new Error(`${file}: needs LineId, Content and EventId columns`);
  const data = rows.slice(1);
  const lineIds = data.map((r) => r[li].trim());
  const events = data.map((r) => r[ei]);
  return {
    name,
    lineIds,
    contents: data.map((r) => r[ci]),
    events,
    templates: data.map((r) => (ti >= 0 ? r[ti] : '')),
    truth: new Map(lineIds.map((id, k) => [id, events[k]])),
  };
}

interface Run {
  ga: number;
  templates: number;
  assigned: string[];
  ms: number;
}

/** Mine the lines in file order (service = dataset); each line gets its final template (merges followed). */
function run(ds: Dataset, contents: readonly string[], options: Partial<MinerOptions>): Run {
  const miner = new TemplateMiner(options);
  const assigned: string[] = [];
  const mergedInto = new Map<string, string>();
  const t0 = performance.now();
  for (let k = 0; k < contents.length; k++) {
    // Event time is not used by the grouping: one line per second keeps the windows small.
    const r = miner.observe(ds.name, contents[k], undefined, k * 1000);
    if (!r.ok) throw new Error(`${ds.name}: line ${k + 1} dropped (${r.reason})`);
    if (r.merged !== undefined) for (const id of r.merged.mergedIds) mergedInto.set(id, r.merged.templateId);
    assigned.push(r.templateId);
    if ((k & 1023) === 1023) miner.closeWindows();
  }
  const ms = performance.now() - t0;
  const resolve = (id: string): string => {
    let cur = id;
    for (let hops = 0; hops < 1000 && mergedInto.has(cur); hops++) cur = mergedInto.get(cur) as string;
    return cur;
  };
  const final = assigned.map(resolve);
  const pred = new Map(ds.lineIds.map((id, k) => [id, final[k]]));
  return { ga: groupingAccuracy(ds.truth, pred), templates: new Set(final).size, assigned: final, ms };
}

const f4 = (x: number): string => x.toFixed(4);
const r4 = (x: number): number => Number(x.toFixed(4));
const tunedOf = (o: Readonly<MinerOptions>): TunedOptions => ({
  generaliseAfterValues: o.generaliseAfterValues,
  minContextWords: o.minContextWords,
  maxSpanTokens: o.maxSpanTokens,
  maskQualifiedNames: o.maskQualifiedNames,
});
const sameTuned = (a: TunedOptions, b: TunedOptions): boolean => describeConfig(a) === describeConfig(b);

/** Per-dataset GA printed by ../shared's ga.mjs for OUT_DIR (undefined when it is not there). */
function referenceGa(dataDir: string, outDir: string): Map<string, number> | undefined {
  const script = join(dataDir, 'ga.mjs');
  if (!existsSync(script)) return undefined;
  const text = execFileSync(process.execPath, [script, '--data', dataDir, '--pred', outDir], { encoding: 'utf8' });
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^(\S+)\s+GA=([0-9.]+)/gm)) out.set(m[1], Number(m[2]));
  return out;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  if (!args.data || !args.out || args.data === 'true' || args.out === 'true') {
    console.error('usage: loghub-eval --data LOGHUB_DIR --out OUT_DIR [--robustness]');
    process.exit(2);
  }
  if (!existsSync(args.data)) {
    console.error(`--data ${args.data}: no such folder (the Loghub-2k datasets, e.g. ../shared/eval/loghub)`);
    process.exit(2);
  }
  mkdirSync(args.out, { recursive: true });
  const names = readdirSync(args.data)
    .filter((d) => existsSync(join(args.data, d, `${d}_2k.log_structured.csv`)))
    .sort();
  if (names.length < 2) {
    console.error(`need at least two <Dataset>/<Dataset>_2k.log_structured.csv under ${args.data}, found ${names.length}`);
    process.exit(2);
  }
  const datasets = names.map((n) => load(args.data, n));

  // 1. The grid: GA of every configuration on every dataset.
  const configs = gridConfigs();
  const scores = configs.map((c) => datasets.map((ds) => run(ds, ds.contents, c).ga));
  const cv = leaveOneDatasetOut(scores, datasets.length);

  // 2. The shipped default: must be what the procedure chooses on every dataset.
  const shipped = tunedOf(DEFAULT_MINER_OPTIONS);
  const chosenOnAll = configs[cv.chosenOnAll];
  const defaultIsSelected = sameTuned(shipped, chosenOnAll);
  const full = datasets.map((ds) => run(ds, ds.contents, {}));
  const fullMean = full.reduce((s, r) => s + r.ga, 0) / full.length;
  for (let d = 0; d < datasets.length; d++) {
    const ds = datasets[d];
    let out = 'LineId,EventId\n';
    for (let k = 0; k < ds.lineIds.length; k++) out += `${csvField(ds.lineIds[k])},${full[d].assigned[k]}\n`;
    writeFileSync(join(args.out, `${ds.name}.csv`), out);
  }
  const ref = referenceGa(args.data, args.out);
  let refMaxDiff = Number.NaN;
  if (ref !== undefined) {
    refMaxDiff = 0;
    for (let d = 0; d < datasets.length; d++) {
      const g = ref.get(datasets[d].name);
      refMaxDiff = Math.max(refMaxDiff, g === undefined ? Infinity : Math.abs(g - Number(f4(full[d].ga))));
    }
  }

  console.log(`Leave-one-dataset-out (headline): per fold, the grid (${configs.length} configurations: ${Object.entries(MINER_GRID).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(', ')})`);
  console.log('is scored on the other datasets, the best mean GA is chosen and the left-out dataset is scored with it.');
  console.log('held-out      chosen on the others                      GA_out_of_fold  GA_default_in_sample');
  for (const f of cv.folds) {
    console.log(`${datasets[f.heldOut].name.padEnd(12)}  ${describeConfig(configs[f.chosen]).padEnd(40)}  ${f4(f.score).padStart(14)}  ${f4(full[f.heldOut].ga).padStart(20)}`);
  }
  console.log(`mean_GA_out_of_fold=${f4(cv.meanOutOfFold)}  min=${f4(cv.minOutOfFold)}  in_sample=${f4(cv.meanInSample)}  gap=${f4(cv.gap)}`);
  console.log('');
  console.log(`Full half, default configuration (${describeConfig(shipped)}; chosen on all datasets: ${describeConfig(chosenOnAll)}, ${defaultIsSelected ? 'the same' : 'DIFFERENT: update DEFAULT_MINER_OPTIONS'})`);
  console.log('dataset       lines  true_events  templates      GA  ga.mjs');
  for (let d = 0; d < datasets.length; d++) {
    const ds = datasets[d];
    const r = full[d];
    const g = ref?.get(ds.name);
    console.log(`${ds.name.padEnd(12)} ${String(ds.lineIds.length).padStart(6)} ${String(new Set(ds.events).size).padStart(12)} ${String(r.templates).padStart(10)}  ${f4(r.ga)}  ${g === undefined ? '-' : g.toFixed(4)}`);
  }
  console.log(`mean_GA_in_sample=${f4(fullMean)}  (Drain: 0.851 tuned per dataset, 0.610 untuned)`);
  console.log(ref === undefined ? 'ga.mjs not found beside the data: reference check skipped' : `ga.mjs agreement: max |difference| = ${refMaxDiff.toFixed(4)} (${refMaxDiff === 0 ? 'agree' : 'DISAGREE'})`);

  const totalLines = datasets.reduce((s, ds) => s + ds.lineIds.length, 0);
  const totalMs = full.reduce((s, r) => s + r.ms, 0);
  const json: Record<string, number | string | boolean> = {
    mean_ga_out_of_fold: r4(cv.meanOutOfFold),
    min_ga_out_of_fold: r4(cv.minOutOfFold),
    mean_ga_in_sample: r4(fullMean),
    gap_ga: r4(fullMean - cv.meanOutOfFold),
    datasets: datasets.length,
    grid_configurations: configs.length,
    default_is_selected: defaultIsSelected,
    ga_mjs_max_abs_diff: Number.isFinite(refMaxDiff) ? r4(refMaxDiff) : -1,
    lines: totalLines,
  };
  for (const f of cv.folds) {
    json[`ga_oof_${datasets[f.heldOut].name}`] = r4(f.score);
    json[`chosen_${datasets[f.heldOut].name}`] = describeConfig(configs[f.chosen]);
  }
  for (let d = 0; d < datasets.length; d++) {
    json[`ga_${datasets[d].name}`] = r4(full[d].ga);
    json[`templates_${datasets[d].name}`] = full[d].templates;
  }

  if (args.robustness === 'true') {
    // 3. The same events with their variable values written in other shapes.
    console.log('');
    console.log('Robustness: values at the ground-truth slots reshaped (IPs -> names/literals/host:port, numbers + units, deeper paths + query strings)');
    console.log('dataset       GA_original  GA_reshaped   delta  lines_changed');
    let sumR = 0;
    let worst = Infinity;
    for (let d = 0; d < datasets.length; d++) {
      const ds = datasets[d];
      const rng = seededRandom(0x5eed + d);
      const reshaped = ds.contents.map((c, k) => reshapeLine(c, ds.templates[k], rng));
      const changed = reshaped.filter((c, k) => c !== ds.contents[k]).length;
      const r = run(ds, reshaped, {});
      const delta = r.ga - full[d].ga;
      sumR += r.ga;
      worst = Math.min(worst, delta);
      console.log(`${ds.name.padEnd(12)}  ${f4(full[d].ga).padStart(11)}  ${f4(r.ga).padStart(11)}  ${delta >= 0 ? '+' : ''}${f4(delta)}  ${String(changed).padStart(13)}`);
      json[`ga_reshaped_${ds.name}`] = r4(r.ga);
    }
    console.log(`mean_GA_reshaped=${f4(sumR / datasets.length)}  worst_delta=${f4(worst)}`);
    json.mean_ga_reshaped = r4(sumR / datasets.length);
    json.worst_delta_ga_reshaped = r4(worst);
  }
  json.lines_per_s = Math.round((totalLines / totalMs) * 1000);
  console.log(JSON.stringify(json));
}

main();
