// What the collector's benchmarks share: command-line arguments, percentiles, process CPU time,
// and the Kafka broker they measure against.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `--name value` from the command line, or `def`. */
export function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}

/** The p-th percentile (nearest rank) of `xs`; NaN when empty. */
export const pct = (xs: number[], p: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

/** CPU seconds (user + system) this process used so far. */
export function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

export interface BenchBroker { brokers: string; source: string; stop(): void }

/**
 * KAFKA_BROKERS when set; else a broker started with infra/kafka/broker.sh on a random port
 * (stopped with the process), with the project's topics unless `createTopics` is false.
 * Throws, saying what to do, when neither is available.
 */
export function startBenchBroker(createTopics = true): BenchBroker {
  if (process.env.KAFKA_BROKERS) return { brokers: process.env.KAFKA_BROKERS, source: `KAFKA_BROKERS=${process.env.KAFKA_BROKERS}`, stop() {} };
  const script = fileURLToPath(new URL('../../../../infra/kafka/broker.sh', import.meta.url));
  if (!existsSync(script)) throw new Error('no broker: set KAFKA_BROKERS, run from the repository (infra/kafka/broker.sh), or pass --memory');
  const port = 20000 + Math.floor(Math.random() * 20000);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-kafka-'));
  const args = ['--port', String(port), '--controller-port', String(port + 1), '--dir', dir, ...(createTopics ? [] : ['--no-topics'])];
  execFileSync('bash', [script, 'start', ...args, '--parent-pid', String(process.pid)], { stdio: 'inherit' });
  return {
    brokers: `127.0.0.1:${port}`,
    source: `broker.sh on 127.0.0.1:${port}`,
    stop() {
      try { execFileSync('bash', [script, 'stop', ...args], { stdio: 'ignore' }); } catch { /* already gone */ }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
