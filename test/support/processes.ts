// Service processes for fault tests: spawn a compiled service (services/<name>/dist/main.js)
// with per-run topic names and groups, keep the tail of its output, wait for its HTTP side,
// read its Prometheus counters, kill it (SIGKILL/SIGTERM) and make sure nothing outlives the test.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOPIC_KEYS } from '@vigil/config';
import type { TopicKey } from '@vigil/config';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type ServiceName = 'collector' | 'detector' | 'writer' | 'alerter' | 'query';

/** Topic names of one run: `${run}-${key}` for every topic of the catalogue (@vigil/config TOPICS). */
export function runTopics(run: string): Record<TopicKey, string> {
  return Object.fromEntries(TOPIC_KEYS.map((k) => [k, `${run}-${k}`])) as Record<TopicKey, string>;
}

/**
 * Environment of a service process of run `run`: the Kafka bus of the test broker, every topic
 * and consumer group named after the run (earlier runs' records never mix in), short intervals.
 */
export function runEnv(run: string, brokers: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const topics = runTopics(run);
  const env: NodeJS.ProcessEnv = { ...process.env, KAFKA_BROKERS: brokers };
  for (const k of TOPIC_KEYS) env[`VIGIL_TOPICS__${k.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`] = topics[k];
  Object.assign(env, {
    VIGIL_TOPICS__PARTITIONS: '6',
    VIGIL_DETECTOR__GROUP_ID: `${run}-detector`,
    VIGIL_WRITER__GROUP_ID: `${run}-writer`,
    VIGIL_ALERTER__GROUP_ID: `${run}-alerter`,
    VIGIL_ALERTER__TRANSACTIONAL_ID: `${run}-alerter-tx`,
    VIGIL_REKEY__GROUP_ID: `${run}-rekey`,
    VIGIL_REKEY__INSTANCE_ID: `${run}-rekey`,
    VIGIL_DETECTOR__COMMIT_INTERVAL_MS: '200',
    VIGIL_WRITER__FLUSH_INTERVAL_MS: '200',
    ...extra,
  });
  return env;
}

/** Keeps the last `max` characters of a stream's text. */
class Tail {
  text = '';
  constructor(private readonly max = 200_000) {}
  push(chunk: string): void {
    this.text += chunk;
    if (this.text.length > this.max * 1.5) this.text = this.text.slice(-this.max);
  }
}

export interface ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** stdout + stderr, last 200 kB. */
  logs(): string;
  alive(): boolean;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Everything spawned through `startService`, for `killAll` in afterAll. */
const spawned = new Set<ServiceProcess>();

export function startService(service: ServiceName, env: NodeJS.ProcessEnv, label: string = service): ServiceProcess {
  const child = spawn(process.execPath, [join(ROOT, `services/${service}/dist/main.js`)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = new Tail();
  child.stdout?.on('data', (c: Buffer) => tail.push(String(c)));
  child.stderr?.on('data', (c: Buffer) => tail.push(String(c)));
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      tail.push(`\n[${label} exited: code ${code}, signal ${signal}]\n`);
      resolve({ code, signal });
    });
  });
  const p: ServiceProcess = {
    name: label,
    child,
    pid: child.pid ?? -1,
    logs: () => tail.text,
    alive: () => !done,
    exited,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (!done) child.kill(signal);
      const res = await exited;
      spawned.delete(p);
      return res;
    },
  };
  spawned.add(p);
  return p;
}

/** SIGKILL every process still running (afterAll). */
/**
 * Reads a chDB folder through the read side: starts services/query on it at `port`, runs
 * `read(base)`, stops it. chDB opens a folder in one process only, so the writer that filled it
 * must have stopped first (with a ClickHouse server both run at once).
 */
export async function readThroughQuery<T>(env: NodeJS.ProcessEnv, port: number, label: string, read: (base: string) => Promise<T>): Promise<T> {
  const q = startService('query', { ...env, VIGIL_QUERY__API__PORT: String(port) }, label);
  try {
    await waitHttpOk(`http://127.0.0.1:${port}/healthz`, q, 90_000);
    return await read(`http://127.0.0.1:${port}`);
  } catch (err) {
    dumpLogs([q]);
    throw err;
  } finally {
    await stopGracefully(q);
  }
}

export async function killAll(): Promise<void> {
  await Promise.all([...spawned].map((p) => p.kill('SIGKILL')));
}

/** SIGTERM, and SIGKILL if it has not exited within `graceMs`. */
export async function stopGracefully(p: ServiceProcess, graceMs = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (!p.alive()) return p.exited;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  const res = await p.exited;
  clearTimeout(timer);
  spawned.delete(p);
  return res;
}

/** Print a process's output tail when a test fails (for the CI log). */
export function dumpLogs(procs: ServiceProcess[], chars = 4000): void {
  for (const p of procs) console.error(`--- ${p.name} (pid ${p.pid}) ---\n${p.logs().slice(-chars)}`);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll `probe` every `everyMs` until it returns a truthy value; throws with `what` after `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs: number, everyMs = 200): Promise<T> {
  const end = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > end) break;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? ` (last error: ${(lastErr as Error).message})` : ''}`);
}

/** Wait until GET url answers 200 (the process serves); fails at once if the process exits. */
export async function waitHttpOk(url: string, proc: ServiceProcess, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < end) {
    if (!proc.alive()) throw new Error(`${proc.name} exited before serving ${url}:\n${proc.logs().slice(-3000)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${proc.name} at ${url} (last: ${last})`);
}

/**
 * Sum of the samples of Prometheus metric `name` (text exposition format) whose labels include
 * every pair of `labels`. 0 when absent.
 */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const got: Record<string, string> = {};
    for (const lm of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) got[lm[1]] = lm[2];
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

/** GET {base}/metrics and sum `name` (see metricSum). */
export async function scrape(base: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const res = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(3000) });
  return metricSum(await res.text(), name, labels);
}

/** Resident set size of a Linux process in bytes (VmRSS of /proc/<pid>/status); 0 when gone. */
export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Count of each distinct value (a multiset). */
export function multiset(values: Iterable<string>): Map<string, number> {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

/** Differences between two multisets: entries missing from `b`, extra in `b` (with counts). */
export function multisetDiff(a: Map<string, number>, b: Map<string, number>): { missing: string[]; extra: string[] } {
  const missing: string[] = [];
  const extra: string[] = [];
  for (const [k, n] of a) {
    const m = b.get(k) ?? 0;
    if (m < n) missing.push(`${n - m}x ${k.slice(0, 200)}`);
  }
  for (const [k, n] of b) {
    const m = a.get(k) ?? 0;
    if (n > m) extra.push(`${n - m}x ${k.slice(0, 200)}`);
  }
  return { missing, extra };
}
