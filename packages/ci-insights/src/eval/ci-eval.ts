// Test-prioritisation evaluation on a RETECS-format CI history (e.g. ABB IOF/ROL).
//
// Usage: node packages/ci-insights/dist/eval/ci-eval.js --data FILE.csv --out DIR [--from-cycle N]
//   (FILE may also be a folder holding exactly one .csv; --from-cycle drops earlier cycles, to
//   see a cold start part-way through a history, as a held-out half starts).
// Protocol (online): cycles in order; before a cycle the prioritiser sees its executions (name,
// duration, time) and everything learned from earlier cycles, never the cycle's verdicts; it
// ranks the executions; then the verdicts are fed back as TestRun records. CalcPrio is ignored.
// LastResults (a test's earlier verdicts, most recent first) is the test's stored verdict
// history: before a cycle is ranked, each test of the cycle is seeded with it through
// CiHistory.seedPriorVerdicts, which uses it only when it is longer than what the history saw
// (a test first met in this file). Only the LastResults of the test's FIRST execution in the
// cycle (the caller's order: time, then Id) is read: later executions of the same test in one
// cycle are retries, and their LastResults already hold the verdicts of the cycle's earlier
// attempts, which must stay unseen until the cycle is ranked. In the service the same role is
// played by the ci_test_runs rows the writer's CI state replays at rebuild (see README).
// Writes DIR/iofrol.csv (Cycle,Id,Rank) for the shared apfd.mjs scorer, prints APFD computed
// by this package's apfd() (n ≥ 6, m ≥ 1 cycles), side-by-side baselines, build-failure risk
// calibration, a table, and one JSON object as the last line.

import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { meanApfd } from '../apfd.js';
import { CiHistory } from '../history.js';
import { assessBuildRisk, prioritise } from '../prioritiser.js';
import type { RankObjective } from '../options.js';
import { seededUniform } from '@vigil/stats';

interface Execution {
  id: string;
  name: string;
  durationMs: number;
  timeMs: number;
  failed: boolean;
  cycle: number;
  /** LastResults: earlier verdicts of the test, most recent first (true = failed). */
  prior: boolean[];
}

function args(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) out[a.slice(2)] = argv[i + 1] ?? '';
  }
  return out;
}

function resolveData(path: string): string {
  if (!statSync(path).isDirectory()) return path;
  const csvs = readdirSync(path).filter((f) => f.endsWith('.csv'));
  if (csvs.length !== 1) throw new Error(`--data ${path}: expected exactly one .csv in the folder, found ${csvs.length}`);
  return join(path, csvs[0]);
}

