// The demo shop's behaviour, as pure functions: which requests arrive, how long each hop takes,
// which fail, and what each service logs. No I/O, no clock, no Math.random(): time and a seeded
// RNG are parameters, so a run's traffic is reproducible from its seed.
//
// Three services: frontend → checkout → payments. Latencies are log-normal (the usual shape of
// service latency: a positive, right-skewed body), median and σ per operation and version.
// Cost: O(1) per request; memory: none per request beyond the returned object.

import { seededUniform } from '@vigil/stats';

/** Uniform [0, 1) from a 32-bit state (Mulberry32 of @vigil/stats). */
export type Rng = () => number;

export function seededRng(seed: number): Rng {
  return seededUniform(seed);
}

/** Standard normal draw (Box–Muller). */
export function normal(r: Rng): number {
  const u = Math.max(r(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

/** Log-normal with the given median and shape σ (p99 = median · e^(2.326σ)). */
function logNormal(r: Rng, medianMs: number, sigma: number): number {
  return medianMs * Math.exp(sigma * normal(r));
}

/** Poisson draw (Knuth's method, @vigil/stats; fine for the small means of one tick). */
export { poisson } from '@vigil/stats';

export interface TrafficShape {
  /** Mean checkouts (= payments requests) per second over a cycle. */
  checkoutsPerS: number;
  /** Mean browse requests (GET /, GET /product/{id}) per second over a cycle. */
  browsePerS: number;
  /** Relative amplitude of the daily cycle (0.3: ±30 %). */
  amplitude: number;
  /** One "day", compressed. */
  cycleMs: number;
}

/**
 * ~150 spans/s at the peak: a checkout is 5 spans (frontend SERVER + CLIENT, checkout SERVER +
 * CLIENT, payments SERVER), a browse request 1. Payments gets 18 req/s on average: enough for
 * the verifier's 200 baseline requests per operation within seconds, and a modest load on a
 * shared machine.
 */
export const DEFAULT_SHAPE: TrafficShape = { checkoutsPerS: 18, browsePerS: 22, amplitude: 0.3, cycleMs: 120_000 };

/** Daily cycle: 1 + A·sin(2π t / cycle), t since the start of the demo. */
export function cycleFactor(shape: TrafficShape, sinceStartMs: number): number {
  return 1 + shape.amplitude * Math.sin((2 * Math.PI * sinceStartMs) / shape.cycleMs);
}

/** Behaviour of one operation of one version. */
export interface OpBehaviour {
  medianMs: number;
  sigma: number;
  /** Share of requests that fail by themselves (not counting failed downstream calls). */
  errorRatio: number;
}

/** payments `POST /charge` per version. v2 is the bad deploy. */
export interface PaymentsBehaviour extends OpBehaviour {
  /** Share of requests declined by the card issuer: HTTP 402, a client error, not a failure. */
  declineRatio: number;
  /** Share of requests that hit the provider timeout (504), with the timeout range in ms. */
  timeoutRatio: number;
  timeoutMs: [number, number];
}

// v1: median 40 ms, σ 0.35 → p95 ≈ 71 ms, p99 ≈ 90 ms; 0.5 % acquirer errors (502), 2 % declines
// (402: a client error, which OTel semantic conventions do not count as a server span failure).
// v2: a slower payment provider client (median +30 %, wider tail) and 4.5 % provider timeouts
// (504) at 250–310 ms, on top of the 0.5 % acquirer errors: 5 % errors. The timeouts hold the
// top ~5 % of the distribution, so v2's p99 sits among them: ≈ 300 ms, about 3× v1's p99.
export const PAYMENTS: Record<'v1' | 'v2', PaymentsBehaviour> = {
  v1: { medianMs: 40, sigma: 0.35, errorRatio: 0.005, declineRatio: 0.02, timeoutRatio: 0, timeoutMs: [0, 0] },
  v2: { medianMs: 52, sigma: 0.45, errorRatio: 0.005, declineRatio: 0.02, timeoutRatio: 0.045, timeoutMs: [250, 310] },
};

/** frontend and checkout: v1 and v1.1 behave the same (the clean deploys). */
const FRONTEND_OPS: Record<string, OpBehaviour> = {
  'GET /': { medianMs: 12, sigma: 0.3, errorRatio: 0.001 },
  'GET /product/{id}': { medianMs: 18, sigma: 0.35, errorRatio: 0.001 },
  /** Frontend's own time around the checkout call. */
  'POST /checkout': { medianMs: 6, sigma: 0.3, errorRatio: 0.001 },
};
/** checkout's own time around the payments call (inventory, pricing). */
const CHECKOUT_OWN: OpBehaviour = { medianMs: 9, sigma: 0.3, errorRatio: 0.001 };
/** One network hop (client span minus server span, each way). */
const HOP_MS = 0.6;

export type LogSeverity = 'INFO' | 'WARN' | 'ERROR';
export interface LogLine {
  atMs: number;
  severity: LogSeverity;
  body: string;
  attributes?: Record<string, string | number>;
}

/** One span to emit, with times relative to the request's arrival. */
export interface SpanPlan {
  service: 'frontend' | 'checkout' | 'payments';
  name: string;
  kind: 'server' | 'client';
  /** Index of the parent in the plan, -1 for the root. */
  parent: number;
  startMs: number;
  endMs: number;
  status: number;
  attributes: Record<string, string | number>;
}

export interface RequestPlan {
  route: 'GET /' | 'GET /product/{id}' | 'POST /checkout';
  spans: SpanPlan[];
  logs: Array<LogLine & { service: SpanPlan['service'] }>;
  /** Total duration of the root span. */
  durationMs: number;
}

const id = (r: Rng, prefix: string, digits: number) => `${prefix}${Math.floor(r() * 10 ** digits).toString().padStart(digits, '0')}`;

/** A browse request: one frontend SERVER span, a log line for 1 in 5. */
export function planBrowse(r: Rng): RequestPlan {
  const route = r() < 0.4 ? 'GET /' : 'GET /product/{id}';
  const b = FRONTEND_OPS[route];
  const d = logNormal(r, b.medianMs, b.sigma);
  const failed = r() < b.errorRatio;
  const product = id(r, '', 4);
  const path = route === 'GET /' ? '/' : `/product/${product}`;
  const logs: RequestPlan['logs'] = [];
  if (failed) logs.push({ service: 'frontend', atMs: d, severity: 'ERROR', body: `render failed for ${path}: template cache miss storm` });
  else if (route !== 'GET /' && r() < 0.02) logs.push({ service: 'frontend', atMs: d, severity: 'WARN', body: `slow recommendation lookup for product ${product} took ${Math.round(d)} ms` });
  else if (r() < 0.2) logs.push({ service: 'frontend', atMs: d, severity: 'INFO', body: `served ${path} in ${Math.round(d)} ms` });
  return {
    route,
    durationMs: d,
    spans: [{ service: 'frontend', name: route, kind: 'server', parent: -1, startMs: 0, endMs: d, status: failed ? 500 : 200, attributes: { 'http.request.method': 'GET', 'http.route': route, 'url.path': path } }],
    logs,
  };
}

/**
 * A checkout: frontend SERVER → frontend CLIENT → checkout SERVER → checkout CLIENT → payments
 * SERVER. A failed payment fails the checkout (502) and the page (502).
 */
export function planCheckout(r: Rng, payments: PaymentsBehaviour): RequestPlan {
  const order = id(r, 'ord-', 6);
  const fe = FRONTEND_OPS['POST /checkout'];
  const feOwn = logNormal(r, fe.medianMs, fe.sigma);
  const coOwn = logNormal(r, CHECKOUT_OWN.medianMs, CHECKOUT_OWN.sigma);
  // payments
  const u = r();
  const timedOut = u < payments.timeoutRatio;
  const failed = !timedOut && u < payments.timeoutRatio + payments.errorRatio;
  const declined = !timedOut && !failed && u < payments.timeoutRatio + payments.errorRatio + payments.declineRatio;
  const pay = timedOut ? payments.timeoutMs[0] + r() * (payments.timeoutMs[1] - payments.timeoutMs[0]) : logNormal(r, payments.medianMs, payments.sigma);
  const payStatus = timedOut ? 504 : failed ? 502 : declined ? 402 : 200;
  const checkoutOwnFail = payStatus === 200 && r() < CHECKOUT_OWN.errorRatio;
  // A payment server error fails the checkout (502); a decline is passed through (402).
  const coStatus = payStatus >= 500 ? 502 : payStatus === 402 ? 402 : checkoutOwnFail ? 500 : 200;
  const feOwnFail = coStatus === 200 && r() < fe.errorRatio;
  const feStatus = coStatus >= 500 ? 502 : coStatus === 402 ? 402 : feOwnFail ? 500 : 200;
  // Times: frontend spends 60 % of its own time before the call, checkout 70 %.
  const feCallStart = feOwn * 0.6;
  const coStart = feCallStart + HOP_MS;
  const coCallStart = coStart + coOwn * 0.7;
  const payStart = coCallStart + HOP_MS;
  const payEnd = payStart + pay;
  const coCallEnd = payEnd + HOP_MS;
  const coEnd = coCallEnd + coOwn * 0.3;
  const feCallEnd = coEnd + HOP_MS;
  const feEnd = feCallEnd + feOwn * 0.4;
  const amount = (5 + r() * 195).toFixed(2);
  const items = 1 + Math.floor(r() * 5);
  const logs: RequestPlan['logs'] = [];
  if (timedOut) logs.push({ service: 'payments', atMs: payEnd, severity: 'ERROR', body: `payment provider timeout after ${Math.round(pay)} ms, order ${order}` });
  else if (failed) logs.push({ service: 'payments', atMs: payEnd, severity: 'ERROR', body: `acquirer connection reset while charging order ${order}` });
  else if (declined) logs.push({ service: 'payments', atMs: payEnd, severity: 'WARN', body: `card declined for order ${order}: insufficient funds` });
  else logs.push({ service: 'payments', atMs: payEnd, severity: 'INFO', body: `charge authorized for order ${order} amount ${amount} EUR in ${Math.round(pay)} ms` });
  if (coStatus === 200) logs.push({ service: 'checkout', atMs: coEnd, severity: 'INFO', body: `order ${order} placed with ${items} items, total ${amount} EUR` });
  else if (checkoutOwnFail) logs.push({ service: 'checkout', atMs: coEnd, severity: 'ERROR', body: `inventory reservation failed for order ${order}` });
  else logs.push({ service: 'checkout', atMs: coEnd, severity: payStatus === 402 ? 'INFO' : 'WARN', body: `payment failed for order ${order} with status ${payStatus}` });
  if (r() < 0.03) logs.push({ service: 'checkout', atMs: coStart + 1, severity: 'WARN', body: `retrying inventory lookup for sku-${id(r, '', 5)} (attempt 2)` });
  const http = (method: string, route: string) => ({ 'http.request.method': method, 'http.route': route });
  return {
    route: 'POST /checkout',
    durationMs: feEnd,
    spans: [
      { service: 'frontend', name: 'POST /checkout', kind: 'server', parent: -1, startMs: 0, endMs: feEnd, status: feStatus, attributes: { ...http('POST', '/checkout'), 'url.path': '/checkout' } },
      { service: 'frontend', name: 'POST', kind: 'client', parent: 0, startMs: feCallStart, endMs: feCallEnd, status: coStatus, attributes: { 'http.request.method': 'POST', 'server.address': 'checkout', 'url.full': 'http://checkout/checkout' } },
      { service: 'checkout', name: 'POST /checkout', kind: 'server', parent: 1, startMs: coStart, endMs: coEnd, status: coStatus, attributes: { ...http('POST', '/checkout'), 'app.order.items': items } },
      { service: 'checkout', name: 'POST', kind: 'client', parent: 2, startMs: coCallStart, endMs: coCallEnd, status: payStatus, attributes: { 'http.request.method': 'POST', 'server.address': 'payments', 'url.full': 'http://payments/charge' } },
      { service: 'payments', name: 'POST /charge', kind: 'server', parent: 3, startMs: payStart, endMs: payEnd, status: payStatus, attributes: http('POST', '/charge') },
    ],
    logs,
  };
}
