/**
 * npm run eval:forecast -- --data DIR --out DIR [--eval-from ISO] [--folds N] [--no-cv]
 *
 * Replays the capacity-forecasting data folder (bitbrains/<vm>.csv VM traces, m4/Hourly-train.csv)
 * through the same SeasonalForecaster and recommender the pipeline uses, strictly online: each
 * series is fed sample by sample and forecast at every origin from what it has seen. Writes
 * OUT/bitbrains_forecasts.csv, OUT/bitbrains_rightsizing.csv and OUT/m4_hourly.csv in the formats
 * of the folder's README, scores them with this package's own code, and cross-checks every figure
 * with the folder's reference scorer (score.mjs) when it is there.
 *
 * Constants: first a cross-validation over folds of VMs (a small grid of forecaster constants and
 * the right-sizing risk targets, chosen on the other folds, scored on the held-out fold) gives the
 * out-of-fold figures, printed first. Then one run with the package defaults (the grid point the
 * cross-validation picks on all VMs, frozen in config.ts) writes the files. M4 is never used to
 * choose anything: it is scored with the same defaults.
 * M4: when DIR/m4/Hourly-test.csv exists the forecasts start from the full training series (the
 * held-back run); otherwise the last 48 points of each series are held back and written to
 * OUT/m4-val/ in M4's layout for the reference scorer.
 * Last line: one JSON object with every figure.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type ForecasterConfig, DEFAULT_FORECASTER_CONFIG, forecasterConfig } from '../config.js';
import { SeasonalForecaster } from '../forecaster.js';
import { pickByCost, recommend, sizingCurve } from '../recommender.js';
import { DEFAULT_RISK, SIZING } from '../risk.js';
import { VpaCpu, VpaMemory } from '../vpa.js';
import { type Row5, Bins, ForecastAcc, SizingAcc, baselines, mean, median, scoreM4 } from './score.js';


const HOUR = 3600, DAY = 86400;
const METRICS = [
  { name: 'cpu_usage_mhz', cap: 'cpu_capacity_mhz', kind: 'cpu' },
  { name: 'mem_usage_kb', cap: 'mem_capacity_kb', kind: 'memory' },
] as const;
type MetricName = (typeof METRICS)[number]['name'];

interface Vm {
  id: string;
  ts: Float64Array;
  cols: Record<string, Float64Array>;
}

function die(msg: string): never {
  console.error(`eval:forecast: ${msg}`);
  process.exit(2);
}

function parseArgs(argv: string[]): Record<string, string | true> {
  const a: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) die(`unexpected argument "${argv[i]}"`);
    const k = argv[i].slice(2);
    if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) a[k] = argv[++i];
    else a[k] = true;
  }
  return a;
}

function parseTime(t: string): number {
  const n = /^\d+$/.test(t) ? Number(t) : Date.parse(t) / 1000;
  if (!Number.isFinite(n)) die(`cannot read --eval-from "${t}"`);
  if (n % HOUR !== 0) die(`--eval-from "${t}" must fall on a whole hour`);
  return n;
}
const iso = (s: number): string => new Date(s * 1000).toISOString().replace(':00.000Z', 'Z');

function loadVms(dir: string): Vm[] {
  const need = ['timestamp', 'cpu_cores', 'cpu_capacity_mhz', 'cpu_usage_mhz', 'mem_capacity_kb', 'mem_usage_kb'];
  const files = readdirSync(dir).filter((f) => f.endsWith('.csv')).sort((a, b) => Number(a.slice(0, -4)) - Number(b.slice(0, -4)) || a.localeCompare(b));
  if (!files.length) die(`no VM files (*.csv) in ${dir}`);
  return files.map((f) => {
    const lines = readFileSync(path.join(dir, f), 'utf8').split(/\r?\n/);
    const head = lines[0].split(',').map((s) => s.trim());
    const idx = need.map((c) => {
      const i = head.indexOf(c);
      if (i < 0) die(`${f}: no column "${c}"`);
      return i;
    });
    const cols = need.map(() => new Float64Array(lines.length));
    let n = 0;
    for (let i = 1; i < lines.length; i++) {
      if (!lines[i]) continue;
      const p = lines[i].split(',');
      for (let c = 0; c < idx.length; c++) cols[c][n] = Number(p[idx[c]]);
      n++;
    }
    const out: Record<string, Float64Array> = {};
    need.forEach((c, i) => (out[c] = cols[i].subarray(0, n)));
    return { id: f.slice(0, -4), ts: out.timestamp, cols: out };
  });
}

function readM4(file: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    const cells = lines[i].split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    out.set(cells[0], cells.slice(1).filter((c) => c !== '' && c !== 'NA').map(Number));
  }
  return out;
}
function writeM4(file: string, s: Map<string, number[]>): void {
  const width = Math.max(...[...s.values()].map((v) => v.length)) + 1;
  const lines = [Array.from({ length: width }, (_, i) => `"V${i + 1}"`).join(',')];
  for (const [id, v] of s) lines.push([`"${id}"`, ...v.map((x) => `"${x}"`), ...Array<string>(width - 1 - v.length).fill('""')].join(','));
  writeFileSync(file, lines.join('\n') + '\n');
}

// ------------------------------------------------------------------ replay of one VM series
interface SeriesRun {
  vm: string;
  metric: MetricName;
  /** per origin: 12 short rows then 24 day rows */
  forecasts: Row5[][];
  /** per origin and per risk of the grid: the request */
  requests: number[][];
  vpa: number[];
}

