import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '@vigil/config';
import type { AlertRecord, RollbackRecord, VerdictRecord } from '@vigil/records';
import { startRecorder } from './testing/recorder.js';
import type { Recorder } from './testing/recorder.js';
import { alerterHarness } from './testing/harness.js';
import type { AlerterHarness } from './testing/harness.js';
import { cleanupAfterEach, settle, anomalyMaker } from './testing/test-kit.test-util.js';

// The bodies the receivers' documented APIs take (PagerDuty Events API v2, Opsgenie Alert API,
// Slack incoming webhooks, Alertmanager API v2): the fields these tests read.
interface PagerDutyEvent {
  routing_key: string; event_action: string; dedup_key: string; client: string;
  payload: { summary: string; source: string; severity: string; timestamp: string; component: string; group: string; class: string; custom_details: Record<string, unknown> };
  links: Array<{ text: string; href: string }>;
}
interface OpsgenieAlert { alias: string; message: string; priority: string; tags: string[]; details: Record<string, unknown>; description: string }
interface SlackWebhook { text: string; blocks: Array<{ type: string; text?: { text: string }; elements?: Array<{ url: string }> }> }
interface AlertmanagerAlert { labels: Record<string, string>; endsAt: string }

const MIN = 60_000;
const T0 = Date.parse('2025-03-01T10:00:00Z');
const PD_KEY = 'R0UT1NGKEY0123456789abcdefabcdef';
const GENIE = 'genie-key-0123456789';
const SECRET = 'whsec_0123456789abcdef';

const cleanup = cleanupAfterEach();

type Harness = AlerterHarness;

async function harness(alerter: Record<string, unknown>): Promise<Harness> {
  const config = parseConfig({ topics: { partitions: 2 }, alerter: { tickIntervalMs: 3_600_000, api: { port: 0 }, ...alerter } });
  return alerterHarness(config, T0, cleanup);
}

const anomaly = anomalyMaker();

function verdict(now: number, over: Partial<VerdictRecord> = {}): VerdictRecord {
  return {
    schema: 'vigil.verdict/1', id: 'd1:fail', deploymentId: 'd1', service: 'checkout', version: '1.2.0', baselineVersion: '1.1.0', status: 'fail',
    mode: 'canary', deployedAtMs: now - 5 * MIN, decidedAtMs: now, summary: 'error ratio 20× the baseline', evidence: [], ...over,
  };
}


async function withRecorder(): Promise<Recorder> {
  const r = await startRecorder();
  cleanup.push(() => r.close());
  return r;
}

