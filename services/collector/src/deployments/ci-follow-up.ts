// CI quality for deployments seen only in telemetry. A resource that shows a new service.version
// and names its commit (vcs.ref.head.revision or git.commit.sha) first yields the plain resource
// deployment event, written with the request's records. Once those are acknowledged, the commit's
// CI quality is looked up here, off the request path (the OTLP answer never waits for it), and
// the deployment is written again with `ci`, exactly like an API announcement: on the deployments
// topic and in-band on the spans topic (RECORD_KIND_HEADER: DEPLOYMENT_MARKER) under the service
// key, so the detector verifies a deploy whose CI was not clean under its strict policy, also
// when the marker arrives after the version's check started (it tightens the check from then on).
//
// Same deployment id as the first record (deploymentIdFor(service, version)): consumers keep the
// latest record per id (the alerter updates its entry, the writer's announcement table keeps the
// later row of equal precedence).
//
// What is never done:
// - block or fail the request: submit() only schedules work and returns;
// - write a record whose CI quality is `unknown` (lookup failed, timed out, or the CI API knows
//   nothing about the commit): it would say nothing the first record did not, and the detector
//   treats unknown as standard; the outcome is counted as `unknown`;
// - hold more than `maxPending` lookups: beyond it a deployment's lookup is skipped (`dropped`);
// - retry a failed send (`send_failed`): the first record already announced the deployment.
// Shutdown (close): no new lookups; pending ones get until the deadline to finish and send, then
// the rest are aborted (their lookups see the abort signal) and nothing of theirs is written
// (`abandoned`), so they do not keep the process alive.
import { setMaxListeners } from 'node:events';
import type { OutRecord } from '@vigil/bus';
import type { DeploymentCiQuality } from '@vigil/records';
import type { SendResult } from '../exporters/kafka/kafka-exporter.js';
import type { CollectorMetrics } from '../collector-metrics.js';
import { ciQualityOf, isCiLookupFailure } from './ci-quality.js';
import type { CiQualityLookup } from './ci-quality.js';
import { deploymentRecords } from './deployment-event.js';
import type { DeploymentEvent } from './deployment-event.js';

export type CiFollowUpOutcome = 'attached' | 'unknown' | 'dropped' | 'send_failed' | 'abandoned';

/**
 * Pending lookups at most. A lookup holds one small event and one HTTP request (or in-process
 * query) for at most collector.deployments.ciQuality.timeoutMs; new versions arrive at deploy
 * rate, so 64 only fills when the CI API hangs while many services roll out at once.
 */
export const DEFAULT_MAX_PENDING_CI_LOOKUPS = 64;

export interface DeploymentCiFollowUpOptions {
  lookup: CiQualityLookup;
  /** collector.deployments.ciQuality.timeoutMs. */
  timeoutMs: number;
  deploymentsTopic: string;
  spansTopic: string;
  /** The request path's exporter (KafkaExporter.send). */
  send: (records: OutRecord[], onSettled: () => void) => Promise<SendResult>;
  metrics: Pick<CollectorMetrics, 'deploymentCiLookups' | 'deploymentCiPending' | 'records'>;
  /** Called at most once per failure outcome (unknown after a failed lookup, dropped, send_failed). */
  warn: (event: string, fields: Record<string, unknown>) => void;
  maxPending?: number;
}

class ShutdownError extends Error {}
const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

export class DeploymentCiFollowUp {
  private readonly pending = new Set<Promise<void>>();
  /** Aborted at the end of close(): pending lookups give up, nothing more is sent. */
  private readonly abandon = new AbortController();
  private closed = false;
  private readonly warned = new Set<CiFollowUpOutcome>();
  private readonly maxPending: number;

  constructor(private readonly o: DeploymentCiFollowUpOptions) {
    this.maxPending = o.maxPending ?? DEFAULT_MAX_PENDING_CI_LOOKUPS;
    // Each pending lookup listens on `abandon` (removed when it settles): up to maxPending at once.
    setMaxListeners(this.maxPending + 1, this.abandon.signal);
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Looks up `d.commit` in the background and writes `d` again with `ci`. Call after `d` itself
   * was acknowledged. Never throws; returns at once.
   */
  submit(d: DeploymentEvent): void {
    if (d.commit === '') return;
    if (this.closed || this.pending.size >= this.maxPending) {
      this.count(this.closed ? 'abandoned' : 'dropped', d, this.closed ? 'collector shutting down' : `${this.maxPending} CI lookups pending`);
      return;
    }
    // Start on the next turn: a lookup with synchronous work (the embedded runner queries its
    // store in process) must not delay the answer of the request that found the deployment.
    const p: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.run(d))
      .catch((e: unknown) => this.count('send_failed', d, (e as Error)?.message ?? String(e)))
      .finally(() => {
        this.pending.delete(p);
        this.o.metrics.deploymentCiPending.set(this.pending.size);
      });
    this.pending.add(p);
    this.o.metrics.deploymentCiPending.set(this.pending.size);
  }

