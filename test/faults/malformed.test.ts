// 10,000 malformed OTLP/HTTP requests against a collector process (16 at a time): truncated
// protobuf and JSON, JSON of the wrong shape, invalid UTF-8, wrong content types and encodings,
// gzip garbage, truncated gzip, gzip bombs, oversize bodies, wrong paths and methods. The process
// must stay up (/healthz 200), answer every one with a 4xx (counted by status), and still take a
// valid request afterwards.
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { encodeLogs, encodeMetrics, sampleLogs, sampleMetrics } from '@vigil/otlp';
import { testBrokers, uniqueName } from '../../infra/test/kafka.js';
import { freePorts } from '../../infra/test/global-setup.js';
import { dumpLogs, killAll, rssBytes, runEnv, startService, waitHttpOk } from '../support/processes.js';
import type { ServiceProcess } from '../support/processes.js';
import { idRequest } from '../support/otlp-load.js';
import { otlpJsonTraffic } from '../support/traffic.js';
import { seededUniform } from '@vigil/stats';

/** The cause of a failed fetch (undici puts the socket error there), for the failure message. */
const causeOf = (err: unknown): string => {
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : '';
};

const TOTAL = 10_000;
const CONCURRENCY = 16;
const MAX_BODY = 256 * 1024;

interface Req { kind: string; method: string; path: string; headers: Record<string, string>; body?: Buffer | string; expect: number[] }


const PB = { 'content-type': 'application/x-protobuf' };
const JSON_CT = { 'content-type': 'application/json' };

const COMMON_WRONG = ['[]', '"x"', 'null', '42', 'true'];
const WRONG_SHAPE: Array<[string, string[]]> = [
  ['/v1/traces', [...COMMON_WRONG, '{"resourceSpans": 5}', '{"resourceSpans": [1]}', '{"resourceSpans": [{"scopeSpans": 7}]}',
    '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz","spanId":"00"}]}]}]}', '{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"abc"}]}]}]}',
    '{"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":"WHAT"}]}]}]}', '{"resourceSpans":[{"resource":{"attributes":[{"key":"a","value":{"intValue":"1.5"}}]}}]}']],
  ['/v1/metrics', [...COMMON_WRONG, '{"resourceMetrics": {"a": 1}}', '{"resourceMetrics": [1]}', '{"resourceMetrics": [{"scopeMetrics": "x"}]}']],
  ['/v1/logs', [...COMMON_WRONG, '{"resourceLogs": 5}', '{"resourceLogs": [1, 2]}', '{"resourceLogs": [{"scopeLogs": {}}]}']],
];

/** The i-th malformed request (seeded): a category in turn, random details. */
function makeRequests(): Req[] {
  const r = seededUniform(20240607);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const valid = {
    traces: Array.from({ length: 8 }, (_, i) => idRequest(1_000_000 + i, 4, 1 + i * 3)),
    metrics: encodeMetrics(sampleMetrics({ resources: 1, itemsPerResource: 4, seed: 3 })),
    logs: encodeLogs(sampleLogs({ resources: 1, itemsPerResource: 4, seed: 4 })),
    json: otlpJsonTraffic({ service: 'malformed', version: 'v1', startMs: Date.now(), seconds: 1, rps: 20, errorRatio: 0, seed: 5 }, 20)[0],
  };
  const bomb = gzipSync(Buffer.alloc(8 * MAX_BODY));
  const oversize = Buffer.alloc(MAX_BODY + 4096, 0x0a);
  const truncate = (b: Buffer) => b.subarray(0, int(1, b.length - 1));
  const garbage = (n: number) => Buffer.from(Array.from({ length: n }, () => int(0, 255)));
  const makers: Array<() => Req> = [
    () => ({ kind: 'truncated protobuf (traces)', method: 'POST', path: '/v1/traces', headers: PB, body: truncate(valid.traces[int(0, 7)]), expect: [400] }),
    () => ({ kind: 'truncated protobuf (metrics)', method: 'POST', path: '/v1/metrics', headers: PB, body: truncate(valid.metrics), expect: [400] }),
    () => ({ kind: 'truncated protobuf (logs)', method: 'POST', path: '/v1/logs', headers: PB, body: truncate(valid.logs), expect: [400] }),
    () => ({ kind: 'wrong wire type', method: 'POST', path: '/v1/traces', headers: PB, body: Buffer.from([0x08, int(0, 127)]), expect: [400] }),
    () => ({ kind: 'truncated JSON', method: 'POST', path: '/v1/traces', headers: JSON_CT, body: valid.json.slice(0, int(1, valid.json.length - 1)), expect: [400] }),
    () => {
      // Unknown fields are ignored (OTLP/JSON), so each body is wrong for its own signal.
      const [path, bodies] = WRONG_SHAPE[int(0, WRONG_SHAPE.length - 1)];
      return { kind: 'JSON of the wrong shape', method: 'POST', path, headers: JSON_CT, body: bodies[int(0, bodies.length - 1)], expect: [400] };
    },
    () => ({ kind: 'invalid UTF-8 in JSON', method: 'POST', path: '/v1/traces', headers: JSON_CT, body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), expect: [400] }),
    () => ({ kind: 'invalid UTF-8 in a protobuf string', method: 'POST', path: '/v1/traces', headers: PB, body: Buffer.from([0x0a, 0x08, 0x12, 0x06, 0x12, 0x04, 0x2a, 0x02, 0xc3, 0x28]), expect: [400] }),
    () => ({ kind: 'wrong content type', method: 'POST', path: '/v1/traces', headers: { 'content-type': ['text/plain', 'application/xml', 'multipart/form-data', 'application/octet-stream'][int(0, 3)] }, body: valid.traces[0], expect: [415] }),
    () => ({ kind: 'unknown content encoding', method: 'POST', path: '/v1/traces', headers: { ...PB, 'content-encoding': ['zstd', 'compress', 'x-nope', 'gzip, br'][int(0, 3)] }, body: valid.traces[0], expect: [415] }),
    () => ({ kind: 'gzip garbage', method: 'POST', path: '/v1/traces', headers: { ...PB, 'content-encoding': 'gzip' }, body: r() < 0.5 ? garbage(int(1, 2048)) : Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), garbage(int(1, 512))]), expect: [400] }),
    () => ({ kind: 'truncated gzip', method: 'POST', path: '/v1/traces', headers: { ...PB, 'content-encoding': 'gzip' }, body: truncate(gzipSync(valid.traces[int(0, 7)])), expect: [400] }),
    () => ({ kind: 'gzip of a truncated protobuf', method: 'POST', path: '/v1/traces', headers: { ...PB, 'content-encoding': 'gzip' }, body: gzipSync(truncate(valid.traces[int(0, 7)])), expect: [400] }),
    () => ({ kind: 'gzip bomb', method: 'POST', path: '/v1/traces', headers: { ...PB, 'content-encoding': 'gzip' }, body: bomb, expect: [413] }),
    () => ({ kind: 'oversize body', method: 'POST', path: '/v1/traces', headers: PB, body: oversize, expect: [413] }),
    () => ({ kind: 'bad path', method: 'POST', path: ['/v1/spans', '/v2/traces', '/', '/v1/traces/x', '/v1/../v1/traces%00'][int(0, 4)], headers: PB, body: valid.traces[0], expect: [404] }),
    () => ({ kind: 'bad method', method: ['GET', 'PUT', 'DELETE', 'PATCH'][int(0, 3)], path: ['/v1/traces', '/v1/metrics', '/v1/logs'][int(0, 2)], headers: PB, expect: [405] }),
  ];
  return Array.from({ length: TOTAL }, (_, i) => {
    const req = makers[i % makers.length]();
    if (req.body !== undefined && req.method !== 'POST' && req.method !== 'PUT' && req.method !== 'PATCH') delete req.body;
    return req;
  });
}

