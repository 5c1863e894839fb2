// The CI API's state: one @vigil/ci-insights CiHistory per suite, rebuilt from ClickHouse on
// first use and refreshed incrementally before every answer.
//
// Rebuild (first request for a suite): the suite's test executions of the last `lookbackDays`
// (at most `maxRunsPerTest` newest per test: the prioritiser's decayed rate gives the newest
// ~20 executions nearly all the weight, and durations/revisions are windowed anyway), plus
// pipeline outcomes and this suite's announced runs (their stored features retrain the
// build-risk model exactly as online), all fed in time order.
// Refresh (every request): rows INSERTED after the last one seen (ingested_at, set by
// ClickHouse), re-reading an `overlapMs` margin because a row becomes visible only when its
// insert commits, a little after its ingested_at; rows already fed are recognised by their
// identity and skipped. One query per refresh (UNION ALL of both tables); concurrent requests
// for a suite share one refresh.
// Memory: `maxSuites` histories (least recently used dropped), each bounded by CiHistory's
// options (maxTests, windows).
import { CiHistory } from '@vigil/ci-insights';
import type { CiInsightsOptions, TestStatus } from '@vigil/ci-insights';
import type { Store } from '@vigil/store';

export interface CiStateOptions {
  /** Oldest execution read when a suite's history is rebuilt. */
  lookbackDays: number;
  /** Newest executions per test read when a suite's history is rebuilt. */
  maxRunsPerTest: number;
  /** Margin re-read before the last ingested_at seen (insert visibility lag). */
  overlapMs: number;
  /** Suites held in memory. */
  maxSuites: number;
  /** Options of each CiHistory (defaults: @vigil/ci-insights DEFAULT_OPTIONS, the eval's). */
  history: Partial<CiInsightsOptions>;
}

export const DEFAULT_CI_STATE_OPTIONS: Readonly<CiStateOptions> = Object.freeze({
  lookbackDays: 30,
  maxRunsPerTest: 128,
  overlapMs: 5_000,
  maxSuites: 64,
  history: {},
});

export class CiStateOptionsError extends Error {
  override readonly name = 'CiStateOptionsError';
}

export function resolveCiStateOptions(user: Partial<CiStateOptions> = {}): Readonly<CiStateOptions> {
  for (const k of Object.keys(user)) {
    if (!(k in DEFAULT_CI_STATE_OPTIONS)) throw new CiStateOptionsError(`ci api option "${k}" is unknown`);
  }
  const o = { ...DEFAULT_CI_STATE_OPTIONS, ...user };
  const pos = (k: 'lookbackDays' | 'maxRunsPerTest' | 'maxSuites' | 'overlapMs', int: boolean, min: number): void => {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (int && !Number.isInteger(v))) {
      throw new CiStateOptionsError(`ci api option "${k}" = ${JSON.stringify(v)}: must be ${int ? 'an integer' : 'a number'} >= ${min}`);
    }
  };
  pos('lookbackDays', false, 0.001);
  pos('maxRunsPerTest', true, 1);
  pos('maxSuites', true, 1);
  pos('overlapMs', false, 0);
  new CiHistory(o.history); // validates the history options (throws CiOptionsError)
  return Object.freeze(o);
}

/** A row of the union query: a test execution (kind t) or a pipeline row (kind p). */
interface Row {
  kind: 't' | 'p';
  t: string | number;
  name: string;
  pipeline: string;
  run_id: string;
  revision: string;
  status: string;
  duration_ms: number | null;
  attempt: number;
  features: number[];
  ing: string | number;
}

const TEST_STATUSES = new Set<string>(['passed', 'failed', 'skipped', 'error']);

interface SuiteEntry {
  suite: string;
  history: CiHistory;
  /** Largest ingested_at (ms) fed so far. */
  cursorMs: number;
  /** Identities of rows fed with ingested_at inside the overlap margin, for dedup. */
  recent: Map<string, number>;
  refreshing: Promise<void> | null;
  rowsFed: number;
}

export interface RefreshInfo {
  suite: string;
  knownTests: number;
  rowsFed: number;
  newRows: number;
}

export class CiState {
  readonly options: Readonly<CiStateOptions>;
  private readonly suites = new Map<string, SuiteEntry>();
  private readonly loading = new Map<string, Promise<SuiteEntry>>();

  constructor(private readonly store: Store, options: Partial<CiStateOptions> = {}) {
    this.options = resolveCiStateOptions(options);
  }

  /** The suite's history, brought up to date with ClickHouse. */
  async history(suite: string): Promise<{ history: CiHistory; info: RefreshInfo }> {
    let entry = this.suites.get(suite);
    let newRows = 0;
    if (entry) {
      this.suites.delete(suite); // Map order is the LRU order
      this.suites.set(suite, entry);
      newRows = await this.refresh(entry);
    } else {
      let p = this.loading.get(suite);
      if (!p) {
        p = this.rebuild(suite).finally(() => this.loading.delete(suite));
        this.loading.set(suite, p);
      }
      entry = await p;
      newRows = entry.rowsFed;
    }
    return { history: entry.history, info: { suite, knownTests: entry.history.testCount, rowsFed: entry.rowsFed, newRows } };
  }

