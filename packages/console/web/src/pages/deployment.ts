// Deployment: the verdict and why. Baseline against candidate per operation over time, the
// sequential test's statistic against its decision boundary, new log templates, CI quality of
// the commit, the gate answer, the rollback audit.
import { alerter, api, enc } from '../api.js';
import { chart } from '../chart.js';
import type { ChartLine } from '../chart.js';
import { badge, fmtDuration, fmtNum, fmtPct, fmtTime, h, link, section, table } from '../dom.js';
import type { Page, Route } from '../route.js';
import { COLORS, routeHref } from '../route.js';

interface Evidence { check: string; operation?: string; baseline: number; candidate: number; effect: number; statistic: number; bound: number; decided: string; detail?: string }
interface Verdict { id: string; status: string; mode: string; baselineVersion: string; decidedAtMs: number; summary: string; evidence: Evidence[] | string }
interface Point { t: number; version: string; value: number; expected: number; lower: number; upper: number; score: number }
interface EvidenceData {
  deployment: {
    id: string; service: string; version: string; environment: string; commit: string; previousVersion: string; source: string;
    deployedAtMs: number; decidedAtMs: number | null; status: string; mode: string; verdict: string; policy: string; policyReason: string | null;
    ci: { quality: string; tests: number; failed: number; flaky: number; skipped: number; buildRisk: number | null; reasons: string[] } | null;
  };
  window: { fromMs: number; toMs: number };
  verdicts: Verdict[];
  series: Array<{ operation: string; metric: string; points: Point[] }>;
  templates: Array<{ templateId: string; template: string; count: number; firstSeenMs: number; severities: Record<string, number>; version: string }>;
  rollbacks: Array<{ id: string; version: string; reason: string; hook: string; dryRun: boolean; result: string; detail: string; atMs: number }>;
}
interface Gate { status: string; pass: boolean; fail: boolean; decided: boolean; policy: string | null; summary: string; firingAlerts: number; rollback: { result: string | null; dryRun: boolean; detail: string | null } | null }
interface Data { ev: EvidenceData; gate: Gate | null; gateError: string | null }

export const deploymentPage: Page<Data> = {
  title: (d) => `${d.ev.deployment.service} ${d.ev.deployment.version}`,
  async load(route) {
    const ev = await api<EvidenceData>(`/v1/deployments/${enc(route.arg)}/evidence`);
    const d = ev.deployment;
    let gate: Gate | null = null;
    let gateError: string | null = null;
    try {
      gate = await alerter<Gate>(`/v1/deployments/${enc(d.service)}/${enc(d.version)}/verdict`);
    } catch (err) {
      gateError = (err as Error).message;
    }
    return { ev, gate, gateError };
  },
  view(data, route) {
    const { ev } = data;
    const d = ev.deployment;
    const final = ev.verdicts.filter((v) => v.status !== 'running').at(-1) ?? ev.verdicts.at(-1);
    const evidence = final && Array.isArray(final.evidence) ? final.evidence : [];
    return h('div', { class: 'deployment' },
      h('p', { class: 'crumbs' }, link(routeHref({ page: 'overview', arg: '', range: route.range, params: {} }), 'Overview'), ' / deployment'),
      h('h1', {}, `${d.service} ${d.version} `, badge(d.status), d.policy === 'strict' ? h('span', { class: 'badge b-strict' }, 'strict policy') : ''),
      h('p', { class: 'verdict-summary' }, d.verdict || final?.summary || 'No verdict yet.'),
      h('dl', { class: 'facts' },
        fact('deployed', fmtTime(d.deployedAtMs)),
        fact('decided', d.decidedAtMs ? `${fmtTime(d.decidedAtMs)} (${fmtDuration(d.decidedAtMs - d.deployedAtMs)} after the deploy)` : '—'),
        fact('baseline', final?.baselineVersion || d.previousVersion || '—'),
        fact('mode', final?.mode || d.mode || '—'),
        fact('environment', d.environment || '—'),
        fact('commit', d.commit ? d.commit.slice(0, 12) : '—'),
        d.policy === 'strict' ? fact('why strict', d.policyReason ?? '—') : null),
      sprtSection(ev, evidence),
      evidenceTable(evidence),
      seriesSection(ev),
      templatesSection(ev),
      h('div', { class: 'two-col' }, ciSection(ev), gateSection(data)),
      rollbackSection(ev),
      section('Links',
        h('ul', {},
          h('li', {}, link(routeHref({ page: 'anomalies', arg: '', range: route.range, params: { service: d.service } }), `Anomalies of ${d.service}`)),
          h('li', {}, link(routeHref({ page: 'templates', arg: '', range: route.range, params: { service: d.service } }), `Log templates of ${d.service}`)),
          h('li', {}, link(routeHref({ page: 'alerts', arg: '', range: route.range, params: {} }), 'Alerts and incidents')),
          h('li', {}, link(`/v1/deployments/${enc(d.id)}/evidence`, 'This evidence as JSON (needs the token)')))),
    );
  },
};

