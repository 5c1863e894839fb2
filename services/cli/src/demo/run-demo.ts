// `vigil demo` (npm run demo): the whole pipeline in this process, a small shop sending real
// OTLP through the OpenTelemetry JS SDK, two clean deploys and one bad one — and a timeline of
// what Vigil did about them, read back from its query API, its webhook receiver and its
// rollback hook. The last line is one JSON object with the figures.
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Bus } from '@vigil/bus';
import { deepMerge, parseConfig } from '@vigil/config';
import type { VigilConfigInput } from '@vigil/config';
import { startEmbedded } from '../embedded.js';
import type { Embedded } from '../embedded.js';
import { startHooksServer } from './hooks-server.js';
import type { HooksServer, NotificationBody, RollbackRequestBody } from './hooks-server.js';
import { DEFAULT_SHAPE } from './shop-model.js';
import { Shop, wallMs } from './shop.js';
import type { ShopService } from './shop.js';

export interface DemoOptions {
  /** Shorter warm-up (30 s instead of 75 s) and tighter waits. */
  fast?: boolean;
  /** Warm-up before the first deploy, seconds (default 75; 30 with fast). */
  warmupS?: number;
  /** Hard bound on the whole run, seconds (default 360; 240 with fast). */
  durationS?: number;
  /** Store directory (kept afterwards). Default: a temporary directory, removed unless the run fails. */
  dataDir?: string;
  /** Seed of the shop's traffic. */
  seed?: number;
  /** Target: bad deploy's first traffic → rollback hook called, seconds. */
  targetS?: number;
  /** Where the timeline goes (default stdout). */
  out?: NodeJS.WritableStream;
  /** Stops the run early (the CLI wires SIGINT to it as well). */
  signal?: AbortSignal;
  /** Merged over the demo's configuration (e.g. Kafka topics, collector.enabled: false). */
  config?: VigilConfigInput;
  /** A bus instead of the configured one. */
  bus?: Bus;
  /**
   * Something the shop sends its OTLP to instead of Vigil's collector, started once Vigil runs:
   * e.g. an OpenTelemetry Collector exporting to Vigil's collector or to its Kafka topics.
   */
  front?: (vigil: Embedded) => Promise<DemoFront>;
}

/** What the shop's OTLP goes through (see DemoOptions.front). */
export interface DemoFront {
  /** OTLP/HTTP base URL for the shop's exporters. */
  otlpUrl: string;
  /** One line for the timeline header. */
  description: string;
  close(): Promise<void>;
}

export interface DemoFigures {
  ok: boolean;
  target_s: number;
  warmup_s: number;
  run_s: number;
  clean_deploys: number;
  clean_deploys_passed: number;
  clean_deploys_failed: number;
  clean_deploys_rolled_back: number;
  bad_deploy_to_deployment_seen_s: number | null;
  bad_deploy_to_verdict_decided_s: number | null;
  bad_deploy_to_fail_verdict_s: number | null;
  bad_deploy_to_alert_sent_s: number | null;
  bad_deploy_to_rollback_s: number | null;
  bad_deploy_to_recovery_s: number | null;
  bad_deploy_to_new_log_template_s: number | null;
  bad_version_requests: number;
  bad_version_errors: number;
  payments_error_ratio_baseline: number | null;
  payments_error_ratio_bad: number | null;
  payments_error_ratio_recovered: number | null;
  requests: number;
  spans_per_s: number;
  logs_per_s: number;
  /** Deployment change events (notifications) sent, one per deployed version (baseline versions included). */
  deployment_notifications: number;
  /** Alert notifications that fired before the bad deploy's first request (false pages). */
  pages_before_bad_deploy: number;
}

export interface DemoResult {
  ok: boolean;
  /** Why the run missed its target (empty when ok). */
  problems: string[];
  figures: DemoFigures;
}

