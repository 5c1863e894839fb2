import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Metadata, credentials, status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { gzipSync } from 'node:zlib';
import { BusError } from '@vigil/bus';
import type { Producer } from '@vigil/bus';
import { decodeExportResponse, decodeRetryInfoMs, decodeRpcStatus, decodeTraces, encodeTraces, sampleTraces } from '@vigil/otlp';
import { isDeploymentMarker } from '@vigil/records';
import { readTopic, startHarness } from '../../testing/harness.test-util.js';
import type { Harness } from '../../testing/harness.test-util.js';
import { GRPC_METHODS } from './otlp-grpc-receiver.js';

function call(client: Client, path: string, body: Buffer, md = new Metadata()): Promise<{ err: ServiceError | null; res?: Buffer }> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(path, (b: Buffer) => b, (b: Buffer) => b, body, md, (err, res) => resolve({ err: err ?? null, res }));
  });
}

describe('OTLP/gRPC receiver', () => {
  let h: Harness;
  let client: Client;
  beforeAll(async () => {
    h = await startHarness({ grpc: { maxMessageBytes: 512 * 1024 }, http: { maxBodyBytes: 512 * 1024 }, maxInflightBytes: 2 * 1024 * 1024 });
    client = new Client(`127.0.0.1:${h.grpcPort}`, credentials.createInsecure());
  });
  afterAll(async () => { client.close(); await h.close(); });

  it('Export on the trace service: OK, records per resource on otlp_spans', async () => {
    const req = sampleTraces({ resources: 2, itemsPerResource: 3, seed: 9 });
    const { err, res } = await call(client, GRPC_METHODS.traces, encodeTraces(req));
    expect(err).toBeNull();
    expect(decodeExportResponse(res!).partialSuccess).toBeUndefined();
    const recs = await readTopic(h.bus, 'otlp_spans', 2);
    // Deployment announcements may travel in-band on the spans topic (JSON, marked by a header).
    const got = recs.filter((r) => !isDeploymentMarker(r.headers)).map((r) => decodeTraces(r.value!).resourceSpans[0]);
    expect(got).toHaveLength(2);
    expect(got).toEqual(expect.arrayContaining(req.resourceSpans));
  });

  it('malformed message -> INVALID_ARGUMENT; the server keeps serving', async () => {
    const { err } = await call(client, GRPC_METHODS.traces, Buffer.from([0x0a, 0x7f, 0x01]));
    expect(err?.code).toBe(status.INVALID_ARGUMENT);
    const ok = await call(client, GRPC_METHODS.logs, Buffer.alloc(0));
    expect(ok.err).toBeNull();
  });

  it('message above maxMessageBytes -> RESOURCE_EXHAUSTED (grpc-js limit)', async () => {
    const { err } = await call(client, GRPC_METHODS.traces, Buffer.alloc(600 * 1024));
    expect(err?.code).toBe(status.RESOURCE_EXHAUSTED);
  });

  it('a gzip-compressed bomb is refused by the decompressed-size limit', async () => {
    const gz = new Client(`127.0.0.1:${h.grpcPort}`, credentials.createInsecure(), { 'grpc.default_compression_algorithm': 2 });
    try {
      const { err } = await call(gz, GRPC_METHODS.traces, Buffer.alloc(20 * 1024 * 1024));
      expect(err?.code).toBe(status.RESOURCE_EXHAUSTED);
      const ok = await call(gz, GRPC_METHODS.traces, encodeTraces(sampleTraces()));
      expect(ok.err).toBeNull();
    } finally {
      gz.close();
    }
    void gzipSync;
  });
});

describe('OTLP/gRPC receiver: auth and backpressure', () => {
  it('UNAUTHENTICATED without the token; UNAVAILABLE + RetryInfo while the bus fails', async () => {
    const token = 'grpc-secret-token-0123456789';
    let fail = true;
    const h = await startHarness({ grpc: { auth: { bearerTokens: [token] } }, busDownHoldMs: 0, retryAfterS: 4 }, (p: Producer): Producer => ({
      send: (r) => (fail ? Promise.reject(new BusError('BUS_UNAVAILABLE', 'down')) : p.send(r)),
      transaction: () => p.transaction(),
      close: () => p.close(),
    }));
    const client = new Client(`127.0.0.1:${h.grpcPort}`, credentials.createInsecure());
    try {
      const body = encodeTraces(sampleTraces());
      expect((await call(client, GRPC_METHODS.traces, body)).err?.code).toBe(status.UNAUTHENTICATED);
      const md = new Metadata();
      md.set('authorization', `Bearer ${token}`);
      const down = await call(client, GRPC_METHODS.traces, body, md);
      expect(down.err?.code).toBe(status.UNAVAILABLE);
      const details = down.err!.metadata.get('grpc-status-details-bin')[0] as Buffer;
      const st = decodeRpcStatus(details);
      expect(st.code).toBe(14);
      expect(st.details[0].typeUrl).toBe('type.googleapis.com/google.rpc.RetryInfo');
      expect(decodeRetryInfoMs(st.details[0].value)).toBe(4000);
      fail = false;
      expect((await call(client, GRPC_METHODS.traces, body, md)).err).toBeNull();
    } finally {
      client.close();
      await h.close();
    }
  });
});
