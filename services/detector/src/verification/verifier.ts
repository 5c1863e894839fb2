import { DDSketch } from '@vigil/stats';
import type { DDSketchJSON } from '@vigil/stats';
import { deploymentIdFor, stableId } from '@vigil/records';
import type { DeploymentCiQuality, DeploymentRecord, VerdictEvidence, VerdictRecord } from '@vigil/records';
import { BernoulliSprt, wilsonUpper } from './sprt.js';

/** One request of the service, as verification sees it. */
export interface VerifiedSpan {
  operation: string;
  version: string;
  isError: boolean;
  durationMs: number;
  timeMs: number;
}

export interface VerificationOptions {
  alpha: number;
  beta: number;
  errorRatioFactor: number;
  minErrorRatioIncrease: number;
  minSamples: number;
  maxDurationMs: number;
  baselineHalfLifeMs: number;
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

/** The id every part of Vigil gives the deployment of `version` of `service`. */
export function deploymentId(service: string, version: string): string {
  return deploymentIdFor(service, version);
}

// Latency checks: the share of candidate requests slower than the baseline's q-quantile. With no
// regression it is 1 - q; the null hypothesis allows a margin for the sketch's 1% relative error
// and the baseline's sampling error, the alternative is a tail several times heavier.
// Strict policy: alternatives a quarter closer to the null (a smaller tail shift fails).
const LATENCY_CHECKS = [
  { check: 'latency_p95_exceedance', q: 0.95, p0: 0.065, p1: 0.2, strictP1: 0.15 },
  { check: 'latency_p99_exceedance', q: 0.99, p0: 0.016, p1: 0.06, strictP1: 0.045 },
] as const;
/** Deployment announcements remembered per service for a check that has not started yet. */
const MAX_POLICIES = 20;
/** Baseline requests an operation needs before its quantiles are trusted. */
const MIN_BASELINE_PER_OPERATION = 200;

interface OpBaseline {
  cur: DDSketch;
  prev: DDSketch;
}

function newSketch(): DDSketch {
  return new DDSketch({ relativeAccuracy: 0.01, maxBins: 512 });
}

/**
 * Verifies deployments of one service from its span stream alone, so a replay reaches the same
 * verdicts: the first version seen is stable; a new version in the stream starts a check of
 * candidate against baseline. Baseline: the stable version's requests — the concurrent ones
 * while it still serves (canary), else its recent history (before/after), kept in two rotating
 * epochs of `baselineHalfLifeMs` so it follows daily cycles. Three sequential tests, Bonferroni
 * split of α: error ratio against the baseline's Wilson upper bound, and the exceedance of the
 * baseline's p95 and p99 latency per operation.
 * Memory: two sketches per operation (≤ 512 bins each) plus a few counters.
 */
export class ServiceVerifier {
  stableVersion: string | null = null;
  private epochStartMs = -1;
  private ops = new Map<string, OpBaseline>();
  private errCur = 0;
  private reqCur = 0;
  private errPrev = 0;
  private reqPrev = 0;
  check: DeploymentCheck | null = null;
  /** Versions that were verified already (pass or fail): seen again, they start nothing. */
  private verified = new Set<string>();
  /** Strict-policy reasons of announced versions (from their deployment record's CI quality). */
  private policies = new Map<string, string>();

  constructor(
    readonly service: string,
    private readonly options: VerificationOptions,
  ) {}

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

  /** Feed one request; returns a verdict when one is reached (or when a check starts: 'running'). */
  observe(span: VerifiedSpan): VerdictRecord[] {
    const out: VerdictRecord[] = [];
    if (this.stableVersion === null) this.stableVersion = span.version;
    this.rotate(span.timeMs);
    if (span.version === this.stableVersion) {
      this.addBaseline(span);
      this.check?.observeBaseline(span);
    } else if (this.check && span.version === this.check.version) {
      this.check.observeCandidate(span, this);
    } else if (!this.verified.has(span.version)) {
      if (this.check && this.check.status === 'running') out.push(this.check.finish('inconclusive', span.timeMs, 'superseded by a newer version'));
      this.check = new DeploymentCheck(this.service, span.version, this.stableVersion, span.timeMs, this.options, this);
      const reason = this.policies.get(span.version);
      if (reason !== undefined) this.check.makeStrict(reason);
      out.push(this.check.verdict('running', span.timeMs, `verifying ${span.version} against ${this.stableVersion}`));
      this.check.observeCandidate(span, this);
    }
    if (this.check && this.check.status === 'running') {
      const decided = this.check.decide(span.timeMs);
      if (decided) {
        out.push(decided);
        this.verified.add(this.check.version);
        // A passed version becomes the baseline once the old one stops serving; a failed one never does.
        if (decided.status === 'pass') this.promote(this.check.version);
      }
    }
    return out;
  }

