// Inputs of the CI-quality tests: test executions as the collector writes them to ci_test_runs,
// OTLP spans of one service version, and an in-band deployment marker.
import { encodeTraces } from '@vigil/otlp';
import type { KeyValue, Span } from '@vigil/otlp';
import { deploymentIdFor, DEPLOYMENT_MARKER, encodeRecord, RECORD_KIND_HEADER } from '@vigil/records';
import type { DeploymentRecord, TestRunRecord } from '@vigil/records';

const str = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });

export function testRun(revision: string, suite: string, testName: string, status: TestRunRecord['status'], runId: string, timeMs: number): Buffer {
  return encodeRecord({ schema: 'vigil.test_run/1', suite, testName, pipeline: `${suite}-ci`, runId, revision, status, durationMs: 10, timeMs, source: 'junit' });
}

/** One request of `n` server spans of `service` at `version`, every `errorEvery`-th an error, one per 100 ms from `startMs`. */
export function spans(service: string, version: string, startMs: number, n: number, errorEvery = 0): Uint8Array {
  const list: Span[] = [];
  for (let i = 0; i < n; i++) {
    const s = BigInt(startMs + i * 100) * 1_000_000n;
    list.push({
      traceId: new Uint8Array(16).fill(1 + (i % 200)), spanId: new Uint8Array(8).fill(1 + (i % 200)), traceState: '', parentSpanId: new Uint8Array(0), flags: 0,
      name: 'GET /cart', kind: 2, startTimeUnixNano: s, endTimeUnixNano: s + 20_000_000n, attributes: [], droppedAttributesCount: 0,
      events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0,
      status: errorEvery > 0 && i % errorEvery === 0 ? { code: 2, message: 'boom' } : undefined,
    });
  }
  return encodeTraces({ resourceSpans: [{ resource: { attributes: [str('service.name', service), str('service.version', version)], droppedAttributesCount: 0, entityRefs: [] }, scopeSpans: [{ scope: undefined, spans: list, schemaUrl: '' }], schemaUrl: '' }] });
}

/** The in-band marker the collector writes on the spans topic for an announcement with a commit. */
export function deploymentMarker(service: string, version: string, commit: string, timeMs: number): { value: Buffer; headers: Record<string, string> } {
  const d: DeploymentRecord = { schema: 'vigil.deployment/1', id: deploymentIdFor(service, version), service, version, environment: '', commit, timeMs, source: 'api', links: [] };
  return { value: encodeRecord(d), headers: { 'vigil-deployment-id': d.id, [RECORD_KIND_HEADER]: DEPLOYMENT_MARKER } };
}
