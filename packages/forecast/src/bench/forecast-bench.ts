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
import { SIZING } from '../risk.js';
import { type ForecasterConfig, forecasterConfig } from '../config.js';

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
const mem = (): number => { gc?.(); gc?.(); const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
interface Run { rate: number; measuredBytes: number; maxBytes: number; nsForecast: number; nsRecommend: number }
let sink = 0;
const updates = SERIES * STEPS;
const origin = T0 + 300 * STEPS;
// Memory per series, read on its own set of MEASURE_SERIES forecasters (built, measured, dropped
// before anything runs): the heap moves by some hundreds of KB between readings, which over 1,000
// series read as +-250 bytes per series; over 8,000 as +-30.
const MEASURE_SERIES = 8000;
function measure(input: Partial<ForecasterConfig>): number {
  const config = forecasterConfig(input); // validated once, shared by the series (as the detector does)
  const mem0 = mem();
  let fcs: SeasonalForecaster[] | null = Array.from({ length: MEASURE_SERIES }, () => new SeasonalForecaster(config));
  const bytes = (mem() - mem0) / MEASURE_SERIES;
  sink += fcs.length;
  fcs = null;
  return bytes;
}
function build(input: Partial<ForecasterConfig>, measuredBytes: number): { fcs: SeasonalForecaster[]; measuredBytes: number } {
  const config = forecasterConfig(input);
  return { fcs: Array.from({ length: SERIES }, () => new SeasonalForecaster(config)), measuredBytes };
}
function runForecasters({ fcs, measuredBytes }: { fcs: SeasonalForecaster[]; measuredBytes: number }): Run {
  const nsFc = timeIt(() => {
    for (let i = 0; i < STEPS; i++) {
      const t = T0 + 300 * (i + 1) - 7;
      for (let s = 0; s < SERIES; s++) fcs[s].update(t, values[i * SERIES + s]);
    }
  });
  // --- forecasts and recommendations (per call, every series once)
  const nsForecast = timeIt(() => {
    for (let s = 0; s < SERIES; s++) sink += fcs[s].forecast(origin).long[0].point;
  });
  const nsRecommend = timeIt(() => {
    for (let s = 0; s < SERIES; s++) sink += recommend(fcs[s], fcs[s].forecast(origin), { risk: 0.001, capacity: 2 * level[s], shortCost: 8 })!.request;
  });
  return { rate: (updates / nsFc) * 1e9, measuredBytes, maxBytes: Math.max(...fcs.map((f) => f.stateBytes())), nsForecast, nsRecommend };
}
// The defaults (memory and load series: sizing from the forecast), then CPU's sizing basis (the recent values).
const bytesMain = measure({}), bytesCpu = measure(SIZING.cpu);
const built = [build({}, bytesMain), build(SIZING.cpu, bytesCpu)];
const main = runForecasters(built[0]);
const cpu = runForecasters(built[1]);

// --- baseline: one-day seasonal naive (ring of 288 values per series)
const rings = Array.from({ length: SERIES }, () => new Float64Array(288));
const nsNaive = timeIt(() => {
  for (let i = 0; i < STEPS; i++) {
    for (let s = 0; s < SERIES; s++) rings[s][i % 288] = values[i * SERIES + s];
  }
});
for (const r of rings) sink += r[0];

const fcRate = main.rate;
const naiveRate = (updates / nsNaive) * 1e9;
const maxBytes = Math.max(main.maxBytes, cpu.maxBytes);
const measuredBytes = Math.max(main.measuredBytes, cpu.measuredBytes);
const us = (ns: number): number => Number((ns / SERIES / 1e3).toFixed(2));

console.log(`forecast bench: ${SERIES} series x ${STEPS} five-minute samples (${DAYS} days) = ${updates} updates, one thread`);
console.log('method                             updates/core-s     ns/update   state bytes/series  measured bytes  forecast() us  recommend() us');
for (const [name, r] of [['SeasonalForecaster (defaults)', main], ['SeasonalForecaster (CPU sizing)', cpu]] as const) {
  console.log(`${name.padEnd(32)} ${r.rate.toFixed(0).padStart(15)} ${(1e9 / r.rate).toFixed(1).padStart(13)} ${String(r.maxBytes).padStart(19)} ${r.measuredBytes.toFixed(0).padStart(15)} ${us(r.nsForecast).toFixed(1).padStart(14)} ${us(r.nsRecommend).toFixed(1).padStart(15)}`);
}
console.log(`${'seasonal naive (baseline)'.padEnd(32)} ${naiveRate.toFixed(0).padStart(15)} ${(1e9 / naiveRate).toFixed(1).padStart(13)} ${String(288 * 8).padStart(19)}`);
console.log(`measured bytes: heap + typed-array buffers around the construction of ${MEASURE_SERIES} forecasters, per series`);
console.log(`ratio (naive / forecaster cost): ${(naiveRate / fcRate).toFixed(1)}x`);
const rateMet = Math.min(main.rate, cpu.rate) >= 200_000, bytesMet = maxBytes <= 4096 && measuredBytes <= 4096;
console.log(`targets: >= 200000 updates per core-second ${rateMet ? 'met' : 'NOT met'}; <= 4096 bytes per series (payload and measured) ${bytesMet ? 'met' : 'NOT met'}`);
console.log(JSON.stringify({
  series: SERIES, updates, forecaster_updates_per_core_s: Math.round(fcRate), forecaster_ns_per_update: Number((1e9 / fcRate).toFixed(1)),
  cpu_sizing_updates_per_core_s: Math.round(cpu.rate), cpu_sizing_ns_per_update: Number((1e9 / cpu.rate).toFixed(1)),
  naive_updates_per_core_s: Math.round(naiveRate), naive_ns_per_update: Number((1e9 / naiveRate).toFixed(1)),
  cost_ratio_vs_naive: Number((naiveRate / fcRate).toFixed(2)), state_bytes_per_series: main.maxBytes, state_bytes_per_series_max: maxBytes, naive_state_bytes_per_series: 288 * 8,
  forecast_us_per_call: us(main.nsForecast), recommend_us_per_call: us(main.nsRecommend), cpu_sizing_recommend_us_per_call: us(cpu.nsRecommend),
  heap_bytes_per_series_measured: Math.round(main.measuredBytes), cpu_sizing_heap_bytes_per_series_measured: Math.round(cpu.measuredBytes),
  target_updates_met: rateMet, target_bytes_met: bytesMet, checksum_finite: Number.isFinite(sink),
}));
