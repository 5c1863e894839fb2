// The processing stage between receivers and the Kafka exporter: validate and split the
// request per resource (zero-copy for protobuf), key each record by service, add deployment
// events for new service versions, send everything in one producer call, and answer only
// after the bus acknowledged every record.
import { isUtf8 } from 'node:buffer';
import type { OutRecord } from '@vigil/bus';
import { DecodeError, encodeLogs, encodeMetrics, encodeTraces, logsFromJson, metricsFromJson, splitRequest, tracesFromJson } from '@vigil/otlp';
import type { Signal, SplitResult } from '@vigil/otlp';
import type { KafkaExporter } from '../exporters/kafka/kafka-exporter.js';
import type { InflightLimiter } from '../processors/admission/inflight-limiter.js';
import { deploymentRecords } from '../deployments/deployment-event.js';
import { resourceDeploymentsOf } from '../deployments/resource-deployments.js';
import { OTLP_KEYED_MARKER, RECORD_KIND_HEADER } from '@vigil/records';
import type { DeploymentEvent } from '../deployments/deployment-event.js';
import type { VersionTracker } from '../deployments/version-tracker.js';
import type { CollectorMetrics } from '../collector-metrics.js';
import type { Format, IngestOutcome, OtlpConsumer } from './outcome.js';
import type { CiExtraction } from '../ci/otel-ci.js';

export interface IngestOptions {
  topics: Record<Signal, string>;
  deploymentsTopic: string;
  maxRecordBytes: number;
  validateUtf8: boolean;
  retryAfterS: number;
  /** null disables deployment events from service.version. */
  versions: VersionTracker | null;
  exporter: KafkaExporter;
  limiter: InflightLimiter;
  metrics: CollectorMetrics;
  now?: () => number;
  /** CI records (test runs, pipeline runs) of a validated traces request, sent with its spans. */
  ciSpans?: (proto: Buffer) => CiExtraction | null;
}

const KEYED_HEADERS: Readonly<Record<string, string>> = Object.freeze({ [RECORD_KIND_HEADER]: OTLP_KEYED_MARKER });

const FROM_JSON = { traces: tracesFromJson, metrics: metricsFromJson, logs: logsFromJson } as const;

/** OTLP/JSON -> protobuf, so every record on Kafka is OTLP protobuf. Throws DecodeError. */
export function jsonToProtobuf(signal: Signal, body: Buffer): Buffer {
  let parsed: unknown;
  // RFC 8259: JSON text is UTF-8; a body that is not valid UTF-8 is malformed.
  if (!isUtf8(body)) throw new DecodeError('request body is not valid UTF-8');
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new DecodeError(`invalid JSON: ${(e as Error).message}`);
  }
  if (signal === 'traces') return encodeTraces(FROM_JSON.traces(parsed));
  if (signal === 'metrics') return encodeMetrics(FROM_JSON.metrics(parsed));
  return encodeLogs(FROM_JSON.logs(parsed));
}

export class Ingest implements OtlpConsumer {
  private readonly now: () => number;

  constructor(private readonly o: IngestOptions) {
    this.now = o.now ?? Date.now;
  }

  async consume(signal: Signal, body: Buffer, format: Format, reservedBytes: number): Promise<IngestOutcome> {
    const { metrics, limiter, exporter } = this.o;
    let released = false;
    const release = (): void => {
      if (!released) {
        released = true;
        limiter.release(reservedBytes);
      }
    };
    try {
      // Fail fast while the bus is known to be down: no decode work, no memory held.
      if (exporter.isDown()) {
        release();
        return { kind: 'retry', status: 503, retryAfterS: this.o.retryAfterS, message: `bus unavailable: ${exporter.downReason}` };
      }
      let split: SplitResult;
      let proto: Buffer;
      try {
        proto = format === 'json' ? jsonToProtobuf(signal, body) : body;
        split = splitRequest(signal, proto, { maxRecordBytes: this.o.maxRecordBytes, validateUtf8: this.o.validateUtf8 });
      } catch (e) {
        release();
        if (e instanceof DecodeError) return { kind: 'invalid', message: e.message };
        throw e;
      }
      if (split.rejectedItems > 0) metrics.items.inc({ signal, outcome: 'rejected' }, split.rejectedItems);
      const topic = this.o.topics[signal];
      // The header tells every consumer of the topic that this record is keyed by Vigil (one
      // resource, key = service): the rekey stage leaves it alone, the detector takes it directly.
      const records: OutRecord[] = [];
      const deployments = this.deploymentsOf(split);
      // A deployment naming its commit also goes in band on the spans topic (as announcements do),
      // ahead of the request's records: the detector joins the commit's CI quality to it
      // (vigil_ci_quality) before it meets the new version's spans.
      for (const d of deployments) records.push(...deploymentRecords(d, { deployments: this.o.deploymentsTopic, ...(d.commit !== '' ? { spans: this.o.topics.traces } : {}) }));
      for (const r of split.records) records.push({ topic, key: r.key, value: r.value, headers: KEYED_HEADERS });
      const ci = signal === 'traces' && this.o.ciSpans ? this.o.ciSpans(proto) : null;
      if (ci) for (const r of ci.records) records.push(r);
      if (records.length === 0) {
        release();
        return { kind: 'ok', accepted: 0, rejected: split.rejectedItems, message: split.rejectedMessage };
      }
      const sent = await exporter.send(records, release);
      if (sent.kind === 'acked') {
        metrics.items.inc({ signal, outcome: 'accepted' }, split.items);
        metrics.records.inc({ topic }, split.records.length);
        if (deployments.length > 0) {
          metrics.records.inc({ topic: this.o.deploymentsTopic }, deployments.length);
          metrics.deployments.inc({ source: 'resource' }, deployments.length);
        }
        if (ci) {
          if (ci.records.length > 0) metrics.records.inc({ topic: ci.records[0].topic }, ci.records.length);
          metrics.items.inc({ signal: 'ci_spans', outcome: 'accepted' }, ci.tests + ci.pipelines);
          if (ci.unmapped > 0) metrics.items.inc({ signal: 'ci_spans', outcome: 'unmapped' }, ci.unmapped);
        }
        return { kind: 'ok', accepted: split.items, rejected: split.rejectedItems, message: split.rejectedMessage };
      }
      // Not acknowledged: forget the versions so the next attempt emits them again.
      for (const d of deployments) this.o.versions?.forget(d.service, d.version, d.environment, d.firstSeen === true);
      metrics.items.inc({ signal, outcome: 'failed' }, split.items);
      if (sent.kind === 'permanent') return { kind: 'invalid', message: sent.reason };
      return { kind: 'retry', status: 503, retryAfterS: this.o.retryAfterS, message: sent.reason };
    } catch (e) {
      release();
      throw e;
    }
  }

  private deploymentsOf(split: SplitResult): DeploymentEvent[] {
    const versions = this.o.versions;
    if (versions === null) return [];
    return resourceDeploymentsOf(split.records, versions, this.now());
  }
}
