// `vigil doctor` and what `vigil start` prints (issue 15, point 5): against nothing running (plain
// words, exit code 1 from the real CLI), and against a running embedded instance (in-process bus,
// chDB) with a local webhook receiver, a command rollback hook and telemetry from one service
// whose clock runs 5 minutes ahead. The printed curl line is sent as printed.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@vigil/config';
import type { VigilConfig } from '@vigil/config';
import { freePorts } from '../../../infra/test/global-setup.js';
import { otlpJsonTraffic, postAll, waitFor } from '../../../test/support/traffic.js';
import { runDoctor } from './doctor.js';
import { startEmbedded } from './embedded.js';
import type { Embedded } from './embedded.js';
import { gettingStarted } from './getting-started.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const run = promisify(execFile);
const silent = new Writable({ write: (_c, _e, cb) => cb() });

describe('vigil doctor with nothing running', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-doctor-none-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails, in plain words, with exit code 1 from the CLI', async () => {
    const [api, http, grpc, hook, alerterApi] = await freePorts(5);
    const config = {
      api: { port: api }, collector: { http: { port: http }, grpc: { port: grpc } },
      alerter: { api: { port: alerterApi }, rollback: { hooks: [{ type: 'webhook', url: `http://127.0.0.1:${hook}/rollback` }] } },
    };
    const r = await runDoctor({ config: parseConfig(config), timeoutMs: 1000 });
    expect(r.ok).toBe(false);
    const byName = (n: string) => r.checks.filter((c) => c.name === n);
    expect(byName('api')).toEqual([{ name: 'api', status: 'fail', detail: `nothing answers at http://127.0.0.1:${api}: nothing listens there (connection refused). Is Vigil running (npm start, or vigil start)?` }]);
    expect(byName('otlp-http')[0]).toMatchObject({ status: 'fail', detail: `OTLP/HTTP: nothing answers at http://127.0.0.1:${http}: nothing listens there (connection refused)` });
    expect(byName('otlp-grpc')[0]).toMatchObject({ status: 'fail' });
    expect(byName('alerter')[0]).toMatchObject({ status: 'fail', detail: `the alerter API (gate, silences): nothing answers at http://127.0.0.1:${alerterApi}: nothing listens there (connection refused)` });
    expect(byName('rollback')[0]).toMatchObject({ status: 'fail', detail: `rollback hook for every service at http://127.0.0.1:${hook}/rollback is unreachable: nothing listens there (connection refused)` });
    expect(byName('receivers')[0]).toMatchObject({ status: 'warn' });

    // The real command, configured by a vigil.yaml.
    const file = join(dir, 'vigil.yaml');
    writeFileSync(file, `api: { port: ${api} }\ncollector: { http: { port: ${http} }, grpc: { port: ${grpc} } }\nalerter: { api: { port: ${alerterApi} } }\n`);
    const out = await run(process.execPath, [BIN, 'doctor'], { env: { ...process.env, VIGIL_CONFIG: file } }).then(() => null, (e: { code: number; stdout: string }) => e);
    expect(out?.code).toBe(1);
    expect(out?.stdout).toMatch(new RegExp(`FAIL  api +nothing answers at http://127\\.0\\.0\\.1:${api}`));
    expect(out?.stdout).toMatch(/\d problems found/);
  }, 30_000);
});

