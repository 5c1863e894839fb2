// "Ask Vigil": the Slack app on the alerter API.
//   POST /v1/slack/commands       slash command /vigil (application/x-www-form-urlencoded)
//   POST /v1/slack/events         Events API: url_verification, event_callback app_mention (JSON)
//   POST /v1/slack/interactivity  block_actions and view_submission (form field `payload`, JSON)
//   GET  /v1/slack/chart?t=…      chart PNGs for image blocks (the token is the capability)
// Every POST is verified first (signature.ts: v0 HMAC, 5-minute window, replays refused) and
// refused with 401 before anything is parsed or done. Slack wants an answer within 3 seconds:
// each request is answered at once and the work continues after it, answering through
// response_url or chat.postMessage (web-api.ts: 429 Retry-After honoured). Events API retries
// (X-Slack-Retry-Num) of an event already taken are acknowledged and not acted on again.
// Actions are authorised (configured users or user groups), confirmed in Slack (confirm
// dialogs, modals), audited on the alert (engine.recordAction → vigil_alerts) and persisted
// before they are reported done.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SlackAppConfig } from '@vigil/config';
import { sendJson } from '@vigil/telemetry';
import type { RouteHandler, Telemetry } from '@vigil/telemetry';
import type { AlertEngine } from '../lifecycle/engine.js';
import { parseSilence } from '../lifecycle/silences.js';
import type { IncidentMemory } from '../incidents/memory.js';
import type { Fetch } from '../receivers/delivery.js';
import { HttpError, readText } from '../api/http.js';
import { ACTION } from './alert-buttons.js';
import { answer, findAlert, helpMessage } from './answers.js';
import { context, esc, message, plain, section } from './blocks.js';
import type { Block, SlackMessage } from './blocks.js';
import { CHART_PATH, ChartStore } from './charts.js';
import { parse } from './grammar.js';
import { rephrase } from './llm.js';
import { ReadApi } from './reads.js';
import { ReplayGuard, verifySlackRequest } from './signature.js';
import { SlackWebApi } from './web-api.js';

export const SLACK_PATHS = { commands: '/v1/slack/commands', events: '/v1/slack/events', interactivity: '/v1/slack/interactivity', chart: CHART_PATH } as const;

export interface SlackAppDeps {
  config: SlackAppConfig;
  engine: AlertEngine;
  memory: IncidentMemory;
  telemetry: Telemetry;
  now(): number;
  /** Persist the engine's and memory's changes (and dispatch what they imply, e.g. a rollback hook). */
  persist(): Promise<void>;
  /** Keep track of work that continues after the HTTP answer (idle(), shutdown). */
  track(p: Promise<unknown>): void;
  fetch?: Fetch;
  /** Web API waits (tests pass a fast one). */
  sleep?: (ms: number) => Promise<void>;
}

const MAX_BODY = 128 * 1024;
const EVENT_MEMORY_MS = 60 * 60_000;
const GROUP_CACHE_MS = 5 * 60_000;

export class SlackApp {
  readonly web: SlackWebApi;
  readonly charts: ChartStore;
  private readonly reads?: ReadApi;
  private readonly replay = new ReplayGuard();
  private readonly events = new Map<string, number>();
  private readonly groups = new Map<string, { users: Set<string>; atMs: number }>();
  private readonly m;

  constructor(private readonly d: SlackAppDeps) {
    const c = d.config;
    this.web = new SlackWebApi({ apiUrl: c.apiUrl, botToken: c.botToken, fetch: d.fetch, sleep: d.sleep, now: () => d.now() });
    this.charts = new ChartStore(c.chartTtlMs);
    if (c.queryApiUrl) this.reads = new ReadApi({ url: c.queryApiUrl, token: c.queryApiToken, fetch: d.fetch });
    const t = d.telemetry;
    this.m = {
      requests: t.counter('vigil_alerter_slack_requests_total', 'Slack requests by endpoint and result', ['endpoint', 'result']),
      actions: t.counter('vigil_alerter_slack_actions_total', 'Slack actions by action and outcome', ['action', 'outcome']),
    };
  }

