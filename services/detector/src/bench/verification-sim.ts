// The seeded traffic simulator behind `npm run bench:verification` and the verification property
// tests. A service with three operations serves a long-lived version v0 (its verified history),
// then v1 (clean) for `prevLifetimeMs`, then the candidate v2 with one effect; Poisson arrivals at
// `rps`, log-normal latencies, per-operation error ratios and error messages. The same requests
// go to Vigil's verifier (the code the detector runs) and to the two reference judges.
import { Mulberry32 } from '@vigil/stats';
import type { VerdictRecord } from '@vigil/records';
import { errorTemplate } from '../verification/error-templates.js';
import { ServiceVerifier } from '../verification/verifier.js';
import type { SaturationSample } from '../verification/saturation.js';
import type { VerificationOptions, VerifiedSpan } from '../verification/verifier.js';
import { KayentaJudge, StepSeries, ThresholdJudge } from './reference-judges.js';
import type { JudgeVerdict } from './reference-judges.js';
import { OracleJudge } from './oracle.js';

export interface Operation {
  name: string;
  share: number;
  medianMs: number;
  sigma: number;
  errorRatio: number;
  messages: string[];
}

// Shaped like the payments service: one busy cheap read, one slower write that matters,
// one health probe. Service-level error ratio about 0.47%, service p99 about 300 ms.
export const OPERATIONS: readonly Operation[] = [
  { name: 'GET /cart', share: 0.5, medianMs: 40, sigma: 0.5, errorRatio: 0.003, messages: ['timeout calling inventory after # ms', 'cart # not found'] },
  { name: 'POST /pay', share: 0.3, medianMs: 120, sigma: 0.5, errorRatio: 0.01, messages: ['card declined for order #', 'gateway timeout after # ms', 'upstream 503 from acquirer #'] },
  { name: 'GET /status', share: 0.2, medianMs: 8, sigma: 0.4, errorRatio: 0.001, messages: ['db ping failed after # ms'] },
];
/** The operation the effects hit. */
const AFFECTED = 'POST /pay';
const NEW_TEMPLATE_MESSAGE = 'NullPointerException in PaymentMapper.map at line #';

export type Effect =
  | { kind: 'none' }
  | { kind: 'errors'; factor: number }
  | { kind: 'latency'; factor: number }
  /** Extra errors with a message the history never saw, at the operation's own error ratio. */
  | { kind: 'template' }
  /** The candidate's CPU (the whole process's) times `factor`; its requests unchanged. */
  | { kind: 'cpu'; factor: number }
  /** A memory leak: the candidate's memory × (1 + perMin × minutes since its process started), from the baseline's level; its requests unchanged. */
  | { kind: 'leak'; perMin: number };

export function effectName(e: Effect): string {
  if (e.kind === 'leak') return `leak +${Number((e.perMin * 100).toFixed(2))}%/min`;
  return e.kind === 'none' ? 'clean' : e.kind === 'errors' ? `errors x${e.factor}` : e.kind === 'latency' ? `p99 x${e.factor}` : e.kind === 'cpu' ? `cpu x${e.factor}` : 'new error template';
}

export const SIM_VERIFICATION: VerificationOptions = {
  alpha: 0.01, beta: 0.1, errorRatioFactor: 2, minErrorRatioIncrease: 0.01, minSamples: 300, maxDurationMs: 15 * 60_000, baselineHalfLifeMs: 10 * 60_000,
};

/** How long v0 served before v1 (the verified history). */
const HISTORY_MS = 20 * 60_000;

function fill(rng: Mulberry32, message: string): string {
  return message.replace('#', String(Math.floor(rng.next() * 100_000)));
}

