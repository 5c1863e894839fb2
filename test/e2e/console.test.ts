// The console in a real headless Chromium (Debian's chromium through playwright-core) against the
// embedded pipeline fed by the OpenTelemetry JS SDK (the demo's shop: OTLP/HTTP protobuf): a clean
// deploy and a bad one that is failed and rolled back through a webhook hook. The browser signs
// in, finds the failed deployment on the overview timeline, opens its evidence (charts, the
// decision point, the new log template, the rollback), marks an anomaly "not an anomaly",
// creates and expires a silence, and a wrong token gets no data. Every page is checked with
// axe-core (no serious or critical violations) and screenshotted; the folder is printed.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Shop, startEmbedded, startHooksServer } from '@vigil/cli';
import type { Embedded, HooksServer, ShopService } from '@vigil/cli';
import { parseConfig } from '@vigil/config';
import { axeViolations, launchChromium } from '@vigil/console';

/** The browser's globals the page functions read (this Node program has no DOM lib). */
interface BrowserGlobals { document: { activeElement: { textContent: string | null } | null } }

const TOKEN = 'console-e2e-token-0123456789';
const shots = join(tmpdir(), 'vigil-console-screenshots');
let dir = '';
let vigil: Embedded | null = null;
let shop: Shop | null = null;
let hooks: HooksServer | null = null;
let browser: Browser | null = null;
let base = '';
let log = '';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const get = async <T>(path: string): Promise<T> => {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
};
async function waitFor<T>(what: string, f: () => Promise<T | null | undefined | false>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

interface Dep { id: string; service: string; version: string; status: string }

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-console-e2e-'));
  mkdirSync(shots, { recursive: true });
  hooks = await startHooksServer({
    onNotification: () => undefined,
    // The "deploy tool" takes 20 s to roll back (as a rollout does): the bad version's windows show on the charts.
    onRollback: (body) => {
      setTimeout(() => shop?.route(body.service as ShopService, body.previousVersion ?? 'v1'), 20_000);
    },
  });
  const config = parseConfig({
    store: { chdb: { path: join(dir, 'chdb') } },
    api: { port: 0, auth: { bearerTokens: [TOKEN] } },
    collector: { http: { port: 0 }, grpc: { port: 0 } },
    // A verification window that fits the test (the default is 15 minutes): at the shop's traffic
    // with a minute of baseline, the clean deploy passes when its window ends (as in `vigil demo`).
    detector: { commitIntervalMs: 200, allowedLatenessMs: 5_000, verification: { maxDurationMs: 60_000 } },
    writer: { flushIntervalMs: 250 },
    alerter: {
      api: { port: 0, auth: { bearerTokens: [TOKEN] } },
      tickIntervalMs: 250,
      receivers: [{ name: 'team-webhook', type: 'webhook', url: hooks.notifyUrl, delivery: { initialBackoffMs: 200, maxBackoffMs: 2_000, timeoutMs: 5_000 } }],
      rules: [{ name: 'symptoms', match: { severity: 'critical' }, receivers: ['team-webhook'] }],
      deployments: { receivers: ['team-webhook'] },
      rollback: { enabled: true, onFailedVerdict: true, dryRun: false, hooks: [{ type: 'webhook', service: '*', url: hooks.rollbackUrl, timeoutMs: 10_000 }] },
    },
  }, 'console e2e');
  const sink = new Writable({ write: (c, _e, cb) => { log = (log + String(c)).slice(-200_000); cb(); } });
  vigil = await startEmbedded({ config, destination: sink });
  base = `http://127.0.0.1:${vigil.ports.api}`;
  shop = new Shop({ otlpUrl: `http://127.0.0.1:${vigil.ports.otlpHttp}`, seed: 20261204 });
  shop.start({ frontend: 'v1', checkout: 'v1', payments: 'v1' });
  // Baseline traffic for longer than the detector's first-contact grace (FIRST_CONTACT_GRACE_MS,
  // 60 s): a version met sooner after Vigil first met its service is learned as "first seen"
  // (a rollout already under way), not judged as a deployment.
  await sleep(65_000);
  shop.route('checkout', 'v1.1'); // clean
  await waitFor('the clean checkout v1.1 verdict', async () => (await get<Dep[]>('/v1/deployments?since=1h')).find((d) => d.version === 'v1.1' && d.status !== 'running' && d.status !== 'deployed'), 120_000);
  shop.route('payments', 'v2'); // bad: errors 0.5 % → 5 %, p99 ×3, a new error log line
  await waitFor('the rollback of payments v2', async () => (await get<Array<{ version: string }>>('/v1/rollbacks?since=1h')).find((r) => r.version === 'v2'), 120_000);
  await waitFor('an anomaly of payments', async () => (await get<unknown[]>('/v1/anomalies?since=1h&service=payments')).length > 0, 60_000);
  // The bad version's own windows are scored (it serves 20 s before the rollback lands).
  const bad = (await get<Dep[]>('/v1/deployments?since=1h')).find((d) => d.service === 'payments' && d.version === 'v2') as Dep;
  await waitFor('scored windows of payments v2', async () => {
    const ev = await get<{ deployment: { deployedAtMs: number }; series: Array<{ metric: string; points: Array<{ t: number }> }> }>(`/v1/deployments/${bad.id}/evidence`);
    const err = ev.series.find((x) => x.metric === 'error_ratio');
    return (err?.points.filter((p) => p.t >= ev.deployment.deployedAtMs).length ?? 0) >= 2;
  }, 90_000);
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await shop?.shutdown().catch(() => undefined);
  await vigil?.shutdown().catch(() => undefined);
  await hooks?.close().catch(() => undefined);
  if (dir) rmSync(dir, { recursive: true, force: true });
  console.log(`[console e2e] screenshots in ${shots}`);
});

