// Synthetic incident histories for the incident-memory evaluation.
//
// Written from how these failures look in practice (post-mortems, runbooks), not from the
// scorer: each recurring failure kind has a home service and operation, a primary symptom, some
// likely secondary symptoms and a few characteristic log statements, each present only with some
// probability, and log statements come with their variables filled in (the fingerprint has to
// normalise them). Noise (level ν in [0, 1]) then damages every incident independently:
//   - characteristic templates dropped (each with probability ν/2)
//   - unrelated templates added from a shared pool of 150 (mean 2ν of them; a shared pool makes
//     accidental overlaps between unrelated incidents happen)
//   - the operation replaced by a random one (probability ν/2), the service too (ν/5)
//   - unrelated deviating metrics added (mean 1.5ν), the primary metric swapped for a related one (ν/4)
//   - a deployment in effect that has nothing to do with it (probability 0.3ν, any change kind)
// One-off distractor incidents (random service, operation, metric, templates) never recur.
import { pick } from '../rng.js';
import type { Rng } from '../rng.js';
import type { AnomalyLike, FingerprintInput, VerdictKind } from '../fingerprint.js';
import { poisson } from '@vigil/stats';

export interface Scenario {
  kind: string;
  recurring: boolean;
  input: FingerprintInput;
}

const SERVICES = ['checkout', 'payments', 'cart', 'search', 'catalog', 'recommendations', 'auth', 'shipping', 'inventory', 'frontend'];
const OPERATIONS = ['GET /', 'POST /checkout', 'GET /cart', 'POST /cart/items', 'POST /charge', 'GET /product', 'GET /search', 'POST /login', 'GET /recommendations', 'POST /ship', 'GET /inventory', 'GET /health'];
const METRICS = ['rate', 'error_ratio', 'latency_p50', 'latency_p95', 'latency_p99'];
const CHANGES: Array<[string, string]> = [['1.4.3', '1.4.2'], ['1.5.0', '1.4.9'], ['2.0.0', '1.9.3'], ['1.4.2', '1.4.3'], ['1.4.2', '1.4.2']];
const WORDS = ['order', 'user', 'session', 'token', 'payment', 'item', 'queue', 'shard', 'worker', 'lease', 'batch', 'span', 'metric', 'index', 'bucket'];
const VERBS = ['failed', 'retrying', 'skipped', 'slow', 'rejected', 'expired', 'recovered', 'degraded', 'missing', 'throttled'];

const n = (rng: Rng, max = 10_000): number => 1 + Math.floor(rng() * max);
const hex = (rng: Rng): string => Math.floor(rng() * 0xffffffff).toString(16).padStart(8, '0');

/** Noise templates: a fixed pool (seeded), rendered with fresh variables each time. */
function noisePool(rng: Rng): Array<(r: Rng) => string> {
  const pool: Array<(r: Rng) => string> = [];
  for (let i = 0; i < 150; i++) {
    const a = pick(rng, WORDS);
    const b = pick(rng, VERBS);
    const c = pick(rng, WORDS);
    const shape = i % 3;
    pool.push(shape === 0 ? (r) => `${a} ${n(r)} ${b} for ${c}` : shape === 1 ? (r) => `${a} ${b}: ${c} id=${hex(r)}` : (r) => `${b} ${a} after ${n(r, 500)} ms (${c})`);
  }
  return pool;
}

interface Kind {
  name: string;
  services: string[];
  operations: string[];
  primary: string[];
  secondary: Array<[string, number, 'up' | 'down']>;
  templates: Array<[(r: Rng) => string, number]>;
  /** Probability of a (relevant) deployment and its change kind. */
  deploy?: { p: number; changes: Array<[string, string]>; verdictFail: number };
}

const KINDS: Kind[] = [
  {
    name: 'db_pool_exhaustion', services: ['checkout'], operations: ['POST /checkout', 'POST /checkout', 'GET /cart'], primary: ['latency_p99'],
    secondary: [['latency_p95', 0.6, 'up'], ['error_ratio', 0.3, 'up'], ['rate', 0.2, 'down']],
    templates: [[(r) => `connection pool timeout after ${n(r, 5000)} ms`, 0.85], [(r) => `HikariPool-1 - Connection is not available, request timed out after ${n(r, 30000)}ms`, 0.4]],
  },
  {
    name: 'bad_config_deploy', services: ['payments'], operations: ['POST /charge', 'POST /charge', 'GET /'], primary: ['error_ratio'],
    secondary: [['rate', 0.3, 'down'], ['latency_p99', 0.2, 'up']],
    templates: [[(r) => `invalid configuration value for key payments.provider.${pick(r, ['timeout', 'endpoint', 'region'])}`, 0.6], [(r) => `failed to parse feature flag ${pick(r, ['new_checkout', 'fraud_v2', 'fx_rates'])}: unexpected token`, 0.5]],
    deploy: { p: 0.9, changes: [['1.4.2', '1.4.2'], ['1.4.2+cfg.8', '1.4.2+cfg.7'], ['1.4.3', '1.4.2']], verdictFail: 0.6 },
  },
  {
    name: 'cache_stampede', services: ['catalog', 'search'], operations: ['GET /product', 'GET /search'], primary: ['latency_p99', 'latency_p95'],
    secondary: [['rate', 0.5, 'up'], ['latency_p50', 0.5, 'up'], ['error_ratio', 0.2, 'up']],
    templates: [[(r) => `cache miss storm: ${n(r, 900)} concurrent loads for key product:${n(r)}`, 0.6], [(r) => `redis timeout after ${n(r, 2000)} ms`, 0.5]],
  },
  {
    name: 'dependency_outage', services: ['checkout', 'payments', 'cart', 'shipping'], operations: OPERATIONS, primary: ['error_ratio'],
    secondary: [['rate', 0.4, 'down'], ['latency_p99', 0.4, 'up']],
    templates: [[(r) => `upstream ${pick(r, ['inventory', 'fx-api', 'geo'])}.svc:${n(r, 9000)} unavailable`, 0.9], [(r) => `circuit breaker open for ${pick(r, ['inventory', 'fx-api', 'geo'])}`, 0.5]],
  },
  {
    name: 'memory_leak', services: ['recommendations', 'cart'], operations: ['GET /recommendations', 'POST /cart/items'], primary: ['latency_p99', 'latency_p50'],
    secondary: [['latency_p95', 0.5, 'up'], ['error_ratio', 0.3, 'up'], ['rate', 0.2, 'down']],
    templates: [[(r) => `OOMKilled: container ${pick(r, ['reco', 'cart'])}-${hex(r)} exceeded memory limit ${n(r, 4096)}Mi`, 0.7], [() => 'java.lang.OutOfMemoryError: Java heap space', 0.5], [(r) => `GC overhead limit exceeded after ${n(r, 100)} s`, 0.3]],
    deploy: { p: 0.5, changes: [['1.5.0', '1.4.9'], ['1.4.3', '1.4.2']], verdictFail: 0.2 },
  },
];

