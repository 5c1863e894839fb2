// JUnit XML test reports → TestRun records. All or nothing: any problem returns an error and
// no records, so a half-read report never skews the history.
//
// Shapes handled (one reader; they differ in the root and in a few elements):
// - Maven Surefire/Failsafe, JUnit 4 and 5 (surefire-test-report-3.0.xsd): root <testsuite>,
//   <testcase name classname time>, children <failure>, <error>, <skipped>, and for re-runs
//   <rerunFailure>/<rerunError> (the test kept failing) and <flakyFailure>/<flakyError> (a failed
//   attempt before the test passed);
// - pytest --junitxml: <testsuites><testsuite name="pytest" timestamp>… (pytest < 5.1: root
//   <testsuite>), <skipped type="pytest.skip">;
// - jest-junit: <testsuites name="jest tests"><testsuite name timestamp>…, classname often equal
//   to name ("describe title + test title").
// Times are seconds (`time="0.012"`); Surefire versions formatted them with a locale thousands
// separator ("1,234.5"), which is accepted. Timestamps without a zone are read as UTC.

import { DEFAULT_XML_LIMITS, XmlParseError, lineColumn, parseXml } from './xml.js';
import type { XmlElement, XmlErrorCode, XmlLimits } from './xml.js';
import type { TestRun, TestStatus } from './types.js';

export type JUnitErrorCode = XmlErrorCode | 'not_junit' | 'missing_attribute' | 'bad_attribute' | 'too_many_testcases';

export interface JUnitError {
  code: JUnitErrorCode;
  message: string;
  line: number;
  column: number;
}

export type JUnitResult = { ok: true; runs: TestRun[] } | { ok: false; error: JUnitError };

export interface JUnitOptions {
  pipeline: string;
  runId: string;
  revision?: string;
  /** Used when the report carries no timestamp (Surefire writes none). */
  timeMs: number;
  /** Overrides the suite taken from <testsuite name>. */
  suite?: string;
  limits?: Partial<XmlLimits>;
  /** Largest number of <testcase> elements accepted. */
  maxTestCases?: number;
}

export const DEFAULT_MAX_TEST_CASES = 500_000;

class JUnitFailure extends Error {
  constructor(readonly info: JUnitError) {
    super(info.message);
  }
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;

function parseTimestamp(s: string): number | null {
  const m = ISO_RE.exec(s.trim());
  if (!m) return null;
  const frac = m[7] ? Math.round(Number(m[7]) * 1000) : 0;
  let ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], frac);
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return Number.isFinite(ms) ? ms : null;
}

