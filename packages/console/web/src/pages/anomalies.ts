// Anomalies: filter by service, signal, severity and time; one anomaly with its series around it
// (value, expected, band), the components that fired, the summary sentence, and feedback.
import { alerter, api, enc } from '../api.js';
import { chart } from '../chart.js';
import { badge, fmtNum, fmtTime, h, link, section, table } from '../dom.js';
import type { Page, Route } from '../route.js';
import { COLORS, routeHref } from '../route.js';

interface Anomaly {
  id: string; windowStartMs: number | string; service: string; signal: string; metric: string; operation: string; version: string; seriesKey: string;
  value: number; expected: number; lower: number; upper: number; score: number; threshold: number; components: string[]; severity: string;
  deploymentId: string; summary: string;
}
interface Detail { anomaly: Anomaly; series: Array<{ t: number; value: number; expected: number; lower: number; upper: number; score: number }> }
interface Feedback { id: string; anomalyId: string; verdict: string; scope: string; seriesKey: string; status: string; createdAtMs: number; by?: string }
interface Data { list: Anomaly[]; detail: Detail | null; feedback: Feedback[] | null }

/** The last feedback answer, kept across live redraws of the same anomaly. */
const lastStatus = { id: '', text: '' };

const SEVERITIES = ['', 'info', 'warning', 'critical'];
const SIGNALS = ['', 'traces', 'metrics', 'logs'];

export const anomaliesPage: Page<Data> = {
  title: (d) => (d.detail ? `Anomaly ${d.detail.anomaly.service} ${d.detail.anomaly.metric}` : 'Anomalies'),
  async load(route) {
    const p = route.params;
    const q = new URLSearchParams({ since: route.range, limit: '500' });
    if (p.service) q.set('service', p.service);
    const [all, detail, feedback] = await Promise.all([
      api<Anomaly[]>(`/v1/anomalies?${q}`),
      route.arg ? api<Detail>(`/v1/anomalies/${enc(route.arg)}`) : Promise.resolve(null),
      alerter<Feedback[]>('/v1/feedback').catch(() => null),
    ]);
    const list = all.filter((a) => (!p.signal || a.signal === p.signal) && (!p.severity || a.severity === p.severity));
    return { list, detail, feedback };
  },
  view(data, route, refresh) {
    return h('div', {},
      h('h1', {}, 'Anomalies'),
      filters(route),
      data.detail ? detailView(data, route, refresh) : null,
      listView(data, route),
    );
  },
};

function filters(route: Route): HTMLElement {
  const p = route.params;
  const service = h('input', { id: 'f-service', name: 'service', value: p.service ?? '', placeholder: 'any' });
  const signal = h('select', { id: 'f-signal', name: 'signal' }, SIGNALS.map((x) => h('option', { value: x, selected: (p.signal ?? '') === x }, x || 'any')));
  const severity = h('select', { id: 'f-severity', name: 'severity' }, SEVERITIES.map((x) => h('option', { value: x, selected: (p.severity ?? '') === x }, x || 'any')));
  const form = h('form', { class: 'filters', 'aria-label': 'Filter anomalies' },
    h('label', { for: 'f-service' }, 'service'), service,
    h('label', { for: 'f-signal' }, 'signal'), signal,
    h('label', { for: 'f-severity' }, 'severity'), severity,
    h('button', { type: 'submit' }, 'Apply'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = routeHref({ page: 'anomalies', arg: '', range: route.range, params: { service: service.value.trim(), signal: signal.value, severity: severity.value } });
  });
  return form;
}

function listView(data: Data, route: Route): HTMLElement {
  const rows = data.list.slice(0, 200).map((a) => [
    fmtTime(Number(a.windowStartMs)), a.service, a.signal, `${a.operation ? `${a.operation} ` : ''}${a.metric}`, badge(a.severity),
    fmtNum(a.score), link(routeHref({ page: 'anomalies', arg: a.id, range: route.range, params: route.params }), a.summary || 'open', { class: 'anomaly-link' }),
  ]);
  return section(`Anomalies in the last ${route.range}`, h('p', { class: 'note' }, `${data.list.length} found${data.list.length > 200 ? ', the latest 200 shown' : ''}.`),
    table(['window', 'service', 'signal', 'series', 'severity', 'score', 'summary'], rows, 'Anomalies'));
}

