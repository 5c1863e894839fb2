// Shared by the collector's unit tests: a collector on ephemeral ports over a memory bus (or a
// wrapped producer), and helpers to read records back. Not part of the build (imported by tests).
import { Writable } from 'node:stream';
import { createMemoryBus } from '@vigil/bus';
import type { Bus, InRecord, Producer } from '@vigil/bus';
import { vigilSchema } from '@vigil/config';
import type { VigilConfig, VigilConfigInput } from '@vigil/config';
import { createTelemetry } from '@vigil/telemetry';
import type { Telemetry } from '@vigil/telemetry';
import { Registry } from 'prom-client';
import { createCollector } from '../collector.js';
import type { Collector } from '../collector.js';

export function testConfig(collector: NonNullable<VigilConfigInput['collector']> = {}): VigilConfig {
  return vigilSchema.parse({
    collector: {
      ...collector,
      http: { port: 0, ...(collector.http ?? {}) },
      grpc: { port: 0, ...(collector.grpc ?? {}) },
    },
  });
}

export function quietTelemetry(): Telemetry {
  const sink = new Writable({ write(_c, _e, cb) { cb(); } });
  return createTelemetry({ service: 'collector', logLevel: 'silent', destination: sink, registry: new Registry(), processMetrics: false });
}

export interface Harness {
  collector: Collector;
  bus: Bus;
  telemetry: Telemetry;
  http: string;
  httpPort: number;
  grpcPort: number;
  close(): Promise<void>;
}

/** `wrap` may replace the producer (to fail or delay sends). */
export async function startHarness(
  collectorConfig: NonNullable<VigilConfigInput['collector']> = {},
  wrap?: (p: Producer) => Producer,
): Promise<Harness> {
  const inner = createMemoryBus();
  const bus: Bus = wrap
    ? {
        kind: inner.kind,
        ensureTopics: (s) => inner.ensureTopics(s),
        producer: async (o) => wrap(await inner.producer(o)),
        consumer: (o) => inner.consumer(o),
        readPartition: (...a: Parameters<Bus['readPartition']>) => inner.readPartition(...a),
        shutdown: () => inner.shutdown(),
      }
    : inner;
  const telemetry = quietTelemetry();
  const collector = createCollector({ config: testConfig(collectorConfig), bus, telemetry, now: () => 1_700_000_000_000 });
  const { httpPort, grpcPort } = await collector.start();
  return {
    collector, bus, telemetry, grpcPort, httpPort, http: `http://127.0.0.1:${httpPort}`,
    async close() {
      await collector.shutdown(2000);
      await inner.shutdown();
    },
  };
}

let group = 0;
/** Reads every record currently in `topic` (from the beginning) and returns them. */
export async function readTopic(bus: Bus, topic: string, atLeast: number, timeoutMs = 5000): Promise<InRecord[]> {
  const out: InRecord[] = [];
  const consumer = bus.consumer({ groupId: `test-${++group}-${topic}`, topics: [topic], fromBeginning: true });
  await consumer.run(async (batch) => { out.push(...batch.records); });
  const until = Date.now() + timeoutMs;
  while (out.length < atLeast && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 50));
  await consumer.close();
  return out;
}
