// Spans → RED series (Rate, Errors, Duration) per service and operation, in event-time tumbling
// windows, kept both per (service, operation) and per (service, operation, service.version) so a
// new version can be compared with the old one over the same windows.
//
// Which spans: SERVER and CONSUMER spans (OTLP SpanKind 2 and 5) — the entry points that measure
// the service's own requests; CLIENT/PRODUCER/INTERNAL spans would count calls twice.
// Event time: the span's end (the request completes then).
// Windows close by watermark: largest end time seen minus `allowedLatenessMs`. A span whose
// window already closed is counted in `lateDropped` and dropped.
//
// Cost per span: two map lookups and two sketch insertions (one logarithm each): O(1).
// Memory per open series window: two counters and a DDSketch (about 4 bytes × used buckets; at
// α = 1% latencies from 1 ms to 10 s use ≤ 470 buckets). Series registry: one entry per
// (service, operation[, version]).

import { DDSketch } from '@vigil/stats';
import type { DDSketchJSON } from '@vigil/stats';
import { nanosToNumber } from './time.js';
import type { UnixNano } from './time.js';

/** Plain span as the detector maps it from OTLP (no dependency on the OTLP codecs). */
export interface SpanInput {
  /** Resource attribute service.name. */
  service: string;
  /** Resource attribute service.version, when set. */
  serviceVersion?: string | undefined;
  /** Span name (the operation). */
  name: string;
  /** OTLP SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: UnixNano;
  endTimeUnixNano: UnixNano;
  /** OTLP Status.code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  attributes?: Record<string, unknown> | undefined;
}

export const SPAN_KIND_SERVER = 2;
export const SPAN_KIND_CONSUMER = 5;
export const STATUS_CODE_ERROR = 2;

/**
 * gRPC status codes that mark a SERVER span as an error, per the OpenTelemetry semantic
 * conventions for gRPC ("For server spans: UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL,
 * UNAVAILABLE, DATA_LOSS"): https://opentelemetry.io/docs/specs/semconv/rpc/grpc/#grpc-status
 */
export const GRPC_SERVER_ERROR_CODES: ReadonlySet<number> = new Set([2, 4, 12, 13, 14, 15]);

function attrNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.length > 0) return Number(v);
  if (typeof v === 'bigint') return Number(v);
  return NaN;
}

/**
 * Is the span an error? Status ERROR always; for server spans also an HTTP 5xx response
 * (`http.response.status_code`, or the older `http.status_code`; 4xx are the client's errors,
 * per the HTTP semantic conventions) or a gRPC server error code (`rpc.grpc.status_code`).
 */
export function isErrorSpan(span: SpanInput): boolean {
  if (span.statusCode === STATUS_CODE_ERROR) return true;
  if (span.kind !== SPAN_KIND_SERVER) return false;
  const a = span.attributes;
  if (a === undefined) return false;
  const http = attrNumber(a['http.response.status_code'] ?? a['http.status_code']);
  if (http >= 500 && http <= 599) return true;
  const grpc = a['rpc.grpc.status_code'];
  if (grpc !== undefined && GRPC_SERVER_ERROR_CODES.has(attrNumber(grpc))) return true;
  return false;
}

export interface RedOptions {
  /** Tumbling window length, ms of event time. */
  windowMs: number;
  /** How far behind the largest event time a window may still receive spans. */
  allowedLatenessMs: number;
  /** DDSketch relative accuracy of the latency quantiles. */
  relativeAccuracy: number;
  /** Distinct operations per service; spans of further operations are counted and dropped. */
  maxOperationsPerService: number;
  /** Distinct versions kept per (service, operation); further versions only feed the total. */
  maxVersionsPerOperation: number;
  /** Services tracked; spans of further services are counted and dropped. */
  maxServices: number;
  /** An operation unseen for this long (event time) frees its slot in the cardinality guard. */
  seriesIdleMs: number;
  /** Include each window's sketch (JSON) in the output, for downstream merging. */
  emitSketch: boolean;
}

export const DEFAULT_RED_OPTIONS: Readonly<RedOptions> = Object.freeze({
  windowMs: 10_000,
  allowedLatenessMs: 5_000,
  relativeAccuracy: 0.01,
  maxOperationsPerService: 500,
  maxVersionsPerOperation: 8,
  maxServices: 10_000,
  seriesIdleMs: 3_600_000,
  emitSketch: false,
});

