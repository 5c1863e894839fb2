// Every query of the provisioned Grafana dashboards (infra/grafana/dashboards/*.json) runs against
// chDB with the migrations applied and a few rows in each table, after the expansion Grafana and
// the ClickHouse plugin (grafana-clickhouse-datasource v4) would do:
//  1. template variables, in the frontend. Dashboards use only `${name:singlequote}`: Grafana's
//     singlequote format quotes a value, or joins the quoted values of a multi-value variable
//     with ',' (so `col IN (${name:singlequote})` fits one value, many, and a repeated panel).
//  2. macros, in the plugin backend (pkg/macros/macros.go): $__timeFilter(c) is
//     `c >= toDateTime(<from s>) AND c <= toDateTime(<to s>)`, $__fromTime / $__toTime are
//     `toDateTime(<s>)`, $__timeInterval(c) is `toStartOfInterval(toDateTime(c), INTERVAL <n> second)`.
// Any other variable syntax or macro fails the test, so this file must grow with the dashboards.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createStore } from './index.js';
import type { Store } from './index.js';

const GRAFANA = fileURLToPath(new URL('../../../infra/grafana/', import.meta.url));
const DASHBOARDS = join(GRAFANA, 'dashboards');
const PLUGIN = 'grafana-clickhouse-datasource';

// ---------------------------------------------------------------------------------------------
// What each query must return: its exact columns, in order. Keys are
// "<dashboard uid> / <panel title> / <refId>", "<uid> / annotation <name>", "<uid> / variable <name>".
// A query without an entry, or an entry without a query, fails the test.
const EXPECTED_COLUMNS: Record<string, string[]> = {
  'vigil-series / variable service': ['service'],
  'vigil-series / variable metric': ['metric'],
  'vigil-series / variable operation': ['operation'],
  'vigil-series / annotation Anomalies': ['time', 'timeEnd', 'text', 'tags'],
  'vigil-series / annotation Deployments': ['time', 'text', 'tags'],
  'vigil-series / Value and expected band: ${operation} / A': ['time', 'value', 'expected', 'lower', 'upper'],
  'vigil-series / Value and expected band: ${operation} / B': ['time', 'anomaly'],
  'vigil-series / Anomaly score by operation / A': ['time', 'operation', 'score'],
  'vigil-series / Scored windows by version / A': ['time', 'version', 'windows'],
  'vigil-series / Anomalies / A': ['time', 'severity', 'operation', 'metric', 'value', 'expected', 'score', 'deployment_version', 'summary'],

  'vigil-capacity / variable service': ['service'],
  'vigil-capacity / variable metric': ['metric'],
  'vigil-capacity / Next 5 minutes: forecast vs actual / A': ['time', 'forecast', 'lo80', 'hi80', 'lo95', 'hi95'],
  'vigil-capacity / Next 5 minutes: forecast vs actual / B': ['time', 'actual'],
  'vigil-capacity / Day ahead: forecast made 24 h earlier vs actual / A': ['time', 'forecast_day_before', 'lo95', 'hi95'],
  'vigil-capacity / Day ahead: forecast made 24 h earlier vs actual / B': ['time', 'actual'],
  'vigil-capacity / Latest day-ahead forecast / A': ['time', 'forecast', 'lo80', 'hi80', 'lo95', 'hi95'],
  'vigil-capacity / Recommended request vs forecast load / A': ['time', 'request', 'mean_load', 'peak'],
  'vigil-capacity / Recommendations (latest per series) / A': ['service', 'metric', 'kind', 'origin', 'request', 'risk_short', 'expected_slack', 'replicas', 'why'],

  'vigil-ci / variable suite': ['suite'],
  'vigil-ci / Test failure rate by suite / A': ['time', 'suite', 'failure_rate'],
  'vigil-ci / Pipeline runs by outcome / A': ['time', 'status', 'runs'],
  'vigil-ci / Flaky tests / A': ['suite', 'test_name', 'flaky_revisions', 'runs', 'failures', 'failure_rate', 'recent_failure_rate', 'last_failure', 'duration_p95_ms'],
  'vigil-ci / Slowest tests / A': ['suite', 'test_name', 'p95_ms', 'mean_ms', 'executions', 'total_ms'],
  'vigil-ci / Most failing tests / A': ['suite', 'test_name', 'failures', 'executions', 'failure_rate', 'last_run'],
  'vigil-ci / Build-failure predictions / A': ['time', 'pipeline', 'run_id', 'revision', 'predicted_failure_probability', 'reason'],
  'vigil-deployments / variable service': ['service'],
  'vigil-deployments / annotation Deployments': ['time', 'text', 'tags'],
  'vigil-deployments / Deployments by verdict / A': ['status', 'deployments'],
  'vigil-deployments / Verdicts decided / A': ['time', 'status', 'verdicts'],
  'vigil-deployments / Deployments / A': [
    'deployed_at', 'service', 'version', 'previous_version', 'environment', 'status', 'mode', 'verdict', 'updated_at', 'id',
  ],
  'vigil-deployments / Verdict evidence / A': [
    'decided_at', 'service', 'version', 'baseline_version', 'status', 'mode', 'check_name', 'operation', 'baseline', 'candidate', 'effect',
    'statistic', 'bound', 'decided', 'detail', 'deployment_id',
  ],

  'vigil-alerts / variable service': ['service'],
  'vigil-alerts / annotation Rollbacks': ['time', 'text', 'tags'],
  'vigil-alerts / Firing now / A': ['firing'],
  'vigil-alerts / Alerts started by severity / A': ['time', 'severity', 'alerts'],
  'vigil-alerts / Alerts by latest status / A': ['time', 'status', 'alerts'],
  'vigil-alerts / Alerts / A': ['starts_at', 'ends_at', 'service', 'rule', 'severity', 'status', 'summary', 'incident_id', 'id', 'updated_at'],
  'vigil-alerts / Notifications / A': ['at', 'service', 'alert_id', 'receiver', 'kind', 'delivery', 'attempts', 'error'],
  'vigil-alerts / Rollbacks / A': ['at', 'service', 'version', 'result', 'dry_run', 'hook', 'reason', 'detail', 'deployment_id', 'verdict_id', 'alert_id'],

  'vigil-log-templates / variable service': ['service'],
  'vigil-log-templates / annotation Deployments': ['time', 'text', 'tags'],
  'vigil-log-templates / New since a deployment / A': [
    'first_seen', 'service', 'template', 'occurrences', 'errors', 'deployed_version', 'verdict', 'deployment_id', 'template_id',
  ],
  'vigil-log-templates / Template counts (top 10 in range) / A': ['time', 'template_label', 'lines'],
  'vigil-log-templates / New templates / A': ['time', 'new_templates', 'new_since_deployment'],
  'vigil-log-templates / Top templates / A': ['service', 'text', 'occurrences', 'errors', 'warnings', 'first_seen', 'last_seen', 'template_id'],

  'vigil-pipeline / Dead letters by source topic / A': ['time', 'source_topic', 'dead_letters'],
  'vigil-pipeline / Scored windows / A': ['time', 'scored', 'warming_up', 'series'],
  'vigil-pipeline / Dead letters by reason / A': ['source_topic', 'reason', 'dead_letters', 'last_at'],
  'vigil-pipeline / Recent dead letters / A': ['at', 'source_topic', 'source_partition', 'source_offset', 'reason', 'payload_base64_chars'],
};

