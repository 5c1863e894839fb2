import { describe, expect, it } from 'vitest';
import { parseConfig } from '@vigil/config';
import type { AnomalyRecord, DeploymentRecord, FeedbackRecord, IncidentRecord, VerdictRecord } from '@vigil/records';
import { compileRules } from '../rules/rules.js';
import { AlertEngine } from '../lifecycle/engine.js';
import type { Alerter } from '../pipeline.js';
import { startRecorder } from '../testing/recorder.js';
import type { Recorder } from '../testing/recorder.js';
import { IncidentMemory } from './memory.js';
import { signPagerDuty } from './pagerduty-signature.js';
import { alerterHarness } from '../testing/harness.js';
import type { AlerterHarness } from '../testing/harness.js';
import { cleanupAfterEach, settle, anomalyMaker } from '../testing/test-kit.test-util.js';

const MIN = 60_000;
const T0 = Date.parse('2025-03-01T10:00:00Z');
const PD_SECRET = 'pd-webhook-secret-0123';

const cleanup = cleanupAfterEach();

interface Harness extends AlerterHarness {
  rec: Recorder;
}

async function harness(extra: Record<string, unknown> = {}): Promise<Harness> {
  const rec = await startRecorder();
  cleanup.push(() => rec.close());
  const config = parseConfig({
    topics: { partitions: 2 },
    alerter: {
      tickIntervalMs: 3_600_000, api: { port: 0 },
      rules: [{ name: 'default', receivers: ['hook', 'slack', 'pd'] }],
      receivers: [
        { name: 'hook', type: 'webhook', url: `${rec.url}/hook` },
        { name: 'slack', type: 'slack', webhookUrl: `${rec.url}/slack/T/B/X` },
        { name: 'pd', type: 'pagerduty', routingKey: 'R0UT1NGKEY0123456789abcdefabcdef', url: `${rec.url}/pd/v2/enqueue`, changeUrl: `${rec.url}/pd/v2/change`, changeEvents: false },
      ],
      deployments: { receivers: ['hook'] },
      incidents: { pagerduty: { signingSecret: PD_SECRET } },
      ...extra,
    },
  });
  return { ...(await alerterHarness(config, T0, cleanup)), rec };
}

const anomaly = anomalyMaker({
  seriesKey: 'checkout|POST /pay|latency_p99', metric: 'latency_p99', value: 900, expected: 120, lower: 0, upper: 200,
  score: 0.995, threshold: 0.99, summary: 'p99 latency of POST /pay is 900 ms (expected 120 ms)',
});

function templateAnomaly(now: number, text: string, id = 'tpl1'): AnomalyRecord {
  return anomaly(now, {
    seriesId: id, seriesKey: `checkout|new_log_template|${id}`, signal: 'logs', metric: 'new_log_template', operation: undefined, value: 1, expected: 0,
    score: 1, threshold: 0, severity: 'warning', summary: `checkout: new error log template after deploying 1.4.2: "${text}"`,
  });
}


const api = (a: Alerter) => `http://127.0.0.1:${a.apiPort}`;
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
// The received JSON bodies, as the receivers and the API document them: the fields these tests read.
interface SimilarWire { incident_id: string; fixed_by?: string; score: number; why: string[] }
interface HookBody { action?: string; alert: { rule: string; labels: Record<string, string> }; similar: SimilarWire[] }
interface SlackBody { text: string; blocks: Array<{ type: string; text?: { text: string } }> }
interface PagerDutyEvent { payload: { component: string; custom_details: { similar_incidents: unknown[] } } }
interface ApiAnswer {
  error?: string; feedbackId?: string; effect?: { requiredScore: number }; feedback?: unknown; resolution?: unknown;
  incidentId?: string; similar?: Array<{ incidentId: string; score: number; resolution: { fixedBy: string } }>;
}
const hook = (r: { json: unknown }): HookBody => r.json as HookBody;
const answer = async (res: Response): Promise<ApiAnswer> => (await res.json()) as ApiAnswer;
const hookTriggers = (rec: Recorder) => rec.requests.filter((r) => r.path === '/hook' && hook(r)?.action === 'trigger');

/** A started alerter that paged once for one anomaly at T0 (the anomaly feedback is then given on). */
async function pagedOnce(): Promise<{ h: Harness; a: Alerter; first: AnomalyRecord }> {
  const h = await harness();
  const a = h.make();
  await a.start();
  const first = anomaly(T0);
  await h.send(first);
  await settle(a, () => hookTriggers(h.rec).length === 1, 'the first page');
  return { h, a, first };
}

