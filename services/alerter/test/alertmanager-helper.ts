// Starts a throwaway Alertmanager (Debian package prometheus-alertmanager) when the integration
// global setup did not provide one through ALERTMANAGER_URL: a null receiver, temp storage, a free
// port on 127.0.0.1, clustering off. Fails with the install hint when the binary is missing.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const INSTALL_HINT = 'Alertmanager is needed: apt-get install prometheus-alertmanager (binary /usr/bin/prometheus-alertmanager), or set ALERTMANAGER_URL';

export interface RunningAlertmanager {
  url: string;
  stop(): Promise<void>;
}

function findBinary(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/bin', '/usr/local/bin']);
  for (const name of ['prometheus-alertmanager', 'alertmanager']) {
    for (const d of dirs) {
      const p = join(d, name);
      try {
        accessSync(p, constants.X_OK);
        return p;
      } catch {
        // next
      }
    }
  }
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export async function useAlertmanager(): Promise<RunningAlertmanager> {
  if (process.env.ALERTMANAGER_URL) return { url: process.env.ALERTMANAGER_URL.replace(/\/$/, ''), stop: async () => undefined };
  const bin = findBinary();
  if (!bin) throw new Error(INSTALL_HINT);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-am-'));
  const config = join(dir, 'alertmanager.yml');
  writeFileSync(config, 'route:\n  receiver: "null"\n  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\nreceivers:\n  - name: "null"\n');
  const port = await freePort();
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