describe('collector: 10,000 malformed requests', () => {
  const procs: ServiceProcess[] = [];
  afterAll(async () => {
    await killAll();
  });

  test('no crash, every one answered 4xx, a valid request still 200', async () => {
    const t0 = Date.now();
    const [http, grpc, admin] = await freePorts(3);
    const c = startService('collector', runEnv(uniqueName('faults-malformed'), testBrokers().join(','), {
      VIGIL_COLLECTOR__HTTP__PORT: String(http), VIGIL_COLLECTOR__GRPC__PORT: String(grpc), VIGIL_API__PORT: String(admin),
      VIGIL_COLLECTOR__HTTP__MAX_BODY_BYTES: String(MAX_BODY),
    }), 'collector');
    procs.push(c);
    try {
      await waitHttpOk(`http://127.0.0.1:${admin}/readyz`, c);
      const reqs = makeRequests();
      const byStatus = new Map<number, number>();
      const unexpected = new Map<string, number>();
      const errors: string[] = [];
      let next = 0;
      let rssMax = 0;
      const worker = async () => {
        while (next < reqs.length) {
          const q = reqs[next++];
          let status = 0;
          try {
            const res = await fetch(`http://127.0.0.1:${http}${q.path}`, { method: q.method, headers: q.headers, body: q.body, signal: AbortSignal.timeout(15_000) });
            status = res.status;
            await res.arrayBuffer();
          } catch (err) {
            if (errors.length < 5) errors.push(`${q.kind}: ${(err as Error).message} ${causeOf(err)}`);
          }
          byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
          if (!q.expect.includes(status)) {
            const k = `${q.kind} -> ${status}`;
            unexpected.set(k, (unexpected.get(k) ?? 0) + 1);
          }
          if (next % 500 === 0) rssMax = Math.max(rssMax, rssBytes(c.pid));
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const health = (await fetch(`http://127.0.0.1:${admin}/healthz`)).status;
      const valid = await fetch(`http://127.0.0.1:${http}/v1/traces`, { method: 'POST', headers: PB, body: idRequest(42) });
      await valid.arrayBuffer();
      const validJson = await fetch(`http://127.0.0.1:${http}/v1/traces`, { method: 'POST', headers: JSON_CT, body: otlpJsonTraffic({ service: 'after', version: 'v1', startMs: Date.now(), seconds: 1, rps: 5, errorRatio: 0, seed: 9 })[0] });
      await validJson.arrayBuffer();
      const fourxx = [...byStatus].filter(([s]) => s >= 400 && s < 500).reduce((a, [, n]) => a + n, 0);
      console.log(`[faults] malformed: ${reqs.length} requests, concurrency ${CONCURRENCY} | by status ${JSON.stringify(Object.fromEntries(byStatus))} | 4xx ${fourxx} | unexpected ${JSON.stringify(Object.fromEntries(unexpected))} | errors ${JSON.stringify(errors)} | alive ${c.alive()}, /healthz ${health}, then valid protobuf ${valid.status}, valid JSON ${validJson.status} | collector RSS max ${(rssMax / 1048576).toFixed(0)} MiB | ${((Date.now() - t0) / 1000).toFixed(1)}s`);
      expect(c.alive()).toBe(true);
      expect(health).toBe(200);
      expect(fourxx).toBe(TOTAL);
      expect(Object.fromEntries(unexpected)).toEqual({});
      expect(valid.status).toBe(200);
      expect(validJson.status).toBe(200);
    } catch (err) {
      dumpLogs(procs);
      throw err;
    }
  });
});