export const RECURRING_KINDS = KINDS.map((k) => k.name);

export class ScenarioGenerator {
  private readonly pool: Array<(r: Rng) => string>;
  private distractors = 0;

  constructor(private readonly rng: Rng, private readonly noise: number, private readonly distractorShare = 0.3) {
    this.pool = noisePool(rng);
  }

  next(): Scenario {
    if (this.rng() < this.distractorShare) return this.distractor();
    return this.recurring(pick(this.rng, KINDS));
  }

  private anomaly(service: string, metric: string, operation: string, direction: 'up' | 'down', score: number): AnomalyLike {
    return { service, signal: 'traces', metric, operation, seriesKey: `${service}|${operation}|${metric}`, value: direction === 'up' ? 2 : 0.5, expected: 1, score };
  }

  private templateAnomaly(service: string, text: string): AnomalyLike {
    return { service, signal: 'logs', metric: 'new_log_template', seriesKey: `${service}|new_log_template|${hex(this.rng)}`, value: 1, expected: 0, score: 1, summary: `${service}: new error log template: "${text}"` };
  }

  private recurring(k: Kind): Scenario {
    const r = this.rng;
    const nu = this.noise;
    let service = pick(r, k.services);
    if (r() < nu / 5) service = pick(r, SERVICES);
    let operation = pick(r, k.operations);
    if (r() < nu / 2) operation = pick(r, OPERATIONS);
    let metric = pick(r, k.primary);
    if (r() < nu / 4) metric = pick(r, METRICS);
    const related: AnomalyLike[] = [];
    for (const [m, p, dir] of k.secondary) if (r() < p) related.push(this.anomaly(service, m, operation, dir, 0.95 + r() * 0.05));
    for (const [tpl, p] of k.templates) if (r() < p && r() >= nu / 2) related.push(this.templateAnomaly(service, tpl(r)));
    this.addNoise(service, related);
    let deployment: FingerprintInput['deployment'];
    let verdict: VerdictKind = 'none';
    if (k.deploy && r() < k.deploy.p) {
      const [version, previousVersion] = pick(r, k.deploy.changes);
      deployment = { id: `d-${hex(r)}`, version, previousVersion };
      verdict = r() < k.deploy.verdictFail ? 'fail' : 'running';
    } else if (r() < 0.3 * nu) {
      const [version, previousVersion] = pick(r, CHANGES);
      deployment = { id: `d-${hex(r)}`, version, previousVersion };
      verdict = r() < 0.2 ? 'fail' : 'pass';
    }
    return {
      kind: k.name, recurring: true,
      input: { service, primary: this.anomaly(service, metric, operation, 'up', 0.99 + r() * 0.01), related, ...(deployment ? { deployment } : {}), verdict },
    };
  }

  private distractor(): Scenario {
    const r = this.rng;
    const service = pick(r, SERVICES);
    const operation = pick(r, OPERATIONS);
    const related: AnomalyLike[] = [];
    const t = Math.floor(r() * 3);
    for (let i = 0; i < t; i++) related.push(this.templateAnomaly(service, pick(r, this.pool)(r)));
    if (r() < 0.5) related.push(this.anomaly(service, pick(r, METRICS), operation, r() < 0.7 ? 'up' : 'down', 0.95));
    this.addNoise(service, related);
    let deployment: FingerprintInput['deployment'];
    if (r() < 0.3) {
      const [version, previousVersion] = pick(r, CHANGES);
      deployment = { id: `d-${hex(r)}`, version, previousVersion };
    }
    return {
      kind: `distractor-${++this.distractors}`, recurring: false,
      input: { service, primary: this.anomaly(service, pick(r, METRICS), operation, r() < 0.7 ? 'up' : 'down', 0.99), related, ...(deployment ? { deployment } : {}), verdict: 'none' },
    };
  }

  private addNoise(service: string, related: AnomalyLike[]): void {
    const r = this.rng;
    const nu = this.noise;
    const extraTemplates = poisson(r, 2 * nu);
    for (let i = 0; i < extraTemplates; i++) related.push(this.templateAnomaly(service, pick(r, this.pool)(r)));
    const extraMetrics = poisson(r, 1.5 * nu);
    for (let i = 0; i < extraMetrics; i++) related.push(this.anomaly(service, pick(r, METRICS), pick(r, OPERATIONS), r() < 0.6 ? 'up' : 'down', 0.9 + r() * 0.1));
  }
}