  private promote(version: string): void {
    // The old version is done with: its stragglers must not start a check of their own.
    if (this.stableVersion !== null) this.verified.add(this.stableVersion);
    this.stableVersion = version;
    this.ops.clear();
    this.errCur = this.reqCur = this.errPrev = this.reqPrev = 0;
  }

  private rotate(timeMs: number): void {
    if (this.epochStartMs < 0) this.epochStartMs = timeMs;
    if (timeMs - this.epochStartMs < this.options.baselineHalfLifeMs) return;
    this.epochStartMs = timeMs;
    for (const op of this.ops.values()) {
      op.prev = op.cur;
      op.cur = newSketch();
    }
    this.errPrev = this.errCur;
    this.reqPrev = this.reqCur;
    this.errCur = this.reqCur = 0;
  }

  private addBaseline(span: VerifiedSpan): void {
    let op = this.ops.get(span.operation);
    if (!op) {
      if (this.ops.size >= 200) return; // bounded: the busiest operations are seen first
      this.ops.set(span.operation, (op = { cur: newSketch(), prev: newSketch() }));
    }
    op.cur.add(span.durationMs);
    this.reqCur++;
    if (span.isError) this.errCur++;
  }

  /** Baseline error counts (both epochs). */
  baselineErrors(): { errors: number; requests: number } {
    return { errors: this.errCur + this.errPrev, requests: this.reqCur + this.reqPrev };
  }

  /** The baseline latency quantile of an operation, or null when it has too little traffic. */
  baselineQuantile(operation: string, q: number): number | null {
    const op = this.ops.get(operation);
    if (!op || op.cur.count + op.prev.count < MIN_BASELINE_PER_OPERATION) return null;
    const merged = newSketch().merge(op.prev).merge(op.cur);
    return merged.quantile(q);
  }

  toJSON(): ServiceVerifierJSON {
    return {
      service: this.service,
      stableVersion: this.stableVersion,
      epochStartMs: this.epochStartMs,
      ops: [...this.ops].map(([k, v]) => [k, v.cur.toJSON(), v.prev.toJSON()]),
      counts: [this.errCur, this.reqCur, this.errPrev, this.reqPrev],
      check: this.check ? this.check.toJSON() : null,
      verified: [...this.verified].slice(-50),
      policies: [...this.policies],
    };
  }

  static fromJSON(j: ServiceVerifierJSON, options: VerificationOptions): ServiceVerifier {
    const v = new ServiceVerifier(j.service, options);
    v.stableVersion = j.stableVersion;
    v.epochStartMs = j.epochStartMs;
    for (const [k, cur, prev] of j.ops) v.ops.set(k, { cur: DDSketch.fromJSON(cur), prev: DDSketch.fromJSON(prev) });
    [v.errCur, v.reqCur, v.errPrev, v.reqPrev] = j.counts;
    v.check = j.check ? DeploymentCheck.fromJSON(j.check, options, v) : null;
    v.verified = new Set(j.verified);
    v.policies = new Map(j.policies ?? []);
    return v;
  }
}

export interface ServiceVerifierJSON {
  service: string;
  stableVersion: string | null;
  epochStartMs: number;
  ops: Array<[string, DDSketchJSON, DDSketchJSON]>;
  counts: [number, number, number, number];
  check: DeploymentCheckJSON | null;
  verified: string[];
  policies?: Array<[string, string]>;
}

interface DeploymentCheckJSON {
  service: string;
  version: string;
  baselineVersion: string | null;
  deployedAtMs: number;
  status: VerdictRecord['status'];
  canary: boolean;
  concurrent: [number, number];
  candidate: [number, number];
  sprts: Array<ReturnType<BernoulliSprt['toJSON']>>;
  lastEvidence: VerdictEvidence[];
  strict?: string | null;
}

/** One deployment under test. */
export class DeploymentCheck {
  status: VerdictRecord['status'] = 'running';
  /** Did the old version keep serving after the deploy (canary)? */
  canary = false;
  private concErr = 0;
  private concReq = 0;
  private candErr = 0;
  private candReq = 0;
  private sprts: BernoulliSprt[];
  /** Why this check runs under the strict policy; null: standard. */
  strictReason: string | null = null;