const fact = (k: string, v: string) => [h('dt', {}, k), h('dd', {}, v)];

/**
 * The sequential test per check: its statistic at each recorded verdict (the start, the
 * decision) against the decision boundary, and the moment it crossed.
 */
function sprtSection(ev: EvidenceData, evidence: Evidence[]): HTMLElement {
  const d = ev.deployment;
  const decided = evidence.filter((e) => e.decided === 'fail' || e.decided === 'pass');
  const shown = (decided.length ? decided : evidence).slice(0, 4);
  const charts = shown.map((e) => {
    const pts: Array<[number, number]> = [[d.deployedAtMs, 0]];
    for (const v of ev.verdicts) {
      const x = Array.isArray(v.evidence) ? v.evidence.find((y) => y.check === e.check) : undefined;
      if (x && Number.isFinite(x.statistic)) pts.push([v.decidedAtMs, x.statistic]);
    }
    pts.sort((a, b) => a[0] - b[0]);
    const crossing = pts.find(([, y]) => y >= e.bound);
    return chart({
      title: `${e.check}: sequential test statistic (log-likelihood ratio)`,
      description: `Statistic ${fmtNum(e.statistic)} against the decision boundary ${fmtNum(e.bound)}; ${crossing ? `crossed at ${fmtTime(crossing[0])}` : 'not crossed'}.`,
      lines: [{ name: 'statistic at each recorded verdict', points: pts, color: COLORS.running, dots: true }],
      hlines: [{ y: e.bound, label: `decision boundary ${fmtNum(e.bound)}`, color: COLORS.fail }],
      markers: [{ t: d.deployedAtMs, label: 'deploy', color: COLORS.baseline }],
      dots: crossing ? [{ t: crossing[0], y: crossing[1], label: `crossed ${fmtTime(crossing[0]).slice(11)}`, color: COLORS.fail }] : [],
      height: 170,
    });
  });
  return section('Sequential test', charts.length ? h('div', { class: 'grid-charts', 'data-testid': 'sprt' }, charts) : h('p', { class: 'empty' }, 'No verdict evidence yet.'));
}

function evidenceTable(evidence: Evidence[]): HTMLElement {
  const rows = evidence.map((e) => [
    e.check, e.operation ?? 'all', e.check === 'error_ratio' ? fmtPct(e.baseline) : fmtNum(e.baseline), e.check === 'error_ratio' ? fmtPct(e.candidate) : fmtNum(e.candidate),
    `×${fmtNum(e.effect)}`, fmtNum(e.statistic), fmtNum(e.bound), badge(e.decided), e.detail ?? '',
  ]);
  return section('Evidence', table(['check', 'operation', 'baseline', 'candidate', 'effect', 'statistic', 'boundary', 'decided', 'detail'], rows, 'Evidence of the decision'));
}

