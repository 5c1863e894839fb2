// Rollback hooks: a signed webhook or a command. The command runs without a shell (argv), with
// the deployment in VIGIL_* environment variables, under a timeout (SIGTERM, then SIGKILL 5 s
// later). The engine decided that this deployment gets its one rollback and persisted that
// decision before the hook runs, so a hook runs at most once per deployment.
import { spawn } from 'node:child_process';
import type { AlerterConfig } from '@vigil/config';
import type { RollbackRequest } from '../lifecycle/types.js';
import { attempt } from '../receivers/delivery.js';
import type { Fetch } from '../receivers/delivery.js';
import { SIGNATURE_HEADER, sign } from '../receivers/webhook/signature.js';
import type { RollbackResult } from '../lifecycle/rollback-decider.js';

type Hook = AlerterConfig['rollback']['hooks'][number];

/** How a hook run ended: the decision's result (lifecycle/rollback-decider.ts). */
export type RollbackOutcome = RollbackResult;

export interface RollbackExecutorOptions {
  hooks: Hook[];
  dryRun: boolean;
  now?: () => number;
  fetch?: Fetch;
}

function hookFor(hooks: Hook[], service: string): Hook | undefined {
  return hooks.find((h) => h.service === service) ?? hooks.find((h) => h.service === '*');
}

/** The VIGIL_* variables a command hook receives. */
function rollbackEnv(req: RollbackRequest): Record<string, string> {
  const env: Record<string, string> = {
    VIGIL_SERVICE: req.service,
    VIGIL_VERSION: req.version,
    VIGIL_DEPLOYMENT_ID: req.deploymentId,
    VIGIL_REASON: req.reason,
  };
  if (req.previousVersion) env.VIGIL_PREVIOUS_VERSION = req.previousVersion;
  if (req.environment) env.VIGIL_ENVIRONMENT = req.environment;
  if (req.commit) env.VIGIL_COMMIT = req.commit;
  if (req.verdictId) env.VIGIL_VERDICT_ID = req.verdictId;
  if (req.alertId) env.VIGIL_ALERT_ID = req.alertId;
  if (req.deployedAtMs !== undefined) env.VIGIL_DEPLOYED_AT = new Date(req.deployedAtMs).toISOString();
  return env;
}

export class RollbackExecutor {
  private readonly now: () => number;
  private readonly doFetch: Fetch;
  constructor(private readonly options: RollbackExecutorOptions) {
    this.now = options.now ?? Date.now;
    this.doFetch = options.fetch ?? fetch;
  }

  async run(req: RollbackRequest): Promise<RollbackOutcome> {
    const hook = hookFor(this.options.hooks, req.service);
    if (!hook) return { result: 'skipped', hook: 'none', dryRun: this.options.dryRun, detail: `no rollback hook configured for service "${req.service}"` };
    if (this.options.dryRun) {
      const what = hook.type === 'command' ? `command ${JSON.stringify(hook.argv)}` : 'webhook';
      return { result: 'skipped', hook: hook.type, dryRun: true, detail: `dry run: would run ${what} for ${req.service} ${req.version}` };
    }
    return hook.type === 'command' ? this.runCommand(hook, req) : this.runWebhook(hook, req);
  }

  private async runWebhook(hook: Extract<Hook, { type: 'webhook' }>, req: RollbackRequest): Promise<RollbackOutcome> {
    const body = JSON.stringify({ schema: 'vigil.rollback-request/1', ...req, requestedAt: new Date(this.now()).toISOString() });
    const headers: Record<string, string> = { ...hook.headers, 'content-type': 'application/json', 'idempotency-key': `rollback-${req.deploymentId}` };
    if (hook.signingSecret) headers[SIGNATURE_HEADER] = sign(hook.signingSecret, body, this.now());
    // One attempt only: a rollback is not retried blindly (the hook's idempotency key lets the
    // receiver dedupe, but we do not count on it).
    const r = await attempt({ method: 'POST', url: hook.url, headers, body }, hook.timeoutMs, this.doFetch, this.now());
    if (r.kind === 'success') return { result: 'succeeded', hook: 'webhook', dryRun: false, detail: `HTTP ${r.status}` };
    return { result: 'failed', hook: 'webhook', dryRun: false, detail: r.error };
  }

  private runCommand(hook: Extract<Hook, { type: 'command' }>, req: RollbackRequest): Promise<RollbackOutcome> {
    return new Promise((resolve) => {
      const [file, ...args] = hook.argv;
      let output = '';
      let settled = false;
      const done = (o: RollbackOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(o);
      };
      const child = spawn(file, args, {
        cwd: hook.cwd,
        env: { ...process.env, ...rollbackEnv(req) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const keep = (b: Buffer): void => {
        output = (output + b.toString('utf8')).slice(-2000);
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      const timer = setTimeout(() => {
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
        done({ result: 'failed', hook: 'command', dryRun: false, detail: `timed out after ${hook.timeoutMs} ms; ${output.slice(-500)}`.trim() });
      }, hook.timeoutMs);
      child.on('error', (err) => done({ result: 'failed', hook: 'command', dryRun: false, detail: `could not start ${file}: ${err.message}` }));
      child.on('close', (code, signal) => {
        const tail = output.trim().slice(-500);
        if (code === 0) done({ result: 'succeeded', hook: 'command', dryRun: false, detail: `exit 0${tail ? `: ${tail}` : ''}` });
        else done({ result: 'failed', hook: 'command', dryRun: false, detail: `exit ${code ?? signal}${tail ? `: ${tail}` : ''}` });
      });
    });
  }
}
