// What the assistant reads beyond the alerter's own state, through Vigil's public read API (the
// query API: GET /v1/deployments, /v1/scores, /v1/templates, /v1/ci/tests, /v1/ci/revisions/{c};
// served by services/query: query.api split, the API port embedded). Plain HTTP GETs with the
// configured bearer token: no service's code is imported and nothing on the data path depends on
// it (only answers to people do); without `queryApiUrl` the answers say what is missing.
import type { Fetch } from '../receivers/delivery.js';

export interface ReadApiOptions {
  url: string;
  token?: string;
  fetch?: Fetch;
  timeoutMs?: number;
}

export type Row = Record<string, unknown>;

/**
 * A read-API cell as text: strings as they are, numbers and booleans printed, null/absent as the
 * fallback, anything else as JSON (never "[object Object]").
 */
export function cell(v: unknown, fallback = ''): string {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

export class ReadApi {
  private readonly doFetch: Fetch;
  constructor(private readonly opts: ReadApiOptions) {
    this.doFetch = opts.fetch ?? fetch;
  }

  async get(path: string, params: Record<string, string | undefined> = {}): Promise<Row[] | Row> {
    // Relative to the base URL, which may carry a path prefix (a read API behind a proxy).
    const url = new URL(path.replace(/^\/+/, ''), this.opts.url.endsWith('/') ? this.opts.url : `${this.opts.url}/`);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
    const res = await this.doFetch(url, {
      headers: this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {},
      signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${url.pathname}: HTTP ${res.status}: ${text.slice(0, 200)}`);
    return JSON.parse(text) as Row[] | Row;
  }

  async rows(path: string, params: Record<string, string | undefined> = {}): Promise<Row[]> {
    const r = await this.get(path, params);
    return Array.isArray(r) ? r : [];
  }
}
