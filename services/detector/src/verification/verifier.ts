import { binomialSf, DDSketch, holmRejections, MixtureSprt, MIXTURE_ODDS_RATIOS, RateRatioSprt, rateBelowLogMixture, rateRatioLogMixture } from '@vigil/stats';
import type { DDSketchJSON, MixtureSprtJSON, RateRatioSprtJSON, SketchRanks } from '@vigil/stats';
import { deploymentIdFor, stableId } from '@vigil/records';
import type { DeploymentCiQuality, DeploymentRecord, VerdictBaseline, VerdictEvidence, VerdictRecord } from '@vigil/records';
import { HistoryBaseline, newSketch, quantileKey } from './baseline.js';
import type { BaselineSpan, CachedQuantiles, HistoryBaselineJSON } from './baseline.js';
import { BernoulliSprt, ShiftTest, wilsonLower, wilsonUpper } from './sprt.js';
import type { ShiftTestJSON } from './sprt.js';
import { checkSeason, checkSeasonFromJSON, checkSeasonToJSON, seasonalFactor, seasonSummary } from './time-of-day.js';
import type { CheckSeason, CheckSeasonJSON } from './time-of-day.js';
import { formatRatio, insertByTime, MAX_PENDING_SAMPLES, MEMORY_GROWTH_CHECK, SATURATION_CHECK, saturationCheckName, SaturationHistory, saturationMetricKind, saturationNull } from './saturation.js';
import type { SaturationHistoryJSON, SaturationSample } from './saturation.js';
import { formatBytes, MEMORY_GROWTH, MemoryGrowthTest } from './memory-growth.js';
import type { MemoryGrowthJSON } from './memory-growth.js';

/** One request of the service, as verification sees it. */
export type VerifiedSpan = BaselineSpan;

export interface VerificationOptions {
  alpha: number;
  beta: number;
  errorRatioFactor: number;
  minErrorRatioIncrease: number;
  minSamples: number;
  maxDurationMs: number;
  baselineHalfLifeMs: number;
  /** Adjust a history baseline by the service's time-of-day profile when it covers 2 earlier days (absent: true). */
  seasonal?: boolean;
  /** Test CPU / memory samples of the versions (saturation.ts); absent: true. */
  saturation?: boolean;
  /**
   * With saturation: also test each memory metric for growth (a leak: memory-growth.ts); absent:
   * false. Off by default because a pass then waits until growth is ruled out, which on a busy
   * service with noisy memory takes most of the window (clean deploys at 40 req/s: 430–900 s
   * instead of 130–150 s in bench:verification).
   */
  memoryGrowth?: boolean;
  /** Pool the earlier days' error counts of the time-of-day profile into a history's error baseline when they agree (EARLIER_DAYS_AGREE); absent: true. */
  earlierDays?: boolean;
  /**
   * Read the time-of-day profile from the earlier days of the deploy's kind — weekdays (Mon–Fri)
   * or weekend days — when that kind has 2 days in the slots, else from all earlier days; absent: true.
   */
  dayOfWeek?: boolean;
  /** The service's zone for the weekdays and the weekend, in minutes east of UTC (a multiple of 15); absent: 0, UTC. */
  weekOffsetMinutes?: number;
  environment?: string;
  /** Stricter verification for a deployment whose CI was not clean (absent: never strict). */
  strict?: StrictOptions;
}

/**
 * The strict policy. A deploy whose commit failed, flaky or skipped tests in CI (or whose build
 * was predicted risky) has less evidence behind it, so production must supply more: a smaller
 * error-ratio rise fails, α is larger (more willing to fail), latency alternatives are closer to
 * the null, a pass needs more traffic, and running out of time is inconclusive, never a pass.
 * (The "sensitivity" of Harness CV and the stricter canary thresholds of Kayenta play this role.)
 */
export interface StrictOptions {
  enabled: boolean;
  /** CI qualities that make the policy strict. */
  onQuality: ReadonlyArray<DeploymentCiQuality['quality']>;
  /** ...or a predicted build-failure probability at least this. */
  buildRiskAbove: number;
  alpha: number;
  errorRatioFactor: number;
  minErrorRatioIncrease: number;
  minSamplesFactor: number;
}

/** Why a deployment's CI makes its verification strict, or null when it does not. */
export function strictReason(d: Pick<DeploymentRecord, 'commit' | 'ci'>, o: StrictOptions | undefined): string | null {
  if (!o || !o.enabled || !d.ci) return null;
  const ci = d.ci;
  const why: string[] = [];
  if (o.onQuality.includes(ci.quality)) why.push(`CI ${ci.quality}`);
  if (ci.buildRisk !== null && ci.buildRisk >= o.buildRiskAbove) why.push(`build risk ${(ci.buildRisk * 100).toFixed(0)}%`);
  if (why.length === 0) return null;
  const commit = d.commit ? ` on ${d.commit.slice(0, 12)}` : '';
  const detail = ci.reasons.length > 0 ? `: ${ci.reasons.slice(0, 2).join('; ')}` : '';
  return `${why.join(', ')}${commit}${detail}`.slice(0, 500);
}

// Latency checks: the share of candidate requests slower than the baseline's q-quantile of the
// same operation. With no regression it is 1 - q. The null allows a tolerance (a latency change
// too small to matter: about +6% at the median, +25% at the tail for a log-normal of σ ≈ 0.5)
// plus the baseline's sampling error (1.28 standard errors of the exceedance share for n baseline
// requests); the 2% on the threshold covers the sketch's 1% relative error on each side. The
// first, `latency_shift`, sees a shift of the whole distribution: its always-valid test is on each
// request's mid-rank among the baseline (ShiftTest, below: SHIFT_TOLERANCE), its exact final look
// and its pass on the share slower than the baseline's p50; the p95/p99 tests see a heavier tail.
// `p1`: the alternative of the Wald test that decides a pass (as before; strict: a quarter closer).
// `ranked`: the always-valid test is the rank test (ShiftTest), else the exceedance mixture.
const LATENCY_CHECKS = [
  { check: 'latency_shift', q: 0.5, tol: 0.12, p1: 0.7, strictP1: 0.65, minBaseline: 50, perOperation: true, ranked: true },
  { check: 'latency_p95_exceedance', q: 0.95, tol: 0.3, p1: 0.2, strictP1: 0.15, minBaseline: 100, perOperation: true, ranked: false },
  { check: 'latency_p99_exceedance', q: 0.99, tol: 0.6, p1: 0.06, strictP1: 0.045, minBaseline: 200, perOperation: false, ranked: false },
] as const;
const SAMPLING_Z = 1.28;
/**
 * The latency shift test's null: a candidate request is slower than a baseline request of its
 * operation with probability at most 1/2 + SHIFT_TOLERANCE (+ 1.28 standard errors of the
 * baseline's ranks, √(1/12n)). Until 2026-12-06 the shift test was "slower than the baseline
 * p50" with the null 0.5 × 1.12 at a threshold 2% above the p50 — for a log-normal of σ 0.3–1
 * the shift that null tolerates (×1.08–1.19) puts the probability of being slower at 0.548–0.561;
 * 0.05 tolerates the same. The rank uses the whole value where the old test used one bit of it:
 * a ×1.3 shift of a log-normal (σ 0.5) is found after a median of 202 requests of the operation
 * instead of 322 (@vigil/stats sequential.test.ts; the Pitman efficiency of a sign test against a
 * rank test is 2/3 for normal data).
 */
const SHIFT_TOLERANCE = 0.05;
/** Operations with their own tests (the busiest of the baseline); the rest are in the pooled tests. */
const MAX_TESTED_OPERATIONS = 4;
/** Baseline requests an operation needs for its own error-ratio test. */
const MIN_OPERATION_BASELINE = 100;
/** Concurrent requests of the old version that make the canary the baseline on its own. */
const MIN_CANARY_REQUESTS = 1_000;
const MIN_CANARY_OPERATION = 200;
/** Deployment announcements remembered per service for a check that has not started yet. */
const MAX_POLICIES = 20;
/**
 * The error-ratio null tolerates a rise of this share of the regression worth failing (with the
 * default errorRatioFactor 2: ×1.1, and a tenth of minErrorRatioIncrease in absolute terms) — room
 * for the drift of a service's error ratio between the baseline's minutes and the candidate's,
 * while a doubling stays well inside the alternatives.
 */
