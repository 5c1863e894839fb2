// Bounds the bytes the collector holds: request bodies being read and records waiting for
// Kafka's acknowledgement. Above the bound the receivers answer "retry later" instead of
// queueing: memory stays bounded whatever the senders do (design: backpressure, not buffering).
// Cost: O(1) per call; memory: two numbers.
export class InflightLimiter {
  private held = 0;
  private peak = 0;

  constructor(readonly maxBytes: number, private readonly onChange?: (held: number) => void) {}

  /** Reserves n bytes; false (nothing reserved) when that would exceed the bound. */
  tryAcquire(n: number): boolean {
    if (n < 0) throw new RangeError(`tryAcquire: n=${n}`);
    if (this.held + n > this.maxBytes) return false;
    this.held += n;
    if (this.held > this.peak) this.peak = this.held;
    this.onChange?.(this.held);
    return true;
  }

  release(n: number): void {
    this.held -= n;
    if (this.held < 0) throw new Error(`InflightLimiter: released more than held (${this.held})`);
    this.onChange?.(this.held);
  }

  get heldBytes(): number {
    return this.held;
  }

  get peakBytes(): number {
    return this.peak;
  }
}
