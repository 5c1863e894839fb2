// `vigil start SERVICE` runs one service alone (its own main), as docker-compose runs each image's
// command: here the read side, `vigil start query`, on a chDB folder the embedded writer filled
// and released, answering what was landed; an unknown name is refused with the list of services.
// Runs the built CLI (npm test builds first).
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@vigil/config';
import { freePorts } from '../../../infra/test/global-setup.js';
import { otlpJsonTraffic, postAll, waitFor } from '../../../test/support/traffic.js';
import { startEmbedded } from './embedded.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const run = promisify(execFile);

describe('vigil start SERVICE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-start-one-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses an unknown service, naming the ones it knows', async () => {
    const err = await run(process.execPath, [BIN, 'start', 'reader']).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(err?.code).toBe(1);
    expect(err?.stderr).toMatch(/one of collector, detector, alerter, writer, query or nothing/);
  });

  it('query alone reads what the writer landed in the store', async () => {
    const [api, otlpHttp, queryApi] = await freePorts(3);
    const chdb = join(dir, 'chdb');
    // The writer (embedded, with everything upstream of it) lands a service's scores, then stops:
    // chDB opens a folder in one process at a time.
    const vigil = await startEmbedded({
      config: parseConfig({ api: { port: api }, collector: { http: { port: otlpHttp }, grpc: { port: 0 } }, alerter: { api: { port: 0 } }, store: { chdb: { path: chdb } } }),
      destination: new Writable({ write: (_c, _e, cb) => cb() }),
    });
    try {
      await postAll(`http://127.0.0.1:${otlpHttp}/v1/traces`, otlpJsonTraffic({ service: 'lonely', version: 'v1', startMs: Date.now() - 10 * 60_000, seconds: 120, rps: 5, errorRatio: 0, seed: 3 }));
      await waitFor('scores of lonely', async () => {
        const r = await vigil.store.query<{ c: string }>(`SELECT count() AS c FROM ${vigil.store.table('scores')} WHERE service = 'lonely'`);
        return Number(r[0]?.c ?? 0) > 0;
      }, 60_000);
    } finally {
      await vigil.shutdown();
    }
    const child = spawn(process.execPath, [BIN, 'start', 'query'], {
      env: { ...process.env, VIGIL_STORE__CHDB__PATH: chdb, VIGIL_QUERY__API__PORT: String(queryApi) }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (c) => { log += String(c); });
    child.stderr.on('data', (c) => { log += String(c); });
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    try {
      await waitFor('vigil start query', async () => (await fetch(`http://127.0.0.1:${queryApi}/healthz`)).ok, 60_000);
      const health = (await (await fetch(`http://127.0.0.1:${queryApi}/healthz`)).json()) as { service: string };
      expect(health.service).toBe('query');
      const rows = (await (await fetch(`http://127.0.0.1:${queryApi}/v1/scores?since=1d&service=lonely`)).json()) as Array<{ service: string }>;
      expect(rows.length).toBeGreaterThan(0);
      expect(new Set(rows.map((r) => r.service))).toEqual(new Set(['lonely']));
    } catch (err) {
      console.error(log.slice(-3000));
      throw err;
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