function replay(vm: Vm, metric: (typeof METRICS)[number], cfg: ForecasterConfig, origins: number[], costs: number[]): SeriesRun {
  const f = new SeasonalForecaster(cfg);
  const ts = vm.ts, v = vm.cols[metric.name];
  const cores = vm.cols.cpu_cores, cap = vm.cols.cpu_capacity_mhz;
  const vpaCpu = new VpaCpu(), vpaMem = new VpaMemory();
  const run: SeriesRun = { vm: vm.id, metric: metric.name, forecasts: [], requests: [], vpa: [] };
  let i = 0;
  let mhzPerCore = NaN;
  let capacity = NaN;
  const capCol = vm.cols[metric.cap];
  for (const o of origins) {
    for (; i < ts.length && ts[i] <= o; i++) {
      f.update(ts[i], v[i]);
      if (capCol[i] > 0) capacity = capCol[i];
      if (metric.kind === 'cpu') {
        const m = cap[i] / cores[i];
        if (m > 0 && Number.isFinite(v[i])) { vpaCpu.add(ts[i], v[i] / m, cores[i]); mhzPerCore = m; }
      } else vpaMem.add(ts[i], v[i] * 1024);
    }
    const fc = f.forecast(o);
    const rows: Row5[] = [...fc.short, ...fc.long].map((s) => [s.point, s.lo80, s.hi80, s.lo95, s.hi95]);
    // Not enough data yet (a VM that starts late): carry the last value flat, no interval.
    while (rows.length < 36) rows.push([0, 0, 0, 0, 0]);
    run.forecasts.push(rows);
    // One sizing curve per origin; each shortCost of the grid picks its request from it.
    if (!costs.length) { run.requests.push([]); run.vpa.push(NaN); continue; }
    const curve = sizingCurve(f, fc, RISK_FLOOR);
    run.requests.push(costs.map((c) => {
      if (!curve || !curve.points.length) return recommend(f, fc, { risk: RISK_FLOOR })?.request ?? 0;
      return pickByCost(curve, capacity > 0 ? capacity : 1, c)!.request;
    }));
    run.vpa.push(metric.kind === 'cpu' ? vpaCpu.targetCores() * mhzPerCore : vpaMem.targetBytes(o) / 1024);
  }
  return run;
}

// Per-series scores of a run (for pooling over any set of VMs).
interface SeriesScore {
  vm: string;
  metric: MetricName;
  short: BlockScore | null;
  day: BlockScore | null;
  sizing: { risk: SizingAcc[]; vpa: SizingAcc } | null;
}

interface BlockScore { pred: number; snaive: number; naive: number; predSpl: number; points: number; in80: number; in95: number }

// Bins, scales and baseline forecasts of a series do not depend on the forecaster: computed once.
interface Prepared { b5: Bins; bH: Bins; scale: { short: number; day: number }; base: ReturnType<typeof baselines>[]; norm: number }
const prepared = new Map<string, Prepared>();
function prepare(vm: Vm, metric: (typeof METRICS)[number], origins: number[], evalFrom: number): Prepared {
  const key = `${vm.id}|${metric.name}`;
  let p = prepared.get(key);
  if (!p) {
    const ts = vm.ts, v = vm.cols[metric.name], cap = vm.cols[metric.cap];
    const b5 = new Bins(ts, v, 300), bH = new Bins(ts, v, HOUR);
    const capIn: number[] = [];
    for (let j = 0; j < ts.length && ts[j] <= evalFrom; j++) if (cap[j] > 0) capIn.push(cap[j]);
    p = { b5, bH, scale: { short: b5.scale(288, evalFrom / 300), day: bH.scale(24, evalFrom / HOUR) }, base: origins.map((o) => baselines(b5, bH, o)), norm: median(capIn) };
    prepared.set(key, p);
  }
  return p;
}

function scoreSeries(vm: Vm, run: SeriesRun, origins: number[], evalFrom: number): SeriesScore {
  const metric = METRICS.find((m) => m.name === run.metric)!;
  const ts = vm.ts, v = vm.cols[metric.name], cap = vm.cols[metric.cap];
  const { b5, bH, scale, base: bases, norm } = prepare(vm, metric, origins, evalFrom);
  const out: SeriesScore = { vm: vm.id, metric: run.metric, short: null, day: null, sizing: null };
  if (scale.short > 0 && scale.day > 0) {
    for (const blk of ['short', 'day'] as const) {
      const acc = { pred: new ForecastAcc(), snaive: new ForecastAcc(), naive: new ForecastAcc() };
      for (const a of Object.values(acc)) a.begin(scale[blk]);
      origins.forEach((o, oi) => {
        const base = bases[oi];
        const H = blk === 'short' ? 12 : 24;
        const b = blk === 'short' ? b5 : bH, k0 = o / (blk === 'short' ? 300 : HOUR);
        for (let i = 0; i < H; i++) {
          const y = b.at(k0 + i + 1);
          if (!Number.isFinite(y)) continue;
          acc.pred.add(y, run.forecasts[oi][blk === 'short' ? i : 12 + i]);
          acc.snaive.add(y, base[blk].snaive[i]);
          acc.naive.add(y, base[blk].naive[i]);
        }
      });
      for (const a of Object.values(acc)) a.end();
      if (acc.pred.mase.length) {
        out[blk] = { pred: acc.pred.mase[0], snaive: acc.snaive.mase[0], naive: acc.naive.mase[0], predSpl: acc.pred.spl[0], points: acc.pred.points, in80: acc.pred.in80, in95: acc.pred.in95 };
      }
    }
  }
  if (norm > 0 && run.requests[0]?.length) {
    const sizing = { risk: run.requests[0].map(() => new SizingAcc()), vpa: new SizingAcc() };
    let lo = 0;
    origins.forEach((o, oi) => {
      while (lo < ts.length && ts[lo] <= o) lo++;
      run.requests[oi].forEach((r, ri) => sizing.risk[ri].window(ts, v, cap, lo, o, r, norm));
      sizing.vpa.window(ts, v, cap, lo, o, run.vpa[oi], norm);
    });
    out.sizing = sizing;
  }
  return out;
}

function pooled(accs: SizingAcc[]): { under: number; slack: number; samples: number; windows: number } {
  let s = 0, u = 0, sl = 0, sn = 0, w = 0;
  for (const a of accs) { s += a.samples; u += a.under; sl += a.slack; sn += a.slackN; w += a.windows; }
  return { under: u / s, slack: sl / sn, samples: s, windows: w };
}

