// The pure part of the rekey stage: one foreign record (an export request that another writer,
// typically an OpenTelemetry Collector's Kafka exporter, put on an otlp_* topic) → one record per
// resource, keyed by service and marked as Vigil's, for the matching keyed topic. The splitter is
// the collector's own (@vigil/otlp splitRequest): byte-identical records to what Vigil's collector
// would have written for the same request. Throws DecodeError on malformed input.
import type { OutRecord } from '@vigil/bus';
import { splitRequest } from '@vigil/otlp';
import type { ResourceRecord, Signal } from '@vigil/otlp';
import { OTLP_KEYED_MARKER, RECORD_KIND_HEADER } from '@vigil/records';

export const KEYED_HEADERS: Readonly<Record<string, string>> = Object.freeze({ [RECORD_KIND_HEADER]: OTLP_KEYED_MARKER });

export interface RekeyOptions {
  maxRecordBytes: number;
  validateUtf8: boolean;
}

export interface Rekeyed {
  records: OutRecord[];
  /** The split resources (identity for deployment events). */
  resources: ResourceRecord[];
  items: number;
  /** Items alone larger than maxRecordBytes: dropped (counted). */
  rejectedItems: number;
}

/**
 * Split `value` (an Export{Trace,Metrics,Logs}ServiceRequest) per resource onto `topic`, keyed by
 * service. `timestampMs` is kept: the record's time on the keyed topic is the original's.
 */
export function rekeyRecord(signal: Signal, value: Uint8Array, topic: string, timestampMs: number, options: RekeyOptions): Rekeyed {
  const split = splitRequest(signal, value, { maxRecordBytes: options.maxRecordBytes, validateUtf8: options.validateUtf8 });
  const records: OutRecord[] = split.records.map((r) => ({ topic, key: r.key, value: r.value, headers: KEYED_HEADERS, timestampMs }));
  return { records, resources: split.records, items: split.items, rejectedItems: split.rejectedItems };
}
