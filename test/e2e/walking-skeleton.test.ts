// The walking skeleton: OTLP/HTTP JSON traces posted to the collector travel
// collector → bus → detector → alerter and writer → ClickHouse, on both buses:
// the in-process bus in one process (embedded default), and the real Kafka broker with each
// service in its own process — except that the writer and the read side (services/query) share
// one: chDB opens a folder in one process only (with a ClickHouse server they are two
// containers, docker-compose.yml), so that process is `vigil start` with only those two enabled.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { startEmbedded } from '@vigil/cli';
import { parseConfig } from '@vigil/config';
import { testBrokers, uniqueName } from '../../infra/test/kafka.js';
import { freePorts } from '../../infra/test/global-setup.js';
import { otlpJsonTraffic, postAll, waitFor } from '../support/traffic.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Event time of the traffic: recent, so rows are inside every table's TTL.
const T0 = Date.now() - 20 * 60_000;

function traffic() {
  return [
    ...otlpJsonTraffic({ service: 'payments', version: 'v1', startMs: T0, seconds: 300, rps: 20, errorRatio: 0.005, seed: 1 }),
    ...otlpJsonTraffic({ service: 'payments', version: 'v2', startMs: T0 + 300_000, seconds: 90, rps: 20, errorRatio: 0.08, seed: 2 }),
  ];
}

async function get(url: string): Promise<Array<Record<string, unknown>>> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return (await res.json()) as Array<Record<string, unknown>>;
}

async function checkOutcome(apiBase: string): Promise<void> {
  const deployments = await waitFor('the failed verdict of payments v2 in ClickHouse', async () => {
    const rows = await get(`${apiBase}/v1/deployments?since=1d`);
    return rows.some((r) => r.service === 'payments' && r.version === 'v2' && r.status === 'fail') ? rows : null;
  }, 90_000);
  expect(deployments.find((r) => r.version === 'v2')?.verdict).toMatch(/regressed/);
  const scores = await waitFor('RED scores in ClickHouse', async () => {
    const rows = await get(`${apiBase}/v1/scores?since=1d&service=payments&limit=10000`);
    return rows.length >= 30 * 3 * 5 ? rows : null;
  }, 60_000);
  expect(new Set(scores.map((s) => s.metric))).toContain('error_ratio');
  const alerts = await waitFor('the deployment alert in ClickHouse', async () => {
    const rows = await get(`${apiBase}/v1/alerts?since=1d`);
    return rows.some((a) => a.service === 'payments' && a.status === 'firing') ? rows : null;
  }, 60_000);
  expect(alerts.find((a) => a.service === 'payments')?.summary).toMatch(/payments v2/);
}