const ERROR_TOLERANCE_SHARE = 0.1;
/**
 * The share of α kept for one fixed-sample look at the deadline (the rest watches continuously).
 * An always-valid test pays for looking after every request: at the deadline its p-value is
 * 10–100 times the exact fixed-sample one of the same counts (16 errors where 5.9 were expected:
 * mixture p ≈ 0.02, exact binomial tail ≈ 0.0003). Spending part of α on a single exact test of
 * all the requests seen by the deadline (conditional binomial for error ratios, binomial tail for
 * the exceedance and template shares) recovers that power for the regressions too small to show
 * early — the group-sequential idea of spending α over planned looks (Lan & DeMets 1983), with
 * one continuous look and one final one; by the union bound the two together keep the false-fail
 * rate within α.
 */
const FINAL_LOOK_SHARE = 0.5;
/**
 * Earlier days in the error-ratio baseline. A history baseline holds the last 10–20 minutes: at
 * 2 requests/s and an error ratio of 0.3% a few errors, so a two-sample test has next to no
 * power (the one-sample oracle, knowing the rate, finds errors ×3 in 85% of deploys; the
 * two-sample test in 5–9%). The time-of-day profile holds the same service's verified-good
 * requests of earlier days. When it says the error rate is flat through the day (its table's
 * `prior`: the seasonal error factor is then exactly 1), its day-weighted counts join the
 * history's — as long as the recent minutes agree with them: a two-sided conditional binomial
 * test of the history's errors among both (given T errors in all, the history's share is
 * Binomial(T, n / (n + N))) at EARLIER_DAYS_AGREE. Today's rate having moved away from the
 * earlier days' is what would make pooled counts fail a clean deploy; the history spans 10–20
 * minutes, about as long as a check, so a drift large enough to fail the candidate over its
 * window is about as visible in the history's, and then the history stands alone — unless the
 * history happened to look like the earlier days while the candidate's window does not. 0.3: the
 * pooled baseline is kept only when the minutes before the deploy give no hint of a change.
 * Chosen on the seeded simulator (seasonal-sim.ts, flat cycle, 2 earlier days; gate 0.1 / 0.3 /
 * 0.5 / never pooling): errors ×3 at 2 req/s found in 37 / 33 / 30 / 10% of 100 deploys, errors
 * ×2 at 10 req/s 67 / 63 / 40 / 20% of 60; a candidate as good as today's versions on a day whose
 * error ratio is ×2 the earlier days' failed in 2.0 / 1.3 / 1.3 / 0.7% at 2 req/s and 0.7 / 0.7 /
 * 0 / 0% at 10 req/s (150 deploys each), ×1.5 at 10 req/s 1.3 / 0.7 / 0.7 / 0%, ×3 at 2 req/s
 * 2.7 / 1.3 / 0 / 0%. Earlier days' counts are rounded for the test (they are day-weighted).
 */
const EARLIER_DAYS_AGREE = 0.3;

/**
 * The two-sided p-value of e errors in n requests against E in N: given the t = e + E errors of
 * both (rounded), the first's share is Binomial(t, n / (n + N)) when the rates are equal; twice
 * the smaller tail, at most 1. No error in either: 1.
 */
export function earlierDaysAgreement(e: number, n: number, E: number, N: number): number {
  const k = Math.round(e), t = k + Math.round(E);
  if (t === 0 || !(n > 0) || !(N > 0)) return 1;
  const pi = n / (n + N);
  const upper = binomialSf(k, t, pi); // P(X >= k)
  const lower = 1 - binomialSf(k + 1, t, pi); // P(X <= k)
  return Math.min(1, 2 * Math.min(upper, lower));
}

type SlotKind = 'error' | 'latency' | 'template' | 'saturation' | 'growth';

interface Slot {
  kind: SlotKind;
  check: string;
  operation?: string;
  /** Index into LATENCY_CHECKS for latency slots. */
  li?: number;
  /** Saturation and growth slots: the metric tested (saturation.ts). */
  metric?: string;
  /** Error slots: the two-sample rate-ratio test; growth slots: the slope test (memory-growth.ts); the latency shift: the rank test; the others: the one-sample mixture SPRT. */
  mix: MixtureSprt | RateRatioSprt | MemoryGrowthTest | ShiftTest;
  /** The Wald test whose lower bound says "no regression of the size worth failing" (a pass needs every tested one; growth slots: Gaussian steps). */
  wald: BernoulliSprt;
  /** The last null boundary used (evidence). */
  p0: number;
}

interface SlotJSON {
  kind: SlotKind;
  check: string;
  operation?: string;
  li?: number;
  metric?: string;
  mix: MixtureSprtJSON | RateRatioSprtJSON | MemoryGrowthJSON | ShiftTestJSON;
  wald: ReturnType<BernoulliSprt['toJSON']>;
  p0: number;
}

/**
 * Verifies deployments of one service from its span stream alone, so a replay reaches the same
 * verdicts: the first version seen is stable; a new version in the stream starts a check of
 * candidate against baseline. The baseline is the service's verified-good history (see
 * HistoryBaseline) or, when the old version keeps serving next to the new one, its concurrent
 * requests (canary, preferred once they are enough). Each check runs a family of always-valid
 * sequential tests on counts (mixture SPRTs, @vigil/stats) — error ratio of the service and of
 * each of its busiest operations, latency exceedance of the baseline's p50/p95/p99 pooled and per
 * operation, and errors with a message template the history never saw — under one false-fail
 * budget α (Holm). The check decides when the data do, or at its deadline: `advance(watermark)`
 * moves event time forward when no spans arrive, so a check of traffic that stopped still ends.
 * Memory: the history's sketches plus, per check, one sketch per concurrent operation and a few
 * numbers per test.
 */
export class ServiceVerifier {
  stableVersion: string | null = null;
  history: HistoryBaseline;
  check: DeploymentCheck | null = null;
  /** Newest event time seen or advanced to (the watermark of this service). */
  watermarkMs = -Infinity;
  /** Versions that were verified already (pass or fail): seen again, they start nothing. */
  private verified = new Set<string>();
  /** Strict-policy reasons of announced versions (from their deployment record's CI quality). */
  private policies = new Map<string, string>();
  /** The verified-good history of the service's CPU and memory metrics (saturation.ts). */
  saturation: SaturationHistory;
  /** Saturation samples ahead of the span watermark, in event-time order (applied as it passes them). */
  private samples: SaturationSample[] = [];

  constructor(
    readonly service: string,
    private readonly options: VerificationOptions,
  ) {
    this.history = new HistoryBaseline(options.baselineHalfLifeMs, options.weekOffsetMinutes ?? 0);
    this.saturation = new SaturationHistory(options.baselineHalfLifeMs);
  }

  /**
   * A deployment announced in-band (see RECORD_KIND_HEADER): when its CI makes the policy strict,
   * the version's check runs strict — from its start, or from now on if it already runs. A
   * version already decided keeps its verdict. Returns the strict reason, or null.
   */
  announce(d: Pick<DeploymentRecord, 'version' | 'commit' | 'ci'>): string | null {
    const reason = strictReason(d, this.options.strict);
    if (reason === null) return null;
    this.policies.delete(d.version);
    this.policies.set(d.version, reason);
    while (this.policies.size > MAX_POLICIES) this.policies.delete(this.policies.keys().next().value as string);
    if (this.check && this.check.version === d.version && this.check.status === 'running') this.check.makeStrict(reason);
    return reason;
  }

  /** Is a check waiting for its deadline (so the watermark should be advanced when idle)? */
  get pendingDeadlineMs(): number | null {
    return this.check && this.check.status === 'running' ? this.check.deadlineMs : null;
  }

