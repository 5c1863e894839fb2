// Build-failure risk: probability that an announced pipeline run fails.
//
// A logistic model over three features, trained online (one SGD step on the log loss per
// finished run):
//   x1 = logit(recency-weighted failure rate of the pipeline),
//   x2 = logit(failure probability of the riskiest test about to run),
//   x3 = ln(1 + number of tests about to run whose failure probability is ≥ 0.5).
// The weights start at (bias 0, 1, 0, 0), i.e. the prediction starts as the pipeline's own
// failure rate and learns how much the tests add. Features are stored when a run is announced
// and consumed when its outcome arrives (bounded: maxPendingRuns, oldest dropped).
// Cost: O(1) per announce/learn besides computing the features; memory O(maxPendingRuns).

import type { CiInsightsOptions } from './options.js';

export interface BuildRiskState {
  weights: number[];
  pending: Array<{ runId: string; x: number[] }>;
  trainedRuns: number;
}

export interface BuildRisk {
  /** Predicted probability that the run fails, in (0, 1). */
  probability: number;
  pipelineFailureRate: number;
  riskiestTest: { suite: string; name: string; probability: number } | null;
  likelyFailingTests: number;
  reason: string;
}

const EPS = 1e-3;

export function logit(p: number): number {
  const q = Math.min(1 - EPS, Math.max(EPS, p));
  return Math.log(q / (1 - q));
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

export class BuildRiskModel {
  private weights = [0, 1, 0, 0];
  private readonly pending = new Map<string, number[]>();
  private trainedRuns = 0;

  constructor(private readonly options: Readonly<CiInsightsOptions>) {}

  static features(pipelineRate: number, maxTestProbability: number, likelyFailing: number): number[] {
    return [1, logit(pipelineRate), logit(maxTestProbability), Math.log1p(likelyFailing)];
  }

  predict(x: readonly number[]): number {
    let z = 0;
    for (let i = 0; i < x.length; i++) z += this.weights[i] * x[i];
    return sigmoid(z);
  }

  /** Predicts and remembers the features until the run's outcome is learned. */
  announce(runId: string, x: number[]): number {
    this.pending.delete(runId);
    if (this.pending.size >= this.options.maxPendingRuns) {
      const oldest = this.pending.keys().next();
      if (!oldest.done) this.pending.delete(oldest.value);
    }
    this.pending.set(runId, x);
    return this.predict(x);
  }

  /** One SGD step for an announced run; unknown run ids are ignored. Returns whether it trained. */
  learn(runId: string, failed: boolean): boolean {
    const x = this.pending.get(runId);
    if (!x) return false;
    this.pending.delete(runId);
    const g = (failed ? 1 : 0) - this.predict(x);
    const lr = this.options.riskLearningRate;
    for (let i = 0; i < x.length; i++) this.weights[i] += lr * g * x[i];
    this.trainedRuns++;
    return true;
  }

  get trained(): number {
    return this.trainedRuns;
  }

  toJSON(): BuildRiskState {
    return { weights: [...this.weights], pending: [...this.pending].map(([runId, x]) => ({ runId, x: [...x] })), trainedRuns: this.trainedRuns };
  }

  restore(s: BuildRiskState): void {
    if (!Array.isArray(s.weights) || s.weights.length !== 4) throw new Error('BuildRiskModel: weights must have 4 entries');
    this.weights = [...s.weights];
    this.pending.clear();
    for (const p of s.pending) this.pending.set(p.runId, [...p.x]);
    this.trainedRuns = s.trainedRuns;
  }
}
