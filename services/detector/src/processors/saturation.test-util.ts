// Test input shared by the saturation tests (processor routing and real broker): OTLP spans and
// CPU samples of the service `payments` at a version, as its SDKs would export them.
import { encodeMetrics, encodeTraces } from '@vigil/otlp';
import type { KeyValue, Span } from '@vigil/otlp';
import type { Mulberry32 } from '@vigil/stats';

const str = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });
const resource = (version: string) => ({ attributes: [str('service.name', 'payments'), str('service.version', version)], droppedAttributesCount: 0, entityRefs: [] });

/** One OTLP request: `n` SERVER spans of `version` in the second starting at `ms` (seeded latencies, 1 % errors, the same for both versions). */
export function paymentsSpans(rng: Mulberry32, version: string, ms: number, n = 10): Uint8Array {
  const list: Span[] = [];
  for (let i = 0; i < n; i++) {
    const start = BigInt(ms + Math.floor((i * 1000) / n)) * 1_000_000n;
    const dur = BigInt(Math.round(20_000_000 * Math.exp(0.3 * rng.nextGaussian())));
    list.push({
      traceId: new Uint8Array(16).fill(1), spanId: new Uint8Array(8).fill(2), traceState: '', parentSpanId: new Uint8Array(0), flags: 0,
      name: i % 2 ? 'POST /pay' : 'GET /cart', kind: 2, startTimeUnixNano: start, endTimeUnixNano: start + dur, attributes: [],
      droppedAttributesCount: 0, events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0, status: { code: rng.next() < 0.01 ? 2 : 0, message: '' },
    });
  }
  return encodeTraces({ resourceSpans: [{ resource: resource(version), scopeSpans: [{ scope: undefined, spans: list, schemaUrl: '' }], schemaUrl: '' }] });
}

/** One OTLP metrics request: the pod's CPU (cores, k8s.pod.cpu.usage gauge) at `ms`. */
export function podCpu(version: string, ms: number, cores: number): Uint8Array {
  return encodeMetrics({ resourceMetrics: [{
    resource: resource(version),
    scopeMetrics: [{ scope: undefined, schemaUrl: '', metrics: [{ name: 'k8s.pod.cpu.usage', description: '', unit: '1', metadata: [], gauge: {
      dataPoints: [{ attributes: [str('k8s.pod.name', `payments-${version}`)], startTimeUnixNano: 0n, timeUnixNano: BigInt(ms) * 1_000_000n, asDouble: cores, flags: 0, exemplars: [] }] } }] }],
    schemaUrl: '' }] });
}