async function checked(page: Page, name: string): Promise<void> {
  await page.waitForSelector('main[data-loaded]');
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  const violations = await axeViolations(page);
  expect(violations, `${name}: axe-core serious/critical violations`).toEqual([]);
}

async function signedIn(): Promise<Page> {
  const page = await (browser as Browser).newPage({ viewport: { width: 1366, height: 860 } });
  await page.goto(`${base}/`);
  await page.getByLabel('API token').fill(TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForSelector('main[data-loaded]');
  return page;
}

test('a wrong token gets the sign-in prompt and no data', async () => {
  const page = await (browser as Browser).newPage();
  await page.goto(`${base}/`);
  await expect(page.getByLabel('API token').isVisible()).resolves.toBe(true);
  await checked2(page, 'login');
  await page.getByLabel('API token').fill('wrong-token-0123456789abcdef');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('That token was not accepted.').waitFor();
  const text = await page.locator('body').innerText();
  expect(text).not.toContain('payments');
  // The same calls the page makes, from the page's origin: 401 with the wrong token and with none.
  const statuses = await page.evaluate(async () => Promise.all(['/v1/services', '/v1/deployments', '/alerter/v1/alerts'].map(async (p) => [
    (await fetch(p, { headers: { authorization: 'Bearer wrong-token-0123456789abcdef' } })).status, (await fetch(p)).status,
  ])));
  expect(statuses.flat()).toEqual([401, 401, 401, 401, 401, 401]);
  await page.close();
});

async function checked2(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  expect(await axeViolations(page), `${name}: axe-core serious/critical violations`).toEqual([]);
}

test('overview → failed deployment on the timeline → its evidence', async () => {
  const page = await signedIn();
  const failed = page.locator('svg.timeline a.dep-fail', { has: page.locator('title', { hasText: 'payments v2: fail' }) });
  await failed.first().waitFor();
  await expect(page.locator('svg.timeline a.dep-pass').count()).resolves.toBeGreaterThan(0); // few deployments: every mark is a link
  await expect(page.locator('svg.timeline g.rollback').count()).resolves.toBeGreaterThan(0);
  // The rollback's word never covers a deployment mark (it used to sit on the first-seen v1 beside it).
  type Box = { x: number; y: number; width: number; height: number };
  const boxes = async (sel: string): Promise<Box[]> => (await Promise.all((await page.locator(sel).all()).map((l) => l.boundingBox()))).filter((b): b is Box => b !== null);
  const marks = await boxes('svg.timeline a.dep');
  const covered = (await boxes('svg.timeline g.rollback text')).flatMap((t) =>
    marks.filter((m) => m.x < t.x + t.width && t.x < m.x + m.width && m.y < t.y + t.height && t.y < m.y + m.height).map((m) => `text at ${t.x.toFixed(0)}–${(t.x + t.width).toFixed(0)} covers a mark at ${m.x.toFixed(0)}`));
  expect(covered).toEqual([]);
  // The versions running when Vigil first met the services are "first seen", not deployments.
  await expect(page.locator('table:has(caption:text("Latest deployments")) .b-firstseen').count()).resolves.toBeGreaterThan(0);
  // …in the services table too: frontend's last deployment is the version Vigil met first.
  await expect(page.locator('table:has(caption:text("Services")) tr:has-text("frontend") .b-firstseen').count()).resolves.toBe(1);
  await checked(page, 'overview');

  await failed.first().click();
  await page.waitForSelector('h1:has-text("payments v2")');
  await page.waitForSelector('main[data-loaded]');
  expect(await page.locator('h1').innerText()).toContain('fail');
  // Charts drawn: baseline and candidate lines per operation, the test statistic with its boundary and the crossing.
  await expect(page.locator('[data-testid=series] svg path.line').count()).resolves.toBeGreaterThan(2);
  await expect(page.locator('[data-testid=sprt] svg line.hline').count()).resolves.toBeGreaterThan(0);
  await expect(page.locator('[data-testid=sprt] svg circle.dot').count()).resolves.toBeGreaterThan(0);
  await expect(page.locator('[data-testid=sprt]').innerText()).resolves.toMatch(/crossed \d\d:\d\d:\d\d/);
  // Every time tick of every chart names a distinct instant with its hour (a check decided within
  // a second used to label its axis 00.3, 00.3, 00.4, …).
  for (const chart of await page.locator('figure.chart-fig').all()) {
    const times = (await chart.locator('text.tick').allTextContents()).filter((t) => t.includes(':'));
    for (const t of times) expect(t).toMatch(/^\d\d:\d\d(:\d\d(\.\d+)?)?$|^\d\d-\d\d$/);
    expect(new Set(times).size).toBe(times.length);
  }
  // The new log template of v2 and the rollback audit.
  await expect(page.locator('#s-new-log-templates-since-the-deploy ~ table, section[aria-labelledby=s-new-log-templates-since-the-deploy] table').innerText()).resolves.toMatch(/timeout/i);
  await expect(page.locator('[data-testid=rollbacks]').innerText()).resolves.toMatch(/succeeded/);
  await expect(page.locator('section[aria-labelledby=s-gate-answer]').innerText()).resolves.toMatch(/fail/);
  await checked(page, 'deployment');

  // The link an on-call engineer follows from a page: a fresh tab asks for the token, then shows that view.
  const link = page.url();
  expect(link).toMatch(/#\/deployment\/[^?]+\?range=1h$/);
  const tab = await (browser as Browser).newPage();
  await tab.goto(link);
  await tab.getByLabel('API token').fill(TOKEN);
  await tab.getByRole('button', { name: 'Sign in' }).click();
  await tab.waitForSelector('main[data-loaded] h1:has-text("payments v2")');
  // The time-range picker is part of the URL.
  await tab.selectOption('#range', '15m');
  await tab.waitForURL(/range=15m$/);
  await tab.close();
  await page.close();
});

test('an anomaly marked "not an anomaly": the feedback is recorded and shown', async () => {
  const page = await signedIn();
  await page.getByRole('link', { name: 'Anomalies' }).click();
  await page.waitForSelector('a.anomaly-link');
  // The filters: one service and one signal (traces when the scorers flagged a RED series, else
  // the logs signal of the new error template), and only those are listed.
  const anomalies = await get<Array<{ signal: string }>>('/v1/anomalies?since=1h&service=payments');
  const signal = anomalies.some((a) => a.signal === 'traces') ? 'traces' : anomalies[0].signal;
  await page.getByLabel('service').fill('payments');
  await page.getByLabel('signal').selectOption(signal);
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(new RegExp(`service=payments&signal=${signal}`));
  // The filtered list replaces the unfiltered one once its data arrives.
  const listed = async () => new Set((await page.locator('main[data-loaded] table:has(caption:text("Anomalies")) tbody tr')
    // The callback runs in the browser; typed by the DOM fields it reads (no DOM lib in the Node program).
    .evaluateAll((trs: Array<{ children: ArrayLike<{ textContent: string | null }> }>) => trs.map((tr) => `${tr.children[1].textContent} ${tr.children[2].textContent}`))));
  await expect.poll(listed, { timeout: 15_000 }).toEqual(new Set([`payments ${signal}`]));
  await page.locator('a.anomaly-link').first().click();
  await page.waitForSelector('#fb-not');
  // 'attached', not 'visible': a constant series (a count that did not move) is drawn as a flat
  // line, whose bounding box has no height, and Playwright calls a zero-size element invisible.
  await page.waitForSelector('main[data-loaded] figure.chart-fig svg path.line', { state: 'attached' });
  const drawn = await page.locator('figure.chart-fig svg path.line').first().getAttribute('d');
  expect(drawn ?? '').toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)+$/);
  if (signal === 'logs') {
    // A new template's anomaly is its first line: the chart is the template's lines per window, and
    // its mark sits on the window holding that line (not at the anomaly's value 1 beside it).
    await expect(page.locator('figure.chart-fig').first().innerText()).resolves.toMatch(/lines per window[\s\S]*first line/);
    await expect(page.locator('figure.chart-fig svg text', { hasText: / lines$/ }).count()).resolves.toBe(1);
  }
  await page.screenshot({ path: join(shots, 'anomaly-before-feedback.png'), fullPage: true });
  await expect(page.locator('figure.chart-fig svg path.band').count()).resolves.toBeGreaterThan(0);
  await page.locator('#fb-not').click();
  await page.getByText(/Feedback recorded/).waitFor();
  await page.locator('table:has(caption:text("Feedback on this series")) td:text("not_anomaly")').first().waitFor();
  const feedback = await get<Array<{ verdict: string; status: string }>>('/alerter/v1/feedback');
  expect(feedback.some((f) => f.verdict === 'not_anomaly' && f.status === 'active')).toBe(true);
  await checked(page, 'anomaly');
  await page.close();
});