  /**
   * Move event time to `watermarkMs` (never backwards). A running check whose deadline passed
   * ends there, stamped with the deadline itself, so when exactly the watermark got there does not
   * change the verdict.
   */
  advance(watermarkMs: number): VerdictRecord[] {
    if (watermarkMs > this.watermarkMs) this.watermarkMs = watermarkMs;
    // Saturation samples the watermark passed are applied first, a running check's only up to
    // its deadline (like its spans).
    const c = this.check;
    const out = this.samples.length === 0 ? [] : this.drainSamples(c && c.status === 'running' ? Math.min(this.watermarkMs, c.deadlineMs) : this.watermarkMs);
    if (c && c.status === 'running' && this.watermarkMs >= c.deadlineMs) out.push(this.settle(c.timeout()));
    if (this.samples.length > 0) out.push(...this.drainSamples(this.watermarkMs));
    return out;
  }

  /**
   * A sample of a CPU or memory metric of one of the service's versions (routed from the metrics
   * processor of the same detector). It is applied when the span watermark reaches its event time,
   * so spans and samples meet in event-time order whichever topic was read first; a sample the
   * watermark already passed is applied at once (and may decide the check, stamped with the watermark).
   */
  observeSaturation(sample: SaturationSample): VerdictRecord[] {
    if (this.options.saturation === false || !Number.isFinite(sample.timeMs) || !Number.isFinite(sample.value)) return [];
    if (sample.timeMs > this.watermarkMs) {
      insertByTime(this.samples, sample);
      if (this.samples.length <= MAX_PENDING_SAMPLES) return [];
      return this.applySample(this.samples.shift() as SaturationSample, this.watermarkMs);
    }
    return this.applySample(sample, this.watermarkMs);
  }

  private drainSamples(uptoMs: number): VerdictRecord[] {
    const out: VerdictRecord[] = [];
    while (this.samples.length > 0 && this.samples[0].timeMs <= uptoMs) {
      const s = this.samples.shift() as SaturationSample;
      out.push(...this.applySample(s, s.timeMs));
    }
    return out;
  }

  /** The stable version's samples feed the history, the candidate's its check; others are ignored. */
  private applySample(s: SaturationSample, nowMs: number): VerdictRecord[] {
    if (this.stableVersion !== null && s.version === this.stableVersion) {
      this.saturation.add(s);
      return [];
    }
    const c = this.check;
    if (!c || c.status !== 'running' || s.version !== c.version) return [];
    c.observeSaturation(s);
    const decided = c.decide(Math.max(nowMs, s.timeMs));
    return decided ? [this.settle(decided)] : [];
  }

  /** Feed one request; returns a verdict when one is reached (or when a check starts: 'running'). */
  observe(span: VerifiedSpan): VerdictRecord[] {
    const out: VerdictRecord[] = this.advance(span.timeMs);
    if (this.stableVersion === null) this.stableVersion = span.version;
    if (span.version === this.stableVersion) {
      // Epochs rotate with the stable version's own traffic only: a candidate's requests during
      // its check must not age the baseline it is compared with (before 2026-12-05 a check at
      // 2 req/s lost half its baseline 10 minutes in).
      this.history.rotate(span.timeMs);
      this.history.add(span);
      this.check?.observeBaseline(span);
    } else if (this.check && span.version === this.check.version) {
      this.check.observeCandidate(span);
    } else if (!this.verified.has(span.version)) {
      if (this.check && this.check.status === 'running') out.push(this.check.finish('inconclusive', span.timeMs, `superseded by ${span.version}`));
      this.check = new DeploymentCheck(this.service, span.version, this.stableVersion, span.timeMs, this.options, this.history);
      if (this.options.saturation !== false) this.check.addSaturationTests(this.saturation);
      const reason = this.policies.get(span.version);
      if (reason !== undefined) this.check.makeStrict(reason);
      // The summary says when the check decides at the latest: a clean deploy passes early only once
      // every test has ruled out a regression worth failing, which thin traffic may never do.
      out.push(this.check.verdict('running', span.timeMs, `verifying ${span.version} against ${this.check.baselineDescription()}; decides by ${new Date(this.check.deadlineMs).toISOString()} at the latest`));
      this.check.observeCandidate(span);
    }
    if (this.check && this.check.status === 'running') {
      const decided = this.check.decide(span.timeMs);
      if (decided) out.push(this.settle(decided));
    }
    return out;
  }

  private settle(decided: VerdictRecord): VerdictRecord {
    if (this.check) this.verified.add(this.check.version);
    // A passed version joins the verified-good history (the versions before it stay in it until
    // they age out); a failed or inconclusive one never does.
    if (decided.status === 'pass' && this.check) {
      this.history.absorb(this.check.version, this.check.own, this.check.ownTemplates, this.check.lastCandidateMs);
      this.saturation.absorb(this.check.ownSaturation);
      this.promote(this.check.version);
    }
    return decided;
  }

  private promote(version: string): void {
    // The old version is done with: its stragglers must not start a check of their own.
    if (this.stableVersion !== null) this.verified.add(this.stableVersion);
    this.stableVersion = version;
  }

  toJSON(): ServiceVerifierJSON {
    return {
      service: this.service,
      stableVersion: this.stableVersion,
      history: this.history.toJSON(),
      watermarkMs: Number.isFinite(this.watermarkMs) ? this.watermarkMs : null,
      check: this.check ? this.check.toJSON() : null,
      verified: [...this.verified].slice(-50),
      policies: [...this.policies],
      saturation: this.saturation.toJSON(),
      samples: this.samples,
    };
  }

  static fromJSON(j: ServiceVerifierJSON, options: VerificationOptions): ServiceVerifier {
    const v = new ServiceVerifier(j.service, options);
    v.stableVersion = j.stableVersion;
    // State written before the history existed (two-epoch counters only) starts a fresh history.
    if (j.history) v.history = HistoryBaseline.fromJSON(j.history, options.baselineHalfLifeMs, options.weekOffsetMinutes ?? 0);
    v.watermarkMs = j.watermarkMs ?? -Infinity;
    v.check = j.check && j.check.slots ? DeploymentCheck.fromJSON(j.check, options, v.history) : null;
    v.verified = new Set(j.verified);
    v.policies = new Map(j.policies ?? []);
    // State written before saturation tests restores without saturation history.
    if (j.saturation) v.saturation = SaturationHistory.fromJSON(j.saturation, options.baselineHalfLifeMs);
    v.samples = j.samples ?? [];
    v.check?.useSaturation(v.saturation);
    return v;
  }
}

export interface ServiceVerifierJSON {
  service: string;
  stableVersion: string | null;
  history?: HistoryBaselineJSON;
  watermarkMs?: number | null;
  check: DeploymentCheckJSON | null;
  verified: string[];
  policies?: Array<[string, string]>;
  saturation?: SaturationHistoryJSON;
  samples?: SaturationSample[];
}

interface ConcurrentOp {
  sketch: DDSketch;
  errors: number;
  requests: number;
}

interface DeploymentCheckJSON {
  service: string;
  version: string;
  baselineVersion: string | null;
  deployedAtMs: number;
  status: VerdictRecord['status'];
  canary: boolean;
  candidate: [number, number];
  slots: SlotJSON[];
  concurrent: Array<[string, DDSketchJSON, number, number]>;
  cache: Array<[string, CachedQuantiles]>;
  novel: string[];
  strict?: string | null;
  own?: Array<[string, DDSketchJSON, number, number]>;
  ownTemplates?: Array<[string, number]>;
  lastCandidateMs?: number;
  season?: CheckSeasonJSON | null;
  ownSaturation?: Array<[string, DDSketchJSON]>;
}

