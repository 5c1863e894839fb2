import { describe, expect, it } from 'vitest';
import { testRunFromOtelSpan } from './otel.js';

describe('testRunFromOtelSpan', () => {
  const attrs = {
    'test.suite.name': 'checkout',
    'test.case.name': 'pays with card',
    'test.case.result.status': 'fail',
    'vcs.ref.head.revision': 'deadbeef',
  };
  it('maps semantic-convention attributes, resource attributes and span times', () => {
    const r = testRunFromOtelSpan({
      attributes: attrs,
      resourceAttributes: { 'cicd.pipeline.name': 'web-ci', 'cicd.pipeline.run.id': '4711' },
      startTimeUnixNano: '1700000000123000000',
      endTimeUnixNano: '1700000001623500000',
    });
    expect(r).toEqual({
      ok: true,
      run: { suite: 'checkout', testName: 'pays with card', pipeline: 'web-ci', runId: '4711', revision: 'deadbeef', status: 'failed', durationMs: 1500.5, timeMs: 1_700_000_000_123 },
    });
  });

  it('maps pass and refuses spans without a test case or with an unknown status', () => {
    const base = { startTimeUnixNano: 0n, endTimeUnixNano: 1_000_000n };
    const ok = testRunFromOtelSpan({ ...base, attributes: { ...attrs, 'test.case.result.status': 'pass', 'cicd.pipeline.name': 'p', 'cicd.pipeline.run.id': 1 } });
    expect(ok.ok && ok.run.status).toBe('passed');
    expect(ok.ok && ok.run.durationMs).toBe(1);
    const noCase = testRunFromOtelSpan({ ...base, attributes: { 'cicd.pipeline.name': 'p' } });
    expect(!noCase.ok && noCase.reason).toContain('test.case.name');
    const weird = testRunFromOtelSpan({ ...base, attributes: { ...attrs, 'test.case.result.status': 'meh', 'cicd.pipeline.name': 'p', 'cicd.pipeline.run.id': '1' } });
    expect(!weird.ok && weird.reason).toContain('meh');
  });
});
