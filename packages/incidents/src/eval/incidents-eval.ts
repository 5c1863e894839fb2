// Incident-memory evaluation: does the top suggestion name the right past failure?
//
//   node packages/incidents/dist/eval/incidents-eval.js [--seed 1] [--incidents 800] [--stored 100000] [--queries 2000] [--min-shown 0.3]
//
// 1. Quality. For each noise level, a seeded history of incidents (recurring failure kinds plus
//    one-off distractors, scenarios.ts) is replayed in time order through the same code the
//    alerter runs: buildFingerprint → IncidentIndex.query. Each alert is answered with only the
//    incidents resolved before it started; then it is filed. For alerts whose kind happened
//    before ("recurring"): P@1 = the top suggestion has the same kind; HR@3 = one of the top 3
//    has; P@3 = share of the top 3 with the same kind. Shown@1 counts only suggestions the
//    alerter would show (top score ≥ the cross-validated cut of part 3, or --min-shown). Baseline: the most recent incident of the
//    same service. For distractors (no right answer): how often something is shown anyway.
// 2. Speed. 100,000 stored incidents (noise 0.5), then query latency p50/p99 for fresh alerts,
//    checked against brute force on a sample.
// 3. The "nothing similar" cut. Every alert of every history is a sample: its top score and
//    whether a true past match existed (same kind resolved before it started) and was ranked
//    first. The cut (least top score shown) is chosen by cross-validation over independent
//    histories: FOLDS seeds, each with every noise level; the cut is fitted (calibration.ts
//    chooseCut: smallest cut with spurious ≤ 20 % and precision at 1 ≥ 0.85) on the other folds
//    and scored on the held-out one. The out-of-fold figures are reported first; the cut fitted
//    on all folds is the alerter's default (alerter.incidents.minSimilarity); the old cut (0.3)
//    is scored side by side.
// Prints a table; the last line is one JSON object with every figure.
import { performance } from 'node:perf_hooks';
import { chooseCut, scoreCut } from '../calibration.js';
import type { CutSample } from '../calibration.js';
import { buildFingerprint } from '../fingerprint.js';
import type { Fingerprint } from '../fingerprint.js';
import { IncidentIndex } from '../incident-index.js';
import { mulberry32 } from '../rng.js';
import type { PastIncident } from '../types.js';
import { ScenarioGenerator } from './scenarios.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return def;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a number >= 0, got ${JSON.stringify(process.argv[i + 1])}`);
  return v;
}

const SEED = arg('seed', 1);
const INCIDENTS = arg('incidents', 800);
const STORED = arg('stored', 100_000);
const QUERIES = arg('queries', 2000);
// The cut used for the "shown" columns and the speed test: --min-shown, else the cross-validated one.
let MIN_SHOWN = arg('min-shown', 0);
const NOISE_LEVELS = [0, 0.25, 0.5, 0.75, 1];
const FOLDS = arg('folds', 4);
const TARGETS = { maxSpurious: 0.2, minPrecision: 0.85 };
const OLD_CUT = 0.3;
const MIN = 60_000;

interface Quality {
  noise: number;
  recurring: number;
  p1: number;
  hr3: number;
  p3: number;
  shown1: number;
  baselineP1: number;
  distractors: number;
  distractorShown: number;
}

