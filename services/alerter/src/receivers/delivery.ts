// Delivery of HTTP notifications: retries with full-jitter exponential backoff (AWS Architecture
// Blog, "Exponential Backoff and Jitter"), Retry-After honoured (RFC 9110 §10.2.3: seconds or an
// HTTP date), a token bucket per receiver and a circuit breaker per receiver.
// Retry rules, each case on purpose:
//   network error, timeout     → retryable (the receiver may be restarting)
//   408, 429, 5xx              → retryable (429: rate limited, PagerDuty/Slack/Opsgenie all use it)
//   other 4xx (400, 401, 403, 404, 413, 422) → permanent: the request itself is wrong or the key is
//                                 revoked; retrying would not help and would burn the rate limit
// Error messages carry the status and a short excerpt of the body, never the URL (a Slack webhook
// URL is a secret) and never a header.
import type { AlerterConfig } from '@vigil/config';

export type DeliveryConfig = AlerterConfig['receivers'][number]['delivery'];

export interface HttpRequestSpec {
  method: 'POST' | 'PUT';
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms).unref?.()),
  random: () => Math.random(),
};

export type AttemptResult =
  | { kind: 'success'; status: number }
  | { kind: 'retryable'; error: string; retryAfterMs?: number }
  | { kind: 'permanent'; error: string };

export interface DeliveryResult {
  status: 'sent' | 'failed';
  attempts: number;
  error?: string;
  httpStatus?: number;
}

/** Token bucket: `rate` tokens per second, at most `burst`. Pure given `now`. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(private readonly rate: number, private readonly burst: number, now: number) {
    this.tokens = burst;
    this.last = now;
  }
  /** Take one token; returns 0, or the ms to wait before a token is available. */
  take(now: number): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.rate) * 1000);
  }
}

/** Circuit breaker: opens after `threshold` consecutive failures, half-opens after the cooldown. */
export class CircuitBreaker {
  private failures = 0;
  private openedAt?: number;
  constructor(private readonly threshold: number, private readonly cooldownMs: number) {}
  /** ms until a request may go out (0 = now). Half-open lets one probe through. */
  waitMs(now: number): number {
    if (this.openedAt === undefined) return 0;
    const left = this.openedAt + this.cooldownMs - now;
    return left > 0 ? left : 0;
  }
  get open(): boolean {
    return this.openedAt !== undefined;
  }
  success(): void {
    this.failures = 0;
    this.openedAt = undefined;
  }
  failure(now: number): void {
    this.failures++;
    if (this.failures >= this.threshold) this.openedAt = now;
  }
}

/** Parse Retry-After: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(0, t - now) : undefined;
}

export type Fetch = typeof fetch;

/** One HTTP attempt, classified. */
export async function attempt(spec: HttpRequestSpec, timeoutMs: number, doFetch: Fetch, now: number): Promise<AttemptResult> {
  let res: Response;
  try {
    res = await doFetch(spec.url, { method: spec.method, headers: spec.headers, body: spec.body, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const what = e.name === 'TimeoutError' ? `timeout after ${timeoutMs} ms` : (e.cause?.code ?? e.name ?? 'network error');
    return { kind: 'retryable', error: `request failed: ${what}` };
  }
  let text = '';
  try {
    text = await res.text();
  } catch {
    // body unreadable: the status decides
  }
  if (res.status >= 200 && res.status < 300) return { kind: 'success', status: res.status };
  const error = `HTTP ${res.status}${text ? `: ${text.slice(0, 200).replace(/\s+/g, ' ')}` : ''}`;
  if (res.status === 408 || res.status === 429 || res.status >= 500) {
    return { kind: 'retryable', error, retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), now) };
  }
  return { kind: 'permanent', error };
}

/** A receiver's delivery machinery: rate limit + breaker + retries. */
export class Deliverer {
  readonly bucket: TokenBucket;
  readonly breaker: CircuitBreaker;
  constructor(
    readonly policy: DeliveryConfig,
    private readonly clock: Clock = systemClock,
    private readonly doFetch: Fetch = fetch,
    private readonly onAttempt?: (r: AttemptResult) => void,
  ) {
    this.bucket = new TokenBucket(policy.ratePerSecond, policy.burst, clock.now());
    this.breaker = new CircuitBreaker(policy.breakerThreshold, policy.breakerCooldownMs);
  }

  /** Deliver; `build` is called per attempt (a signature's timestamp stays fresh). */
  async deliver(build: () => HttpRequestSpec, isStopping: () => boolean = () => false): Promise<DeliveryResult> {
    const p = this.policy;
    let lastError = '';
    for (let n = 1; n <= p.maxAttempts; n++) {
      let wait = Math.max(this.breaker.waitMs(this.clock.now()), this.bucket.take(this.clock.now()));
      while (wait > 0) {
        if (isStopping()) return { status: 'failed', attempts: n - 1, error: `stopped: ${lastError || 'not attempted'}` };
        await this.clock.sleep(Math.min(wait, 1000));
        wait = Math.max(this.breaker.waitMs(this.clock.now()), this.bucket.take(this.clock.now()));
      }
      const r = await attempt(build(), p.timeoutMs, this.doFetch, this.clock.now());
      this.onAttempt?.(r);
      if (r.kind === 'success') {
        this.breaker.success();
        return { status: 'sent', attempts: n, httpStatus: r.status };
      }
      lastError = r.error;
      if (r.kind === 'permanent') {
        // A permanent answer means the receiver is up: it does not count against the breaker.
        return { status: 'failed', attempts: n, error: r.error };
      }
      this.breaker.failure(this.clock.now());
      if (n === p.maxAttempts || isStopping()) break;
      const cap = Math.min(p.maxBackoffMs, p.initialBackoffMs * 2 ** (n - 1));
      const backoff = Math.floor(this.clock.random() * cap) + 1;
      const delay = r.retryAfterMs !== undefined ? Math.max(backoff, Math.min(r.retryAfterMs, p.maxRetryAfterMs)) : backoff;
      await this.clock.sleep(delay);
    }
    return { status: 'failed', attempts: p.maxAttempts, error: lastError };
  }
}
