/**
 * npm run bench:forecast [-- --series N --days D]
 *
 * Forecast updates per core-second and state per series, with a one-day seasonal naive measured
 * side by side in the same run (its update: write the value into a 288-slot ring per series).
 * Each series gets one sample per 5-minute bin (the realistic rate: every update closes a fine
 * bin and scores 12 short-horizon errors; every 12th closes an hourly bin and scores 24). Samples
 * are interleaved across series as they arrive in the pipeline. Single-threaded: the rate is per
 * core, measured in CPU time (process.cpuUsage). Prints a table, then one JSON object as the last line.
 */
import { Mulberry32 } from '@vigil/stats';
import { SeasonalForecaster } from '../forecaster.js';
import { recommend } from '../recommender.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = Number(process.argv[i + 1]);
  if (!(v > 0)) {
    console.error(`bench:forecast: --${name} must be a positive number, got "${process.argv[i + 1]}"`);
    process.exit(2);
  }
  return v;
}

const SERIES = arg('series', 1000);
const DAYS = arg('days', 14);
const STEPS = DAYS * 288;
const T0 = 1_700_000_000 - (1_700_000_000 % 86400);

// Pre-generated values (seeded): a daily cycle per series with its own level, phase and noise.
const rng = new Mulberry32(42);
const level = Float64Array.from({ length: SERIES }, () => 10 + 1000 * rng.next());
const phase = Float64Array.from({ length: SERIES }, () => 2 * Math.PI * rng.next());
const noise = Float64Array.from({ length: 4096 }, () => rng.nextGaussian());
// Every value is generated before timing (SERIES x STEPS doubles), so both methods read the same array.
const values = new Float64Array(SERIES * STEPS);
for (let i = 0; i < STEPS; i++) for (let s = 0; s < SERIES; s++) values[i * SERIES + s] = level[s] * (1 + 0.4 * Math.sin((2 * Math.PI * i) / 288 + phase[s]) + 0.05 * noise[(i * 31 + s) & 4095]);

// CPU time of this process (user + system), not wall time: the rate is per core-second even on
// a shared, oversubscribed machine.
function timeIt(run: () => void): number {
  const t = process.cpuUsage();
  run();
  const d = process.cpuUsage(t);
  return (d.user + d.system) * 1e3;
}

// --- Vigil's forecaster
// Memory actually taken (JS heap plus typed-array buffers), measured around the construction of
// every series' forecaster: includes object headers the stateBytes() payload count leaves out.
// With --expose-gc (the npm script passes it) a full collection runs before each reading.
const gc = (globalThis as { gc?: () => void }).gc;
const mem = (): number => { gc?.(); const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
const mem0 = mem();
const fcs = Array.from({ length: SERIES }, () => new SeasonalForecaster());
const measuredBytes = (mem() - mem0) / SERIES;
const nsFc = timeIt(() => {
  for (let i = 0; i < STEPS; i++) {
    const t = T0 + 300 * (i + 1) - 7;
    for (let s = 0; s < SERIES; s++) fcs[s].update(t, values[i * SERIES + s]);
  }
});
const updates = SERIES * STEPS;

// --- forecasts and recommendations (per call, every series once)
const origin = T0 + 300 * STEPS;
let sink = 0;
const nsForecast = timeIt(() => {
  for (let s = 0; s < SERIES; s++) sink += fcs[s].forecast(origin).long[0].point;
});
const nsRecommend = timeIt(() => {
  for (let s = 0; s < SERIES; s++) sink += recommend(fcs[s], fcs[s].forecast(origin), { risk: 0.001, capacity: 2 * level[s], shortCost: 8 })!.request;
});

// --- baseline: one-day seasonal naive (ring of 288 values per series)
const rings = Array.from({ length: SERIES }, () => new Float64Array(288));
const nsNaive = timeIt(() => {
  for (let i = 0; i < STEPS; i++) {
    for (let s = 0; s < SERIES; s++) rings[s][i % 288] = values[i * SERIES + s];
  }
});
for (const r of rings) sink += r[0];

const fcRate = (updates / nsFc) * 1e9;
const naiveRate = (updates / nsNaive) * 1e9;
const bytes = fcs[0].stateBytes();
const maxBytes = Math.max(...fcs.map((f) => f.stateBytes()));

console.log(`forecast bench: ${SERIES} series x ${STEPS} five-minute samples (${DAYS} days) = ${updates} updates, one thread`);
console.log('method                      updates/core-s     ns/update   state bytes/series');
console.log(`SeasonalForecaster       ${fcRate.toFixed(0).padStart(17)} ${(1e9 / fcRate).toFixed(1).padStart(13)} ${String(maxBytes).padStart(20)}`);
console.log(`seasonal naive (baseline)${naiveRate.toFixed(0).padStart(17)} ${(1e9 / naiveRate).toFixed(1).padStart(13)} ${String(288 * 8).padStart(20)}`);
console.log(`memory measured around construction (heap + typed-array buffers): ${measuredBytes.toFixed(0)} bytes per series`);
console.log(`ratio (naive / forecaster cost): ${(naiveRate / fcRate).toFixed(1)}x; forecast() ${(nsForecast / SERIES / 1e3).toFixed(1)} us/series; recommend() ${(nsRecommend / SERIES / 1e3).toFixed(1)} us/series`);
console.log(`targets: >= 200000 updates per core-second ${fcRate >= 200_000 ? 'met' : 'NOT met'}; <= 4096 bytes per series (payload and measured) ${maxBytes <= 4096 && measuredBytes <= 4096 ? 'met' : 'NOT met'}`);
console.log(JSON.stringify({
  series: SERIES, updates, forecaster_updates_per_core_s: Math.round(fcRate), forecaster_ns_per_update: Number((1e9 / fcRate).toFixed(1)),
  naive_updates_per_core_s: Math.round(naiveRate), naive_ns_per_update: Number((1e9 / naiveRate).toFixed(1)),
  cost_ratio_vs_naive: Number((naiveRate / fcRate).toFixed(2)), state_bytes_per_series: bytes, state_bytes_per_series_max: maxBytes, naive_state_bytes_per_series: 288 * 8,
  forecast_us_per_call: Number((nsForecast / SERIES / 1e3).toFixed(2)), recommend_us_per_call: Number((nsRecommend / SERIES / 1e3).toFixed(2)),
  heap_bytes_per_series_measured: Math.round(measuredBytes), target_updates_met: fcRate >= 200_000, target_bytes_met: maxBytes <= 4096 && measuredBytes <= 4096, checksum_finite: Number.isFinite(sink),
}));
