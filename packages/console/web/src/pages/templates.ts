// Log templates per service: counts over time, first seen, new since a deployment.
import { api, enc } from '../api.js';
import { badge, fmtTime, h, link, s, section, table } from '../dom.js';
import type { Page, Route } from '../route.js';
import { routeHref } from '../route.js';

interface Series {
  bucketMs: number; buckets: number[];
  templates: Array<{ templateId: string; template: string; firstSeenMs: number; isNew: boolean; newSinceDeployment: string | null; total: number; counts: number[] }>;
}
interface Data { services: string[]; service: string; series: Series | null }

export const templatesPage: Page<Data> = {
  title: (d) => `Log templates${d.service ? ` of ${d.service}` : ''}`,
  async load(route) {
    const services = (await api<Array<{ service: string }>>(`/v1/services?since=${route.range}`)).map((x) => x.service);
    const service = route.params.service || services[0] || '';
    const series = service ? await api<Series>(`/v1/templates/series?service=${enc(service)}&since=${route.range}&buckets=48&limit=30`) : null;
    return { services, service, series };
  },
  view(data, route) {
    const select = h('select', { id: 't-service', 'aria-label': 'Service' }, data.services.map((x) => h('option', { value: x, selected: x === data.service }, x)));
    select.addEventListener('change', () => {
      location.hash = routeHref({ page: 'templates', arg: '', range: route.range, params: { service: select.value } });
    });
    return h('div', {},
      h('h1', {}, 'Log templates'),
      h('div', { class: 'filters' }, h('label', { for: 't-service' }, 'service'), select),
      data.series ? listView(data.series, route) : h('p', { class: 'empty' }, 'No service has sent logs yet.'));
  },
};

function spark(counts: number[], label: string): SVGElement {
  const W = 160;
  const H = 28;
  const max = Math.max(1, ...counts);
  const bw = W / Math.max(1, counts.length);
  return s('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': label, class: 'spark' },
    counts.map((c, i) => (c > 0 ? s('rect', { x: i * bw, y: H - (c / max) * H, width: Math.max(1, bw - 1), height: (c / max) * H }) : null)));
}

function listView(series: Series, route: Route): HTMLElement {
  const rows = series.templates.map((t) => [
    h('code', {}, t.template),
    String(t.total),
    spark(t.counts, `${t.total} lines over the last ${route.range}, peak ${Math.max(...t.counts)} per ${Math.round(series.bucketMs / 1000)} s`),
    fmtTime(t.firstSeenMs),
    t.newSinceDeployment
      ? h('span', {}, badge('new'), ' since ', link(routeHref({ page: 'deployment', arg: t.newSinceDeployment, range: route.range, params: {} }), t.newSinceDeployment))
      : t.isNew ? badge('new') : '',
  ]);
  return section(`Templates in the last ${route.range}`, table(['template', 'lines', 'over time', 'first seen', 'new'], rows, 'Log templates'));
}