export function resolveRedOptions(input: Partial<RedOptions> = {}): Readonly<RedOptions> {
  for (const k of Object.keys(input)) if (!(k in DEFAULT_RED_OPTIONS)) throw new Error(`features.red: unknown option "${k}"`);
  const o: RedOptions = { ...DEFAULT_RED_OPTIONS, ...input };
  for (const k of ['windowMs', 'maxOperationsPerService', 'maxVersionsPerOperation', 'maxServices'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 1) throw new Error(`features.red: "${k}" must be a positive integer, got ${JSON.stringify(o[k])}`);
  }
  for (const k of ['allowedLatenessMs', 'seriesIdleMs'] as const) {
    if (!Number.isFinite(o[k]) || o[k] < 0) throw new Error(`features.red: "${k}" must be a finite number >= 0, got ${JSON.stringify(o[k])}`);
  }
  if (!(o.relativeAccuracy > 0 && o.relativeAccuracy < 1)) {
    throw new Error(`features.red: "relativeAccuracy" must be in (0, 1), got ${JSON.stringify(o.relativeAccuracy)}`);
  }
  if (typeof o.emitSketch !== 'boolean') throw new Error(`features.red: "emitSketch" must be a boolean, got ${JSON.stringify(o.emitSketch)}`);
  return Object.freeze(o);
}

/** One closed window of one series. */
export interface RedWindow {
  service: string;
  operation: string;
  /** null: all versions together; otherwise the service.version of this series. */
  serviceVersion: string | null;
  /** Stable series key: `service/operation` or `service/operation@version`. */
  seriesKey: string;
  windowStartMs: number;
  windowEndMs: number;
  requests: number;
  errors: number;
  /** errors / requests. */
  errorRatio: number;
  /** requests per second. */
  requestRatePerS: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  sketch?: DDSketchJSON;
}

export type AddSpanResult = 'counted' | 'ignored-kind' | 'late' | 'invalid' | 'service-limit' | 'operation-limit';

export interface RedStats {
  counted: number;
  ignoredKind: number;
  lateDropped: number;
  invalid: number;
  serviceLimitDropped: number;
  operationLimitDropped: number;
  versionLimitFolded: number;
  openWindows: number;
  trackedOperations: number;
}

interface Acc {
  requests: number;
  errors: number;
  sketch: DDSketch;
}

interface OpAcc {
  all: Acc;
  byVersion: Map<string, Acc>;
}

/** windowStart → service → operation → accumulators. */
type WindowMap = Map<string, Map<string, OpAcc>>;

interface OpInfo {
  lastSeenMs: number;
  versions: Set<string>;
}

export interface RedAggregatorJSON {
  version: 1;
  options: RedOptions;
  maxEventMs: number | null;
  closedBeforeMs: number | null;
  stats: Omit<RedStats, 'openWindows' | 'trackedOperations'>;
  registry: Array<[string, Array<[string, number, string[]]>]>;
  windows: Array<{ startMs: number; service: string; operation: string; version: string | null; requests: number; errors: number; sketch: DDSketchJSON }>;
}

function escapeKeyPart(s: string): string {
  return s.replace(/[\\/@]/g, (c) => `\\${c}`);
}

export function redSeriesKey(service: string, operation: string, version: string | null): string {
  const base = `${escapeKeyPart(service)}/${escapeKeyPart(operation)}`;
  return version === null ? base : `${base}@${escapeKeyPart(version)}`;
}

export class RedAggregator {
  readonly options: Readonly<RedOptions>;
  private readonly windows = new Map<number, WindowMap>();
  private readonly registry = new Map<string, Map<string, OpInfo>>();
  private maxEventMs = -Infinity;
  private closedBeforeMs = -Infinity;
  private lastStart = NaN;
  private lastWindow: WindowMap | undefined;
  private readonly s = { counted: 0, ignoredKind: 0, lateDropped: 0, invalid: 0, serviceLimitDropped: 0, operationLimitDropped: 0, versionLimitFolded: 0 };

  constructor(options: Partial<RedOptions> = {}) {
    this.options = resolveRedOptions(options);
  }

  private newAcc(): Acc {
    return { requests: 0, errors: 0, sketch: new DDSketch({ relativeAccuracy: this.options.relativeAccuracy }) };
  }

