// Overview: every service with its state now, and the deployment timeline across services.
import { alerter, api } from '../api.js';
import { badge, fmtAgo, fmtTime, h, link, s, section, table } from '../dom.js';
import type { Page, Route } from '../route.js';
import { COLORS, RANGE_MS, routeHref } from '../route.js';

interface ServiceRow {
  service: string;
  lastDeployment: { id: string; version: string; status: string | null; firstSeen?: boolean; deployedAtMs: number } | null;
  deployments: number; running: number; failed: number; anomalies: number; critical: number; lastAnomalyMs: number | null;
}
export interface Deployment {
  id: string; service: string; version: string; environment: string; commit: string; deployedAtMs: number | string; status: string; verdict: string;
  ci: { quality: string } | null;
  /** The first version Vigil met of a running service: learned as the baseline, never judged. */
  firstSeen?: boolean;
}
interface TimelineMark { id: string; service: string; version: string; deployedAtMs: number; status: string; strict: boolean }
interface Rollback { id: string; deploymentId: string; service: string; version: string; result: string; dryRun: boolean; hook: string; atMs: number; reason: string }
interface Alert { id: string; service: string; status: string; severity: string; summary: string }

interface Data {
  now: number;
  services: ServiceRow[];
  /** The latest deployments (the table), with their verdict text. */
  deployments: Deployment[];
  /** Every deployment in the range (the timeline). */
  marks: TimelineMark[];
  rollbacks: Rollback[];
  firing: Alert[] | null;
}

