// Slack's Web API and response_url, as the assistant uses them: chat.postMessage, views.open,
// usergroups.users.list, and POSTs to an interaction's response_url. Web API calls are POSTs
// with a JSON body and `Authorization: Bearer <bot token>` (Slack API docs, "Using the Slack Web
// API"); the answer is {ok: true, ...} or {ok: false, error}. Rate limits: HTTP 429 with
// Retry-After in seconds (Slack API docs, "Rate limits") — waited out (capped) and retried;
// other failures are not retried blindly. The token and response URLs never appear in errors.
import type { Fetch } from '../receivers/delivery.js';
import { parseRetryAfter } from '../receivers/delivery.js';

export interface SlackWebOptions {
  apiUrl: string;
  botToken?: string;
  fetch?: Fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Clock for Retry-After given as an HTTP date (default Date.now; the app passes its injected clock). */
  now?: () => number;
  /** At most this many attempts on 429/5xx (default 3), waiting at most maxWaitMs each (default 30 s). */
  maxAttempts?: number;
  maxWaitMs?: number;
  timeoutMs?: number;
}

export type SlackCallResult = { ok: true; body: Record<string, unknown> } | { ok: false; error: string; status?: number };

export class SlackWebApi {
  private readonly doFetch: Fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Web API calls answered 429 (rate limited), for the metrics. */
  rateLimited = 0;

  constructor(private readonly opts: SlackWebOptions) {
    this.doFetch = opts.fetch ?? fetch;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  get hasToken(): boolean {
    return Boolean(this.opts.botToken);
  }

  /** Call a Web API method (e.g. "chat.postMessage") with a JSON body. */
  call(method: string, body: Record<string, unknown>): Promise<SlackCallResult> {
    if (!this.opts.botToken) return Promise.resolve({ ok: false, error: `no bot token configured (alerter.slack.botToken) for ${method}` });
    const url = `${this.opts.apiUrl.replace(/\/$/, '')}/${method}`;
    return this.post(url, body, { authorization: `Bearer ${this.opts.botToken}` }, method);
  }

  /** POST a message to an interaction's response_url (no token: the URL is the credential). */
  respond(responseUrl: string, body: Record<string, unknown>): Promise<SlackCallResult> {
    return this.post(responseUrl, body, {}, 'response_url');
  }

  private async post(url: string, body: Record<string, unknown>, headers: Record<string, string>, what: string): Promise<SlackCallResult> {
    const attempts = this.opts.maxAttempts ?? 3;
    let last: SlackCallResult = { ok: false, error: `${what}: not attempted` };
    for (let n = 1; n <= attempts; n++) {
      let res: Response;
      try {
        res = await this.doFetch(url, {
          method: 'POST', body: JSON.stringify(body),
          headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
          signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
        });
      } catch (err) {
        last = { ok: false, error: `${what}: request failed (${(err as Error).name})` };
        if (n < attempts) await this.sleep(Math.min(1000 * n, this.opts.maxWaitMs ?? 30_000));
        continue;
      }
      const text = await res.text().catch(() => '');
      if (res.status === 429 || res.status >= 500) {
        if (res.status === 429) this.rateLimited++;
        last = { ok: false, status: res.status, error: `${what}: HTTP ${res.status}` };
        const wait = parseRetryAfter(res.headers.get('retry-after'), (this.opts.now ?? Date.now)()) ?? 1000 * n;
        if (n < attempts) await this.sleep(Math.min(wait, this.opts.maxWaitMs ?? 30_000));
        continue;
      }
      if (res.status < 200 || res.status >= 300) return { ok: false, status: res.status, error: `${what}: HTTP ${res.status}: ${text.slice(0, 200)}` };
      let parsed: Record<string, unknown> = {};
      try {
        parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        // response_url answers plain "ok"
        return { ok: true, body: { text } };
      }
      if (parsed.ok === false) return { ok: false, status: res.status, error: `${what}: ${typeof parsed.error === 'string' ? parsed.error : JSON.stringify(parsed.error ?? 'error')}` };
      return { ok: true, body: parsed };
    }
    return last;
  }
}
