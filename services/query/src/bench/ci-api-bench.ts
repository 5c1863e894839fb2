// Benchmark of the CI API (POST /v1/ci/prioritise) of the query service (createQuery) over
// HTTP, on chDB in a temp dir (the bench seeds its own history rows: no writer runs here):
// a suite of `--tests` tests (default 2000) with `--runs` executions each (default 60) of
// synthetic history (seeded; per-test failure rates from 0 to 20 %, a few flaky ones), then
//   cold: the first request (history rebuilt from ClickHouse),
//   warm: `--requests` requests for the whole suite (durations given, 4 workers, a budget),
//         each one also refreshing incrementally (one ClickHouse query),
//   warm+new: the same while a JUnit-sized batch of new rows lands between requests.
// Usage: node services/query/dist/bench/ci-api-bench.js [--tests 2000] [--runs 60] [--requests 300]
// Prints a table, then one JSON line with every figure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createStore } from '@vigil/store';
import { parseConfig } from '@vigil/config';
import { createTelemetry } from '@vigil/telemetry';
import { createQuery } from '../pipeline.js';
import { seededUniform } from '@vigil/stats';


const pct = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { tests: { type: 'string' }, runs: { type: 'string' }, requests: { type: 'string' } } });
  const nTests = Number(values.tests ?? 2000);
  const nRuns = Number(values.runs ?? 60);
  const nReq = Number(values.requests ?? 300);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-ci-bench-'));
  const store = await createStore({ kind: 'chdb', chdb: { path: dir }, database: 'vigil', server: { url: '', username: '', password: '', database: '' } });
  const telemetry = createTelemetry({ service: 'ci-bench', logLevel: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }), processMetrics: false });
  try {
    await store.migrate();
    const rnd = seededUniform(42);
    const names = Array.from({ length: nTests }, (_, i) => `com.example.mod${i % 40}.Test${i}.case${i % 7}`);
    const failP = names.map(() => (rnd() < 0.1 ? rnd() * 0.2 : 0.002));
    const durMs = names.map(() => 5 + rnd() * 2000);
    const t0 = Date.now() - nRuns * 3_600_000;
    let rowsInserted = 0;
    const insertStart = performance.now();
    for (let r = 0; r < nRuns; r++) {
      const rows = names.map((n, i) => ({
        time: t0 + r * 3_600_000 + i, suite: 'bench', test_name: n, pipeline: 'ci', run_id: `run-${r}`, revision: `rev-${r >> 1}`,
        status: rnd() < failP[i] ? 'failed' : 'passed', duration_ms: durMs[i] * (0.8 + 0.4 * rnd()), attempt: 0, source: 'junit',
      }));
      await store.insert('ci_test_runs', rows);
      rowsInserted += rows.length;
    }
    const insertS = (performance.now() - insertStart) / 1000;
    const config = parseConfig({ query: { api: { host: '127.0.0.1', port: 0 } } });
    const query = createQuery({ section: config.query, console: { enabled: false, alerterUrl: '' }, topics: config.topics, store, telemetry });
    const { port } = await query.start();
    const url = `http://127.0.0.1:${port}/v1/ci/prioritise`;
    const body = JSON.stringify({ suite: 'bench', tests: names.map((n, i) => ({ name: n, durationMs: Math.round(durMs[i]) })), workers: 4, budgetMs: 600_000 });
    const call = async (): Promise<number> => {
      const s = performance.now();
      const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      const json = (await res.json()) as { ranked: unknown[] };
      if (res.status !== 200 || json.ranked.length !== nTests) throw new Error(`bad answer ${res.status}`);
      return performance.now() - s;
    };
    const coldMs = await call();
    for (let i = 0; i < 20; i++) await call();
    const warm: number[] = [];
    for (let i = 0; i < nReq; i++) warm.push(await call());
    // New rows between requests: a 200-test report every request.
    const withNew: number[] = [];
    for (let i = 0; i < Math.min(nReq, 100); i++) {
      await store.insert('ci_test_runs', names.slice(0, 200).map((n, k) => ({
        time: Date.now(), suite: 'bench', test_name: n, pipeline: 'ci', run_id: `new-${i}`, revision: `new-${i}`, status: k % 50 === 0 ? 'failed' : 'passed',
        duration_ms: 10, attempt: 0, source: 'junit',
      })));
      withNew.push(await call());
    }
    const { info } = await query.ci.state.history('bench');
    await query.shutdown();
    const out = {
      tests: nTests, runs_per_test: nRuns, rows_seeded: rowsInserted, seed_insert_rows_per_s: Math.round(rowsInserted / insertS),
      cold_first_request_ms: +coldMs.toFixed(1),
      warm_p50_ms: +pct(warm, 0.5).toFixed(2), warm_p99_ms: +pct(warm, 0.99).toFixed(2), warm_max_ms: +Math.max(...warm).toFixed(2),
      with_new_rows_p50_ms: +pct(withNew, 0.5).toFixed(2), with_new_rows_p99_ms: +pct(withNew, 0.99).toFixed(2),
      history_rows_fed: info.rowsFed, requests: warm.length,
    };
    const line = (k: string, v: unknown) => `${k.padEnd(28)} ${String(v)}`;
    process.stdout.write(`CI API bench: POST /v1/ci/prioritise over HTTP, chDB\n${Object.entries(out).map(([k, v]) => line(k, v)).join('\n')}\n`);
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