// Figures of a set of series scores (one config, one risk index per metric kind).
function figures(scores: SeriesScore[], riskIdx: Record<'cpu' | 'memory', number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const blk of ['short', 'day'] as const) {
    for (const m of [...METRICS.map((x) => x.name), 'all'] as const) {
      const ss = scores.filter((s) => s[blk] && (m === 'all' || s.metric === m)).map((s) => s[blk]!);
      out[`${blk}.${m}.pred_mase`] = mean(ss.map((s) => s.pred));
      out[`${blk}.${m}.snaive_mase`] = mean(ss.map((s) => s.snaive));
      out[`${blk}.${m}.naive_mase`] = mean(ss.map((s) => s.naive));
      out[`${blk}.${m}.pred_mase_median`] = median(ss.map((s) => s.pred));
      out[`${blk}.${m}.pred_spl`] = mean(ss.map((s) => s.predSpl));
      out[`${blk}.${m}.pred_mase_vs_snaive`] = out[`${blk}.${m}.pred_mase`] / out[`${blk}.${m}.snaive_mase`];
      const pts = ss.reduce((a, s) => a + s.points, 0);
      out[`${blk}.${m}.pred_cov80`] = ss.reduce((a, s) => a + s.in80, 0) / pts;
      out[`${blk}.${m}.pred_cov95`] = ss.reduce((a, s) => a + s.in95, 0) / pts;
    }
  }
  for (const m of METRICS) {
    const ss = scores.filter((s) => s.sizing && s.metric === m.name);
    const p = pooled(ss.map((s) => s.sizing!.risk[riskIdx[m.kind]]));
    const q = pooled(ss.map((s) => s.sizing!.vpa));
    out[`sizing.${m.name}.pred_under`] = p.under;
    out[`sizing.${m.name}.pred_slack`] = p.slack;
    out[`sizing.${m.name}.vpa_under`] = q.under;
    out[`sizing.${m.name}.vpa_slack`] = q.slack;
  }
  return out;
}

// ------------------------------------------------------------------ cross-validation grid
// A small grid around the defaults: the constants that matter most (smoothing of the coarse
// level and seasonal profiles, the AR correction, the fine blend, the Huber bound).
function grid(): Partial<ForecasterConfig>[] {
  const g: Partial<ForecasterConfig>[] = [];
  for (const alpha of [0.05, 0.15])
    for (const gammaDaily of [0.05, 0.15])
      for (const arCoarse of [0.6, 0.9])
        for (const rhoFine of [0.9, 1]) g.push({ alpha, gammaDaily, arCoarse, rhoFine });
  return g;
}
const COST_GRID = [0.5, 1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 128, 256, 512, 1024, 2048];
// Interval constants, chosen after the point forecaster (they do not move the points): the memory
// of the per-horizon error scales and of the standardised-error histograms.
function intervalGrid(): Partial<ForecasterConfig>[] {
  const g: Partial<ForecasterConfig>[] = [];
  for (const intervalRate of [0.02, 0.005, 0.002]) for (const histogramHalfLife of [2000, 20000]) g.push({ intervalRate, histogramHalfLife });
  return g;
}
// Interval objective: distance of the pooled coverage from nominal, both levels, both blocks.
const coverageObjective = (f: Record<string, number>): number =>
  ['short', 'day'].reduce((a, b) => a + Math.abs(f[`${b}.all.pred_cov80`] - 0.8) + Math.abs(f[`${b}.all.pred_cov95`] - 0.95), 0);
const RISKS = { cpu: COST_GRID, memory: COST_GRID }; // shortCost grid, per resource kind
const RISK_FLOOR = DEFAULT_RISK.floor;
const ALL_RISKS = [...RISKS.cpu, ...RISKS.memory];
const riskIndex = (kind: 'cpu' | 'memory', i: number): number => (kind === 'cpu' ? i : RISKS.cpu.length + i);

// Forecast objective: mean over the two blocks of MASE relative to seasonal naive (lower is better).
const objective = (f: Record<string, number>): number => (f['short.all.pred_mase_vs_snaive'] + f['day.all.pred_mase_vs_snaive']) / 2;

// Right-sizing choice, per resource kind, over the sizing bases (the same series replayed with
// each sizingBasis; BASES order) and the shortfall costs: among the pairs whose pooled
// under-provisioned share stays at or below the VPA's on the same series (the target: never short
// more often than VPA), the one with the least mean slack; the most conservative pair when none
// qualifies.
// 'recent' comes as it is and moved to the forecast's level (recentScaling).
const BASES: ReadonlyArray<Pick<ForecasterConfig, 'sizingBasis' | 'recentHalfLife' | 'recentScaling'>> = [
  { sizingBasis: 'forecast', recentHalfLife: DEFAULT_FORECASTER_CONFIG.recentHalfLife, recentScaling: false },
  ...[false, true].flatMap((recentScaling) => [144, 288, 576].map((recentHalfLife) => ({ sizingBasis: 'recent' as const, recentHalfLife, recentScaling }))),
];
const basisName = (b: (typeof BASES)[number]): string =>
  (b.sizingBasis === 'recent' ? `recent (half-life ${b.recentHalfLife} bins${b.recentScaling ? ", at the forecast's level" : ''})` : b.sizingBasis);
