// `vigil doctor`: checks a running installation from the outside, as its users reach it, and
// says what is wrong in plain words. Reads the local configuration (vigil.yaml, VIGIL_*) to know
// where things should answer; sends nothing that could page anyone (receivers and hooks are only
// dialled, never called). Exit code 1 when a check fails; warnings alone exit 0.
import { connect } from 'node:net';
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { VigilConfig } from '@vigil/config';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface DoctorCheck {
  name: string;
  status: CheckStatus;
  detail: string;
}

export interface DoctorOptions {
  config: VigilConfig;
  /** Query API base; default from the configuration (api listener). */
  apiUrl?: string;
  /** Bearer token for the API and the OTLP receiver; default: the first configured one. */
  token?: string;
  timeoutMs?: number;
  /** A scored window stamped further in the future than this is clock skew (default 2 min). */
  aheadMs?: number;
  /** Newest telemetry older than this is reported (default 15 min). */
  behindMs?: number;
}

export interface DoctorResult {
  ok: boolean;
  checks: DoctorCheck[];
}

function dialHost(host: string): string {
  return host === '0.0.0.0' || host === '' || host === '::' ? '127.0.0.1' : host;
}

function urlOf(l: { host: string; port: number; tls: { enabled: boolean } }): string {
  const h = dialHost(l.host);
  return `${l.tls.enabled ? 'https' : 'http'}://${h.includes(':') ? `[${h}]` : h}:${l.port}`;
}

/** Why a request failed, in words (connection refused → "nothing listens there"). */
function why(err: unknown): string {
  const e = err as { cause?: { code?: string; message?: string }; code?: string; message?: string; name?: string };
  const code = e.cause?.code ?? e.code;
  if (code === 'ECONNREFUSED') return 'nothing listens there (connection refused)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name does not resolve';
  if (code === 'ETIMEDOUT' || e.name === 'TimeoutError' || e.name === 'AbortError') return 'no answer in time';
  if (code === 'ECONNRESET') return 'the connection was reset';
  return e.cause?.message ?? e.message ?? String(err);
}

async function http(url: string, init: RequestInit & { token?: string }, timeoutMs: number): Promise<{ status: number; body: string }> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  const res = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.text() };
}

/** TCP reachability only: a receiver or hook is dialled, never called. */
function dial(host: string, port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (err: string | null) => { s.destroy(); resolve(err); };
    s.setTimeout(timeoutMs, () => done('no answer in time'));
    s.once('connect', () => done(null));
    s.once('error', (e: NodeJS.ErrnoException) => done(why(e)));
  });
}

function hostPort(url: string): { host: string; port: number } | null {
  try {
    const u = new URL(url);
    return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)) };
  } catch {
    return null;
  }
}