describe('receiver contracts (local HTTP receivers, field by field)', () => {
  it('PagerDuty, Opsgenie, JSM, Slack and a signed webhook: one trigger each, then one resolve each', async () => {
    const rec = await withRecorder();
    const h = await harness({
      links: { grafanaUrl: 'http://grafana.local/d/vigil', apiUrl: 'http://vigil.local:8082' },
      rules: [{ name: 'pay-errors', match: { labels: { metric: 'error_ratio' } }, receivers: ['pd', 'og', 'jsm', 'slack', 'hook'] }],
      receivers: [
        { name: 'pd', type: 'pagerduty', routingKey: PD_KEY, url: `${rec.url}/pd/v2/enqueue`, changeUrl: `${rec.url}/pd/v2/change/enqueue` },
        { name: 'og', type: 'opsgenie', apiKey: GENIE, url: `${rec.url}/og` },
        { name: 'jsm', type: 'jsm', apiKey: GENIE, url: `${rec.url}/jsm` },
        { name: 'slack', type: 'slack', webhookUrl: `${rec.url}/slack/T000/B000/XXXX` },
        { name: 'hook', type: 'webhook', url: `${rec.url}/hook`, signingSecret: SECRET },
      ],
    });
    const a = h.make();
    await a.start();
    await h.send(anomaly(T0));
    await rec.waitFor(5);
    await a.idle();
    const by = (p: string) => rec.requests.filter((r) => r.path.startsWith(p));

    // PagerDuty Events API v2
    const [pd] = by('/pd/v2/enqueue');
    expect(pd.method).toBe('POST');
    expect(pd.headers['content-type']).toBe('application/json');
    const pdBody = pd.json as PagerDutyEvent;
    expect(pdBody.routing_key).toBe(PD_KEY);
    expect(pdBody.event_action).toBe('trigger');
    expect(pdBody.dedup_key).toMatch(/^[0-9a-f]{16}$/);
    expect(pdBody.payload.summary.length).toBeLessThanOrEqual(1024);
    expect(pdBody.payload.summary).toContain('checkout');
    expect(pdBody.payload.source).toBe('checkout');
    expect(pdBody.payload.severity).toBe('critical');
    expect(new Date(pdBody.payload.timestamp).toISOString()).toBe(pdBody.payload.timestamp);
    expect(pdBody.payload.component).toBe('error_ratio POST /pay');
    expect(pdBody.payload.group).toBe('checkout');
    expect(pdBody.payload.class).toBe('pay-errors');
    expect(pdBody.payload.custom_details.value).toBe(0.2);
    expect(pdBody.links.map((l) => l.text)).toEqual(['Grafana', 'Vigil API']);
    expect(pdBody.links[0].href).toContain('var-service=checkout');
    expect(pdBody.client).toBe('Vigil');

    // Opsgenie Alert API
    const [og] = by('/og/');
    expect(og.path).toBe('/og/v2/alerts');
    expect(og.headers.authorization).toBe(`GenieKey ${GENIE}`);
    const ogBody = og.json as OpsgenieAlert;
    expect(ogBody.alias).toBe(pdBody.dedup_key);
    expect(ogBody.message.length).toBeLessThanOrEqual(130);
    expect(ogBody.priority).toBe('P1');
    expect(ogBody.tags).toEqual(expect.arrayContaining(['vigil', 'service:checkout', 'severity:critical']));
    expect(ogBody.details.alert_id).toBeTypeOf('string');
    expect(Object.values(ogBody.details).every((v) => typeof v === 'string')).toBe(true);
    expect(ogBody.description).toContain('Value 0.2');

    // JSM operations integration API: same alert shape under /jsm/ops/integration/v2/alerts
    const [jsm] = by('/jsm/');
    expect(jsm.path).toBe('/jsm/jsm/ops/integration/v2/alerts');
    expect(jsm.headers.authorization).toBe(`GenieKey ${GENIE}`);
    expect((jsm.json as Record<string, unknown>).alias).toBe(pdBody.dedup_key);

    // Slack incoming webhook
    const [slack] = by('/slack/');
    const sBody = slack.json as SlackWebhook;
    expect(sBody.text).toContain('checkout');
    expect(sBody.blocks[0].type).toBe('header');
    expect(sBody.blocks[0].text?.text.length).toBeLessThanOrEqual(150);
    expect(JSON.stringify(sBody.blocks)).toContain('What is wrong');
    expect(sBody.blocks.find((b) => b.type === 'actions')?.elements?.map((e) => e.url)[1]).toMatch(/^http:\/\/vigil\.local:8082\/v1\/alerts\//);

    // Generic webhook: HMAC-SHA256 over `t.body`, verified independently here.
    const [hook] = by('/hook');
    const sig = String(hook.headers['x-vigil-signature']);
    const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(sig);
    expect(m).not.toBeNull();
    const expected = createHmac('sha256', SECRET).update(`${m![1]}.${hook.body}`).digest('hex');
    expect(m![2]).toBe(expected);
    expect(hook.headers['idempotency-key']).toMatch(/^[0-9a-f]{16}$/);
    expect((hook.json as { action: string }).action).toBe('trigger');

    // More anomalies: nobody is paged again.
    h.clock.t = T0 + MIN;
    await h.send(anomaly(T0 + MIN));
    await a.tick();
    await a.idle();
    expect(rec.requests).toHaveLength(5);

    // Quiet for resolveAfter (5 min): one resolve per receiver.
    h.clock.t = T0 + 6 * MIN;
    await a.tick();
    await rec.waitFor(10);
    await a.idle();
    const pdResolve = by('/pd/v2/enqueue')[1].json as Record<string, unknown>;
    expect(pdResolve).toEqual({ routing_key: PD_KEY, event_action: 'resolve', dedup_key: pdBody.dedup_key });
    expect(by('/og/')[1].path).toBe(`/og/v2/alerts/${pdBody.dedup_key}/close?identifierType=alias`);
    expect(by('/jsm/')[1].path).toBe(`/jsm/jsm/ops/integration/v2/alerts/${pdBody.dedup_key}/close?identifierType=alias`);
    expect((by('/slack/')[1].json as { text: string }).text).toContain('RESOLVED');
    expect((by('/hook')[1].json as { action: string }).action).toBe('resolve');

    // The alerts topic has the lifecycle with delivery outcomes.
    const alerts = await h.read<AlertRecord>('vigil_alerts');
    const last = alerts.at(-1)!;
    expect(last.status).toBe('resolved');
    expect(last.notifications.filter((n) => n.status === 'sent')).toHaveLength(10);
  });

  it('Alertmanager receiver re-sends while firing and sends endsAt on resolve', async () => {
    const rec = await withRecorder();
    const h = await harness({
      rules: [{ name: 'errors', receivers: ['am'] }],
      receivers: [{ name: 'am', type: 'alertmanager', url: rec.url, resendIntervalMs: MIN }],
    });
    const a = h.make();
    await a.start();
    await h.send(anomaly(T0));
    await rec.waitFor(1);
    await a.idle();
    const [first] = rec.requests;
    expect(first.path).toBe('/api/v2/alerts');
    const [al] = first.json as AlertmanagerAlert[];
    expect(al.labels).toMatchObject({ alertname: 'errors', service: 'checkout', metric: 'error_ratio', operation: 'POST /pay', severity: 'critical' });
    expect(Date.parse(al.endsAt)).toBe(T0 + 4 * MIN);
    h.clock.t = T0 + MIN;
    await h.send(anomaly(T0 + MIN));
    await settle(a, () => a.engine.counters.anomalies === 2, 'the second anomaly');
    await a.tick();
    await rec.waitFor(2);
    await a.idle();
    h.clock.t = T0 + 7 * MIN;
    await a.tick();
    await rec.waitFor(3);
    const [resolved] = rec.requests[2].json as AlertmanagerAlert[];
    expect(Date.parse(resolved.endsAt)).toBe(T0 + 7 * MIN);
    expect(resolved.labels).toEqual(al.labels);
  });
});

describe('state across restarts', () => {
  it('a restart mid-incident pages nobody twice and still resolves', async () => {
    const rec = await withRecorder();
    const h = await harness({
      rules: [{ name: 'errors', receivers: ['pd'] }],
      receivers: [{ name: 'pd', type: 'pagerduty', routingKey: PD_KEY, url: `${rec.url}/enqueue`, changeEvents: false }],
    });
    const first = h.make();
    await first.start();
    await h.send(anomaly(T0));
    await rec.waitFor(1);
    await first.idle();
    await first.shutdown(2000);

    const second = h.make();
    await second.start();
    h.clock.t = T0 + 2 * MIN;
    await h.send(anomaly(T0 + 2 * MIN));
    await second.tick();
    await second.idle();
    await new Promise((r) => setTimeout(r, 50));
    expect(rec.requests.map((r) => (r.json as { event_action: string }).event_action)).toEqual(['trigger']);
    h.clock.t = T0 + 8 * MIN;
    await second.tick();
    await rec.waitFor(2);
    const [trigger, resolve] = rec.requests.map((r) => r.json as { event_action: string; dedup_key: string });
    expect(resolve.event_action).toBe('resolve');
    expect(resolve.dedup_key).toBe(trigger.dedup_key);
  });

  it('a receiver down for a while is retried, then recorded as failed; other receivers lose nothing', async () => {
    const good = await withRecorder();
    const bad = await withRecorder();
    let calls = 0;
    bad.respond = () => {
      calls++;
      return { status: 503, body: 'down', headers: { 'retry-after': '2' } };
    };
    const h = await harness({
      rules: [{ name: 'errors', receivers: ['pd', 'slack'] }],
      receivers: [
        { name: 'pd', type: 'pagerduty', routingKey: PD_KEY, url: `${good.url}/enqueue`, changeEvents: false },
        { name: 'slack', type: 'slack', webhookUrl: `${bad.url}/hook`, delivery: { maxAttempts: 4, breakerThreshold: 10 } },
      ],
    });
    const a = h.make();
    await a.start();
    await h.send(anomaly(T0));
    await h.send(anomaly(T0, { service: 'search', seriesKey: 'search|GET /q|error_ratio', operation: 'GET /q' }));
    await good.waitFor(2);
    await settle(a, () => calls >= 8, 'the failing receiver to be tried 4 times per alert');
    const alerts = await h.read<AlertRecord>('vigil_alerts');
    for (const service of ['checkout', 'search']) {
      const latest = alerts.filter((x) => x.service === service).at(-1)!;
      const slack = latest.notifications.find((n) => n.receiver === 'slack')!;
      expect(slack).toMatchObject({ status: 'failed', attempts: 4 });
      expect(slack.error).toMatch(/^HTTP 503/);
      expect(slack.error).not.toContain(bad.url); // the webhook URL is a secret
      expect(latest.notifications.find((n) => n.receiver === 'pd')).toMatchObject({ status: 'sent', attempts: 1 });
    }
    // Comes back: the next retry window delivers.
    bad.respond = () => ({ status: 200, body: 'ok' });
    h.clock.t = T0 + 4 * MIN;
    await h.send(anomaly(T0 + 4 * MIN));
    await h.send(anomaly(T0 + 4 * MIN, { service: 'search', seriesKey: 'search|GET /q|error_ratio', operation: 'GET /q' }));
    await settle(a, () => a.engine.counters.anomalies === 4, 'the new anomalies');
    h.clock.t = T0 + 5 * MIN + 1000;
    await a.tick();
    await bad.waitFor(10);
    await a.idle();
    expect(good.requests).toHaveLength(2);
  });
});

describe('rollback hooks', () => {
  it('a failed verdict runs the command hook exactly once, also across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-rollback-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const out = join(dir, 'calls.txt');
    const code = "require('fs').appendFileSync(process.argv[1], [process.env.VIGIL_SERVICE, process.env.VIGIL_VERSION, process.env.VIGIL_DEPLOYMENT_ID, process.env.VIGIL_PREVIOUS_VERSION].join(' ') + '\\n')";
    const h = await harness({
      rules: [{ name: 'errors', receivers: [] }],
      rollback: { hooks: [{ type: 'command', service: 'checkout', argv: [process.execPath, '-e', code, out], timeoutMs: 10_000 }] },
    });
    const first = h.make();
    await first.start();
    await h.send({ schema: 'vigil.deployment/1', id: 'd1', service: 'checkout', version: '1.2.0', previousVersion: '1.1.0', timeMs: T0 - 5 * MIN, source: 'api' });
    await h.send(verdict(T0));
    await h.send(verdict(T0));
    await settle(first, () => existsSync(out), 'the hook to run');
    await settle(first, () => first.engine.getRollback('d1')?.phase === 'done', 'the rollback to finish');
    await first.shutdown(2000);
    const second = h.make();
    await second.start();
    await h.send(verdict(T0 + MIN, { id: 'd1:fail:again' }));
    await second.idle();
    await new Promise((r) => setTimeout(r, 100));
    await second.idle();
    expect(readFileSync(out, 'utf8')).toBe('checkout 1.2.0 d1 1.1.0\n');
    const audits = await h.read<RollbackRecord>('vigil_rollbacks');
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ deploymentId: 'd1', service: 'checkout', version: '1.2.0', hook: 'command', result: 'succeeded', dryRun: false });
    expect(audits[0].reason).toContain('error ratio 20×');
  });

  it('dry-run records what would run and runs nothing', async () => {
    const h = await harness({
      rollback: { dryRun: true, hooks: [{ type: 'command', argv: ['/bin/false'] }] },
    });
    const a = h.make();
    await a.start();
    await h.send(verdict(T0));
    await settle(a, () => a.engine.getRollback('d1')?.phase === 'done', 'the dry run');
    const [audit] = await h.read<RollbackRecord>('vigil_rollbacks');
    expect(audit).toMatchObject({ dryRun: true, result: 'skipped', hook: 'command' });
    expect(audit.detail).toContain('dry run');
  });
});

