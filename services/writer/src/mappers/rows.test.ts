// The writer's record → row mapping: announcement precedence (deployment_announcements) and the
// forecast row (forecasts). The read side's answers over these rows are tested in services/query.
import { describe, expect, test } from 'vitest';
import type { ForecastRecord } from '@vigil/records';
import { deploymentAnnouncementPrecedence, forecastRow } from './rows.js';

test('announcement precedence: api over resource, with commit over without, then the later', () => {
  const day = 86_400_000;
  const t = 1_750_000_000_000;
  // An API announcement outranks any resource one, even stamped ten years later.
  expect(deploymentAnnouncementPrecedence('api', false, t)).toBeGreaterThan(deploymentAnnouncementPrecedence('resource', true, t + 3650 * day));
  expect(deploymentAnnouncementPrecedence('api', true, t)).toBeGreaterThan(deploymentAnnouncementPrecedence('api', false, t + 3650 * day));
  expect(deploymentAnnouncementPrecedence('api', true, t + 1)).toBeGreaterThan(deploymentAnnouncementPrecedence('api', true, t));
  // A telemetry-seen deployment re-sent with its CI quality (same source, commit and time) wins.
  expect(deploymentAnnouncementPrecedence('resource', true, t, true)).toBeGreaterThan(deploymentAnnouncementPrecedence('resource', true, t, false));
  expect(deploymentAnnouncementPrecedence('api', false, t)).toBeGreaterThan(deploymentAnnouncementPrecedence('resource', true, t, true));
  // A first-seen announcement ranks below every watched one, even an older resource one without commit.
  expect(deploymentAnnouncementPrecedence('resource', false, t)).toBeGreaterThan(deploymentAnnouncementPrecedence('api', true, t + 3650 * day, true, true));
  // (8·1 + 4·1 + 2·1 + 0)·2^42 + t, exact: 14 · 4398046511104 + 1750000000000.
  expect(deploymentAnnouncementPrecedence('api', true, t)).toBe(63_322_651_155_456);
});

describe('forecastRow', () => {
  const H = 3_600_000;
  const O = 1_790_002_800_000;
  const base: ForecastRecord = {
    schema: 'vigil.forecast/1', id: `checkout|k8s.pod.cpu.usage|long|${O}`, service: 'checkout', metric: 'k8s.pod.cpu.usage', kind: 'cpu', horizon: 'long',
    originMs: O, stepMs: H, learnt: 300, withheld: 6,
    points: Array.from({ length: 24 }, (_, i) => ({ endMs: O + (i + 1) * H, mean: 1.5 + i, lo80: 0.5 + i, hi80: 2.5 + i, lo95: -0.5 + i, hi95: 3.5 + i })),
  };
  const withRec: ForecastRecord = {
    ...base,
    recommendation: { request: 2.4, riskShort: 0.03, expectedSlack: 0.5, expectedShortfall: 0.1, peak: 2.1, mean: 1.5, replicas: 4, why: 'day-ahead forecast peaks at 2.10' },
  };

  test('one row per record, steps as parallel arrays, recommendation flattened', () => {
    const row = forecastRow(withRec);
    expect(row.end_ms).toEqual(withRec.points.map((p) => p.endMs));
    expect(row.mean).toEqual(withRec.points.map((p) => p.mean));
    expect(row).toMatchObject({ service: 'checkout', metric: 'k8s.pod.cpu.usage', horizon: 'long', step_ms: H, has_recommendation: true, request: 2.4, replicas: 4, learnt: 300, withheld: 6 });
    expect(forecastRow(base)).toMatchObject({ has_recommendation: false, risk_short: null, replicas: null, why: '' });
    // The service total has part ''; a part's row carries it (0010_forecast_parts.sql).
    expect(row.part).toBe('');
    expect(forecastRow({ ...base, part: 'POST /pay' }).part).toBe('POST /pay');
  });

  test('non-finite numbers never reach ClickHouse', () => {
    expect(forecastRow({ ...base, points: [{ endMs: O, mean: NaN, lo80: 0, hi80: Infinity, lo95: 0, hi95: 0 }] }).mean).toEqual([0]);
  });
});