interface SizingChoice { basis: (typeof BASES)[number]; cost: number; b: number; i: number }
function chooseSizing(byBasis: SeriesScore[][], kind: 'cpu' | 'memory'): SizingChoice {
  const m = METRICS.find((x) => x.kind === kind)!;
  const of = (scores: SeriesScore[]): SeriesScore[] => scores.filter((s) => s.sizing && s.metric === m.name);
  const vpa = pooled(of(byBasis[0]).map((s) => s.sizing!.vpa)).under;
  let best: SizingChoice | null = null, bestSlack = Infinity;
  let safest: SizingChoice | null = null, safestUnder = Infinity;
  byBasis.forEach((scores, b) => {
    const ss = of(scores);
    RISKS[kind].forEach((cost, i) => {
      const p = pooled(ss.map((s) => s.sizing!.risk[riskIndex(kind, i)]));
      if (p.under <= vpa && p.slack < bestSlack) { best = { basis: BASES[b], cost, b, i }; bestSlack = p.slack; }
      if (p.under < safestUnder) { safest = { basis: BASES[b], cost, b, i }; safestUnder = p.under; }
    });
  });
  return (best ?? safest)!;
}

// ------------------------------------------------------------------ M4: the combination's constants
// One M4 forecast per series: fed its values hour by hour, forecast 48 hours from its end.
function m4Forecasts(train: Map<string, number[]>, cfg: ForecasterConfig): Map<string, Row5[]> {
  const pred = new Map<string, Row5[]>();
  for (const [id, x] of train) {
    const fc = new SeasonalForecaster({ ...cfg, longHorizons: 48 });
    for (let i = 0; i < x.length; i++) fc.update((i + 1) * HOUR, x[i]);
    pred.set(id, fc.forecast(x.length * HOUR).long.map((s) => [s.point, s.lo80, s.hi80, s.lo95, s.hi95]));
  }
  return pred;
}

// The combination's constants (the multiplicative member, the seasonal naive member, the weights'
// power, separate weights past one day) and the day-ahead interval width, chosen by rolling-origin cross-validation on M4 TRAINING
// windows: each series cut 48 and 96 points before the end of the training values this command is
// given (which, in validation, already exclude the held-back 48), forecast 48 ahead. The held-back
// points never choose anything. Two folds of series (odd / even position): each fold is scored with
// the choice made on the other, out-of-fold figures first; then the choice on all series.
function m4Grid(): Partial<ForecasterConfig>[] {
  const g: Partial<ForecasterConfig>[] = [];
  for (const naiveMember of [false, true])
    for (const farWeights of [false, true])
      for (const combinePower of [4, 8, 16])
        for (const alphaMul of [0.002, 0.005, 0.02])
          for (const gammaMulDaily of [0.1, 0.2, 0.3])
            for (const gammaMulWeekly of [0.05, 0.2]) g.push({ naiveMember, farWeights, combinePower, alphaMul, gammaMulDaily, gammaMulWeekly });
  return g;
}
const M4_INTERVALS: Partial<ForecasterConfig>[] = [];
for (const intervalWidth of [1, 1.1, 1.2, 1.3]) for (const intervalWidth95 of [1, 1.1, 1.2, 1.3]) M4_INTERVALS.push({ intervalWidth, intervalWidth95 });
const M4_CUTS = [48, 96];

interface M4CvResult { out_of_fold: Record<string, number>; choice_all_series: Partial<ForecasterConfig>; defaults_hold_choice: boolean; fold_picks: string[] }
function m4CrossValidate(train: Map<string, number[]>, base: ForecasterConfig): M4CvResult {
  const ids = [...train.keys()];
  const windows = M4_CUTS.map((cut) => {
    const tr = new Map<string, number[]>(), te = new Map<string, number[]>();
    for (const [id, x] of train) if (x.length > cut + 3 * 24) { tr.set(id, x.slice(0, x.length - cut)); te.set(id, x.slice(x.length - cut, x.length - cut + 48)); }
    return { tr, te };
  });
  const foldOf = new Map(ids.map((id, i) => [id, i % 2]));
  const sub = (m: Map<string, number[]>, keep: (id: string) => boolean): Map<string, number[]> => new Map([...m].filter(([id]) => keep(id)));
  // Scores of a configuration on a set of series: the mean over the windows.
  const runs = new Map<string, Map<string, Row5[]>[]>();
  const predsOf = (cfg: ForecasterConfig): Map<string, Row5[]>[] => {
    const key = JSON.stringify(cfg);
    let r = runs.get(key);
    if (!r) { r = windows.map((w) => m4Forecasts(w.tr, cfg)); runs.set(key, r); }
    return r;
  };
  const score = (cfg: ForecasterConfig, keep: (id: string) => boolean): { owa: number; cov80: number; cov95: number; smape: number; mase: number; msis95: number } => {
    const p = predsOf(cfg);
    const s = windows.map((w, i) => scoreM4(sub(w.tr, keep), sub(w.te, keep), p[i]).pred);
    const avg = (k: 'owa' | 'cov80' | 'cov95' | 'smape' | 'mase' | 'msis95'): number => mean(s.map((x) => x[k]));
    return { owa: avg('owa'), cov80: avg('cov80'), cov95: avg('cov95'), smape: avg('smape'), mase: avg('mase'), msis95: avg('msis95') };
  };
  const covDist = (f: { cov80: number; cov95: number }): number => Math.abs(f.cov80 - 0.8) + Math.abs(f.cov95 - 0.95);
  const choose = (keep: (id: string) => boolean): ForecasterConfig => {
    let best: ForecasterConfig = base, bestOwa = Infinity;
    for (const g of m4Grid()) {
      const cfg = { ...base, ...g };
      const o = score(cfg, keep).owa;
      if (o < bestOwa) { bestOwa = o; best = cfg; }
    }
    let bestA = best, bestD = Infinity;
    for (const ig of M4_INTERVALS) {
      const cfg = { ...best, ...ig };
      const d = covDist(score(cfg, keep));
      if (d < bestD) { bestD = d; bestA = cfg; }
    }
    return bestA;
  };
  const picked = (cfg: ForecasterConfig): Partial<ForecasterConfig> => ({ naiveMember: cfg.naiveMember, farWeights: cfg.farWeights, combinePower: cfg.combinePower, alphaMul: cfg.alphaMul, gammaMulDaily: cfg.gammaMulDaily, gammaMulWeekly: cfg.gammaMulWeekly, intervalWidth: cfg.intervalWidth, intervalWidth95: cfg.intervalWidth95 });
  const picks: string[] = [];
  const oof: Record<string, number>[] = [];
  for (let k = 0; k < 2; k++) {
    const cfg = choose((id) => foldOf.get(id) !== k);
    picks.push(`fold ${k}: ${JSON.stringify(picked(cfg))}`);
    oof.push(score(cfg, (id) => foldOf.get(id) === k));
  }
  // Out of fold: the two folds' figures, each weighted by its share of the series (their means are over series).
  const n1 = ids.filter((id) => foldOf.get(id) === 1).length / ids.length;
  const out: Record<string, number> = {};
  for (const k of Object.keys(oof[0])) out[k] = (1 - n1) * oof[0][k] + n1 * oof[1][k];
  const all = picked(choose(() => true));
  const same = Object.entries(all).every(([k, v]) => (DEFAULT_FORECASTER_CONFIG as unknown as Record<string, unknown>)[k] === v);
  return { out_of_fold: out, choice_all_series: all, defaults_hold_choice: same, fold_picks: picks };
}