/** One request at `timeMs` of `version` with `effect` applied to the affected operation. */
export function request(rng: Mulberry32, timeMs: number, version: string, effect: Effect): VerifiedSpan & { message?: string } {
  const u = rng.next();
  let acc = 0;
  let op = OPERATIONS[OPERATIONS.length - 1];
  for (const o of OPERATIONS) {
    acc += o.share;
    if (u < acc) {
      op = o;
      break;
    }
  }
  const hit = op.name === AFFECTED;
  const latencyFactor = hit && effect.kind === 'latency' ? effect.factor : 1;
  const errorRatio = op.errorRatio * (hit && effect.kind === 'errors' ? effect.factor : 1);
  const durationMs = op.medianMs * Math.exp(op.sigma * rng.nextGaussian()) * latencyFactor;
  let isError = rng.next() < errorRatio;
  let message = isError ? fill(rng, op.messages[Math.floor(rng.next() * op.messages.length)]) : undefined;
  if (!isError && hit && effect.kind === 'template' && rng.next() < op.errorRatio) {
    isError = true;
    message = fill(rng, NEW_TEMPLATE_MESSAGE);
  }
  return {
    operation: op.name, version, isError, durationMs, timeMs,
    ...(message !== undefined ? { message, errorTemplate: errorTemplate(message) } : {}),
  };
}

/**
 * The shape of a process's memory beyond the default slow wander (MetricsSim): a GC sawtooth —
 * the heap rises by `gcAmplitude` of the level over `gcPeriodMs`, then is collected — with the
 * AR(1) wander's σ set to `noise`, and optionally a warm-up: the level starts `warmupRise` lower
 * and approaches it with time constant `warmupTauMs` from the process's start. Deterministic in the
 * time since the process started (no extra random draws, so the other series are unchanged).
 */
export interface MemoryShape {
  noise: number;
  gcAmplitude: number;
  gcPeriodMs: number;
  warmupRise?: number;
  warmupTauMs?: number;
}

/** A JVM- or Node-like heap: an 8 % GC sawtooth every 37 s over a 1 % wander. */
export const GC_SAWTOOTH: MemoryShape = Object.freeze({ noise: 0.01, gcAmplitude: 0.08, gcPeriodMs: 37_000 });

/**
 * The service's saturation metrics, as an OpenTelemetry SDK's periodic reader would export them
 * every `intervalMs` for the serving version: process.cpu.utilization (cores) = (a fixed cost + a
 * cost per request of the interval) × a log-normal AR(1) factor (σ 0.1, φ 0.6: a busy spell
 * outlasts an export interval, so samples are autocorrelated, as real ones are), and
 * process.memory.usage = 300 MB × a slower AR(1) factor (σ 0.03, φ 0.9), or shaped by `memory`
 * (MemoryShape). A `cpu` effect scales the candidate's CPU, a `leak` grows its memory from its
 * process's start (a new version is a new process). No metrics at interval 0.
 */
export class MetricsSim {
  private nextMs: number;
  private requests = 0;
  private cpuNoise = 0;
  private memNoise = 0;
  private version: string | null = null;
  private processStartMs = 0;
  constructor(
    private readonly rng: Mulberry32,
    readonly intervalMs: number,
    startMs: number,
    private readonly memory?: MemoryShape,
  ) {
    this.nextMs = Math.floor(startMs / Math.max(1, intervalMs)) * intervalMs + intervalMs;
    this.processStartMs = startMs;
  }

  private memoryValue(timeMs: number, effect: Effect): number {
    const age = Math.max(0, timeMs - this.processStartMs);
    const leak = effect.kind === 'leak' ? 1 + (effect.perMin * age) / 60_000 : 1;
    const m = this.memory;
    if (!m) return 300e6 * Math.exp(this.memNoise) * leak;
    const saw = (age % m.gcPeriodMs) / m.gcPeriodMs;
    const warm = m.warmupRise ? 1 - m.warmupRise * Math.exp(-age / (m.warmupTauMs ?? 10_000)) : 1;
    return 300e6 * (1 + m.gcAmplitude * (saw - 0.5)) * Math.exp((this.memNoise * m.noise) / 0.03) * warm * leak;
  }

