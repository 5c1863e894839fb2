// The CI insights API of the read side (services/query; embedded: the API port). JSON over HTTP:
//
//   POST /v1/ci/prioritise
//     {suite, tests: [{name, durationMs?}] | [name], revision?, changedPaths?: [path],
//      budgetMs?, workers?, objective?: "failures" | "failures-per-second"}
//     → {suite, ranked: [{rank, name, failureProbability, expectedDurationMs, flaky, reason}],
//        selected: [name], deferred: [name], selectedDurationMs, expectedFailuresSelected,
//        shards: [{worker, totalDurationMs, tests: [name]}] | null, history: {...}}
//     Ranking is @vigil/ci-insights' prioritise() (the one the eval measures) over the suite's
//     CiHistory (see ci-state.ts).
//   POST /v1/ci/pipelines/{pipeline}/runs
//     {runId, revision?, suite?, tests?: [{name}] | [name]}
//     → {pipeline, runId, failureProbability, pipelineFailureRate, riskiestTest, likelyFailingTests, reason}
//     The prediction is published as a vigil.pipeline_run/1 record (status "announced", with the
//     model's features) to the CI topic, which the writer lands in ci_pipeline_runs: this service
//     never inserts (see announce.ts); the run's outcome (a cicd.pipeline root span) trains the model.
//   GET /v1/ci/tests?suite=&flaky=true&limit=&sort=failure_rate|flaky|duration|recent
//     → per-test statistics from the ci_tests view.
//   GET /v1/ci/revisions/{revision}?suite=
//     (revision URL-encoded, e.g. feature%2Fx) → the CI quality of one commit:
//     {revision, tests, passed, failed, flaky, skipped, knownFlaky, flakyTests, skippedTests,
//      failedTests, pipelineRuns: [{pipeline, runId, status, predictedFailureProbability, timeMs}],
//      buildRisk, quality: unknown|clean|flaky|skipped|failed, reasons}
//     A revision without test executions answers 200 with quality "unknown". Same function in
//     process: revisionQuality() (revision-quality.ts).
// Errors: 400 {error} naming the field; 413 body too large; 415 not JSON.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { assessBuildRisk, BuildRiskModel, prioritise, PrioritiseError } from '@vigil/ci-insights';
import type { PlannedTest } from '@vigil/ci-insights';
import type { PipelineRunRecord } from '@vigil/records';
import type { Store } from '@vigil/store';
import { sendJson } from '@vigil/telemetry';
import type { RouteHandler } from '@vigil/telemetry';
import { CiState } from './ci-state.js';
import type { CiStateOptions } from './ci-state.js';
import { revisionQuality, RevisionQualityError } from './revision-quality.js';

export interface CiRoutesOptions extends Partial<CiStateOptions> {
  /** Largest request body (bytes). */
  maxBodyBytes?: number;
  /** Most tests in one request. */
  maxTests?: number;
  /** Clock (announcement time). */
  nowMs?: () => number;
  /**
   * Records an announced pipeline run (publishes it; the writer lands it). Without it
   * POST /v1/ci/pipelines/{pipeline}/runs answers 503: a prediction nobody keeps cannot train the model.
   */
  record?: (record: PipelineRunRecord) => Promise<unknown>;
}

const DEFAULT_MAX_BODY = 16 * 1024 * 1024;
const DEFAULT_MAX_TESTS = 200_000;
const MAX_NAME = 4096;

