import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJUnitXml } from './junit.js';
import type { JUnitOptions } from './junit.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const opts: JUnitOptions = { pipeline: 'build', runId: 'r1', revision: 'abc123', timeMs: 1_700_000_000_000 };

function runsOf(xml: string, o: JUnitOptions = opts) {
  const r = parseJUnitXml(xml, o);
  if (!r.ok) throw new Error(`unexpected error: ${r.error.message}`);
  return r.runs;
}

describe('parseJUnitXml', () => {
  it('reads a Surefire JUnit 4 report (failure, error, skipped, locale-formatted time)', () => {
    const runs = runsOf(fixture('surefire-junit4.xml'));
    expect(runs.map((r) => [r.testName, r.status])).toEqual([
      ['com.example.billing.InvoiceServiceTest.createsInvoice', 'passed'],
      ['com.example.billing.InvoiceServiceTest.roundsTotals', 'failed'],
      ['com.example.billing.InvoiceServiceTest.ignoredForNow', 'skipped'],
      ['com.example.billing.InvoiceServiceTest.loadsFixtures', 'error'],
    ]);
    expect(runs[0].suite).toBe('com.example.billing.InvoiceServiceTest');
    expect(runs[0].durationMs).toBeCloseTo(12, 9);
    expect(runs[3].durationMs).toBeCloseTo(1_200_500, 6); // time="1,200.5"
    expect(runs.every((r) => r.timeMs === opts.timeMs && r.revision === 'abc123' && r.pipeline === 'build' && r.runId === 'r1')).toBe(true);
  });

  it('expands Surefire re-runs into attempts (flakyFailure → failed then passed)', () => {
    const runs = runsOf(fixture('surefire-junit5-reruns.xml'));
    const flaky = runs.filter((r) => r.testName.endsWith('timesOutSometimes()'));
    expect(flaky.map((r) => [r.status, r.attempt])).toEqual([['failed', 1], ['passed', 2]]);
    const broken = runs.filter((r) => r.testName.endsWith('rejectsBadInput()'));
    expect(broken.map((r) => [r.status, r.attempt])).toEqual([['failed', 1], ['failed', 2], ['failed', 3]]);
    expect(runs).toHaveLength(6);
  });

  it('reads a pytest report (testsuites wrapper, zoned timestamp, setup error)', () => {
    const runs = runsOf(fixture('pytest.xml'));
    expect(runs.map((r) => [r.testName, r.status])).toEqual([
      ['tests.test_invoice.test_total', 'passed'],
      ['tests.test_invoice.test_rounding[0.1-0.2]', 'failed'],
      ['tests.test_invoice.test_windows_only', 'skipped'],
      ['tests.test_db.TestQueries.test_select', 'error'],
      ['tests.test_db.TestQueries.test_insert', 'passed'],
    ]);
    expect(runs[0].suite).toBe('pytest');
    // 12:00:00.250 at +02:00 is 10:00:00.250 UTC.
    expect(runs[0].timeMs).toBe(Date.UTC(2024, 4, 1, 10, 0, 0, 250));
    expect(runs[4].durationMs).toBeCloseTo(300, 9);
  });

  it('reads a jest-junit report (classname equal to name, per-suite timestamps)', () => {
    const runs = runsOf(fixture('jest-junit.xml'));
    expect(runs.map((r) => [r.suite, r.testName, r.status])).toEqual([
      ['cart totals', 'cart totals adds item prices', 'passed'],
      ['cart totals', 'cart totals applies discount codes', 'failed'],
      ['cart totals', 'cart totals handles currencies', 'skipped'],
      ['checkout', 'checkout submits the order', 'passed'],
    ]);
    expect(runs[0].timeMs).toBe(Date.UTC(2024, 4, 2, 8, 30, 15));
    expect(runs[3].timeMs).toBe(Date.UTC(2024, 4, 2, 8, 30, 16));
  });

  it('uses the suite override when given', () => {
    expect(runsOf(fixture('jest-junit.xml'), { ...opts, suite: 'web' }).every((r) => r.suite === 'web')).toBe(true);
  });

  it('is all or nothing: one bad time rejects the whole report with its position', () => {
    const xml = '<testsuite name="s">\n  <testcase name="a" time="0.1"/>\n  <testcase name="b" time="soon"/>\n</testsuite>';
    const r = parseJUnitXml(xml, opts);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('bad_attribute');
      expect(r.error.message).toContain('time="soon"');
      expect([r.error.line, r.error.column]).toEqual([3, 3]);
    }
    expect('runs' in r).toBe(false);
  });

  it('rejects truncated reports, foreign roots, nameless test cases and DOCTYPEs', () => {
    const full = fixture('pytest.xml');
    const cut = parseJUnitXml(full.slice(0, Math.floor(full.length / 2)), opts);
    expect(cut.ok).toBe(false);
    const foreign = parseJUnitXml('<html><body/></html>', opts);
    expect(!foreign.ok && foreign.error.code).toBe('not_junit');
    const nameless = parseJUnitXml('<testsuite><testcase classname="x"/></testsuite>', opts);
    expect(!nameless.ok && nameless.error.code).toBe('missing_attribute');
    const dtd = parseJUnitXml('<!DOCTYPE x [<!ENTITY a "b">]><testsuite/>', opts);
    expect(!dtd.ok && dtd.error.code).toBe('doctype_forbidden');
  });

  it('rejects huge and deep reports cleanly', () => {
    const many = `<testsuite>${'<testcase name="t"/>'.repeat(101)}</testsuite>`;
    const r1 = parseJUnitXml(many, { ...opts, maxTestCases: 100 });
    expect(!r1.ok && r1.error.code).toBe('too_many_testcases');
    const deep = `${'<testsuites>'.repeat(80)}${'</testsuites>'.repeat(80)}`;
    const r2 = parseJUnitXml(deep, opts);
    expect(!r2.ok && r2.error.code).toBe('too_deep');
    const big = parseJUnitXml(`<testsuite>${' '.repeat(2000)}</testsuite>`, { ...opts, limits: { maxChars: 1000 } });
    expect(!big.ok && big.error.message).toMatch(/over the limit of 1000/);
  });
});
