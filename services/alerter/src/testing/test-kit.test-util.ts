// What the alerter's pipeline-level tests share besides the harness: a cleanup list undone after
// each test, waiting for the alerter to reach a condition, and anomaly records with fresh ids.
import { afterEach } from 'vitest';
import type { AnomalyRecord } from '@vigil/records';
import type { Alerter } from '../pipeline.js';

export type Cleanup = Array<() => unknown>;

/** A cleanup list, emptied in reverse order after every test of the calling file. */
export function cleanupAfterEach(): Cleanup {
  const cleanup: Cleanup = [];
  afterEach(async () => {
    const steps = cleanup.splice(0).reverse();
    for (const f of steps) await f();
  });
  return cleanup;
}

/** Let the alerter work until `until()` holds (15 s at most, then fail naming `what`). */
export async function settle(a: Alerter, until: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!until()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await a.idle();
    await new Promise((r) => setTimeout(r, 10));
  }
  await a.idle();
}

/** An anomaly builder: `base` over an error-ratio anomaly of checkout POST /pay; ids an-1, an-2, … */
export function anomalyMaker(base: Partial<AnomalyRecord> = {}): (now: number, over?: Partial<AnomalyRecord>) => AnomalyRecord {
  let seq = 0;
  return (now, over = {}) => {
    seq++;
    return {
      schema: 'vigil.anomaly/1', id: `an-${seq}`, seriesId: 's1', seriesKey: 'checkout|POST /pay|error_ratio', service: 'checkout', signal: 'traces',
      metric: 'error_ratio', operation: 'POST /pay', windowStartMs: now - 10_000, windowEndMs: now, value: 0.2, expected: 0.01, lower: 0, upper: 0.03,
      score: 0.99, threshold: 0.9, components: ['spot'], severity: 'critical', summary: 'error ratio of POST /pay is 20% (expected 1%)', ...base, ...over,
    };
  };
}