function parseSeconds(s: string): number | null {
  const t = s.trim();
  const plain = /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(t) ? t.replace(/,/g, '') : t;
  if (!/^[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(plain)) return null;
  const v = Number(plain);
  return Number.isFinite(v) && v >= 0 ? v : null;
}

/** Parses a JUnit XML report. Never throws for bad input; returns `{ ok: false, error }`. */
export function parseJUnitXml(xml: string, options: JUnitOptions): JUnitResult {
  let root: XmlElement;
  try {
    root = parseXml(xml, { ...DEFAULT_XML_LIMITS, ...options.limits });
  } catch (e) {
    if (e instanceof XmlParseError) return { ok: false, error: { ...e.info } };
    throw e;
  }
  const src = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  const fail = (code: JUnitErrorCode, message: string, el: XmlElement): never => {
    const { line, column } = lineColumn(src, el.offset);
    throw new JUnitFailure({ code, message, line, column });
  };
  const maxCases = options.maxTestCases ?? DEFAULT_MAX_TEST_CASES;
  const runs: TestRun[] = [];
  let cases = 0;

  const seconds = (el: XmlElement, attr: string): number | null => {
    const v = el.attrs[attr];
    if (v === undefined || v.trim() === '') return null;
    const s = parseSeconds(v);
    if (s === null) fail('bad_attribute', `<${el.name}> attribute ${attr}="${v}" is not a duration in seconds`, el);
    return s;
  };

  const visitCase = (tc: XmlElement, suite: string, timeMs: number): void => {
    if (++cases > maxCases) fail('too_many_testcases', `more than ${maxCases} <testcase> elements`, tc);
    const name = tc.attrs['name'];
    if (name === undefined || name === '') fail('missing_attribute', '<testcase> has no name attribute', tc);
    const classname = tc.attrs['classname'] ?? '';
    const testName = classname === '' || classname === name || name.startsWith(`${classname}.`) ? name : `${classname}.${name}`;
    const durationMs = (seconds(tc, 'time') ?? 0) * 1000;
    let status: TestStatus = 'passed';
    const retries: Array<{ status: TestStatus; durationMs: number }> = [];
    let flakyAttempts: Array<{ status: TestStatus; durationMs: number }> = [];
    for (const ch of tc.children) {
      switch (ch.name) {
        case 'failure':
          if (status !== 'error') status = 'failed';
          break;
        case 'error':
          status = 'error';
          break;
        case 'skipped':
          if (status === 'passed') status = 'skipped';
          break;
        case 'rerunFailure':
        case 'rerunError':
          retries.push({ status: ch.name === 'rerunError' ? 'error' : 'failed', durationMs: (seconds(ch, 'time') ?? durationMs / 1000) * 1000 });
          break;
        case 'flakyFailure':
        case 'flakyError':
          flakyAttempts.push({ status: ch.name === 'flakyError' ? 'error' : 'failed', durationMs: (seconds(ch, 'time') ?? durationMs / 1000) * 1000 });
          break;
        default:
          break; // system-out, system-err, properties: no verdict
      }
    }
    if (status !== 'passed') flakyAttempts = []; // flaky* only make sense on a test that finally passed
    const mk = (st: TestStatus, ms: number, attempt?: number): TestRun => {
      const r: TestRun = { suite, testName, pipeline: options.pipeline, runId: options.runId, status: st, durationMs: ms, timeMs };
      if (options.revision !== undefined) r.revision = options.revision;
      if (attempt !== undefined) r.attempt = attempt;
      return r;
    };
    if (flakyAttempts.length > 0) {
      // Surefire order: failed attempts first, then the passing one.
      flakyAttempts.forEach((a, i) => runs.push(mk(a.status, a.durationMs, i + 1)));
      runs.push(mk(status, durationMs, flakyAttempts.length + 1));
    } else if (retries.length > 0) {
      runs.push(mk(status, durationMs, 1));
      retries.forEach((a, i) => runs.push(mk(a.status, a.durationMs, i + 2)));
    } else {
      runs.push(mk(status, durationMs));
    }
  };

  const visitSuite = (el: XmlElement, inheritedSuite: string | undefined, inheritedTime: number): void => {
    const ts = el.attrs['timestamp'];
    let timeMs = inheritedTime;
    if (ts !== undefined && ts.trim() !== '') {
      const t = parseTimestamp(ts);
      if (t === null) fail('bad_attribute', `<${el.name}> attribute timestamp="${ts}" is not an ISO-8601 time`, el);
      timeMs = t!;
    }
    const suite = options.suite ?? (el.name === 'testsuite' ? el.attrs['name'] || inheritedSuite : inheritedSuite || el.attrs['name']);
    for (const ch of el.children) {
      if (ch.name === 'testsuite' || ch.name === 'testsuites') visitSuite(ch, suite, timeMs);
      else if (ch.name === 'testcase') visitCase(ch, suite ?? 'default', timeMs);
    }
  };

  try {
    if (root.name !== 'testsuites' && root.name !== 'testsuite') {
      fail('not_junit', `root element is <${root.name}>, expected <testsuites> or <testsuite>`, root);
    }
    if (!Number.isFinite(options.timeMs)) {
      return { ok: false, error: { code: 'bad_attribute', message: `options.timeMs=${String(options.timeMs)} is not a time`, line: 1, column: 1 } };
    }
    // A <testsuites name="jest tests"> wrapper names the run, not a suite: only <testsuite> names count.
    visitSuite(root, undefined, options.timeMs);
  } catch (e) {
    if (e instanceof JUnitFailure) return { ok: false, error: e.info };
    throw e;
  }
  return { ok: true, runs };
}