/** One deployment under test. */
export class DeploymentCheck {
  status: VerdictRecord['status'] = 'running';
  /** Did the old version keep serving after the deploy (canary)? */
  canary = false;
  private candErr = 0;
  private candReq = 0;
  private slots: Slot[] = [];
  private concurrent = new Map<string, ConcurrentOp>();
  private cache = new Map<string, CachedQuantiles>();
  /** The canary's rank tables per operation (not serialised: rebuilt from its sketches). */
  private canaryRanks = new Map<string, { n: number; ranks: SketchRanks }>();
  // earlierDaysAgreement's last answer per series ('' the service): the history's counts change
  // rarely during a check, the hypotheses are asked for on every request.
  private agreeCache = new Map<string, { errors: number; requests: number; agree: boolean }>();
  /** Error templates of the candidate that the history never saw (first few, for the verdict). */
  private novel: string[] = [];
  /** Why this check runs under the strict policy; null: standard. */
  strictReason: string | null = null;
  /** The candidate's own requests per operation (they join the history if it passes). */
  own = new Map<string, ConcurrentOp>();
  /** The candidate's error templates and their counts (at most 200). */
  ownTemplates = new Map<string, number>();
  lastCandidateMs = -1;
  /** The time-of-day adjustment of a history baseline (time-of-day.ts); null: none, as before profiles existed. */
  season: CheckSeason | null = null;
  /** The service's saturation history (null: no saturation tests) and the candidate's own samples per metric. */
  private saturation: SaturationHistory | null = null;
  ownSaturation = new Map<string, DDSketch>();

  constructor(
    readonly service: string,
    readonly version: string,
    readonly baselineVersion: string | null,
    readonly deployedAtMs: number,
    private readonly options: VerificationOptions,
    private readonly history: HistoryBaseline,
    restoring = false,
  ) {
    if (restoring) return;
    // The family of tests is fixed when the check starts, so its size (and each test's share of
    // α) does not depend on what the candidate does.
    const waldAlpha = options.alpha / 4;
    const slot = (kind: SlotKind, check: string, extra: Partial<Slot> = {}): Slot => ({
      kind, check, mix: kind === 'error' ? new RateRatioSprt() : kind === 'latency' && LATENCY_CHECKS[extra.li as number].ranked ? new ShiftTest() : new MixtureSprt(), wald: new BernoulliSprt(waldAlpha, options.beta), p0: 0, ...extra,
    });
    this.slots.push(slot('error', 'error_ratio'));
    LATENCY_CHECKS.forEach((c, li) => this.slots.push(slot('latency', c.check, { li })));
    this.slots.push(slot('template', 'new_error_template'));
    const ops = history.busiest().filter((o) => o.requests >= LATENCY_CHECKS[0].minBaseline).slice(0, MAX_TESTED_OPERATIONS);
    // A service with one operation has nothing to add per operation.
    if (history.ops.size > 1) {
      for (const o of ops) {
        if (o.requests >= MIN_OPERATION_BASELINE) this.slots.push(slot('error', 'error_ratio', { operation: o.operation }));
        LATENCY_CHECKS.forEach((c, li) => {
          if (c.perOperation && o.requests >= c.minBaseline) this.slots.push(slot('latency', c.check, { li, operation: o.operation }));
        });
      }
    }
    if (options.seasonal !== false && history.lastMs >= 0) this.season = checkSeason(history.seasonal, (history.fromMs + history.lastMs) / 2, deployedAtMs, deployedAtMs + options.maxDurationMs, options.dayOfWeek !== false);
  }

  /**
   * The seasonal factor of an operation's latency level (kind 'level') or of an error rate
   * ('rate'; operation undefined: the service's) at `timeMs` against the history's time: 1 without
   * a season. Only a history baseline is adjusted — a canary is concurrent, like with like.
   */
  private seasonal(kind: 'level' | 'rate', operation: string | undefined, timeMs: number): number {
    const s = this.season;
    if (!s) return 1;
    return seasonalFactor(operation === undefined ? s.service : s.ops.get(operation), kind, s.refMs, timeMs);
  }

  /** The middle of the candidate's traffic so far: the time a whole-check error null is taken at. */
  private get candidateMidMs(): number {
    return this.lastCandidateMs < 0 ? this.deployedAtMs : (this.deployedAtMs + this.lastCandidateMs) / 2;
  }

  /**
   * Add one test per CPU / memory metric the saturation history holds enough of, and a growth
   * test per memory metric among them (none: the family is unchanged). Called once, when the check
   * starts, so the family stays fixed.
   */
  addSaturationTests(h: SaturationHistory): void {
    this.saturation = h;
    const metrics = h.testable();
    for (const metric of metrics) {
      this.slots.push({ kind: 'saturation', check: saturationCheckName(metric), metric, mix: new MixtureSprt(), wald: new BernoulliSprt(this.options.alpha / 4, this.options.beta), p0: 0 });
    }
    if (this.options.memoryGrowth !== true) return;
    for (const metric of metrics.filter((m) => saturationMetricKind(m) === 'memory')) {
      const mix = new MemoryGrowthTest(this.deployedAtMs + MEMORY_GROWTH.warmupMs);
      this.slots.push({ kind: 'growth', check: MEMORY_GROWTH_CHECK, metric, mix, wald: new BernoulliSprt(this.options.alpha / 4, this.options.beta), p0: 0 });
    }
  }

  /** A restored check reads the restored history. */
  useSaturation(h: SaturationHistory): void {
    this.saturation = h;
  }

  /** One sample of the candidate: each test of its metric sees whether it exceeds margin × the baseline's p95. */
  observeSaturation(sample: SaturationSample): void {
    if (this.status !== 'running' || !this.saturation) return;
    if (sample.timeMs < this.deployedAtMs + SATURATION_CHECK.warmupMs) return;
    let own = this.ownSaturation.get(sample.metric);
    if (!own && this.ownSaturation.size < 20) this.ownSaturation.set(sample.metric, (own = newSketch()));
    own?.add(sample.value);
    const strict = this.strictReason !== null;
    for (const s of this.slots) {
      if (s.kind === 'growth' && s.metric === sample.metric) {
        const h = this.saturation;
        (s.mix as MemoryGrowthTest).observe(sample.timeMs, sample.value, () => h.growthBaseline(sample.metric), s.wald);
        continue;
      }
      if (s.kind !== 'saturation' || s.metric !== sample.metric) continue;
      const q = this.saturation.quantile(sample.metric, SATURATION_CHECK.q);
      if (q === null) continue;
      const p0 = saturationNull(this.saturation.count(sample.metric));
      s.p0 = p0;
      const x = sample.value > q * SATURATION_CHECK.margin ? 1 : 0;
      (s.mix as MixtureSprt).observe(x, 1, p0);
      s.wald.observe(x, 1, p0, Math.max(strict ? SATURATION_CHECK.strictP1 : SATURATION_CHECK.p1, p0 * 1.05));
    }
  }

  /** Candidate and baseline medians of a saturation slot's metric, and their ratio. */
  private saturationMedians(s: Slot): { baseline: number; candidate: number; ratio: number } {
    const metric = s.metric as string;
    const baseline = this.saturation?.quantile(metric, 0.5) ?? 0;
    const own = this.ownSaturation.get(metric);
    // No candidate sample yet (a running verdict): no effect to report, ratio 1.
    if (!own || own.count === 0) return { baseline, candidate: 0, ratio: 1 };
    const candidate = own.quantile(0.5);
    return { baseline, candidate, ratio: baseline > 0 ? candidate / baseline : candidate > 0 ? Infinity : 1 };
  }

  /** A growth slot's fit, its slope as a share of the baseline median per minute, and the level projected an hour ahead. */
  private growthSummary(s: Slot): { perMin: number; projected: number; blocks: number } | null {
    const base = this.saturation?.growthBaseline(s.metric as string) ?? null;
    const f = (s.mix as MemoryGrowthTest).fit(true);
    if (!base || !f) return null;
    return { perMin: (f.slope * 60_000) / base.p50, projected: f.level + f.slope * MEMORY_GROWTH.horizonMs, blocks: f.k };
  }

  /** A test's name in a verdict's summary: the check, and its operation or its metric and effect. */
  private slotLabel(i: number): string {
    const s = this.slots[i];
    if (s.kind === 'growth') {
      const g = this.growthSummary(s);
      return `memory ${g ? formatPercentPerMin(g.perMin) : 'growth'} (${s.metric}, ${s.check})`;
    }
    if (s.kind === 'saturation') return `${saturationMetricKind(s.metric as string)} ×${formatRatio(this.saturationMedians(s).ratio)} (${s.metric}, ${s.check})`;
    return s.operation ? `${s.check} (${s.operation})` : s.check;
  }

