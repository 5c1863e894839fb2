// vigil ci prioritise --suite S [--budget 10m] [--workers K] [--revision R] [--changed PATH]...
//                     [--objective failures|failures-per-second] [--json] [--api URL] < tests.txt
// Reads one test name per line (optionally `\t<durationMs>`) from stdin, asks the CI API
// (POST /v1/ci/prioritise) to rank them, and prints the order: a table, `--names` one name per
// line (to pipe into a runner), or the API's JSON with --json. With --workers, one section per
// worker.
import { parseArgs } from 'node:util';
import { fmtNum, renderTable } from '../table.js';

const CI_HELP = `vigil ci — CI insights

Usage:
  vigil ci prioritise --suite NAME [options] < tests.txt
      tests.txt: one test name per line, optionally followed by a TAB and its duration in ms.
      --budget DURATION    keep only what fits, e.g. 10m, 90s, 1h (the rest is deferred)
      --workers K          split the selected tests across K parallel workers
      --revision SHA       commit under test (tests that already failed on it rank higher)
      --changed PATH       a changed file (repeatable): tests named like it rank higher
      --objective O        failures (default) or failures-per-second
      --names              print only the selected names, in order (per worker with --workers)
      --json               print the API's JSON answer
      --api URL            CI API (default $VIGIL_API_URL or http://127.0.0.1:8080); token: $VIGIL_API_TOKEN
`;

export interface CiIo {
  stdin: AsyncIterable<string | Buffer>;
  stdout: { write(s: string): unknown };
  env: Record<string, string | undefined>;
  fetch: typeof fetch;
}

const defaultIo = (): CiIo => ({ stdin: process.stdin, stdout: process.stdout, env: process.env, fetch: globalThis.fetch });

/** "10m", "90s", "1.5h", "2d", "500ms" or plain milliseconds → ms. */
export function parseBudgetMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new Error(`--budget: not a duration (got ${JSON.stringify(text)}); use e.g. 90s, 10m, 1h`);
  const unit = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }[(m[2] ?? 'ms') as 'ms'];
  return Number(m[1]) * unit;
}

/** Lines of tests.txt → planned tests. Blank lines and lines starting with # are skipped. */
export function parseTestList(text: string): Array<{ name: string; durationMs?: number }> {
  const out: Array<{ name: string; durationMs?: number }> = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const tab = line.indexOf('\t');
    if (tab < 0) {
      out.push({ name: line.trimEnd() });
      return;
    }
    const name = line.slice(0, tab);
    const raw = line.slice(tab + 1).trim();
    const d = Number(raw);
    if (name === '' || raw === '' || !Number.isFinite(d) || d < 0) throw new Error(`tests line ${i + 1}: expected "name<TAB>durationMs", got ${JSON.stringify(line.slice(0, 120))}`);
    out.push({ name, durationMs: d });
  });
  return out;
}

interface Ranked { rank: number; name: string; failureProbability: number; expectedDurationMs: number; flaky: boolean; reason: string }
interface Answer {
  ranked: Ranked[];
  selected: string[];
  deferred: string[];
  selectedDurationMs: number;
  expectedFailuresSelected: number;
  shards: Array<{ worker: number; totalDurationMs: number; tests: string[] }> | null;
}

const fmtMs = (ms: unknown): string => {
  const v = Number(ms);
  if (!Number.isFinite(v)) return '';
  return v >= 60_000 ? `${(v / 60_000).toFixed(1)}m` : v >= 1000 ? `${(v / 1000).toFixed(1)}s` : `${Math.round(v)}ms`;
};

/** `vigil ci prioritise ...` (argv after "prioritise"). Throws Error with a message for the user. */
export async function ciPrioritise(argv: string[], io: CiIo = defaultIo()): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      suite: { type: 'string' }, budget: { type: 'string' }, workers: { type: 'string' }, revision: { type: 'string' },
      changed: { type: 'string', multiple: true }, objective: { type: 'string' }, json: { type: 'boolean' }, names: { type: 'boolean' },
      api: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (!values.suite) throw new Error('--suite is required');
  let text = '';
  for await (const chunk of io.stdin) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  const tests = parseTestList(text);
  if (tests.length === 0) throw new Error('no tests on stdin (one name per line, optionally TAB and duration in ms)');
  const body: Record<string, unknown> = { suite: values.suite, tests };
  if (values.budget !== undefined) body.budgetMs = parseBudgetMs(values.budget);
  if (values.workers !== undefined) {
    const k = Number(values.workers);
    if (!Number.isInteger(k) || k < 1) throw new Error(`--workers: a positive integer (got ${JSON.stringify(values.workers)})`);
    body.workers = k;
  }
  if (values.revision !== undefined) body.revision = values.revision;
  if (values.changed !== undefined) body.changedPaths = values.changed;
  if (values.objective !== undefined) body.objective = values.objective;
  const apiUrl = values.api ?? io.env.VIGIL_API_URL ?? 'http://127.0.0.1:8080';
  const token = io.env.VIGIL_API_TOKEN;
  const url = new URL('/v1/ci/prioritise', apiUrl);
  let res: Response;
  try {
    res = await io.fetch(url, {
      method: 'POST', body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
  } catch (err) {
    throw new Error(`cannot reach the Vigil API at ${apiUrl} (${(err as Error).message}); set --api or VIGIL_API_URL.`);
  }
  const raw = await res.text();
  if (!res.ok) throw new Error(`${url.pathname}: HTTP ${res.status}: ${raw.slice(0, 300)}`);
  if (values.json) {
    io.stdout.write(`${JSON.stringify(JSON.parse(raw), null, 2)}\n`);
    return;
  }
  const a = JSON.parse(raw) as Answer;
  if (values.names) {
    if (a.shards) for (const s of a.shards) io.stdout.write(`# worker ${s.worker} (${fmtMs(s.totalDurationMs)})\n${s.tests.map((t) => `${t}\n`).join('')}`);
    else io.stdout.write(a.selected.map((t) => `${t}\n`).join(''));
    return;
  }
  const byName = new Map(a.ranked.map((r) => [r.name, r]));
  const table = (names: string[]) => renderTable(names.map((n) => byName.get(n) as unknown as Record<string, unknown>).filter(Boolean), [
    { key: 'rank', title: '#' },
    { key: 'name', title: 'TEST', width: 60 },
    { key: 'failureProbability', title: 'P(FAIL)', format: fmtNum },
    { key: 'expectedDurationMs', title: 'DURATION', format: fmtMs },
    { key: 'flaky', title: 'FLAKY', format: (v) => (v ? 'yes' : '') },
    { key: 'reason', title: 'WHY', width: 80 },
  ]);
  if (a.shards) {
    for (const s of a.shards) io.stdout.write(`worker ${s.worker}: ${s.tests.length} tests, ${fmtMs(s.totalDurationMs)}\n${table(s.tests)}\n`);
  } else io.stdout.write(table(a.selected));
  const summary = `${a.selected.length} of ${a.ranked.length} tests selected, ${fmtMs(a.selectedDurationMs)}, ` +
    `${a.expectedFailuresSelected.toFixed(2)} failures expected${a.deferred.length > 0 ? `; ${a.deferred.length} deferred` : ''}\n`;
  io.stdout.write(summary);
}

/** `vigil ci <command> ...`: dispatches to the CI subcommands. */
export async function ciMain(argv: string[], io: CiIo = defaultIo()): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'prioritise' || command === 'prioritize') return ciPrioritise(rest, io);
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    io.stdout.write(CI_HELP);
    return;
  }
  throw new Error(`vigil ci: unknown command ${JSON.stringify(command)}\n\n${CI_HELP}`);
}