function seriesSection(ev: EvidenceData): HTMLElement {
  const d = ev.deployment;
  const markers = [{ t: d.deployedAtMs, label: 'deploy', color: COLORS.baseline }];
  if (d.decidedAtMs) markers.push({ t: d.decidedAtMs, label: `verdict: ${d.status}`, color: (COLORS as Record<string, string>)[d.status] ?? COLORS.baseline });
  for (const r of ev.rollbacks) markers.push({ t: r.atMs, label: `rollback ${r.result}`, color: COLORS.rollback });
  const ops = [...new Set(ev.series.map((x) => x.operation))].sort();
  // Around the deploy: up to 5 min of baseline before it, and after the last decision or rollback up to now.
  const ts = ev.series.flatMap((x) => x.points.map((p) => p.t));
  const end = Math.max(d.decidedAtMs ?? d.deployedAtMs, ...ev.rollbacks.map((r) => r.atMs));
  const xRange: [number, number] = [
    Math.max(ev.window.fromMs, d.deployedAtMs - 5 * 60_000, Math.min(d.deployedAtMs, ...ts)),
    Math.min(ev.window.toMs, Math.max(end + 20_000, ...ts)),
  ];
  // A window is the candidate's when it carries the deployed version, or, for series scored
  // without a version (the RED series), when it starts after the deploy.
  const isCandidate = (p: Point) => (p.version ? p.version === d.version : p.t >= d.deployedAtMs);
  const byVersion = (pts: Point[], candidate: boolean): Array<[number, number]> =>
    pts.filter((p) => isCandidate(p) === candidate).map((p) => [p.t, p.value]);
  const blocks = ops.slice(0, 8).map((op) => {
    const err = ev.series.find((x) => x.operation === op && x.metric === 'error_ratio');
    const lat = ev.series.filter((x) => x.operation === op && x.metric.startsWith('latency_'));
    const charts: HTMLElement[] = [];
    if (err) {
      charts.push(chart({
        title: `${op}: error rate`, description: `Error rate per window of ${d.version} (candidate) and the versions before it (baseline).`,
        lines: [
          { name: `baseline ${d.previousVersion || '(before the deploy)'}`, points: byVersion(err.points, false), color: COLORS.baseline },
          { name: `candidate ${d.version} (after the deploy)`, points: byVersion(err.points, true), color: COLORS.candidate },
        ],
        bands: [{ name: 'expected range', points: err.points.map((p) => [p.t, p.lower, p.upper]), color: COLORS.band }],
        markers, yFormat: (y) => fmtPct(y), xRange, height: 190,
      }));
    }
    if (lat.length) {
      const lines: ChartLine[] = [];
      for (const m of lat.sort((a, b) => a.metric.localeCompare(b.metric))) {
        const q = m.metric.replace('latency_', '');
        lines.push({ name: `${q} baseline`, points: byVersion(m.points, false), color: COLORS.baseline, dash: q !== 'p99' });
        lines.push({ name: `${q} ${d.version}`, points: byVersion(m.points, true), color: COLORS.candidate, dash: q !== 'p99' });
      }
      charts.push(chart({
        title: `${op}: latency quantiles (ms)`, description: `Latency quantiles per window, baseline against ${d.version}; dashed: p50/p95, solid: p99.`,
        lines, markers, xRange, height: 190,
      }));
    }
    return h('div', { class: 'op' }, h('h3', {}, op || '(service)'), h('div', { class: 'grid-charts' }, charts));
  });
  return section('Baseline against candidate, per operation',
    blocks.length ? h('div', { 'data-testid': 'series' }, blocks) : h('p', { class: 'empty' }, 'No scored windows around this deployment.'));
}

function templatesSection(ev: EvidenceData): HTMLElement {
  const rows = ev.templates.map((t) => [
    h('code', {}, t.template), String(t.count), fmtTime(t.firstSeenMs),
    Object.entries(t.severities ?? {}).map(([k, v]) => `${k} ${v}`).join(', ') || '—',
  ]);
  return section('New log templates since the deploy',
    h('p', { class: 'note' }, 'Each template is the example line with its variable parts as <*>.'),
    table(['template (example line)', 'count', 'first seen', 'severities'], rows, 'New log templates'));
}

function ciSection(ev: EvidenceData): HTMLElement {
  const ci = ev.deployment.ci;
  if (!ci) return section('CI quality of the commit', h('p', { class: 'empty' }, 'No CI results known for this commit.'));
  return section('CI quality of the commit',
    h('p', {}, badge(ci.quality)),
    h('dl', { class: 'facts' },
      fact('tests', String(ci.tests)), fact('failed', String(ci.failed)), fact('flaky', String(ci.flaky)), fact('skipped', String(ci.skipped)),
      fact('build risk', ci.buildRisk === null ? '—' : fmtPct(ci.buildRisk))),
    ci.reasons?.length ? h('ul', {}, ci.reasons.map((r) => h('li', {}, r))) : null);
}

function gateSection(data: Data): HTMLElement {
  const g = data.gate;
  if (!g) return section('Gate answer', h('p', { class: 'empty' }, `The alerter's gate did not answer: ${data.gateError ?? 'unknown'}.`));
  return section('Gate answer',
    h('p', {}, badge(g.status), ` pass=${g.pass} fail=${g.fail} decided=${g.decided}`),
    h('p', {}, g.summary),
    h('dl', { class: 'facts' }, fact('policy', g.policy ?? '—'), fact('firing alerts', String(g.firingAlerts)),
      fact('rollback', g.rollback ? `${g.rollback.result ?? 'pending'}${g.rollback.dryRun ? ' (dry run)' : ''}` : 'none')));
}

function rollbackSection(ev: EvidenceData): HTMLElement {
  const rows = ev.rollbacks.map((r) => [fmtTime(r.atMs), r.hook, badge(r.result), r.dryRun ? 'yes' : 'no', r.reason, r.detail]);
  return section('Rollback audit', h('div', { 'data-testid': 'rollbacks' }, table(['at', 'hook', 'result', 'dry run', 'reason', 'detail'], rows, 'Rollbacks')));
}

export type { Route };