// ---------------------------------------------------------------------------------------------
// Dashboard model: only the parts this test reads.
interface DatasourceRef { type?: string; uid?: string }
interface Target { refId?: string; rawSql?: string; format?: number; queryType?: string; editorType?: string; pluginVersion?: string; datasource?: DatasourceRef }
interface Override { matcher: { id: string; options: unknown } }
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: DatasourceRef;
  targets?: Target[];
  panels?: Panel[];
  repeat?: string;
  fieldConfig?: { defaults?: { displayName?: string }; overrides?: Override[] };
}
interface Variable { name: string; type: string; query?: string | { rawSql?: string }; datasource?: DatasourceRef; multi?: boolean; includeAll?: boolean }
interface Annotation { name: string; builtIn?: number; datasource?: DatasourceRef; target?: Target }
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Variable[] };
  annotations: { list: Annotation[] };
}

type Kind = 'timeseries' | 'table' | 'annotation' | 'variable';
interface DashQuery {
  key: string;
  dashboard: Dashboard;
  kind: Kind;
  rawSql: string;
  panel?: Panel;
  target?: Target;
  variable?: Variable;
  datasource?: DatasourceRef;
}

function loadDashboards(): Array<{ file: string; dashboard: Dashboard }> {
  return readdirSync(DASHBOARDS)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as Dashboard }));
}

function allPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