  constructor(
    readonly service: string,
    readonly version: string,
    readonly baselineVersion: string | null,
    readonly deployedAtMs: number,
    private readonly options: VerificationOptions,
    private readonly owner: ServiceVerifier,
  ) {
    const alphaEach = options.alpha / (1 + LATENCY_CHECKS.length);
    this.sprts = [new BernoulliSprt(alphaEach, options.beta), ...LATENCY_CHECKS.map(() => new BernoulliSprt(alphaEach, options.beta))];
  }

  /**
   * Switch to the strict policy. The statistics gathered so far are kept; the bounds become the
   * strict ones (α is larger) and later observations use the strict alternatives.
   */
  makeStrict(reason: string): void {
    const st = this.options.strict;
    if (!st || this.strictReason !== null) return;
    this.strictReason = reason;
    const alphaEach = st.alpha / (1 + LATENCY_CHECKS.length);
    this.sprts = this.sprts.map((s) => BernoulliSprt.fromJSON({ ...s.toJSON(), alpha: alphaEach }));
  }

  private get minSamples(): number {
    return this.strictReason !== null && this.options.strict ? Math.ceil(this.options.minSamples * this.options.strict.minSamplesFactor) : this.options.minSamples;
  }

  observeBaseline(span: VerifiedSpan): void {
    if (this.status !== 'running') return;
    this.canary = true;
    this.concReq++;
    if (span.isError) this.concErr++;
  }

  private errorHypotheses(): { p0: number; p1: number; baseline: number } {
    const b = this.owner.baselineErrors();
    const errors = b.errors + this.concErr;
    const requests = b.requests + this.concReq;
    const p0 = requests > 0 ? wilsonUpper(errors, requests) : 0.05;
    const st = this.strictReason !== null ? this.options.strict : undefined;
    const factor = st ? st.errorRatioFactor : this.options.errorRatioFactor;
    const minRise = st ? st.minErrorRatioIncrease : this.options.minErrorRatioIncrease;
    const p1 = Math.max(p0 * factor, p0 + minRise);
    return { p0, p1, baseline: requests > 0 ? errors / requests : 0 };
  }

  observeCandidate(span: VerifiedSpan, owner: ServiceVerifier): void {
    if (this.status !== 'running') return;
    this.candReq++;
    if (span.isError) this.candErr++;
    const { p0, p1 } = this.errorHypotheses();
    this.sprts[0].observe(span.isError ? 1 : 0, 1, p0, Math.min(p1, 0.999));
    LATENCY_CHECKS.forEach((c, i) => {
      const threshold = owner.baselineQuantile(span.operation, c.q);
      if (threshold === null) return;
      // 2% above the quantile: the sketch's relative error is 1% on each side.
      this.sprts[i + 1].observe(span.durationMs > threshold * 1.02 ? 1 : 0, 1, c.p0, this.strictReason !== null ? c.strictP1 : c.p1);
    });
  }

  evidence(): VerdictEvidence[] {
    const { baseline } = this.errorHypotheses();
    const cand = this.candReq ? this.candErr / this.candReq : 0;
    const ev: VerdictEvidence[] = [{
      check: 'error_ratio', baseline, candidate: cand, effect: baseline > 0 ? cand / baseline : cand > 0 ? Infinity : 1,
      statistic: this.sprts[0].llr, bound: this.sprts[0].upper, decided: this.sprts[0].decision,
      detail: `${this.candErr}/${this.candReq} candidate requests failed`,
    }];
    LATENCY_CHECKS.forEach((c, i) => {
      const s = this.sprts[i + 1];
      const rate = s.n ? s.ones / s.n : 0;
      ev.push({
        check: c.check, baseline: 1 - c.q, candidate: rate, effect: rate / (1 - c.q), statistic: s.llr, bound: s.upper,
        decided: s.decision, detail: `${s.ones}/${s.n} candidate requests slower than the baseline p${Math.round(c.q * 100)}`,
      });
    });
    return ev.map((e) => ({ ...e, effect: Number.isFinite(e.effect) ? e.effect : 1e9 }));
  }

