// Broker-down behaviour against a real broker of the test's own (infra/kafka/broker.sh on
// free ports, its own data dir): while the broker is stopped the collector answers 503 with
// Retry-After, its held memory stays under maxInflightBytes, it answers 200 again once the
// broker is back, and every request answered 200 is found in Kafka (counted by unique ids).
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { createKafkaBus } from '@vigil/bus';
import type { Bus } from '@vigil/bus';
import { vigilSchema } from '@vigil/config';
import { createTelemetry } from '@vigil/telemetry';
import { attributesToRecord, decodeTraces, encodeTraces, sampleTraces } from '@vigil/otlp';
import { createCollector } from '@vigil/collector';
import type { Collector } from '@vigil/collector';
import { freePorts } from '../../../infra/test/global-setup.js';

const BROKER_SH = fileURLToPath(new URL('../../../infra/kafka/broker.sh', import.meta.url));

describe('collector while the broker goes down and comes back', () => {
  let args: string[] = [];
  let dir = '';
  let bus: Bus | undefined;
  let collector: Collector | undefined;
  afterAll(async () => {
    await collector?.shutdown(3000);
    await bus?.shutdown();
    if (args.length > 0) { try { execFileSync('bash', [BROKER_SH, 'stop', ...args], { stdio: 'ignore' }); } catch { /* gone */ } }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('503 + Retry-After while down, bounded memory, resumes, and loses no acknowledged request', async () => {
    const [port, controller] = await freePorts(2);
    dir = mkdtempSync(join(tmpdir(), 'vigil-collector-down-'));
    args = ['--port', String(port), '--controller-port', String(controller), '--dir', dir];
    execFileSync('bash', [BROKER_SH, 'start', ...args, '--no-topics', '--parent-pid', String(process.pid)], { stdio: 'ignore' });
    bus = createKafkaBus({ brokers: [`127.0.0.1:${port}`], clientId: 'collector-down', logLevel: 'nothing', connectionTimeoutMs: 1000, requestTimeoutMs: 3000 });
    const maxInflightBytes = 4 * 1024 * 1024;
    const config = vigilSchema.parse({
      topics: { partitions: 2 },
      collector: {
        http: { port: 0, maxBodyBytes: 1024 * 1024 }, grpc: { port: 0, maxMessageBytes: 1024 * 1024 },
        maxInflightBytes, produceTimeoutMs: 3000, busDownHoldMs: 300, retryAfterS: 1,
      },
    });
    const telemetry = createTelemetry({ service: 'collector', logLevel: 'silent', registry: new Registry(), processMetrics: false, destination: new Writable({ write(_c, _e, cb) { cb(); } }) });
    collector = createCollector({ config, bus, telemetry });
    const { httpPort } = await collector.start();
    const url = `http://127.0.0.1:${httpPort}/v1/traces`;

    const acked = new Set<number>();
    const statuses = new Map<number, number>();
    let retryAfterSeen = '';
    let maxHeld = 0;
    let next = 0;
    let stop = false;
    const send = async (): Promise<void> => {
      while (!stop) {
        const id = next++;
        const req = sampleTraces({ resources: 1, itemsPerResource: 2, seed: id });
        req.resourceSpans[0].scopeSpans[0].spans[0].attributes.push({ key: 'test.request_id', value: { intValue: BigInt(id) } });
        let status = 0;
        try {
          const res = await fetch(url, { method: 'POST', body: encodeTraces(req), headers: { 'content-type': 'application/x-protobuf' }, signal: AbortSignal.timeout(15_000) });
          status = res.status;
          if (status === 503 || status === 429) retryAfterSeen = res.headers.get('retry-after') ?? '';
          await res.arrayBuffer();
        } catch { status = -1; }
        if (status === 200) acked.add(id);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        maxHeld = Math.max(maxHeld, collector!.inflightBytes());
        if (status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
    };
    const waitFor = async (cond: () => boolean, ms: number): Promise<boolean> => {
      const until = Date.now() + ms;
      while (!cond() && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      return cond();
    };
    const workers = [send(), send(), send(), send()];
    expect(await waitFor(() => acked.size >= 20, 30_000)).toBe(true);

    execFileSync('bash', [BROKER_SH, 'stop', ...args], { stdio: 'ignore' });
    const before503 = statuses.get(503) ?? 0;
    expect(await waitFor(() => (statuses.get(503) ?? 0) >= before503 + 5, 60_000)).toBe(true);
    expect(retryAfterSeen).toBe('1');

    execFileSync('bash', [BROKER_SH, 'start', ...args, '--no-topics', '--parent-pid', String(process.pid)], { stdio: 'ignore' });
    const ackedAtRestart = acked.size;
    expect(await waitFor(() => acked.size >= ackedAtRestart + 20, 90_000)).toBe(true);
    stop = true;
    await Promise.all(workers);

    expect(maxHeld).toBeLessThanOrEqual(maxInflightBytes);
    const found = new Set<number>();
    const consumer = bus.consumer({ groupId: `down-check-${process.pid}`, topics: [config.topics.spans], fromBeginning: true });
    await consumer.run(async (b) => {
      for (const r of b.records) {
        for (const s of decodeTraces(r.value!).resourceSpans[0].scopeSpans[0].spans) {
          const id = attributesToRecord(s.attributes)['test.request_id'];
          if (typeof id === 'bigint') found.add(Number(id));
        }
      }
    });
    await waitFor(() => [...acked].every((id) => found.has(id)), 60_000);
    await consumer.close();
    const missing = [...acked].filter((id) => !found.has(id));
    expect(missing, `statuses ${JSON.stringify([...statuses])}`).toEqual([]);
  });
});
