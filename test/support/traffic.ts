// Synthetic OTLP/JSON traffic for end-to-end tests: a service's SERVER spans, event times
// chosen by the test (so minutes of traffic can be sent in seconds), seeded noise.

import { seededUniform } from '@vigil/stats';

export interface TrafficOptions {
  service: string;
  version: string;
  /** Event time of the first span (ms). */
  startMs: number;
  seconds: number;
  rps: number;
  errorRatio: number;
  latencyFactor?: number;
  seed: number;
  /** Span names, used in turn (default: GET /cart, POST /pay, GET /status). */
  operations?: string[];
}


const hex = (r: () => number, bytes: number) => Array.from({ length: bytes }, () => Math.floor(r() * 256).toString(16).padStart(2, '0')).join('');

/** OTLP/JSON ExportTraceServiceRequest bodies, one per `spansPerRequest` spans. */
export function otlpJsonTraffic(o: TrafficOptions, spansPerRequest = 200): string[] {
  const r = seededUniform(o.seed);
  const total = o.seconds * o.rps;
  const bodies: string[] = [];
  const ops = o.operations ?? ['GET /cart', 'POST /pay', 'GET /status'];
  for (let first = 0; first < total; first += spansPerRequest) {
    const spans = [];
    for (let i = first; i < Math.min(total, first + spansPerRequest); i++) {
      const startNs = BigInt(Math.round(o.startMs + (i * 1000) / o.rps)) * 1_000_000n;
      const z = Math.sqrt(-2 * Math.log(Math.max(r(), 1e-12))) * Math.cos(2 * Math.PI * r());
      const durNs = BigInt(Math.round(30e6 * Math.exp(0.3 * z) * (o.latencyFactor ?? 1)));
      const error = r() < o.errorRatio;
      spans.push({
        traceId: hex(r, 16), spanId: hex(r, 8), name: ops[i % ops.length], kind: 2,
        startTimeUnixNano: startNs.toString(), endTimeUnixNano: (startNs + durNs).toString(),
        attributes: [{ key: 'http.response.status_code', value: { intValue: error ? '500' : '200' } }],
        status: error ? { code: 2, message: 'boom' } : {},
      });
    }
    bodies.push(JSON.stringify({
      resourceSpans: [{
        resource: { attributes: [
          { key: 'service.name', value: { stringValue: o.service } },
          { key: 'service.version', value: { stringValue: o.version } },
        ] },
        scopeSpans: [{ scope: { name: 'vigil-e2e' }, spans }],
      }],
    }));
  }
  return bodies;
}

export async function postAll(url: string, bodies: string[]): Promise<void> {
  for (const body of bodies) {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    if (res.status !== 200) throw new Error(`POST ${url}: HTTP ${res.status} ${await res.text()}`);
  }
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < end) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      lastErr = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${lastErr ? ` (last error: ${(lastErr as Error).message})` : ''}`);
}
