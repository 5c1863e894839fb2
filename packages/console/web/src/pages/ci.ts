// CI: flaky tests, slowest tests, failure risk per pipeline, and a prioritisation try-out.
import { api } from '../api.js';
import { badge, fmtDuration, fmtPct, fmtTime, h, section, table } from '../dom.js';
import type { Page } from '../route.js';

interface TestRow { suite: string; testName: string; runs: number; failures: number; failureRate: number; flaky: boolean; durationMeanMs: number; durationP95Ms: number; lastSeen?: string }
interface Pipeline { pipeline: string; runs: number; failed: number; failureRate: number | null; lastRunMs: number | null; lastStatus: string | null; lastPredictedFailureProbability: number | null; lastReason: string | null }
interface Data { flaky: TestRow[]; slow: TestRow[]; pipelines: Pipeline[] }
interface Ranked { ranked: Array<{ rank: number; name: string; failureProbability: number; expectedDurationMs: number; flaky: boolean; reason: string }>; selected: string[]; deferred: string[] }

const tryOut = { suite: '', tests: '', budget: '', result: null as Ranked | null, error: '' };

export const ciPage: Page<Data> = {
  title: () => 'CI',
  async load() {
    const [flaky, slow, pipelines] = await Promise.all([
      api<Array<Record<string, unknown>>>('/v1/ci/tests?flaky=true&sort=flaky&limit=20'),
      api<Array<Record<string, unknown>>>('/v1/ci/tests?sort=duration&limit=20'),
      api<Pipeline[]>('/v1/ci/pipelines?since=30d'),
    ]);
    return { flaky: flaky.map(testRow), slow: slow.map(testRow), pipelines };
  },
  view(data, _route, refresh) {
    return h('div', {},
      h('h1', {}, 'CI'),
      section('Failure risk per pipeline', table(['pipeline', 'runs (30 d)', 'failed', 'failure rate', 'last run', 'predicted failure of the next run', 'why'],
        data.pipelines.map((p) => [p.pipeline, String(p.runs), String(p.failed), fmtPct(p.failureRate), p.lastRunMs ? `${fmtTime(p.lastRunMs)} ${p.lastStatus ?? ''}` : '—', fmtPct(p.lastPredictedFailureProbability), p.lastReason ?? '']), 'Pipelines')),
      h('div', { class: 'two-col' },
        section('Flaky tests', table(['suite', 'test', 'runs', 'failure rate'], data.flaky.map((t) => [t.suite, t.testName, String(t.runs), fmtPct(t.failureRate)]), 'Flaky tests')),
        section('Slowest tests', table(['suite', 'test', 'mean', 'p95'], data.slow.map((t) => [t.suite, t.testName, fmtDuration(t.durationMeanMs), fmtDuration(t.durationP95Ms)]), 'Slowest tests'))),
      prioritiseView(refresh));
  },
};

/** A cell of the read API as text: names are strings; numbers printed; absent is empty. */
const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

function testRow(r: Record<string, unknown>): TestRow {
  const pick = (...keys: string[]) => keys.map((k) => r[k]).find((v) => v !== undefined);
  return {
    suite: text(pick('suite')), testName: text(pick('testName', 'test_name', 'name')), runs: Number(pick('runs') ?? 0), failures: Number(pick('failures') ?? 0),
    failureRate: Number(pick('failureRate', 'failure_rate') ?? 0), flaky: Boolean(pick('flaky')), durationMeanMs: Number(pick('durationMeanMs', 'duration_mean_ms') ?? NaN),
    durationP95Ms: Number(pick('durationP95Ms', 'duration_p95_ms') ?? NaN),
  };
}

function prioritiseView(refresh: () => void): HTMLElement {
  const suite = h('input', { id: 'p-suite', name: 'suite', value: tryOut.suite, required: true });
  const tests = h('textarea', { id: 'p-tests', name: 'tests', rows: 5, required: true, placeholder: 'one test name per line' });
  tests.value = tryOut.tests;
  const budget = h('input', { id: 'p-budget', name: 'budgetMs', type: 'number', min: '0', value: tryOut.budget, placeholder: 'none' });
  const form = h('form', { class: 'stack', 'aria-label': 'Prioritise a test suite' },
    h('label', { for: 'p-suite' }, 'suite'), suite,
    h('label', { for: 'p-tests' }, 'tests (one per line)'), tests,
    h('label', { for: 'p-budget' }, 'time budget (ms, optional)'), budget,
    h('button', { type: 'submit' }, 'Prioritise'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    Object.assign(tryOut, { suite: suite.value.trim(), tests: tests.value, budget: budget.value });
    const names = tests.value.split('\n').map((x) => x.trim()).filter(Boolean);
    api<Ranked>('/v1/ci/prioritise', { method: 'POST', body: { suite: tryOut.suite, tests: names, ...(budget.value ? { budgetMs: Number(budget.value) } : {}) } })
      .then((r) => Object.assign(tryOut, { result: r, error: '' }))
      .catch((err: Error) => Object.assign(tryOut, { result: null, error: err.message }))
      .finally(refresh);
  });
  const r = tryOut.result;
  return section('Prioritisation try-out', form,
    tryOut.error ? h('p', { class: 'error', role: 'alert' }, tryOut.error) : null,
    r ? table(['rank', 'test', 'failure probability', 'expected duration', 'selected', 'why'], r.ranked.map((x) => [
      String(x.rank), x.name, fmtPct(x.failureProbability), fmtDuration(x.expectedDurationMs), r.selected.includes(x.name) ? 'yes' : badge('deferred'), x.reason,
    ]), 'Ranked tests') : null);
}