function detailView(data: Data, route: Route, refresh: () => void): HTMLElement {
  const { anomaly: a, series } = data.detail as Detail;
  const t = Number(a.windowStartMs);
  const mine = (data.feedback ?? []).filter((f) => f.anomalyId === a.id || f.seriesKey === a.seriesKey);
  const status = h('p', { id: 'feedback-status', role: 'status', class: 'note' }, lastStatus.id === a.id ? lastStatus.text : '');
  const say = (text: string) => {
    status.textContent = text;
    Object.assign(lastStatus, { id: a.id, text });
  };
  const send = async (verdict: 'not_anomaly' | 'real') => {
    say('Sending…');
    try {
      const r = await alerter<{ feedbackId: string; effect: { score: number; suppressedBy?: string; requiredScore?: number } }>(`/v1/anomalies/${enc(a.id)}/feedback`, {
        method: 'POST',
        body: { verdict, scope: 'series', seriesKey: a.seriesKey, service: a.service, operation: a.operation || undefined, metric: a.metric, score: Math.min(1, Math.max(0, a.score)), threshold: a.threshold, direction: a.value >= a.expected ? 'up' : 'down' },
      });
      const e = r.effect;
      say(`Feedback recorded (${r.feedbackId.slice(0, 8)}): ${verdict === 'not_anomaly' ? 'not an anomaly' : 'confirmed'}. Effect: this score now counts as ${fmtNum(e.score)}${e.requiredScore !== undefined ? `; a score must exceed ${fmtNum(e.requiredScore)} to alert on this series` : ''}${e.suppressedBy ? '; it would no longer alert' : ''}.`);
      window.setTimeout(refresh, 200);
    } catch (err) {
      say(`Feedback failed: ${(err as Error).message}`);
    }
  };
  // A new log template's anomaly is its first error line after the deploy (value 1); its series is
  // the template's lines per window, so the mark sits on the window that holds that first line.
  const template = a.metric === 'new_log_template';
  const holding = template ? ([...series].reverse().find((p) => p.t <= t) ?? series[0]) : undefined;
  return section(`Anomaly: ${a.service} ${a.operation ? `${a.operation} ` : ''}${a.metric}`,
    h('p', { class: 'verdict-summary' }, a.summary),
    h('dl', { class: 'facts' }, [
      ['window', fmtTime(t)], template ? ['lines', holding ? `${fmtNum(holding.value)} in the window of its first line` : 'its first line'] : ['value', fmtNum(a.value)], ['expected', `${fmtNum(a.expected)} (${fmtNum(a.lower)} – ${fmtNum(a.upper)})`],
      ['score', `${fmtNum(a.score)} (threshold ${fmtNum(a.threshold)})`], ['severity', a.severity], ['version', a.version || '—'],
    ].map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    h('p', {}, 'Components that fired: ', a.components.length ? a.components.map((c) => h('span', { class: 'badge b-component' }, c)) : 'none'),
    a.deploymentId ? h('p', {}, 'During deployment ', link(routeHref({ page: 'deployment', arg: a.deploymentId, range: route.range, params: {} }), a.deploymentId)) : null,
    chart(template ? {
      title: 'lines of the new template per window', description: 'Lines of this template in each window (expected: none, it is new); its first error line after the deploy is marked.',
      lines: [
        { name: 'lines per window', points: series.map((p) => [p.t, p.value]), color: COLORS.value },
        { name: 'expected (none)', points: series.map((p) => [p.t, p.expected]), color: COLORS.expected, dash: true },
      ],
      bands: [{ name: 'expected band', points: series.map((p) => [p.t, p.lower, p.upper]), color: COLORS.band }],
      markers: [{ t, label: 'first line', color: COLORS.fail }],
      dots: holding ? [{ t: holding.t, y: holding.value, label: `${fmtNum(holding.value)} lines`, color: COLORS.fail }] : [],
    } : {
      title: `${a.metric} around the anomaly`, description: `Value against the expected value and its band; the anomaly's window is marked.`,
      lines: [
        { name: 'value', points: series.map((p) => [p.t, p.value]), color: COLORS.value },
        { name: 'expected', points: series.map((p) => [p.t, p.expected]), color: COLORS.expected, dash: true },
      ],
      bands: [{ name: 'expected band', points: series.map((p) => [p.t, p.lower, p.upper]), color: COLORS.band }],
      markers: [{ t, label: 'anomaly', color: COLORS.fail }],
      dots: [{ t, y: a.value, label: fmtNum(a.value), color: COLORS.fail }],
    }),
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'fb-not', onclick: () => void send('not_anomaly') }, 'Not an anomaly'),
      h('button', { type: 'button', id: 'fb-real', onclick: () => void send('real') }, 'Confirmed')),
    status,
    data.feedback === null
      ? h('p', { class: 'note' }, 'The alerter API is not reachable: feedback cannot be shown.')
      : table(['given', 'verdict', 'scope', 'series', 'status', 'by'], mine.map((f) => [fmtTime(f.createdAtMs), f.verdict, f.scope, f.seriesKey, f.status, f.by ?? '—']), 'Feedback on this series'),
  );
}