  /** Add one span. Returns what happened to it (dropped spans are also counted in stats()). */
  add(span: SpanInput): AddSpanResult {
    if (span.kind !== SPAN_KIND_SERVER && span.kind !== SPAN_KIND_CONSUMER) {
      this.s.ignoredKind++;
      return 'ignored-kind';
    }
    const endNs = nanosToNumber(span.endTimeUnixNano);
    const startNs = nanosToNumber(span.startTimeUnixNano);
    if (!(endNs > 0) || !(startNs > 0) || typeof span.service !== 'string' || typeof span.name !== 'string') {
      this.s.invalid++;
      return 'invalid';
    }
    const endMs = endNs / 1e6;
    // Clock skew can make end < start by a little: clamp the duration at zero.
    // Bigint inputs are subtracted exactly (a double of ~1.7e18 ns is only good to 256 ns).
    const s0 = span.startTimeUnixNano;
    const e0 = span.endTimeUnixNano;
    const diffNs = typeof s0 === 'bigint' && typeof e0 === 'bigint' ? Number(e0 - s0) : endNs - startNs;
    const durationMs = diffNs > 0 ? diffNs / 1e6 : 0;
    const w = this.options.windowMs;
    const start = Math.floor(endMs / w) * w;
    if (start < this.closedBeforeMs) {
      this.s.lateDropped++;
      return 'late';
    }
    const version = span.serviceVersion === undefined || span.serviceVersion === '' ? null : span.serviceVersion;

    // Cardinality guard.
    let ops = this.registry.get(span.service);
    if (ops === undefined) {
      if (this.registry.size >= this.options.maxServices) {
        this.s.serviceLimitDropped++;
        return 'service-limit';
      }
      ops = new Map();
      this.registry.set(span.service, ops);
    }
    let info = ops.get(span.name);
    if (info === undefined) {
      if (ops.size >= this.options.maxOperationsPerService) {
        this.s.operationLimitDropped++;
        return 'operation-limit';
      }
      info = { lastSeenMs: endMs, versions: new Set() };
      ops.set(span.name, info);
    } else if (endMs > info.lastSeenMs) info.lastSeenMs = endMs;
    let keepVersion = version !== null;
    if (version !== null && !info.versions.has(version)) {
      if (info.versions.size >= this.options.maxVersionsPerOperation) {
        keepVersion = false;
        this.s.versionLimitFolded++;
      } else info.versions.add(version);
    }

    if (endMs > this.maxEventMs) this.maxEventMs = endMs;
    let win: WindowMap | undefined;
    if (start === this.lastStart) win = this.lastWindow;
    else {
      win = this.windows.get(start);
      if (win === undefined) {
        win = new Map();
        this.windows.set(start, win);
      }
      this.lastStart = start;
      this.lastWindow = win;
    }
    let byOp = (win as WindowMap).get(span.service);
    if (byOp === undefined) {
      byOp = new Map();
      (win as WindowMap).set(span.service, byOp);
    }
    let op = byOp.get(span.name);
    if (op === undefined) {
      op = { all: this.newAcc(), byVersion: new Map() };
      byOp.set(span.name, op);
    }
    const err = isErrorSpan(span);
    const a = op.all;
    a.requests++;
    if (err) a.errors++;
    a.sketch.add(durationMs);
    if (keepVersion) {
      let v = op.byVersion.get(version as string);
      if (v === undefined) {
        v = this.newAcc();
        op.byVersion.set(version as string, v);
      }
      v.requests++;
      if (err) v.errors++;
      v.sketch.add(durationMs);
    }
    this.s.counted++;
    return 'counted';
  }

  watermarkMs(): number {
    return this.maxEventMs - this.options.allowedLatenessMs;
  }

  /**
   * Close and return every window whose end is at or before the watermark (or `untilMs` when
   * the caller advances time, e.g. an idle partition). Sorted by window start, service,
   * operation, then version (the all-versions series first).
   */
  closeWindows(untilMs?: number): RedWindow[] {
    const limit = untilMs ?? this.watermarkMs();
    const w = this.options.windowMs;
    const out: RedWindow[] = [];
    const starts = [...this.windows.keys()].filter((s) => s + w <= limit).sort((a, b) => a - b);
    for (const start of starts) {
      const win = this.windows.get(start) as WindowMap;
      this.windows.delete(start);
      if (start === this.lastStart) {
        this.lastStart = NaN;
        this.lastWindow = undefined;
      }
      for (const service of [...win.keys()].sort()) {
        const byOp = win.get(service) as Map<string, OpAcc>;
        for (const operation of [...byOp.keys()].sort()) {
          const op = byOp.get(operation) as OpAcc;
          out.push(this.toWindow(service, operation, null, start, op.all));
          for (const version of [...op.byVersion.keys()].sort()) {
            out.push(this.toWindow(service, operation, version, start, op.byVersion.get(version) as Acc));
          }
        }
      }
    }
    const closedTo = Math.floor(limit / w) * w;
    if (Number.isFinite(closedTo) && closedTo > this.closedBeforeMs) this.closedBeforeMs = closedTo;
    if (Number.isFinite(limit)) this.expireIdle(limit);
    return out;
  }