  get deadlineMs(): number {
    return this.deployedAtMs + this.options.maxDurationMs;
  }

  private get alpha(): number {
    return this.strictReason !== null && this.options.strict ? this.options.strict.alpha : this.options.alpha;
  }

  /**
   * Switch to the strict policy. The statistics gathered so far are kept; the budget becomes the
   * strict α and later observations use the strict null boundaries and alternatives.
   */
  makeStrict(reason: string): void {
    const st = this.options.strict;
    if (!st || this.strictReason !== null) return;
    this.strictReason = reason;
    for (const s of this.slots) s.wald = BernoulliSprt.fromJSON({ ...s.wald.toJSON(), alpha: st.alpha / 4 });
  }

  private get minSamples(): number {
    return this.strictReason !== null && this.options.strict ? Math.ceil(this.options.minSamples * this.options.strict.minSamplesFactor) : this.options.minSamples;
  }

  observeBaseline(span: VerifiedSpan): void {
    if (this.status !== 'running') return;
    this.canary = true;
    let c = this.concurrent.get(span.operation);
    if (!c) {
      if (this.concurrent.size >= 200) return;
      this.concurrent.set(span.operation, (c = { sketch: newSketch(), errors: 0, requests: 0 }));
    }
    c.sketch.add(span.durationMs);
    c.requests++;
    if (span.isError) c.errors++;
  }

  private concurrentCounts(operation?: string): { errors: number; requests: number } {
    if (operation !== undefined) return this.concurrent.get(operation) ?? { errors: 0, requests: 0 };
    let errors = 0;
    let requests = 0;
    for (const c of this.concurrent.values()) {
      errors += c.errors;
      requests += c.requests;
    }
    return { errors, requests };
  }

  /**
   * Baseline error counts: the concurrent old version once it has enough requests, else the
   * history — with the earlier days' counts of the same series added when the profile holds them
   * and the history agrees with them (EARLIER_DAYS_AGREE).
   */
  private baselineErrors(operation?: string): { errors: number; requests: number; canary: boolean; earlier?: { errors: number; requests: number } } {
    const conc = this.concurrentCounts(operation);
    if (conc.requests >= (operation === undefined ? MIN_CANARY_REQUESTS : MIN_CANARY_OPERATION)) return { ...conc, canary: true };
    const h = this.history.counts(operation);
    const prior = this.season && this.options.earlierDays !== false ? (operation === undefined ? this.season.service : this.season.ops.get(operation))?.prior : undefined;
    if (!prior || h.requests === 0) return { ...h, canary: false };
    const key = operation ?? '';
    let c = this.agreeCache.get(key);
    if (!c || c.errors !== h.errors || c.requests !== h.requests) {
      c = { errors: h.errors, requests: h.requests, agree: earlierDaysAgreement(h.errors, h.requests, prior.errors, prior.requests) >= EARLIER_DAYS_AGREE };
      this.agreeCache.set(key, c);
    }
    const agree = c.agree;
    // Rounded: the earlier days' counts are day-weighted, the tests take whole counts.
    return agree ? { errors: h.errors + Math.round(prior.errors), requests: h.requests + Math.round(prior.requests), canary: false, earlier: prior } : { ...h, canary: false };
  }

  private baselineQuantile(operation: string, li: number, timeMs: number): { value: number; n: number } | null {
    const c = LATENCY_CHECKS[li];
    const conc = this.concurrent.get(operation);
    if (conc && conc.requests >= MIN_CANARY_OPERATION) {
      const key = quantileKey(-1, conc.requests);
      let e = this.cache.get(operation);
      if (!e || e.key !== key) this.cache.set(operation, (e = { key, n: conc.requests, q: {} }));
      const qk = String(c.q);
      if (e.q[qk] === undefined) e.q[qk] = conc.sketch.quantile(c.q);
      return { value: e.q[qk], n: e.n };
    }
    const h = this.history.quantile(operation, c.q, c.minBaseline);
    // Seasonal: the history's quantile moved by the operation's time-of-day level ratio.
    return h && this.season ? { value: h.value * this.seasonal('level', operation, timeMs), n: h.n } : h;
  }

  /**
   * The candidate request's mid-rank among its operation's baseline latencies (the canary's
   * concurrent requests once they are enough, else the history's, moved by the time-of-day level
   * ratio like its quantiles), with the baseline's size; null without a baseline of the shift
   * test's minimum size.
   */
  private baselineRank(operation: string, durationMs: number, timeMs: number, minBaseline: number): { rank: number; n: number } | null {
    const conc = this.concurrent.get(operation);
    if (conc && conc.requests >= MIN_CANARY_OPERATION) {
      let r = this.canaryRanks.get(operation);
      // Rebuilt whenever the canary grew: a function of its counts, so a replay reads the same ranks.
      if (!r || r.n !== conc.requests) this.canaryRanks.set(operation, (r = { n: conc.requests, ranks: conc.sketch.ranks() }));
      return { rank: r.ranks.midRank(durationMs), n: r.n };
    }
    const h = this.history.ranks(operation, minBaseline);
    if (!h) return null;
    const level = this.season ? this.seasonal('level', operation, timeMs) : 1;
    return { rank: h.ranks.midRank(durationMs / level), n: h.n };
  }

  private policy(): { factor: number; minRise: number } {
    const st = this.strictReason !== null ? this.options.strict : undefined;
    return st ? { factor: st.errorRatioFactor, minRise: st.minErrorRatioIncrease } : { factor: this.options.errorRatioFactor, minRise: this.options.minErrorRatioIncrease };
  }

  /**
   * Error ratio hypotheses. The fail test is two-sample (RateRatioSprt: the candidate's errors
   * against the baseline's own counts, so a small baseline's noise is accounted for by the test
   * instead of by an upper bound) with the null "at most τ times the baseline's rate", τ a tenth of
   * the way to the regression worth failing (`errorRatioFactor`, or `minErrorRatioIncrease` over
   * the baseline's ratio, whichever is larger; the baseline's ratio is smoothed as (e+1)/(n+2) so a
   * baseline without errors asks for a rise of some size, not for any error at all). The Wald test
   * that decides a pass compares the candidate with the baseline's 90% Wilson upper bound, the null
   * a third of the way to the regression worth failing and that regression as its alternative.
   */
  private errorHypotheses(operation?: string, timeMs = this.candidateMidMs): { p0: number; p1: number; baseline: number; tau: number; worth: number; season: number; errors: number; requests: number } | null {
    const b = this.baselineErrors(operation);
    if (b.requests === 0 && operation !== undefined) return null;
    const { factor, minRise } = this.policy();
    // Seasonal (history only): the rate the same minutes of earlier days expect, relative to the
    // history's time; the null, the alternatives and the regression worth failing scale with it.
    const season = b.canary ? 1 : this.seasonal('rate', operation, timeMs);
    const upper = Math.min(1, (b.requests > 0 ? wilsonUpper(b.errors, b.requests, SAMPLING_Z) : 0.05) * season);
    const smoothed = ((b.errors + 1) / (b.requests + 2)) * season;
    const p0 = Math.min(0.99, Math.max(upper * (1 + (factor - 1) / 3), upper + minRise / 4));
    const p1 = Math.min(0.999, Math.max(upper * factor, upper + minRise, p0 * 1.0001));
    const worth = Math.max(factor, 1 + minRise / smoothed);
    const tau = 1 + ERROR_TOLERANCE_SHARE * (worth - 1);
    return { p0, p1, baseline: b.requests > 0 ? (b.errors / b.requests) * season : 0, tau: tau * season, worth, season, errors: b.errors, requests: b.requests };
  }

  private latencyNull(li: number, n: number): number {
    const c = LATENCY_CHECKS[li];
    const base = 1 - c.q;
    return Math.min(0.99, base * (1 + c.tol) + SAMPLING_Z * Math.sqrt((c.q * base) / n));
  }