  /** A verdict once the data decide, or when time runs out. */
  decide(nowMs: number): VerdictRecord | null {
    if (this.status !== 'running') return null;
    const decisions = this.sprts.map((s) => s.decision);
    if (decisions.includes('fail')) {
      const failed = this.evidence().filter((e) => e.decided === 'fail').map((e) => e.check);
      return this.finish('fail', nowMs, `${this.version} regressed against ${this.baselineVersion}: ${failed.join(', ')}`);
    }
    const latencyTested = this.sprts.slice(1).some((s) => s.n > 0);
    const allPass = this.sprts[0].decision === 'pass' && this.sprts.slice(1).every((s) => s.n === 0 || s.decision === 'pass');
    if (allPass && latencyTested && this.candReq >= this.minSamples) {
      return this.finish('pass', nowMs, `${this.version} is no worse than ${this.baselineVersion} after ${this.candReq} requests`);
    }
    if (nowMs - this.deployedAtMs >= this.options.maxDurationMs) {
      if (this.strictReason !== null) {
        return this.finish('inconclusive', nowMs, `${this.version}: no decision within ${Math.round(this.options.maxDurationMs / 1000)} s; a strict check passes only on evidence`);
      }
      return this.candReq >= this.options.minSamples
        ? this.finish('pass', nowMs, `${this.version}: no regression found within ${Math.round(this.options.maxDurationMs / 1000)} s`)
        : this.finish('inconclusive', nowMs, `${this.version}: only ${this.candReq} requests within ${Math.round(this.options.maxDurationMs / 1000)} s`);
    }
    return null;
  }

  finish(status: 'pass' | 'fail' | 'inconclusive', nowMs: number, summary: string): VerdictRecord {
    this.status = status;
    return this.verdict(status, nowMs, summary);
  }

  verdict(status: VerdictRecord['status'], nowMs: number, summary: string): VerdictRecord {
    const id = deploymentId(this.service, this.version);
    return {
      schema: 'vigil.verdict/1', id: stableId(id, status), deploymentId: id, service: this.service, version: this.version,
      baselineVersion: this.baselineVersion ?? undefined, environment: this.options.environment, status,
      mode: this.canary ? 'canary' : 'before_after', deployedAtMs: this.deployedAtMs, decidedAtMs: nowMs,
      evidence: this.evidence(),
      summary: this.strictReason !== null ? `${summary} (strict: ${this.strictReason})` : summary,
      policy: this.strictReason !== null ? 'strict' : 'standard',
      ...(this.strictReason !== null ? { policyReason: this.strictReason } : {}),
    };
  }

  toJSON(): DeploymentCheckJSON {
    return {
      service: this.service, version: this.version, baselineVersion: this.baselineVersion, deployedAtMs: this.deployedAtMs,
      status: this.status, canary: this.canary, concurrent: [this.concErr, this.concReq], candidate: [this.candErr, this.candReq],
      sprts: this.sprts.map((s) => s.toJSON()), lastEvidence: [], strict: this.strictReason,
    };
  }

  static fromJSON(j: DeploymentCheckJSON, options: VerificationOptions, owner: ServiceVerifier): DeploymentCheck {
    const c = new DeploymentCheck(j.service, j.version, j.baselineVersion, j.deployedAtMs, options, owner);
    c.status = j.status;
    c.canary = j.canary;
    [c.concErr, c.concReq] = j.concurrent;
    [c.candErr, c.candReq] = j.candidate;
    j.sprts.forEach((s, i) => {
      c.sprts[i] = BernoulliSprt.fromJSON(s);
    });
    c.strictReason = j.strict ?? null;
    return c;
  }
}
