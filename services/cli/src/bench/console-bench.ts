// `npm run bench:console`: the console in headless Chromium (Debian's chromium via playwright-core)
// over 30 days of a 50-service history in chDB: 10,000 deployments (3 % failed, each failed one
// rolled back), 100,000 anomalies, 1,000,000 score rows (20 windows of 5 metrics around each
// deployment) and 200,000 log-template rows, generated
// with INSERT ... SELECT FROM numbers() into the migrated tables (deterministic: cityHash64 of the
// row number, no randomness). The API port serves the console, the query API and the console's
// read endpoints with bearer auth, as `npm start` does.
//   overview: navigation to a rendered overview over 30 days (services, a 10,000-mark timeline,
//             the latest deployments), `--runs` times after one warm-up;
//   deployment: navigation to a rendered deployment page (evidence, charts) of a failed deployment;
//   beside each, the API calls alone (fetch from Node) measured the same way;
//   bundle: the bytes of the built bundle, raw and gzip.
// Targets: rendered overview and deployment page under 1 s each.
// Usage: node services/cli/dist/bench/console-bench.js [--runs 7]
// Prints a table, then one JSON line with every figure.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { defaultWebRoot, launchChromium } from '@vigil/console';
import { createStore } from '@vigil/store';
import type { Store } from '@vigil/store';
import { parseConfig } from '@vigil/config';
import { createTelemetry } from '@vigil/telemetry';
import { createQuery } from '@vigil/query';
import { renderTable } from '../table.js';

const DAY = 86_400_000;
const TOKEN = 'console-bench-token-0123456789';

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};
const r1 = (x: number) => Math.round(x * 10) / 10;