  /** Samples of export ticks at or before `timeMs` (the requests counted so far are in them), then count the request. */
  before(timeMs: number, version: string, effect: Effect, sink: (s: SaturationSample) => void): void {
    if (this.intervalMs <= 0) return;
    if (version !== this.version) {
      // A new version is a new process: its memory starts over (warm-up, GC phase, leak).
      if (this.version !== null) this.processStartMs = this.nextMs - this.intervalMs;
      this.version = version;
    }
    while (this.nextMs <= timeMs) {
      const perS = this.requests / (this.intervalMs / 1000);
      this.cpuNoise = 0.6 * this.cpuNoise + 0.1 * Math.sqrt(1 - 0.36) * this.rng.nextGaussian();
      this.memNoise = 0.9 * this.memNoise + 0.03 * Math.sqrt(1 - 0.81) * this.rng.nextGaussian();
      const cpu = (0.05 + 0.004 * perS) * Math.exp(this.cpuNoise) * (effect.kind === 'cpu' ? effect.factor : 1);
      sink({ service: 'payments', version, metric: 'process.cpu.utilization', timeMs: this.nextMs, value: cpu });
      sink({ service: 'payments', version, metric: 'process.memory.usage', timeMs: this.nextMs, value: this.memoryValue(this.nextMs, effect) });
      this.requests = 0;
      this.nextMs += this.intervalMs;
    }
    this.requests++;
  }
}

/** Poisson arrivals at `rps` in [startMs, endMs). */
export function* arrivals(rng: Mulberry32, startMs: number, endMs: number, rps: number): Generator<number> {
  let t = startMs;
  for (;;) {
    t += (-Math.log(1 - rng.next()) / rps) * 1000;
    if (t >= endMs) return;
    yield t;
  }
}

/** Everything up to the candidate's deploy: the verifier's state and the control series for Kayenta. */
export interface Prelude {
  rps: number;
  /** Saturation metrics' export interval (0: the service sends none). */
  metricsIntervalMs: number;
  prevLifetimeMs: number;
  deployMs: number;
  /** The memory's shape for every version (MetricsSim); absent: the default wander. */
  memory?: MemoryShape;
  verifier: ReturnType<ServiceVerifier['toJSON']>;
  control: ReturnType<StepSeries['values']> & { cpu: number[] };
}

export function simulatePrelude(seed: number, rps: number, prevLifetimeMs: number, options = SIM_VERIFICATION, metricsIntervalMs = 0, memory?: MemoryShape): Prelude {
  const rng = new Mulberry32(seed);
  // Metrics draw from their own generator, so the requests are the same with or without them.
  const metrics = new MetricsSim(new Mulberry32(seed ^ 0x3c6ef372), metricsIntervalMs, 0, memory);
  const v = new ServiceVerifier('payments', options);
  const none: Effect = { kind: 'none' };
  const controlCpu: Array<[number, number]> = [];
  const sink = (s: SaturationSample) => {
    v.observeSaturation(s);
    if (s.metric === 'process.cpu.utilization' && s.version === 'v1') controlCpu.push([s.timeMs, s.value]);
  };
  for (const t of arrivals(rng, 0, HISTORY_MS, rps)) {
    metrics.before(t, 'v0', none, sink);
    v.observe(request(rng, t, 'v0', none));
  }
  const deployMs = HISTORY_MS + prevLifetimeMs;
  const steps = new StepSeries(10_000);
  for (const t of arrivals(rng, HISTORY_MS, deployMs, rps)) {
    metrics.before(t, 'v1', none, sink);
    const r = request(rng, t, 'v1', none);
    v.observe(r);
    steps.add(r);
  }
  // Kayenta's control: the previous version over (at most) the last 30 minutes before the deploy.
  const from = Math.max(HISTORY_MS, deployMs - 30 * 60_000);
  const control = { ...steps.values(from, deployMs), cpu: controlCpu.filter(([t]) => t >= from && t <= deployMs).map(([, x]) => x) };
  return { rps, metricsIntervalMs, prevLifetimeMs, deployMs, ...(memory ? { memory } : {}), verifier: v.toJSON(), control };
}

export interface JudgeOutcome {
  status: 'pass' | 'fail' | 'inconclusive';
  /** From the candidate's first request to the verdict. */
  afterMs: number;
}