function onPath(cmd: string): boolean {
  const candidates = isAbsolute(cmd) || cmd.includes('/') ? [cmd] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, cmd));
  return candidates.some((p) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function minutes(ms: number): string {
  const m = Math.abs(ms) / 60_000;
  return m >= 10 ? `${m.toFixed(0)} min` : `${m.toFixed(1)} min`;
}

/** Where a receiver delivers (the documented default host when its url is left out). */
function receiverUrl(r: VigilConfig['alerter']['receivers'][number]): string {
  switch (r.type) {
    case 'slack': return r.webhookUrl;
    case 'opsgenie': return r.url ?? 'https://api.opsgenie.com';
    case 'jsm': return r.url ?? 'https://api.atlassian.com';
    default: return r.url;
  }
}

export async function runDoctor(o: DoctorOptions): Promise<DoctorResult> {
  const { config } = o;
  const timeoutMs = o.timeoutMs ?? 3000;
  const aheadMs = o.aheadMs ?? 2 * 60_000;
  const behindMs = o.behindMs ?? 15 * 60_000;
  const checks: DoctorCheck[] = [];
  const add = (name: string, status: CheckStatus, detail: string) => checks.push({ name, status, detail });
  const api = (o.apiUrl ?? urlOf(config.api)).replace(/\/$/, '');
  const apiToken = o.token ?? config.api.auth.bearerTokens[0];
  const otlpToken = o.token ?? config.collector.http.auth.bearerTokens[0];

  // The API (query side) and readiness (collector and alerter connected to the bus).
  let apiUp = false;
  try {
    const h = await http(`${api}/healthz`, {}, timeoutMs);
    apiUp = h.status === 200;
    add('api', apiUp ? 'ok' : 'fail', apiUp ? `the API answers at ${api}` : `${api}/healthz answered ${h.status}`);
  } catch (e) {
    add('api', 'fail', `nothing answers at ${api}: ${why(e)}. Is Vigil running (npm start, or vigil start)?`);
  }
  if (apiUp) {
    try {
      const r = await http(`${api}/readyz`, {}, timeoutMs);
      add('ready', r.status === 200 ? 'ok' : 'fail', r.status === 200
        ? 'the pipeline is ready (collector and alerter reach the bus)'
        : `not ready (${r.status}): the collector or alerter cannot reach the bus${config.bus.kind === 'kafka' ? ` (Kafka at ${config.bus.kafka.brokers.join(', ')})` : ''}`);
    } catch (e) {
      add('ready', 'fail', `${api}/readyz: ${why(e)}`);
    }
  }

  // The alerter's API: silences, acknowledgements and the deployment gate (Argo Rollouts, Flagger).
  if (config.alerter.enabled) {
    const alerter = urlOf(config.alerter.api);
    try {
      const r = await http(`${alerter}/healthz`, {}, timeoutMs);
      add('alerter', r.status === 200 ? 'ok' : 'fail', r.status === 200 ? `the alerter API (gate, silences) answers at ${alerter}` : `${alerter}/healthz answered ${r.status}`);
    } catch (e) {
      add('alerter', 'fail', `the alerter API (gate, silences): nothing answers at ${alerter}: ${why(e)}`);
    }
  }

  // OTLP receivers: an empty export request is valid OTLP and stores nothing.
  if (config.collector.enabled && config.collector.http.enabled) {
    const otlp = urlOf(config.collector.http);
    try {
      const r = await http(`${otlp}/v1/traces`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' }, token: otlpToken }, timeoutMs);
      if (r.status === 200) add('otlp-http', 'ok', `OTLP/HTTP accepts exports at ${otlp} (OTEL_EXPORTER_OTLP_ENDPOINT=${otlp})`);
      else if (r.status === 401) add('otlp-http', 'fail', `OTLP/HTTP at ${otlp} refused the bearer token: exporters need OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer <token>"`);
      else if (r.status === 503 || r.status === 429) add('otlp-http', 'fail', `OTLP/HTTP at ${otlp} answers ${r.status}: ${r.body.slice(0, 200)} (the bus is down or the collector is saturated; exporters will retry)`);
      else add('otlp-http', 'fail', `OTLP/HTTP at ${otlp} answered ${r.status}: ${r.body.slice(0, 200)}`);
    } catch (e) {
      add('otlp-http', 'fail', `OTLP/HTTP: nothing answers at ${otlp}: ${why(e)}`);
    }
  }
  if (config.collector.enabled && config.collector.grpc.enabled) {
    const g = config.collector.grpc;
    const err = await dial(dialHost(g.host), g.port, timeoutMs);
    add('otlp-grpc', err ? 'fail' : 'ok', err ? `OTLP/gRPC: nothing answers at ${dialHost(g.host)}:${g.port}: ${err}` : `OTLP/gRPC listens at ${dialHost(g.host)}:${g.port}`);
  }

  // The bus: Kafka brokers dialled (the in-process bus lives in the Vigil process itself).
  if (config.bus.kind === 'kafka') {
    for (const b of config.bus.kafka.brokers) {
      const hp = hostPort(`tcp://${b}`);
      const err = hp ? await dial(hp.host, hp.port, timeoutMs) : 'not host:port';
      add('bus', err ? 'fail' : 'ok', err ? `Kafka broker ${b}: ${err}` : `Kafka broker ${b} reachable`);
    }
  } else {
    add('bus', 'ok', 'in-process bus (embedded): nothing to reach; set bus.kind: kafka to scale out');
  }

  // The store, and the clocks of incoming telemetry (GET /v1/status).
  if (apiUp) {
    try {
      const r = await http(`${api}/v1/status`, { token: apiToken }, timeoutMs);
      const body = JSON.parse(r.body) as { nowMs?: number; store?: { ok: boolean; error?: string }; telemetry?: { services: Array<{ service: string; newestEventMs: number; skewMs: number }> } };
      if (r.status === 401) add('store', 'fail', `${api}/v1/status refused the bearer token (set VIGIL_API_TOKEN)`);
      else if (r.status === 404) add('store', 'warn', `${api}/v1/status is not served: this Vigil is older than this CLI`);
      else if (!body.store?.ok) add('store', 'fail', `the store does not answer queries: ${body.store?.error ?? r.status}`);
      else {
        add('store', 'ok', `the store answers queries (${config.store.kind === 'chdb' ? `chDB at ${config.store.chdb.path}` : config.store.kind})`);
        const services = body.telemetry?.services ?? [];
        if (services.length === 0) {
          add('telemetry', 'warn', 'no telemetry scored in the last hour: point an exporter at the OTLP endpoint above (scores appear once the first windows close)');
        } else {
          const ahead = services.filter((s) => s.skewMs > aheadMs);
          const behind = services.filter((s) => s.skewMs < -behindMs);
          for (const s of ahead) add('clock', 'fail', `telemetry of ${s.service} is stamped ${minutes(s.skewMs)} in the future: the sender's clock runs ahead of this host (sync it with NTP); its windows close late and deployments are verified late`);
          for (const s of behind) add('clock', 'warn', `the newest telemetry of ${s.service} is ${minutes(s.skewMs)} old: its clock runs behind, its exporter is backed up, or it stopped sending`);
          const fine = services.length - ahead.length - behind.length;
          if (fine > 0) add('clock', 'ok', `${fine} service(s) send telemetry stamped within ${minutes(aheadMs)} ahead / ${minutes(behindMs)} behind this host's clock`);
        }
      }
    } catch (e) {
      add('store', 'fail', `${api}/v1/status: ${why(e)}`);
    }
  }

  // Receivers: who gets told. Dialled only.
  const receivers = config.alerter.enabled ? config.alerter.receivers : [];
  if (config.alerter.enabled && receivers.length === 0) {
    add('receivers', 'warn', 'no receivers configured (alerter.receivers): alerts are stored (vigil alerts) but nobody is notified');
  }
  for (const r of receivers) {
    const url = receiverUrl(r);
    const hp = hostPort(url);
    const err = hp ? await dial(hp.host, hp.port, timeoutMs) : `not a URL: ${url}`;
    add('receivers', err ? 'fail' : 'ok', err ? `receiver "${r.name}" (${r.type}) at ${hp ? `${hp.host}:${hp.port}` : url} is unreachable: ${err}` : `receiver "${r.name}" (${r.type}) reachable at ${hp!.host}:${hp!.port}`);
  }

  // Rollback hooks: what runs when a deploy fails.
  const rb = config.alerter.rollback;
  if (config.alerter.enabled && rb.enabled) {
    if (rb.hooks.length === 0) add('rollback', 'warn', 'no rollback hooks (alerter.rollback.hooks): a failed deploy is reported and alerted on, but not rolled back');
    if (rb.dryRun) add('rollback', 'warn', 'alerter.rollback.dryRun is on: hooks are recorded, never run');
    for (const h of rb.hooks) {
      if (h.type === 'command') {
        const cmd = h.argv[0];
        add('rollback', onPath(cmd) ? 'ok' : 'fail', onPath(cmd)
          ? `rollback hook for ${h.service === '*' ? 'every service' : h.service}: command ${cmd} found`
          : `rollback hook for ${h.service === '*' ? 'every service' : h.service}: command "${cmd}" is not found or not executable`);
      } else {
        const hp = hostPort(h.url);
        const err = hp ? await dial(hp.host, hp.port, timeoutMs) : `not a URL: ${h.url}`;
        add('rollback', err ? 'fail' : 'ok', err ? `rollback hook for ${h.service === '*' ? 'every service' : h.service} at ${h.url} is unreachable: ${err}` : `rollback hook for ${h.service === '*' ? 'every service' : h.service} reachable at ${hp!.host}:${hp!.port}`);
      }
    }
  } else if (config.alerter.enabled) {
    add('rollback', 'warn', 'rollbacks are disabled (alerter.rollback.enabled: false)');
  }
  return { ok: checks.every((c) => c.status !== 'fail'), checks };
}

export function renderDoctor(r: DoctorResult): string {
  const mark: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };
  const lines = r.checks.map((c) => `${mark[c.status]}  ${c.name.padEnd(10)} ${c.detail}`);
  const fails = r.checks.filter((c) => c.status === 'fail').length;
  const warns = r.checks.filter((c) => c.status === 'warn').length;
  lines.push('', fails === 0 ? `Vigil looks healthy${warns ? ` (${warns} warning${warns > 1 ? 's' : ''})` : ''}.` : `${fails} problem${fails > 1 ? 's' : ''} found${warns ? `, ${warns} warning${warns > 1 ? 's' : ''}` : ''}.`);
  return `${lines.join('\n')}\n`;
}
