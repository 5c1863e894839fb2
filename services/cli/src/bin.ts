#!/usr/bin/env node
// The vigil command.
//   vigil start                      the whole pipeline in one process (embedded defaults)
//   vigil start <service>            one service alone (collector, detector, alerter, writer, query)
//   vigil anomalies [--since 15m] [--service S] [--json]
//   vigil alerts | deployments | templates [--since …] [--service S] [--json]
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '@vigil/config';
import { runMain, startTracing } from '@vigil/telemetry';
import { startEmbedded } from './embedded.js';
import { getJson, VIEWS } from './queries.js';
import { ciMain } from './ci/ci-prioritise.js';
import { parseDemoArgs, runDemo } from './demo/index.js';
import { gettingStarted } from './getting-started.js';
import { renderDoctor, runDoctor } from './doctor.js';

const HELP = `vigil — OpenTelemetry anomaly detection and safe deployments

Usage:
  vigil start                 run collector, detector, alerter, writer and query in one process
                              (OTLP on 4317/4318, API on 8080, data under ./data)
  vigil start SERVICE         run one service alone: collector, detector, alerter, writer or
                              query (the read API and console, on query.api :8083)
  vigil anomalies [options]   recent anomalies
  vigil alerts [options]      alerts and their notifications
  vigil deployments [options] deployments and their verdicts
  vigil templates [options]   log templates (--new: only those new since a deploy)
  vigil capacity [service]    day-ahead CPU / memory requests, replicas, expected waste and
                              shortfall risk per service, and why (from Vigil's forecasts)
  vigil doctor [--json]       check a running installation: ports, bus, store, receivers,
                              rollback hooks, clock skew of incoming telemetry (exit 1 on problems)
  vigil demo [--fast]         the shop simulation: a bad payments deploy caught and rolled back
  vigil ci prioritise --suite S [--budget 10m] [--workers K] [--json] < tests.txt
                              rank tests to reveal failures early (one name per line)

Options for queries:
  --since DURATION   e.g. 30s, 15m, 2h, 7d
  --service NAME     only this service
  --limit N          at most N rows (default 100)
  --json             print JSON instead of a table
  --api URL          query API (default $VIGIL_API_URL or http://127.0.0.1:8080); token: $VIGIL_API_TOKEN

Configuration: ./vigil.yaml or $VIGIL_CONFIG (see vigil.example.yaml), VIGIL_* overrides,
KAFKA_BROKERS selects Kafka, CLICKHOUSE_URL a ClickHouse server.
`;

async function query(view: string, argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      since: { type: 'string' }, service: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' },
      api: { type: 'string' }, new: { type: 'boolean' }, status: { type: 'string' },
    },
    strict: true,
    // `vigil capacity checkout` names the service positionally.
    allowPositionals: view === 'capacity',
  });
  const v = VIEWS[view];
  const service = values.service ?? positionals[0];
  const rows = (await getJson(
    { apiUrl: values.api ?? process.env.VIGIL_API_URL ?? 'http://127.0.0.1:8080', token: process.env.VIGIL_API_TOKEN },
    v.path,
    { since: values.since, service, limit: values.limit, new: values.new ? 'true' : undefined, status: values.status },
  )) as Array<Record<string, unknown>>;
  process.stdout.write(values.json ? `${JSON.stringify(rows, null, 2)}\n` : v.render(rows));
}

/** The services `vigil start SERVICE` runs alone (each one's own main: config, build, start, SIGTERM). */
const SERVICES = ['collector', 'detector', 'alerter', 'writer', 'query'] as const;

async function startOne(args: string[]): Promise<void> {
  const [name, ...extra] = args;
  if (!SERVICES.includes(name as (typeof SERVICES)[number]) || extra.length > 0) {
    throw new Error(`vigil start: one of ${SERVICES.join(', ')} or nothing (the whole pipeline); got ${JSON.stringify(args.join(' '))}`);
  }
  // The service's main.js sits beside its index.js (the package entry) in its dist/.
  await import(new URL('./main.js', import.meta.resolve(`@vigil/${name}`)).href);
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(HELP);
    return;
  }
  if (command === 'start' && rest.length > 0) return startOne(rest);
  if (command === 'start') {
    runMain({
      name: 'vigil',
      async start() {
        const config = loadConfig();
        // Optional self-tracing (telemetry.tracing.enabled), off by default.
        const tracing = await startTracing({ ...config.telemetry.tracing, service: 'vigil' });
        const vigil = await startEmbedded({ config });
        process.stdout.write(
          `vigil: ${vigil.collector ? `OTLP gRPC :${vigil.ports.otlpGrpc}, OTLP HTTP :${vigil.ports.otlpHttp}` : 'collector off'}, API :${vigil.ports.api} ` +
            `(/healthz, /metrics, /v1/anomalies …), alerter API :${vigil.ports.alerterApi}; bus ${vigil.bus.kind}, store ${vigil.store.kind}` +
            `${vigil.rekey ? '' : ', rekey off'}${vigil.detector ? '' : ', detector off'}${vigil.alerter ? '' : ', alerter off'}${vigil.writer ? '' : ', writer off'}${vigil.query ? '' : ', query off'}\n`,
        );
        process.stdout.write(gettingStarted(config, vigil.ports));
        return async (deadlineMs) => {
          await vigil.shutdown(deadlineMs);
          await tracing.shutdown();
        };
      },
    });
    return;
  }
  if (command === 'doctor') {
    const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' }, api: { type: 'string' } }, strict: true });
    const result = await runDoctor({ config: loadConfig(), apiUrl: values.api ?? process.env.VIGIL_API_URL, token: process.env.VIGIL_API_TOKEN });
    process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : renderDoctor(result));
    process.exitCode = result.ok ? 0 : 1;
    return;
  }
  if (command in VIEWS) return query(command, rest);
  if (command === 'ci') return ciMain(rest);
  if (command === 'demo') {
    // runDemo handles SIGINT itself and shuts everything down.
    const result = await runDemo(parseDemoArgs(rest));
    process.exitCode = result.ok ? 0 : 1;
    return;
  }
  process.stderr.write(`vigil: unknown command "${command}"\n\n${HELP}`);
  process.exitCode = 2;
}

main().catch((err: unknown) => {
  process.stderr.write(`vigil: ${err instanceof ConfigError ? err.message : (err as Error).message}\n`);
  process.exitCode = 1;
});
