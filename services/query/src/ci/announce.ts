// How the read side records an announced pipeline run without writing the store: the
// vigil.pipeline_run/1 record is published to the CI topic (keyed by pipeline, as the collector
// publishes pipeline outcomes) and the writer lands it in ci_pipeline_runs, exactly once, like
// every other record. The HTTP answer then waits, bounded, until the row can be read back
// (read-your-writes for the client that announced: a page or a script that lists pipelines right
// after the answer sees its run). If the writer is slower than `visibleMs` the answer still goes
// out: the record is acknowledged by the bus and will land.
import type { Producer } from '@vigil/bus';
import { encodeRecord } from '@vigil/records';
import type { PipelineRunRecord } from '@vigil/records';
import type { Store } from '@vigil/store';

export interface AnnouncerDeps {
  producer: () => Promise<Producer>;
  /** The CI records topic (topics.ciTestRuns). */
  topic: string;
  store: Store;
  /** Longest wait for the landed row (0: do not wait). */
  visibleMs: number;
  /** Pause between reads while waiting (default 50 ms). */
  pollMs?: number;
  /** Clock and sleep, for tests. */
  nowMs?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Publishes the record, then waits (at most visibleMs) until its row is readable; true once seen. */
export function pipelineRunAnnouncer(deps: AnnouncerDeps): (record: PipelineRunRecord) => Promise<boolean> {
  const nowMs = deps.nowMs ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const pollMs = deps.pollMs ?? 50;
  const visible = async (r: PipelineRunRecord): Promise<boolean> => {
    const rows = await deps.store.query<{ c: string | number }>(
      `SELECT count() AS c FROM ${deps.store.table('ci_pipeline_runs')}
       WHERE pipeline = {pipeline:String} AND run_id = {runId:String} AND status = 'announced'`,
      { pipeline: r.pipeline, runId: r.runId },
    );
    return Number(rows[0]?.c ?? 0) > 0;
  };
  return async (record) => {
    const producer = await deps.producer();
    await producer.send([{ topic: deps.topic, key: record.pipeline, value: encodeRecord(record), timestampMs: record.timeMs }]);
    if (deps.visibleMs <= 0) return false;
    const deadline = nowMs() + deps.visibleMs;
    for (;;) {
      if (await visible(record)) return true;
      if (nowMs() >= deadline) return false;
      await sleep(pollMs);
    }
  };
}
