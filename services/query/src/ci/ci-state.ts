// The CI API's state: one @vigil/ci-insights CiHistory per suite, rebuilt from ClickHouse on
// first use and refreshed incrementally before every answer.
//
// Rebuild (first request for a suite): the suite's test executions of the last `lookbackDays`
// (at most `maxRunsPerTest` newest per test: the prioritiser's decayed rate gives the newest
// ~20 executions nearly all the weight, and durations/revisions are windowed anyway), plus
// pipeline outcomes and this suite's announced runs (their stored features retrain the
// build-risk model exactly as online), all fed in time order.
// Refresh (every request): rows INSERTED since the last refresh, by ingested_at (set by
// ClickHouse at insert). A row becomes visible only when its insert commits, a little after its
// ingested_at, so each query reads the window (cursor, horizon] with horizon = the server's
// now64() - settleMs, and the next one starts at that horizon: every row is fed exactly once
// provided inserts commit within settleMs, and new rows count after at most settleMs plus one
// request. One query per refresh (UNION ALL of both tables, pruned by a minmax index on
// ingested_at); concurrent requests for a suite share one refresh.
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
  /** Rows inserted less than this long ago are left for a later refresh (insert visibility lag). */
  settleMs: number;
  /** Suites held in memory. */
  maxSuites: number;
  /** Options of each CiHistory (defaults: @vigil/ci-insights DEFAULT_OPTIONS, the eval's). */
  history: Partial<CiInsightsOptions>;
}

export const DEFAULT_CI_STATE_OPTIONS: Readonly<CiStateOptions> = Object.freeze({
  lookbackDays: 30,
  maxRunsPerTest: 128,
  settleMs: 1_000,
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
  const pos = (k: 'lookbackDays' | 'maxRunsPerTest' | 'maxSuites' | 'settleMs', int: boolean, min: number): void => {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (int && !Number.isInteger(v))) {
      throw new CiStateOptionsError(`ci api option "${k}" = ${JSON.stringify(v)}: must be ${int ? 'an integer' : 'a number'} >= ${min}`);
    }
  };
  pos('lookbackDays', false, 0.001);
  pos('maxRunsPerTest', true, 1);
  pos('maxSuites', true, 1);
  pos('settleMs', false, 0);
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
  /** The query's horizon (ms): rows up to it were read. */
  horizon: string | number;
}

const TEST_STATUSES = new Set<string>(['passed', 'failed', 'skipped', 'error']);

interface SuiteEntry {
  suite: string;
  history: CiHistory;
  /** Rows with ingested_at up to this (ms) were fed. */
  cursorMs: number;
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
    const [{ h }] = await this.store.query<{ h: string }>(
      'SELECT toUnixTimestamp64Milli(now64(3)) - {settle:UInt32} AS h', { settle: Math.round(o.settleMs) });
    const horizon = Number(h);
    const rows = await this.store.query<Row>(
      `SELECT * FROM (
         SELECT 't' AS kind, toUnixTimestamp64Milli(time) AS t, test_name AS name, pipeline, run_id, revision, status,
                duration_ms, attempt, CAST([], 'Array(Float64)') AS features
         FROM (SELECT * FROM ${t('ci_test_runs')}
               WHERE suite = {suite:String} AND time >= now64(3) - toIntervalSecond({lookbackS:UInt32})
                 AND ingested_at <= fromUnixTimestamp64Milli({horizon:Int64})
               ORDER BY time DESC LIMIT {perTest:UInt32} BY test_name)
         UNION ALL
         SELECT 'p' AS kind, toUnixTimestamp64Milli(time) AS t, '' AS name, pipeline, run_id, revision, status,
                duration_ms, toUInt16(0) AS attempt, risk_features AS features
         FROM ${t('ci_pipeline_runs')}
         WHERE time >= now64(3) - toIntervalSecond({lookbackS:UInt32}) AND (status != 'announced' OR suite = {suite:String})
           AND ingested_at <= fromUnixTimestamp64Milli({horizon:Int64})
       ) ORDER BY t, kind DESC`,
      { suite, lookbackS: Math.round(o.lookbackDays * 86_400), perTest: o.maxRunsPerTest, horizon },
    );
    const entry: SuiteEntry = { suite, history: new CiHistory(o.history), cursorMs: horizon, refreshing: null, rowsFed: 0 };
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
      // The horizon rides on every row; with no row, the cursor stays (the next window starts there).
      const rows = await this.store.query<Row>(
        `WITH toUnixTimestamp64Milli(now64(3)) - {settle:UInt32} AS horizon
         SELECT *, horizon FROM (
           SELECT 't' AS kind, toUnixTimestamp64Milli(time) AS t, test_name AS name, pipeline, run_id, revision, status,
                  duration_ms, attempt, CAST([], 'Array(Float64)') AS features
           FROM ${t('ci_test_runs')} WHERE suite = {suite:String}
             AND ingested_at > fromUnixTimestamp64Milli({from:Int64}) AND ingested_at <= fromUnixTimestamp64Milli(horizon)
           UNION ALL
           SELECT 'p' AS kind, toUnixTimestamp64Milli(time) AS t, '' AS name, pipeline, run_id, revision, status,
                  duration_ms, toUInt16(0) AS attempt, risk_features AS features
           FROM ${t('ci_pipeline_runs')} WHERE status != 'announced'
             AND ingested_at > fromUnixTimestamp64Milli({from:Int64}) AND ingested_at <= fromUnixTimestamp64Milli(horizon)
         ) ORDER BY t, kind DESC`,
        { suite: entry.suite, from: entry.cursorMs, settle: Math.round(this.options.settleMs) },
      );
      fed = this.feed(entry, rows, false);
      if (rows.length > 0) entry.cursorMs = Number(rows[0].horizon);
    })();
    entry.refreshing = run;
    return run.finally(() => { entry.refreshing = null; }).then(() => fed);
  }

  /** Feeds rows (in time order); returns how many. */
  private feed(entry: SuiteEntry, rows: Row[], rebuilding: boolean): number {
    const h = entry.history;
    for (const r of rows) {
      const timeMs = Number(r.t);
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
    entry.rowsFed += rows.length;
    return rows.length;
  }
}
