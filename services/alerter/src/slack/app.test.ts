// "Ask Vigil" against the alerter on the in-process bus: real HTTP on both sides (Slack's
// requests signed as Slack signs them; a local server in place of Slack's Web API and
// response_url recording what Vigil posts, checked against Block Kit's limits).
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '@vigil/config';
import type { AlertRecord, DeploymentRecord, FeedbackRecord, RollbackRecord, VerdictRecord } from '@vigil/records';
import type { Alerter } from '../pipeline.js';
import { alerterHarness } from '../testing/harness.js';
import type { AlerterHarness } from '../testing/harness.js';
import { startRecorder } from '../testing/recorder.js';
import type { RecordedRequest, Recorder } from '../testing/recorder.js';
import { ACTION } from './alert-buttons.js';
import { blockKitViolations } from './blocks.js';
import type { Block } from './blocks.js';
import { slackSignature } from './signature.js';
import { cleanupAfterEach, anomalyMaker } from '../testing/test-kit.test-util.js';

const MIN = 60_000;
const T0 = Date.parse('2025-03-01T10:00:00Z');
const SECRET = 'slack-signing-secret-0123456789';
const TEMPLATE = 'payment provider rejected card token <*>: invalid currency <*>';

const cleanup = cleanupAfterEach();

interface Ctx { h: AlerterHarness; a: Alerter; slack: Recorder; base: string }

// The JSON bodies Vigil posts to Slack (Web API, response_url, webhooks) or answers Slack with:
// the fields these tests read, per Slack's Block Kit and interactivity documentation.
interface SlackElement { type?: string; action_id?: string; value?: string }
interface SlackBlock { type: string; image_url?: string; elements?: SlackElement[] }
interface SlackView { callback_id?: string; private_metadata?: string; blocks?: SlackBlock[] }
interface SlackBody {
  text?: string; blocks?: SlackBlock[]; view?: SlackView; thread_ts?: string; response_action?: string;
  // an OpenAI-compatible chat completion request (the assistant's model call)
  model?: string; messages?: unknown[];
}
/** A recorded or answered body, read as Slack JSON (plain text bodies have none of its fields). */
const slackBody = (v: unknown): SlackBody => (typeof v === 'object' && v !== null ? (v) : {});

