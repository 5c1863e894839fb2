// vitest globalSetup for the "integration" project: provides a Kafka broker (and Alertmanager
// when installed) to every integration test file, and stops what it started afterwards.
//
// Kafka, first that works:
//   1. KAFKA_BROKERS set       -> that cluster (checked to answer metadata; nothing is created)
//   2. a Docker engine answers -> Testcontainers, apache/kafka:3.9.1 (single-node KRaft)
//   3. Java + Maven            -> infra/kafka/broker.sh on free ports with a temp data dir
//   otherwise                  -> an Error saying how to provide one.
// Tests read the brokers with `testBrokers()` from infra/test/kafka.ts. The value is passed two
// ways: `project.provide('kafkaBrokers')` (read with `inject`) and process.env.KAFKA_BROKERS.
// Both reach the test workers in vitest 3: globalSetup runs in the main process before the
// worker forks/threads are created, and they inherit its environment (checked by
// packages/bus/test/kafka-bus.test.ts, which asserts both agree).
//
// Alertmanager: started when `prometheus-alertmanager` or `alertmanager` is on PATH (a null
// receiver, temp storage, free port) and exposed as ALERTMANAGER_URL; when missing, setup does
// not fail but sets ALERTMANAGER_MISSING so tests that need it fail with the install hint.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type * as Testcontainers from 'testcontainers';
import type { TestProject } from 'vitest/node';
import { ALERTMANAGER_INSTALL_HINT } from './context.js';
import { provideOtelcol } from './otelcol.js';

const execFileP = promisify(execFile);
const KAFKA_DIR = fileURLToPath(new URL('../kafka/', import.meta.url));
const BROKER_SH = join(KAFKA_DIR, 'broker.sh');
const CREATE_TOPICS = join(KAFKA_DIR, 'create-topics.mjs');
const KAFKA_IMAGE = 'apache/kafka:3.9.1';

const log = (msg: string): void => {
  console.log(`[vigil test] ${msg}`);
};
const seconds = (t0: number): string => ((performance.now() - t0) / 1000).toFixed(1);

// The kernel's ephemeral range (Linux; 32768–60999 by default). A port handed out by listen(0)
// comes from it, and so does the local port of every outgoing connection: a port reserved that
// way, released, and bound again seconds later by a child process could meanwhile be taken by a
// client socket of the run (one CI run failed so). Ports are drawn below the range instead, where
// only explicit binds land.
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 1024 ? low : 32768;
  } catch {
    return 32768;
  }
}

function listenOn(port: number): Promise<ReturnType<typeof createServer> | null> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(null));
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}

/**
 * Reserve `n` distinct free TCP ports on 127.0.0.1 (held open together so they differ), drawn at
 * random below the ephemeral range (see ephemeralLow); where that range leaves no room, from listen(0).
 */
export async function freePorts(n: number): Promise<number[]> {
  const high = ephemeralLow();
  const low = Math.max(1025, high - 12_000);
  const servers: Array<ReturnType<typeof createServer>> = [];
  for (let tries = 0; servers.length < n && tries < 50 * n && high - low > 100; tries++) {
    const s = await listenOn(low + Math.floor(Math.random() * (high - low)));
    if (s) servers.push(s);
  }
  while (servers.length < n) {
    const s = await listenOn(0);
    if (!s) throw new Error('could not reserve a free port on 127.0.0.1');
    servers.push(s);
  }
  const ports = servers.map((s) => {
    const a = s.address();
    if (a === null || typeof a === 'string') throw new Error('could not read a free port');
    return a.port;
  });
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  return ports;
}

/** Runs create-topics.mjs: waits for metadata and, unless waitOnly, creates topics.json's topics. */
async function kafkaReady(brokers: string, timeoutMs: number, waitOnly: boolean): Promise<void> {
  const args = [CREATE_TOPICS, '--brokers', brokers, '--timeout-ms', String(timeoutMs)];
  if (waitOnly) args.push('--wait-only');
  await execFileP(process.execPath, args, { timeout: timeoutMs + 10_000 });
}

/** Does a Docker engine answer (through Testcontainers)? Returns why not, or null when it does. */
async function dockerUnavailable(): Promise<string | null> {
  const host = process.env.DOCKER_HOST;
  if (!host && !existsSync('/var/run/docker.sock')) return 'no Docker engine (no DOCKER_HOST, no /var/run/docker.sock)';
  let tc: typeof Testcontainers;
  try {
    tc = await import('testcontainers');
  } catch (err) {
    // Pinned to testcontainers 11 (undici 7, Node >= 20.18): release 12 needs Node >= 22.19.
    return `the testcontainers package does not load on Node ${process.version}: ${(err as Error).message}`;
  }
  try {
    const client = await Promise.race([
      tc.getContainerRuntimeClient(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer in 5 s')), 5000)),
    ]);
    return client.info.containerRuntime.serverVersion ? null : 'the Docker engine reported no version';
  } catch (err) {
    return `no Docker engine answers: ${(err as Error).message}`;
  }
}

interface StartedKafka {
  brokers: string;
  source: string;
  stop: () => Promise<void>;
}

async function startTestcontainersKafka(): Promise<StartedKafka> {
  const t0 = performance.now();
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  const client = await getContainerRuntimeClient();
  const host = client.info.containerRuntime.host;
  // The advertised listener must be the address clients dial, so bind the same port number on
  // both sides instead of letting Docker pick a random host port.
  const [port] = await freePorts(1);
  const container = await new GenericContainer(KAFKA_IMAGE)
    .withExposedPorts({ container: port, host: port })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: `PLAINTEXT://0.0.0.0:${port},CONTROLLER://127.0.0.1:9093`,
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:${port}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@127.0.0.1:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '4',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS: '4',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_GROUP_MIN_SESSION_TIMEOUT_MS: '1000',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      KAFKA_NUM_PARTITIONS: '6',
    })
    .withWaitStrategy(Wait.forListeningPorts())
    .withStartupTimeout(120_000)
    .start();
  const brokers = `${host}:${port}`;
  await kafkaReady(brokers, 60_000, false);
  return {
    brokers,
    source: `Testcontainers ${KAFKA_IMAGE} on ${brokers} (started in ${seconds(t0)}s)`,
    stop: async () => {
      await container.stop();
    },
  };
}

