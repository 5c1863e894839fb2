// The demo shop's load generator on the OpenTelemetry JS SDK: each (service, version) is an
// "instance" with its own Resource (service.name, service.version, service.instance.id) and its
// own tracer, meter and logger providers exporting OTLP/HTTP protobuf to the collector, as three
// real deployed services would. A deploy starts a new instance and routes the service's traffic
// to it; a rollback routes it back to the old one.
//
// Time: a request's timestamps are wall-clock times (the clock the SDK itself uses: epoch ms of
// performance.timeOrigin + performance.now()) taken when it arrives; its spans, logs and
// measurements are emitted when the request has finished in real time. Durations come from the
// model (shop-model.ts), not from timers, so event-loop lag on a busy machine does not leak
// into the latencies the detector verifies.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Attributes, Counter, Histogram, Span, Tracer } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import type { Logger } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { cycleFactor, DEFAULT_SHAPE, PAYMENTS, planBrowse, planCheckout, poisson, seededRng } from './shop-model.js';
import type { LogSeverity, RequestPlan, Rng, TrafficShape } from './shop-model.js';

export type ShopService = 'frontend' | 'checkout' | 'payments';

export interface ShopOptions {
  /** Base URL of the collector's OTLP/HTTP receiver, e.g. http://127.0.0.1:4318. */
  otlpUrl: string;
  seed: number;
  shape?: TrafficShape;
  /** Arrival ticks (ms). */
  tickMs?: number;
  /** BatchSpanProcessor / BatchLogRecordProcessor export delay (SDK default 5 s; short keeps spans inside the detector's lateness bound). */
  exportDelayMs?: number;
  /** Metric export interval (SDK default 60 s). */
  metricIntervalMs?: number;
}

export interface ShopStats {
  requests: number;
  spans: number;
  logs: number;
  /** Requests served per service@version (server spans). */
  byVersion: Record<string, number>;
  /** Of those, failed (5xx). */
  errorsByVersion: Record<string, number>;
}

const SEVERITY: Record<LogSeverity, SeverityNumber> = { INFO: SeverityNumber.INFO, WARN: SeverityNumber.WARN, ERROR: SeverityNumber.ERROR };

/** Wall-clock epoch ms with sub-ms precision, from the same source as the SDK's clock. */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

class Instance {
  readonly tracer: Tracer;
  readonly logger: Logger;
  readonly requests: Counter;
  readonly duration: Histogram;
  private readonly tracerProvider: BasicTracerProvider;
  private readonly meterProvider: MeterProvider;
  private readonly loggerProvider: LoggerProvider;

  constructor(readonly service: ShopService, readonly version: string, o: Required<Omit<ShopOptions, 'seed' | 'shape' | 'tickMs'>>) {
    const resource = resourceFromAttributes({
      'service.name': service,
      'service.version': version,
      'service.instance.id': randomUUID(),
      'telemetry.sdk.language': 'nodejs',
      'telemetry.sdk.name': 'opentelemetry',
    });
    const batch = { scheduledDelayMillis: o.exportDelayMs, maxExportBatchSize: 512, maxQueueSize: 8192 };
    this.tracerProvider = new BasicTracerProvider({
      resource,
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${o.otlpUrl}/v1/traces` }), batch)],
    });
    this.meterProvider = new MeterProvider({
      resource,
      readers: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: `${o.otlpUrl}/v1/metrics` }), exportIntervalMillis: o.metricIntervalMs })],
    });
    this.loggerProvider = new LoggerProvider({
      resource,
      processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${o.otlpUrl}/v1/logs` }), ...batch })],
    });
    const scope = `shop.${service}`;
    this.tracer = this.tracerProvider.getTracer(scope, version);
    this.logger = this.loggerProvider.getLogger(scope, version);
    const meter = this.meterProvider.getMeter(scope, version);
    this.requests = meter.createCounter('shop.http.server.requests', { description: 'HTTP requests served', unit: '{request}' });
    // OTel semantic conventions: http.server.request.duration, seconds, with these advised buckets.
    this.duration = meter.createHistogram('http.server.request.duration', {
      description: 'Duration of HTTP server requests', unit: 's',
      advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] },
    });
  }

  async shutdown(): Promise<void> {
    await Promise.allSettled([this.tracerProvider.shutdown(), this.meterProvider.shutdown(), this.loggerProvider.shutdown()]);
  }
}

/**
 * The shop: arrivals on a compressed daily cycle (Poisson per tick), routed to the current
 * instance of each service. `deploy` / `rollback` switch the route.
 */
export class Shop {
  readonly stats: ShopStats = { requests: 0, spans: 0, logs: 0, byVersion: {}, errorsByVersion: {} };
  private readonly instances = new Map<string, Instance>();
  private readonly current = new Map<ShopService, Instance>();
  private readonly rng: Rng;
  private readonly shape: TrafficShape;
  private readonly tickMs: number;
  private readonly inst: Required<Omit<ShopOptions, 'seed' | 'shape' | 'tickMs'>>;
  private timer: NodeJS.Timeout | null = null;
  private startMs = 0;
  private inFlight = new Set<NodeJS.Timeout>();
  private listeners: Array<(service: ShopService, version: string, atMs: number) => void> = [];

  constructor(o: ShopOptions) {
    this.rng = seededRng(o.seed);
    this.shape = o.shape ?? DEFAULT_SHAPE;
    this.tickMs = o.tickMs ?? 100;
    this.inst = { otlpUrl: o.otlpUrl.replace(/\/$/, ''), exportDelayMs: o.exportDelayMs ?? 500, metricIntervalMs: o.metricIntervalMs ?? 5_000 };
  }