describe('operator feedback in the alerter', () => {
  it('after not_anomaly feedback a recurring benign pattern stops paging; a real regression on the same series still pages', async () => {
    const { h, a, first } = await pagedOnce();

    const fb = await post(`${api(a)}/v1/anomalies/${first.id}/feedback`, { verdict: 'not_anomaly', scope: 'series', note: 'nightly batch job', by: 'alice' });
    expect(fb.status).toBe(201);
    const fbBody = await answer(fb);
    // Benign score 0.995: u = -log10(0.005) = 2.30103; + margin 0.5 → required 1 - 10^-2.80103 = 0.998419.
    expect(fbBody.effect?.requiredScore).toBeCloseTo(0.998419, 5);
    const records = await h.read<FeedbackRecord>('vigil_feedback');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ schema: 'vigil.feedback/1', status: 'active', verdict: 'not_anomaly', scope: 'series', seriesKey: first.seriesKey, score: 0.995, by: 'alice', falseNegative: false });

    // The first incident resolves; the pattern recurs after the flap window: muted, recorded as suppressed.
    h.clock.t = T0 + 6 * MIN;
    await a.tick();
    h.clock.t = T0 + 30 * MIN;
    await h.send(anomaly(h.clock.t, { score: 0.996 }));
    await settle(a, () => a.engine.listAlerts().some((x) => x.incidentNumber === 1 && x.notifications.filter((n) => n.status === 'suppressed').length === 3), 'the second incident, muted');
    const alert = a.engine.listAlerts()[0];
    expect(alert.status).toBe('firing');
    expect(alert.feedbackSuppressedBy).toBe(fbBody.feedbackId);
    expect(alert.notifications.filter((n) => n.status === 'suppressed').map((n) => n.receiver).sort()).toEqual(['hook', 'pd', 'slack']);
    expect(alert.notifications.find((n) => n.status === 'suppressed')!.error).toContain(`suppressed by feedback ${fbBody.feedbackId}`);
    expect(hookTriggers(h.rec)).toHaveLength(1);

    // The other direction on the same series (latency collapsing) is not what was judged benign.
    await h.send(anomaly(h.clock.t, { seriesKey: 'checkout|POST /pay|latency_p99', value: 5, expected: 120, score: 0.995, operation: 'POST /pay', metric: 'latency_p99' }));
    await settle(a, () => hookTriggers(h.rec).length === 2, 'a page for the other direction');
    expect(a.engine.listAlerts()[0].feedbackSuppressedBy).toBeUndefined();
  });

  it('a much higher score, or a failed verdict of the deployment, still pages; revoking the feedback restores paging', async () => {
    const { h, a, first } = await pagedOnce();
    const fb = await answer(await post(`${api(a)}/v1/anomalies/${first.id}/feedback`, { verdict: 'not_anomaly', scope: 'operation' }));
    h.clock.t = T0 + 6 * MIN;
    await a.tick();

    // Same level on another metric of the operation (scope operation): suppressed.
    h.clock.t = T0 + 30 * MIN;
    await h.send(anomaly(h.clock.t, { seriesKey: 'checkout|POST /pay|latency_p95', metric: 'latency_p95', score: 0.995 }));
    await settle(a, () => a.engine.listAlerts().length === 2, 'the p95 alert');
    expect(a.engine.listAlerts().find((x) => x.labels.metric === 'latency_p95')!.feedbackSuppressedBy).toBe(fb.feedbackId);
    // A real regression: score 0.99999 (u = 5 > 2.8) on the judged series → pages.
    await h.send(anomaly(h.clock.t, { score: 0.99999 }));
    await settle(a, () => hookTriggers(h.rec).length === 2, 'the regression page');

    // A failed verdict of the anomaly's deployment: the deployment alert pages, and its anomalies are not suppressed.
    const dep: DeploymentRecord = { schema: 'vigil.deployment/1', id: 'd9', service: 'checkout', version: '2.0.0', previousVersion: '1.9.0', timeMs: h.clock.t, source: 'api' };
    const verdict: VerdictRecord = {
      schema: 'vigil.verdict/1', id: 'd9:fail', deploymentId: 'd9', service: 'checkout', version: '2.0.0', baselineVersion: '1.9.0', status: 'fail', mode: 'canary',
      deployedAtMs: h.clock.t, decidedAtMs: h.clock.t, summary: 'latency p99 3x baseline', evidence: [],
    };
    await h.send(dep);
    await h.send(verdict);
    await settle(a, () => hookTriggers(h.rec).some((r) => hook(r).alert.rule === 'deployment-verdict'), 'the deployment page');
    await h.send(anomaly(h.clock.t, { seriesKey: 'checkout|POST /pay|latency_p95', metric: 'latency_p95', score: 0.995, deployment: { id: 'd9', version: '2.0.0', ageMs: 0 } }));
    await settle(a, () => a.engine.listAlerts().find((x) => x.labels.metric === 'latency_p95')!.feedbackSuppressedBy === undefined, 'the verdict override');

    // Revoke: audited as revoked, and the model forgets it.
    const del = await fetch(`${api(a)}/v1/feedback/${fb.feedbackId}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect((await fetch(`${api(a)}/v1/feedback/${fb.feedbackId}`, { method: 'DELETE' })).status).toBe(404);
    const recs = await h.read<FeedbackRecord>('vigil_feedback');
    expect(recs.map((r) => r.status)).toEqual(['active', 'revoked']);
    expect(a.memory.feedback.size).toBe(0);
    const list = (await (await fetch(`${api(a)}/v1/feedback`)).json()) as unknown[];
    expect(list).toEqual([]);
  });

  it('rejects bad feedback with messages that quote the value', async () => {
    const h = await harness();
    const a = h.make();
    await a.start();
    const bad = await post(`${api(a)}/v1/anomalies/nope/feedback`, { verdict: 'maybe', scope: 'series' });
    expect(bad.status).toBe(400);
    expect((await answer(bad)).error).toContain('"maybe"');
    const unknown = await post(`${api(a)}/v1/anomalies/nope/feedback`, { verdict: 'real', scope: 'series' });
    expect(unknown.status).toBe(404);
    // A missed incident: real feedback with its identity, recorded as a false negative.
    const missed = await post(`${api(a)}/v1/anomalies/nope/feedback`, { verdict: 'real', scope: 'series', seriesKey: 'checkout|GET /|error_ratio', note: 'customers saw 500s' });
    expect(missed.status).toBe(201);
    expect((await answer(missed)).feedback).toMatchObject({ falseNegative: true, service: 'checkout', operation: 'GET /', metric: 'error_ratio' });
  });
});

describe('similar past incidents and resolutions', () => {
  it('remembers the fix of an incident, survives a restart, and shows it on the next similar alert (webhook, Slack, PagerDuty, API)', async () => {
    const h = await harness();
    let a = h.make();
    await a.start();
    await h.send(anomaly(T0));
    await h.send(templateAnomaly(T0, 'connection pool timeout after 3000 ms'));
    await settle(a, () => hookTriggers(h.rec).length >= 1, 'the first page');
    const latency = a.engine.listAlerts().find((x) => x.labels.metric === 'latency_p99')!;
    // No history yet: nothing similar.
    expect(hook(hookTriggers(h.rec)[0]).similar).toEqual([]);

    const res = await post(`${api(a)}/v1/alerts/${latency.id}/resolution`, { fixedBy: 'raised the db pool to 50', links: [{ name: 'postmortem', url: 'https://wiki.local/pm/42' }], by: 'bob' });
    expect(res.status).toBe(200);
    expect((await answer(res)).resolution).toMatchObject({ source: 'api', fixedBy: 'raised the db pool to 50', by: 'bob' });
    expect((await post(`${api(a)}/v1/alerts/nope/resolution`, { fixedBy: 'x' })).status).toBe(404);
    expect((await post(`${api(a)}/v1/alerts/${latency.id}/resolution`, { fixedBy: 'x', color: 'red' })).status).toBe(400);

    h.clock.t = T0 + 6 * MIN;
    await a.tick();
    const incidents = await h.read<IncidentRecord>('vigil_incidents');
    const filed = incidents.filter((r) => r.id === latency.incidentId && r.status === 'resolved');
    expect(filed).toHaveLength(1);
    expect(filed[0].fingerprint).toMatchObject({ service: 'checkout', metric: 'latency_p99', operation: 'POST /pay', templates: ['connection pool timeout after <*> ms'], deviations: ['latency_p99:up'] });
    expect(filed[0].resolution).toMatchObject({ fixedBy: 'raised the db pool to 50', links: [{ name: 'postmortem', url: 'https://wiki.local/pm/42' }] });

    // Restart: the memory comes back from the state topic.
    await a.shutdown(2000);
    a = h.make();
    await a.start();
    expect(a.memory.index.size).toBe(2); // the latency and the template incidents
    h.clock.t = T0 + 60 * MIN;
    const n = h.rec.requests.length;
    await h.send(templateAnomaly(h.clock.t, 'connection pool timeout after 5000 ms', 'tpl2'));
    await h.send(anomaly(h.clock.t, { score: 0.999 }));
    await settle(a, () => h.rec.requests.slice(n).filter((r) => r.path === '/hook' && hook(r).alert.labels.metric === 'latency_p99').length >= 1, 'the second latency page');
    const body = hook(h.rec.requests.slice(n).find((r) => r.path === '/hook' && hook(r).alert.labels.metric === 'latency_p99')!);
    expect(body.similar.length).toBeGreaterThanOrEqual(1);
    const top = body.similar[0];
    expect(top.incident_id).toBe(latency.incidentId);
    expect(top.fixed_by).toBe('raised the db pool to 50');
    // Same templates, deviation, operation, metric and service: 0.35 + 0.2 + 0.15 + 0.1 + 0.1 = 0.9.
    expect(top.score).toBe(0.9);
    expect(top.why[0]).toBe('+0.35 log templates 1/1 shared: "connection pool timeout after <*> ms"');

    const slack = h.rec.requests.slice(n).find((r) => r.path.startsWith('/slack') && (r.json as SlackBody).text.includes('latency_p99'))!.json as SlackBody;
    const simBlock = slack.blocks.find((b) => b.type === 'section' && b.text?.text.startsWith('*Similar past incidents*'));
    expect(simBlock?.text?.text).toContain('90% similar');
    expect(simBlock?.text?.text).toContain('fix: raised the db pool to 50');
    const pd = h.rec.requests.slice(n).find((r) => r.path === '/pd/v2/enqueue' && (r.json as PagerDutyEvent).payload.component === 'latency_p99 POST /pay')!.json as PagerDutyEvent;
    expect(pd.payload.custom_details.similar_incidents[0]).toMatchObject({ incident_id: latency.incidentId, score: 0.9, fixed_by: 'raised the db pool to 50' });

    const second = a.engine.getAlert(latency.id)!;
    const sim = await fetch(`${api(a)}/v1/alerts/${latency.id}/similar?k=5`);
    expect(sim.status).toBe(200);
    const simBody = await answer(sim);
    expect(simBody.incidentId).toBe(second.incidentId);
    expect(simBody.similar?.[0]).toMatchObject({ incidentId: latency.incidentId, score: 0.9 });
    expect(simBody.similar?.[0].resolution.fixedBy).toBe('raised the db pool to 50');
    expect((await fetch(`${api(a)}/v1/alerts/nope/similar`)).status).toBe(404);
    expect((await fetch(`${api(a)}/v1/alerts/${latency.id}/similar?k=0`)).status).toBe(400);
  });

  it('takes PagerDuty V3 webhooks: signature checked, resolve and resolution note attached', async () => {
    const h = await harness();
    const a = h.make();
    await a.start();
    await h.send(anomaly(T0));
    await settle(a, () => hookTriggers(h.rec).length === 1, 'the page');
    const alert = a.engine.listAlerts()[0];
    const resolved = JSON.stringify({
      event: {
        id: '01BRB6ZP4M6T8ZG4X6BP63ZB9O', event_type: 'incident.resolved', resource_type: 'incident', occurred_at: '2025-03-01T10:20:00Z',
        agent: { summary: 'Carol Oncall', type: 'user_reference' }, client: null,
        data: { id: 'PGR0VU2', type: 'incident', html_url: 'https://acme.pagerduty.com/incidents/PGR0VU2', status: 'resolved', incident_key: alert.incidentId, title: 'x', resolve_reason: null },
      },
    });
    const url = `${api(a)}/v1/integrations/pagerduty`;
    expect((await post(url, resolved)).status).toBe(401);
    expect((await post(url, resolved, { 'x-pagerduty-signature': 'v1=00ff' })).status).toBe(401);
    // Two signatures during a secret rotation: one valid is enough.
    const ok = await post(url, resolved, { 'x-pagerduty-signature': `v1=${'ab'.repeat(32)},${signPagerDuty(PD_SECRET, resolved)}` });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ handled: true, incidentId: alert.incidentId });
    const note = JSON.stringify({
      event: {
        id: '01BRB6ZP4M6T8ZG4X6BP63ZB9P', event_type: 'incident.annotated', resource_type: 'incident', occurred_at: '2025-03-01T10:21:00Z',
        agent: { summary: 'Carol Oncall' }, client: null,
        data: { incident: { id: 'PGR0VU2', type: 'incident_reference' }, id: 'P2LA89X', content: 'Resolution note: restarted pgbouncer', trimmed: false, type: 'incident_note' },
      },
    });
    const annotated = await post(url, note, { 'x-pagerduty-signature': signPagerDuty(PD_SECRET, note) });
    expect(await annotated.json()).toMatchObject({ handled: true, incidentId: alert.incidentId });
    const st = a.memory.getIncident(alert.incidentId)!;
    expect(st.resolution).toMatchObject({ source: 'pagerduty', fixedBy: 'restarted pgbouncer', by: 'Carol Oncall', links: [{ name: 'PagerDuty', url: 'https://acme.pagerduty.com/incidents/PGR0VU2' }] });
    expect(st.resolution!.notes).toEqual(['Resolution note: restarted pgbouncer']);
    expect(st.pagerdutyIncidentId).toBe('PGR0VU2');
  });
});

describe('IncidentMemory with the engine (pure)', () => {
  it('files an incident that a succeeded rollback of its deployment cleared as fixed by the rollback', () => {
    const config = parseConfig({});
    const cfg = config.alerter;
    const engine = new AlertEngine({
      rules: compileRules([{ name: 'default', match: { labels: {} }, minScore: 0, forMs: 0, groupBy: ['service', 'metric', 'operation'], receivers: [], action: 'notify', continue: false }], { repeatIntervalMs: 60 * MIN, resolveAfterMs: 5 * MIN, flapWindowMs: 15 * MIN }),
      receivers: {}, retainResolvedMs: 24 * 60 * MIN,
      defaults: { repeatIntervalMs: 60 * MIN, resolveAfterMs: 5 * MIN, flapWindowMs: 15 * MIN },
      deployments: { receivers: [], severity: 'critical', inhibitSlackMs: MIN, autoResolveMs: 24 * 60 * MIN },
      rollback: { enabled: true, onFailedVerdict: true, maxPerServicePerHour: 2, maxDeploymentAgeMs: 2 * 60 * MIN },
    });
    const memory = new IncidentMemory(cfg.incidents, config.feedback);
    engine.onDeployment({ schema: 'vigil.deployment/1', id: 'd1', service: 'payments', version: '1.4.2', previousVersion: '1.4.2', commit: 'c0ffee', timeMs: T0, source: 'api' }, T0);
    const a = anomaly(T0 + MIN, { service: 'payments', seriesKey: 'payments|POST /charge|error_ratio', metric: 'error_ratio', operation: 'POST /charge', value: 0.3, expected: 0.01, deployment: { id: 'd1', version: '1.4.2', ageMs: MIN } });
    memory.observe(a);
    engine.onAnomaly(a, T0 + MIN);
    engine.onVerdict({ schema: 'vigil.verdict/1', id: 'd1:fail', deploymentId: 'd1', service: 'payments', version: '1.4.2', status: 'fail', mode: 'before_after', deployedAtMs: T0, decidedAtMs: T0 + MIN, summary: 'error ratio 30x', evidence: [{ check: 'error_ratio', baseline: 0.01, candidate: 0.3, effect: 30, statistic: 9, bound: 4.6, decided: 'fail' }] }, T0 + MIN);
    memory.sync(engine, T0 + MIN);
    const open = memory.getIncident(engine.listAlerts().find((x) => x.kind === 'symptom')!.incidentId)!;
    // Same version redeployed (config change) and a failed verdict.
    expect(open.fingerprint).toMatchObject({ deployChange: 'config', verdict: 'fail', deployment: { id: 'd1', version: '1.4.2', commit: 'c0ffee' } });
    expect(engine.drainRollbackRequests()).toHaveLength(1);
    engine.finishRollback('d1', { result: 'succeeded', hook: 'command', dryRun: false, detail: 'exit 0' }, T0 + 2 * MIN);
    engine.tick(T0 + 7 * MIN);
    memory.sync(engine, T0 + 7 * MIN);
    const filed = memory.getIncident(open.id)!;
    expect(filed.status).toBe('resolved');
    expect(filed.resolution).toMatchObject({ source: 'rollback', rollbackHelped: true, fixedBy: 'rollback of payments 1.4.2 to 1.4.2' });
    const recs = memory.drainRecords();
    expect(recs.some((r) => r.schema === 'vigil.incident/1' && r.id === open.id && r.status === 'resolved')).toBe(true);
    // The state entries round-trip into a fresh memory with the same index.
    const copy = new IncidentMemory(cfg.incidents, config.feedback);
    for (const { key, value } of memory.drainState()) copy.restore(key, value);
    copy.afterRestore(T0 + 8 * MIN);
    expect(copy.index.get(open.id)?.resolution?.source).toBe('rollback');
  });
});