/** Parse `vigil demo` arguments: --fast, --warmup SECONDS, --duration SECONDS, --data DIR, --seed N, --target SECONDS. */
export function parseDemoArgs(argv: string[]): DemoOptions {
  const { values } = parseArgs({
    args: argv,
    options: { fast: { type: 'boolean' }, warmup: { type: 'string' }, duration: { type: 'string' }, data: { type: 'string' }, seed: { type: 'string' }, target: { type: 'string' } },
    strict: true,
  });
  const num = (key: string, v: string | undefined, min: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${key}: a number >= ${min} (got ${JSON.stringify(v)})`);
    return n;
  };
  return {
    fast: values.fast ?? false,
    warmupS: num('warmup', values.warmup, 10),
    durationS: num('duration', values.duration, 30),
    dataDir: values.data,
    seed: num('seed', values.seed, 0),
    targetS: num('target', values.target, 1),
  };
}

type Row = Record<string, unknown>;

interface DeploymentSeen {
  id: string;
  service: string;
  version: string;
  seenAtMs: number;
  status: string;
}

const CLEAN: Array<{ service: ShopService; from: string; to: string }> = [
  { service: 'checkout', from: 'v1', to: 'v1.1' },
  { service: 'frontend', from: 'v1', to: 'v1.1' },
];
const BAD = { service: 'payments' as ShopService, from: 'v1', to: 'v2' };
const TERMINAL = new Set(['pass', 'fail', 'inconclusive']);

const pct = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? `${(x * 100).toFixed(x < 0.01 ? 2 : 1)}%` : '?');
const secs = (ms: number) => Math.round(ms / 100) / 10;

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const fast = options.fast ?? false;
  const out = options.out ?? process.stdout;
  const targetS = options.targetS ?? 60;
  const durationMs = (options.durationS ?? (fast ? 240 : 360)) * 1000;
  const warmupMs = (options.warmupS ?? (fast ? 30 : 75)) * 1000;
  const verificationWindowMs = (fast ? 75 : 120) * 1000;
  const seed = options.seed ?? 20240611;
  const startMs = wallMs();
  const deadlineMs = startMs + durationMs;

  // Stop on SIGINT or the caller's signal; every wait below checks `stopped`.
  let stopped = false;
  let wake: (() => void) | null = null;
  const stop = () => {
    stopped = true;
    wake?.();
  };
  options.signal?.addEventListener('abort', stop, { once: true });
  process.once('SIGINT', stop);
  const sleep = (ms: number) => new Promise<void>((r) => {
    const t = setTimeout(() => { wake = null; r(); }, Math.max(0, Math.min(ms, deadlineMs - wallMs())));
    wake = () => { clearTimeout(t); wake = null; r(); };
  });
  const live = () => !stopped && wallMs() < deadlineMs;

  // ------------------------------------------------------------------ timeline
  let badStartMs: number | null = null;
  const line = (text: string, atMs = wallMs()) => {
    const since = `+${((atMs - startMs) / 1000).toFixed(1)}s`.padStart(8);
    const bad = badStartMs !== null && atMs >= badStartMs - 50 ? `T+${((atMs - badStartMs) / 1000).toFixed(1)}s`.padStart(9) : ''.padStart(9);
    out.write(`${since} ${bad}  ${text}\n`);
  };

  const ownDir = options.dataDir === undefined;
  const dir = ownDir ? mkdtempSync(join(tmpdir(), 'vigil-demo-')) : resolve(options.dataDir as string);
  mkdirSync(dir, { recursive: true });
  const logPath = join(dir, 'vigil.log');
  const logFile = createWriteStream(logPath, { flags: 'a' });

  // ------------------------------------------------------------------ the outside world
  let shop: Shop | null = null;
  const rollbacks: Array<RollbackRequestBody & { atMs: number }> = [];
  const alerts: Array<NotificationBody & { atMs: number }> = [];
  const hooks: HooksServer = await startHooksServer({
    onNotification(body, atMs) {
      alerts.push({ ...body, atMs });
      if (body.schema === 'vigil.change/1') {
        if (body.kind === 'rollback') line(`change event sent: ${body.summary ?? `rollback of ${body.service} ${body.version}`}`, atMs);
        return;
      }
      const a = body.alert ?? {};
      line(`alert sent (${body.action ?? '?'}): [${a.severity ?? '?'}] ${a.summary ?? a.rule ?? body.id}`, atMs);
    },
    onRollback(body, atMs) {
      rollbacks.push({ ...body, atMs });
      const to = body.previousVersion ?? 'v1';
      line(`rollback hook called: ${body.service} ${body.version} → ${to} (${body.reason})`, atMs);
      // The "deploy tool": route the service back to its previous version.
      shop?.route(body.service as ShopService, to);
    },
  }, wallMs);

  const config = parseConfig(deepMerge({
    store: { chdb: { path: join(dir, 'chdb') } },
    api: { port: 0 },
    collector: { http: { port: 0 }, grpc: { port: 0 } },
    // Fresher results than the defaults (500 ms, 1 s): the demo is about seconds.
    // The verification window is the demo's too: a clean deploy passes early only once every test
    // has ruled out a regression worth failing (with 30 s of baseline at 0.5% errors, a doubling of
    // the error ratio cannot be ruled out for minutes), else at the window's end after an exact
    // test of all its requests — the default window is 15 minutes, longer than a demo.
    detector: { commitIntervalMs: 200, allowedLatenessMs: 5_000, verification: { maxDurationMs: verificationWindowMs } },
    writer: { flushIntervalMs: 250 },
    alerter: {
      api: { port: 0 },
      tickIntervalMs: 250,
      receivers: [{ name: 'demo-webhook', type: 'webhook', url: hooks.notifyUrl, delivery: { initialBackoffMs: 200, maxBackoffMs: 2_000, timeoutMs: 5_000 } }],
      rules: [{ name: 'symptoms', match: { severity: 'critical' }, receivers: ['demo-webhook'] }],
      deployments: { receivers: ['demo-webhook'] },
      rollback: {
        enabled: true, onFailedVerdict: true, dryRun: false,
        // payments' own hook, and one for every other service, so a wrongly failed clean deploy
        // would be rolled back (and counted) too.
        hooks: [
          { type: 'webhook', service: 'payments', url: hooks.rollbackUrl, timeoutMs: 10_000 },
          { type: 'webhook', service: '*', url: hooks.rollbackUrl, timeoutMs: 10_000 },
        ],
      },
    },
  }, (options.config ?? {})), 'demo configuration');

  let vigil: Embedded | null = null;
  let front: DemoFront | null = null;
  const problems: string[] = [];
  const deployments = new Map<string, DeploymentSeen>();
  let badFailSeenMs: number | null = null;
  let badDecidedMs: number | null = null;
  let recoveryMs: number | null = null;
  let recoveredRatio: number | null = null;
  let baselineRatio: number | null = null;
  let badRatio: number | null = null;
  let pollTimer: NodeJS.Timeout | null = null;
  let polling = false;
  let apiBase = '';

  const get = async (path: string): Promise<Row[]> => {
    const res = await fetch(`${apiBase}${path}`);
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return (await res.json()) as Row[];
  };

  const pollDeployments = async () => {
    const rows = await get('/v1/deployments?since=1h&limit=100');
    for (const r of rows.reverse()) {
      const id = String(r.id);
      const status = typeof r.status === 'string' ? r.status : '';
      let d = deployments.get(id);
      if (!d) {
        d = { id, service: String(r.service), version: String(r.version), seenAtMs: wallMs(), status: '' };
        deployments.set(id, d);
        // firstSeen (GET /v1/deployments): the version Vigil met running, learned as the baseline.
        const first = r.firstSeen === true || ![...deployments.values()].some((o) => o !== d && o.service === d?.service);
        line(`deployment seen: ${d.service} ${d.version}${first ? ' (first seen: learned as the baseline, not judged)' : ''}`);
      }
      if (status !== d.status && TERMINAL.has(status)) {
        d.status = status;
        const verdicts = await get(`/v1/deployments/${encodeURIComponent(id)}/verdicts`).catch(() => [] as Row[]);
        const v = verdicts.find((x) => x.status === status);
        const evidence = Array.isArray(v?.evidence) ? (v?.evidence as Row[]) : [];
        const ev = evidence.map((e) => `${String(e.check)} ${pct(e.baseline)}→${pct(e.candidate)}${e.decided === 'fail' ? ' FAIL' : e.decided === 'pass' ? ' ok' : ''}`).join('; ');
        line(`verdict: ${d.service} ${d.version} ${status.toUpperCase()} — ${typeof r.verdict === 'string' ? r.verdict : ''}${ev ? ` [${ev}]` : ''}`);
        if (d.service === BAD.service && d.version === BAD.to && status === 'fail') {
          badFailSeenMs = wallMs();
          if (typeof v?.decidedAtMs === 'number' || typeof v?.decidedAtMs === 'string') badDecidedMs = Number(v.decidedAtMs);
          const errEv = evidence.find((e) => e.check === 'error_ratio');
          if (errEv) badRatio = Number(errEv.candidate);
        }
      }
    }
  };

  const newTemplates = new Set<string>();
  let newTemplateMs: number | null = null;
  const pollTemplates = async () => {
    if (badStartMs === null) return;
    const rows = await get(`/v1/templates?service=${BAD.service}&new=true&since=15m&limit=50`);
    for (const r of rows) {
      const key = String(r.templateId);
      if (newTemplates.has(key) || !r.newSinceDeployment || Number(r.firstSeenMs) < badStartMs) continue;
      newTemplates.add(key);
      newTemplateMs ??= wallMs();
      line(`new log template in ${BAD.service} since the deploy: "${String(r.template)}"`);
    }
  };

  const rollbackAt = () => rollbacks.find((r) => r.service === BAD.service && r.version === BAD.to)?.atMs ?? null;

  const pollRecovery = async () => {
    const at = rollbackAt();
    if (at === null || recoveryMs !== null) return;
    const rows = await get('/v1/scores?service=payments&since=15m&limit=2000');
    const ratio = rows.filter((r) => r.metric === 'error_ratio' && r.operation === 'POST /charge');
    const before = ratio.filter((r) => badStartMs !== null && Number(r.windowStartMs) + config.detector.windowMs <= badStartMs);
    if (before.length > 0) baselineRatio = before.reduce((s, r) => s + Number(r.value), 0) / before.length;
    // The first whole window after the rollback: only v1 served it.
    const after = ratio.filter((r) => Number(r.windowStartMs) >= at).sort((a, b) => Number(a.windowStartMs) - Number(b.windowStartMs));
    if (after.length === 0) return;
    const w = after[0];
    const value = Number(w.value);
    const p99 = rows.find((r) => r.metric === 'latency_p99' && r.operation === 'POST /charge' && r.windowStartMs === w.windowStartMs);
    // Back to baseline: 2.5 % or less (v1's 0.5 % gives at most a few errors in a window; v2's 5 % gives ~9).
    if (value <= 0.025) {
      recoveryMs = wallMs();
      recoveredRatio = value;
      line(`recovery: payments error ratio ${pct(value)} in the first window after the rollback (baseline ${pct(baselineRatio)}), p99 ${p99 ? `${Math.round(Number(p99.value))} ms` : '?'}; serving ${shop?.version('payments')} only`);
    } else {
      line(`payments still failing in the first window after the rollback: ${pct(value)}`);
      recoveryMs = -1;
    }
  };

  const poll = async () => {
    if (polling || !apiBase) return;
    polling = true;
    try {
      await pollDeployments();
      await pollTemplates();
      await pollRecovery();
    } catch (err) {
      logFile.write(`${JSON.stringify({ demo: 'poll_error', err: (err as Error).message })}\n`);
    } finally {
      polling = false;
    }
  };

  const waitUntil = async (cond: () => boolean, timeoutMs: number) => {
    const end = Math.min(deadlineMs, wallMs() + timeoutMs);
    while (!cond() && !stopped && wallMs() < end) await sleep(Math.min(250, end - wallMs()));
    return cond();
  };

  try {
    vigil = await startEmbedded({ config, destination: logFile, bus: options.bus });
    apiBase = `http://127.0.0.1:${vigil.ports.api}`;
    out.write(`vigil demo: pipeline up in this process (OTLP/HTTP :${vigil.ports.otlpHttp}, query API :${vigil.ports.api}, bus ${vigil.bus.kind}, store ${vigil.store.kind}); pipeline log ${logPath}\n`);
    if (options.front) {
      front = await options.front(vigil);
      out.write(`the shop sends its OTLP through ${front.description}\n`);
    }
    out.write(`    time  since-bad  event\n`);
    shop = new Shop({ otlpUrl: front?.otlpUrl ?? `http://127.0.0.1:${vigil.ports.otlpHttp}`, seed });
    shop.onFirstRequest((service, version, atMs) => {
      if (service === BAD.service && version === BAD.to && badStartMs === null) badStartMs = atMs;
      line(`first traffic: ${service} ${version}`, atMs);
    });
    shop.start({ frontend: 'v1', checkout: 'v1', payments: 'v1' });
    line(`shop started: frontend, checkout, payments at v1 (~${DEFAULT_SHAPE.checkoutsPerS} checkouts/s + ${DEFAULT_SHAPE.browsePerS} page views/s, ±${DEFAULT_SHAPE.amplitude * 100}% daily cycle over ${DEFAULT_SHAPE.cycleMs / 1000} s; OTLP/HTTP protobuf from the OpenTelemetry JS SDK)`);
    pollTimer = setInterval(() => void poll(), 500);

    // 1. Warm-up: baseline for every operation.
    line(`verification window: ${config.detector.verification.maxDurationMs / 1000} s (a demo setting; the default is 15 minutes): a clean deploy passes once every test has ruled out a regression worth failing, else when its window ends`);
    line(`warming up for ${warmupMs / 1000} s (baseline traffic)`);
    await sleep(warmupMs - (wallMs() - startMs));

    // 2. Clean deploys, one after the other; both must pass.
    for (const [i, c] of CLEAN.entries()) {
      if (!live()) break;
      if (i > 0) await sleep(fast ? 8_000 : 15_000);
      line(`deploy: ${c.service} ${c.from} → ${c.to} (clean: same behaviour)`);
      shop.route(c.service, c.to);
    }
    const cleanDecided = () => CLEAN.every((c) => [...deployments.values()].some((d) => d.service === c.service && d.version === c.to && TERMINAL.has(d.status)));
    const decideWithinMs = config.detector.verification.maxDurationMs + 30_000;
    if (!(await waitUntil(cleanDecided, decideWithinMs)) && live()) line(`clean deploys still undecided after ${decideWithinMs / 1000} s; going on`);
    await sleep(fast ? 3_000 : 8_000);

    // 3. The bad deploy.
    if (live()) {
      line(`deploy: ${BAD.service} ${BAD.from} → ${BAD.to} (bad: error ratio 0.5% → 5%, p99 ×3, new error log "payment provider timeout after <n> ms, order <id>")`);
      shop.route(BAD.service, BAD.to);
      await waitUntil(() => rollbackAt() !== null, 120_000);
      if (rollbackAt() === null) problems.push(`no rollback of ${BAD.service} ${BAD.to} within the run`);
      // 4. Recovery: the first score window after the rollback.
      await waitUntil(() => recoveryMs !== null, 45_000);
      await sleep(1_000); // the last notifications (rollback change event)
    }
    if (stopped) problems.push('interrupted');
  } finally {
    if (pollTimer) clearInterval(pollTimer);
    process.removeListener('SIGINT', stop);
    options.signal?.removeEventListener('abort', stop);
    await shop?.shutdown().catch(() => undefined);
    await front?.close().catch(() => undefined);
    await vigil?.shutdown().catch(() => undefined);
    await hooks.close().catch(() => undefined);
    await new Promise<void>((r) => logFile.end(() => r()));
  }

  // ------------------------------------------------------------------ figures
  const since = (t: number | null) => (t !== null && badStartMs !== null && t >= 0 ? secs(t - badStartMs) : null);
  const badDeployment = [...deployments.values()].find((d) => d.service === BAD.service && d.version === BAD.to);
  const firstBadAlert = alerts.find((a) => a.schema === 'vigil.notification/1' && a.alert?.service === BAD.service && badStartMs !== null && a.atMs >= badStartMs);
  const cleanRows = CLEAN.map((c) => [...deployments.values()].find((d) => d.service === c.service && d.version === c.to));
  const cleanRolledBack = rollbacks.filter((r) => CLEAN.some((c) => c.service === r.service && c.to === r.version)).length;
  const runS = secs(wallMs() - startMs);
  const stats = shop?.stats;
  const figures: DemoFigures = {
    ok: false,
    target_s: targetS,
    warmup_s: warmupMs / 1000,
    run_s: runS,
    clean_deploys: CLEAN.length,
    clean_deploys_passed: cleanRows.filter((d) => d?.status === 'pass').length,
    clean_deploys_failed: cleanRows.filter((d) => d?.status === 'fail').length,
    clean_deploys_rolled_back: cleanRolledBack,
    bad_deploy_to_deployment_seen_s: since(badDeployment?.seenAtMs ?? null),
    bad_deploy_to_verdict_decided_s: since(badDecidedMs),
    bad_deploy_to_fail_verdict_s: since(badFailSeenMs),
    bad_deploy_to_alert_sent_s: since(firstBadAlert?.atMs ?? null),
    bad_deploy_to_rollback_s: since(rollbackAt()),
    bad_deploy_to_recovery_s: since(recoveryMs),
    bad_deploy_to_new_log_template_s: since(newTemplateMs),
    bad_version_requests: stats?.byVersion[`${BAD.service}@${BAD.to}`] ?? 0,
    bad_version_errors: stats?.errorsByVersion[`${BAD.service}@${BAD.to}`] ?? 0,
    payments_error_ratio_baseline: baselineRatio,
    payments_error_ratio_bad: badRatio,
    payments_error_ratio_recovered: recoveredRatio,
    requests: stats?.requests ?? 0,
    spans_per_s: stats ? Math.round((stats.spans / runS) * 10) / 10 : 0,
    logs_per_s: stats ? Math.round((stats.logs / runS) * 10) / 10 : 0,
    deployment_notifications: new Set(alerts.filter((a) => a.schema === 'vigil.change/1' && a.kind === 'deployment').map((a) => `${a.service}@${a.version}`)).size,
    pages_before_bad_deploy: alerts.filter((a) => a.schema === 'vigil.notification/1' && a.action === 'firing' && (badStartMs === null || a.atMs < badStartMs)).length,
  };
  const toRollback = figures.bad_deploy_to_rollback_s;
  if (toRollback === null) {
    if (!problems.some((p) => p.startsWith('no rollback'))) problems.push('the bad deploy was not rolled back');
  } else if (toRollback > targetS) problems.push(`rollback took ${toRollback} s, over the ${targetS} s target`);
  if (cleanRolledBack > 0) problems.push(`${cleanRolledBack} clean deploy(s) rolled back`);
  if (figures.clean_deploys_failed > 0) problems.push(`${figures.clean_deploys_failed} clean deploy(s) failed verification`);
  figures.ok = problems.length === 0;

  out.write('\n');
  out.write(`bad deploy (${BAD.service} ${BAD.to}) first traffic → fail verdict seen: ${figures.bad_deploy_to_fail_verdict_s ?? '—'} s, alert sent: ${figures.bad_deploy_to_alert_sent_s ?? '—'} s, ` +
    `rollback: ${toRollback ?? '—'} s (target ${targetS} s), recovered: ${figures.bad_deploy_to_recovery_s ?? '—'} s\n`);
  out.write(`${BAD.service} ${BAD.to} served ${figures.bad_version_requests} requests before the rollback (${figures.bad_version_errors} failed)\n`);
  out.write(`clean deploys: ${figures.clean_deploys} (passed ${figures.clean_deploys_passed}, failed ${figures.clean_deploys_failed}, rolled back ${cleanRolledBack})\n`);
  out.write(figures.ok ? 'result: target met\n' : `result: target MISSED: ${problems.join('; ')}\n`);
  if (ownDir && figures.ok) rmSync(dir, { recursive: true, force: true });
  else out.write(`data and pipeline log kept in ${dir}\n`);
  out.write(`${JSON.stringify(figures)}\n`);
  return { ok: figures.ok, problems, figures };
}
