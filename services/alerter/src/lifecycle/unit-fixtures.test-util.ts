// Shared inputs of the lifecycle unit tests: one compiled rule and an anomaly builder.
import type { AnomalyRecord } from '@vigil/records';
import { compileRules } from '../rules/rules.js';
import type { Rule, RuleConfig } from '../rules/rules.js';

export const MIN = 60_000;
export const T0 = 1_700_000_000_000;

export function testRule(over: Partial<RuleConfig> = {}): Rule {
  const config: RuleConfig = {
    name: 'errors', match: { labels: {} }, minScore: 0, forMs: 0, groupBy: ['service'], receivers: ['pd'], action: 'notify', continue: false, ...over,
  };
  return compileRules([config], { repeatIntervalMs: 60 * MIN, resolveAfterMs: 5 * MIN, flapWindowMs: 15 * MIN })[0];
}

export function testAnomaly(id: string, now: number, over: Partial<AnomalyRecord> = {}): AnomalyRecord {
  return {
    schema: 'vigil.anomaly/1', id, seriesId: 's1', seriesKey: 'checkout|POST /pay|error_ratio', service: 'checkout',
    signal: 'traces', metric: 'error_ratio', operation: 'POST /pay', windowStartMs: now - 10_000, windowEndMs: now, value: 0.2,
    expected: 0.01, lower: 0, upper: 0.03, score: 0.99, threshold: 0.9, components: ['spot'], severity: 'warning',
    summary: 'error ratio of POST /pay is 20%', ...over,
  };
}