  private templateNull(): number {
    // Good-Turing (Good 1953): the share of errors whose template is new is about N1/N, the share
    // of errors in the history whose template was seen once; +1/+2 keeps it positive on a clean
    // history and the Wilson bound covers its noise. A service whose messages carry unmasked
    // variables has N1 ≈ N, so the test loses its power instead of failing every deploy.
    const { singletons, errors } = this.history.unseenTemplateShare();
    return Math.min(0.99, wilsonUpper(singletons + 1, errors + 2, SAMPLING_Z));
  }

  observeCandidate(span: VerifiedSpan): void {
    if (this.status !== 'running') return;
    this.candReq++;
    if (span.isError) this.candErr++;
    let own = this.own.get(span.operation);
    if (!own && this.own.size < 200) this.own.set(span.operation, (own = { sketch: newSketch(), errors: 0, requests: 0 }));
    if (own) {
      own.sketch.add(span.durationMs);
      own.requests++;
      if (span.isError) own.errors++;
    }
    if (span.isError && span.errorTemplate !== undefined && (this.ownTemplates.has(span.errorTemplate) || this.ownTemplates.size < 200)) {
      this.ownTemplates.set(span.errorTemplate, (this.ownTemplates.get(span.errorTemplate) ?? 0) + 1);
    }
    this.lastCandidateMs = Math.max(this.lastCandidateMs, span.timeMs);
    const strict = this.strictReason !== null;
    const quantiles = new Map<number, { value: number; n: number } | null>();
    let rank: { rank: number; n: number } | null | undefined;
    for (const s of this.slots) {
      if (s.kind === 'saturation' || s.kind === 'growth') continue;
      if (s.operation !== undefined && s.operation !== span.operation) continue;
      if (s.kind === 'error') {
        const h = this.errorHypotheses(s.operation, span.timeMs);
        if (!h) continue;
        s.p0 = (h.tau * h.baseline) / h.season;
        const x = span.isError ? 1 : 0;
        (s.mix as RateRatioSprt).observe(x, 1, h.errors, h.requests, h.tau);
        s.wald.observe(x, 1, h.p0, h.p1);
      } else if (s.kind === 'latency') {
        const li = s.li as number;
        let q = quantiles.get(li);
        if (q === undefined) quantiles.set(li, (q = this.baselineQuantile(span.operation, li, span.timeMs)));
        if (q === null) continue;
        const c = LATENCY_CHECKS[li];
        const p0 = this.latencyNull(li, q.n);
        s.p0 = p0;
        const x = span.durationMs > q.value * 1.02 ? 1 : 0;
        if (s.mix instanceof ShiftTest) {
          if (rank === undefined) rank = this.baselineRank(span.operation, span.durationMs, span.timeMs, c.minBaseline);
          if (rank === null) continue;
          s.mix.observe(rank.rank, x, Math.min(0.95, 0.5 + SHIFT_TOLERANCE + SAMPLING_Z * Math.sqrt(1 / (12 * rank.n))));
        } else {
          (s.mix as MixtureSprt).observe(x, 1, p0);
        }
        s.wald.observe(x, 1, p0, Math.max(strict ? c.strictP1 : c.p1, p0 * 1.05));
      } else if (span.isError && span.errorTemplate !== undefined) {
        const p0 = this.templateNull();
        s.p0 = p0;
        const unseen = !this.history.templates.has(span.errorTemplate);
        if (unseen && this.novel.length < 3 && !this.novel.includes(span.errorTemplate)) this.novel.push(span.errorTemplate);
        (s.mix as MixtureSprt).observe(unseen ? 1 : 0, 1, p0);
        // The alternative worth failing: new templates in a tenth of the errors or more.
        s.wald.observe(unseen ? 1 : 0, 1, p0, Math.max(0.1, p0 * 2));
      }
    }
  }

  /** Indices of the tests that fail under Holm's procedure at the check's α. */
  private failing(): number[] {
    return this.finalFailing ?? holmRejections(this.slots.map((s) => s.mix.pValue), this.alpha * (1 - FINAL_LOOK_SHARE));
  }

  /**
   * The exact fixed-sample p-value of a test's counts at the deadline. Error ratios: given the
   * T = eb + N errors of baseline and candidate, the candidate's share is Binomial(T, π0) with
   * π0 = τs / (nb + τs) at the null boundary (the conditional test of two Poisson rates, the same
   * model as RateRatioSprt). Exceedance and template shares: Binomial(n, p0) at the last null
   * boundary (a history baseline does not move during a check; a canary's grows, and its last
   * boundary is the best-informed one).
   */
  private finalPValue(s: Slot): number {
    if (s.kind === 'growth') return (s.mix as MemoryGrowthTest).finalPValue(this.saturation?.growthBaseline(s.metric as string) ?? null);
    if (s.mix.n === 0 || s.mix.ones === 0) return 1;
    if (s.kind === 'error') {
      const h = this.errorHypotheses(s.operation);
      if (!h || h.requests === 0) return 1;
      const pi0 = (h.tau * s.mix.n) / (h.requests + h.tau * s.mix.n);
      return binomialSf(s.mix.ones, h.errors + s.mix.ones, pi0);
    }
    return binomialSf(s.mix.ones, s.mix.n, Math.min(1, Math.max(0, s.p0)));
  }

  /** Set at the deadline: the tests Holm rejects at the final look's share of α (else the continuous ones). */
  private finalFailing: number[] | null = null;

  evidence(): VerdictEvidence[] {
    const failing = new Set(this.failing());
    const m = this.slots.length;
    return this.slots.map((s, i) => {
      const rate = s.mix.n ? s.mix.ones / s.mix.n : 0;
      let baseline: number;
      let detail: string;
      if (s.kind === 'error') {
        const h = this.errorHypotheses(s.operation);
        baseline = h?.baseline ?? 0;
        detail = `${s.mix.ones}/${s.mix.n} candidate requests failed${s.operation ? ` on ${s.operation}` : ''}`;
      } else if (s.kind === 'latency') {
        const c = LATENCY_CHECKS[s.li as number];
        baseline = 1 - c.q;
        detail = `${s.mix.ones}/${s.mix.n} candidate requests slower than the baseline p${Math.round(c.q * 100)}${s.operation ? ` of ${s.operation}` : ''}`;
        if (s.mix instanceof ShiftTest && s.mix.n > 0) detail += `; slower than a baseline request with probability ${s.mix.mean.mean.toFixed(2)} (no shift: 0.50, tolerated: ${s.mix.m0.toFixed(2)})`;
      } else if (s.kind === 'growth') {
        // Evidence of a growth test: the baseline p95, the level projected an hour ahead (effect: their ratio), the slope.
        const base = this.saturation?.growthBaseline(s.metric as string) ?? null;
        const g = this.growthSummary(s);
        const decided: VerdictEvidence['decided'] = failing.has(i) ? 'fail' : this.slotPasses(s) ? 'pass' : 'undecided';
        const horizon = `${MEMORY_GROWTH.horizonMs / 3_600_000} h`;
        const against = base ? `baseline p95 ${formatBytes(base.p95)} (× ${SATURATION_CHECK.margin} = ${formatBytes(base.threshold)})` : 'no baseline';
        const fit = g && base
          ? `${formatPercentPerMin(g.perMin)} of the baseline median over ${g.blocks} one-minute blocks after the warm-up, ${formatBytes(g.projected)} projected in ${horizon} vs ${against}`
          : `no slope yet (${MEMORY_GROWTH.minBlocks} one-minute blocks after a ${MEMORY_GROWTH.warmupMs / 1000} s warm-up needed) vs ${against}`;
        return {
          check: s.check, baseline: base?.p95 ?? 0, candidate: g?.projected ?? 0, effect: g && base ? g.projected / base.p95 : 1, statistic: s.mix.maxLog, bound: Math.log(m / this.alpha), decided,
          detail: `${s.metric}: ${fit}; always-valid p = ${s.mix.pValue.toPrecision(3)}`,
        };
      } else if (s.kind === 'saturation') {
        // Evidence of a saturation test: the metric's medians (effect = their ratio) and the exceedances.
        const med = this.saturationMedians(s);
        const n = this.saturation?.count(s.metric as string) ?? 0;
        const decided: VerdictEvidence['decided'] = failing.has(i) ? 'fail' : this.slotPasses(s) ? 'pass' : 'undecided';
        return {
          check: s.check, baseline: med.baseline, candidate: med.candidate, effect: Number.isFinite(med.ratio) ? med.ratio : 1e9, statistic: s.mix.maxLog, bound: Math.log(m / this.alpha), decided,
          detail: `${s.metric}: ${s.mix.n > 0 ? `median ×${formatRatio(med.ratio)}` : 'no candidate sample yet'} against ${n} baseline samples; ${s.mix.ones}/${s.mix.n} candidate samples above ${SATURATION_CHECK.margin} × the baseline p95; always-valid p = ${s.mix.pValue.toPrecision(3)}`,
        };
      } else {
        baseline = s.p0;
        detail = `${s.mix.ones}/${s.mix.n} candidate errors with a message never seen in the baseline${this.novel.length ? `: "${this.novel[0].slice(0, 120)}"` : ''}`;
      }
      const effect = baseline > 0 ? rate / baseline : rate > 0 ? 1e9 : 1;
      const passed = failing.has(i) ? null : this.passedBy(s);
      const decided: VerdictEvidence['decided'] = failing.has(i) ? 'fail' : passed !== null ? 'pass' : 'undecided';
      return {
        check: s.check, ...(s.operation !== undefined ? { operation: s.operation } : {}), baseline, candidate: rate,
        effect: Number.isFinite(effect) ? effect : 1e9, statistic: s.mix.maxLog, bound: Math.log(m / this.alpha), decided,
        detail: `${detail}; always-valid p = ${s.mix.pValue.toPrecision(3)}${passed !== null && passed.by !== 'wald' ? `; passed: ${describePass(passed)}` : ''}`,
      };
    });
  }