  /**
   * No new lookups; waits up to `deadlineMs` for the pending ones to finish (and send), then
   * aborts the rest, which write nothing. Resolves by the deadline at the latest.
   */
  async close(deadlineMs: number): Promise<void> {
    this.closed = true;
    if (this.pending.size > 0 && deadlineMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.pending]),
        new Promise<void>((resolve) => { timer = setTimeout(resolve, deadlineMs); }),
      ]);
      clearTimeout(timer);
    }
    this.abandon.abort();
  }

  private async run(d: DeploymentEvent): Promise<void> {
    if (this.abandon.signal.aborted) {
      this.count('abandoned', d, 'collector shutting down');
      return;
    }
    const ci = await ciQualityOf(this.abortable, d.commit, this.o.timeoutMs);
    if (this.abandon.signal.aborted) {
      this.count('abandoned', d, 'collector shutting down');
      return;
    }
    if (ci.quality === 'unknown') {
      // Only a failed lookup is worth a warning; the CI API answering "no data" is normal.
      this.count('unknown', d, ci.reasons[0] ?? '', isCiLookupFailure(ci));
      return;
    }
    const sent = await this.o.send(this.recordsOf(d, ci), () => {});
    if (sent.kind === 'acked') {
      this.count('attached', d, '');
      this.o.metrics.records.inc({ topic: this.o.deploymentsTopic });
      this.o.metrics.records.inc({ topic: this.o.spansTopic });
    } else {
      this.count('send_failed', d, sent.reason);
    }
  }

  private recordsOf(d: DeploymentEvent, ci: DeploymentCiQuality): OutRecord[] {
    // As the API announcement (pipeline.ts): both topics.
    return deploymentRecords({ ...d, ci }, { deployments: this.o.deploymentsTopic, spans: this.o.spansTopic });
  }

  /** The configured lookup, also aborted (and rejected at once) when close() gives up on it. */
  private readonly abortable: CiQualityLookup = (commit, signal) => {
    const abandon = this.abandon.signal;
    if (abandon.aborted) return Promise.reject(new ShutdownError('collector shutting down'));
    const ctl = new AbortController();
    return new Promise<DeploymentCiQuality>((resolve, reject) => {
      const cleanup = (): void => {
        signal.removeEventListener('abort', onAbort);
        abandon.removeEventListener('abort', onAbort);
      };
      // Either signal settles this promise at once, also when the lookup ignores its signal: no
      // listener stays on the long-lived `abandon` signal after ciQualityOf gave up (timeout).
      function onAbort(): void {
        cleanup();
        ctl.abort();
        reject(abandon.aborted ? new ShutdownError('collector shutting down') : new Error('CI lookup aborted'));
      }
      signal.addEventListener('abort', onAbort, { once: true });
      abandon.addEventListener('abort', onAbort, { once: true });
      let answer: Promise<DeploymentCiQuality>;
      try {
        answer = this.o.lookup(commit, ctl.signal);
      } catch (e) {
        cleanup();
        reject(asError(e));
        return;
      }
      answer.then(
        (q) => { cleanup(); resolve(q); },
        (e: unknown) => { cleanup(); reject(asError(e)); },
      );
    });
  };

  private count(outcome: CiFollowUpOutcome, d: DeploymentEvent, reason: string, warn = outcome === 'dropped' || outcome === 'send_failed'): void {
    this.o.metrics.deploymentCiLookups.inc({ outcome });
    if (!warn || this.warned.has(outcome)) return;
    // Once per kind per process: the counter tells how often it happens since.
    this.warned.add(outcome);
    try {
      this.o.warn('deployment_ci_lookup_' + outcome, { service: d.service, version: d.version, commit: d.commit, reason, onceOnly: true });
    } catch {
      // a logging failure must not fail the follow-up
    }
  }
}
