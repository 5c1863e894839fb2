// The embedded runner honours `enabled: false` per component: behind an OpenTelemetry Collector
// one process runs the rekey stage, detector, alerter and writer, and binds no OTLP port; the read
// side (services/query) is on the API port unless query.enabled is false.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { encodeTraces, sampleTraces } from '@vigil/otlp';
import { parseConfig } from '@vigil/config';
import { startEmbedded } from './embedded.js';

const silent = new Writable({ write: (_c, _e, cb) => cb() });

/** A listener on an ephemeral 127.0.0.1 port, held for the test: no other process can take it. */
async function holdPort(): Promise<{ port: number; close: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      resolve({ port, close: () => new Promise<void>((r) => s.close(() => r())) });
    });
  });
}

describe('embedded runner: components switched off', () => {
  test('collector.enabled: false binds no OTLP port; foreign records still reach the detector through the rekey stage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-embedded-'));
    // The ports the collector section names are held by this test: a collector that tried to bind
    // them would fail to start (EADDRINUSE). A port freed and then probed could be taken by another
    // process of the run in between.
    const [http, grpc] = [await holdPort(), await holdPort()];
    const config = parseConfig({
      store: { chdb: { path: join(dir, 'chdb') } },
      api: { port: 0 },
      alerter: { api: { port: 0 } },
      collector: { enabled: false, http: { port: http.port }, grpc: { port: grpc.port } },
      rekey: { commitIntervalMs: 50 },
      detector: { commitIntervalMs: 50 },
    });
    const vigil = await startEmbedded({ config, destination: silent });
    try {
      expect(vigil.collector).toBeNull();
      expect(vigil.ports.otlpHttp).toBe(0);
      expect(vigil.ports.otlpGrpc).toBe(0);
      expect(vigil.detector).not.toBeNull();
      expect(vigil.alerter).not.toBeNull();
      expect(vigil.writer).not.toBeNull();
      expect(vigil.rekey).not.toBeNull();
      // What an OpenTelemetry Collector's kafka exporter writes: 3 resources, no key.
      const producer = await vigil.bus.producer();
      await producer.send([{ topic: config.topics.spans, key: null, value: encodeTraces(sampleTraces({ resources: 3, itemsPerResource: 5 })) }]);
      await producer.close();
      const end = Date.now() + 20_000;
      while ((vigil.detector?.stats.records ?? 0) < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      // One keyed record per resource reached the detector; the raw record itself was skipped.
      expect(vigil.rekey?.stats.foreign).toBe(1);
      expect(vigil.detector?.stats.records).toBe(3);
    } finally {
      await vigil.shutdown();
      await Promise.all([http.close(), grpc.close()]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('only the writer: no collector, detector, alerter or rekey stage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-embedded-'));
    const config = parseConfig({
      store: { chdb: { path: join(dir, 'chdb') } },
      api: { port: 0 },
      collector: { enabled: false }, detector: { enabled: false }, alerter: { enabled: false }, rekey: { enabled: false },
    });
    const vigil = await startEmbedded({ config, destination: silent });
    try {
      expect([vigil.collector, vigil.detector, vigil.alerter, vigil.rekey]).toEqual([null, null, null, null]);
      expect(vigil.writer).not.toBeNull();
      expect(vigil.ports.alerterApi).toBe(0);
      const res = await fetch(`http://127.0.0.1:${vigil.ports.api}/healthz`);
      expect(res.status).toBe(200);
      // The read side is on the API port by default.
      expect(vigil.query).not.toBeNull();
      expect(vigil.ports.queryApi).toBe(vigil.ports.api);
      expect((await fetch(`http://127.0.0.1:${vigil.ports.api}/v1/deployments`)).status).toBe(200);
    } finally {
      await vigil.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('query.enabled: false: the API port keeps its probes and metrics, no read routes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-embedded-'));
    const config = parseConfig({
      store: { chdb: { path: join(dir, 'chdb') } },
      api: { port: 0 },
      collector: { enabled: false }, detector: { enabled: false }, alerter: { enabled: false }, rekey: { enabled: false },
      query: { enabled: false },
    });
    const vigil = await startEmbedded({ config, destination: silent });
    try {
      expect(vigil.query).toBeNull();
      expect(vigil.ports.queryApi).toBe(0);
      const base = `http://127.0.0.1:${vigil.ports.api}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/metrics`)).status).toBe(200);
      expect((await fetch(`${base}/v1/deployments`)).status).toBe(404);
    } finally {
      await vigil.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
