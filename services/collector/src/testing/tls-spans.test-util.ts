// Shared by the TLS tests of both receivers: SDK spans with attributes of every OTLP value kind,
// read back from the memory bus per service, and checked field by field.
import { expect } from 'vitest';
import { attributesToRecord, decodeTraces } from '@vigil/otlp';
import { isDeploymentMarker } from '@vigil/records';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { readTopic, testConfig } from './harness.test-util.js';
import type { Harness } from './harness.test-util.js';

/** What an SDK exporter reports for one export (ExportResult of @opentelemetry/core). */
export interface ExportResult { code: number; error?: Error }

export const SPANS_TOPIC = testConfig().topics.spans;

/** `n` finished spans of service `service`, with attributes of every OTLP value kind. */
export function makeSpans(service: string, n: number): ReadableSpan[] {
  const mem = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'service.namespace': 'tls' }),
    spanProcessors: [new SimpleSpanProcessor(mem)],
  });
  const tracer = provider.getTracer('tls-test');
  for (let i = 0; i < n; i++) tracer.startSpan(`op-${i}`, { attributes: { service, i, big: 12345678901234, ratio: 0.25, ok: i % 2 === 0, tags: ['x', 'y'] } }).end();
  return mem.getFinishedSpans();
}

/** Every span on the spans topic: name and attributes, keyed by service.name. */
export async function spansByService(h: Harness, atLeast: number): Promise<Map<string, Array<Record<string, unknown>>>> {
  const out = new Map<string, Array<Record<string, unknown>>>();
  for (const r of await readTopic(h.bus, SPANS_TOPIC, atLeast)) {
    if (isDeploymentMarker(r.headers)) continue; // an in-band deployment announcement (JSON)
    for (const rs of decodeTraces(r.value!).resourceSpans) {
      const service = String(attributesToRecord(rs.resource?.attributes ?? [])['service.name']);
      const list = out.get(service) ?? [];
      for (const ss of rs.scopeSpans) for (const s of ss.spans) list.push({ name: s.name, ...attributesToRecord(s.attributes) });
      out.set(service, list);
    }
  }
  return out;
}

/** The `n` spans of `service` arrived with every attribute intact. */
export function expectIntact(got: Array<Record<string, unknown>> | undefined, service: string, n: number): void {
  expect(got, `spans of ${service}`).toBeDefined();
  expect(got!.map((s) => s.name).sort()).toEqual(Array.from({ length: n }, (_, i) => `op-${i}`).sort());
  for (const s of got!) {
    expect(s).toMatchObject({ service, big: 12345678901234n, ratio: 0.25, tags: ['x', 'y'] });
    expect(s.ok).toBe(Number(s.i) % 2 === 0);
  }
}
