// Verifying requests from Slack (Slack API docs, "Verifying requests from Slack"): Slack sends
// X-Slack-Request-Timestamp (unix seconds) and X-Slack-Signature = "v0=" + hex(HMAC-SHA256(
// signing secret, "v0:" + timestamp + ":" + raw body)). The request is accepted only when the
// signature matches (constant-time compare), the timestamp is within 5 minutes of our clock (the
// window Slack's docs give against replays), and the same signature was not seen in that window
// (a captured request replayed inside the window is refused too).
import { createHmac, timingSafeEqual } from 'node:crypto';

const SLACK_TIMESTAMP_HEADER = 'x-slack-request-timestamp';
const SLACK_SIGNATURE_HEADER = 'x-slack-signature';
/** Slack's replay window: requests older (or newer) than this are refused. */
const SLACK_MAX_SKEW_MS = 5 * 60_000;

export type SlackVerification =
  | { ok: true }
  | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'bad_signature' | 'replayed' };

/** The v0 signature of a body (what Slack computes). */
export function slackSignature(secret: string, timestamp: string, rawBody: string | Buffer): string {
  const h = createHmac('sha256', secret);
  h.update(`v0:${timestamp}:`);
  h.update(rawBody);
  return `v0=${h.digest('hex')}`;
}

/** Signature and freshness only (no replay memory). Pure: the clock is a parameter. */
export function verifySlackSignature(
  secret: string, timestamp: string | undefined, signature: string | undefined, rawBody: string | Buffer, nowMs: number,
): SlackVerification {
  if (!timestamp || !signature) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(timestamp) || !/^v0=[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: 'malformed' };
  if (Math.abs(nowMs - Number(timestamp) * 1000) > SLACK_MAX_SKEW_MS) return { ok: false, reason: 'stale' };
  const want = Buffer.from(slackSignature(secret, timestamp, rawBody), 'utf8');
  const got = Buffer.from(signature, 'utf8');
  if (want.length !== got.length || !timingSafeEqual(want, got)) return { ok: false, reason: 'bad_signature' };
  return { ok: true };
}

/**
 * Remembers accepted signatures for the replay window, so a replay of a genuine request inside
 * the window is refused. Memory: one entry per accepted request of the last 5 minutes, bounded
 * by `maxEntries` (the oldest go first; a request older than the window is refused as stale anyway).
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();
  constructor(private readonly maxEntries = 100_000) {}

  /** True the first time a signature is seen within the window; false for a replay. */
  admit(signature: string, nowMs: number): boolean {
    for (const [sig, at] of this.seen) {
      if (nowMs - at <= SLACK_MAX_SKEW_MS * 2 && this.seen.size <= this.maxEntries) break;
      this.seen.delete(sig);
    }
    if (this.seen.has(signature)) return false;
    this.seen.set(signature, nowMs);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }
}

/** Verify a request and remember it (signature, freshness, replay). */
export function verifySlackRequest(
  secret: string, headers: Record<string, string | string[] | undefined>, rawBody: string | Buffer, nowMs: number, replay: ReplayGuard,
): SlackVerification {
  const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
  const signature = one(headers[SLACK_SIGNATURE_HEADER]);
  const r = verifySlackSignature(secret, one(headers[SLACK_TIMESTAMP_HEADER]), signature, rawBody, nowMs);
  if (!r.ok) return r;
  return replay.admit(signature as string, nowMs) ? r : { ok: false, reason: 'replayed' };
}