class InputError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const ct = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (ct !== '' && ct !== 'application/json') throw new InputError(415, `content type ${JSON.stringify(ct)}: use application/json`);
  const declared = Number(req.headers['content-length'] ?? '-1');
  if (declared > maxBytes) throw new InputError(413, `body of ${declared} bytes exceeds ${maxBytes}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > maxBytes) {
      req.resume();
      throw new InputError(413, `body exceeds ${maxBytes} bytes`);
    }
    chunks.push(c);
  }
  try {
    return JSON.parse(Buffer.concat(chunks, size).toString('utf8'));
  } catch (e) {
    throw new InputError(400, `invalid JSON: ${(e as Error).message}`);
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(o: Record<string, unknown>, k: string, required: boolean): string | undefined {
  const v = o[k];
  if (v === undefined || v === null) {
    if (required) throw new InputError(400, `${k}: required (a non-empty string)`);
    return undefined;
  }
  if (typeof v !== 'string' || v === '' || v.length > MAX_NAME) throw new InputError(400, `${k}: a non-empty string of at most ${MAX_NAME} characters (got ${JSON.stringify(v)?.slice(0, 80)})`);
  return v;
}

function num(o: Record<string, unknown>, k: string, check: (v: number) => boolean, rule: string): number | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) throw new InputError(400, `${k}: ${rule} (got ${JSON.stringify(v)})`);
  return v;
}

function tests(o: Record<string, unknown>, maxTests: number, required: boolean): PlannedTest[] | undefined {
  const v = o['tests'];
  if (v === undefined || v === null) {
    if (required) throw new InputError(400, 'tests: required (an array of {name, durationMs?} or of names)');
    return undefined;
  }
  if (!Array.isArray(v)) throw new InputError(400, 'tests: an array of {name, durationMs?} or of names');
  if (v.length > maxTests) throw new InputError(400, `tests: at most ${maxTests} tests (got ${v.length})`);
  return v.map((t, i): PlannedTest => {
    if (typeof t === 'string') {
      if (t === '' || t.length > MAX_NAME) throw new InputError(400, `tests[${i}]: a non-empty name of at most ${MAX_NAME} characters`);
      return { name: t };
    }
    if (!isObj(t)) throw new InputError(400, `tests[${i}]: {name, durationMs?} or a name`);
    const name = t['name'];
    if (typeof name !== 'string' || name === '' || name.length > MAX_NAME) throw new InputError(400, `tests[${i}].name: a non-empty string of at most ${MAX_NAME} characters`);
    const d = t['durationMs'];
    if (d !== undefined && d !== null && (typeof d !== 'number' || !Number.isFinite(d) || d < 0)) {
      throw new InputError(400, `tests[${i}].durationMs: a number >= 0 (got ${JSON.stringify(d)})`);
    }
    return typeof d === 'number' ? { name, durationMs: d } : { name };
  });
}

/** The CI API and its state; `routes` is the RouteHandler to register with the admin server. */
export class CiApi {
  readonly state: CiState;
  private readonly maxBody: number;
  private readonly maxTests: number;
  private readonly nowMs: () => number;
  private readonly record: ((record: PipelineRunRecord) => Promise<unknown>) | undefined;

  constructor(private readonly store: Store, options: CiRoutesOptions = {}) {
    const { maxBodyBytes, maxTests, nowMs, record, ...stateOptions } = options;
    this.record = record;
    this.state = new CiState(store, stateOptions);
    this.maxBody = maxBodyBytes ?? DEFAULT_MAX_BODY;
    this.maxTests = maxTests ?? DEFAULT_MAX_TESTS;
    this.nowMs = nowMs ?? Date.now;
  }

  async prioritise(body: unknown): Promise<unknown> {
    if (!isObj(body)) throw new InputError(400, 'body: a JSON object {suite, tests, ...}');
    const suite = str(body, 'suite', true)!;
    const planned = tests(body, this.maxTests, true)!;
    const revision = str(body, 'revision', false);
    const budgetMs = num(body, 'budgetMs', (v) => v >= 0, 'a number of milliseconds >= 0');
    const workers = num(body, 'workers', (v) => Number.isInteger(v) && v >= 1 && v <= 10_000, 'an integer from 1 to 10000');
    const objective = body['objective'];
    if (objective !== undefined && objective !== 'failures' && objective !== 'failures-per-second') {
      throw new InputError(400, `objective: "failures" or "failures-per-second" (got ${JSON.stringify(objective)})`);
    }
    const cp = body['changedPaths'];
    if (cp !== undefined && (!Array.isArray(cp) || cp.length > 100_000 || cp.some((p) => typeof p !== 'string'))) {
      throw new InputError(400, 'changedPaths: an array of at most 100000 strings');
    }
    const { history, info } = await this.state.history(suite);
    let result;
    try {
      result = prioritise(history, {
        suite, tests: planned,
        ...(revision !== undefined ? { revision } : {}),
        ...(cp !== undefined ? { changedPaths: cp as string[] } : {}),
        ...(budgetMs !== undefined ? { timeBudgetMs: budgetMs } : {}),
        ...(workers !== undefined ? { workers } : {}),
        ...(objective !== undefined ? { objective: objective } : {}),
      });
    } catch (e) {
      if (e instanceof PrioritiseError) throw new InputError(400, e.message);
      throw e;
    }
    let known = 0;
    for (const t of planned) if ((history.testState(suite, t.name)?.runs ?? 0) > 0) known++;
    return {
      suite,
      ranked: result.ranked.map((r) => ({
        rank: r.rank, name: r.name, failureProbability: r.failureProbability, expectedDurationMs: r.expectedDurationMs, flaky: r.flaky, reason: r.reason,
      })),
      selected: result.selected.map((r) => r.name),
      deferred: result.deferred.map((r) => r.name),
      selectedDurationMs: result.selectedDurationMs,
      expectedFailuresSelected: result.expectedFailuresSelected,
      shards: result.shards ? result.shards.map((s) => ({ worker: s.worker, totalDurationMs: s.totalDurationMs, tests: s.tests.map((t) => t.name) })) : null,
      history: { knownTests: known, newTests: planned.length - known, suiteTests: info.knownTests, executionsRead: info.rowsFed },
    };
  }

  async announce(pipeline: string, body: unknown): Promise<unknown> {
    if (!this.record) throw new InputError(503, 'pipeline run announcements are not recorded by this API (no bus configured)');
    if (!isObj(body)) throw new InputError(400, 'body: a JSON object {runId, revision?, suite?, tests?}');
    if (pipeline === '' || pipeline.length > MAX_NAME) throw new InputError(400, 'pipeline: a non-empty name in the path');
    const runId = str(body, 'runId', true)!;
    const revision = str(body, 'revision', false);
    const suite = str(body, 'suite', false) ?? 'default';
    const planned = tests(body, this.maxTests, false);
    const { history } = await this.state.history(suite);
    const risk = assessBuildRisk(history, { pipeline, runId, suite, ...(planned ? { tests: planned } : {}) });
    // The features assessBuildRisk computed (same recipe), stored so a rebuild can retrain.
    const maxP = planned && planned.length > 0 ? (risk.riskiestTest?.probability ?? 0) : risk.pipelineFailureRate;
    const features = BuildRiskModel.features(risk.pipelineFailureRate, maxP, risk.likelyFailingTests);
    const record: PipelineRunRecord = {
      schema: 'vigil.pipeline_run/1', pipeline, runId, status: 'announced', timeMs: this.nowMs(), source: 'api', suite,
      predictedFailureProbability: risk.probability, riskFeatures: features, reason: risk.reason,
      ...(revision !== undefined ? { revision } : {}),
    };
    // Published, not inserted: only the writer writes the store.
    await this.record(record);
    return {
      pipeline, runId, suite, failureProbability: risk.probability, pipelineFailureRate: risk.pipelineFailureRate,
      riskiestTest: risk.riskiestTest, likelyFailingTests: risk.likelyFailingTests, reason: risk.reason,
      modelTrainedRuns: history.risk.trained,
    };
  }

  async tests(url: URL): Promise<unknown> {
    const suite = url.searchParams.get('suite');
    const flaky = url.searchParams.get('flaky');
    if (flaky !== null && flaky !== 'true' && flaky !== 'false') throw new InputError(400, `flaky: true or false (got ${JSON.stringify(flaky)})`);
    const rawLimit = url.searchParams.get('limit') ?? '100';
    const limit = Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new InputError(400, `limit: an integer from 1 to 10000 (got ${JSON.stringify(rawLimit)})`);
    const SORTS: Record<string, string> = {
      failure_rate: 'failure_rate DESC, failures DESC', flaky: 'flaky_revisions DESC, failure_rate DESC',
      duration: 'duration_p95_ms DESC', recent: 'recent_failure_rate DESC',
    };
    const sortKey = url.searchParams.get('sort') ?? (flaky === 'true' ? 'flaky' : 'failure_rate');
    const order = SORTS[sortKey];
    if (!order) throw new InputError(400, `sort: one of ${Object.keys(SORTS).join(', ')} (got ${JSON.stringify(sortKey)})`);
    const where: string[] = [];
    if (suite) where.push('suite = {suite:String}');
    if (flaky === 'true') where.push('flaky');
    if (flaky === 'false') where.push('NOT flaky');
    const rows = await this.store.query<Record<string, unknown>>(
      `SELECT suite, test_name AS name, runs, failures, failure_rate AS failureRate, recent_failure_rate AS recentFailureRate, skips,
              duration_mean_ms AS durationMeanMs, duration_p95_ms AS durationP95Ms,
              toUnixTimestamp64Milli(last_failure) AS lastFailureMs, toUnixTimestamp64Milli(first_seen) AS firstSeenMs,
              toUnixTimestamp64Milli(last_seen) AS lastSeenMs, flaky, flaky_revisions AS flakyRevisions
       FROM ${this.store.table('ci_tests')} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY ${order}, suite, name LIMIT {limit:UInt32}`,
      { suite, limit },
    );
    return rows.map((r) => ({
      ...r,
      runs: Number(r.runs), failures: Number(r.failures), skips: Number(r.skips), flaky: Boolean(Number(r.flaky)),
      flakyRevisions: Number(r.flakyRevisions), lastFailureMs: r.lastFailureMs === null ? null : Number(r.lastFailureMs),
      firstSeenMs: Number(r.firstSeenMs), lastSeenMs: Number(r.lastSeenMs),
    }));
  }

  async revision(encoded: string, url: URL): Promise<unknown> {
    let revision: string;
    try {
      revision = decodeURIComponent(encoded);
    } catch {
      throw new InputError(400, 'revision: not a valid URL-encoded revision');
    }
    if (revision === '') throw new InputError(400, 'revision: required in the path (/v1/ci/revisions/{revision}, URL-encoded)');
    const suite = url.searchParams.get('suite');
    try {
      return await revisionQuality(this.store, revision, { ...(suite ? { suite } : {}), nowMs: this.nowMs() });
    } catch (e) {
      if (e instanceof RevisionQualityError) throw new InputError(400, e.message);
      throw e;
    }
  }

  /** The route handler for startAdminServer's `routes`. */
  readonly routes: RouteHandler = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const path = url.pathname;
    if (!path.startsWith('/v1/ci/')) return false;
    const run = async (work: () => Promise<unknown>): Promise<true> => {
      try {
        sendJson(res, 200, await work());
      } catch (e) {
        if (e instanceof InputError) sendJson(res, e.status, { error: e.message });
        else throw e;
      }
      return true;
    };
    if (path === '/v1/ci/prioritise' && req.method === 'POST') return run(async () => this.prioritise(await readJson(req, this.maxBody)));
    if (path === '/v1/ci/tests' && req.method === 'GET') return run(() => this.tests(url));
    // The rest of the path is the revision: an unencoded slash is accepted as part of it too.
    if ((path === '/v1/ci/revisions' || path.startsWith('/v1/ci/revisions/')) && req.method === 'GET') {
      return run(() => this.revision(path.slice('/v1/ci/revisions/'.length), url));
    }
    const m = /^\/v1\/ci\/pipelines\/([^/]+)\/runs$/.exec(path);
    if (m && req.method === 'POST') {
      return run(async () => {
        let pipeline: string;
        try {
          pipeline = decodeURIComponent(m[1]);
        } catch {
          throw new InputError(400, 'pipeline: not a valid URL-encoded name');
        }
        return this.announce(pipeline, await readJson(req, this.maxBody));
      });
    }
    return false;
  };
}

/** The CI routes over `store`, for `routes: [queryRoutes(store), ciRoutes(store)]`. */
export function ciRoutes(store: Store, options: CiRoutesOptions = {}): RouteHandler {
  return new CiApi(store, options).routes;
}
