// Alerts and incidents: the lifecycle with notification deliveries per receiver, silences
// (create, expire), similar past incidents with their resolutions, record a resolution.
import { alerter, enc } from '../api.js';
import { badge, fmtTime, h, link, section, table } from '../dom.js';
import type { Page, Route } from '../route.js';
import { RANGE_MS, routeHref } from '../route.js';

interface Notification { receiver: string; kind: string; status: string; attempts: number; atMs: number; error?: string }
interface Alert {
  id: string; incidentId: string; rule: string; status: string; severity: string; service: string; summary: string; startsAtMs: number; endsAtMs?: number;
  updatedAtMs: number; notifications: Notification[]; labels: Record<string, string>;
}
interface AlertDetail extends Alert { receivers: Record<string, { open?: boolean; [k: string]: unknown }>; deployment: unknown; flapping: boolean }
interface Silence { id: string; matchers: Array<{ name: string; value: string; isRegex?: boolean; isEqual?: boolean }>; startsAt: string; endsAt: string; createdBy?: string; comment?: string; status?: string }
interface Similar { similar?: Array<{ incidentId: string; title: string; score: number; why: string[]; startedAtMs: number; resolution?: { fixedBy?: string; note?: string } }> }
interface Data { alerts: Alert[]; silences: Silence[]; detail: AlertDetail | null; similar: Similar | null; now: number }

const silenceStatus = { id: '', text: '' };
const resolutionStatus = { id: '', text: '' };

export const alertsPage: Page<Data> = {
  title: (d) => (d.detail ? `Alert ${d.detail.rule}` : 'Alerts and incidents'),
  async load(route) {
    const [alerts, silences, detail, similar] = await Promise.all([
      alerter<Alert[]>('/v1/alerts'),
      alerter<Silence[]>('/v1/silences'),
      route.arg ? alerter<AlertDetail>(`/v1/alerts/${enc(route.arg)}`) : Promise.resolve(null),
      route.arg ? alerter<Similar>(`/v1/alerts/${enc(route.arg)}/similar`).catch(() => null) : Promise.resolve(null),
    ]);
    const since = Date.now() - RANGE_MS[route.range];
    return { alerts: alerts.filter((a) => a.status === 'firing' || a.updatedAtMs >= since).sort((a, b) => b.updatedAtMs - a.updatedAtMs), silences, detail, similar, now: Date.now() };
  },
  view(data, route, refresh) {
    return h('div', {},
      h('h1', {}, 'Alerts and incidents'),
      data.detail ? detailView(data, route, refresh) : null,
      listView(data, route),
      silencesView(data, refresh),
    );
  },
};

function listView(data: Data, route: Route): HTMLElement {
  const rows = data.alerts.map((a) => [
    badge(a.status), badge(a.severity), a.service, a.rule,
    link(routeHref({ page: 'alerts', arg: a.id, range: route.range, params: {} }), a.summary || a.id),
    fmtTime(a.startsAtMs), a.notifications.map((n) => `${n.receiver}: ${n.status}`).join(', ') || '—',
  ]);
  return section('Alerts', table(['status', 'severity', 'service', 'rule', 'summary', 'started', 'deliveries'], rows, 'Alerts'));
}

