// The real OpenTelemetry Collector for integration tests, found or built like the Kafka broker:
//   1. OTELCOL_BIN set        -> that binary (must be executable and list the components below)
//   2. otherwise              -> infra/otelcol/build.sh: the cached build under
//                                ${VIGIL_CACHE:-~/.cache/vigil}/otelcol, built with Go when missing
//   failing both              -> OTELCOL_MISSING says why; tests that need it fail with that text.
// The global setup calls provideOtelcol() once; test files call otelcolBinary() and startOtelcol().
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);
const BUILD_SH = fileURLToPath(new URL('../otelcol/build.sh', import.meta.url));

/** Components the recipes and their tests use (infra/otelcol/builder-config.yaml). */
const OTELCOL_COMPONENTS = ['otlp', 'kafka', 'otlp_http', 'debug'] as const;

const OTELCOL_HINT =
  'build it with `npm run build:otelcol` (Go >= 1.26 and the Go module proxy; a cold build takes minutes), ' +
  'or set OTELCOL_BIN to an OpenTelemetry Collector binary with the otlp and kafka receivers and the kafka, otlp and otlphttp exporters';

/**
 * Called once by the global setup: sets process.env.OTELCOL_BIN to a usable binary, or
 * process.env.OTELCOL_MISSING to the reason (never throws: only the tests that need it fail).
 */
export async function provideOtelcol(log: (msg: string) => void): Promise<void> {
  const t0 = performance.now();
  let bin = process.env.OTELCOL_BIN?.trim() ?? '';
  try {
    if (bin) {
      accessSync(bin, constants.X_OK);
    } else {
      // Prints the path on its last stdout line; a no-op when the cached build is current.
      const { stdout } = await execFileP('bash', [BUILD_SH], { maxBuffer: 16 * 1024 * 1024, timeout: 30 * 60_000 });
      bin = stdout.trim().split('\n').at(-1) ?? '';
    }
    const { stdout } = await execFileP(bin, ['components'], { maxBuffer: 16 * 1024 * 1024 });
    for (const c of OTELCOL_COMPONENTS) {
      if (!new RegExp(`name: ${c}\\b`).test(stdout)) throw new Error(`${bin} has no "${c}" component`);
    }
    process.env.OTELCOL_BIN = bin;
    delete process.env.OTELCOL_MISSING;
    log(`OpenTelemetry Collector: ${bin} (${((performance.now() - t0) / 1000).toFixed(1)}s)`);
  } catch (err) {
    const e = err as Error & { stderr?: string };
    const reason = `OpenTelemetry Collector unavailable (${(e.stderr ?? '').trim().split('\n').slice(-3).join(' | ') || e.message}): ${OTELCOL_HINT}`;
    process.env.OTELCOL_MISSING = reason;
    delete process.env.OTELCOL_BIN;
    log(reason);
  }
}

/** The Collector binary for this run, or an Error saying how to provide one. */
export function otelcolBinary(): string {
  const bin = process.env.OTELCOL_BIN ?? '';
  if (!bin) throw new Error(process.env.OTELCOL_MISSING || `OpenTelemetry Collector not provided: ${OTELCOL_HINT}`);
  return bin;
}

export interface RunningOtelcol {
  readonly pid: number;
  /** The tail of its log (stderr). */
  logs(): string;
  /** SIGTERM (the Collector drains its queues), SIGKILL after `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/** A recipe of infra/otelcol/recipes (name without .yaml). */
export function otelcolRecipe(name: string): string {
  return fileURLToPath(new URL(`../otelcol/recipes/${name}.yaml`, import.meta.url));
}

export interface OtelcolStart {
  /** A configuration file (e.g. otelcolRecipe(...)); or `yaml`, written to a temporary file. */
  configFile?: string;
  yaml?: string;
  /** Environment for ${env:...} in the configuration. */
  env?: Record<string, string>;
}

/**
 * Starts the Collector and resolves once it logged "Everything is ready" (pipelines built,
 * receivers listening). Fails with its log if it exits or is not ready in 60 s.
 */
export async function startOtelcol(start: OtelcolStart): Promise<RunningOtelcol> {
  const bin = otelcolBinary();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-otelcol-'));
  let file = start.configFile ?? '';
  if (!file) {
    file = join(dir, 'config.yaml');
    writeFileSync(file, start.yaml ?? '');
  }
  const child: ChildProcess = spawn(bin, ['--config', file], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...start.env } });
  let text = '';
  const keep = (d: Buffer) => {
    text += d.toString();
    if (text.length > 400_000) text = text.slice(-200_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 60_000;
  while (!text.includes('Everything is ready')) {
    if (child.exitCode !== null || child.signalCode !== null) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`the OpenTelemetry Collector exited (${child.exitCode ?? child.signalCode}):\n${text.slice(-4000)}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`the OpenTelemetry Collector was not ready in 60 s:\n${text.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  let stopping: Promise<void> | null = null;
  return {
    pid: child.pid ?? -1,
    logs: () => text,
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          await Promise.race([exited, new Promise((r) => setTimeout(r, graceMs))]);
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