  /** Called once per (service, version) when its first request arrives. */
  onFirstRequest(fn: (service: ShopService, version: string, atMs: number) => void): void {
    this.listeners.push(fn);
  }

  start(versions: Record<ShopService, string>): void {
    for (const [s, v] of Object.entries(versions) as Array<[ShopService, string]>) this.route(s, v);
    this.startMs = wallMs();
    this.timer = setInterval(() => this.tick(), this.tickMs);
  }

  /** Route all of `service`'s traffic to `version` (a new instance the first time). */
  route(service: ShopService, version: string): void {
    const key = `${service}@${version}`;
    let i = this.instances.get(key);
    if (!i) {
      i = new Instance(service, version, this.inst);
      this.instances.set(key, i);
    }
    this.current.set(service, i);
  }

  version(service: ShopService): string {
    return this.current.get(service)?.version ?? '';
  }

  private tick(): void {
    const now = wallMs();
    const f = cycleFactor(this.shape, now - this.startMs);
    const perTick = this.tickMs / 1000;
    const checkouts = poisson(this.rng, this.shape.checkoutsPerS * f * perTick);
    const browses = poisson(this.rng, this.shape.browsePerS * f * perTick);
    const paymentsVersion = this.version('payments') === 'v2' ? PAYMENTS.v2 : PAYMENTS.v1;
    // Spread the tick's arrivals over the tick.
    for (let k = 0; k < checkouts + browses; k++) {
      const plan = k < checkouts ? planCheckout(this.rng, paymentsVersion) : planBrowse(this.rng);
      this.schedule(plan, now + this.rng() * this.tickMs);
    }
  }

  private schedule(plan: RequestPlan, arrivalMs: number): void {
    // Bind the instances at arrival: a deploy during the request does not change who served it.
    const bound = { frontend: this.current.get('frontend') as Instance, checkout: this.current.get('checkout') as Instance, payments: this.current.get('payments') as Instance };
    for (const s of new Set(plan.spans.map((x) => x.service))) {
      const key = `${s}@${bound[s].version}`;
      if (this.stats.byVersion[key] === undefined) {
        this.stats.byVersion[key] = 0;
        for (const l of this.listeners) l(s, bound[s].version, arrivalMs);
      }
    }
    const delay = Math.max(0, arrivalMs + plan.durationMs - wallMs());
    const t = setTimeout(() => {
      this.inFlight.delete(t);
      this.emit(plan, arrivalMs, bound);
    }, delay);
    this.inFlight.add(t);
  }

  private emit(plan: RequestPlan, t0: number, bound: Record<ShopService, Instance>): void {
    this.stats.requests++;
    const spans: Span[] = [];
    for (const p of plan.spans) {
      const inst = bound[p.service];
      const parent = p.parent >= 0 ? spans[p.parent] : undefined;
      const ctx = parent ? trace.setSpan(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
      const attrs: Attributes = { ...p.attributes, 'http.response.status_code': p.status };
      const span = inst.tracer.startSpan(p.name, { kind: p.kind === 'server' ? SpanKind.SERVER : SpanKind.CLIENT, startTime: t0 + p.startMs, attributes: attrs }, ctx);
      // OTel semantic conventions: 5xx is an error for server spans; 4xx and 5xx for client spans.
      if (p.status >= 500 || (p.kind === 'client' && p.status >= 400)) span.setStatus({ code: SpanStatusCode.ERROR });
      spans.push(span);
      if (p.kind === 'server') {
        const m = { 'http.request.method': String(p.attributes['http.request.method']), 'http.route': String(p.attributes['http.route']), 'http.response.status_code': p.status };
        inst.requests.add(1, m);
        inst.duration.record((p.endMs - p.startMs) / 1000, m);
        const key = `${p.service}@${inst.version}`;
        this.stats.byVersion[key] = (this.stats.byVersion[key] ?? 0) + 1;
        if (p.status >= 500) this.stats.errorsByVersion[key] = (this.stats.errorsByVersion[key] ?? 0) + 1;
      }
    }
    // End children before parents (each with its own modelled end time).
    for (let i = plan.spans.length - 1; i >= 0; i--) spans[i].end(t0 + plan.spans[i].endMs);
    this.stats.spans += spans.length;
    for (const l of plan.logs) {
      const inst = bound[l.service];
      // The log line belongs to the span of its service in this request (trace/log correlation).
      const owner = plan.spans.findIndex((s) => s.service === l.service && s.kind === 'server');
      inst.logger.emit({
        timestamp: t0 + l.atMs, severityNumber: SEVERITY[l.severity], severityText: l.severity, body: l.body,
        attributes: l.attributes, context: owner >= 0 ? trace.setSpan(ROOT_CONTEXT, spans[owner]) : undefined,
      });
      this.stats.logs++;
    }
  }

  /** Stop arrivals, let requests in flight finish, flush and shut down every provider. */
  async shutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const waitMs = 2_000;
    const end = wallMs() + waitMs;
    while (this.inFlight.size > 0 && wallMs() < end) await new Promise((r) => setTimeout(r, 50));
    for (const t of this.inFlight) clearTimeout(t);
    this.inFlight.clear();
    await Promise.all([...this.instances.values()].map((i) => i.shutdown()));
  }
}