export const isStrict = (d: { verdict?: string }) => /\(strict: /.test(d.verdict ?? '');

export const overviewPage: Page<Data> = {
  title: () => 'Overview',
  async load(route) {
    const q = `since=${route.range}`;
    const [services, deployments, marks, rollbacks, firing] = await Promise.all([
      api<ServiceRow[]>(`/v1/services?${q}`),
      api<Deployment[]>(`/v1/deployments?${q}&limit=25`),
      api<TimelineMark[]>(`/v1/deployments/timeline?${q}`),
      api<Rollback[]>(`/v1/rollbacks?${q}`),
      alerter<Alert[]>('/v1/alerts?status=firing').catch(() => null),
    ]);
    return { now: Date.now(), services, deployments, marks, rollbacks, firing };
  },
  view(data, route) {
    return h('div', {},
      h('h1', {}, 'Overview'),
      servicesSection(data, route),
      timelineSection(data, route),
      recentSection(data, route),
    );
  },
};

function servicesSection(data: Data, route: Route): HTMLElement {
  const firingBy = new Map<string, number>();
  for (const a of data.firing ?? []) firingBy.set(a.service, (firingBy.get(a.service) ?? 0) + 1);
  const rows = data.services.map((sv) => {
    const firing = firingBy.get(sv.service) ?? 0;
    const state = firing > 0 || sv.lastDeployment?.status === 'fail' ? 'fail' : sv.running > 0 ? 'running' : 'ok';
    const d = sv.lastDeployment;
    return [
      h('strong', {}, sv.service),
      badge(state === 'ok' ? 'pass' : state, state === 'ok' ? '' : undefined),
      data.firing === null ? '—' : String(firing),
      String(sv.running),
      String(sv.failed),
      d ? h('span', {}, link(routeHref({ page: 'deployment', arg: d.id, range: route.range, params: {} }), d.version), ' ', firstSeenOnly(d) ? badge('first seen') : d.status ? badge(d.status) : '', ` ${fmtAgo(d.deployedAtMs, data.now)}`) : '—',
      link(routeHref({ page: 'anomalies', arg: '', range: route.range, params: { service: sv.service } }), `${sv.anomalies}${sv.critical ? ` (${sv.critical} critical)` : ''}`),
    ];
  });
  return section('Services now',
    data.firing === null ? h('p', { class: 'note' }, 'The alerter API is not reachable: firing alerts are not shown.') : null,
    table(['service', 'state', 'firing alerts', 'verifications running', `failed (${route.range})`, 'last deploy', `anomalies (${route.range})`], rows, 'Services'));
}

/** Width of the timeline's "↩ rollback" word in viewBox units (10 characters of the 11 px mark label, with a margin). */
const ROLLBACK_LABEL_W = 66;

function timelineSection(data: Data, route: Route): HTMLElement {
  const services = [...new Set([...data.services.map((x) => x.service), ...data.marks.map((d) => d.service)])].sort();
  const x1 = data.now;
  const x0 = x1 - RANGE_MS[route.range];
  const W = 1000;
  const LANE = 22;
  const L = 130;
  const H = 24 + services.length * LANE;
  const X = (t: number) => L + ((t - x0) / (x1 - x0)) * (W - L - 10);
  const lane = new Map(services.map((sv, i) => [sv, i]));
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', class: 'timeline', role: 'group', 'aria-label': `Deployments of ${services.length} services over the last ${route.range}; each mark links to its deployment` });
  for (let i = 0; i <= 5; i++) {
    const t = x0 + ((x1 - x0) * i) / 5;
    svg.append(s('line', { x1: X(t), x2: X(t), y1: 16, y2: H, class: 'grid' }));
    svg.append(s('text', { x: X(t), y: 11, 'text-anchor': i === 0 ? 'start' : i === 5 ? 'end' : 'middle', class: 'tick' }, fmtTime(t).slice(5, 16)));
  }
  services.forEach((sv, i) => {
    const y = 20 + i * LANE;
    svg.append(s('line', { x1: L, x2: W - 10, y1: y + LANE / 2, y2: y + LANE / 2, class: 'lane' }));
    svg.append(s('text', { x: L - 8, y: y + LANE / 2 + 4, 'text-anchor': 'end', class: 'lane-label' }, sv));
  });
  // Many marks: the table below is the keyboard path; marks stay clickable but leave the tab order,
  // and passed deployments (most of them) are drawn as one path, clicked through the lane's
  // nearest deployment, instead of one link each (10,000 links take seconds to lay out).
  const tabbable = data.marks.length <= 200;
  const many = data.marks.length > 300;
  let passPath = '';
  const visible: Array<{ x: number; lane: number; d: TimelineMark }> = [];
  for (const d of data.marks) {
    const t = Number(d.deployedAtMs);
    if (t < x0) continue;
    const y = 20 + (lane.get(d.service) ?? 0) * LANE + LANE / 2;
    const color = (COLORS as Record<string, string>)[d.status] ?? COLORS.deployed;
    const strict = d.strict;
    visible.push({ x: X(t), lane: lane.get(d.service) ?? 0, d });
    if (many && d.status === 'pass' && !strict) {
      passPath += `M${(X(t) - 4).toFixed(1)},${y}a4,4 0 1,0 8,0a4,4 0 1,0 -8,0`;
      continue;
    }
    const label = `${d.service} ${d.version}: ${d.status}${strict ? ' (strict policy)' : ''}, deployed ${fmtTime(t)}`;
    svg.append(s('a', { href: routeHref({ page: 'deployment', arg: d.id, range: route.range, params: {} }), 'aria-label': label, tabindex: tabbable ? null : '-1', class: `dep dep-${d.status}` },
      s('title', {}, label),
      d.status === 'fail'
        ? s('path', { d: `M${X(t) - 6},${y - 6}L${X(t) + 6},${y + 6}M${X(t) + 6},${y - 6}L${X(t) - 6},${y + 6}`, stroke: color, 'stroke-width': 3 })
        : s('circle', { cx: X(t), cy: y, r: 5.5, fill: d.status === 'running' ? '#fff' : color, stroke: color, 'stroke-width': 2 }),
      strict ? s('circle', { cx: X(t), cy: y, r: 9, fill: 'none', stroke: '#9a6700', 'stroke-width': 1.5, 'stroke-dasharray': '2 2' }) : null));
  }
  if (passPath) {
    svg.append(s('path', { d: passPath, fill: COLORS.pass, class: 'dep-pass-many' }));
    svg.addEventListener('click', (e) => {
      if ((e.target as Element).closest('a')) return;
      const box = svg.getBoundingClientRect();
      const x = ((e.clientX - box.left) / box.width) * W;
      const l = Math.floor((((e.clientY - box.top) / box.height) * H - 20) / LANE);
      let best: { x: number; d: TimelineMark } | null = null;
      for (const v of visible) if (v.lane === l && Math.abs(v.x - x) <= 6 && (!best || Math.abs(v.x - x) < Math.abs(best.x - x))) best = v;
      if (best) location.hash = routeHref({ page: 'deployment', arg: best.d.id, range: route.range, params: {} });
    });
  }
  for (const r of data.rollbacks) {
    if (r.atMs < x0) continue;
    const l = lane.get(r.service) ?? 0;
    const y = 20 + l * LANE + LANE / 2;
    const xr = X(r.atMs);
    const label = `rollback of ${r.service} ${r.version}: ${r.result}${r.dryRun ? ' (dry run)' : ''} at ${fmtTime(r.atMs)}`;
    // The word beside the triangle, on the side with room in the chart and no other mark of the
    // lane under it (a mark is ±6 wide); where both sides are taken, the triangle, its tooltip and
    // the legend say it.
    const free = (from: number, to: number) => from >= L && to <= W - 10 && !visible.some((v) => v.lane === l && v.x + 7 >= from && v.x - 7 <= to);
    const right = free(xr + 14, xr + 14 + ROLLBACK_LABEL_W);
    const left = free(xr - 14 - ROLLBACK_LABEL_W, xr - 14);
    const side = xr > W * 0.7 ? (left ? -1 : right ? 1 : 0) : right ? 1 : left ? -1 : 0;
    svg.append(s('g', { class: 'rollback' }, s('title', {}, label),
      // Inside the service's own lane: a triangle just above its mark, the word beside it.
      s('path', { d: `M${xr},${y - 5}l-5,-6h10z`, fill: COLORS.rollback }),
      side === 0 ? null : s('text', { x: xr + side * 14, y: y + 4, 'text-anchor': side < 0 ? 'end' : 'start', class: 'mlabel', fill: COLORS.rollback }, '↩ rollback')));
  }
  const legend = h('ul', { class: 'legend' },
    ['pass', 'fail', 'running', 'inconclusive'].map((st) => h('li', {}, badge(st))),
    h('li', {}, h('span', { class: 'swatch strict-swatch' }), 'strict policy (CI of the commit not clean)'),
    h('li', {}, h('span', { class: 'swatch', style: `background:${COLORS.deployed}` }), 'not judged (a first-seen version, or no verdict yet)'),
    h('li', {}, h('span', { class: 'swatch', style: `background:${COLORS.rollback}` }), 'rollback'));
  return section('Deployment timeline', data.marks.length === 0 ? h('p', { class: 'empty' }, `No deployment in the last ${route.range}.`) : null, svg, legend);
}

/** A first-seen version that no verdict judged (the usual case): shown as such, not as "deployed". */
function firstSeenOnly(d: { firstSeen?: boolean; status?: string | null }): boolean {
  return d.firstSeen === true && (d.status === 'deployed' || !d.status);
}

function recentSection(data: Data, route: Route): HTMLElement {
  const rolled = new Map(data.rollbacks.map((r) => [r.deploymentId, r]));
  const rows = data.deployments.slice(0, 25).map((d) => {
    const r = rolled.get(d.id);
    return [
      fmtTime(Number(d.deployedAtMs)),
      d.service,
      link(routeHref({ page: 'deployment', arg: d.id, range: route.range, params: {} }), d.version, { 'aria-label': `${d.service} ${d.version} deployment` }),
      h('span', {}, firstSeenOnly(d) ? badge('first seen') : badge(d.status), isStrict(d) ? h('span', { class: 'badge b-strict' }, 'strict') : ''),
      d.verdict || (firstSeenOnly(d) ? 'first seen: running when Vigil met it; learned as the baseline, not judged' : '—'),
      r ? `${r.result}${r.dryRun ? ' (dry run)' : ''}` : '—',
    ];
  });
  return section('Latest deployments', table(['deployed', 'service', 'version', 'verdict', 'why', 'rollback'], rows, 'Latest deployments'));
}