function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', (err) => resolve({ code: 127, out: out + String(err) }));
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

async function startLocalKafka(): Promise<StartedKafka> {
  const t0 = performance.now();
  const [port, controllerPort] = await freePorts(2);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-kafka-'));
  const { code, out } = await run('bash', [
    BROKER_SH, 'start', '--port', String(port), '--controller-port', String(controllerPort),
    '--dir', dir, '--parent-pid', String(process.pid),
  ]);
  if (code !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`infra/kafka/broker.sh start failed (exit ${code}):\n${out.trim()}`);
  }
  return {
    brokers: `127.0.0.1:${port}`,
    source: `local broker 3.9.1 on 127.0.0.1:${port} (started in ${seconds(t0)}s)`,
    stop: async () => {
      const res = await run('bash', [BROKER_SH, 'stop', '--port', String(port), '--dir', dir]);
      if (res.code !== 0) console.error(`[vigil test] broker.sh stop: ${res.out.trim()}`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function provideKafka(): Promise<StartedKafka> {
  const external = process.env.KAFKA_BROKERS?.trim();
  if (external) {
    try {
      await kafkaReady(external, 15_000, true);
    } catch (err) {
      throw new Error(`KAFKA_BROKERS=${external} does not answer: ${(err as Error).message}`);
    }
    return { brokers: external, source: `KAFKA_BROKERS ${external}`, stop: async () => {} };
  }
  const failures: string[] = [];
  const noDocker = await dockerUnavailable();
  if (noDocker === null) {
    try {
      return await startTestcontainersKafka();
    } catch (err) {
      failures.push(`Testcontainers (${KAFKA_IMAGE}): ${(err as Error).message}`);
    }
  } else {
    failures.push(`Testcontainers: ${noDocker}`);
  }
  try {
    return await startLocalKafka();
  } catch (err) {
    failures.push(`local broker: ${(err as Error).message}`);
  }
  throw new Error(
    'No Kafka broker for the integration tests. Provide one of:\n' +
      '  - KAFKA_BROKERS=host:port of a running Kafka 2.x/3.x cluster (kafkajs cannot talk to 4.x)\n' +
      '  - Java 17 and Maven (apt-get install openjdk-17-jre-headless maven): infra/kafka/broker.sh runs a real broker\n' +
      '  - a Docker engine (Testcontainers runs ' + KAFKA_IMAGE + ')\n' +
      'What was tried:\n  ' + failures.join('\n  '),
  );
}

/** The first of `names` that is an executable in a PATH directory (then in `extraDirs`), or null. */
export function findOnPath(names: string[], extraDirs: string[] = []): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter).concat(extraDirs)) {
    for (const name of names) {
      const p = join(dir, name);
      try {
        accessSync(p, constants.X_OK);
        return p;
      } catch {
        // not here
      }
    }
  }
  return null;
}

interface StartedAlertmanager {
  url: string;
  stop: () => Promise<void>;
}

async function startAlertmanager(bin: string): Promise<StartedAlertmanager> {
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-alertmanager-'));
  const config = join(dir, 'alertmanager.yml');
  // A null receiver: alerts are accepted and kept (API-visible) but sent nowhere.
  writeFileSync(config, "route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n");
  const [port] = await freePorts(1);
  const child: ChildProcess = spawn(
    bin,
    [
      `--config.file=${config}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Empty disables the gossip cluster (it would otherwise bind :9094 on all interfaces).
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`alertmanager exited (${child.exitCode}): ${stderr}`);
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`alertmanager did not become ready in 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  log(`Alertmanager: ${bin} on ${url} (started in ${seconds(t0)}s)`);
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const kafka = await provideKafka();
  log(`Kafka: ${kafka.source}`);
  process.env.KAFKA_BROKERS = kafka.brokers;
  project.provide('kafkaBrokers', kafka.brokers);
  project.provide('kafkaSource', kafka.source);

  let alertmanager: StartedAlertmanager | null = null;
  const bin = findOnPath(['prometheus-alertmanager', 'alertmanager']);
  let missing = '';
  if (bin === null) {
    missing = `Alertmanager is not installed: ${ALERTMANAGER_INSTALL_HINT}`;
  } else {
    try {
      alertmanager = await startAlertmanager(bin);
    } catch (err) {
      missing = `Alertmanager (${bin}) did not start: ${(err as Error).message}`;
    }
  }
  if (alertmanager) {
    process.env.ALERTMANAGER_URL = alertmanager.url;
    delete process.env.ALERTMANAGER_MISSING;
  } else {
    log(missing);
    process.env.ALERTMANAGER_MISSING = missing;
  }
  project.provide('alertmanagerUrl', alertmanager?.url ?? '');
  project.provide('alertmanagerMissing', missing);

  // The real OpenTelemetry Collector (behind-a-Collector recipes): OTELCOL_BIN, or the cached build.
  await provideOtelcol(log);

  return async () => {
    await alertmanager?.stop();
    const t0 = performance.now();
    await kafka.stop();
    log(`Kafka: stopped (${seconds(t0)}s)`);
  };
}