test('alerts: deliveries per receiver; a silence created and expired', async () => {
  const page = await signedIn();
  await page.getByRole('link', { name: 'Alerts and incidents' }).click();
  await page.waitForSelector('main[data-loaded]');
  await page.getByLabel('equals').fill('checkout');
  await page.getByLabel('comment').fill('console e2e');
  await page.getByRole('button', { name: 'Create silence' }).click();
  await page.getByText(/Silence [0-9a-f]{8} created/).waitFor();
  const row = page.locator('[data-testid=silences] tr', { hasText: 'service=checkout' });
  await row.locator('.b-active').waitFor();
  let silences = await get<Array<{ comment?: string; endsAt: string }>>('/alerter/v1/silences');
  expect(silences.filter((s) => s.comment === 'console e2e' && Date.parse(s.endsAt) > Date.now())).toHaveLength(1);
  await checked(page, 'alerts');
  await row.getByRole('button', { name: /Expire silence/ }).click();
  await row.locator('.b-expired').waitFor();
  silences = await get<Array<{ comment?: string; endsAt: string }>>('/alerter/v1/silences');
  expect(silences.filter((s) => s.comment === 'console e2e' && Date.parse(s.endsAt) > Date.now())).toHaveLength(0);

  // Live updates: a silence made elsewhere (the API) shows up without a reload.
  const made = await fetch(`${base}/alerter/v1/silences`, {
    method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ matchers: [{ name: 'service', value: 'frontend' }], durationMs: 600_000, comment: 'made by the API', createdBy: 'e2e' }),
  });
  expect(made.status).toBe(201);
  await page.locator('[data-testid=silences] tr', { hasText: 'made by the API' }).waitFor({ timeout: 20_000 });

  // One alert's lifecycle: deliveries to the webhook receiver.
  await page.locator('main table a').first().click();
  await page.waitForSelector('h3:text("Deliveries per receiver")');
  await expect(page.locator('table:has(caption:text("Deliveries"))').innerText()).resolves.toMatch(/team-webhook/);
  await page.getByLabel('Fixed by (what resolved it)').fill('rolled back to v1');
  await page.getByLabel('the rollback helped').check();
  await page.getByRole('button', { name: 'Record resolution' }).click();
  await page.getByText('Resolution recorded.').waitFor();
  await checked(page, 'alert');
  await page.close();
});