  routes(): RouteHandler[] {
    return [async (req, res, url) => {
      if (url.pathname === CHART_PATH && req.method === 'GET') return this.serveChart(res, url), true;
      const endpoint = url.pathname === SLACK_PATHS.commands ? 'commands' : url.pathname === SLACK_PATHS.events ? 'events' : url.pathname === SLACK_PATHS.interactivity ? 'interactivity' : undefined;
      if (!endpoint) return false;
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST' }), true;
      let raw: string;
      try {
        raw = await readText(req, MAX_BODY);
      } catch (err) {
        return sendJson(res, err instanceof HttpError ? err.status : 400, { error: (err as Error).message }), true;
      }
      const v = verifySlackRequest(this.d.config.signingSecret ?? '', req.headers, raw, this.d.now(), this.replay);
      if (!v.ok) {
        this.m.requests.inc({ endpoint, result: v.reason });
        sendJson(res, 401, { error: `request not verified: ${v.reason}` });
        return true;
      }
      this.m.requests.inc({ endpoint, result: 'ok' });
      try {
        if (endpoint === 'commands') this.onCommand(res, new URLSearchParams(raw));
        else if (endpoint === 'events') this.onEvent(req, res, raw);
        else await this.onInteraction(res, new URLSearchParams(raw));
      } catch (err) {
        if (!res.headersSent) sendJson(res, err instanceof HttpError ? err.status : 400, { error: (err as Error).message });
      }
      return true;
    }];
  }

  // ---------------------------------------------------------------- questions

  private onCommand(res: ServerResponse, form: URLSearchParams): void {
    const text = form.get('text') ?? '';
    const responseUrl = form.get('response_url');
    const channel = form.get('channel_id') ?? undefined;
    // Answer at once (Slack's 3 s); the answer follows through response_url.
    sendJson(res, 200, { response_type: 'ephemeral', text: `:mag: ${text ? `"${esc(text.slice(0, 100))}"` : 'help'}…` });
    this.d.track((async () => {
      const msg = await this.ask(text);
      if (responseUrl) await this.reply(this.web.respond(responseUrl, { response_type: 'in_channel', ...msg }), 'command');
      else if (channel) await this.reply(this.web.call('chat.postMessage', { channel, ...msg }), 'command');
    })());
  }

