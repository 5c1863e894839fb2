// The alerter on the in-process bus with virtual time, shared by the alerter's tests: build one
// (or a second after a "restart") on the same bus, feed it records, read what it published.
import { createMemoryBus } from '@vigil/bus';
import type { Bus } from '@vigil/bus';
import { alerterConfigOf } from '@vigil/config';
import type { VigilConfig } from '@vigil/config';
import { decodeRecord, encodeRecord } from '@vigil/records';
import type { VigilRecord } from '@vigil/records';
import { createTelemetry } from '@vigil/telemetry';
import { createAlerter } from '../pipeline.js';
import type { Alerter } from '../pipeline.js';
import type { Clock } from '../receivers/delivery.js';

/** Virtual time for delivery waits: backoffs and Retry-After pass instantly. */
function fastClock(startMs: number): Clock {
  let t = startMs;
  return { now: () => t, sleep: async (ms) => { t += ms; await new Promise((r) => setImmediate(r)); }, random: () => 0.5 };
}

export interface AlerterHarness {
  bus: Bus;
  clock: { t: number };
  make(): Alerter;
  send(r: VigilRecord): Promise<void>;
  read<T extends VigilRecord>(topic: string): Promise<T[]>;
}

/** `config` must have `topics.partitions` set; `cleanup` collects what the test's afterEach undoes. */
export async function alerterHarness(config: VigilConfig, startMs: number, cleanup: Array<() => unknown>): Promise<AlerterHarness> {
  const bus = createMemoryBus();
  const clock = { t: startMs };
  const producer = await bus.producer();
  cleanup.push(() => bus.shutdown());
  const telemetry = createTelemetry({ service: 'alerter', logLevel: 'silent', processMetrics: false });
  return {
    bus,
    clock,
    make() {
      const a = createAlerter({ config: alerterConfigOf(config), bus, telemetry, now: () => clock.t, deliveryClock: fastClock(startMs) });
      cleanup.push(() => a.shutdown(2000));
      return a;
    },
    async send(r) {
      const topic = r.schema === 'vigil.anomaly/1' ? config.topics.anomalies : r.schema === 'vigil.verdict/1' ? config.topics.verdicts : config.topics.deployments;
      await producer.send([{ topic, key: (r as { service: string }).service, value: encodeRecord(r) }]);
    },
    async read<T extends VigilRecord>(topic: string) {
      const out: T[] = [];
      for (let p = 0; p < config.topics.partitions; p++) for (const r of await bus.readPartition(topic, p)) out.push(decodeRecord(r.value) as T);
      return out;
    },
  };
}