function detailView(data: Data, route: Route, refresh: () => void): HTMLElement {
  const a = data.detail as AlertDetail;
  const lifecycle = [
    ['started', fmtTime(a.startsAtMs)], ['last change', fmtTime(a.updatedAtMs)], ['ended', a.endsAtMs ? fmtTime(a.endsAtMs) : '—'],
    ['incident', a.incidentId], ['flapping', a.flapping ? 'yes' : 'no'],
  ];
  const deliveries = a.notifications.map((n) => [n.receiver, n.kind, badge(n.status), String(n.attempts), fmtTime(n.atMs), n.error ?? '']);
  const matches = data.similar?.similar ?? [];
  const fixedBy = h('input', { id: 'res-fixed', name: 'fixedBy', required: true });
  const note = h('textarea', { id: 'res-note', name: 'note', rows: 2 });
  const helped = h('input', { id: 'res-helped', name: 'rollbackHelped', type: 'checkbox' });
  const out = h('p', { role: 'status', class: 'note', id: 'res-status' }, resolutionStatus.id === a.id ? resolutionStatus.text : '');
  const say = (text: string) => { out.textContent = text; Object.assign(resolutionStatus, { id: a.id, text }); };
  const form = h('form', { class: 'stack', 'aria-label': 'Record a resolution' },
    h('label', { for: 'res-fixed' }, 'Fixed by (what resolved it)'), fixedBy,
    h('label', { for: 'res-note' }, 'Note'), note,
    h('label', { class: 'inline' }, helped, ' the rollback helped'),
    h('button', { type: 'submit' }, 'Record resolution'), out);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    say('Saving…');
    alerter(`/v1/alerts/${enc(a.id)}/resolution`, { method: 'POST', body: { fixedBy: fixedBy.value, note: note.value || undefined, rollbackHelped: helped.checked } })
      .then(() => { say('Resolution recorded.'); refresh(); })
      .catch((err: Error) => say(`Failed: ${err.message}`));
  });
  return section(`Alert: ${a.summary}`,
    h('p', {}, badge(a.status), ' ', badge(a.severity), ` ${a.service} · rule ${a.rule}`),
    h('dl', { class: 'facts' }, lifecycle.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    h('h3', {}, 'Deliveries per receiver'),
    table(['receiver', 'kind', 'status', 'attempts', 'at', 'error'], deliveries, 'Deliveries'),
    h('h3', {}, 'Similar past incidents'),
    table(['incident', 'started', 'similarity', 'why', 'resolution'], matches.map((m) => [
      m.title || m.incidentId, fmtTime(m.startedAtMs), m.score.toFixed(2), m.why.join('; '), m.resolution?.fixedBy ?? m.resolution?.note ?? '—',
    ]), 'Similar past incidents'),
    h('h3', {}, 'Record a resolution'), form,
    h('p', {}, link(routeHref({ page: 'alerts', arg: '', range: route.range, params: {} }), 'Back to all alerts')));
}

function silencesView(data: Data, refresh: () => void): HTMLElement {
  const name = h('input', { id: 'sil-name', name: 'name', value: 'service', required: true });
  const value = h('input', { id: 'sil-value', name: 'value', required: true });
  const minutes = h('input', { id: 'sil-minutes', name: 'minutes', type: 'number', min: '1', value: '60', required: true });
  const comment = h('input', { id: 'sil-comment', name: 'comment' });
  const out = h('p', { role: 'status', class: 'note', id: 'sil-status' }, silenceStatus.text);
  const say = (text: string) => { out.textContent = text; silenceStatus.text = text; };
  const form = h('form', { class: 'filters', 'aria-label': 'Create a silence' },
    h('label', { for: 'sil-name' }, 'label'), name, h('label', { for: 'sil-value' }, 'equals'), value,
    h('label', { for: 'sil-minutes' }, 'minutes'), minutes, h('label', { for: 'sil-comment' }, 'comment'), comment,
    h('button', { type: 'submit' }, 'Create silence'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    alerter<{ silenceId: string }>('/v1/silences', {
      method: 'POST',
      body: { matchers: [{ name: name.value.trim(), value: value.value.trim() }], durationMs: Number(minutes.value) * 60_000, comment: comment.value || undefined, createdBy: 'console' },
    }).then((r) => { say(`Silence ${r.silenceId.slice(0, 8)} created.`); refresh(); })
      .catch((err: Error) => say(`Failed: ${err.message}`));
  });
  const rows = data.silences.map((x) => {
    const active = Date.parse(x.endsAt) > data.now;
    return [
      x.matchers.map((m) => `${m.name}${m.isEqual === false ? '!' : ''}${m.isRegex ? '=~' : '='}${m.value}`).join(', '),
      x.startsAt.replace('T', ' ').slice(0, 19), x.endsAt.replace('T', ' ').slice(0, 19), badge(active ? 'active' : 'expired'), x.comment ?? '', x.createdBy ?? '',
      active ? h('button', {
        type: 'button', class: 'small', 'aria-label': `Expire silence ${x.matchers.map((m) => `${m.name}=${m.value}`).join(', ')}`,
        onclick: () => void alerter(`/v1/silences/${enc(x.id)}`, { method: 'DELETE' }).then(() => { say('Silence expired.'); refresh(); }).catch((err: Error) => say(`Failed: ${err.message}`)),
      }, 'Expire') : '',
    ];
  });
  return section('Silences', form, out, h('div', { 'data-testid': 'silences' }, table(['matchers', 'starts', 'ends', 'state', 'comment', 'by', ''], rows, 'Silences')));
}