export interface DeployOutcome {
  vigil: JudgeOutcome & { verdict: VerdictRecord };
  kayenta: JudgeOutcome;
  threshold: JudgeOutcome;
  /** The oracle's SPRT (fail or inconclusive by the deadline) and its Neyman–Pearson test at the deadline (oracle.ts). */
  oracle: JudgeOutcome & { npFail: boolean };
}

function outcome(v: JudgeVerdict, firstMs: number): JudgeOutcome {
  return v ? { status: v.status, afterMs: v.atMs - firstMs } : { status: 'inconclusive', afterMs: Infinity };
}

/**
 * Deploy the candidate after `prelude` and run the three judges on the same requests.
 * `latencyShape`: a multiplier of every request's latency by its time (a daily cycle, seasonal-sim.ts).
 */
export function simulateCandidate(prelude: Prelude, effect: Effect, seed: number, options = SIM_VERIFICATION, latencyShape?: (timeMs: number) => number): DeployOutcome {
  const rng = new Mulberry32(seed);
  const v = ServiceVerifier.fromJSON(prelude.verifier, options);
  const endMs = prelude.deployMs + options.maxDurationMs + 60_000;
  let first = -1;
  let vigil: VerdictRecord | null = null;
  let kayenta: KayentaJudge | null = null;
  let threshold: ThresholdJudge | null = null;
  let oracle: OracleJudge | null = null;
  const metrics = new MetricsSim(new Mulberry32(seed ^ 0x3c6ef372), prelude.metricsIntervalMs, prelude.deployMs, prelude.memory);
  const sink = (s: SaturationSample) => {
    if (s.metric === 'process.cpu.utilization') kayenta?.observeCpu(s.timeMs, s.value);
    if (vigil) return;
    for (const verdict of v.observeSaturation(s)) if (verdict.version === 'v2' && verdict.status !== 'running') vigil = verdict;
  };
  for (const t of arrivals(rng, prelude.deployMs, endMs, prelude.rps)) {
    metrics.before(t, 'v2', effect, sink);
    const r = request(rng, t, 'v2', effect);
    if (latencyShape) r.durationMs *= latencyShape(t);
    if (first < 0) {
      first = t;
      kayenta = new KayentaJudge(prelude.control, first);
      threshold = new ThresholdJudge(first);
      // The oracle models the requests only: a CPU or memory effect is no effect on them.
      oracle = new OracleJudge(effect.kind === 'cpu' || effect.kind === 'leak' ? { kind: 'none' } : effect, OPERATIONS.find((o) => o.name === AFFECTED) as Operation, errorTemplate(NEW_TEMPLATE_MESSAGE.replace('#', '12345')), options.alpha, first + options.maxDurationMs);
    }
    if (!vigil) {
      for (const verdict of v.observe(r)) if (verdict.version === 'v2' && verdict.status !== 'running') vigil = verdict;
    }
    kayenta?.observe(r);
    threshold?.observe(r);
    oracle?.observe(r);
    if (first >= 0 && t > first + options.maxDurationMs) break;
  }
  if (first < 0) first = prelude.deployMs;
  if (!vigil) {
    // No request decided it: the watermark reaches the deadline (as the detector's idle tick does).
    for (const verdict of v.advance(first + options.maxDurationMs)) if (verdict.version === 'v2') vigil = verdict;
  }
  kayenta?.advance(first + options.maxDurationMs);
  threshold?.advance(first + options.maxDurationMs);
  if (!vigil) throw new Error('verification-sim: the verifier reached no verdict by its deadline');
  return {
    vigil: { status: vigil.status as JudgeOutcome['status'], afterMs: vigil.decidedAtMs - first, verdict: vigil },
    kayenta: outcome(kayenta?.verdict ?? null, first),
    threshold: outcome(threshold?.verdict ?? null, first),
    oracle: {
      status: oracle?.failedAtMs != null ? 'fail' : 'inconclusive', afterMs: oracle?.failedAtMs != null ? oracle.failedAtMs - first : Infinity,
      npFail: oracle?.npRejects ?? false,
    },
  };
}