describe('vigil doctor against a running embedded instance', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-doctor-'));
  let vigil: Embedded;
  let config: VigilConfig;
  let receiver: Server;
  const received: string[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => { received.push(req.url ?? ''); res.end('ok'); });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const rport = (receiver.address() as { port: number }).port;
    const [api, http, grpc, alerterApi] = await freePorts(4);
    config = parseConfig({
      store: { chdb: { path: join(dir, 'chdb') } },
      api: { port: api },
      collector: { http: { port: http }, grpc: { port: grpc } },
      alerter: {
        api: { port: alerterApi },
        receivers: [{ name: 'team', type: 'webhook', url: `http://127.0.0.1:${rport}/hook` }],
        rules: [{ name: 'default', receivers: ['team'] }],
        rollback: { hooks: [{ type: 'command', argv: [process.execPath, '-e', 'process.exit(0)'] }] },
      },
      detector: { commitIntervalMs: 200 },
      writer: { flushIntervalMs: 200 },
    });
    vigil = await startEmbedded({ config, destination: silent });
  }, 60_000);
  afterAll(async () => {
    await vigil?.shutdown();
    await new Promise((r) => receiver.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('what `vigil start` prints is what answers: the exporter endpoint, the Collector snippet, the curl line', async () => {
    const text = gettingStarted(config, vigil.ports);
    const otlp = `http://127.0.0.1:${vigil.ports.otlpHttp}`;
    expect(text).toContain(`export OTEL_EXPORTER_OTLP_ENDPOINT=${otlp}`);
    expect(text).toMatch(new RegExp(`otlphttp/vigil:\\n\\s+endpoint: ${otlp.replace(/\./g, '\\.')}`));
    expect(text).toContain(`console  http://127.0.0.1:${vigil.ports.api}/`);
    // The curl line, sent as printed (its URL and JSON body).
    const curl = /curl -sS -X POST (\S+) .*\n\s+-d '(.+)'/.exec(text);
    expect(curl).not.toBeNull();
    const res = await fetch(curl![1], { method: 'POST', headers: { 'content-type': 'application/json' }, body: curl![2] });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ service: 'shop/checkout', version: '1.4.3', environment: 'prod' });
  });

  it('healthy before telemetry arrives (warnings only); nothing is sent to the receiver', async () => {
    // (The announcement above sent the receiver its change event; the doctor itself sends nothing.)
    await waitFor('the change event of the announced deploy', async () => received.length > 0, 30_000);
    const before = [...received];
    const r = await runDoctor({ config, timeoutMs: 2000 });
    const statuses = Object.fromEntries(r.checks.map((c) => [c.name, c.status]));
    expect(statuses).toMatchObject({ api: 'ok', ready: 'ok', alerter: 'ok', 'otlp-http': 'ok', 'otlp-grpc': 'ok', bus: 'ok', store: 'ok', receivers: 'ok', rollback: 'ok', telemetry: 'warn' });
    expect(r.ok).toBe(true);
    expect(received).toEqual(before);
  }, 30_000);

  it('a service whose clock runs 5 minutes ahead is found by the skew of its telemetry', async () => {
    const now = Date.now();
    const url = `http://127.0.0.1:${vigil.ports.otlpHttp}/v1/traces`;
    await postAll(url, otlpJsonTraffic({ service: 'steady', version: 'v1', startMs: now - 120_000, seconds: 120, rps: 5, errorRatio: 0, seed: 1 }));
    await postAll(url, otlpJsonTraffic({ service: 'ahead', version: 'v1', startMs: now + 300_000 - 120_000, seconds: 120, rps: 5, errorRatio: 0, seed: 2 }));
    await waitFor('both services in /v1/status', async () => {
      const s = (await (await fetch(`http://127.0.0.1:${vigil.ports.api}/v1/status`)).json()) as { telemetry: { services: Array<{ service: string }> } };
      return s.telemetry.services.length >= 2 ? s : null;
    }, 60_000);
    const r = await runDoctor({ config, timeoutMs: 2000 });
    expect(r.ok).toBe(false);
    const clock = r.checks.filter((c) => c.name === 'clock');
    expect(clock.find((c) => c.status === 'fail')?.detail).toMatch(/^telemetry of ahead is stamped 4\.\d min in the future: the sender's clock runs ahead/);
    expect(clock.find((c) => c.status === 'ok')?.detail).toMatch(/^1 service\(s\) send telemetry stamped within/);
  }, 90_000);
});