async function setup(extra: (slackUrl: string) => Record<string, unknown> = () => ({})): Promise<Ctx> {
  const slack = await startRecorder((r) => {
    if (r.path === '/api/usergroups.users.list') return { status: 200, body: JSON.stringify({ ok: true, users: ['UGROUPMEMBER'] }) };
    if (r.path.startsWith('/query/v1/ci/tests?')) return { status: 200, body: JSON.stringify([{ suite: 'shop', name: 'refunds', runs: 5, failures: 1, failureRate: 0.2, recentFailureRate: 0.3, flaky: true, flakyRevisions: 1 }]) };
    if (r.path.startsWith('/query/v1/ci/pipelines?')) return { status: 200, body: JSON.stringify([{ pipeline: 'shop-ci', runs: 10, failed: 3, failureRate: 0.3, lastRunMs: T0 - 3_600_000, lastStatus: 'failed', lastPredictedFailureProbability: 0.42 }]) };
    if (r.path.startsWith('/query/')) return { status: 200, body: '[]' };
    if (r.path === '/llm/chat/completions') return { status: 200, body: JSON.stringify({ id: 'c1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'why checkout' }, finish_reason: 'stop' }] }) };
    return { status: 200, body: r.path.startsWith('/api/') ? JSON.stringify({ ok: true, ts: '1.2' }) : 'ok' };
  });
  cleanup.push(() => slack.close());
  const config = parseConfig({
    topics: { partitions: 2 },
    alerter: {
      tickIntervalMs: 3_600_000, api: { port: 0 },
      rules: [{ name: 'errors', match: { labels: { metric: 'error_ratio' } }, receivers: ['slack-hook'] }],
      receivers: [{ name: 'slack-hook', type: 'slack', webhookUrl: `${slack.url}/hooks/T0/B0/x` }],
      rollback: { onFailedVerdict: false, hooks: [{ type: 'webhook', url: `${slack.url}/rollback-hook` }] },
      slack: {
        enabled: true, signingSecret: SECRET, botToken: 'xoxb-test-token', apiUrl: `${slack.url}/api`, publicUrl: 'http://vigil.example:8082',
        consoleUrl: 'http://console.example', queryApiUrl: `${slack.url}/query`, authorizedUsers: ['UOK'], authorizedGroups: ['SONCALL'],
        ...extra(slack.url),
      },
    },
  });
  const h = await alerterHarness(config, T0, cleanup);
  const a = h.make();
  await a.start();
  return { h, a, slack, base: `http://127.0.0.1:${a.apiPort}` };
}

const anomaly = anomalyMaker({ score: 0.999, threshold: 0.99, deployment: { id: 'd1', version: '1.2.0', ageMs: 4 * MIN } });

/** A bad deploy of checkout: the deployment, errors on POST /pay, a new error template, a failed verdict. */
async function badDeploy(c: Ctx): Promise<void> {
  const dep: DeploymentRecord = { schema: 'vigil.deployment/1', id: 'd1', service: 'checkout', version: '1.2.0', previousVersion: '1.1.0', commit: 'abc123def456', timeMs: T0 - 5 * MIN, source: 'api' };
  await c.h.send(dep);
  for (let i = 3; i >= 0; i--) await c.h.send(anomaly(T0 - i * 10_000, { value: 0.2 + i * 0.01 }));
  await c.h.send(anomaly(T0, {
    id: 'tpl-1', seriesKey: 'checkout|new_log_template|t1', signal: 'logs', metric: 'new_log_template', operation: undefined, value: 1, expected: 0,
    score: 1, threshold: 0, severity: 'warning', summary: `checkout: new error log template after deploying 1.2.0: "${TEMPLATE}"`,
  }));
  const v: VerdictRecord = {
    schema: 'vigil.verdict/1', id: 'd1:fail', deploymentId: 'd1', service: 'checkout', version: '1.2.0', baselineVersion: '1.1.0', status: 'fail', mode: 'canary',
    deployedAtMs: T0 - 5 * MIN, decidedAtMs: T0, summary: 'error_ratio of POST /pay regressed 20x',
    evidence: [
      { check: 'error_ratio', operation: 'POST /pay', baseline: 0.01, candidate: 0.2, effect: 20, statistic: 12.5, bound: 4.6, decided: 'fail' },
      { check: 'new_log_template', baseline: 0, candidate: 1, effect: 1, statistic: 1, bound: 0, decided: 'fail', detail: TEMPLATE },
    ],
  };
  await c.h.send(v);
  const deadline = Date.now() + 15_000;
  while (!c.a.engine.listAlerts().some((x) => x.kind === 'symptom' && x.status === 'firing') || !c.a.engine.verdictFor('checkout', '1.2.0')) {
    if (Date.now() > deadline) throw new Error('the bad deploy did not reach the alerter');
    await new Promise((r) => setTimeout(r, 10));
  }
  await c.a.idle();
}

function signedHeaders(body: string, tsSec: number, contentType: string, secret = SECRET): Record<string, string> {
  return { 'content-type': contentType, 'x-slack-request-timestamp': String(tsSec), 'x-slack-signature': slackSignature(secret, String(tsSec), body) };
}

/** The answer's body: its JSON, or its text when it is not JSON. */
async function post(c: Ctx, path: string, body: string, headers: Record<string, string>): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${c.base}${path}`, { method: 'POST', body, headers });
  const text = await res.text();
  let json: unknown;
  try { json = JSON.parse(text); } catch { json = text; }
  return { status: res.status, json };
}

let n = 0;
async function command(c: Ctx, text: string, user = 'UOK'): Promise<{ status: number; answer?: SlackBody }> {
  const responsePath = `/respond/${++n}`;
  const body = new URLSearchParams({ command: '/vigil', text, user_id: user, user_name: 'dev', channel_id: 'C1', response_url: `${c.slack.url}${responsePath}`, trigger_id: `t${n}` }).toString();
  const r = await post(c, '/v1/slack/commands', body, signedHeaders(body, Math.floor(c.h.clock.t / 1000), 'application/x-www-form-urlencoded'));
  if (r.status !== 200) return { status: r.status };
  const [answer] = await c.slack.waitFor(1, (x) => x.path === responsePath);
  await c.a.idle();
  return { status: r.status, answer: slackBody(answer.json) };
}

async function interact(c: Ctx, payload: Record<string, unknown>): Promise<{ status: number; json: unknown }> {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const r = await post(c, '/v1/slack/interactivity', body, signedHeaders(body, Math.floor(c.h.clock.t / 1000), 'application/x-www-form-urlencoded'));
  await c.a.idle();
  return r;
}

const button = (actionId: string, alertId: string, user: string, respond: string) => ({
  type: 'block_actions', user: { id: user, username: user.toLowerCase() }, trigger_id: `trig-${++n}`, response_url: respond, channel: { id: 'C1' },
  actions: [{ action_id: actionId, value: alertId, block_id: `alert:${alertId}` }],
});

const allText = (msg: unknown): string => JSON.stringify(msg);

/** Every message Vigil posted (Web API, response_url, webhook) passes Block Kit's limits. */
function checkBlockKit(slack: Recorder): void {
  for (const r of slack.requests) {
    // blockKitViolations checks whatever is there; these are the two places blocks go.
    const j = r.json as { blocks?: Block[]; view?: { blocks?: Block[] } } | undefined;
    if (j?.blocks) expect(blockKitViolations(j.blocks), `${r.path}`).toEqual([]);
    if (j?.view?.blocks) expect(blockKitViolations(j.view.blocks, 'modal'), `${r.path} view`).toEqual([]);
  }
}

describe('Ask Vigil: request verification', () => {
  let c: Ctx;
  beforeEach(async () => { c = await setup(); });

  it('unsigned, wrongly signed, stale and replayed requests get 401 and do nothing; url_verification answers the challenge', async () => {
    const body = new URLSearchParams({ command: '/vigil', text: 'status', user_id: 'UOK', response_url: `${c.slack.url}/respond/x` }).toString();
    const ts = Math.floor(c.h.clock.t / 1000);
    const form = 'application/x-www-form-urlencoded';
    expect((await post(c, '/v1/slack/commands', body, { 'content-type': form })).status).toBe(401);
    expect((await post(c, '/v1/slack/commands', body, signedHeaders(body, ts, form, 'another-secret-000000'))).status).toBe(401);
    expect((await post(c, '/v1/slack/commands', body, signedHeaders(body, ts - 301, form))).status).toBe(401);
    const h = signedHeaders(body, ts, form);
    expect((await post(c, '/v1/slack/commands', `${body}&x=1`, h)).status).toBe(401); // altered body
    expect((await post(c, '/v1/slack/commands', body, h)).status).toBe(200);
    expect((await post(c, '/v1/slack/commands', body, h)).status).toBe(401); // replay
    await c.slack.waitFor(1, (r) => r.path === '/respond/x');
    await c.a.idle();
    expect(c.slack.requests.filter((r) => r.path === '/respond/x')).toHaveLength(1);
    // An unsigned button press changes nothing.
    const alertsBefore = JSON.stringify(c.a.engine.snapshot());
    const payload = new URLSearchParams({ payload: JSON.stringify(button(ACTION.ack, 'x', 'UOK', `${c.slack.url}/r`)) }).toString();
    expect((await post(c, '/v1/slack/interactivity', payload, { 'content-type': form })).status).toBe(401);
    expect(JSON.stringify(c.a.engine.snapshot())).toBe(alertsBefore);
    // Signed but malformed: a clear 400, nothing done.
    const badPayload = 'payload=%7Bnot-json';
    expect(await post(c, '/v1/slack/interactivity', badPayload, signedHeaders(badPayload, ts, form))).toEqual({ status: 400, json: { error: 'form field "payload" is not valid JSON' } });
    const badEvent = '{"type":';
    expect((await post(c, '/v1/slack/events', badEvent, signedHeaders(badEvent, ts, 'application/json'))).status).toBe(400);
    expect(JSON.stringify(c.a.engine.snapshot())).toBe(alertsBefore);
    const ev = JSON.stringify({ type: 'url_verification', challenge: 'ch4ll3nge' });
    expect(await post(c, '/v1/slack/events', ev, signedHeaders(ev, ts, 'application/json'))).toEqual({ status: 200, json: { challenge: 'ch4ll3nge' } });
  });
});

describe('Ask Vigil: questions and actions after a bad deploy', () => {
  let c: Ctx;
  beforeEach(async () => {
    c = await setup();
    await badDeploy(c);
  });

  it('answers every question from Vigil data, within Block Kit limits', async () => {
    const why = (await command(c, 'why is checkout broken?')).answer;
    const w = allText(why);
    expect(w).toContain('1.2.0'); // the deploy
    expect(w).toContain('POST /pay'); // the failing operation
    expect(w).toContain('payment provider rejected card token'); // the new template
    expect(w).toContain('abc123def456'); // the commit
    const img = why?.blocks?.find((b) => b.type === 'image');
    expect(img?.image_url).toMatch(/^http:\/\/vigil\.example:8082\/v1\/slack\/chart\?t=[0-9a-f]{32}$/);
    const png = await fetch(`${c.base}/v1/slack/chart?${new URL(img?.image_url ?? '').searchParams.toString()}`);
    expect(png.status).toBe(200);
    expect(Buffer.from(await png.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
    expect(why?.blocks?.some((b) => b.type === 'actions' && b.elements?.some((e) => e.action_id === ACTION.rollback))).toBe(true);

    const status = allText((await command(c, 'STATUS')).answer);
    expect(status).toMatch(/firing/);
    expect(status).toContain('checkout');
    expect(status).toContain('1.2.0');
    const deploys = allText((await command(c, 'deploys checkout')).answer);
    expect(deploys).toContain('1.2.0');
    expect(deploys).toContain('was 1.1.0');
    const verdict = allText((await command(c, 'verdcit checkout 1.2.0')).answer);
    expect(verdict).toContain('FAIL');
    expect(verdict).toContain('regressed 20x');
    expect(verdict).toContain('POST /pay');
    const symptom = c.a.engine.listAlerts().find((x) => x.kind === 'symptom')!;
    const similar = allText((await command(c, `similar ${symptom.id}`)).answer);
    expect(similar).toContain('Nothing similar');
    const explain = allText((await command(c, `explain ${symptom.evidence!.anomalyId}`)).answer);
    expect(explain).toMatch(/checkout's error_ratio on POST \/pay was 0\.2 .* above the expected 0\.01 \(normal band 0 to 0\.03\); score 0\.999 against the threshold 0\.990, flagged by spot/);
    const flaky = allText((await command(c, 'flaky shop')).answer);
    expect(flaky).toContain('refunds');
    expect(flaky).toContain('failed 1/5 runs');
    const risk = allText((await command(c, 'risk shop')).answer);
    expect(risk).toContain('~30%'); // no pipeline record: estimated from the suite's tests
    const pipelineRisk = allText((await command(c, 'risk shop-ci')).answer);
    expect(pipelineRisk).toContain('Predicted failure probability of the last announced run: *42%*');
    expect(pipelineRisk).toContain('3/10 runs failed');
    // Links to the console's pages.
    expect(w).toContain('http://console.example/#/deployment/d1');
    const unknown = (await command(c, 'blorp the checkout')).answer;
    expect(allText(unknown)).toContain('Did you mean');
    checkBlockKit(c.slack);
    // Every read-API call carried no Slack token; every Web API call carried the bot token.
    expect(c.slack.requests.filter((r) => r.path.startsWith('/query/')).every((r) => !r.headers.authorization)).toBe(true);
  });

  it('notifications carry the action buttons instead of URL-only buttons', async () => {
    const [note] = await c.slack.waitFor(1, (r) => r.path === '/hooks/T0/B0/x');
    const ids = (slackBody(note.json).blocks ?? []).filter((b) => b.type === 'actions').flatMap((b) => (b.elements ?? []).map((e) => e.action_id));
    expect(ids).toEqual(expect.arrayContaining([ACTION.ack, ACTION.silence, ACTION.notAnomaly, ACTION.similar, ACTION.rollback]));
    checkBlockKit(c.slack);
  });

  it('app_mention answers in the thread once, even when Slack retries; a 429 is waited out', async () => {
    let limited = false;
    const respond = c.slack.respond;
    c.slack.respond = (r: RecordedRequest) => {
      if (r.path === '/api/chat.postMessage' && !limited) {
        limited = true;
        return { status: 429, headers: { 'retry-after': '1' }, body: '{"ok":false,"error":"ratelimited"}' };
      }
      return respond(r);
    };
    const ev = JSON.stringify({ type: 'event_callback', event_id: 'Ev1', event: { type: 'app_mention', text: '<@UVIGIL> status checkout', channel: 'C9', ts: '100.1', user: 'UOK' } });
    const ts = Math.floor(c.h.clock.t / 1000);
    expect((await post(c, '/v1/slack/events', ev, signedHeaders(ev, ts, 'application/json'))).status).toBe(200);
    // Slack's retry: the same event, re-signed, with X-Slack-Retry-Num.
    expect((await post(c, '/v1/slack/events', ev, { ...signedHeaders(ev, ts + 1, 'application/json'), 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })).status).toBe(200);
    const posts = await c.slack.waitFor(2, (r) => r.path === '/api/chat.postMessage');
    await c.a.idle();
    const all = c.slack.requests.filter((r) => r.path === '/api/chat.postMessage');
    expect(all).toHaveLength(2); // the 429, then the one answer
    expect(posts[1].headers.authorization).toBe('Bearer xoxb-test-token');
    expect(slackBody(posts[1].json).thread_ts).toBe('100.1');
    expect(allText(posts[1].json)).toContain('firing');
    expect(c.a.slack!.web.rateLimited).toBe(1);
  });

  it('every action: refused when not authorised; done once, audited and in the alert history when authorised', async () => {
    const alert = c.a.engine.listAlerts().find((x) => x.kind === 'symptom')!;
    const r = (name: string) => `${c.slack.url}/r/${name}`;
    const said = async (name: string): Promise<unknown> => (await c.slack.waitFor(1, (x) => x.path === `/r/${name}`))[0].json;
    const actions = () => c.a.engine.getAlert(alert.id)!.notifications.filter((x) => x.kind.startsWith('action:'));

    // Unauthorised: refused, nothing changes.
    await interact(c, button(ACTION.ack, alert.id, 'UNOBODY', r('ack-no')));
    expect(allText(await said('ack-no'))).toContain('not allowed');
    await interact(c, button(ACTION.rollback, alert.id, 'UNOBODY', r('rb-no')));
    await said('rb-no');
    await interact(c, button(ACTION.notAnomaly, alert.id, 'UNOBODY', r('na-no')));
    await said('na-no');
    // Silence and resolution: no dialog for an unauthorised user, and a forged submission is refused.
    await interact(c, button(ACTION.silence, alert.id, 'UNOBODY', r('sil-no')));
    await said('sil-no');
    const forged = await interact(c, {
      type: 'view_submission', user: { id: 'UNOBODY' },
      view: { callback_id: 'vigil_silence', private_metadata: JSON.stringify({ alertId: alert.id }), state: { values: { duration: { duration: { selected_option: { value: '3600000' } } } } } },
    });
    expect(slackBody(forged.json).response_action).toBe('errors');
    const forgedRes = await interact(c, {
      type: 'view_submission', user: { id: 'UNOBODY' },
      view: { callback_id: 'vigil_resolution', private_metadata: JSON.stringify({ alertId: alert.id }), state: { values: { fixed_by: { fixed_by: { value: 'nothing' } } } } },
    });
    expect(slackBody(forgedRes.json).response_action).toBe('errors');
    expect(c.slack.requests.filter((x) => x.path === '/api/views.open')).toHaveLength(0);
    expect(c.a.engine.listSilences(c.h.clock.t)).toEqual([]);
    expect(c.a.memory.getIncident(alert.incidentId)?.resolution).toBeUndefined();
    expect(c.a.engine.getAlert(alert.id)!.acknowledgedAtMs).toBeUndefined();
    expect(c.a.engine.getRollback('d1')).toBeUndefined();
    expect(await c.h.read<FeedbackRecord>('vigil_feedback')).toEqual([]);
    expect(actions()).toEqual([]);

    // Similar incidents: a read, allowed to anyone; nothing similar yet.
    await interact(c, button(ACTION.similar, alert.id, 'UNOBODY', r('sim')));
    expect(allText(await said('sim'))).toContain('Nothing similar');

    // Acknowledge: once (a member of the authorised user group, looked up with usergroups.users.list).
    await interact(c, button(ACTION.ack, alert.id, 'UGROUPMEMBER', r('ack')));
    expect(allText(await said('ack'))).toContain('acknowledged');
    await interact(c, button(ACTION.ack, alert.id, 'UOK', r('ack2')));
    expect(allText(await said('ack2'))).toContain('Already acknowledged by slack:UGROUPMEMBER');
    expect(c.slack.requests.find((x) => x.path === '/api/usergroups.users.list')?.json).toEqual({ usergroup: 'SONCALL' });

    // Not an anomaly: the feedback path (a FeedbackRecord), once.
    await interact(c, button(ACTION.notAnomaly, alert.id, 'UOK', r('na')));
    await said('na');
    await interact(c, button(ACTION.notAnomaly, alert.id, 'UOK', r('na2')));
    expect(allText(await said('na2'))).toContain('Already marked');
    const feedback = await c.h.read<FeedbackRecord>('vigil_feedback');
    expect(feedback).toHaveLength(1);
    expect(feedback[0]).toMatchObject({ verdict: 'not_anomaly', seriesKey: 'checkout|POST /pay|error_ratio', by: 'slack:UOK (uok)' });

    // Silence: the button opens a modal (views.open); the submission creates the silence.
    await interact(c, button(ACTION.silence, alert.id, 'UOK', r('sil')));
    const [open] = await c.slack.waitFor(1, (x) => x.path === '/api/views.open');
    const view = slackBody(open.json).view ?? {};
    expect(view.callback_id).toBe('vigil_silence');
    const sub = await interact(c, {
      type: 'view_submission', user: { id: 'UOK', username: 'uok' },
      view: { callback_id: 'vigil_silence', private_metadata: view.private_metadata, state: { values: { duration: { duration: { selected_option: { value: '3600000' } } }, comment: { comment: { value: 'fix is rolling out' } } } } },
    });
    expect(sub).toEqual({ status: 200, json: {} });
    await said('sil');
    const silences = c.a.engine.listSilences(c.h.clock.t);
    expect(silences).toHaveLength(1);
    expect(silences[0]).toMatchObject({ createdBy: 'slack:UOK (uok)', comment: 'fix is rolling out', endsAtMs: c.h.clock.t + 3_600_000 });

    // Resolution: a modal; the submission feeds the incident memory.
    await interact(c, button(ACTION.resolution, alert.id, 'UOK', r('res')));
    const opens = await c.slack.waitFor(2, (x) => x.path === '/api/views.open');
    const rv = slackBody(opens[1].json).view ?? {};
    const bad = await interact(c, { type: 'view_submission', user: { id: 'UOK' }, view: { callback_id: 'vigil_resolution', private_metadata: rv.private_metadata, state: { values: {} } } });
    expect(slackBody(bad.json).response_action).toBe('errors');
    await interact(c, {
      type: 'view_submission', user: { id: 'UOK', username: 'uok' },
      view: { callback_id: 'vigil_resolution', private_metadata: rv.private_metadata, state: { values: { fixed_by: { fixed_by: { value: 'rolled back to 1.1.0 and fixed the currency table' } }, rollback_helped: { rollback_helped: { selected_option: { value: 'yes' } } } } } },
    });
    await said('res');
    expect(c.a.memory.getIncident(alert.incidentId)?.resolution).toMatchObject({ fixedBy: 'rolled back to 1.1.0 and fixed the currency table', rollbackHelped: true, by: 'slack:UOK (uok)' });

    // Roll back now, asked twice: the hook runs once.
    await interact(c, button(ACTION.rollback, alert.id, 'UOK', r('rb')));
    await interact(c, button(ACTION.rollback, alert.id, 'UOK', r('rb2')));
    await c.slack.waitFor(1, (x) => x.path === '/rollback-hook');
    const deadline = Date.now() + 10_000;
    while (c.a.engine.getRollback('d1')?.phase !== 'done' && Date.now() < deadline) await c.a.idle();
    expect(allText(await said('rb2'))).toMatch(/already/);
    await c.a.idle();
    expect(c.slack.requests.filter((x) => x.path === '/rollback-hook')).toHaveLength(1);
    const rollbacks = await c.h.read<RollbackRecord>('vigil_rollbacks');
    expect(rollbacks).toHaveLength(1);
    expect(rollbacks[0]).toMatchObject({ deploymentId: 'd1', result: 'succeeded', reason: expect.stringContaining('rollback asked by slack:UOK') as unknown });

    // Audited: the alert's history (state, API, and the AlertRecords on vigil_alerts).
    expect(actions().map((x) => x.kind)).toEqual(['action:acknowledge', 'action:not_anomaly', 'action:silence', 'action:resolution', 'action:rollback']);
    const records = await c.h.read<AlertRecord>('vigil_alerts');
    const last = records.filter((x) => x.id === alert.id).at(-1)!;
    expect(last.notifications.filter((x) => x.kind.startsWith('action:')).map((x) => [x.kind, x.by])).toEqual([
      ['action:acknowledge', 'slack:UGROUPMEMBER (ugroupmember)'], ['action:not_anomaly', 'slack:UOK (uok)'], ['action:silence', 'slack:UOK (uok)'],
      ['action:resolution', 'slack:UOK (uok)'], ['action:rollback', 'slack:UOK (uok)'],
    ]);
    const api = await (await fetch(`${c.base}/v1/alerts/${alert.id}`)).json() as { notifications: Array<{ kind: string }> };
    expect(api.notifications.filter((x) => x.kind.startsWith('action:'))).toHaveLength(5);
    checkBlockKit(c.slack);
  });

  it('similar: after the incident is resolved with its fix, a new alert of the same kind is answered with it', async () => {
    const alert = c.a.engine.listAlerts().find((x) => x.kind === 'symptom')!;
    await interact(c, {
      type: 'view_submission', user: { id: 'UOK', username: 'uok' },
      view: { callback_id: 'vigil_resolution', private_metadata: JSON.stringify({ alertId: alert.id }), state: { values: { fixed_by: { fixed_by: { value: 'restored the currency table' } } } } },
    });
    // Quiet for longer than resolveAfter: resolved and filed; then the same failure again (a new incident).
    c.h.clock.t += 30 * MIN;
    await c.a.tick();
    c.h.clock.t += 30 * MIN;
    await c.h.send(anomaly(c.h.clock.t, { deployment: { id: 'd2', version: '1.3.0', ageMs: MIN } }));
    const deadline = Date.now() + 10_000;
    while (c.a.engine.getAlert(alert.id)?.incidentNumber !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await c.a.tick();
    const similar = allText((await command(c, `similar ${alert.id}`)).answer);
    expect(similar).toContain('restored the currency table');
    expect(similar).toMatch(/resolved by: slack:UOK/);
    expect(similar).not.toContain('Nothing similar');
  });
});

describe('Ask Vigil: optional language model', () => {
  it('off by default: free text gets suggestions; on: it is rephrased into the grammar and answered from Vigil data', async () => {
    const off = await setup();
    await badDeploy(off);
    expect(allText((await command(off, 'what broke the shop thing')).answer)).toContain('Did you mean');
    expect(off.slack.requests.some((r) => r.path.startsWith('/llm'))).toBe(false);
    const on = await setup((url) => ({ llm: { enabled: true, url: `${url}/llm`, apiKey: 'sk-local-test', model: 'local-model' } }));
    await badDeploy(on);
    const a = allText((await command(on, 'what broke the shop thing')).answer);
    // The model only chose the command ("why checkout"); the facts are the alerter's.
    expect(a).toContain('1.2.0');
    expect(a).toContain('POST /pay');
    expect(a).toContain('read as `why checkout`');
    const [call] = on.slack.requests.filter((r) => r.path === '/llm/chat/completions');
    expect(call.headers.authorization).toBe('Bearer sk-local-test');
    expect(slackBody(call.json).model).toBe('local-model');
    expect(slackBody(call.json).messages?.at(-1)).toEqual({ role: 'user', content: 'what broke the shop thing' });
    // A question the grammar understands never goes to the model.
    await command(on, 'status');
    expect(on.slack.requests.filter((r) => r.path === '/llm/chat/completions')).toHaveLength(1);
  });
});
