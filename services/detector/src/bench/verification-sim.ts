// The seeded traffic simulator behind `npm run bench:verification` and the verification property
// tests. A service with three operations serves a long-lived version v0 (its verified history),
// then v1 (clean) for `prevLifetimeMs`, then the candidate v2 with one effect; Poisson arrivals at
// `rps`, log-normal latencies, per-operation error ratios and error messages. The same requests
// go to Vigil's verifier (the code the detector runs) and to the two reference judges.
import { Mulberry32 } from '@vigil/stats';
import type { VerdictRecord } from '@vigil/records';
import { errorTemplate } from '../verification/error-templates.js';
import { ServiceVerifier } from '../verification/verifier.js';
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
  | { kind: 'template' };

export function effectName(e: Effect): string {
  return e.kind === 'none' ? 'clean' : e.kind === 'errors' ? `errors x${e.factor}` : e.kind === 'latency' ? `p99 x${e.factor}` : 'new error template';
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
  prevLifetimeMs: number;
  deployMs: number;
  verifier: ReturnType<ServiceVerifier['toJSON']>;
  control: ReturnType<StepSeries['values']>;
}

export function simulatePrelude(seed: number, rps: number, prevLifetimeMs: number, options = SIM_VERIFICATION): Prelude {
  const rng = new Mulberry32(seed);
  const v = new ServiceVerifier('payments', options);
  const none: Effect = { kind: 'none' };
  for (const t of arrivals(rng, 0, HISTORY_MS, rps)) v.observe(request(rng, t, 'v0', none));
  const deployMs = HISTORY_MS + prevLifetimeMs;
  const steps = new StepSeries(10_000);
  for (const t of arrivals(rng, HISTORY_MS, deployMs, rps)) {
    const r = request(rng, t, 'v1', none);
    v.observe(r);
    steps.add(r);
  }
  // Kayenta's control: the previous version over (at most) the last 30 minutes before the deploy.
  const control = steps.values(Math.max(HISTORY_MS, deployMs - 30 * 60_000), deployMs);
  return { rps, prevLifetimeMs, deployMs, verifier: v.toJSON(), control };
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
  for (const t of arrivals(rng, prelude.deployMs, endMs, prelude.rps)) {
    const r = request(rng, t, 'v2', effect);
    if (latencyShape) r.durationMs *= latencyShape(t);
    if (first < 0) {
      first = t;
      kayenta = new KayentaJudge(prelude.control, first);
      threshold = new ThresholdJudge(first);
      oracle = new OracleJudge(effect, OPERATIONS.find((o) => o.name === AFFECTED) as Operation, errorTemplate(NEW_TEMPLATE_MESSAGE.replace('#', '12345')), options.alpha, first + options.maxDurationMs);
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
