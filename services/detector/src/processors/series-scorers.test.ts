import { describe, expect, test } from 'vitest';
import { DEFAULT_SCORER_CONFIG } from '@vigil/detectors';
import { FeedbackModel } from '@vigil/incidents';
import { SeriesScorers } from './series-scorers.js';

const point = (i: number, value: number) => ({
  service: 'checkout', signal: 'traces' as const, metric: 'latency_p99', operation: 'GET /cart',
  seriesKey: 'checkout|GET /cart|latency_p99', windowStartMs: 1_790_000_000_000 + i * 10_000, windowEndMs: 1_790_000_000_000 + (i + 1) * 10_000, value,
});

/** 400 windows of a steady series with small deterministic noise. */
function warm(s: SeriesScorers): number {
  let i = 0;
  for (; i < 400; i++) s.score(point(i, 100 + ((i * 37) % 11) - 5), undefined);
  return i;
}

describe('series scorers', () => {
  test('every series is scored with DEFAULT_SCORER_CONFIG itself, the configuration eval:nab evaluates', () => {
    const s = new SeriesScorers(10, undefined);
    expect(s.scorerConfig).toBe(DEFAULT_SCORER_CONFIG);
    s.score(point(0, 1), undefined);
    expect(s.scorerOf(point(0, 1).seriesKey)?.config).toBe(DEFAULT_SCORER_CONFIG);
    // Also after a checkpoint restore.
    const restored = SeriesScorers.fromJSON(s.toJSON(), 10, undefined);
    expect(restored.scorerOf(point(0, 1).seriesKey)?.config).toBe(DEFAULT_SCORER_CONFIG);
    // An operator's threshold changes that one key only.
    const custom = new SeriesScorers(10, 0.7);
    expect({ ...custom.scorerConfig, alertThreshold: DEFAULT_SCORER_CONFIG.alertThreshold }).toEqual(DEFAULT_SCORER_CONFIG);
    expect(custom.scorerConfig.alertThreshold).toBe(0.7);
  });

  test('a jump past the band raises an anomaly with an explanation', () => {
    const s = new SeriesScorers(10, undefined);
    const i = warm(s);
    const r = s.score(point(i, 400), undefined);
    expect(r?.anomaly).not.toBeNull();
    expect(r?.anomaly?.summary).toMatch(/latency_p99 400 above the expected/);
    expect(r?.score.upper).toBeLessThan(400);
  });

  test('not_anomaly feedback on the series silences the same pattern, with the feedback named in the score', () => {
    const s = new SeriesScorers(10, undefined);
    const i = warm(s);
    const first = s.score(point(i, 400), undefined);
    expect(first?.anomaly).not.toBeNull();
    const model = new FeedbackModel();
    model.add({
      id: 'fb-1', verdict: 'not_anomaly', scope: 'series', service: 'checkout', operation: 'GET /cart', metric: 'latency_p99',
      seriesKey: 'checkout|GET /cart|latency_p99', score: first!.score.score, threshold: first!.anomaly!.threshold, direction: 'up', createdAtMs: point(i, 0).windowStartMs,
    }, point(i, 0).windowStartMs);
    // A twin scorer with the same history sees the same jump again, now with feedback applied.
    const twin = new SeriesScorers(10, undefined);
    warm(twin);
    twin.feedback = model;
    const again = twin.score(point(i, 400), undefined);
    expect(again?.anomaly).toBeNull();
    expect(again?.score.components).toContain('feedback:fb-1');
    // The same feedback does not cover another series of the service.
    const other = new SeriesScorers(10, undefined);
    other.feedback = model;
    for (let k = 0; k < 400; k++) other.score({ ...point(k, 100 + ((k * 37) % 11) - 5), metric: 'error_ratio', seriesKey: 'checkout|GET /cart|error_ratio' }, undefined);
    const elsewhere = other.score({ ...point(400, 400), metric: 'error_ratio', seriesKey: 'checkout|GET /cart|error_ratio' }, undefined);
    expect(elsewhere?.anomaly).not.toBeNull();
  });

  test('the cardinality guard drops new series past the bound', () => {
    const s = new SeriesScorers(2, undefined);
    expect(s.score({ ...point(0, 1), seriesKey: 'checkout|a|m' }, undefined)).not.toBeNull();
    expect(s.score({ ...point(0, 1), seriesKey: 'checkout|b|m' }, undefined)).not.toBeNull();
    expect(s.score({ ...point(0, 1), seriesKey: 'checkout|c|m' }, undefined)).toBeNull();
    expect(s.dropped).toBe(1);
    expect(s.score({ ...point(0, 1), seriesKey: 'payments|c|m', service: 'payments' }, undefined)).not.toBeNull();
  });
});
