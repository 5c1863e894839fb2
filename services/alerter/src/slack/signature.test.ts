import { describe, expect, test } from 'vitest';
import { ReplayGuard, slackSignature, verifySlackRequest, verifySlackSignature } from './signature.js';

// Slack's worked example ("Verifying requests from Slack", Slack API docs): signing secret,
// timestamp, slash-command body and the signature Slack documents for them. Recomputed
// independently with Python: hmac.new(secret, b"v0:1531420618:" + body, hashlib.sha256).hexdigest().
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TS = '1531420618';
const BODY = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SIG = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const AT = Number(TS) * 1000 + 30_000;
const headers = (ts: string, sig: string) => ({ 'x-slack-request-timestamp': ts, 'x-slack-signature': sig });

describe('Slack request signing', () => {
  test("Slack's published example verifies", () => {
    expect(slackSignature(SECRET, TS, BODY)).toBe(SIG);
    expect(verifySlackSignature(SECRET, TS, SIG, BODY, AT)).toEqual({ ok: true });
    expect(verifySlackRequest(SECRET, headers(TS, SIG), Buffer.from(BODY), AT, new ReplayGuard())).toEqual({ ok: true });
  });
  test('wrong secret, altered body, stale or future timestamp, missing or malformed headers are refused', () => {
    expect(verifySlackSignature('8f742231b10e8888abcd99yyyzzz85a6', TS, SIG, BODY, AT)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySlackSignature(SECRET, TS, SIG, BODY.replace('roadrunner', 'wileecoyote'), AT)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySlackSignature(SECRET, TS, SIG, BODY, Number(TS) * 1000 + 5 * 60_000 + 1)).toEqual({ ok: false, reason: 'stale' });
    expect(verifySlackSignature(SECRET, TS, SIG, BODY, Number(TS) * 1000 - 5 * 60_000 - 1)).toEqual({ ok: false, reason: 'stale' });
    expect(verifySlackSignature(SECRET, undefined, SIG, BODY, AT)).toEqual({ ok: false, reason: 'missing' });
    expect(verifySlackSignature(SECRET, TS, 'v1=abc', BODY, AT)).toEqual({ ok: false, reason: 'malformed' });
    // A timestamp re-signed with the old signature (the attacker moves the clock) fails the HMAC.
    expect(verifySlackSignature(SECRET, String(Number(TS) + 10), SIG, BODY, AT)).toEqual({ ok: false, reason: 'bad_signature' });
  });
  test('a replay inside the window is refused; the guard forgets after the window', () => {
    const guard = new ReplayGuard();
    expect(verifySlackRequest(SECRET, headers(TS, SIG), BODY, AT, guard).ok).toBe(true);
    expect(verifySlackRequest(SECRET, headers(TS, SIG), BODY, AT + 1000, guard)).toEqual({ ok: false, reason: 'replayed' });
    // Refused requests are not remembered (they cannot poison the guard).
    const g2 = new ReplayGuard();
    verifySlackRequest('wrong-secret-123', headers(TS, SIG), BODY, AT, g2);
    expect(g2.size).toBe(0);
    guard.admit('v0=other', AT + 11 * 60_000);
    expect(guard.size).toBe(1);
  });
});