describe('HTTP API: gate and silences', () => {
  it('answers the Argo web metric and Flagger webhooks from the verdicts', async () => {
    const h = await harness({ api: { port: 0, auth: { bearerTokens: ['t0ken-t0ken-t0ken-1'] } } });
    const a = h.make();
    await a.start();
    const base = `http://127.0.0.1:${a.apiPort}`;
    const auth = { authorization: 'Bearer t0ken-t0ken-t0ken-1' };
    let res = await fetch(`${base}/v1/deployments/checkout/1.2.0/verdict`, { headers: auth });
    expect(await res.json()).toMatchObject({ status: 'unknown', pass: false, fail: false, decided: false });
    expect((await fetch(`${base}/v1/deployments/checkout/1.2.0/verdict`)).status).toBe(401);

    await h.send({ schema: 'vigil.deployment/1', id: 'd1', service: 'checkout', version: '1.2.0', timeMs: T0 - MIN, source: 'api' });
    await h.send(verdict(T0, { status: 'running', id: 'd1:running' }));
    await settle(a, () => a.engine.verdictFor('checkout', '1.2.0') !== undefined, 'the verdict');
    const flagger = (metadata: Record<string, string>) =>
      fetch(`${base}/v1/gate/flagger`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'checkout', namespace: 'shop', phase: 'Progressing', metadata }) });
    expect((await flagger({ token: 't0ken-t0ken-t0ken-1' })).status).toBe(200);
    expect((await flagger({ token: 't0ken-t0ken-t0ken-1', require: 'pass' })).status).toBe(403);
    expect((await flagger({ token: 'wrong-wrong-wrong-wrong' })).status).toBe(401);

    res = await fetch(`${base}/v1/deployments/checkout/1.2.0/verdict`, { headers: auth });
    expect(await res.json()).toMatchObject({ status: 'running', policy: 'standard', policyReason: null });
    await h.send(verdict(T0, { policy: 'strict', policyReason: 'CI flaky on c2: 1 test failed and passed on c2 (flaky): shop :: refunds' }));
    await settle(a, () => a.engine.verdictFor('checkout', '1.2.0')?.status === 'fail', 'the failed verdict');
    res = await fetch(`${base}/v1/deployments/checkout/1.2.0/verdict`, { headers: auth });
    // The gate says why the check was strict (Argo/Flagger users see it in the analysis).
    expect(await res.json()).toMatchObject({
      status: 'fail', pass: false, fail: true, decided: true, deploymentId: 'd1', policy: 'strict', policyReason: expect.stringMatching(/^CI flaky on c2/) as unknown,
    });
    const halted = await flagger({ token: 't0ken-t0ken-t0ken-1' });
    expect(halted.status).toBe(403);
    expect(await halted.json()).toMatchObject({ proceed: false, status: 'fail', canary: 'shop/checkout' });
    expect((await flagger({ token: 't0ken-t0ken-t0ken-1', hook: 'rollback' })).status).toBe(200);
  });

  it('silences via POST/GET/DELETE /v1/silences mute pages until expired', async () => {
    const rec = await withRecorder();
    const h = await harness({
      rules: [{ name: 'errors', receivers: ['pd'] }],
      receivers: [{ name: 'pd', type: 'pagerduty', routingKey: PD_KEY, url: `${rec.url}/enqueue`, changeEvents: false }],
    });
    const a = h.make();
    await a.start();
    const base = `http://127.0.0.1:${a.apiPort}`;
    const bad = await fetch(`${base}/v1/silences`, { method: 'POST', body: JSON.stringify({ matchers: [] }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('matchers');
    const created = await fetch(`${base}/v1/silences`, {
      method: 'POST',
      body: JSON.stringify({ matchers: [{ name: 'service', value: 'checkout' }], endsAt: new Date(T0 + 30 * MIN).toISOString(), createdBy: 'ops', comment: 'maintenance' }),
    });
    expect(created.status).toBe(201);
    const { silenceId } = (await created.json()) as { silenceId: string };
    await h.send(anomaly(T0));
    await settle(a, () => a.engine.listAlerts().length === 1, 'the alert');
    await a.tick();
    await a.idle();
    expect(rec.requests).toHaveLength(0);
    const list = (await (await fetch(`${base}/v1/silences`)).json()) as Array<{ id: string; state: string }>;
    expect(list).toEqual([expect.objectContaining({ id: silenceId, state: 'active', comment: 'maintenance' })]);
    expect((await fetch(`${base}/v1/silences/${silenceId}`, { method: 'DELETE' })).status).toBe(200);
    await rec.waitFor(1);
    expect((rec.requests[0].json as { event_action: string }).event_action).toBe('trigger');
  });
});
