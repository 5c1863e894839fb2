// Starts a throwaway Alertmanager (Debian package prometheus-alertmanager) when the integration
// global setup did not provide one through ALERTMANAGER_URL: a null receiver, temp storage, a free
// port on 127.0.0.1, clustering off. Fails with the install hint when the binary is missing.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOnPath, freePorts } from '../../../infra/test/global-setup.js';

const INSTALL_HINT = 'Alertmanager is needed: apt-get install prometheus-alertmanager (binary /usr/bin/prometheus-alertmanager), or set ALERTMANAGER_URL';

export interface RunningAlertmanager {
  url: string;
  stop(): Promise<void>;
}

export async function useAlertmanager(): Promise<RunningAlertmanager> {
  if (process.env.ALERTMANAGER_URL) return { url: process.env.ALERTMANAGER_URL.replace(/\/$/, ''), stop: async () => undefined };
  // The name differs by packaging (Debian: prometheus-alertmanager); /usr/bin and /usr/local/bin also when PATH is bare.
  const bin = findOnPath(['prometheus-alertmanager', 'alertmanager'], ['/usr/bin', '/usr/local/bin']);
  if (!bin) throw new Error(INSTALL_HINT);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-am-'));
  const config = join(dir, 'alertmanager.yml');
  writeFileSync(config, 'route:\n  receiver: "null"\n  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\nreceivers:\n  - name: "null"\n');
  const [port] = await freePorts(1);
  const child: ChildProcess = spawn(bin, [
    `--config.file=${config}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => { stderr = (stderr + b.toString()).slice(-4000); });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`alertmanager exited (${child.exitCode}): ${stderr.slice(-500)}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`alertmanager not ready after 30 s: ${stderr.slice(-500)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