/** 30 days of history, generated in ClickHouse itself. `h(n, k)` is a deterministic hash in [0, 1). */
async function generate(store: Store, nowMs: number): Promise<void> {
  const t = (n: string) => store.table(n);
  // Ten minutes inside the 30 days: the tables' 30-day TTL would drop rows generated right at the edge.
  const start = nowMs - 30 * DAY + 600_000;
  const h = (expr: string, k: number) => `(cityHash64(${expr}, ${k}) % 1000000) / 1000000.0`;
  const svc = (expr: string) => `concat('svc-', leftPad(toString(${expr} % 50), 2, '0'))`;
  const at = (expr: string, n: number) => `fromUnixTimestamp64Milli(toInt64(${start} + (${expr}) * ${(30 * DAY) / n}))`;
  // Deployments: 10,000, one row each with its final status (as after the verdict); 3 % fail.
  await store.command(`INSERT INTO ${t('deployments')} (id, service, version, environment, commit, source, previous_version, deployed_at, status, mode, verdict_summary, evidence, updated_at, revision)
    SELECT concat('dep-', toString(number)), ${svc('number')}, concat('v', toString(intDiv(number, 50) + 2)), 'prod', hex(cityHash64(number)), 'resource',
           concat('v', toString(intDiv(number, 50) + 1)), ${at('number', 10_000)},
           multiIf(${h('number', 1)} < 0.03, 'fail', ${h('number', 1)} < 0.05, 'inconclusive', 'pass'), 'before_after',
           multiIf(${h('number', 1)} < 0.03, 'regressed against the previous version: error_ratio', 'no worse than the previous version'), '[]',
           ${at('number', 10_000)}, 2
    FROM numbers(10000)`);
  // One verdict per deployment (the running one as well for the failed ones), with evidence.
  await store.command(`INSERT INTO ${t('verdicts')} (id, deployment_id, service, version, baseline_version, environment, status, mode, deployed_at, decided_at, summary, evidence)
    SELECT concat('dep-', toString(n), ':', st), concat('dep-', toString(n)), ${svc('n')}, concat('v', toString(intDiv(n, 50) + 2)), concat('v', toString(intDiv(n, 50) + 1)), 'prod',
           st, 'before_after', ${at('n', 10_000)}, ${at('n', 10_000)} + toIntervalSecond(if(st = 'running', 1, 40)), 'summary',
           concat('[{"check":"error_ratio","baseline":0.005,"candidate":', if(st = 'fail', '0.05', '0.004'), ',"effect":1,"statistic":', if(st = 'fail', '6.2', '-3.1'), ',"bound":5.6,"decided":"', if(st = 'running', 'undecided', st), '"}]')
    FROM (SELECT number AS n, arrayJoin(if(${h('number', 1)} < 0.03, ['running', 'fail'], ['pass'])) AS st FROM numbers(10000))`);
  await store.command(`INSERT INTO ${t('rollbacks')} (id, deployment_id, service, version, reason, verdict_id, alert_id, hook, dry_run, result, detail, at)
    SELECT concat('rb-', toString(number)), concat('dep-', toString(number)), ${svc('number')}, concat('v', toString(intDiv(number, 50) + 2)), 'verdict fail',
           concat('dep-', toString(number), ':fail'), '', 'webhook', false, 'succeeded', 'HTTP 200', ${at('number', 10_000)} + toIntervalSecond(41)
    FROM numbers(10000) WHERE ${h('number', 1)} < 0.03`);
  // Scores (1,000,000 rows): around each deployment, 20 windows of 10 s (8 before it, served by
  // the previous version, 12 after, by the new one) of 5 RED metrics of one operation: what a
  // deployment page draws.
  await store.command(`INSERT INTO ${t('scores')} (window_start, window_end, service, signal, metric, operation, version, series_id, series_key, value, expected, lower, upper, score, components, warming_up)
    SELECT ${at('intDiv(number, 100)', 10_000)} + toIntervalSecond((intDiv(number % 100, 5) - 8) * 10) AS ws, ws + toIntervalSecond(10), ${svc('intDiv(number, 100)')}, 'traces',
           ['error_ratio', 'latency_p50', 'latency_p95', 'latency_p99', 'rate'][number % 5 + 1] AS m, 'op-0',
           concat('v', toString(intDiv(intDiv(number, 100), 50) + if(intDiv(number % 100, 5) < 8, 1, 2))),
           hex(cityHash64(${svc('intDiv(number, 100)')}, m)), concat(${svc('intDiv(number, 100)')}, '|op-0|', m),
           if(m = 'error_ratio', 0.005 + ${h('number', 2)} * 0.01, 50 + ${h('number', 2)} * 100) AS v, v * 0.9, v * 0.5, v * 1.5, ${h('number', 3)}, [], false
    FROM numbers(1000000)`);
  // Anomalies: 100,000 over the 30 days.
  await store.command(`INSERT INTO ${t('anomalies')} (id, window_start, window_end, service, signal, metric, operation, version, series_id, series_key, value, expected, lower, upper, score, threshold, components, severity, deployment_id, deployment_version, summary)
    SELECT concat('an-', toString(number)), ${at('number', 100_000)} AS ws, ws + toIntervalSecond(10), ${svc('number')}, 'traces', 'error_ratio', 'op-0', 'v1',
           hex(cityHash64(number % 50)), concat(${svc('number')}, '|op-0|error_ratio'), 0.05, 0.005, 0, 0.02, 0.99, 0.5, ['level'],
           if(${h('number', 4)} < 0.2, 'critical', 'warning'), '', '', 'error ratio 5 % (expected 0.5 %)'
    FROM numbers(100000)`);
  // Log templates: 200,000 window rows, 20 templates per service.
  await store.command(`INSERT INTO ${t('log_templates')} (window_start, window_end, service, template_id, template, count, severities, first_seen, is_new, new_since_deployment, version)
    SELECT ${at('intDiv(number, 1000)', 200)} AS ws, ws + toIntervalSecond(10), ${svc('number')}, concat('tpl-', toString(number % 1000)),
           concat('request <*> handled in <*> ms by worker ', toString(number % 1000)), 1 + number % 17, map('INFO', 1 + number % 17), ${at('0', 1)}, false, '', 'v1'
    FROM numbers(200000)`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string' } } });
  const runs = Number(values.runs ?? 7);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: a positive integer (got ${JSON.stringify(values.runs)})`);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-console-bench-'));
  const store = await createStore({ kind: 'chdb', chdb: { path: dir }, database: 'vigil', server: { url: '', username: '', password: '', database: '' } });
  const telemetry = createTelemetry({ service: 'console-bench', logLevel: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }), processMetrics: false });
  const browser = await launchChromium();
  try {
    await store.migrate();
    const nowMs = Date.now();
    const g0 = performance.now();
    await generate(store, nowMs);
    const generateS = (performance.now() - g0) / 1000;
    const counts = Object.fromEntries(await Promise.all(['deployments', 'anomalies', 'scores', 'log_templates', 'rollbacks'].map(async (n) =>
      [n, Number((await store.query<{ c: string }>(`SELECT count() AS c FROM ${store.table(n)}`))[0].c)] as const)));

    if (!existsSync(join(defaultWebRoot(), 'index.html'))) throw new Error('the console bundle is not built: run `npm run build`');
    // The read side as it runs (services/query), on its own listener with a token; no bus: the bench only reads.
    const config = parseConfig({ query: { api: { host: '127.0.0.1', port: 0, auth: { bearerTokens: [TOKEN] } } } });
    const server = createQuery({ section: config.query, console: { enabled: true, alerterUrl: '' }, topics: config.topics, store, telemetry });
    await server.start();
    const base = `http://127.0.0.1:${server.port}`;
    const [failed] = await store.query<{ id: string }>(`SELECT id FROM ${store.table('deployments')} WHERE status = 'fail' ORDER BY deployed_at DESC LIMIT 1`);

    const context = await browser.newContext({ viewport: { width: 1366, height: 860 } });
    await context.addInitScript(`sessionStorage.setItem('vigil.token', ${JSON.stringify(TOKEN)});`);
    const page = await context.newPage();
    const render = async (hash: string, selector: string): Promise<number> => {
      await page.goto('about:blank');
      const t0 = performance.now();
      await page.goto(`${base}/${hash}`);
      await page.waitForSelector(selector, { timeout: 60_000 });
      return performance.now() - t0;
    };
    const apiTime = async (paths: string[]): Promise<number> => {
      const t0 = performance.now();
      await Promise.all(paths.map(async (p) => {
        const res = await fetch(`${base}${p}`, { headers: { authorization: `Bearer ${TOKEN}` } });
        if (!res.ok) throw new Error(`${p}: HTTP ${res.status}`);
        await res.arrayBuffer();
      }));
      return performance.now() - t0;
    };
    const overviewSel = 'main[data-loaded] svg.timeline a.dep';
    const deploymentSel = 'main[data-loaded] [data-testid=series] svg path.line';
    const overviewHash = '#/overview?range=30d';
    const deploymentHash = `#/deployment/${encodeURIComponent(failed.id)}?range=30d`;
    const marks = async () => page.locator('svg.timeline a.dep').count();
    // One warm-up each (page cache, ClickHouse caches), then the measured runs.
    await render(overviewHash, overviewSel);
    const timelineMarks = await marks();
    await render(deploymentHash, deploymentSel);
    // Each of the overview's API calls alone, once warm (where the time goes).
    const perCall: Record<string, number> = {};
    const perCallPath: Record<string, string> = {};
    for (const [name, path] of [['services', '/v1/services?since=30d'], ['timeline', '/v1/deployments/timeline?since=30d'], ['deployments', '/v1/deployments?since=30d&limit=25'], ['rollbacks', '/v1/rollbacks?since=30d']]) {
      const xs: number[] = [];
      for (let i = 0; i < 3; i++) xs.push(await apiTime([path]));
      perCall[`overview_api_${name}_ms`] = Math.round(quantile(xs, 0.5));
      perCallPath[`overview_api_${name}_ms`] = path.split('?')[0];
    }
    const overview: number[] = [];
    const deployment: number[] = [];
    const overviewApi: number[] = [];
    const deploymentApi: number[] = [];
    for (let i = 0; i < runs; i++) {
      overview.push(await render(overviewHash, overviewSel));
      deployment.push(await render(deploymentHash, deploymentSel));
      overviewApi.push(await apiTime(['/v1/services?since=30d', '/v1/deployments/timeline?since=30d', '/v1/deployments?since=30d&limit=25', '/v1/rollbacks?since=30d']));
      deploymentApi.push(await apiTime([`/v1/deployments/${encodeURIComponent(failed.id)}/evidence`]));
    }
    await server.shutdown();

    const files = readdirSync(join(defaultWebRoot(), 'assets')).map((f) => join(defaultWebRoot(), 'assets', f)).concat(join(defaultWebRoot(), 'index.html'));
    const bundleBytes = files.reduce((s, f) => s + statSync(f).size, 0);
    const bundleGzipBytes = files.reduce((s, f) => s + gzipSync(readFileSync(f)).length, 0);

    const figures = {
      runs,
      deployments: counts.deployments, anomalies: counts.anomalies, score_rows: counts.scores, template_rows: counts.log_templates, rollbacks: counts.rollbacks,
      services: 50, generate_s: r1(generateS), timeline_marks: timelineMarks,
      overview_render_p50_ms: Math.round(quantile(overview, 0.5)), overview_render_max_ms: Math.round(Math.max(...overview)),
      overview_api_p50_ms: Math.round(quantile(overviewApi, 0.5)),
      deployment_render_p50_ms: Math.round(quantile(deployment, 0.5)), deployment_render_max_ms: Math.round(Math.max(...deployment)),
      deployment_api_p50_ms: Math.round(quantile(deploymentApi, 0.5)), ...perCall,
      bundle_bytes: bundleBytes, bundle_gzip_bytes: bundleGzipBytes,
      target_ms: 1000,
      overview_ok: quantile(overview, 0.5) < 1000, deployment_ok: quantile(deployment, 0.5) < 1000,
    };
    process.stdout.write(`console in Chromium over 30 days of 50 services: ${counts.deployments} deployments, ${counts.anomalies} anomalies, ${counts.scores} score rows (generated in ${r1(generateS)} s)\n\n`);
    const cols = ['figure', 'p50', 'max', 'target'].map((key) => ({ key, title: key, width: 60 }));
    const rows = ([
      ['overview rendered (navigation → timeline drawn)', `${figures.overview_render_p50_ms} ms`, `${figures.overview_render_max_ms} ms`, '< 1000 ms'],
      ['  its API calls alone (in parallel)', `${figures.overview_api_p50_ms} ms`, '', ''],
      ...Object.entries(perCall).map(([k, v]) => [`    GET ${perCallPath[k]} alone`, `${v} ms`, '', '']),
      ['deployment page rendered (navigation → charts drawn)', `${figures.deployment_render_p50_ms} ms`, `${figures.deployment_render_max_ms} ms`, '< 1000 ms'],
      ['  its API call alone', `${figures.deployment_api_p50_ms} ms`, '', ''],
      ['timeline marks drawn', String(timelineMarks), '', ''],
      ['bundle (raw / gzip)', `${(bundleBytes / 1024).toFixed(1)} KiB / ${(bundleGzipBytes / 1024).toFixed(1)} KiB`, '', ''],
    ] as string[][]).map(([figure, p50, max, target]) => ({ figure, p50, max, target }));
    process.stdout.write(renderTable(rows, cols));
    process.stdout.write(`\n${JSON.stringify(figures)}\n`);
  } finally {
    await browser.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
