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
}

interface ErrorWithRetryable { retryable?: unknown; code?: unknown; message?: unknown }

export class KafkaExporter {
  private downUntil = 0;
  private lastError = '';
  private readonly now: () => number;

  constructor(private readonly producer: Producer, private readonly options: KafkaExporterOptions) {
    this.now = options.now ?? Date.now;
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
    const started = performance.now();
    const sending = this.producer.send(records);
    const result = sending.then(
      (): SendResult => {
        this.options.onProduceDuration?.((performance.now() - started) / 1000, true);
        return { kind: 'acked', records: records.length };
      },
      (err: unknown): SendResult => {
        this.options.onProduceDuration?.((performance.now() - started) / 1000, false);
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
