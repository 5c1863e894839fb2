// Benchmark: prioritisation latency for a 2,000-test suite and ingest throughput, one core.
// Usage: node packages/ci-insights/dist/bench/ci-bench.js
// Targets: prioritisation p99 < 50 ms for 2,000 tests; ingest ≥ 10,000 test results/s/core.
// Prints a table, then one JSON object as the last line.

import { CiHistory } from '../history.js';
import { parseJUnitXml } from '../junit.js';
import { prioritise } from '../prioritiser.js';
import type { TestRun } from '../types.js';
import { seededUniform } from '@vigil/stats';


function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

const TESTS = 2_000;
const RUNS_PER_TEST = 60;
const rnd = seededUniform(42);
const T0 = Date.UTC(2024, 0, 1);
const names = Array.from({ length: TESTS }, (_, i) => `com.example.module${i % 40}.Feature${i}Test.scenario${i}`);
const baseFail = names.map(() => (rnd() < 0.1 ? 0.2 * rnd() : 0.005));
const baseDur = names.map(() => 50 + Math.floor(rnd() * 5_000));

// Records generated up front so only ingest is timed.
const records: TestRun[] = [];
for (let r = 0; r < RUNS_PER_TEST; r++) {
  const revision = `rev${Math.floor(r / 2)}`;
  for (let i = 0; i < TESTS; i++) {
    records.push({
      suite: 'bench', testName: names[i], pipeline: 'main', runId: `run${r}`, revision,
      status: rnd() < baseFail[i] ? 'failed' : rnd() < 0.01 ? 'skipped' : 'passed',
      durationMs: baseDur[i] * (0.8 + 0.4 * rnd()), timeMs: T0 + r * 3_600_000 + i,
    });
  }
}

const history = new CiHistory();
let t0 = performance.now();
for (const rec of records) history.ingest(rec);
const ingestMs = performance.now() - t0;
const ingestPerS = records.length / (ingestMs / 1000);

// Prioritisation latency: plain ranking, and ranking + budget + 8-way split + changed paths.
const tests = names.map((name, i) => ({ id: String(i), name, durationMs: baseDur[i] }));
const measure = (iterations: number, req: Parameters<typeof prioritise>[1]): number[] => {
  for (let i = 0; i < 20; i++) prioritise(history, req); // warm-up
  const out: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const s = performance.now();
    prioritise(history, req);
    out.push(performance.now() - s);
  }
  return out.sort((a, b) => a - b);
};
const plain = measure(300, { suite: 'bench', tests, revision: 'rev99' });
const full = measure(300, {
  suite: 'bench', tests, revision: 'rev99', timeBudgetMs: 1_000_000, workers: 8,
  changedPaths: ['src/main/java/com/example/module3/Feature123.java', 'src/main/java/com/example/module7/Feature7.java'],
});

// JUnit parsing throughput on a 5,000-case report.
const cases: string[] = [];
for (let i = 0; i < 5_000; i++) {
  cases.push(i % 50 === 0
    ? `<testcase classname="com.example.C${i % 97}" name="t${i}" time="0.${i % 1000}"><failure message="expected:&lt;1&gt; but was:&lt;2&gt;" type="AssertionError">at com.example.C.t(C.java:${i})</failure></testcase>`
    : `<testcase classname="com.example.C${i % 97}" name="t${i}" time="0.${i % 1000}"/>`);
}
const report = `<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="big" tests="5000">\n${cases.join('\n')}\n</testsuite>\n`;
const parseRounds = 20;
t0 = performance.now();
for (let i = 0; i < parseRounds; i++) {
  const r = parseJUnitXml(report, { pipeline: 'p', runId: String(i), timeMs: T0 });
  if (!r.ok || r.runs.length !== 5_000) throw new Error('bench report did not parse');
}
const parseMs = performance.now() - t0;

const stateBytes = JSON.stringify(history.toJSON()).length;
const result = {
  suite_tests: TESTS,
  ingest_records: records.length,
  ingest_per_core_s: Math.round(ingestPerS),
  prioritise_p50_ms: Number(quantile(plain, 0.5).toFixed(3)),
  prioritise_p99_ms: Number(quantile(plain, 0.99).toFixed(3)),
  prioritise_budget_split_p50_ms: Number(quantile(full, 0.5).toFixed(3)),
  prioritise_budget_split_p99_ms: Number(quantile(full, 0.99).toFixed(3)),
  junit_testcases_per_s: Math.round((5_000 * parseRounds) / (parseMs / 1000)),
  junit_mb_per_s: Number(((report.length * parseRounds) / 1e6 / (parseMs / 1000)).toFixed(1)),
  state_json_bytes_per_test: Math.round(stateBytes / history.testCount),
  target_prioritise_p99_ms: 50,
  target_ingest_per_core_s: 10_000,
};

const rows: Array<[string, string]> = [
  ['suite size (tests)', String(TESTS)],
  ['ingest (test results/s, 1 core)', `${result.ingest_per_core_s.toLocaleString('en-US')}  (target 10,000)`],
  ['prioritise p50 / p99 (ms)', `${result.prioritise_p50_ms} / ${result.prioritise_p99_ms}  (target p99 < 50)`],
  ['+ budget, 8 workers, changed paths p50 / p99 (ms)', `${result.prioritise_budget_split_p50_ms} / ${result.prioritise_budget_split_p99_ms}`],
  ['JUnit parse (test cases/s)', result.junit_testcases_per_s.toLocaleString('en-US')],
  ['JUnit parse (MB/s)', String(result.junit_mb_per_s)],
  ['state JSON per test (bytes)', String(result.state_json_bytes_per_test)],
];
const w = Math.max(...rows.map((r) => r[0].length));
console.log('ci-insights benchmark (single thread)');
for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
console.log(JSON.stringify(result));