function quality(noise: number, seed: number, samples: CutSample[] = []): Quality {
  const rng = mulberry32(seed);
  const gen = new ScenarioGenerator(rng, noise);
  const index = new IncidentIndex({ maxIncidents: 1_000_000 });
  const kinds = new Map<string, string>();
  const pending: Array<{ resolvedAtMs: number; inc: PastIncident }> = [];
  const lastByService = new Map<string, { resolvedAtMs: number; kind: string }>();
  const seenKinds = new Set<string>();
  let t = Date.UTC(2025, 0, 1);
  let recurring = 0, p1 = 0, hr3 = 0, p3 = 0, shown1 = 0, base = 0, distractors = 0, distractorShown = 0;
  for (let i = 0; i < INCIDENTS; i++) {
    t += Math.floor((20 + rng() * 240) * MIN);
    // File every incident resolved before this alert started (nothing from the future).
    pending.sort((a, b) => a.resolvedAtMs - b.resolvedAtMs);
    while (pending.length && pending[0].resolvedAtMs <= t) {
      const { inc } = pending.shift()!;
      index.add(inc);
      seenKinds.add(kinds.get(inc.id)!);
      const prev = lastByService.get(inc.service);
      if (!prev || prev.resolvedAtMs <= inc.resolvedAtMs) lastByService.set(inc.service, { resolvedAtMs: inc.resolvedAtMs, kind: kinds.get(inc.id)! });
    }
    const sc = gen.next();
    const fp = buildFingerprint(sc.input);
    const top = index.query(fp, { k: 3, minScore: 1e-9 });
    const hasMatch = sc.recurring && seenKinds.has(sc.kind);
    samples.push({ score: top[0]?.score ?? 0, hasMatch, correct: hasMatch && kinds.get(top[0]?.incidentId ?? '') === sc.kind });
    if (sc.recurring && seenKinds.has(sc.kind)) {
      recurring++;
      const k = top.map((x) => kinds.get(x.incidentId));
      if (k[0] === sc.kind) p1++;
      if (k[0] === sc.kind && top[0].score >= MIN_SHOWN) shown1++;
      if (k.includes(sc.kind)) hr3++;
      p3 += k.filter((x) => x === sc.kind).length / 3;
      if (lastByService.get(fp.service)?.kind === sc.kind) base++;
    } else if (!sc.recurring) {
      distractors++;
      if (top.length && top[0].score >= MIN_SHOWN) distractorShown++;
    }
    const id = `inc-${i}`;
    kinds.set(id, sc.kind);
    const resolvedAtMs = t + Math.floor((10 + rng() * 110) * MIN);
    pending.push({ resolvedAtMs, inc: { id, alertId: `al-${i}`, service: fp.service, title: sc.kind, startedAtMs: t, resolvedAtMs, fingerprint: fp } });
  }
  const r = (x: number, d = recurring) => (d ? Math.round((x / d) * 1000) / 1000 : 0);
  return { noise, recurring, p1: r(p1), hr3: r(hr3), p3: r(p3), shown1: r(shown1), baselineP1: r(base), distractors, distractorShown: r(distractorShown, distractors) };
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

function speed(seed: number): Record<string, number> {
  const rng = mulberry32(seed);
  const gen = new ScenarioGenerator(rng, 0.5);
  const heap0 = process.memoryUsage().heapUsed;
  const index = new IncidentIndex({ maxIncidents: STORED });
  const tBuild = performance.now();
  for (let i = 0; i < STORED; i++) {
    const fp = buildFingerprint(gen.next().input);
    index.add({ id: `inc-${i}`, alertId: `al-${i % 5000}`, service: fp.service, title: 't', startedAtMs: i, resolvedAtMs: i + 1, fingerprint: fp });
  }
  const buildMs = performance.now() - tBuild;
  const heapMb = (process.memoryUsage().heapUsed - heap0) / 1048576;
  const queries: Fingerprint[] = Array.from({ length: QUERIES }, () => buildFingerprint(gen.next().input));
  for (const q of queries.slice(0, 100)) index.query(q, { k: 3, minScore: MIN_SHOWN }); // warm-up (JIT)
  const lat: number[] = [];
  for (const q of queries) {
    const t0 = performance.now();
    index.query(q, { k: 3, minScore: MIN_SHOWN });
    lat.push(performance.now() - t0);
  }
  let mismatches = 0;
  const brute: number[] = [];
  for (const q of queries.slice(0, 50)) {
    const a = index.query(q, { k: 3, minScore: MIN_SHOWN }).map((x) => `${x.incidentId}:${x.score}`).join();
    const t0 = performance.now();
    const b = index.bruteForce(q, { k: 3, minScore: MIN_SHOWN }).map((x) => `${x.incidentId}:${x.score}`).join();
    brute.push(performance.now() - t0);
    if (a !== b) mismatches++;
  }
  return {
    stored_incidents: index.size, build_ms: Math.round(buildMs), heap_mb: Math.round(heapMb),
    query_p50_ms: round3(quantile(lat, 0.5)), query_p99_ms: round3(quantile(lat, 0.99)), query_max_ms: round3(Math.max(...lat)),
    brute_force_p50_ms: round3(quantile(brute, 0.5)), brute_force_mismatches: mismatches,
  };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`.padStart(7);

// Cross-validated cut: fold f = the histories of seed SEED*1000 + 100*(f+1), every noise level.
const folds: CutSample[][] = Array.from({ length: FOLDS }, (_, f) => {
  const out: CutSample[] = [];
  NOISE_LEVELS.forEach((nu, i) => quality(nu, SEED * 1000 + 100 * (f + 1) + i, out));
  return out;
});
const oof: CutSample[] = [];
const oofRows: Array<{ fold: number; cut: number; met: boolean; spurious: number; precision: number; coverage: number }> = [];
const shownCut = new Map<CutSample, number>();
folds.forEach((held, f) => {
  const fit = chooseCut(folds.filter((_, g) => g !== f).flat(), TARGETS);
  const out = scoreCut(held, fit.cut);
  oofRows.push({ fold: f, cut: fit.cut, met: fit.met, spurious: out.spuriousRate, precision: out.precisionAt1, coverage: out.coverage });
  for (const s of held) shownCut.set(s, fit.cut);
  oof.push(...held);
});
// Pooled out-of-fold: each held-out sample judged by the cut fitted without it.
let oNo = 0, oSp = 0, oWith = 0, oShown = 0, oRight = 0;
for (const s of oof) {
  const show = s.score > 0 && s.score >= shownCut.get(s)!;
  if (!s.hasMatch) { oNo++; if (show) oSp++; } else { oWith++; if (show) { oShown++; if (s.correct) oRight++; } }
}
const finalCut = chooseCut(oof, TARGETS);
if (!process.argv.includes('--min-shown')) MIN_SHOWN = finalCut.cut;
const oldCut = scoreCut(oof, OLD_CUT);
console.log(`"Nothing similar" cut: ${FOLDS}-fold cross-validation over independent histories (${oof.length} alerts; targets spurious <= ${TARGETS.maxSpurious * 100}%, precision@1 >= ${TARGETS.minPrecision})`);
console.log('fold   fitted-cut  met  held-out: spurious  precision@1  coverage');
for (const r of oofRows) console.log(`${String(r.fold).padEnd(6)} ${r.cut.toFixed(4).padStart(10)}  ${r.met ? 'yes' : 'no '}  ${pct(r.spurious).padStart(18)}  ${pct(r.precision).padStart(11)}  ${pct(r.coverage).padStart(8)}`);
const oofSp = oNo ? oSp / oNo : 0, oofP = oShown ? oRight / oShown : 1, oofCov = oWith ? oRight / oWith : 0;
console.log(`out-of-fold (pooled)              ${pct(oofSp).padStart(18)}  ${pct(oofP).padStart(11)}  ${pct(oofCov).padStart(8)}`);
console.log(`old cut ${OLD_CUT} (same alerts)           ${pct(oldCut.spuriousRate).padStart(18)}  ${pct(oldCut.precisionAt1).padStart(11)}  ${pct(oldCut.coverage).padStart(8)}`);
console.log(`cut fitted on all folds (the alerter's default minSimilarity): ${finalCut.cut.toFixed(4)} (in-sample: spurious ${pct(finalCut.spuriousRate)}, precision@1 ${pct(finalCut.precisionAt1)})`);
console.log('');
const rows = NOISE_LEVELS.map((nu, i) => quality(nu, SEED * 1000 + i));
console.log(`Incident memory: retrieval quality (seed ${SEED}, ${INCIDENTS} incidents per noise level, replayed in time order; shown = top score >= ${MIN_SHOWN.toFixed(4)})`);
console.log('noise  recurring    P@1   HR@3    P@3  shown@1  same-service-baseline@1  distractors  shown-for-distractor');
for (const r of rows) {
  console.log(`${r.noise.toFixed(2).padEnd(6)} ${String(r.recurring).padStart(9)} ${pct(r.p1)}${pct(r.hr3)}${pct(r.p3)} ${pct(r.shown1)}  ${pct(r.baselineP1).padStart(23)}  ${String(r.distractors).padStart(11)}  ${pct(r.distractorShown).padStart(20)}`);
}
const all = rows.reduce((a, r) => ({ n: a.n + r.recurring, p1: a.p1 + r.p1 * r.recurring, hr3: a.hr3 + r.hr3 * r.recurring }), { n: 0, p1: 0, hr3: 0 });
const s = speed(SEED + 7);
console.log('');
console.log(`Retrieval speed: ${s.stored_incidents} stored incidents (built in ${s.build_ms} ms, ~${s.heap_mb} MB heap), ${QUERIES} queries, k=3, minScore ${MIN_SHOWN}`);
console.log(`  inverted index  p50 ${s.query_p50_ms} ms  p99 ${s.query_p99_ms} ms  max ${s.query_max_ms} ms`);
console.log(`  brute force     p50 ${s.brute_force_p50_ms} ms   (answers differing on 50 checked queries: ${s.brute_force_mismatches})`);
const json: Record<string, number> = {
  seed: SEED, incidents_per_level: INCIDENTS,
  p_at_1_overall: round3(all.p1 / all.n), hr_at_3_overall: round3(all.hr3 / all.n),
  ...s,
  cut_oof_spurious_rate: round3(oofSp), cut_oof_precision_at_1: round3(oofP), cut_oof_coverage: round3(oofCov),
  cut_fitted_all: Math.round(finalCut.cut * 10000) / 10000, cut_fitted_all_in_sample_spurious_rate: round3(finalCut.spuriousRate),
  cut_fitted_all_in_sample_precision_at_1: round3(finalCut.precisionAt1),
  old_cut_0_3_spurious_rate: round3(oldCut.spuriousRate), old_cut_0_3_precision_at_1: round3(oldCut.precisionAt1), old_cut_0_3_coverage: round3(oldCut.coverage),
  cv_folds: FOLDS, cv_alerts: oof.length,
};
oofRows.forEach((r) => { json[`cut_fold_${r.fold}`] = Math.round(r.cut * 10000) / 10000; });
for (const r of rows) {
  const k = `noise_${String(r.noise).replace('.', '_')}`;
  json[`${k}_recurring`] = r.recurring;
  json[`${k}_p_at_1`] = r.p1;
  json[`${k}_hr_at_3`] = r.hr3;
  json[`${k}_p_at_3`] = r.p3;
  json[`${k}_shown_at_1`] = r.shown1;
  json[`${k}_baseline_p_at_1`] = r.baselineP1;
  json[`${k}_distractor_shown_rate`] = r.distractorShown;
}
console.log(JSON.stringify(json));
