// The console's shell: sign-in, navigation, the time-range picker, hash routing (every view is a
// link: #/page/arg?range=1h&...), and live updates (each page reloads its data every few
// seconds; the view is redrawn only when the data changed and nobody is typing in it).
import './style.css';
import { AuthError, api, getToken, setToken } from './api.js';
import { h } from './dom.js';
import type { Page, Route } from './route.js';
import { RANGES, parseRoute, routeHref } from './route.js';
import { overviewPage } from './pages/overview.js';
import { deploymentPage } from './pages/deployment.js';
import { anomaliesPage } from './pages/anomalies.js';
import { alertsPage } from './pages/alerts.js';
import { templatesPage } from './pages/templates.js';
import { ciPage } from './pages/ci.js';

const PAGES: Record<string, Page> = {
  overview: overviewPage, deployment: deploymentPage, anomalies: anomaliesPage, alerts: alertsPage, templates: templatesPage, ci: ciPage,
};
const NAV: Array<[string, string]> = [['overview', 'Overview'], ['anomalies', 'Anomalies'], ['alerts', 'Alerts and incidents'], ['templates', 'Log templates'], ['ci', 'CI']];
const POLL_MS = 5000;

const app = document.getElementById('app') as HTMLElement;
let generation = 0;
let lastData = '';
let pollTimer: number | undefined;

function header(route: Route): HTMLElement {
  const select = h('select', { id: 'range', 'aria-label': 'Time range' },
    RANGES.map((r) => h('option', { value: r, selected: r === route.range }, `last ${r}`)));
  select.addEventListener('change', () => {
    location.hash = routeHref({ ...route, range: select.value });
  });
  const current = route.page === 'deployment' ? 'overview' : route.page;
  return h('header', { class: 'top' },
    h('a', { class: 'brand', href: routeHref({ page: 'overview', arg: '', range: route.range, params: {} }) }, 'Vigil'),
    h('nav', { 'aria-label': 'Pages' }, h('ul', {}, NAV.map(([p, label]) => h('li', {},
      h('a', { href: routeHref({ page: p, arg: '', range: route.range, params: {} }), 'aria-current': p === current ? 'page' : null }, label))))),
    h('div', { class: 'tools' },
      h('label', { for: 'range', class: 'sr-only' }, 'Time range'), select,
      h('span', { class: 'live', id: 'live', 'aria-live': 'polite' }, 'live'),
      h('button', { type: 'button', class: 'link-button', onclick: () => { setToken(''); showLogin(''); } }, 'Sign out')),
  );
}

function showLogin(message: string): void {
  generation++;
  window.clearTimeout(pollTimer);
  document.title = 'Sign in · Vigil Console';
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'login', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Vigil Console'),
    h('p', {}, 'Sign in with an API bearer token (one of api.auth.bearerTokens). It is kept in this tab only.'),
    h('label', { for: 'token' }, 'API token'), input,
    message ? h('p', { class: 'error', role: 'alert' }, message) : null,
    h('button', { type: 'submit' }, 'Sign in'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setToken(input.value.trim());
    void render();
  });
  app.replaceChildren(h('main', { id: 'main' }, form));
  input.focus();
}

async function render(fromPoll = false): Promise<void> {
  const gen = ++generation;
  window.clearTimeout(pollTimer);
  const route = parseRoute(location.hash);
  const page = PAGES[route.page] ?? overviewPage;
  let main = document.getElementById('main');
  if (!fromPoll || !main || !document.querySelector('header.top')) {
    main = h('main', { id: 'main', tabindex: '-1' }, h('p', { class: 'loading' }, 'Loading…'));
    app.replaceChildren(header(route), main);
    lastData = '';
  }
  try {
    const data = await page.load(route);
    if (gen !== generation) return;
    const text = JSON.stringify(data);
    const typing = main.contains(document.activeElement) && /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement?.tagName ?? '');
    if (text !== lastData && !(fromPoll && typing)) {
      lastData = text;
      const focusedId = document.activeElement?.id;
      const view = page.view(data, route, () => { lastData = ''; void render(true); });
      main.replaceChildren(view);
      document.title = `${page.title(data, route)} · Vigil Console`;
      if (focusedId) document.getElementById(focusedId)?.focus();
      main.setAttribute('data-loaded', String(Date.now()));
    }
    const live = document.getElementById('live');
    if (live) live.textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (err) {
    if (gen !== generation) return;
    if (err instanceof AuthError) return showLogin(getToken() ? 'That token was not accepted.' : '');
    main.replaceChildren(h('p', { class: 'error', role: 'alert' }, `Could not load: ${(err as Error).message}`));
  }
  pollTimer = window.setTimeout(() => {
    if (document.visibilityState === 'visible') void render(true);
    else pollTimer = window.setTimeout(() => void render(true), POLL_MS);
  }, POLL_MS);
}

window.addEventListener('hashchange', () => {
  void render().then(() => document.getElementById('main')?.focus({ preventScroll: true }));
});

// Sign-in first when the API wants a token and none is kept; then the page in the URL.
void (async () => {
  if (!getToken()) {
    try {
      await api('/v1/services?since=1m');
    } catch (err) {
      if (err instanceof AuthError) return showLogin('');
    }
  }
  await render();
})();