// ------------------------------------------------------------------ main
/** The last line of the reference scorer (score.mjs in the data folder): the figures it recomputes. */
interface ReferenceScores {
  bitbrains: {
    forecasts: Record<string, Record<string, Record<'pred' | 'snaive', { mase: number; spl: number }>>>;
    rightsizing: Record<string, Record<'pred' | 'vpa', { under: number; slack: number }>>;
  };
  m4?: { pred: Record<string, number> };
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args.data !== 'string' || typeof args.out !== 'string') die('usage: --data DIR --out DIR [--eval-from ISO] [--folds N] [--no-cv]');
  const data = args.data, outDir = args.out;
  const bbDir = path.join(data, 'bitbrains');
  if (!existsSync(bbDir)) die(`no bitbrains/ folder in ${data}`);
  mkdirSync(outDir, { recursive: true });
  const t0 = performance.now();
  const vms = args['m4-only'] ? [] : loadVms(bbDir);
  let end = args['m4-only'] ? 30 * DAY : -Infinity;
  for (const vm of vms) end = Math.max(end, vm.ts[vm.ts.length - 1]);
  end = Math.ceil(end / HOUR) * HOUR;
  const evalFrom = typeof args['eval-from'] === 'string' ? parseTime(args['eval-from']) : end - 7 * DAY;
  const origins: number[] = [];
  for (let o = evalFrom; o + DAY <= end; o += 6 * HOUR) origins.push(o);
  if (!origins.length) die(`no origin: --eval-from ${iso(evalFrom)} leaves less than 24 h before the end of the data (${iso(end)})`);
  const vmById = new Map(vms.map((v) => [v.id, v]));
  const json: Record<string, unknown> = { vms: vms.length, origins: origins.length, eval_from: iso(evalFrom) };
  console.log(`Bitbrains: ${vms.length} VMs, ${origins.length} origins every 6 h from ${iso(evalFrom)}; data end ${iso(end)}`);

  // --config JSON: development only (exploring a constant before adding it to the grid); the
  // reported figures are the cross-validated ones and the frozen defaults.
  const base: ForecasterConfig = typeof args.config === 'string' ? { ...DEFAULT_FORECASTER_CONFIG, ...(JSON.parse(args.config) as Partial<ForecasterConfig>) } : DEFAULT_FORECASTER_CONFIG;
  if (typeof args.config === 'string') console.log(`NOTE: --config overrides the defaults: ${args.config}`);

  // 1. Cross-validation over folds of VMs.
  const folds = typeof args.folds === 'string' ? Number(args.folds) : 4;
  if (!args['no-cv'] && !args['m4-only']) {
    const configs = grid().map((g) => ({ ...base, ...g }));
    console.log(`cross-validating ${configs.length} configurations...`);
    const all: SeriesScore[][] = configs.map((cfg) => {
      const s: SeriesScore[] = [];
      for (const vm of vms) for (const m of METRICS) s.push(scoreSeries(vm, replay(vm, m, cfg, origins, ALL_RISKS), origins, evalFrom));
      return s;
    });
    const foldOf = (id: string): number => vms.findIndex((v) => v.id === id) % folds;
    // Interval constants on top of a chosen point configuration (replayed once per distinct choice).
    const intervalRuns = new Map<number, SeriesScore[][]>();
    const intervalScores = (bi: number): SeriesScore[][] => {
      let r = intervalRuns.get(bi);
      if (!r) {
        r = intervalGrid().map((ig) => {
          const s: SeriesScore[] = [];
          for (const vm of vms) for (const m of METRICS) s.push(scoreSeries(vm, replay(vm, m, { ...configs[bi], ...ig }, origins, []), origins, evalFrom));
          return s;
        });
        intervalRuns.set(bi, r);
      }
      return r;
    };
    const chooseInterval = (runs: SeriesScore[][], keep: (s: SeriesScore) => boolean): number => {
      let best = 0;
      runs.forEach((r, i) => { if (coverageObjective(figures(r.filter(keep), { cpu: 0, memory: 0 })) < coverageObjective(figures(runs[best].filter(keep), { cpu: 0, memory: 0 }))) best = i; });
      return best;
    };
    // The sizing bases on top of a chosen point configuration (the forecasts do not depend on the
    // basis: only the right-sizing of these runs is read).
    const basisRuns = new Map<number, SeriesScore[][]>();
    const basisScores = (bi: number): SeriesScore[][] => {
      let r = basisRuns.get(bi);
      if (!r) {
        r = BASES.map((basis) => {
          if (basis.sizingBasis === 'forecast' && configs[bi].sizingBasis === 'forecast') return all[bi];
          const s: SeriesScore[] = [];
          for (const vm of vms) for (const m of METRICS) s.push(scoreSeries(vm, replay(vm, m, { ...configs[bi], ...basis }, origins, ALL_RISKS), origins, evalFrom));
          return s;
        });
        basisRuns.set(bi, r);
      }
      return r;
    };
    const oofCov: SeriesScore[] = [];
    const oof: SeriesScore[] = [];
    const oofRisk: Record<'cpu' | 'memory', SizingAcc[][]> = { cpu: [], memory: [] };
    const picks: string[] = [];
    for (let k = 0; k < folds; k++) {
      const train = (s: SeriesScore[]): SeriesScore[] => s.filter((x) => foldOf(x.vm) !== k);
      let bi = 0;
      configs.forEach((_, ci) => { if (objective(figures(train(all[ci]), { cpu: 0, memory: 0 })) < objective(figures(train(all[bi]), { cpu: 0, memory: 0 }))) bi = ci; });
      const bs = basisScores(bi);
      const rc = chooseSizing(bs.map(train), 'cpu'), rm = chooseSizing(bs.map(train), 'memory');
      const ir = intervalScores(bi);
      const ii = chooseInterval(ir, (x) => foldOf(x.vm) !== k);
      for (const s of ir[ii].filter((x) => foldOf(x.vm) === k)) oofCov.push(s);
      picks.push(`fold ${k}: ${JSON.stringify(grid()[bi])} intervals ${JSON.stringify(intervalGrid()[ii])} sizing cpu ${basisName(rc.basis)} shortCost ${rc.cost}, memory ${basisName(rm.basis)} shortCost ${rm.cost}`);
      for (const s of all[bi].filter((x) => foldOf(x.vm) === k)) oof.push(s);
      for (const [kind, ch] of [['cpu', rc], ['memory', rm]] as const) {
        for (const s of bs[ch.b].filter((x) => foldOf(x.vm) === k && x.sizing && (x.metric === 'cpu_usage_mhz') === (kind === 'cpu'))) {
          oofRisk[kind].push([s.sizing!.risk[riskIndex(kind, ch.i)], s.sizing!.vpa]);
        }
      }
    }
    const f = figures(oof, { cpu: 0, memory: 0 });
    console.log(`\nCross-validation (${folds} folds of VMs, ${configs.length} forecaster configurations x risk targets; each fold scored with the choice made on the others):`);
    for (const p of picks) console.log(`  ${p}`);
    const fc = figures(oofCov, { cpu: 0, memory: 0 });
    console.log('OUT-OF-FOLD     metric          pred MASE  sNaive   naive   MASE/sN  median   SPL   cov80  cov95');
    for (const blk of ['short', 'day']) for (const m of ['cpu_usage_mhz', 'mem_usage_kb', 'all']) {
      const g = (k: string): number => f[`${blk}.${m}.${k}`];
      const c = (k: string): number => fc[`${blk}.${m}.${k}`];
      console.log(`${blk.padEnd(15)} ${m.padEnd(15)} ${g('pred_mase').toFixed(3).padStart(9)} ${g('snaive_mase').toFixed(3).padStart(7)} ${g('naive_mase').toFixed(3).padStart(7)} ${g('pred_mase_vs_snaive').toFixed(3).padStart(8)} ${g('pred_mase_median').toFixed(3).padStart(7)} ${g('pred_spl').toFixed(3).padStart(6)} ${c('pred_cov80').toFixed(3).padStart(6)} ${c('pred_cov95').toFixed(3).padStart(6)}`);
    }
    const cvOut: Record<string, number> = {};
    for (const [k, v] of Object.entries(f)) if (!k.startsWith('sizing') && !k.includes('_cov')) cvOut[k] = round(v);
    // Coverage out of fold: each fold's intervals from the interval constants chosen on the others
    // (SPL reads the 80 % bounds too, so it is taken from the same runs).
    for (const [k, v] of Object.entries(fc)) if (k.includes('_cov') || k.endsWith('pred_spl')) cvOut[k] = round(v);
    console.log('OUT-OF-FOLD right-sizing  metric          pred under%  slack   VPA under%  slack');
    for (const kind of ['cpu', 'memory'] as const) {
      const p = pooled(oofRisk[kind].map((x) => x[0])), q = pooled(oofRisk[kind].map((x) => x[1]));
      const name = kind === 'cpu' ? 'cpu_usage_mhz' : 'mem_usage_kb';
      console.log(`                          ${name.padEnd(15)} ${(100 * p.under).toFixed(2).padStart(10)} ${p.slack.toFixed(4).padStart(7)} ${(100 * q.under).toFixed(2).padStart(10)} ${q.slack.toFixed(4).padStart(7)}`);
      cvOut[`sizing.${name}.pred_under`] = round(p.under);
      cvOut[`sizing.${name}.pred_slack`] = round(p.slack);
      cvOut[`sizing.${name}.vpa_under`] = round(q.under);
      cvOut[`sizing.${name}.vpa_slack`] = round(q.slack);
    }
    // The choice on all VMs (what config.ts and risk.ts should hold).
    let bi = 0;
    configs.forEach((_, ci) => { if (objective(figures(all[ci], { cpu: 0, memory: 0 })) < objective(figures(all[bi], { cpu: 0, memory: 0 }))) bi = ci; });
    const iAll = intervalGrid()[chooseInterval(intervalScores(bi), () => true)];
    const sc = chooseSizing(basisScores(bi), 'cpu'), sm = chooseSizing(basisScores(bi), 'memory');
    const full = { config: { ...grid()[bi], ...iAll }, risk_cpu: sc.cost, risk_memory: sm.cost, basis_cpu: sc.basis, basis_memory: sm.basis };
    const sameBasis = (c: SizingChoice, kind: 'cpu' | 'memory'): boolean => {
      const frozen = forecasterConfig(SIZING[kind]);
      return c.basis.sizingBasis === frozen.sizingBasis &&
        (c.basis.sizingBasis === 'forecast' || (c.basis.recentHalfLife === frozen.recentHalfLife && c.basis.recentScaling === frozen.recentScaling));
    };
    const frozen = { ...grid()[bi], ...iAll } as Record<string, unknown>;
    const same = Object.entries(frozen).every(([k, v]) => (DEFAULT_FORECASTER_CONFIG as unknown as Record<string, unknown>)[k] === v) &&
      full.risk_cpu === DEFAULT_RISK.cpu && full.risk_memory === DEFAULT_RISK.memory && sameBasis(sc, 'cpu') && sameBasis(sm, 'memory');
    console.log(`choice on all VMs: ${JSON.stringify(full)} — ${same ? 'the frozen defaults hold it' : 'DIFFERS from the frozen defaults (config.ts, risk.ts)'}`);
    json.cv = { folds, configurations: configs.length, out_of_fold: cvOut, choice_all_vms: full, defaults_hold_choice: same, fold_picks: picks };
  }

  // 2. One run with the defaults: files, own figures, reference scorer cross-check.
  const runs: SeriesRun[] = [];
  const scores: SeriesScore[] = [];
  const risks = [DEFAULT_RISK.cpu, DEFAULT_RISK.memory];
  for (const vm of vms) for (const m of METRICS) {
    const r = replay(vm, m, { ...base, ...SIZING[m.kind] }, origins, risks);
    // Keep only the request at this metric's own risk target.
    r.requests = r.requests.map((x) => [x[m.kind === 'cpu' ? 0 : 1]]);
    runs.push(r);
    scores.push(scoreSeries(vmById.get(vm.id)!, r, origins, evalFrom));
  }
  const fl = ['vm,metric,origin,h,point,lo80,hi80,lo95,hi95'];
  const rl = ['vm,metric,origin,recommendation'];
  const hk = [...Array.from({ length: 12 }, (_, i) => String(i + 1)), ...Array.from({ length: 24 }, (_, i) => `d${i + 1}`)];
  for (const r of runs) {
    origins.forEach((o, oi) => {
      r.forecasts[oi].forEach((row, i) => fl.push(`${r.vm},${r.metric},${o},${hk[i]},${row.map(num).join(',')}`));
      rl.push(`${r.vm},${r.metric},${o},${num(r.requests[oi][0])}`);
    });
  }
  writeFileSync(path.join(outDir, 'bitbrains_forecasts.csv'), fl.join('\n') + '\n');
  writeFileSync(path.join(outDir, 'bitbrains_rightsizing.csv'), rl.join('\n') + '\n');
  const f = figures(scores, { cpu: 0, memory: 0 });
  console.log(`\nDefaults (${JSON.stringify(DEFAULT_RISK)} shortCost per resource, sizing ${JSON.stringify(SIZING)}), all ${vms.length} VMs — in-sample for the constants, so optimistic; read the out-of-fold table first`);
  console.log('block           metric          pred MASE  sNaive   naive   MASE/sN  median   SPL   cov80  cov95');
  for (const blk of ['short', 'day']) for (const m of ['cpu_usage_mhz', 'mem_usage_kb', 'all']) {
    const g = (k: string): number => f[`${blk}.${m}.${k}`];
    console.log(`${blk.padEnd(15)} ${m.padEnd(15)} ${g('pred_mase').toFixed(3).padStart(9)} ${g('snaive_mase').toFixed(3).padStart(7)} ${g('naive_mase').toFixed(3).padStart(7)} ${g('pred_mase_vs_snaive').toFixed(3).padStart(8)} ${g('pred_mase_median').toFixed(3).padStart(7)} ${g('pred_spl').toFixed(3).padStart(6)} ${g('pred_cov80').toFixed(3).padStart(6)} ${g('pred_cov95').toFixed(3).padStart(6)}`);
  }
  console.log('right-sizing    metric          pred under%  slack   VPA under%  slack');
  for (const m of METRICS) {
    const g = (k: string): number => f[`sizing.${m.name}.${k}`];
    console.log(`                ${m.name.padEnd(15)} ${(100 * g('pred_under')).toFixed(2).padStart(10)} ${g('pred_slack').toFixed(4).padStart(7)} ${(100 * g('vpa_under')).toFixed(2).padStart(10)} ${g('vpa_slack').toFixed(4).padStart(7)}  slack ratio ${(g('pred_slack') / g('vpa_slack')).toFixed(3)}`);
  }
  json.bitbrains = Object.fromEntries(Object.entries(f).map(([k, v]) => [k, round(v)]));

  // 3. M4 Hourly through the same forecaster (hourly samples; horizon 48 as the task asks).
  const m4Train = path.join(data, 'm4', 'Hourly-train.csv');
  let m4Own: ReturnType<typeof scoreM4> | null = null;
  let m4TrainFile = '', m4TestFile = '';
  if (existsSync(m4Train) && !args['no-m4']) {
    const full = readM4(m4Train);
    const testPath = path.join(data, 'm4', 'Hourly-test.csv');
    let train: Map<string, number[]>, test: Map<string, number[]> | null;
    if (existsSync(testPath)) {
      train = full; test = readM4(testPath); m4TrainFile = m4Train; m4TestFile = testPath;
    } else {
      train = new Map([...full].map(([id, x]) => [id, x.slice(0, x.length - 48)]));
      test = new Map([...full].map(([id, x]) => [id, x.slice(x.length - 48)]));
      const val = path.join(outDir, 'm4-val');
      mkdirSync(val, { recursive: true });
      m4TrainFile = path.join(val, 'Hourly-train.csv'); m4TestFile = path.join(val, 'Hourly-test.csv');
      writeM4(m4TrainFile, train); writeM4(m4TestFile, test);
    }
    if (!args['no-cv']) {
      console.log(`\nM4 cross-validation of the combination's constants (${m4Grid().length} configurations, then ${M4_INTERVALS.length} interval settings; windows cut ${M4_CUTS.join(' and ')} points before the end of the training values, 2 folds of series)...`);
      const cv = m4CrossValidate(train, base);
      for (const p of cv.fold_picks) console.log(`  ${p}`);
      const o = cv.out_of_fold;
      console.log('OUT-OF-FOLD (M4 training windows)  sMAPE    MASE    OWA    MSIS95  cov80  cov95');
      console.log(`                              ${o.smape.toFixed(3).padStart(7)} ${o.mase.toFixed(3).padStart(7)} ${o.owa.toFixed(3).padStart(6)} ${o.msis95.toFixed(3).padStart(8)} ${o.cov80.toFixed(3)} ${o.cov95.toFixed(3)}`);
      console.log(`choice on all series: ${JSON.stringify(cv.choice_all_series)} — ${cv.defaults_hold_choice ? 'the frozen defaults hold it' : 'DIFFERS from the frozen defaults (config.ts)'}`);
      json.m4_cv = { ...cv, out_of_fold: Object.fromEntries(Object.entries(cv.out_of_fold).map(([k, v]) => [k, round(v)])) };
    }
    const pred = m4Forecasts(train, base);
    const lines = ['id,h,point,lo80,hi80,lo95,hi95'];
    for (const [id, rows] of pred) rows.forEach((r, i) => lines.push(`${id},${i + 1},${r.map(num).join(',')}`));
    writeFileSync(path.join(outDir, 'm4_hourly.csv'), lines.join('\n') + '\n');
    m4Own = scoreM4(train, test, pred);
    const p = m4Own.pred;
    console.log(`\nM4 Hourly (${train.size} series, h 1-48, ${existsSync(testPath) ? 'published test set' : 'last 48 training points held back'}; never used to choose a constant)`);
    console.log('method  sMAPE    MASE    OWA    MSIS95  cov80  cov95  ACD95');
    console.log(`pred  ${p.smape.toFixed(3).padStart(7)} ${p.mase.toFixed(3).padStart(7)} ${p.owa.toFixed(3).padStart(6)} ${p.msis95.toFixed(3).padStart(8)} ${p.cov80.toFixed(3)} ${p.cov95.toFixed(3)} ${p.acd95.toFixed(3)}`);
    console.log(`Naive2 ${m4Own.naive2.smape.toFixed(3).padStart(6)} ${m4Own.naive2.mase.toFixed(3).padStart(7)}  1.000`);
    json.m4 = { ...Object.fromEntries(Object.entries<number>({ ...p }).map(([k, v]) => [k, round(v)])), naive2_smape: round(m4Own.naive2.smape), naive2_mase: round(m4Own.naive2.mase) };
  }

  // 4. Cross-check with the reference scorer.
  const scorer = path.join(data, 'score.mjs');
  if (args['no-check']) {
    console.log('\nreference scorer cross-check skipped (--no-check)');
  } else if (existsSync(scorer)) {
    // --m4-only: no VM files were written, so the scorer is not given the VM folder.
    const argv = [scorer, '--pred', outDir, ...(vms.length ? ['--bitbrains', bbDir, '--eval-from', String(evalFrom)] : [])];
    if (m4TrainFile) argv.push('--m4-train', m4TrainFile, '--m4-test', m4TestFile);
    const text = execFileSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 64 << 20 });
    // The reference scorer's JSON (shape documented in the data folder's README).
    const ref = JSON.parse(text.trim().split('\n').pop()!) as ReferenceScores;
    const pairs: [string, number, number][] = [];
    const fb = vms.length ? ref.bitbrains.forecasts : null;
    if (fb) for (const blk of ['short', 'day']) for (const m of ['cpu_usage_mhz', 'mem_usage_kb', 'all']) {
      pairs.push([`${blk}.${m}.pred.mase`, f[`${blk}.${m}.pred_mase`], fb[blk][m].pred.mase]);
      pairs.push([`${blk}.${m}.snaive.mase`, f[`${blk}.${m}.snaive_mase`], fb[blk][m].snaive.mase]);
      pairs.push([`${blk}.${m}.pred.spl`, f[`${blk}.${m}.pred_spl`], fb[blk][m].pred.spl]);
    }
    if (fb) for (const m of METRICS) {
      const rs = ref.bitbrains.rightsizing[m.name];
      pairs.push([`sizing.${m.name}.pred.under`, f[`sizing.${m.name}.pred_under`], rs.pred.under]);
      pairs.push([`sizing.${m.name}.pred.slack`, f[`sizing.${m.name}.pred_slack`], rs.pred.slack]);
      pairs.push([`sizing.${m.name}.vpa.under`, f[`sizing.${m.name}.vpa_under`], rs.vpa.under]);
      pairs.push([`sizing.${m.name}.vpa.slack`, f[`sizing.${m.name}.vpa_slack`], rs.vpa.slack]);
    }
    if (m4Own && ref.m4) for (const k of ['smape', 'mase', 'owa', 'msis95', 'cov80', 'cov95'] as const) pairs.push([`m4.pred.${k}`, m4Own.pred[k], ref.m4.pred[k]]);
    let worst = 0;
    for (const [, a, b] of pairs) worst = Math.max(worst, Math.abs(a - b) / Math.max(1, Math.abs(b)));
    const bad = pairs.filter(([, a, b]) => Math.abs(a - b) / Math.max(1, Math.abs(b)) > 1e-3);
    console.log(`\nreference scorer cross-check: ${pairs.length} figures, worst relative difference ${worst.toExponential(2)} ${bad.length ? 'MISMATCH' : '(agree)'}`);
    for (const [k, a, b] of bad) console.log(`  ${k}: ours ${a} reference ${b}`);
    json.reference_check = { figures: pairs.length, worst_rel_diff: worst, agree: bad.length === 0, reference: ref };
    if (bad.length) process.exitCode = 1;
  } else {
    console.log(`\nreference scorer not found at ${scorer}: cross-check skipped (provide the data folder's score.mjs)`);
    process.exitCode = 1;
  }
  json.elapsed_s = round((performance.now() - t0) / 1000);
  console.log(JSON.stringify(json));
}

function num(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(8))) : '0';
}
function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toFixed(4)) : NaN;
}

main();
