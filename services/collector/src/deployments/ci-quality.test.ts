import { describe, expect, test } from 'vitest';
import { ciQualityFromApi, ciQualityOf } from './ci-quality.js';

const ANSWER = {
  revision: 'abc', tests: 5, passed: 2, failed: 1, flaky: 1, skipped: 1, knownFlaky: 2, quality: 'failed', buildRisk: 0.4,
  reasons: ['1 test failed on abc: s :: t', '1 test failed and passed on abc (flaky): s :: u'], flakyTests: [], skippedTests: [], failedTests: [], pipelineRuns: [],
};

describe('CI quality of a deployment commit', () => {
  test('the CI API answer maps to the record: flaky counts this commit only, known flakiness stays in the reasons', () => {
    expect(ciQualityFromApi(ANSWER)).toEqual({
      quality: 'failed', tests: 5, failed: 1, flaky: 1, skipped: 1, buildRisk: 0.4,
      reasons: ['1 test failed on abc: s :: t', '1 test failed and passed on abc (flaky): s :: u'],
    });
    expect(ciQualityFromApi({ ...ANSWER, buildRisk: null }).buildRisk).toBeNull();
  });

  test('malformed answers are refused with the field named', () => {
    expect(() => ciQualityFromApi([])).toThrow(/not a JSON object/);
    expect(() => ciQualityFromApi({ ...ANSWER, quality: 'great' })).toThrow(/unknown quality "great"/);
    expect(() => ciQualityFromApi({ ...ANSWER, tests: -1 })).toThrow(/"tests" must be a count/);
    expect(() => ciQualityFromApi({ ...ANSWER, buildRisk: 2 })).toThrow(/buildRisk must be a probability/);
  });

  test('a failing lookup gives unknown with the reason; it never throws', async () => {
    const q = await ciQualityOf(async () => { throw new Error('HTTP 503 from the CI API'); }, 'abc', 1000);
    expect(q).toEqual({ quality: 'unknown', tests: 0, failed: 0, flaky: 0, skipped: 0, buildRisk: null, reasons: ['CI lookup failed: HTTP 503 from the CI API'] });
  });

  test('a lookup that does not answer in time is aborted and gives unknown', async () => {
    let aborted = false;
    const q = await ciQualityOf((_commit, signal) => new Promise((_resolve, reject) => {
      signal.addEventListener('abort', () => { aborted = true; reject(new Error('aborted')); });
    }), 'abc', 50);
    expect(q.quality).toBe('unknown');
    expect(q.reasons[0]).toMatch(/no answer within 50 ms/);
    expect(aborted).toBe(true);
  });
});
