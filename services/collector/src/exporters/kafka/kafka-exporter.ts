// Writes records through the Bus producer (Kafka: acks=all, idempotent) and turns the outcome
// into "acknowledged", "retry later" or "never fits". While the bus fails with retryable errors
// the exporter refuses new work for `busDownHoldMs` (a circuit breaker), so requests fail fast
// with 503 instead of piling up; the first request after the hold probes the bus again.
import type { OutRecord, Producer } from '@vigil/bus';

export type SendResult =
  | { kind: 'acked'; records: number }
  | { kind: 'retry'; reason: string }
  | { kind: 'permanent'; reason: string };

export interface KafkaExporterOptions {
  produceTimeoutMs: number;
  busDownHoldMs: number;
  /** Injected clock (ms). */
  now?: () => number;
  onProduceDuration?: (seconds: number, ok: boolean) => void;
  /** Producer calls in flight at once; more requests wait and are coalesced. Default 2. */
  maxConcurrentSends?: number;
  /** Largest coalesced batch (value bytes). Default 16 MiB. */
  maxBatchBytes?: number;
}

interface Waiting {
  records: OutRecord[];
  bytes: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface ErrorWithRetryable { retryable?: unknown; code?: unknown; message?: unknown }

export class KafkaExporter {
  private downUntil = 0;
  private lastError = '';
  private readonly now: () => number;
  private waiting: Waiting[] = [];
  private waitingBytes = 0;
  private sending = 0;
  private readonly maxConcurrentSends: number;
  private readonly maxBatchBytes: number;

  constructor(private readonly producer: Producer, private readonly options: KafkaExporterOptions) {
    this.now = options.now ?? Date.now;
    this.maxConcurrentSends = options.maxConcurrentSends ?? 2;
    this.maxBatchBytes = options.maxBatchBytes ?? 16 * 1024 * 1024;
  }

  /** Queues records for the next coalesced producer.send; resolves when they are acknowledged. */
  private produce(records: OutRecord[]): Promise<void> {
    let bytes = 0;
    for (const r of records) bytes += r.value?.length ?? 0;
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ records, bytes, resolve, reject });
      this.waitingBytes += bytes;
      this.pump();
    });
  }

  private pump(): void {
    while (this.sending < this.maxConcurrentSends && this.waiting.length > 0) {
      const batch: Waiting[] = [];
      let bytes = 0;
      while (this.waiting.length > 0 && (batch.length === 0 || bytes + this.waiting[0].bytes <= this.maxBatchBytes)) {
        const w = this.waiting.shift()!;
        batch.push(w);
        bytes += w.bytes;
      }
      this.waitingBytes -= bytes;
      const records = batch.length === 1 ? batch[0].records : batch.flatMap((w) => w.records);
      this.sending++;
      const started = performance.now();
      this.producer.send(records).then(
        () => {
          this.options.onProduceDuration?.((performance.now() - started) / 1000, true);
          for (const w of batch) w.resolve();
        },
        (err: unknown) => {
          this.options.onProduceDuration?.((performance.now() - started) / 1000, false);
          for (const w of batch) w.reject(err);
        },
      ).finally(() => {
        this.sending--;
        this.pump();
      });
    }
  }

  /** True while the bus is considered down (recent retryable failure). */
  isDown(): boolean {
    return this.now() < this.downUntil;
  }

  get downReason(): string {
    return this.lastError;
  }

  /**
   * Sends every record; resolves after the bus acknowledged all of them, or with the failure.
   * `onSettled` runs when the underlying send finished, even after a timeout answer: the
   * caller keeps the memory reserved until then.
   */
  send(records: OutRecord[], onSettled: () => void): Promise<SendResult> {
    if (this.isDown()) {
      onSettled();
      return Promise.resolve({ kind: 'retry', reason: `bus unavailable: ${this.lastError}` });
    }
    const result = this.produce(records).then(
      (): SendResult => ({ kind: 'acked', records: records.length }),
      (err: unknown): SendResult => {
        const e = err as ErrorWithRetryable;
        const message = typeof e?.message === 'string' ? e.message : String(err);
        // BusError: retryable flag decides. A record too large never fits: permanent.
        if (e?.code === 'BUS_RECORD_TOO_LARGE') return { kind: 'permanent', reason: message };
        // Everything else (retryable or not: unknown topic, closed, auth) is answered "retry
        // later": the data stays with the sender while an operator fixes the cause.
        if (e?.retryable !== false) this.markDown(message);
        return { kind: 'retry', reason: message };
      },
    );
    void result.finally(onSettled);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<SendResult>((resolve) => {
      timer = setTimeout(() => {
        this.markDown('produce timeout');
        resolve({ kind: 'retry', reason: `no acknowledgement within ${this.options.produceTimeoutMs} ms` });
      }, this.options.produceTimeoutMs);
    });
    return Promise.race([result, timeout]).finally(() => clearTimeout(timer));
  }

  private markDown(reason: string): void {
    this.lastError = reason;
    this.downUntil = this.now() + this.options.busDownHoldMs;
  }
}