test('log templates and CI pages render, keyboard reachable', async () => {
  const page = await signedIn();
  // Keyboard: on a fresh load (the token stays in the tab), the skip link first, then the navigation.
  await page.reload();
  await page.waitForSelector('main[data-loaded]');
  await page.keyboard.press('Tab');
  // Runs in the browser (serialized, so no closure): its document, typed by the one field read.
  await expect(page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.activeElement?.textContent)).resolves.toBe('Skip to content');
  await page.getByRole('link', { name: 'Log templates' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('h1:text("Log templates")');
  await page.selectOption('#t-service', 'payments');
  await page.waitForSelector('main[data-loaded] svg.spark');
  await expect(page.locator('main table').innerText()).resolves.toMatch(/timeout/i);
  await checked(page, 'templates');
  // A pipeline run announced to the CI API (its failure risk is predicted and stored).
  const announced = await fetch(`${base}/v1/ci/pipelines/build/runs`, {
    method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ runId: 'run-1', revision: 'c0ffee', suite: 'unit', tests: ['test_a', 'test_b'] }),
  });
  expect(announced.status).toBe(200);
  await page.getByRole('link', { name: 'CI', exact: true }).click();
  await page.waitForSelector('h1:text("CI")');
  await expect(page.locator('table:has(caption:text("Pipelines"))').innerText()).resolves.toMatch(/build/);
  await page.getByLabel('suite', { exact: true }).fill('unit');
  await page.getByLabel('tests (one per line)').fill('test_a\ntest_b\ntest_c');
  await page.getByRole('button', { name: 'Prioritise' }).click();
  await page.waitForSelector('table:has(caption:text("Ranked tests"))');
  await expect(page.locator('table:has(caption:text("Ranked tests")) tbody tr').count()).resolves.toBe(3);
  await checked(page, 'ci');
  // Shareable link: the same URL in a fresh tab (same session) opens the same view.
  const url = page.url();
  expect(url).toMatch(/#\/ci\?range=1h/);
  await page.close();
});