  /** Close every open window (shutdown or end of a replay). */
  flush(): RedWindow[] {
    return this.closeWindows(Infinity);
  }

  private expireIdle(nowMs: number): void {
    const horizon = nowMs - this.options.seriesIdleMs;
    for (const [service, ops] of this.registry) {
      for (const [name, info] of ops) if (info.lastSeenMs < horizon) ops.delete(name);
      if (ops.size === 0) this.registry.delete(service);
    }
  }

  private toWindow(service: string, operation: string, version: string | null, start: number, a: Acc): RedWindow {
    const sk = a.sketch;
    const out: RedWindow = {
      service,
      operation,
      serviceVersion: version,
      seriesKey: redSeriesKey(service, operation, version),
      windowStartMs: start,
      windowEndMs: start + this.options.windowMs,
      requests: a.requests,
      errors: a.errors,
      errorRatio: a.requests > 0 ? a.errors / a.requests : 0,
      requestRatePerS: a.requests / (this.options.windowMs / 1000),
      latencyMs: { p50: sk.quantile(0.5), p95: sk.quantile(0.95), p99: sk.quantile(0.99), max: sk.max, mean: sk.count > 0 ? sk.sum / sk.count : NaN },
    };
    if (this.options.emitSketch) out.sketch = sk.toJSON();
    return out;
  }

  stats(): RedStats {
    let openWindows = 0;
    for (const win of this.windows.values()) for (const byOp of win.values()) for (const op of byOp.values()) openWindows += 1 + op.byVersion.size;
    let trackedOperations = 0;
    for (const ops of this.registry.values()) trackedOperations += ops.size;
    return { ...this.s, openWindows, trackedOperations };
  }

  toJSON(): RedAggregatorJSON {
    const windows: RedAggregatorJSON['windows'] = [];
    for (const [startMs, win] of this.windows) {
      for (const [service, byOp] of win) {
        for (const [operation, op] of byOp) {
          windows.push({ startMs, service, operation, version: null, requests: op.all.requests, errors: op.all.errors, sketch: op.all.sketch.toJSON() });
          for (const [version, v] of op.byVersion) windows.push({ startMs, service, operation, version, requests: v.requests, errors: v.errors, sketch: v.sketch.toJSON() });
        }
      }
    }
    const registry: RedAggregatorJSON['registry'] = [];
    for (const [service, ops] of this.registry) registry.push([service, [...ops].map(([name, info]) => [name, info.lastSeenMs, [...info.versions]])]);
    return {
      version: 1,
      options: { ...this.options },
      maxEventMs: Number.isFinite(this.maxEventMs) ? this.maxEventMs : null,
      closedBeforeMs: Number.isFinite(this.closedBeforeMs) ? this.closedBeforeMs : null,
      stats: { ...this.s },
      registry,
      windows,
    };
  }

  static fromJSON(json: RedAggregatorJSON): RedAggregator {
    if (json.version !== 1) throw new Error(`features.red: unsupported state version ${JSON.stringify(json.version)}`);
    const r = new RedAggregator(json.options);
    r.maxEventMs = json.maxEventMs ?? -Infinity;
    r.closedBeforeMs = json.closedBeforeMs ?? -Infinity;
    Object.assign(r.s, json.stats);
    for (const [service, ops] of json.registry) {
      r.registry.set(service, new Map(ops.map(([name, lastSeenMs, versions]) => [name, { lastSeenMs, versions: new Set(versions) }])));
    }
    for (const w of json.windows) {
      let win = r.windows.get(w.startMs);
      if (win === undefined) {
        win = new Map();
        r.windows.set(w.startMs, win);
      }
      let byOp = win.get(w.service);
      if (byOp === undefined) {
        byOp = new Map();
        win.set(w.service, byOp);
      }
      let op = byOp.get(w.operation);
      if (op === undefined) {
        op = { all: r.newAcc(), byVersion: new Map() };
        byOp.set(w.operation, op);
      }
      const acc: Acc = { requests: w.requests, errors: w.errors, sketch: DDSketch.fromJSON(w.sketch) };
      if (w.version === null) op.all = acc;
      else op.byVersion.set(w.version, acc);
    }
    return r;
  }
}