  private async rebuild(suite: string): Promise<SuiteEntry> {
    const o = this.options;
    const t = (n: string) => this.store.table(n);
    const rows = await this.store.query<Row>(
      `SELECT * FROM (
         SELECT 't' AS kind, toUnixTimestamp64Milli(time) AS t, test_name AS name, pipeline, run_id, revision, status,
                duration_ms, attempt, CAST([], 'Array(Float64)') AS features, toUnixTimestamp64Milli(ingested_at) AS ing
         FROM (SELECT * FROM ${t('ci_test_runs')}
               WHERE suite = {suite:String} AND time >= now64(3) - toIntervalSecond({lookbackS:UInt32})
               ORDER BY time DESC LIMIT {perTest:UInt32} BY test_name)
         UNION ALL
         SELECT 'p' AS kind, toUnixTimestamp64Milli(time) AS t, '' AS name, pipeline, run_id, revision, status,
                duration_ms, toUInt16(0) AS attempt, risk_features AS features, toUnixTimestamp64Milli(ingested_at) AS ing
         FROM ${t('ci_pipeline_runs')}
         WHERE time >= now64(3) - toIntervalSecond({lookbackS:UInt32}) AND (status != 'announced' OR suite = {suite:String})
       ) ORDER BY t, kind DESC`,
      { suite, lookbackS: Math.round(o.lookbackDays * 86_400), perTest: o.maxRunsPerTest },
    );
    const entry: SuiteEntry = {
      suite, history: new CiHistory(o.history), cursorMs: Number.NEGATIVE_INFINITY, recent: new Map(), refreshing: null, rowsFed: 0,
    };
    this.feed(entry, rows, true);
    if (this.suites.size >= o.maxSuites) {
      const oldest = this.suites.keys().next();
      if (!oldest.done) this.suites.delete(oldest.value);
    }
    this.suites.set(suite, entry);
    return entry;
  }

  private refresh(entry: SuiteEntry): Promise<number> {
    if (entry.refreshing) return entry.refreshing.then(() => 0);
    let fed = 0;
    const run = (async () => {
      const t = (n: string) => this.store.table(n);
      const from = Number.isFinite(entry.cursorMs) ? entry.cursorMs - this.options.overlapMs : 0;
      const rows = await this.store.query<Row>(
        `SELECT * FROM (
           SELECT 't' AS kind, toUnixTimestamp64Milli(time) AS t, test_name AS name, pipeline, run_id, revision, status,
                  duration_ms, attempt, CAST([], 'Array(Float64)') AS features, toUnixTimestamp64Milli(ingested_at) AS ing
           FROM ${t('ci_test_runs')} WHERE suite = {suite:String} AND ingested_at >= fromUnixTimestamp64Milli({from:Int64})
           UNION ALL
           SELECT 'p' AS kind, toUnixTimestamp64Milli(time) AS t, '' AS name, pipeline, run_id, revision, status,
                  duration_ms, toUInt16(0) AS attempt, risk_features AS features, toUnixTimestamp64Milli(ingested_at) AS ing
           FROM ${t('ci_pipeline_runs')} WHERE status != 'announced' AND ingested_at >= fromUnixTimestamp64Milli({from:Int64})
         ) ORDER BY t, kind DESC`,
        { suite: entry.suite, from },
      );
      fed = this.feed(entry, rows, false);
    })();
    entry.refreshing = run;
    return run.finally(() => { entry.refreshing = null; }).then(() => fed);
  }

  /** Feeds rows (already in time order) not fed before; returns how many were new. */
  private feed(entry: SuiteEntry, rows: Row[], rebuilding: boolean): number {
    const h = entry.history;
    let fed = 0;
    let maxIng = entry.cursorMs;
    for (const r of rows) {
      const ing = Number(r.ing);
      const timeMs = Number(r.t);
      const id = `${r.kind}\u0000${r.name}\u0000${r.pipeline}\u0000${r.run_id}\u0000${r.status}\u0000${timeMs}\u0000${r.attempt}`;
      if (entry.recent.has(id)) continue;
      if (ing > maxIng) maxIng = ing;
      entry.recent.set(id, ing);
      fed++;
      if (r.kind === 't') {
        if (!TEST_STATUSES.has(r.status)) continue;
        h.ingest({
          suite: entry.suite, testName: r.name, pipeline: r.pipeline, runId: r.run_id, status: r.status as TestStatus,
          durationMs: Number(r.duration_ms), timeMs,
          ...(r.revision !== '' ? { revision: r.revision } : {}),
          ...(r.attempt > 0 ? { attempt: Number(r.attempt) } : {}),
        });
      } else if (r.status === 'announced') {
        // Only replayed on rebuild: at run time this process announced it itself.
        if (rebuilding && Array.isArray(r.features) && r.features.length === 4) h.risk.announce(r.run_id, r.features.map(Number));
      } else if (r.status === 'passed' || r.status === 'failed') {
        h.recordPipelineRun({
          pipeline: r.pipeline, runId: r.run_id, status: r.status, timeMs,
          ...(r.duration_ms !== null && Number.isFinite(Number(r.duration_ms)) ? { durationMs: Number(r.duration_ms) } : {}),
        });
      }
    }
    entry.cursorMs = maxIng;
    entry.rowsFed += fed;
    // Identities older than the margin can no longer be re-read: forget them.
    const keepFrom = maxIng - this.options.overlapMs;
    for (const [id, ing] of entry.recent) if (ing < keepFrom) entry.recent.delete(id);
    return fed;
  }
}
