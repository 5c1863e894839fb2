import { describe, expect, it } from 'vitest';
import { buildFingerprint, classifyChange, mergeFingerprints, normaliseTemplate, templateOf } from './fingerprint.js';
import type { AnomalyLike } from './fingerprint.js';

const an = (over: Partial<AnomalyLike>): AnomalyLike => ({
  service: 'checkout', signal: 'traces', metric: 'latency_p99', operation: 'POST /pay', seriesKey: 'checkout|POST /pay|latency_p99',
  value: 900, expected: 120, score: 0.999, summary: '', ...over,
});
// The summary the detector writes for a new error template (services/detector processors).
const tpl = (text: string, id = 'abc123', service = 'checkout'): AnomalyLike => ({
  service, signal: 'logs', metric: 'new_log_template', seriesKey: `${service}|new_log_template|${id}`, value: 1, expected: 0, score: 1,
  summary: `${service}: new error log template after deploying 1.4.2: "${text}"`,
});

describe('normaliseTemplate', () => {
  it('turns variable tokens into <*> and lower-cases', () => {
    expect(normaliseTemplate('Connection pool timeout after 3000 ms')).toBe('connection pool timeout after <*> ms');
    expect(normaliseTemplate('Connection pool timeout after <*> ms')).toBe('connection pool timeout after <*> ms');
    expect(normaliseTemplate('upstream 10.0.0.7:8080 unavailable')).toBe('upstream <*> unavailable');
    expect(normaliseTemplate('request 5f0c1a2e-1b2c-4d3e-8f90-0123456789ab failed in 12.5s')).toBe('request <*> failed in <*>');
    expect(normaliseTemplate('user "alice" <*> <*> denied')).toBe('user <*> denied');
    // Digits inside words are part of the word.
    expect(normaliseTemplate('http2 stream reset')).toBe('http2 stream reset');
  });
});

describe('templateOf', () => {
  it('reads the quoted template of a log anomaly, falls back to the template id', () => {
    expect(templateOf(tpl('OOMKilled: heap 512 MB exceeded'))).toBe('oomkilled: heap <*> mb exceeded');
    expect(templateOf({ ...tpl('x'), summary: 'no quotes' })).toBe('id:abc123');
    expect(templateOf(an({}))).toBeUndefined();
  });
});

describe('classifyChange (semver precedence)', () => {
  const c = (version: string, previousVersion?: string) => classifyChange({ version, previousVersion });
  it('classifies each kind', () => {
    expect(classifyChange(undefined)).toBe('none');
    expect(c('1.2.4', '1.2.3')).toBe('patch');
    expect(c('1.3.0', '1.2.9')).toBe('minor');
    expect(c('2.0.0', '1.9.9')).toBe('major');
    expect(c('1.2.2', '1.2.3')).toBe('rollback');
    expect(c('1.2.3', '1.2.3')).toBe('config');
    expect(c('1.2.3+cfg.8', '1.2.3+cfg.7')).toBe('config');
    expect(c('1.2.3-rc.2', '1.2.3-rc.1')).toBe('build');
    expect(c('1.2.3', '1.2.3-rc.1')).toBe('build');
    expect(c('1.2.3-rc.1', '1.2.3')).toBe('rollback');
    expect(c('abc123', 'def456')).toBe('version');
    expect(c('1.2.3')).toBe('version');
  });
});

describe('buildFingerprint', () => {
  const input = {
    primary: an({}),
    service: 'checkout',
    related: [
      tpl('connection pool timeout after 3000 ms'),
      an({ metric: 'error_ratio', value: 0.2, expected: 0.01, score: 0.99, seriesKey: 'checkout|POST /pay|error_ratio' }),
      an({ metric: 'rate', value: 10, expected: 100, score: 0.95, seriesKey: 'checkout|POST /pay|rate' }),
      an({ metric: 'latency_p99', score: 0.9 }),
    ],
    deployment: { id: 'd1', version: '1.4.2', previousVersion: '1.4.1', commit: 'abc' },
    verdict: 'fail' as const,
  };
  it('collects the series, templates, deviations with direction, deploy change and verdict', () => {
    expect(buildFingerprint(input)).toEqual({
      service: 'checkout', signal: 'traces', metric: 'latency_p99', operation: 'POST /pay',
      templates: ['connection pool timeout after <*> ms'],
      deviations: ['error_ratio:up', 'latency_p99:up', 'rate:down'],
      deployChange: 'patch', deployment: { id: 'd1', version: '1.4.2', previousVersion: '1.4.1', commit: 'abc' }, verdict: 'fail',
    });
  });
  it('does not depend on the order of related anomalies', () => {
    const a = buildFingerprint(input);
    const b = buildFingerprint({ ...input, related: [...input.related].reverse() });
    expect(b).toEqual(a);
  });
  it('keeps only the most deviating metrics (cap) and merges lifetimes', () => {
    const many = Array.from({ length: 10 }, (_, i) => an({ metric: `m${i}`, score: i / 10 }));
    const fp = buildFingerprint({ service: 'checkout', related: many });
    expect(fp.deviations).toEqual(['m4:up', 'm5:up', 'm6:up', 'm7:up', 'm8:up', 'm9:up']);
    expect(fp.signal).toBe('deployment');
    const later = buildFingerprint({ service: 'checkout', primary: an({}), related: [tpl('disk full on <*>')] });
    const merged = mergeFingerprints(buildFingerprint(input), later);
    expect(merged.templates).toEqual(['connection pool timeout after <*> ms', 'disk full on <*>']);
    expect(merged.deployChange).toBe('patch');
    expect(merged.verdict).toBe('fail');
  });
});