describe('walking skeleton', () => {
  const dirs: string[] = [];
  const procs: ChildProcess[] = [];
  afterAll(() => {
    for (const p of procs) p.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('embedded: in-process bus and chDB in one process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-'));
    dirs.push(dir);
    const [otlpHttp, otlpGrpc, api, alerterApi] = await freePorts(4);
    const logs: string[] = [];
    const destination = new Writable({ write: (c, _e, cb) => { logs.push(String(c)); cb(); } });
    const config = parseConfig({
      store: { chdb: { path: join(dir, 'chdb') } },
      api: { port: api },
      collector: { http: { port: otlpHttp }, grpc: { port: otlpGrpc } },
      alerter: { api: { port: alerterApi } },
      detector: { commitIntervalMs: 200 },
      writer: { flushIntervalMs: 200 },
    });
    const vigil = await startEmbedded({ config, destination });
    try {
      expect((await fetch(`http://127.0.0.1:${api}/healthz`)).status).toBe(200);
      await postAll(`http://127.0.0.1:${otlpHttp}/v1/traces`, traffic());
      await checkOutcome(`http://127.0.0.1:${api}`);
      // The alerter logged the alert it raised.
      expect(logs.some((l) => l.includes('"service":"alerter"') && l.includes('payments'))).toBe(true);
    } finally {
      await vigil.shutdown();
    }
  });

  test('kafka: the real broker, each service in its own process', async () => {
    const brokers = testBrokers().join(',');
    const dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-kafka-'));
    dirs.push(dir);
    const [otlpHttp, otlpGrpc, collectorApi, detectorApi, alerterApi, queryApi] = await freePorts(6);
    const run = uniqueName('e2e');
    const env = {
      ...process.env,
      KAFKA_BROKERS: brokers,
      VIGIL_STORE__CHDB__PATH: join(dir, 'chdb'),
      // Topic names of this run only, so earlier runs' records do not mix in.
      ...Object.fromEntries(['spans', 'metrics', 'logs', 'deployments', 'scores', 'anomalies', 'verdicts', 'templates', 'alerts', 'rollbacks', 'deadLetter', 'detectorState', 'alerterState', 'ciTestRuns']
        .map((t) => [`VIGIL_TOPICS__${t.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`, `${run}-${t}`])),
      VIGIL_DETECTOR__GROUP_ID: `${run}-detector`,
      VIGIL_WRITER__GROUP_ID: `${run}-writer`,
      VIGIL_ALERTER__GROUP_ID: `${run}-alerter`,
      VIGIL_DETECTOR__COMMIT_INTERVAL_MS: '200',
      VIGIL_WRITER__FLUSH_INTERVAL_MS: '200',
      VIGIL_COLLECTOR__HTTP__PORT: String(otlpHttp),
      VIGIL_COLLECTOR__GRPC__PORT: String(otlpGrpc),
      VIGIL_API__PORT: String(collectorApi),
      VIGIL_DETECTOR__API__PORT: String(detectorApi),
      VIGIL_ALERTER__API__PORT: String(alerterApi),
    };
    // The store's process: writer and query composed by the embedded runner, the rest switched off.
    const storeSide = {
      ...env, VIGIL_API__PORT: String(queryApi), VIGIL_COLLECTOR__ENABLED: 'false', VIGIL_REKEY__ENABLED: 'false',
      VIGIL_DETECTOR__ENABLED: 'false', VIGIL_ALERTER__ENABLED: 'false',
    };
    const commands: Record<string, [string[], NodeJS.ProcessEnv]> = {
      'writer+query': [[join(ROOT, 'services/cli/dist/bin.js'), 'start'], storeSide],
      alerter: [[join(ROOT, 'services/alerter/dist/main.js')], env],
      detector: [[join(ROOT, 'services/detector/dist/main.js')], env],
      collector: [[join(ROOT, 'services/collector/dist/main.js')], env],
    };
    const logs: Record<string, string> = {};
    const start = (service: string) => {
      const [args, penv] = commands[service];
      const p = spawn(process.execPath, args, { env: penv, stdio: ['ignore', 'pipe', 'pipe'] });
      logs[service] = '';
      p.stdout?.on('data', (c) => { logs[service] += String(c); });
      p.stderr?.on('data', (c) => { logs[service] += String(c); });
      procs.push(p);
    };
    try {
      // Downstream first, as the embedded runner starts them: the store's process (migrations,
      // every topic ensured) is up before the producers of the other services connect.
      start('writer+query');
      await waitFor('the writer and query process', async () => (await fetch(`http://127.0.0.1:${queryApi}/healthz`)).ok, 60_000);
      for (const service of ['alerter', 'detector', 'collector']) start(service);
      await waitFor('the collector to serve', async () => (await fetch(`http://127.0.0.1:${otlpHttp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status === 200, 60_000);
      for (const port of [detectorApi, alerterApi]) {
        await waitFor(`service on :${port}`, async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, 60_000);
      }
      await postAll(`http://127.0.0.1:${otlpHttp}/v1/traces`, traffic());
      await checkOutcome(`http://127.0.0.1:${queryApi}`);
      expect(logs.alerter).toContain('payments');
    } catch (err) {
      for (const [s, l] of Object.entries(logs)) console.error(`--- ${s} ---\n${l.slice(-3000)}`);
      throw err;
    } finally {
      for (const p of procs) p.kill('SIGTERM');
    }
  });
});
