/**
 * Throughput and memory of the default scorer and its components.
 *   node packages/detectors/dist/bench/detectors-bench.js [--series 100000] [--updates 3000000]
 * Throughput: single thread (= per core), updates spread round-robin over 1,000 series of a
 * seeded synthetic signal (daily cycle + noise + rare spikes), timestamps 1 minute apart.
 * Memory: `--series` default scorers, each fed past its warm-up; heap delta after GC divided by
 * the series count, and the mean serialised JSON size. Prints a table, then one JSON line.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AnomalyLikelihood, DDSketch, Ewma, HoltWinters, Mulberry32, Refractory, SeasonalProfile, Spot, Welford } from '@vigil/stats';
import { DEFAULT_SCORER_CONFIG } from '../config.js';
import { DefaultScorer } from '../default-scorer.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

const SERIES = arg('series', 100_000);
const UPDATES = arg('updates', 3_000_000);
const T0 = Date.UTC(2024, 0, 1);
const STEP_MS = 60_000;

// Pre-generated signal so that generation cost is not measured.
const rng = new Mulberry32(12345);
const SIGNAL = new Float64Array(1 << 16);
for (let i = 0; i < SIGNAL.length; i++) {
  SIGNAL[i] = 100 + 20 * Math.sin((2 * Math.PI * i) / 1440) + 5 * rng.nextGaussian() + (rng.next() < 0.001 ? 80 : 0);
}
const MASK = SIGNAL.length - 1;
// Stationary heavy-tailed noise (a residual), for SPOT: on the raw signal's daily cycle SPOT's
// fixed threshold drifts out of place (DSPOT's case) and the figure would mean nothing.
const NOISE = new Float64Array(1 << 16);
for (let i = 0; i < NOISE.length; i++) NOISE[i] = Math.abs(rng.nextGaussian()) * (rng.next() < 0.05 ? 3 : 1);

interface Row {
  name: string;
  updatesPerCoreS: number;
}

function timeIt(name: string, updates: number, body: (n: number) => number): Row {
  body(Math.min(updates, 200_000)); // warm the JIT
  const t = process.hrtime.bigint();
  const sink = body(updates);
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  if (Number.isNaN(sink)) console.error('(sink NaN)');
  return { name, updatesPerCoreS: Math.round(updates / s) };
}

const rows: Row[] = [];
const NS = 1000;
{
  const scorers = Array.from({ length: NS }, () => new DefaultScorer(DEFAULT_SCORER_CONFIG));
  let step = 0;
  rows.push(
    timeIt('default scorer', UPDATES, (n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) {
        const k = i % NS;
        if (k === 0) step++;
        acc += scorers[k].update(T0 + step * STEP_MS, SIGNAL[(step + k) & MASK]).score;
      }
      return acc;
    }),
  );
}
function component<T>(name: string, make: () => T, feed: (o: T, t: number, x: number) => number, updates = UPDATES): void {
  const objs = Array.from({ length: NS }, make);
  let step = 0;
  rows.push(
    timeIt(name, updates, (n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) {
        const k = i % NS;
        if (k === 0) step++;
        acc += feed(objs[k], T0 + step * STEP_MS, SIGNAL[(step + k) & MASK]);
      }
      return acc;
    }),
  );
}
component('Ewma', () => new Ewma(0.1), (o, _t, x) => (o.update(x), o.mean));
component('Welford', () => new Welford(), (o, _t, x) => (o.update(x), o.mean));
component('SeasonalProfile (24 h)', () => new SeasonalProfile(), (o, t, x) => (o.update(t, x), o.expected(t)));
component('AnomalyLikelihood', () => new AnomalyLikelihood(), (o, _t, x) => o.update(x / 200));
component('Refractory', () => new Refractory(), (o, _t, x) => o.update(x / 200).score);
component('HoltWinters (m=24)', () => new HoltWinters(), (o, _t, x) => (o.update(x), o.level));
component('DDSketch.add (α=1%)', () => new DDSketch(), (o, _t, x) => (o.add(x), 0));
// SPOT refits (Grimshaw, O(maxPeaks·grid)) on each peak, about 2 % of the values.
let spotI = 0;
component('Spot (grimshaw, 64 peaks)', () => new Spot({ calibrationSize: 200 }), (o) => (o.update(NOISE[spotI++ & MASK]).alarm ? 1 : 0), Math.ceil(UPDATES / 10));

console.log('component                        updates/s per core');
for (const r of rows) console.log(`${r.name.padEnd(32)} ${r.updatesPerCoreS.toLocaleString('en-US').padStart(14)}`);

// --- memory over SERIES series ---
const warm = DEFAULT_SCORER_CONFIG.warmupPoints + 10;
gc();
const before = process.memoryUsage().heapUsed;
const many = new Array<DefaultScorer>(SERIES);
for (let k = 0; k < SERIES; k++) {
  const s = new DefaultScorer(DEFAULT_SCORER_CONFIG);
  for (let i = 0; i < warm; i++) s.update(T0 + i * STEP_MS, SIGNAL[(i + k) & MASK]);
  many[k] = s;
}
gc();
const after = process.memoryUsage().heapUsed;
const heapBytesPerSeries = Math.round((after - before) / SERIES);
let jsonBytes = 0;
let jsonMax = 0;
for (const s of many) {
  const len = Buffer.byteLength(JSON.stringify(s));
  jsonBytes += len;
  if (len > jsonMax) jsonMax = len;
}
const jsonBytesPerSeries = Math.round(jsonBytes / SERIES);
// A series that has filled every hour slot (three days of minutes): the largest steady state.
const full = new DefaultScorer(DEFAULT_SCORER_CONFIG);
for (let i = 0; i < 3 * 1440; i++) full.update(T0 + i * STEP_MS, SIGNAL[i & MASK]);
const jsonBytesFullCycle = Buffer.byteLength(JSON.stringify(full));
console.log('');
console.log(`series                            ${SERIES}`);
console.log(`heap bytes per series            ${heapBytesPerSeries}`);
console.log(`JSON bytes per series (mean/max) ${jsonBytesPerSeries} / ${jsonMax}  (after warm-up)`);
console.log(`JSON bytes, all 24 slots filled  ${jsonBytesFullCycle}`);
const target = rows[0].updatesPerCoreS >= 1_000_000 && heapBytesPerSeries <= 2048 && jsonMax <= 2048 && jsonBytesFullCycle <= 2048;
console.log(`targets (≥1,000,000 updates/s, ≤2 KB/series): ${target ? 'met' : 'NOT met'}`);

const out: Record<string, number | boolean> = { series: SERIES, updates: UPDATES };
for (const r of rows) out[`${r.name.replace(/[^A-Za-z0-9]+/g, '_').replace(/_+$/, '').toLowerCase()}_updates_per_core_s`] = r.updatesPerCoreS;
out.heap_bytes_per_series = heapBytesPerSeries;
out.json_bytes_per_series = jsonBytesPerSeries;
out.json_bytes_per_series_max = jsonMax;
out.json_bytes_full_cycle = jsonBytesFullCycle;
out.targets_met = target;
console.log(JSON.stringify(out));
void many.length;