  /**
   * Has this test ruled out the regression worth failing? Latency and template tests: their Wald
   * test accepted. Error ratios: the two-sample test run the other way round — H: the candidate's
   * rate is at least the regression worth failing (`errorRatioFactor`, or `minErrorRatioIncrease`
   * over the baseline's, whichever is larger) times the baseline's, against "no change" (ratio 1),
   * by the same conditional binomial likelihood as RateRatioSprt (monotone in the ratio, so a
   * supermartingale under the whole of that H) — rejected at β: a regression of that size passes
   * early with probability at most β. Until 2026-12-05 this was a Wald test against factor × the baseline's
   * 90% upper bound, which for 2 errors in 180 baseline requests put the "regression worth failing"
   * at five times the baseline's rate, so a threefold rise could pass early.
   *
   * That test is conditioned on the errors seen, so with few baseline errors it has little to go
   * on: an operation with 2 errors in its 2,400 baseline requests and none in the candidate's 600
   * holds a likelihood ratio of at most 9. An error test therefore also passes when a one-sample
   * test rules out the candidate's rate reaching the regression worth failing at the baseline's
   * lower bound (rateBelowLogMixture against max(factor × low, low + minErrorRatioIncrease)): no
   * baseline errors needed, and 0 errors in 400 requests rule out 1 %. A template test likewise
   * also passes when new-template errors are ruled out at minErrorRatioIncrease of the candidate's
   * requests — a new failure mode that adds less than the smallest error-ratio rise worth failing
   * may pass (the exact final look and the always-valid fail test still see it until then). Each
   * of the two tests holds β, so the union holds 2β by Boole; simulated at the regression worth
   * failing (baselines of 600–6,000 requests at 0.1–5 %), early passes stayed at 6–10 % with β 0.1.
   */
  private slotPasses(s: Slot): boolean {
    return this.passedBy(s) !== null;
  }

  /** Which pass test ruled the regression out, with the figures the evidence names; null: none yet. Called per slot per span: no strings here. */
  private passedBy(s: Slot): PassedBy | null {
    if (s.kind === 'growth') return (s.mix as MemoryGrowthTest).passes(s.wald) ? { by: 'wald' } : null;
    const need = Math.log(1 / this.options.beta);
    if (s.kind === 'template') {
      if (s.wald.decision === 'pass') return { by: 'template-share', share: Math.max(0.1, s.p0 * 2) };
      const minRise = this.policy().minRise;
      return this.candReq > 0 && rateBelowLogMixture(s.mix.ones, this.candReq, minRise) >= need ? { by: 'template-rate', rate: minRise } : null;
    }
    if (s.kind !== 'error') return s.wald.decision === 'pass' ? { by: 'wald' } : null;
    const h = this.errorHypotheses(s.operation);
    if (!h || h.requests === 0 || s.mix.n === 0) return null;
    if (rateRatioLogMixture(h.errors, h.requests, s.mix.ones, s.mix.n, h.worth * h.season, [1 / h.worth]) >= need) {
      return { by: 'ratio', worth: h.worth, errors: h.errors, requests: h.requests };
    }
    const { factor, minRise } = this.policy();
    const low = wilsonLower(h.errors, h.requests, SAMPLING_Z);
    const ceiling = Math.min(0.999, Math.max(factor * low, low + minRise) * h.season);
    return rateBelowLogMixture(s.mix.ones, s.mix.n, ceiling) >= need ? { by: 'own-rate', rate: ceiling } : null;
  }

  /** A verdict once the data decide (the deadline is the watermark's business: see timeout()). */
  decide(nowMs: number): VerdictRecord | null {
    if (this.status !== 'running') return null;
    const failing = this.failing();
    if (failing.length > 0) {
      const names = failing.map((i) => this.slotLabel(i));
      return this.finish('fail', nowMs, `${this.version} regressed against ${this.baselineDescription()}: ${[...new Set(names)].join(', ')}`);
    }
    // A pass needs every test that saw data to rule out the regression worth failing (its Wald
    // test accepted), the service's error ratio among them, and latency tested at all. A test that
    // saw nothing (an operation the candidate does not serve, no error messages) is not waited for.
    const latencyTested = this.slots.some((s) => s.kind === 'latency' && s.mix.n > 0);
    // A saturation test is waited for even before its first sample: the history says the service
    // reports the metric, and a pass before it is measured would let a CPU regression through. So
    // is a growth test, until it has ruled out a leak reaching margin × p95 within 20 minutes.
    const allPass = this.slotPasses(this.slots[0]) && this.slots.every((s) => (s.mix.n === 0 && s.kind !== 'saturation' && s.kind !== 'growth') || this.slotPasses(s));
    if (allPass && latencyTested && this.candReq >= this.minSamples) {
      return this.finish('pass', nowMs, `${this.version} is no worse than ${this.baselineVersion} after ${this.candReq} requests`);
    }
    return null;
  }

  /** The verdict at the deadline, stamped with the deadline. */
  timeout(): VerdictRecord {
    const at = this.deadlineMs;
    const within = `within ${Math.round(this.options.maxDurationMs / 1000)} s`;
    // The final look: one exact test of every test's counts at the deadline, at its share of α.
    const final = holmRejections(this.slots.map((s) => this.finalPValue(s)), this.alpha * FINAL_LOOK_SHARE);
    if (final.length > 0) {
      this.finalFailing = final;
      const names = final.map((i) => this.slotLabel(i));
      return this.finish('fail', at, `${this.version} regressed against ${this.baselineDescription()} by its deadline (exact test of ${this.candReq} requests): ${[...new Set(names)].join(', ')}`);
    }
    if (this.candReq < this.minSamples && this.strictReason === null) {
      return this.finish('inconclusive', at, `${this.version}: only ${this.candReq} requests ${within} (${this.minSamples} needed)`);
    }
    if (this.strictReason !== null) {
      return this.finish('inconclusive', at, `${this.version}: no decision ${within}; a strict check passes only on evidence`);
    }
    return this.finish('pass', at, `${this.version}: no regression found ${within}`);
  }