  private onEvent(req: IncomingMessage, res: ServerResponse, raw: string): void {
    let body: { type?: string; challenge?: unknown; event_id?: string; event?: { type?: string; text?: string; channel?: string; ts?: string; thread_ts?: string; user?: string; bot_id?: string } };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      throw new HttpError(400, 'body is not valid JSON');
    }
    if (body.type === 'url_verification') {
      sendJson(res, 200, { challenge: typeof body.challenge === 'string' ? body.challenge : '' });
      return;
    }
    // Acknowledge first: Slack retries (X-Slack-Retry-Num) when it gets no 2xx within 3 s.
    sendJson(res, 200, { ok: true });
    if (body.type !== 'event_callback' || !body.event || body.event.type !== 'app_mention' || body.event.bot_id) return;
    const id = body.event_id ?? `${body.event.channel}:${body.event.ts}`;
    const now = this.d.now();
    for (const [k, at] of this.events) {
      if (now - at <= EVENT_MEMORY_MS && this.events.size <= 10_000) break;
      this.events.delete(k);
    }
    if (this.events.has(id)) {
      this.m.requests.inc({ endpoint: 'events', result: `retry_ignored${req.headers['x-slack-retry-num'] ? '' : '_duplicate'}` });
      return;
    }
    this.events.set(id, now);
    const ev = body.event;
    this.d.track((async () => {
      const msg = await this.ask(ev.text ?? '');
      if (ev.channel) await this.reply(this.web.call('chat.postMessage', { channel: ev.channel, thread_ts: ev.thread_ts ?? ev.ts, ...msg }), 'event');
    })());
  }

  /** Answer a question; a failure becomes a message saying so (never silence). */
  async ask(text: string): Promise<SlackMessage> {
    try {
      return await this.askOrThrow(text);
    } catch (err) {
      this.d.telemetry.event('slack_answer_failed', { err: (err as Error).message }, 'warn');
      return message('Vigil could not answer', [section(`:warning: Vigil could not answer this: ${(err as Error).message.slice(0, 500)}`)]);
    }
  }

  /** Parse (with the optional language model only when the grammar does not understand) and answer. */
  private async askOrThrow(text: string): Promise<SlackMessage> {
    let q = parse(text);
    let rephrased: string | undefined;
    const llm = this.d.config.llm;
    if (!q.ok && llm.enabled && llm.url) {
      rephrased = await rephrase(text, { url: llm.url, apiKey: llm.apiKey, model: llm.model, timeoutMs: llm.timeoutMs, fetch: this.d.fetch });
      if (rephrased) {
        const q2 = parse(rephrased);
        if (q2.ok) q = q2;
      }
    }
    const msg = await answer(q, this.answerDeps());
    if (rephrased && q.ok) msg.blocks.push(context(`read as \`${rephrased.replace(/`/g, '')}\` (phrasing by the language model; the facts are Vigil's)`));
    return msg;
  }

  private answerDeps() {
    const c = this.d.config;
    return {
      engine: this.d.engine, memory: this.d.memory, now: this.d.now(), reads: this.reads, consoleUrl: c.consoleUrl, interactive: true,
      chart: c.publicUrl ? (png: Buffer) => `${c.publicUrl!.replace(/\/$/, '')}${CHART_PATH}?t=${this.charts.put(png, this.d.now())}` : undefined,
    };
  }

  private serveChart(res: ServerResponse, url: URL): void {
    const png = this.charts.get(url.searchParams.get('t') ?? '', this.d.now());
    if (!png) return sendJson(res, 404, { error: 'no such chart (expired?)' });
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length, 'cache-control': 'private, max-age=3600' });
    res.end(png);
  }

  private async reply(p: Promise<{ ok: boolean; error?: string }>, what: string): Promise<void> {
    const r = await p;
    if (!r.ok) this.d.telemetry.event('slack_reply_failed', { what, err: r.error }, 'warn');
  }

  // ---------------------------------------------------------------- actions

  /** Whether a Slack user may act: listed, or a member of a listed user group (usergroups.users.list, cached 5 min). */
  async authorised(userId: string): Promise<boolean> {
    const c = this.d.config;
    if (c.authorizedUsers.includes(userId)) return true;
    const now = this.d.now();
    for (const g of c.authorizedGroups) {
      let cached = this.groups.get(g);
      if (!cached || now - cached.atMs > GROUP_CACHE_MS) {
        const r = await this.web.call('usergroups.users.list', { usergroup: g });
        if (!r.ok) {
          this.d.telemetry.event('slack_usergroup_lookup_failed', { usergroup: g, err: r.error }, 'warn');
          continue;
        }
        cached = { users: new Set(Array.isArray(r.body.users) ? (r.body.users as unknown[]).filter((u): u is string => typeof u === 'string') : []), atMs: now };
        this.groups.set(g, cached);
      }
      if (cached.users.has(userId)) return true;
    }
    return false;
  }

  private async onInteraction(res: ServerResponse, form: URLSearchParams): Promise<void> {
    let p: InteractionPayload;
    try {
      p = JSON.parse(form.get('payload') ?? '') as InteractionPayload;
    } catch {
      throw new HttpError(400, 'form field "payload" is not valid JSON');
    }
    const user = p.user?.id ?? '';
    const by = `slack:${user}${p.user?.username || p.user?.name ? ` (${p.user?.username ?? p.user?.name})` : ''}`;
    if (p.type === 'view_submission') {
      const meta = safeMeta(p.view?.private_metadata);
      const result = await this.onSubmission(p, meta, user, by);
      // {} closes the modal; response_action "errors" keeps it open with the messages.
      sendJson(res, 200, result);
      return;
    }
    if (p.type !== 'block_actions' || !p.actions?.length) {
      sendJson(res, 200, {});
      return;
    }
    const act = p.actions[0];
    const alertId = act.value ?? '';
    const responseUrl = p.response_url;
    const channel = p.channel?.id ?? p.container?.channel_id;
    // Modals need the trigger_id within 3 s: open them before answering.
    if (act.action_id === ACTION.silence || act.action_id === ACTION.resolution) {
      const ok = await this.authorised(user);
      if (!ok) {
        sendJson(res, 200, {});
        this.refuse(act.action_id, user, responseUrl);
        return;
      }
      const view = act.action_id === ACTION.silence ? this.silenceModal(alertId, responseUrl, channel) : this.resolutionModal(alertId, responseUrl, channel);
      sendJson(res, 200, {});
      this.d.track((async () => {
        const r = await this.web.call('views.open', { trigger_id: p.trigger_id, view });
        if (!r.ok) await this.say(responseUrl, channel, `:warning: Could not open the dialog: ${r.error}`);
      })());
      return;
    }
    sendJson(res, 200, {});
    this.d.track(this.onButton(act.action_id, alertId, user, by, responseUrl, channel));
  }

  private async onButton(actionId: string, alertId: string, user: string, by: string, responseUrl?: string, channel?: string): Promise<void> {
    if (actionId === ACTION.similar) {
      const msg = await answer({ ok: true, verb: 'similar', args: [alertId] }, this.answerDeps());
      await this.postMessage(responseUrl, channel, msg);
      return;
    }
    const name = ({ [ACTION.ack]: 'acknowledge', [ACTION.notAnomaly]: 'not_anomaly', [ACTION.rollback]: 'rollback' } as Record<string, string>)[actionId];
    if (!name) return; // link buttons and unknown actions: nothing to do
    if (!(await this.authorised(user))) return this.refuse(actionId, user, responseUrl);
    const engine = this.d.engine;
    const now = this.d.now();
    const alert = findAlert(engine, alertId);
    if (!alert) return this.say(responseUrl, channel, `:warning: Alert \`${alertId}\` is not known (any more).`);
    let text: string;
    if (name === 'acknowledge') {
      const r = engine.acknowledge(alert.id, by, now);
      text = r.outcome === 'done' ? `:white_check_mark: <@${user}> acknowledged ${alert.service}'s alert \`${alert.id}\`.` : `Already acknowledged by ${r.by ?? 'someone'}.`;
      this.m.actions.inc({ action: name, outcome: r.outcome });
    } else if (name === 'not_anomaly') {
      const already = alert.notifications.some((x) => x.kind === 'action:not_anomaly' && x.atMs >= alert.startsAtMs);
      if (already || !alert.evidence) {
        text = already ? 'Already marked as not an anomaly for this incident.' : 'This alert has no anomaly to give feedback on (a deployment verdict).';
        this.m.actions.inc({ action: name, outcome: 'already' });
      } else {
        const { record } = this.d.memory.addFeedback(alert.evidence.anomalyId, { verdict: 'not_anomaly', scope: 'series', by, note: 'marked from Slack' }, randomUUID(), now, engine);
        engine.recordAction(alert.id, 'not_anomaly', by, `feedback ${record.id} on ${record.seriesKey}`, now);
        text = `:ok_hand: <@${user}> marked ${alert.evidence.seriesKey} as not an anomaly (feedback \`${record.id}\`).`;
        this.m.actions.inc({ action: name, outcome: 'done' });
      }
    } else {
      const r = engine.rollbackNow(alert.id, by, now);
      const rb = r.rollback;
      text = r.outcome === 'requested' ? `:rewind: <@${user}> asked for a rollback of ${alert.service} ${rb?.version ?? ''}: ${rb?.phase === 'done' ? `${rb.result} (${rb.detail ?? ''})` : 'the hook is running'}.`
        : r.outcome === 'already' ? `A rollback of ${alert.service} ${rb?.version ?? ''} was already ${rb?.phase === 'done' ? `done: ${rb.result}${rb.dryRun ? ' (dry run)' : ''}` : 'requested'} — it runs once per deployment.`
        : r.outcome === 'no_deployment' ? 'No deployment behind this alert: nothing to roll back.'
        : r.outcome === 'disabled' ? 'Rollbacks are disabled (alerter.rollback.enabled).' : 'Alert not known.';
      this.m.actions.inc({ action: name, outcome: r.outcome });
    }
    await this.d.persist();
    await this.say(responseUrl, channel, text);
  }

  private async onSubmission(p: InteractionPayload, meta: Meta, user: string, by: string): Promise<Record<string, unknown>> {
    const cb = p.view?.callback_id;
    if (cb !== 'vigil_silence' && cb !== 'vigil_resolution') return {};
    if (!(await this.authorised(user))) {
      this.refuse(cb, user, meta.responseUrl);
      return { response_action: 'errors', errors: { [cb === 'vigil_silence' ? 'duration' : 'fixed_by']: 'You are not allowed to do this (alerter.slack.authorizedUsers / authorizedGroups).' } };
    }
    const values = p.view?.state?.values ?? {};
    const val = (block: string, action: string): string | undefined => {
      const v = values[block]?.[action];
      return v?.selected_option?.value ?? (typeof v?.value === 'string' && v.value.trim() !== '' ? v.value.trim() : undefined);
    };
    const engine = this.d.engine;
    const now = this.d.now();
    const alert = findAlert(engine, meta.alertId);
    if (!alert) return { response_action: 'errors', errors: { [cb === 'vigil_silence' ? 'duration' : 'fixed_by']: `Alert ${meta.alertId} is not known (any more).` } };
    let text: string;
    if (cb === 'vigil_silence') {
      const durationMs = Number(val('duration', 'duration'));
      if (!this.d.config.silenceDurationsMs.includes(durationMs)) return { response_action: 'errors', errors: { duration: 'Choose one of the offered durations.' } };
      const comment = val('comment', 'comment') ?? 'silenced from Slack';
      const matchers = Object.entries(alert.labels).map(([name, value]) => ({ name, value }));
      const silence = parseSilence({ matchers, durationMs, createdBy: by, comment }, randomUUID(), now);
      engine.addSilence(silence);
      engine.recordAction(alert.id, 'silence', by, `silence ${silence.id} for ${Math.round(durationMs / 60_000)} min: ${comment}`, now);
      text = `:mute: <@${user}> silenced ${alert.service}'s alert for ${Math.round(durationMs / 60_000)} min (silence \`${silence.id}\`).`;
      this.m.actions.inc({ action: 'silence', outcome: 'done' });
    } else {
      const fixedBy = val('fixed_by', 'fixed_by');
      const note = val('note', 'note');
      const link = val('link', 'link');
      const helped = val('rollback_helped', 'rollback_helped');
      if (!fixedBy && !note) return { response_action: 'errors', errors: { fixed_by: 'Say what fixed it (or add a note).' } };
      if (link && !/^https?:\/\/\S+$/.test(link)) return { response_action: 'errors', errors: { link: 'A link starts with http:// or https://' } };
      const st = this.d.memory.attachResolution(alert.id, {
        ...(fixedBy ? { fixedBy } : {}), ...(note ? { note } : {}), by, links: link ? [{ name: 'link', url: link }] : [],
        ...(helped === 'yes' ? { rollbackHelped: true } : helped === 'no' ? { rollbackHelped: false } : {}),
      }, 'api', now, engine);
      if (!st) return { response_action: 'errors', errors: { fixed_by: 'This alert never fired, so there is no incident to resolve.' } };
      engine.recordAction(alert.id, 'resolution', by, `resolution of incident ${st.id}: ${fixedBy ?? note}`, now);
      text = `:memo: <@${user}> recorded how ${alert.service}'s incident was fixed: ${fixedBy ?? note}. The incident memory will suggest it next time.`;
      this.m.actions.inc({ action: 'resolution', outcome: 'done' });
    }
    await this.d.persist();
    this.d.track(this.say(meta.responseUrl, meta.channel, text));
    return {};
  }

  private silenceModal(alertId: string, responseUrl?: string, channel?: string): Record<string, unknown> {
    const mins = (ms: number): string => (ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : `${Math.round(ms / 60_000)} min`);
    return {
      type: 'modal', callback_id: 'vigil_silence', private_metadata: JSON.stringify({ alertId, responseUrl, channel }).slice(0, 3000),
      title: plain('Silence alert', 24), submit: plain('Silence', 24), close: plain('Cancel', 24),
      blocks: [
        section(`Silence the alert \`${alertId}\` (its rule and group labels) for:`),
        { type: 'input', block_id: 'duration', label: plain('Duration', 2000), element: { type: 'static_select', action_id: 'duration', options: this.d.config.silenceDurationsMs.map((ms) => ({ text: plain(mins(ms), 75), value: String(ms) })) } },
        { type: 'input', block_id: 'comment', optional: true, label: plain('Why', 2000), element: { type: 'plain_text_input', action_id: 'comment', max_length: 500 } },
      ] as Block[],
    };
  }

  private resolutionModal(alertId: string, responseUrl?: string, channel?: string): Record<string, unknown> {
    return {
      type: 'modal', callback_id: 'vigil_resolution', private_metadata: JSON.stringify({ alertId, responseUrl, channel }).slice(0, 3000),
      title: plain('Record resolution', 24), submit: plain('Record', 24), close: plain('Cancel', 24),
      blocks: [
        { type: 'input', block_id: 'fixed_by', optional: true, label: plain('What fixed it', 2000), element: { type: 'plain_text_input', action_id: 'fixed_by', max_length: 1000 } },
        { type: 'input', block_id: 'rollback_helped', optional: true, label: plain('Did a rollback help?', 2000), element: { type: 'static_select', action_id: 'rollback_helped', options: [{ text: plain('Yes', 75), value: 'yes' }, { text: plain('No', 75), value: 'no' }] } },
        { type: 'input', block_id: 'link', optional: true, label: plain('Link (post-mortem, PR)', 2000), element: { type: 'plain_text_input', action_id: 'link', max_length: 2000 } },
        { type: 'input', block_id: 'note', optional: true, label: plain('Note', 2000), element: { type: 'plain_text_input', action_id: 'note', multiline: true, max_length: 2000 } },
      ] as Block[],
    };
  }

  private refuse(action: string, user: string, responseUrl?: string): void {
    this.m.actions.inc({ action, outcome: 'refused' });
    this.d.telemetry.event('slack_action_refused', { action, user }, 'warn');
    if (responseUrl) this.d.track(this.reply(this.web.respond(responseUrl, { response_type: 'ephemeral', replace_original: false, text: `:no_entry: <@${user}>, you are not allowed to do this (alerter.slack.authorizedUsers / authorizedGroups).` }), 'refusal'));
  }

  private async say(responseUrl: string | undefined, channel: string | undefined, text: string): Promise<void> {
    await this.postMessage(responseUrl, channel, message(text, [section(text)]));
  }

  private async postMessage(responseUrl: string | undefined, channel: string | undefined, msg: SlackMessage): Promise<void> {
    if (responseUrl) await this.reply(this.web.respond(responseUrl, { response_type: 'in_channel', replace_original: false, ...msg }), 'action');
    else if (channel) await this.reply(this.web.call('chat.postMessage', { channel, ...msg }), 'action');
  }
}

interface Meta {
  alertId: string;
  responseUrl?: string;
  channel?: string;
}

function safeMeta(s: string | undefined): Meta {
  try {
    const m = JSON.parse(s ?? '{}') as Partial<Meta>;
    return { alertId: typeof m.alertId === 'string' ? m.alertId : '', responseUrl: typeof m.responseUrl === 'string' ? m.responseUrl : undefined, channel: typeof m.channel === 'string' ? m.channel : undefined };
  } catch {
    return { alertId: '' };
  }
}

/** The parts of Slack's interaction payloads read here (Slack API docs, "Interaction payloads"). */
interface InteractionPayload {
  type?: string;
  user?: { id?: string; username?: string; name?: string };
  trigger_id?: string;
  response_url?: string;
  channel?: { id?: string };
  container?: { channel_id?: string };
  actions?: Array<{ action_id: string; value?: string; block_id?: string }>;
  view?: {
    callback_id?: string;
    private_metadata?: string;
    state?: { values?: Record<string, Record<string, { value?: string | null; selected_option?: { value?: string } | null }>> };
  };
}

export { helpMessage };
