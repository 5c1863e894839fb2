import { cell, fmtNum, fmtTime, renderTable } from './table.js';

export interface QueryClientOptions {
  /** Base URL of the query API (services/query: the embedded process's API port, or query.api). */
  apiUrl: string;
  token?: string;
}

export async function getJson(opts: QueryClientOptions, path: string, params: Record<string, string | undefined>): Promise<unknown> {
  const url = new URL(path, opts.apiUrl);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  let res: Response;
  try {
    res = await fetch(url, { headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {} });
  } catch (err) {
    throw new Error(`cannot reach the Vigil API at ${opts.apiUrl} (${(err as Error).message}); is \`npm start\` running? Set --api or VIGIL_API_URL.`);
  }
  const body = await res.text();
  if (!res.ok) throw new Error(`${url.pathname}: HTTP ${res.status}: ${body.slice(0, 300)}`);
  return JSON.parse(body);
}

type Row = Record<string, unknown>;

export const VIEWS: Record<string, { path: string; render(rows: Row[]): string }> = {
  anomalies: {
    path: '/v1/anomalies',
    render: (rows) => renderTable(rows, [
      { key: 'windowStartMs', title: 'WHEN', format: fmtTime },
      { key: 'service', title: 'SERVICE', width: 24 },
      { key: 'operation', title: 'OPERATION', width: 28 },
      { key: 'metric', title: 'METRIC', width: 22 },
      { key: 'value', title: 'VALUE', format: fmtNum },
      { key: 'expected', title: 'EXPECTED', format: fmtNum },
      { key: 'score', title: 'SCORE', format: fmtNum },
      { key: 'severity', title: 'SEVERITY' },
    ]),
  },
  alerts: {
    path: '/v1/alerts',
    render: (rows) => renderTable(rows, [
      { key: 'startsAtMs', title: 'SINCE', format: fmtTime },
      { key: 'status', title: 'STATUS' },
      { key: 'severity', title: 'SEVERITY' },
      { key: 'service', title: 'SERVICE', width: 24 },
      { key: 'rule', title: 'RULE', width: 24 },
      { key: 'summary', title: 'SUMMARY', width: 70 },
    ]),
  },
  deployments: {
    path: '/v1/deployments',
    render: (rows) => renderTable(rows, [
      { key: 'deployedAtMs', title: 'DEPLOYED', format: fmtTime },
      { key: 'service', title: 'SERVICE', width: 24 },
      { key: 'version', title: 'VERSION', width: 20 },
      { key: 'commit', title: 'COMMIT', width: 12 },
      // CI quality of the commit when announced: a deploy whose CI was not clean is verified strictly.
      { key: 'ci', title: 'CI', format: (v) => (v && typeof v === 'object' ? cell((v as { quality?: unknown }).quality) : '') },
      { key: 'status', title: 'VERDICT' },
      // First contact: the version was running before Vigil met it; learned as the baseline, not judged.
      { key: 'firstSeen', title: 'SEEN', format: (v) => (v === true ? 'first seen, learning' : 'deployed') },
      { key: 'verdict', title: 'WHY', width: 70 },
    ]),
  },
  // vigil capacity [service]: the day-ahead right-sizing of each service (GET /v1/capacity).
  capacity: {
    path: '/v1/capacity',
    render: (rows) => renderTable(rows.map(capacityRow), [
      { key: 'service', title: 'SERVICE', width: 24 },
      { key: 'cpu', title: 'CPU REQUEST', format: fmtOpt },
      { key: 'replicas', title: 'REPLICAS' },
      { key: 'cpuRisk', title: 'CPU SHORT', format: fmtPct },
      { key: 'cpuWaste', title: 'CPU WASTE', format: fmtOpt },
      { key: 'memory', title: 'MEMORY REQUEST', format: fmtBytes },
      { key: 'memoryRisk', title: 'MEM SHORT', format: fmtPct },
      { key: 'memoryWaste', title: 'MEM WASTE', format: fmtBytes },
      { key: 'load', title: 'RATE PEAK 1H', format: fmtOpt },
      { key: 'why', title: 'WHY', width: 90 },
    ]),
  },
  templates: {
    path: '/v1/templates',
    render: (rows) => renderTable(rows, [
      { key: 'service', title: 'SERVICE', width: 24 },
      { key: 'count', title: 'COUNT' },
      { key: 'isNew', title: 'NEW', format: (v) => (Number(v) ? 'yes' : '') },
      { key: 'template', title: 'TEMPLATE', width: 90 },
    ]),
  },
};

interface CapacityRec { request?: number; riskShort?: number | null; expectedSlack?: number | null; replicas?: number | null }

/** One GET /v1/capacity entry as a table row (nulls stay empty: no forecast of that resource yet). */
export function capacityRow(r: Row): Row {
  // Asserted from unknown directly: `(x ?? null) as T` is `{} | null` as T, which
  // no-unnecessary-type-assertion's fixer would strip to `{}` (and break the build).
  const cpu = r.cpu as CapacityRec | null | undefined;
  const mem = r.memory as CapacityRec | null | undefined;
  const load = r.load as { nextHourPeak?: { mean?: number } | null } | null | undefined;
  return {
    service: r.service, cpu: cpu?.request ?? null, replicas: r.replicas ?? null, cpuRisk: cpu?.riskShort ?? null, cpuWaste: cpu?.expectedSlack ?? null,
    memory: mem?.request ?? null, memoryRisk: mem?.riskShort ?? null, memoryWaste: mem?.expectedSlack ?? null,
    load: load?.nextHourPeak?.mean ?? null, why: r.why,
  };
}

// Empty, not 0, where there is no forecast yet.
const fmtOpt = (v: unknown): string => (v === null || v === undefined ? '' : fmtNum(v));
const fmtPct = (v: unknown): string => (typeof v === 'number' && Number.isFinite(v) ? `${(100 * v).toFixed(2)} %` : '');
const fmtBytes = (v: unknown): string => {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let x = v;
  let i = 0;
  while (Math.abs(x) >= 1024 && i < units.length - 1) { x /= 1024; i++; }
  return `${x.toFixed(i ? 1 : 0)} ${units[i]}`;
};