  baselineDescription(): string {
    const b = this.baselineInfo();
    if (b.source === 'none') return `${this.baselineVersion} (no baseline traffic)`;
    const versions = b.versions.slice(0, 3).map((v) => v.version).join(', ');
    const which = b.seasonal?.dayClass === 'weekday' ? 'weekdays' : b.seasonal?.dayClass === 'weekend' ? 'weekend days' : 'days';
    const season = b.seasonal ? `; seasonal: same ${b.seasonal.slotMinutes} min of ${b.seasonal.days} earlier ${which}, latency ×${b.seasonal.latencyRatio}, errors ×${b.seasonal.errorRatio}` : '';
    const earlier = b.earlierDays ? `; error ratio with earlier days: ${Math.round(b.earlierDays.errors)} errors in ${Math.round(b.earlierDays.requests)} requests` : '';
    return b.source === 'canary' ? `${this.baselineVersion} (canary)` : `${this.baselineVersion} (history of ${versions}: ${b.requests} requests${season}${earlier})`;
  }

  baselineInfo(): VerdictBaseline {
    const conc = this.concurrentCounts();
    const canary = conc.requests >= MIN_CANARY_REQUESTS;
    const h = this.history.counts();
    const earlier = this.baselineErrors().earlier;
    const operationsTested = new Set(this.slots.filter((s) => s.operation !== undefined).map((s) => s.operation)).size;
    const common = { operationsTested, tests: this.slots.length, alpha: this.alpha };
    if (canary) {
      return {
        source: 'canary', versions: this.baselineVersion ? [{ version: this.baselineVersion, requests: conc.requests }] : [], requests: conc.requests,
        errors: conc.errors, fromMs: this.deployedAtMs, toMs: Math.max(this.deployedAtMs, this.history.lastMs), ...common,
      };
    }
    return {
      source: h.requests > 0 ? 'history' : 'none', versions: this.history.versions(), requests: h.requests, errors: h.errors,
      fromMs: Math.max(0, this.history.fromMs), toMs: Math.max(0, this.history.lastMs), ...common,
      ...(this.season && h.requests > 0 ? { seasonal: seasonSummary(this.season) } : {}),
      ...(earlier ? { earlierDays: { errors: Math.round(earlier.errors * 10) / 10, requests: Math.round(earlier.requests) } } : {}),
    };
  }

  finish(status: 'pass' | 'fail' | 'inconclusive', nowMs: number, summary: string): VerdictRecord {
    this.status = status;
    return this.verdict(status, nowMs, summary);
  }

  verdict(status: VerdictRecord['status'], nowMs: number, summary: string): VerdictRecord {
    const id = deploymentIdFor(this.service, this.version);
    return {
      schema: 'vigil.verdict/1', id: stableId(id, status), deploymentId: id, service: this.service, version: this.version,
      baselineVersion: this.baselineVersion ?? undefined, environment: this.options.environment, status,
      mode: this.canary ? 'canary' : 'before_after', deployedAtMs: this.deployedAtMs, decidedAtMs: nowMs,
      evidence: this.evidence(),
      summary: this.strictReason !== null ? `${summary} (strict: ${this.strictReason})` : summary,
      policy: this.strictReason !== null ? 'strict' : 'standard',
      ...(this.strictReason !== null ? { policyReason: this.strictReason } : {}),
      baseline: this.baselineInfo(),
    };
  }

  toJSON(): DeploymentCheckJSON {
    return {
      service: this.service, version: this.version, baselineVersion: this.baselineVersion, deployedAtMs: this.deployedAtMs,
      status: this.status, canary: this.canary, candidate: [this.candErr, this.candReq],
      slots: this.slots.map((s) => ({
        kind: s.kind, check: s.check, ...(s.operation !== undefined ? { operation: s.operation } : {}), ...(s.li !== undefined ? { li: s.li } : {}),
        ...(s.metric !== undefined ? { metric: s.metric } : {}), mix: s.mix.toJSON(), wald: s.wald.toJSON(), p0: s.p0,
      })),
      concurrent: [...this.concurrent].map(([k, c]) => [k, c.sketch.toJSON(), c.errors, c.requests]),
      cache: [...this.cache], novel: this.novel, strict: this.strictReason,
      own: [...this.own].map(([k, c]) => [k, c.sketch.toJSON(), c.errors, c.requests]), ownTemplates: [...this.ownTemplates], lastCandidateMs: this.lastCandidateMs,
      season: this.season ? checkSeasonToJSON(this.season) : null,
      ownSaturation: [...this.ownSaturation].map(([k, sk]) => [k, sk.toJSON()]),
    };
  }

  static fromJSON(j: DeploymentCheckJSON, options: VerificationOptions, history: HistoryBaseline): DeploymentCheck {
    const c = new DeploymentCheck(j.service, j.version, j.baselineVersion, j.deployedAtMs, options, history, true);
    c.status = j.status;
    c.canary = j.canary;
    [c.candErr, c.candReq] = j.candidate;
    c.slots = j.slots.map((s) => ({
      kind: s.kind, check: s.check, ...(s.operation !== undefined ? { operation: s.operation } : {}), ...(s.li !== undefined ? { li: s.li } : {}),
      ...(s.metric !== undefined ? { metric: s.metric } : {}), mix: slotTestFromJSON(s), wald: BernoulliSprt.fromJSON(s.wald), p0: s.p0,
    }));
    c.concurrent = new Map(j.concurrent.map(([k, s, e, r]) => [k, { sketch: DDSketch.fromJSON(s), errors: e, requests: r }]));
    c.cache = new Map(j.cache);
    c.novel = j.novel;
    c.strictReason = j.strict ?? null;
    // Snapshots from before the candidate's own requests were kept restore without them.
    c.own = new Map((j.own ?? []).map(([k, s, e, r]) => [k, { sketch: DDSketch.fromJSON(s), errors: e, requests: r }]));
    c.ownTemplates = new Map(j.ownTemplates ?? []);
    c.lastCandidateMs = j.lastCandidateMs ?? -1;
    c.season = j.season ? checkSeasonFromJSON(j.season) : null;
    c.ownSaturation = new Map((j.ownSaturation ?? []).map(([k, sk]) => [k, DDSketch.fromJSON(sk)]));
    return c;
  }
}

function slotTestFromJSON(s: SlotJSON): Slot['mix'] {
  if (s.kind === 'error') return RateRatioSprt.fromJSON(s.mix as RateRatioSprtJSON);
  if (s.kind === 'growth') return MemoryGrowthTest.fromJSON(s.mix as MemoryGrowthJSON);
  // A latency shift slot; a snapshot from before the rank test restores its median-exceedance mixture.
  if (s.kind === 'latency' && 'mean' in s.mix) return ShiftTest.fromJSON(s.mix);
  return MixtureSprt.fromJSON(s.mix as MixtureSprtJSON, MIXTURE_ODDS_RATIOS);
}

/** What ruled a test's regression out (DeploymentCheck.passedBy). */
type PassedBy =
  | { by: 'wald' }
  | { by: 'template-share'; share: number }
  | { by: 'template-rate'; rate: number }
  | { by: 'ratio'; worth: number; errors: number; requests: number }
  | { by: 'own-rate'; rate: number };

/** The evidence's words for a pass of an error or template test. */
function describePass(p: Exclude<PassedBy, { by: 'wald' }>): string {
  switch (p.by) {
    case 'template-share': return `new messages in ${formatPercent(p.share)} of the errors ruled out`;
    case 'template-rate': return `errors with a new message in ${formatPercent(p.rate)} of the requests ruled out`;
    case 'ratio': return `×${formatRatio(p.worth)} the baseline's rate ruled out against its ${Math.round(p.errors)} errors in ${Math.round(p.requests)} requests`;
    case 'own-rate': return `a rate of ${formatPercent(p.rate)} or more ruled out by the candidate's own requests`;
  }
}

/** A share as a percentage, two significant digits: 1.1 %, 0.25 %, 10 %. */
function formatPercent(share: number): string {
  return `${Number((share * 100).toPrecision(2))} %`;
}

/** A slope as a share per minute: +1.2 %/min. */
function formatPercentPerMin(share: number): string {
  const pct = share * 100;
  const digits = Math.abs(pct) >= 10 ? 0 : Math.abs(pct) >= 0.1 ? 1 : 2;
  return `${pct >= 0 ? '+' : '−'}${Math.abs(pct).toFixed(digits)} %/min`;
}
