import { describe, expect, it } from 'vitest';
import { parseConfig, ConfigError } from '@vigil/config';
import { CircuitBreaker, Deliverer, TokenBucket, parseRetryAfter } from './delivery.js';
import type { Clock, Fetch } from './delivery.js';

describe('delivery primitives', () => {
  it('token bucket: burst, then rate', () => {
    const b = new TokenBucket(2, 3, 0);
    expect([b.take(0), b.take(0), b.take(0)]).toEqual([0, 0, 0]);
    expect(b.take(0)).toBe(500); // 1 token at 2/s
    expect(b.take(500)).toBe(0);
  });

  it('Retry-After: seconds or an HTTP date', () => {
    expect(parseRetryAfter('7', 0)).toBe(7000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });

  it('circuit breaker opens after the threshold and half-opens after the cooldown', () => {
    const c = new CircuitBreaker(2, 1000);
    c.failure(0);
    expect(c.waitMs(0)).toBe(0);
    c.failure(10);
    expect(c.waitMs(10)).toBe(1000);
    expect(c.waitMs(1010)).toBe(0);
    c.success();
    expect(c.open).toBe(false);
  });

  it('retries 5xx honouring Retry-After, never retries a 400', async () => {
    const slept: number[] = [];
    let t = 0;
    const clock: Clock = { now: () => t, sleep: async (ms) => { slept.push(ms); t += ms; }, random: () => 0 };
    const answers = [503, 503, 202];
    const doFetch = (async () => new Response('x', { status: answers.shift()!, headers: { 'retry-after': '3' } })) as unknown as Fetch;
    const policy = parseConfig({ alerter: { receivers: [{ name: 'w', type: 'webhook', url: 'http://127.0.0.1:1/' }] } }).alerter.receivers[0].delivery;
    const d = new Deliverer(policy, clock, doFetch);
    expect(await d.deliver(() => ({ method: 'POST', url: 'http://x/', headers: {}, body: '' }))).toEqual({ status: 'sent', attempts: 3, httpStatus: 202 });
    expect(slept).toEqual([3000, 3000]);
    const bad = new Deliverer(policy, clock, async () => new Response('invalid routing key', { status: 400 }));
    expect(await bad.deliver(() => ({ method: 'POST', url: 'http://x/', headers: {}, body: '' }))).toEqual({ status: 'failed', attempts: 1, error: 'HTTP 400: invalid routing key' });
  });
});

describe('alerter config', () => {
  it('has defaults and rejects unknown keys and unknown receiver names, quoting them', () => {
    const c = parseConfig({}).alerter;
    expect(c.api.port).toBe(8082);
    expect(c.defaults.resolveAfterMs).toBe(300_000);
    expect(c.rules[0]).toMatchObject({ name: 'default', groupBy: ['service', 'metric', 'operation'] });
    expect(parseConfig({ alerter: { receivers: [{ name: 'pd', type: 'pagerduty', routingKey: 'k' }] } }).alerter.receivers[0]).toMatchObject({ url: 'https://events.pagerduty.com/v2/enqueue' });
    expect(() => parseConfig({ alerter: { rules: [{ name: 'r', receivers: ['nope'] }] } })).toThrow(/unknown receiver "nope"/);
    expect(() => parseConfig({ alerter: { bogus: 1 } })).toThrow(ConfigError);
    expect(() => parseConfig({ alerter: { receivers: [{ name: 'pd', type: 'pagerduty', routingKey: 'k', typo: 1 }] } })).toThrow(/typo/);
  });
});
