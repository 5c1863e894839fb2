// First contact (issue 15): the first version of a service a processor's state meets was running
// before Vigil (or the state was lost, or the partition is new to this detector). Its error lines
// are all "new templates" to an empty miner; none of them may become an anomaly about a
// deployment. A version that changes afterwards is a deployment, and its new error template is.
import { describe, expect, test } from 'vitest';
import { parseConfig } from '@vigil/config';
import { encodeLogs } from '@vigil/otlp';
import type { KeyValue, LogRecord } from '@vigil/otlp';
import { decodeRecord } from '@vigil/records';
import type { AnomalyRecord } from '@vigil/records';
import { createProcessor } from './processors.js';
import type { PartitionProcessor } from './processors.js';

const str = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });
const T0 = 1_790_000_000_000;

/** One OTLP logs request: `lines` of `service` at `version`, at event time `timeMs`. */
function logs(service: string, version: string, timeMs: number, lines: Array<{ text: string; severity: number }>): Uint8Array {
  const logRecords: LogRecord[] = lines.map((l, i) => ({
    timeUnixNano: BigInt(timeMs + i) * 1_000_000n, observedTimeUnixNano: 0n, severityNumber: l.severity, severityText: '',
    body: { stringValue: l.text }, attributes: [], droppedAttributesCount: 0, flags: 0, traceId: new Uint8Array(0), spanId: new Uint8Array(0), eventName: '',
  }));
  return encodeLogs({ resourceLogs: [{ resource: { attributes: [str('service.name', service), str('service.version', version)], droppedAttributesCount: 0, entityRefs: [] }, scopeLogs: [{ scope: undefined, logRecords, schemaUrl: '' }], schemaUrl: '' }] });
}

/** A long-running service's steady output: info lines and two kinds of error lines, every second. */
function steady(second: number): Array<{ text: string; severity: number }> {
  return [
    { text: `GET /items/${second % 97} served in ${10 + (second % 7)} ms`, severity: 9 },
    { text: `payment gateway timeout after ${second % 5 + 1} retries for order ${1000 + second}`, severity: 17 },
    { text: `cache miss for sku-${second % 13}`, severity: 13 },
    ...(second % 3 === 0 ? [{ text: `database connection reset by peer on replica ${second % 4}`, severity: 17 }] : []),
  ];
}

function anomaliesOf(p: PartitionProcessor, value: Uint8Array, topic: string): AnomalyRecord[] {
  return p.process(value).filter((r) => r.topic === topic).map((r) => decodeRecord(r.value, 'vigil.anomaly/1'));
}

describe('logs processor at first contact', () => {
  const config = parseConfig({});
  const ctx = { detector: config.detector, topics: config.topics };
  const { anomalies } = config.topics;

  test('a running service met for the first time: no anomaly names a deployment in 10 minutes; a later deploy does', () => {
    const p = createProcessor('logs', ctx);
    const first: AnomalyRecord[] = [];
    for (let s = 0; s < 600; s++) first.push(...anomaliesOf(p, logs('shop/inventory', 'v1', T0 + s * 1000, steady(s)), anomalies));
    expect(first.filter((a) => a.metric === 'new_log_template')).toEqual([]);
    expect(first.filter((a) => a.deployment !== undefined)).toEqual([]);

    // Deployed while Vigil watched: v2 brings an error line never seen before.
    const after: AnomalyRecord[] = [];
    for (let s = 600; s < 660; s++) {
      const lines = [...steady(s), ...(s === 610 ? [{ text: 'NullPointerException in InventoryReservation.reserve line 88', severity: 17 }] : [])];
      after.push(...anomaliesOf(p, logs('shop/inventory', 'v2', T0 + s * 1000, lines), anomalies));
    }
    const fresh = after.filter((a) => a.metric === 'new_log_template');
    expect(fresh).toHaveLength(1);
    expect(fresh[0].summary).toMatch(/new error log template after deploying v2: "NullPointerException/);
    expect(fresh[0].deployment?.version).toBe('v2');
  });

  test('state lost (a fresh processor, as after a new partition assignment): the running version is first seen again', () => {
    const before = createProcessor('logs', ctx);
    for (let s = 0; s < 60; s++) before.process(logs('shop/inventory', 'v1', T0 + s * 1000, steady(s)));
    // The checkpoint survives a restart: a new error template of the known version is no deploy either.
    const restored = createProcessor('logs', ctx, JSON.parse(JSON.stringify(before.toJSON())));
    const fresh = anomaliesOf(restored, logs('shop/inventory', 'v1', T0 + 61_000, [{ text: 'disk quota exceeded on /var/lib/inventory', severity: 17 }]), anomalies);
    expect(fresh.filter((a) => a.metric === 'new_log_template')).toEqual([]);
    // No state at all: v2 met first here is learned, not judged.
    const lost = createProcessor('logs', ctx);
    const met: AnomalyRecord[] = [];
    for (let s = 0; s < 120; s++) met.push(...anomaliesOf(lost, logs('shop/inventory', 'v2', T0 + s * 1000, [...steady(s), { text: `order ${s} rejected: reservation conflict`, severity: 17 }]), anomalies));
    expect(met.filter((a) => a.metric === 'new_log_template' || a.deployment !== undefined)).toEqual([]);
  });
});