function load(file: string): Map<number, Execution[]> {
  const lines = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(';').map((h) => h.trim());
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${file}: no ${name} column in header ${lines[0]}`);
    return i;
  };
  const [ci, ni, di, ti, vi, yi, li] = [col('Id'), col('Name'), col('Duration'), col('LastRun'), col('Verdict'), col('Cycle'), col('LastResults')];
  const cycles = new Map<number, Execution[]>();
  for (const line of lines.slice(1)) {
    const f = line.split(';');
    const cycle = Number(f[yi]);
    const timeMs = Date.parse(`${f[ti].trim().replace(' ', 'T')}Z`);
    const lr = f[li].trim();
    if (!/^\[[\d,\s]*\]$/.test(lr)) throw new Error(`${file}: bad LastResults ${JSON.stringify(lr)} in row ${line}`);
    const prior = lr.slice(1, -1).split(',').map((x) => x.trim()).filter((x) => x !== '').map((x) => Number(x) === 1);
    const e: Execution = { id: f[ci].trim(), name: f[ni].trim(), durationMs: Number(f[di]), timeMs, failed: Number(f[vi]) === 1, cycle, prior };
    if (!Number.isFinite(cycle) || !Number.isFinite(timeMs)) throw new Error(`${file}: bad row ${line}`);
    let list = cycles.get(cycle);
    if (!list) cycles.set(cycle, (list = []));
    list.push(e);
  }
  return new Map([...cycles].sort((a, b) => a[0] - b[0]));
}

const SUITE = 'iofrol';
const PIPELINE = 'iofrol';

interface ReplayResult {
  ordersFailed: boolean[][];
  /** Per cycle, the test name of each ranked execution (for the retry-order sensitivity). */
  ordersNames: string[][];
  rows: string[];
  /** Tests whose state was seeded from LastResults. */
  seeded: number;
  risk: Array<{ p: number; base: number; failed: boolean }>;
  rankMsTotal: number;
}

/** Replays the history through the prioritiser, strictly online. */
function replay(cycles: Map<number, Execution[]>, objective: RankObjective, usePrior: boolean): ReplayResult {
  const history = new CiHistory({ objective });
  const ordersFailed: boolean[][] = [];
  const ordersNames: string[][] = [];
  let seeded = 0;
  const rows: string[] = [];
  const risk: ReplayResult['risk'] = [];
  let rankMsTotal = 0;
  for (const [cycle, execs] of cycles) {
    const runId = `cycle-${cycle}`;
    const inOrder = [...execs].sort((a, b) => a.timeMs - b.timeMs || Number(a.id) - Number(b.id));
    const startMs = inOrder[0].timeMs;
    const tests = inOrder.map((e) => ({ id: e.id, name: e.name, durationMs: e.durationMs }));
    // Seeding is the history's refresh, not ranking: it stays outside the timed part.
    if (usePrior) {
      const seen = new Set<string>();
      for (const e of inOrder) {
        if (seen.has(e.name)) continue; // first execution only: see the module comment
        seen.add(e.name);
        if (history.seedPriorVerdicts(SUITE, e.name, e.prior, startMs)) seeded++;
      }
    }
    const t0 = performance.now();
    const r = assessBuildRisk(history, { pipeline: PIPELINE, runId, suite: SUITE, tests });
    const base = history.pipelineFailureProbability(PIPELINE);
    const res = prioritise(history, { suite: SUITE, tests, revision: runId, nowMs: startMs });
    rankMsTotal += performance.now() - t0;
    const byId = new Map(inOrder.map((e) => [e.id, e]));
    ordersFailed.push(res.ranked.map((t) => byId.get(t.id)!.failed));
    ordersNames.push(res.ranked.map((t) => t.name));
    for (const t of res.ranked) rows.push(`${cycle},${t.id},${t.rank}`);
    // Verdicts become visible only now.
    for (const e of inOrder) {
      history.ingest({ suite: SUITE, testName: e.name, pipeline: PIPELINE, runId, revision: runId, status: e.failed ? 'failed' : 'passed', durationMs: e.durationMs, timeMs: e.timeMs });
    }
    const failed = inOrder.some((e) => e.failed);
    risk.push({ p: r.probability, base, failed });
    history.recordPipelineRun({ pipeline: PIPELINE, runId, status: failed ? 'failed' : 'passed', timeMs: inOrder[inOrder.length - 1].timeMs });
  }
  return { ordersFailed, ordersNames, rows, seeded, risk, rankMsTotal };
}


function main(): void {
  const a = args(process.argv.slice(2));
  if (!a['data'] || !a['out']) {
    console.error('usage: ci-eval --data FILE.csv --out DIR [--from-cycle N]');
    process.exit(2);
  }
  const file = resolveData(a['data']);
  let cycles = load(file);
  const fromCycle = a['from-cycle'] !== undefined ? Number(a['from-cycle']) : null;
  if (fromCycle !== null) {
    if (!Number.isInteger(fromCycle)) throw new Error(`--from-cycle ${a['from-cycle']}: must be an integer`);
    cycles = new Map([...cycles].filter(([c]) => c >= fromCycle));
    if (cycles.size === 0) throw new Error(`--from-cycle ${fromCycle}: no cycle left`);
  }
  const executions = [...cycles.values()].reduce((s, c) => s + c.length, 0);

  const main = replay(cycles, 'failures', true);
  mkdirSync(a['out'], { recursive: true });
  writeFileSync(join(a['out'], 'iofrol.csv'), `Cycle,Id,Rank\n${main.rows.join('\n')}\n`);
  const ours = meanApfd(main.ordersFailed);
  const perSecond = meanApfd(replay(cycles, 'failures-per-second', true).ordersFailed);
  const noPrior = meanApfd(replay(cycles, 'failures', false).ordersFailed);

  // Sensitivity to the order of one test's executions inside a cycle. They get the same score
  // and keep the caller's order, so a retry stays behind the attempt it repeats (as in a real
  // run). Shuffling each test's executions among the positions they hold shows how much of the
  // APFD comes from that order rather than from ranking tests (mean of 20 seeds).
  let shuffledSum = 0;
  for (let s = 1; s <= 20; s++) {
    const rnd = seededUniform(1000 + s);
    shuffledSum += meanApfd(main.ordersFailed.map((verdicts, ci) => {
      const names = main.ordersNames[ci];
      const slots = new Map<string, number[]>();
      names.forEach((n, i) => {
        let l = slots.get(n);
        if (!l) slots.set(n, (l = []));
        l.push(i);
      });
      const out = [...verdicts];
      for (const pos of slots.values()) {
        const v = pos.map((i) => verdicts[i]);
        for (let i = v.length - 1; i > 0; i--) {
          const j = Math.floor(rnd() * (i + 1));
          [v[i], v[j]] = [v[j], v[i]];
        }
        pos.forEach((p, k) => { out[p] = v[k]!; });
      }
      return out;
    })).mean;
  }
  const retryShuffled = shuffledSum / 20;

  // What the retry count would be worth — NOT used by Vigil. In this history a test that fails
  // is often re-run in the same cycle, so "this test runs more than once in the cycle" tells that
  // one of its attempts failed: a verdict of the cycle, which a CI cannot know before running.
  // Moving such tests first (stable otherwise) measures how much of a score could come from it.
  const leaked = meanApfd(main.ordersFailed.map((verdicts, ci) => {
    const names = main.ordersNames[ci];
    const count = new Map<string, number>();
    for (const n of names) count.set(n, (count.get(n) ?? 0) + 1);
    const idx = names.map((_, i) => i);
    idx.sort((x, y) => Number(count.get(names[y])! > 1) - Number(count.get(names[x])! > 1) || x - y);
    return idx.map((i) => verdicts[i]);
  })).mean;

  // Side-by-side references on the same cycles: random order (mean of 20 seeds), perfect order.
  const cycleVerdicts = [...cycles.values()].map((c) => c.map((e) => e.failed));
  let randomSum = 0;
  const seeds = 20;
  for (let s = 1; s <= seeds; s++) {
    const rnd = seededUniform(s);
    randomSum += meanApfd(cycleVerdicts.map((v) => {
      const o = [...v];
      for (let i = o.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [o[i], o[j]] = [o[j], o[i]];
      }
      return o;
    })).mean;
  }
  const random = randomSum / seeds;
  const perfect = meanApfd(cycleVerdicts.map((v) => [...v].sort((x, y) => Number(y) - Number(x)))).mean;

  // Build-failure risk: Brier score of the learned model vs the pipeline's own recent rate.
  const brier = (f: (r: { p: number; base: number; failed: boolean }) => number): number =>
    main.risk.reduce((s, r) => s + (f(r) - (r.failed ? 1 : 0)) ** 2, 0) / main.risk.length;
  const riskBrier = brier((r) => r.p);
  const baseBrier = brier((r) => r.base);
  const failedCycles = main.risk.filter((r) => r.failed).length;

  const fmt = (x: number): string => x.toFixed(4);
  const rowsOut: Array<[string, string]> = [
    ['data', file.split(/[\\/]/).pop()!],
    ['cycles / executions', `${cycles.size} / ${executions}${fromCycle !== null ? ` (from cycle ${fromCycle}, cold start)` : ''}`],
    ['scored cycles (n>=6, m>=1)', String(ours.cycles)],
    ['APFD vigil (objective=failures)', fmt(ours.mean)],
    ['APFD vigil (objective=failures-per-second)', fmt(perSecond.mean)],
    ['APFD vigil without LastResults prior', fmt(noPrior.mean)],
    ['APFD vigil, each test\'s executions shuffled', fmt(retryShuffled)],
    ['tests seeded from LastResults', String(main.seeded)],
    ['APFD if repeated tests went first (leak, not used)', fmt(leaked)],
    ['APFD random order (20 seeds)', fmt(random)],
    ['APFD perfect order', fmt(perfect)],
    ['build risk Brier (model)', fmt(riskBrier)],
    ['build risk Brier (pipeline rate only)', fmt(baseBrier)],
    ['failed cycles', `${failedCycles} / ${cycles.size}`],
    ['rank+risk time per cycle (ms)', (main.rankMsTotal / cycles.size).toFixed(3)],
    ['ranking written to', join(a['out'], 'iofrol.csv')],
  ];
  const w = Math.max(...rowsOut.map((r) => r[0].length));
  console.log('CI test prioritisation, online replay (RETECS protocol)');
  for (const [k, v] of rowsOut) console.log(`${k.padEnd(w)}  ${v}`);
  console.log(JSON.stringify({
    cycles: cycles.size,
    executions,
    scored_cycles: ours.cycles,
    apfd: Number(ours.mean.toFixed(6)),
    apfd_failures_per_second: Number(perSecond.mean.toFixed(6)),
    apfd_without_prior: Number(noPrior.mean.toFixed(6)),
    apfd_same_test_executions_shuffled: Number(retryShuffled.toFixed(6)),
    tests_seeded_from_prior: main.seeded,
    apfd_with_retry_leak_not_used: Number(leaked.toFixed(6)),
    apfd_random: Number(random.toFixed(6)),
    apfd_perfect: Number(perfect.toFixed(6)),
    risk_brier: Number(riskBrier.toFixed(6)),
    risk_brier_pipeline_rate: Number(baseBrier.toFixed(6)),
    rank_ms_per_cycle: Number((main.rankMsTotal / cycles.size).toFixed(4)),
  }));
}

main();
