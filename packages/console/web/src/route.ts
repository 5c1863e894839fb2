// URL state: #/page/arg?range=1h&key=value. Every view is a shareable link.

export const RANGES = ['15m', '1h', '6h', '24h', '7d', '30d'];

export interface Route {
  page: string;
  arg: string;
  range: string;
  params: Record<string, string>;
}

export interface Page<T = unknown> {
  load(route: Route): Promise<T>;
  view(data: T, route: Route, refresh: () => void): Node;
  title(data: T, route: Route): string;
}

export function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split('?');
  const [page = 'overview', ...rest] = path.split('/');
  const q = new URLSearchParams(query);
  const params: Record<string, string> = {};
  for (const [k, v] of q) if (k !== 'range') params[k] = v;
  const range = q.get('range') ?? '';
  return { page: page || 'overview', arg: rest.map(decodeURIComponent).join('/'), range: RANGES.includes(range) ? range : '1h', params };
}

export function routeHref(r: Route): string {
  const q = new URLSearchParams({ range: r.range, ...Object.fromEntries(Object.entries(r.params).filter(([, v]) => v !== '')) });
  return `#/${r.page}${r.arg ? `/${encodeURIComponent(r.arg)}` : ''}?${q}`;
}

export const RANGE_MS: Record<string, number> = { '15m': 900e3, '1h': 3600e3, '6h': 6 * 3600e3, '24h': 86400e3, '7d': 7 * 86400e3, '30d': 30 * 86400e3 };

export const COLORS = { pass: '#1a7f37', fail: '#cf222e', running: '#0969da', inconclusive: '#6e7781', deployed: '#6e7781', baseline: '#57606a', candidate: '#bf3989', value: '#0969da', expected: '#57606a', band: '#0969da', rollback: '#9a6700' };
