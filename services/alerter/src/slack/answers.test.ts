import { describe, expect, test } from 'vitest';
import { explainSentence, operationChanges } from './answers.js';

describe('answers: pure parts', () => {
  test('operationChanges: means before and after the deploy, ratio with ε, ranked', () => {
    const D = 1_000_000;
    const row = (t: number, operation: string, metric: string, value: number) => ({ windowStartMs: D + t, operation, metric, value, seriesKey: `s|${operation}|${metric}` });
    const rows = [
      row(-20_000, 'POST /pay', 'error_ratio', 0.001), row(-10_000, 'POST /pay', 'error_ratio', 0.003),
      row(0, 'POST /pay', 'error_ratio', 0.2), row(10_000, 'POST /pay', 'error_ratio', 0.24),
      row(-10_000, 'GET /cart', 'latency_p99', 40), row(10_000, 'GET /cart', 'latency_p99', 41),
      row(-10_000, 'GET /cart', 'rate', 5), row(10_000, 'GET /cart', 'rate', 50), // rate is not a "worse" metric
      row(-30 * 60_000, 'POST /pay', 'error_ratio', 0.9), // outside the 15-minute window
    ];
    const c = operationChanges(rows, D);
    // POST /pay: before (0.001+0.003)/2 = 0.002, after 0.22, ratio (0.221)/(0.003) = 73.67.
    expect(c[0]).toMatchObject({ operation: 'POST /pay', metric: 'error_ratio', before: 0.002, seriesKey: 's|POST /pay|error_ratio' });
    expect(c[0].after).toBeCloseTo(0.22, 12);
    expect(c[0].ratio).toBeCloseTo(0.221 / 0.003, 9);
    // GET /cart p99: (41+1)/(40+1).
    expect(c[1].ratio).toBeCloseTo(42 / 41, 12);
    expect(c).toHaveLength(2);
  });
  test('explainSentence reads as one sentence with value, expected, band, score and components', () => {
    expect(explainSentence({ service: 'cart', metric: 'latency_p99', operation: 'GET /cart', value: 812, expected: 95.5, lower: 60, upper: 140, score: 0.9991, threshold: 0.99, components: ['spot', 'ewma'], windowEndMs: Date.UTC(2025, 0, 2, 3, 4) }))
      .toBe("cart's latency_p99 on GET /cart was 812 at 2025-01-02 03:04 UTC, above the expected 95.5 (normal band 60 to 140); score 0.999 against the threshold 0.990, flagged by spot, ewma.");
  });
});