/** Every query of a dashboard: variables first, in their order, as Grafana resolves them. */
function queriesOf(dashboard: Dashboard): DashQuery[] {
  const out: DashQuery[] = [];
  for (const v of dashboard.templating.list) {
    if (v.type !== 'query') continue;
    const rawSql = typeof v.query === 'string' ? v.query : (v.query?.rawSql ?? '');
    out.push({ key: `${dashboard.uid} / variable ${v.name}`, dashboard, kind: 'variable', rawSql, variable: v, datasource: v.datasource });
  }
  for (const a of dashboard.annotations.list) {
    if (a.builtIn === 1 && a.datasource?.type === 'grafana') continue;
    out.push({ key: `${dashboard.uid} / annotation ${a.name}`, dashboard, kind: 'annotation', rawSql: a.target?.rawSql ?? '', target: a.target, datasource: a.datasource });
  }
  for (const panel of allPanels(dashboard.panels)) {
    if (panel.type === 'row') continue;
    for (const target of panel.targets ?? []) {
      out.push({
        key: `${dashboard.uid} / ${panel.title} / ${target.refId}`,
        dashboard,
        kind: panel.type === 'timeseries' ? 'timeseries' : 'table',
        rawSql: target.rawSql ?? '',
        panel,
        target,
        datasource: target.datasource ?? panel.datasource,
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Expansion, as Grafana's frontend (variables) and the plugin's backend (macros) do it.
interface TimeRange { fromMs: number; toMs: number; intervalS: number }

function singlequote(value: string | string[]): string {
  const quote = (v: string) => `'${v.replace(/'/g, "\\'")}'`;
  return Array.isArray(value) ? value.map(quote).join(',') : quote(value);
}

function interpolate(sql: string, values: Map<string, string[]>, multi: Map<string, boolean>): string {
  return sql.replace(/\$\{([^}]*)\}|\[\[([^\]]*)\]\]|\$(?!__)([A-Za-z_]\w*)/g, (whole, braced: string | undefined) => {
    const m = braced === undefined ? null : /^(\w+):singlequote$/.exec(braced);
    if (!m) throw new Error(`variable ${whole}: the dashboards use only \${name:singlequote}`);
    const v = values.get(m[1]);
    if (v === undefined) throw new Error(`variable ${whole} is not defined before this query`);
    return singlequote(multi.get(m[1]) ? v : v[0]);
  });
}

function expandMacros(sql: string, range: TimeRange): string {
  const from = Math.floor(range.fromMs / 1000);
  const to = Math.floor(range.toMs / 1000);
  return sql.replace(/\$__(\w+)(?:\(([^()]*)\))?/g, (whole, name: string, args: string | undefined) => {
    const list = args === undefined ? [] : args.split(',').map((a) => a.trim());
    const want = (n: number) => {
      if (list.length !== n) throw new Error(`${whole}: expected ${n} argument(s)`);
    };
    switch (name) {
      case 'timeFilter':
        want(1);
        return `${list[0]} >= toDateTime(${from}) AND ${list[0]} <= toDateTime(${to})`;
      case 'fromTime':
        want(0);
        return `toDateTime(${from})`;
      case 'toTime':
        want(0);
        return `toDateTime(${to})`;
      case 'timeInterval':
        want(1);
        return `toStartOfInterval(toDateTime(${list[0]}), INTERVAL ${Math.max(1, Math.floor(range.intervalS))} second)`;
      default:
        throw new Error(`macro $__${name} is not expanded by this test: add it following the plugin's definition`);
    }
  });
}

test('macro and variable expansion follow the plugin and Grafana', () => {
  const range = { fromMs: 1_700_000_000_000, toMs: 1_700_003_600_500, intervalS: 30 };
  expect(expandMacros('WHERE $__timeFilter(at) AND x < $__toTime', range)).toBe(
    'WHERE at >= toDateTime(1700000000) AND at <= toDateTime(1700003600) AND x < toDateTime(1700003600)',
  );
  expect(expandMacros('$__timeInterval(window_start) AS time, $__fromTime', range)).toBe(
    'toStartOfInterval(toDateTime(window_start), INTERVAL 30 second) AS time, toDateTime(1700000000)',
  );
  expect(() => expandMacros('$__timeFilter_ms(at)', range)).toThrow(/not expanded/);
  const values = new Map([['s', ['a', "o'k"]], ['one', ['x', 'y']]]);
  const multi = new Map([['s', true], ['one', false]]);
  expect(interpolate('s IN (${s:singlequote}) AND o IN (${one:singlequote}) AND $__timeFilter(t)', values, multi)).toBe(
    "s IN ('a','o\\'k') AND o IN ('x') AND $__timeFilter(t)",
  );
  expect(() => interpolate('s = $s', values, multi)).toThrow(/singlequote/);
  expect(() => interpolate('s = ${s}', values, multi)).toThrow(/singlequote/);
});

// ---------------------------------------------------------------------------------------------
// Provisioning files: read with patterns, since they are small and written by us.
function yamlValues(text: string, key: string): string[] {
  return [...text.matchAll(new RegExp(`^\\s*-?\\s*${key}:\\s*(\\S+)\\s*$`, 'gm'))].map((m) => m[1].replace(/^["']|["']$/g, ''));
}

const datasourceYaml = readFileSync(join(GRAFANA, 'provisioning/datasources/clickhouse.yaml'), 'utf8');
const providerYaml = readFileSync(join(GRAFANA, 'provisioning/dashboards/vigil.yaml'), 'utf8');
const provisionedUid = yamlValues(datasourceYaml, 'uid')[0];

describe('provisioning', () => {
  test('one ClickHouse data source, credentials from the environment', () => {
    expect(yamlValues(datasourceYaml, 'uid')).toEqual(['vigil-clickhouse']);
    expect(yamlValues(datasourceYaml, 'type')).toEqual([PLUGIN]);
    // The connection's default database, and the OTel logs and traces defaults: all Vigil's database.
    expect(new Set(yamlValues(datasourceYaml, 'defaultDatabase'))).toEqual(new Set(['vigil']));
    expect(yamlValues(datasourceYaml, 'defaultTable')).toEqual(['otel_logs', 'otel_traces']);
    expect(yamlValues(datasourceYaml, 'username')).toEqual(['$CLICKHOUSE_USER']);
    expect(yamlValues(datasourceYaml, 'password')).toEqual(['$CLICKHOUSE_PASSWORD']);
  });

  test('the dashboard provider reads the folder docker-compose mounts the dashboards at', () => {
    const [path] = yamlValues(providerYaml, 'path');
    const compose = readFileSync(join(GRAFANA, '../../docker-compose.yml'), 'utf8');
    expect(compose).toContain(`./infra/grafana/dashboards:${path}`);
    expect(compose).toContain('./infra/grafana/provisioning:/etc/grafana/provisioning');
  });

  test('dashboards have unique uids, titles and panel ids, and use only the provisioned data source', () => {
    const dashboards = loadDashboards();
    expect(dashboards.length).toBeGreaterThanOrEqual(4);
    const uids = dashboards.map((d) => d.dashboard.uid);
    expect(new Set(uids).size).toBe(uids.length);
    expect(new Set(dashboards.map((d) => d.dashboard.title)).size).toBe(uids.length);
    const problems: string[] = [];
    for (const { file, dashboard } of dashboards) {
      if (dashboard.schemaVersion < 36) problems.push(`${file}: schemaVersion ${dashboard.schemaVersion}`);
      const ids = allPanels(dashboard.panels).map((p) => p.id);
      if (new Set(ids).size !== ids.length) problems.push(`${file}: duplicate panel ids`);
      for (const p of allPanels(dashboard.panels)) {
        const v = p.repeat ? dashboard.templating.list.find((x) => x.name === p.repeat) : undefined;
        if (p.repeat && !v?.multi) problems.push(`${file} / ${p.title}: repeats over ${p.repeat}, which is not a multi-value variable`);
      }
      for (const q of queriesOf(dashboard)) {
        if (q.datasource?.type !== PLUGIN || q.datasource.uid !== provisionedUid) {
          problems.push(`${q.key}: data source ${JSON.stringify(q.datasource)} is not {type: ${PLUGIN}, uid: ${provisionedUid}}`);
        }
        if (q.panel?.datasource && q.panel.datasource.uid !== provisionedUid) problems.push(`${q.key}: panel data source uid ${q.panel.datasource.uid}`);
        if (q.target) {
          // v4 query model: without pluginVersion >= 4 the plugin migrates the query as a v3 one.
          const t = q.target;
          const wantFormat = q.kind === 'timeseries' ? 0 : 1;
          const wantType = q.kind === 'timeseries' ? 'timeseries' : 'table';
          if (t.editorType !== 'sql' || !/^4\./.test(t.pluginVersion ?? '')) problems.push(`${q.key}: editorType sql / pluginVersion 4.x expected`);
          if (q.kind !== 'annotation' && (t.format !== wantFormat || t.queryType !== wantType)) {
            problems.push(`${q.key}: format ${t.format} / queryType ${t.queryType}, expected ${wantFormat} / ${wantType}`);
          }
        }
        if (!q.rawSql.trim()) problems.push(`${q.key}: empty SQL`);
      }
    }
    expect(problems).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Sample rows: a few per table, all inside the last hour, so that every query returns rows.
function sampleRows(nowMs: number): Record<string, object[]> {
  const min = 60_000;
  const t = (minutesAgo: number) => nowMs - minutesAgo * min;
  const scores: object[] = [];
  const series = [
    { service: 'checkout', metric: 'error_ratio', operation: 'POST /pay', signal: 'traces', base: 0.01 },
    { service: 'checkout', metric: 'error_ratio', operation: 'GET /cart', signal: 'traces', base: 0.02 },
    { service: 'checkout', metric: 'latency_p99', operation: 'POST /pay', signal: 'traces', base: 250 },
    { service: 'search', metric: 'rate', operation: 'GET /q', signal: 'traces', base: 40 },
    { service: 'checkout', metric: 'k8s.pod.cpu.usage:value', operation: '', signal: 'metrics', base: 0.5 },
  ];
  for (const s of series) {
    for (let i = 30; i >= 1; i--) {
      const spike = s.operation === 'POST /pay' && i <= 5 ? 4 : 1;
      scores.push({
        window_start: t(i), window_end: t(i - 1), service: s.service, signal: s.signal, metric: s.metric, operation: s.operation,
        version: i > 10 ? 'v1' : 'v2', series_id: `${s.service}|${s.operation}|${s.metric}`, series_key: `${s.service}|${s.operation}|${s.metric}`,
        value: s.base * spike, expected: s.base, lower: s.base * 0.5, upper: s.base * 1.5, score: spike > 1 ? 9.5 : 0.4, components: ['ewma'],
        warming_up: i > 28,
      });
    }
  }
  const evidence = (decided: string) => JSON.stringify([
    { check: 'error_ratio', operation: 'POST /pay', baseline: 0.01, candidate: 0.04, effect: 4, statistic: 6.1, bound: 4.6, decided },
    { check: 'new_log_template', baseline: 0, candidate: 1, effect: 1, statistic: 1, bound: 1, decided: 'undecided', detail: 'payment failed <*>' },
  ]);
  const deployment = { environment: 'prod', mode: '', verdict_summary: '', evidence: '[]' };
  // Forecasts of checkout's CPU (cores): short every 5 minutes over the last hour, day-ahead (with a
  // recommendation) at the two last hours.
  const steps = (origin: number, n: number, stepMs: number) => Array.from({ length: n }, (_, i) => origin + (i + 1) * stepMs);
  const forecast = (origin: number, horizon: 'short' | 'long') => {
    const end = steps(origin, horizon === 'short' ? 12 : 24, horizon === 'short' ? 5 * min : 60 * min);
    const long = horizon === 'long';
    return {
      id: `fc-${horizon}-${origin}`, service: 'checkout', metric: 'k8s.pod.cpu.usage', kind: 'cpu', horizon, origin, step_ms: long ? 3_600_000 : 300_000,
      end_ms: end, mean: end.map(() => 0.5), lo80: end.map(() => 0.4), hi80: end.map(() => 0.6), lo95: end.map(() => 0.3), hi95: end.map(() => 0.7),
      has_recommendation: long, request: long ? 0.75 : 0, risk_short: long ? 0.035 : null, expected_slack: long ? 0.2 : null, expected_shortfall: long ? 0.01 : null,
      peak: long ? 0.7 : 0, mean_load: long ? 0.5 : 0, replicas: long ? 2 : null, why: long ? 'day-ahead mean 0.5, peak 0.7' : '', learnt: 600, withheld: 0,
    };
  };
  const forecasts = [
    ...Array.from({ length: 12 }, (_, i) => forecast(Math.floor(t(60 - 5 * i) / (5 * min)) * 5 * min, 'short')),
    forecast(Math.floor(t(120) / (60 * min)) * 60 * min, 'long'), forecast(Math.floor(t(60) / (60 * min)) * 60 * min, 'long'),
  ];
  return {
    scores,
    forecasts,
    anomalies: [
      {
        id: 'an-1', window_start: t(5), window_end: t(4), service: 'checkout', signal: 'traces', metric: 'error_ratio', operation: 'POST /pay',
        version: 'v2', series_id: 'checkout|POST /pay|error_ratio', series_key: 'checkout|POST /pay|error_ratio', value: 0.04, expected: 0.01,
        lower: 0.005, upper: 0.015, score: 9.5, threshold: 6, components: ['ewma'], severity: 'critical', deployment_id: 'dep-2',
        deployment_version: 'v2', summary: 'error ratio 4x expected on POST /pay',
      },
      {
        id: 'an-2', window_start: t(3), window_end: t(2), service: 'search', signal: 'traces', metric: 'rate', operation: 'GET /q',
        version: 'v7', series_id: 'search|GET /q|rate', series_key: 'search|GET /q|rate', value: 5, expected: 40, lower: 20, upper: 60,
        score: 7, threshold: 6, components: ['ewma'], severity: 'warning', deployment_id: '', deployment_version: '', summary: 'traffic drop',
      },
    ],
    // revision as the writer computes it (services/writer/src/mappers/rows.ts deploymentRevision).
    deployments: [
      { ...deployment, id: 'dep-1', service: 'checkout', version: 'v1', commit: 'a1b2c3', source: 'argo', previous_version: 'v0', deployed_at: t(180), status: 'deployed', updated_at: t(180) },
      { ...deployment, id: 'dep-1', service: 'checkout', version: 'v1', commit: '', source: 'verdict', previous_version: 'v0', deployed_at: t(180), status: 'pass', mode: 'before_after', verdict_summary: 'no regression', updated_at: t(150) },
      { ...deployment, id: 'dep-2', service: 'checkout', version: 'v2', commit: 'd4e5f6', source: 'argo', previous_version: 'v1', deployed_at: t(10), status: 'deployed', updated_at: t(10) },
      { ...deployment, id: 'dep-2', service: 'checkout', version: 'v2', commit: '', source: 'verdict', previous_version: 'v1', deployed_at: t(10), status: 'running', mode: 'canary', updated_at: t(9) },
      { ...deployment, id: 'dep-2', service: 'checkout', version: 'v2', commit: '', source: 'verdict', previous_version: 'v1', deployed_at: t(10), status: 'fail', mode: 'canary', verdict_summary: 'error ratio regressed on POST /pay', evidence: evidence('fail'), updated_at: t(5) },
      { ...deployment, id: 'dep-3', service: 'search', version: 'v7', commit: '0a0b0c', source: 'webhook', previous_version: 'v6', deployed_at: t(60), status: 'deployed', updated_at: t(60) },
    ].map((d) => ({ ...d, revision: (d.status === 'deployed' ? 0 : d.status === 'running' ? 1 : 2) * 2 ** 42 + Number(d.updated_at) })),
    ci_test_runs: [
      ...['pays', 'refunds', 'totals'].flatMap((name, k) => [1, 2, 3].map((run) => ({
        time: t(60 - run * 10 + k), suite: 'shop', test_name: name, pipeline: 'shop-ci', run_id: `r${run}`, revision: run === 3 ? 'c2' : `c${run}`,
        status: (name === 'refunds' && run === 2) || (name === 'totals' && run === 3) ? 'failed' : 'passed', duration_ms: 500 + 100 * k, attempt: 0, source: 'otel',
      }))),
      { time: t(5), suite: 'backend', test_name: 'tests.test_invoice.test_total', pipeline: 'py', run_id: 'p1', revision: '', status: 'skipped', duration_ms: 0, attempt: 0, source: 'junit' },
    ],
    ci_pipeline_runs: [
      { time: t(50), pipeline: 'shop-ci', run_id: 'r1', revision: 'c1', status: 'passed', duration_ms: 10_000, predicted_failure_probability: null, suite: '', risk_features: [], reason: '', source: 'otel' },
      { time: t(40), pipeline: 'shop-ci', run_id: 'r2', revision: 'c2', status: 'failed', duration_ms: 10_000, predicted_failure_probability: null, suite: '', risk_features: [], reason: '', source: 'otel' },
      { time: t(35), pipeline: 'shop-ci', run_id: 'r3', revision: 'c2', status: 'announced', duration_ms: null, predicted_failure_probability: 0.42, suite: 'shop', risk_features: [1, 0, 0, 0], reason: 'pipeline failed 50% of recent runs', source: 'api' },
    ],
    verdicts: [
      { id: 'dep-1:pass', deployment_id: 'dep-1', service: 'checkout', version: 'v1', baseline_version: 'v0', environment: 'prod', status: 'pass', mode: 'before_after', deployed_at: t(180), decided_at: t(150), summary: 'no regression', evidence: evidence('pass') },
      { id: 'dep-2:running', deployment_id: 'dep-2', service: 'checkout', version: 'v2', baseline_version: 'v1', environment: 'prod', status: 'running', mode: 'canary', deployed_at: t(10), decided_at: t(9), summary: '', evidence: '[]' },
      { id: 'dep-2:fail', deployment_id: 'dep-2', service: 'checkout', version: 'v2', baseline_version: 'v1', environment: 'prod', status: 'fail', mode: 'canary', deployed_at: t(10), decided_at: t(5), summary: 'error ratio regressed', evidence: evidence('fail') },
    ],
    log_templates: [
      ...[20, 15, 10, 5].map((m) => ({ window_start: t(m), window_end: t(m - 1), service: 'checkout', template_id: 'tpl-cart', template: 'GET /cart <*> ok', count: 120, severities: { INFO: 120 }, first_seen: t(300), is_new: false, new_since_deployment: '', version: 'v1' })),
      { window_start: t(8), window_end: t(7), service: 'checkout', template_id: 'tpl-pay', template: 'payment failed <*>', count: 7, severities: { ERROR: 7 }, first_seen: t(8), is_new: true, new_since_deployment: 'dep-2', version: 'v2' },
      { window_start: t(6), window_end: t(5), service: 'checkout', template_id: 'tpl-pay', template: 'payment failed <*>', count: 11, severities: { ERROR: 11 }, first_seen: t(8), is_new: false, new_since_deployment: 'dep-2', version: 'v2' },
      { window_start: t(12), window_end: t(11), service: 'search', template_id: 'tpl-q', template: 'query <*> took <*> ms', count: 40, severities: { WARN: 2, INFO: 38 }, first_seen: t(400), is_new: false, new_since_deployment: '', version: 'v7' },
    ],
    alerts: [
      { id: 'al-1', incident_id: 'inc-1', rule: 'anomaly', status: 'pending', severity: 'critical', service: 'checkout', labels: { metric: 'error_ratio' }, summary: 'error ratio 4x', starts_at: t(6), ends_at: null, updated_at: t(6), anomaly_ids: ['an-1'], verdict_id: '', notifications: '[]' },
      { id: 'al-1', incident_id: 'inc-1', rule: 'anomaly', status: 'firing', severity: 'critical', service: 'checkout', labels: { metric: 'error_ratio' }, summary: 'error ratio 4x', starts_at: t(6), ends_at: null, updated_at: t(5), anomaly_ids: ['an-1'], verdict_id: 'dep-2:fail', notifications: JSON.stringify([{ receiver: 'oncall', kind: 'webhook', status: 'sent', attempts: 1, atMs: t(5) }, { receiver: 'chat', kind: 'slack', status: 'failed', attempts: 3, atMs: t(4), error: 'HTTP 500' }]) },
      { id: 'al-2', incident_id: 'inc-2', rule: 'anomaly', status: 'firing', severity: 'warning', service: 'search', labels: {}, summary: 'traffic drop', starts_at: t(50), ends_at: null, updated_at: t(50), anomaly_ids: [], verdict_id: '', notifications: '[]' },
      { id: 'al-2', incident_id: 'inc-2', rule: 'anomaly', status: 'resolved', severity: 'warning', service: 'search', labels: {}, summary: 'traffic drop', starts_at: t(50), ends_at: t(40), updated_at: t(40), anomaly_ids: [], verdict_id: '', notifications: '[]' },
    ],
    rollbacks: [
      { id: 'rb-1', deployment_id: 'dep-2', service: 'checkout', version: 'v2', reason: 'verdict fail', verdict_id: 'dep-2:fail', alert_id: 'al-1', hook: 'webhook', dry_run: false, result: 'succeeded', detail: 'HTTP 200', at: t(4) },
    ],
    dead_letters: [
      { at: t(20), source_topic: 'otlp_spans', source_partition: 0, source_offset: '17', reason: 'protobuf decode error', payload: 'AAEC' },
      { at: t(10), source_topic: 'otlp_spans', source_partition: 1, source_offset: '99', reason: 'protobuf decode error', payload: 'AAED' },
      { at: t(2), source_topic: 'vigil_scores', source_partition: 0, source_offset: '5', reason: 'unknown schema', payload: 'e30=' },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
interface Result { meta: Array<{ name: string; type: string }>; data: Array<Record<string, unknown>> }

const base = (type: string) => type.replace(/^(?:Nullable|LowCardinality)\((.*)\)$/, '$1').replace(/^(?:Nullable|LowCardinality)\((.*)\)$/, '$1');
const isTime = (type: string) => /^DateTime(64)?\b/.test(base(type));
const isNumeric = (type: string) => /^(U?Int\d+|Float\d+|Decimal)/.test(base(type));
const isText = (type: string) => /^(String|FixedString|Enum)/.test(base(type));
const isComposite = (type: string) => /^(Array|Map|Tuple|Nested|JSON|Object|Variant|Dynamic)\b/.test(base(type));

describe('every dashboard query runs on chDB and returns what its panel expects', () => {
  let store: Store;
  let dir: string;
  // The range ends at the current minute, so the sample rows are younger than every table's TTL.
  const toMs = Math.floor(Date.now() / 60_000) * 60_000;
  const range: TimeRange = { fromMs: toMs - 6 * 3_600_000, toMs, intervalS: 60 };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-grafana-'));
    store = await createStore({ kind: 'chdb', chdb: { path: dir }, database: 'vigil', server: { url: '', username: '', password: '', database: '' } });
    await store.migrate();
    // One insert per row and no merges: ReplacingMergeTree collapses the rows of one key within
    // an insert (optimize_on_insert) and at merges, but a server holds unmerged parts for a while,
    // so the dashboards must pick the latest of several stored rows themselves.
    for (const table of ['deployments', 'alerts', 'verdicts', 'rollbacks', 'anomalies']) await store.command(`SYSTEM STOP MERGES vigil.${table}`);
    for (const [table, rows] of Object.entries(sampleRows(toMs - 60_000))) {
      if (table === 'scores') await store.insert(table, rows);
      else for (const row of rows) await store.insert(table, [row]);
    }
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(sql: string): Promise<Result> {
    const rs = await store.client.query({ query: sql, format: 'JSON' });
    return (await rs.json()) as unknown as Result;
  }

  /** Problems with one query's result, empty when it is what the panel needs. */
  function check(q: DashQuery, r: Result): string[] {
    const problems: string[] = [];
    const names = r.meta.map((m) => m.name);
    const type = (n: string) => r.meta.find((m) => m.name === n)?.type ?? '';
    const expected = EXPECTED_COLUMNS[q.key];
    if (!expected) problems.push(`no EXPECTED_COLUMNS entry; it returns ${JSON.stringify(names)}`);
    else if (JSON.stringify(names) !== JSON.stringify(expected)) problems.push(`columns ${JSON.stringify(names)}, expected ${JSON.stringify(expected)}`);
    if (r.data.length === 0) problems.push('no rows from the sample data');
    for (const m of r.meta) if (isComposite(m.type)) problems.push(`column ${m.name} is ${m.type}: panels get scalar columns`);
    switch (q.kind) {
      case 'variable':
        if (names.length !== 1 || !isText(type(names[0]))) problems.push('a variable query returns one text column');
        break;
      case 'annotation':
        // Grafana maps the frame's fields by name: time (required), timeEnd, text, title, tags.
        if (!isTime(type('time'))) problems.push('annotation needs a DateTime column named time');
        if (!isText(type('text'))) problems.push('annotation needs a text column named text');
        if (names.includes('timeEnd') && !isTime(type('timeEnd'))) problems.push('timeEnd must be a DateTime');
        if (names.includes('tags') && !isText(type('tags'))) problems.push('tags must be a comma-separated string');
        break;
      case 'timeseries': {
        // The plugin turns a "long" frame (time, text labels..., numbers...) into one series per
        // label set (sqlutil LongToWide), which needs the rows sorted by time, ascending.
        if (names[0] !== 'time' || !isTime(type('time'))) problems.push('the first column must be a DateTime named time');
        const rest = r.meta.slice(1);
        if (!rest.some((m) => isNumeric(m.type))) problems.push('no numeric column');
        for (const m of rest) if (!isNumeric(m.type) && !isText(m.type)) problems.push(`column ${m.name} (${m.type}) is neither a number nor a label`);
        const times = r.data.map((row) => String(row.time));
        if (times.some((t, i) => i > 0 && t < times[i - 1])) problems.push('rows are not sorted by time ascending');
        const labels = rest.filter((m) => isText(m.type)).map((m) => m.name);
        const displayName = q.panel?.fieldConfig?.defaults?.displayName;
        if (labels.length === 1 && displayName !== `\${__field.labels.${labels[0]}}`) {
          problems.push(`long-format panel: set fieldConfig.defaults.displayName to \${__field.labels.${labels[0]}}`);
        }
        if (labels.length > 1) problems.push(`more than one label column (${labels.join(', ')})`);
        break;
      }
      case 'table':
        if ((q.panel?.type === 'stat' || q.panel?.type === 'bargauge') && !r.meta.some((m) => isNumeric(m.type))) problems.push('no numeric column');
        break;
    }
    // Field overrides must name a field the query returns (label values cannot be checked here).
    const long = q.kind === 'timeseries' && r.meta.slice(1).some((m) => isText(m.type));
    if (q.panel && !long) {
      const fields = new Set(queriesOfPanelColumns.get(q.panel) ?? names);
      for (const o of q.panel.fieldConfig?.overrides ?? []) {
        if (o.matcher.id === 'byName' && !fields.has(String(o.matcher.options))) problems.push(`override for field ${String(o.matcher.options)}, which no query returns`);
      }
    }
    return problems;
  }

  // Columns returned by all targets of a panel (a panel's overrides may name any of them).
  const queriesOfPanelColumns = new Map<Panel, string[]>();

  test('every query of every dashboard', async () => {
    const dashboards = loadDashboards();
    const problems: string[] = [];
    const seen = new Set<string>();
    let ran = 0;
    for (const { dashboard } of dashboards) {
      const values = new Map<string, string[]>();
      const multi = new Map<string, boolean>();
      const results: Array<[DashQuery, Result]> = [];
      for (const q of queriesOf(dashboard)) {
        seen.add(q.key);
        const where = `${dashboard.title} / ${q.key.slice(dashboard.uid.length + 3)}`;
        let result: Result;
        try {
          result = await run(expandMacros(interpolate(q.rawSql, values, multi), range));
          ran++;
        } catch (err) {
          problems.push(`${where}: ${(err as Error).message.split('\n')[0].slice(0, 400)}`);
          continue;
        }
        if (q.variable) {
          // Grafana's default selection: every value for a multi-value "All" variable, else the first.
          const options = result.data.map((row) => String(Object.values(row)[0]));
          values.set(q.variable.name, options);
          multi.set(q.variable.name, Boolean(q.variable.multi));
        }
        if (q.panel) queriesOfPanelColumns.set(q.panel, [...(queriesOfPanelColumns.get(q.panel) ?? []), ...result.meta.map((m) => m.name)]);
        results.push([q, result]);
      }
      for (const [q, result] of results) {
        for (const p of check(q, result)) problems.push(`${dashboard.title} / ${q.key.slice(dashboard.uid.length + 3)}: ${p}`);
      }
    }
    for (const key of Object.keys(EXPECTED_COLUMNS)) if (!seen.has(key)) problems.push(`EXPECTED_COLUMNS has ${key}, which no dashboard has`);
    expect(problems).toEqual([]);
    expect(ran).toBe(seen.size);
  });

  test('the latest state wins: deployment verdicts, alert status, new templates', async () => {
    // Spot checks of values, computed by hand from sampleRows().
    const dashboards = new Map(loadDashboards().map(({ dashboard }) => [dashboard.uid, dashboard]));
    const values = new Map([['service', ['checkout', 'search']]]);
    const multi = new Map([['service', true]]);
    const panelSql = (uid: string, title: string) => {
      const p = allPanels(dashboards.get(uid)?.panels ?? []).find((x) => x.title === title);
      return expandMacros(interpolate(p?.targets?.[0]?.rawSql ?? '', values, multi), range);
    };
    const deployments = (await run(panelSql('vigil-deployments', 'Deployments'))).data;
    expect(deployments.map((d) => [d.id, d.status, d.mode, d.verdict])).toEqual([
      ['dep-2', 'fail', 'canary', 'error ratio regressed on POST /pay'],
      ['dep-3', 'deployed', '', ''],
      ['dep-1', 'pass', 'before_after', 'no regression'],
    ]);
    const stored = await store.query<{ c: string }>('SELECT count() AS c FROM vigil.deployments');
    expect(Number(stored[0].c)).toBe(6); // several rows per deployment really are stored
    const byVerdict = (await run(panelSql('vigil-deployments', 'Deployments by verdict'))).data;
    expect(Object.fromEntries(byVerdict.map((r) => [r.status, Number(r.deployments)]))).toEqual({ fail: 1, pass: 1, deployed: 1 });
    const alerts = (await run(panelSql('vigil-alerts', 'Alerts'))).data;
    const storedAlerts = await store.query<{ c: string }>('SELECT count() AS c FROM vigil.alerts');
    expect(Number(storedAlerts[0].c)).toBe(4);
    expect(alerts.map((a) => [a.id, a.status, a.ends_at === null])).toEqual([
      ['al-1', 'firing', true],
      ['al-2', 'resolved', false],
    ]);
    expect((await run(panelSql('vigil-alerts', 'Firing now'))).data.map((r) => Number(r.firing))).toEqual([1]);
    const fresh = (await run(panelSql('vigil-log-templates', 'New since a deployment'))).data;
    expect(fresh.map((r) => [r.template_id, Number(r.occurrences), Number(r.errors), r.deployed_version, r.verdict])).toEqual([
      ['tpl-pay', 18, 18, 'v2', 'fail'],
    ]);
    const evidence = (await run(panelSql('vigil-deployments', 'Verdict evidence'))).data;
    // dep-2 fail (2 checks) and dep-1 pass (2 checks); the running verdict has no evidence.
    expect(evidence.length).toBe(4);
    expect(evidence.filter((e) => e.check_name === 'error_ratio').map((e) => [e.deployment_id, e.decided, e.effect])).toEqual([
      ['dep-2', 'fail', 4],
      ['dep-1', 'pass', 4],
    ]);
  });
});
