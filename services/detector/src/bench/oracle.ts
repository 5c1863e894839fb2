// The ORACLE column of `npm run bench:verification`: what any test could reach on the same
// requests. It knows what no real judge knows — which operation the effect hits, what kind of
// effect it is and how large, and the operation's true null parameters (error ratio, log-normal
// latency) — so it bounds from above what a judge that must estimate its baseline and watch
// every signal can do, at the same false-fail rate α:
// - time: Wald's sequential probability ratio test of the true null against the true alternative
//   on the affected operation's requests, failing when the likelihood ratio reaches 1/α (a
//   power-one SPRT; by Ville's inequality it fails a clean deploy with probability ≤ α). Among
//   tests with these error rates the SPRT needs the fewest requests on average (Wald & Wolfowitz
//   1948);
// - detection by the deadline: the Neyman–Pearson test of all the affected operation's requests
//   up to the deadline, at level α — the most powerful test of those requests (Neyman & Pearson
//   1933), so no judge can detect more often by the deadline at that false-fail rate.
// A new error template never occurs under the true null: one such error is proof (infinite
// likelihood ratio), so both tests fail at the first one. On clean deploys the oracle runs the
// tests of the error ×3 alternative (its false fails, ≤ α by construction).
import { binomialSf } from '@vigil/stats';

/** The effect the oracle knows (the simulator's Effect). */
export type OracleEffect = { kind: 'none' } | { kind: 'errors' | 'latency'; factor: number } | { kind: 'template' };

/** The affected operation's true null parameters. */
export interface OracleOperation {
  name: string;
  errorRatio: number;
  medianMs: number;
  sigma: number;
}

export interface OracleRequest {
  operation: string;
  timeMs: number;
  isError: boolean;
  durationMs: number;
  errorTemplate?: string;
}

/** z with P(Z > z) = 0.01, 0.02, 0.05, 0.1 (standard normal; scipy.stats.norm.isf), for the latency Neyman–Pearson test. */
const Z_UPPER: Record<string, number> = { '0.01': 2.3263478740408408, '0.02': 2.053748910631823, '0.05': 1.6448536269514722, '0.1': 1.2815515655446004 };

export class OracleJudge {
  /** When the SPRT failed (ms since the epoch of the simulation), or null. */
  failedAtMs: number | null = null;
  private llr = 0;
  /** Neyman–Pearson sufficient statistics of the affected operation's requests by the deadline. */
  private n = 0;
  private errors = 0;
  private logSum = 0;
  private newTemplates = 0;
  private readonly kind: 'errors' | 'latency' | 'template';
  private readonly factor: number;

  constructor(
    effect: OracleEffect,
    private readonly op: OracleOperation,
    /** The template of the never-seen message (template effect). */
    private readonly newTemplate: string,
    private readonly alpha: number,
    private readonly deadlineMs: number,
  ) {
    if (!Z_UPPER[String(alpha)]) throw new Error(`OracleJudge: alpha must be one of ${Object.keys(Z_UPPER).join(', ')}, got ${alpha}`);
    // Clean deploys: the tests of the error ×3 alternative (what their false-fail rate is).
    this.kind = effect.kind === 'none' ? 'errors' : effect.kind;
    this.factor = effect.kind === 'errors' || effect.kind === 'latency' ? effect.factor : 3;
  }

  observe(r: OracleRequest): void {
    if (r.operation !== this.op.name || r.timeMs > this.deadlineMs) return;
    this.n++;
    if (this.kind === 'errors') {
      const p0 = this.op.errorRatio;
      const p1 = p0 * this.factor;
      if (r.isError) this.errors++;
      this.llr += r.isError ? Math.log(p1 / p0) : Math.log((1 - p1) / (1 - p0));
    } else if (this.kind === 'latency') {
      // log duration ~ N(log median, σ²) under the null, mean + log factor under the alternative.
      const x = Math.log(r.durationMs) - Math.log(this.op.medianMs);
      const shift = Math.log(this.factor);
      this.logSum += x;
      this.llr += (shift * (x - shift / 2)) / (this.op.sigma * this.op.sigma);
    } else if (r.isError && r.errorTemplate === this.newTemplate) {
      this.newTemplates++;
      this.llr = Infinity;
    }
    if (this.failedAtMs === null && this.llr >= Math.log(1 / this.alpha)) this.failedAtMs = r.timeMs;
  }

  /** The Neyman–Pearson test of every affected request up to the deadline, at level α. */
  get npRejects(): boolean {
    if (this.n === 0) return false;
    if (this.kind === 'errors') return binomialSf(this.errors, this.n, this.op.errorRatio) <= this.alpha;
    if (this.kind === 'latency') return this.logSum / (this.op.sigma * Math.sqrt(this.n)) >= Z_UPPER[String(this.alpha)];
    return this.newTemplates > 0;
  }
}
